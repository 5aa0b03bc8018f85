"""Event source mappings: the CreateEventSourceMapping family with AWS's checks and wording,
kept in SQLite across a restart, and the pollers they start and stop. SQS is moto's, served on a
local port as the simulator serves it; functions run on the fake executor."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from simulator.api.runtime_api import RuntimeApiListener
from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool, PoolLimits
from simulator.errors import (
    InvalidParameterValueException,
    LambdaError,
    ResourceConflictException,
    ResourceNotFoundException,
    ValidationException,
)
from simulator.events.mappings import EventSourceMappings
from simulator.executors.fake import FakeContext, FakeExecutor
from simulator.functions.code_store import CodeStore
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.registry import FunctionRegistry
from simulator.functions.version_operations import VersionService
from simulator.functions.version_store import VersionStore
from simulator.invocation.invoker import Invoker
from simulator.observability.log_store import LogStore
from tests.helpers import ROLE, eventually, make_zip, unique_name

CODE = base64.b64encode(make_zip({"app.py": "# the fake executor runs a callable\n"})).decode()
FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:"
DROP = object()  # in a request's overrides: leave the member out


@pytest.fixture(scope="module")
def moto_port() -> Iterator[int]:
    """moto's SQS on a free port, where the mappings' SQS client finds the simulator's."""
    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    yield server.get_host_and_port()[1]
    server.stop()


@dataclass
class Stack:
    """The control and data planes on the fake executor, and what the function was given."""

    settings: Settings
    functions: FunctionOperations
    versions: VersionService
    invoker: Invoker
    bodies: list[str] = field(default_factory=list)


@pytest.fixture
def stack(moto_port: int, tmp_path: Path) -> Iterator[Stack]:
    settings = Settings.from_env(environ={}, port=moto_port, state_dir=tmp_path)
    bodies: list[str] = []
    lock = threading.Lock()

    def record(event: Any, context: FakeContext) -> None:
        with lock:  # an SQS message's body, a Kinesis record's data
            bodies.extend(record["body"] if "body" in record
                          else base64.b64decode(record["kinesis"]["data"]).decode()
                          for record in event["Records"])

    executor = FakeExecutor({"app.handler": record})
    pool = EnvironmentPool(
        executor,
        open_endpoint=lambda environment: RuntimeApiListener(
            environment, executor.runtime_api_host(), pool.owner_of),
        emit_log=LogStore().append,
        region=settings.region,
        limits=PoolLimits(),
    )
    registry = FunctionRegistry(tmp_path / "functions.db")
    version_store = VersionStore(tmp_path / "versions.db")
    functions = FunctionOperations(settings, registry, CodeStore(tmp_path / "code"), pool,
                                   version_store)
    invoker = Invoker(settings, functions, pool)
    for name in ("fn", "other"):
        functions.create_function({"FunctionName": name, "Runtime": "python3.12", "Role": ROLE,
                                   "Handler": "app.handler", "Code": {"ZipFile": CODE}})
    versions = VersionService(settings, functions, version_store, pool)
    yield Stack(settings, functions, versions, invoker, bodies)
    invoker.shutdown()
    pool.shutdown()
    registry.close()


OpenMappings = Callable[[], EventSourceMappings]


@pytest.fixture
def open_mappings(stack: Stack) -> Iterator[OpenMappings]:
    """Opens the mappings of the stack's state folder (again, to play a restart)."""
    opened: list[EventSourceMappings] = []

    def open_them() -> EventSourceMappings:
        opened.append(EventSourceMappings(stack.settings, stack.functions, stack.invoker))
        return opened[-1]

    yield open_them
    for mappings in opened:
        mappings.close()


@pytest.fixture
def mappings(open_mappings: OpenMappings) -> EventSourceMappings:
    started = open_mappings()
    started.start()
    return started


