"""AWS::DynamoDB::Table: `Ref` is its name; `Arn` and `StreamArn` (when streams are on)
its attributes. Complete once the table is ACTIVE, as CloudFormation waits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.stacks.provisioning import Provisioned, ProvisioningContext
from simulator.stacks.resources.properties import (
    ReplacedByProperties,
    as_bool,
    compact,
    resource_name,
    tag_list,
)


def throughput(value: Mapping[str, Any] | None) -> dict[str, int] | None:
    if not value:
        return None
    return {"ReadCapacityUnits": int(value["ReadCapacityUnits"]),
            "WriteCapacityUnits": int(value["WriteCapacityUnits"])}


def index(value: Mapping[str, Any]) -> dict[str, Any]:
    return compact({"IndexName": value["IndexName"], "KeySchema": value["KeySchema"],
                    "Projection": value["Projection"],
                    "ProvisionedThroughput": throughput(value.get("ProvisionedThroughput"))})


def stream_specification(properties: Mapping[str, Any]) -> dict[str, Any]:
    view = (properties.get("StreamSpecification") or {}).get("StreamViewType")
    return {"StreamEnabled": True, "StreamViewType": view} if view else {"StreamEnabled": False}


def sse_specification(properties: Mapping[str, Any]) -> dict[str, Any] | None:
    value = properties.get("SSESpecification")
    if not value:
        return None
    return compact({"Enabled": as_bool(value.get("SSEEnabled")),
                    "SSEType": value.get("SSEType"),
                    "KMSMasterKeyId": value.get("KMSMasterKeyId")})


class TableProvisioner(ReplacedByProperties):
    required_properties = frozenset({"KeySchema", "AttributeDefinitions"})
    replacement_properties = frozenset({"TableName", "KeySchema", "LocalSecondaryIndexes"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        dynamodb = context.client("dynamodb")
        name = resource_name(context, properties, "TableName", 255)
        stream = stream_specification(properties)
        dynamodb.create_table(TableName=name, **compact({
            "AttributeDefinitions": properties["AttributeDefinitions"],
            "KeySchema": properties["KeySchema"],
            "BillingMode": properties.get("BillingMode"),
            "ProvisionedThroughput": throughput(properties.get("ProvisionedThroughput")),
            "GlobalSecondaryIndexes": [index(i) for i in properties["GlobalSecondaryIndexes"]]
            if properties.get("GlobalSecondaryIndexes") else None,
            "LocalSecondaryIndexes": [index(i) for i in properties["LocalSecondaryIndexes"]]
            if properties.get("LocalSecondaryIndexes") else None,
            "StreamSpecification": stream if stream["StreamEnabled"] else None,
            "SSESpecification": sse_specification(properties),
            "TableClass": properties.get("TableClass"),
            "DeletionProtectionEnabled": as_bool(properties.get("DeletionProtectionEnabled")),
            "Tags": tag_list(properties.get("Tags")) or None}))
        dynamodb.get_waiter("table_exists").wait(TableName=name,
                                                 WaiterConfig={"Delay": 1})
        self._time_to_live(dynamodb, name, {}, properties)
        self._point_in_time_recovery(dynamodb, name, {}, properties)
        return self._provisioned(dynamodb, name)

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        dynamodb = context.client("dynamodb")
        changes: dict[str, Any] = {}
        if old_properties.get("BillingMode") != new_properties.get("BillingMode") or \
                old_properties.get("ProvisionedThroughput") != \
                new_properties.get("ProvisionedThroughput"):
            changes.update(compact({
                "BillingMode": new_properties.get("BillingMode") or "PROVISIONED",
                "ProvisionedThroughput": throughput(
                    new_properties.get("ProvisionedThroughput"))}))
        if stream_specification(old_properties) != stream_specification(new_properties):
            if stream_specification(old_properties)["StreamEnabled"] and \
                    stream_specification(new_properties)["StreamEnabled"]:
                # A stream's view type cannot change in place: it is turned off first.
                self._update(dynamodb, physical_id,
                             {"StreamSpecification": {"StreamEnabled": False}})
            changes["StreamSpecification"] = stream_specification(new_properties)
        if old_properties.get("DeletionProtectionEnabled") != \
                new_properties.get("DeletionProtectionEnabled"):
            changes["DeletionProtectionEnabled"] = bool(
                as_bool(new_properties.get("DeletionProtectionEnabled")))
        if changes:
            changes["AttributeDefinitions"] = new_properties["AttributeDefinitions"]
            self._update(dynamodb, physical_id, changes)
        self._indexes(dynamodb, physical_id, old_properties, new_properties)
        self._time_to_live(dynamodb, physical_id, old_properties, new_properties)
        self._point_in_time_recovery(dynamodb, physical_id, old_properties, new_properties)
        return self._provisioned(dynamodb, physical_id)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        dynamodb = context.client("dynamodb")
        dynamodb.delete_table(TableName=physical_id)
        dynamodb.get_waiter("table_not_exists").wait(TableName=physical_id,
                                                     WaiterConfig={"Delay": 1})

    @staticmethod
    def _update(dynamodb: Any, name: str, changes: Mapping[str, Any]) -> None:
        dynamodb.update_table(TableName=name, **changes)
        dynamodb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})

    def _indexes(self, dynamodb: Any, name: str, old: Mapping[str, Any],
                 new: Mapping[str, Any]) -> None:
        """Global secondary indexes are added and removed one per update, as DynamoDB
        allows."""
        had = {i["IndexName"]: i for i in old.get("GlobalSecondaryIndexes") or ()}
        wanted = {i["IndexName"]: i for i in new.get("GlobalSecondaryIndexes") or ()}
        for index_name in sorted(had.keys() - wanted.keys()):
            self._update(dynamodb, name, {"GlobalSecondaryIndexUpdates": [
                {"Delete": {"IndexName": index_name}}]})
        for index_name in sorted(wanted.keys() - had.keys()):
            self._update(dynamodb, name, {
                "AttributeDefinitions": new["AttributeDefinitions"],
                "GlobalSecondaryIndexUpdates": [{"Create": index(wanted[index_name])}]})

    @staticmethod
    def _time_to_live(dynamodb: Any, name: str, old: Mapping[str, Any],
                      new: Mapping[str, Any]) -> None:
        before = old.get("TimeToLiveSpecification") or {}
        after = new.get("TimeToLiveSpecification") or {}
        if before == after:
            return
        if as_bool(after.get("Enabled")):
            dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification={
                "Enabled": True, "AttributeName": after["AttributeName"]})
        elif as_bool(before.get("Enabled")):
            dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification={
                "Enabled": False, "AttributeName": before["AttributeName"]})

    @staticmethod
    def _point_in_time_recovery(dynamodb: Any, name: str, old: Mapping[str, Any],
                                new: Mapping[str, Any]) -> None:
        before = as_bool((old.get("PointInTimeRecoverySpecification") or {}).get(
            "PointInTimeRecoveryEnabled")) or False
        after = as_bool((new.get("PointInTimeRecoverySpecification") or {}).get(
            "PointInTimeRecoveryEnabled")) or False
        if before != after:
            dynamodb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={
                "PointInTimeRecoveryEnabled": after})

    @staticmethod
    def _provisioned(dynamodb: Any, name: str) -> Provisioned:
        table = dynamodb.describe_table(TableName=name)["Table"]
        attributes = {"Arn": table["TableArn"]}
        if table.get("LatestStreamArn") and \
                (table.get("StreamSpecification") or {}).get("StreamEnabled"):
            attributes["StreamArn"] = table["LatestStreamArn"]
        return Provisioned(name, attributes)
