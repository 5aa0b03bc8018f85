"""CloudWatch Logs filter patterns: what they match, and the ones refused."""

from __future__ import annotations

import pytest

from simulator.observability.filter_pattern import FilterPatternError, parse_filter_pattern

LINES = [
    "[ERROR] 2026-01-01 connection refused by db",
    "[WARN] retrying the connection",
    "[INFO] request served",
    "ERROR: Task timed out after 3.00 seconds",
    "error in lower case",
]


def matching(pattern: str) -> list[str]:
    parsed = parse_filter_pattern(pattern)
    return [line for line in LINES if parsed.matches(line)]


# -- filter patterns ---------------------------------------------------------------------------

@pytest.mark.parametrize(("pattern", "expected"), [
    ("", LINES),
    ("ERROR", [LINES[0], LINES[3]]),
    ("error", [LINES[4]]),
    ("ERROR db", [LINES[0]]),
    ("ERROR -db", [LINES[3]]),
    ("-ERROR", [LINES[1], LINES[2], LINES[4]]),
    ('"Task timed out"', [LINES[3]]),
    ('"timed Task"', []),
    ("?WARN ?INFO", [LINES[1], LINES[2]]),
    ("?ERROR db ?WARN", [LINES[0], LINES[1]]),
    ("connection ?WARN ?db", [LINES[0], LINES[1]]),
    ("%^\\[(ERROR|WARN)\\]%", [LINES[0], LINES[1]]),
    ('"[ERROR]"', [LINES[0]]),
])
def test_filter_patterns_match_like_cloudwatch(pattern: str, expected: list[str]) -> None:
    assert matching(pattern) == expected


@pytest.mark.parametrize("pattern", ['{ $.level = "ERROR" }', "[ip, user]", '"unterminated',
                                     "%[%"])
def test_unsupported_or_broken_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(FilterPatternError):
        parse_filter_pattern(pattern)
