"""EventBridge Scheduler's retry policy: an invocation of a schedule's target that fails is
tried again, with exponential backoff, until `MaximumRetryAttempts` retries are made or the
event is `MaximumEventAgeInSeconds` old (185 and 86400 when the target names neither).

AWS does not publish its delays; ours start at a second and double up to five minutes, so a
local run sees its retries and its dead letter soon. A pending retry is a due time kept in
`PendingRetries`, never a sleeping thread, and at most `MAX_PENDING` of them are kept."""

from __future__ import annotations

import heapq
import itertools
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 185
DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 86400
FIRST_RETRY_DELAY = timedelta(seconds=1)
LONGEST_RETRY_DELAY = timedelta(minutes=5)
MAX_PENDING = 1000
# The limit that ended an event's retries, as its dead letter's EXHAUSTED_RETRY_CONDITION names it.
EXHAUSTED_BY_ATTEMPTS = "MaximumRetryAttempts"
EXHAUSTED_BY_AGE = "MaximumEventAgeInSeconds"

Item = TypeVar("Item")


@dataclass(frozen=True)
class AfterFailure:
    """What follows a failed attempt: another at `retry_at`, or none, `exhausted_by` naming
    the limit reached."""

    retry_at: datetime | None = None
    exhausted_by: str | None = None


@dataclass(frozen=True)
class RetryPolicy:
    maximum_retry_attempts: int = DEFAULT_MAXIMUM_RETRY_ATTEMPTS
    maximum_event_age: timedelta = timedelta(seconds=DEFAULT_MAXIMUM_EVENT_AGE_SECONDS)

    @classmethod
    def of_target(cls, target: dict[str, Any]) -> RetryPolicy:
        """A Scheduler target's `RetryPolicy`, AWS's defaults standing in for what it omits."""
        policy = target.get("RetryPolicy") or {}
        attempts = policy.get("MaximumRetryAttempts")
        age = policy.get("MaximumEventAgeInSeconds")
        return cls(
            DEFAULT_MAXIMUM_RETRY_ATTEMPTS if attempts is None else int(attempts),
            timedelta(seconds=DEFAULT_MAXIMUM_EVENT_AGE_SECONDS if age is None else int(age)))

    def after_failure(self, retries_made: int, scheduled_at: datetime,
                      now: datetime) -> AfterFailure:
        """After an attempt failed with `retries_made` retries behind it: the next retry, unless
        the retries are spent or it would come after the event's maximum age."""
        if retries_made >= self.maximum_retry_attempts:
            return AfterFailure(exhausted_by=EXHAUSTED_BY_ATTEMPTS)
        retry_at = now + retry_delay(retries_made + 1)
        if retry_at > scheduled_at + self.maximum_event_age:
            return AfterFailure(exhausted_by=EXHAUSTED_BY_AGE)
        return AfterFailure(retry_at=retry_at)


def retry_delay(retry: int) -> timedelta:
    """The wait before the `retry`-th retry (1 for the first): doubling, capped."""
    doublings = min(retry - 1, 16)  # past the cap long before, and no overflow
    return min(FIRST_RETRY_DELAY * (1 << doublings), LONGEST_RETRY_DELAY)


class PendingRetries(Generic[Item]):
    """Retries waiting for their due time, soonest first. Bounded: `add` refuses one past
    `limit`, and its caller gives that event up instead."""

    def __init__(self, limit: int = MAX_PENDING) -> None:
        self._limit = limit
        self._heap: list[tuple[datetime, int, Item]] = []
        self._order = itertools.count()  # equal due times keep the order they came in
        self._lock = threading.Lock()

    def add(self, due: datetime, item: Item) -> bool:
        with self._lock:
            if len(self._heap) >= self._limit:
                return False
            heapq.heappush(self._heap, (due, next(self._order), item))
            return True

    def take_due(self, now: datetime) -> list[Item]:
        """Removes and answers every retry due by `now`."""
        due: list[Item] = []
        with self._lock:
            while self._heap and self._heap[0][0] <= now:
                due.append(heapq.heappop(self._heap)[2])
        return due

    def next_due(self) -> datetime | None:
        with self._lock:
            return self._heap[0][0] if self._heap else None

