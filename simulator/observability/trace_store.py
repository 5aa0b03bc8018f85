"""Traces as X-Ray keeps them. Segment documents arrive from the UDP daemon endpoint and from
PutTraceSegments; each is validated as X-Ray validates it, kept by trace, and assembled the way
the service compiles a full trace: subsegments sent on their own are merged into their
parent's `subsegments`. GetTraceSummaries, BatchGetTraces, the graphs and the dashboard's
waterfall read the assembled traces.

Held in memory and bounded, so a chatty function cannot grow the server without limit: the
trace written least recently gives way first, and a trace past its document bound keeps what
it has and says `LimitExceeded`, as X-Ray does for a trace over its size limit."""

from __future__ import annotations

import copy
import json
import logging
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

MAX_TRACES = 1_000
MAX_DOCUMENTS_PER_TRACE = 1_000
# Subsegments nested in one document; deeper would only be a way to exhaust the stack.
MAX_SUBSEGMENT_DEPTH = 64
# X-Ray's limits on names: a segment's up to 200 characters, other strings up to 250.
MAX_SEGMENT_NAME = 200
MAX_SUBSEGMENT_NAME = 250

TRACE_ID = re.compile(r"1-[0-9a-fA-F]{8}-[0-9a-fA-F]{24}")
ENTITY_ID = re.compile(r"[0-9a-fA-F]{16}")
# Unicode letters, digits and whitespace, and _ . : / % & # = + \ - @
NAME = re.compile(r"[\w\s.:/%&#=+\\\-@]+")
# Fields that only route a subsegment sent on its own; merged into its parent it has none.
ROUTING_FIELDS = ("type", "trace_id", "parent_id")

TimeRangeType = Literal["TraceId", "Event", "Service"]
TIME_RANGE_TYPES: tuple[TimeRangeType, ...] = ("TraceId", "Event", "Service")

log = logging.getLogger(__name__)


class InvalidSegmentDocument(ValueError):
    """X-Ray's refusal of one document: `code` is the ErrorCode it answers with (MissingId,
    InvalidTraceId, ...), `document_id` the document's own id when it has one."""

    def __init__(self, code: str, kind: str, document_id: str | None) -> None:
        super().__init__(f"Invalid {kind}. ErrorCode: {code}, Cause: null")
        self.code = code
        self.document_id = document_id


@dataclass(frozen=True)
class Scope:
    """What a filter expression is evaluated on: a trace's segments (subsegments nested), or
    those of one service; the response times and durations its numeric keywords compare."""

    segments: list[dict[str, Any]]
    response_times: list[float]
    durations: list[float]


TraceMatcher = Callable[[Scope], bool]


def validate_document(document: Any) -> None:
    """Raise `InvalidSegmentDocument` unless `document` is a segment, or a subsegment sent on
    its own (`type: "subsegment"` with `parent_id`), that X-Ray accepts."""
    if not isinstance(document, dict):
        raise InvalidSegmentDocument("MissingId", "segment", None)
    independent = document.get("type") == "subsegment"
    kind = "subsegment" if independent else "segment"
    document_id = document["id"] if isinstance(document.get("id"), str) else None
    _validate_entity(document, kind, document_id, depth=0)
    if "trace_id" not in document:
        raise InvalidSegmentDocument("MissingTraceId", kind, document_id)
    if not _matches(TRACE_ID, document["trace_id"]):
        raise InvalidSegmentDocument("InvalidTraceId", kind, document_id)
    if independent and "parent_id" not in document:
        raise InvalidSegmentDocument("MissingParentId", kind, document_id)
    if "parent_id" in document and not _matches(ENTITY_ID, document["parent_id"]):
        raise InvalidSegmentDocument("InvalidParentId", kind, document_id)


