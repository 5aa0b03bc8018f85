"""`sam deploy`, the SAM CLI itself, pointed at the simulator through AWS_ENDPOINT_URL:
it creates its managed artifacts bucket with a stack, uploads the app, deploys it with a
change set, and a second deploy updates it. The app has an API, an SQS trigger and a
layer. The SAM CLI pins older boto3 releases than the simulator, so it lives in a virtual
environment of its own: `LAMBDA_SIM_SAM_CLI` names its `sam`, as `.ci/run` sets it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.http_server import SimulatorServer
from tests.e2e.test_cloudformation_api import aws, outputs
from tests.helpers import eventually, lambda_client, running_server, unique_name

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Jobs:
    Type: AWS::SQS::Queue
  Words:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layer/
      CompatibleRuntimes: [python3.11]
  Greeter:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: app.handler
      CodeUri: src/
      Layers: [!Ref Words]
      Events:
        Hello:
          Type: Api
          Properties:
            Path: /hello
            Method: get
        Work:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
            BatchSize: 1
Outputs:
  Function:
    Value: !Ref Greeter
  Queue:
    Value: !Ref Jobs
  Api:
    Value: !Sub "https://${ServerlessRestApi}.execute-api.${AWS::Region}.amazonaws.com/Prod/hello/"
"""
HANDLER = "import greeting\ndef handler(event, context):\n    return greeting.WORD + '{}'\n"


def sam_cli() -> str:
    found = os.environ.get("LAMBDA_SIM_SAM_CLI") or shutil.which("sam")
    if found is None:
        reason = "the SAM CLI is not installed (LAMBDA_SIM_SAM_CLI names its sam)"
        if os.environ.get("LAMBDA_SIM_REQUIRE_DOCKER") == "1":  # CI installs it
            pytest.fail(reason)
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def sam_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    with running_server(tmp_path_factory.mktemp("sam"), "process") as running:
        yield running


def deploy(sam: str, app: Path, server: SimulatorServer, stack: str) -> str:
    environment = {**os.environ, "AWS_ENDPOINT_URL": server.url, "AWS_ACCESS_KEY_ID": "test",
                   "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
                   "SAM_CLI_TELEMETRY": "0"}
    done = subprocess.run(
        [sam, "deploy", "--stack-name", stack, "--resolve-s3", "--no-confirm-changeset",
         "--capabilities", "CAPABILITY_IAM", "--region", "us-east-1"],
        cwd=app, env=environment, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_sam_deploy_creates_then_updates_an_app(sam_server: SimulatorServer,
                                               tmp_path: Path) -> None:
    sam = sam_cli()
    app, stack = tmp_path / "app", unique_name("sam-app")
    (app / "src").mkdir(parents=True)
    (app / "layer" / "python").mkdir(parents=True)
    (app / "template.yaml").write_text(TEMPLATE)
    (app / "layer" / "python" / "greeting.py").write_text("WORD = 'hello'\n")
    (app / "src" / "app.py").write_text(HANDLER.format(""))

    printed = deploy(sam, app, sam_server, stack)
    assert f"Successfully created/updated stack - {stack}" in printed
    made = outputs(aws(sam_server, "cloudformation"), stack)
    client = lambda_client(sam_server.url)
    assert json.loads(client.invoke(FunctionName=made["Function"])["Payload"].read()) == "hello"
    assert made["Api"].endswith(".execute-api.us-east-1.amazonaws.com/Prod/hello/")
    aws(sam_server, "sqs").send_message(QueueUrl=made["Queue"], MessageBody="job")
    assert eventually(lambda: sum(e.message.startswith("REPORT") for e in
                                  sam_server.simulator.logs.events(made["Function"])) >= 2, 60)

    (app / "src" / "app.py").write_text(HANDLER.format(" again"))
    deploy(sam, app, sam_server, stack)
    answer = client.invoke(FunctionName=made["Function"])["Payload"].read()
    assert json.loads(answer) == "hello again"
    (described,) = aws(sam_server, "cloudformation").describe_stacks(StackName=stack)["Stacks"]
    assert described["StackStatus"] == "UPDATE_COMPLETE"
