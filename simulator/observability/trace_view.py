"""One trace as the dashboard's waterfall draws it: every segment and subsegment in tree
order (a segment's children right under it, segments of other functions and services under
the subsegment or segment that called them), with offsets from the trace's start."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

MAX_ROWS = 500


def waterfall(segments: list[dict[str, Any]]) -> dict[str, Any]:
    """`segments`: a trace's assembled segment documents (subsegments nested in them)."""
    if not segments:
        return {"startTime": None, "durationMs": 0.0, "rows": []}
    start = min(float(s["start_time"]) for s in segments)
    end = max(float(s.get("end_time", s["start_time"])) for s in segments)
    ids = {entity["id"] for segment in segments for entity, _ in _walk(segment, 0)}
    children: dict[str | None, list[dict[str, Any]]] = {}
    for segment in sorted(segments, key=lambda s: float(s["start_time"])):
        parent = segment.get("parent_id")
        children.setdefault(parent if parent in ids else None, []).append(segment)
    rows: list[dict[str, Any]] = []
    for top in children.get(None, []):
        _place(top, 0, children, start, rows)
    return {"startTime": start, "durationMs": round((end - start) * 1000, 3),
            "rows": rows[:MAX_ROWS], "truncated": len(rows) > MAX_ROWS}


def _place(segment: dict[str, Any], depth: int,
           children: dict[str | None, list[dict[str, Any]]], start: float,
           rows: list[dict[str, Any]]) -> None:
    for entity, level in _walk(segment, depth):
        rows.append(_row(entity, level, start, is_segment=entity is segment))
        for called in children.get(entity["id"], []):
            _place(called, level + 1, children, start, rows)


def _walk(entity: dict[str, Any], depth: int) -> Iterator[tuple[dict[str, Any], int]]:
    yield entity, depth
    for child in sorted(entity.get("subsegments", []), key=lambda s: float(s["start_time"])):
        yield from _walk(child, depth + 1)


def _row(entity: dict[str, Any], depth: int, start: float, is_segment: bool) -> dict[str, Any]:
    begins = float(entity["start_time"])
    ends = float(entity.get("end_time", begins))
    status = "fault" if entity.get("fault") else "error" if entity.get("error") else \
        "throttle" if entity.get("throttle") else "ok"
    return {
        "id": entity["id"], "name": entity["name"], "depth": depth,
        "kind": entity.get("origin") or entity.get("namespace") or
        ("segment" if is_segment else "subsegment"),
        "offsetMs": round((begins - start) * 1000, 3),
        "durationMs": round(max(ends - begins, 0.0) * 1000, 3),
        "inProgress": "end_time" not in entity, "status": status,
    }
