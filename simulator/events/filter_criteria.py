"""Lambda's event filtering: the `FilterCriteria` of an event source mapping, checked as
CreateEventSourceMapping checks it, and matched against one record at a time.

A pattern uses EventBridge's grammar (exact values, prefix, suffix, equals-ignore-case,
anything-but, numeric, exists, wildcard, cidr, `$or`). A record matches when any one filter
matches it; a filter matches when every field it names matches (an array in the record matches
when any of its elements does). The matcher takes a plain dict, so any event source can use it;
the source says which member carries its payload as JSON text (SQS: `body`)."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

from simulator.errors import InvalidParameterValueException
from simulator.functions.validation import Violations, check_length

MAX_FILTERS = 5  # AWS's default quota of filters per event source mapping
MAX_PATTERN_LENGTH = 4096
INVALID_PATTERN = "Invalid filter pattern definition."
OR = "$or"
NUMERIC_OPERATORS = {
    "=": lambda value, bound: value == bound,
    "<": lambda value, bound: value < bound,
    "<=": lambda value, bound: value <= bound,
    ">": lambda value, bound: value > bound,
    ">=": lambda value, bound: value >= bound,
}
LOWER_BOUNDS, UPPER_BOUNDS = (">", ">="), ("<", "<=")


class _Missing:
    """A field the record does not have (distinct from a JSON null)."""


MISSING = _Missing()


class JsonNumber(float):
    """A number read from JSON text that remembers how it was written: Lambda matches an exact
    number by its text, so 300, 300.0 and 3.0e2 are three different values."""

    text: str

    def __new__(cls, text: str) -> JsonNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number


def parse_json(text: str) -> Any:
    """Strict JSON (no NaN or Infinity), numbers as `JsonNumber`; ValueError if it is not."""
    return json.loads(text, parse_int=JsonNumber, parse_float=JsonNumber,
                      parse_constant=_refuse_constant)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


@dataclass(frozen=True)
class FilterCriteria:
    """One mapping's filters, as given (`patterns`) and parsed."""

    patterns: tuple[str, ...]
    _parsed: tuple[dict[str, Any], ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def of(cls, patterns: Sequence[str]) -> FilterCriteria:
        """Filters from pattern texts; InvalidParameterValueException if one is not valid."""
        return cls(tuple(patterns), tuple(_parse_pattern(pattern) for pattern in patterns))

    def to_api(self) -> dict[str, Any]:
        return {"Filters": [{"Pattern": pattern} for pattern in self.patterns]}

    def matches(self, record: Mapping[str, Any], data_key: str | None = None) -> bool:
        """Whether any filter matches `record`. `data_key` names the member that carries the
        source's payload as text (SQS: `body`): a pattern object on it matches into the parsed
        JSON, a list of rules matches the plain text, and a pattern of the one kind never
        matches a payload of the other, as AWS documents."""
        data = _Data.of(record, data_key)
        view = data.view(record) if data is not None else record
        return any(_matches_object(pattern, view, data) for pattern in self._parsed)


def parse_filter_criteria(criteria: Any) -> FilterCriteria | None:
    """A request's `FilterCriteria`, checked with AWS's errors; None when it names no filter
    (absent, `{}` or an empty `Filters`: what clears a mapping's filters)."""
    if criteria is None:
        return None
    if not isinstance(criteria, dict):
        raise InvalidParameterValueException(INVALID_PATTERN)
    filters = criteria.get("Filters")
    if filters is None or filters == []:
        return None
    if not isinstance(filters, list):
        raise InvalidParameterValueException(INVALID_PATTERN)
    if len(filters) > MAX_FILTERS:
        raise InvalidParameterValueException(
            f"The number of filters ({len(filters)}) exceeds the limit of {MAX_FILTERS} filters "
            "for an event source mapping."
        )
    v = Violations()
    for index, item in enumerate(filters, start=1):
        pattern = item.get("Pattern") if isinstance(item, dict) else None
        if isinstance(pattern, str):
            check_length(v, pattern, f"filterCriteria.filters.{index}.member.pattern",
                         MAX_PATTERN_LENGTH)
    v.raise_if_any()
    patterns = [item.get("Pattern") if isinstance(item, dict) else None for item in filters]
    if not all(isinstance(pattern, str) for pattern in patterns):
        raise InvalidParameterValueException(INVALID_PATTERN)
    return FilterCriteria.of([str(pattern) for pattern in patterns])


# -- checking a pattern -----------------------------------------------------------------------


class _InvalidPattern(Exception):
    """Raised inside the checks; the caller answers AWS's one message for all of them."""


def _parse_pattern(text: str) -> dict[str, Any]:
    try:
        pattern = parse_json(text)
        _check_object(pattern)
    except (ValueError, _InvalidPattern):
        raise InvalidParameterValueException(INVALID_PATTERN) from None
    return cast("dict[str, Any]", pattern)


def _require(condition: bool) -> None:
    if not condition:
        raise _InvalidPattern


def _check_object(pattern: Any) -> None:
    _require(isinstance(pattern, dict) and bool(pattern))
    for key, rules in pattern.items():
        if _is_or(key, rules):
            _require(len(rules) >= 2)
            for alternative in rules:
                _check_object(alternative)
        elif isinstance(rules, dict):
            _check_object(rules)
        else:
            _require(isinstance(rules, list) and bool(rules))
            for rule in rules:
                _check_rule(rule)


def _is_or(key: str, rules: Any) -> bool:
    return key == OR and isinstance(rules, list) and all(isinstance(r, dict) for r in rules)


def _check_rule(rule: Any) -> None:
    if _is_scalar(rule):
        return
    _require(isinstance(rule, dict) and len(rule) == 1)
    [(operator, argument)] = rule.items()
    check = RULE_CHECKS.get(operator)
    if check is None:
        raise _InvalidPattern
    check(argument)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, bool, int, float))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_string(argument: Any) -> None:
    _require(isinstance(argument, str))


