"""Cost curves: what the simulator costs as what it holds grows. Server RSS, start-up time,
ListFunctions and a warm invoke with 100, 1,000 and 10,000 functions deployed; a warm invoke
with 1, 10 and 100 warm environments; S3 with 10,000 objects and SQS with 100,000 messages,
their state kept in the state folder across a restart.

    python -m bench.cost_curves --docs docs/BENCHMARKS.md     # meant to end within 15 min
    python -m bench.cost_curves --quick                       # small sizes, for a try

Each curve gets a `lambda-sim serve --executor process` of its own in a fresh state folder;
every fill stops at its deadline, and the figures say how far it got."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import psutil
import requests
from matplotlib.ticker import NullLocator
from rich.console import Console
from rich.table import Table

from bench.doc_sections import replace_section
from bench.reliability_load import Server, code_zip
from bench.service_state import QUEUE_DEPTH

ROLE = "arn:aws:iam::123456789012:role/cost-curves"
HANDLER = "def handler(event, context):\n    return {'ok': True}\n"
RUNTIME = "python3.11"
PROBE = "probe"  # the function whose warm invokes are timed
THREADS = 8
REFERENCE = "reference"  # the one function of the server the timed invokes alternate with
SERVER_FLAGS = ("--idle-timeout", "3600")  # warm environments stay warm while measured
KB, MB = 1024, 1024 * 1024
# The targets of the issue.
SAME_COST_SPREAD = 0.15  # a warm invoke's p50, most over least, however much is held
START_GOAL_SECONDS = 5.0
LIST_GOAL_SECONDS = 3.0
IDLE_FUNCTION_GOAL_KB = 50.0
GOAL_FUNCTIONS = 10_000  # the start-up and listing goals are for this many functions


@dataclass(frozen=True)
class Sizes:
    functions: tuple[int, ...]
    environments: tuple[int, ...]
    objects: int
    messages: int
    invokes: int  # timed warm invokes per point
    deepest: int  # the SQS send-cost-by-depth probe fills one queue to this depth
    phase_seconds: float  # each fill's deadline


FULL = Sizes((100, 1_000, 10_000), (1, 10, 100), 10_000, 100_000, 500, 1_000, 240.0)
QUICK = Sizes((20, 100, 500), (1, 3, 10), 500, 2_000, 60, 200, 60.0)


@dataclass(frozen=True)
class FunctionsPoint:
    functions: int
    deploy_seconds: float  # creating this step's functions
    rss_running: float  # bytes, the server that created them
    rss_restarted: float  # bytes, a new server that only loaded them
    start_seconds: float  # the new server: start to health answering with all loaded
    list_seconds: float  # ListFunctions, every page (median of three)
    invoke_p50: float  # ms
    reference_p50: float  # ms, the one-function server's, invoked alternately
    relative: float  # the median of each invoke's time over the reference's beside it
    load: float


@dataclass(frozen=True)
class EnvironmentsPoint:
    wanted: int
    environments: int  # as the server counts them
    invoke_p50: float  # ms
    reference_p50: float  # ms, the one-function server's, invoked alternately
    relative: float  # the median of each invoke's time over the reference's beside it
    server_rss: float
    runtimes_rss: float  # every runtime process together
    load: float


@dataclass(frozen=True)
class ServicesFigures:
    objects: int
    put_seconds: float
    list_objects_seconds: float
    s3_start_seconds: float
    messages: int
    queues: int
    send_seconds: float
    sqs_start_seconds: float
    attributes_seconds: float  # GetQueueAttributes of every queue, after the restart
    received_per_second: float
    empty_start_seconds: float
    depth_ms: list[tuple[int, float]] = field(default_factory=list)  # batch send ms by depth


@dataclass(frozen=True)
class Figures:
    sizes: Sizes
    functions: list[FunctionsPoint]
    environments: list[EnvironmentsPoint]
    services: ServicesFigures | None
    cores: int | None


@dataclass(frozen=True)
class Verdict:
    goal: str
    measured: str
    met: bool | None  # None: not judged (the run did not reach the goal's size)


# -- statistics and verdicts -------------------------------------------------------------------


def spread(values: Sequence[float]) -> float:
    """How far the most is above the least, as a fraction of the least."""
    return max(values) / min(values) - 1


def idle_function_bytes(points: Sequence[FunctionsPoint]) -> float:
    """What one more deployed function adds to the server's RSS: the slope from the fewest
    to the most functions, of the running or the restarted server, whichever is steeper."""
    first, last = points[0], points[-1]
    added = last.functions - first.functions
    return max(last.rss_running - first.rss_running,
               last.rss_restarted - first.rss_restarted) / added


def verdicts(figures: Figures) -> list[Verdict]:
    found = []
    functions, environments = figures.functions, figures.environments
    if len(functions) > 1:
        found.append(_same_cost("functions deployed", [p.functions for p in functions],
                                [p.relative for p in functions]))
    if len(environments) > 1:
        found.append(_same_cost("warm environments", [p.environments for p in environments],
                                [p.relative for p in environments]))
    if functions:
        largest = functions[-1]
        judged = largest.functions >= GOAL_FUNCTIONS
        size = f"with {largest.functions:,} functions"
        found.append(Verdict(f"start-up with {GOAL_FUNCTIONS:,} functions ≤ "
                             f"{START_GOAL_SECONDS:g} s", f"{largest.start_seconds:.1f} s {size}",
                             largest.start_seconds <= START_GOAL_SECONDS if judged else None))
        found.append(Verdict(f"listing {GOAL_FUNCTIONS:,} functions ≤ {LIST_GOAL_SECONDS:g} s",
                             f"{largest.list_seconds:.2f} s {size}",
                             largest.list_seconds <= LIST_GOAL_SECONDS if judged else None))
    if len(functions) > 1:
        cost = idle_function_bytes(functions) / KB
        found.append(Verdict(f"an idle function ≤ {IDLE_FUNCTION_GOAL_KB:g} KB of RSS",
                             f"{cost:.1f} KB", cost <= IDLE_FUNCTION_GOAL_KB))
    return found


def _same_cost(what: str, counts: Sequence[int], ratios: Sequence[float]) -> Verdict:
    measured = ", ".join(f"×{ratio:.2f} ({count:,})" for count, ratio in zip(counts, ratios,
                                                                            strict=True))
    return Verdict(f"a warm invoke's p50 the same within {SAME_COST_SPREAD:.0%}, however many "
                   f"{what}", f"{measured} of the one-function server's: "
                   f"{spread(ratios):+.0%} most over least", spread(ratios) <= SAME_COST_SPREAD)


def one_queue_fill_seconds(depth_ms: Sequence[tuple[int, float]], messages: int) -> float:
    """How long sending `messages` into one queue would take, batches of 10 one at a time,
    from the straight line through a batch's cost by the queue's depth."""
    slope, intercept = statistics.linear_regression([d for d, _ in depth_ms],
                                                    [ms for _, ms in depth_ms])
    batches = messages // 10
    return (batches * intercept + slope * 10 * batches * (batches - 1) / 2) / 1000


def duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"


def mark(met: bool | None) -> str:
    return {True: "met", False: "not met", None: "not judged"}[met]


# -- the tables, and the section of docs/BENCHMARKS.md ------------------------------------------


def functions_rows(points: Sequence[FunctionsPoint]) -> list[list[str]]:
    return [[f"{p.functions:,}", f"{p.deploy_seconds:.0f} s", f"{p.rss_running / MB:.1f} MB",
             f"{p.rss_restarted / MB:.1f} MB", f"{p.start_seconds:.1f} s",
             f"{p.list_seconds:.2f} s", _p50_cell(p), f"{p.load:.1f}"]
            for p in points]


def _p50_cell(point: FunctionsPoint | EnvironmentsPoint) -> str:
    return f"{point.invoke_p50:.2f} ms / {point.reference_p50:.2f} ms: ×{point.relative:.2f}"


P50_HEADER = "warm invoke p50 / one-function server's"
FUNCTIONS_HEADER = ["functions", "deployed in", "server RSS", "RSS after a restart",
                    "start-up", "ListFunctions, all pages", P50_HEADER, "load"]
ENVIRONMENTS_HEADER = ["warm environments", P50_HEADER, "server RSS",
                       "runtimes' RSS", "load"]


def environments_rows(points: Sequence[EnvironmentsPoint]) -> list[list[str]]:
    return [[f"{p.environments:,}" + ("" if p.environments == p.wanted else
                                      f" (of {p.wanted:,} wanted)"),
             _p50_cell(p), f"{p.server_rss / MB:.1f} MB",
             f"{p.runtimes_rss / MB:.0f} MB", f"{p.load:.1f}"] for p in points]


def services_rows(figures: ServicesFigures) -> list[list[str]]:
    return [
        ["S3", f"{figures.objects:,} objects of 1 KiB in one bucket",
         f"PutObject: {figures.put_seconds:.0f} s ({figures.objects / figures.put_seconds:.0f}/s)",
         f"{figures.s3_start_seconds:.1f} s",
         f"ListObjectsV2, all pages: {figures.list_objects_seconds:.2f} s"],
        ["SQS", f"{figures.messages:,} messages in {figures.queues:,} queues",
         f"SendMessageBatch: {figures.send_seconds:.0f} s "
         f"({figures.messages / figures.send_seconds:.0f}/s)",
         f"{figures.sqs_start_seconds:.1f} s",
         f"GetQueueAttributes of every queue: {figures.attributes_seconds:.1f} s; receive and "
         f"delete: {figures.received_per_second:.0f} messages/s"],
    ]


SERVICES_HEADER = ["service", "held", "filled by", "start-up", "then"]


def markdown(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in rows)])


def section(figures: Figures, command: str, plots: Sequence[str]) -> str:
    """The "Cost curves" section: every sentence from the figures given."""
    parts = ["## Cost curves", f"`{command}`", _method(figures)]
    if figures.functions:
        parts += ["### Functions deployed", markdown(FUNCTIONS_HEADER,
                                                     functions_rows(figures.functions))]
    if figures.environments:
        parts += ["### Warm environments", markdown(ENVIRONMENTS_HEADER,
                                                    environments_rows(figures.environments))]
    if figures.services is not None:
        parts += ["### S3 and SQS, kept in the state folder",
                  markdown(SERVICES_HEADER, services_rows(figures.services)),
                  _services_prose(figures.services)]
    found = verdicts(figures)
    parts += ["### Targets", markdown(["target", "measured", "verdict"], [
        [v.goal, v.measured, mark(v.met)] for v in found])]
    parts += [line for line in (_functions_prose(figures), _environments_prose(figures))
              if line]
    parts += [f"![{Path(plot).stem}]({plot})" for plot in plots]
    return "\n\n".join(parts)


def _method(figures: Figures) -> str:
    sizes = figures.sizes
    return (
        "Each curve ran on a `lambda-sim serve --executor process` of its own, in a fresh "
        "state folder (the AWS services' state kept there: persistence on), with "
        f"{figures.cores or '?'} cores shared with whatever else ran. Functions were created "
        f"through boto3's CreateFunction ({RUNTIME}, a one-file zip) by {THREADS} threads; "
        "start-up is a new server on the same state folder, from its start to its health "
        "answering with every function loaded (polled every 0.2 s); a warm invoke's p50 is "
        f"of {sizes.invokes} boto3 invokes of one warm function, one at a time, alternating "
        "with as many of the one function of another server that holds nothing else; what "
        "is judged is the median of each invoke's time over the other's beside it (×), so "
        "that load from elsewhere on the machine, which slows both alike, does not pass for a "
        "cost of what the server holds. Server RSS is "
        "the server process's own (psutil); the load column is the 1-minute load average "
        "when the point was measured.")


def _functions_prose(figures: Figures) -> str:
    points = figures.functions
    if len(points) < 2:
        return ""
    first, last = points[0], points[-1]
    cost = idle_function_bytes(points)
    return (
        f"From {first.functions:,} to {last.functions:,} functions the server's RSS went from "
        f"{first.rss_running / MB:.1f} to {last.rss_running / MB:.1f} MB running and from "
        f"{first.rss_restarted / MB:.1f} to {last.rss_restarted / MB:.1f} MB after a restart: "
        f"{cost / KB:.1f} KB for each idle function (the steeper of the two). Start-up went "
        f"from {first.start_seconds:.1f} to {last.start_seconds:.1f} s and listing every "
        f"function from {first.list_seconds:.2f} to {last.list_seconds:.2f} s "
        f"({last.list_seconds / max(last.functions / 50, 1) * 1000:.1f} ms a page of 50).")


def _environments_prose(figures: Figures) -> str:
    points = figures.environments
    if len(points) < 2:
        return ""
    first, last = points[0], points[-1]
    extra = last.environments - first.environments
    each = (last.runtimes_rss - first.runtimes_rss) / extra / MB if extra else 0.0
    return (
        f"With {last.environments:,} warm environments instead of {first.environments:,}, a "
        f"warm invoke took ×{last.relative:.2f} the one-function server's time, against "
        f"×{first.relative:.2f}; "
        f"each environment is a runtime process of about {each:.0f} MB RSS on the process "
        f"executor, and the server's own RSS went from {first.server_rss / MB:.1f} to "
        f"{last.server_rss / MB:.1f} MB.")


def _services_prose(services: ServicesFigures) -> str:
    text = (
        f"A start with nothing saved took {services.empty_start_seconds:.1f} s; with the "
        f"{services.objects:,} objects {services.s3_start_seconds:.1f} s, and with the "
        f"{services.messages:,} messages {services.sqs_start_seconds:.1f} s (each service on a "
        "server of its own).")
    if len(services.depth_ms) > 1:
        (shallow, shallow_ms), (deep, deep_ms) = services.depth_ms[0], services.depth_ms[-1]
        text += (
            f" The messages are spread over queues of {QUEUE_DEPTH:,} because a send's cost grows "
            f"with its queue's depth (moto reads every message of the queue on each send): a "
            f"SendMessageBatch of 10 took {shallow_ms:.0f} ms into a queue of "
            f"{shallow:,} messages and {deep_ms:.0f} ms into one of {deep:,}, so filling one queue "
            f"of {services.messages:,} would take about "
            f"{duration(one_queue_fill_seconds(services.depth_ms, services.messages))}.")
    return text


def rich_tables(figures: Figures) -> list[Table]:
    tables = []
    for title, header, rows in (
            ("Functions deployed", FUNCTIONS_HEADER, functions_rows(figures.functions)),
            ("Warm environments", ENVIRONMENTS_HEADER, environments_rows(figures.environments)),
            ("S3 and SQS", SERVICES_HEADER,
             services_rows(figures.services) if figures.services else []),
            ("Targets", ["target", "measured", "verdict"],
             [[v.goal, v.measured, mark(v.met)] for v in verdicts(figures)])):
        if not rows:
            continue
        table = Table(title=title)
        for name in header:
            table.add_column(name)
        for row in rows:
            table.add_row(*row)
        tables.append(table)
    return tables


# -- plots ------------------------------------------------------------------------------------


def write_plots(figures: Figures, folder: Path) -> list[Path]:
    written = []
    for name, draw in (("functions", _functions_plot), ("invoke", _invoke_plot),
                       ("sqs-depth", _depth_plot)):
        figure = draw(figures)
        if figure is None:
            continue
        path = folder / f"cost-{name}.png"
        figure.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(figure)
        written.append(path)
    return written


def _functions_plot(figures: Figures) -> Any:
    points = figures.functions
    if not points:
        return None
    counts = [p.functions for p in points]
    figure, (memory, seconds) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
    memory.plot(counts, [p.rss_running / MB for p in points], marker="o", label="running")
    memory.plot(counts, [p.rss_restarted / MB for p in points], marker="o",
                label="after a restart")
    memory.set_ylabel("server RSS, MB")
    memory.set_title("Server memory by functions deployed")
    seconds.plot(counts, [p.start_seconds for p in points], marker="o", label="start-up")
    seconds.plot(counts, [p.list_seconds for p in points], marker="o",
                 label="ListFunctions, all pages")
    seconds.axhline(START_GOAL_SECONDS, linestyle=":", color="C0", alpha=0.6,
                    label=f"start-up goal at {GOAL_FUNCTIONS:,}")
    seconds.axhline(LIST_GOAL_SECONDS, linestyle=":", color="C1", alpha=0.6,
                    label=f"listing goal at {GOAL_FUNCTIONS:,}")
    seconds.set_ylabel("seconds")
    seconds.set_title("Start-up and listing by functions deployed")
    for axes in (memory, seconds):
        _count_axis(axes, counts, "functions deployed")
        axes.set_ylim(bottom=0)
        axes.grid(which="both", alpha=0.3)
        axes.legend()
    return figure


def _invoke_plot(figures: Figures) -> Any:
    curves = [([p.relative for p in figures.functions], "functions deployed",
               [p.functions for p in figures.functions]),
              ([p.relative for p in figures.environments], "warm environments",
               [p.environments for p in figures.environments])]
    curves = [curve for curve in curves if curve[0]]
    if not curves:
        return None
    figure, panes = plt.subplots(1, len(curves), figsize=(6 * len(curves), 4.5),
                                 layout="constrained", squeeze=False)
    for axes, (ratios, label, counts) in zip(panes[0], curves, strict=True):
        axes.plot(counts, ratios, marker="o")
        axes.fill_between(counts, min(ratios), min(ratios) * (1 + SAME_COST_SPREAD), alpha=0.15,
                          label=f"within {SAME_COST_SPREAD:.0%} of the least")
        _count_axis(axes, counts, label)
        axes.set_ylim(bottom=0)
        axes.set_ylabel("warm invoke p50 / one-function server's")
        axes.set_title(f"Warm invoke by {label}")
        axes.grid(which="both", alpha=0.3)
        axes.legend()
    return figure


def _count_axis(axes: Any, counts: Sequence[int], label: str) -> None:
    axes.set_xscale("log")
    axes.set_xticks(counts, [f"{c:,}" for c in counts])
    axes.xaxis.set_minor_locator(NullLocator())
    axes.set_xlabel(label)


def _depth_plot(figures: Figures) -> Any:
    services = figures.services
    if services is None or len(services.depth_ms) < 2:
        return None
    figure, axes = plt.subplots(figsize=(7, 4.5))
    axes.plot([d for d, _ in services.depth_ms], [ms for _, ms in services.depth_ms],
              marker=".")
    axes.set_xlabel("messages already in the queue")
    axes.set_ylabel("SendMessageBatch of 10, ms")
    axes.set_title("SQS: a send's cost by queue depth (why queues of "
                   f"{QUEUE_DEPTH:,})")
    axes.grid(alpha=0.3)
    return figure


# -- measuring --------------------------------------------------------------------------------


def load() -> float:
    return os.getloadavg()[0]


def run_until(deadline: float, call: Callable[[int], Any], items: range) -> int:
    """`call` on each item by a pool of threads, until done or past the deadline (checked
    between chunks): how many were done."""
    done = 0
    chunk = THREADS * 25
    with ThreadPoolExecutor(THREADS) as pool:
        for start in range(0, len(items), chunk):
            if time.monotonic() > deadline:
                break
            part = items[start:start + chunk]
            list(pool.map(call, part))
            done += len(part)
    return done


def start(folder: Path) -> tuple[float, Server]:
    """How long a server took to answer health, and the server."""
    folder.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    server = Server("process", folder, None, *SERVER_FLAGS)
    return time.monotonic() - began, server


def rss(pid: int) -> float:
    return float(psutil.Process(pid).memory_info().rss)


def paired_p50(server: Server, name: str, reference: Server, count: int
               ) -> tuple[float, float, float]:
    """The p50s (ms) of warm invokes of `name` and of the reference server's one function,
    invoked alternately, and the median of each invoke's time over the reference's beside
    it: the steadiest of the three when other work shares the machine."""
    clients = [(server.client("lambda"), name), (reference.client("lambda"), REFERENCE)]
    pairs = []
    for index in range(max(10, count // 10) + count):
        pair = []
        for lam, function in clients:
            began = time.perf_counter()
            lam.invoke(FunctionName=function)
            pair.append((time.perf_counter() - began) * 1000)
        if index >= max(10, count // 10):
            pairs.append(pair)
    return (statistics.median(ours for ours, _ in pairs),
            statistics.median(theirs for _, theirs in pairs),
            statistics.median(ours / theirs for ours, theirs in pairs))


def create_functions(server: Server, names: Sequence[str], deadline: float) -> int:
    lam, package = server.client("lambda", pool=THREADS * 2), code_zip(HANDLER)
    return run_until(deadline, lambda i: lam.create_function(
        FunctionName=names[i], Runtime=RUNTIME, Role=ROLE, Handler="app.handler",
        Code={"ZipFile": package}), range(len(names)))


def list_seconds(server: Server) -> float:
    lam, timings = server.client("lambda"), []
    for _ in range(3):
        began = time.monotonic()
        for _page in lam.get_paginator("list_functions").paginate():
            pass
        timings.append(time.monotonic() - began)
    return statistics.median(timings)


def functions_curve(sizes: Sizes, folder: Path, reference: Server,
                    say: Callable[[str], None]) -> list[FunctionsPoint]:
    _, server = start(folder)
    points: list[FunctionsPoint] = []
    try:
        server.client("lambda").create_function(
            FunctionName=PROBE, Runtime=RUNTIME, Role=ROLE, Handler="app.handler",
            Code={"ZipFile": code_zip(HANDLER)})
        held = 1
        for wanted in sizes.functions:
            say(f"deploying up to {wanted:,} functions ...")
            began = time.monotonic()
            names = [f"fn-{n:06d}" for n in range(held - 1, wanted - 1)]
            held += create_functions(server, names, began + sizes.phase_seconds)
            deployed = time.monotonic() - began
            time.sleep(1)
            running = rss(server.pid)
            listed = list_seconds(server)
            p50s = paired_p50(server, PROBE, reference, sizes.invokes)
            server.stop()
            started, server = start(folder)
            loaded = requests.get(f"{server.url}/_simulator/health", timeout=30).json()
            if loaded["functions"] != held:
                raise RuntimeError(f"{loaded['functions']} functions after a restart, not {held}")
            points.append(FunctionsPoint(held, deployed, running, rss(server.pid), started,
                                         listed, *p50s, load()))
            if held < wanted:
                say(f"stopped at {held:,} functions: the deadline passed")
                break
    finally:
        server.stop()
    return points


def environment_count(server: Server) -> int:
    rows = requests.get(f"{server.url}/_simulator/functions", timeout=30).json()["functions"]
    return sum(int(row["warm"] + row["busy"] + row["starting"]) for row in rows)


def runtimes_rss(pid: int) -> float:
    children = psutil.Process(pid).children(recursive=True)
    return float(sum(child.memory_info().rss for child in children
                     if any("bootstrap" in part for part in child.cmdline())))


def environments_curve(sizes: Sizes, folder: Path, reference: Server,
                       say: Callable[[str], None]) -> list[EnvironmentsPoint]:
    """N warm environments: N functions, each invoked once (the first is the one timed)."""
    _, server = start(folder)
    points = []
    try:
        names = [f"env-{n:04d}" for n in range(max(sizes.environments))]
        create_functions(server, names, time.monotonic() + sizes.phase_seconds)
        lam = server.client("lambda", pool=THREADS * 2)
        for wanted in sizes.environments:
            say(f"warming {wanted} environments ...")
            run_until(time.monotonic() + sizes.phase_seconds,
                      lambda i: lam.invoke(FunctionName=names[i]), range(wanted))
            p50s = paired_p50(server, names[0], reference, sizes.invokes)
            points.append(EnvironmentsPoint(wanted, environment_count(server), *p50s,
                                            rss(server.pid), runtimes_rss(server.pid), load()))
    finally:
        server.stop()
    return points


def s3_figures(sizes: Sizes, folder: Path, say: Callable[[str], None]) -> dict[str, float]:
    _, server = start(folder)
    try:
        s3 = server.client("s3", pool=THREADS * 2)
        s3.create_bucket(Bucket="cost")
        say(f"putting {sizes.objects:,} objects ...")
        began = time.monotonic()
        objects = run_until(began + sizes.phase_seconds, lambda i: s3.put_object(
            Bucket="cost", Key=f"object-{i:06d}", Body=b"x" * KB), range(sizes.objects))
        put = time.monotonic() - began
    finally:
        server.stop()
    started, server = start(folder)
    try:
        s3 = server.client("s3")
        began = time.monotonic()
        listed = sum(page.get("KeyCount", 0) for page in
                     s3.get_paginator("list_objects_v2").paginate(Bucket="cost"))
        listing = time.monotonic() - began
    finally:
        server.stop()
    if listed != objects:
        raise RuntimeError(f"{listed} objects after a restart, not {objects}")
    return {"objects": objects, "put": put, "list": listing, "start": started}


def depth_costs(server: Server, deepest: int, deadline: float) -> list[tuple[int, float]]:
    """SendMessageBatch of 10 into one queue, by the messages already in it."""
    sqs = server.client("sqs")
    queue = sqs.create_queue(QueueName="depth")["QueueUrl"]
    costs = []
    for depth in range(0, deepest + 1, 10):
        if time.monotonic() > deadline:
            break
        began = time.perf_counter()
        sqs.send_message_batch(QueueUrl=queue, Entries=[
            {"Id": str(n), "MessageBody": f"message {depth + n}"} for n in range(10)])
        costs.append((depth, (time.perf_counter() - began) * 1000))
    sqs.delete_queue(QueueUrl=queue)
    return costs


def sqs_figures(sizes: Sizes, folder: Path, say: Callable[[str], None]) -> dict[str, Any]:
    _, server = start(folder)
    try:
        say(f"SQS send cost by depth, to {sizes.deepest:,} ...")
        depth = depth_costs(server, sizes.deepest, time.monotonic() + sizes.phase_seconds / 4)
        sqs = server.client("sqs", pool=THREADS * 2)
        say(f"sending {sizes.messages:,} messages ...")
        began = time.monotonic()
        queues = [sqs.create_queue(QueueName=f"cost-{n}")["QueueUrl"]
                  for n in range(-(-sizes.messages // QUEUE_DEPTH))]
        batches = run_until(began + sizes.phase_seconds, lambda i: sqs.send_message_batch(
            QueueUrl=queues[i * 10 // QUEUE_DEPTH], Entries=[
                {"Id": str(n), "MessageBody": f"message {i * 10 + n}"} for n in range(10)]),
            range(sizes.messages // 10))
        send = time.monotonic() - began
    finally:
        server.stop()
    started, server = start(folder)
    try:
        sqs = server.client("sqs", pool=THREADS * 2)
        began = time.monotonic()
        waiting = sum(int(sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=[
            "ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"])
            for queue in queues)
        attributes = time.monotonic() - began
        received = receive_rate(sqs, queues, min(20.0, sizes.phase_seconds / 6))
    finally:
        server.stop()
    if waiting != batches * 10:
        raise RuntimeError(f"{waiting} messages after a restart, not {batches * 10}")
    return {"messages": waiting, "queues": len(queues), "send": send, "start": started,
            "attributes": attributes, "received": received, "depth": depth}


def receive_rate(sqs: Any, queues: Sequence[str], seconds: float) -> float:
    """Messages received and deleted a second, by a pool of threads each draining queues."""
    deadline = time.monotonic() + seconds

    def drain(queue: str) -> int:
        count = 0
        while time.monotonic() < deadline:
            messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=0).get("Messages", [])
            if not messages:
                break
            sqs.delete_message_batch(QueueUrl=queue, Entries=[
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                for n, m in enumerate(messages)])
            count += len(messages)
        return count

    began = time.monotonic()
    with ThreadPoolExecutor(THREADS // 2) as pool:
        total = sum(pool.map(drain, queues))
    return total / (time.monotonic() - began)


def services_figures(sizes: Sizes, folder: Path, say: Callable[[str], None]) -> ServicesFigures:
    empty, server = start(folder / "empty")
    server.stop()
    s3 = s3_figures(sizes, folder / "s3", say)
    sqs = sqs_figures(sizes, folder / "sqs", say)
    return ServicesFigures(
        objects=int(s3["objects"]), put_seconds=s3["put"], list_objects_seconds=s3["list"],
        s3_start_seconds=s3["start"], messages=sqs["messages"], queues=sqs["queues"],
        send_seconds=sqs["send"], sqs_start_seconds=sqs["start"],
        attributes_seconds=sqs["attributes"], received_per_second=sqs["received"],
        empty_start_seconds=empty, depth_ms=sqs["depth"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a try")
    parser.add_argument("--curves", nargs="+", default=["functions", "environments",
                                                         "services"],
                        choices=["functions", "environments", "services"])
    parser.add_argument("--docs", type=Path, help="write the section into this page "
                        "(docs/BENCHMARKS.md) and the plots beside it")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    console = Console()
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cost-curves-") as scratch:
        folder = Path(scratch)
        _, reference = start(folder / "reference")
        try:
            reference.client("lambda").create_function(
                FunctionName=REFERENCE, Runtime=RUNTIME, Role=ROLE, Handler="app.handler",
                Code={"ZipFile": code_zip(HANDLER)})
            functions = functions_curve(sizes, folder / "functions", reference,
                                        console.print) if "functions" in args.curves else []
            environments = environments_curve(sizes, folder / "environments", reference,
                                              console.print) \
                if "environments" in args.curves else []
        finally:
            reference.stop()
        services = services_figures(sizes, folder / "services", console.print) \
            if "services" in args.curves else None
    figures = Figures(sizes, functions, environments, services, os.cpu_count())
    for table in rich_tables(figures):
        console.print(table)
    console.print(f"{(time.monotonic() - began) / 60:.1f} min")
    if args.docs:
        plots = write_plots(figures, args.docs.parent)
        command = " ".join(["python -m bench.cost_curves",
                            *(argv if argv is not None else sys.argv[1:])])
        replace_section(args.docs, "cost-curves",
                        section(figures, command, [plot.name for plot in plots]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
