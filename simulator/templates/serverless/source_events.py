"""The framework's `s3`, `sqs`, `sns`, `schedule`, `stream` and `eventBridge` events as SAM
events (S3, SQS, SNS, Schedule, DynamoDB/Kinesis, EventBridgeRule), with the buckets, topics
and event buses the framework creates for them added to `resources`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from simulator.templates.errors import TemplateError
from simulator.templates.serverless.naming import bucket_id, event_bus_id, topic_id

Event = dict[str, Any]
Resources = dict[str, Any]

STREAM_SETTINGS = {"batchSize": "BatchSize", "enabled": "Enabled",
                   "maximumRetryAttempts": "MaximumRetryAttempts",
                   "bisectBatchOnFunctionError": "BisectBatchOnFunctionError",
                   "parallelizationFactor": "ParallelizationFactor",
                   "maximumRecordAgeInSeconds": "MaximumRecordAgeInSeconds",
                   "batchWindow": "MaximumBatchingWindowInSeconds",
                   "tumblingWindowInSeconds": "TumblingWindowInSeconds",
                   "startingPositionTimestamp": "StartingPositionTimestamp"}
SQS_SETTINGS = {"batchSize": "BatchSize", "enabled": "Enabled",
                "maximumBatchingWindow": "MaximumBatchingWindowInSeconds"}


def s3_event(spec: Any, where: str, resources: Resources, warnings: list[str]) -> list[Event]:
    """`s3: photos` or {bucket, event, rules, existing}. A new bucket becomes a resource named
    as given; SAM attaches S3 events to buckets of the same template only, so an existing
    bucket's event is left out with a warning."""
    settings = spec if isinstance(spec, dict) else {"bucket": spec}
    bucket = settings.get("bucket")
    if not isinstance(bucket, str) or not bucket:
        raise TemplateError(f"{where} needs a bucket name")
    if settings.get("existing") is True:
        warnings.append(f"{where} is on the existing bucket {bucket}, which a SAM template can "
                        "only notify through a custom resource; the event is left out.")
        return []
    logical_id = bucket_id(bucket)
    resources.setdefault(logical_id, {"Type": "AWS::S3::Bucket",
                                      "Properties": {"BucketName": bucket}})
    properties: dict[str, Any] = {"Bucket": {"Ref": logical_id},
                                  "Events": settings.get("event") or "s3:ObjectCreated:*"}
    rules = [{"Name": name.lower() if name.lower() in ("prefix", "suffix") else name,
              "Value": value}
             for rule in settings.get("rules") or [] if isinstance(rule, dict)
             for name, value in rule.items()]
    if rules:
        properties["Filter"] = {"S3Key": {"Rules": rules}}
    return [{"Type": "S3", "Properties": properties}]


def sqs_event(spec: Any, where: str, resources: Resources, warnings: list[str]) -> list[Event]:
    """`sqs: <queue arn>` or {arn, batchSize, maximumBatchingWindow, functionResponseType,
    filterPatterns, maximumConcurrency}."""
    settings = spec if isinstance(spec, dict) else {"arn": spec}
    if settings.get("arn") is None:
        raise TemplateError(f"{where} needs the queue's arn")
    properties = {"Queue": settings["arn"], **renamed(settings, SQS_SETTINGS)}
    properties.update(common_mapping_settings(settings))
    if settings.get("maximumConcurrency") is not None:
        properties["ScalingConfig"] = {"MaximumConcurrency": settings["maximumConcurrency"]}
    return [{"Type": "SQS", "Properties": properties}]


def sns_event(spec: Any, where: str, resources: Resources, warnings: list[str]) -> list[Event]:
    """`sns: <topic name or arn>` or {topicName, arn, filterPolicy, filterPolicyScope}; a topic
    named rather than given by ARN is created, as the framework creates it."""
    settings = spec if isinstance(spec, dict) else {"topicName": spec}
    topic: Any = settings.get("arn")
    name = settings.get("topicName")
    if topic is None and isinstance(name, str) and name.startswith("arn:"):
        topic = name
    if topic is None:
        if not isinstance(name, str) or not name:
            raise TemplateError(f"{where} needs a topic name or arn")
        logical_id = topic_id(name)
        properties = {"TopicName": name}
        if settings.get("displayName"):
            properties["DisplayName"] = settings["displayName"]
        resources.setdefault(logical_id, {"Type": "AWS::SNS::Topic", "Properties": properties})
        topic = {"Ref": logical_id}
    event: dict[str, Any] = {"Topic": topic}
    if settings.get("filterPolicy"):
        event["FilterPolicy"] = settings["filterPolicy"]
        if settings.get("filterPolicyScope"):
            event["FilterPolicyScope"] = settings["filterPolicyScope"]
    return [{"Type": "SNS", "Properties": event}]


