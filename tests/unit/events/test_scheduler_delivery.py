"""What EventBridge Scheduler does with a schedule come due, against moto's SQS and Scheduler:
an asynchronous invoke; retries of a refused one as the target's RetryPolicy allows; the dead
letter once they are spent; the schedule deleted after its last invocation when asked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from simulator.errors import ResourceNotFoundException
from simulator.events.scheduler_delivery import Occurrence, SchedulerDelivery

SCHEDULED = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:report"
MISSING = "arn:aws:lambda:us-east-1:000000000000:function:gone"
QUEUE = "arn:aws:sqs:us-east-1:000000000000:missed"
ROLE = "arn:aws:iam::000000000000:role/scheduler"


class Lambda:
    """Takes asynchronous invokes of the functions it has; refuses the others as AWS does."""

    def __init__(self) -> None:
        self.functions = {FUNCTION}
        self.invokes: list[tuple[str, Any, str]] = []

    def invoke(self, reference: str, qualifier: str | None, payload: bytes,
               invocation_type: str = "RequestResponse") -> object:
        if reference not in self.functions:
            raise ResourceNotFoundException(f"Function not found: {reference}")
        self.invokes.append((reference, json.loads(payload), invocation_type))
        return None


class Client:
    def __init__(self, client: Any) -> None:
        self.client = client

    def get(self) -> Any:
        return self.client


@pytest.fixture
def aws() -> Iterator[tuple[Any, Any]]:
    with mock_aws():
        session = boto3.session.Session(aws_access_key_id="test",
                                        aws_secret_access_key="test", region_name="us-east-1")
        yield session.client("sqs"), session.client("scheduler")


@pytest.fixture
def lambda_service() -> Lambda:
    return Lambda()


@pytest.fixture
def delivery(aws: tuple[Any, Any], lambda_service: Lambda) -> SchedulerDelivery:
    sqs, scheduler = aws
    return SchedulerDelivery(lambda_service, Client(sqs), Client(scheduler))


@pytest.fixture
def dead_letters(aws: tuple[Any, Any]) -> Any:
    """The DLQ's messages so far."""
    sqs = aws[0]
    url = sqs.create_queue(QueueName="missed")["QueueUrl"]

    def received() -> list[dict[str, Any]]:
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                     MessageAttributeNames=["All"])
        return list(answer.get("Messages", []))
    return received


def occurrence(arn: str = MISSING, retries: int | None = None, dlq: str | None = QUEUE,
               deletes: bool = False,
               schedule: str = "arn:aws:scheduler:us-east-1:000000000000:schedule/default/n",
               ) -> Occurrence:
    target: dict[str, Any] = {"Id": "n", "Arn": arn, "Input": '{"job": "report"}'}
    if retries is not None:
        target["RetryPolicy"] = {"MaximumRetryAttempts": retries}
    if dlq:
        target["DeadLetterConfig"] = {"Arn": dlq}
    return Occurrence(schedule, target, SCHEDULED, deletes)


def attributes(message: dict[str, Any]) -> dict[str, str]:
    return {name: value["StringValue"] for name, value in message["MessageAttributes"].items()}


def test_the_target_is_invoked_asynchronously_with_its_input(
        delivery: SchedulerDelivery, lambda_service: Lambda, dead_letters: Any) -> None:
    report = delivery.deliver(occurrence(FUNCTION), SCHEDULED)
    assert report == {"targetId": "n", "function": FUNCTION, "delivered": True}
    assert lambda_service.invokes == [(FUNCTION, {"job": "report"}, "Event")]
    assert delivery.next_due() is None
    assert dead_letters() == []


def test_with_no_retries_allowed_a_refused_invoke_goes_to_the_dlq(
        delivery: SchedulerDelivery, dead_letters: Any) -> None:
    report = delivery.deliver(occurrence(retries=0), SCHEDULED)

    assert report["delivered"] is False
    assert "Function not found" in report["error"]
    [letter] = dead_letters()
    assert letter["Body"] == '{"job": "report"}'
    found = attributes(letter)
    assert (found["ERROR_CODE"], found["ERROR_MESSAGE"]) == (
        "ResourceNotFoundException", f"Function not found: {MISSING}")
    assert (found["RETRY_ATTEMPTS"], found["EXHAUSTED_RETRY_CONDITION"]) == (
        "0", "MaximumRetryAttempts")
    assert (found["SCHEDULE_ARN"], found["TARGET_ARN"]) == (
        "arn:aws:scheduler:us-east-1:000000000000:schedule/default/n", MISSING)
    assert found["SCHEDULED_TIME"] == "2026-11-27T07:00:00Z"
    assert delivery.next_due() is None


def test_a_refused_invoke_is_retried_when_due_until_the_retries_are_spent(
        delivery: SchedulerDelivery, dead_letters: Any) -> None:
    live = {occurrence().schedule_arn}
    delivery.deliver(occurrence(retries=2), SCHEDULED)
    assert delivery.next_due() == SCHEDULED + timedelta(seconds=1)

    delivery.retry_due(SCHEDULED + timedelta(seconds=0.5), live)
    assert delivery.next_due() == SCHEDULED + timedelta(seconds=1)  # not due yet
    delivery.retry_due(SCHEDULED + timedelta(seconds=1), live)
    assert delivery.next_due() == SCHEDULED + timedelta(seconds=3)
    assert dead_letters() == []
    delivery.retry_due(SCHEDULED + timedelta(seconds=3), live)

    assert delivery.next_due() is None
    [letter] = dead_letters()
    assert attributes(letter)["RETRY_ATTEMPTS"] == "2"


