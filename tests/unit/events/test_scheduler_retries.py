"""EventBridge Scheduler's retry decision: AWS's defaults, a retry while neither limit is
reached, which limit ends the retries, the backoff, and the bounded store of due retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from simulator.events.scheduler_retries import (
    EXHAUSTED_BY_AGE,
    EXHAUSTED_BY_ATTEMPTS,
    LONGEST_RETRY_DELAY,
    AfterFailure,
    PendingRetries,
    RetryPolicy,
    retry_delay,
)

SCHEDULED = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)


def seconds(count: float) -> timedelta:
    return timedelta(seconds=count)


def test_a_target_without_a_retry_policy_gets_aws_defaults() -> None:
    assert RetryPolicy.of_target({"Arn": "arn"}) == RetryPolicy(185, seconds(86400))
    assert RetryPolicy.of_target({"RetryPolicy": {"MaximumRetryAttempts": 0}}) == RetryPolicy(
        0, seconds(86400))
    assert RetryPolicy.of_target(
        {"RetryPolicy": {"MaximumEventAgeInSeconds": 60}}) == RetryPolicy(185, seconds(60))


def test_no_retries_allowed_gives_the_event_up_at_once() -> None:
    policy = RetryPolicy(0, seconds(86400))
    assert policy.after_failure(0, SCHEDULED, SCHEDULED) == AfterFailure(
        exhausted_by=EXHAUSTED_BY_ATTEMPTS)


def test_retries_back_off_until_the_attempts_are_spent() -> None:
    policy = RetryPolicy(3, seconds(86400))
    now = SCHEDULED
    waits = []
    for retries_made in range(3):
        after = policy.after_failure(retries_made, SCHEDULED, now)
        assert after.retry_at is not None and after.exhausted_by is None
        waits.append(after.retry_at - now)
        now = after.retry_at
    assert waits == [seconds(1), seconds(2), seconds(4)]
    assert policy.after_failure(3, SCHEDULED, now) == AfterFailure(
        exhausted_by=EXHAUSTED_BY_ATTEMPTS)


def test_a_retry_past_the_maximum_event_age_is_not_made() -> None:
    policy = RetryPolicy(185, seconds(60))
    assert policy.after_failure(4, SCHEDULED, SCHEDULED + seconds(30)) == AfterFailure(
        retry_at=SCHEDULED + seconds(46))  # the fifth retry waits 16 s
    assert policy.after_failure(5, SCHEDULED, SCHEDULED + seconds(46)) == AfterFailure(
        exhausted_by=EXHAUSTED_BY_AGE)  # the sixth would wait 32 s: past the 60 s


@pytest.mark.parametrize(("retry", "wait"), [(1, 1), (2, 2), (3, 4), (9, 256), (10, 300)])
def test_the_backoff_doubles_up_to_its_cap(retry: int, wait: float) -> None:
    assert retry_delay(retry) == seconds(wait)


def test_the_backoff_stays_capped_however_many_retries() -> None:
    assert retry_delay(185) == LONGEST_RETRY_DELAY


def test_pending_retries_come_due_soonest_first_and_only_when_due() -> None:
    pending: PendingRetries[str] = PendingRetries()
    pending.add(SCHEDULED + seconds(4), "later")
    pending.add(SCHEDULED + seconds(1), "first")
    pending.add(SCHEDULED + seconds(1), "second")
    assert pending.next_due() == SCHEDULED + seconds(1)
    assert pending.take_due(SCHEDULED) == []
    assert pending.take_due(SCHEDULED + seconds(2)) == ["first", "second"]
    assert pending.take_due(SCHEDULED + seconds(10)) == ["later"]
    assert pending.next_due() is None


def test_pending_retries_are_bounded() -> None:
    pending: PendingRetries[int] = PendingRetries(limit=2)
    assert pending.add(SCHEDULED, 1) and pending.add(SCHEDULED, 2)
    assert not pending.add(SCHEDULED, 3)
    assert pending.take_due(SCHEDULED) == [1, 2]
    assert pending.add(SCHEDULED, 3)
