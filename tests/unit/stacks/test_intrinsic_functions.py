"""Intrinsic functions and conditions as a deploy evaluates them."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from simulator.stacks.intrinsic_functions import (
    Evaluator,
    NotYetKnown,
    ResolutionFailed,
    StackIdentity,
)
from simulator.stacks.provisioning import Provisioned

STACK_ID = "arn:aws:cloudformation:eu-west-1:123456789012:stack/app/guid"
TEMPLATE: dict[str, Any] = {
    "Mappings": {"Sizes": {"dev": {"Memory": 128}}},
    "Conditions": {
        "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
        "Either": {"Fn::Or": [{"Condition": "IsProd"}, {"Fn::Equals": ["a", "a"]}]},
        "Both": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "NotProd"}]},
    },
    "Resources": {"Made": {"Type": "T"}, "Pending": {"Type": "T"},
                  "ProdOnly": {"Type": "T", "Condition": "IsProd"}},
}


@pytest.fixture
def evaluator() -> Evaluator:
    made = Provisioned("made-id", {"Arn": "arn:made"})
    return Evaluator(TEMPLATE, StackIdentity("app", STACK_ID, "eu-west-1", "123456789012"),
                     {"Env": "dev", "List": ["x", "y"]},
                     lambda logical_id: made if logical_id == "Made" else None,
                     lambda name: f"imported-{name}")


@pytest.mark.parametrize(("value", "expected"), [
    ({"Ref": "Made"}, "made-id"),
    ({"Ref": "Env"}, "dev"),
    ({"Ref": "AWS::StackId"}, STACK_ID),
    ({"Fn::GetAtt": ["Made", "Arn"]}, "arn:made"),
    ({"Fn::GetAtt": "Made.Arn"}, "arn:made"),
    ({"Fn::Sub": "${AWS::Region}/${Made}/${Made.Arn}/${!Raw}"},
     "eu-west-1/made-id/arn:made/${Raw}"),
    ({"Fn::Sub": ["${A}-${Env}", {"A": {"Ref": "AWS::AccountId"}}]}, "123456789012-dev"),
    ({"Fn::Join": [",", {"Ref": "List"}]}, "x,y"),
    ({"Fn::Select": ["1", {"Fn::Split": ["|", "a|b|c"]}]}, "b"),
    ({"Fn::If": ["IsProd", "big", "small"]}, "small"),
    ({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Memory"]}, 128),
    ({"Fn::Base64": "hi"}, base64.b64encode(b"hi").decode()),
    ({"Fn::Select": [0, {"Fn::GetAZs": ""}]}, "eu-west-1a"),
    ({"Fn::ImportValue": {"Fn::Sub": "${Env}-url"}}, "imported-dev-url"),
    ({"Fn::Cidr": ["10.0.0.0/16", 2, 8]}, ["10.0.0.0/24", "10.0.1.0/24"]),
    ({"Keep": "x", "Drop": {"Ref": "AWS::NoValue"}}, {"Keep": "x"}),
    (["a", {"Fn::If": ["IsProd", "b", {"Ref": "AWS::NoValue"}]}], ["a"]),
])
def test_functions(evaluator: Evaluator, value: Any, expected: Any) -> None:
    assert evaluator.resolve(value) == expected


def test_conditions(evaluator: Evaluator) -> None:
    assert [evaluator.condition(name) for name in ("IsProd", "NotProd", "Either", "Both")] == [
        False, True, True, False]
    assert not evaluator.creates("ProdOnly")
    assert evaluator.creates("Made")


def test_what_cannot_be_resolved_says_why(evaluator: Evaluator) -> None:
    with pytest.raises(NotYetKnown):
        evaluator.resolve({"Ref": "Pending"})
    with pytest.raises(ResolutionFailed, match="^Template error: resource Made does not support "
                                               "attribute type Nope in Fn::GetAtt$"):
        evaluator.resolve({"Fn::GetAtt": ["Made", "Nope"]})
    with pytest.raises(ResolutionFailed, match="Condition is false"):
        evaluator.resolve({"Ref": "ProdOnly"})
    with pytest.raises(ResolutionFailed, match="Unable to get mapping"):
        evaluator.resolve({"Fn::FindInMap": ["Sizes", "prod", "Memory"]})
