"""The routes of the durable-execution operations (`/2025-12-01/durable-executions/...`,
`/2025-12-01/durable-execution-callbacks/...`, `/2025-12-01/functions/{name}/durable-executions`),
handed to the durable-execution service with the path as the client encoded it."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from simulator.durable.executions import DurableExecutions
from simulator.durable.operations import DurableOperations
from simulator.errors import InvalidRequestContentException

durable_api = Blueprint("durable_api", __name__)


def executions() -> DurableExecutions:
    return current_app.extensions["durable"]  # type: ignore[no-any-return]


def operations() -> DurableOperations:
    return current_app.extensions["durable_operations"]  # type: ignore[no-any-return]


@durable_api.route("/2025-12-01/durable-executions/<path:rest>", methods=["GET", "POST"])
@durable_api.route("/2025-12-01/durable-execution-callbacks/<path:rest>", methods=["POST"])
@durable_api.get("/2025-12-01/functions/<path:rest>")
def durable_operation(rest: str) -> Response:
    raw_uri = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") \
        or request.full_path
    status, headers, body = operations().answer(
        request.method, raw_uri.split("?", 1)[0], request.query_string.decode(),
        dict(request.headers), request.get_data(cache=False))
    return Response(body, status=status, headers=headers)


@durable_api.post("/_simulator/durable/advance")
def advance() -> Response:
    """Move durable time forward (`lambda-sim durable advance`): waits due within it end."""
    body = request.get_json(silent=True)
    seconds = body.get("seconds") if isinstance(body, dict) else None
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        raise InvalidRequestContentException('Send {"seconds": N}, N a number of seconds.')
    return jsonify({"aheadSeconds": executions().advance(float(seconds))})

