"""EventBridge Scheduler's schedules as the scheduler reads them: every group's, recurring
and one-time, each target given its input (an empty object when it names none)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from simulator.config import Settings
from simulator.events.scheduler_schedules import SchedulerSchedules, scheduled_rule

FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:report"
ROLE = "arn:aws:iam::000000000000:role/scheduler"


@pytest.fixture
def scheduler() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("scheduler", region_name="us-east-1", aws_access_key_id="test",
                           aws_secret_access_key="test")


def test_every_groups_schedules_are_read_with_their_targets_input(
        scheduler: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    scheduler.create_schedule_group(Name="reports")
    scheduler.create_schedule(
        Name="nightly", ScheduleExpression="cron(0 3 * * ? *)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": FUNCTION, "RoleArn": ROLE, "Input": '{"job": "nightly"}'})
    scheduler.create_schedule(
        Name="once", GroupName="reports", ScheduleExpression="at(2030-01-01T08:00:00)",
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 5},
        State="DISABLED", Target={"Arn": FUNCTION, "RoleArn": ROLE})
    source = SchedulerSchedules(Settings())
    monkeypatch.setattr(source._client, "get", lambda: scheduler)

    rules = {rule.name: rule for rule in source.read()}

    assert set(rules) == {"nightly", "reports/once"}
    nightly, once = rules["nightly"], rules["reports/once"]
    assert (nightly.expression, nightly.enabled, nightly.source) == (
        "cron(0 3 * * ? *)", True, "scheduler")
    assert nightly.targets == [{
        "Id": "nightly", "Arn": FUNCTION, "Input": '{"job": "nightly"}',
        "RetryPolicy": {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}}]
    assert (once.expression, once.enabled) == ("at(2030-01-01T08:00:00)", False)
    assert once.targets[0]["Input"] == "{}"
    assert (nightly.window, once.window) == (timedelta(0), timedelta(minutes=5))
    assert once.created is not None


def test_nothing_is_read_before_the_services_are_used() -> None:
    assert SchedulerSchedules(Settings(), services_loaded=lambda: False).read() == []


def test_a_schedule_outside_the_default_group_is_named_with_its_group() -> None:
    rule = scheduled_rule({"Name": "n", "GroupName": "g", "Arn": "arn",
                           "ScheduleExpression": "rate(1 day)", "Target": {"Arn": FUNCTION}})
    assert (rule.name, rule.enabled) == ("g/n", True)


def test_failure_settings_end_date_and_completion_action_are_kept(
        scheduler: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ends = datetime(2030, 1, 1, tzinfo=UTC)
    dlq = "arn:aws:sqs:us-east-1:000000000000:missed"
    failure_settings = {"RetryPolicy": {"MaximumRetryAttempts": 1,
                                        "MaximumEventAgeInSeconds": 60},
                        "DeadLetterConfig": {"Arn": dlq}}
    scheduler.create_schedule(
        Name="hourly", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow={"Mode": "OFF"},
        EndDate=ends, ActionAfterCompletion="DELETE",
        Target={"Arn": FUNCTION, "RoleArn": ROLE, **failure_settings})
    scheduler.create_schedule(
        Name="once", ScheduleExpression="at(2030-01-01T08:00:00)", EndDate=ends,
        FlexibleTimeWindow={"Mode": "OFF"}, Target={"Arn": FUNCTION, "RoleArn": ROLE})
    source = SchedulerSchedules(Settings())
    monkeypatch.setattr(source._client, "get", lambda: scheduler)

    rules = {rule.name: rule for rule in source.read()}

    hourly, once = rules["hourly"], rules["once"]
    assert (hourly.ends, hourly.deletes_when_done) == (ends, True)
    assert hourly.targets[0] | failure_settings == hourly.targets[0]
    # Scheduler ignores a one-time schedule's EndDate; DELETE is not the default.
    assert (once.ends, once.deletes_when_done) == (None, False)
    assert "DeadLetterConfig" not in once.targets[0]
