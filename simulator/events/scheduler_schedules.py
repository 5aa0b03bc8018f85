"""EventBridge Scheduler's schedules (the `scheduler` API, `AWS::Scheduler::Schedule`, a SAM
`ScheduleV2` event) as a source of what the scheduler fires: recurring (`rate`, `cron`) and
one-time (`at`) schedules in every group, each with its target's input, retry policy and
dead-letter queue, its EndDate and its ActionAfterCompletion (`scheduler_delivery` acts on
them). Read through our own endpoint with boto3, as the EventBridge rules are.

A flexible time window runs each occurrence at a moment picked at random within the window
after its scheduled time, as Scheduler does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from simulator.config import Settings
from simulator.events.scheduler_delivery import EMPTY_INPUT
from simulator.events.schedules import OwnServiceClient, ScheduledRule

# What of a schedule's Target the scheduler acts on, besides its ARN and input.
FAILURE_SETTINGS = ("RetryPolicy", "DeadLetterConfig")


class SchedulerSchedules:
    def __init__(self, settings: Settings, services_loaded: Callable[[], bool] = lambda: True
                 ) -> None:
        self._services_loaded = services_loaded
        self._client = OwnServiceClient(settings, "scheduler")

    def read(self) -> list[ScheduledRule]:
        if not self._services_loaded():
            return []
        client = self._client.get()
        schedules = []
        for page in client.get_paginator("list_schedules").paginate():
            for summary in page["Schedules"]:
                group = summary.get("GroupName") or "default"
                schedule = client.get_schedule(Name=summary["Name"], GroupName=group)
                schedules.append(scheduled_rule(schedule))
        return schedules


def scheduled_rule(schedule: dict[str, Any]) -> ScheduledRule:
    """A schedule as the scheduler keeps it: named as the API names it (`group/name` outside
    the default group), its target given its input. Scheduler ignores a one-time schedule's
    EndDate (the API reference's CreateSchedule)."""
    group = schedule.get("GroupName") or "default"
    name = schedule["Name"] if group == "default" else f"{group}/{schedule['Name']}"
    target = schedule.get("Target") or {}
    expression = schedule["ScheduleExpression"]
    return ScheduledRule(
        name=name, arn=schedule["Arn"], expression=expression,
        enabled=schedule.get("State", "ENABLED") == "ENABLED",
        targets=[{"Id": name, "Arn": target.get("Arn", ""),
                  "Input": target.get("Input") or EMPTY_INPUT,
                  **{key: target[key] for key in FAILURE_SETTINGS if target.get(key)}}],
        source="scheduler",
        ends=None if expression.startswith("at(") else schedule.get("EndDate"),
        deletes_when_done=schedule.get("ActionAfterCompletion") == "DELETE",
        created=schedule.get("CreationDate"), window=flexible_window(schedule))


def flexible_window(schedule: dict[str, Any]) -> timedelta:
    window = schedule.get("FlexibleTimeWindow") or {}
    if window.get("Mode") != "FLEXIBLE":
        return timedelta(0)
    return timedelta(minutes=int(window.get("MaximumWindowInMinutes") or 0))
