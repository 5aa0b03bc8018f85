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


SCHEDULER_ROLE = "arn:aws:iam::000000000000:role/scheduler"


def at_expression(moment: datetime) -> str:
    return f"at({moment.strftime('%Y-%m-%dT%H:%M:%S')})"


def notice_schedules(server: SimulatorServer) -> None:
    """Has the scheduler read the schedules now, not at its next refresh: a one-time schedule
    first read after its moment would never fire."""
    requests.get(f"{server.url}/_simulator/schedules", timeout=30).raise_for_status()


@pytest.fixture
def dead_letter_queue(server: SimulatorServer) -> Iterator[tuple[Any, str, str]]:
    """An SQS client, and the URL and ARN of a queue made for the test (deleted after)."""
    sqs = boto3.client("sqs", endpoint_url=server.url, region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    url = sqs.create_queue(QueueName=unique_name("schedule-dlq"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    yield sqs, url, arn["Attributes"]["QueueArn"]
    sqs.delete_queue(QueueUrl=url)


def first_message(sqs: Any, url: str, timeout: float = 30) -> dict[str, Any] | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1,
                                       MessageAttributeNames=["All"]).get("Messages", [])
        if messages:
            return dict(messages[0])
    return None


@pytest.mark.parametrize("retries", [0, 1])
def test_a_schedule_whose_function_does_not_exist_sends_its_dead_letter(
        scheduler_api: Any, dead_letter_queue: tuple[Any, str, str], server: SimulatorServer,
        retries: int) -> None:
    sqs, url, queue_arn = dead_letter_queue
    missing = f"arn:aws:lambda:us-east-1:000000000000:function:{unique_name('gone')}"
    moment = datetime.now(tz=UTC) + timedelta(seconds=3)
    schedule_arn = scheduler_api.create_schedule(
        Name=unique_name("schedule-missing"), ScheduleExpression=at_expression(moment),
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": missing, "RoleArn": SCHEDULER_ROLE, "Input": json.dumps({"run": "x"}),
                "RetryPolicy": {"MaximumRetryAttempts": retries,
                                "MaximumEventAgeInSeconds": 60},
                "DeadLetterConfig": {"Arn": queue_arn}})["ScheduleArn"]
    notice_schedules(server)

    letter = first_message(sqs, url)

    assert letter is not None, "no dead letter arrived"
    assert json.loads(letter["Body"]) == {"run": "x"}
    attributes = {name: value["StringValue"]
                  for name, value in letter["MessageAttributes"].items()}
    assert attributes.pop("EXECUTION_ID")
    assert attributes.pop("ERROR_MESSAGE").startswith("Function not found")
    assert attributes == {
        "ERROR_CODE": "ResourceNotFoundException",
        "EXHAUSTED_RETRY_CONDITION": "MaximumRetryAttempts",
        "IS_PAYLOAD_TRUNCATED": "false",
        "RETRY_ATTEMPTS": str(retries),
        "SCHEDULED_TIME": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "SCHEDULE_ARN": schedule_arn,
        "TARGET_ARN": missing,
    }


def test_a_one_time_schedule_that_deletes_itself_runs_once_and_is_gone(
        client: Any, scheduler_api: Any, server: SimulatorServer) -> None:
    name, arn = recorder(client)
    schedule = unique_name("schedule-done")
    scheduler_api.create_schedule(
        Name=schedule, ScheduleExpression=at_expression(datetime.now(tz=UTC) + timedelta(
            seconds=3)), FlexibleTimeWindow={"Mode": "OFF"}, ActionAfterCompletion="DELETE",
        Target={"Arn": arn, "RoleArn": SCHEDULER_ROLE, "Input": json.dumps({"run": "done"})})
    notice_schedules(server)

    assert received(server, name, timeout=30) == [{"run": "done"}]
    deadline = time.monotonic() + 15
    while schedule in {s["Name"] for s in scheduler_api.list_schedules(
            NamePrefix="schedule-done")["Schedules"]} and time.monotonic() < deadline:
        time.sleep(0.2)
    with pytest.raises(scheduler_api.exceptions.ResourceNotFoundException):
        scheduler_api.get_schedule(Name=schedule)
    assert received(server, name) == [{"run": "done"}]
