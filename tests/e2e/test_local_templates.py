"""A template on this machine deployed through a real simulator as a CloudFormation stack, with
its local folders taken in place and followed: a saved edit is a new generation running the new
code, a save without change is none, a template edit updates the stack (and a template that
cannot be parsed leaves the functions serving), a deploy that fails names what to fix and the
next good one succeeds, requirements pip cannot install fail a new function (or a saved update of
one) with pip's words, and parameter overrides reach the stack."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from simulator.functions.folder_checksum import folder_digest
from simulator.http_server import SimulatorServer
from simulator.models import FunctionConfig
from simulator.templates import TemplateError
from simulator.workspace.local_functions import Workspace
from tests.conftest import require_interpreter
from tests.helpers import eventually, invoke_ok, lambda_client

RUNTIME = "python3.12"
QUIET = 0.5  # as long as a reload takes once its file event is in, warm-up included


def aws(server: SimulatorServer, service: str) -> Any:
    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def function_resource(logical_id: str, name: str, folder: str, runtime: str = RUNTIME,
                      more: str = "") -> str:
    return (f"  {logical_id}:\n"
            "    Type: AWS::Serverless::Function\n"
            "    Properties:\n"
            f"      FunctionName: {name}\n"
            f"      Runtime: {runtime}\n"
            "      Handler: app.handler\n"
            f"      CodeUri: {folder}/\n" + more)


class Project:
    """A template's folder (named after its stack, unique per test) and a workspace following
    it on the module's simulator."""

    def __init__(self, tmp_path: Path, server: SimulatorServer) -> None:
        self.stack = f"demo-{uuid.uuid4().hex[:8]}"
        self.root = (tmp_path / self.stack).resolve()
        self.root.mkdir()
        self.template = self.root / "template.yaml"
        self.server = server
        self.lambda_client = lambda_client(server.url)
        self.cloudformation = aws(server, "cloudformation")
        simulator = server.simulator
        self.workspace = Workspace(simulator.functions, simulator.layers, simulator.local_code,
                                   lambda: aws(server, "cloudformation"), tmp_path / "state")

    def name(self, suffix: str) -> str:
        return f"{self.stack}-{suffix}"

    def handler(self, folder: str, answer: str) -> Path:
        """A code folder whose handler answers `answer` (a Python expression)."""
        source = self.root / folder / "app.py"
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(f"def handler(event, context):\n    return {answer}\n")
        return source

    def write(self, *resources: str, head: str = "") -> Path:
        self.template.write_text("Transform: AWS::Serverless-2016-10-31\n" + head
                                 + "Resources:\n" + "".join(resources))
        return self.template

    def function(self, name: str) -> FunctionConfig:
        function = self.server.simulator.functions.latest(name)
        assert function is not None, f"{name} is not deployed"
        return function

    def stack_status(self) -> str:
        (stack,) = self.cloudformation.describe_stacks(StackName=self.stack)["Stacks"]
        return str(stack["StackStatus"])

    def deployed_names(self) -> set[str]:
        return {function["FunctionName"]
                for page in self.lambda_client.get_paginator("list_functions").paginate()
                for function in page["Functions"]
                if function["FunctionName"].startswith(f"{self.stack}-")}

    def invoke(self, name: str) -> Any:
        return invoke_ok(self.lambda_client, name)


@pytest.fixture(scope="module")
def server(process_server: SimulatorServer) -> SimulatorServer:
    require_interpreter("process", RUNTIME)
    return process_server


@pytest.fixture
def project(tmp_path: Path, server: SimulatorServer) -> Iterator[Project]:
    project = Project(tmp_path, server)
    yield project
    project.workspace.close()


def test_a_local_code_uri_deploys_as_a_stack_running_the_folder_itself(
    project: Project
) -> None:
    project.handler("src", "'from the folder'")
    project.write(function_resource("Api", project.name("api"), "src"),
                  head="Outputs:\n  ApiArn:\n    Value: !GetAtt Api.Arn\n")

    report = project.workspace.load(project.template)

    assert (report.stack, report.functions, report.removed) == (
        project.stack, [project.name("api")], [])
    assert report.outputs["ApiArn"].endswith(f":function:{project.name('api')}")
    assert project.stack_status() == "CREATE_COMPLETE"
    assert project.function(project.name("api")).code_dir == str(project.root / "src")
    configuration = project.lambda_client.get_function_configuration(
        FunctionName=project.name("api"))
    assert (configuration["CodeSha256"], configuration["CodeSize"]) == folder_digest(
        project.root / "src")
    assert project.invoke(project.name("api")) == "from the folder"


