"""AWS::DynamoDB::Table's API calls, against a fake DynamoDB."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.stacks.provisioning import ResourceFailed
from simulator.stacks.resource_types import ReportingFailures
from simulator.stacks.resources.dynamodb_resources import (
    TableProvisioner,
    sse_specification,
    stream_specification,
    throughput,
)
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context, refusal

ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
KEYS = {"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}
GSI = {"IndexName": "by-kind", "KeySchema": [{"AttributeName": "kind", "KeyType": "HASH"}],
       "Projection": {"ProjectionType": "ALL"}}


def dynamodb(stream: bool = False) -> FakeClient:
    table: dict[str, Any] = {"TableArn": ARN}
    if stream:
        table.update({"LatestStreamArn": f"{ARN}/stream/1",
                      "StreamSpecification": {"StreamEnabled": True}})
    return FakeClient("dynamodb", {"describe_table": {"Table": table}})


def test_table_streams_are_on_only_with_a_view_type() -> None:
    assert stream_specification({"StreamSpecification": {"StreamViewType": "KEYS_ONLY"}}) == {
        "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    assert stream_specification({}) == {"StreamEnabled": False}


def test_throughput_and_encryption_are_typed() -> None:
    assert throughput({"ReadCapacityUnits": "5", "WriteCapacityUnits": 2}) == {
        "ReadCapacityUnits": 5, "WriteCapacityUnits": 2}
    assert throughput(None) is None
    assert sse_specification({"SSESpecification": {"SSEEnabled": "true"}}) == {"Enabled": True}
    assert sse_specification({}) is None


def test_a_table_is_created_with_its_indexes_and_waited_for() -> None:
    client = dynamodb(stream=True)
    provisioned = TableProvisioner().create(fake_context(client, logical_id="Orders"), {
        **KEYS, "BillingMode": "PAY_PER_REQUEST", "GlobalSecondaryIndexes": [GSI],
        "StreamSpecification": {"StreamViewType": "NEW_IMAGE"},
        "DeletionProtectionEnabled": "false", "Tags": [{"Key": "team", "Value": 1}],
        "TimeToLiveSpecification": {"Enabled": "true", "AttributeName": "expires"},
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})
    name = "shop-Orders-ABCDEF123456"
    assert provisioned.physical_id == name
    assert provisioned.attributes == {"Arn": ARN, "StreamArn": f"{ARN}/stream/1"}
    assert client.parameters("create_table") == {
        "TableName": name, **KEYS, "BillingMode": "PAY_PER_REQUEST",
        "GlobalSecondaryIndexes": [GSI],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        "DeletionProtectionEnabled": False, "Tags": [{"Key": "team", "Value": "1"}]}
    assert client.operations()[1] == "wait:table_exists"
    assert client.parameters("update_time_to_live")["TimeToLiveSpecification"] == {
        "Enabled": True, "AttributeName": "expires"}
    assert client.parameters("update_continuous_backups") == {
        "TableName": name,
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}}


def test_a_table_without_streams_has_no_stream_arn() -> None:
    provisioned = TableProvisioner().create(fake_context(dynamodb()), {
        **KEYS, "TableName": "orders"})
    assert provisioned.attributes == {"Arn": ARN}


def test_a_new_stream_view_type_turns_the_stream_off_first() -> None:
    client = dynamodb()
    old = {**KEYS, "StreamSpecification": {"StreamViewType": "KEYS_ONLY"}}
    new = {**KEYS, "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"}}
    TableProvisioner().update(fake_context(client), "orders", old, new)
    updates = client.all_parameters("update_table")
    assert [u["StreamSpecification"] for u in updates] == [
        {"StreamEnabled": False},
        {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}]


def test_billing_and_indexes_change_in_separate_updates() -> None:
    client = dynamodb()
    old = {**KEYS, "GlobalSecondaryIndexes": [{**GSI, "IndexName": "old"}]}
    new = {**KEYS, "BillingMode": "PROVISIONED",
           "ProvisionedThroughput": {"ReadCapacityUnits": "1", "WriteCapacityUnits": "1"},
           "GlobalSecondaryIndexes": [GSI]}
    TableProvisioner().update(fake_context(client), "orders", old, new)
    first, removed, added = client.all_parameters("update_table")
    assert (first["BillingMode"], first["ProvisionedThroughput"]) == (
        "PROVISIONED", {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    assert removed["GlobalSecondaryIndexUpdates"] == [{"Delete": {"IndexName": "old"}}]
    assert added["GlobalSecondaryIndexUpdates"] == [{"Create": GSI}]


def test_an_unchanged_table_is_only_described_and_ttl_can_be_turned_off() -> None:
    client = dynamodb()
    ttl = {"TimeToLiveSpecification": {"Enabled": True, "AttributeName": "expires"}}
    TableProvisioner().update(fake_context(client), "orders", {**KEYS, **ttl}, {**KEYS, **ttl})
    assert client.operations() == ["describe_table"]
    TableProvisioner().update(fake_context(client), "orders", {**KEYS, **ttl}, KEYS)
    assert client.parameters("update_time_to_live")["TimeToLiveSpecification"] == {
        "Enabled": False, "AttributeName": "expires"}


def test_key_schema_changes_replace_the_table_but_billing_does_not() -> None:
    assert TableProvisioner().replaces(KEYS, {**KEYS, "KeySchema": []})
    assert TableProvisioner().replaces(KEYS, {**KEYS, "TableName": "other"})
    assert not TableProvisioner().replaces(KEYS, {**KEYS, "BillingMode": "PAY_PER_REQUEST"})


def test_a_delete_waits_until_the_table_is_gone_and_a_missing_table_is_fine() -> None:
    client = dynamodb()
    TableProvisioner().delete(fake_context(client), "orders", KEYS)
    assert client.operations() == ["delete_table", "wait:table_not_exists"]
    gone = FakeClient("dynamodb", {"delete_table": refusal("ResourceNotFoundException")})
    ReportingFailures(TableProvisioner()).delete(fake_context(gone), "orders", KEYS)


def test_a_table_in_use_fails_with_dynamodbs_reason() -> None:
    client = FakeClient("dynamodb", {"create_table": refusal(
        "ResourceInUseException", "Table already exists: orders")})
    with pytest.raises(ResourceFailed, match=r"Table already exists: orders .*"
                                             r"\(HandlerErrorCode: AlreadyExists\)"):
        ReportingFailures(TableProvisioner()).create(fake_context(client),
                                                     {**KEYS, "TableName": "orders"})
