"""The invocation history behind the dashboard's timeline."""

from __future__ import annotations

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
