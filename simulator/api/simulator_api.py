"""The simulator's own endpoints under `/_simulator/`: health, code download, environments."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from simulator import __version__
from simulator.service import LambdaService

simulator_api = Blueprint("simulator_api", __name__, url_prefix="/_simulator")


def service() -> LambdaService:
    return current_app.extensions["lambda_service"]  # type: ignore[no-any-return]


@simulator_api.get("/health")
def health() -> Response:
    return jsonify({
        "status": "ok",
        "executor": current_app.config["EXECUTOR_NAME"],
        "version": __version__,
        "functions": len(service().registry.all()),
    })


@simulator_api.get("/code/<name>.zip")
def code(name: str) -> Response:
    return Response(service().code_zip(name), content_type="application/zip")


@simulator_api.get("/functions")
def functions() -> Response:
    """Each function with its environment counts: what `lambda-sim ls` shows."""
    rows = []
    for function in service().registry.all():
        counts = service().pool.counts(function.name)
        rows.append({"name": function.name, "runtime": function.runtime,
                     "warm": counts.warm, "busy": counts.busy, "starting": counts.starting})
    return jsonify({"functions": rows})
