"""ValidateTemplate, GetTemplateSummary and GetTemplate."""

from __future__ import annotations

import json

from simulator.stacks.cloudformation import CloudFormation
from tests.unit.stacks.fakes import call, template, thing

BODY = ("Description: demo\nParameters:\n  Env: {Type: String, Default: dev, "
        "AllowedValues: [dev, prod], Description: where}\n  Key: {Type: String, NoEcho: true}\n"
        "Resources:\n  Role: {Type: AWS::IAM::Role}\n  T: {Type: Test::Fake::Thing}\n")




def test_validate_template_describes_parameters_and_capabilities(
        service: CloudFormation) -> None:
    answer = call(service, "ValidateTemplate", TemplateBody=BODY)
    assert answer["Description"] == "demo"
    assert answer["Parameters"] == [
        {"ParameterKey": "Env", "DefaultValue": "dev", "NoEcho": False, "Description": "where"},
        {"ParameterKey": "Key", "DefaultValue": None, "NoEcho": True, "Description": None}]
    assert answer["Capabilities"] == ["CAPABILITY_IAM"]
    assert answer["CapabilitiesReason"] == ("The following resource(s) require capabilities: "
                                            "[AWS::IAM::Role]")


def test_template_summary_lists_types_and_constraints(service: CloudFormation) -> None:
    answer = call(service, "GetTemplateSummary", TemplateBody=BODY)
    assert answer["ResourceTypes"] == ["AWS::IAM::Role", "Test::Fake::Thing"]
    assert answer["Parameters"][0]["ParameterConstraints"] == {"AllowedValues": ["dev", "prod"]}
    assert answer["Parameters"][0]["ParameterType"] == "String"


def test_get_template_answers_the_original_or_the_processed_one(
        service: CloudFormation) -> None:
    body = template({"T": thing(Name="t")})
    call(service, "CreateStack", StackName="app", TemplateBody=body)
    assert call(service, "GetTemplate", StackName="app")["TemplateBody"] == body
    processed = call(service, "GetTemplate", StackName="app", TemplateStage="Processed")
    assert json.loads(processed["TemplateBody"]) == json.loads(body)
