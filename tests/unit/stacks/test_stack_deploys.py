"""A deploy through a CloudFormation client: create or update, the wait for the outcome, the
replacement of a stack a failed creation left behind, and the reason a failure is told by,
against a fake client that answers as CloudFormation does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.stacks import stack_deploys
from simulator.stacks.stack_deploys import (
    DeployedStack,
    StackDeployFailed,
    deploy_stack,
    deployed,
    existing_stack,
    failure_reason,
    settled,
)

TEMPLATE = {"TemplateBody": '{"Resources": {}}'}
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
STACK = "AWS::CloudFormation::Stack"


def client_error(code: str, message: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


def event(logical_id: str, resource_type: str, status: str,
          reason: str | None = None) -> dict[str, str]:
    found = {"LogicalResourceId": logical_id, "ResourceType": resource_type,
             "ResourceStatus": status}
    if reason is not None:
        found["ResourceStatusReason"] = reason
    return found


@dataclass
class Outcome:
    """How the next create or update ends, and the events it adds (newest first)."""

    status: str
    outputs: dict[str, str] = field(default_factory=dict)
    reason: str | None = None
    events: list[dict[str, str]] = field(default_factory=list)


@dataclass
class FakeStack:
    name: str
    stack_id: str
    statuses: list[str]  # what describe_stacks answers next; the last one stays
    outputs: dict[str, str] = field(default_factory=dict)
    reason: str | None = None
    events: list[dict[str, str]] = field(default_factory=list)  # newest first

    @property
    def status(self) -> str:
        return self.statuses[0]

    def describe(self) -> dict[str, Any]:
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.status
        answer: dict[str, Any] = {"StackName": self.name, "StackId": self.stack_id,
                                  "StackStatus": status}
        if self.outputs:
            answer["Outputs"] = [{"OutputKey": key, "OutputValue": value}
                                 for key, value in self.outputs.items()]
        if self.reason is not None:
            answer["StackStatusReason"] = self.reason
        return answer

    def start(self, operation: str, outcome: Outcome) -> None:
        self.statuses = [f"{operation}_IN_PROGRESS", f"{operation}_IN_PROGRESS", outcome.status]
        self.outputs, self.reason = outcome.outputs, outcome.reason
        self.events = [*outcome.events, *self.events]


class FakeCloudFormation:
    """Stacks by name while they live and by id for good, as CloudFormation keeps them; each
    operation takes two answers of describe_stacks to end as `outcome` says."""

    EVENTS_PER_PAGE = 2

    def __init__(self, *stacks: FakeStack, outcome: Outcome | None = None) -> None:
        self.stacks = list(stacks)
        self.outcome = outcome or Outcome("CREATE_COMPLETE")
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.reported: list[str] = []  # every status describe_stacks answered
        self.errors: dict[str, ClientError] = {}

    def _call(self, operation: str, arguments: dict[str, Any]) -> None:
        self.calls.append((operation, arguments))
        if operation in self.errors:
            raise self.errors[operation]

    def _live(self, name: str) -> FakeStack | None:
        return next((stack for stack in self.stacks
                     if stack.name == name and stack.status != "DELETE_COMPLETE"), None)

    def _stack(self, name_or_id: str) -> FakeStack:
        found = next((stack for stack in self.stacks if stack.stack_id == name_or_id),
                     None) or self._live(name_or_id)
        if found is None:
            raise client_error("ValidationError", f"Stack with id {name_or_id} does not exist",
                               "DescribeStacks")
        return found

    def describe_stacks(self, StackName: str) -> dict[str, Any]:
        self._call("describe_stacks", {"StackName": StackName})
        answer = self._stack(StackName).describe()
        self.reported.append(answer["StackStatus"])
        return {"Stacks": [answer]}

    def create_stack(self, **arguments: Any) -> dict[str, str]:
        self._call("create_stack", arguments)
        name = arguments["StackName"]
        if self._live(name) is not None:
            raise client_error("AlreadyExistsException", f"Stack [{name}] already exists",
                               "CreateStack")
        stack = FakeStack(name, f"arn:aws:cloudformation:us-east-1:000000000000:stack/{name}/"
                                f"{len(self.stacks) + 1}", [])
        stack.start("CREATE", self.outcome)
        self.stacks.append(stack)
        return {"StackId": stack.stack_id}

    def update_stack(self, **arguments: Any) -> dict[str, str]:
        self._call("update_stack", arguments)
        stack = self._stack(arguments["StackName"])
        stack.start("UPDATE", self.outcome)
        return {"StackId": stack.stack_id}

    def delete_stack(self, StackName: str) -> None:
        self._call("delete_stack", {"StackName": StackName})
        self._stack(StackName).statuses = ["DELETE_IN_PROGRESS", "DELETE_COMPLETE"]

    def get_paginator(self, operation: str) -> Any:
        assert operation == "describe_stack_events"
        client = self

        class Pages:
            def paginate(self, StackName: str) -> list[dict[str, Any]]:
                events = client._stack(StackName).events
                size = client.EVENTS_PER_PAGE
                return [{"StackEvents": events[start:start + size]}
                        for start in range(0, len(events), size)]

        return Pages()

    def operations(self) -> list[str]:
        return [operation for operation, _ in self.calls if operation != "describe_stacks"]

    def arguments(self, operation: str) -> dict[str, Any]:
        (found,) = [arguments for name, arguments in self.calls if name == operation]
        return found


def existing(name: str = "app", status: str = "CREATE_COMPLETE",
             outputs: dict[str, str] | None = None,
             events: list[dict[str, str]] | None = None) -> FakeStack:
    return FakeStack(name, f"arn:aws:cloudformation:us-east-1:000000000000:stack/{name}/old",
                     [status], outputs or {}, events=events or [])


@pytest.fixture(autouse=True)
def no_polling_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stack_deploys, "POLL_SECONDS", 0)


# -- create and update ------------------------------------------------------------------------


def test_a_new_stack_is_created_and_waited_for() -> None:
    client = FakeCloudFormation(outcome=Outcome("CREATE_COMPLETE", {"Url": "http://api"}))

    result = deploy_stack(client, "app", TEMPLATE, {})

    (created,) = client.stacks
    assert result == DeployedStack("app", created.stack_id, "CREATE_COMPLETE", True,
                                   {"Url": "http://api"})
    assert client.operations() == ["create_stack"]
    assert client.reported == ["CREATE_IN_PROGRESS", "CREATE_IN_PROGRESS", "CREATE_COMPLETE"]


def test_parameters_and_tags_are_passed_as_cloudformation_takes_them() -> None:
    client = FakeCloudFormation()
    source = {"TemplateURL": "https://bucket.s3.amazonaws.com/template.yaml"}

    deploy_stack(client, "app", source, {"Stage": "dev", "Size": "2"}, {"team": "core"})

    assert client.arguments("create_stack") == {
        "StackName": "app", "TemplateURL": "https://bucket.s3.amazonaws.com/template.yaml",
        "Parameters": [{"ParameterKey": "Stage", "ParameterValue": "dev"},
                       {"ParameterKey": "Size", "ParameterValue": "2"}],
        "Tags": [{"Key": "team", "Value": "core"}],
        "Capabilities": CAPABILITIES}


def test_an_existing_stack_is_updated_with_the_same_arguments_its_tags_kept() -> None:
    stack = existing(outputs={"Url": "http://old"})
    client = FakeCloudFormation(stack, outcome=Outcome("UPDATE_COMPLETE", {"Url": "http://new"}))

    result = deploy_stack(client, "app", TEMPLATE, {"Stage": "prod"})

    assert result == DeployedStack("app", stack.stack_id, "UPDATE_COMPLETE", True,
                                   {"Url": "http://new"})
    assert client.operations() == ["update_stack"]
    assert client.arguments("update_stack") == {
        "StackName": "app", **TEMPLATE,
        "Parameters": [{"ParameterKey": "Stage", "ParameterValue": "prod"}],
        "Capabilities": CAPABILITIES}  # no Tags: an empty list would remove the stack's
    assert client.reported[-1] == "UPDATE_COMPLETE"


def test_no_updates_to_perform_is_no_change_with_the_outputs_the_stack_has() -> None:
    stack = existing(outputs={"Url": "http://old"})
    client = FakeCloudFormation(stack)
    client.errors["update_stack"] = client_error(
        "ValidationError", "No updates are to be performed.", "UpdateStack")

    result = deploy_stack(client, "app", TEMPLATE, {})

    assert result == DeployedStack("app", stack.stack_id, "CREATE_COMPLETE", False,
                                   {"Url": "http://old"})
    assert client.reported == ["CREATE_COMPLETE"]  # only the look-up: nothing to wait for


def test_a_stack_a_failed_creation_left_behind_is_deleted_and_created_anew() -> None:
    stack = existing(status="ROLLBACK_COMPLETE")
    client = FakeCloudFormation(stack)

    result = deploy_stack(client, "app", TEMPLATE, {})

    assert client.operations() == ["delete_stack", "create_stack"]
    assert client.arguments("delete_stack") == {"StackName": stack.stack_id}
    assert stack.status == "DELETE_COMPLETE"
    assert result.status == "CREATE_COMPLETE"
    assert result.stack_id == client.stacks[-1].stack_id != stack.stack_id


# -- failures ---------------------------------------------------------------------------------


def failed_creation() -> list[dict[str, str]]:
    """A creation's events, newest first: the table failed, and the queue was cancelled."""
    return [
        event("app", STACK, "ROLLBACK_COMPLETE"),
        event("Queue", "AWS::SQS::Queue", "DELETE_COMPLETE"),
        event("Table", "AWS::DynamoDB::Table", "DELETE_COMPLETE"),
        event("app", STACK, "ROLLBACK_IN_PROGRESS",
              "The following resource(s) failed to create: [Queue, Table]."),
        event("Queue", "AWS::SQS::Queue", "CREATE_FAILED", "Resource creation cancelled"),
        event("Queue", "AWS::SQS::Queue", "CREATE_IN_PROGRESS"),
        event("Table", "AWS::DynamoDB::Table", "CREATE_FAILED", "Table already exists"),
        event("Table", "AWS::DynamoDB::Table", "CREATE_IN_PROGRESS"),
        event("app", STACK, "CREATE_IN_PROGRESS", "User Initiated"),
    ]


