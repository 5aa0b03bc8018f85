"""X-Ray tracing as Lambda does it: the trace header each invocation carries, the sampling
decision, and the segments the Lambda service itself records for a sampled invocation (the
`AWS::Lambda` service segment and the `AWS::Lambda::Function` segment with its
Initialization, Invocation and Overhead subsegments), timed from what happened.

The header travels as AWS's `X-Amzn-Trace-Id` value (`Root=1-...;Parent=...;Sampled=1`).
The `Parent` a function sees is its function segment's id, so that the segments its X-Ray
SDK sends hang under Lambda's own."""

from __future__ import annotations

import functools
import hashlib
import json
import random
import re
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from simulator.models import FunctionConfig, InvocationResult

ACTIVE = "Active"
# X-Ray's ids: a trace's root (its epoch seconds, then 96 random bits) and a segment's id.
TRACE_ID = re.compile(r"1-([0-9a-f]{8})-([0-9a-f]{24})")
SEGMENT_ID = re.compile(r"[0-9a-f]{16}")

# A segment document (a JSON object) for the trace store.
SegmentSink = Callable[[dict[str, Any]], None]

# The `X-Amzn-Trace-Id` of the AWS request being served on this thread (an SQS send, an SNS
# publish, EventBridge's PutEvents): where those services pass a trace on, they pass this.
incoming_trace_header: ContextVar[str | None] = ContextVar("incoming_trace_header",
                                                           default=None)


# How many times one event's chain may invoke the same function before Lambda stops it as a
# recursive loop (AWS stops the invocation after 16).
MOST_ROUNDS = 16
# What Lambda answers for an invocation it stopped as part of a recursive loop (botocore's
# RecursiveInvocationException).
RECURSION_STOPPED = "RecursiveInvocationException"
RECURSION_MESSAGE = ("Lambda has detected your function being invoked in a recursive loop with "
                     "other AWS resources and stopped your function's invocation.")
LINEAGE_ENTRY = re.compile(r"([0-9a-f]{8}):(\d{1,4})")


@dataclass(frozen=True)
class TraceHeader:
    root: str
    parent: str | None = None
    sampled: bool | None = None  # None: nobody upstream has decided
    # `Lineage=a87bd80c:1|68fd508a:5`: for each function an event's chain has invoked (by a
    # short hash of its ARN), how many times; how Lambda detects recursive loops.
    lineage: tuple[tuple[str, int], ...] = ()

    @classmethod
    def parse(cls, value: str | None) -> TraceHeader | None:
        """The header's fields; None when it carries no valid root (X-Ray starts anew)."""
        if not value:
            return None
        fields = {}
        for part in value.split(";"):
            key, _, field_value = part.strip().partition("=")
            fields[key.strip()] = field_value.strip()
        root = fields.get("Root", "")
        if not TRACE_ID.fullmatch(root):
            return None
        parent = fields.get("Parent")
        sampled = {"1": True, "0": False}.get(fields.get("Sampled", ""))
        lineage = tuple((entry[1], int(entry[2])) for entry in (
            LINEAGE_ENTRY.fullmatch(item.strip()) for item in
            fields.get("Lineage", "").split("|")) if entry)
        return cls(root, parent if parent and SEGMENT_ID.fullmatch(parent) else None, sampled,
                   lineage)

    def render(self) -> str:
        parts = [f"Root={self.root}"]
        if self.parent:
            parts.append(f"Parent={self.parent}")
        if self.sampled is not None:
            parts.append(f"Sampled={int(self.sampled)}")
        if self.lineage:
            parts.append("Lineage=" + "|".join(f"{key}:{count}" for key, count in self.lineage))
        return ";".join(parts)


@functools.lru_cache(maxsize=4096)
def lineage_key(function_arn: str) -> str:
    """A function's entry in a trace's lineage: a short hash of its unqualified ARN (kept
    for the functions invoked most recently: each invoke asks)."""
    return hashlib.sha256(function_arn.encode()).hexdigest()[:8]


# X-Ray's ids are random, not secret: the fast generator serves (each invoke makes three).
def new_root(now: float | None = None) -> str:
    return f"1-{int(now if now is not None else time.time()):08x}-{random.getrandbits(96):024x}"


def new_segment_id() -> str:
    return f"{random.getrandbits(64):016x}"


