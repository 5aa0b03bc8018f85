"""Fan-in from moto's S3, SNS and EventBridge to our functions.

moto decides *whether* a Lambda target fires (S3 notification filters, SNS filter policies,
EventBridge event patterns); at the three places where it would hand the event to its own
Lambda backend, this bridge hands it to the simulator that owns the function instead, as the
event JSON AWS sends. moto's server state is process-wide, so every running simulator in the
process registers a delivery function and the one that knows the function takes the event."""

from __future__ import annotations

import copy
import json
import logging
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from simulator.events.event_json import s3_event_from_moto, sns_event
from simulator.events.filter_criteria import FilterCriteria
from simulator.events.targets import target_input
from simulator.functions.policy_evaluation import Caller
from simulator.invocation.tracing import incoming_trace_header

log = logging.getLogger(__name__)

# Returns True when the function exists in that simulator and the event was taken; the
# third argument is the trace header the event carries on, the fourth the service that sends
# it (what the function's policy must allow).
Deliver = Callable[[str, bytes, "str | None", Caller], bool]

_deliveries: list[Deliver] = []
_lock = threading.Lock()
_installed = False
_completing_upload = threading.local()
MAX_DELETED_RECEIPTS = 10_000


def attach(deliver: Deliver) -> None:
    with _lock:
        _deliveries.append(deliver)


def detach(deliver: Deliver) -> None:
    with _lock:
        if deliver in _deliveries:
            _deliveries.remove(deliver)


def deliver(function_arn: str, payload: dict[str, Any], sender: Caller) -> None:
    """The event goes on with the trace of the request that raised it (an S3 PUT, an SNS
    publish, EventBridge's PutEvents), as those services pass it to Lambda."""
    body = json.dumps(payload).encode()
    trace_header = incoming_trace_header.get()
    with _lock:
        deliveries = list(_deliveries)
    for candidate in deliveries:
        if candidate(function_arn, body, trace_header, sender):
            return
    log.warning("no function %s to deliver an event to", function_arn)


class _LambdaBackendStandIn:
    """What moto's S3 notifications ask its Lambda backend for, answered by us."""

    def __init__(self, region: str) -> None:
        self._region = region

    def get_function(self, function_arn: str) -> _FunctionStandIn:
        return _FunctionStandIn(function_arn)


class _FunctionStandIn:
    def __init__(self, function_arn: str) -> None:
        self._arn = function_arn

    def invoke(self, body: str, request_headers: Any, response_headers: Any) -> None:
        event = json.loads(body)
        names = {record["eventName"] for record in event.get("Records", [])}
        if getattr(_completing_upload, "active", False) and names == {"ObjectCreated:Put"}:
            return  # moto's internal put while completing a multipart upload: AWS sends one
        s3_event = s3_event_from_moto(event)
        records = s3_event.get("Records") or [{}]
        bucket_arn = records[0].get("s3", {}).get("bucket", {}).get("arn")
        deliver(self._arn, s3_event, Caller("s3.amazonaws.com", bucket_arn,
                                            _account_of(self._arn)))


def release_records() -> None:
    """Let go of what moto keeps only as history, so a server running for days does not grow
    with its traffic: every model object moto made (each SQS message, each S3 object with its
    data), listed on its class for a dashboard the simulator does not serve; and each SQS
    queue's receipt handles of deleted messages, kept so a repeated delete succeeds (cleared
    past `MAX_DELETED_RECEIPTS`, after which a repeat of a delete that old is refused as an
    invalid handle). A no-op until moto is loaded."""
    if not _installed:
        return
    from moto.core.model_instances import reset_model_data

    reset_model_data()
    sqs_models = sys.modules.get("moto.sqs.models")
    if sqs_models is None:
        return
    # dict's own views: moto's mappings would create a backend for each region asked for.
    for account in list(dict.values(sqs_models.sqs_backends)):
        for backend in list(dict.values(account)):
            for queue in list(backend.queues.values()):
                if len(queue.deleted_messages) > MAX_DELETED_RECEIPTS:
                    queue.deleted_messages = set()


