"""Scheduled rules through boto3: a user's `events` client puts a rule with a Lambda target;
the rule fires (by hand, through `lambda-sim emit schedule`, or on a driven clock) and the
function receives the Scheduled Event EventBridge sends (checked against Powertools' model)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
import requests
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel

from simulator.events.schedules import ManualClock, Scheduler
from simulator.http_server import SimulatorServer
from tests.helpers import create_function, unique_name

RECORDER = """
import json
def handler(event, context):
    print("EVENT " + json.dumps(event))
"""


@pytest.fixture
def events(server: SimulatorServer) -> Iterator[Any]:
    """An `events` client; the scheduled rules it made are deleted afterwards, since moto's
    EventBridge is shared by every simulator in the process."""
    client = boto3.client("events", endpoint_url=server.url, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    yield client
    for rule in client.list_rules(NamePrefix="schedule-")["Rules"]:
        targets = client.list_targets_by_rule(Rule=rule["Name"])["Targets"]
        if targets:
            client.remove_targets(Rule=rule["Name"], Ids=[t["Id"] for t in targets])
        client.delete_rule(Name=rule["Name"])


@pytest.fixture
def manual_scheduler(server: SimulatorServer) -> Iterator[tuple[Scheduler, ManualClock]]:
    """A second scheduler on the server's rules and functions, on a clock the test drives."""
    clock = ManualClock(datetime(2026, 11, 27, 7, 0, tzinfo=UTC))
    scheduler = Scheduler(server.simulator.settings, server.simulator.invoker, clock=clock)
    scheduler.start()
    yield scheduler, clock
    scheduler.stop()


def recorder(client: Any) -> tuple[str, str]:
    name = create_function(client, RECORDER)
    return name, client.get_function(FunctionName=name)["Configuration"]["FunctionArn"]


def received(server: SimulatorServer, name: str, count: int = 1,
             timeout: float = 10) -> list[Any]:
    """What a RECORDER function received, once `count` invocations have finished."""
    deadline = time.monotonic() + timeout
    while True:
        messages = [event.message for event in server.simulator.logs.events(name)]
        finished = sum(message.startswith("REPORT ") for message in messages)
        if finished >= count or time.monotonic() > deadline:
            return [json.loads(message.removeprefix("EVENT ")) for message in messages
                    if message.startswith("EVENT ")]
        time.sleep(0.05)


def fire(server: SimulatorServer, rule: str) -> requests.Response:
    return requests.post(f"{server.url}/_simulator/schedules/{rule}/fire", timeout=30)


def test_a_fired_rule_sends_the_scheduled_event(
        client: Any, events: Any, server: SimulatorServer) -> None:
    name, arn = recorder(client)
    rule = unique_name("schedule")
    rule_arn = events.put_rule(Name=rule, ScheduleExpression="rate(1 day)")["RuleArn"]
    events.put_targets(Rule=rule, Targets=[{"Id": "recorder", "Arn": arn}])

    listing = requests.get(f"{server.url}/_simulator/schedules", timeout=10).json()
    [row] = [row for row in listing["schedules"] if row["name"] == rule]
    assert row["expression"] == "rate(1 day)"
    assert row["state"] == "ENABLED"
    assert row["targets"] == [arn]
    assert row["nextFire"].endswith("Z")

    answer = fire(server, rule)
    assert answer.status_code == 200
    assert answer.json()["deliveries"] == [
        {"targetId": "recorder", "function": arn, "delivered": True}]
    [event] = received(server, name)
    model = EventBridgeModel.model_validate(event)
    assert model.detail_type == "Scheduled Event"
    assert model.source == "aws.events"
    assert model.resources == [rule_arn]
    assert model.detail == {}
    assert (model.region, model.account) == ("us-east-1", "000000000000")
    assert event["time"] == answer.json()["time"]
    assert event["id"] == answer.json()["eventId"]


def test_input_and_input_path_replace_the_event(
        client: Any, events: Any, server: SimulatorServer) -> None:
    name, arn = recorder(client)
    rule = unique_name("schedule")
    events.put_rule(Name=rule, ScheduleExpression="cron(0 12 ? * MON-FRI *)")
    events.put_targets(Rule=rule, Targets=[
        {"Id": "fixed", "Arn": arn, "Input": '{"job": "report", "days": [1, 2]}'},
        {"Id": "detail", "Arn": arn, "InputPath": "$.detail"},
    ])
    assert fire(server, rule).status_code == 200
    payloads = received(server, name, count=2)
    assert len(payloads) == 2
    assert {"job": "report", "days": [1, 2]} in payloads
    assert {} in payloads


