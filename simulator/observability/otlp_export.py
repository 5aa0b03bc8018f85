"""The traces over OTLP as well, because OpenTelemetry is where people look at traces now:
each X-Ray segment document the trace store accepts becomes OpenTelemetry spans, with the ids
X-Ray gave them (so a trace reads the same in both) and the attributes OpenTelemetry's
semantic conventions (v1.44.0) give FaaS, AWS Lambda and AWS SDK calls. The SDK's own batch
processor and OTLP/HTTP exporter send them: its bounded queue drops rather than blocks, so
the invoke path never waits on a collector."""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode, TraceFlags
from opentelemetry.util.types import AttributeValue

from simulator.invocation.tracing import SEGMENT_ID, TRACE_ID

log = logging.getLogger(__name__)

SCOPE = InstrumentationScope("lambda-simulator.xray",
                             schema_url="https://opentelemetry.io/schemas/1.44.0")
SERVICE_ORIGIN = "AWS::Lambda"
FUNCTION_ORIGIN = "AWS::Lambda::Function"
FAAS_TRIGGERS = frozenset({"datasource", "http", "pubsub", "timer", "other"})
# X-Ray's names for the resource an AWS SDK call touched, and the conventions' names.
AWS_CALL_RESOURCES = {"queue_url": "aws.sqs.queue.url", "bucket_name": "aws.s3.bucket",
                      "topic_arn": "aws.sns.topic.arn"}
# Lambda's longest timeout: a function segment comes at most this long after what its
# function's SDK sent during the invocation.
PARENT_WAIT_SECONDS = 900.0
WAITING_LIMIT = 1_000
REMEMBERED_SPANS = 10_000

FUNCTION_ARN = re.compile(r"(arn:[^:]+:lambda:([^:]+):([^:]+):function:([^:]+))(?::([^:]+))?")

Attributes = dict[str, AttributeValue]


