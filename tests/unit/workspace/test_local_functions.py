"""What a template file deploys as, before any server is involved: the stack's name (the
template's folder, or a service file's `<service>-<stage>`), the body with local paths standing
for registered code, and which overrides are parameters. Deploying and following it through a
real server is in tests/e2e/test_local_templates.py."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from simulator.functions.local_code import LOCAL_CODE_BUCKET
from simulator.templates import TemplateError
from simulator.workspace.local_functions import stack_name_of, stack_template

SAM = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: dev}
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
"""


class Registry:
    """Records what was registered, answering a key per path."""

    def __init__(self) -> None:
        self.paths: list[Path] = []

    def register(self, path: Path) -> str:
        self.paths.append(path)
        return f"key{len(self.paths)}/{path.name}"


@pytest.mark.parametrize(("folder", "stack"), [
    ("shop", "shop"), ("my_app.v2", "my-app-v2"), ("2024-app", "stack-2024-app"),
    ("__", "stack"), ("a" * 200, "a" * 128)])
def test_a_folder_name_becomes_a_valid_stack_name(folder: str, stack: str) -> None:
    assert stack_name_of(folder) == stack


def test_a_sam_template_is_its_folders_stack_its_code_registered_its_overrides_parameters(
        tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    (folder / "src").mkdir(parents=True)
    (folder / "template.yaml").write_text(SAM)
    registry = Registry()

    template = stack_template(folder / "template.yaml", {"Stage": "prod"}, registry.register,
                              "111122223333")

    assert (template.stack_name, template.parameters, template.warnings) == (
        "shop", {"Stage": "prod"}, [])
    assert registry.paths == [(folder / "src").resolve()]
    body = json.loads(template.body)
    assert body["Resources"]["Api"]["Properties"]["CodeUri"] == \
        f"s3://{LOCAL_CODE_BUCKET}/key1/src"
    assert body["Parameters"] == {"Stage": {"Type": "String", "Default": "dev"}}


def test_a_service_file_is_its_services_stack_and_its_overrides_are_options(
        tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text("def hello(event, context):\n    return event\n")
    (tmp_path / "serverless.yml").write_text(textwrap.dedent("""\
        service: shop
        plugins: [serverless-offline]
        provider:
          name: aws
          runtime: python3.12
          stage: ${opt:stage, 'dev'}
        functions:
          hello:
            handler: handler.hello
        """))
    registry = Registry()

    template = stack_template(tmp_path / "serverless.yml", {"stage": "prod"},
                              registry.register, "111122223333")

    assert (template.stack_name, template.parameters) == ("shop-prod", {})
    assert any("serverless-offline" in warning for warning in template.warnings)
    resources = json.loads(template.body)["Resources"]
    (function,) = [item for item in resources.values()
                   if item["Type"] == "AWS::Serverless::Function"]
    assert function["Properties"]["FunctionName"] == "shop-prod-hello"
    assert registry.paths == [tmp_path.resolve()]


def test_a_missing_code_folder_is_an_error_naming_the_template_and_the_path(
        tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(SAM)

    with pytest.raises(TemplateError) as refused:
        stack_template(tmp_path / "template.yaml", {}, Registry().register, "111122223333")

    message = str(refused.value)
    assert message.startswith(f"{tmp_path / 'template.yaml'}: Api:")
    assert str(tmp_path / "src") in message
