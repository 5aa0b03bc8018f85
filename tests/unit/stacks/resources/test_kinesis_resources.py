"""AWS::Kinesis::Stream's API calls, against a fake Kinesis."""

from __future__ import annotations

from simulator.stacks.resource_types import ReportingFailures
from simulator.stacks.resources.kinesis_resources import StreamProvisioner, stream_mode
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context, refusal

ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/clicks"


def kinesis(**answers: object) -> FakeClient:
    return FakeClient("kinesis", {"describe_stream_summary": {
        "StreamDescriptionSummary": {"StreamARN": ARN}}, **answers})


def test_a_provisioned_stream_has_one_shard_by_default_and_waits_to_be_active() -> None:
    client = kinesis()
    provisioned = StreamProvisioner().create(fake_context(client, logical_id="Clicks"), {
        "Tags": [{"Key": "a", "Value": "b"}]})
    assert (provisioned.physical_id, provisioned.attributes) == ("shop-Clicks-ABCDEF123456",
                                                                  {"Arn": ARN})
    assert client.parameters("create_stream") == {
        "StreamName": "shop-Clicks-ABCDEF123456",
        "StreamModeDetails": {"StreamMode": "PROVISIONED"}, "ShardCount": 1,
        "Tags": {"a": "b"}}
    assert client.operations()[1] == "wait:stream_exists"
    assert "increase_stream_retention_period" not in client.operations()


def test_an_on_demand_stream_has_no_shard_count_and_keeps_its_settings() -> None:
    client = kinesis()
    StreamProvisioner().create(fake_context(client), {
        "Name": "clicks", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}, "ShardCount": 4,
        "RetentionPeriodHours": "48",
        "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}})
    assert "ShardCount" not in client.parameters("create_stream")
    assert client.parameters("increase_stream_retention_period") == {
        "StreamName": "clicks", "RetentionPeriodHours": 48}
    assert client.parameters("start_stream_encryption") == {
        "StreamName": "clicks", "EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}


def test_an_update_changes_mode_shards_and_retention() -> None:
    client = kinesis()
    StreamProvisioner().update(fake_context(client), "clicks",
                               {"StreamModeDetails": {"StreamMode": "ON_DEMAND"},
                                "RetentionPeriodHours": 72},
                               {"ShardCount": "2"})
    assert client.parameters("update_stream_mode") == {
        "StreamARN": ARN, "StreamModeDetails": {"StreamMode": "PROVISIONED"}}
    assert client.parameters("update_shard_count") == {
        "StreamName": "clicks", "TargetShardCount": 2, "ScalingType": "UNIFORM_SCALING"}
    assert client.parameters("decrease_stream_retention_period") == {
        "StreamName": "clicks", "RetentionPeriodHours": 24}


def test_an_unchanged_stream_is_only_described() -> None:
    client = kinesis()
    StreamProvisioner().update(fake_context(client), "clicks", {"ShardCount": 1},
                               {"ShardCount": 1})
    assert client.operations() == ["describe_stream_summary"]
    assert stream_mode({}) == "PROVISIONED"
    assert StreamProvisioner().replaces({"Name": "a"}, {"Name": "b"})
    assert not StreamProvisioner().replaces({"ShardCount": 1}, {"ShardCount": 2})


def test_a_stream_is_deleted_with_its_consumers_and_a_missing_one_is_fine() -> None:
    client = kinesis()
    StreamProvisioner().delete(fake_context(client), "clicks", {})
    assert client.calls == [
        ("delete_stream", {"StreamName": "clicks", "EnforceConsumerDeletion": True}),
        ("wait:stream_not_exists", {"StreamName": "clicks", "WaiterConfig": {"Delay": 1}})]
    gone = kinesis(delete_stream=refusal("ResourceNotFoundException"))
    ReportingFailures(StreamProvisioner()).delete(fake_context(gone), "clicks", {})
