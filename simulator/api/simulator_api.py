"""The simulator's own endpoints under `/_simulator/`: health, code download, environments,
logs and template deployment (what the `lambda-sim` client commands call)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request

from simulator import __version__
from simulator.environments.pool import EnvironmentPool
from simulator.errors import InvalidParameterValueException
from simulator.functions.function_operations import FunctionOperations
from simulator.templates import TemplateError

simulator_api = Blueprint("simulator_api", __name__, url_prefix="/_simulator")


def functions() -> FunctionOperations:
    return current_app.extensions["functions"]  # type: ignore[no-any-return]


def pool() -> EnvironmentPool:
    return current_app.extensions["pool"]  # type: ignore[no-any-return]


@simulator_api.get("/health")
def health() -> Response:
    return jsonify({
        "status": "ok",
        "executor": current_app.config["EXECUTOR_NAME"],
        "version": __version__,
        "functions": len(functions().all_latest()),
    })


@simulator_api.get("/code/<name>.zip")
def code(name: str) -> Response:
    return Response(functions().code_zip(name), content_type="application/zip")


@simulator_api.get("/layers/<name>/<version>.zip")
def layer_code(name: str, version: str) -> Response:
    """Where GetLayerVersion's `Content.Location` points."""
    layers = current_app.extensions["layer_service"]
    return Response(layers.layer_zip(name, version), content_type="application/zip")


@simulator_api.get("/functions")
def function_rows() -> Response:
    """Each function with its environment counts: what `lambda-sim ls` shows."""
    rows = []
    for function in functions().all_latest():
        counts = pool().counts(function.name)
        rows.append({"name": function.name, "runtime": function.runs_on,
                     "warm": counts.warm, "busy": counts.busy, "starting": counts.starting})
    return jsonify({"functions": rows})


@simulator_api.get("/environments")
def environments() -> Response:
    """Every live environment and what runs it on the host (which container, which process):
    a standby container is claimed by whichever function needs it, so its name and labels
    cannot say."""
    rows = [{"id": e.id, "function": e.function.name, "version": e.function.version,
             "state": e.state.value, "runtime": e.runtime.handle if e.runtime else None}
            for e in pool().live_environments()]
    return jsonify({"environments": rows})


@simulator_api.get("/logs/<name>")
def logs(name: str) -> Response:
    """The function's log events after `since` (epoch ms), oldest first."""
    functions().function(name)
    since_text = request.args.get("since", "0") or "0"
    if not since_text.isdigit():
        raise InvalidParameterValueException("since: milliseconds since the epoch, as digits")
    since = int(since_text)
    events = [{"timestamp": e.timestamp_ms, "message": e.message}
              for e in current_app.extensions["logs"].events(name) if e.timestamp_ms > since]
    return jsonify({"events": events})


@simulator_api.post("/deploy")
def deploy() -> Response:
    """Deploy a template (SAM, CloudFormation or serverless.yml) from a path this server can
    read as a stack, and follow it."""
    body = request.get_json(silent=True) or {}
    if not isinstance(body, dict) or not isinstance(body.get("template"), str) \
            or not body["template"]:
        raise InvalidParameterValueException("template: the path of a SAM template is required")
    parameters = body.get("parameters") or {}
    if not isinstance(parameters, dict) or not all(
            isinstance(value, str) for value in parameters.values()):
        raise InvalidParameterValueException("parameters: an object of strings is expected")
    try:
        report = current_app.extensions["load_template"](Path(body["template"]), parameters)
    except (TemplateError, OSError) as error:
        raise InvalidParameterValueException(f"template: {error}") from None
    return jsonify({"stack": report.stack, "functions": report.functions,
                    "removed": report.removed, "warnings": report.warnings,
                    "outputs": report.outputs})
