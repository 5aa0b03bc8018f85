"""A template made ready to deploy: the capabilities it needs."""

from __future__ import annotations

import json

import pytest

from simulator.stacks.errors import (
    InsufficientCapabilities,
)
from simulator.stacks.template_preparation import prepare
from tests.unit.stacks.fakes import IDENTITY


def test_capabilities_are_required_for_iam_and_transforms() -> None:
    role = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "r"}}}}
    with pytest.raises(InsufficientCapabilities, match=r"^Requires capabilities : "
                                                       r"\[CAPABILITY_NAMED_IAM\]$"):
        prepare(json.dumps(role), [], {}, IDENTITY, lambda name: "", ["CAPABILITY_IAM"], False)
    sam = {"Transform": "AWS::Serverless-2016-10-31",
           "Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}
    with pytest.raises(InsufficientCapabilities, match="CAPABILITY_AUTO_EXPAND"):
        prepare(json.dumps(sam), [], {}, IDENTITY, lambda name: "", [], False)
    prepared = prepare(json.dumps(sam), [], {}, IDENTITY, lambda name: "", [], True)
    assert prepared.processed["Resources"] == {"Q": {"Type": "AWS::SQS::Queue"}}
