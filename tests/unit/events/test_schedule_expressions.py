"""Schedule expressions: rates count from their anchor, crons follow AWS's six fields (L, W,
#, years), one-time schedules fire once, and what EventBridge refuses is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from simulator.events.schedule_expressions import (
    At,
    InvalidScheduleExpression,
    Rate,
    parse_schedule_expression,
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def next_fire(expression: str, after: str) -> str | None:
    timing = parse_schedule_expression(expression)
    moment = timing.next_after(at(after), at(after))
    return moment.strftime("%Y-%m-%dT%H:%M") if moment else None


# -- rate ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("expression", "period"), [
    ("rate(1 minute)", timedelta(minutes=1)),
    ("rate(5 minutes)", timedelta(minutes=5)),
    ("rate(1 hour)", timedelta(hours=1)),
    ("rate(12 hours)", timedelta(hours=12)),
    ("rate(1 day)", timedelta(days=1)),
    ("rate(2 days)", timedelta(days=2)),
])
def test_rates_parse_to_their_period(expression: str, period: timedelta) -> None:
    assert parse_schedule_expression(expression) == Rate(period)


@pytest.mark.parametrize("expression", [
    "rate(1 minutes)", "rate(5 minute)", "rate(2 day)", "rate(1 hours)", "rate(0 minutes)",
    "rate(-5 minutes)", "rate(1.5 hours)", "rate(1 week)", "rate(5  minutes)", "rate(5)",
    "rate 5 minutes", "every 5 minutes", "", "cron()", "cron(0 12 * * ?)",
])
def test_invalid_expressions_are_refused(expression: str) -> None:
    with pytest.raises(InvalidScheduleExpression):
        parse_schedule_expression(expression)


def test_a_rate_counts_from_its_anchor() -> None:
    rate = Rate(timedelta(minutes=5))
    anchor = at("2026-11-27T07:00:00")
    assert rate.next_after(anchor, anchor) == at("2026-11-27T07:05:00")
    assert rate.next_after(at("2026-11-27T07:12:30"), anchor) == at("2026-11-27T07:15:00")
    assert rate.next_after(at("2026-11-27T07:15:00"), anchor) == at("2026-11-27T07:20:00")


# -- cron ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("expression", "after", "expected"), [
    ("cron(0 10 * * ? *)", "2026-11-27T07:00:30", "2026-11-27T10:00"),
    ("cron(0/15 * * * ? *)", "2026-11-27T07:00:30", "2026-11-27T07:15"),
    ("cron(5,35 14 * * ? *)", "2026-11-27T14:10:00", "2026-11-27T14:35"),
    ("cron(0/5 8-17 ? * MON-FRI *)", "2026-11-27T17:56:00", "2026-11-30T08:00"),
    ("cron(0 18 ? * MON-FRI *)", "2026-11-28T00:00:00", "2026-11-30T18:00"),
    ("cron(0 8 1 * ? *)", "2026-11-27T07:00:00", "2026-12-01T08:00"),
    ("cron(0 12 ? * 1 *)", "2026-11-27T07:00:00", "2026-11-29T12:00"),  # 1 = Sunday
    ("cron(0 12 ? * SUN *)", "2026-11-27T07:00:00", "2026-11-29T12:00"),
    ("cron(0 12 ? * 7 *)", "2026-11-27T07:00:00", "2026-11-28T12:00"),  # 7 = Saturday
    ("cron(0 12 ? * 2#1 *)", "2026-11-27T07:00:00", "2026-12-07T12:00"),  # first Monday
    ("cron(0 12 ? * MON#1 *)", "2026-11-27T07:00:00", "2026-12-07T12:00"),
    ("cron(0 0 L * ? *)", "2026-11-27T07:00:00", "2026-11-30T00:00"),
    ("cron(0 0 L-2 * ? *)", "2026-11-27T07:00:00", "2026-11-28T00:00"),
    ("cron(0 0 ? * 6L *)", "2026-11-27T07:00:00", "2026-12-25T00:00"),  # last Friday
    ("cron(0 0 ? * L *)", "2026-11-27T07:00:00", "2026-11-28T00:00"),  # the week's last day
    ("cron(0 0 15W * ? *)", "2026-11-01T00:00:00", "2026-11-16T00:00"),  # 15th is a Sunday
    ("cron(0 0 15W * ? *)", "2026-08-01T00:00:00", "2026-08-14T00:00"),  # 15th is a Saturday
    ("cron(0 0 LW * ? *)", "2026-05-01T00:00:00", "2026-05-29T00:00"),  # 31st is a Sunday
    ("cron(0 0 LW * ? *)", "2026-05-30T00:00:00", "2026-06-30T00:00"),
    ("cron(0 0 LW * ? *)", "2026-11-01T00:00:00", "2026-11-30T00:00"),
    ("cron(30 6 ? JAN,JUL MON *)", "2026-11-27T07:00:00", "2027-01-04T06:30"),
    ("cron(0 7 27 NOV ? 2027)", "2026-11-27T07:00:00", "2027-11-27T07:00"),
    ("cron(0 7 27 NOV ? 2026)", "2026-11-27T07:00:00", None),
    ("cron(0 0 1 JAN ? 2030-2031)", "2026-11-27T07:00:00", "2030-01-01T00:00"),
    ("cron(0 0 29 FEB ? *)", "2026-11-27T07:00:00", "2028-02-29T00:00"),
])
def test_cron_next_fire_times(expression: str, after: str, expected: str | None) -> None:
    assert next_fire(expression, after) == expected


@pytest.mark.parametrize("expression", [
    "cron(0 12 * * * *)",  # day-of-month and day-of-week both set
    "cron(0 12 ? * ? *)",
    "cron(0 12 * * ?)",  # five fields
    "cron(60 12 * * ? *)",
    "cron(0 24 * * ? *)",
    "cron(0 12 32 * ? *)",
    "cron(0 12 ? * 8 *)",
    "cron(0 12 ? * MON#6 *)",
    "cron(0 12 1 13 ? *)",
    "cron(0 12 1 * ? 1969)",
    "cron(0 12 1 FOO ? *)",
])
def test_invalid_crons_are_refused(expression: str) -> None:
    with pytest.raises(InvalidScheduleExpression):
        parse_schedule_expression(expression)


def test_a_one_time_schedule_fires_once_at_its_moment() -> None:
    timing = parse_schedule_expression("at(2030-01-01T08:00:00)", one_time=True)
    assert isinstance(timing, At)
    moment = datetime(2030, 1, 1, 8, tzinfo=UTC)

    assert timing.next_after(moment - timedelta(seconds=1), None) == moment
    assert timing.next_after(moment, None) is None


def test_a_rule_takes_no_one_time_expression() -> None:
    with pytest.raises(InvalidScheduleExpression):
        parse_schedule_expression("at(2030-01-01T08:00:00)")
    with pytest.raises(InvalidScheduleExpression):
        parse_schedule_expression("at(2030-13-01T08:00:00)", one_time=True)
