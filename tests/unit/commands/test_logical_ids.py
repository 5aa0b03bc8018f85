"""A function or an API named by its logical id is found in the one stack that has it."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.commands.logical_ids import (
    AmbiguousLogicalId,
    api_id,
    function_name,
    physical_id,
)


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


API_STACKS = {"a": {"ServerlessHttpApi": ("AWS::ApiGatewayV2::Api", "a1b2c3d4e5"),
                    "RestApi": ("AWS::ApiGateway::RestApi", "r1s2t3u4v5")},
              "b": {"ServerlessHttpApi": ("AWS::ApiGatewayV2::Api", "f6g7h8i9j0")},
              "c": {"ServerlessHttpApi": ("AWS::Serverless::Function", "c-Function-5E6F")}}


def test_an_api_id_is_taken_as_it_is_without_a_call() -> None:
    nothing_to_call = object()  # any call would fail

    assert api_id(nothing_to_call, "a1b2c3d4e5") == "a1b2c3d4e5"


def test_what_only_looks_like_an_api_id_is_looked_up() -> None:
    stacks = {"app": {"MyHttpApi1": ("AWS::ApiGatewayV2::Api", "k1l2m3n4o5")}}

    assert api_id(CloudFormation(stacks), "MyHttpApi1") == "k1l2m3n4o5"


def test_a_logical_id_in_one_stack_names_its_api_and_a_function_does_not_count() -> None:
    one_api = {name: API_STACKS[name] for name in ("a", "c")}

    assert api_id(CloudFormation(one_api), "ServerlessHttpApi") == "a1b2c3d4e5"
    assert api_id(CloudFormation(API_STACKS), "RestApi") == "r1s2t3u4v5"


def test_an_api_logical_id_in_several_stacks_must_name_its_stack() -> None:
    with pytest.raises(AmbiguousLogicalId) as ambiguous:
        api_id(CloudFormation(API_STACKS), "ServerlessHttpApi")

    assert str(ambiguous.value) == ("ServerlessHttpApi names an API in stacks a, b: say which, "
                                    "as STACK/ServerlessHttpApi")


def test_stack_and_logical_id_pick_the_api() -> None:
    assert api_id(CloudFormation(API_STACKS), "b/ServerlessHttpApi") == "f6g7h8i9j0"
    assert api_id(CloudFormation(API_STACKS), "c/ServerlessHttpApi") == "c/ServerlessHttpApi"


def test_what_names_no_api_is_left_as_given() -> None:
    assert api_id(CloudFormation(API_STACKS), "Missing") == "Missing"
    assert api_id(CloudFormation(API_STACKS), "a/Missing") == "a/Missing"
    assert api_id(CloudFormation(API_STACKS), "absent/ServerlessHttpApi") == \
        "absent/ServerlessHttpApi"


def test_physical_id_finds_a_resource_of_the_types_asked_for() -> None:
    queues = ("AWS::SQS::Queue",)

    assert physical_id(CloudFormation(STACKS), "Queue", queues, "a queue") == "https://queue"
    assert physical_id(CloudFormation(STACKS), "Hello", queues, "a queue") == "Hello"
    with pytest.raises(AmbiguousLogicalId, match="^Hello names a function in stacks app, other"):
        physical_id(CloudFormation(STACKS), "Hello", ("AWS::Lambda::Function",), "a function")