@pytest.fixture(scope="module")
def sqs(moto_port: int) -> Any:
    return boto3.client("sqs", endpoint_url=f"http://127.0.0.1:{moto_port}",
                        region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test")


MakeQueue = Callable[..., tuple[str, str]]


@pytest.fixture
def make_queue(sqs: Any) -> MakeQueue:
    """Creates a queue; its ARN and URL."""

    def make(suffix: str = "", **attributes: str) -> tuple[str, str]:
        url = sqs.create_queue(QueueName=unique_name("queue") + suffix,
                               Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return arn["Attributes"]["QueueArn"], url

    return make


def left_in(sqs: Any, url: str) -> tuple[int, int]:
    """(visible, in flight) messages of a queue."""
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return (int(attributes["ApproximateNumberOfMessages"]),
            int(attributes["ApproximateNumberOfMessagesNotVisible"]))


def received(sqs: Any, url: str) -> list[str]:
    """What a client of the queue receives now (waiting up to two seconds for something)."""
    answer = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2, MaxNumberOfMessages=10)
    return [message["Body"] for message in answer.get("Messages", [])]


# -- create, get, and the poller's delivery -----------------------------------------------------


def test_create_answers_creating_and_get_shows_the_mapping_enabled(
        mappings: EventSourceMappings, make_queue: MakeQueue) -> None:
    queue_arn, _ = make_queue()

    created = mappings.create({"FunctionName": "fn", "EventSourceArn": queue_arn})
    found = mappings.get(created["UUID"])

    assert created["State"] == "Creating"
    assert found == {**created, "State": "Enabled"}
    assert found["EventSourceArn"] == queue_arn
    assert found["FunctionArn"] == FUNCTION_ARN + "fn"
    assert found["EventSourceMappingArn"] == (
        f"arn:aws:lambda:us-east-1:000000000000:event-source-mapping:{created['UUID']}")
    assert (found["BatchSize"], found["MaximumBatchingWindowInSeconds"]) == (10, 0)
    assert found["FunctionResponseTypes"] == []
    assert found["StateTransitionReason"] == "USER_INITIATED"
    assert "ScalingConfig" not in found


def test_a_function_named_by_arn_is_mapped_by_its_name(
        mappings: EventSourceMappings, make_queue: MakeQueue) -> None:
    queue_arn, _ = make_queue()

    created = mappings.create({"FunctionName": FUNCTION_ARN + "fn", "EventSourceArn": queue_arn,
                               "Enabled": False})

    assert created["FunctionArn"] == FUNCTION_ARN + "fn"
    assert mappings.get(created["UUID"])["State"] == "Disabled"


def test_a_mapping_to_an_alias_keeps_the_alias(
        mappings: EventSourceMappings, make_queue: MakeQueue, stack: Stack) -> None:
    stack.versions.publish("fn", {})
    stack.versions.create_alias("fn", {"Name": "live", "FunctionVersion": "1"})
    queue_arn, _ = make_queue()

    to_alias = mappings.create({"FunctionName": "fn:live", "EventSourceArn": queue_arn,
                                "Enabled": False})

    assert to_alias["FunctionArn"] == FUNCTION_ARN + "fn:live"
    to_function = mappings.create({"FunctionName": "fn", "EventSourceArn": queue_arn,
                                   "Enabled": False})  # another function ARN: no conflict
    assert to_function["FunctionArn"] == FUNCTION_ARN + "fn"
    listed = mappings.list("fn:live", None, None, None)["EventSourceMappings"]
    assert [m["UUID"] for m in listed] == [to_alias["UUID"]]


def test_messages_sent_to_a_mapped_queue_reach_the_function_and_leave_the_queue(
        mappings: EventSourceMappings, make_queue: MakeQueue, sqs: Any, stack: Stack) -> None:
    queue_arn, url = make_queue()
    mappings.create({"FunctionName": "fn", "EventSourceArn": queue_arn})

    sqs.send_message(QueueUrl=url, MessageBody="one")
    sqs.send_message(QueueUrl=url, MessageBody="two")

    assert eventually(lambda: sorted(stack.bodies) == ["one", "two"])
    assert eventually(lambda: left_in(sqs, url) == (0, 0))


def test_the_settings_given_are_the_settings_answered(
        mappings: EventSourceMappings, make_queue: MakeQueue) -> None:
    queue_arn, _ = make_queue()

    created = mappings.create({
        "FunctionName": "fn", "EventSourceArn": queue_arn, "Enabled": False, "BatchSize": 100,
        "MaximumBatchingWindowInSeconds": 5, "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "ScalingConfig": {"MaximumConcurrency": 2},
    })

    assert created["BatchSize"] == 100
    assert created["MaximumBatchingWindowInSeconds"] == 5
    assert created["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert created["ScalingConfig"] == {"MaximumConcurrency": 2}


# -- what create refuses ------------------------------------------------------------------------


@pytest.mark.parametrize(("overrides", "error", "message"), [
    ({"FunctionName": DROP}, ValidationException,
     "1 validation error detected: Value 'None' at 'functionName' failed to satisfy constraint: "
     "Member must not be null"),
    ({"BatchSize": 0}, ValidationException,
     "Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater "
     "than or equal to 1"),
    ({"BatchSize": 10_001, "MaximumBatchingWindowInSeconds": 301}, ValidationException,
     "2 validation errors detected: Value '10001' at 'batchSize' failed to satisfy constraint: "
     "Member must have value less than or equal to 10000; Value '301' at "
     "'maximumBatchingWindowInSeconds' failed to satisfy constraint: Member must have value "
     "less than or equal to 300"),
    ({"ScalingConfig": {"MaximumConcurrency": 1}}, ValidationException,
     "Value '1' at 'scalingConfig.maximumConcurrency' failed to satisfy constraint: Member must "
     "have value greater than or equal to 2"),
    ({"FunctionResponseTypes": ["BisectBatch"]}, ValidationException,
     "at 'functionResponseTypes' failed to satisfy constraint: Member must satisfy constraint: "
     "[Member must satisfy enum value set: [ReportBatchItemFailures]]"),
    ({"Enabled": "yes"}, ValidationException,
     "Value 'yes' at 'enabled' failed to satisfy constraint: Member must be a boolean"),
    ({"StartingPosition": "LATEST"}, InvalidParameterValueException,
     "StartingPosition is not valid for SQS event sources."),
    ({"DestinationConfig": {"OnFailure": {}}}, InvalidParameterValueException,
     "Unsupported DestinationConfig parameter for given event source mapping type."),
    ({"FilterCriteria": {"Filters": [{"Pattern": "{}"}]}}, InvalidParameterValueException,
     "Invalid filter pattern definition."),
    ({"FunctionName": "nope"}, InvalidParameterValueException, "Function does not exist"),
    ({"EventSourceArn": DROP}, InvalidParameterValueException, "Unrecognized event source."),
    ({"EventSourceArn": "arn:aws:kafka:us-east-1:123456789012:cluster/c/1"},
     InvalidParameterValueException,
     "This simulator maps SQS queues only; kafka event sources are not supported"),
    ({"EventSourceArn": "arn:aws:sns:us-east-1:123456789012:topic"},
     InvalidParameterValueException,
     "Unrecognized event source, must be kinesis, dynamodb stream or sqs. Unsupported source "
     "arn : arn:aws:sns:us-east-1:123456789012:topic"),
    ({"EventSourceArn": "arn:aws:sqs:us-east-1:123456789012:no-such-queue"},
     InvalidParameterValueException,
     "Error occurred while ReceiveMessage. SQS Error Code: "
     "AWS.SimpleQueueService.NonExistentQueue."),
    ({"BatchSize": 11}, InvalidParameterValueException,
     "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater "
     "than 10"),
])
def test_create_refuses_what_aws_refuses(
        mappings: EventSourceMappings, make_queue: MakeQueue, overrides: dict[str, Any],
        error: type[LambdaError], message: str) -> None:
    queue_arn, _ = make_queue()
    body = {"FunctionName": "fn", "EventSourceArn": queue_arn, **overrides}

    with pytest.raises(error) as refused:
        mappings.create({key: value for key, value in body.items() if value is not DROP})

    assert message in refused.value.message
    assert mappings.list(None, None, None, None)["EventSourceMappings"] == []


def test_a_batch_size_above_ten_is_accepted_with_a_batching_window(
        mappings: EventSourceMappings, make_queue: MakeQueue) -> None:
    queue_arn, _ = make_queue()

    created = mappings.create({"FunctionName": "fn", "EventSourceArn": queue_arn,
                               "Enabled": False, "BatchSize": 11,
                               "MaximumBatchingWindowInSeconds": 1})

    assert created["BatchSize"] == 11


def test_a_fifo_queue_takes_no_batching_window(
        mappings: EventSourceMappings, make_queue: MakeQueue) -> None:
    queue_arn, _ = make_queue(".fifo", FifoQueue="true")

    with pytest.raises(InvalidParameterValueException) as refused:
        mappings.create({"FunctionName": "fn", "EventSourceArn": queue_arn,
                         "MaximumBatchingWindowInSeconds": 1})

    assert refused.value.message == "Batching window is not supported for FIFO queues."
    created = mappings.create({"FunctionName": "fn", "EventSourceArn": queue_arn,
                               "Enabled": False})
    assert created["EventSourceArn"] == queue_arn


def test_the_queues_visibility_timeout_must_cover_the_functions_timeout(
        mappings: EventSourceMappings, make_queue: MakeQueue, stack: Stack) -> None:
    stack.functions.update_function_configuration("fn", {"Timeout": 10})
    queue_arn, _ = make_queue(VisibilityTimeout="5")

    with pytest.raises(InvalidParameterValueException) as refused:
        mappings.create({"FunctionName": "fn", "EventSourceArn": queue_arn})

    assert refused.value.message == (
        "Queue visibility timeout: 5 seconds is less than Function timeout: 10 seconds")


def test_a_queue_and_function_pair_is_mapped_once(
        mappings: EventSourceMappings, make_queue: MakeQueue) -> None:
    queue_arn, _ = make_queue()
    first = mappings.create({"FunctionName": "fn", "EventSourceArn": queue_arn,
                             "Enabled": False})

    with pytest.raises(ResourceConflictException) as refused:
        mappings.create({"FunctionName": "fn", "EventSourceArn": queue_arn, "Enabled": False})

    assert refused.value.status == 409
    assert f"Please update or delete the existing mapping with UUID {first['UUID']}" in (
        refused.value.message)
    second = mappings.create({"FunctionName": "other", "EventSourceArn": queue_arn,
                              "Enabled": False})
    with pytest.raises(ResourceConflictException):
        mappings.update(second["UUID"], {"FunctionName": "fn"})
    assert mappings.get(second["UUID"])["FunctionArn"] == FUNCTION_ARN + "other"


# -- list ---------------------------------------------------------------------------------------


def test_list_filters_by_function_and_queue_and_pages_in_creation_order(
        mappings: EventSourceMappings, make_queue: MakeQueue) -> None:
    first_queue, _ = make_queue()
    second_queue, _ = make_queue()
    made = [mappings.create({"FunctionName": name, "EventSourceArn": queue, "Enabled": False})
            for name, queue in [("fn", first_queue), ("fn", second_queue),
                                ("other", first_queue)]]
    uuids = [mapping["UUID"] for mapping in made]

    def listed(function: str | None = None, queue: str | None = None,
               marker: str | None = None, max_items: str | None = None) -> list[str]:
        page = mappings.list(function, queue, marker, max_items)
        return [mapping["UUID"] for mapping in page["EventSourceMappings"]]

    assert listed() == uuids
    assert listed("fn") == uuids[:2]
    assert listed(FUNCTION_ARN + "other") == uuids[2:]
    assert listed(queue=first_queue) == [uuids[0], uuids[2]]
    assert listed("other", second_queue) == []
    first_page = mappings.list(None, None, None, "2")
    assert [m["UUID"] for m in first_page["EventSourceMappings"]] == uuids[:2]
    second_page = mappings.list(None, None, first_page["NextMarker"], "2")
    assert [m["UUID"] for m in second_page["EventSourceMappings"]] == uuids[2:]
    assert "NextMarker" not in second_page


@pytest.mark.parametrize(("marker", "max_items", "error"), [
    (None, "0", ValidationException),
    (None, "many", ValidationException),
    (None, "10001", ValidationException),
    ("not-a-marker", None, InvalidParameterValueException),
])
def test_list_refuses_bad_paging(mappings: EventSourceMappings, marker: str | None,
                                 max_items: str | None, error: type[LambdaError]) -> None:
    with pytest.raises(error):
        mappings.list(None, None, marker, max_items)


# -- update and delete --------------------------------------------------------------------------


def test_update_changes_settings_and_answers_updating(
        mappings: EventSourceMappings, make_queue: MakeQueue) -> None:
    queue_arn, _ = make_queue()
    created = mappings.create({"FunctionName": "fn", "EventSourceArn": queue_arn,
                               "Enabled": False, "ScalingConfig": {"MaximumConcurrency": 5},
                               "FunctionResponseTypes": ["ReportBatchItemFailures"]})
    time.sleep(0.01)  # a later LastModified

    updated = mappings.update(created["UUID"], {
        "FunctionName": "other", "BatchSize": 50, "MaximumBatchingWindowInSeconds": 3,
        "ScalingConfig": {}, "FunctionResponseTypes": [],
    })

    assert updated["State"] == "Updating"
    assert updated["FunctionArn"] == FUNCTION_ARN + "other"
    assert (updated["BatchSize"], updated["MaximumBatchingWindowInSeconds"]) == (50, 3)
    assert "ScalingConfig" not in updated  # an empty ScalingConfig lifts the limit
    assert updated["FunctionResponseTypes"] == []
    assert updated["LastModified"] > created["LastModified"]
    assert mappings.get(created["UUID"]) == {**updated, "State": "Disabled"}


def test_an_update_refused_leaves_the_mapping_as_it_was(
        mappings: EventSourceMappings, make_queue: MakeQueue) -> None:
    queue_arn, _ = make_queue()
    created = mappings.create({"FunctionName": "fn", "EventSourceArn": queue_arn,
                               "Enabled": False})

    with pytest.raises(InvalidParameterValueException):
        mappings.update(created["UUID"], {"BatchSize": 20})
    with pytest.raises(ValidationException):
        mappings.update(created["UUID"], {"BatchSize": 0})
    with pytest.raises(ResourceNotFoundException):
        mappings.update(created["UUID"], {"FunctionName": "nope"})

    assert mappings.get(created["UUID"]) == {**created, "State": "Disabled"}


def test_operations_on_an_unknown_mapping_are_not_found(mappings: EventSourceMappings) -> None:
    unknown = "14e0db71-5d35-4eb5-b481-8945cf9d10c2"
    operations: list[Callable[[], object]] = [
        lambda: mappings.get(unknown),
        lambda: mappings.update(unknown, {"Enabled": False}),
        lambda: mappings.delete(unknown),
    ]
    for operation in operations:
        with pytest.raises(ResourceNotFoundException) as missing:
            operation()
        assert missing.value.message == "The resource you requested does not exist."


def test_disabling_stops_delivery_enabling_resumes_it_and_deleting_ends_it(
        mappings: EventSourceMappings, make_queue: MakeQueue, sqs: Any, stack: Stack) -> None:
    queue_arn, url = make_queue()
    key = mappings.create({"FunctionName": "fn", "EventSourceArn": queue_arn})["UUID"]
    sqs.send_message(QueueUrl=url, MessageBody="while enabled")
    assert eventually(lambda: stack.bodies == ["while enabled"])

    assert mappings.update(key, {"Enabled": False})["State"] == "Disabling"
    assert mappings.get(key)["State"] == "Disabled"
    sqs.send_message(QueueUrl=url, MessageBody="while disabled")
    answer = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2)
    [waiting] = answer["Messages"]
    assert waiting["Body"] == "while disabled"
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=waiting["ReceiptHandle"],
                                  VisibilityTimeout=0)

    assert mappings.update(key, {"Enabled": True})["State"] == "Enabling"
    assert eventually(lambda: stack.bodies == ["while enabled", "while disabled"])

    deleted = mappings.delete(key)
    assert deleted["State"] == "Deleting"
    with pytest.raises(ResourceNotFoundException):
        mappings.get(key)
    sqs.send_message(QueueUrl=url, MessageBody="after the delete")
    assert received(sqs, url) == ["after the delete"]
    assert stack.bodies == ["while enabled", "while disabled"]


