"""The server goes away while environments run and events wait, and comes back: orphans of the
old run are removed at start-up, persisted asynchronous events and SQS messages that were in
flight are delivered, and functions and their code are intact.

A graceful restart with queued events is in `tests/e2e/test_async_invoke.py`; orphans created
by hand in `tests/e2e/test_docker_executor.py`. Here the server is killed (SIGKILL) mid-work."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from pathlib import Path
from typing import Any

import boto3
import psutil
import pytest
import requests
from botocore.config import Config

from simulator.http_server import SimulatorServer
from tests.conftest import require_docker
from tests.helpers import (
    ROLE,
    create_function,
    lambda_client,
    make_zip,
    running_server,
    unique_name,
)
from tests.reliability.support import (
    ServeProcess,
    function_processes,
    runtimes_left,
    state_dir_containers,
    wait_until,
)

WORKER = """
import json, time
def handler(event, context):
    time.sleep(event.get("sleep", 0))
    print("DONE " + json.dumps(event.get("n")))
    return {"n": event.get("n")}
"""


def old_runtimes(executor: str, state_dir: Path, functions: list[str],
                 url: str | None = None) -> set[str]:
    """The run's containers, or its functions' processes (those forked from the zygote are
    known only while the server answers: `url`)."""
    if executor == "docker":
        return {container.id for container in state_dir_containers(state_dir)}
    return {str(process.pid) for name in functions for process in function_processes(name, url)
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE}


def still_running(executor: str, state_dir: Path, runtimes: set[str]) -> set[str]:
    if executor == "docker":
        return runtimes & old_runtimes(executor, state_dir, [])
    running = set()
    for pid in runtimes:
        try:
            if psutil.Process(int(pid)).status() != psutil.STATUS_ZOMBIE:
                running.add(pid)
        except psutil.Error:
            continue
    return running


@pytest.mark.parametrize("executor", ["process", "docker"])
def test_killed_server_comes_back_whole(tmp_path: Path, executor: str) -> None:
    if executor == "docker":
        require_docker()
    state_dir = tmp_path / "state"
    settings = {"LAMBDA_SIM_ASYNC_WORKERS": "1", "LAMBDA_SIM_ASYNC_RETRY_DELAY": "0.5"}
    first = ServeProcess(state_dir, executor, environment=settings).wait_ready()
    client = lambda_client(first.url)
    code = make_zip({"app.py": WORKER})
    worker, busy = unique_name("worker"), unique_name("busy")
    try:
        for name in (worker, busy):
            client.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                                   Handler="app.handler", Code={"ZipFile": code}, Timeout=120)
            client.get_waiter("function_active_v2").wait(FunctionName=name)
        running = threading.Thread(target=_invoke_quietly, daemon=True,
                                   args=(client, busy, {"n": "busy", "sleep": 60}))
        running.start()
        for n in range(5):
            client.invoke(FunctionName=worker, InvocationType="Event",
                          Payload=json.dumps({"n": n, "sleep": 1}))
        assert wait_until(lambda: runtimes_left(executor, worker, first.url)
                          and runtimes_left(executor, busy, first.url), 60), \
            "no environment started"
        time.sleep(0.5)
        done_before = {line.split()[1] for line in first.logs(worker) if line.startswith("DONE")}
        orphans = old_runtimes(executor, state_dir, [worker, busy], first.url)
    finally:
        first.kill()
    assert orphans, "nothing was running at the crash: nothing to clean up"
    assert len(done_before) < 5, "every event was done before the crash"

    second = ServeProcess(state_dir, executor, environment=settings).wait_ready()
    try:
        client = lambda_client(second.url)
        gone = wait_until(lambda: not still_running(executor, state_dir, orphans), 15)
        remaining = still_running(executor, state_dir, orphans)
        assert gone, f"orphans of the killed run still there: {sorted(remaining)}"
        names = {f["FunctionName"] for f in client.list_functions()["Functions"]}
        assert {worker, busy} <= names
        for name in (worker, busy):
            function = client.get_function(FunctionName=name)
            assert function["Configuration"]["CodeSha256"] == base64.b64encode(
                hashlib.sha256(code).digest()).decode()
            assert requests.get(function["Code"]["Location"], timeout=10).content == code
        expected = {str(n) for n in range(5)}
        done_after: set[str] = set()

        def all_done() -> bool:
            done_after.update(line.split()[1] for line in second.logs(worker)
                              if line.startswith("DONE"))
            return done_before | done_after >= expected

        assert wait_until(all_done, 60, interval=0.5), (
            f"events lost: {sorted(expected - done_before - done_after)}")
        response = client.invoke(FunctionName=busy, Payload=json.dumps({"n": "after"}))
        assert json.loads(response["Payload"].read()) == {"n": "after"}
    finally:
        assert second.stop() == 0
    assert wait_until(lambda: not runtimes_left(executor, worker)
                      and not runtimes_left(executor, busy), 15), "left after a clean stop"
    assert wait_until(lambda: not still_running(executor, state_dir, orphans), 15)


def _invoke_quietly(client: Any, name: str, event: dict[str, Any]) -> None:
    """An invoke the crash cuts short: its connection error is the point, not a failure."""
    try:
        client.invoke(FunctionName=name, Payload=json.dumps(event))
    except Exception:  # noqa: BLE001 - the server is killed under it on purpose
        pass


SLOW_FIRST_TIME = """
import time
def handler(event, context):
    for record in event["Records"]:
        count = record["attributes"]["ApproximateReceiveCount"]
        if record["body"].startswith("slow") and count == "1":
            time.sleep(8)
        print("PROCESSED", record["body"], count)
