"""Scheduled rules seen and fired by hand through `/_simulator/schedules`: the listing with
next fire times, and a fire that delivers EventBridge's Scheduled Event to the rule's Lambda
targets now. Flask's test client on the simulator's app; functions run on the fake executor."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from simulator.app import Simulator
from simulator.config import Settings
from simulator.executors.fake import FakeContext, FakeExecutor
from tests.helpers import eventually, unique_name
from tests.unit.api.created import create

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"
RULE_ARN = "arn:aws:events:us-east-1:000000000000:rule/"
ISO_SECONDS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
received: dict[str, list[Any]] = {}
lock = threading.Lock()


def record(event: Any, context: FakeContext) -> None:
    name = context.invoked_function_arn.rsplit(":", 1)[-1]
    with lock:
        received.setdefault(name, []).append(event)


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path_factory.mktemp("state"))
    simulator = Simulator(settings, executor=FakeExecutor({"app.handler": record}))
    yield simulator
    simulator.close()


@pytest.fixture
def client(simulator: Simulator) -> FlaskClient:
    return simulator.app.test_client()


def events_of(name: str) -> list[Any]:
    with lock:
        return list(received.get(name, []))


def listed(client: FlaskClient, rule: str) -> dict[str, Any]:
    response = client.get("/_simulator/schedules")
    assert response.status_code == 200
    return next(s for s in response.get_json()["schedules"] if s["name"] == rule)


def test_a_schedule_is_listed_with_its_target_and_next_fire_time(simulator: Simulator,
                                                                 client: FlaskClient) -> None:
    name = create(client)
    rule = unique_name("hourly")
    simulator.scheduler.add_local(rule, "rate(1 hour)", name)

    schedule = listed(client, rule)

    assert schedule["ruleArn"] == RULE_ARN + rule
    assert (schedule["expression"], schedule["state"], schedule["source"]) == (
        "rate(1 hour)", "ENABLED", "template")
    assert schedule["targets"] == [ARN + name]
    assert ISO_SECONDS.fullmatch(schedule["nextFire"])
    next_fire = datetime.strptime(schedule["nextFire"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(minutes=59) < next_fire - datetime.now(tz=UTC) <= timedelta(hours=1)
    assert "error" not in schedule


def test_schedules_are_listed_by_name(simulator: Simulator, client: FlaskClient) -> None:
    name = create(client)
    for rule in ("zz-last", "aa-first", "mm-middle"):
        simulator.scheduler.add_local(rule, "rate(5 minutes)", name)

    names = [s["name"] for s in client.get("/_simulator/schedules").get_json()["schedules"]]

    assert names == sorted(names)
    assert {"zz-last", "aa-first", "mm-middle"} <= set(names)


def test_fire_delivers_the_scheduled_event_to_the_target_now(simulator: Simulator,
                                                            client: FlaskClient) -> None:
    name = create(client)
    rule = unique_name("nightly")
    simulator.scheduler.add_local(rule, "cron(0 3 * * ? *)", name)

    response = client.post(f"/_simulator/schedules/{rule}/fire")

    assert response.status_code == 200
    fired = response.get_json()
    assert (fired["rule"], fired["ruleArn"]) == (rule, RULE_ARN + rule)
    assert fired["deliveries"] == [{"targetId": rule, "function": ARN + name, "delivered": True}]
    assert eventually(lambda: len(events_of(name)) == 1)
    event = events_of(name)[0]
    assert event == {
        "version": "0", "id": fired["eventId"], "detail-type": "Scheduled Event",
        "source": "aws.events", "account": "000000000000", "time": fired["time"],
        "region": "us-east-1", "resources": [RULE_ARN + rule], "detail": {}}
    assert ISO_SECONDS.fullmatch(fired["time"])


def test_a_target_s_input_replaces_the_scheduled_event(simulator: Simulator,
                                                        client: FlaskClient) -> None:
    name = create(client)
    rule = unique_name("with-input")
    simulator.scheduler.add_local(rule, "rate(1 day)", name, input='{"job": "report"}')

    client.post(f"/_simulator/schedules/{rule}/fire")

    assert eventually(lambda: events_of(name) == [{"job": "report"}])


def test_each_fire_is_a_new_event(simulator: Simulator, client: FlaskClient) -> None:
    name = create(client)
    rule = unique_name("twice")
    simulator.scheduler.add_local(rule, "rate(1 day)", name)

    first = client.post(f"/_simulator/schedules/{rule}/fire").get_json()
    second = client.post(f"/_simulator/schedules/{rule}/fire").get_json()

    assert first["eventId"] != second["eventId"]
    assert eventually(lambda: len(events_of(name)) == 2)


def test_a_target_that_is_not_a_function_here_is_reported_not_delivered(
        simulator: Simulator, client: FlaskClient) -> None:
    rule = unique_name("orphan")
    simulator.scheduler.add_local(rule, "rate(1 day)", "ghost")

    fired = client.post(f"/_simulator/schedules/{rule}/fire")

    assert fired.status_code == 200
    delivery = fired.get_json()["deliveries"][0]
    assert (delivery["function"], delivery["delivered"]) == (ARN + "ghost", False)
    assert "Function not found" in delivery["error"]


def test_firing_an_unknown_rule_is_not_found(client: FlaskClient) -> None:
    response = client.post("/_simulator/schedules/no-such-rule/fire")

    assert response.status_code == 404
    assert response.headers["x-amzn-errortype"] == "ResourceNotFoundException"
    assert response.get_json()["Message"] == (
        "Rule no-such-rule does not exist on EventBus default.")


def test_fire_is_a_post(client: FlaskClient, simulator: Simulator) -> None:
    name = create(client)
    rule = unique_name("get-me")
    simulator.scheduler.add_local(rule, "rate(1 day)", name)

    response = client.get(f"/_simulator/schedules/{rule}/fire")

    assert response.status_code == 405
    assert events_of(name) == []
