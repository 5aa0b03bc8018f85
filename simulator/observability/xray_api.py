"""X-Ray's API (rest-json) in front of `TraceStore`: enough of it for the SDKs and
`aws xray put-trace-segments`, `get-trace-summaries`, `batch-get-traces`, `get-trace-graph`
and `get-service-graph` to work against the simulator. The gateway sends it every request
signed for `xray`.

The graphs are built from what the segments say: a service per segment name and `origin`, an
edge from the service of a segment's parent to the segment's own. X-Ray's inferred segments
(downstream services seen only from a caller's subsegments) are not made up."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from simulator.errors import LambdaError
from simulator.observability.errors import XRayInvalidRequest, XRayUnknownOperation
from simulator.observability.json_body import json_object
from simulator.observability.trace_filter import InvalidFilterExpression, parse_filter
from simulator.observability.trace_store import (
    TIME_RANGE_TYPES,
    InvalidSegmentDocument,
    TimeRangeType,
    TraceStore,
    elapsed,
    entities,
    is_segment,
    service_id,
)

CONTENT_TYPE = "application/json"
SUMMARIES_PAGE_SIZE = 100
MAX_TRACE_IDS_PER_BATCH = 5  # BatchGetTraces' TraceIds: 1 to 5 items

log = logging.getLogger(__name__)

Operation = Callable[[dict[str, Any]], dict[str, Any]]


def create_xray_app(store: TraceStore) -> Flask:
    operations: dict[str, Operation] = {
        "/TraceSegments": lambda body: _put_trace_segments(store, body),
        "/TraceSummaries": lambda body: _get_trace_summaries(store, body),
        "/Traces": lambda body: _batch_get_traces(store, body),
        "/TraceGraph": lambda body: _get_trace_graph(store, body),
        "/ServiceGraph": lambda body: _get_service_graph(store, body),
        "/TelemetryRecords": _put_telemetry_records,
    }
    app = Flask("xray")

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "DELETE"])
    @app.route("/<path:path>", methods=["GET", "POST", "PUT", "DELETE"])
    def dispatch(path: str) -> Response:
        operation = operations.get(f"/{path}") if request.method == "POST" else None
        if operation is None:
            raise XRayUnknownOperation(
                f"The simulator's X-Ray does not serve {request.method} /{path}.")
        body = json_object(request.get_data(cache=False), XRayInvalidRequest)
        return _answer(200, operation(body))

    @app.errorhandler(LambdaError)
    def error(error: LambdaError) -> Response:
        response = _answer(error.status, {"Message": error.message})
        response.headers["x-amzn-ErrorType"] = error.code
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        response = _answer(error.code or 400, {"Message": error.description or str(error)})
        response.headers["x-amzn-ErrorType"] = XRayInvalidRequest.code
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("unexpected error answering X-Ray %s", request.path)
        response = _answer(500, {"Message": f"An internal error occurred: {error}"})
        response.headers["x-amzn-ErrorType"] = "InternalFailure"
        return response

    return app


# -- the operations ---------------------------------------------------------------------------


def _put_trace_segments(store: TraceStore, body: dict[str, Any]) -> dict[str, Any]:
    unprocessed: list[dict[str, Any]] = []
    for text in _strings(body, "TraceSegmentDocuments"):
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            unprocessed.append({"ErrorCode": "InvalidJson",
                                "Message": "Invalid segment. ErrorCode: InvalidJson, Cause: null"})
            continue
        try:
            store.add(document)
        except InvalidSegmentDocument as refused:
            entry = {"ErrorCode": refused.code, "Message": str(refused)}
            if refused.document_id is not None:
                entry = {"Id": refused.document_id, **entry}
            unprocessed.append(entry)
    return {"UnprocessedTraceSegments": unprocessed}


def _get_trace_summaries(store: TraceStore, body: dict[str, Any]) -> dict[str, Any]:
    start, end = _time_range(body)
    time_range_type = body.get("TimeRangeType", "TraceId")
    if time_range_type not in TIME_RANGE_TYPES:
        raise XRayInvalidRequest(
            f"1 validation error detected: Value '{time_range_type}' at 'timeRangeType' failed "
            f"to satisfy constraint: Member must satisfy enum value set: "
            f"[{', '.join(TIME_RANGE_TYPES)}]")
    range_type = cast(TimeRangeType, time_range_type)
    expression = body.get("FilterExpression")
    if expression is not None and not isinstance(expression, str):
        raise XRayInvalidRequest("FilterExpression must be a string.")
    try:
        matches = parse_filter(expression) if expression else None
    except InvalidFilterExpression as problem:
        raise XRayInvalidRequest(str(problem)) from None
    summaries = store.summaries(start, end, time_range_type=range_type, matches=matches)
    after = _position(body.get("NextToken"))
    if after is not None:
        summaries = [summary for summary in summaries if _order(summary) > after]
    page = summaries[:SUMMARIES_PAGE_SIZE]
    answer: dict[str, Any] = {
        "TraceSummaries": page,
        "ApproximateTime": end,
        "TracesProcessedCount": store.count(start, end, range_type),
    }
    if len(summaries) > len(page):
        answer["NextToken"] = _token(_order(page[-1]))
    return answer


def _batch_get_traces(store: TraceStore, body: dict[str, Any]) -> dict[str, Any]:
    ids = _strings(body, "TraceIds")
    if not 1 <= len(ids) <= MAX_TRACE_IDS_PER_BATCH:
        raise XRayInvalidRequest(
            f"1 validation error detected: Value '[{', '.join(ids)}]' at 'traceIds' failed to "
            f"satisfy constraint: Member must have length between 1 and "
            f"{MAX_TRACE_IDS_PER_BATCH}")
    traces, unprocessed = store.traces(ids)
    return {"Traces": traces, "UnprocessedTraceIds": unprocessed}


def _get_trace_graph(store: TraceStore, body: dict[str, Any]) -> dict[str, Any]:
    ids = _strings(body, "TraceIds")
    if not ids:
        raise XRayInvalidRequest("TraceIds must name at least one trace.")
    traces = [segments for segments in map(store.trace, dict.fromkeys(ids))
              if segments is not None]
    return {"Services": _services(traces)}


def _get_service_graph(store: TraceStore, body: dict[str, Any]) -> dict[str, Any]:
    start, end = _time_range(body)
    return {"StartTime": start, "EndTime": end,
            "Services": _services(store.segments_between(start, end)),
            "ContainsOldGroupVersions": False}


def _put_telemetry_records(body: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(body.get("TelemetryRecords"), list):
        raise XRayInvalidRequest("TelemetryRecords is required and must be a list.")
    return {}


# -- the service graph ------------------------------------------------------------------------


@dataclass
class _Statistics:
    """Counts of segments by outcome and their time, as X-Ray's ServiceStatistics."""

    ok: int = 0
    errors: int = 0
    throttles: int = 0
    faults: int = 0
    total_response_time: float = 0.0
    times: list[float] = field(default_factory=list)

    def count(self, segment: dict[str, Any]) -> None:
        time = elapsed(segment)
        if time is None:
            return
        if segment.get("fault") is True:
            self.faults += 1
        elif segment.get("error") is True or segment.get("throttle") is True:
            self.errors += 1
            self.throttles += segment.get("throttle") is True
        else:
            self.ok += 1
        self.total_response_time += time
        self.times.append(time)

    def shape(self) -> dict[str, Any]:
        return {
            "OkCount": self.ok,
            "ErrorStatistics": {"ThrottleCount": self.throttles,
                                "OtherCount": self.errors - self.throttles,
                                "TotalCount": self.errors},
            "FaultStatistics": {"OtherCount": self.faults, "TotalCount": self.faults},
            "TotalCount": self.ok + self.errors + self.faults,
            "TotalResponseTime": self.total_response_time,
        }

    def histogram(self) -> list[dict[str, Any]]:
        """How many took each time, to the millisecond."""
        counts: dict[float, int] = {}
        for time in self.times:
            counts[round(time, 3)] = counts.get(round(time, 3), 0) + 1
        return [{"Value": value, "Count": count} for value, count in sorted(counts.items())]


