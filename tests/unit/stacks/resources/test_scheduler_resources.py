"""AWS::Scheduler::Schedule and ScheduleGroup's API calls, against a fake EventBridge
Scheduler."""

from __future__ import annotations

import pytest

from simulator.stacks.provisioning import ResourceFailed
from simulator.stacks.resource_types import ReportingFailures
from simulator.stacks.resources.scheduler_resources import (
    ScheduleGroupProvisioner,
    ScheduleProvisioner,
    schedule_parameters,
    target_parameter,
)
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context, refusal

SCHEDULE_ARN = "arn:aws:scheduler:us-east-1:123456789012:schedule/default/nightly"
TARGET = {"Arn": "arn:fn", "RoleArn": "arn:role"}


def test_a_schedule_is_in_the_default_group_with_its_window_off_by_default() -> None:
    assert schedule_parameters({"ScheduleExpression": "rate(1 day)",
                                "FlexibleTimeWindow": {"Mode": "OFF"}, "Target": TARGET}) == {
        "GroupName": "default", "ScheduleExpression": "rate(1 day)", "Target": TARGET,
        "FlexibleTimeWindow": {"Mode": "OFF"}}


def test_targets_and_windows_are_typed() -> None:
    assert target_parameter({**TARGET, "Input": {"a": 1},
                             "RetryPolicy": {"MaximumRetryAttempts": "3"}}) == {
        **TARGET, "Input": '{"a": 1}', "RetryPolicy": {"MaximumRetryAttempts": 3}}
    assert schedule_parameters({"ScheduleExpression": "rate(1 hour)", "Target": TARGET,
                                "FlexibleTimeWindow": {"Mode": "FLEXIBLE",
                                                       "MaximumWindowInMinutes": "15"}})[
        "FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}


def test_a_schedule_is_created_updated_and_deleted_in_its_group() -> None:
    client = FakeClient("scheduler", {"create_schedule": {"ScheduleArn": SCHEDULE_ARN},
                                      "update_schedule": {"ScheduleArn": SCHEDULE_ARN}})
    properties = {"ScheduleExpression": "rate(1 day)", "FlexibleTimeWindow": {"Mode": "OFF"},
                  "Target": TARGET, "GroupName": "jobs", "State": "DISABLED"}
    provisioned = ScheduleProvisioner().create(fake_context(client, logical_id="Nightly"),
                                               properties)
    assert (provisioned.physical_id, provisioned.attributes) == (
        "shop-Nightly-ABCDEF123456", {"Arn": SCHEDULE_ARN})
    assert client.parameters("create_schedule")["GroupName"] == "jobs"
    assert client.parameters("create_schedule")["State"] == "DISABLED"
    ScheduleProvisioner().update(fake_context(client), "nightly", properties,
                                 {**properties, "ScheduleExpression": "rate(2 days)"})
    assert client.parameters("update_schedule")["Name"] == "nightly"
    assert client.parameters("update_schedule")["ScheduleExpression"] == "rate(2 days)"
    ScheduleProvisioner().delete(fake_context(client), "nightly", properties)
    assert client.parameters("delete_schedule") == {"Name": "nightly", "GroupName": "jobs"}
    assert ScheduleProvisioner().replaces(properties, {**properties, "GroupName": "other"})
    assert not ScheduleProvisioner().replaces(properties, {**properties, "State": "ENABLED"})


def test_a_schedule_without_a_target_fails_validation() -> None:
    with pytest.raises(ResourceFailed, match=r"required key \[Target\]"):
        ReportingFailures(ScheduleProvisioner()).create(
            fake_context(FakeClient("scheduler")),
            {"ScheduleExpression": "rate(1 day)", "FlexibleTimeWindow": {"Mode": "OFF"}})


def test_a_schedule_group_answers_its_arn_and_state() -> None:
    client = FakeClient("scheduler", {"get_schedule_group": {
        "Arn": "arn:aws:scheduler:us-east-1:123456789012:schedule-group/jobs",
        "CreationDate": "2024-01-01"}})
    provisioned = ScheduleGroupProvisioner().create(fake_context(client), {
        "Name": "jobs", "Tags": [{"Key": "a", "Value": "b"}]})
    assert provisioned.physical_id == "jobs"
    assert provisioned.attributes == {
        "Arn": "arn:aws:scheduler:us-east-1:123456789012:schedule-group/jobs",
        "State": "ACTIVE", "CreationDate": "2024-01-01", "LastModificationDate": ""}
    assert client.parameters("create_schedule_group") == {
        "Name": "jobs", "Tags": [{"Key": "a", "Value": "b"}]}
    gone = FakeClient("scheduler", {"delete_schedule_group":
                                    refusal("ResourceNotFoundException")})
    ReportingFailures(ScheduleGroupProvisioner()).delete(fake_context(gone), "jobs", {})