# -- a restart ----------------------------------------------------------------------------------


def test_mappings_and_their_pollers_outlive_a_restart(
        open_mappings: OpenMappings, make_queue: MakeQueue, sqs: Any, stack: Stack) -> None:
    enabled_queue, enabled_url = make_queue()
    disabled_queue, disabled_url = make_queue()
    before = open_mappings()
    enabled = before.create({"FunctionName": "fn", "EventSourceArn": enabled_queue})
    disabled = before.create({"FunctionName": "fn", "EventSourceArn": disabled_queue,
                              "Enabled": False, "BatchSize": 3})
    before.close()

    after = open_mappings()
    after.start()
    sqs.send_message(QueueUrl=enabled_url, MessageBody="to the enabled mapping")
    sqs.send_message(QueueUrl=disabled_url, MessageBody="to the disabled mapping")

    assert after.get(enabled["UUID"]) == {**enabled, "State": "Enabled"}
    assert after.get(disabled["UUID"]) == {**disabled, "State": "Disabled"}
    assert eventually(lambda: stack.bodies == ["to the enabled mapping"])
    assert received(sqs, disabled_url) == ["to the disabled mapping"]
    assert stack.bodies == ["to the enabled mapping"]


# -- filter criteria ----------------------------------------------------------------------------

ORDERS = '{"body": {"kind": ["order"]}}'
REFUNDS = '{"body": {"kind": ["refund"]}}'


