"""Functions from a SAM template and local folders, deployed into the control plane over the fake
executor and kept in step with the files: a saved change is a new generation, already warm; a
template edit adds and removes functions; a template that cannot be parsed is logged and the
functions keep serving; requirements that cannot be installed fail the function as AWS fails
a creation or an update."""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool
from simulator.errors import ResourceConflictException, ResourceNotFoundException
from simulator.executors.fake import FakeExecutor
from simulator.functions.code_store import CodeStore
from simulator.functions.layer_operations import LayerService
from simulator.functions.layer_store import LayerStore
from simulator.models import FunctionConfig
from simulator.templates import Template, load_template
from simulator.workspace.folder_checksum import folder_digest
from simulator.workspace.local_functions import Workspace
from tests.helpers import eventually, make_zip
from tests.unit.lambda_service import LambdaService

QUIET = 0.25  # long enough for a file event, its debounce and a check to have happened

API = """\
  Api:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: api
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
"""
INLINE = """\
  Inline:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: inline-fn
      Runtime: python3.12
      Handler: index.handler
      InlineCode: |
        def handler(event, context):
            return "inline"
"""


class Project:
    """A template's folder, the workspace following it, and the templates it deployed."""

    def __init__(self, tmp_path: Path, service: LambdaService, layers: LayerService) -> None:
        self.root = (tmp_path / "demo").resolve()
        (self.root / "src").mkdir(parents=True)
        (self.root / "src" / "app.py").write_text("def handler(event, context):\n"
                                                  "    return event\n")
        self.template = self.root / "template.yaml"
        self.service = service
        self.wired: list[Template] = []
        self.workspace = Workspace(service.functions, layers, CodeStore(tmp_path / "zips"),
                                   tmp_path / "state", wire_events=self.wired.append)

    def write(self, *resources: str) -> Path:
        self.template.write_text("Transform: AWS::Serverless-2016-10-31\nResources:\n"
                                 + "".join(resources))
        return self.template

    def function(self, name: str) -> FunctionConfig:
        function = self.service.functions.latest(name)
        assert function is not None, f"{name} is not deployed"
        return function

    def generation(self, name: str) -> int:
        return self.function(name).generation


@pytest.fixture
def layers(tmp_path: Path) -> LayerService:
    return LayerService(Settings(state_dir=tmp_path), LayerStore(tmp_path / "layers.db"),
                        CodeStore(tmp_path / "layers"), tmp_path / "layer-opt")


@pytest.fixture
def project(tmp_path: Path, service: LambdaService, layers: LayerService) -> Iterator[Project]:
    project = Project(tmp_path, service, layers)
    yield project
    project.workspace.close()


def layer_resource(logical_id: str, folder: str) -> str:
    return (f"  {logical_id}:\n"
            "    Type: AWS::Serverless::LayerVersion\n"
            "    Properties:\n"
            f"      ContentUri: {folder}/\n")


def with_layers(*layers: str) -> str:
    return API + f"      Layers: [{', '.join(layers)}]\n"


def test_a_template_deploys_its_functions_active_and_runnable(project: Project) -> None:
    project.write(API, INLINE)

    report = project.workspace.load(project.template)

    assert report.functions == ["api", "inline-fn"] and report.removed == []
    assert any("InlineCode" in warning for warning in report.warnings)
    configuration = project.service.functions.get_function_configuration("api")
    assert configuration["State"] == "Active"
    assert (configuration["Runtime"], configuration["Handler"]) == ("python3.12", "app.handler")
    assert (configuration["CodeSha256"], configuration["CodeSize"]) == folder_digest(
        project.root / "src")
    assert project.function("api").code_dir == str(project.root / "src")
    outcome = project.service.invoker.invoke("api", None, b'{"n": 1}')
    assert outcome.status == 200 and outcome.payload == b'{"n": 1}'
    assert [template.path for template in project.wired] == [project.template]


def test_inline_code_is_stored_as_index_py(project: Project) -> None:
    project.write(INLINE)

    project.workspace.load(project.template)

    code = Path(project.function("inline-fn").code_dir)
    assert (code / "index.py").read_text() == ('def handler(event, context):\n'
                                               '    return "inline"\n')


def test_a_saved_change_is_a_new_generation_that_is_already_warm(
    project: Project, pool: EnvironmentPool, executor: FakeExecutor
) -> None:
    project.write(API)
    project.workspace.load(project.template)
    project.service.invoker.invoke("api", None, b"{}")
    before = project.function("api")

    (project.root / "src" / "app.py").write_text("def handler(event, context):\n"
                                                 "    return 'new'\n")

    assert eventually(lambda: project.generation("api") > before.generation, timeout=5)
    after = project.function("api")
    assert after.code_sha256 == folder_digest(project.root / "src")[0] != before.code_sha256
    # the new generation's environment was started before it was published; the old retires
    assert eventually(lambda: [e.function.generation for e in pool.live_environments()]
                      == [after.generation])
    launches = executor.launches
    project.service.invoker.invoke("api", None, b"{}")
    assert executor.launches == launches  # the next invoke ran warm


def test_a_touch_or_an_editor_leftover_changes_nothing(project: Project) -> None:
    project.write(API)
    project.workspace.load(project.template)
    generation = project.generation("api")

    source = project.root / "src" / "app.py"
    source.write_text(source.read_text())
    (project.root / "src" / ".app.py.swp").write_text("swap")
    time.sleep(QUIET)

    assert project.generation("api") == generation


