"""boto3 clients and one timed invoke: the client side every boto3 target shares."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/lambda-bench"


@dataclass
class Sample:
    """One invoke as the client saw it, with the server's Server-Timing split when sent."""

    ms: float
    timing: dict[str, float] = field(default_factory=dict)
    cold: bool | None = None
    error: str | None = None
    body: bytes = b""


def lambda_client(url: str, pool: int = 10, read_timeout: float = 120.0) -> Any:
    config = Config(retries={"max_attempts": 1}, max_pool_connections=pool,
                    read_timeout=read_timeout, connect_timeout=10)
    return boto3.client("lambda", endpoint_url=url, region_name=REGION,
                        aws_access_key_id="test", aws_secret_access_key="test", config=config)


def parse_server_timing(header: str) -> tuple[dict[str, float], bool | None]:
    """`handler;dur=1.2, ..., start;desc="cold"` → ({"handler": 1.2, ...}, True)."""
    timing: dict[str, float] = {}
    cold = None
    for metric in header.split(","):
        name, _, params = metric.strip().partition(";")
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "dur":
                timing[name] = float(value)
            elif key == "desc" and name == "start":
                cold = value.strip('"') == "cold"
    return timing, cold


def timed_invoke(client: Any, function: str, payload: bytes) -> Sample:
    """Invoke synchronously and read the whole answer; a function error counts as an error."""
    started = time.perf_counter()
    try:
        response = client.invoke(FunctionName=function, Payload=payload)
        body = response["Payload"].read()
    except Exception as error:  # any failure is a failed sample, counted, never fatal
        return Sample((time.perf_counter() - started) * 1000, error=_describe(error))
    ms = (time.perf_counter() - started) * 1000
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    timing, cold = parse_server_timing(headers.get("server-timing", ""))
    error = None
    if response.get("FunctionError"):
        error = f"function error: {body[:120].decode(errors='replace')}"
    return Sample(ms, timing, cold, error, body)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {str(error)[:160]}"
