"""The part of X-Ray's filter expression language that GetTraceSummaries needs here: which
traces passed through a service (`service("name")`, `id(name: "x", type: "y")`, either with a
`{ ... }` filter on that service alone), failed (`ok`, `error`, `fault`, `throttle`,
`partial`), took long (`responsetime`, `duration`), served a request (`http.status`,
`http.url`, `http.method`, `http.useragent`, `http.clientip`, `user`) or carry an annotation
(`annotation.key`, `annotation[key]`), combined with AND, OR, ! and parentheses.

Anything else is refused with `InvalidFilterExpression`, which the API answers as X-Ray's
InvalidRequestException rather than matching everything or nothing in silence."""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from simulator.observability.trace_store import (
    Scope,
    TraceMatcher,
    elapsed,
    entities,
    is_segment,
)

FLAGS = ("ok", "error", "fault", "throttle", "partial")
NUMBERS = ("responsetime", "duration", "http.status")
STRINGS = {"http.url": ("http", "request", "url"), "http.method": ("http", "request", "method"),
           "http.useragent": ("http", "request", "user_agent"),
           "http.clientip": ("http", "request", "client_ip"), "user": ("user",)}

NUMBER_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge}
STRING_OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "=": operator.eq, "!=": operator.ne, "CONTAINS": operator.contains,
    "BEGINSWITH": str.startswith, "ENDSWITH": str.endswith}

TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<symbol>>=|<=|!=|&&|\|\||[=<>!(){}\[\],:])
""", re.VERBOSE)


class InvalidFilterExpression(ValueError):
    pass


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int


def parse_filter(expression: str) -> TraceMatcher:
    """The expression as a test of a trace; `InvalidFilterExpression` if it is not one."""
    parser = _Parser(_tokens(expression))
    matcher = parser.expression()
    if parser.peek() is not None:
        parser.fail("unexpected")
    return matcher


def _tokens(expression: str) -> list[_Token]:
    tokens = []
    position = 0
    while position < len(expression):
        found = TOKEN.match(expression, position)
        if found is None:
            raise InvalidFilterExpression(
                f"Invalid filter expression: unexpected character {expression[position]!r} "
                f"at position {position}.")
        kind = found.lastgroup or ""
        if kind != "space":
            tokens.append(_Token(kind, found.group(), position))
        position = found.end()
    if not tokens:
        raise InvalidFilterExpression("Invalid filter expression: the expression is empty.")
    return tokens


class _Parser:
    """Recursive descent: OR binds loosest, then AND, then !."""

    def __init__(self, tokens: list[_Token]) -> None:
        self._tokens = tokens
        self._next = 0

    def peek(self) -> _Token | None:
        return self._tokens[self._next] if self._next < len(self._tokens) else None

    def fail(self, problem: str) -> NoReturn:
        token = self.peek()
        where = f"{token.text!r} at position {token.position}" if token else "the end"
        raise InvalidFilterExpression(f"Invalid filter expression: {problem} {where}.")

    def take(self, *texts: str) -> _Token | None:
        """The next token if its text (words in any case) is one of `texts`."""
        token = self.peek()
        if token is None:
            return None
        text = token.text.upper() if token.kind == "word" else token.text
        if text in texts:
            self._next += 1
            return token
        return None

    def expect(self, *texts: str) -> None:
        if self.take(*texts) is None:
            self.fail(f"expected {' or '.join(texts)} instead of")

    def expression(self) -> TraceMatcher:
        alternatives = [self.conjunction()]
        while self.take("OR", "||"):
            alternatives.append(self.conjunction())
        if len(alternatives) == 1:
            return alternatives[0]
        return lambda scope: any(matcher(scope) for matcher in alternatives)

    def conjunction(self) -> TraceMatcher:
        parts = [self.negation()]
        while self.take("AND", "&&"):
            parts.append(self.negation())
        if len(parts) == 1:
            return parts[0]
        return lambda scope: all(matcher(scope) for matcher in parts)

    def negation(self) -> TraceMatcher:
        if self.take("!"):
            negated = self.negation()
            return lambda scope: not negated(scope)
        if self.take("("):
            inner = self.expression()
            self.expect(")")
            return inner
        return self.condition()

    def condition(self) -> TraceMatcher:
        token = self.peek()
        if token is None or token.kind != "word":
            self.fail("expected a keyword instead of")
        self._next += 1
        keyword = token.text.lower()
        if keyword in ("service", "id"):
            self.expect("(")
            name, kind = self.service_arguments() if keyword == "service" else self.id_arguments()
            self.expect(")")
            return self.service_matcher(name, kind)
        if keyword in FLAGS:
            return self.flag(keyword)
        if keyword in NUMBERS:
            return self.number(keyword)
        if keyword in STRINGS:
            return self.string(STRINGS[keyword])
        if keyword.startswith("annotation.") and len(keyword) > len("annotation."):
            return self.annotation(token.text[len("annotation."):])
        if keyword == "annotation" and self.take("["):
            key = self.peek()
            if key is None or key.kind != "word":
                self.fail("expected an annotation key instead of")
            self._next += 1
            self.expect("]")
            return self.annotation(key.text)
        self._next -= 1
        self.fail("unsupported keyword")

    def service_arguments(self) -> tuple[str | None, str | None]:
        """`service()`, `service("name")` or `service(id(...))`."""
        if self.take("ID"):
            self.expect("(")
            found = self.id_arguments()
            self.expect(")")
            return found
        token = self.peek()
        if token is not None and token.kind == "string":
            self._next += 1
            return _text(token), None
        return None, None

    def id_arguments(self) -> tuple[str | None, str | None]:
        """`id("name")` or `id(name: "x", type: "y")`."""
        token = self.peek()
        if token is not None and token.kind == "string":
            self._next += 1
            return _text(token), None
        named: dict[str, str] = {}
        while (field := self.take("NAME", "TYPE")) is not None:
            self.expect(":")
            value = self.peek()
            if value is None or value.kind != "string":
                self.fail("expected a quoted string instead of")
            self._next += 1
            named[field.text.lower()] = _text(value)
            if not self.take(","):
                break
        if "name" not in named:
            self.fail("id() needs a name: expected name: \"...\" instead of")
        return named["name"], named.get("type")

    def service_matcher(self, name: str | None, kind: str | None) -> TraceMatcher:
        inner: TraceMatcher | None = None
        if self.take("{"):
            inner = self.expression()
            self.expect("}")

        def matches(scope: Scope) -> bool:
            return any(inner is None or inner(service_scope)
                       for service_scope in _services(scope, name, kind))
        return matches

    def flag(self, keyword: str) -> TraceMatcher:
        expected = True
        comparison = self.take("=", "!=")
        if comparison is not None:
            value = self.take("TRUE", "FALSE")
            if value is None:
                self.fail("expected true or false instead of")
            expected = (value.text.lower() == "true") == (comparison.text == "=")
        return lambda scope: _flag(scope, keyword) == expected

    def number(self, keyword: str) -> TraceMatcher:
        compare = self.operator(NUMBER_OPERATORS)
        value = self.value("number")
        if keyword == "http.status":
            def statuses(scope: Scope) -> list[Any]:
                return [status for segment in scope.segments
                        if isinstance(status := _field(segment, ("http", "response", "status")),
                                      int | float) and not isinstance(status, bool)]
            return lambda scope: any(compare(status, value) for status in statuses(scope))
        if keyword == "responsetime":
            return lambda scope: any(compare(time, value) for time in scope.response_times)
        return lambda scope: any(compare(time, value) for time in scope.durations)

    def string(self, path: tuple[str, ...]) -> TraceMatcher:
        compare = self.operator(STRING_OPERATORS)
        value = self.value("string")
        return lambda scope: any(
            isinstance(found := _field(segment, path), str) and compare(found, value)
            for segment in scope.segments)

    def annotation(self, key: str) -> TraceMatcher:
        token = self.peek()
        if token is None or token.text.upper() not in {*NUMBER_OPERATORS, *STRING_OPERATORS}:
            return lambda scope: any(value is not False for value in _annotations(scope, key))
        candidate = self._tokens[self._next + 1] if self._next + 1 < len(self._tokens) else None
        if candidate is not None and candidate.kind == "string":
            compare_text = self.operator(STRING_OPERATORS)
            text = self.value("string")
            return lambda scope: any(isinstance(value, str) and compare_text(value, text)
                                     for value in _annotations(scope, key))
        if candidate is not None and candidate.text.lower() in ("true", "false"):
            comparison = self.take("=", "!=")
            if comparison is None:
                self.fail("a boolean is compared with = or !=, not")
            self._next += 1
            wanted = (candidate.text.lower() == "true") == (comparison.text == "=")
            return lambda scope: any(isinstance(value, bool) and value == wanted
                                     for value in _annotations(scope, key))
        compare_number = self.operator(NUMBER_OPERATORS)
        number = self.value("number")
        return lambda scope: any(
            isinstance(value, int | float) and not isinstance(value, bool)
            and compare_number(value, number) for value in _annotations(scope, key))

    def operator(self, operators: dict[str, Callable[[Any, Any], bool]]
                 ) -> Callable[[Any, Any], bool]:
        token = self.take(*operators)
        if token is None:
            self.fail(f"expected one of {', '.join(operators)} instead of")
        return operators[token.text.upper()]

    def value(self, kind: str) -> Any:
        token = self.peek()
        if token is None or token.kind != kind:
            self.fail(f"expected a {kind} instead of")
        self._next += 1
        return _text(token) if kind == "string" else float(token.text)


def _text(token: _Token) -> str:
    try:
        text = json.loads(token.text)
    except ValueError:
        raise InvalidFilterExpression(
            f"Invalid filter expression: bad string {token.text} at position {token.position}."
        ) from None
    return str(text)


def _services(scope: Scope, name: str | None, kind: str | None) -> list[Scope]:
    """One scope per service of the trace that the name and type (when given) pick."""
    groups: dict[tuple[str, Any], list[dict[str, Any]]] = {}
    for segment in scope.segments:
        if not is_segment(segment) or (name is not None and segment["name"] != name) \
                or (kind is not None and segment.get("origin") != kind):
            continue
        groups.setdefault((segment["name"], segment.get("origin")), []).append(segment)
    scopes = []
    for segments in groups.values():
        times = [time for time in map(elapsed, segments) if time is not None]
        scopes.append(Scope(segments, times, times))
    return scopes


def _flag(scope: Scope, keyword: str) -> bool:
    everything = [entity for segment in scope.segments for entity in entities(segment)]
    if keyword == "ok":
        return not any(entity.get(flag) is True for entity in everything
                       for flag in ("error", "fault", "throttle"))
    field_name = "in_progress" if keyword == "partial" else keyword
    return any(entity.get(field_name) is True for entity in everything)


def _field(segment: dict[str, Any], path: tuple[str, ...]) -> Any:
    found: Any = segment
    for name in path:
        if not isinstance(found, dict):
            return None
        found = found.get(name)
    return found


def _annotations(scope: Scope, key: str) -> list[Any]:
    return [entity["annotations"][key]
            for segment in scope.segments for entity in entities(segment)
            if isinstance(entity.get("annotations"), dict) and key in entity["annotations"]]
