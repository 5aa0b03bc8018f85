"""First invokes, as after a deploy: new functions created together and invoked back to back,
and a template's functions invoked once the server has had two seconds after its deploy; on
each executor, with standby containers (the default) and without (`--standby 0`).

    python -m bench.first_invokes --rounds 5 --docs docs/BENCHMARKS.md

Each configuration gets a `lambda-sim serve` of its own in a fresh state folder; the load
average is recorded before and after each, and every figure is a median with its spread
(least and most, and the middle half), so a figure from a loaded machine shows as one."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from bench.doc_sections import replace_section
from bench.reliability_load import Server, code_zip

ROLE = "arn:aws:iam::123456789012:role/first-invokes"
HANDLER = "def handler(event, context):\n    return {'ok': True}\n"
RUNTIME = "python3.11"
SETTLE_SECONDS = 2.0
# The goals (medians, and the slowest after a template deploy), in milliseconds.
CREATED_GOALS = {"docker": 250.0, "process": 50.0}
TEMPLATE_GOAL = 150.0


@dataclass(frozen=True)
class Spread:
    """A median with what surrounds it: the least, the most, and the middle half."""

    count: int
    median: float
    least: float
    most: float
    lower_quartile: float
    upper_quartile: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            raise ValueError("no values to summarise")
        ordered = sorted(values)
        if len(ordered) == 1:
            lower = upper = ordered[0]
        else:
            lower, _, upper = statistics.quantiles(ordered, n=4, method="inclusive")
        return cls(len(ordered), statistics.median(ordered), ordered[0], ordered[-1],
                   lower, upper)

    def text(self) -> str:
        return (f"{self.median:.0f} ({self.lower_quartile:.0f}–{self.upper_quartile:.0f}; "
                f"{self.least:.0f}–{self.most:.0f})")


def verdict(value: float, goal: float) -> str:
    return "met" if value <= goal else "missed"


def created_together(server: Server, functions: int, rounds: int) -> list[float]:
    """Milliseconds of each first invoke: per round, `functions` new ones created one after
    another, then each invoked once, back to back."""
    lam = server.client("lambda")
    timings = []
    for _ in range(rounds):
        names = [f"first-{uuid.uuid4().hex[:10]}" for _ in range(functions)]
        for name in names:
            lam.create_function(FunctionName=name, Runtime=RUNTIME, Role=ROLE,
                                Handler="app.handler", Code={"ZipFile": code_zip(HANDLER)})
        for name in names:
            began = time.perf_counter()
            lam.invoke(FunctionName=name)
            timings.append((time.perf_counter() - began) * 1000)
    return timings


def template(folder: Path, names: Sequence[str]) -> Path:
    """A SAM template of one function per name, its code in the template's folder."""
    folder.mkdir(parents=True)
    (folder / "app.py").write_text(HANDLER)
    lines = ["Transform: AWS::Serverless-2016-10-31", "Resources:"]
    for index, name in enumerate(names):
        lines += [f"  Function{index}:", "    Type: AWS::Serverless::Function",
                  "    Properties:", f"      FunctionName: {name}", "      CodeUri: .",
                  "      Handler: app.handler", f"      Runtime: {RUNTIME}"]
    path = folder / "template.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def after_template_deploy(server: Server, folder: Path, functions: int,
                          rounds: int) -> list[float]:
    """Milliseconds of each first invoke of a template's functions, invoked back to back
    once the server has had `SETTLE_SECONDS` after the deploy returned."""
    lam = server.client("lambda")
    timings = []
    for round_number in range(rounds):
        names = [f"stack-{uuid.uuid4().hex[:10]}" for _ in range(functions)]
        path = template(folder / f"app{round_number}", names)
        deployed = requests.post(f"{server.url}/_simulator/deploy",
                                 json={"template": str(path)}, timeout=300)
        deployed.raise_for_status()
        time.sleep(SETTLE_SECONDS)
        for name in names:
            began = time.perf_counter()
            lam.invoke(FunctionName=name)
            timings.append((time.perf_counter() - began) * 1000)
    return timings


def measure(executor: str, standby: int, functions: int, rounds: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="first-invokes-"))
    load_before = os.getloadavg()[0]
    server = Server(executor, folder, {"LAMBDA_SIM_STANDBY": str(standby)})
    try:
        created = Spread.of(created_together(server, functions, rounds))
        deployed = Spread.of(after_template_deploy(server, folder, functions, rounds))
    finally:
        server.stop()
    return {"executor": executor, "standby": standby, "created": created,
            "deployed": deployed, "load": (load_before, os.getloadavg()[0])}


def report(rows: Sequence[dict[str, Any]], functions: int, rounds: int) -> str:
    lines = [
        f"{rounds} rounds of {functions} functions each; milliseconds per first invoke: "
        "median (middle half; least–most). Goals: created together, median ≤ "
        f"{CREATED_GOALS['docker']:.0f} ms on Docker and ≤ {CREATED_GOALS['process']:.0f} ms "
        f"on processes, with standby; after a template deploy and {SETTLE_SECONDS:.0f} s, "
        f"every one ≤ {TEMPLATE_GOAL:.0f} ms. {os.cpu_count()} cores.",
        "",
        "| executor | standby | created together | goal | after a template deploy | goal "
        "| load average before → after |",
        "|---|---:|---|---|---|---|---|"]
    for row in rows:
        created, deployed = row["created"], row["deployed"]
        created_goal = verdict(created.median, CREATED_GOALS[row["executor"]]) \
            if row["standby"] else "—"
        deployed_goal = verdict(deployed.most, TEMPLATE_GOAL) if row["standby"] else "—"
        lines.append(f"| {row['executor']} | {row['standby']} | {created.text()} | "
                     f"{created_goal} | {deployed.text()} | {deployed_goal} | "
                     f"{row['load'][0]:.1f} → {row['load'][1]:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--executors", nargs="+", default=["docker", "process"],
                        choices=["docker", "process"])
    parser.add_argument("--functions", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--docs", type=Path, help="write the table into this page's "
                        "generated section (docs/BENCHMARKS.md)")
    args = parser.parse_args(argv)
    rows = []
    for executor in args.executors:
        for standby in (1, 0):
            print(f"{executor}, standby {standby} ...", flush=True)
            rows.append(measure(executor, standby, args.functions, args.rounds))
    table = report(rows, args.functions, args.rounds)
    print(table)
    if args.docs:
        command = " ".join(["python -m bench.first_invokes",
                            *(argv if argv is not None else sys.argv[1:])])
        replace_section(args.docs, "first-invokes", f"`{command}`\n\n{table}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