def test_a_failed_creation_is_told_by_the_first_resource_that_failed() -> None:
    client = FakeCloudFormation(outcome=Outcome(
        "ROLLBACK_COMPLETE", reason="The following resource(s) failed to create: [Queue, Table].",
        events=failed_creation()))

    with pytest.raises(StackDeployFailed) as failed:
        deploy_stack(client, "app", TEMPLATE, {})

    assert str(failed.value) == ("stack app ROLLBACK_COMPLETE: Table (AWS::DynamoDB::Table) "
                                 "CREATE_FAILED: Table already exists")


def test_a_failed_update_is_told_by_its_own_failures_not_an_earlier_operations() -> None:
    earlier = [event("app", STACK, "UPDATE_ROLLBACK_COMPLETE"),
               event("Old", "AWS::SNS::Topic", "UPDATE_FAILED", "an earlier failure"),
               event("app", STACK, "UPDATE_IN_PROGRESS", "User Initiated"),
               event("app", STACK, "CREATE_COMPLETE"),
               event("app", STACK, "CREATE_IN_PROGRESS", "User Initiated")]
    client = FakeCloudFormation(
        existing(status="UPDATE_ROLLBACK_COMPLETE", events=earlier),
        outcome=Outcome("UPDATE_ROLLBACK_COMPLETE", events=[
            event("app", STACK, "UPDATE_ROLLBACK_COMPLETE"),
            event("Function", "AWS::Lambda::Function", "UPDATE_COMPLETE"),
            event("app", STACK, "UPDATE_ROLLBACK_IN_PROGRESS", "The following resource(s) "
                  "failed to update: [Function]."),
            event("Function", "AWS::Lambda::Function", "UPDATE_FAILED", "Role not found"),
            event("Function", "AWS::Lambda::Function", "UPDATE_IN_PROGRESS"),
            event("app", STACK, "UPDATE_IN_PROGRESS", "User Initiated")]))

    with pytest.raises(StackDeployFailed) as failed:
        deploy_stack(client, "app", TEMPLATE, {})

    assert str(failed.value) == ("stack app UPDATE_ROLLBACK_COMPLETE: Function "
                                 "(AWS::Lambda::Function) UPDATE_FAILED: Role not found")


