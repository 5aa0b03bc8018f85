"""CloudFormation's intrinsic functions and conditions, evaluated against one local stack: what
each gives, what a value that has no local value turns into, and how resources are named."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from simulator.templates.intrinsics import Resolver, Unresolvable, is_intrinsic
from simulator.templates.naming import Stack
from simulator.templates.specs import TemplateError

STACK = Stack(name="demo", region="eu-west-1", account_id="123456789012")
ACCOUNT = "123456789012"
RESOURCES: dict[str, dict[str, Any]] = {
    "Fn": {"Type": "AWS::Serverless::Function"},
    "Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "jobs"}},
    "Alerts": {"Type": "AWS::SNS::Topic"},
    "Uploads": {"Type": "AWS::S3::Bucket"},
    "Custom": {"Type": "Custom::Thing"},
}


def resolver(
    parameters: dict[str, Any] | None = None,
    resources: dict[str, dict[str, Any]] | None = None,
    mappings: dict[str, Any] | None = None,
    conditions: dict[str, Any] | None = None,
) -> Resolver:
    return Resolver(
        STACK,
        parameters if parameters is not None else {"Stage": "prod", "Subnets": ["s-1", "s-2"]},
        resources if resources is not None else RESOURCES,
        mappings or {},
        conditions or {},
        [],
    )


def unresolvable_message(value: Any, **options: Any) -> str:
    with pytest.raises(Unresolvable) as raised:
        resolver(**options).evaluate(value)
    return str(raised.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Ref": "Fn"}, True),
        ({"Fn::Sub": "x"}, True),
        ({"Fn::Anything": "x"}, True),
        ({"Ref": "Fn", "Other": 1}, False),
        ({"Condition": "IsProd"}, False),
        ({"Variables": {"A": "1"}}, False),
        ({}, False),
        ("Ref", False),
        (["Ref", "Fn"], False),
    ],
)
def test_an_intrinsic_is_a_one_key_mapping_of_ref_or_fn(value: Any, expected: bool) -> None:
    assert is_intrinsic(value) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("AWS::Region", "eu-west-1"),
        ("AWS::AccountId", ACCOUNT),
        ("AWS::StackName", "demo"),
        ("AWS::StackId", f"arn:aws:cloudformation:eu-west-1:{ACCOUNT}:stack/demo/local"),
        ("AWS::Partition", "aws"),
        ("AWS::URLSuffix", "amazonaws.com"),
        ("AWS::NotificationARNs", []),
    ],
)
def test_pseudo_parameters(name: str, expected: Any) -> None:
    assert resolver().evaluate({"Ref": name}) == expected


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("Stage", "prod"),
        ("Subnets", ["s-1", "s-2"]),
        ("Fn", "demo-Fn"),
        ("Jobs", f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/jobs"),
        ("Alerts", f"arn:aws:sns:eu-west-1:{ACCOUNT}:demo-Alerts"),
        ("Uploads", "demo-uploads"),
        ("Custom", "demo-Custom"),
    ],
)
def test_ref_gives_a_parameters_value_or_a_resources_reference(target: str, expected: Any) -> None:
    assert resolver().evaluate({"Ref": target}) == expected


def test_a_parameter_without_a_local_value_cannot_be_referenced() -> None:
    missing = Unresolvable("parameter Secret is read from SSM Parameter Store")
    assert unresolvable_message({"Ref": "Secret"}, parameters={"Secret": missing}) == (
        "parameter Secret is read from SSM Parameter Store"
    )


def test_ref_to_nothing_known_cannot_be_resolved() -> None:
    assert unresolvable_message({"Ref": "Nowhere"}) == "no parameter or resource is named Nowhere"
    assert unresolvable_message({"Ref": ["Fn"]}) == "Ref needs a name, not ['Fn']"


def test_get_att_in_its_string_and_list_forms() -> None:
    arn = f"arn:aws:sqs:eu-west-1:{ACCOUNT}:jobs"
    assert resolver().evaluate({"Fn::GetAtt": "Jobs.Arn"}) == arn
    assert resolver().evaluate({"Fn::GetAtt": ["Jobs", "Arn"]}) == arn
    assert resolver().evaluate({"Fn::GetAtt": ["Fn", {"Fn::Join": ["", ["A", "rn"]]}]}) == (
        f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:demo-Fn"
    )


def test_get_att_of_an_attribute_the_simulator_does_not_know() -> None:
    assert unresolvable_message({"Fn::GetAtt": ["Uploads", "WebsiteURL"]}) == (
        "Fn::GetAtt Uploads.WebsiteURL: the simulator does not know the WebsiteURL attribute "
        "of AWS::S3::Bucket"
    )
    assert unresolvable_message({"Fn::GetAtt": ["Jobs"]}) == (
        "Fn::GetAtt takes a list of 2 values, not ['Jobs']"
    )


def test_sub_replaces_parameters_pseudo_parameters_resources_and_attributes() -> None:
    text = "${AWS::Region}/${Stage}/${Fn}/${Jobs.Arn}/${!Literal}"
    assert resolver().evaluate({"Fn::Sub": text}) == (
        f"eu-west-1/prod/demo-Fn/arn:aws:sqs:eu-west-1:{ACCOUNT}:jobs/${{Literal}}"
    )


def test_sub_variables_are_evaluated_and_win_over_names_in_the_stack() -> None:
    value = {"Fn::Sub": ["${Stage}-${Queue}", {"Stage": "test", "Queue": {"Ref": "Jobs"}}]}
    assert resolver().evaluate(value) == (
        f"test-https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/jobs"
    )


def test_sub_writes_booleans_as_cloudformation_does() -> None:
    assert resolver().evaluate({"Fn::Sub": ["debug=${On}", {"On": True}]}) == "debug=true"


def test_sub_takes_a_string_or_a_string_and_a_map() -> None:
    assert unresolvable_message({"Fn::Sub": ["${A}", ["A"]]}) == (
        "Fn::Sub takes a string, or a string and a map: ['${A}', ['A']]"
    )


def test_join_split_and_select() -> None:
    subject = resolver()
    assert subject.evaluate({"Fn::Join": [",", [{"Ref": "Stage"}, True, 3]]}) == "prod,true,3"
    assert subject.evaluate({"Fn::Join": [":", {"Ref": "Subnets"}]}) == "s-1:s-2"
    assert subject.evaluate({"Fn::Split": ["|", "a|b||c"]}) == ["a", "b", "", "c"]
    assert subject.evaluate({"Fn::Select": ["1", {"Ref": "Subnets"}]}) == "s-2"
    assert subject.evaluate(
        {"Fn::Select": [2, {"Fn::Split": ["/", {"Fn::Sub": "a/${Stage}/c"}]}]}
    ) == "c"


def test_join_and_select_on_what_they_cannot_use() -> None:
    assert unresolvable_message({"Fn::Join": [",", "a,b"]}) == (
        "Fn::Join needs a list to join, not 'a,b'"
    )
    assert unresolvable_message({"Fn::Select": [5, ["a"]]}) == (
        "Fn::Select cannot take item 5 of ['a']"
    )
    assert unresolvable_message({"Fn::Select": ["first", ["a"]]}) == (
        "Fn::Select cannot take item 'first' of ['a']"
    )


def test_find_in_map_reads_keys_as_text() -> None:
    mappings = {"Sizes": {ACCOUNT: {"memory": 512}, "prod": {"memory": 2048}}}
    subject = resolver(mappings=mappings)
    assert subject.evaluate({"Fn::FindInMap": ["Sizes", {"Ref": "Stage"}, "memory"]}) == 2048
    assert subject.evaluate({"Fn::FindInMap": ["Sizes", 123456789012, "memory"]}) == 512


def test_find_in_map_without_the_entry() -> None:
    mappings = {"Sizes": {"prod": {"memory": 2048}}}
    assert unresolvable_message(
        {"Fn::FindInMap": ["Sizes", "dev", "memory"]}, mappings=mappings
    ) == "Fn::FindInMap finds no Sizes/dev/memory"
    assert unresolvable_message(
        {"Fn::FindInMap": ["Sizes", "prod", "memory", {"DefaultValue": 128}]}, mappings=mappings
    ) == (
        "Fn::FindInMap takes a list of 3 values, not "
        "['Sizes', 'prod', 'memory', {'DefaultValue': 128}]"
    )


def test_base64_and_get_azs() -> None:
    subject = resolver()
    encoded = subject.evaluate({"Fn::Base64": {"Fn::Sub": "#!/bin/sh\necho ${Stage}"}})
    assert base64.b64decode(encoded).decode() == "#!/bin/sh\necho prod"
    assert subject.evaluate({"Fn::GetAZs": ""}) == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert subject.evaluate({"Fn::GetAZs": {"Ref": "AWS::Region"}}) == [
        "eu-west-1a", "eu-west-1b", "eu-west-1c"
    ]
    assert subject.evaluate({"Fn::GetAZs": "us-east-2"}) == [
        "us-east-2a", "us-east-2b", "us-east-2c"
    ]


def test_values_from_other_stacks_and_unknown_functions_have_no_local_value() -> None:
    assert unresolvable_message({"Fn::ImportValue": "shared-vpc"}) == (
        "Fn::ImportValue 'shared-vpc': values exported by other stacks are not available locally"
    )
    assert unresolvable_message({"Fn::Transform": {"Name": "AWS::Include"}}) == (
        "Fn::Transform is not supported by the simulator"
    )


def test_resolve_warns_where_a_value_is_left_unset_and_keeps_the_rest() -> None:
    subject = resolver()
    value = {
        "Variables": {
            "QUEUE": {"Ref": "Jobs"},
            "VPC": {"Fn::ImportValue": "shared-vpc"},
        },
        "Layers": ["arn:aws:lambda:eu-west-1:123456789012:layer:a:1", {"Ref": "Missing"}],
    }
    assert subject.resolve(value, "Resources.Fn.Properties") == {
        "Variables": {
            "QUEUE": f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/jobs",
            "VPC": None,
        },
        "Layers": ["arn:aws:lambda:eu-west-1:123456789012:layer:a:1", None],
    }
    assert subject.warnings == [
        "Resources.Fn.Properties.Variables.VPC: Fn::ImportValue 'shared-vpc': values exported "
        "by other stacks are not available locally; the value is left unset.",
        "Resources.Fn.Properties.Layers[1]: no parameter or resource is named Missing; the "
        "value is left unset.",
    ]


def test_no_value_removes_a_property_or_a_list_item() -> None:
    conditions = {"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}}
    subject = resolver(conditions=conditions)
    no_value = {"Ref": "AWS::NoValue"}
    value = {
        "Kept": {"Fn::If": ["IsProd", "yes", no_value]},
        "Dropped": {"Fn::If": ["IsProd", no_value, "no"]},
        "Items": ["a", no_value, {"Fn::If": ["IsProd", no_value, "b"]}, "c"],
    }
    assert subject.resolve(value, "Resources.Fn.Properties") == {
        "Kept": "yes",
        "Items": ["a", "c"],
    }
    assert subject.resolve(no_value, "Resources.Fn.Properties.Description") is None
    assert subject.warnings == []


def test_a_template_error_inside_a_value_is_not_turned_into_a_warning() -> None:
    with pytest.raises(TemplateError):
        resolver().resolve({"Fn::If": ["Undefined", "a", "b"]}, "Resources.Fn.Properties.X")


# Conditions.

CONDITIONS = {
    "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
    "IsDev": {"Fn::Equals": ["dev", {"Ref": "Stage"}]},
    "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
    "ProdAndRegion": {"Fn::And": [{"Condition": "IsProd"},
                                  {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}]},
    "DevOrNotProd": {"Fn::Or": [{"Condition": "IsDev"}, {"Condition": "NotProd"}]},
    "FlagOn": {"Fn::Equals": [{"Ref": "Flag"}, True]},
    "CountIsOne": {"Fn::Equals": [1, "1"]},
    "SameList": {"Fn::Equals": [{"Ref": "Subnets"}, ["s-1", "s-2"]]},
}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("IsProd", True),
        ("IsDev", False),
        ("NotProd", False),
        ("ProdAndRegion", True),
        ("DevOrNotProd", False),
        ("FlagOn", True),
        ("CountIsOne", True),
        ("SameList", True),
    ],
)
def test_condition_functions(name: str, expected: bool) -> None:
    parameters = {"Stage": "prod", "Flag": "true", "Subnets": ["s-1", "s-2"]}
    subject = resolver(parameters=parameters, conditions=CONDITIONS)
    assert subject.condition(name) is expected
    assert subject.warnings == []


def test_fn_if_follows_its_condition() -> None:
    value = {"Fn::If": ["IsProd", {"Ref": "Jobs"}, "none"]}
    assert resolver(parameters={"Stage": "dev"}, conditions=CONDITIONS).evaluate(value) == "none"
    assert resolver(parameters={"Stage": "prod"}, conditions=CONDITIONS).evaluate(value) == (
        f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/jobs"
    )


@pytest.mark.parametrize("name", ["Undefined", ["IsProd"]])
def test_an_undefined_condition_is_an_error(name: Any) -> None:
    with pytest.raises(TemplateError) as raised:
        resolver(conditions=CONDITIONS).condition(name)
    assert str(raised.value) == (
        f"the condition {name!r} is used but not defined under Conditions"
    )


def test_a_condition_that_cannot_be_decided_is_false_and_warned_about_once() -> None:
    conditions = {
        "Shared": {"Fn::Equals": [{"Fn::ImportValue": "flag"}, "on"]},
        "Odd": {"Fn::Sub": "true"},
    }
    subject = resolver(conditions=conditions)
    assert subject.condition("Shared") is False
    assert subject.condition("Shared") is False
    assert subject.condition("Odd") is False
    assert subject.warnings == [
        "Conditions.Shared: Fn::ImportValue 'flag': values exported by other stacks are not "
        "available locally; the condition is taken as false.",
        "Conditions.Odd: Fn::Sub is not a condition function; the condition is taken as false.",
    ]


def test_a_condition_that_uses_itself_ends() -> None:
    subject = resolver(conditions={"Loop": {"Condition": "Loop"}})
    assert subject.condition("Loop") is False


def test_exists_follows_a_resources_condition() -> None:
    resources = {
        "Always": {"Type": "AWS::SQS::Queue"},
        "ProdOnly": {"Type": "AWS::SQS::Queue", "Condition": "IsProd"},
    }
    dev = resolver(parameters={"Stage": "dev"}, resources=resources, conditions=CONDITIONS)
    assert dev.exists("Always") is True
    assert dev.exists("ProdOnly") is False
    assert unresolvable_message(
        {"Ref": "ProdOnly"},
        parameters={"Stage": "dev"}, resources=resources, conditions=CONDITIONS,
    ) == "ProdOnly is not created: its Condition is false"
    prod = resolver(parameters={"Stage": "prod"}, resources=resources, conditions=CONDITIONS)
    assert prod.exists("ProdOnly") is True


# Names.


def test_a_name_may_depend_on_parameters_and_other_resources_in_any_order() -> None:
    resources = {
        "Worker": {"Type": "AWS::Lambda::Function", "Properties": {
            "FunctionName": {"Fn::Sub": "${Jobs}-worker"}}},
        "Jobs": {"Type": "AWS::SQS::Queue", "Properties": {
            "QueueName": {"Fn::Join": ["-", [{"Ref": "AWS::StackName"}, {"Ref": "Stage"}]]}}},
    }
    subject = resolver(resources=resources)
    worker = subject.physical("Worker")
    assert worker.name == f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/demo-prod-worker"
    assert subject.physical("Jobs").name == "demo-prod"


def test_a_name_that_cannot_be_resolved_is_generated_with_a_warning() -> None:
    resources = {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {
        "FunctionName": {"Fn::ImportValue": "shared-name"}}}}
    subject = resolver(resources=resources)
    assert subject.physical("Fn").name == "demo-Fn"
    assert subject.warnings == [
        "Resources.Fn.Properties.FunctionName: Fn::ImportValue 'shared-name': values exported "
        "by other stacks are not available locally; a generated name is used."
    ]


def test_an_empty_name_is_generated() -> None:
    resources = {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": ""}}}
    assert resolver(resources=resources).physical("Fn").name == "demo-Fn"


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ({"Type": "AWS::SQS::Queue", "Properties": {"FifoQueue": "true"}}, "demo-Orders.fifo"),
        ({"Type": "AWS::SQS::Queue", "Properties": {"FifoQueue": True}}, "demo-Orders.fifo"),
        ({"Type": "AWS::SQS::Queue", "Properties": {"FifoQueue": False}}, "demo-Orders"),
        ({"Type": "AWS::SNS::Topic", "Properties": {"FifoTopic": True}}, "demo-Orders.fifo"),
        ({"Type": "AWS::SNS::Topic"}, "demo-Orders"),
    ],
)
def test_generated_names_of_fifo_queues_and_topics_end_in_fifo(
    resource: dict[str, Any], expected: str
) -> None:
    assert resolver(resources={"Orders": resource}).physical("Orders").name == expected


def test_a_layer_without_a_name_is_named_after_its_logical_id() -> None:
    resources: dict[str, dict[str, Any]] = {
        "Deps": {"Type": "AWS::Serverless::LayerVersion"},
        "Named": {"Type": "AWS::Lambda::LayerVersion", "Properties": {"LayerName": "shared"}},
    }
    subject = resolver(resources=resources)
    assert subject.physical("Deps").name == "Deps"
    assert subject.physical("Named").name == "shared"
    assert subject.evaluate({"Ref": "Named"}) == "Named"


def test_names_that_depend_on_each_other_are_an_error() -> None:
    resources = {
        "A": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Sub": "${B}-a"}}},
        "B": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::GetAtt": "A.Arn"}}},
    }
    with pytest.raises(TemplateError) as raised:
        resolver(resources=resources).physical("A")
    assert str(raised.value) == (
        "the names of these resources depend on each other: A -> B -> A; name one of them "
        "without the others"
    )


def test_a_resource_may_not_be_named_after_itself() -> None:
    resources = {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {
        "FunctionName": {"Fn::Sub": "${Fn.Arn}"}}}}
    with pytest.raises(TemplateError, match="depend on each other: Fn -> Fn;"):
        resolver(resources=resources).physical("Fn")



def test_a_name_that_resolves_to_no_value_gives_the_generated_name() -> None:
    resources = {"Orders": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {
        "Fn::If": ["Named", "given", {"Ref": "AWS::NoValue"}]}}}}
    subject = resolver(resources=resources, conditions={"Named": {"Fn::Equals": ["a", "b"]}})
    assert subject.physical("Orders").name.startswith("demo-Orders")


def test_split_with_an_empty_delimiter_is_unresolvable() -> None:
    assert "delimiter" in unresolvable_message({"Fn::Split": ["", "abc"]})


@pytest.mark.parametrize("arguments", [["-1", ["a", "b"]], ["0", "abc"]])
def test_select_takes_only_items_of_a_list_counted_from_zero(arguments: list[Any]) -> None:
    assert "Fn::Select" in unresolvable_message({"Fn::Select": arguments})