def test_filter_criteria_are_answered_back_by_create_get_and_list(
        mappings: EventSourceMappings, make_queue: MakeQueue) -> None:
    queue_arn, _ = make_queue()
    criteria = {"Filters": [{"Pattern": ORDERS}, {"Pattern": REFUNDS}]}

    created = mappings.create({"FunctionName": "fn", "EventSourceArn": queue_arn,
                               "Enabled": False, "FilterCriteria": criteria})

    assert created["FilterCriteria"] == criteria
    assert mappings.get(created["UUID"])["FilterCriteria"] == criteria
    [listed] = mappings.list(None, queue_arn, None, None)["EventSourceMappings"]
    assert listed["FilterCriteria"] == criteria


def test_a_mapping_without_filters_answers_no_filter_criteria(
        mappings: EventSourceMappings, make_queue: MakeQueue) -> None:
    queue_arn, _ = make_queue()

    created = mappings.create({"FunctionName": "fn", "EventSourceArn": queue_arn,
                               "Enabled": False, "FilterCriteria": {}})

    assert "FilterCriteria" not in created
    assert "FilterCriteria" not in mappings.get(created["UUID"])


def test_update_replaces_keeps_and_clears_filter_criteria(
        mappings: EventSourceMappings, make_queue: MakeQueue) -> None:
    queue_arn, _ = make_queue()
    key = mappings.create({"FunctionName": "fn", "EventSourceArn": queue_arn, "Enabled": False,
                           "FilterCriteria": {"Filters": [{"Pattern": ORDERS}]}})["UUID"]

    replaced = mappings.update(key, {"FilterCriteria": {"Filters": [{"Pattern": REFUNDS}]}})
    assert replaced["FilterCriteria"] == {"Filters": [{"Pattern": REFUNDS}]}
    kept = mappings.update(key, {"BatchSize": 5})
    assert kept["FilterCriteria"] == {"Filters": [{"Pattern": REFUNDS}]}
    cleared = mappings.update(key, {"FilterCriteria": {}})
    assert "FilterCriteria" not in cleared
    assert "FilterCriteria" not in mappings.get(key)
    mappings.update(key, {"FilterCriteria": {"Filters": [{"Pattern": ORDERS}]}})
    assert "FilterCriteria" not in mappings.update(key, {"FilterCriteria": {"Filters": []}})