def _check_affix(argument: Any) -> None:
    """`prefix`/`suffix`: a string, or `{"equals-ignore-case": string}`."""
    if isinstance(argument, dict):
        _require(list(argument) == ["equals-ignore-case"])
        argument = argument["equals-ignore-case"]
    _check_string(argument)


def _check_strings(argument: Any, check: Callable[[Any], None] = _check_string) -> None:
    """A string or a non-empty list of strings."""
    items = argument if isinstance(argument, list) else [argument]
    _require(bool(items))
    for item in items:
        check(item)


def _check_anything_but(argument: Any) -> None:
    if isinstance(argument, dict):
        _require(len(argument) == 1)
        [(operator, value)] = argument.items()
        if operator in ("prefix", "suffix"):
            _check_string(value)
        elif operator == "equals-ignore-case":
            _check_strings(value)
        elif operator == "wildcard":
            _check_strings(value, _check_wildcard)
        else:
            _require(False)
    elif isinstance(argument, list):
        _require(bool(argument) and (all(isinstance(item, str) for item in argument)
                                     or all(_is_number(item) for item in argument)))
    else:
        _require(isinstance(argument, str) or _is_number(argument))


def _check_numeric(argument: Any) -> None:
    _require(isinstance(argument, list) and len(argument) in (2, 4))
    operators, bounds = argument[0::2], argument[1::2]
    _require(all(isinstance(operator, str) for operator in operators)
             and all(_is_number(bound) for bound in bounds))
    if len(argument) == 2:
        _require(operators[0] in NUMERIC_OPERATORS)
    else:
        _require(operators[0] in LOWER_BOUNDS and operators[1] in UPPER_BOUNDS
                 and bounds[0] < bounds[1])


def _check_exists(argument: Any) -> None:
    _require(isinstance(argument, bool))


def _check_wildcard(argument: Any) -> None:
    _check_string(argument)
    _require(_wildcard_regex(argument) is not None)


def _check_cidr(argument: Any) -> None:
    _check_string(argument)
    try:
        ipaddress.ip_network(argument, strict=False)
    except ValueError:
        raise _InvalidPattern from None


RULE_CHECKS: dict[str, Callable[[Any], None]] = {
    "prefix": _check_affix,
    "suffix": _check_affix,
    "equals-ignore-case": _check_string,
    "anything-but": _check_anything_but,
    "numeric": _check_numeric,
    "exists": _check_exists,
    "wildcard": _check_wildcard,
    "cidr": _check_cidr,
}


@lru_cache(maxsize=256)
def _wildcard_regex(wildcard: str) -> re.Pattern[str] | None:
    """`*` is any run of characters, `\\*` a star, `\\\\` a backslash; None when the wildcard
    is not valid (another escape, or two stars in a row, which EventBridge refuses)."""
    parts: list[str] = []
    escaped = previous_star = False
    for character in wildcard:
        if escaped:
            if character not in "*\\":
                return None
            parts.append(re.escape(character))
            escaped = previous_star = False
        elif character == "\\":
            escaped = True
        elif character == "*":
            if previous_star:
                return None
            parts.append(".*")
            previous_star = True
        else:
            parts.append(re.escape(character))
            previous_star = False
    if escaped:
        return None
    return re.compile("".join(parts), re.DOTALL)


# -- matching a record ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Data:
    """The payload member of a record: its name, and its text parsed when it is JSON."""

    key: str
    parsed: Any  # MISSING when the text is not JSON

    @classmethod
    def of(cls, record: Mapping[str, Any], key: str | None) -> _Data | None:
        if key is None or not isinstance(record.get(key), str):
            return None
        try:
            return cls(key, parse_json(record[key]))
        except ValueError:
            return cls(key, MISSING)

    @property
    def is_json(self) -> bool:
        return self.parsed is not MISSING

    def view(self, record: Mapping[str, Any]) -> Mapping[str, Any]:
        """The record as the patterns see it: a JSON payload parsed."""
        return {**record, self.key: self.parsed} if self.is_json else record


