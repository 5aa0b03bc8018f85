"""What the scenarios run against: a target starts, invokes and stops; an API target is one
that boto3 talks to, so every scenario can run on it."""

from __future__ import annotations

import socket
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import docker
import psutil
import requests

from bench.client import Sample, lambda_client, timed_invoke
from bench.functions import function_name

Say = Callable[[str], None]
MB = 1024 * 1024
REMOVAL_WORKERS = 8  # within the Docker client's connection pool (10)
REMOVAL_SECONDS = 180.0


class TargetUnavailable(Exception):
    """The target cannot run here; the message says why in one line."""


class Target(ABC):
    name: str
    compare_to: str | None = None  # the column of ours this one is compared with
    description: str = ""  # what was run, for the report
    budgeted = True  # slow targets stop sampling at the plan's time budget; ours never does

    @abstractmethod
    def start(self, say: Say) -> None:
        """Install or build what is missing, then start; again after a stop, for the next
        round. Raises TargetUnavailable."""

    @abstractmethod
    def stop(self) -> None:
        """Stop everything started; safe to call after a failed start."""

    @abstractmethod
    def unsupported(self, scenario: str) -> str | None:
        """Why a scenario does not apply to this target, or None when it does."""

    @abstractmethod
    def invoke(self, kind: str, payload: bytes) -> Sample:
        """One timed synchronous invoke of the function of that kind."""


class ApiTarget(Target):
    """A Lambda API on `url`, reached with boto3."""

    url = ""
    server_pid: int | None = None
    every_invoke_cold = False  # a new environment per invoke: no warm start to force away

    def __init__(self) -> None:
        self._client: tuple[str, Any] | None = None

    def client(self, pool: int = 10, read_timeout: float = 120.0) -> Any:
        return lambda_client(self.url, pool, read_timeout)

    @property
    def control(self) -> Any:
        """The target's own client, for sequential invokes and control calls; a new one for
        each start (each round's server listens on a port of its own)."""
        if self._client is None or self._client[0] != self.url:
            self._client = (self.url, self.client())
        return self._client[1]

    def invoke(self, kind: str, payload: bytes) -> Sample:
        return timed_invoke(self.control, function_name(kind), payload)

    def force_cold(self, kind: str, round_: int) -> None:
        """Make the next invoke of `kind` a cold start."""

    @abstractmethod
    def environment_count(self, kind: str) -> int:
        """Environments of that function now alive (starting, busy or warm)."""

    def server_rss_mb(self) -> float | None:
        if self.server_pid is None:
            return None
        return psutil.Process(self.server_pid).memory_info().rss / MB

    def environment_mb(self, kind: str) -> tuple[float, str] | None:
        """Memory of one warm environment of `kind`, and how it was measured."""
        return None

    def code_folder(self, kind: str) -> Path | None:
        """The folder whose `app.py` the target runs for `kind` and watches for changes."""
        return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, seconds: float, alive: Callable[[], bool]) -> None:
    """Until something accepts connections on 127.0.0.1:port (or the process died)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive():
            raise TargetUnavailable("the server exited during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise TargetUnavailable(f"nothing listened on port {port} after {seconds:.0f} s")


def docker_client() -> docker.DockerClient:
    return docker.from_env(timeout=120)


def count_containers(filters: dict[str, Any]) -> int:
    return len(docker_client().api.containers(filters=filters, quiet=True))


def container_memory_mb(filters: dict[str, Any]) -> tuple[float, str] | None:
    """Memory in use by the first running container matching `filters`, as `docker stats`
    reports it (usage less inactive page cache)."""
    api = docker_client().api
    found = api.containers(filters=filters, quiet=True)
    if not found:
        return None
    stats = api.stats(found[0]["Id"], stream=False, one_shot=True)["memory_stats"]
    detail = stats.get("stats", {})
    cache = detail.get("total_inactive_file", detail.get("inactive_file", 0))
    return (stats["usage"] - cache) / MB, "docker stats of one container"


def remove_containers(filters: dict[str, Any]) -> None:
    """Several at a time: after a scale-out there can be hundreds, each a quarter of a
    second or more of the engine's work. A peer's scale-out can leave creations queued in
    the engine after its server is gone, so the listing is repeated until none is left (or
    `REMOVAL_SECONDS` have passed); an engine too busy to answer in time never ends the run."""
    api = docker_client().api
    deadline = time.monotonic() + REMOVAL_SECONDS

    def remove(container: dict[str, Any]) -> None:
        try:
            api.remove_container(container["Id"], force=True)
        except (docker.errors.DockerException, requests.exceptions.RequestException):
            pass

    while time.monotonic() < deadline:
        try:
            left = api.containers(all=True, filters=filters, quiet=True)
        except (docker.errors.DockerException, requests.exceptions.RequestException):
            time.sleep(1)
            continue
        if not left:
            return
        with ThreadPoolExecutor(REMOVAL_WORKERS) as removing:
            list(removing.map(remove, left))
