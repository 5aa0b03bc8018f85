"""The cost meter as the invoke path feeds it: billed milliseconds × the function's memory at
the time, per architecture; throttles unbilled; provisioned concurrency integrated over the
time it is configured, in AWS's five-minute steps; a new month starting over."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from simulator.models import FunctionConfig, InvocationResult, ProvisionedConcurrency
from simulator.observability.cost import CostMeter, month_start
from simulator.observability.cost_bill import FunctionUsage
from simulator.observability.cost_prices import load_prices
from tests.unit.observability.recorded_invocations import START, Clock

PRICES = load_prices("us-east-1")


def config(name: str = "fn", memory_mb: int = 1024, **fields: Any) -> FunctionConfig:
    return FunctionConfig(name=name, runtime="python3.12", role="role", handler="app.handler",
                          code_sha256="", code_size=0, memory_size=memory_mb, **fields)


def ran(duration_ms: float, provisioned: bool = False) -> InvocationResult:
    return InvocationResult(b"{}", duration_ms=duration_ms, provisioned=provisioned)


class Simulated:
    """The functions and provisioned configs a meter reads, set by each test."""

    def __init__(self) -> None:
        self.functions: dict[str, FunctionConfig] = {"fn": config()}
        self.provisioned: list[ProvisionedConcurrency] = []
        self.clock = Clock(START.timestamp())
        self.meter = CostMeter(PRICES, self.functions.get, lambda: list(self.provisioned),
                               self.clock)

    def usage(self, name: str = "fn", architecture: str = "x86_64") -> FunctionUsage:
        [found] = [cost.usage for cost in self.meter.bill().functions
                   if (cost.usage.function_name, cost.usage.architecture) == (name,
                                                                              architecture)]
        return found

    def provision(self, concurrency: int, name: str = "fn", qualifier: str = "1"
                  ) -> ProvisionedConcurrency:
        allocation = ProvisionedConcurrency(self.functions[name], qualifier, concurrency,
                                            self.clock.now)
        self.provisioned = [p for p in self.provisioned if p.qualifier != qualifier]
        self.provisioned.append(allocation)
        return allocation


@pytest.fixture
def simulated() -> Simulated:
    return Simulated()


# -- invocations ------------------------------------------------------------------------------


def test_each_invocation_is_billed_its_duration_rounded_up_to_the_millisecond(
        simulated: Simulated) -> None:
    for duration_ms in (0.2, 100.1, 250.0):
        simulated.meter.record("fn", ran(duration_ms), throttled=False)

    usage = simulated.usage()
    assert usage.requests == 3
    assert usage.gb_seconds == pytest.approx((1 + 101 + 250) / 1000 * 1.0)


def test_memory_is_the_functions_at_the_time_of_the_invocation(simulated: Simulated) -> None:
    simulated.meter.record("fn", ran(1000), throttled=False)
    simulated.functions["fn"] = config(memory_mb=128)
    simulated.meter.record("fn", ran(1000), throttled=False)

    usage = simulated.usage()
    assert usage.gb_seconds == pytest.approx(1.0 + 0.125)
    assert usage.memory_mb == 128


def test_throttled_invocations_are_not_billed(simulated: Simulated) -> None:
    simulated.meter.record("fn", None, throttled=True)
    simulated.meter.record("fn", ran(10), throttled=False)

    assert simulated.usage().requests == 1


def test_an_unknown_function_is_not_billed(simulated: Simulated) -> None:
    simulated.meter.record("deleted", ran(10), throttled=False)

    assert simulated.meter.bill().functions == []


def test_arm_functions_are_counted_at_arms_prices(simulated: Simulated) -> None:
    simulated.functions["fn"] = config(architectures=("arm64",))
    simulated.meter.record("fn", ran(1000), throttled=False)

    [cost] = simulated.meter.bill().functions
    assert cost.usage.architecture == "arm64"
    assert cost.duration_usd == pytest.approx(0.0000133334)


def test_ephemeral_storage_above_512_mb_is_counted_for_the_billed_duration(
        simulated: Simulated) -> None:
    simulated.functions["fn"] = config(ephemeral_storage=2048)
    simulated.meter.record("fn", ran(1000), throttled=False)

    assert simulated.usage().ephemeral_storage_gb_seconds == pytest.approx(1.5)


def test_invocations_served_by_provisioned_concurrency_are_counted_apart(
        simulated: Simulated) -> None:
    simulated.meter.record("fn", ran(100, provisioned=True), throttled=False)
    simulated.meter.record("fn", ran(100), throttled=False)

    usage = simulated.usage()
    assert (usage.requests, usage.provisioned_requests) == (1, 1)
    assert usage.provisioned_gb_seconds == pytest.approx(0.1)


def test_records_from_many_threads_are_all_counted(simulated: Simulated) -> None:
    def invoke() -> None:
        for _ in range(500):
            simulated.meter.record("fn", ran(1), throttled=False)

    threads = [threading.Thread(target=invoke) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert simulated.usage().requests == 4_000


def test_a_new_month_starts_over(simulated: Simulated) -> None:
    simulated.meter.record("fn", ran(1000), throttled=False)
    simulated.clock.now = datetime(2026, 4, 1, 0, 0, 1, tzinfo=UTC).timestamp()
    simulated.meter.record("fn", ran(1000), throttled=False)

    assert simulated.usage().requests == 1
    assert simulated.meter.since == datetime(2026, 4, 1, tzinfo=UTC).timestamp()


def test_month_start_is_the_first_instant_of_the_month_utc() -> None:
    assert month_start(START.timestamp()) == datetime(2026, 3, 1, tzinfo=UTC).timestamp()


# -- provisioned concurrency --------------------------------------------------------------------


def test_provisioned_concurrency_is_billed_in_five_minute_steps(simulated: Simulated) -> None:
    simulated.provision(10)
    simulated.clock.now += 600

    assert simulated.usage().provisioned_concurrency_gb_seconds == pytest.approx(10 * 600)
    simulated.clock.now += 1
    assert simulated.usage().provisioned_concurrency_gb_seconds == pytest.approx(10 * 900)


def test_a_removed_config_is_billed_until_the_last_read_that_saw_it(
        simulated: Simulated) -> None:
    simulated.provision(2)
    simulated.clock.now += 300
    simulated.meter.bill()
    simulated.provisioned = []
    simulated.clock.now += 3_000

    assert simulated.usage().provisioned_concurrency_gb_seconds == pytest.approx(2 * 300)


def test_a_changed_config_is_billed_at_each_concurrency_for_its_time(
        simulated: Simulated) -> None:
    simulated.provision(2)
    simulated.meter.bill()
    simulated.clock.now += 300
    simulated.provision(5)
    simulated.clock.now += 600

    assert simulated.usage().provisioned_concurrency_gb_seconds == pytest.approx(
        2 * 300 + 5 * 600)


def test_provisioned_concurrency_of_a_version_uses_that_versions_memory(
        simulated: Simulated) -> None:
    version = replace(simulated.functions["fn"], memory_size=2048, version="1")
    simulated.provisioned = [ProvisionedConcurrency(version, "1", 1, simulated.clock.now)]
    simulated.clock.now += 300

    assert simulated.usage().provisioned_concurrency_gb_seconds == pytest.approx(2 * 300)


def test_provisioned_concurrency_counts_only_this_months_time(simulated: Simulated) -> None:
    simulated.clock.now = datetime(2026, 3, 31, 23, 0, tzinfo=UTC).timestamp()
    simulated.provision(1)
    simulated.clock.now = datetime(2026, 4, 1, 1, 0, tzinfo=UTC).timestamp()

    assert simulated.usage().provisioned_concurrency_gb_seconds == pytest.approx(3600)


def test_provisioned_concurrency_of_a_deleted_function_is_not_billed(
        simulated: Simulated) -> None:
    simulated.provision(1)
    del simulated.functions["fn"]
    simulated.clock.now += 600

    assert simulated.meter.bill().functions == []


def test_a_cold_starts_billed_duration_includes_its_init(simulated: Simulated) -> None:
    """The REPORT line's Billed Duration (init + handler since August 2025) is what is
    billed, not the handler's time alone."""
    simulated.meter.record("fn", InvocationResult(b"{}", duration_ms=2.2, billed_ms=153),
                           throttled=False)

    assert simulated.usage().gb_seconds == pytest.approx(0.153)