def test_firing_an_unknown_rule_is_not_found(server: SimulatorServer) -> None:
    answer = fire(server, "no-such-rule")
    assert answer.status_code == 404
    assert answer.headers["x-amzn-errortype"] == "ResourceNotFoundException"
    assert "no-such-rule" in answer.json()["Message"]


def test_a_driven_clock_fires_a_rate_rule_after_its_period(
        client: Any, events: Any, server: SimulatorServer,
        manual_scheduler: tuple[Scheduler, ManualClock]) -> None:
    _, clock = manual_scheduler
    name, arn = recorder(client)
    rule = unique_name("schedule")
    events.put_rule(Name=rule, ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule=rule, Targets=[{"Id": "recorder", "Arn": arn}])
    clock.advance(59)
    clock.advance(1)
    [event] = received(server, name)
    EventBridgeModel.model_validate(event)
    assert event["time"] == "2026-11-27T07:01:00Z"


def test_a_disabled_rule_does_not_fire_on_its_schedule(
        client: Any, events: Any, server: SimulatorServer,
        manual_scheduler: tuple[Scheduler, ManualClock]) -> None:
    _, clock = manual_scheduler
    name, arn = recorder(client)
    rule = unique_name("schedule")
    events.put_rule(Name=rule, ScheduleExpression="rate(1 minute)", State="DISABLED")
    events.put_targets(Rule=rule, Targets=[{"Id": "recorder", "Arn": arn}])
    clock.advance(300)
    listing = requests.get(f"{server.url}/_simulator/schedules", timeout=10).json()
    [row] = [row for row in listing["schedules"] if row["name"] == rule]
    assert (row["state"], row["nextFire"]) == ("DISABLED", None)

    events.enable_rule(Name=rule)
    clock.advance(60)
    received(server, name)
    time.sleep(0.5)
    [event] = received(server, name)
    assert event["time"] == "2026-11-27T07:06:00Z"


def test_emit_schedule_from_the_command_line(
        client: Any, events: Any, server: SimulatorServer) -> None:
    name, arn = recorder(client)
    rule = unique_name("schedule")
    events.put_rule(Name=rule, ScheduleExpression="rate(7 days)")
    events.put_targets(Rule=rule, Targets=[{"Id": "recorder", "Arn": arn}])
    command = [sys.executable, "-m", "simulator.cli", "emit", "schedule"]

    fired = subprocess.run([*command, rule, "--endpoint", server.url], capture_output=True,
                           text=True, timeout=30)
    assert fired.returncode == 0, fired.stderr
    assert json.loads(fired.stdout)["deliveries"][0]["function"] == arn
    [event] = received(server, name)
    assert event["detail-type"] == "Scheduled Event"

    unknown = subprocess.run([*command, "no-such-rule"], capture_output=True, text=True,
                             timeout=30, env={**os.environ, "AWS_ENDPOINT_URL": server.url})
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("error: ResourceNotFoundException")


@pytest.fixture
def scheduler_api(server: SimulatorServer) -> Iterator[Any]:
    """A `scheduler` client (EventBridge Scheduler); its schedules are deleted afterwards."""
    client = boto3.client("scheduler", endpoint_url=server.url, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    yield client
    for schedule in client.list_schedules(NamePrefix="schedule-")["Schedules"]:
        client.delete_schedule(Name=schedule["Name"], GroupName=schedule["GroupName"])


def test_eventbridge_scheduler_runs_one_time_and_recurring_schedules(
        client: Any, scheduler_api: Any, server: SimulatorServer) -> None:
    name, arn = recorder(client)
    role = "arn:aws:iam::000000000000:role/scheduler"
    soon = datetime.now(tz=UTC) + timedelta(seconds=3)
    once, daily = unique_name("schedule-once"), unique_name("schedule-daily")
    scheduler_api.create_schedule(
        Name=once, ScheduleExpression=f"at({soon.strftime('%Y-%m-%dT%H:%M:%S')})",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": arn, "RoleArn": role, "Input": json.dumps({"run": "once"})})
    scheduler_api.create_schedule(
        Name=daily, ScheduleExpression="rate(1 day)", FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": arn, "RoleArn": role, "Input": json.dumps({"run": "daily"})})

    listed = {s["name"]: s for s in requests.get(
        f"{server.url}/_simulator/schedules", timeout=30).json()["schedules"]}
    assert listed[daily]["source"] == "scheduler" and listed[daily]["nextFire"]
    # The one-time schedule fires by itself at its moment; the daily one when fired now.
    assert received(server, name, timeout=30) == [{"run": "once"}]
    assert fire(server, daily).status_code == 200
    assert received(server, name, count=2) == [{"run": "once"}, {"run": "daily"}]
    time.sleep(1)
    assert len(received(server, name, count=2)) == 2  # once is once
