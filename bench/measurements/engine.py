"""The Docker engine's pace: creating and starting containers one at a time and several at
once, its own CPU while it does, and removing them. Bounded to `CONTAINERS` containers of the
base runtime image, all removed at the end whatever happened."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import docker
import psutil

from bench.measurements.figures import Figure, median, ms, not_measured
from bench.target import docker_client
from simulator.executors.docker import PARALLEL_STARTS

IMAGE = "lambda-sim/base:bookworm"
LABEL = "lambda-sim.measurement"
ONE_AT_A_TIME = 4
AT_ONCE = (PARALLEL_STARTS // 2, PARALLEL_STARTS)  # bursts of that many asked for together
CONTAINERS = ONE_AT_A_TIME + sum(AT_ONCE)
ENGINE_PROCESSES = ("dockerd", "containerd")  # containerd's shims included

DOCKER_PY = "simulator/executors/docker.py"
STANDBY_PY = "simulator/executors/standby.py"
POOL_PY = "simulator/environments/pool.py"


def figures() -> list[Figure]:
    try:
        client = docker_client()
        client.images.get(IMAGE)
    except docker.errors.ImageNotFound:
        return [not_measured("The Docker engine's pace", DOCKER_PY, f"no image {IMAGE}")]
    except docker.errors.DockerException as error:
        return [not_measured("The Docker engine's pace", DOCKER_PY,
                             f"no Docker engine answered ({type(error).__name__})")]
    api = client.api
    run = uuid.uuid4().hex[:12]
    try:
        return _measure(api, run)
    finally:
        for container in api.containers(all=True, quiet=True, filters={"label": f"{LABEL}={run}"}):
            api.remove_container(container["Id"], force=True)


def _measure(api: Any, run: str) -> list[Figure]:
    engine_before = _engine_cpu()
    alone_start = time.perf_counter()
    alone = [_timed(partial(create_and_start, api, run)) for _ in range(ONE_AT_A_TIME)]
    alone_wall = time.perf_counter() - alone_start
    engine_cpu = _engine_cpu_since(engine_before)
    bursts = [burst(api, run, threads) for threads in AT_ONCE]
    removals = [_timed(partial(api.remove_container, made, force=True)) for _, made in alone]
    together = [container for made, _ in bursts for container in made]
    removal_start = time.perf_counter()
    with ThreadPoolExecutor(PARALLEL_STARTS) as removing:
        list(removing.map(lambda made: api.remove_container(made, force=True), together))
    removal_wall = time.perf_counter() - removal_start
    creations = [seconds for seconds, _ in alone]
    made_how = (f"create and start a container of `{IMAGE}` running `sleep` (128 MB, "
                f"default network) through the Docker SDK")
    paces = "; ".join(f"{threads} at once: {threads / wall:.1f}/s"
                      for threads, (_, wall) in zip(AT_ONCE, bursts, strict=True))
    return [
        Figure("The engine's pace at creating and starting containers, one at a time and "
               "several at once", f"{DOCKER_PY} (`PARALLEL_STARTS`)",
               f"one at a time: {ONE_AT_A_TIME / alone_wall:.1f}/s; {paces}",
               f"{made_how}: {ONE_AT_A_TIME} one after another, then each burst as that many "
               f"threads, one container each"),
        Figure("Creating and starting one container: most of a Docker cold start",
               f"{STANDBY_PY}, {DOCKER_PY} (`REPLENISH_DELAY_SECONDS`)",
               f"median {ms(median(creations))} ({ms(min(creations))}–{ms(max(creations))})",
               f"{made_how}, {ONE_AT_A_TIME} one after another"),
        Figure("The engine's CPU while it creates and starts a container",
               f"{DOCKER_PY} (`REPLENISH_DELAY_SECONDS`)",
               f"{ms(engine_cpu / ONE_AT_A_TIME)} of CPU a container: "
               f"{engine_cpu / alone_wall:.2f} cores busy while it works",
               "user and system time of dockerd, containerd and the new containers' shims "
               f"(their runc children included) over the {ONE_AT_A_TIME} made one at a time"),
        Figure("Removing a running container", f"{POOL_PY} (`shutdown`)",
               f"median {ms(median([seconds for seconds, _ in removals]))} one at a time; "
               f"{len(together) / removal_wall:.1f}/s {PARALLEL_STARTS} at once",
               "`remove_container(force=True)` of the containers made above"),
    ]


def burst(api: Any, run: str, threads: int) -> tuple[list[str], float]:
    """`threads` containers asked for at once; their ids and the time until all had started."""
    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as starting:
        made = list(starting.map(lambda _: create_and_start(api, run), range(threads)))
    return made, time.perf_counter() - start


def create_and_start(api: Any, run: str) -> str:
    container = api.create_container(
        IMAGE, entrypoint=["sleep"], command=["300"], labels={LABEL: run},
        host_config=api.create_host_config(mem_limit="128m", pids_limit=1024))
    api.start(container["Id"])
    return str(container["Id"])


def _timed(call: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def _engine_cpu() -> dict[int, float]:
    """CPU seconds so far of each engine process, by pid."""
    seconds = {}
    for process in psutil.process_iter(["name"]):
        name = process.info["name"] or ""
        if not name.startswith(ENGINE_PROCESSES):
            continue
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        seconds[process.pid] = (times.user + times.system + times.children_user
                                + times.children_system)
    return seconds


def _engine_cpu_since(before: dict[int, float]) -> float:
    """Engine CPU spent since `before`; a process started since counts whole."""
    return sum(now - before.get(pid, 0.0) for pid, now in _engine_cpu().items())
