"""How much to measure: every sample count and time budget of a run, full and `--quick`."""

from __future__ import annotations

from dataclasses import dataclass

KB = 1024
MAX_SYNC_REQUEST = 6_291_456  # AWS's limit on a synchronous request body

WARM_SAMPLES = 500
WARMUP_INVOKES = 20
COLD_SAMPLES = 10
# Cold starts and hot-reload edits one second apart, as a developer's are: back-to-back
# bursts are scenario 5.
COLD_SPACING_SECONDS = 1.0
THROUGHPUT_CLIENTS = (1, 4, 8, 32)
THROUGHPUT_SECONDS = 3.0
SCALE_INVOKES = 200
SCALE_SLEEP_SECONDS = 1.0
MEMORY_ENVIRONMENTS = 50
PAYLOAD_SIZES = (KB, 100 * KB, 1024 * KB, MAX_SYNC_REQUEST - 1000)
PAYLOAD_SAMPLES = 20
RELOAD_SAMPLES = 20
# Slow peers stop sampling at these budgets (but never below MIN_SAMPLES).
SAMPLE_BUDGET_SECONDS = 4.0
SCALE_DEADLINE_SECONDS = 20.0
MIN_SAMPLES = 5
# Before each round, wait up to this long for the machine's CPU to be mostly idle.
SETTLE_SECONDS = 15.0
# Every target runs every scenario in this many rounds, taking turns with the others.
ROUNDS = 3


@dataclass(frozen=True)
class Plan:
    warm_samples: int = WARM_SAMPLES
    warmup_invokes: int = WARMUP_INVOKES
    cold_samples: int = COLD_SAMPLES
    cold_spacing_seconds: float = COLD_SPACING_SECONDS
    throughput_clients: tuple[int, ...] = THROUGHPUT_CLIENTS
    throughput_seconds: float = THROUGHPUT_SECONDS
    scale_invokes: int = SCALE_INVOKES
    scale_sleep_seconds: float = SCALE_SLEEP_SECONDS
    memory_environments: int = MEMORY_ENVIRONMENTS
    payload_sizes: tuple[int, ...] = PAYLOAD_SIZES
    payload_samples: int = PAYLOAD_SAMPLES
    reload_samples: int = RELOAD_SAMPLES
    sample_budget_seconds: float = SAMPLE_BUDGET_SECONDS
    scale_deadline_seconds: float = SCALE_DEADLINE_SECONDS
    min_samples: int = MIN_SAMPLES
    settle_seconds: float = SETTLE_SECONDS
    rounds: int = ROUNDS


FULL = Plan()
QUICK = Plan(
    warm_samples=200,
    warmup_invokes=10,
    cold_samples=3,
    throughput_seconds=1.5,
    scale_invokes=50,
    memory_environments=10,
    payload_samples=5,
    reload_samples=2,
    sample_budget_seconds=3.0,
    scale_deadline_seconds=10.0,
    min_samples=3,
    settle_seconds=5.0,
    rounds=2,
)
