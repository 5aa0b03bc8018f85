"""Event source mappings through the Lambda API: their lifecycle on a DynamoDB stream, the
function references they accept, what CreateEventSourceMapping refuses for queues, streams and
Kafka, and the answers for mappings that do not exist."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from tests.conformance.replay import Replay, scenario, short_id

API = "lambda_api"
AREA = "event_source_mappings"
TABLE_ACTIVE_SECONDS = 30


def queue_arn(run: Replay) -> str:
    """A new SQS queue's ARN; the queue goes when the scenario ends."""
    sqs = run.client("sqs")
    url = sqs.create_queue(QueueName=f"queue-{short_id()}")["QueueUrl"]
    run.on_cleanup(lambda: sqs.delete_queue(QueueUrl=url))
    arn: str = sqs.get_queue_attributes(QueueUrl=url,
                                        AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return arn


def streamed_table(run: Replay, view_type: str) -> dict[str, Any]:
    """An on-demand table keyed by `id`, once Active, then given a stream: UpdateTable's
    answer (its LatestStreamArn is the stream's)."""
    dynamodb = run.client("dynamodb")
    name = f"table-{short_id()}"
    dynamodb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                          KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                          StreamSpecification={"StreamEnabled": False})
    run.on_cleanup(lambda: dynamodb.delete_table(TableName=name))
    dynamodb.get_waiter("table_exists").wait(
        TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": TABLE_ACTIVE_SECONDS})
    response: dict[str, Any] = dynamodb.update_table(
        TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type})
    return response


