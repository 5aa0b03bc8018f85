"""The event sources that invoke functions: SAM's `Events` on a function, and
`AWS::Lambda::EventSourceMapping` resources that feed an SQS queue to a function."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from simulator.templates.intrinsics import Resolver
from simulator.templates.specs import EventSpec, FunctionSpec, TemplateError

SUPPORTED_EVENT_TYPES = ("Api", "HttpApi", "S3", "SQS", "Schedule", "ScheduleV2", "SNS",
                         "EventBridgeRule", "CloudWatchEvent")
MAPPING_SETTINGS = ("BatchSize", "Enabled", "FunctionResponseTypes",
                    "MaximumBatchingWindowInSeconds", "ScalingConfig", "FilterCriteria")


def sam_events(logical_id: str, events: Any, resolver: Resolver) -> list[EventSpec]:
    """A SAM function's events with their properties resolved; types the simulator does not
    deliver are warned about and left out."""
    if not isinstance(events, dict):
        raise TemplateError(f"the Events of function {logical_id} must be a mapping of "
                            "event names to events")
    specs = []
    for event_id, event in events.items():
        event_type = event.get("Type") if isinstance(event, dict) else None
        if event_type not in SUPPORTED_EVENT_TYPES:
            resolver.warnings.append(
                f"Event {event_id} of function {logical_id} has the type {event_type}, which "
                f"the simulator does not deliver (it delivers {', '.join(SUPPORTED_EVENT_TYPES)})"
                "; it is ignored."
            )
            continue
        where = f"Resources.{logical_id}.Properties.Events.{event_id}.Properties"
        properties = resolver.resolve(event.get("Properties") or {}, where)
        specs.append(EventSpec(event_id, event_type, properties or {}))
    return specs


def attach_event_source_mapping(
    logical_id: str, resource: dict[str, Any], resolver: Resolver, functions: list[FunctionSpec]
) -> list[FunctionSpec]:
    """`functions` with the mapping's SQS queue added to its target's events, as an SQS
    EventSpec like SAM's; a mapping from any other source is warned about."""
    where = f"Resources.{logical_id}.Properties"
    properties = resolver.resolve(resource.get("Properties") or {}, where) or {}
    source, target = str(properties.get("EventSourceArn")), properties.get("FunctionName")
    label = f"Resource {logical_id} (AWS::Lambda::EventSourceMapping)"
    parts = source.split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != "sqs":
        resolver.warnings.append(
            f"{label} reads from {source}; the simulator only delivers SQS queues, so it is "
            "ignored."
        )
        return functions
    for index, function in enumerate(functions):
        if target in (function.name, function.arn, function.logical_id):
            event = EventSpec(logical_id, "SQS", {
                "Queue": source,
                **{key: properties[key] for key in MAPPING_SETTINGS if key in properties},
            })
            updated = replace(function, events=[*function.events, event])
            return [*functions[:index], updated, *functions[index + 1:]]
    resolver.warnings.append(
        f"{label} feeds the function {target}, which is not among the functions loaded; it is "
        "ignored."
    )
    return functions