def test_with_no_resource_failed_the_stacks_own_reason_tells_the_failure() -> None:
    client = FakeCloudFormation(outcome=Outcome(
        "ROLLBACK_COMPLETE", reason="Template error: unresolved resource dependency", events=[
            event("app", STACK, "ROLLBACK_COMPLETE"),
            event("app", STACK, "ROLLBACK_IN_PROGRESS", "Template error"),
            event("app", STACK, "CREATE_IN_PROGRESS", "User Initiated")]))

    with pytest.raises(StackDeployFailed, match="^stack app ROLLBACK_COMPLETE: Template error: "
                                                "unresolved resource dependency$"):
        deploy_stack(client, "app", TEMPLATE, {})


def test_failure_reason_without_any_reason_says_so() -> None:
    stack = existing(status="ROLLBACK_COMPLETE")

    assert failure_reason(FakeCloudFormation(stack), stack.describe()) == "no reason given"


@pytest.mark.parametrize("operation", ["describe_stacks", "update_stack"])
def test_other_client_errors_propagate(operation: str) -> None:
    client = FakeCloudFormation(existing())
    refusal = client_error("AccessDenied", "not allowed", operation)
    client.errors[operation] = refusal

    with pytest.raises(ClientError) as raised:
        deploy_stack(client, "app", TEMPLATE, {})

    assert raised.value is refusal
    assert "create_stack" not in client.operations()


