"""A template's Rules refuse a deploy whose parameters break an assertion, with its
description, and let the rest pass."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.stacks.errors import ValidationError
from simulator.stacks.intrinsic_functions import StackIdentity
from simulator.stacks.template_rules import check_rules

IDENTITY = StackIdentity("app", "arn:stack", "us-east-1", "000000000000")
# What the CDK's default synthesizer puts in every template.
CDK_RULE = {"CheckBootstrapVersion": {"Assertions": [{
    "Assert": {"Fn::Not": [{"Fn::Contains": [["1", "2", "3", "4", "5"],
                                             {"Ref": "BootstrapVersion"}]}]},
    "AssertDescription": "CDK bootstrap stack version 6 required. Please run 'cdk "
                         "bootstrap' with a recent version of the CDK CLI."}]}}


def template(rules: dict[str, Any]) -> dict[str, Any]:
    return {"Rules": rules, "Resources": {}}


def test_the_cdks_bootstrap_check_refuses_an_old_bootstrap() -> None:
    check_rules(template(CDK_RULE), {"BootstrapVersion": "6"}, IDENTITY)
    with pytest.raises(ValidationError) as refused:
        check_rules(template(CDK_RULE), {"BootstrapVersion": "3"}, IDENTITY)
    assert str(refused.value).startswith("CDK bootstrap stack version 6 required.")


def test_a_rule_applies_only_when_its_condition_holds() -> None:
    rules = {"ProdNeedsLarge": {
        "RuleCondition": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "Assertions": [{"Assert": {"Fn::Contains": [["m5.large", "m5.xlarge"],
                                                    {"Ref": "Size"}]},
                        "AssertDescription": "prod needs a large size"}]}}
    check_rules(template(rules), {"Env": "test", "Size": "t3.micro"}, IDENTITY)
    check_rules(template(rules), {"Env": "prod", "Size": "m5.large"}, IDENTITY)
    with pytest.raises(ValidationError, match="prod needs a large size"):
        check_rules(template(rules), {"Env": "prod", "Size": "t3.micro"}, IDENTITY)


def test_member_functions_read_list_parameters() -> None:
    rules = {"Zones": {"Assertions": [
        {"Assert": {"Fn::EachMemberIn": [{"Ref": "Zones"}, ["a", "b", "c"]]}},
        {"Assert": {"Fn::Or": [{"Fn::EachMemberEquals": [{"Ref": "Tiers"}, "web"]},
                               {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}]}}]}}
    check_rules(template(rules), {"Zones": ["a", "c"], "Tiers": ["web", "web"]}, IDENTITY)
    with pytest.raises(ValidationError, match="Template rule Zones failed"):
        check_rules(template(rules), {"Zones": ["a", "d"], "Tiers": ["web"]}, IDENTITY)


def test_assertions_on_the_accounts_own_resources_are_not_refused() -> None:
    rules = {"Vpc": {"Assertions": [{"Assert": {"Fn::EachMemberEquals": [
        {"Fn::ValueOfAll": ["AWS::EC2::Subnet::Id", "VpcId"]}, {"Ref": "Vpc"}]}}]}}
    check_rules(template(rules), {"Vpc": "vpc-1"}, IDENTITY)


def test_an_unknown_rule_function_is_a_template_error() -> None:
    with pytest.raises(ValidationError, match="Fn::Sometimes is not a rule function"):
        check_rules(template({"R": {"Assertions": [{"Assert": {"Fn::Sometimes": []}}]}}), {},
                    IDENTITY)
