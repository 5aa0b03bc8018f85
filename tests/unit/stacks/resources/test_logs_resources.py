"""AWS::Logs::LogGroup's API calls, against a fake CloudWatch Logs."""

from __future__ import annotations

from simulator.stacks.resource_types import ReportingFailures
from simulator.stacks.resources.logs_resources import LogGroupProvisioner
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context, refusal

GROUP_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f"


def test_log_groups_carry_retention_and_answer_cloudformations_arn() -> None:
    logs = FakeClient("logs")
    created = LogGroupProvisioner().create(fake_context(logs), {
        "LogGroupName": "/aws/lambda/f", "RetentionInDays": "7",
        "Tags": [{"Key": "team", "Value": "a"}]})
    assert created.physical_id == "/aws/lambda/f"
    assert created.attributes == {"Arn": f"{GROUP_ARN}:*"}
    assert logs.parameters("create_log_group") == {"logGroupName": "/aws/lambda/f",
                                                   "tags": {"team": "a"}}
    assert logs.parameters("put_retention_policy") == {"logGroupName": "/aws/lambda/f",
                                                       "retentionInDays": 7}
    LogGroupProvisioner().update(fake_context(logs), "/aws/lambda/f",
                                 {"RetentionInDays": 7}, {})
    assert "delete_retention_policy" in logs.operations()


def test_a_generated_group_keeps_the_default_retention() -> None:
    logs = FakeClient("logs")
    created = LogGroupProvisioner().create(fake_context(logs, logical_id="Logs"), {})
    assert created.physical_id == "shop-Logs-ABCDEF123456"
    assert logs.operations() == ["create_log_group"]


def test_tags_are_changed_on_the_groups_arn_without_the_wildcard() -> None:
    logs = FakeClient("logs")
    LogGroupProvisioner().update(
        fake_context(logs), "/aws/lambda/f",
        {"RetentionInDays": "7", "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "1"}]},
        {"RetentionInDays": 7, "Tags": [{"Key": "b", "Value": "2"}]})
    assert logs.calls == [
        ("untag_resource", {"resourceArn": GROUP_ARN, "tagKeys": ["a"]}),
        ("tag_resource", {"resourceArn": GROUP_ARN, "tags": {"b": "2"}})]


def test_a_new_name_or_class_replaces_the_group_but_retention_does_not() -> None:
    old = {"LogGroupName": "a", "RetentionInDays": 1}
    assert LogGroupProvisioner().replaces(old, {**old, "LogGroupName": "b"})
    assert LogGroupProvisioner().replaces(old, {**old, "LogGroupClass": "INFREQUENT_ACCESS"})
    assert not LogGroupProvisioner().replaces(old, {**old, "RetentionInDays": 3})


def test_deleting_a_group_already_gone_succeeds() -> None:
    logs = FakeClient("logs", {"delete_log_group": refusal("ResourceNotFoundException")})
    ReportingFailures(LogGroupProvisioner()).delete(fake_context(logs), "/aws/lambda/f", {})
    assert logs.parameters("delete_log_group") == {"logGroupName": "/aws/lambda/f"}