def test_template_edits_add_and_remove_functions(project: Project) -> None:
    project.write(API)
    project.workspace.load(project.template)

    project.write(INLINE)

    assert eventually(lambda: project.service.functions.latest("inline-fn") is not None,
                      timeout=5)
    assert eventually(lambda: project.service.functions.latest("api") is None)
    with pytest.raises(ResourceNotFoundException):
        project.service.functions.get_function("api")
    assert eventually(lambda: [f.name for f in project.wired[-1].functions] == ["inline-fn"])


def test_deploying_a_template_without_a_function_reports_it_removed(project: Project) -> None:
    project.write(API, INLINE)
    project.workspace.deploy(load_template(project.template))

    project.write(INLINE)
    report = project.workspace.deploy(load_template(project.template))

    assert (report.functions, report.removed) == (["inline-fn"], ["api"])
    assert project.service.functions.latest("api") is None


def test_a_broken_template_edit_keeps_the_functions_until_it_is_fixed(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    project.write(API)
    project.workspace.load(project.template)

    with caplog.at_level(logging.ERROR):
        project.template.write_text("Resources: [this is: not a template\n")
        assert eventually(lambda: "template not reloaded" in caplog.text, timeout=5)

    assert project.service.functions.latest("api") is not None
    project.write(API, INLINE)
    assert eventually(lambda: project.service.functions.latest("inline-fn") is not None,
                      timeout=5)


def test_template_layers_are_merged_into_opt_and_their_edits_reload_the_function(
    project: Project
) -> None:
    for name, text in (("base", "base"), ("top", "top")):
        (project.root / name / "python").mkdir(parents=True)
        (project.root / name / "python" / "shared.py").write_text(f"WHO = '{text}'\n")
        (project.root / name / "python" / f"{name}_only.py").write_text("")
    project.write(with_layers("!Ref Base", "!Ref Top"), layer_resource("Base", "base"),
                  layer_resource("Top", "top"))
    project.workspace.load(project.template)
    opt = Path(project.function("api").opt_dir)
    assert (opt / "python" / "shared.py").read_text() == "WHO = 'top'\n"  # later layers win
    assert {p.name for p in (opt / "python").iterdir()} == {"shared.py", "base_only.py",
                                                             "top_only.py"}
    generation = project.generation("api")

    (project.root / "top" / "python" / "shared.py").write_text("WHO = 'edited'\n")

    assert eventually(lambda: project.generation("api") > generation, timeout=5)
    opt = Path(project.function("api").opt_dir)
    assert (opt / "python" / "shared.py").read_text() == "WHO = 'edited'\n"


def test_a_layer_published_to_the_simulator_is_used_by_its_arn(
    project: Project, layers: LayerService
) -> None:
    content = base64.b64encode(make_zip({"python/published.py": "VALUE = 1\n"})).decode()
    arn = layers.publish("published", {"Content": {"ZipFile": content}})["LayerVersionArn"]
    elsewhere = "arn:aws:lambda:us-east-1:111122223333:layer:theirs:1"
    project.write(with_layers(arn, elsewhere))

    project.workspace.load(project.template)

    opt = Path(project.function("api").opt_dir)
    assert [p.name for p in (opt / "python").iterdir()] == ["published.py"]


def test_a_new_function_whose_requirements_cannot_be_installed_is_failed_with_pips_words(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    (project.root / "src" / "requirements.txt").write_text(
        "--no-index\nno-such-package-for-lambda-sim==1.0\n")
    project.write(API)

    with caplog.at_level(logging.ERROR):
        project.workspace.load(project.template)

    assert "pip could not install" in caplog.text
    configuration = project.service.functions.get_function_configuration("api")
    assert (configuration["State"], configuration["StateReasonCode"],
            configuration["LastUpdateStatus"]) == ("Failed", "DependencyError", "Failed")
    assert "no-such-package-for-lambda-sim" in configuration["StateReason"]
    with pytest.raises(ResourceConflictException) as refused:
        project.service.invoker.invoke("api", None, b"{}")
    assert str(refused.value).startswith(
        "The operation cannot be performed at this time. The function is currently in the "
        "following state: Failed.")


def test_an_update_whose_requirements_cannot_be_installed_keeps_the_function_as_it_was(
    project: Project
) -> None:
    project.write(API)
    project.workspace.load(project.template)
    before = project.function("api")

    (project.root / "src" / "requirements.txt").write_text(
        "--no-index\nno-such-package-for-lambda-sim==1.0\n")
    project.workspace.load(project.template)

    configuration = project.service.functions.get_function_configuration("api")
    assert (configuration["State"], configuration["LastUpdateStatus"],
            configuration["LastUpdateStatusReasonCode"]) == ("Active", "Failed", "DependencyError")
    assert "pip could not install" in configuration["LastUpdateStatusReason"]
    assert project.generation("api") == before.generation
    assert project.service.invoker.invoke("api", None, b"{}").status == 200

    (project.root / "src" / "requirements.txt").write_text("")
    project.workspace.load(project.template)
    # The folder's watcher may still be finishing the reload the broken file started; the
    # fixed file's own reload comes after it.
    assert eventually(lambda: project.service.functions.get_function_configuration("api")[
        "LastUpdateStatus"] == "Successful", timeout=30)
    fixed = project.service.functions.get_function_configuration("api")
    assert fixed["State"] == "Active" and "LastUpdateStatusReason" not in fixed


def test_after_close_edits_are_not_followed(project: Project) -> None:
    project.write(API)
    project.workspace.load(project.template)
    generation = project.generation("api")

    project.workspace.close()
    (project.root / "src" / "app.py").write_text("changed\n")
    project.write(INLINE)
    time.sleep(QUIET)

    assert project.generation("api") == generation
    assert project.service.functions.latest("inline-fn") is None
