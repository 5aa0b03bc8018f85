"""PNG plots of the latency distributions and the scaling curves, for docs/."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

from bench.metrics import payload_key, size_label, throughput_key
from bench.plan import Plan
from bench.results import Results

PHASES = ("launch", "init", "invoke")


def write_plots(results: Results, plan: Plan, targets: list[str], folder: Path) -> list[Path]:
    written = []
    for name, draw in (("warm", _warm), ("cold", _cold), ("payload", _payload),
                       ("throughput", _throughput)):
        figure = draw(results, plan, targets)
        if figure is None:
            continue
        path = folder / f"bench-{name}.png"
        figure.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(figure)
        written.append(path)
    return written


def _distributions(results: Results, key: str, targets: list[str]
                   ) -> tuple[list[str], list[list[float]]]:
    names, data = [], []
    for target in targets:
        found = results.get(key, target)
        if found is not None and found.samples:
            names.append(target)
            data.append(found.samples)
    return names, data


def _boxes(axes: plt.Axes, names: list[str], data: list[list[float]], title: str) -> None:
    axes.boxplot(data, vert=False, tick_labels=names, whis=(1, 99), showfliers=True,
                 flierprops={"markersize": 2, "alpha": 0.4})
    axes.set_xscale("log")
    axes.set_xlabel("ms (log scale; whiskers p1–p99)")
    axes.set_title(title)
    axes.grid(axis="x", which="both", alpha=0.3)


def _warm(results: Results, plan: Plan, targets: list[str]) -> plt.Figure | None:
    names, data = _distributions(results, "warm.p50", targets)
    if not data:
        return None
    figure, axes = plt.subplots(figsize=(8, 0.6 * len(names) + 1.5))
    _boxes(axes, names, data, "Warm invoke round trip (empty handler, 1 KB payload)")
    return figure


def _cold(results: Results, plan: Plan, targets: list[str]) -> plt.Figure | None:
    names, data = _distributions(results, "cold.total", targets)
    if not data:
        return None
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 0.6 * len(names) + 2),
                                         layout="constrained")
    _boxes(left, names, data, "Cold start: invoke → response")
    ours = [t for t in targets if results.value("cold.launch", t) is not None]
    base = [0.0] * len(ours)
    for phase in PHASES:
        widths = [results.value(f"cold.{phase}", t) or 0.0 for t in ours]
        right.barh(ours, widths, left=base, label=phase)
        base = [b + w for b, w in zip(base, widths, strict=True)]
    right.set_xlabel("ms (medians, from Server-Timing)")
    right.set_title("Where a cold start goes")
    right.legend()
    return figure


def _payload(results: Results, plan: Plan, targets: list[str]) -> plt.Figure | None:
    figure, axes = plt.subplots(figsize=(8, 5))
    drawn = False
    for target in targets:
        points = [(size, results.value(payload_key(size), target)) for size in plan.payload_sizes]
        points = [(size, value) for size, value in points if value is not None]
        if points:
            axes.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=target)
            drawn = True
    if not drawn:
        plt.close(figure)
        return None
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(list(plan.payload_sizes), [size_label(s) for s in plan.payload_sizes])
    axes.set_xlabel("payload, echoed back")
    axes.set_ylabel("median round trip, ms (log)")
    axes.set_title("Payload scaling")
    axes.grid(which="both", alpha=0.3)
    axes.legend()
    return figure


def _throughput(results: Results, plan: Plan, targets: list[str]) -> plt.Figure | None:
    figure, axes = plt.subplots(figsize=(8, 5))
    drawn = False
    for target in targets:
        points = [(n, results.value(throughput_key(n), target)) for n in plan.throughput_clients]
        points = [(n, value) for n, value in points if value is not None]
        if points:
            axes.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=target)
            drawn = True
    if not drawn:
        plt.close(figure)
        return None
    axes.set_xscale("log", base=2)
    axes.set_xticks(list(plan.throughput_clients), [str(n) for n in plan.throughput_clients])
    axes.set_yscale("log")
    axes.set_xlabel("concurrent client threads")
    axes.set_ylabel("warm invokes/s (log)")
    axes.set_title("Throughput")
    axes.grid(which="both", alpha=0.3)
    axes.legend()
    return figure