def _validate_entity(entity: Any, kind: str, document_id: str | None, depth: int) -> None:
    if not isinstance(entity, dict):
        raise InvalidSegmentDocument("MissingId", kind, document_id)
    if "id" not in entity:
        raise InvalidSegmentDocument("MissingId", kind, document_id)
    if not _matches(ENTITY_ID, entity["id"]):
        raise InvalidSegmentDocument("InvalidId", kind, document_id)
    if "name" not in entity:
        raise InvalidSegmentDocument("MissingName", kind, document_id)
    longest = MAX_SEGMENT_NAME if kind == "segment" else MAX_SUBSEGMENT_NAME
    name = entity["name"]
    if not isinstance(name, str) or len(name) > longest or not NAME.fullmatch(name):
        raise InvalidSegmentDocument("InvalidName", kind, document_id)
    if "start_time" not in entity:
        raise InvalidSegmentDocument("MissingStartTime", kind, document_id)
    if not _is_number(entity["start_time"]):
        raise InvalidSegmentDocument("InvalidStartTime", kind, document_id)
    if "end_time" in entity:
        if not _is_number(entity["end_time"]):
            raise InvalidSegmentDocument("InvalidEndTime", kind, document_id)
    elif entity.get("in_progress") is not True:
        raise InvalidSegmentDocument("MissingEndTime", kind, document_id)
    children = entity.get("subsegments", [])
    if not isinstance(children, list) or (children and depth >= MAX_SUBSEGMENT_DEPTH):
        raise InvalidSegmentDocument("InvalidSubsegments", kind, document_id)
    for child in children:
        _validate_entity(child, "subsegment", document_id, depth + 1)


def _matches(pattern: re.Pattern[str], value: Any) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value)


