"""Alternating rounds: turns, the per-round plan, which rounds count, how they combine."""

from __future__ import annotations

from bench.plan import FULL, Plan
from bench.results import Measurement
from bench.rounds import RoundLoad, combine, counted, reruns, round_plan, spread_percent, turn_order


def load(target: str, number: int, busy: float, rerun: bool = False) -> RoundLoad:
    return RoundLoad(target, number, busy_before=busy, load_average=0.5, busy_during=60.0,
                     rerun=rerun)


def test_targets_take_turns_and_every_other_round_runs_backwards() -> None:
    targets = ["ours", "sam", "moto"]

    assert [turn_order(targets, n) for n in (1, 2, 3)] == [
        ["ours", "sam", "moto"], ["moto", "sam", "ours"], ["ours", "sam", "moto"]]


def test_a_round_takes_its_share_of_the_samples_and_repeats_scale_and_memory() -> None:
    plan = Plan(warm_samples=500, cold_samples=10, payload_samples=20, reload_samples=20,
                throughput_seconds=3.0, rounds=3)

    part = round_plan(plan)

    assert (part.warm_samples, part.cold_samples, part.payload_samples,
            part.reload_samples) == (167, 4, 7, 7)
    assert part.throughput_seconds == 1.0
    assert (part.scale_invokes, part.memory_environments) == (plan.scale_invokes,
                                                             plan.memory_environments)
    assert round_plan(Plan(cold_samples=1, rounds=3)).cold_samples == 1
    assert FULL.rounds >= 2


def test_a_busy_round_is_rerun_once() -> None:
    loads = [load("ours", 1, 5.0), load("sam", 1, 80.0), load("ours", 2, 90.0)]

    assert [(r.target, r.round) for r in reruns(loads)] == [("sam", 1), ("ours", 2)]
    loads += [load("sam", 1, 70.0, rerun=True), load("ours", 2, 10.0, rerun=True)]
    assert reruns(loads) == []


def test_only_quiet_rounds_count_unless_none_was_quiet() -> None:
    loads = [load("ours", 1, 5.0), load("ours", 2, 90.0), load("ours", 2, 10.0, rerun=True),
             load("ours", 3, 95.0), load("sam", 1, 80.0), load("sam", 2, 85.0)]

    assert counted(loads, "ours") == {1, 2}
    assert counted(loads, "sam") == {1, 2}  # never quiet: every round, rather than nothing


def test_rounds_combine_into_their_median_with_the_spread_and_all_samples() -> None:
    rounds = [Measurement(2.0, [1.9, 2.0], 0, "n=2"), Measurement(2.4, [2.4], 1, "n=1"),
              Measurement(2.2, [2.2], 0, "n=1")]

    merged = combine(rounds)

    assert merged.value == 2.2
    assert merged.spread == (2.0, 2.4)
    assert merged.samples == [1.9, 2.0, 2.4, 2.2]
    assert merged.errors == 1
    assert merged.note == "3 rounds: n=2; n=1"
    assert spread_percent(merged) is not None and round(spread_percent(merged) or 0) == 9


def test_a_round_without_a_figure_is_noted_and_none_at_all_keeps_the_reason() -> None:
    merged = combine([Measurement(3.0), Measurement.absent("failed: timed out")])
    assert merged.value == 3.0 and merged.spread is None
    assert merged.note == "1 round; no figure in 1 more (failed: timed out)"
    assert spread_percent(merged) is None

    nothing = combine([Measurement.absent("no Server-Timing header"), Measurement.absent("x")])
    assert nothing.value is None and nothing.missing == "no Server-Timing header"