def test_each_attempt_has_its_own_execution_id(
        delivery: SchedulerDelivery, dead_letters: Any) -> None:
    live = {occurrence().schedule_arn}
    delivery.deliver(occurrence(retries=1), SCHEDULED)
    delivery.deliver(occurrence(retries=0), SCHEDULED)
    delivery.retry_due(SCHEDULED + timedelta(seconds=1), live)
    ids = {attributes(letter)["EXECUTION_ID"] for letter in dead_letters()}
    assert len(ids) == 2


def test_a_retry_that_succeeds_sends_no_dead_letter(
        delivery: SchedulerDelivery, lambda_service: Lambda, dead_letters: Any) -> None:
    delivery.deliver(occurrence(retries=3), SCHEDULED)
    lambda_service.functions.add(MISSING)
    delivery.retry_due(SCHEDULED + timedelta(seconds=1), {occurrence().schedule_arn})
    assert lambda_service.invokes == [(MISSING, {"job": "report"}, "Event")]
    assert delivery.next_due() is None
    assert dead_letters() == []


def test_a_retry_of_a_deleted_schedule_is_dropped(
        delivery: SchedulerDelivery, lambda_service: Lambda, dead_letters: Any) -> None:
    delivery.deliver(occurrence(retries=3), SCHEDULED)
    lambda_service.functions.add(MISSING)
    delivery.retry_due(SCHEDULED + timedelta(seconds=1), live_schedules=set())
    assert lambda_service.invokes == []
    assert delivery.next_due() is None
    assert dead_letters() == []


def test_without_a_dlq_an_exhausted_event_is_dropped(
        delivery: SchedulerDelivery, dead_letters: Any) -> None:
    report = delivery.deliver(occurrence(retries=0, dlq=None), SCHEDULED)
    assert report["delivered"] is False
    assert dead_letters() == []


def test_a_dlq_that_does_not_exist_loses_the_letter_but_not_the_scheduler(
        delivery: SchedulerDelivery) -> None:
    gone = "arn:aws:sqs:us-east-1:000000000000:no-such-queue"
    assert delivery.deliver(occurrence(retries=0, dlq=gone), SCHEDULED)["delivered"] is False


def test_past_the_pending_limit_a_failure_is_dead_lettered_without_a_condition(
        aws: tuple[Any, Any], lambda_service: Lambda, dead_letters: Any) -> None:
    delivery = SchedulerDelivery(lambda_service, Client(aws[0]), Client(aws[1]),
                                 pending_limit=1)
    delivery.deliver(occurrence(retries=5), SCHEDULED)
    delivery.deliver(occurrence(retries=5), SCHEDULED)
    [letter] = dead_letters()
    assert "EXHAUSTED_RETRY_CONDITION" not in attributes(letter)
    assert attributes(letter)["RETRY_ATTEMPTS"] == "0"


def create_schedule(scheduler: Any, name: str, group: str = "default") -> str:
    if group != "default":
        scheduler.create_schedule_group(Name=group)
    return str(scheduler.create_schedule(
        Name=name, GroupName=group, ScheduleExpression="at(2026-11-27T07:00:00)",
        FlexibleTimeWindow={"Mode": "OFF"}, ActionAfterCompletion="DELETE",
        Target={"Arn": FUNCTION, "RoleArn": ROLE})["ScheduleArn"])


@pytest.mark.parametrize("group", ["default", "reports"])
def test_the_last_invocation_deletes_a_schedule_that_asks_for_it(
        delivery: SchedulerDelivery, aws: tuple[Any, Any], group: str) -> None:
    scheduler = aws[1]
    arn = create_schedule(scheduler, "once", group)

    delivery.deliver(occurrence(FUNCTION, schedule=arn, deletes=True), SCHEDULED)

    with pytest.raises(scheduler.exceptions.ResourceNotFoundException):
        scheduler.get_schedule(Name="once", GroupName=group)


def test_a_schedule_is_kept_until_its_last_invocation_is_over(
        delivery: SchedulerDelivery, aws: tuple[Any, Any], dead_letters: Any) -> None:
    scheduler = aws[1]
    arn = create_schedule(scheduler, "once")
    delivery.deliver(occurrence(retries=1, schedule=arn, deletes=True), SCHEDULED)
    assert scheduler.get_schedule(Name="once")["Name"] == "once"  # a retry is pending

    delivery.retry_due(SCHEDULED + timedelta(seconds=1), {arn})

    assert len(dead_letters()) == 1
    with pytest.raises(scheduler.exceptions.ResourceNotFoundException):
        scheduler.get_schedule(Name="once")


def test_an_invocation_that_is_not_the_last_keeps_the_schedule(
        delivery: SchedulerDelivery, aws: tuple[Any, Any]) -> None:
    arn = create_schedule(aws[1], "once")
    delivery.deliver(occurrence(FUNCTION, schedule=arn, deletes=False), SCHEDULED)
    assert aws[1].get_schedule(Name="once")["Arn"] == arn


def test_a_schedule_deleted_already_is_no_error(
        delivery: SchedulerDelivery, lambda_service: Lambda) -> None:
    gone = "arn:aws:scheduler:us-east-1:000000000000:schedule/default/gone"
    report = delivery.deliver(occurrence(FUNCTION, schedule=gone, deletes=True), SCHEDULED)
    assert report["delivered"] is True
    assert len(lambda_service.invokes) == 1
