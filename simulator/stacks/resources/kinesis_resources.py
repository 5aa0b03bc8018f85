"""AWS::Kinesis::Stream: `Ref` is the stream's name, `Arn` its ARN; complete once the stream
is ACTIVE, as CloudFormation waits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.stacks.provisioning import Provisioned, ProvisioningContext
from simulator.stacks.resources.properties import (
    ReplacedByProperties,
    as_int,
    compact,
    resource_name,
    tag_map,
)

DEFAULT_RETENTION_HOURS = 24


def stream_mode(properties: Mapping[str, Any]) -> str:
    return str((properties.get("StreamModeDetails") or {}).get("StreamMode") or "PROVISIONED")


class StreamProvisioner(ReplacedByProperties):
    replacement_properties = frozenset({"Name"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        kinesis = context.client("kinesis")
        name = resource_name(context, properties, "Name", 128)
        mode = stream_mode(properties)
        kinesis.create_stream(StreamName=name, StreamModeDetails={"StreamMode": mode},
                              **compact({"ShardCount": None if mode == "ON_DEMAND" else
                                         as_int(properties.get("ShardCount", 1)),
                                         "Tags": tag_map(properties.get("Tags")) or None}))
        self._settled(kinesis, name)
        retention = as_int(properties.get("RetentionPeriodHours"))
        if retention and retention != DEFAULT_RETENTION_HOURS:
            kinesis.increase_stream_retention_period(StreamName=name,
                                                     RetentionPeriodHours=retention)
        encryption = properties.get("StreamEncryption")
        if encryption:
            kinesis.start_stream_encryption(StreamName=name, **encryption)
        return self._provisioned(kinesis, name)

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        kinesis = context.client("kinesis")
        if stream_mode(old_properties) != stream_mode(new_properties):
            arn = kinesis.describe_stream_summary(StreamName=physical_id)[
                "StreamDescriptionSummary"]["StreamARN"]
            kinesis.update_stream_mode(StreamARN=arn, StreamModeDetails={
                "StreamMode": stream_mode(new_properties)})
            self._settled(kinesis, physical_id)
        shards = as_int(new_properties.get("ShardCount"))
        if shards and shards != as_int(old_properties.get("ShardCount")) and \
                stream_mode(new_properties) == "PROVISIONED":
            kinesis.update_shard_count(StreamName=physical_id, TargetShardCount=shards,
                                       ScalingType="UNIFORM_SCALING")
            self._settled(kinesis, physical_id)
        before = as_int(old_properties.get("RetentionPeriodHours")) or DEFAULT_RETENTION_HOURS
        after = as_int(new_properties.get("RetentionPeriodHours")) or DEFAULT_RETENTION_HOURS
        if after > before:
            kinesis.increase_stream_retention_period(StreamName=physical_id,
                                                     RetentionPeriodHours=after)
        elif after < before:
            kinesis.decrease_stream_retention_period(StreamName=physical_id,
                                                     RetentionPeriodHours=after)
        return self._provisioned(kinesis, physical_id)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        kinesis = context.client("kinesis")
        kinesis.delete_stream(StreamName=physical_id, EnforceConsumerDeletion=True)
        kinesis.get_waiter("stream_not_exists").wait(StreamName=physical_id,
                                                     WaiterConfig={"Delay": 1})

    @staticmethod
    def _settled(kinesis: Any, name: str) -> None:
        kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1})

    @staticmethod
    def _provisioned(kinesis: Any, name: str) -> Provisioned:
        summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
        return Provisioned(name, {"Arn": summary["StreamARN"]})