def install() -> None:
    """Patch moto's hand-over points, once per process, when moto is first loaded."""
    with _lock:
        _install_once()


def _install_once() -> None:
    global _installed
    if _installed:
        return
    from moto.awslambda import utils as lambda_utils
    from moto.events import models as events_models
    from moto.s3 import models as s3_models
    from moto.sns import models as sns_models
    from moto.sqs import models as sqs_models

    def stand_in(account_id: str, region: str) -> Any:
        return _LambdaBackendStandIn(region)

    lambda_utils.get_backend = stand_in

    original_complete = s3_models.S3Backend.complete_multipart_upload

    def complete_multipart_upload(backend: Any, *args: Any, **kwargs: Any) -> Any:
        _completing_upload.active = True
        try:
            return original_complete(backend, *args, **kwargs)
        finally:
            _completing_upload.active = False

    s3_models.S3Backend.complete_multipart_upload = (  # type: ignore[method-assign]
        complete_multipart_upload)  # type: ignore[assignment]

    def get_permission(bucket: Any, action: str, resource: str) -> Any:
        """moto judges a bucket policy without its conditions, so a Deny meant for
        requests without TLS (SAM's managed bucket has one) denies every request. Only the
        statements that hold of a request to this endpoint count; it stands for AWS's
        TLS endpoint."""
        from moto.iam.access_control import IAMPolicy, PermissionResult

        if bucket.policy is None:
            return PermissionResult.NEUTRAL
        document = json.loads(bucket.policy)
        statements = document.get("Statement", [])
        document["Statement"] = [s for s in (statements if isinstance(statements, list)
                                             else [statements]) if _holds_locally(s)]
        return IAMPolicy(json.dumps(document)).is_action_permitted(action, resource)

    s3_models.FakeBucket.get_permission = (  # type: ignore[method-assign]
        get_permission)  # type: ignore[assignment]

    original_tagging = s3_models.S3Backend.put_object_tagging

    def put_object_tagging(backend: Any, key: Any, tags: dict[str, str] | None) -> Any:
        """moto applies a PutObject's tags even when it has none, and tells EventBridge
        "Object Tags Added" each time; AWS sends that only when tags are added."""
        if not tags and not backend.tagger.list_tags_for_resource(key.arn)["Tags"]:
            return key
        return original_tagging(backend, key, tags)

    s3_models.S3Backend.put_object_tagging = (  # type: ignore[method-assign]
        put_object_tagging)  # type: ignore[assignment]

    original_publish = sns_models.Subscription.publish

    def publish(subscription: Any, message: str, message_id: str, subject: str | None = None,
                message_attributes: dict[str, Any] | None = None,
                group_id: str | None = None, deduplication_id: str | None = None,
                message_structure: str | None = None) -> None:
        if subscription.protocol != "lambda":
            return original_publish(subscription, message, message_id, subject,
                                    message_attributes, group_id, deduplication_id,
                                    message_structure)
        matcher = subscription._filter_policy_matcher
        if matcher is not None and not matcher.matches(message_attributes, message):
            return None
        if message_structure == "json":
            message = lambda_member(message)
        topic_arn = subscription.topic.arn
        deliver(subscription.endpoint, sns_event(
            subscription.arn, topic_arn, message, message_id, subject,
            message_attributes or {}), Caller("sns.amazonaws.com", topic_arn,
                                              _account_of(topic_arn)))
        return None

    sns_models.Subscription.publish = publish  # type: ignore[method-assign, assignment]

    original_send = events_models.Rule.send_to_targets

    def send_to_targets(rule: Any, event: dict[str, Any], transform_input: bool = True) -> None:
        """A rule's targets get the event as AWS sends it, when its pattern matches. Nothing
        here fails PutEvents: AWS accepts the event and delivers on its own time."""
        if not fires_on_events(rule):
            return
        sent = as_sent(event)
        if not pattern_matches(rule, sent):
            return
        for target in (t for t in rule.targets if ":lambda:" in t["Arn"]):
            deliver(target["Arn"], target_input(target, sent),
                    Caller("events.amazonaws.com", rule.arn, _account_of(rule.arn)))
        others = [t for t in rule.targets if ":lambda:" not in t["Arn"]]
        if others:
            narrowed = copy.copy(rule)
            narrowed.targets = others
            narrowed.event_pattern = events_models.EventPattern(None, {})  # matched above
            try:  # moto formats what it sends from its own record of the event
                original_send(narrowed, event, transform_input)  # type: ignore[arg-type]
            except Exception as error:
                log.warning("rule %s: an event was not delivered to %s: %s", rule.name,
                            ", ".join(t["Arn"] for t in others), error)

    events_models.Rule.send_to_targets = (  # type: ignore[method-assign]
        send_to_targets)  # type: ignore[assignment]

    original_send_message = sqs_models.SQSBackend.send_message

    def send_message(backend: Any, queue_name: str, message_body: str,
                     message_attributes: dict[str, Any] | None = None,
                     delay_seconds: int | None = None, deduplication_id: str | None = None,
                     group_id: str | None = None,
                     system_attributes: dict[str, Any] | None = None,
                     validate_group_id: bool = True) -> Any:
        """SQS keeps the sender's trace header as the message's `AWSTraceHeader`, unless
        the sender set that attribute itself."""
        trace_header = incoming_trace_header.get()
        if trace_header and not (system_attributes or {}).get("AWSTraceHeader"):
            system_attributes = {**(system_attributes or {}), "AWSTraceHeader": {
                "DataType": "String", "StringValue": trace_header}}
        return original_send_message(backend, queue_name, message_body, message_attributes,
                                     delay_seconds, deduplication_id, group_id,
                                     system_attributes, validate_group_id)

    sqs_models.SQSBackend.send_message = send_message  # type: ignore[method-assign, assignment]
    _installed = True


