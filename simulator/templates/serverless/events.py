"""A function's `events` list as the `Events` of its SAM function: each entry converted by the
module for its kind, named `<Kind>Event<n>`; kinds the conversion does not know are warned
about and left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.templates.serverless.http_events import RestApi, http_api_event, http_event
from simulator.templates.serverless.source_events import CONVERTERS

EVENT_NAMES = {"http": "Http", "httpApi": "HttpApi", "s3": "S3", "sqs": "Sqs", "sns": "Sns",
               "schedule": "Schedule", "stream": "Stream", "eventBridge": "EventBridge"}


@dataclass
class ServiceEvents:
    """The events of every function of a service, and what they share: the REST API of the
    `http` events, and the resources (buckets, topics, buses) the events create."""

    payload_version: str = "2.0"
    rest_api: RestApi = field(default_factory=RestApi)
    resources: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def of_function(self, function_name: str, events: Any) -> dict[str, Any]:
        """The SAM `Events` of the function `function_name`."""
        converted: dict[str, Any] = {}
        counts: dict[str, int] = {}
        for index, entry in enumerate(events if isinstance(events, list) else []):
            where = f"functions.{function_name}.events[{index}]"
            kind, spec = next(iter(entry.items())) if isinstance(entry, dict) and entry \
                else (None, None)
            if kind not in EVENT_NAMES:
                self.warnings.append(f"{where} is a {kind} event, which the conversion does "
                                     f"not know (it knows {', '.join(EVENT_NAMES)}); it is "
                                     "left out.")
                continue
            for event in self._converted(str(kind), spec, f"{where}.{kind}"):
                counts[str(kind)] = counts.get(str(kind), 0) + 1
                converted[f"{EVENT_NAMES[str(kind)]}Event{counts[str(kind)]}"] = event
        return converted

    def _converted(self, kind: str, spec: Any, where: str) -> list[dict[str, Any]]:
        if kind == "http":
            return [http_event(spec, where, self.rest_api, self.warnings)]
        if kind == "httpApi":
            return [http_api_event(spec, where, self.payload_version)]
        return CONVERTERS[kind](spec, where, self.resources, self.warnings)
