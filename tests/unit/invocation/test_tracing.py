"""The trace header, the sampling decision and the segments Lambda records for an
invocation, as X-Ray documents them."""

from __future__ import annotations

import json

import pytest

from simulator.invocation.tracing import (
    InvocationTimes,
    InvocationTrace,
    TraceHeader,
    lambda_segments,
    lineage_key,
    new_root,
)
from simulator.models import FunctionConfig, InvocationResult

ROOT = "1-5759e988-bd862e3fe1be46a994272793"
ARN = "arn:aws:lambda:us-east-1:000000000000:function:fn"


def function() -> FunctionConfig:
    return FunctionConfig(name="fn", runtime="python3.12", handler="app.handler",
                          role="arn:aws:iam::000000000000:role/r", code_sha256="", code_size=0)


@pytest.mark.parametrize("value, expected", [
    (f"Root={ROOT};Parent=53995c3f42cd8ad8;Sampled=1",
     TraceHeader(ROOT, "53995c3f42cd8ad8", True)),
    (f"Root={ROOT};Sampled=0", TraceHeader(ROOT, None, False)),
    (f"Root={ROOT};Sampled=?", TraceHeader(ROOT, None, None)),
    (f" Root={ROOT} ; Parent=53995c3f42cd8ad8 ", TraceHeader(ROOT, "53995c3f42cd8ad8", None)),
    (f"Root={ROOT};Parent=not-an-id;Sampled=1", TraceHeader(ROOT, None, True)),
    ("Root=1-nothex-x;Sampled=1", None),
    ("Sampled=1", None),
    ("", None),
    (None, None),
])
def test_a_header_is_read_as_x_ray_reads_it(value: str | None,
                                             expected: TraceHeader | None) -> None:
    assert TraceHeader.parse(value) == expected


def test_a_header_renders_in_aws_order() -> None:
    assert TraceHeader(ROOT, "53995c3f42cd8ad8", True).render() == \
        f"Root={ROOT};Parent=53995c3f42cd8ad8;Sampled=1"
    assert TraceHeader(ROOT).render() == f"Root={ROOT}"


def test_a_new_root_holds_the_epoch_seconds_in_hex() -> None:
    root = new_root(0x5759E988)
    assert root.startswith("1-5759e988-") and len(root) == 35
    assert TraceHeader.parse(f"Root={root}") is not None


@pytest.mark.parametrize("incoming, mode, sampled", [
    (None, "PassThrough", False),
    (None, "Active", True),
    (f"Root={ROOT};Sampled=1", "PassThrough", True),
    (f"Root={ROOT};Sampled=0", "Active", False),
    (f"Root={ROOT}", "Active", True),
    (f"Root={ROOT};Sampled=?", "PassThrough", False),
])
def test_an_upstream_decision_stands_and_active_tracing_decides_the_rest(
        incoming: str | None, mode: str, sampled: bool) -> None:
    assert InvocationTrace.begin(incoming, mode).sampled is sampled


def test_the_function_sees_the_root_it_came_with_and_its_own_segment_as_parent() -> None:
    trace = InvocationTrace.begin(f"Root={ROOT};Parent=53995c3f42cd8ad8;Sampled=1",
                                  "PassThrough")

    assert trace.root == ROOT and trace.upstream_parent == "53995c3f42cd8ad8"
    assert trace.function_header == f"Root={ROOT};Parent={trace.function_segment_id};Sampled=1"
    assert trace.report_line() == (f"XRAY TraceId: {ROOT}\tSegmentId: "
                                   f"{trace.function_segment_id}\tSampled: true\t")


def test_without_a_header_a_new_trace_starts_unsampled_under_pass_through() -> None:
    trace = InvocationTrace.begin(None, "PassThrough")
    header = TraceHeader.parse(trace.function_header)
    assert header is not None and header.sampled is False and header.root != ROOT


