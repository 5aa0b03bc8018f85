"""Asynchronous events through every failure AWS documents a rule for, 1,000 at a time, counted:
an engine out of reach while they arrive, environments that fail to launch at random, and an
OnFailure queue deleted while records are owed to it, then created again. Each event ends
processed (or its record delivered) and none is lost. Asynchronous invocation is at-least-once
on AWS, so a duplicate would be allowed: it is counted and shown."""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from simulator.errors import EnvironmentUnavailable
from simulator.executors.base import ExitCallback, LaunchSpec, OutputCallback, RunningRuntime
from simulator.executors.process import ProcessExecutor
from simulator.http_server import SimulatorServer
from tests.conftest import require_docker
from tests.helpers import create_function, lambda_client, running_server, unique_name
from tests.reliability.support import (
    TEST_NETWORK,
    UnixSocketProxy,
    state_dir_containers,
    wait_until,
)

EVENTS = 1_000
PROCESS = """
def handler(event, context):
    print("PROCESSED " + event["id"])
"""
FAIL = """
def handler(event, context):
    raise RuntimeError("failed " + event["id"])
"""


class FlakyLaunches(ProcessExecutor):
    """The process executor, failing a share of its launches as an engine would that could
    not start a container."""

    def __init__(self, state_dir: Path, failure_rate: float) -> None:
        super().__init__(state_dir)
        self.failure_rate = failure_rate
        self.failed = 0
        self._lock = threading.Lock()

    def launch(self, spec: LaunchSpec, on_output: OutputCallback,
               on_exit: ExitCallback) -> RunningRuntime:
        with self._lock:
            if random.random() < self.failure_rate:
                self.failed += 1
                raise EnvironmentUnavailable("the environment could not be started")
        return super().launch(spec, on_output, on_exit)


def send_events(server: SimulatorServer, name: str) -> list[str]:
    lam = lambda_client(server.url, max_pool_connections=16)
    sent = [f"e{n:05d}" for n in range(EVENTS)]
    with ThreadPoolExecutor(8) as threads:
        statuses = list(threads.map(lambda event_id: lam.invoke(
            FunctionName=name, InvocationType="Event",
            Payload=json.dumps({"id": event_id}))["StatusCode"], sent))
    assert statuses == [202] * EVENTS
    return sent


def processed_once_each(server: SimulatorServer, name: str, sent: list[str],
                        timeout: float) -> Counter[str]:
    processed: Counter[str] = Counter()

    def settled() -> bool:
        processed.clear()
        processed.update(e.message.split()[1] for e in server.simulator.logs.events(name)
                         if e.message.startswith("PROCESSED "))
        return set(processed) >= set(sent)

    wait_until(settled, timeout, interval=0.5)
    missing = set(sent) - set(processed)
    duplicates = sum(n - 1 for n in processed.values())
    print(f"\n{EVENTS} events: processed {len(processed)}, duplicates {duplicates}, "
          f"lost {len(missing)}")
    assert not missing, f"lost: {sorted(missing)[:20]}"
    return processed


def test_events_sent_while_the_engine_is_out_of_reach_are_all_processed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_docker()
    proxy = UnixSocketProxy(tmp_path / "docker.sock")
    proxy.start()
    state_dir = tmp_path / "state"
    with monkeypatch.context() as scoped:
        scoped.setenv("DOCKER_HOST", proxy.docker_host)
        server_context = running_server(state_dir, "docker", async_retry_delay=0.2,
                                        async_workers=8, standby=0, **TEST_NETWORK)
        server = server_context.__enter__()
    try:
        name = create_function(lambda_client(server.url), PROCESS)
        proxy.stop()
        sent = send_events(server, name)
        time.sleep(3)  # every attempt so far met the outage
        proxy.start()
        processed_once_each(server, name, sent, timeout=240)
    finally:
        server_context.__exit__(None, None, None)
        proxy.stop()
    for container in state_dir_containers(state_dir):
        container.remove()


def test_events_whose_environments_fail_to_launch_at_random_are_all_processed(
        tmp_path: Path) -> None:
    executor = FlakyLaunches(tmp_path / "state", failure_rate=0.5)
    with running_server(tmp_path / "state", executor, async_retry_delay=0.05,
                        async_workers=8, idle_timeout=0.5) as server:
        name = create_function(lambda_client(server.url), PROCESS)
        sent = send_events(server, name)
        processed_once_each(server, name, sent, timeout=180)
    assert executor.failed > 0, "no launch failed: the test showed nothing"


def test_records_owed_to_a_deleted_queue_arrive_once_it_exists_again(tmp_path: Path) -> None:
    with running_server(tmp_path / "state", "process", async_retry_delay=0.05,
                        async_workers=8) as server:
        sqs = boto3.client("sqs", endpoint_url=server.url, region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test",
                           config=Config(retries={"max_attempts": 1}))
        queue_name = unique_name("on-failure")
        url = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        lam = lambda_client(server.url)
        name = create_function(lam, FAIL)
        lam.put_function_event_invoke_config(
            FunctionName=name, MaximumRetryAttempts=0,
            DestinationConfig={"OnFailure": {"Destination": arn}})
        sqs.delete_queue(QueueUrl=url)

        sent = send_events(server, name)
        wait_until(lambda: _failures(server, name) >= EVENTS, 120, interval=0.5)
        url = sqs.create_queue(QueueName=queue_name)["QueueUrl"]

        delivered: Counter[str] = Counter()
        wait_until(_draining(sqs, url, delivered, set(sent)), 180, interval=0.5)
    missing = set(sent) - set(delivered)
    duplicates = sum(n - 1 for n in delivered.values())
    print(f"\n{EVENTS} records owed to a deleted queue: delivered {len(delivered)}, "
          f"duplicates {duplicates}, lost {len(missing)}")
    assert not missing, f"lost: {sorted(missing)[:20]}"


def _failures(server: SimulatorServer, name: str) -> int:
    return sum(e.message.startswith("REPORT") for e in server.simulator.logs.events(name))


def _draining(sqs: Any, url: str, delivered: Counter[str],
              sent: set[str]) -> Callable[[], bool]:
    def drain() -> bool:
        while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
                "Messages", []):
            for message in messages:
                record = json.loads(message["Body"])
                delivered[record["requestPayload"]["id"]] += 1
            sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                for n, m in enumerate(messages)])
        return set(delivered) >= sent
    return drain
