"""`lambda-sim deploy cdk.out/` as a user runs it on the assembly aws-cdk-lib synthesised
(tests/fixtures/cdk): the function's code asset is published to the simulator's S3, the stack
is created through CloudFormation, and what it made runs: the function answers what the asset's
handler returns, through Invoke and its function URL, and a message sent to the queue reaches
it. A second deploy of the same assembly changes nothing and succeeds."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.http_server import SimulatorServer
from tests.e2e.test_cloudformation_api import aws, outputs
from tests.helpers import eventually, invoke_ok, lambda_client, running_server

ASSEMBLY = Path(__file__).resolve().parents[1] / "fixtures" / "cdk" / "cdk.out"
ANSWER = {"message": "hello from the cdk asset", "records": 0}


@pytest.fixture(scope="module")
def cdk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    with running_server(tmp_path_factory.mktemp("cdk"), "process") as running:
        yield running


def lambda_sim_deploy(server: SimulatorServer) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "simulator.cli", "deploy", str(ASSEMBLY),
                           "--endpoint", server.url],
                          capture_output=True, text=True, timeout=120, check=False)


def test_a_synthesised_cdk_app_deploys_runs_and_redeploys(cdk_server: SimulatorServer) -> None:
    done = lambda_sim_deploy(cdk_server)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("CdkGreeter CREATE_COMPLETE FunctionName="), done.stdout
    cloudformation = aws(cdk_server, "cloudformation")
    (stack,) = cloudformation.describe_stacks(StackName="CdkGreeter")["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    made = outputs(cloudformation, "CdkGreeter")
    assert set(made) == {"FunctionName", "QueueUrl", "Url"}

    function = made["FunctionName"]
    assert invoke_ok(lambda_client(cdk_server.url), function) == ANSWER
    with urllib.request.urlopen(made["Url"], timeout=60) as response:
        assert json.load(response) == ANSWER
    body = f"job-{uuid.uuid4().hex[:8]}"
    aws(cdk_server, "sqs").send_message(QueueUrl=made["QueueUrl"], MessageBody=body)
    assert eventually(lambda: any(f"message from the queue: {body}" in event.message
                                  for event in cdk_server.simulator.logs.events(function)), 60)

    again = lambda_sim_deploy(cdk_server)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.startswith("CdkGreeter CREATE_COMPLETE (no changes) "), again.stdout
    assert outputs(cloudformation, "CdkGreeter") == made
