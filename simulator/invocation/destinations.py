"""Where asynchronous results go: on-success / on-failure destinations (SQS, SNS, EventBridge,
another function) and dead-letter queues, delivered as AWS delivers them."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from simulator.aws_clients import own_client
from simulator.config import Settings

log = logging.getLogger(__name__)

SubmitEvent = Callable[[str, bytes, "str | None"], None]


class DeliveryFailed(Exception):
    """A destination or dead-letter target did not take what was sent; worth another try."""


class DestinationSender:
    """Each delivery carries the invocation's trace on, as AWS does: to SQS as the message's
    `AWSTraceHeader`, to SNS and EventBridge as the request's `X-Amzn-Trace-Id`."""

    def __init__(self, settings: Settings, submit_event: SubmitEvent) -> None:
        self._settings = settings
        self._submit_event = submit_event
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self._sending = threading.local()

    def send_record(self, destination: str, record: dict[str, Any],
                    trace_header: str | None = None) -> None:
        """An invocation record to an OnSuccess/OnFailure destination."""
        body = json.dumps(record)
        service, region = _service_and_region(destination)
        self._sending.trace_header = trace_header
        try:
            if service == "sqs":
                self._client("sqs", region).send_message(
                    QueueUrl=self._queue_url(destination), MessageBody=body,
                    **_trace_attribute(trace_header))
            elif service == "sns":
                self._client("sns", region).publish(TopicArn=destination, Message=body)
            elif service == "events":
                answer = self._client("events", region).put_events(Entries=[{
                    "Source": "lambda",
                    "DetailType": _detail_type(record),
                    "Detail": body,
                    "EventBusName": destination,
                    # AWS names the bus first, then the function.
                    "Resources": [destination, record["requestContext"]["functionArn"]],
                }])
                if answer.get("FailedEntryCount"):
                    raise DeliveryFailed(f"{destination} refused the record: "
                                         f"{answer['Entries'][0].get('ErrorMessage')}")
            elif service == "lambda":
                self._submit_event(destination, body.encode(), trace_header)
            else:
                log.warning("dropping a record for %s: not a destination Lambda supports",
                            destination)
        except DeliveryFailed:
            raise
        except Exception as error:
            raise DeliveryFailed(f"could not deliver to destination {destination}: "
                                 f"{error}") from error
        finally:
            self._sending.trace_header = None

    def send_dead_letter(self, target: str, payload: bytes, request_id: str,
                         error: dict[str, Any], trace_header: str | None = None) -> None:
        """The original event to a function's DeadLetterConfig target, with AWS's attributes."""
        service, region = _service_and_region(target)
        message = str(error.get("errorMessage", "")) or "Unhandled"
        attributes = {  # as AWS documents them: the status a number, the message's first KB
            "RequestID": {"DataType": "String", "StringValue": request_id},
            "ErrorCode": {"DataType": "Number", "StringValue": "200"},
            "ErrorMessage": {"DataType": "String", "StringValue": _first_kilobyte(message)},
        }
        self._sending.trace_header = trace_header
        try:
            if service == "sqs":
                self._client("sqs", region).send_message(
                    QueueUrl=self._queue_url(target), MessageBody=payload.decode(),
                    MessageAttributes=attributes, **_trace_attribute(trace_header))
            elif service == "sns":
                self._client("sns", region).publish(
                    TopicArn=target, Message=payload.decode(), MessageAttributes=attributes)
            else:
                log.warning("dropping a dead letter for %s: not a target Lambda supports",
                            target)
        except Exception as error:
            raise DeliveryFailed(f"could not deliver to dead-letter target {target}: "
                                 f"{error}") from error
        finally:
            self._sending.trace_header = None

    def _queue_url(self, arn: str) -> str:
        parts = arn.split(":")
        region, account, name = parts[3], parts[4], parts[5]
        return str(self._client("sqs", region).get_queue_url(
            QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"])

    def _client(self, service: str, region: str) -> Any:
        with self._lock:
            key = (service, region)
            if key not in self._clients:
                client = own_client(self._settings, service, region or None)
                client.meta.events.register("before-sign", self._add_trace_header)
                self._clients[key] = client
            return self._clients[key]

    def _add_trace_header(self, request: Any, **_: Any) -> None:
        header = getattr(self._sending, "trace_header", None)
        if header:
            request.headers["X-Amzn-Trace-Id"] = header


def _trace_attribute(trace_header: str | None) -> dict[str, Any]:
    if not trace_header:
        return {}
    return {"MessageSystemAttributes": {
        "AWSTraceHeader": {"DataType": "String", "StringValue": trace_header}}}


def _service_and_region(arn: str) -> tuple[str, str]:
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn":
        return "", ""
    return parts[2], parts[3]


def _detail_type(record: dict[str, Any]) -> str:
    condition = record["requestContext"]["condition"]
    if condition == "Success":
        return "Lambda Function Invocation Result - Success"
    return "Lambda Function Invocation Result - Failure"


def _first_kilobyte(text: str) -> str:
    return text.encode()[:1024].decode(errors="ignore")
