"""A template's event sources made real: its queues, buckets, topics and rules created in the
simulator's own AWS services (through boto3, as any client would), and each function's
`Events` connected — S3 notifications, SQS event source mappings, SNS subscriptions,
schedules and API routes. Safe to run again when the template changes."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from simulator.aws_clients import own_client
from simulator.config import Settings
from simulator.errors import LambdaError
from simulator.events.http_events import DEFAULT_STAGE
from simulator.events.http_routes import HttpRoutes
from simulator.events.mappings import EventSourceMappings
from simulator.events.schedule_expressions import parse_schedule_expression
from simulator.events.schedules import Scheduler
from simulator.templates import EventSpec, FunctionSpec, Template

log = logging.getLogger(__name__)

REST_API_ID = "ServerlessRestApi"
HTTP_API_ID = "ServerlessHttpApi"
IMPLICIT_REST_API_STAGE = "Prod"


class TemplateWiring:
    def __init__(self, settings: Settings, mappings: EventSourceMappings, scheduler: Scheduler,
                 routes: HttpRoutes) -> None:
        self._settings = settings
        self._mappings = mappings
        self._scheduler = scheduler
        self._routes = routes
        self._clients: dict[tuple[str, str], Any] = {}
        self._wired = _Wired()  # what the last wiring connected, to undo what a change drops

    def __call__(self, template: Template) -> None:
        self._create_resources(template)
        notifications: dict[str, list[dict[str, Any]]] = {}
        self._routes.remove_api(REST_API_ID)
        self._routes.remove_api(HTTP_API_ID)
        wired = _Wired()
        for function in template.functions:
            for event in function.events:
                try:
                    self._connect(template, function, event, notifications, wired)
                except (ClientError, LambdaError) as error:
                    log.warning("%s: event %s (%s) not connected: %s", function.name,
                                event.logical_id, event.type, error)
        for bucket, configurations in notifications.items():
            self._client("s3").put_bucket_notification_configuration(
                Bucket=bucket,
                NotificationConfiguration={"LambdaFunctionConfigurations": configurations})
        wired.buckets = set(notifications)
        self._disconnect(self._wired.dropped_by(wired))
        self._wired = wired

    def _disconnect(self, dropped: _Wired) -> None:
        """Undo what the template no longer has, as a stack update removes it."""
        for name in dropped.schedules:
            self._scheduler.remove_local(name)
        for rule in dropped.rules:
            self._undo("rule " + rule, self._delete_rule, rule=rule)
        for bucket in dropped.buckets:
            self._undo("notifications of bucket " + bucket,
                       self._client("s3").put_bucket_notification_configuration,
                       Bucket=bucket, NotificationConfiguration={})
        for subscription in dropped.subscriptions:
            self._undo("subscription " + subscription, self._client("sns").unsubscribe,
                       SubscriptionArn=subscription)
        for function_name, queue_arn in dropped.queue_mappings:
            found = self._mappings.list(function_name, queue_arn, None, None)
            for mapping in found.get("EventSourceMappings") or []:
                self._mappings.delete(mapping["UUID"])

    def _undo(self, what: str, call: Any, **arguments: Any) -> None:
        try:
            call(**arguments)
        except ClientError as error:  # already gone with its resource
            log.info("%s not removed: %s", what, error)

    def _create_resources(self, template: Template) -> None:
        for queue in sorted(template.queues, key=lambda q: q.redrive_policy is not None):
            attributes = {"VisibilityTimeout": str(queue.visibility_timeout),
                          "MessageRetentionPeriod": str(queue.message_retention_period),
                          "DelaySeconds": str(queue.delay_seconds)}
            if queue.fifo:
                attributes["FifoQueue"] = "true"
            if queue.redrive_policy is not None:
                attributes["RedrivePolicy"] = json.dumps({
                    "deadLetterTargetArn": queue.redrive_policy.dead_letter_target_arn,
                    "maxReceiveCount": queue.redrive_policy.max_receive_count})
            self._put_queue(queue.name, attributes)
        for bucket in template.buckets:
            try:
                self._client("s3").create_bucket(Bucket=bucket.name)
            except ClientError as error:
                if error.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
                    raise
        for topic in template.topics:
            self._client("sns").create_topic(Name=topic.name,
                             Attributes={"FifoTopic": "true"} if topic.fifo else {})
        for rule in template.rules:
            events = self._client("events")
            settings: dict[str, Any] = {"Name": rule.name,
                                        "State": "ENABLED" if rule.enabled else "DISABLED"}
            if rule.schedule_expression:
                settings["ScheduleExpression"] = rule.schedule_expression
            if rule.event_pattern:
                settings["EventPattern"] = json.dumps(rule.event_pattern)
            events.put_rule(**settings)
            if rule.targets:
                events.put_targets(Rule=rule.name, Targets=rule.targets)

    def _put_queue(self, name: str, attributes: dict[str, str]) -> None:
        """Create the queue, or bring an existing one's attributes to the template's, as a
        stack update does (SQS refuses to create a queue again with other attributes)."""
        sqs = self._client("sqs")
        try:
            sqs.create_queue(QueueName=name, Attributes=attributes)
        except ClientError as error:
            if error.response["Error"]["Code"] not in ("QueueAlreadyExists",
                                                       "QueueNameExists"):
                raise
            changeable = {k: v for k, v in attributes.items() if k != "FifoQueue"}
            sqs.set_queue_attributes(QueueUrl=sqs.get_queue_url(QueueName=name)["QueueUrl"],
                                     Attributes=changeable)

    def _connect(self, template: Template, function: FunctionSpec, event: EventSpec,
                 notifications: dict[str, list[dict[str, Any]]], wired: _Wired) -> None:
        properties = event.properties
        if event.type == "S3":
            events = properties.get("Events") or []
            configuration: dict[str, Any] = {
                "Id": f"{function.name}-{event.logical_id}", "LambdaFunctionArn": function.arn,
                "Events": events if isinstance(events, list) else [events]}
            rules = ((properties.get("Filter") or {}).get("S3Key") or {}).get("Rules")
            if rules:  # SAM's spelling of the S3 API's Filter.Key.FilterRules
                configuration["Filter"] = {"Key": {"FilterRules": rules}}
            notifications.setdefault(properties["Bucket"], []).append(configuration)
            self._grant(function, event, "s3.amazonaws.com",
                        f"arn:aws:s3:::{properties['Bucket']}")
        elif event.type == "SQS":
            self._map_queue(function, properties)
            wired.queue_mappings.add((function.name, properties["Queue"]))
        elif event.type == "SNS":
            attributes = {}
            if properties.get("FilterPolicy"):  # SAM's FilterPolicy and its scope
                attributes["FilterPolicy"] = json.dumps(properties["FilterPolicy"])
                if properties.get("FilterPolicyScope"):
                    attributes["FilterPolicyScope"] = str(properties["FilterPolicyScope"])
            subscribed = self._client("sns").subscribe(
                TopicArn=properties["Topic"], Protocol="lambda", Endpoint=function.arn,
                Attributes=attributes, ReturnSubscriptionArn=True)
            wired.subscriptions.add(subscribed["SubscriptionArn"])
            self._grant(function, event, "sns.amazonaws.com", str(properties["Topic"]))
        elif event.type in ("Schedule", "ScheduleV2"):
            enabled = properties.get("Enabled", True) is not False and \
                properties.get("State", "ENABLED") != "DISABLED"
            payload = properties.get("Input")
            text = payload if isinstance(payload, str) or payload is None else json.dumps(payload)
            name = str(properties.get("Name") or f"{template.stack_name}-{function.name}-"
                       f"{event.logical_id}")
            expression = str(properties.get("Schedule") or properties.get("ScheduleExpression")
                             or "")
            if event.type == "Schedule":  # an EventBridge rule, as the stack makes one
                self._put_rule(name, expression, enabled, function, text, properties)
                wired.rules.add(name)
                self._grant(function, event, "events.amazonaws.com",
                            f"arn:aws:events:{self._settings.region}:"
                            f"{self._settings.account_id}:rule/{name}")
            elif enabled:
                wired.schedules.add(name)
                self._scheduler.add_local(name, expression, function.name, text)
        elif event.type in ("EventBridgeRule", "CloudWatchEvent"):
            name = str(properties.get("RuleName") or f"{template.stack_name}-{function.name}-"
                       f"{event.logical_id}")
            self._put_pattern_rule(name, function, properties)
            bus = str(properties.get("EventBusName") or "default")
            rule_path = name if bus == "default" else f"{bus}/{name}"
            wired.rules.add(rule_path)
            self._grant(function, event, "events.amazonaws.com",
                        f"arn:aws:events:{self._settings.region}:"
                        f"{self._settings.account_id}:rule/{rule_path}")
        elif event.type in ("Api", "HttpApi"):
            method = str(properties.get("Method", "ANY")).upper()
            method = "ANY" if method == "ANY" or method == "X-AMAZON-APIGATEWAY-ANY-METHOD" \
                else method
            path = properties.get("Path") or "$default"
            api = REST_API_ID if event.type == "Api" else HTTP_API_ID
            version = "1.0" if event.type == "Api" else str(
                properties.get("PayloadFormatVersion", "2.0"))
            route_key = "$default" if path == "$default" else f"{method} {path}"
            # SAM deploys its implicit REST API to a stage named Prod (the URL its Outputs
            # give); an HTTP API's stage is $default.
            stage = IMPLICIT_REST_API_STAGE if event.type == "Api" else DEFAULT_STAGE
            self._routes.add(api, route_key, function.name, version, stage=stage)
            self._grant(function, event, "apigateway.amazonaws.com",
                        execute_api_source(self._settings, api, method, path))
        else:
            log.warning("%s: events of type %s are not wired yet", function.name, event.type)

    def _grant(self, function: FunctionSpec, event: EventSpec, principal: str,
               source_arn: str) -> None:
        """The permission SAM adds beside each S3, SNS, schedule and API event, so that the
        function's policy lets the service invoke it, as on AWS."""
        grant = {"FunctionName": function.name, "Action": "lambda:InvokeFunction",
                 "StatementId": f"{function.logical_id}{event.logical_id}Permission",
                 "Principal": principal, "SourceArn": source_arn}
        if principal == "s3.amazonaws.com":  # a bucket's ARN names no account
            grant["SourceAccount"] = self._settings.account_id
        try:
            self._client("lambda").add_permission(**grant)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceConflictException":
                raise  # an existing statement of that id is this grant, made before

    def _put_rule(self, name: str, expression: str, enabled: bool, function: FunctionSpec,
                  payload: str | None, properties: dict[str, Any]) -> None:
        """A `Schedule` event's rule lives in EventBridge with the API's, so `list-rules`
        shows it and the scheduler fires it as any other."""
        parse_schedule_expression(expression)
        events = self._client("events")
        events.put_rule(Name=name, ScheduleExpression=expression,
                        State="ENABLED" if enabled else "DISABLED",
                        Description=str(properties.get("Description") or ""))
        target: dict[str, Any] = {"Id": f"{function.name}-target", "Arn": function.arn}
        if payload is not None:
            target["Input"] = payload
        events.put_targets(Rule=name, Targets=[target])

    def _put_pattern_rule(self, name: str, function: FunctionSpec,
                          properties: dict[str, Any]) -> None:
        """An `EventBridgeRule` (or older `CloudWatchEvent`) event: a rule of its pattern on
        its bus, targeting the function, with the event's Input or InputPath."""
        events = self._client("events")
        bus = str(properties.get("EventBusName") or "default")
        state = str(properties.get("State") or "ENABLED")
        events.put_rule(Name=name, EventPattern=json.dumps(properties.get("Pattern") or {}),
                        EventBusName=bus, State=state)
        target: dict[str, Any] = {"Id": str(properties.get("Target", {}).get("Id")
                                            or f"{function.name}-target"),
                                  "Arn": function.arn}
        for key in ("Input", "InputPath"):
            if properties.get(key) is not None:
                target[key] = properties[key]
        events.put_targets(Rule=name, EventBusName=bus, Targets=[target])

    def _delete_rule(self, rule: str) -> None:
        """`rule` is a rule's name, or `<bus>/<name>` for one on another bus than default."""
        bus, _, name = rule.rpartition("/")
        on_bus = {"EventBusName": bus} if bus else {}
        events = self._client("events")
        targets = events.list_targets_by_rule(Rule=name, **on_bus).get("Targets", [])
        if targets:
            events.remove_targets(Rule=name, Ids=[target["Id"] for target in targets],
                                  **on_bus)
        events.delete_rule(Name=name, **on_bus)

    def _map_queue(self, function: FunctionSpec, properties: dict[str, Any]) -> None:
        queue_arn = properties["Queue"]
        existing = self._mappings.list(function.name, queue_arn, None, None)
        body = {"FunctionName": function.name, "EventSourceArn": queue_arn,
                "BatchSize": properties.get("BatchSize", 10),
                "Enabled": properties.get("Enabled", True)}
        for key in ("MaximumBatchingWindowInSeconds", "FunctionResponseTypes", "ScalingConfig"):
            if properties.get(key) is not None:
                body[key] = properties[key]
        if properties.get("FilterCriteria") is not None:
            body["FilterCriteria"] = _filter_criteria(properties["FilterCriteria"])
        mappings = existing.get("EventSourceMappings") or []
        if mappings:
            body.pop("FunctionName")
            body.pop("EventSourceArn")
            # Filters dropped from the template are dropped from the mapping, as on an update
            # of the stack: an empty FilterCriteria clears them.
            body.setdefault("FilterCriteria", {})
            self._mappings.update(mappings[0]["UUID"], body)
        else:
            self._mappings.create(body)

    def _client(self, service: str) -> Any:
        """Made on first need and kept: a client takes time and memory to make
        (docs/MEASUREMENTS.md), and most templates need few of them (one without event
        sources, none)."""
        key = (service, self._settings.endpoint_url)
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = own_client(self._settings, service)
        return client


