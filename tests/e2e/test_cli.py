"""The `lambda-sim` client commands against a running simulator, as a user types them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from simulator.http_server import SimulatorServer
from tests.helpers import create_function, lambda_client, running_server, unique_name

ECHO = """
def handler(event, context):
    print("handling", event)
    if event.get("fail"):
        raise ValueError("asked to fail")
    return {"echo": event}
"""


def lambda_sim(server: SimulatorServer, *args: str, stdin: str | None = None
               ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "simulator.cli", *args,
                           *(["--endpoint", server.url] if args[0] != "init" else [])],
                          capture_output=True, text=True, input=stdin, timeout=120)


@pytest.fixture(scope="module")
def cli_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with running_server(tmp_path_factory.mktemp("cli-state"), "process") as server:
        yield server


def test_invoke_ls_and_logs(cli_server: SimulatorServer, tmp_path: Path) -> None:
    name = create_function(lambda_client(cli_server.url), ECHO)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"hello": "cli"}))
    result = lambda_sim(cli_server, "invoke", name, "--event", str(event))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"echo": {"hello": "cli"}}
    assert "START RequestId" in result.stderr  # the log tail, shown to the user
    piped = lambda_sim(cli_server, "invoke", name, "--event", "-", "--json",
                       stdin=json.dumps({"fail": True}))
    assert piped.returncode == 1
    assert json.loads(piped.stdout)["FunctionError"] == "Unhandled"
    listing = lambda_sim(cli_server, "ls", "--json")
    row = next(r for r in json.loads(listing.stdout) if r["name"] == name)
    assert row["warm"] == 1 and row["runtime"] == "python3.11"
    logs = lambda_sim(cli_server, "logs", name)
    assert "handling {'hello': 'cli'}" in logs.stdout
    assert "REPORT RequestId" in logs.stdout


def test_errors_are_one_line_with_a_failing_exit(cli_server: SimulatorServer) -> None:
    result = lambda_sim(cli_server, "invoke", "no-such-function")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: ResourceNotFoundException")
    assert len(result.stderr.strip().splitlines()) == 1


def test_init_scaffolds_a_project_that_deploys_and_answers(cli_server: SimulatorServer,
                                                           tmp_path: Path) -> None:
    project = tmp_path / "hello-project"
    created = lambda_sim(cli_server, "init", str(project))
    assert created.returncode == 0, created.stderr
    assert (project / "template.yaml").is_file() and (project / "hello" / "app.py").is_file()
    deployed = lambda_sim(cli_server, "deploy", str(project / "template.yaml"), "--json")
    assert deployed.returncode == 0, deployed.stderr
    assert json.loads(deployed.stdout)["functions"] == ["hello"]
    answer = lambda_sim(cli_server, "emit", "http", "GET", "/hello?name=you", "--json")
    assert answer.returncode == 0, answer.stderr
    response = json.loads(answer.stdout)
    assert response["status"] == 200
    assert response["body"] == {"message": "Hello, you!"}
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            str(project / "tests")], capture_output=True, text=True,
                           timeout=300, cwd=project)
    assert tests.returncode == 0, tests.stdout + tests.stderr


def test_emit_s3_and_sqs_go_through_the_real_services(cli_server: SimulatorServer) -> None:
    import boto3

    s3 = boto3.client("s3", endpoint_url=cli_server.url, region_name="us-east-1",
                      aws_access_key_id="test", aws_secret_access_key="test")
    s3.create_bucket(Bucket="cli-emit-bucket")
    assert lambda_sim(cli_server, "emit", "s3", "cli-emit-bucket", "a/key.txt").returncode == 0
    assert s3.head_object(Bucket="cli-emit-bucket", Key="a/key.txt")["ContentLength"] == 0
    sqs = boto3.client("sqs", endpoint_url=cli_server.url, region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    url = sqs.create_queue(QueueName="cli-emit-queue")["QueueUrl"]
    sent = lambda_sim(cli_server, "emit", "sqs", "cli-emit-queue", "hello", "--json")
    assert sent.returncode == 0, sent.stderr
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "hello"


STACK_TEMPLATE = json.dumps({"Resources": {"GreeterFunction": {
    "Type": "AWS::Lambda::Function",
    "Properties": {"Runtime": "python3.11", "Handler": "index.handler",
                   "Role": "arn:aws:iam::000000000000:role/lambda",
                   "Code": {"ZipFile": "def handler(event, context):\n    return 'hello'\n"}}}}})


def test_a_function_is_named_by_its_logical_id_as_a_readme_names_it(
        cli_server: SimulatorServer) -> None:
    cloudformation = boto3.client("cloudformation", endpoint_url=cli_server.url,
                                  region_name="us-east-1", aws_access_key_id="test",
                                  aws_secret_access_key="test")
    first, second = unique_name("app"), unique_name("app")
    cloudformation.create_stack(StackName=first, TemplateBody=STACK_TEMPLATE)
    cloudformation.get_waiter("stack_create_complete").wait(StackName=first,
                                                            WaiterConfig={"Delay": 1})
    result = lambda_sim(cli_server, "invoke", "GreeterFunction")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == "hello"
    cloudformation.create_stack(StackName=second, TemplateBody=STACK_TEMPLATE)
    cloudformation.get_waiter("stack_create_complete").wait(StackName=second,
                                                            WaiterConfig={"Delay": 1})
    ambiguous = lambda_sim(cli_server, "invoke", "GreeterFunction")
    assert ambiguous.returncode == 1
    assert ambiguous.stderr.strip() == (
        f"error: GreeterFunction names a function in stacks {', '.join(sorted([first, second]))}"
        ": say which, as STACK/GreeterFunction")
    picked = lambda_sim(cli_server, "invoke", f"{second}/GreeterFunction")
    assert json.loads(picked.stdout) == "hello"
    logs = lambda_sim(cli_server, "logs", f"{second}/GreeterFunction")
    assert "REPORT RequestId" in logs.stdout
    for stack in (first, second):
        cloudformation.delete_stack(StackName=stack)
