"""The real server as `lambda-sim serve --executor process` runs it: its own CPU per warm
invoke (the runtime is another process, not counted), and its memory before and after the AWS
services it embeds are first used."""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import psutil

from bench import processes
from bench.client import REGION, ROLE, lambda_client
from bench.functions import HANDLER, MEMORY, RUNTIME, TIMEOUT, code_zip
from bench.measurements.figures import Figure, mb, share, us
from bench.ours import serve_command
from bench.target import free_port, wait_for_port

FUNCTION = "MeasuredEmpty"
WARM_UP_INVOKES = 50
WARM_INVOKES = 1_000
START_SECONDS = 60.0
SETTLE_SECONDS = 1.0  # for the threads the first use of the services starts


@dataclass(frozen=True)
class ServerProfile:
    invokes: int
    cpu_seconds_per_invoke: float
    rss_at_rest: int  # bytes, after the function's invokes, before any other AWS service
    rss_with_services: int  # after S3, SQS, SNS and EventBridge have each answered a call


def profile() -> ServerProfile:
    folder = Path(tempfile.mkdtemp(prefix="measurements-"))
    port = free_port()
    server = processes.spawn(serve_command(
        "--port", str(port), "--state-dir", str(folder / "state"), "--executor", "process",
        "--idle-timeout", "3600"), folder / "server.log")
    try:
        wait_for_port(port, START_SECONDS, lambda: server.poll() is None)
        url = f"http://127.0.0.1:{port}"
        client = lambda_client(url)
        client.create_function(FunctionName=FUNCTION, Runtime=RUNTIME, Handler=HANDLER,
                               Role=ROLE, Code={"ZipFile": code_zip("empty")},
                               Timeout=TIMEOUT, MemorySize=MEMORY)
        _invoke(client, WARM_UP_INVOKES)
        process = psutil.Process(server.pid)
        before = _cpu_seconds(process)
        _invoke(client, WARM_INVOKES)
        cpu = _cpu_seconds(process) - before
        at_rest = process.memory_info().rss
        _use_services(url)
        time.sleep(SETTLE_SECONDS)
        with_services = process.memory_info().rss
    finally:
        processes.stop(server, grace=30)
        shutil.rmtree(folder, ignore_errors=True)
    return ServerProfile(WARM_INVOKES, cpu / WARM_INVOKES, at_rest, with_services)


def figures(profile: ServerProfile) -> list[Figure]:
    services = profile.rss_with_services - profile.rss_at_rest
    return [
        Figure("The server's own CPU per warm invoke, which the shares above are of",
               "simulator/api/request_headers.py, simulator/api/invoke_path.py, "
               "simulator/commands/function_lines.py",
               us(profile.cpu_seconds_per_invoke),
               f"`lambda-sim serve --executor process`: its process's user and system time "
               f"over {profile.invokes:,} warm invokes of an empty Python function by one boto3 "
               f"client, after {WARM_UP_INVOKES}"),
        Figure("Loading the embedded AWS services, as a share of the server's memory",
               "simulator/events/schedules.py",
               f"{mb(services)} of {mb(profile.rss_with_services)}: "
               f"{share(services, profile.rss_with_services)}",
               "the server's resident size after those invokes, and again after one call each "
               "to S3, SQS, SNS and EventBridge"),
    ]


def _invoke(client: Any, count: int) -> None:
    for _ in range(count):
        answer = client.invoke(FunctionName=FUNCTION, Payload=b"{}")
        answer["Payload"].read()
        if answer.get("FunctionError"):
            raise RuntimeError(f"the measured function failed: {answer['FunctionError']}")


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def _use_services(url: str) -> None:
    """One call to each service the simulator wires functions to, as a template's would."""
    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=url, region_name=REGION,
                            aws_access_key_id="test", aws_secret_access_key="test")

    client("s3").list_buckets()
    client("sqs").list_queues()
    client("sns").list_topics()
    client("events").list_rules()
