"""`lambda-sim init`: the hello-world project it writes is complete (a SAM template our loader
reads, a handler that answers through the HttpApi route, a test, a README), and it never writes
into a folder that already holds something."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from simulator.cli import main
from simulator.pytest_plugin import LambdaSim
from simulator.templates.reader import read_template
from tests.helpers import running_server
from tests.unit.templates.serverless.service_files import translated

FILES = ["README.md", "hello/app.py", "template.yaml", "tests/test_hello.py"]


def files_under(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def handler_module(project: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("scaffolded_app", project / "hello" / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_init_writes_the_four_files_and_says_what_to_do_next(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "my-app"
    assert main(["init", str(project)]) == 0
    assert files_under(project) == FILES
    err = capsys.readouterr().err
    assert f"created {project}: template.yaml, hello/app.py, tests/test_hello.py, README.md" in err
    assert f"next: cd {project} && lambda-sim serve --template template.yaml" in err


def test_the_project_is_named_after_its_folder(tmp_path: Path) -> None:
    project = tmp_path / "orders-service"
    assert main(["init", str(project)]) == 0
    assert (project / "README.md").read_text().startswith("# orders-service\n")
    assert "Description: orders-service, served locally" in (project / "template.yaml").read_text()


def test_without_a_folder_it_creates_hello_lambda_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    assert files_under(tmp_path / "hello-lambda") == FILES


def test_an_existing_empty_folder_is_used(tmp_path: Path) -> None:
    project = tmp_path / "empty"
    project.mkdir()
    assert main(["init", str(project)]) == 0
    assert files_under(project) == FILES


def test_a_folder_that_holds_anything_is_refused_and_left_untouched(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "template.yaml").write_text("mine")
    assert main(["init", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"error: {tmp_path} exists and is not empty\n"
    assert files_under(tmp_path) == ["template.yaml"]
    assert (tmp_path / "template.yaml").read_text() == "mine"


def test_the_template_translates_to_one_python_function_behind_a_get_route(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "demo"
    assert main(["init", str(project)]) == 0
    document = read_template(project / "template.yaml")
    assert document["Resources"]["HelloFunction"]["Properties"]["CodeUri"] == "hello/"
    assert (project / "hello" / "app.py").is_file()
    resources = translated(document, monkeypatch)["Resources"]
    function = resources["HelloFunction"]["Properties"]
    assert (function["FunctionName"], function["Runtime"], function["Handler"]) == \
        ("hello", "python3.11", "app.handler")
    assert (function["Timeout"], function["MemorySize"]) == (10, 128)
    assert function["Environment"] == {"Variables": {"GREETING": "Hello"}}
    paths = resources["ServerlessHttpApi"]["Properties"]["Body"]["paths"]
    assert list(paths) == ["/hello"] and list(paths["/hello"]) == ["get"]


def test_the_handler_greets_by_the_query_name_with_the_configured_greeting(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["init", str(tmp_path / "demo")]) == 0
    app = handler_module(tmp_path / "demo")
    monkeypatch.setenv("GREETING", "Hi")
    answer: dict[str, Any] = app.handler({"queryStringParameters": {"name": "you"}}, None)
    assert answer["statusCode"] == 200
    assert answer["headers"] == {"Content-Type": "application/json"}
    assert json.loads(answer["body"]) == {"message": "Hi, you!"}


def test_the_handler_greets_the_world_without_a_query_string(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["init", str(tmp_path / "demo")]) == 0
    app = handler_module(tmp_path / "demo")
    monkeypatch.setenv("GREETING", "Hello")
    # API Gateway sends null, not an empty object, when the URL has no query string.
    answer = app.handler({"queryStringParameters": None}, None)
    assert json.loads(answer["body"]) == {"message": "Hello, world!"}


def test_the_scaffolded_test_passes_against_a_simulator(tmp_path: Path) -> None:
    project = tmp_path / "demo"
    assert main(["init", str(project)]) == 0
    spec = importlib.util.spec_from_file_location("scaffolded_test",
                                                  project / "tests" / "test_hello.py")
    assert spec is not None and spec.loader is not None
    scaffolded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scaffolded)
    with running_server(tmp_path / "state", "process") as server:
        scaffolded.test_hello(LambdaSim(server))
