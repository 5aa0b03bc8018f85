"""AWS::Lambda::EventSourceMapping: `Ref` is the mapping's UUID; complete once the mapping
has left its transitional state (Creating, Updating, ...), as CloudFormation waits."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from simulator.stacks.provisioning import Provisioned, ProvisioningContext, ResourceFailed
from simulator.stacks.resources.properties import (
    ReplacedByProperties,
    as_bool,
    as_int,
    compact,
    tag_map,
)

NUMBERS = ("BatchSize", "MaximumBatchingWindowInSeconds", "MaximumRecordAgeInSeconds",
           "MaximumRetryAttempts", "ParallelizationFactor", "TumblingWindowInSeconds")
BOOLEANS = ("Enabled", "BisectBatchOnFunctionError")
UPDATABLE = (*NUMBERS, *BOOLEANS, "FunctionName", "FilterCriteria", "DestinationConfig",
             "SourceAccessConfigurations", "FunctionResponseTypes", "ScalingConfig",
             "DocumentDBEventSourceConfig", "MetricsConfig", "ProvisionedPollerConfig")
CREATE_ONLY = ("EventSourceArn", "StartingPosition", "StartingPositionTimestamp", "Topics",
               "Queues", "SelfManagedEventSource", "AmazonManagedKafkaEventSourceConfig",
               "SelfManagedKafkaEventSourceConfig")
# What an update sends for a property the template no longer sets.
REMOVED = {"FilterCriteria": {"Filters": []}, "FunctionResponseTypes": [],
           "DestinationConfig": {"OnFailure": {}}, "ScalingConfig": {}}
TRANSITIONAL = frozenset({"Creating", "Enabling", "Updating", "Disabling"})
SETTLE_SECONDS = 60.0


def mapping_parameters(properties: Mapping[str, Any], names: tuple[str, ...]
                       ) -> dict[str, Any]:
    chosen = {name: properties[name] for name in names if name in properties}
    for name in NUMBERS:
        if name in chosen:
            chosen[name] = as_int(chosen[name])
    for name in BOOLEANS:
        if name in chosen:
            chosen[name] = as_bool(chosen[name])
    if "KmsKeyArn" in properties:
        chosen["KMSKeyArn"] = properties["KmsKeyArn"]
    return chosen


class EventSourceMappingProvisioner(ReplacedByProperties):
    required_properties = frozenset({"FunctionName"})
    replacement_properties = frozenset(CREATE_ONLY)

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        client = context.client("lambda")
        if "StartingPositionTimestamp" in properties:
            properties = {**properties, "StartingPositionTimestamp":
                          float(properties["StartingPositionTimestamp"])}
        mapping = client.create_event_source_mapping(
            **mapping_parameters(properties, (*UPDATABLE, *CREATE_ONLY)),
            **compact({"Tags": tag_map(properties.get("Tags")) or None}))
        return self._settled(client, mapping["UUID"])

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        client = context.client("lambda")
        wanted = mapping_parameters(new_properties, UPDATABLE)
        for name in mapping_parameters(old_properties, UPDATABLE):
            if name not in wanted and name in REMOVED:
                wanted[name] = REMOVED[name]
        client.update_event_source_mapping(UUID=physical_id, **wanted)
        return self._settled(client, physical_id)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("lambda").delete_event_source_mapping(UUID=physical_id)

    @staticmethod
    def _settled(client: Any, uuid: str) -> Provisioned:
        deadline = time.monotonic() + SETTLE_SECONDS
        mapping = client.get_event_source_mapping(UUID=uuid)
        while mapping.get("State") in TRANSITIONAL:
            if time.monotonic() > deadline:
                raise ResourceFailed(f"Event source mapping {uuid} did not stabilize: it is "
                                     f"still {mapping['State']}.")
            time.sleep(0.2)
            mapping = client.get_event_source_mapping(UUID=uuid)
        return Provisioned(uuid, {"Id": uuid,
                                  "EventSourceMappingArn": mapping.get("EventSourceMappingArn",
                                                                       "")})