@dataclass(frozen=True)
class InvocationTrace:
    """One invocation's place in a trace: the header its function sees, and the ids of the
    segments Lambda records for it when sampled."""

    root: str
    sampled: bool
    upstream_parent: str | None
    service_segment_id: str
    function_segment_id: str
    lineage: tuple[tuple[str, int], ...] = ()  # as the event arrived

    def rounds(self, function_arn: str) -> int:
        """How many times the event's chain has invoked this function before this time."""
        key = lineage_key(function_arn)
        return next((count for entry, count in self.lineage if entry == key), 0)

    def passed_on(self, function_arn: str) -> InvocationTrace:
        """The trace as this invocation passes it on: its function counted once more, so
        that what it sends (a message, a notification) carries the count onward."""
        key = lineage_key(function_arn)
        rounds: int | None = None  # the first count of this function, as `rounds` reads it
        counted = []
        for entry, count in self.lineage:
            if entry != key:
                counted.append((entry, count))
            elif rounds is None:
                rounds = count
        return InvocationTrace(self.root, self.sampled, self.upstream_parent,
                               self.service_segment_id, self.function_segment_id,
                               (*counted, (key, (rounds or 0) + 1)))

    @classmethod
    def begin(cls, incoming: str | None, tracing_mode: str) -> InvocationTrace:
        """An upstream decision stands; without one, Active tracing samples (locally every
        request: AWS's reservoir of one a second then 5% exists to bound its bill) and
        PassThrough does not."""
        header = TraceHeader.parse(incoming)
        decided = header.sampled if header is not None else None
        sampled = decided if decided is not None else tracing_mode == ACTIVE
        return cls(
            root=header.root if header is not None else new_root(),
            sampled=sampled,
            upstream_parent=header.parent if header is not None else None,
            service_segment_id=new_segment_id(),
            function_segment_id=new_segment_id(),
            lineage=header.lineage if header is not None else (),
        )

    @property
    def function_header(self) -> str:
        """`Lambda-Runtime-Trace-Id`, which the runtime puts in `_X_AMZN_TRACE_ID`, and the
        AWS SDKs in a function send on as `X-Amzn-Trace-Id` (with its lineage)."""
        return TraceHeader(self.root, self.function_segment_id, self.sampled,
                           self.lineage).render()

    def report_line(self) -> str:
        """What a sampled invocation's REPORT adds, as on AWS."""
        return (f"XRAY TraceId: {self.root}\tSegmentId: {self.function_segment_id}\t"
                f"Sampled: true\t")


@dataclass(frozen=True)
class InvocationTimes:
    """Wall-clock seconds: when the request came, when the handler got the event (None if
    it never did), how long the handler ran, and when the answer went back."""

    received: float
    dispatched: float | None
    handler_seconds: float
    answered: float
    cold: bool


def lambda_segments(trace: InvocationTrace, function: FunctionConfig, function_arn: str,
                    account_id: str, request_id: str, times: InvocationTimes,
                    result: InvocationResult | None) -> list[dict[str, Any]]:
    """The service segment and the function segment Lambda sends for one invocation; a
    throttled request (no result) has only the service segment."""
    service: dict[str, Any] = {
        "id": trace.service_segment_id, "trace_id": trace.root, "name": function.name,
        "start_time": times.received, "end_time": times.answered, "origin": "AWS::Lambda",
        "resource_arn": function_arn,
        "aws": {"request_id": request_id, "account_id": account_id},
        "http": {"response": {"status": 429 if result is None else 200}},
    }
    if trace.upstream_parent:
        service["parent_id"] = trace.upstream_parent
    if result is None:
        service["throttle"] = True
        service["error"] = True
        return [service]
    subsegments = []
    start = times.dispatched if times.dispatched is not None else times.answered
    if times.cold:
        subsegments.append(_subsegment("Initialization", times.received, start))
    handler_end = min(start + times.handler_seconds, times.answered)
    if times.dispatched is not None:
        subsegments.append(_subsegment("Invocation", start, handler_end))
        subsegments.append(_subsegment("Overhead", handler_end, times.answered))
    segment: dict[str, Any] = {
        "id": trace.function_segment_id, "trace_id": trace.root, "name": function.name,
        "parent_id": trace.service_segment_id, "origin": "AWS::Lambda::Function",
        "start_time": subsegments[0]["start_time"] if subsegments else start,
        "end_time": times.answered, "resource_arn": function_arn,
        "aws": {"function_arn": function_arn, "resource_names": [function.name],
                "account_id": account_id},
        "subsegments": subsegments,
    }
    if result.failed:
        segment.update(_failure(result))
    return [service, segment]


def _subsegment(name: str, start: float, end: float) -> dict[str, Any]:
    return {"id": new_segment_id(), "name": name, "start_time": start,
            "end_time": max(end, start)}


def _failure(result: InvocationResult) -> dict[str, Any]:
    """A function error marks the function segment as an error; the runtime failing
    (a crash, a timeout, running out of memory) as a fault."""
    try:
        body = json.loads(result.payload)
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    exception = {"id": new_segment_id(),
                 "message": str(body.get("errorMessage", result.error_type)),
                 "type": str(body.get("errorType", result.error_type))}
    kind = "fault" if (result.error_type or "").startswith(("Runtime.", "Sandbox.")) \
        else "error"
    return {kind: True, "cause": {"working_directory": "/var/task",
                                  "exceptions": [exception]}}