"""


def test_sqs_messages_in_flight_at_a_restart_are_delivered(tmp_path: Path) -> None:
    """Batches being invoked when the server stops are not deleted: they come back after the
    visibility timeout and the restarted server's poller delivers them, with what was sent
    meanwhile (at least once each)."""
    state_dir = tmp_path / "state"
    in_flight, later = ["slow-0", "slow-1"], ["fast-0", "fast-1"]
    with running_server(state_dir, "process") as first:
        lam = lambda_client(first.url)
        name = create_function(lam, SLOW_FIRST_TIME, Timeout=9)
        sqs = _sqs(first)
        url = sqs.create_queue(QueueName=unique_name("queue"),
                               Attributes={"VisibilityTimeout": "9"})["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        lam.create_event_source_mapping(FunctionName=name, EventSourceArn=arn, BatchSize=1,
                                        ScalingConfig={"MaximumConcurrency": 2})
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": b, "MessageBody": b}
                                                      for b in in_flight])
        assert wait_until(lambda: len(first.simulator.pool.in_flight_requests()) == 2, 30)
    with running_server(state_dir, "process") as second:
        sqs = _sqs(second)
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": b, "MessageBody": b}
                                                      for b in later])
        expected = {*in_flight, *later}
        delivered = wait_until(lambda: set(_seen(second, name)) >= expected, 60, interval=0.5)
        assert delivered, f"never processed: {expected - set(_seen(second, name))}"
        assert wait_until(lambda: _count(sqs, url) == 0, 20)
        lam = lambda_client(second.url)
        for mapping in lam.list_event_source_mappings(FunctionName=name)["EventSourceMappings"]:
            lam.delete_event_source_mapping(UUID=mapping["UUID"])
        sqs.delete_queue(QueueUrl=url)


def _sqs(server: SimulatorServer) -> Any:
    return boto3.client("sqs", endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}))


def _seen(server: SimulatorServer, name: str) -> list[str]:
    return [e.message.split()[1] for e in server.simulator.logs.events(name)
            if e.message.startswith("PROCESSED ")]


def _count(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"])
