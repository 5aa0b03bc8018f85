"""The dashboard's JSON endpoints, which its page polls: functions with their environments and
totals, recent invocations, new log lines, saved test events. Served by the blueprint on a
minimal Flask app over the real pool, control plane, invoker and observability, with
functions run by the fake executor."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from simulator.api.runtime_api import RuntimeApiListener
from simulator.app import error_response
from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool, PoolLimits
from simulator.errors import LambdaError
from simulator.executors.fake import FakeContext, FakeExecutor
from simulator.functions.code_store import CodeStore
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.registry import FunctionRegistry
from simulator.functions.version_store import VersionStore
from simulator.invocation.invoker import Invoker
from simulator.observability import log_persistence
from simulator.observability.composition import Observability
from simulator.observability.dashboard import FIRST_LOG_LINES, MAX_LOG_LINES, dashboard
from tests.helpers import ROLE
from tests.unit.lambda_service import zip_of

STREAM = "2026/03/01/[$LATEST]0123456789abcdef"
OTHER_STREAM = "2026/03/01/[$LATEST]fedcba9876543210"


def echo(event: Any, context: FakeContext) -> Any:
    context.print("got", json.dumps(event))
    return event


def fail(event: Any, context: FakeContext) -> Any:
    raise ValueError("no such order")


@dataclass
class Dashboard:
    client: FlaskClient
    observability: Observability
    functions: FunctionOperations
    invoker: Invoker

    def create(self, name: str, handler: str = "app.handler", **fields: Any) -> None:
        self.functions.create_function({
            "FunctionName": name, "Runtime": "python3.12", "Role": ROLE, "Handler": handler,
            "Code": {"ZipFile": zip_of("# the fake executor runs a callable\n")}, **fields})

    def invoke(self, name: str, event: Any) -> None:
        self.invoker.invoke(name, None, json.dumps(event).encode())

    def get(self, path: str) -> Any:
        response = self.client.get(f"/_simulator/ui{path}")
        assert response.status_code == 200, response.data
        return response.get_json()


@pytest.fixture(autouse=True)
def quick_log_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The log writer waits this long for more lines, and as long again when closing."""
    monkeypatch.setattr(log_persistence, "FLUSH_INTERVAL", 0.01)


@pytest.fixture
def ui(tmp_path: Path) -> Iterator[Dashboard]:
    """Composed as `Simulator` composes it: the pool's log lines go to the observability's
    store, the invoker reports to its observer."""
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path)
    executor = FakeExecutor({"app.handler": echo, "app.fail": fail})
    observability = Observability(settings, busy=lambda name: pool.counts(name).busy)
    pool = EnvironmentPool(
        executor,
        open_endpoint=lambda environment: RuntimeApiListener(
            environment, executor.runtime_api_host(), pool.owner_of),
        emit_log=observability.logs.append,
        region=settings.region,
        limits=PoolLimits(),
    )
    registry = FunctionRegistry(tmp_path / "functions.db")
    functions = FunctionOperations(settings, registry, CodeStore(tmp_path / "code"), pool,
                                   VersionStore(tmp_path / "versions.db"))
    invoker = Invoker(settings, functions, pool, observer=observability.observer)
    app = Flask("dashboard-test")
    app.config["EXECUTOR_NAME"] = executor.name
    app.extensions.update(functions=functions, pool=pool, observability=observability)
    app.register_blueprint(dashboard)
    app.register_error_handler(LambdaError, error_response)
    yield Dashboard(app.test_client(), observability, functions, invoker)
    invoker.shutdown()
    pool.shutdown()
    observability.close()
    registry.close()


# -- functions, environments, invocations -------------------------------------------------------


def test_state_lists_each_function_with_its_configuration_and_totals(ui: Dashboard) -> None:
    ui.create("fn", MemorySize=256, Timeout=7,
              Environment={"Variables": {"STAGE": "dev", "TABLE": "orders"}})
    ui.create("broken", handler="app.fail")
    ui.create("unused")
    ui.invoke("fn", {"n": 1})
    ui.invoke("fn", {"n": 2})
    ui.invoke("broken", {})

    rows = {row["name"]: row for row in ui.get("/state")["functions"]}

    assert list(rows) == ["broken", "fn", "unused"]
    fn = rows["fn"]
    assert {key: fn[key] for key in ("runtime", "handler", "memory", "timeout", "variables",
                                     "architecture", "reserved")} == {
        "runtime": "python3.12", "handler": "app.handler", "memory": 256, "timeout": 7,
        "variables": 2, "architecture": "x86_64", "reserved": None}
    assert (fn["invocations"], fn["errors"], fn["coldStarts"]) == (2, 0, 1)
    assert (fn["warm"], fn["busy"], fn["starting"]) == (1, 0, 0)
    assert fn["averageMs"] > 0
    assert (rows["broken"]["invocations"], rows["broken"]["errors"]) == (1, 1)
    assert (rows["unused"]["invocations"], rows["unused"]["averageMs"],
            rows["unused"]["warm"]) == (0, None, 0)


def test_state_lists_live_environments_with_their_idle_time(ui: Dashboard) -> None:
    ui.create("fn")
    ui.invoke("fn", {})

    [environment] = ui.get("/state")["environments"]

    assert environment["function"] == "fn"
    assert environment["state"] == "idle"
    assert environment["idleSeconds"] >= 0 and environment["ageSeconds"] >= 0
    assert environment["id"]


