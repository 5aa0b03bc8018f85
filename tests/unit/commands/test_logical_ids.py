"""A function named by its logical id is found in the one stack that has it."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.commands.logical_ids import AmbiguousLogicalId, function_name


def not_found(operation: str) -> ClientError:
    return ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "no"}},
                       operation)


class Lambda:
    def __init__(self, *names: str) -> None:
        self.names = names

    def get_function(self, FunctionName: str) -> dict[str, Any]:
        if FunctionName not in self.names:
            raise not_found("GetFunction")
        return {}


class CloudFormation:
    def __init__(self, stacks: dict[str, dict[str, tuple[str, str]]]) -> None:
        self.stacks = stacks

    def get_paginator(self, operation: str) -> Any:
        stacks = self.stacks

        class Pages:
            def paginate(self, **filters: Any) -> list[dict[str, Any]]:
                return [{"StackSummaries": [{"StackName": name} for name in stacks]}]

        return Pages()

    def describe_stack_resource(self, StackName: str, LogicalResourceId: str
                                ) -> dict[str, Any]:
        resources = self.stacks.get(StackName, {})
        if LogicalResourceId not in resources:
            raise ClientError({"Error": {"Code": "ValidationError", "Message": "no"}},
                              "DescribeStackResource")
        kind, physical = resources[LogicalResourceId]
        return {"StackResourceDetail": {"ResourceType": kind, "PhysicalResourceId": physical}}


STACKS = {"app": {"Hello": ("AWS::Lambda::Function", "app-Hello-1A2B"),
                  "Queue": ("AWS::SQS::Queue", "https://queue")},
          "other": {"Hello": ("AWS::Lambda::Function", "other-Hello-3C4D")}}


def test_a_function_of_that_name_wins() -> None:
    assert function_name(Lambda("Hello"), CloudFormation(STACKS), "Hello") == "Hello"


def test_a_logical_id_in_one_stack_names_its_function() -> None:
    only_app = {"app": STACKS["app"]}
    assert function_name(Lambda(), CloudFormation(only_app), "Hello") == "app-Hello-1A2B"
    assert function_name(Lambda(), CloudFormation(STACKS), "other/Hello") == "other-Hello-3C4D"


def test_a_logical_id_in_several_stacks_must_name_its_stack() -> None:
    with pytest.raises(AmbiguousLogicalId, match="as STACK/Hello"):
        function_name(Lambda(), CloudFormation(STACKS), "Hello")


def test_what_is_not_a_function_is_left_for_the_call_to_refuse() -> None:
    assert function_name(Lambda(), CloudFormation(STACKS), "Queue") == "Queue"
    assert function_name(Lambda(), CloudFormation(STACKS), "missing") == "missing"