def lambda_member(message: str) -> str:
    """A `MessageStructure=json` message as a Lambda subscriber gets it: the `lambda` member
    if the publisher gave one, else `default` (SNS refuses a message without it)."""
    members = json.loads(message)
    return str(members.get("lambda", members.get("default", "")))


def as_sent(event: dict[str, Any]) -> dict[str, Any]:
    """The event as EventBridge delivers it: `time` an ISO-8601 string (moto keeps epoch
    seconds), and no `ingestion-time`, which AWS doesn't send."""
    sent = {key: value for key, value in event.items() if key != "ingestion-time"}
    moment = sent.get("time")
    if isinstance(moment, int | float) and not isinstance(moment, bool):
        sent["time"] = datetime.fromtimestamp(moment, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return sent


def pattern_matches(rule: Any, event: dict[str, Any]) -> bool:
    """moto's matcher, and where it fails on a pattern, AWS's grammar as the simulator reads
    it for filter criteria; a pattern neither can evaluate matches nothing, with a warning."""
    try:
        return bool(rule.event_pattern.matches_event(event))
    except Exception as error:
        raw = getattr(rule.event_pattern, "_raw_pattern", None)
        try:
            return raw is not None and FilterCriteria.of([raw]).matches(event)
        except Exception:
            log.warning("rule %s: its event pattern could not be evaluated (%s)", rule.name,
                        error)
            return False


def fires_on_events(rule: Any) -> bool:
    """An EventBridge rule takes events only when enabled and with an event pattern: a rule
    with a schedule alone fires on its schedule, never on what is put on its bus."""
    return bool(rule.state != "DISABLED" and rule.event_pattern.dump())


def _account_of(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 and parts[4] else None



def _holds_locally(statement: dict[str, Any]) -> bool:
    """Whether a bucket policy statement's conditions hold of a request to this endpoint:
    `aws:SecureTransport` is true; a condition on anything else is not known to hold."""
    for operator, tests in (statement.get("Condition") or {}).items():
        for key, expected in (tests or {}).items():
            values = expected if isinstance(expected, list) else [expected]
            if operator != "Bool" or str(key).lower() != "aws:securetransport" or \
                    "true" not in [str(value).lower() for value in values]:
                return False
    return True
