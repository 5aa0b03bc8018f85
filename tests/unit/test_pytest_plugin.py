"""The `lambda_sim` pytest plugin: `LambdaSim`'s parts against a simulator on the fake
executor (clients, folder deploys, logs), and the fixture and its option as a user's own
pytest session meets them (pytester, in this process)."""

from __future__ import annotations

import io
import json
import socket
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator.executors.fake import FakeContext, FakeExecutor
from simulator.pytest_plugin import LambdaSim
from tests.helpers import running_server

pytest_plugins = ["pytester"]


def greet(event: Any, context: FakeContext) -> Any:
    context.print("greeting", event.get("name"))
    return {"greeting": f"{context.variables.get('GREETING', 'Hello')}, {event.get('name')}!"}


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LambdaSim]:
    executor = FakeExecutor({"app.handler": greet, "other.handler": greet})
    with running_server(tmp_path_factory.mktemp("plugin-state"), executor,
                        region="eu-central-1") as server:
        yield LambdaSim(server)


def folder(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def uploaded_files(sim: LambdaSim, name: str) -> list[str]:
    with urllib.request.urlopen(f"{sim.url}/_simulator/code/{name}.zip", timeout=10) as answer:
        return sorted(zipfile.ZipFile(io.BytesIO(answer.read())).namelist())


def invoke(sim: LambdaSim, name: str, event: Any) -> Any:
    response = sim.client("lambda").invoke(FunctionName=name, Payload=json.dumps(event))
    return json.loads(response["Payload"].read())


def test_clients_point_at_the_simulator_in_its_region(sim: LambdaSim) -> None:
    client = sim.client("sqs", read_timeout=7)
    assert client.meta.endpoint_url == sim.url
    assert client.meta.region_name == "eu-central-1"
    assert client.meta.config.read_timeout == 7
    assert client.list_queues().get("QueueUrls", []) is not None


def test_deploy_folder_zips_the_folder_without_caches_and_returns_the_arn(
        sim: LambdaSim, tmp_path: Path) -> None:
    code = folder(tmp_path / "src", {"app.py": "# handler", "lib/util.py": "# helper",
                                     "__pycache__/app.cpython-311.pyc": "bytecode",
                                     "lib/__pycache__/util.cpython-311.pyc": "bytecode"})
    arn = sim.deploy_folder("zipped", code)
    assert arn == "arn:aws:lambda:eu-central-1:000000000000:function:zipped"
    assert uploaded_files(sim, "zipped") == ["app.py", "lib/util.py"]
    configuration = sim.client("lambda").get_function_configuration(FunctionName="zipped")
    assert (configuration["Runtime"], configuration["Handler"]) == ("python3.11", "app.handler")
    assert configuration["State"] == "Active"
    assert invoke(sim, "zipped", {"name": "tests"}) == {"greeting": "Hello, tests!"}


def test_deploy_folder_passes_the_functions_settings(sim: LambdaSim, tmp_path: Path) -> None:
    code = folder(tmp_path / "src", {"other.py": "# handler"})
    sim.deploy_folder("configured", str(code), handler="other.handler", runtime="python3.12",
                      MemorySize=256, Environment={"Variables": {"GREETING": "Hi"}})
    configuration = sim.client("lambda").get_function_configuration(FunctionName="configured")
    assert (configuration["Runtime"], configuration["Handler"], configuration["MemorySize"]) == (
        "python3.12", "other.handler", 256)
    assert invoke(sim, "configured", {"name": "you"}) == {"greeting": "Hi, you!"}


def test_deploying_a_name_again_replaces_the_function(sim: LambdaSim, tmp_path: Path) -> None:
    sim.deploy_folder("replaced", folder(tmp_path / "one", {"app.py": "# one", "old.py": ""}),
                      Environment={"Variables": {"GREETING": "Old"}})
    sim.deploy_folder("replaced", folder(tmp_path / "two", {"app.py": "# two"}))
    assert uploaded_files(sim, "replaced") == ["app.py"]
    configuration = sim.client("lambda").get_function_configuration(FunctionName="replaced")
    assert "Environment" not in configuration  # nothing kept from the first deploy
    assert invoke(sim, "replaced", {"name": "again"}) == {"greeting": "Hello, again!"}


def test_logs_are_the_functions_lines_start_end_and_report_included(
        sim: LambdaSim, tmp_path: Path) -> None:
    sim.deploy_folder("logged", folder(tmp_path / "src", {"app.py": "# handler"}))
    assert sim.logs("logged") == []
    invoke(sim, "logged", {"name": "log"})
    lines = sim.logs("logged")
    assert lines[0].startswith("START RequestId: ")
    assert "greeting log\n" in lines
    assert lines[-2].startswith("END RequestId: ") and lines[-1].startswith("REPORT RequestId: ")


# -- the fixture and its option, in a user's pytest session -------------------------------------

USER_TESTS = '''
import json
from pathlib import Path

def test_first(lambda_sim, tmp_path):
    (tmp_path / "app.py").write_text(
        "def handler(event, context):\\n    print('got', event)\\n    return {'echo': event}\\n")
    lambda_sim.deploy_folder("echo", tmp_path)
    answer = lambda_sim.client("lambda").invoke(FunctionName="echo", Payload=b'{"a": 1}')
    assert json.loads(answer["Payload"].read()) == {"echo": {"a": 1}}
    assert "got {'a': 1}\\n" in lambda_sim.logs("echo")
    Path("seen.txt").write_text(lambda_sim.url + " " + lambda_sim.server.simulator.executor.name)

def test_second_shares_the_session_simulator(lambda_sim):
    url = Path("seen.txt").read_text().split()[0]
    assert lambda_sim.url == url
    assert lambda_sim.url.startswith("http://127.0.0.1:")
    assert not lambda_sim.url.endswith(":4570")  # a free port, not the default
'''


def test_the_fixture_is_one_simulator_for_the_session_removed_afterwards(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAMBDA_SIM_EXECUTOR", raising=False)
    pytester.makepyfile(test_user=USER_TESTS)
    run_user_session(pytester).assert_outcomes(passed=2)
    url, executor = (pytester.path / "seen.txt").read_text().split()
    assert executor == "process"  # the default: needs nothing installed
    host, port = url.removeprefix("http://").rsplit(":", 1)
    with socket.socket() as probe:
        assert probe.connect_ex((host, int(port))) != 0  # stopped with the session


def run_user_session(pytester: pytest.Pytester, *arguments: str) -> pytest.RunResult:
    """The user's tests in this process; hypothesis's plugin left out, as it is slow to load
    and has nothing to do with ours."""
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:hypothesispytest",
                                        *arguments)


OPTION_TEST = '''
def test_option(request):
    assert request.config.getoption("--lambda-sim-executor") == "{expected}"
'''


@pytest.mark.parametrize(("environment", "arguments", "expected"), [
    (None, [], "process"),
    ("docker", [], "docker"),
    ("docker", ["--lambda-sim-executor", "auto"], "auto"),
])
def test_the_executor_option_defaults_to_lambda_sim_executor_then_process(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, environment: str | None,
        arguments: list[str], expected: str) -> None:
    if environment is None:
        monkeypatch.delenv("LAMBDA_SIM_EXECUTOR", raising=False)
    else:
        monkeypatch.setenv("LAMBDA_SIM_EXECUTOR", environment)
    pytester.makepyfile(OPTION_TEST.format(expected=expected))
    run_user_session(pytester, *arguments).assert_outcomes(passed=1)


def test_an_unknown_executor_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(OPTION_TEST.format(expected="podman"))
    result = run_user_session(pytester, "--lambda-sim-executor", "podman")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--lambda-sim-executor: invalid choice: 'podman'*"])
