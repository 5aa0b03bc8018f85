"""CloudWatch Logs filter patterns for unstructured text, as FilterLogEvents applies them.

`ERROR` matches events containing ERROR (case-sensitive), `"exact phrase"` a phrase,
`ERROR timeout` both terms, `ERROR -retry` ERROR without retry. `?ERROR ?WARN` matches
either: each `?` starts an alternative that the terms after it join (`?ERROR db ?WARN`:
ERROR and db, or WARN). `%regex%` is a regular expression. An empty pattern matches all.
JSON (`{ $.x = 1 }`) and space-delimited (`[a, b]`) patterns are refused."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TOKEN = re.compile(r'\s*([?-]?)(?:"((?:[^"\\]|\\.)*)"|%((?:[^%\\]|\\.)*)%|(\S+))')


class FilterPatternError(ValueError):
    """A pattern this simulator cannot apply; the message says why."""


@dataclass(frozen=True)
class Term:
    text: str
    regex: re.Pattern[str] | None = None

    def found_in(self, message: str) -> bool:
        if self.regex is not None:
            return self.regex.search(message) is not None
        return self.text in message


@dataclass
class TermGroup:
    """Terms that must all appear, and terms that must not."""

    required: list[Term] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    def matches(self, message: str) -> bool:
        return all(t.found_in(message) for t in self.required) and not any(
            t.found_in(message) for t in self.excluded)


@dataclass
class FilterPattern:
    """The leading terms must match, and one of the `?` alternatives if there are any."""

    leading: TermGroup
    alternatives: list[TermGroup]

    def matches(self, message: str) -> bool:
        if not self.leading.matches(message):
            return False
        return not self.alternatives or any(a.matches(message) for a in self.alternatives)


def parse_filter_pattern(pattern: str | None) -> FilterPattern:
    text = (pattern or "").strip()
    if text.startswith("{"):
        raise FilterPatternError("JSON filter patterns are not supported by the simulator")
    if text.startswith("["):
        raise FilterPatternError(
            "space-delimited filter patterns are not supported by the simulator")
    leading = TermGroup()
    alternatives: list[TermGroup] = []
    current = leading
    position = 0
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None:
            break
        position = match.end()
        sign, quoted, regex, bare = match.groups()
        term = _term(quoted, regex, bare)
        if sign == "?":
            current = TermGroup()
            alternatives.append(current)
        (current.excluded if sign == "-" else current.required).append(term)
    if text[position:].strip():
        raise FilterPatternError(f"Invalid filter pattern: {pattern}")
    return FilterPattern(leading, alternatives)


def _term(quoted: str | None, regex: str | None, bare: str | None) -> Term:
    if quoted is not None:
        return Term(re.sub(r"\\(.)", r"\1", quoted))
    if regex is not None:
        try:
            return Term(regex, re.compile(regex))
        except re.error as error:
            raise FilterPatternError(f"Invalid regular expression %{regex}%: {error}") from None
    assert bare is not None
    if bare.startswith('"'):
        raise FilterPatternError(f"Unterminated quoted term: {bare}")
    return Term(bare)
