"""Functions and the provider's settings as SAM function properties: names, defaults, what a
function overrides, environment, layers, the execution role."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.templates.errors import TemplateError
from tests.unit.templates.serverless.service_files import convert, resource, translated


def test_defaults_are_the_frameworks(tmp_path: Path) -> None:
    converted = convert(tmp_path, """
        functions:
          hello:
            handler: src/handlers/hello.main
    """)
    assert resource(converted, "HelloLambdaFunction") == {
        "Type": "AWS::Serverless::Function",
        "Properties": {"FunctionName": "shop-dev-hello", "MemorySize": 1024, "Timeout": 6,
                       "Runtime": "python3.12", "Handler": "src/handlers/hello.main",
                       "CodeUri": "."}}
    assert converted.stack_name == "shop-dev"


def test_logical_ids_spell_dashes_and_underscores(tmp_path: Path) -> None:
    converted = convert(tmp_path, """
        functions:
          get-user_v2:
            handler: h.main
    """)
    assert "GetDashuserUnderscorev2LambdaFunction" in converted.document["Resources"]


def test_provider_settings_apply_and_a_function_overrides_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    converted = convert(tmp_path, """
          stage: qa
          memorySize: 512
          timeout: 20
          architecture: arm64
          tracing: {lambda: true}
          tags: {team: shop}
          environment: {SHARED: one, OVERRIDDEN: provider}
          layers: [arn:aws:lambda:us-east-1:123456789012:layer:base:1]
        functions:
          first:
            handler: first.main
          second:
            handler: second.main
            name: custom-second
            runtime: nodejs22.x
            memorySize: 128
            timeout: 3
            description: The second
            reservedConcurrency: 2
            environment: {OVERRIDDEN: function}
            layers: []
            tags: {owner: me}
    """)
    first = resource(converted, "FirstLambdaFunction")["Properties"]
    assert first["FunctionName"] == "shop-qa-first"
    assert (first["MemorySize"], first["Timeout"]) == (512, 20)
    assert first["Architectures"] == ["arm64"]
    assert first["Tracing"] == "Active"
    assert first["Layers"] == ["arn:aws:lambda:us-east-1:123456789012:layer:base:1"]
    assert first["Environment"] == {"Variables": {"SHARED": "one", "OVERRIDDEN": "provider"}}
    second = resource(converted, "SecondLambdaFunction")["Properties"]
    assert second["FunctionName"] == "custom-second"
    assert (second["Runtime"], second["MemorySize"], second["Timeout"]) == ("nodejs22.x", 128, 3)
    assert second["Environment"] == {"Variables": {"SHARED": "one", "OVERRIDDEN": "function"}}
    assert "Layers" not in second
    assert second["Tags"] == {"team": "shop", "owner": "me"}
    assert second["Description"] == "The second"
    assert second["ReservedConcurrentExecutions"] == 2
    translated(converted.document, monkeypatch)


def test_iam_statements_become_the_functions_policies(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    statement = ("[{Effect: Allow, Action: ['dynamodb:GetItem'], "
                 "Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/t'}]")
    converted = convert(tmp_path, f"""
          iam:
            role:
              statements: {statement}
              managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
        functions:
          reader:
            handler: reader.main
    """)
    policies = resource(converted, "ReaderLambdaFunction")["Properties"]["Policies"]
    assert policies[0] == "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    assert policies[1]["Statement"][0]["Action"] == ["dynamodb:GetItem"]
    role = translated(converted.document, monkeypatch)["Resources"]["ReaderLambdaFunctionRole"]
    assert "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" in \
        role["Properties"]["ManagedPolicyArns"]
    inline = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]
    assert inline["Action"] == ["dynamodb:GetItem"]


def test_older_iam_role_statements_are_read_too(tmp_path: Path) -> None:
    converted = convert(tmp_path, """
          iamRoleStatements:
            - {Effect: Allow, Action: ['s3:*'], Resource: '*'}
        functions:
          f:
            handler: f.main
    """)
    policies = resource(converted, "FLambdaFunction")["Properties"]["Policies"]
    assert policies == [{"Version": "2012-10-17",
                         "Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}]}]


@pytest.mark.parametrize(("role", "expected"), [
    ("arn:aws:iam::123456789012:role/given", "arn:aws:iam::123456789012:role/given"),
    ("MyRole", {"Fn::GetAtt": ["MyRole", "Arn"]}),
])
def test_a_named_role_is_used_as_it_is(tmp_path: Path, role: str, expected: object) -> None:
    converted = convert(tmp_path, f"""
          iam:
            role: {role}
        functions:
          f:
            handler: f.main
    """)
    properties = resource(converted, "FLambdaFunction")["Properties"]
    assert properties["Role"] == expected
    assert "Policies" not in properties


def test_package_artifact_is_the_code(tmp_path: Path) -> None:
    converted = convert(tmp_path, """
        package:
          artifact: build/service.zip
        functions:
          f:
            handler: f.main
          g:
            handler: g.main
            package: {artifact: build/g.zip}
    """)
    assert resource(converted, "FLambdaFunction")["Properties"]["CodeUri"] == \
        "build/service.zip"
    assert resource(converted, "GLambdaFunction")["Properties"]["CodeUri"] == "build/g.zip"


def test_log_retention_is_ignored_with_a_warning(tmp_path: Path) -> None:
    converted = convert(tmp_path, """
          logRetentionInDays: 14
        functions:
          f:
            handler: f.main
            logRetentionInDays: 3
    """)
    assert "provider.logRetentionInDays is ignored: the simulator keeps function logs " \
        "itself." in converted.warnings
    assert any(warning.startswith("functions.f.logRetentionInDays is ignored")
               for warning in converted.warnings)


@pytest.mark.parametrize(("functions", "message"), [
    ("f: {runtime: python3.12}", "functions.f has no handler"),
    ("f: {handler: f.main}", "functions.f has no runtime"),
])
def test_a_function_without_handler_or_runtime_is_an_error(
        tmp_path: Path, functions: str, message: str) -> None:
    header = "service: shop\nprovider:\n  name: aws\n"
    with pytest.raises(TemplateError, match=message):
        convert(tmp_path, f"functions:\n  {functions}\n", header=header)
