"""Alternating rounds: every target runs each scenario in several rounds, the targets taking
turns (ours, peer, ours, peer… and back again), so that a machine that gets busier or quieter
during a run weighs on all of them alike. Each round records the machine's load; a figure is
the median of the rounds that ran on a quiet machine, with their spread."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from bench.plan import Plan
from bench.results import Measurement, median

# Before a round, the share of the machine's CPU that something else may keep busy for the
# round to count as run on a quiet machine.
QUIET_PERCENT = 25.0


@dataclass(frozen=True)
class RoundLoad:
    """The machine around one round of one target."""

    target: str
    round: int  # from 1
    busy_before: float  # % CPU busy in the second before the round (other work)
    load_average: float  # the 1-minute load average at its start
    busy_during: float  # % CPU busy while it ran (its own work included)
    rerun: bool = False  # a second try of a round that had found the machine busy

    @property
    def quiet(self) -> bool:
        return self.busy_before <= QUIET_PERCENT


def round_plan(plan: Plan) -> Plan:
    """What one round measures: the plan's samples shared among its rounds. Scale-out and
    memory are whole in every round (each round repeats them)."""
    share = plan.rounds

    def part(count: int) -> int:
        return max(1, math.ceil(count / share))

    return replace(plan, warm_samples=part(plan.warm_samples),
                   cold_samples=part(plan.cold_samples),
                   payload_samples=part(plan.payload_samples),
                   reload_samples=part(plan.reload_samples),
                   throughput_seconds=max(1.0, plan.throughput_seconds / share))


def turn_order(targets: list[str], round_number: int) -> list[str]:
    """Round 1 in the given order, round 2 backwards, and so on: the targets alternate and
    none always runs first or last."""
    return list(targets) if round_number % 2 else list(reversed(targets))


def reruns(loads: list[RoundLoad]) -> list[RoundLoad]:
    """The rounds to run again: those that started on a busy machine, not yet rerun."""
    retried = {(load.target, load.round) for load in loads if load.rerun}
    return [load for load in loads
            if not load.quiet and not load.rerun and (load.target, load.round) not in retried]


def counted(loads: list[RoundLoad], target: str) -> set[int]:
    """The rounds of `target` whose figures count: each round's quiet try (its rerun when
    the first try was busy), or every round when none ran on a quiet machine."""
    mine = [load for load in loads if load.target == target]
    quiet = {load.round for load in mine if load.quiet}
    return quiet or {load.round for load in mine}


def combine(rounds: list[Measurement]) -> Measurement:
    """The median of the rounds' figures with their spread, all their samples and errors. A
    round without a figure counts in the note; with no figure at all, the first reason."""
    valued = [m for m in rounds if m.value is not None]
    errors = sum(m.errors for m in rounds)
    if not valued:
        first = rounds[0] if rounds else Measurement.absent("not measured")
        return replace(first, errors=errors)
    values = [m.value for m in valued if m.value is not None]
    samples = [sample for m in valued for sample in m.samples]
    notes = [note for note in dict.fromkeys(m.note for m in valued) if note]
    note = f"{len(valued)} round{'s' * (len(valued) > 1)}"
    if len(valued) < len(rounds):
        failed = [m.missing for m in rounds if m.value is None]
        note += f"; no figure in {len(failed)} more ({failed[0] or 'failed'})"
    if notes:
        note += ": " + "; ".join(notes)
    spread = (min(values), max(values)) if len(values) > 1 else None
    return Measurement(median(values), samples, errors, note, spread=spread)


def spread_percent(measurement: Measurement) -> float | None:
    """Half the range of the rounds' figures, as a share of their median."""
    value, spread = measurement.value, measurement.spread
    if spread is None or value is None or value <= 0:
        return None
    least, most = spread
    return (most - least) / 2 / value * 100
