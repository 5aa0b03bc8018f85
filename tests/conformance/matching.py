"""Compare a response we got with one recorded against AWS.

The recordings replace what differs from run to run with placeholders (`<function-name:1>`,
`<uuid:2>`, `<region>`, `date`, `111111111111`). Rather than re-deriving each placeholder the
way the recorder did, a recorded string is read as a template: every placeholder matches a
value of ours and stays bound to it for the rest of the scenario, so the same placeholder
must always stand for the same value and two numbers of one kind (`<uuid:1>`, `<uuid:2>`)
for two different values. Everything else (keys, literal values, status codes, error codes
and messages) must be equal."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

RECORDED_ACCOUNT = "111111111111"
PLACEHOLDER = re.compile(r"<([A-Za-z][^<>\s]*)>")
NUMBERED = re.compile(r"^(.*):\d+$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}")
UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
KIND_PATTERNS = {"uuid": UUID}
# Kinds that stand for what a scenario uploaded: two archives recorded with two hashes may be
# byte-identical when we build them, which says nothing about the simulator.
NOT_DISTINCT = frozenset({"code-sha256"})
# Values the recorder replaced wholesale, whatever they were: a function URL, a code hash.
WHOLE_VALUES = {"lambda-url": re.compile(r"^https?://\S+$"),
                "code-sha256": re.compile(r"^[A-Za-z0-9+/]{43}=$")}


@dataclass
class Bindings:
    """What each placeholder stood for so far in one scenario."""

    values: dict[str, str] = field(default_factory=dict)
    names_by_kind: dict[str, dict[str, str]] = field(default_factory=dict)

    def bind(self, name: str, value: str) -> str | None:
        """Bind `name` to `value`; the name already standing for it, when that is another."""
        numbered = NUMBERED.match(name)
        if numbered is None:
            return None
        taken = self.names_by_kind.setdefault(numbered.group(1), {})
        other = taken.get(value)
        if other is not None and other != name and numbered.group(1) not in NOT_DISTINCT:
            return other
        taken[value] = name
        self.values[name] = value
        return None


@dataclass
class Comparison:
    """Compares responses of one scenario, in order, keeping its placeholder bindings."""

    account_id: str
    region: str
    bindings: Bindings = field(default_factory=Bindings)

    def __post_init__(self) -> None:
        self.bindings.values.update({"region": self.region, "partition": "aws"})

    def differences(self, expected: Any, actual: Any, path: str = "") -> list[str]:
        found: list[str] = []
        self._compare(expected, self._ours(actual), path or "$", found)
        return found

    def _ours(self, value: Any) -> Any:
        """Our response as the recorder would have written it: our account as theirs (a
        Kinesis shard id, `shardId-000000000000`, has the same digits and is left alone)."""
        if isinstance(value, Mapping):
            return {key: self._ours(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self._ours(item) for item in value]
        if isinstance(value, str):
            return re.sub(rf"(?<!shardId-){re.escape(self.account_id)}", RECORDED_ACCOUNT,
                          value)
        if isinstance(value, datetime.datetime):
            return "datetime"
        return value

    def _compare(self, expected: Any, actual: Any, path: str, found: list[str]) -> None:
        if isinstance(expected, dict):
            self._compare_mappings(expected, actual, path, found)
        elif isinstance(expected, list):
            if not isinstance(actual, list):
                found.append(f"{path}: expected a list, got {_short(actual)}")
                return
            if len(expected) != len(actual):
                found.append(f"{path}: expected {len(expected)} items, got {len(actual)}: "
                             f"{_short(actual)}")
                return
            for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
                self._compare(want, got, f"{path}[{index}]", found)
        elif isinstance(expected, str):
            problem = self._match_string(expected, actual)
            if problem:
                found.append(f"{path}: {problem}")
        elif type(expected) is not type(actual) or expected != actual:
            found.append(f"{path}: expected {_short(expected)}, got {_short(actual)}")

    def _compare_mappings(self, expected: dict[str, Any], actual: Any, path: str,
                          found: list[str]) -> None:
        if not isinstance(actual, dict):
            found.append(f"{path}: expected an object, got {_short(actual)}")
            return
        for key in expected.keys() - actual.keys():
            found.append(f"{path}.{key}: missing (AWS: {_short(expected[key])})")
        for key in actual.keys() - expected.keys():
            if key != "ResponseMetadata":
                found.append(f"{path}.{key}: not in AWS's response (ours: {_short(actual[key])})")
        for key, want in expected.items():
            if key not in actual:
                continue
            if key == "ResponseMetadata":
                status = actual[key].get("HTTPStatusCode")
                if want.get("HTTPStatusCode") != status:
                    found.append(f"{path}: HTTP status {status}, AWS "
                                 f"{want.get('HTTPStatusCode')}")
                continue
            self._compare(want, actual[key], f"{path}.{key}", found)

    def _match_string(self, expected: str, actual: Any) -> str | None:
        if expected == "datetime" and actual == "datetime":
            return None
        if expected in WHOLE_VALUES:
            ok = isinstance(actual, str) and WHOLE_VALUES[expected].match(actual)
            return None if ok else f"expected {expected}, got {_short(actual)}"
        if expected == "date":
            ok = isinstance(actual, str) and DATE.match(actual)
            return None if ok else f"expected a date, got {_short(actual)}"
        if isinstance(actual, bool) or not isinstance(actual, str | int | float):
            return f"expected {_short(expected)}, got {_short(actual)}"
        text = str(actual)
        if isinstance(actual, int | float) and not PLACEHOLDER.search(expected):
            return f"expected {_short(expected)}, got {_short(actual)}"
        if not PLACEHOLDER.search(expected):
            return None if expected == text else _diverging(expected, text)
        return self._match_template(expected, text)

    def _match_template(self, template: str, text: str) -> str | None:
        pattern, groups = self._template_pattern(template)
        match = re.fullmatch(pattern, text, re.DOTALL)
        if match is None:
            return _diverging(template, text)
        for group, name in groups.items():
            other = self.bindings.bind(name, match.group(group))
            if other is not None:
                return f"<{name}> is the value of <{other}> ({_short(match.group(group))})"
        return None

    def _template_pattern(self, template: str) -> tuple[str, dict[str, str]]:
        """A regular expression for `template`, and which group binds which placeholder. A
        placeholder without a number (`<duration>`) was written for every value of its kind, so
        each of its occurrences matches a value of its own."""
        parts: list[str] = []
        groups: dict[str, str] = {}
        position = 0
        for found in PLACEHOLDER.finditer(template):
            parts.append(re.escape(template[position:found.start()]))
            position = found.end()
            name = found.group(1)
            if name in self.bindings.values:
                parts.append(re.escape(self.bindings.values[name]))
            elif name in groups.values() and NUMBERED.match(name):
                group = next(key for key, value in groups.items() if value == name)
                parts.append(f"(?P={group})")
            else:
                group = f"g{len(groups)}"
                groups[group] = name
                kind = NUMBERED.match(name)
                body = KIND_PATTERNS.get(kind.group(1) if kind else name, ".+?")
                parts.append(f"(?P<{group}>{body})")
        parts.append(re.escape(template[position:]))
        return "".join(parts), groups


def _diverging(expected: str, actual: str) -> str:
    """Two long strings shown from a little before where they part."""
    same = 0
    while same < min(len(expected), len(actual)) and expected[same] == actual[same]:
        same += 1
    start = max(0, same - 40) if same > 80 else 0
    prefix = "..." if start else ""
    return (f"expected {prefix}{_short(expected[start:])}, "
            f"got {prefix}{_short(actual[start:])}")


def _short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
