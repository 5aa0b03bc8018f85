"""The dashboard at `/_simulator/ui`: a server-rendered page plus the small JSON endpoints
its script polls (functions and environments, recent invocations, new log lines, saved
test events). Invoking, event source mappings and schedules use the server's public APIs."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from simulator import __version__
from simulator.aws_clients import own_client
from simulator.durable.executions import DurableExecutions
from simulator.durable.views import execution_row, operation_timeline
from simulator.environments.log_names import log_group_name
from simulator.environments.pool import EnvironmentPool
from simulator.errors import InvalidRequestContentException
from simulator.functions.function_operations import FunctionOperations
from simulator.models import FunctionConfig
from simulator.observability.composition import Observability
from simulator.observability.resource_view import resources
from simulator.observability.trace_view import waterfall

MAX_LOG_LINES = 1_000
FIRST_LOG_LINES = 300

dashboard = Blueprint("dashboard", __name__, url_prefix="/_simulator/ui",
                      static_folder="static", template_folder="templates")


def observability() -> Observability:
    return current_app.extensions["observability"]  # type: ignore[no-any-return]


def functions() -> FunctionOperations:
    return current_app.extensions["functions"]  # type: ignore[no-any-return]


def durable() -> DurableExecutions:
    return current_app.extensions["durable"]  # type: ignore[no-any-return]


def pool() -> EnvironmentPool:
    return current_app.extensions["pool"]  # type: ignore[no-any-return]


@dashboard.get("")
@dashboard.get("/")
def page() -> str:
    settings = functions().settings
    return render_template(
        "dashboard/index.html", version=__version__, endpoint=settings.endpoint_url,
        executor=current_app.config["EXECUTOR_NAME"], region=settings.region,
        functions=function_rows(), invocations=invocation_rows(),
    )


@dashboard.get("/state")
def state() -> Response:
    """What the page refreshes every second."""
    now = time.monotonic()
    environments = [{
        "id": e.id, "function": e.function.name, "state": e.state.value,
        "ageSeconds": round(now - e.launched_at, 1),
        "idleSeconds": round(now - e.last_used, 1) if e.state.value == "idle" else None,
    } for e in pool().live_environments()]
    return jsonify({"functions": function_rows(), "environments": environments,
                    "invocations": invocation_rows()})


@dashboard.get("/resources")
def resource_view() -> Response:
    """The embedded services' buckets, queues, tables and streams (refreshed less often)."""
    clients: dict[str, Any] = current_app.extensions.setdefault("resource_view_clients", {})
    settings = functions().settings

    def client(service: str) -> Any:
        if service not in clients:
            clients[service] = own_client(settings, service,
                                          retries={"max_attempts": 1}, read_timeout=5)
        return clients[service]

    return jsonify(resources(client))


@dashboard.get("/logs/<name>")
def logs(name: str) -> Response:
    """The function's log lines after sequence number `after`, in arrival order; without
    `after`, the latest lines."""
    after = request.args.get("after", type=int)
    events = sorted(observability().logs.group_events(log_group_name(name)),
                    key=lambda item: item[1].seq)
    if after is None:
        chosen = events[-FIRST_LOG_LINES:]
    else:
        chosen = [item for item in events if item[1].seq > after][:MAX_LOG_LINES]
    return jsonify({"events": [{"seq": e.seq, "timestamp": e.timestamp_ms, "stream": stream,
                                "message": e.message} for stream, e in chosen]})


@dashboard.get("/traces/<trace_id>")
def trace(trace_id: str) -> Response | tuple[Response, int]:
    """One trace's waterfall, for the trace view an invocation's row opens."""
    segments = observability().traces.trace(trace_id)
    if segments is None:
        return jsonify({"message": f"No trace {trace_id} is held."}), 404
    return jsonify({"id": trace_id, **waterfall(segments)})


@dashboard.get("/durable")
def durable_executions() -> Response:
    """The durable executions started last, with their status."""
    return jsonify([execution_row(e) for e in durable().recent()])


@dashboard.get("/durable/<path:execution_arn>")
def durable_execution(execution_arn: str) -> Response | tuple[Response, int]:
    """One durable execution's operations on a timeline."""
    execution = durable().execution(execution_arn)
    if execution is None:
        return jsonify({"message": f"No durable execution {execution_arn}."}), 404
    return jsonify(operation_timeline(execution))


@dashboard.get("/events/<name>")
def saved_events(name: str) -> Response:
    return jsonify(observability().saved_events.list(name))


@dashboard.put("/events/<name>/<event_name>")
def save_event(name: str, event_name: str) -> Response:
    event = request.get_json(silent=True)
    if event is None:
        raise InvalidRequestContentException("A saved test event must be JSON.")
    observability().saved_events.save(name, event_name, event)
    return jsonify(observability().saved_events.list(name))


@dashboard.delete("/events/<name>/<event_name>")
def delete_event(name: str, event_name: str) -> Response:
    observability().saved_events.delete(name, event_name)
    return jsonify(observability().saved_events.list(name))


def function_rows() -> list[dict[str, Any]]:
    totals = observability().metrics.totals()
    rows = []
    for function in functions().all_latest():
        counts = pool().counts(function.name)
        function_totals = totals.get(function.name)
        invocations = function_totals.invocations if function_totals else 0
        rows.append({
            **_configuration(function),
            "warm": counts.warm, "busy": counts.busy, "starting": counts.starting,
            "invocations": invocations,
            "errors": function_totals.errors if function_totals else 0,
            "coldStarts": function_totals.cold_starts if function_totals else 0,
            "averageMs": round(function_totals.duration_sum_ms / invocations, 1)
            if function_totals and invocations else None,
        })
    return rows


def invocation_rows() -> list[dict[str, Any]]:
    return [{**record.to_json(),
             "time": datetime.fromtimestamp(record.finished_at).strftime("%H:%M:%S")}
            for record in observability().history.recent()]


def _configuration(function: FunctionConfig) -> dict[str, Any]:
    return {
        "name": function.name, "runtime": function.runs_on, "handler": function.handler,
        "memory": function.memory_size, "timeout": function.timeout,
        "codeSize": function.code_size, "lastModified": function.last_modified,
        "reserved": function.reserved_concurrency,
        "variables": len(function.environment),
        "architecture": function.architectures[0] if function.architectures else "x86_64",
    }