def test_a_cold_invocation_has_initialization_invocation_and_overhead() -> None:
    trace = InvocationTrace.begin(f"Root={ROOT};Parent=53995c3f42cd8ad8;Sampled=1", "Active")
    times = InvocationTimes(received=100.0, dispatched=100.5, handler_seconds=0.2,
                            answered=100.75, cold=True)

    service, segment = lambda_segments(trace, function(), ARN, "000000000000", "req-1", times,
                                       InvocationResult(b"{}", duration_ms=200.0))

    assert service["origin"] == "AWS::Lambda" and service["name"] == "fn"
    assert service["parent_id"] == "53995c3f42cd8ad8"
    assert (service["start_time"], service["end_time"]) == (100.0, 100.75)
    assert service["aws"]["request_id"] == "req-1"
    assert segment["origin"] == "AWS::Lambda::Function"
    assert segment["id"] == trace.function_segment_id
    assert segment["parent_id"] == service["id"] and segment["trace_id"] == ROOT
    assert segment["aws"]["function_arn"] == ARN
    assert [(s["name"], s["start_time"], s["end_time"]) for s in segment["subsegments"]] == [
        ("Initialization", 100.0, 100.5), ("Invocation", 100.5, 100.7),
        ("Overhead", 100.7, 100.75)]
    assert "error" not in segment and "fault" not in segment
    json.dumps([service, segment])  # documents the X-Ray API can send as they are


def test_a_warm_invocation_has_no_initialization() -> None:
    trace = InvocationTrace.begin(None, "Active")
    times = InvocationTimes(100.0, 100.001, 0.002, 100.004, cold=False)

    _, segment = lambda_segments(trace, function(), ARN, "000000000000", "r", times,
                                 InvocationResult(b"{}", duration_ms=2.0))

    assert [s["name"] for s in segment["subsegments"]] == ["Invocation", "Overhead"]
    assert segment["start_time"] == 100.001
    assert "parent_id" not in lambda_segments(trace, function(), ARN, "0", "r", times,
                                              InvocationResult(b"{}"))[0]


def test_a_function_error_is_an_error_and_a_runtime_failure_a_fault() -> None:
    trace = InvocationTrace.begin(None, "Active")
    times = InvocationTimes(1.0, 1.1, 0.1, 1.3, cold=False)
    handled = InvocationResult(json.dumps({"errorType": "ValueError",
                                           "errorMessage": "no good"}).encode(),
                               error_type="ValueError")
    crashed = InvocationResult(b"not json", error_type="Runtime.ExitError")

    _, error = lambda_segments(trace, function(), ARN, "0", "r", times, handled)
    _, fault = lambda_segments(trace, function(), ARN, "0", "r", times, crashed)

    assert error["error"] is True and "fault" not in error
    [exception] = error["cause"]["exceptions"]
    assert (exception["type"], exception["message"]) == ("ValueError", "no good")
    assert fault["fault"] is True
    assert fault["cause"]["exceptions"][0]["type"] == "Runtime.ExitError"


def test_a_throttled_request_has_only_the_service_segment() -> None:
    trace = InvocationTrace.begin(None, "Active")

    [service] = lambda_segments(trace, function(), ARN, "0", "", InvocationTimes(
        1.0, None, 0.0, 1.01, cold=False), None)

    assert service["throttle"] is True and service["http"]["response"]["status"] == 429


def test_a_lineage_is_read_and_written_back_as_it_came() -> None:
    header = TraceHeader.parse(
        "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0;Lineage=a87bd80c:1|68fd508a:5")

    assert header is not None and header.lineage == (("a87bd80c", 1), ("68fd508a", 5))
    assert header.render().endswith(";Sampled=0;Lineage=a87bd80c:1|68fd508a:5")


def test_lineage_entries_that_are_not_aws_shape_are_left_out() -> None:
    header = TraceHeader.parse(
        "Root=1-5759e988-bd862e3fe1be46a994272793;Lineage=zzz:1|a87bd80c:x|68fd508a:2")

    assert header is not None and header.lineage == (("68fd508a", 2),)


def test_an_invocation_passes_its_function_on_counted_once_more() -> None:
    arn = "arn:aws:lambda:us-east-1:000000000000:function:loop"
    trace = InvocationTrace.begin(
        f"Root=1-5759e988-bd862e3fe1be46a994272793;Lineage={lineage_key(arn)}:2", "PassThrough")

    passed = trace.passed_on(arn)

    assert (trace.rounds(arn), passed.rounds(arn)) == (2, 3)
    assert passed.function_header.endswith(f";Lineage={lineage_key(arn)}:3")
    assert InvocationTrace.begin(None, "PassThrough").passed_on(arn).rounds(arn) == 1