def test_state_lists_recent_invocations_newest_first(ui: Dashboard) -> None:
    ui.create("fn")
    ui.create("broken", handler="app.fail")
    ui.invoke("fn", {})
    ui.invoke("fn", {})
    ui.invoke("broken", {})

    invocations = ui.get("/state")["invocations"]

    assert [(i["function_name"], i["status"], i["cold"]) for i in invocations] == [
        ("broken", "Error", True), ("fn", "Success", False), ("fn", "Success", True)]
    assert invocations[0]["error_type"] == "Unhandled"
    assert all(i["request_id"] for i in invocations)
    assert all(re.fullmatch(r"\d\d:\d\d:\d\d", i["time"]) for i in invocations)
    assert set(invocations[1]["phases_ms"]) == {"launch", "init", "run", "response"}


def test_the_page_renders_the_functions(ui: Dashboard) -> None:
    ui.create("orders-fn")

    response = ui.client.get("/_simulator/ui")

    assert response.status_code == 200
    assert 'data-function="orders-fn"' in response.get_data(as_text=True)


# -- log lines --------------------------------------------------------------------------------


def test_an_invocations_output_reaches_the_log_endpoint(ui: Dashboard) -> None:
    ui.create("fn")
    ui.invoke("fn", {"order": 7})

    messages = [event["message"] for event in ui.get("/logs/fn")["events"]]

    assert any('got {"order": 7}' in message for message in messages)


def test_without_after_the_latest_lines_come_in_arrival_order(ui: Dashboard) -> None:
    for number in range(FIRST_LOG_LINES + 5):
        ui.observability.logs.append("fn", STREAM, f"line {number}")

    events = ui.get("/logs/fn")["events"]

    assert len(events) == FIRST_LOG_LINES
    assert events[0]["message"] == "line 5"
    assert events[-1]["message"] == f"line {FIRST_LOG_LINES + 4}"
    assert [event["seq"] for event in events] == sorted(event["seq"] for event in events)


def test_after_gives_the_lines_since_that_sequence_number_a_page_at_a_time(
        ui: Dashboard) -> None:
    for number in range(MAX_LOG_LINES + 5):
        ui.observability.logs.append("fn", STREAM, f"line {number}")

    first = ui.get("/logs/fn?after=0")["events"]
    rest = ui.get(f"/logs/fn?after={first[-1]['seq']}")["events"]
    nothing_new = ui.get(f"/logs/fn?after={rest[-1]['seq']}")["events"]

    assert len(first) == MAX_LOG_LINES and first[0]["message"] == "line 0"
    assert [event["message"] for event in rest] == \
        [f"line {number}" for number in range(MAX_LOG_LINES, MAX_LOG_LINES + 5)]
    assert nothing_new == []


def test_lines_of_several_streams_are_merged_and_name_their_stream(ui: Dashboard) -> None:
    ui.observability.logs.append("fn", STREAM, "one")
    ui.observability.logs.append("fn", OTHER_STREAM, "two")
    ui.observability.logs.append("fn", STREAM, "three")
    ui.observability.logs.append("other-fn", STREAM, "not mine")

    events = ui.get("/logs/fn")["events"]

    assert [(event["stream"], event["message"]) for event in events] == [
        (STREAM, "one"), (OTHER_STREAM, "two"), (STREAM, "three")]
    assert all(isinstance(event["timestamp"], int) for event in events)


def test_a_function_without_logs_has_no_lines(ui: Dashboard) -> None:
    assert ui.get("/logs/nobody") == {"events": []}


# -- saved test events ------------------------------------------------------------------------


def test_saving_listing_and_deleting_test_events(ui: Dashboard) -> None:
    saved = ui.client.put("/_simulator/ui/events/fn/order-placed", json={"order": 7})
    ui.client.put("/_simulator/ui/events/fn/empty", json={})
    listed = ui.get("/events/fn")
    deleted = ui.client.delete("/_simulator/ui/events/fn/order-placed")

    assert saved.status_code == 200 and saved.get_json() == {"order-placed": {"order": 7}}
    assert listed == {"order-placed": {"order": 7}, "empty": {}}
    assert deleted.status_code == 200 and deleted.get_json() == {"empty": {}}
    assert ui.get("/events/other-fn") == {}


def test_saving_again_replaces_the_event(ui: Dashboard) -> None:
    ui.client.put("/_simulator/ui/events/fn/order", json={"order": 1})
    ui.client.put("/_simulator/ui/events/fn/order", json={"order": 2})

    assert ui.get("/events/fn") == {"order": {"order": 2}}


def test_deleting_an_event_that_is_not_saved_changes_nothing(ui: Dashboard) -> None:
    ui.client.put("/_simulator/ui/events/fn/kept", json=[1, 2])

    response = ui.client.delete("/_simulator/ui/events/fn/never-saved")

    assert response.status_code == 200 and response.get_json() == {"kept": [1, 2]}


def test_an_event_that_is_not_json_is_refused(ui: Dashboard) -> None:
    response = ui.client.put("/_simulator/ui/events/fn/bad", data=b"{not json",
                             content_type="application/json")

    assert response.status_code == 400
    assert response.get_json() == {"__type": "InvalidRequestContentException", "Type": "User",
                                   "message": "A saved test event must be JSON."}
    assert ui.get("/events/fn") == {}


@pytest.mark.parametrize("event_name", ["has space", "x" * 26, "star*name"])
def test_an_event_name_aws_would_refuse_is_refused(ui: Dashboard, event_name: str) -> None:
    response = ui.client.put(f"/_simulator/ui/events/fn/{event_name}", json={})

    assert response.status_code == 400
    assert response.get_json()["__type"] == "InvalidParameterValueException"
    assert ui.get("/events/fn") == {}
