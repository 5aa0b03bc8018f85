"""Event invocations as AWS runs them: retries on function errors, destinations, dead-letter
queues, event-invoke configuration, and queued events surviving a restart."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from simulator.http_server import SimulatorServer
from tests.helpers import create_function, lambda_client, running_server, unique_name

FLAKY = """
import json
def handler(event, context):
    print("ATTEMPT " + json.dumps(event))
    if event.get("fail"):
        raise RuntimeError("always fails")
    return {"ok": event}
"""


def sqs(server: SimulatorServer) -> Any:
    return boto3.client("sqs", endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def queue(server: SimulatorServer) -> tuple[str, str]:
    client = sqs(server)
    url = client.create_queue(QueueName=unique_name("queue"))["QueueUrl"]
    arn = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return url, arn["Attributes"]["QueueArn"]


def receive(server: SimulatorServer, url: str, timeout: float = 20) -> dict[str, Any]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        messages = sqs(server).receive_message(QueueUrl=url, WaitTimeSeconds=1,
                                               MessageAttributeNames=["All"]).get("Messages")
        if messages:
            return messages[0]
    raise AssertionError("nothing arrived")


def attempts(server: SimulatorServer, name: str) -> list[str]:
    return [e.message for e in server.simulator.logs.events(name)
            if e.message.startswith("ATTEMPT ")]


def test_failures_are_retried_twice_then_sent_to_on_failure(client: Any,
                                                            server: SimulatorServer) -> None:
    name = create_function(client, FLAKY)
    url, arn = queue(server)
    client.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnFailure": {"Destination": arn}})
    client.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"fail": 1}))
    record = json.loads(receive(server, url)["Body"])
    assert len(attempts(server, name)) == 3  # the first try and two retries
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestPayload"] == {"fail": 1}
    assert record["responseContext"]["functionError"] == "Unhandled"
    assert record["responsePayload"]["errorMessage"] == "always fails"


def test_success_destination_and_retry_setting(client: Any, server: SimulatorServer) -> None:
    name = create_function(client, FLAKY)
    url, arn = queue(server)
    config = client.put_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=0, MaximumEventAgeInSeconds=600,
        DestinationConfig={"OnSuccess": {"Destination": arn}})
    assert config["MaximumRetryAttempts"] == 0
    assert config["FunctionArn"].endswith(f":function:{name}:$LATEST")
    client.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"n": 7}))
    record = json.loads(receive(server, url)["Body"])
    assert record["requestContext"]["condition"] == "Success"
    assert record["responsePayload"] == {"ok": {"n": 7}}
    updated = client.update_function_event_invoke_config(FunctionName=name,
                                                         MaximumRetryAttempts=1)
    assert updated["MaximumRetryAttempts"] == 1 and updated["MaximumEventAgeInSeconds"] == 600
    listed = client.list_function_event_invoke_configs(FunctionName=name)
    assert len(listed["FunctionEventInvokeConfigs"]) == 1
    client.delete_function_event_invoke_config(FunctionName=name)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_function_event_invoke_config(FunctionName=name)


def test_event_invoke_config_validation(client: Any) -> None:
    name = create_function(client, FLAKY)
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as error:
        client.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=5)
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_dead_letter_queue(client: Any, server: SimulatorServer) -> None:
    url, arn = queue(server)
    name = create_function(client, FLAKY, DeadLetterConfig={"TargetArn": arn})
    assert client.get_function_configuration(FunctionName=name)["DeadLetterConfig"] == {
        "TargetArn": arn}
    client.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
    client.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"fail": 2}))
    message = receive(server, url)
    assert json.loads(message["Body"]) == {"fail": 2}
    assert message["MessageAttributes"]["ErrorMessage"]["StringValue"] == "always fails"
    assert message["MessageAttributes"]["RequestID"]["StringValue"]


def test_queued_events_survive_a_restart(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    with running_server(state_dir, "process", async_workers=1) as server:
        client = lambda_client(server.url)
        name = create_function(client, """
            import json, time
            def handler(event, context):
                time.sleep(0.5)
                print("DONE " + json.dumps(event))
        """, Timeout=10)
        for n in range(4):
            client.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"n": n}))
        time.sleep(0.2)
        first_run = server.simulator
    # Read after the stop: whatever finished while stopping counts as done in the first run.
    done_before = {e.message.strip() for e in first_run.logs.events(name)
                   if e.message.startswith("DONE")}
    assert len(done_before) < 4
    with running_server(state_dir, "process", async_workers=2) as server:
        deadline = time.time() + 20
        while time.time() < deadline:
            done_after = {e.message.strip() for e in server.simulator.logs.events(name)
                          if e.message.startswith("DONE")}
            if len(done_before | done_after) == 4:
                break
            time.sleep(0.1)
    assert done_before | done_after == {f'DONE {{"n": {n}}}' for n in range(4)}
