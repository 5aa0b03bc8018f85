"""The harness's statistics, cells and verdicts, on figures given here."""

from __future__ import annotations

import pytest

from bench.cells import advantage, cell, number, ratio_text
from bench.goals import Verdict, verdicts
from bench.plan import FULL, QUICK
from bench.results import Measurement, Metric, Results, median, percentile

MS = Metric("warm.p50", "warm", "ms")
RATE = Metric("throughput.8", "throughput", "/s", lower_is_better=False)


@pytest.mark.parametrize(("pct", "expected"), [(50, 5), (95, 10), (99, 10), (1, 1), (10, 1)])
def test_percentiles_are_nearest_rank(pct: float, expected: float) -> None:
    assert percentile([float(n) for n in range(10, 0, -1)], pct) == expected


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5


def test_numbers_keep_three_significant_digits() -> None:
    assert [number(v) for v in (0.3381, 2.441, 26.64, 750.4, 1350.0)] == [
        "0.338", "2.44", "26.6", "750", "1,350"]
    assert [ratio_text(r) for r in (0.957, 10.93, 308.2)] == ["0.96×", "10.9×", "308×"]


def test_advantage_reads_the_metrics_direction() -> None:
    assert advantage(MS, 2.0, 20.0) == 10.0
    assert advantage(RATE, 800.0, 40.0) == 20.0
    assert advantage(MS, 0.0, 1.0) is None


def test_a_cell_shows_the_value_its_spread_the_peer_ratio_and_errors() -> None:
    results = Results()
    results.put("warm.p50", "ours (docker)", Measurement(2.0, spread=(1.9, 2.1)))
    results.put("warm.p50", "SAM EAGER", Measurement(25.0, errors=2))
    results.put("warm.p50", "moto", Measurement.absent("no warm invoke"))

    assert cell(results, MS, "ours (docker)", None) == "2.00 ms ±5%"
    assert cell(results, MS, "SAM EAGER", "ours (docker)") == "25.0 ms (12.5×) [2 err]"
    assert cell(results, MS, "moto", "ours (docker)") == "—"


def goal(found: list[Verdict], name: str) -> Verdict:
    return next(v for v in found if v.goal.startswith(name))


def test_targets_are_met_not_met_or_not_measured_from_the_figures() -> None:
    results = Results()
    for target, warm, overhead, runtime in (("ours (docker)", 2.5, 0.35, 0.45),
                                            ("ours (process)", 1.9, 0.30, 0.38)):
        results.put("warm.p50", target, Measurement(warm))
        results.put("overhead.p50", target, Measurement(overhead))
        results.put("overhead.runtime.p50", target, Measurement(runtime))
    results.put("warm.p50", "SAM EAGER", Measurement(25.0))

    judged = verdicts(results, FULL, {"SAM EAGER": "ours (docker)"})

    assert goal(judged, "warm invoke via boto3").met is False
    assert goal(judged, "warm invoke via boto3").detail == (
        "ours (docker): 2.50 ms; ours (process): 1.90 ms")
    assert goal(judged, "server-side overhead").met is True
    assert goal(judged, "server overhead, total − the runtime").met is False
    assert goal(judged, "Docker cold start").met is None
    assert goal(judged, "≥ 7× faster than SAM warm").met is True
    assert goal(judged, "≥ 7× faster than SAM warm").detail == "10.0× (2.50 vs 25.0 ms)"
    assert goal(judged, "faster than every peer").met is True


def test_a_peer_that_wins_a_scenario_is_named_and_a_quick_run_does_not_judge_scale() -> None:
    results = Results()
    results.put("warm.p50", "ours (docker)", Measurement(3.0))
    results.put("warm.p50", "pll", Measurement(2.0))
    results.put("scale.time", "ours (docker)", Measurement(1.0))

    judged = verdicts(results, QUICK, {"pll": "ours (docker)"})

    every_peer = goal(judged, "faster than every peer")
    assert every_peer.met is False and "vs pll (0.67×)" in every_peer.detail
    assert goal(judged, "200 × sleep(1)").met is None
