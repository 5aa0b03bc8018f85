"""The SAM transform, applied by AWS's translator without calling IAM."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.stacks.errors import ValidationError
from simulator.stacks.intrinsic_functions import StackIdentity
from simulator.stacks.sam_transform import apply_transforms

IDENTITY = StackIdentity("app", "arn:aws:cloudformation:us-west-2:123456789012:stack/app/x",
                         "us-west-2", "123456789012")


def sam(resources: dict[str, Any]) -> dict[str, Any]:
    return {"Transform": "AWS::Serverless-2016-10-31", "Resources": resources}


def test_a_serverless_function_becomes_a_function_a_role_and_its_events() -> None:
    template = apply_transforms(sam({
        "Queue": {"Type": "AWS::SQS::Queue"},
        "Fn": {"Type": "AWS::Serverless::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "app.handler", "InlineCode": "x",
            "Events": {"Q": {"Type": "SQS",
                             "Properties": {"Queue": {"Fn::GetAtt": ["Queue", "Arn"]}}}}}},
    }), IDENTITY, {})
    types = {key: value["Type"] for key, value in template["Resources"].items()}
    assert types == {"Queue": "AWS::SQS::Queue", "Fn": "AWS::Lambda::Function",
                     "FnRole": "AWS::IAM::Role", "FnQ": "AWS::Lambda::EventSourceMapping"}
    policies = template["Resources"]["FnRole"]["Properties"]["ManagedPolicyArns"]
    assert "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" in policies
    assert "Transform" not in template


def test_template_without_transform_is_left_as_is() -> None:
    template = {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}
    assert apply_transforms(template, IDENTITY, {}) is template


def test_an_invalid_sam_document_is_refused_with_the_translators_reason() -> None:
    with pytest.raises(ValidationError) as raised:
        apply_transforms(sam({"Fn": {"Type": "AWS::Serverless::Function",
                                     "Properties": {"Runtime": "python3.12"}}}), IDENTITY, {})
    assert raised.value.message.startswith("Transform AWS::Serverless-2016-10-31 failed with: "
                                           "Invalid Serverless Application Specification")
    assert "Fn" in raised.value.message


def test_an_unknown_transform_is_refused() -> None:
    with pytest.raises(ValidationError, match="Unrecognized transform My::Macro"):
        apply_transforms({"Transform": "My::Macro", "Resources": {}}, IDENTITY, {})
