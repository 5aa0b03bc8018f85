"""The results as a rich table on the console and as a Markdown table."""

from __future__ import annotations

from rich.table import Table

from bench.cells import cell
from bench.results import Metric, Results
from bench.target import Target


def rich_table(results: Results, metrics: list[Metric], targets: list[Target]) -> Table:
    table = Table(title="Lambda Simulator benchmarks (peer cells: value (how many times ours "
                  "is better))", show_lines=False)
    table.add_column("scenario", style="bold")
    for target in targets:
        table.add_column(target.name, justify="right")
    for metric in metrics:
        table.add_row(metric.label, *[cell(results, metric, t.name, t.compare_to)
                                      for t in targets])
    return table


def markdown_table(results: Results, metrics: list[Metric], targets: list[Target]) -> str:
    header = ["scenario", *[t.name for t in targets]]
    lines = ["| " + " | ".join(header) + " |",
             "|---|" + "---:|" * len(targets)]
    for metric in metrics:
        row = [metric.label, *[cell(results, metric, t.name, t.compare_to) for t in targets]]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def not_measured(results: Results, metrics: list[Metric], targets: list[Target]) -> list[str]:
    """One line per target and reason: which scenarios have no figure, and why."""
    lines = []
    for target in targets:
        reasons: dict[str, list[str]] = {}
        for metric in metrics:
            found = results.get(metric.key, target.name)
            if found is not None and found.missing:
                reasons.setdefault(found.missing, []).append(metric.key.split(".")[0])
        for why, scenarios in reasons.items():
            lines.append(f"{target.name} — {', '.join(dict.fromkeys(scenarios))}: {why}")
    return lines


def details(results: Results, metrics: list[Metric], targets: list[Target]) -> list[str]:
    """The notes behind the load figures and any failed invokes."""
    lines = []
    for metric in metrics:
        for target in targets:
            found = results.get(metric.key, target.name)
            if found is None or not found.note:
                continue
            if found.errors or metric.key.startswith(("throughput", "memory.environment")):
                lines.append(f"{target.name}, {metric.label}: {found.note}")
    return lines