def entities(entity: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The entity and every subsegment nested in it, depth first."""
    yield entity
    for child in entity.get("subsegments", []):
        yield from entities(child)


def is_segment(entity: dict[str, Any]) -> bool:
    """A segment, not a subsegment left at the top of a trace for want of its parent."""
    return entity.get("type") != "subsegment"


def elapsed(entity: dict[str, Any]) -> float | None:
    """Seconds from start to end; None while the entity is in progress."""
    if "end_time" not in entity:
        return None
    return max(0.0, float(entity["end_time"]) - float(entity["start_time"]))


def service_id(segment: dict[str, Any]) -> dict[str, Any]:
    """The ServiceId X-Ray gives a segment: its name and, from `origin`, its type."""
    found: dict[str, Any] = {"Name": segment["name"], "Names": [segment["name"]]}
    account = (segment.get("aws") or {}).get("account_id")
    if isinstance(account, str) and account:
        found["AccountId"] = account
    if isinstance(segment.get("origin"), str):
        found["Type"] = segment["origin"]
    return found


@dataclass
class _Trace:
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    updated: float = 0.0
    revision: int = 0
    limit_exceeded: bool = False
    # Built on first read after a change.
    assembled: _Assembled | None = None

    def put(self, document: dict[str, Any], max_documents: int) -> bool:
        """Keep `document`, replacing an earlier one with its id; False if it was dropped."""
        existing = self.documents.get(document["id"])
        if existing is None and len(self.documents) >= max_documents:
            self.limit_exceeded = True
            return False
        if existing is not None and document.get("in_progress") is True \
                and "end_time" in existing:
            return False  # an in-progress copy that came late never undoes the completed one
        self.documents[document["id"]] = document
        self.revision += 1
        self.assembled = None
        return True


@dataclass(frozen=True)
class _Assembled:
    """A trace compiled from its documents, with what its summary and filters need."""

    trace_id: str
    segments: list[dict[str, Any]]
    start: float
    end: float
    root: dict[str, Any] | None

    @property
    def duration(self) -> float:
        return self.end - self.start

    def scope(self) -> Scope:
        response_time = elapsed(self.root) if self.root is not None else None
        return Scope(self.segments, [] if response_time is None else [response_time],
                     [self.duration])


class TraceStore:
    """The simulator's X-Ray: thread-safe; `on_segment` hears of each document kept (outside
    the lock, its failures logged and swallowed)."""

    def __init__(self, on_segment: Callable[[dict[str, Any]], None] | None = None, *,
                 max_traces: int = MAX_TRACES,
                 max_documents_per_trace: int = MAX_DOCUMENTS_PER_TRACE,
                 clock: Callable[[], float] = time.time) -> None:
        self._on_segment = on_segment
        self._max_traces = max_traces
        self._max_documents = max_documents_per_trace
        self._clock = clock
        self._lock = threading.Lock()
        self._traces: OrderedDict[str, _Trace] = OrderedDict()  # least recently written first

    def add(self, document: dict[str, Any]) -> None:
        """Keep a segment or subsegment document; `InvalidSegmentDocument` if X-Ray would
        refuse it."""
        validate_document(document)
        stored = copy.deepcopy(document)
        trace_id = stored["trace_id"]
        with self._lock:
            trace = self._traces.pop(trace_id, None)
            if trace is None:
                trace = _Trace()
                while len(self._traces) >= self._max_traces:
                    self._traces.popitem(last=False)
            self._traces[trace_id] = trace
            trace.updated = self._clock()
            kept = trace.put(stored, self._max_documents)
        if not kept:
            log.debug("trace %s: document %s not kept", trace_id, stored["id"])
        elif self._on_segment is not None:
            try:
                self._on_segment(document)
            except Exception:
                log.exception("the segment listener failed on trace %s", trace_id)

    def summaries(self, start: float, end: float, *, time_range_type: TimeRangeType = "TraceId",
                  matches: TraceMatcher | None = None) -> list[dict[str, Any]]:
        """TraceSummary shapes of the traces in the time range that `matches` accepts, the
        trace that started last first."""
        with self._lock:
            found = [(self._summary(trace_id, trace), assembled)
                     for trace_id, trace, assembled in self._in_range(start, end, time_range_type)]
        chosen = [summary for summary, assembled in found
                  if matches is None or matches(assembled.scope())]
        return sorted(chosen, key=lambda summary: (-summary["StartTime"], summary["Id"]))

    def count(self, start: float, end: float, time_range_type: TimeRangeType = "TraceId") -> int:
        """How many traces the time range holds, before any filter."""
        with self._lock:
            return sum(1 for _ in self._in_range(start, end, time_range_type))

    def traces(self, ids: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
        """BatchGetTraces' Trace shapes of the traces held, and the ids of those not held.
        Each segment's Document is its JSON with the subsegments sent on their own merged in;
        a subsegment whose parent never came stays an entry of its own."""
        found: list[dict[str, Any]] = []
        missing: list[str] = []
        with self._lock:
            for trace_id in dict.fromkeys(ids):
                trace = self._traces.get(trace_id)
                if trace is None:
                    missing.append(trace_id)
                    continue
                assembled = self._assembled(trace_id, trace)
                found.append({
                    "Id": trace_id,
                    "Duration": assembled.duration,
                    "LimitExceeded": trace.limit_exceeded,
                    "Segments": [{"Id": segment["id"], "Document": json.dumps(segment)}
                                 for segment in assembled.segments],
                })
        return found, missing

    def trace(self, trace_id: str) -> list[dict[str, Any]] | None:
        """A trace's assembled segments, earliest first, for a waterfall; None if not held."""
        with self._lock:
            trace = self._traces.get(trace_id)
            if trace is None:
                return None
            return copy.deepcopy(self._assembled(trace_id, trace).segments)

    def segments_between(self, start: float, end: float) -> list[list[dict[str, Any]]]:
        """The assembled segments of each trace whose span meets the time range."""
        with self._lock:
            return [copy.deepcopy(assembled.segments)
                    for assembled in (self._assembled(trace_id, trace)
                                      for trace_id, trace in self._traces.items())
                    if assembled.start <= end and assembled.end >= start]

    def recent_trace_ids(self, limit: int | None = None) -> list[str]:
        """Trace ids, the one written most recently first."""
        with self._lock:
            newest_first = list(reversed(self._traces))
        return newest_first if limit is None else newest_first[:limit]

    def _in_range(self, start: float, end: float, time_range_type: TimeRangeType
                  ) -> Iterator[tuple[str, _Trace, _Assembled]]:
        for trace_id, trace in self._traces.items():
            assembled = self._assembled(trace_id, trace)
            moment = {"TraceId": assembled.start, "Event": trace.updated,
                      "Service": assembled.end}[time_range_type]
            if start <= moment <= end:
                yield trace_id, trace, assembled

    def _assembled(self, trace_id: str, trace: _Trace) -> _Assembled:
        if trace.assembled is None:
            trace.assembled = _assemble(trace_id, list(trace.documents.values()))
        return trace.assembled

    def _summary(self, trace_id: str, trace: _Trace) -> dict[str, Any]:
        assembled = self._assembled(trace_id, trace)
        everything = [entity for segment in assembled.segments for entity in entities(segment)]
        summary: dict[str, Any] = {
            "Id": trace_id,
            "StartTime": assembled.start,
            "Duration": assembled.duration,
            "HasFault": any(entity.get("fault") is True for entity in everything),
            "HasError": any(entity.get("error") is True for entity in everything),
            "HasThrottle": any(entity.get("throttle") is True for entity in everything),
            "IsPartial": any(entity.get("in_progress") is True for entity in everything),
            "Annotations": _annotations(assembled.segments),
            "Users": _users(assembled.segments),
            "ServiceIds": _unique([service_id(segment) for segment in assembled.segments
                                   if is_segment(segment)]),
            "ResourceARNs": _unique([{"ARN": segment["resource_arn"]}
                                     for segment in assembled.segments
                                     if isinstance(segment.get("resource_arn"), str)]),
            "Revision": trace.revision,
        }
        if assembled.root is not None:
            summary["EntryPoint"] = service_id(assembled.root)
            response_time = elapsed(assembled.root)
            if response_time is not None:
                summary["ResponseTime"] = response_time
            http = _http(assembled.root)
            if http:
                summary["Http"] = http
        return summary


