"""Removing a container when the Docker engine is away for a while."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from docker.errors import NotFound
from requests.exceptions import ConnectionError as EngineUnreachable

from simulator.executors import docker as docker_executor
from simulator.executors.docker import ContainerRuntime, OutputSink


class FlakyEngine:
    """Refuses the first `failures` removals as an unreachable engine does."""

    def __init__(self, failures: int, gone: bool = False) -> None:
        self.failures = failures
        self.gone = gone
        self.calls = 0

    def remove_container(self, container_id: str, force: bool) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise EngineUnreachable("engine unreachable")
        if self.gone:
            raise NotFound("no such container")


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docker_executor, "REMOVAL_RETRY_FIRST_DELAY", 0.01)
    monkeypatch.setattr(docker_executor, "REMOVAL_RETRY_MAX_DELAY", 0.05)


class Forgotten(list[str]):
    """What the executor was told it may forget; `done` once it was."""

    def __init__(self) -> None:
        super().__init__()
        self.done = threading.Event()

    def __call__(self, container_id: str) -> None:
        self.append(container_id)
        self.done.set()


def runtime(engine: FlakyEngine) -> tuple[ContainerRuntime, Forgotten]:
    forgotten = Forgotten()
    api: Any = engine
    return ContainerRuntime(api, "c0ffee", OutputSink(), on_removed=forgotten), forgotten


def test_a_removal_the_engine_refused_is_retried_until_it_is_done() -> None:
    engine = FlakyEngine(failures=4)
    container, forgotten = runtime(engine)

    container.stop()
    assert forgotten == [], "forgotten while the container still runs"
    container.stop()  # a second stop during the outage starts no second retry loop

    assert forgotten.done.wait(5)
    assert engine.calls == 5
    assert forgotten == ["c0ffee"]
    container.stop()
    assert engine.calls == 5


@pytest.mark.parametrize("gone", [False, True], ids=["removed", "already-gone"])
def test_a_removal_that_works_at_once_is_not_retried(gone: bool) -> None:
    engine = FlakyEngine(failures=0, gone=gone)
    container, forgotten = runtime(engine)

    container.stop()
    container.stop()

    assert engine.calls == 1
    assert forgotten == ["c0ffee"]
