"""DeleteDurableExecution: an ended execution goes with its data, a running one stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.durable.deletions import DurableDeletions
from simulator.durable.executions import DurableExecutions
from simulator.errors import ResourceConflictException, ResourceNotFoundException
from tests.unit.durable.conftest import Handler, pending, succeed

MISSING = "arn:aws:lambda:us-east-1:000000000000:function:orders:$LATEST/durable-execution/a/b"


@pytest.fixture
def deletions(service: DurableExecutions, tmp_path: Path) -> DurableDeletions:
    return DurableDeletions(service, tmp_path / "durable-executions.db")


def test_an_ended_execution_is_deleted(service: DurableExecutions, handler: Handler,
                                       deletions: DurableDeletions) -> None:
    handler.answers = [succeed("done")]
    arn = service.invoke(handler.functions["orders"], b"{}", "RequestResponse",
                         None).durable_execution_arn or ""

    answer = deletions.delete(arn)

    assert isinstance(answer["DeletionRequestTimestamp"], float)
    assert arn not in [execution.durable_execution_arn for execution in service.recent()]
    with pytest.raises(ResourceNotFoundException, match="Durable Execution does not exist"):
        deletions.delete(arn)


def test_a_running_execution_is_not(service: DurableExecutions, handler: Handler,
                                    deletions: DurableDeletions) -> None:
    handler.answers = [pending()]
    arn = service.invoke(handler.functions["orders"], b"{}", "Event",
                         None).durable_execution_arn or ""
    assert handler.invoked.wait(5)

    with pytest.raises(ResourceConflictException, match="is RUNNING"):
        deletions.delete(arn)

    assert service.outcome(arn)["Status"] == "RUNNING"


def test_a_missing_execution_is_not_found(deletions: DurableDeletions) -> None:
    with pytest.raises(ResourceNotFoundException):
        deletions.delete(MISSING)