@pytest.mark.parametrize(("criteria", "error", "message"), [
    ({"Filters": [{"Pattern": "{not json"}]}, InvalidParameterValueException,
     "Invalid filter pattern definition."),
    ({"Filters": [{"Pattern": '{"body": {"kind": "order"}}'}]}, InvalidParameterValueException,
     "Invalid filter pattern definition."),
    ({"Filters": [{"Pattern": f'{{"n": [{n}]}}'} for n in range(6)]},
     InvalidParameterValueException, "limit of 5 filters"),
    ({"Filters": [{"Pattern": '{"a": ["' + "x" * 4096 + '"]}'}]}, ValidationException,
     "at 'filterCriteria.filters.1.member.pattern' failed to satisfy constraint: Member must "
     "have length less than or equal to 4096"),
])
def test_filter_criteria_aws_refuses_are_refused_on_create_and_update(
        mappings: EventSourceMappings, make_queue: MakeQueue, criteria: dict[str, Any],
        error: type[LambdaError], message: str) -> None:
    queue_arn, _ = make_queue()
    with pytest.raises(error) as refused:
        mappings.create({"FunctionName": "fn", "EventSourceArn": queue_arn,
                         "FilterCriteria": criteria})
    assert message in refused.value.message
    assert mappings.list(None, None, None, None)["EventSourceMappings"] == []

    created = mappings.create({"FunctionName": "fn", "EventSourceArn": queue_arn,
                               "Enabled": False,
                               "FilterCriteria": {"Filters": [{"Pattern": ORDERS}]}})
    with pytest.raises(error):
        mappings.update(created["UUID"], {"FilterCriteria": criteria})
    assert mappings.get(created["UUID"]) == {**created, "State": "Disabled"}


