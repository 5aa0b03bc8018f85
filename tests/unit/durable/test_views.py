"""What the dashboard shows of durable executions: rows, and one execution's operations on a
timeline nested under their parents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aws_durable_execution_sdk_python.lambda_service import (
    Operation,
    OperationStatus,
    OperationType,
)

from simulator.durable.executions import DurableExecutions
from simulator.durable.views import execution_row, operation_timeline
from tests.helpers import eventually
from tests.unit.durable.conftest import Handler, succeed


def test_an_execution_is_a_row_and_its_operations_a_timeline(
        service: DurableExecutions, handler: Handler) -> None:
    handler.answers = [succeed("ok")]
    arn = service.start(handler.functions["orders"], b"{}", "shown")
    assert eventually(lambda: service.outcome(arn)["Status"] == "SUCCEEDED")
    execution = service.execution(arn)
    assert execution is not None
    began = execution.operations[0].start_timestamp or datetime.now(UTC)
    execution.operations.extend([
        Operation("ctx", OperationType.CONTEXT, OperationStatus.SUCCEEDED, parent_id=None,
                  name="child", start_timestamp=began + timedelta(milliseconds=10),
                  end_timestamp=began + timedelta(milliseconds=40)),
        Operation("step", OperationType.STEP, OperationStatus.STARTED, parent_id="ctx",
                  name="charge", start_timestamp=began + timedelta(milliseconds=20)),
    ])

    row = execution_row(execution)
    view = operation_timeline(execution)

    assert (row["name"], row["function"], row["status"]) == ("shown", "orders", "SUCCEEDED")
    assert row["invocations"] == 1
    assert [(o["type"], o["name"], o["depth"]) for o in view["timeline"]][1:] == [
        ("CONTEXT", "child", 0), ("STEP", "charge", 1)]
    child, charge = view["timeline"][1:]
    assert (child["offsetMs"], child["durationMs"]) == (10.0, 30.0)
    assert charge["durationMs"] is None  # still running
    assert [e.durable_execution_arn for e in service.recent()] == [arn]
