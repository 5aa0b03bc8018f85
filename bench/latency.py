"""Scenarios 1, 2, 3, 6 and 8: one invoke at a time, timed at the client."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from bench.client import Sample
from bench.functions import RELOAD, payload, reload_source
from bench.metrics import payload_key
from bench.plan import KB, Plan
from bench.results import Measurement, median, percentile
from bench.target import ApiTarget, Target

Tick = Callable[[int, int], None]
ONE_KB = payload(KB)
RELOAD_WAIT_SECONDS = 30.0
FAILING_SAMPLES = 2


def collect(target: Target, take: Callable[[int], Sample], count: int, plan: Plan,
            tick: Tick) -> list[Sample]:
    """`count` samples; a peer stops at the time budget (once it has the minimum), or once
    its first `FAILING_SAMPLES` all failed (the rest would fail the same way)."""
    deadline = time.monotonic() + plan.sample_budget_seconds
    samples: list[Sample] = []
    for index in range(count):
        samples.append(take(index))
        tick(index + 1, count)
        if not target.budgeted:
            continue
        if len(samples) >= plan.min_samples and time.monotonic() > deadline:
            break
        if len(samples) == FAILING_SAMPLES and all(s.error for s in samples):
            break
    return samples


def summarise(samples: list[Sample], stat: Callable[[list[float]], float],
              values: Callable[[Sample], float | None] = lambda s: s.ms) -> Measurement:
    """A statistic over the successful samples, with the failures counted."""
    good = [v for s in samples if s.error is None and (v := values(s)) is not None]
    failed = [s.error for s in samples if s.error is not None]
    note = f"n={len(good)}"
    if failed:
        note += f", {len(failed)} failed ({failed[0]})"
    if not good:
        return Measurement(errors=len(failed), note=note,
                           missing=f"failed: {failed[0] if failed else 'no figure'}")
    return Measurement(stat(good), good, len(failed), note)


def p(pct: float) -> Callable[[list[float]], float]:
    return lambda values: percentile(values, pct)


def warm(target: Target, plan: Plan, tick: Tick) -> dict[str, Measurement]:
    """Scenarios 1 and 2: the empty handler, 1 KB payload, after a warm-up (a peer's within
    its time budget)."""
    deadline = time.monotonic() + plan.sample_budget_seconds
    for index in range(plan.warmup_invokes):
        target.invoke("empty", ONE_KB)
        if target.budgeted and index >= 1 and time.monotonic() > deadline:
            break
    samples = collect(target, lambda _: target.invoke("empty", ONE_KB), plan.warm_samples,
                      plan, tick)
    found = {f"warm.p{pct}": summarise(samples, p(pct)) for pct in (50, 95, 99)}
    found.update(overheads(samples))
    return found


def overheads(samples: list[Sample]) -> dict[str, Measurement]:
    """The server's own share of each invoke: total minus the handler's time as the server
    sees it (dispatch to answer, Runtime API round trip included), and total minus the time
    the runtime says it held the invocation (the honest split)."""
    if not samples or "total" not in samples[0].timing:
        why = "no Server-Timing header: no server-side split"
        return {f"overhead.{kind}p{pct}": Measurement.absent(why)
                for kind in ("", "runtime.") for pct in (50, 95)}
    found = {}
    for kind, part in (("", "handler"), ("runtime.", "runtime")):
        def overhead(sample: Sample, part: str = part) -> float | None:
            timing = sample.timing
            return timing["total"] - timing[part] if part in timing else None

        found[f"overhead.{kind}p50"] = summarise(samples, median, overhead)
        found[f"overhead.{kind}p95"] = summarise(samples, p(95), overhead)
    return found


def cold(target: ApiTarget, plan: Plan, tick: Tick) -> dict[str, Measurement]:
    """Scenario 3: each sample is the first invoke of a fresh environment."""
    def take(index: int) -> Sample:
        time.sleep(plan.cold_spacing_seconds)
        target.force_cold("empty", index)
        return target.invoke("empty", ONE_KB)

    if not target.every_invoke_cold:
        target.invoke("empty", ONE_KB)  # whatever was warm before retires with the change
    samples = collect(target, take, plan.cold_samples, plan, tick)
    found = {"cold.total": summarise(samples, median)}
    warm_starts = sum(1 for s in samples if s.cold is False)
    if warm_starts:
        found["cold.total"].note += f", {warm_starts} were warm starts"
    for phase in ("launch", "init", "invoke"):
        if samples and phase in samples[0].timing:
            found[f"cold.{phase}"] = summarise(samples, median,
                                               lambda s, ph=phase: s.timing.get(ph))
        else:
            found[f"cold.{phase}"] = Measurement.absent("no Server-Timing header: no phases")
    return found


def payloads(target: Target, plan: Plan, tick: Tick) -> dict[str, Measurement]:
    """Scenario 8: echo payloads of growing size; the median round trip for each."""
    found = {}
    for size in plan.payload_sizes:
        body = payload(size)
        target.invoke("echo", body)  # warm-up: first buffers of that size
        samples = collect(target, lambda _, b=body: target.invoke("echo", b),
                          plan.payload_samples, plan, tick)
        found[payload_key(size)] = summarise(samples, median)
    return found


def hot_reload(target: ApiTarget, plan: Plan, tick: Tick) -> dict[str, Measurement]:
    """Scenario 6: rewrite the handler file, then invoke until the new code answers."""
    folder = target.code_folder(RELOAD)
    assert folder is not None, "a target that reloads names its code folder"
    target.invoke(RELOAD, b"{}")
    samples = collect(target, lambda index: _one_reload(target, folder / "app.py", index + 1,
                                                        plan.cold_spacing_seconds),
                      plan.reload_samples, plan, tick)
    return {"reload": summarise(samples, median)}


def _one_reload(target: ApiTarget, source: Path, version: int, pause: float) -> Sample:
    time.sleep(pause)  # a developer's saves are seconds apart, not back to back
    started = time.perf_counter()
    source.write_text(reload_source(version))
    deadline = time.monotonic() + RELOAD_WAIT_SECONDS
    while time.monotonic() < deadline:
        answer = target.invoke(RELOAD, b"{}")
        if answer.error is None and json.loads(answer.body or b"null") == {"version": version}:
            return Sample((time.perf_counter() - started) * 1000)
    return Sample(RELOAD_WAIT_SECONDS * 1000, error=f"old code after {RELOAD_WAIT_SECONDS:g} s")