class OtlpSpanExport:
    """`export_segment` is the trace store's `on_segment`: non-blocking, from any thread.
    `region` and `account_id` are the simulator's, for what a segment's ARNs don't say.

    A subsegment a function's X-Ray SDK sends on its own is the function's work, but the
    function segment it hangs under comes only when the invocation ends: it waits for that
    parent (bounded in count and time) to take its resource, rather than pass for a
    service of its own."""

    def __init__(self, exporter: SpanExporter, region: str, account_id: str, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._processor = BatchSpanProcessor(exporter)
        self._region = region
        self._account_id = account_id
        self._clock = clock
        self._lock = threading.Lock()
        self._owners: OrderedDict[str, _Owner] = OrderedDict()  # span id -> its segment's
        self._waiting: OrderedDict[str, _Waiting] = OrderedDict()  # by subsegment id
        self._closed = False

    @classmethod
    def to_collector(cls, endpoint: str, region: str, account_id: str) -> OtlpSpanExport:
        """`endpoint` is the collector's full OTLP/HTTP traces URL, as the SDK's exporter
        takes it (`http://127.0.0.1:4318/v1/traces`); the SDK's `OTEL_EXPORTER_OTLP_TRACES_*`
        variables (headers, timeout, compression, certificates) apply."""
        return cls(OTLPSpanExporter(endpoint=endpoint), region, account_id)

    def export_segment(self, document: dict[str, Any]) -> None:
        """Queue the spans of one segment document; an in-progress one waits for its
        complete version, and one that isn't a valid segment is dropped."""
        if document.get("in_progress"):
            return
        try:
            parsed = _parse(document, self._region, self._account_id)
        except (KeyError, TypeError, ValueError) as error:
            log.warning("Not exported over OTLP, not a valid segment document: %s", error)
            return
        with self._lock:
            if self._closed:
                return
            placed = self._admit(parsed, self._clock())
        self._queue(placed)

    def close(self) -> None:
        """Send what is queued, the subsegments still waiting for a parent included."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            placed = self._release_waiting(until=math.inf)
        self._queue(placed)
        self._processor.force_flush()
        self._processor.shutdown()  # type: ignore[no-untyped-call]  # unannotated

    def _queue(self, placed: list[tuple[_Parsed, Resource]]) -> None:
        for parsed, resource in placed:
            for draft in parsed.drafts:
                self._processor.on_end(draft.span(resource))

    def _admit(self, parsed: _Parsed, now: float) -> list[tuple[_Parsed, Resource]]:
        placed = self._release_waiting(until=now - PARENT_WAIT_SECONDS)
        parent = self._owners.get(parsed.parent_id) if parsed.parent_id else None
        if parsed.invocation_id_from_parent and parent is not None and parent.request_id:
            parsed = parsed.with_invocation_id(parent.request_id)
        if not parsed.inherits_resource:
            return placed + self._place(parsed, parsed.resource)
        if parent is not None:
            return placed + self._place(parsed, parent.resource)
        if len(self._waiting) >= WAITING_LIMIT:
            _, oldest = self._waiting.popitem(last=False)
            placed += self._place(oldest.parsed, oldest.parsed.resource)
        self._waiting[parsed.span_id] = _Waiting(parsed, now)
        return placed

    def _place(self, parsed: _Parsed, resource: Resource) -> list[tuple[_Parsed, Resource]]:
        """Remember the resource of the document's spans, and release the subsegments that
        waited for one of them (and theirs, in turn)."""
        placed, pending = [], [parsed]
        while pending:
            current = pending.pop()
            placed.append((current, resource))
            owner = _Owner(resource, current.request_id)
            for draft in current.drafts:
                self._owners[draft.span_id] = owner
                self._owners.move_to_end(draft.span_id)
            while len(self._owners) > REMEMBERED_SPANS:
                self._owners.popitem(last=False)
            for span_id, waiting in list(self._waiting.items()):
                if waiting.parsed.parent_id in self._owners:
                    del self._waiting[span_id]
                    pending.append(waiting.parsed)
        return placed

    def _release_waiting(self, until: float) -> list[tuple[_Parsed, Resource]]:
        """The subsegments that waited since before `until`, under a service of their
        own name (as OpenTelemetry's X-Ray receiver names them)."""
        placed: list[tuple[_Parsed, Resource]] = []
        while self._waiting:
            span_id, oldest = next(iter(self._waiting.items()))
            if oldest.since > until:
                break
            del self._waiting[span_id]
            placed += self._place(oldest.parsed, oldest.parsed.resource)
        return placed


@dataclass(frozen=True)
class _Owner:
    """What a span's segment lends to documents that hang under it."""

    resource: Resource
    request_id: str | None


@dataclass(frozen=True)
class _Draft:
    """A span but for its resource, which a standalone subsegment takes from its parent."""

    name: str
    context: SpanContext
    parent: SpanContext | None
    kind: SpanKind
    attributes: Attributes
    start_ns: int
    end_ns: int
    status: Status

    @property
    def span_id(self) -> str:
        return f"{self.context.span_id:016x}"

    def span(self, resource: Resource) -> ReadableSpan:
        return ReadableSpan(self.name, self.context, self.parent, resource, self.attributes,
                            kind=self.kind, status=self.status, start_time=self.start_ns,
                            end_time=self.end_ns, instrumentation_scope=SCOPE)


@dataclass(frozen=True)
class _Parsed:
    """One document's spans, its own span first. `resource` is the document's own: a
    standalone subsegment (`inherits_resource`) takes its parent's when that comes."""

    drafts: tuple[_Draft, ...]
    resource: Resource
    inherits_resource: bool
    parent_id: str | None
    request_id: str | None
    invocation_id_from_parent: bool  # a function segment that names no request id

    @property
    def span_id(self) -> str:
        return self.drafts[0].span_id

    def with_invocation_id(self, request_id: str) -> _Parsed:
        """The function segment's invocation is its service segment's request."""
        own, *nested = self.drafts
        attributes = {**own.attributes, "faas.invocation_id": request_id}
        return replace(self, drafts=(replace(own, attributes=attributes), *nested))


@dataclass(frozen=True)
class _Waiting:
    parsed: _Parsed
    since: float


def _parse(document: dict[str, Any], region: str, account_id: str) -> _Parsed:
    trace_id = _trace_id(document["trace_id"])
    parent_id = document.get("parent_id")
    parent = None
    if parent_id is not None:
        parent = SpanContext(trace_id, _span_id(parent_id), is_remote=True,
                             trace_flags=TraceFlags(TraceFlags.SAMPLED))
    standalone = document.get("type") == "subsegment"
    own, *nested = _drafts(document, trace_id, parent, not standalone, region)
    origin = document.get("origin")
    function = None
    if origin in (SERVICE_ORIGIN, FUNCTION_ORIGIN) and not standalone:
        function = _Function.of(document, region, account_id)
        own = replace(own, attributes={**own.attributes,
                                       **_lambda_attributes(document, function)})
    request_id = _object(document.get("aws")).get("request_id")
    return _Parsed(
        drafts=(own, *nested),
        resource=_segment_resource(document, function),
        inherits_resource=standalone and parent_id is not None,
        parent_id=parent_id,
        request_id=request_id if isinstance(request_id, str) else None,
        invocation_id_from_parent=(origin == FUNCTION_ORIGIN
                                   and not isinstance(request_id, str)),
    )


def _drafts(document: dict[str, Any], trace_id: int, parent: SpanContext | None,
            is_segment: bool, region: str) -> Iterator[_Draft]:
    """The document's span, then its nested subsegments' (each a child of its container)."""
    context = SpanContext(trace_id, _span_id(document["id"]), is_remote=False,
                          trace_flags=TraceFlags(TraceFlags.SAMPLED))
    name = _text(document["name"])
    aws = _object(document.get("aws"))
    namespace = document.get("namespace")
    if is_segment:
        kind = SpanKind.SERVER
    elif namespace in ("aws", "remote"):
        kind = SpanKind.CLIENT
    else:
        kind = SpanKind.INTERNAL
    attributes = _http_attributes(_object(document.get("http")), kind)
    if namespace == "aws":
        attributes.update(_aws_call_attributes(name, aws, region))
        if isinstance(aws.get("operation"), str):
            name = f"{name}.{aws['operation']}"  # the conventions' `Service.Operation`
    attributes.update({key: value for key, value in _object(document.get("annotations")).items()
                       if isinstance(value, str | bool | int | float)})
    status, error_type = _status(document)
    if error_type is not None:
        attributes["error.type"] = error_type
    yield _Draft(name, context, parent, kind, attributes, _nanoseconds(document["start_time"]),
                 _nanoseconds(document["end_time"]), status)
    for subsegment in _list(document.get("subsegments")):
        yield from _drafts(_object(subsegment), trace_id, context, False, region)


def _lambda_attributes(document: dict[str, Any], function: _Function) -> Attributes:
    """The FaaS span conventions' and AWS Lambda's, on Lambda's two segments: the service
    taking the invoke request, and the function's run."""
    attributes: Attributes = {}
    aws = _object(document.get("aws"))
    if function.invoked_arn:
        attributes["aws.lambda.invoked_arn"] = function.invoked_arn
    if isinstance(aws.get("request_id"), str):
        attributes.update({"faas.invocation_id": aws["request_id"],
                           "aws.request_id": aws["request_id"]})
    if document.get("origin") == FUNCTION_ORIGIN:
        trigger = aws.get("trigger")
        attributes.update({
            "faas.trigger": trigger if trigger in FAAS_TRIGGERS else "other",
            "faas.coldstart": any(_object(subsegment).get("name") == "Initialization"
                                  for subsegment in _list(document.get("subsegments"))),
            "cloud.account.id": function.account_id,
        })
        if function.resource_id:
            attributes["cloud.resource_id"] = function.resource_id
    return attributes


def _aws_call_attributes(service: str, aws: dict[str, Any], region: str) -> Attributes:
    """The AWS SDK client span conventions'; a Lambda Invoke is also an outgoing FaaS call."""
    attributes: Attributes = {"rpc.system": "aws-api", "rpc.service": service}
    for key, attribute in (("operation", "rpc.method"), ("request_id", "aws.request_id"),
                           ("region", "cloud.region"), *AWS_CALL_RESOURCES.items()):
        if isinstance(aws.get(key), str):
            attributes[attribute] = aws[key]
    if isinstance(aws.get("table_name"), str):
        attributes["aws.dynamodb.table_names"] = [aws["table_name"]]
    if service == "Lambda" and isinstance(aws.get("function_name"), str):
        # A name, a name:qualifier, a partial or a full ARN.
        invoked = aws["function_name"].split(":function:")[-1].split(":")[0]
        attributes.update({"faas.invoked_name": invoked, "faas.invoked_provider": "aws",
                           "faas.invoked_region": aws.get("region") or region})
    return attributes


def _http_attributes(http: dict[str, Any], kind: SpanKind) -> Attributes:
    """The HTTP span conventions' of what X-Ray recorded: a client names the full URL, a
    server its scheme and path."""
    request, response = _object(http.get("request")), _object(http.get("response"))
    attributes: Attributes = {}
    for key, attribute in (("method", "http.request.method"),
                           ("user_agent", "user_agent.original"),
                           ("client_ip", "client.address")):
        if isinstance(request.get(key), str):
            attributes[attribute] = request[key]
    url = request.get("url")
    if isinstance(url, str) and kind is SpanKind.SERVER:
        parts = urlsplit(url)
        attributes.update({"url.scheme": parts.scheme, "url.path": parts.path or "/"})
        if parts.query:
            attributes["url.query"] = parts.query
    elif isinstance(url, str):
        attributes["url.full"] = url
    if _is_int(response.get("status")):
        attributes["http.response.status_code"] = response["status"]
    return attributes


def _status(document: dict[str, Any]) -> tuple[Status, str | None]:
    """ERROR for a fault or an error (a throttle is one too), described by the cause's
    exception; and the `error.type`: that exception's, else the HTTP status, else `_OTHER`."""
    if not (document.get("fault") or document.get("error")):
        return Status(StatusCode.UNSET), None
    exceptions = [_object(exception)
                  for exception in _list(_object(document.get("cause")).get("exceptions"))]
    first = exceptions[0] if exceptions else {}
    message = first.get("message")
    status = Status(StatusCode.ERROR, message if isinstance(message, str) else None)
    http_status = _object(_object(document.get("http")).get("response")).get("status")
    if isinstance(first.get("type"), str):
        return status, first["type"]
    return status, str(http_status) if _is_int(http_status) else "_OTHER"


def _segment_resource(document: dict[str, Any], function: _Function | None) -> Resource:
    """`service.name` is the segment's name; Lambda's segments are in the cloud resource
    conventions' terms, the function's one also in the FaaS resource conventions'."""
    name = _text(document["name"])
    attributes: dict[str, str | int] = {"service.name": name}
    if function is not None:
        attributes.update({"cloud.provider": "aws", "cloud.platform": "aws_lambda",
                           "cloud.region": function.region,
                           "cloud.account.id": function.account_id})
    if function is not None and document.get("origin") == FUNCTION_ORIGIN:
        attributes["faas.name"] = function.name or name
        optional = {"faas.version": function.version, "cloud.resource_id": function.resource_id,
                    "faas.max_memory": function.memory_bytes}
        attributes.update({key: value for key, value in optional.items() if value is not None})
    return _resource(tuple(sorted(attributes.items())))


@lru_cache(maxsize=256)
def _resource(attributes: tuple[tuple[str, str | int], ...]) -> Resource:
    """`Resource.create` adds the SDK's `telemetry.sdk.*` (and reads
    `OTEL_RESOURCE_ATTRIBUTES`), so once per distinct resource."""
    return Resource.create(dict(attributes))


@dataclass(frozen=True)
class _Function:
    """What a Lambda segment says of its function. X-Ray's documents carry the invoked ARN
    (`aws.function_arn`, else `resource_arn`); `aws.function_version`, `aws.memory_size`
    (MB) and `aws.trigger` are the simulator's additions, used when present."""

    invoked_arn: str | None
    unqualified_arn: str | None
    region: str
    account_id: str
    name: str | None
    version: str | None
    memory_bytes: int | None

    @classmethod
    def of(cls, document: dict[str, Any], region: str, account_id: str) -> _Function:
        aws = _object(document.get("aws"))
        invoked_arn = aws.get("function_arn") or document.get("resource_arn")
        arn = FUNCTION_ARN.fullmatch(invoked_arn) if isinstance(invoked_arn, str) else None
        named_account = aws.get("account_id")
        if not isinstance(named_account, str):
            named_account = None
        if arn is None:
            return cls(None, None, region, named_account or account_id, None, None, None)
        unqualified, arn_region, arn_account, name, qualifier = arn.groups()
        version = aws.get("function_version")
        if not isinstance(version, str):
            # An alias names no version; a bare ARN runs $LATEST.
            version = qualifier or "$LATEST"
            version = version if version == "$LATEST" or version.isdigit() else None
        memory = aws.get("memory_size")
        return cls(invoked_arn, unqualified, arn_region, named_account or arn_account, name,
                   version, memory * 1024 * 1024 if _is_int(memory) else None)

    @property
    def resource_id(self) -> str | None:
        """The function's ARN with the version that ran, never an alias (the conventions'
        `cloud.resource_id`)."""
        if self.unqualified_arn is None or self.version in (None, "$LATEST"):
            return self.unqualified_arn
        return f"{self.unqualified_arn}:{self.version}"


def _trace_id(value: object) -> int:
    match = TRACE_ID.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"not an X-Ray trace id: {value!r}")
    return int(match[1] + match[2], 16)


def _span_id(value: object) -> int:
    if not isinstance(value, str) or not SEGMENT_ID.fullmatch(value):
        raise ValueError(f"not a segment id: {value!r}")
    return int(value, 16)


def _nanoseconds(seconds: object) -> int:
    """To the microsecond: a float of epoch seconds holds no finer."""
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        raise TypeError(f"not a time in seconds: {seconds!r}")
    return round(seconds * 1_000_000) * 1_000


def _text(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"not a name: {value!r}")
    return value


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []
