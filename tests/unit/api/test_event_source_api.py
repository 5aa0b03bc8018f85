"""The event source mapping routes of the Lambda API, driven by boto3 against a simulator
served on a loopback port (the mappings read their queues from its embedded SQS, as any
client does); functions run on the fake executor."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from simulator.app import Simulator
from simulator.config import Settings
from simulator.executors.fake import FakeContext, FakeExecutor
from simulator.http_server import SimulatorServer
from tests.helpers import ROLE, eventually, make_zip, unique_name

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"
bodies: list[str] = []
lock = threading.Lock()


def record(event: Any, context: FakeContext) -> None:
    with lock:
        bodies.extend(message["body"] for message in event["Records"])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path_factory.mktemp("state"))
    server = SimulatorServer(Simulator(settings, executor=FakeExecutor(
        {"app.handler": record}))).start()
    yield server
    server.stop()


def client_of(server: SimulatorServer, service: str) -> Any:
    return boto3.session.Session().client(
        service, endpoint_url=server.url, region_name="us-east-1", aws_access_key_id="test",
        aws_secret_access_key="test", config=Config(retries={"total_max_attempts": 1}))


@pytest.fixture(scope="module")
def lambda_client(server: SimulatorServer) -> Any:
    return client_of(server, "lambda")


@pytest.fixture(scope="module")
def sqs(server: SimulatorServer) -> Any:
    return client_of(server, "sqs")


def function(lambda_client: Any) -> str:
    name = unique_name()
    lambda_client.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE,
                                  Handler="app.handler",
                                  Code={"ZipFile": make_zip({"app.py": "# fake\n"})})
    return name


def queue(sqs: Any) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=unique_name("queue"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    return url, arn


def mapping(lambda_client: Any, sqs: Any, enabled: bool = False,
            **settings: Any) -> dict[str, Any]:
    """A mapping from a new queue to a new function; disabled unless asked, so that no poller
    runs for tests that do not need one."""
    created: dict[str, Any] = lambda_client.create_event_source_mapping(
        FunctionName=function(lambda_client), EventSourceArn=queue(sqs)[1], Enabled=enabled,
        **settings)
    return created


def test_create_is_accepted_with_202_and_the_mapping_as_aws_describes_it(
        lambda_client: Any, sqs: Any) -> None:
    name = function(lambda_client)
    _, queue_arn = queue(sqs)

    created = lambda_client.create_event_source_mapping(
        FunctionName=name, EventSourceArn=queue_arn, BatchSize=5, Enabled=False)

    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert created["State"] == "Disabled"  # as AWS answers a mapping created disabled
    assert (created["FunctionArn"], created["EventSourceArn"], created["BatchSize"]) == (
        ARN + name, queue_arn, 5)
    assert created["EventSourceMappingArn"].endswith(f":event-source-mapping:{created['UUID']}")
    got = lambda_client.get_event_source_mapping(UUID=created["UUID"])
    assert got["State"] == "Disabled"
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_list_filters_by_function_and_by_queue(lambda_client: Any, sqs: Any) -> None:
    first = mapping(lambda_client, sqs)
    second = mapping(lambda_client, sqs)

    by_function = lambda_client.list_event_source_mappings(
        FunctionName=first["FunctionArn"].rsplit(":", 1)[-1])["EventSourceMappings"]
    by_queue = lambda_client.list_event_source_mappings(
        EventSourceArn=second["EventSourceArn"])["EventSourceMappings"]

    assert [m["UUID"] for m in by_function] == [first["UUID"]]
    assert [m["UUID"] for m in by_queue] == [second["UUID"]]


def test_list_pages_with_max_items_and_marker(lambda_client: Any, sqs: Any) -> None:
    made = {mapping(lambda_client, sqs)["UUID"] for _ in range(3)}

    seen: list[str] = []
    kwargs: dict[str, Any] = {"MaxItems": 2}
    while True:
        page = lambda_client.list_event_source_mappings(**kwargs)
        assert len(page["EventSourceMappings"]) <= 2
        seen += [m["UUID"] for m in page["EventSourceMappings"]]
        if "NextMarker" not in page:
            break
        kwargs["Marker"] = page["NextMarker"]

    assert made <= set(seen)
    assert len(seen) == len(set(seen))


def test_update_is_accepted_with_202_and_says_what_the_mapping_is_becoming(
        lambda_client: Any, sqs: Any) -> None:
    created = mapping(lambda_client, sqs, enabled=True)

    disabled = lambda_client.update_event_source_mapping(UUID=created["UUID"], Enabled=False)
    resized = lambda_client.update_event_source_mapping(UUID=created["UUID"], BatchSize=7)

    assert disabled["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert disabled["State"] == "Disabling"
    assert (resized["State"], resized["BatchSize"]) == ("Updating", 7)
    got = lambda_client.get_event_source_mapping(UUID=created["UUID"])
    assert (got["State"], got["BatchSize"]) == ("Disabled", 7)


def test_delete_is_accepted_with_202_and_the_mapping_is_gone(lambda_client: Any,
                                                             sqs: Any) -> None:
    created = mapping(lambda_client, sqs)

    deleted = lambda_client.delete_event_source_mapping(UUID=created["UUID"])

    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert deleted["State"] == "Deleting"
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException):
        lambda_client.get_event_source_mapping(UUID=created["UUID"])


def test_a_member_of_the_wrong_type_is_a_validation_exception(server: SimulatorServer,
                                                              sqs: Any,
                                                              lambda_client: Any) -> None:
    name = function(lambda_client)
    _, queue_arn = queue(sqs)
    app = server.simulator.app.test_client()

    response = app.post("/2015-03-31/event-source-mappings/", json={
        "FunctionName": name, "EventSourceArn": queue_arn, "BatchSize": "10"})

    assert response.status_code == 400
    assert response.get_json() == {
        "__type": "ValidationException", "Type": "User",
        "message": "1 validation error detected: Value at 'BatchSize' failed to satisfy "
                   "constraint: Member must be of type int"}
    assert lambda_client.list_event_source_mappings(
        FunctionName=name)["EventSourceMappings"] == []


def test_the_routes_answer_with_and_without_a_trailing_slash(server: SimulatorServer,
                                                             sqs: Any,
                                                             lambda_client: Any) -> None:
    name = function(lambda_client)
    _, queue_arn = queue(sqs)
    app = server.simulator.app.test_client()

    created = app.post("/2015-03-31/event-source-mappings", json={
        "FunctionName": name, "EventSourceArn": queue_arn, "Enabled": False})
    listed = app.get(f"/2015-03-31/event-source-mappings?FunctionName={name}")

    assert created.status_code == 202
    assert [m["UUID"] for m in listed.get_json()["EventSourceMappings"]] == [
        created.get_json()["UUID"]]


def test_a_mapping_for_an_unknown_function_is_a_bad_parameter_as_on_aws(
        lambda_client: Any, sqs: Any) -> None:
    _, queue_arn = queue(sqs)

    with pytest.raises(ClientError) as raised:
        lambda_client.create_event_source_mapping(FunctionName="ghost",
                                                  EventSourceArn=queue_arn)

    assert (raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]) \
        == ("InvalidParameterValueException", "Function does not exist")


def test_an_enabled_mapping_hands_the_queue_s_messages_to_the_function(
        lambda_client: Any, sqs: Any) -> None:
    name = function(lambda_client)
    url, queue_arn = queue(sqs)
    created = lambda_client.create_event_source_mapping(FunctionName=name,
                                                        EventSourceArn=queue_arn, BatchSize=1)
    try:
        sqs.send_message(QueueUrl=url, MessageBody=f"hello {name}")

        assert eventually(lambda: f"hello {name}" in bodies, timeout=5)
        assert eventually(lambda: sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages",
                                          "ApproximateNumberOfMessagesNotVisible"])[
            "Attributes"] == {"ApproximateNumberOfMessages": "0",
                              "ApproximateNumberOfMessagesNotVisible": "0"}, timeout=5)
    finally:
        lambda_client.delete_event_source_mapping(UUID=created["UUID"])
