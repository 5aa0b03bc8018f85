"""The provisioners of buses, schedule groups, parameters and secrets against a real
simulator: create, `Ref` and `Fn::GetAtt` values, update, delete."""

from __future__ import annotations

import json

import pytest

from simulator.http_server import SimulatorServer
from tests.e2e.stack_context import context_of, provisioner


def test_event_bus_with_policy(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Bus")
    events = context.client("events")
    buses = provisioner("AWS::Events::EventBus")
    name = f"{context.stack_name}-orders"
    bus = buses.create(context, {"Name": name})
    assert bus.physical_id == name
    assert bus.attributes["Arn"] == (f"arn:aws:events:us-east-1:{context.account_id}:"
                                     f"event-bus/{name}")
    policy = {"Version": "2012-10-17", "Statement": [{
        "Sid": "others", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "events:PutEvents", "Resource": bus.attributes["Arn"]}]}
    updated = buses.update(context, name, {"Name": name}, {"Name": name, "Policy": policy})
    assert json.loads(updated.attributes["Policy"])["Statement"][0]["Sid"] == "others"
    buses.delete(context, name, {"Name": name})
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.describe_event_bus(Name=name)


def test_schedule_group_holds_schedules(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Group")
    scheduler = context.client("scheduler")
    groups = provisioner("AWS::Scheduler::ScheduleGroup")
    group = groups.create(context, {})
    assert group.attributes["Arn"] == scheduler.get_schedule_group(
        Name=group.physical_id)["Arn"]
    schedules = provisioner("AWS::Scheduler::Schedule")
    properties = {"GroupName": group.physical_id, "ScheduleExpression": "rate(1 day)",
                  "FlexibleTimeWindow": {"Mode": "OFF"},
                  "Target": {"Arn": "arn:aws:sqs:us-east-1:123456789012:q",
                             "RoleArn": "arn:aws:iam::123456789012:role/r"}}
    schedule = schedules.create(context, properties)
    assert scheduler.get_schedule(Name=schedule.physical_id,
                                  GroupName=group.physical_id)["GroupName"] == group.physical_id
    schedules.delete(context, schedule.physical_id, properties)
    groups.delete(context, group.physical_id, {})
    with pytest.raises(scheduler.exceptions.ResourceNotFoundException):
        scheduler.get_schedule_group(Name=group.physical_id)


def test_parameter(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Setting")
    ssm = context.client("ssm")
    parameters = provisioner("AWS::SSM::Parameter")
    properties = {"Type": "String", "Value": "blue", "Tags": {"team": "a"}}
    parameter = parameters.create(context, properties)
    assert parameter.attributes == {"Type": "String", "Value": "blue"}
    assert ssm.get_parameter(Name=parameter.physical_id)["Parameter"]["Value"] == "blue"
    parameters.update(context, parameter.physical_id, properties,
                      {**properties, "Value": "green"})
    assert ssm.get_parameter(Name=parameter.physical_id)["Parameter"]["Value"] == "green"
    parameters.delete(context, parameter.physical_id, properties)
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name=parameter.physical_id)


def test_generated_secret(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Db")
    secrets = context.client("secretsmanager")
    provisioned = provisioner("AWS::SecretsManager::Secret")
    properties = {"GenerateSecretString": {
        "SecretStringTemplate": '{"username": "admin"}', "GenerateStringKey": "password",
        "PasswordLength": "20", "ExcludePunctuation": "true"}}
    secret = provisioned.create(context, properties)
    assert secret.physical_id.startswith(
        f"arn:aws:secretsmanager:us-east-1:{context.account_id}:secret:")
    value = json.loads(secrets.get_secret_value(SecretId=secret.physical_id)["SecretString"])
    assert value["username"] == "admin" and len(value["password"]) == 20
    assert value["password"].isalnum()
    provisioned.update(context, secret.physical_id, properties, {"SecretString": "plain"})
    assert secrets.get_secret_value(SecretId=secret.physical_id)["SecretString"] == "plain"
    provisioned.delete(context, secret.physical_id, {"SecretString": "plain"})
    with pytest.raises(secrets.exceptions.ResourceNotFoundException):
        secrets.get_secret_value(SecretId=secret.physical_id)