def _matches_object(pattern: dict[str, Any], value: Any, data: _Data | None = None) -> bool:
    """Every field of `pattern` matches `value` (a dict, or MISSING below an absent field).
    `data` is the record's payload member, at the top level only."""
    for key, rules in pattern.items():
        if _is_or(key, rules):
            if not any(_matches_object(alternative, value, data) for alternative in rules):
                return False
            continue
        if data is not None and key == data.key and isinstance(rules, dict) != data.is_json:
            return False  # a JSON pattern for a plain payload, or the reverse
        child = value.get(key, MISSING) if isinstance(value, Mapping) else MISSING
        if isinstance(rules, dict):
            if not _matches_nested(rules, child):
                return False
        elif not _matches_leaf(rules, child):
            return False
    return True


def _matches_nested(pattern: dict[str, Any], value: Any) -> bool:
    """A pattern object against a field: an array matches when one of its objects does; a
    field that is absent or not an object has no fields (only `exists: false` can hold)."""
    if isinstance(value, list):
        objects = [item for item in _flattened(value) if isinstance(item, Mapping)]
        if objects:
            return any(_matches_object(pattern, item) for item in objects)
        value = MISSING
    return _matches_object(pattern, value if isinstance(value, Mapping) else MISSING)


def _matches_leaf(rules: list[Any], value: Any) -> bool:
    """A field's rules (alternatives) against its leaf values: an object is not a leaf, and an
    array's values are its elements."""
    if value is MISSING or isinstance(value, Mapping):
        values: list[Any] = []
    elif isinstance(value, list):
        values = [item for item in _flattened(value) if not isinstance(item, Mapping)]
    else:
        values = [value]
    for rule in rules:
        if isinstance(rule, dict) and "exists" in rule:
            if rule["exists"] == bool(values):
                return True
        elif any(_matches_value(rule, item) for item in values):
            return True
    return False


def _flattened(values: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for item in values:
        flat.extend(_flattened(item) if isinstance(item, list) else [item])
    return flat


def _matches_value(rule: Any, value: Any) -> bool:
    if not isinstance(rule, dict):
        return _equal(rule, value)
    [(operator, argument)] = rule.items()
    return bool(VALUE_MATCHERS[operator](argument, value))


def _equal(expected: Any, value: Any) -> bool:
    """Exact matching: strings character by character, numbers by their JSON text."""
    if _is_number(expected) or _is_number(value):
        return _is_number(expected) and _is_number(value) and (
            _number_text(expected) == _number_text(value))
    return type(expected) is type(value) and bool(expected == value)


def _number_text(number: int | float) -> str:
    if isinstance(number, JsonNumber):
        return number.text
    return str(number) if isinstance(number, int) else repr(number)


def _affix(argument: Any, value: Any, test: Callable[[str, str], bool]) -> bool:
    if not isinstance(value, str):
        return False
    if isinstance(argument, dict):
        return test(value.casefold(), str(argument["equals-ignore-case"]).casefold())
    return test(value, str(argument))


def _starts(value: str, prefix: str) -> bool:
    return value.startswith(prefix)


def _ends(value: str, suffix: str) -> bool:
    return value.endswith(suffix)


def _equals_ignore_case(argument: Any, value: Any) -> bool:
    return isinstance(value, str) and value.casefold() == str(argument).casefold()


def _wildcard(argument: Any, value: Any) -> bool:
    regex = _wildcard_regex(str(argument))
    return isinstance(value, str) and regex is not None and regex.fullmatch(value) is not None


def _anything_but(argument: Any, value: Any) -> bool:
    if isinstance(argument, dict):
        [(operator, excluded)] = argument.items()
        if not isinstance(value, str):
            return False
        options = excluded if isinstance(excluded, list) else [excluded]
        match = VALUE_MATCHERS[operator]
        return not any(match(option, value) for option in options)
    excluded_values = argument if isinstance(argument, list) else [argument]
    return not any(_equal(excluded, value) for excluded in excluded_values)


def _numeric(argument: list[Any], value: Any) -> bool:
    if not _is_number(value):
        return False
    return all(NUMERIC_OPERATORS[str(operator)](float(value), float(bound))
               for operator, bound in zip(argument[0::2], argument[1::2], strict=True))


def _cidr(argument: Any, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(str(argument), strict=False)
    except (ValueError, TypeError):
        return False


VALUE_MATCHERS: dict[str, Callable[[Any, Any], bool]] = {
    "prefix": lambda argument, value: _affix(argument, value, _starts),
    "suffix": lambda argument, value: _affix(argument, value, _ends),
    "equals-ignore-case": _equals_ignore_case,
    "anything-but": _anything_but,
    "numeric": _numeric,
    "wildcard": _wildcard,
    "cidr": _cidr,
}