@dataclass
class _Node:
    segment: dict[str, Any]  # the first of the service's segments: its name, origin, account
    root: bool = False
    start: float = float("inf")
    end: float = float("-inf")
    statistics: _Statistics = field(default_factory=_Statistics)
    edges: dict[tuple[str, Any], _Statistics] = field(default_factory=dict)
    edge_times: dict[tuple[str, Any], tuple[float, float]] = field(default_factory=dict)


def _services(traces: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The Service shapes of the services the traces pass through, each with its edges."""
    nodes: dict[tuple[str, Any], _Node] = {}
    for segments in traces:
        services = [segment for segment in segments if is_segment(segment)]
        owner = {entity["id"]: _service_key(segment)
                 for segment in services for entity in entities(segment)}
        for segment in services:
            node = nodes.setdefault(_service_key(segment), _Node(segment))
            start = float(segment["start_time"])
            node.start = min(node.start, start)
            node.end = max(node.end, float(segment.get("end_time", start)))
            node.statistics.count(segment)
            node.root = node.root or segment.get("parent_id") not in owner
        for segment in services:
            key, caller = _service_key(segment), owner.get(segment.get("parent_id", ""))
            if caller is None or caller == key:
                continue
            calling = nodes[caller]
            calling.edges.setdefault(key, _Statistics()).count(segment)
            start = float(segment["start_time"])
            end = float(segment.get("end_time", start))
            first, last = calling.edge_times.get(key, (start, end))
            calling.edge_times[key] = (min(first, start), max(last, end))
    ordered = sorted(nodes, key=lambda key: (key[0], str(key[1])))
    reference = {key: number for number, key in enumerate(ordered)}
    return [_service_shape(nodes[key], reference) for key in ordered]


def _service_key(segment: dict[str, Any]) -> tuple[str, Any]:
    return segment["name"], segment.get("origin")


def _service_shape(node: _Node, reference: dict[tuple[str, Any], int]) -> dict[str, Any]:
    return {
        "ReferenceId": reference[_service_key(node.segment)],
        **service_id(node.segment),
        "Root": node.root,
        "State": "active",
        "StartTime": node.start,
        "EndTime": node.end,
        "Edges": [{
            "ReferenceId": reference[target],
            "StartTime": node.edge_times[target][0],
            "EndTime": node.edge_times[target][1],
            "SummaryStatistics": statistics.shape(),
            "ResponseTimeHistogram": statistics.histogram(),
            "Aliases": [],
        } for target, statistics in node.edges.items()],
        "SummaryStatistics": node.statistics.shape(),
        "DurationHistogram": node.statistics.histogram(),
        "ResponseTimeHistogram": node.statistics.histogram(),
    }


# -- the wire ---------------------------------------------------------------------------------


def _strings(body: dict[str, Any], member: str) -> list[str]:
    values = body.get(member)
    if values is None:
        raise XRayInvalidRequest(f"{member} is required.")
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise XRayInvalidRequest(f"{member} must be a list of strings.")
    return values


def _time_range(body: dict[str, Any]) -> tuple[float, float]:
    start, end = _timestamp(body, "StartTime"), _timestamp(body, "EndTime")
    if start > end:
        raise XRayInvalidRequest("StartTime must not be after EndTime.")
    return start, end


def _timestamp(body: dict[str, Any], member: str) -> float:
    """Epoch seconds, as the SDKs send a rest-json timestamp, or an ISO 8601 string."""
    value = body.get(member)
    if value is None:
        raise XRayInvalidRequest(f"{member} is required.")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    raise XRayInvalidRequest(f"{member} must be a timestamp: {value!r}")


def _order(summary: dict[str, Any]) -> tuple[float, str]:
    """Where a summary sorts: the trace that started last first."""
    return -float(summary["StartTime"]), str(summary["Id"])


def _token(position: tuple[float, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(position)).encode()).decode()


def _position(token: Any) -> tuple[float, str] | None:
    """The place a NextToken continues after; None for the first page."""
    if token is None:
        return None
    try:
        decoded = json.loads(base64.urlsafe_b64decode(str(token).encode()))
        return float(decoded[0]), str(decoded[1])
    except (ValueError, TypeError, IndexError, KeyError, binascii.Error):
        raise XRayInvalidRequest(f"Invalid NextToken: {token}") from None


def _answer(status: int, body: dict[str, Any]) -> Response:
    response = Response(json.dumps(body), status=status, content_type=CONTENT_TYPE)
    response.headers["x-amzn-RequestId"] = str(uuid.uuid4())
    return response