def test_a_saved_edit_is_a_new_generation_with_the_folders_checksum(project: Project) -> None:
    source = project.handler("src", "'before'")
    project.write(function_resource("Api", project.name("api"), "src"))
    project.workspace.load(project.template)
    assert project.invoke(project.name("api")) == "before"
    before = project.function(project.name("api"))

    source.write_text("def handler(event, context):\n    return 'after'\n")

    assert eventually(lambda: project.function(project.name("api")).generation
                      > before.generation)
    new_sha256 = folder_digest(project.root / "src")[0]
    assert new_sha256 != before.code_sha256
    assert project.lambda_client.get_function_configuration(
        FunctionName=project.name("api"))["CodeSha256"] == new_sha256
    assert project.invoke(project.name("api")) == "after"


def test_a_save_without_change_makes_no_generation(project: Project) -> None:
    unchanged = project.handler("unchanged", "'same'")
    edited = project.handler("edited", "'one'")
    project.write(function_resource("Unchanged", project.name("unchanged"), "unchanged"),
                  function_resource("Edited", project.name("edited"), "edited"))
    project.workspace.load(project.template)
    generations = {name: project.function(project.name(name)).generation
                   for name in ("unchanged", "edited")}

    unchanged.write_text(unchanged.read_text())
    os.utime(unchanged)
    # A real edit saved after the touch: once it is a new generation, file events are being
    # followed, and the touch's own check (which ran alongside) has had as long to settle.
    edited.write_text("def handler(event, context):\n    return 'two'\n")

    assert eventually(lambda: project.function(project.name("edited")).generation
                      > generations["edited"])
    assert not eventually(lambda: project.function(project.name("unchanged")).generation
                          != generations["unchanged"], timeout=QUIET)


def test_a_template_edit_updates_the_stack_adding_and_removing_functions(
    project: Project
) -> None:
    project.handler("first", "'first'")
    project.handler("second", "'second'")
    project.write(function_resource("First", project.name("first"), "first"),
                  function_resource("Second", project.name("second"), "second"))
    project.workspace.load(project.template)
    assert project.deployed_names() == {project.name("first"), project.name("second")}

    third = project.handler("third", "'third'")
    project.write(function_resource("First", project.name("first"), "first"),
                  function_resource("Third", project.name("third"), "third"))

    assert eventually(lambda: project.deployed_names() == {project.name("first"),
                                                           project.name("third")})
    assert eventually(lambda: project.stack_status() == "UPDATE_COMPLETE")
    assert project.invoke(project.name("third")) == "third"
    generation = project.function(project.name("third")).generation
    third.write_text("def handler(event, context):\n    return 'third, edited'\n")
    assert eventually(lambda: project.function(project.name("third")).generation > generation)
    assert project.invoke(project.name("third")) == "third, edited"


def test_a_template_that_cannot_be_parsed_is_logged_and_the_functions_keep_serving(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    project.handler("src", "'still here'")
    project.handler("more", "'more'")
    api = function_resource("Api", project.name("api"), "src")
    project.write(api)
    project.workspace.load(project.template)

    with caplog.at_level(logging.ERROR, logger="simulator.workspace.local_functions"):
        project.template.write_text("Resources: [this is: not a template\n")
        assert eventually(lambda: "template not reloaded" in caplog.text)

    assert str(project.template) in caplog.text
    assert project.invoke(project.name("api")) == "still here"
    assert project.stack_status() == "CREATE_COMPLETE"
    project.write(api, function_resource("More", project.name("more"), "more"))
    assert eventually(lambda: project.name("more") in project.deployed_names())


def test_a_missing_code_folder_is_a_template_error_naming_the_path(project: Project) -> None:
    project.write(function_resource("Api", project.name("api"), "nowhere"))

    with pytest.raises(TemplateError) as error:
        project.workspace.load(project.template)

    assert "Api" in str(error.value)
    assert str(project.root / "nowhere") in str(error.value)
    assert project.deployed_names() == set()


def test_a_failed_deploy_names_the_resource_and_the_next_good_load_creates_the_stack_anew(
    project: Project
) -> None:
    project.handler("src", "'fixed'")
    project.write(function_resource("Api", project.name("api"), "src", runtime="python2.7"))

    with pytest.raises(TemplateError) as error:
        project.workspace.load(project.template)

    assert "Api (AWS::Lambda::Function) CREATE_FAILED" in str(error.value)
    assert "python2.7" in str(error.value)
    assert project.stack_status() == "ROLLBACK_COMPLETE"
    (failed,) = project.cloudformation.describe_stacks(StackName=project.stack)["Stacks"]

    project.write(function_resource("Api", project.name("api"), "src"))
    report = project.workspace.load(project.template)

    (created,) = project.cloudformation.describe_stacks(StackName=project.stack)["Stacks"]
    assert created["StackStatus"] == "CREATE_COMPLETE"
    assert created["StackId"] != failed["StackId"]
    assert report.functions == [project.name("api")]
    assert project.invoke(project.name("api")) == "fixed"


def test_a_role_naming_a_missing_resource_is_a_template_error_naming_it(
    project: Project
) -> None:
    project.handler("src", "'unused'")
    project.write(function_resource("Api", project.name("api"), "src",
                                    more="      Role: !GetAtt MissingRole.Arn\n"))

    with pytest.raises(TemplateError) as error:
        project.workspace.load(project.template)

    assert "MissingRole" in str(error.value)
    assert str(project.template) in str(error.value)
    assert project.deployed_names() == set()


def unsatisfiable_requirements(folder: Path) -> None:
    """Without an index pip fails here, offline, as it fails on a name PyPI lacks."""
    (folder / "requirements.txt").write_text("--no-index\nno-such-package-xyz-123==1.0\n")


def test_a_new_function_whose_requirements_pip_cannot_install_is_failed_with_pips_words(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    project.handler("src", "'ran without its requirements'")
    unsatisfiable_requirements(project.root / "src")
    project.write(function_resource("Api", project.name("api"), "src"))

    with caplog.at_level(logging.ERROR, logger="simulator.workspace.local_functions"):
        project.workspace.load(project.template)

    assert "pip could not install" in caplog.text
    configuration = project.lambda_client.get_function_configuration(
        FunctionName=project.name("api"))
    assert (configuration["State"], configuration["StateReasonCode"]) == (
        "Failed", "DependencyError")
    assert "no-such-package-xyz-123" in configuration["StateReason"]
    with pytest.raises(project.lambda_client.exceptions.ResourceConflictException) as refused:
        project.lambda_client.invoke(FunctionName=project.name("api"))
    assert "following state: Failed" in str(refused.value)


def test_a_save_whose_requirements_pip_cannot_install_fails_the_update_only(
    project: Project
) -> None:
    project.handler("src", "'as it was'")
    project.write(function_resource("Api", project.name("api"), "src"))
    project.workspace.load(project.template)
    generation = project.function(project.name("api")).generation

    unsatisfiable_requirements(project.root / "src")

    def update_status() -> str:
        return str(project.lambda_client.get_function_configuration(
            FunctionName=project.name("api"))["LastUpdateStatus"])

    assert eventually(lambda: update_status() == "Failed")
    configuration = project.lambda_client.get_function_configuration(
        FunctionName=project.name("api"))
    assert (configuration["State"], configuration["LastUpdateStatusReasonCode"]) == (
        "Active", "DependencyError")
    assert "no-such-package-xyz-123" in configuration["LastUpdateStatusReason"]
    assert project.function(project.name("api")).generation == generation
    assert project.invoke(project.name("api")) == "as it was"


def test_a_local_layer_is_on_opt_and_its_edit_reloads_the_function(project: Project) -> None:
    project.handler("src", "__import__('shared').VALUE")
    shared = project.root / "lib" / "python" / "shared.py"
    shared.parent.mkdir(parents=True)
    shared.write_text("VALUE = 'layer one'\n")
    project.write(function_resource("Api", project.name("api"), "src",
                                    more="      Layers: [!Ref Shared]\n"),
                  "  Shared:\n"
                  "    Type: AWS::Serverless::LayerVersion\n"
                  "    Properties:\n"
                  "      ContentUri: lib/\n")
    project.workspace.load(project.template)
    assert project.invoke(project.name("api")) == "layer one"
    generation = project.function(project.name("api")).generation

    shared.write_text("VALUE = 'layer two'\n")

    assert eventually(lambda: project.function(project.name("api")).generation > generation)
    assert project.invoke(project.name("api")) == "layer two"


def test_parameter_overrides_reach_the_stack(project: Project) -> None:
    project.handler("src", "__import__('os').environ['STAGE']")
    project.write(function_resource("Api", project.name("api"), "src",
                                    more="      Environment:\n"
                                         "        Variables:\n"
                                         "          STAGE: !Ref Stage\n"),
                  head="Parameters:\n  Stage:\n    Type: String\n    Default: dev\n")

    report = project.server.simulator.load_template(project.template, {"Stage": "prod"})

    assert report.functions == [project.name("api")]
    (stack,) = project.cloudformation.describe_stacks(StackName=project.stack)["Stacks"]
    assert {(p["ParameterKey"], p["ParameterValue"]) for p in stack["Parameters"]} == {
        ("Stage", "prod")}
    assert project.invoke(project.name("api")) == "prod"