def test_only_matching_messages_reach_the_function_and_the_others_leave_the_queue(
        mappings: EventSourceMappings, make_queue: MakeQueue, sqs: Any, stack: Stack) -> None:
    queue_arn, url = make_queue()
    mappings.create({"FunctionName": "fn", "EventSourceArn": queue_arn,
                     "FilterCriteria": {"Filters": [{"Pattern": ORDERS},
                                                    {"Pattern": '{"body": ["ping"]}'}]}})

    for body in ('{"kind": "order", "id": 1}', '{"kind": "refund", "id": 2}', "ping", "pong",
                 '{"kind": "order", "id": 3}'):
        sqs.send_message(QueueUrl=url, MessageBody=body)

    assert eventually(lambda: left_in(sqs, url) == (0, 0))
    assert eventually(lambda: sorted(stack.bodies) == sorted([
        '{"kind": "order", "id": 1}', '{"kind": "order", "id": 3}', "ping"]))


def test_filters_outlive_a_restart(open_mappings: OpenMappings, make_queue: MakeQueue,
                                   sqs: Any, stack: Stack) -> None:
    queue_arn, url = make_queue()
    before = open_mappings()
    created = before.create({"FunctionName": "fn", "EventSourceArn": queue_arn,
                             "FilterCriteria": {"Filters": [{"Pattern": ORDERS}]}})
    before.close()

    after = open_mappings()
    after.start()
    sqs.send_message(QueueUrl=url, MessageBody='{"kind": "refund"}')
    sqs.send_message(QueueUrl=url, MessageBody='{"kind": "order"}')

    assert after.get(created["UUID"]) == {**created, "State": "Enabled"}
    assert eventually(lambda: left_in(sqs, url) == (0, 0))
    assert eventually(lambda: stack.bodies == ['{"kind": "order"}'])


