"""Load without loss: asynchronous invokes and SQS messages with random handler failures, sent
as fast as this machine takes them, then counted: every one sent must end processed or in a
dead-letter queue. Duplicates are counted too (both paths are at-least-once on AWS).

    python -m bench.reliability_load --executor docker --events 10000 --messages 10000

The server is a `lambda-sim serve` of its own in a fresh state folder; only 127.0.0.1 is
sent to. The figures go to docs/RELIABILITY.md."""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import requests
from botocore.config import Config

from bench.doc_sections import replace_section

ROLE = "arn:aws:iam::123456789012:role/reliability"
FAIL_RATE = 0.2

ASYNC_HANDLER = """
import os, random
def handler(event, context):
    if random.random() < float(os.environ["FAIL_RATE"]):
        raise RuntimeError("unlucky " + event["id"])
    print("PROCESSED " + event["id"])
"""

SQS_HANDLER = """
import os, random
def handler(event, context):
    failures = []
    for record in event["Records"]:
        if random.random() < float(os.environ["FAIL_RATE"]):
            failures.append({"itemIdentifier": record["messageId"]})
        else:
            print("PROCESSED " + record["body"])
    return {"batchItemFailures": failures}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def code_zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("app.py", source)
    return buffer.getvalue()


class Server:
    """`lambda-sim serve` in its own session, in a state folder of its own."""

    def __init__(self, executor: str, folder: Path, settings: dict[str, str] | None = None,
                 *flags: str) -> None:
        self.folder = folder
        self.state_dir = folder / "state"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / "server.log"
        environment = {**os.environ, "LAMBDA_SIM_DOCKER_NETWORK": "lambda-sim-bench",
                       "LAMBDA_SIM_DOCKER_NETWORK_INTERNAL": "1", **(settings or {})}
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "simulator.cli", "serve", "--port", str(self.port),
                 "--state-dir", str(self.state_dir), "--executor", executor, *flags],
                env=environment, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if requests.get(f"{self.url}/_simulator/health", timeout=2).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not start: {self.log_path.read_text()[-2000:]}")

    @property
    def pid(self) -> int:
        return self.process.pid

    def client(self, service: str, pool: int = 50) -> Any:
        return boto3.client(service, endpoint_url=self.url, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"max_attempts": 3, "mode": "standard"},
                                          max_pool_connections=pool, read_timeout=120))

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(90)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


class LogTail:
    """Follows a function's log through `/_simulator/logs`, before the in-memory streams
    (10,000 events each) roll over: overlapping windows, de-duplicated by (time, text)."""

    def __init__(self, server: Server, function: str, interval: float = 1.0) -> None:
        self._url = f"{server.url}/_simulator/logs/{function}"
        self._seen: set[tuple[int, str]] = set()
        self._latest = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._follow, args=(interval,), daemon=True)
        self._thread.start()

    def poll(self) -> None:
        since = max(self._latest - 2000, 0)
        events = requests.get(self._url, params={"since": since}, timeout=60).json()["events"]
        with self._lock:
            for event in events:
                self._seen.add((event["timestamp"], event["message"]))
                self._latest = max(self._latest, event["timestamp"])

    def lines(self, prefix: str) -> list[str]:
        with self._lock:
            return [message for _, message in self._seen if message.startswith(prefix)]

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.poll()

    def _follow(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.poll()
            except requests.RequestException:
                continue


@dataclass
class Tally:
    """What went in and where it all ended up."""

    kind: str
    sent: int
    send_seconds: float
    settle_seconds: float = 0.0
    processed: Counter[str] = field(default_factory=Counter)
    dead_lettered: Counter[str] = field(default_factory=Counter)
    ids: set[str] = field(default_factory=set)

    @property
    def lost(self) -> set[str]:
        return self.ids - set(self.processed) - set(self.dead_lettered)

    @property
    def duplicates(self) -> int:
        return sum(n - 1 for n in self.processed.values()) + sum(
            n - 1 for n in self.dead_lettered.values())

    @property
    def both(self) -> set[str]:
        return set(self.processed) & set(self.dead_lettered)

    def row(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "sent": self.sent,
            "send_rate_per_s": round(self.sent / self.send_seconds, 1),
            "settled_after_s": round(self.settle_seconds, 1),
            "end_to_end_rate_per_s": round(self.sent / self.settle_seconds, 1),
            "processed": len(self.processed), "dead_lettered": len(self.dead_lettered),
            "duplicates": self.duplicates, "processed_and_dead_lettered": len(self.both),
            "lost": len(self.lost),
        }


def queue(sqs: Any, name: str, **attributes: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    return str(url), str(arn)


def drain(sqs: Any, url: str, parse: Callable[[str], str]) -> list[str]:
    found = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
            "Messages", []):
        found += [parse(message["Body"]) for message in messages]
        sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(messages)])
    return found


def settle(tally: Tally, started: float, tail: LogTail, dead_letters: Callable[[], list[str]],
           timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tally.dead_lettered.update(dead_letters())
        tally.processed = Counter(line.split()[1] for line in tail.lines("PROCESSED "))
        if not tally.lost:
            break
        time.sleep(2)
    tail.close()
    tally.processed = Counter(line.split()[1] for line in tail.lines("PROCESSED "))
    tally.dead_lettered.update(dead_letters())
    tally.settle_seconds = time.monotonic() - started


def async_run(server: Server, events: int, threads: int, timeout: float) -> Tally:
    lam, sqs = server.client("lambda", threads * 2), server.client("sqs")
    dead_url, dead_arn = queue(sqs, "reliability-async-dlq")
    name = "reliability-async"
    lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                        Handler="app.handler", Code={"ZipFile": code_zip(ASYNC_HANDLER)},
                        Environment={"Variables": {"FAIL_RATE": str(FAIL_RATE)}},
                        DeadLetterConfig={"TargetArn": dead_arn})
    lam.get_waiter("function_active_v2").wait(FunctionName=name)
    tail = LogTail(server, name)
    ids = [f"a{n:06d}" for n in range(events)]
    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        statuses = Counter(pool.map(lambda event_id: lam.invoke(
            FunctionName=name, InvocationType="Event",
            Payload=json.dumps({"id": event_id}))["StatusCode"], ids))
    tally = Tally("async invokes", events, time.monotonic() - started, ids=set(ids))
    if statuses != Counter({202: events}):
        print(f"  not accepted: {statuses}")
    settle(tally, started, tail, lambda: drain(sqs, dead_url, lambda b: json.loads(b)["id"]),
           timeout)
    return tally


class Backlog:
    """Keeps the queue's depth under a cap while messages are sent: moto's SQS pays for every
    message sent with a scan of the whole queue, so a deep backlog measures moto, not the
    simulator. Senders wait while the queue holds more than `cap`."""

    def __init__(self, sqs: Any, url: str, cap: int) -> None:
        self._sqs, self._url, self._cap = sqs, url, cap
        self._room = threading.Event()
        self._room.set()
        self._stop = threading.Event()
        self.deepest = 0
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def wait(self) -> None:
        self._room.wait()

    def close(self) -> None:
        self._stop.set()
        self._room.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(0.25):
            attributes = self._sqs.get_queue_attributes(QueueUrl=self._url, AttributeNames=[
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])[
                "Attributes"]
            depth = int(attributes["ApproximateNumberOfMessages"]) + int(
                attributes["ApproximateNumberOfMessagesNotVisible"])
            self.deepest = max(self.deepest, depth)
            if depth > self._cap:
                self._room.clear()
            else:
                self._room.set()


def sqs_run(server: Server, messages: int, threads: int, timeout: float,
            concurrency: int, backlog_cap: int) -> Tally:
    lam, sqs = server.client("lambda"), server.client("sqs", threads * 2)
    dead_url, dead_arn = queue(sqs, "reliability-sqs-dlq")
    url, arn = queue(sqs, "reliability-sqs", VisibilityTimeout="5",
                     RedrivePolicy=json.dumps({"deadLetterTargetArn": dead_arn,
                                               "maxReceiveCount": 3}))
    name = "reliability-sqs"
    lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                        Handler="app.handler", Code={"ZipFile": code_zip(SQS_HANDLER)},
                        Environment={"Variables": {"FAIL_RATE": str(FAIL_RATE)}}, Timeout=5)
    lam.get_waiter("function_active_v2").wait(FunctionName=name)
    tail = LogTail(server, name)
    lam.create_event_source_mapping(FunctionName=name, EventSourceArn=arn, BatchSize=10,
                                    FunctionResponseTypes=["ReportBatchItemFailures"],
                                    ScalingConfig={"MaximumConcurrency": concurrency})
    ids = [f"m{n:06d}" for n in range(messages)]
    batches = [ids[n:n + 10] for n in range(0, messages, 10)]
    backlog = Backlog(sqs, url, backlog_cap)

    def send(batch: list[str]) -> int:
        backlog.wait()
        return len(sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": body, "MessageBody": body} for body in batch]).get("Failed", []))

    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        failed = sum(pool.map(send, batches))
    backlog.close()
    tally = Tally("SQS messages", messages, time.monotonic() - started, ids=set(ids))
    print(f"  deepest backlog {backlog.deepest} (cap {backlog_cap})")
    if failed:
        print(f"  {failed} messages not accepted by SQS")
    settle(tally, started, tail, lambda: drain(sqs, dead_url, lambda body: body), timeout)
    return tally


def report(rows: list[dict[str, Any]], executor: str) -> str:
    columns = list(rows[0])
    lines = [f"executor: {executor}; load average at the end: "
             f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}; {os.cpu_count()} cores",
             "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--executor", choices=["docker", "process"], default="docker")
    parser.add_argument("--events", type=int, default=10_000, help="async invokes (0: skip)")
    parser.add_argument("--messages", type=int, default=10_000, help="SQS messages (0: skip)")
    parser.add_argument("--threads", type=int, default=16, help="client threads sending")
    parser.add_argument("--async-workers", type=int, default=16)
    parser.add_argument("--sqs-concurrency", type=int, default=10,
                        help="the mapping's MaximumConcurrency")
    parser.add_argument("--backlog", type=int, default=500,
                        help="most SQS messages waiting while sending (moto scans the queue "
                        "on every send)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to settle each")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--docs", type=Path, help="write the table into this page's "
                        "generated section (docs/RELIABILITY.md)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="reliability-load-"))
    server = Server(args.executor, folder, {"LAMBDA_SIM_ASYNC_RETRY_DELAY": "0.5",
                                            "LAMBDA_SIM_ASYNC_WORKERS": str(args.async_workers)})
    rows = []
    try:
        if args.events:
            print(f"{args.events} async invokes, {FAIL_RATE:.0%} failing per attempt ...")
            rows.append(async_run(server, args.events, args.threads, args.timeout).row())
            print(f"  {rows[-1]}")
        if args.messages:
            print(f"{args.messages} SQS messages, {FAIL_RATE:.0%} failing per receive ...")
            rows.append(sqs_run(server, args.messages, args.threads, args.timeout,
                                args.sqs_concurrency, args.backlog).row())
            print(f"  {rows[-1]}")
    finally:
        server.stop()
    table = report(rows, args.executor)
    print(table)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    if args.docs:
        command = " ".join(["python -m bench.reliability_load",
                            *(argv if argv is not None else sys.argv[1:])])
        replace_section(args.docs, f"load-{args.executor}", f"`{command}`\n\n{table}")
    # An SQS message may be processed and still reach the DLQ (a receive that outlived its
    # visibility timeout): at-least-once allows it. An async event may not.
    lossless = all(row["lost"] == 0 for row in rows)
    consistent = all(row["processed_and_dead_lettered"] == 0 for row in rows
                     if row["kind"] == "async invokes")
    return 0 if lossless and consistent else 1


if __name__ == "__main__":
    sys.exit(main())
