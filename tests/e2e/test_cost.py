"""What a function would cost on AWS, end to end: a function created and invoked with boto3 on
a process-executor simulator, then `lambda-sim cost --json` (run as its own process) and the
Prometheus scrape priced from the billed durations the REPORT lines say; provisioned
concurrency set with boto3 is billed for its configured time and the invocations it serves."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import time
import urllib.request
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from simulator.http_server import SimulatorServer
from tests.helpers import create_function, lambda_client

HANDLER = """
def handler(event, context):
    return {"ok": True}
"""
# us-east-1, x86 (https://aws.amazon.com/lambda/pricing/)
PER_REQUEST = 0.0000002
PER_GB_SECOND = 0.0000166667
EPHEMERAL_STORAGE_PER_GB_SECOND = 0.0000000309
PROVISIONED_CONCURRENCY_PER_GB_SECOND = 0.0000041667
PROVISIONED_DURATION_PER_GB_SECOND = 0.0000097222


def billed_ms(response: dict[str, Any]) -> int:
    log = base64.b64decode(response["LogResult"]).decode()
    match = re.search(r"Billed Duration: (\d+) ms", log)
    assert match, log
    return int(match.group(1))


def cost_report(server: SimulatorServer) -> dict[str, Any]:
    finished = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "cost", "--json", "--endpoint", server.url],
        capture_output=True, text=True, timeout=60, check=True)
    return json.loads(finished.stdout)  # type: ignore[no-any-return]


def row_of(report: dict[str, Any], name: str) -> dict[str, Any]:
    [row] = [row for row in report["functions"] if row["function"] == name]
    return row


def scraped_cost(server: SimulatorServer, name: str) -> float:
    with urllib.request.urlopen(f"{server.url}/_simulator/metrics", timeout=10) as response:
        text = response.read().decode()
    [value] = [sample.value for family in text_string_to_metric_families(text)
               for sample in family.samples
               if sample.name == "lambda_estimated_cost_usd"
               and sample.labels == {"function_name": name}]
    return value


def test_the_cost_is_priced_from_the_report_lines_billed_durations(
        process_server: SimulatorServer) -> None:
    client = lambda_client(process_server.url)
    name = create_function(client, HANDLER, MemorySize=256, EphemeralStorage={"Size": 1024})
    billed = [billed_ms(client.invoke(FunctionName=name, Payload=b"{}", LogType="Tail"))
              for _ in range(3)]

    report = cost_report(process_server)

    seconds = sum(billed) / 1000
    expected = (3 * PER_REQUEST + seconds * 0.25 * PER_GB_SECOND
                + seconds * 0.5 * EPHEMERAL_STORAGE_PER_GB_SECOND)
    row = row_of(report, name)
    assert (row["architecture"], row["memoryMb"], row["requests"]) == ("x86_64", 256, 3)
    assert row["gbSeconds"] == pytest.approx(seconds * 0.25)
    assert row["ephemeralStorageGbSeconds"] == pytest.approx(seconds * 0.5)
    assert row["costUsd"] == pytest.approx(expected)
    assert report["totals"]["freeTier"]["creditUsd"] == pytest.approx(
        report["totals"]["beforeFreeTierUsd"] - report["totals"]["afterFreeTierUsd"])
    assert scraped_cost(process_server, name) == pytest.approx(expected)


def test_provisioned_concurrency_is_billed_for_its_time_and_its_invocations(
        process_server: SimulatorServer) -> None:
    client = lambda_client(process_server.url)
    name = create_function(client, HANDLER, MemorySize=512)
    version = client.publish_version(FunctionName=name)["Version"]
    client.put_provisioned_concurrency_config(
        FunctionName=name, Qualifier=version, ProvisionedConcurrentExecutions=1)
    wait_for_a_warm_environment(process_server, name, version)

    billed = billed_ms(client.invoke(FunctionName=name, Qualifier=version, Payload=b"{}",
                                     LogType="Tail"))
    row = row_of(cost_report(process_server), name)

    assert (row["requests"], row["provisionedRequests"]) == (1, 1)
    assert row["provisionedGbSeconds"] == pytest.approx(billed / 1000 * 0.5)
    # Billed in five-minute steps from when it was set: the first step, read within it.
    assert row["provisionedConcurrencyGbSeconds"] == pytest.approx(1 * 0.5 * 300)
    assert row["costUsd"] == pytest.approx(
        PER_REQUEST + billed / 1000 * 0.5 * PROVISIONED_DURATION_PER_GB_SECOND
        + 150 * PROVISIONED_CONCURRENCY_PER_GB_SECOND)


def wait_for_a_warm_environment(server: SimulatorServer, name: str, version: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{server.url}/_simulator/environments",
                                    timeout=10) as response:
            environments = json.load(response)["environments"]
        if any((e["function"], e["version"], e["state"]) == (name, version, "idle")
               for e in environments):
            return
        time.sleep(0.05)
    raise AssertionError(f"no warm environment of {name}:{version} within 30 s")
