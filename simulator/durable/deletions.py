"""DeleteDurableExecution: an execution that has ended (SUCCEEDED, FAILED, STOPPED or
TIMED_OUT) goes, with its data; one still running may not, as AWS answers. AWS reports the
execution DELETING until its data is gone; here it is gone before the answer.

The executions live in the service library's SQLite store, which has no deletion: the row is
removed from the store's table here, the one place beside `executions.py` that knows the
store's layout and the executor's invocation gate (the library is pinned to the minor version
tested)."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from aws_durable_execution_sdk_python_testing.exceptions import (
    ResourceNotFoundException as MissingExecution,
)
from aws_durable_execution_sdk_python_testing.worker.status import InvocationState

from simulator.durable.executions import DurableExecutions
from simulator.errors import ResourceConflictException, ResourceNotFoundException

ENDED = ("SUCCEEDED", "FAILED", "STOPPED", "TIMED_OUT")
SETTLE_SECONDS = 5.0


class DurableDeletions:
    def __init__(self, executions: DurableExecutions, database: Path) -> None:
        self._executions = executions
        self._database = database  # the store `executions` keeps its executions in

    def delete(self, execution_arn: str) -> dict[str, Any]:
        try:
            status = self._executions.outcome(execution_arn)["Status"]
        except MissingExecution:
            raise ResourceNotFoundException("Durable Execution does not exist") from None
        if status not in ENDED:
            raise ResourceConflictException(
                f"The durable execution {execution_arn} is {status}: only an execution that "
                f"has ended ({', '.join(ENDED)}) can be deleted.")
        self._await_last_write(execution_arn)
        with closing(sqlite3.connect(self._database, timeout=30)) as db, db:
            db.execute("DELETE FROM executions WHERE durable_execution_arn = ?",
                       (execution_arn,))
        return {"DeletionRequestTimestamp": time.time()}

    def _await_last_write(self, execution_arn: str) -> None:
        """An execution ends a moment before the service's last write for the invocation
        that ended it (its gate still INVOKING); deleted in between, that write would bring
        it back."""
        executor = self._executions.executor
        deadline = time.monotonic() + SETTLE_SECONDS
        while (executor._invocation_gate(execution_arn) is InvocationState.INVOKING  # noqa: SLF001
               and time.monotonic() < deadline):
            time.sleep(0.01)
