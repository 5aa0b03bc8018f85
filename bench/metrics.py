"""The rows of the table, in order, for a plan."""

from __future__ import annotations

from bench.plan import KB, Plan
from bench.results import Metric


def size_label(size: int) -> str:
    """`1 KB`, `1 MB`; a size just under a whole MB reads `≈6 MB`."""
    if size >= 1024 * KB:
        megabytes = size / (1024 * KB)
        return f"{megabytes:.0f} MB" if size % (1024 * KB) == 0 else f"≈{megabytes:.0f} MB"
    return f"{size // KB} KB"


def payload_key(size: int) -> str:
    return f"payload.{size}"


def throughput_key(clients: int) -> str:
    return f"throughput.{clients}"


def metrics(plan: Plan) -> list[Metric]:
    rows = [
        Metric("warm.p50", "1 · warm invoke p50 (boto3, 1 KB)", "ms"),
        Metric("warm.p95", "1 · warm invoke p95", "ms"),
        Metric("warm.p99", "1 · warm invoke p99", "ms"),
        Metric("overhead.p50", "2 · server overhead p50 (total − handler as the server "
               "sees it)", "ms"),
        Metric("overhead.p95", "2 · server overhead p95", "ms"),
        Metric("overhead.runtime.p50", "2 · server overhead p50 (total − the runtime's own "
               "time)", "ms"),
        Metric("overhead.runtime.p95", "2 · server overhead p95 (total − the runtime's own "
               "time)", "ms"),
        Metric("cold.total", "3 · cold start, invoke → response (median)", "ms"),
        Metric("cold.launch", "3 · cold: launch (median)", "ms"),
        Metric("cold.init", "3 · cold: init (median)", "ms"),
        Metric("cold.invoke", "3 · cold: invoke (median)", "ms"),
    ]
    rows += [Metric(throughput_key(n), f"4 · throughput, {n} client{'s' * (n > 1)}", "/s",
                    lower_is_better=False) for n in plan.throughput_clients]
    rows += [
        Metric("scale.time", f"5 · {plan.scale_invokes} × sleep({plan.scale_sleep_seconds:g} s): "
               "all done", "s"),
        Metric("scale.peak", "5 · peak environments", "envs", lower_is_better=False),
        Metric("reload", "6 · hot reload, save → new answer (median)", "ms"),
        Metric("memory.idle", "7 · server RSS, idle", "MB"),
        Metric("memory.loaded", f"7 · server RSS, {plan.memory_environments} warm environments",
               "MB"),
        Metric("memory.environment", "7 · one warm Python environment", "MB"),
    ]
    rows += [Metric(payload_key(size), f"8 · echo {size_label(size)}"
                    f"{'' if size % KB == 0 else f' ({size:,} B)'} (median)", "ms")
             for size in plan.payload_sizes]
    return rows
