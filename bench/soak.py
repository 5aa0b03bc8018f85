"""Soak: a steady mix of work against one server for a long time (an hour by default), watching
the server for leaks. The mix: sync invokes that succeed, fail, crash their runtime and time
out; asynchronous invokes with retries and a dead-letter queue; SQS messages through a
mapping; code updates (new generations); functions created and deleted; idle environments
reaped and started again (a short idle timeout); S3 objects written and read back, and SQS
messages kept in queues of their own, with the services' state kept in the state folder.

    python -m bench.soak --executor docker --minutes 60

Every `--sample` seconds it records the server's memory (RSS), threads and open file
descriptors, and the containers (or runtime processes) it has. It passes when the memory at the
end is within 10% of the memory after warm-up, and once idle again (every environment
reaped) the server has no more threads, descriptors or containers than when it started idle,
and nothing is lost: after a restart on the same state folder every object holds what its
last acknowledged PUT wrote and every kept queue holds exactly the messages acknowledged and
not deleted. Not part of CI; `--docs` writes the figures into docs/RELIABILITY.md."""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psutil

from bench.doc_sections import replace_section
from bench.reliability_load import ROLE, Server, code_zip, drain, queue

IDLE_TIMEOUT_SECONDS = 20
STANDBY_PREFIX = "lambda-sim-standby-"  # an unclaimed standby's name; claimed ones are renamed
HANDLERS = {
    "soak-ok": ("def handler(event, context):\n    return {'ok': event.get('n')}\n", 3),
    "soak-error": ("def handler(event, context):\n    raise ValueError('expected')\n", 3),
    "soak-crash": ("import os\ndef handler(event, context):\n    os._exit(1)\n", 3),
    "soak-timeout": ("import time\ndef handler(event, context):\n    time.sleep(3)\n", 1),
    "soak-async": ("import random\ndef handler(event, context):\n"
                   "    if random.random() < 0.2:\n        raise RuntimeError('retry me')\n", 3),
    "soak-sqs": ("import random\ndef handler(event, context):\n"
                 "    return {'batchItemFailures': [{'itemIdentifier': r['messageId']}\n"
                 "        for r in event['Records'] if random.random() < 0.2]}\n", 5),
    "soak-update": ("def handler(event, context):\n    return 'v0'\n", 3),
}
# How often each action is picked.
ACTIONS = {"ok": 10, "error": 2, "async": 4, "sqs": 4, "crash": 0.2, "timeout": 0.2,
           "update": 0.1, "create_delete": 0.1, "s3_put": 3, "s3_get": 2, "kept": 2}
BUCKET = "soak-bucket"
KEYS_PER_CLIENT = 50  # objects are overwritten, so the data stays the same size
KEPT_PER_CLIENT = 25  # messages a kept queue holds before some are received and deleted
OBJECT_BYTES = 1024


@dataclass
class ClientData:
    """What one client has written and been told is kept: its own keys and its own queue, so
    that what each holds is known exactly."""

    number: int
    queue_url: str
    objects: dict[str, bytes]
    kept: set[str]
    written: int = 0


@dataclass
class Sample:
    seconds: float
    rss_mb: float
    threads: int
    fds: int
    runtimes: int
    operations: int
    errors: int
    load: float