def test_an_update_refused_for_another_reason_propagates() -> None:
    client = FakeCloudFormation(existing())
    client.errors["update_stack"] = client_error(
        "ValidationError", "Template format error: unknown resource type", "UpdateStack")

    with pytest.raises(ClientError, match="Template format error"):
        deploy_stack(client, "app", TEMPLATE, {})


# -- the parts --------------------------------------------------------------------------------


def test_existing_stack_is_none_for_a_stack_that_does_not_exist() -> None:
    stack = existing()
    client = FakeCloudFormation(stack)

    assert existing_stack(client, "absent") is None
    found = existing_stack(client, "app")
    assert found is not None and found["StackId"] == stack.stack_id


def test_settled_waits_until_the_operation_has_ended() -> None:
    stack = existing()
    stack.start("UPDATE", Outcome("UPDATE_ROLLBACK_COMPLETE"))

    final = settled(FakeCloudFormation(stack), stack.stack_id)

    assert final["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"


def test_deployed_reads_the_outputs_and_takes_none_as_empty() -> None:
    answer = {"StackId": "id", "StackStatus": "UPDATE_COMPLETE",
              "Outputs": [{"OutputKey": "A", "OutputValue": "1"},
                          {"OutputKey": "B", "OutputValue": "2"}]}

    assert deployed("app", answer, changed=True).outputs == {"A": "1", "B": "2"}
    assert deployed("app", {"StackId": "id", "StackStatus": "CREATE_COMPLETE"},
                    changed=False) == DeployedStack("app", "id", "CREATE_COMPLETE", False, {})