@dataclass
class _Wired:
    """The connections one wiring made that a later template may drop."""

    schedules: set[str] = field(default_factory=set)
    rules: set[str] = field(default_factory=set)
    buckets: set[str] = field(default_factory=set)
    subscriptions: set[str] = field(default_factory=set)
    queue_mappings: set[tuple[str, str]] = field(default_factory=set)

    def dropped_by(self, newer: _Wired) -> _Wired:
        return _Wired(self.schedules - newer.schedules, self.rules - newer.rules,
                      self.buckets - newer.buckets, self.subscriptions - newer.subscriptions,
                      self.queue_mappings - newer.queue_mappings)


def _filter_criteria(criteria: Any) -> Any:
    """SAM passes an event's FilterCriteria through to the mapping. A Pattern is a JSON string
    there; one written as a YAML mapping is serialised rather than refused, since its meaning
    is plain."""
    if not isinstance(criteria, dict) or not isinstance(criteria.get("Filters"), list):
        return criteria
    return {**criteria, "Filters": [
        {**item, "Pattern": json.dumps(item["Pattern"])}
        if isinstance(item, dict) and isinstance(item.get("Pattern"), dict) else item
        for item in criteria["Filters"]]}


def execute_api_source(settings: Settings, api: str, method: str, path: str) -> str:
    """The SourceArn of SAM's permission for an API event: any stage, the event's method
    (`*` for ANY), its path with each path parameter a wildcard."""
    resource = "/*" if path == "$default" else re.sub(r"\{[^}]+\}", "*", path)
    verb = "*" if method == "ANY" else method
    return f"arn:aws:execute-api:{settings.region}:{settings.account_id}:{api}/*/{verb}{resource}"