class Soak:
    def __init__(self, server: Server, executor: str, rate: float, clients: int) -> None:
        self.server = server
        self.executor = executor
        self.rate = rate
        self.clients = clients
        self.lam = server.client("lambda", clients * 2)
        self.sqs = server.client("sqs", clients * 2)
        self.s3 = server.client("s3", clients * 2)
        self.s3.create_bucket(Bucket=BUCKET)
        self.data = [ClientData(number, queue(self.sqs, f"soak-kept-{number}")[0], {}, set())
                     for number in range(clients)]
        self._local = threading.local()
        self.process = psutil.Process(server.pid)
        self.operations: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.samples: list[Sample] = []
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._version = 0
        dead_url, dead_arn = queue(self.sqs, "soak-dlq")
        self.dead_url = dead_url
        self.queue_url, queue_arn = queue(self.sqs, "soak-queue", VisibilityTimeout="5",
                                          RedrivePolicy=json.dumps({
                                              "deadLetterTargetArn": dead_arn,
                                              "maxReceiveCount": 3}))
        for name, (source, timeout) in HANDLERS.items():
            extra: dict[str, Any] = {}
            if name == "soak-async":
                extra["DeadLetterConfig"] = {"TargetArn": dead_arn}
            self.lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                                     Handler="app.handler", Timeout=timeout,
                                     Code={"ZipFile": code_zip(source)}, **extra)
            self.lam.get_waiter("function_active_v2").wait(FunctionName=name)
        self.lam.put_function_event_invoke_config(FunctionName="soak-async",
                                                  MaximumRetryAttempts=1)
        self.lam.create_event_source_mapping(
            FunctionName="soak-sqs", EventSourceArn=queue_arn, BatchSize=10,
            MaximumBatchingWindowInSeconds=1, FunctionResponseTypes=["ReportBatchItemFailures"])

    # -- the work ------------------------------------------------------------------------------

    def act(self, action: str) -> None:
        lam = self.lam
        if action in ("s3_put", "s3_get", "kept"):
            self.act_on_data(action, getattr(self._local, "data", self.data[0]))
        elif action == "ok":
            lam.invoke(FunctionName="soak-ok", Payload=b'{"n": 1}')["Payload"].read()
        elif action in ("error", "crash", "timeout"):
            response = lam.invoke(FunctionName=f"soak-{action}")
            response["Payload"].read()
            if response.get("FunctionError") != "Unhandled":
                raise AssertionError(f"soak-{action} did not fail")
        elif action == "async":
            lam.invoke(FunctionName="soak-async", InvocationType="Event", Payload=b"{}")
        elif action == "sqs":
            self.sqs.send_message(QueueUrl=self.queue_url, MessageBody="soak")
        elif action == "update":
            with self._lock:
                self._version += 1
                version = self._version
            lam.update_function_code(FunctionName="soak-update", ZipFile=code_zip(
                f"def handler(event, context):\n    return 'v{version}'\n"))
            lam.get_waiter("function_updated_v2").wait(FunctionName="soak-update")
            lam.invoke(FunctionName="soak-update")["Payload"].read()
        elif action == "create_delete":
            name = f"soak-temporary-{random.randrange(10**9)}"
            lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                                Handler="app.handler", Code={"ZipFile": code_zip(
                                    HANDLERS["soak-ok"][0])})
            lam.get_waiter("function_active_v2").wait(FunctionName=name)
            lam.invoke(FunctionName=name)["Payload"].read()
            lam.delete_function(FunctionName=name)

    def act_on_data(self, action: str, data: ClientData) -> None:
        if action == "s3_put":
            key = f"client-{data.number}/object-{random.randrange(KEYS_PER_CLIENT)}"
            data.written += 1
            body = f"{key} write {data.written} ".encode().ljust(OBJECT_BYTES, b".")
            self.s3.put_object(Bucket=BUCKET, Key=key, Body=body)
            data.objects[key] = body
        elif action == "s3_get" and data.objects:
            key = random.choice(list(data.objects))
            body = self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
            if body != data.objects[key]:
                raise AssertionError(f"{key} does not hold its last write")
        elif action == "kept":
            message_body = f"client {data.number} message {random.randrange(10**12)}"
            self.sqs.send_message(QueueUrl=data.queue_url, MessageBody=message_body)
            data.kept.add(message_body)
            if len(data.kept) > KEPT_PER_CLIENT:
                for message in self.sqs.receive_message(
                        QueueUrl=data.queue_url, MaxNumberOfMessages=10,
                        VisibilityTimeout=600).get("Messages", []):
                    self.sqs.delete_message(QueueUrl=data.queue_url,
                                            ReceiptHandle=message["ReceiptHandle"])
                    data.kept.discard(message["Body"])

    def client_loop(self, data: ClientData) -> None:
        self._local.data = data
        names, weights = list(ACTIONS), list(ACTIONS.values())
        interval = self.clients / self.rate
        while not self._stop.is_set():
            began = time.monotonic()
            action = random.choices(names, weights)[0]
            try:
                self.act(action)
                with self._lock:
                    self.operations[action] += 1
            except Exception as error:  # counted and shown: a soak must keep going
                with self._lock:
                    self.errors[f"{action}: {type(error).__name__}: {str(error)[:80]}"] += 1
            self._stop.wait(max(0.0, interval - (time.monotonic() - began)))

    # -- the watching ----------------------------------------------------------------------------

    def runtimes(self) -> int:
        """Environments' containers of this server's state folder (not the standby kept ready
        for the next cold start), or its runtime processes."""
        if self.executor == "docker":
            import docker

            engine = docker.APIClient()
            try:
                containers = engine.containers(all=True, filters={
                    "label": f"lambda-sim.state-dir={self.server.state_dir.resolve()}"})
            finally:
                engine.close()
            return sum(not name.startswith(f"/{STANDBY_PREFIX}")
                       for container in containers for name in container["Names"][:1])
        state = str(self.server.state_dir.resolve())
        count = 0
        for process in psutil.process_iter():
            try:
                count += process.cwd().startswith(state)
            except psutil.Error:
                continue
        return count

    def sample(self) -> Sample:
        with self.process.oneshot():
            rss = self.process.memory_info().rss / 2**20
            threads = self.process.num_threads()
            fds = self.process.num_fds()
        with self._lock:
            operations, errors = sum(self.operations.values()), sum(self.errors.values())
        return Sample(round(time.monotonic() - self.started, 1), round(rss, 1), threads, fds,
                      self.runtimes(), operations, errors, round(os.getloadavg()[0], 1))

    def run(self, seconds: float, every: float) -> None:
        threads = [threading.Thread(target=self.client_loop, args=(data,), daemon=True)
                   for data in self.data]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.samples.append(self.sample())
            last = self.samples[-1]
            print(f"  {last.seconds:7.0f} s  rss {last.rss_mb:6.1f} MB  threads {last.threads:4d}"
                  f"  fds {last.fds:4d}  runtimes {last.runtimes:3d}  ops {last.operations:7d}"
                  f"  errors {last.errors:4d}  load {last.load}", flush=True)
            time.sleep(min(every, max(0.0, deadline - time.monotonic())))
        self._stop.set()
        for thread in threads:
            thread.join(timeout=60)


