"""Load without loss, the in-suite size: 1,000 asynchronous invokes, each attempt failing at
random one time in five. Every event ends processed or in the dead-letter queue, none is lost,
none is both. Asynchronous invocation is at-least-once on AWS, so a duplicate would be allowed;
it is counted and shown. The 1,000-message SQS version is
`tests/e2e/test_sqs_event_source.py::test_burst_is_neither_lost_nor_doubled`; the 10,000 runs
of both are `bench/reliability_load.py` (figures in docs/RELIABILITY.md)."""

from __future__ import annotations

import json
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from tests.helpers import create_function, lambda_client, running_server, unique_name
from tests.reliability.support import wait_until

EVENTS = 1_000
FLAKY = """
import random
def handler(event, context):
    if random.random() < 0.2:
        raise RuntimeError("unlucky " + event["id"])
    print("PROCESSED " + event["id"])
"""


def test_1000_async_invokes_with_random_failures_lose_nothing(tmp_path: Path) -> None:
    with running_server(tmp_path / "state", "process", async_retry_delay=0.05,
                        async_workers=8) as server:
        lam = lambda_client(server.url, max_pool_connections=16)
        sqs = boto3.client("sqs", endpoint_url=server.url, region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test",
                           config=Config(retries={"max_attempts": 1}))
        dead = sqs.create_queue(QueueName=unique_name("dlq"))["QueueUrl"]
        dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        name = create_function(lam, FLAKY, DeadLetterConfig={"TargetArn": dead_arn})
        sent = [f"e{n:05d}" for n in range(EVENTS)]
        started = time.monotonic()
        with ThreadPoolExecutor(8) as threads:
            statuses = list(threads.map(lambda event_id: lam.invoke(
                FunctionName=name, InvocationType="Event",
                Payload=json.dumps({"id": event_id}))["StatusCode"], sent))
        accepted = time.monotonic() - started
        assert statuses == [202] * EVENTS

        processed: Counter[str] = Counter()
        dead_lettered: Counter[str] = Counter()

        def settled() -> bool:
            processed.clear()
            processed.update(e.message.split()[1] for e in server.simulator.logs.events(name)
                             if e.message.startswith("PROCESSED "))
            dead_lettered.update(_drain(sqs, dead))
            return len(set(processed) | set(dead_lettered)) >= EVENTS

        wait_until(settled, 120, interval=0.5)
        elapsed = time.monotonic() - started
        missing = set(sent) - set(processed) - set(dead_lettered)
        both = set(processed) & set(dead_lettered)
        duplicates = sum(n - 1 for n in processed.values()) + sum(
            n - 1 for n in dead_lettered.values())
        print(f"\n{EVENTS} async events accepted in {accepted:.1f} s ({EVENTS / accepted:.0f}/s), "
              f"settled in {elapsed:.1f} s: processed {len(processed)}, dead-lettered "
              f"{len(dead_lettered)}, duplicates {duplicates}, lost {len(missing)}")
        assert not missing, f"lost: {sorted(missing)[:20]}"
        assert not both, f"processed and dead-lettered: {sorted(both)[:20]}"
        assert dead_lettered, "at 20% per attempt and 3 attempts, about 8 reach the DLQ"


def _drain(sqs: Any, url: str) -> list[str]:
    found = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
            "Messages", []):
        for message in messages:
            found.append(json.loads(message["Body"])["id"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found
