"""The route of DeleteDurableExecution (`DELETE /2025-12-01/durable-executions/{arn}`); the
execution's ARN holds slashes, which the client encodes inside its path segment."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from simulator.api.lambda_api import answer
from simulator.durable.deletions import DurableDeletions

durable_deletions_api = Blueprint("durable_deletions_api", __name__)


def deletions() -> DurableDeletions:
    return current_app.extensions["durable_deletions"]  # type: ignore[no-any-return]


@durable_deletions_api.delete("/2025-12-01/durable-executions/<path:arn>")
def delete_durable_execution(arn: str) -> Response:
    return answer(deletions().delete(arn), 202)
