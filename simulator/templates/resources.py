"""Specs of the resources around functions: layers, and the queues, buckets, topics and rules
that event sources need. Each keeps its resolved properties for whatever a caller needs
beyond the few fields it names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simulator.templates.code_location import RemoteCode, local_code
from simulator.templates.intrinsics import Resolver
from simulator.templates.specs import (
    BucketSpec,
    LayerSpec,
    QueueSpec,
    RedrivePolicy,
    RuleSpec,
    TopicSpec,
)
from simulator.templates.value_coercion import as_bool, as_document, as_int, stringify


def properties_of(logical_id: str, resource: dict[str, Any], resolver: Resolver) -> dict[str, Any]:
    where = f"Resources.{logical_id}.Properties"
    return resolver.resolve(resource.get("Properties") or {}, where) or {}


def queue(logical_id: str, resource: dict[str, Any], resolver: Resolver) -> QueueSpec:
    properties = properties_of(logical_id, resource, resolver)
    physical = resolver.physical(logical_id)
    where = f"Resources.{logical_id}.Properties"
    return QueueSpec(
        logical_id=logical_id,
        name=physical.name,
        url=physical.attributes["QueueUrl"],
        arn=physical.attributes["Arn"],
        fifo=as_bool(properties.get("FifoQueue")),
        visibility_timeout=as_int(
            properties.get("VisibilityTimeout"), 30, f"{where}.VisibilityTimeout"
        ),
        message_retention_period=as_int(
            properties.get("MessageRetentionPeriod"), 345600, f"{where}.MessageRetentionPeriod"
        ),
        delay_seconds=as_int(properties.get("DelaySeconds"), 0, f"{where}.DelaySeconds"),
        redrive_policy=redrive_policy(properties.get("RedrivePolicy"), f"{where}.RedrivePolicy"),
        properties=properties,
    )


def redrive_policy(value: Any, where: str) -> RedrivePolicy | None:
    document = as_document(value, where)
    if not document or document.get("deadLetterTargetArn") is None:
        return None
    return RedrivePolicy(
        dead_letter_target_arn=stringify(document["deadLetterTargetArn"]),
        max_receive_count=as_int(
            document.get("maxReceiveCount"), 10, f"{where}.maxReceiveCount"
        ),
    )


def bucket(logical_id: str, resource: dict[str, Any], resolver: Resolver) -> BucketSpec:
    properties = properties_of(logical_id, resource, resolver)
    physical = resolver.physical(logical_id)
    return BucketSpec(logical_id, physical.name, physical.attributes["Arn"], properties)


def topic(logical_id: str, resource: dict[str, Any], resolver: Resolver) -> TopicSpec:
    properties = properties_of(logical_id, resource, resolver)
    physical = resolver.physical(logical_id)
    return TopicSpec(
        logical_id=logical_id,
        name=physical.name,
        arn=physical.attributes["TopicArn"],
        fifo=as_bool(properties.get("FifoTopic")),
        properties=properties,
    )


def rule(logical_id: str, resource: dict[str, Any], resolver: Resolver) -> RuleSpec:
    properties = properties_of(logical_id, resource, resolver)
    physical = resolver.physical(logical_id)
    where = f"Resources.{logical_id}.Properties"
    schedule = properties.get("ScheduleExpression")
    return RuleSpec(
        logical_id=logical_id,
        name=physical.name,
        arn=physical.attributes["Arn"],
        schedule_expression=None if schedule is None else stringify(schedule),
        event_pattern=as_document(properties.get("EventPattern"), f"{where}.EventPattern"),
        enabled=stringify(properties.get("State", "ENABLED")).upper() != "DISABLED",
        targets=list(properties.get("Targets") or []),
    )


def layer(
    logical_id: str, resource: dict[str, Any], resolver: Resolver, template_dir: Path
) -> LayerSpec | None:
    """A layer whose content is a local folder; one in S3 or in a .zip is warned about."""
    properties = properties_of(logical_id, resource, resolver)
    serverless = resource.get("Type") == "AWS::Serverless::LayerVersion"
    content_key = "ContentUri" if serverless else "Content"
    label = f"Layer {logical_id} ({resource.get('Type')})"
    where = f"Resources.{logical_id}.Properties.{content_key}"
    try:
        content = local_code(properties.get(content_key), template_dir, where)
    except RemoteCode as problem:
        resolver.warnings.append(f"{label} cannot be used: {problem}; it is skipped.")
        return None
    if content.folder is None:
        resolver.warnings.append(
            f"{label} has its content in {content.archive}; the simulator takes layers from "
            "folders only, so it is skipped."
        )
        return None
    runtimes = properties.get("CompatibleRuntimes") or []
    return LayerSpec(
        logical_id=logical_id,
        name=resolver.physical(logical_id).name,
        content_dir=content.folder,
        compatible_runtimes=[stringify(runtime) for runtime in runtimes],
    )