# -- stream mappings ----------------------------------------------------------------------------

STREAM_WAIT = 10.0  # a shard is read after its poller has listed the stream's shards


@pytest.fixture(scope="module")
def kinesis(moto_port: int) -> Any:
    return boto3.client("kinesis", endpoint_url=f"http://127.0.0.1:{moto_port}",
                        region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test")


def make_stream(kinesis: Any) -> tuple[str, str]:
    """A new one-shard stream: its ARN and name."""
    name = unique_name("stream")
    kinesis.create_stream(StreamName=name, ShardCount=1)
    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    return summary["StreamARN"], name


def test_a_stream_mapping_answers_as_aws_and_delivers_the_streams_records(
        mappings: EventSourceMappings, kinesis: Any, stack: Stack) -> None:
    stream_arn, name = make_stream(kinesis)
    kinesis.put_record(StreamName=name, Data=b"first", PartitionKey="k")

    created = mappings.create({"FunctionName": "fn", "EventSourceArn": stream_arn,
                               "StartingPosition": "TRIM_HORIZON", "MaximumRetryAttempts": 2})

    assert created["State"] == "Creating"
    assert (created["StartingPosition"], created["BatchSize"],
            created["MaximumRetryAttempts"], created["StateTransitionReason"]) == (
        "TRIM_HORIZON", 100, 2, "User action")
    assert eventually(lambda: stack.bodies == ["first"], STREAM_WAIT)
    assert eventually(lambda: mappings.get(created["UUID"])["LastProcessingResult"] == "OK",
                      STREAM_WAIT)


def test_a_stream_mapping_refuses_queue_settings_and_updates_stream_ones(
        mappings: EventSourceMappings, kinesis: Any) -> None:
    stream_arn, _ = make_stream(kinesis)
    created = mappings.create({"FunctionName": "fn", "EventSourceArn": stream_arn,
                               "StartingPosition": "LATEST", "Enabled": False})

    with pytest.raises(InvalidParameterValueException):
        mappings.update(created["UUID"], {"ScalingConfig": {"MaximumConcurrency": 2}})
    updated = mappings.update(created["UUID"], {
        "BisectBatchOnFunctionError": True, "TumblingWindowInSeconds": 60,
        "DestinationConfig": {"OnFailure": {
            "Destination": "arn:aws:sns:us-east-1:000000000000:failures"}}})

    assert updated["State"] == "Updating"
    assert updated["BisectBatchOnFunctionError"] is True
    assert updated["TumblingWindowInSeconds"] == 60
    assert updated["DestinationConfig"] == {"OnFailure": {
        "Destination": "arn:aws:sns:us-east-1:000000000000:failures"}}
    assert updated["StartingPosition"] == "LATEST"
    with pytest.raises(InvalidParameterValueException) as missing:
        mappings.create({"FunctionName": "fn", "EventSourceArn": stream_arn + "-gone",
                         "StartingPosition": "LATEST"})
    assert missing.value.message == f"Stream not found: {stream_arn}-gone"


def test_a_stream_mapping_resumes_after_its_checkpoint_after_a_restart(
        open_mappings: OpenMappings, kinesis: Any, stack: Stack) -> None:
    stream_arn, name = make_stream(kinesis)
    before = open_mappings()
    before.start()
    created = before.create({"FunctionName": "fn", "EventSourceArn": stream_arn,
                             "StartingPosition": "TRIM_HORIZON"})
    kinesis.put_record(StreamName=name, Data=b"before", PartitionKey="k")
    assert eventually(lambda: before.get(created["UUID"])["LastProcessingResult"] == "OK",
                      STREAM_WAIT)
    before.close()

    after = open_mappings()
    after.start()
    kinesis.put_record(StreamName=name, Data=b"after", PartitionKey="k")

    assert eventually(lambda: stack.bodies == ["before", "after"], STREAM_WAIT)
    time.sleep(0.3)
    assert stack.bodies == ["before", "after"]


def test_a_failed_batch_goes_to_an_s3_destination_as_an_object_named_as_aws_names_it(
        mappings: EventSourceMappings, kinesis: Any, stack: Stack, moto_port: int) -> None:
    s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{moto_port}",
                      region_name="us-east-1", aws_access_key_id="test",
                      aws_secret_access_key="test")
    bucket = unique_name("failures")
    s3.create_bucket(Bucket=bucket)
    stack.functions.create_function({"FunctionName": "broken", "Runtime": "python3.12",
                                     "Role": ROLE, "Handler": "app.missing",
                                     "Code": {"ZipFile": CODE}})
    stream_arn, name = make_stream(kinesis)
    kinesis.put_record(StreamName=name, Data=b"doomed", PartitionKey="k")

    created = mappings.create({
        "FunctionName": "broken", "EventSourceArn": stream_arn,
        "StartingPosition": "TRIM_HORIZON", "MaximumRetryAttempts": 0,
        "DestinationConfig": {"OnFailure": {"Destination": f"arn:aws:s3:::{bucket}"}}})

    assert eventually(lambda: s3.list_objects_v2(Bucket=bucket).get("Contents"), STREAM_WAIT)
    [stored] = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert stored["Key"].startswith(f"aws/lambda/{created['UUID']}/shardId-000000000000/")
    record = json.loads(s3.get_object(Bucket=bucket, Key=stored["Key"])["Body"].read())
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    [event_record] = record["payload"]["Records"]
    assert base64.b64decode(event_record["kinesis"]["data"]) == b"doomed"
