"""`python -m bench`: every scenario on both of our executors and on the peers; prints the
table and writes docs/BENCHMARKS.md with its plots."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.goals import verdicts
from bench.machine import describe
from bench.markdown import Report, write_markdown
from bench.metrics import metrics
from bench.ours import OursTarget
from bench.peers.moto import MotoTarget
from bench.peers.pll import PllTarget
from bench.peers.sam import SamTarget
from bench.plan import FULL, QUICK
from bench.plots import write_plots
from bench.results import Results
from bench.runner import Runner
from bench.table import details, not_measured, rich_table
from bench.target import Target

DOCS = Path(__file__).resolve().parent.parent / "docs"
# Ours on processes first, while the machine is quiet: Docker's scale-out leaves the engine
# busy removing containers for a while after its target stops.
TARGETS: dict[str, Callable[[], Target]] = {
    "process": lambda: OursTarget("process"),
    "docker": lambda: OursTarget("docker"),
    "sam-eager": lambda: SamTarget(eager=True),
    "sam": lambda: SamTarget(eager=False),
    "moto": MotoTarget,
    "pll-cli": lambda: PllTarget(in_process=False),
    "pll": lambda: PllTarget(in_process=True),
}
OURS = ("process", "docker")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer samples: about 2 minutes")
    parser.add_argument("--only", nargs="+", choices=[*TARGETS, "ours", "peers"],
                        help="run only these targets (default: all)")
    parser.add_argument("--rounds", type=int, help="rounds per target (default: the plan's)")
    parser.add_argument("--docs", type=Path, default=DOCS,
                        help="where BENCHMARKS.md and the plots go (default: docs/)")
    args = parser.parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 200)
    plan = QUICK if args.quick else FULL
    if args.rounds:
        plan = replace(plan, rounds=args.rounds)
    machine = describe()
    console.print(f"[bold]{machine.cpu}[/] · {machine.cores} cores · {machine.ram_gb:.0f} GiB · "
                  f"Docker {machine.docker} · Python {machine.python}")
    targets = [TARGETS[key]() for key in _chosen(args.only)]
    results = Results()
    rows = metrics(plan)
    runner = Runner(plan, rows, results)
    started = datetime.now(tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
    began = time.monotonic()
    runner.run(targets)
    total = time.monotonic() - began
    console.print(rich_table(results, rows, targets))
    for line in not_measured(results, rows, targets) + details(results, rows, targets):
        console.print(f"  {line}", highlight=False)
    compare = {t.name: t.compare_to for t in targets
               if t.compare_to and t.name not in runner.failures}
    judged = verdicts(results, plan, compare)
    goals = Table(title="Targets")
    for column in ("target", "met", "measured"):
        goals.add_column(column)
    for verdict in judged:
        met = {True: "[green]met[/]", False: "[red]not met[/]", None: "—"}[verdict.met]
        goals.add_row(verdict.goal, met, verdict.detail)
    console.print(goals)
    args.docs.mkdir(parents=True, exist_ok=True)
    plots = write_plots(results, plan, [t.name for t in targets], args.docs)
    write_markdown(Report(plan, args.quick, machine, results, rows, targets, judged,
                          runner.failures, runner.seconds, runner.steps, runner.loads, total,
                          started, plots),
                   args.docs / "BENCHMARKS.md")
    console.print(f"done in {total / 60:.1f} min: {args.docs / 'BENCHMARKS.md'} and "
                  f"{len(plots)} plots")
    return 0


def _chosen(only: list[str] | None) -> list[str]:
    if not only:
        return list(TARGETS)
    keys = set(only)
    if "ours" in keys:
        keys |= set(OURS)
    if "peers" in keys:
        keys |= set(TARGETS) - set(OURS)
    return [key for key in TARGETS if key in keys]
