"""Durable executions as the dashboard shows them: a row per execution, and one execution's
operations on a timeline (offsets from its start, nested by parent), with how many times its
handler was invoked."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_durable_execution_sdk_python_testing.execution import Execution

MAX_OPERATIONS = 500


def execution_row(execution: Execution) -> dict[str, Any]:
    started = execution.get_operation_execution_started()
    return {
        "arn": execution.durable_execution_arn,
        "name": execution.start_input.execution_name,
        "function": execution.start_input.function_name,
        "version": execution.start_input.function_qualifier,
        "status": execution.current_status().value,
        "started": _iso(started.start_timestamp),
        "ended": _iso(started.end_timestamp),
        "operations": len(execution.operations),
        "invocations": len(execution.invocation_completions),
    }


def operation_timeline(execution: Execution) -> dict[str, Any]:
    """Operations in the order they started, each with its depth under its parents."""
    started = execution.get_operation_execution_started().start_timestamp
    depths: dict[str, int] = {}
    rows = []
    for operation in sorted(execution.operations, key=lambda o: (
            o.start_timestamp is None,
            o.start_timestamp.timestamp() if o.start_timestamp else 0.0)):
        depth = depths.get(operation.parent_id or "", -1) + 1
        depths[operation.operation_id] = depth
        begins, ends = operation.start_timestamp, operation.end_timestamp
        rows.append({
            "id": operation.operation_id, "name": operation.name or "",
            "type": operation.operation_type.value, "subType": operation.sub_type or "",
            "status": operation.status.value, "depth": depth,
            "offsetMs": _ms(started, begins), "durationMs": _ms(begins, ends),
        })
    return {**execution_row(execution), "timeline": rows[:MAX_OPERATIONS]}


def _ms(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() * 1000, 3)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
