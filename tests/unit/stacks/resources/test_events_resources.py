"""AWS::Events::Rule and AWS::Events::EventBus's API calls, against a fake EventBridge."""

from __future__ import annotations

from simulator.stacks.resource_types import ReportingFailures
from simulator.stacks.resources.events_resources import (
    EventBusProvisioner,
    RuleProvisioner,
    bus_name,
    rule_reference,
    split_reference,
    target_parameter,
)
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context, refusal

RULE_ARN = "arn:aws:events:us-east-1:123456789012:rule/orders/placed"


def events(**answers: object) -> FakeClient:
    return FakeClient("events", {"put_rule": {"RuleArn": RULE_ARN}, **answers})


def test_rules_on_other_buses_are_referenced_with_their_bus() -> None:
    assert rule_reference("default", "r") == "r" and split_reference("r") == ("default", "r")
    assert rule_reference("orders", "r") == "orders|r"
    assert split_reference("orders|r") == ("orders", "r")
    assert bus_name({"EventBusName": "arn:aws:events:us-east-1:1:event-bus/orders"}) == "orders"
    assert bus_name({}) == "default"
    assert target_parameter({"Id": "t", "Arn": "a", "Input": {"k": 1},
                             "RetryPolicy": {"MaximumRetryAttempts": "2"}}) == {
        "Id": "t", "Arn": "a", "Input": '{"k": 1}', "RetryPolicy": {"MaximumRetryAttempts": 2}}


def test_a_rule_is_put_with_its_pattern_and_targets() -> None:
    client = events()
    provisioned = RuleProvisioner().create(fake_context(client), {
        "Name": "placed", "EventBusName": "orders",
        "EventPattern": {"source": ["shop"]},
        "Targets": [{"Id": "fn", "Arn": "arn:fn"}]})
    assert (provisioned.physical_id, provisioned.attributes) == ("orders|placed",
                                                                  {"Arn": RULE_ARN})
    assert client.parameters("put_rule") == {"Name": "placed", "EventBusName": "orders",
                                             "EventPattern": '{"source": ["shop"]}',
                                             "State": "ENABLED"}
    assert client.parameters("put_targets") == {"Rule": "placed", "EventBusName": "orders",
                                                "Targets": [{"Id": "fn", "Arn": "arn:fn"}]}


def test_a_rule_without_a_name_gets_the_generated_one_on_the_default_bus() -> None:
    client = events()
    provisioned = RuleProvisioner().create(fake_context(client, logical_id="Nightly"), {
        "ScheduleExpression": "rate(1 day)", "State": "DISABLED"})
    assert provisioned.physical_id == "shop-Nightly-ABCDEF123456"
    assert client.parameters("put_rule")["State"] == "DISABLED"
    assert "put_targets" not in client.operations()


def test_an_update_removes_the_targets_the_template_dropped() -> None:
    client = events()
    old = {"EventPattern": {}, "Targets": [{"Id": "b", "Arn": "x"}, {"Id": "a", "Arn": "y"},
                                           {"Id": "c", "Arn": "z"}]}
    new = {"EventPattern": {}, "Targets": [{"Id": "c", "Arn": "z2"}]}
    RuleProvisioner().update(fake_context(client), "orders|placed", old, new)
    assert client.parameters("remove_targets") == {"Rule": "placed", "EventBusName": "orders",
                                                   "Ids": ["a", "b"]}
    assert client.parameters("put_targets")["Targets"] == [{"Id": "c", "Arn": "z2"}]
    assert RuleProvisioner().replaces(old, {**old, "EventBusName": "other"})
    assert not RuleProvisioner().replaces(old, new)


def test_a_rule_loses_its_targets_before_it_is_deleted() -> None:
    client = events(list_targets_by_rule={"Targets": [{"Id": "fn"}]})
    RuleProvisioner().delete(fake_context(client), "orders|placed", {})
    assert client.operations() == ["list_targets_by_rule", "remove_targets", "delete_rule"]
    assert client.parameters("delete_rule") == {"Name": "placed", "EventBusName": "orders"}
    bare = events(list_targets_by_rule={"Targets": []})
    RuleProvisioner().delete(fake_context(bare), "placed", {})
    assert bare.operations() == ["list_targets_by_rule", "delete_rule"]


def test_deleting_a_rule_already_gone_succeeds() -> None:
    client = events(list_targets_by_rule=refusal("ResourceNotFoundException"))
    ReportingFailures(RuleProvisioner()).delete(fake_context(client), "placed", {})
    assert "delete_rule" not in client.operations()


def test_an_event_bus_with_a_policy_and_its_attributes() -> None:
    bus = {"Arn": "arn:aws:events:us-east-1:123456789012:event-bus/orders", "Policy": "{}"}
    client = FakeClient("events", {"describe_event_bus": bus})
    provisioned = EventBusProvisioner().create(fake_context(client), {
        "Name": "orders", "Policy": {"Statement": []}, "Tags": [{"Key": "a", "Value": "b"}]})
    assert (provisioned.physical_id, provisioned.attributes) == (
        "orders", {"Arn": bus["Arn"], "Name": "orders", "Policy": "{}"})
    assert client.parameters("create_event_bus") == {"Name": "orders",
                                                     "Tags": [{"Key": "a", "Value": "b"}]}
    assert client.parameters("put_permission") == {"EventBusName": "orders",
                                                   "Policy": '{"Statement": []}'}
    EventBusProvisioner().update(fake_context(client), "orders",
                                 {"Name": "orders", "Policy": {}}, {"Name": "orders"})
    assert client.parameters("remove_permission") == {"EventBusName": "orders",
                                                      "RemoveAllPermissions": True}
    assert EventBusProvisioner().replaces({"Name": "a"}, {"Name": "b"})
