"""Whole service files: the examples from serverless/examples converted and loaded, the
loader's hook (any serverless.yml/.yaml/.json), plugins and sections ignored with a warning,
and the errors a user must fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.templates import TemplateError
from simulator.templates.serverless import is_service_file, service_template
from tests.unit.templates.serverless.service_files import convert, translated

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "serverless"
SERVICE_FILES = sorted(FIXTURES.glob("*/serverless.yml"))


def test_the_fixtures_are_there() -> None:
    assert len(SERVICE_FILES) >= 8


@pytest.mark.parametrize("path", SERVICE_FILES, ids=lambda path: path.parent.name)
def test_each_example_converts_and_passes_the_sam_translator(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    converted = service_template(path, {}, environ={})
    assert converted.document["Transform"] == "AWS::Serverless-2016-10-31"
    output = translated(converted.document, monkeypatch)
    names = [item["Properties"]["FunctionName"] for item in output["Resources"].values()
             if item["Type"] == "AWS::Lambda::Function"]
    assert names
    assert all(name.startswith(f"{converted.stack_name}-") for name in names)


def test_the_rest_api_with_dynamodb_example_in_detail() -> None:
    path = FIXTURES / "aws-python-rest-api-with-dynamodb" / "serverless.yml"
    converted = service_template(path, {"stage": "prod", "region": "eu-west-1"}, environ={})
    resources = converted.document["Resources"]
    create = resources["CreateLambdaFunction"]["Properties"]
    assert create["FunctionName"] == "serverless-rest-api-with-dynamodb-prod-create"
    assert create["Handler"] == "todos/create.create"
    table = "serverless-rest-api-with-dynamodb-prod"
    assert create["Environment"] == {"Variables": {"DYNAMODB_TABLE": table}}
    statement = create["Policies"][0]["Statement"][0]
    assert statement["Resource"] == f"arn:aws:dynamodb:eu-west-1:*:table/{table}"
    assert resources["TodosDynamoDbTable"]["Properties"]["TableName"] == table
    assert resources["ApiGatewayRestApi"]["Properties"]["StageName"] == "prod"
    assert converted.stack_name == "serverless-rest-api-with-dynamodb-prod"


def test_a_service_file_translates_as_a_sam_template(monkeypatch: pytest.MonkeyPatch) -> None:
    path = FIXTURES / "simulator-worker" / "serverless.yml"
    converted = service_template(path, {"stage": "prod"})
    assert converted.stack_name == "simulator-worker-prod"
    resources = translated(converted.document, monkeypatch)["Resources"]
    functions = {item["Properties"]["FunctionName"]: item["Properties"]
                 for item in resources.values() if item["Type"] == "AWS::Lambda::Function"}
    assert set(functions) == {"simulator-worker-prod-api", "simulator-worker-prod-jobs-worker",
                              "simulator-worker-prod-janitor"}
    api = functions["simulator-worker-prod-api"]
    assert api["Handler"] == "src/api.handler"
    assert (api["MemorySize"], api["Timeout"]) == (256, 10)
    assert api["Environment"]["Variables"]["STAGE_COLOUR"] == "red"
    assert [item["Type"] for item in resources.values()].count("AWS::Lambda::LayerVersion") == 1
    assert any(item["Type"] == "AWS::Lambda::EventSourceMapping" for item in resources.values())
    assert "JobsQueueUrl" in converted.document["Outputs"]
    assert converted.warnings[0] == ("plugins are not run by the simulator, so these are "
                                     "ignored: serverless-python-requirements.")


@pytest.mark.parametrize("name", ["serverless.yml", "serverless.yaml", "serverless.json"])
def test_every_service_file_name_is_recognised(tmp_path: Path, name: str) -> None:
    (tmp_path / "app.py").write_text("def main(event, context):\n    return event\n")
    service = {"service": "named", "provider": {"name": "aws", "runtime": "python3.12"},
               "functions": {"f": {"handler": "app.main"}}}
    path = tmp_path / name
    path.write_text(json.dumps(service))
    assert is_service_file(path)
    (function,) = service_template(path, {}).document["Resources"].values()
    assert function["Properties"]["FunctionName"] == "named-dev-f"


def test_a_template_yaml_is_not_a_service_file(tmp_path: Path) -> None:
    assert not is_service_file(tmp_path / "template.yaml")


def test_plugins_and_unknown_sections_are_warned_about_once(tmp_path: Path) -> None:
    converted = convert(tmp_path, """
        plugins:
          - serverless-offline
          - serverless-lift
        constructs:
          jobs: {type: queue}
        custom:
          unused: ${ssm:/only/for/a/plugin}
        functions:
          f: {handler: f.main}
    """)
    assert converted.warnings == [
        "plugins are not run by the simulator, so these are ignored: serverless-offline, "
        "serverless-lift.",
        "The section constructs is not part of the framework's own service file (a plugin's?)"
        "; it is ignored.",
    ]


def test_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as raised:
        convert(tmp_path, """
            functions:
              f:
                handler: f.main
                environment:
                  KEY: ${env:API_KEY}
        """)
    assert str(raised.value) == (
        f"{tmp_path / 'serverless.yml'}: functions.f.environment.KEY: cannot resolve "
        "${env:API_KEY}: the environment variable API_KEY is not set, and no fallback after a "
        "comma has a value; set it or add a fallback (${source:address, 'default'})")


def test_only_the_aws_provider(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="provider.name is google"):
        convert(tmp_path, "functions: {}\n", header="service: s\nprovider: {name: google}\n")


def test_a_service_without_functions_or_resources(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="has no functions and no resources"):
        convert(tmp_path, "")


def test_the_old_service_mapping_form(tmp_path: Path) -> None:
    converted = convert(tmp_path, "functions: {f: {handler: f.main}}\n",
                        header="service: {name: older}\nprovider: {name: aws, runtime: "
                               "python3.12}\n")
    assert converted.stack_name == "older-dev"