def kinesis_stream_arn(run: Replay) -> str:
    """A new one-shard Kinesis stream's ARN, once the stream is Active."""
    kinesis = run.client("kinesis")
    name = f"stream-{short_id()}"
    kinesis.create_stream(StreamName=name, ShardCount=1)
    run.on_cleanup(lambda: kinesis.delete_stream(StreamName=name))
    kinesis.get_waiter("stream_exists").wait(StreamName=name,
                                             WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    arn: str = kinesis.describe_stream(StreamName=name)["StreamDescription"]["StreamARN"]
    return arn


def wait_until_gone(run: Replay, mapping: str) -> bool:
    """Whether GetEventSourceMapping stopped finding the mapping within 30 s."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if "Error" in run.call("get_event_source_mapping", UUID=mapping):
            return True
        time.sleep(0.2)
    return False


@scenario(API, "TestLambdaEventSourceMappings::test_event_source_mapping_exceptions", AREA)
def event_source_mapping_exceptions(run: Replay) -> None:
    run.capture("get_unknown_uuid", "get_event_source_mapping", UUID=str(uuid.uuid4()))
    run.capture("delete_unknown_uuid", "delete_event_source_mapping", UUID=str(uuid.uuid4()))
    run.capture("update_unknown_uuid", "update_event_source_mapping", UUID=str(uuid.uuid4()),
                Enabled=False)
    # Listing does not check that the filters name anything; AWS's answers were not recorded.
    unknown_queue = f"arn:aws:sqs:{run.region}:111111111111:somequeue"
    run.call("list_event_source_mappings")
    run.call("list_event_source_mappings", FunctionName="doesnotexist")
    run.call("list_event_source_mappings", EventSourceArn=unknown_queue)
    run.capture("create_no_event_source_arn", "create_event_source_mapping",
                FunctionName="doesnotexist")
    run.capture("create_unknown_params", "create_event_source_mapping",
                FunctionName="doesnotexist", EventSourceArn=unknown_queue)
    run.capture("destination_config_failure", "create_event_source_mapping",
                FunctionName="doesnotexist", EventSourceArn=unknown_queue,
                DestinationConfig={"OnSuccess": {
                    "Destination": f"arn:aws:sqs:{run.region}:111111111111:someotherqueue"}})


def stream_mapping_with_failure_queue(run: Replay) -> tuple[str, dict[str, Any]]:
    """A function and a TRIM_HORIZON mapping from a new table's stream to it, failed batches
    going to a new queue (update_table_response, create_response): the function's name and
    the mapping as created."""
    destination = queue_arn(run)
    table = run.record("update_table_response", streamed_table(run, "NEW_IMAGE"))
    name = run.function_name()
    run.create_function(name)
    created = run.mapping(FunctionName=name,
                          EventSourceArn=table["TableDescription"]["LatestStreamArn"],
                          DestinationConfig={"OnFailure": {"Destination": destination}},
                          BatchSize=1, StartingPosition="TRIM_HORIZON",
                          MaximumBatchingWindowInSeconds=1, MaximumRetryAttempts=1)
    run.record("create_response", created)
    return name, created


@scenario(API, "TestLambdaEventSourceMappings::test_event_source_mapping_lifecycle", AREA)
def event_source_mapping_lifecycle(run: Replay) -> None:
    _, created = stream_mapping_with_failure_queue(run)
    run.wait_for_mapping(created["UUID"])
    run.capture("get_response", "get_event_source_mapping", UUID=created["UUID"])
    run.capture("delete_response", "delete_event_source_mapping", UUID=created["UUID"])


@scenario(API, "TestLambdaEventSourceMappings::test_event_source_mapping_lifecycle_delete_"
          "function", AREA)
def event_source_mapping_lifecycle_delete_function(run: Replay) -> None:
    name, created = stream_mapping_with_failure_queue(run)
    run.wait_for_mapping(created["UUID"])
    run.capture("get_response", "get_event_source_mapping", UUID=created["UUID"])
    run.capture("delete_function_response", "delete_function", FunctionName=name)
    run.capture("get_response_post_delete", "get_event_source_mapping", UUID=created["UUID"])
    run.capture("delete_response", "delete_event_source_mapping", UUID=created["UUID"])


@scenario(API, "TestLambdaEventSourceMappings::test_function_name_variations", AREA)
def function_name_variations(run: Replay) -> None:
    queue = queue_arn(run)
    name = run.function_name()
    run.create_function(name)
    version = run.published(name)
    alias = run.call("create_alias", FunctionName=name, FunctionVersion=version["Version"],
                     Name="myalias")
    function_arn = run.call("get_function", FunctionName=name)["Configuration"]["FunctionArn"]
    references = [("name_only", name), ("partial_arn_latest", f"{name}:$LATEST"),
                  ("partial_arn_version", f"{name}:{version['Version']}"),
                  ("partial_arn_alias", f"{name}:{alias['Name']}"),
                  ("full_arn_latest", function_arn), ("full_arn_version", version["FunctionArn"]),
                  ("full_arn_alias", alias["AliasArn"])]
    for scope, reference in references:
        created = run.record(f"{scope}_create_esm",
                             run.mapping(FunctionName=reference, EventSourceArn=queue))
        run.wait_for_mapping(created["UUID"])
        run.call("delete_event_source_mapping", UUID=created["UUID"])
        wait_until_gone(run, created["UUID"])


def starting_position_refusals(run: Replay, stream_arn: str, name: str) -> None:
    """No starting position, then one that is not one (no_starting_position,
    invalid_starting_position)."""
    run.capture("no_starting_position", "create_event_source_mapping", FunctionName=name,
                EventSourceArn=stream_arn)
    run.capture("invalid_starting_position", "create_event_source_mapping", FunctionName=name,
                EventSourceArn=stream_arn, StartingPosition="invalid")


@scenario(API, "TestLambdaEventSourceMappings::test_create_event_source_validation", AREA)
def create_event_source_validation(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    stream_arn = streamed_table(run, "NEW_AND_OLD_IMAGES")["TableDescription"]["LatestStreamArn"]
    starting_position_refusals(run, stream_arn, name)
    run.capture("incompatible_starting_position", "create_event_source_mapping",
                FunctionName=name, EventSourceArn=stream_arn, StartingPosition="AT_TIMESTAMP",
                StartingPositionTimestamp="1741010802")


@scenario(API, "TestLambdaEventSourceMappings::test_create_event_source_validation_kinesis",
          AREA)
def create_event_source_validation_kinesis(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    starting_position_refusals(run, kinesis_stream_arn(run), name)


@scenario(API, "TestLambdaEventSourceMappings::test_create_event_filter_criteria_validation",
          AREA)
def create_event_filter_criteria_validation(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    stream_arn = streamed_table(run, "NEW_AND_OLD_IMAGES")["TableDescription"]["LatestStreamArn"]
    created = run.record("response-with-empty-filters", run.mapping(
        FunctionName=name, EventSourceArn=stream_arn, StartingPosition="LATEST",
        FilterCriteria={"Filters": []}))
    run.wait_for_mapping(created["UUID"])
    # The recording's other filter criteria are refused by boto3 before anything is sent.


@scenario(API, "TestLambdaEventSourceMappings::test_create_event_source_self_managed", AREA)
def create_event_source_self_managed(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    secrets = run.client("secretsmanager")
    secret = secrets.create_secret(
        Name=f"secret-{short_id()}",
        SecretString=json.dumps({"username": "someUsername", "password": "somePassword"}))
    run.on_cleanup(lambda: secrets.delete_secret(SecretId=secret["ARN"],
                                                 ForceDeleteWithoutRecovery=True))
    kafka = {"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["kafka:1000"]}}
    basic_auth = [{"Type": "BASIC_AUTH", "URI": secret["ARN"]}]
    run.record("missing-source-access-configuration", run.mapping(
        Topics=["topic"], FunctionName=name, SelfManagedEventSource=kafka))
    run.record("event-source-mapping-default", run.mapping(
        Topics=["topic"], FunctionName=name, SourceAccessConfigurations=basic_auth,
        SelfManagedEventSource=kafka))
    run.record("duplicate-source", run.mapping(
        Topics=["topic"], FunctionName=name, SourceAccessConfigurations=basic_auth,
        SelfManagedEventSource=kafka))
    run.record("event-source-mapping-values", run.mapping(
        Topics=["topic_2"], FunctionName=name, SourceAccessConfigurations=basic_auth,
        SelfManagedEventSource=kafka, BatchSize=1,
        SelfManagedKafkaEventSourceConfig={"ConsumerGroupId": "random_id"},
        StartingPosition="LATEST"))
    run.record("multiple-duplicate-source", run.mapping(
        Topics=["topic"], FunctionName=name, SourceAccessConfigurations=basic_auth,
        SelfManagedEventSource={"Endpoints": {
            "KAFKA_BOOTSTRAP_SERVERS": ["kafka:1000", "kafka:2000"]}},
        BatchSize=1, SelfManagedKafkaEventSourceConfig={"ConsumerGroupId": "random_id"}))
