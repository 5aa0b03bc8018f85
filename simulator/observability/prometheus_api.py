"""`/_simulator/metrics`: the Prometheus scrape endpoint. The exposition code (and
prometheus_client) is imported on the first scrape: a server nobody scrapes never loads it."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

prometheus_api = Blueprint("prometheus_api", __name__)


@prometheus_api.get("/_simulator/metrics")
def metrics() -> Response:
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    from simulator.observability.prometheus import lambda_registry

    functions = current_app.extensions["functions"]
    pool = current_app.extensions["pool"]
    observability = current_app.extensions["observability"]
    registry = lambda_registry(observability.metrics, lambda: {
        function.name: pool.counts(function.name) for function in functions.all_latest()
    }, observability.cost.bill)
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
