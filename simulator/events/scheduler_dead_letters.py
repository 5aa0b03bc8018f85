"""The dead letter EventBridge Scheduler sends to a target's `DeadLetterConfig` queue (a
standard SQS queue) when it gives an invocation up: the target's input as the body, and
message attributes saying what failed, named as the Scheduler user guide's "Configuring a
dead-letter queue" shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from simulator.events.sqs import Queue


class NotAQueue(ValueError):
    """A DeadLetterConfig ARN that names no SQS queue, or a FIFO one Scheduler does not
    support as a DLQ."""


@dataclass(frozen=True)
class DeadLetter:
    body: str
    schedule_arn: str
    target_arn: str
    scheduled_at: datetime
    execution_id: str
    retry_attempts: int
    error_code: str
    error_message: str
    exhausted_by: str | None  # absent when no retry limit ended the invocation

    def message_attributes(self) -> dict[str, dict[str, str]]:
        values = {
            "ERROR_CODE": self.error_code,
            "ERROR_MESSAGE": self.error_message,
            "EXECUTION_ID": self.execution_id,
            "IS_PAYLOAD_TRUNCATED": "false",
            "RETRY_ATTEMPTS": str(self.retry_attempts),
            "SCHEDULED_TIME": self.scheduled_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "SCHEDULE_ARN": self.schedule_arn,
            "TARGET_ARN": self.target_arn,
        }
        if self.exhausted_by is not None:
            values["EXHAUSTED_RETRY_CONDITION"] = self.exhausted_by
        return {name: {"DataType": "String", "StringValue": value}
                for name, value in values.items()}


def send_dead_letter(sqs: Any, queue_arn: str, letter: DeadLetter) -> None:
    """Puts `letter` on the queue through `sqs`, a boto3 SQS client of our own endpoint."""
    queue = Queue.from_arn(queue_arn)
    if queue is None or queue.name.endswith(".fifo"):
        raise NotAQueue(f"{queue_arn} is not a standard SQS queue")
    url = sqs.get_queue_url(QueueName=queue.name, QueueOwnerAWSAccountId=queue.account)
    sqs.send_message(QueueUrl=url["QueueUrl"], MessageBody=letter.body,
                     MessageAttributes=letter.message_attributes())
