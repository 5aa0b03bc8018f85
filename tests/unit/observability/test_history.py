"""The invocation history behind the dashboard's timeline."""

from __future__ import annotations

from simulator.models import InvocationResult, StreamedResponse
from simulator.observability.history import InvocationHistory
from tests.unit.observability.recorded_invocations import result


def test_history_keeps_the_timeline() -> None:
    history = InvocationHistory(limit=2)
    history.record("fn", result(10, cold=True), throttled=False)
    history.record("fn", result(20, failed=True), throttled=False)
    history.record("other", None, throttled=True)
    newest, older = history.recent()
    assert (newest.function_name, newest.status) == ("other", "Throttled")
    assert (older.status, older.error_type) == ("Error", "Handled")
    assert older.phases_ms == {"launch": 5.0, "init": 1.0, "run": 20, "response": 0.5}
    assert [r.status for r in history.recent("fn")] == ["Error"]


def test_a_traced_invocation_keeps_its_trace_id_for_the_waterfall() -> None:
    history = InvocationHistory()
    history.record("fn", InvocationResult(b"{}", trace_id="1-5759e988-bd862e3fe1be46a994272793"),
                   throttled=False)
    history.record("fn", InvocationResult(b"{}"), throttled=False)

    untraced, traced = history.recent()

    assert traced.trace_id == "1-5759e988-bd862e3fe1be46a994272793"
    assert untraced.trace_id == ""


def test_a_streamed_response_is_kept_with_its_chunks_and_bytes() -> None:
    history = InvocationHistory()
    streamed = StreamedResponse("text/plain", chunks=3, total_bytes=13, first_chunk_ms=2.5)
    history.record("fn", InvocationResult(b"", streamed=streamed), throttled=False)
    history.record("fn", InvocationResult(b"{}"), throttled=False)

    buffered, newest_streamed = history.recent()

    assert newest_streamed.streamed == {"content_type": "text/plain", "chunks": 3,
                                        "total_bytes": 13, "first_chunk_ms": 2.5}
    assert buffered.streamed is None
    assert newest_streamed.to_json()["streamed"]["chunks"] == 3
