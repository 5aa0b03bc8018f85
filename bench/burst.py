"""A burst of first invokes on Docker: served from standby up to its size, then at the
engine's pace. Measures the engine's own rate at creating and starting containers (as many at
once as the executor asks for), then a burst of concurrent invokes of a new function whose
handler holds its environment, so every invoke needs one; and how close the burst's scale-out
comes to the engine's rate.

    python -m bench.burst --invokes 24 --docs docs/BENCHMARKS.md
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench.client import parse_server_timing
from bench.doc_sections import replace_section
from bench.measurements.engine import IMAGE, LABEL, burst
from bench.reliability_load import Server, code_zip
from bench.target import docker_client
from simulator.executors.docker import PARALLEL_STARTS

ROLE = "arn:aws:iam::123456789012:role/burst"
HOLD_SECONDS = 4.0  # each invoke holds its environment this long, so none is reused
HANDLER = f"import time\n\ndef handler(event, context):\n    time.sleep({HOLD_SECONDS})\n" \
    "    return {'ok': True}\n"
RUNTIME = "python3.11"
ENGINE_ROUNDS = 3
SETTLE_SECONDS = 3.0  # after the create, for the standby to be ready as after a deploy


@dataclass(frozen=True)
class BurstSplit:
    """A burst's environment waits, split into those a standby served and those created."""

    from_standby: int
    standby_most_ms: float  # the longest wait of those served from standby
    created: int
    created_per_second: float | None  # the pace of the created ones (None: fewer than 2)


def split(waits_ms: Sequence[float], launches_ms: Sequence[float],
          standby_limit_ms: float) -> BurstSplit:
    """`waits_ms`: each invoke's time to its environment (round trip less the hold);
    `launches_ms`: each one's launch phase. A launch under `standby_limit_ms` was a claimed
    standby; the rest were created, and their pace is how many came after the first one in
    the time between its wait and the last one's."""
    pairs = sorted(zip(waits_ms, launches_ms, strict=True))
    claimed = [wait for wait, launch in pairs if launch < standby_limit_ms]
    created = [wait for wait, launch in pairs if launch >= standby_limit_ms]
    pace = None
    if len(created) >= 2 and created[-1] > created[0]:
        pace = (len(created) - 1) / ((created[-1] - created[0]) / 1000)
    return BurstSplit(len(claimed), max(claimed, default=0.0), len(created), pace)


def engine_rate(rounds: int) -> list[float]:
    """Containers a second the engine creates and starts, `PARALLEL_STARTS` asked at once."""
    api = docker_client().api
    run = uuid.uuid4().hex[:12]
    rates = []
    try:
        for _ in range(rounds):
            made, wall = burst(api, run, PARALLEL_STARTS)
            rates.append(len(made) / wall)
            for container in made:
                api.remove_container(container, force=True)
    finally:
        for left in api.containers(all=True, quiet=True, filters={"label": f"{LABEL}={run}"}):
            api.remove_container(left["Id"], force=True)
    return rates


@dataclass(frozen=True)
class BurstRun:
    invokes: int
    answered: int
    waits_ms: list[float]
    launches_ms: list[float]
    load: tuple[float, float]


def run_burst(invokes: int, standby: int) -> BurstRun:
    folder = Path(tempfile.mkdtemp(prefix="burst-"))
    load_before = os.getloadavg()[0]
    server = Server("docker", folder, {"LAMBDA_SIM_STANDBY": str(standby)})
    try:
        lam = server.client("lambda", pool=invokes + 4)
        name = f"burst-{uuid.uuid4().hex[:10]}"
        lam.create_function(FunctionName=name, Runtime=RUNTIME, Role=ROLE, Timeout=60,
                            Handler="app.handler", Code={"ZipFile": code_zip(HANDLER)})
        time.sleep(SETTLE_SECONDS)
        start = threading.Barrier(invokes)

        def invoke(_: int) -> tuple[float, float] | None:
            start.wait()
            began = time.perf_counter()
            answer = lam.invoke(FunctionName=name, Payload=json.dumps({}))
            took = (time.perf_counter() - began) * 1000
            if answer.get("FunctionError"):
                return None
            timing, _ = parse_server_timing(
                answer["ResponseMetadata"]["HTTPHeaders"].get("server-timing", ""))
            return took - HOLD_SECONDS * 1000, timing.get("launch", 0.0)

        with ThreadPoolExecutor(invokes) as pool:
            results = [r for r in pool.map(invoke, range(invokes)) if r is not None]
    finally:
        server.stop()
    return BurstRun(invokes, len(results), [wait for wait, _ in results],
                    [launch for _, launch in results], (load_before, os.getloadavg()[0]))


def report(rates: Sequence[float], runs: Sequence[tuple[int, BurstRun]],
           standby_limit_ms: float) -> str:
    engine = statistics.median(rates)
    lines = [
        f"The engine creates and starts **{engine:.1f} containers a second** with "
        f"{PARALLEL_STARTS} asked for at once (median of {len(rates)} rounds: "
        f"{', '.join(f'{rate:.1f}' for rate in rates)}; `{IMAGE}` running `sleep`). A burst: "
        "one new function, invoked by that many clients at once, each invoke holding its "
        f"environment {HOLD_SECONDS:g} s so that every one needs its own; a launch under "
        f"{standby_limit_ms:.0f} ms is a claimed standby. {os.cpu_count()} cores.",
        "",
        "| standby | invokes | answered | from standby (longest wait) | created | created "
        "at | share of the engine's rate | slowest wait | load average before → after |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---|"]
    for standby, run in runs:
        parts = split(run.waits_ms, run.launches_ms, standby_limit_ms)
        pace = f"{parts.created_per_second:.1f}/s" if parts.created_per_second else "—"
        share = f"{parts.created_per_second / engine:.0%}" if parts.created_per_second else "—"
        slowest = f"{max(run.waits_ms):.0f} ms" if run.waits_ms else "—"
        lines.append(
            f"| {standby} | {run.invokes} | {run.answered} | {parts.from_standby} "
            f"({parts.standby_most_ms:.0f} ms) | {parts.created} | {pace} | {share} | "
            f"{slowest} | {run.load[0]:.1f} → {run.load[1]:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--invokes", type=int, default=24)
    parser.add_argument("--standby", type=int, nargs="+", default=[1, 6],
                        help="standby sizes to try (default: 1 6)")
    parser.add_argument("--standby-limit-ms", type=float, default=150.0)
    parser.add_argument("--docs", type=Path, help="write the table into this page's "
                        "generated section (docs/BENCHMARKS.md)")
    args = parser.parse_args(argv)
    docker_client().images.get(IMAGE)
    print("the engine's rate ...", flush=True)
    rates = engine_rate(ENGINE_ROUNDS)
    runs = []
    for standby in args.standby:
        print(f"a burst of {args.invokes}, standby {standby} ...", flush=True)
        runs.append((standby, run_burst(args.invokes, standby)))
    table = report(rates, runs, args.standby_limit_ms)
    print(table)
    if args.docs:
        command = " ".join(["python -m bench.burst",
                            *(argv if argv is not None else sys.argv[1:])])
        replace_section(args.docs, "burst", f"`{command}`\n\n{table}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
