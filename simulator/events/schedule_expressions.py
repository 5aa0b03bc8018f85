"""Schedule expressions as EventBridge and EventBridge Scheduler write them: `rate(...)`,
`cron(...)` with AWS's six fields, and Scheduler's one-time `at(...)`; each answers when it
next fires."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aws_croniter import AwsCroniter

RATE_PATTERN = re.compile(r"rate\(([1-9][0-9]*) (minute|hour|day)(s?)\)")
CRON_PATTERN = re.compile(r"cron\((.*)\)")
AT_PATTERN = re.compile(r"at\((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\)")
RATE_UNITS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1),
              "day": timedelta(days=1)}


class InvalidScheduleExpression(ValueError):
    """An expression EventBridge would refuse."""


# -- expressions -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rate:
    period: timedelta

    def next_after(self, after: datetime, anchor: datetime) -> datetime | None:
        """Rates count from when the rule appeared (`anchor`), as EventBridge's do."""
        elapsed = max(after - anchor, timedelta(0))
        return anchor + (elapsed // self.period + 1) * self.period


class Cron:
    """AWS's six-field cron, in UTC. `aws_croniter` knows the syntax (`?`, `L`, `W`, `#`,
    names, 1 = SUN, years); two spellings it lacks are adapted here: `L` alone as the day of
    week (the week's last day, Saturday) and `LW` (the month's last weekday)."""

    def __init__(self, fields: str) -> None:
        parts = fields.split()
        if len(parts) == 6 and parts[4].upper() == "L":
            parts[4] = "7"
        self._last_weekday = len(parts) == 6 and parts[2].upper() == "LW"
        if self._last_weekday:
            parts[2] = "L"
        try:
            self._cron = AwsCroniter(" ".join(parts))
        except ValueError as error:
            raise InvalidScheduleExpression(str(error)) from error

    def next_after(self, after: datetime, anchor: datetime | None = None) -> datetime | None:
        """The first fire time strictly after `after`; None when the years run out."""
        if not self._last_weekday:
            return self._next(after)
        search_from = after - timedelta(days=2)
        while (last_day := self._next(search_from)) is not None:
            weekday = last_day - timedelta(days=max(last_day.weekday() - 4, 0))
            if weekday > after:
                return weekday
            search_from = last_day
        return None

    def _next(self, after: datetime) -> datetime | None:
        found: datetime | None = self._cron.get_next(after.astimezone(UTC))[0]
        return found


@dataclass(frozen=True)
class At:
    """EventBridge Scheduler's one-time schedule: `at(2030-01-01T08:00:00)`, in UTC."""

    moment: datetime

    def next_after(self, after: datetime, anchor: datetime | None = None) -> datetime | None:
        return self.moment if self.moment > after else None


Timing = Rate | Cron | At


def parse_schedule_expression(expression: str, one_time: bool = False) -> Timing:
    """`rate(1 minute)`, `rate(5 minutes)`, ... or `cron(min hour dom month dow year)`, and
    with `one_time` (EventBridge Scheduler's, not a rule's) `at(yyyy-mm-ddThh:mm:ss)`.
    As in AWS, a rate of 1 takes the singular unit and any other the plural."""
    at = AT_PATTERN.fullmatch(expression) if one_time else None
    if at is not None:
        try:
            return At(datetime.fromisoformat(at.group(1)).replace(tzinfo=UTC))
        except ValueError as error:
            raise InvalidScheduleExpression(
                f"Parameter ScheduleExpression is not valid: {expression}") from error
    rate = RATE_PATTERN.fullmatch(expression)
    if rate is not None:
        value, unit, plural = int(rate.group(1)), rate.group(2), rate.group(3)
        if (value == 1) == bool(plural):
            raise InvalidScheduleExpression(
                f"Parameter ScheduleExpression is not valid: {expression} (use '1 {unit}' "
                f"or '{max(value, 2)} {unit}s')"
            )
        return Rate(value * RATE_UNITS[unit])
    cron = CRON_PATTERN.fullmatch(expression)
    if cron is not None:
        return Cron(cron.group(1))
    raise InvalidScheduleExpression(f"Parameter ScheduleExpression is not valid: {expression}")


# -- clocks ------------------------------------------------------------------------------------