def _assemble(trace_id: str, documents: list[dict[str, Any]]) -> _Assembled:
    copies = copy.deepcopy(documents)
    nodes: dict[str, dict[str, Any]] = {}
    holder: dict[str, str] = {}  # entity id -> id of the document it came in
    for document in copies:
        for entity in entities(document):
            nodes.setdefault(entity["id"], entity)
            holder.setdefault(entity["id"], document["id"])
    merged_into: dict[str, str] = {}  # merged document id -> its parent's id
    grown: list[dict[str, Any]] = []
    top: list[dict[str, Any]] = []
    for document in copies:
        parent = nodes.get(document.get("parent_id", "")) if not is_segment(document) else None
        if parent is None or _closes_a_loop(document["id"], parent["id"], holder, merged_into):
            top.append(document)
            continue
        merged_into[document["id"]] = parent["id"]
        for name in ROUTING_FIELDS:
            document.pop(name, None)
        siblings = [child for child in parent.get("subsegments", [])
                    if child["id"] != document["id"]]
        parent["subsegments"] = [*siblings, document]
        grown.append(parent)
    for parent in grown:
        parent["subsegments"].sort(key=lambda child: float(child["start_time"]))
    top.sort(key=lambda entity: float(entity["start_time"]))
    everything = [entity for segment in top for entity in entities(segment)]
    start = min(float(entity["start_time"]) for entity in everything)
    end = max(float(entity.get("end_time", entity["start_time"])) for entity in everything)
    roots = [segment for segment in top
             if is_segment(segment) and segment.get("parent_id") not in nodes]
    return _Assembled(trace_id, top, start, max(start, end), roots[0] if roots else None)


def _closes_a_loop(document_id: str, parent_id: str, holder: dict[str, str],
                   merged_into: dict[str, str]) -> bool:
    """Whether merging the document under `parent_id` would put it inside itself."""
    current: str | None = parent_id
    while current is not None:
        container = holder[current]
        if container == document_id:
            return True
        current = merged_into.get(container)
    return False


def _annotation_value(value: Any) -> dict[str, Any] | None:
    if isinstance(value, bool):
        return {"BooleanValue": value}
    if isinstance(value, int | float):
        return {"NumberValue": float(value)}
    if isinstance(value, str):
        return {"StringValue": value}
    return None


def _annotations(segments: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for segment in segments:
        services = [service_id(segment)] if is_segment(segment) else []
        for entity in entities(segment):
            annotations = entity.get("annotations")
            if not isinstance(annotations, dict):
                continue
            for key, raw in annotations.items():
                value = _annotation_value(raw)
                if value is None:
                    continue
                values = found.setdefault(key, [])
                same = next((entry for entry in values if entry["AnnotationValue"] == value),
                            None)
                if same is None:
                    values.append({"AnnotationValue": value, "ServiceIds": list(services)})
                else:
                    same["ServiceIds"] = _unique([*same["ServiceIds"], *services])
    return found


def _users(segments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    users: dict[str, list[dict[str, Any]]] = {}
    for segment in segments:
        if is_segment(segment) and isinstance(segment.get("user"), str) and segment["user"]:
            services = users.setdefault(segment["user"], [])
            services[:] = _unique([*services, service_id(segment)])
    return [{"UserName": name, "ServiceIds": services} for name, services in users.items()]


def _http(segment: dict[str, Any]) -> dict[str, Any]:
    http = _object(segment.get("http"))
    request, response = _object(http.get("request")), _object(http.get("response"))
    found = {shape: request[field_name] for shape, field_name in (
        ("HttpURL", "url"), ("HttpMethod", "method"), ("UserAgent", "user_agent"),
        ("ClientIp", "client_ip")) if isinstance(request.get(field_name), str)}
    status = response.get("status")
    if isinstance(status, int) and not isinstance(status, bool):
        found["HttpStatus"] = status
    return found


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _unique(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each item once, in first-seen order (dicts are not hashable)."""
    seen: list[dict[str, Any]] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen
