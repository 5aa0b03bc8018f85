"""The dead letter EventBridge Scheduler sends its DLQ: the target's input as the body and
the attributes the Scheduler user guide names, as a consumer of the queue receives them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws

from simulator.events.scheduler_dead_letters import DeadLetter, NotAQueue, send_dead_letter

SCHEDULE = "arn:aws:scheduler:us-east-1:000000000000:schedule/default/nightly"
FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:gone"
LETTER = DeadLetter(
    body='{"job": "nightly"}', schedule_arn=SCHEDULE, target_arn=FUNCTION,
    scheduled_at=datetime(2026, 11, 27, 7, 0, 0, 400000, tzinfo=UTC),
    execution_id="3f2e0c1a-0000-4000-8000-000000000000", retry_attempts=1,
    error_code="ResourceNotFoundException",
    error_message=f"Function not found: {FUNCTION}", exhausted_by="MaximumRetryAttempts")


def strings(attributes: dict[str, Any]) -> dict[str, str]:
    assert {value["DataType"] for value in attributes.values()} == {"String"}
    return {name: value["StringValue"] for name, value in attributes.items()}


def test_the_attributes_say_what_failed_where_and_when() -> None:
    assert strings(LETTER.message_attributes()) == {
        "ERROR_CODE": "ResourceNotFoundException",
        "ERROR_MESSAGE": f"Function not found: {FUNCTION}",
        "EXECUTION_ID": "3f2e0c1a-0000-4000-8000-000000000000",
        "EXHAUSTED_RETRY_CONDITION": "MaximumRetryAttempts",
        "IS_PAYLOAD_TRUNCATED": "false",
        "RETRY_ATTEMPTS": "1",
        "SCHEDULED_TIME": "2026-11-27T07:00:00Z",
        "SCHEDULE_ARN": SCHEDULE,
        "TARGET_ARN": FUNCTION,
    }


def test_an_invocation_no_retry_limit_ended_names_no_condition() -> None:
    letter = replace(LETTER, exhausted_by=None)
    assert "EXHAUSTED_RETRY_CONDITION" not in letter.message_attributes()


@pytest.fixture
def sqs() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("sqs", region_name="us-east-1", aws_access_key_id="test",
                           aws_secret_access_key="test")


def test_the_dead_letter_arrives_with_the_input_as_its_body(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="missed")["QueueUrl"]

    send_dead_letter(sqs, "arn:aws:sqs:us-east-1:000000000000:missed", LETTER)

    [message] = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"]
    assert message["Body"] == '{"job": "nightly"}'
    assert strings(message["MessageAttributes"]) == strings(LETTER.message_attributes())


@pytest.mark.parametrize("arn", ["arn:aws:sqs:us-east-1:000000000000:missed.fifo",
                                 "arn:aws:sns:us-east-1:000000000000:missed"])
def test_only_a_standard_queue_takes_dead_letters(sqs: Any, arn: str) -> None:
    with pytest.raises(NotAQueue):
        send_dead_letter(sqs, arn, LETTER)
