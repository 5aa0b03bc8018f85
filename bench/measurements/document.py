"""docs/MEASUREMENTS.md, written from one run's figures."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bench.machine import Machine
from bench.measurements import engine
from bench.measurements.figures import Figure

INTRODUCTION = f"""\
# Measurements

The simulator's comments give the reasons for its choices; the sizes behind those reasons
depend on the machine, so they are kept here, each with the module that relies on it.
`python -m bench.measurements` measures them again and rewrites this file: it starts a server
with the process executor, {engine.CONTAINERS} containers of `{engine.IMAGE}` (all removed
afterwards) and a few fresh interpreters. Nothing in this file is typed by hand."""


def write(path: Path, figures: list[Figure], machine: Machine, started: datetime,
          seconds: float, load: float) -> None:
    path.write_text(render(figures, machine, started, seconds, load), encoding="utf-8")


def render(figures: list[Figure], machine: Machine, started: datetime, seconds: float,
           load: float) -> str:
    run = (f"Measured {started:%Y-%m-%d %H:%M} UTC in {seconds:.0f} s, on the machine below "
           f"(load average {load:.2f} when the run began).")
    machine_rows = [("CPU", machine.cpu), ("Cores", str(machine.cores)),
                    ("Docker", machine.docker), ("RAM", f"{machine.ram_gb:.1f} GiB"),
                    ("Kernel", machine.kernel), ("Python", machine.python),
                    ("boto3", machine.boto3)]
    parts = [INTRODUCTION, run, _table(("Machine", ""), machine_rows),
             _table(("Figure", "Relied upon in", "Measured", "How"),
                    [(f.claim, f.where, f.measured, f.method) for f in figures])]
    return "\n\n".join(parts) + "\n"


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = [_row(head), _row(tuple("---" for _ in head))]
    lines += [_row(row) for row in rows]
    return "\n".join(lines)


def _row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"
