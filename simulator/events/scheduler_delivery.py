"""What EventBridge Scheduler does each time a schedule invokes its Lambda target:

- an asynchronous invoke (InvocationType `Event`): an error inside the handler is the
  asynchronous invoke's to retry or send to its destinations, not Scheduler's;
- an invoke Lambda refuses (no such function, throttled, a payload it will not take) is tried
  again by the target's `RetryPolicy` (`scheduler_retries`);
- an invocation given up goes, as a dead letter, to the target's `DeadLetterConfig` queue
  (`scheduler_dead_letters`);
- after the schedule's last invocation (a one-time schedule's only one, a recurring one's last
  before its EndDate), a schedule whose `ActionAfterCompletion` is DELETE is deleted, as the
  Scheduler user guide's "Deleting a schedule" describes."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from simulator.errors import LambdaError
from simulator.events.scheduler_dead_letters import DeadLetter, NotAQueue, send_dead_letter
from simulator.events.scheduler_retries import MAX_PENDING, PendingRetries, RetryPolicy

log = logging.getLogger(__name__)

SCHEDULE_ARN = re.compile(
    r"arn:aws[a-z-]*:scheduler:[a-z0-9-]+:\d{12}:schedule/(?P<group>[^/]+)/(?P<name>[^/]+)")
# What Scheduler sends a Lambda target that names no input.
EMPTY_INPUT = "{}"


class AsyncInvoker(Protocol):
    def invoke(self, reference: str, qualifier: str | None, payload: bytes,
               invocation_type: str = ...) -> object: ...


class ServiceClient(Protocol):
    """A boto3 client of our own endpoint, made when first wanted."""

    def get(self) -> Any: ...


@dataclass(frozen=True)
class Occurrence:
    """A schedule come due. `target` is Scheduler's Target shape (Arn, Input, RetryPolicy,
    DeadLetterConfig); `deletes_schedule` when this is the schedule's last invocation and its
    ActionAfterCompletion is DELETE."""

    schedule_arn: str
    target: dict[str, Any]
    scheduled_at: datetime
    deletes_schedule: bool = False


@dataclass(frozen=True)
class Attempt:
    """An occurrence's invocation, first or retried. Each attempt has an execution ID of its
    own, as Scheduler's `<aws.scheduler.execution-id>` does."""

    occurrence: Occurrence
    retries_made: int
    execution_id: str
    error: LambdaError | None = None


class SchedulerDelivery:
    def __init__(self, invoker: AsyncInvoker, sqs: ServiceClient, scheduler: ServiceClient,
                 pending_limit: int = MAX_PENDING) -> None:
        self._invoker = invoker
        self._sqs = sqs
        self._scheduler = scheduler
        self._pending: PendingRetries[Attempt] = PendingRetries(pending_limit)

    def deliver(self, occurrence: Occurrence, now: datetime) -> dict[str, Any]:
        """Invokes the target once; answers whether Lambda took the event."""
        return self._attempt(Attempt(occurrence, 0, str(uuid.uuid4())), now)

    def retry_due(self, now: datetime, live_schedules: Collection[str]) -> None:
        """Makes the retries due by `now`. One whose schedule was deleted meanwhile (its ARN
        not in `live_schedules`) is dropped."""
        for attempt in self._pending.take_due(now):
            schedule = attempt.occurrence.schedule_arn
            if schedule not in live_schedules:
                log.info("dropped a retry of schedule %s: the schedule was deleted", schedule)
                continue
            self._attempt(replace(attempt, retries_made=attempt.retries_made + 1,
                                  execution_id=str(uuid.uuid4()), error=None), now)

    def next_due(self) -> datetime | None:
        return self._pending.next_due()

    def _attempt(self, attempt: Attempt, now: datetime) -> dict[str, Any]:
        target = attempt.occurrence.target
        report: dict[str, Any] = {"targetId": target.get("Id"), "function": target["Arn"],
                                  "delivered": True}
        payload = (target.get("Input") or EMPTY_INPUT).encode()
        try:
            self._invoker.invoke(target["Arn"], None, payload, invocation_type="Event")
        except LambdaError as error:
            report.update(delivered=False, error=str(error))
            self._failed(replace(attempt, error=error), now)
            return report
        self._completed(attempt.occurrence)
        return report

    def _failed(self, attempt: Attempt, now: datetime) -> None:
        occurrence = attempt.occurrence
        after = RetryPolicy.of_target(occurrence.target).after_failure(
            attempt.retries_made, occurrence.scheduled_at, now)
        if after.retry_at is not None:
            if self._pending.add(after.retry_at, attempt):
                log.info("schedule %s could not invoke %s (%s); retrying at %s",
                         occurrence.schedule_arn, occurrence.target["Arn"], attempt.error,
                         after.retry_at.isoformat())
                return
            log.warning("schedule %s: too many retries are waiting; this one is given up",
                        occurrence.schedule_arn)
        self._give_up(attempt, after.exhausted_by)

    def _give_up(self, attempt: Attempt, exhausted_by: str | None) -> None:
        occurrence = attempt.occurrence
        log.warning("schedule %s gave up invoking %s after %d retries: %s",
                    occurrence.schedule_arn, occurrence.target["Arn"], attempt.retries_made,
                    attempt.error)
        queue = (occurrence.target.get("DeadLetterConfig") or {}).get("Arn")
        if queue:
            try:
                send_dead_letter(self._sqs.get(), queue, dead_letter(attempt, exhausted_by))
            except (NotAQueue, BotoCoreError, ClientError) as error:
                log.warning("schedule %s could not send its dead letter to %s: %s",
                            occurrence.schedule_arn, queue, error)
        self._completed(occurrence)

    def _completed(self, occurrence: Occurrence) -> None:
        if not occurrence.deletes_schedule:
            return
        match = SCHEDULE_ARN.fullmatch(occurrence.schedule_arn)
        if match is None:
            log.warning("schedule %s is not deleted: its ARN names no group and name",
                        occurrence.schedule_arn)
            return
        try:
            self._scheduler.get().delete_schedule(Name=match["name"], GroupName=match["group"])
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                log.warning("schedule %s is not deleted: %s", occurrence.schedule_arn, error)
            return
        except BotoCoreError as error:
            log.warning("schedule %s is not deleted: %s", occurrence.schedule_arn, error)
            return
        log.info("schedule %s completed and was deleted (ActionAfterCompletion DELETE)",
                 occurrence.schedule_arn)


def dead_letter(attempt: Attempt, exhausted_by: str | None) -> DeadLetter:
    """The dead letter of an attempt given up: its input, and Lambda's error for it."""
    occurrence, error = attempt.occurrence, attempt.error
    return DeadLetter(
        body=occurrence.target.get("Input") or EMPTY_INPUT,
        schedule_arn=occurrence.schedule_arn,
        target_arn=occurrence.target["Arn"],
        scheduled_at=occurrence.scheduled_at,
        execution_id=attempt.execution_id,
        retry_attempts=attempt.retries_made,
        error_code=error.code if error is not None else "",
        error_message=error.message if error is not None else "",
        exhausted_by=exhausted_by,
    )
