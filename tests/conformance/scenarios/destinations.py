"""Asynchronous invocations whose results go to destinations: an SQS queue on success and on
failure, and an EventBridge bus whose rule hands the record to another function
(LocalStack's test_lambda_destinations.py). Scenarios that wait out AWS's retry delays (a
minute, then two) are not replayed."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.conformance.replay import Replay, as_recorded, call, scenario, short_id
from tests.conformance.scenarios.invoke import echo_zip, handler_zip

SOURCE = "destinations"
AREA = "destinations"
WAIT_SECONDS = 30


def queue(run: Replay) -> tuple[str, str]:
    """A new SQS queue's URL and ARN; the queue goes when the scenario ends."""
    sqs = run.client("sqs")
    url: str = sqs.create_queue(QueueName=f"test-{short_id()}")["QueueUrl"]
    run.on_cleanup(lambda: sqs.delete_queue(QueueUrl=url))
    arn: str = sqs.get_queue_attributes(QueueUrl=url,
                                        AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def as_received(value: Any) -> Any:
    """A ReceiveMessage answer as the recorder wrote it: each message body as the JSON it
    holds."""
    if isinstance(value, dict):
        return {key: as_received(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_received(item) for item in value]
    return as_recorded(value)


def first_messages(run: Replay, url: str) -> dict[str, Any]:
    """The first ReceiveMessage answer that holds messages, as the recorder wrote it (bodies
    as the JSON they hold), or the last empty answer once the wait is over."""
    sqs = run.client("sqs")
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        answer = call(sqs, "receive_message", QueueUrl=url, WaitTimeSeconds=2,
                      MessageAttributeNames=["All"])
        if answer.get("Messages") or time.monotonic() > deadline:
            recorded: dict[str, Any] = as_received(answer)
            return recorded


def sqs_destination(label: str, payload: dict[str, Any]) -> None:
    @scenario(SOURCE, f"TestLambdaDestinationSqs::test_assess_lambda_destination_invocation"
              f"[{label}]", AREA)
    def replay(run: Replay) -> None:
        url, arn = queue(run)
        name = run.function_name()
        run.create_function(name, code=handler_zip("integration"))
        run.capture("put_function_event_invoke_config", "put_function_event_invoke_config",
                    FunctionName=name, MaximumRetryAttempts=0,
                    DestinationConfig={"OnSuccess": {"Destination": arn},
                                       "OnFailure": {"Destination": arn}})
        run.call("invoke", FunctionName=name, Payload=json.dumps(payload),
                 InvocationType="Event")
        run.record("receive_message_result", first_messages(run, url))


sqs_destination("payload0", {})
sqs_destination("payload1", {"raise_error": 1})


def forwarded_event(run: Replay, function: str, marker: str) -> Any:
    """The first EventBridge event the triggered function logged that holds `marker`."""
    logs = run.client("logs")
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        events = call(logs, "filter_log_events", logGroupName=f"/aws/lambda/{function}"
                      ).get("events", [])
        found = [event["message"] for event in events
                 if "detail-type" in event["message"] and marker in event["message"]]
        if found:
            return json.loads(found[0])
        time.sleep(1)
    return f"no event holding {marker!r} reached the rule's function in {WAIT_SECONDS} s"


@scenario(SOURCE, "TestLambdaDestinationEventbridge::test_invoke_lambda_eventbridge", AREA)
def invoke_lambda_eventbridge(run: Replay) -> None:
    """The recording deployed this with a stack; here the same resources are made directly:
    a bus, an input function sending both results there without retries, and a rule for
    every event (`version` 0) targeting a function that prints what it gets."""
    events = run.client("events")
    bus = f"bus-{short_id()}"
    bus_arn = events.create_event_bus(Name=bus)["EventBusArn"]
    run.on_cleanup(lambda: events.delete_event_bus(Name=bus))
    input_name, triggered_name = run.function_name(), run.function_name()
    run.create_function(input_name, code=handler_zip("mode_result", "index.py"),
                        Handler="index.handler")
    run.call("put_function_event_invoke_config", FunctionName=input_name,
             MaximumRetryAttempts=0, DestinationConfig={"OnSuccess": {"Destination": bus_arn},
                                                        "OnFailure": {"Destination": bus_arn}})
    triggered = run.create_function(triggered_name, code=echo_zip("index.py"),
                                    Handler="index.handler")["CreateFunctionResponse"]
    rule = f"rule-{short_id()}"
    events.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps({"version": ["0"]}))
    run.on_cleanup(lambda: events.delete_rule(Name=rule, EventBusName=bus))
    rule_arn = run.arn(f"rule/{bus}/{rule}", "events")
    run.call("add_permission", FunctionName=triggered_name, StatementId="events",
             Action="lambda:InvokeFunction", Principal="events.amazonaws.com",
             SourceArn=rule_arn)
    events.put_targets(Rule=rule, EventBusName=bus,
                       Targets=[{"Id": "target", "Arn": triggered["FunctionArn"]}])
    run.on_cleanup(lambda: events.remove_targets(Rule=rule, EventBusName=bus, Ids=["target"]))
    for mode in ("success", "failure"):
        run.call("invoke", FunctionName=input_name, Payload=json.dumps({"mode": mode}).encode(),
                 InvocationType="Event")
        run.record(f"lambda_destination_event_bus_{mode}",
                   forwarded_event(run, triggered_name, mode))
