"""Scenarios 4, 5 and 7: many invokes at once, and what the server holds in memory."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import psutil

from bench.client import Sample, timed_invoke
from bench.functions import function_name, payload, sleep_payload
from bench.metrics import throughput_key
from bench.plan import KB, Plan
from bench.results import Measurement
from bench.target import ApiTarget
from bench.wire import WireClient, capture_invoke

Tick = Callable[[int, int], None]
POLL_SECONDS = 0.1
SETTLE_SECONDS = 30.0
WARM_UP_WINDOWS = 8
WARM_UP_WINDOW_SECONDS = 0.5
IDLE_SECONDS = 2.0


def throughput(target: ApiTarget, plan: Plan, tick: Tick) -> dict[str, Measurement]:
    """Scenario 4: each client thread invokes back to back for a fixed time."""
    found = {}
    for index, clients in enumerate(plan.throughput_clients):
        found[throughput_key(clients)] = _throughput(target, clients, plan.throughput_seconds)
        tick(index + 1, len(plan.throughput_clients))
    return found


def _throughput(target: ApiTarget, clients: int, seconds: float) -> Measurement:
    name, body = function_name("empty"), payload(KB)
    request = capture_invoke(target.client(), name, body)
    wires = [WireClient(target.url, request) for _ in range(clients)]
    _warm_up(target, wires)
    environments = target.environment_count("empty")
    cpu = _CpuMeter(target.server_pid)
    window = _drive(wires, seconds)
    for wire in wires:
        wire.close()
    note = f"{window.failed} errors" + (f" ({window.first_error})" if window.first_error else "")
    note += f"; environments: {environments}; CPU: {cpu.report(window.elapsed)}"
    return Measurement(window.ok / window.elapsed, errors=window.failed, note=note)


@dataclass
class _Window:
    ok: int
    failed: int
    first_error: str
    elapsed: float


def _drive(wires: list[WireClient], seconds: float) -> _Window:
    """Every client invokes back to back for `seconds`, all starting together."""
    counts = [[0, 0] for _ in wires]  # ok, failed
    first_error: list[str] = []
    start = threading.Barrier(len(wires) + 1)
    deadline = 0.0

    def run(index: int) -> None:
        start.wait()
        while time.monotonic() < deadline:
            error = wires[index].invoke()
            counts[index][error is not None] += 1
            if error and not first_error:
                first_error.append(error)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(wires))]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + seconds
    start.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join()
    return _Window(sum(c[0] for c in counts), sum(c[1] for c in counts),
                   first_error[0] if first_error else "", time.monotonic() - began)


class _CpuMeter:
    """CPU used by this process (the clients) and by the server while a window runs."""

    def __init__(self, server_pid: int | None) -> None:
        self._server = psutil.Process(server_pid) if server_pid else None
        self._client_start = time.process_time()
        self._server_start = self._server_seconds()

    def _server_seconds(self) -> float:
        if self._server is None:
            return 0.0
        times = self._server.cpu_times()
        return times.user + times.system

    def report(self, elapsed: float) -> str:
        client = (time.process_time() - self._client_start) / elapsed
        text = f"clients {client:.2f} cores"
        if self._server is not None:
            server = (self._server_seconds() - self._server_start) / elapsed
            text += f", server {server:.2f} cores"
        return text


def _together(call: Callable[[int], Any], count: int) -> list[Any]:
    """`count` calls released at the same moment."""
    start = threading.Barrier(count)

    def run(index: int) -> Any:
        start.wait()
        return call(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def _warm_up(target: ApiTarget, wires: list[WireClient]) -> None:
    """Short windows of the same load until one adds no environment, so the measured window
    sees no cold start. (Simultaneous single invokes are not enough: an empty handler answers
    before the next call arrives, so a few environments serve them all, and the rest would
    start, container and all, inside the measured window.) A target that runs a container per
    invoke keeps no environment: one window, then on."""
    seen = target.environment_count("empty")
    for _ in range(WARM_UP_WINDOWS):
        _drive(wires, WARM_UP_WINDOW_SECONDS)
        count = target.environment_count("empty")
        if count <= seen or count >= len(wires):
            return
        seen = count


def scale_out(target: ApiTarget, plan: Plan, tick: Tick) -> dict[str, Measurement]:
    """Scenario 5: N invokes of a 1 s sleep at once; until all answered, and peak environments."""
    count, deadline = plan.scale_invokes, plan.scale_deadline_seconds
    client = target.client(pool=count, read_timeout=deadline)
    name, body = function_name("sleep"), sleep_payload(plan)
    peak = _PeakCounter(target, "sleep")
    pool = ThreadPoolExecutor(count)
    began = time.monotonic()
    futures = [pool.submit(timed_invoke, client, name, body) for _ in range(count)]
    done, _ = wait(futures, timeout=deadline)
    elapsed = time.monotonic() - began
    pool.shutdown(wait=False, cancel_futures=True)
    peak.stop()
    tick(1, 1)
    samples: list[Sample] = [f.result() for f in done]
    failed = [s.error for s in samples if s.error]
    note = f"{len(failed)} errors" + (f" ({failed[0]})" if failed else "")
    found = {"scale.peak": Measurement(float(peak.peak), note=peak.how)}
    if len(done) < count:
        found["scale.time"] = Measurement(
            errors=len(failed), note=note, shown=f"> {deadline:g} s ({len(done)}/{count})",
            missing=f"not all answered after {deadline:g} s ({len(done)}/{count})")
    else:
        found["scale.time"] = Measurement(elapsed, errors=len(failed), note=note)
    return found


class _PeakCounter:
    """Polls the target's environment count on a thread; keeps the highest seen."""

    def __init__(self, target: ApiTarget, kind: str) -> None:
        self.peak = 0
        self.how = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, args=(target, kind), daemon=True)
        self._thread.start()

    def _poll(self, target: ApiTarget, kind: str) -> None:
        polls = 0
        while not self._stop.wait(POLL_SECONDS):
            try:
                self.peak = max(self.peak, target.environment_count(kind))
                polls += 1
            except Exception as error:  # a busy server may not answer a poll: keep polling
                self.how = f"a poll failed: {type(error).__name__}"
        self.how = self.how or f"{polls} polls"

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def memory_idle(target: ApiTarget) -> dict[str, Measurement]:
    time.sleep(IDLE_SECONDS)  # let start-up work in the background finish
    rss = target.server_rss_mb()
    if rss is None:
        return {"memory.idle": Measurement.absent("no server process")}
    return {"memory.idle": Measurement(
        rss, note=f"functions created, {IDLE_SECONDS:g} s after start-up, no invoke yet")}


def memory_loaded(target: ApiTarget, plan: Plan, tick: Tick,
                  scale: bool) -> dict[str, Measurement]:
    """Scenario 7: server RSS once `memory_environments` are warm (when the target scales
    out), and the memory of one warm environment of the empty function."""
    found: dict[str, Measurement] = {}
    if scale:
        count = plan.memory_environments
        client = target.client(pool=count)
        name, body = function_name("hold"), sleep_payload(plan)
        _together(lambda _: timed_invoke(client, name, body), count)
        settle = time.monotonic() + SETTLE_SECONDS
        while target.environment_count("hold") < count and time.monotonic() < settle:
            time.sleep(POLL_SECONDS)
        rss = target.server_rss_mb()
        found["memory.loaded"] = Measurement(
            rss, note=f"{target.environment_count('hold')} environments") if rss else \
            Measurement.absent("no server process")
    tick(1, 2)
    size = target.environment_mb("empty")
    found["memory.environment"] = Measurement(size[0], note=size[1]) if size else \
        Measurement.absent("no warm environment found")
    tick(2, 2)
    return found
