"""The waterfall of one trace: tree order across segments, offsets from the trace's start."""

from __future__ import annotations

from typing import Any

from simulator.observability.trace_view import MAX_ROWS, waterfall

ROOT = "1-5759e988-bd862e3fe1be46a994272793"


def entity(id_: str, name: str, start: float, end: float | None, **fields: Any
           ) -> dict[str, Any]:
    document: dict[str, Any] = {"id": id_, "name": name, "trace_id": ROOT,
                                "start_time": start, **fields}
    if end is not None:
        document["end_time"] = end
    return document


def two_functions() -> list[dict[str, Any]]:
    """Function a calls function b through the SDK's `Lambda` subsegment."""
    call = entity("c" * 16, "Lambda", 10.02, 10.08, namespace="aws")
    a = entity("a" * 16, "a", 10.0, 10.1, origin="AWS::Lambda::Function",
               subsegments=[entity("1" * 16, "Invocation", 10.01, 10.09, subsegments=[call])])
    b = entity("b" * 16, "b", 10.03, 10.07, origin="AWS::Lambda::Function",
               parent_id="c" * 16, fault=True)
    return [b, a]  # stored order does not matter


def test_rows_follow_the_call_tree_across_segments() -> None:
    view = waterfall(two_functions())

    assert [(r["name"], r["depth"]) for r in view["rows"]] == [
        ("a", 0), ("Invocation", 1), ("Lambda", 2), ("b", 3)]
    assert view["durationMs"] == 100.0 and view["startTime"] == 10.0
    lambda_call, called = view["rows"][2], view["rows"][3]
    assert (lambda_call["offsetMs"], lambda_call["durationMs"]) == (20.0, 60.0)
    assert lambda_call["kind"] == "aws"
    assert (called["kind"], called["status"]) == ("AWS::Lambda::Function", "fault")


def test_a_segment_whose_parent_is_elsewhere_starts_its_own_tree() -> None:
    orphan = entity("d" * 16, "d", 10.05, None, parent_id="e" * 16)

    view = waterfall([*two_functions(), orphan])

    assert view["rows"][-1]["name"] == "d" and view["rows"][-1]["depth"] == 0
    assert view["rows"][-1]["inProgress"] is True


def test_an_empty_trace_has_no_rows() -> None:
    assert waterfall([]) == {"startTime": None, "durationMs": 0.0, "rows": []}


def test_rows_are_bounded() -> None:
    many = [entity(f"{i:016x}", f"s{i}", 1.0 + i / 1000, 2.0) for i in range(MAX_ROWS + 5)]
    top = entity("f" * 16, "top", 1.0, 2.0, subsegments=many)

    view = waterfall([top])

    assert len(view["rows"]) == MAX_ROWS and view["truncated"] is True