def schedule_event(spec: Any, where: str, resources: Resources,
                   warnings: list[str]) -> list[Event]:
    """`schedule: rate(10 minutes)` or {rate, enabled, input, name, description}; `rate` may
    list several expressions, each its own rule."""
    settings = spec if isinstance(spec, dict) else {"rate": spec}
    rates = settings.get("rate")
    expressions = rates if isinstance(rates, list) else [rates]
    if not expressions or any(not isinstance(item, str) for item in expressions):
        raise TemplateError(f"{where} needs a rate: rate(...) or cron(...)")
    events = []
    for expression in expressions:
        properties: dict[str, Any] = {"Schedule": expression}
        properties.update(rule_settings(settings))
        if settings.get("enabled") is False:
            properties["Enabled"] = False
        if settings.get("name") and len(expressions) == 1:
            properties["Name"] = settings["name"]
        if settings.get("description"):
            properties["Description"] = settings["description"]
        events.append({"Type": "Schedule", "Properties": properties})
    return events


def stream_event(spec: Any, where: str, resources: Resources,
                 warnings: list[str]) -> list[Event]:
    """`stream: <arn>` or {type: dynamodb|kinesis, arn, batchSize, startingPosition ...}; the
    type is read from the ARN when not given."""
    settings = spec if isinstance(spec, dict) else {"arn": spec}
    arn = settings.get("arn")
    kind = settings.get("type") or (
        "kinesis" if isinstance(arn, str) and ":kinesis:" in arn else
        "dynamodb" if isinstance(arn, str) and ":dynamodb:" in arn else None)
    if arn is None or kind not in ("dynamodb", "kinesis"):
        raise TemplateError(f"{where} needs an arn and a type (dynamodb or kinesis)")
    properties = {"Stream": arn,
                  "StartingPosition": settings.get("startingPosition") or "TRIM_HORIZON",
                  **renamed(settings, STREAM_SETTINGS), **common_mapping_settings(settings)}
    failure = (settings.get("destinations") or {}).get("onFailure")
    if failure is not None:
        target = failure if not isinstance(failure, dict) else failure.get("arn")
        kind_of_target = "SNS" if isinstance(target, str) and ":sns:" in target else "SQS"
        properties["DestinationConfig"] = {"OnFailure": {"Type": kind_of_target,
                                                         "Destination": target}}
    return [{"Type": "DynamoDB" if kind == "dynamodb" else "Kinesis", "Properties": properties}]


def event_bridge_event(spec: Any, where: str, resources: Resources,
                       warnings: list[str]) -> list[Event]:
    """{pattern, eventBus, schedule, input, inputPath, name}: a schedule as a `Schedule`
    event, a pattern as an `EventBridgeRule` on the bus named (created when it is a name
    rather than an ARN, as the framework creates it)."""
    if not isinstance(spec, dict):
        raise TemplateError(f"{where} must be a mapping with a pattern or a schedule")
    if spec.get("schedule"):
        return schedule_event({**spec, "rate": spec["schedule"]}, where, resources, warnings)
    if not isinstance(spec.get("pattern"), dict):
        raise TemplateError(f"{where} needs a pattern (or a schedule)")
    properties: dict[str, Any] = {"Pattern": spec["pattern"], **rule_settings(spec)}
    bus = spec.get("eventBus")
    if isinstance(bus, str) and bus.startswith("arn:"):
        properties["EventBusName"] = bus.rsplit("/", 1)[-1]
    elif isinstance(bus, str) and bus != "default":
        resources.setdefault(event_bus_id(bus), {"Type": "AWS::Events::EventBus",
                                                 "Properties": {"Name": bus}})
        properties["EventBusName"] = {"Ref": event_bus_id(bus)}
    elif bus is not None and bus != "default":
        properties["EventBusName"] = bus
    if spec.get("name"):
        properties["RuleName"] = spec["name"]
    return [{"Type": "EventBridgeRule", "Properties": properties}]


def rule_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """A rule's target input: `input` (a mapping becomes its JSON) or `inputPath`."""
    properties: dict[str, Any] = {}
    if settings.get("input") is not None:
        value = settings["input"]
        properties["Input"] = value if isinstance(value, str) else json.dumps(value)
    if settings.get("inputPath"):
        properties["InputPath"] = settings["inputPath"]
    return properties


def common_mapping_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """An event source mapping's response type and filters, as SQS and streams share them."""
    properties: dict[str, Any] = {}
    if settings.get("functionResponseType"):
        properties["FunctionResponseTypes"] = [settings["functionResponseType"]]
    patterns = settings.get("filterPatterns")
    if isinstance(patterns, list) and patterns:
        properties["FilterCriteria"] = {"Filters": [
            {"Pattern": pattern if isinstance(pattern, str) else json.dumps(pattern)}
            for pattern in patterns]}
    return properties


def renamed(settings: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {name: settings[key] for key, name in names.items() if settings.get(key) is not None}


CONVERTERS: dict[str, Callable[[Any, str, Resources, list[str]], list[Event]]] = {
    "s3": s3_event, "sqs": sqs_event, "sns": sns_event, "schedule": schedule_event,
    "stream": stream_event, "eventBridge": event_bridge_event,
}