def prime(soak: Soak) -> None:
    """One of each action before the first count, so that what starts on first use and then
    stays (the runtime fork server, a mapping's worker, the server's own clients' kept-alive
    connections) is counted at the start too, not taken for a leak at the end."""
    for action in ACTIONS:
        try:
            soak.act(action)
        except Exception as error:  # counted and shown, as in the run
            soak.errors[f"priming {action}: {type(error).__name__}"] += 1


def wait_idle(soak: Soak, seconds: float) -> Sample:
    """Let every environment be reaped; the sample once none is left (or the time is up).
    The soak's own clients close their connections first: the server keeps a thread and a
    socket for each kept-alive connection, which are the clients', not a leak."""
    soak.lam.close()
    soak.sqs.close()
    soak.s3.close()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if soak.runtimes() == 0:
            break
        time.sleep(1)
    time.sleep(2)
    return soak.sample()


def summary(soak: Soak, idle_before: Sample, idle_after: Sample, stopped_runtimes: int,
            minutes: float) -> tuple[str, bool]:
    samples = soak.samples
    window = max(1, len(samples) // 10)
    warm = samples[window: 2 * window]
    end = samples[-window:]
    baseline = statistics.median(s.rss_mb for s in warm)
    final = statistics.median(s.rss_mb for s in end)
    drift = (final - baseline) / baseline
    flat = abs(drift) <= 0.10
    no_leak = (idle_after.threads <= idle_before.threads + 2
               and idle_after.fds <= idle_before.fds + 4
               and idle_after.runtimes == 0 and stopped_runtimes == 0)
    total_ops = sum(soak.operations.values())
    lines = [
        f"soak of {minutes:g} minutes, executor {soak.executor}, {soak.clients} clients at "
        f"{soak.rate:g} operations/s target, idle timeout {IDLE_TIMEOUT_SECONDS} s",
        f"operations: {total_ops} ({dict(soak.operations)}); unexpected errors: "
        f"{sum(soak.errors.values())} {dict(soak.errors.most_common(5))}",
        f"server RSS: {idle_before.rss_mb:.1f} MB idle at start, {baseline:.1f} MB after "
        f"warm-up (median of samples {warm[0].seconds:.0f}-{warm[-1].seconds:.0f} s), "
        f"{final:.1f} MB at the end (median of the last {len(end)}), max "
        f"{max(s.rss_mb for s in samples):.1f} MB: drift {drift:+.1%} "
        f"({'flat' if flat else 'NOT flat'} within 10%)",
        f"threads: {idle_before.threads} idle at start, max {max(s.threads for s in samples)} "
        f"under load, {idle_after.threads} idle at the end",
        f"file descriptors: {idle_before.fds} idle at start, max "
        f"{max(s.fds for s in samples)} under load, {idle_after.fds} idle at the end",
        f"runtimes (containers or processes): max {max(s.runtimes for s in samples)} under "
        f"load, {idle_after.runtimes} once idle, {stopped_runtimes} after the server stopped",
        f"load average (1 min) during the run: {min(s.load for s in samples)}-"
        f"{max(s.load for s in samples)} on {os.cpu_count()} cores",
        f"verdict: {'PASS' if flat and no_leak else 'FAIL'}",
    ]
    return "\n".join(lines), flat and no_leak


def kept_after_restart(soak: Soak, server: Server) -> dict[str, int]:
    """What the restarted server holds of what the soak was told is kept."""
    s3, sqs = server.client("s3"), server.client("sqs")
    counts = Counter({"objects": 0, "objects lost": 0, "messages": 0, "messages lost": 0,
                      "messages extra": 0})
    for data in soak.data:
        for key, body in data.objects.items():
            counts["objects"] += 1
            try:
                held = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
            except Exception:  # a missing object is what is being counted
                held = b""
            counts["objects lost"] += held != body
        url = sqs.get_queue_url(QueueName=f"soak-kept-{data.number}")["QueueUrl"]
        held_messages = set(drain(sqs, url, lambda body: body))
        counts["messages"] += len(data.kept)
        counts["messages lost"] += len(data.kept - held_messages)
        counts["messages extra"] += len(held_messages - data.kept)
    s3.close()
    sqs.close()
    return dict(counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--executor", choices=["docker", "process"], default="docker")
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--rate", type=float, default=20, help="operations per second")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--sample", type=float, default=10, help="seconds between samples")
    parser.add_argument("--json", type=Path, help="write the samples and summary here")
    parser.add_argument("--docs", type=Path, help="write the summary into this page's "
                        "generated section (docs/RELIABILITY.md)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="soak-"))
    settings = {"LAMBDA_SIM_ASYNC_RETRY_DELAY": "1"}
    flags = ("--idle-timeout", str(IDLE_TIMEOUT_SECONDS))
    server = Server(args.executor, folder, settings, *flags)
    try:
        soak = Soak(server, args.executor, args.rate, args.clients)
        prime(soak)
        idle_before = wait_idle(soak, IDLE_TIMEOUT_SECONDS * 3)
        print(f"soak: {args.minutes:g} minutes against {server.url} ({args.executor}); "
              f"state in {folder}", flush=True)
        soak.run(args.minutes * 60, args.sample)
        idle_after = wait_idle(soak, IDLE_TIMEOUT_SECONDS * 6)
        dead = len(drain(soak.sqs, soak.dead_url, lambda body: body))
    finally:
        server.stop()
    stopped_runtimes = soak.runtimes()
    restarting = time.monotonic()
    restarted = Server(args.executor, folder, settings, *flags)
    try:
        restart_seconds = time.monotonic() - restarting
        kept = kept_after_restart(soak, restarted)
    finally:
        restarted.stop()
    text, passed = summary(soak, idle_before, idle_after, stopped_runtimes, args.minutes)
    intact = kept["objects lost"] == 0 and kept["messages lost"] == 0
    text = text.replace("\nverdict: ", f"\ndead-lettered during the soak: {dead}"
                        f"\nafter a restart on the same state folder ({restart_seconds:.1f} s "
                        f"to answer): {kept['objects']} objects, {kept['objects lost']} lost or "
                        f"not as last written; {kept['messages']} kept messages, "
                        f"{kept['messages lost']} lost, {kept['messages extra']} more than "
                        f"kept\nverdict: ")
    passed = passed and intact
    text = text.replace("verdict: PASS", "verdict: PASS" if passed else "verdict: FAIL")
    print(text)
    if args.json:
        args.json.write_text(json.dumps({"summary": text, "samples": [asdict(s) for s in
                                                                      soak.samples]}, indent=1))
    if args.docs:
        command = " ".join(["python -m bench.soak", *(argv if argv is not None
                                                      else sys.argv[1:])])
        replace_section(args.docs, f"soak-{args.executor}", f"`{command}`\n\n" + "\n".join(
            f"- {line}" for line in text.splitlines()))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
