"""The targets a run is judged against: met, not met, or not measured."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.cells import advantage, number, ratio_text
from bench.metrics import metrics, throughput_key
from bench.plan import Plan
from bench.results import Results

OURS = ("ours (docker)", "ours (process)")
DOCKER, PROCESS = OURS
SAM_WARM, SAM_COLD = "SAM EAGER", "SAM"


@dataclass(frozen=True)
class Verdict:
    goal: str
    met: bool | None  # None: not measured
    detail: str


def _limit(goal: str, results: Results, key: str, targets: tuple[str, ...], limit: float,
           unit: str, at_least: bool = False) -> Verdict:
    parts, met = [], []
    for target in targets:
        found = results.get(key, target)
        if found is not None and found.value is None and found.shown:
            met.append(False)  # ran, but did not finish
            parts.append(f"{target}: {found.shown}")
        if found is None or found.value is None:
            continue
        value = found.value
        ok = value >= limit if at_least else value <= limit
        met.append(ok)
        parts.append(f"{target}: {number(value)}{unit}")
    if not met:
        return Verdict(goal, None, "not measured")
    return Verdict(goal, all(met), "; ".join(parts))


def _faster(goal: str, results: Results, key: str, peer: str, factor: float) -> Verdict:
    ours, theirs = results.value(key, DOCKER), results.value(key, peer)
    if ours is None or theirs is None:
        return Verdict(goal, None, "not measured")
    ratio = theirs / ours
    return Verdict(goal, ratio >= factor,
                   f"{ratio_text(ratio)} ({number(ours)} vs {number(theirs)} ms)")


def _throughput(results: Results) -> Verdict:
    goal = "≥ 800 warm invokes/s with 8 clients, 0 errors"
    key = throughput_key(8)
    parts, met = [], []
    for target in OURS:
        found = results.get(key, target)
        if found is None or found.value is None:
            continue
        met.append(found.value >= 800 and found.errors == 0)
        parts.append(f"{target}: {number(found.value)}/s, {found.errors} errors")
    return Verdict(goal, all(met) if met else None, "; ".join(parts) or "not measured")


def _scale(results: Results, plan: Plan) -> Verdict:
    goal = "200 × sleep(1) all done ≤ 3 s"
    if plan.scale_invokes != 200:
        return Verdict(goal, None, f"quick run: {plan.scale_invokes} invokes, not 200")
    return _limit(goal, results, "scale.time", OURS, 3.0, " s")


def _beats_every_peer(results: Results, plan: Plan, compare: dict[str, str]) -> Verdict:
    goal = "faster than every peer on every scenario they support"
    losses, compared = [], 0
    for metric in metrics(plan):
        if metric.unit in ("MB", "envs"):
            continue
        for peer, ours in compare.items():
            mine, theirs = results.value(metric.key, ours), results.value(metric.key, peer)
            if mine is None or theirs is None:
                continue
            ratio = advantage(metric, mine, theirs)
            compared += ratio is not None
            if ratio is not None and ratio < 1:
                losses.append(f"{metric.label} vs {peer} ({ratio_text(ratio)})")
    if not compared:
        return Verdict(goal, None, "no peer compared")
    return Verdict(goal, not losses, "; ".join(losses) or "everywhere")


def verdicts(results: Results, plan: Plan, compare: dict[str, str]) -> list[Verdict]:
    """`compare` maps each peer that ran to the column of ours it is compared with."""
    checks: list[Callable[[], Verdict]] = [
        lambda: _limit("warm invoke via boto3 ≤ 2 ms (p50)", results, "warm.p50", OURS, 2,
                       " ms"),
        lambda: _limit("server-side overhead ≤ 0.5 ms (p50)", results, "overhead.p50", OURS,
                       0.5, " ms"),
        lambda: _limit("server overhead, total − the runtime's own time ≤ 0.4 ms (p50)",
                       results, "overhead.runtime.p50", OURS, 0.4, " ms"),
        lambda: _limit("Docker cold start ≤ 150 ms", results, "cold.total", (DOCKER,), 150,
                       " ms"),
        lambda: _limit("process cold start ≤ 100 ms", results, "cold.total", (PROCESS,), 100,
                       " ms"),
        lambda: _throughput(results),
        lambda: _scale(results, plan),
        lambda: _limit("hot reload ≤ 300 ms", results, "reload", OURS, 300, " ms"),
        lambda: _limit("server idle RSS ≤ 80 MB", results, "memory.idle", OURS, 80, " MB"),
        lambda: _limit("warm Python environment ≤ 25 MB", results, "memory.environment", OURS,
                       25, " MB"),
        lambda: _faster("≥ 7× faster than SAM warm (EAGER) on warm invokes (p50)", results,
                        "warm.p50", SAM_WARM, 7),
        lambda: _faster("≥ 3× faster than SAM on cold starts (median)", results, "cold.total",
                        SAM_COLD, 3),
        lambda: _beats_every_peer(results, plan, compare),
    ]
    return [check() for check in checks]
