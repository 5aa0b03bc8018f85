"""The service's `resources:` merged into the template as CloudFormation, a resource of its
own extending or replacing a generated one under the same logical id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.templates.errors import TemplateError
from simulator.templates.serverless.resources import merge_resources, overridden
from tests.unit.templates.serverless.service_files import convert, resource, translated


def test_resources_outputs_and_conditions_are_merged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    converted = convert(tmp_path, """
        functions:
          f:
            handler: f.main
            environment:
              TABLE: {Ref: Table}
        resources:
          Description: The shop
          Conditions:
            IsProd: {"Fn::Equals": ["${sls:stage}", prod]}
          Resources:
            Table:
              Type: AWS::DynamoDB::Table
              Condition: IsProd
              Properties:
                TableName: shop-${sls:stage}
                BillingMode: PAY_PER_REQUEST
                AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
                KeySchema: [{AttributeName: id, KeyType: HASH}]
            FLambdaFunction:
              Properties:
                Description: Overridden by resources
          Outputs:
            TableName:
              Value: !Ref Table
    """)
    document = converted.document
    assert document["Description"] == "The shop"
    assert document["Conditions"] == {"IsProd": {"Fn::Equals": ["dev", "prod"]}}
    assert document["Resources"]["Table"]["Properties"]["TableName"] == "shop-dev"
    assert document["Outputs"] == {"TableName": {"Value": {"Ref": "Table"}}}
    function = resource(converted, "FLambdaFunction")
    assert function["Type"] == "AWS::Serverless::Function"
    assert function["Properties"]["Description"] == "Overridden by resources"
    assert function["Properties"]["Handler"] == "f.main"
    output = translated(document, monkeypatch)
    assert output["Resources"]["Table"]["Condition"] == "IsProd"


def test_resources_given_as_a_list_of_files(tmp_path: Path) -> None:
    (tmp_path / "resources").mkdir()
    (tmp_path / "resources" / "queue.yml").write_text(
        "Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n")
    (tmp_path / "resources" / "topic.yml").write_text(
        "Resources:\n  News:\n    Type: AWS::SNS::Topic\nOutputs:\n  News:\n    Value: x\n")
    converted = convert(tmp_path, """
        functions:
          f: {handler: f.main}
        resources:
          - ${file(resources/queue.yml)}
          - ${file(resources/topic.yml)}
          - Extensions: {}
    """)
    assert {"Jobs", "News", "FLambdaFunction"} <= set(converted.document["Resources"])
    assert converted.document["Outputs"] == {"News": {"Value": "x"}}
    assert any("resources[2].Extensions is not merged" in warning
               for warning in converted.warnings)


def test_own_keys_override_and_properties_merge_key_by_key() -> None:
    generated = {"Type": "AWS::Serverless::Function", "DependsOn": ["A"],
                 "Properties": {"Handler": "f.main", "Timeout": 6}}
    assert overridden(generated, {"DependsOn": ["B"], "Properties": {"Timeout": 30}}) == {
        "Type": "AWS::Serverless::Function", "DependsOn": ["B"],
        "Properties": {"Handler": "f.main", "Timeout": 30}}
    assert overridden(generated, {"Type": "AWS::Lambda::Function"})["Properties"] == \
        generated["Properties"]


def test_outputs_and_mappings_of_the_same_name_are_replaced_not_merged() -> None:
    template: dict[str, Any] = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
                                "Outputs": {"Url": {"Value": "a", "Export": {"Name": "x"}}}}
    warnings: list[str] = []
    merge_resources(template, {"Outputs": {"Url": {"Value": "b"}},
                               "Mappings": {"Sizes": {"dev": {"Memory": 128}}},
                               "Resources": {"Queue": "not a mapping"}}, warnings)
    assert template == {"Resources": {"Queue": "not a mapping"},
                        "Outputs": {"Url": {"Value": "b"}},
                        "Mappings": {"Sizes": {"dev": {"Memory": 128}}}}
    assert warnings == []


def test_nothing_declared_changes_nothing() -> None:
    template: dict[str, Any] = {"Resources": {}}
    merge_resources(template, None, [])
    merge_resources(template, {}, [])
    assert template == {"Resources": {}}


def test_a_section_that_is_not_a_mapping_is_warned_about() -> None:
    warnings: list[str] = []
    template: dict[str, Any] = {}
    merge_resources(template, {"Resources": ["Queue"], "Transform": "AWS::Serverless"},
                    warnings)
    assert template == {}
    assert [w.split(" is not merged")[0] for w in warnings] == ["resources.Resources",
                                                                 "resources.Transform"]


@pytest.mark.parametrize(("declared", "where"), [("Resources", "resources"),
                                                 ([{}, "x"], r"resources\[1\]")])
def test_resources_must_be_mappings(declared: object, where: str) -> None:
    with pytest.raises(TemplateError, match=f"^{where} must be a mapping"):
        merge_resources({}, declared, [])
