"""What each function would cost on AWS this month: an invocation observer that adds up billed
duration × memory per function and architecture, and integrates provisioned concurrency over
the time it is configured. Recording is on the invoke path: one lock, a few additions.

Billed duration is the REPORT line's: the handler's run (plus a cold start's init, which AWS
bills since August 2025), rounded up to the millisecond; throttled invocations are not billed.
Provisioned concurrency is read whenever the bill is (the CLI, the dashboard,
`/_simulator/cost`, a Prometheus scrape): each config is billed from when it was set until the
last read that still saw it, rounded up to five minutes as AWS does. Usage starts over with
each calendar month (UTC), like the free tier."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from simulator.environments.output import billed_duration_ms
from simulator.models import FunctionConfig, InvocationResult, ProvisionedConcurrency
from simulator.observability.cost_bill import Bill, FunctionUsage, bill
from simulator.observability.cost_prices import LambdaPrices

FREE_EPHEMERAL_STORAGE_MB = 512
PROVISIONED_BILLING_STEP_SECONDS = 300

Configuration = Callable[[str], FunctionConfig | None]
ProvisionedConfigs = Callable[[], list[ProvisionedConcurrency]]


@dataclass
class _ProvisionedPeriod:
    config: ProvisionedConcurrency
    last_seen: float


class CostMeter:
    """`configuration` gives a function's current configuration by name (None once deleted);
    `provisioned` the provisioned-concurrency configs in force."""

    def __init__(self, prices: LambdaPrices, configuration: Configuration,
                 provisioned: ProvisionedConfigs,
                 clock: Callable[[], float] = time.time) -> None:
        self.prices = prices
        self._configuration = configuration
        self._provisioned = provisioned
        self._clock = clock
        self._lock = threading.Lock()
        self._since = clock()
        self._month_start = month_start(self._since)
        self._usage: dict[tuple[str, str], FunctionUsage] = {}
        self._periods: dict[tuple[str, str], _ProvisionedPeriod] = {}

    @property
    def since(self) -> float:
        """When this month's metering began (epoch seconds)."""
        with self._lock:
            return max(self._since, self._month_start)

    def record_dropped(self, function_name: str) -> None:
        """A stopped invocation ran nothing: nothing to keep."""

    def record(self, function_name: str, result: InvocationResult | None,
               throttled: bool) -> None:
        function = self._configuration(function_name)
        if result is None or throttled or function is None:
            return
        seconds = (result.billed_ms or billed_duration_ms(result.duration_ms, None)) / 1000
        gb_seconds = function.memory_size / 1024 * seconds
        storage_gb = max(0, function.ephemeral_storage - FREE_EPHEMERAL_STORAGE_MB) / 1024
        now = self._clock()
        with self._lock:
            self._start_month_if_new(now)
            usage = self._usage_of(function)
            if result.provisioned:
                usage.provisioned_requests += 1
                usage.provisioned_gb_seconds += gb_seconds
            else:
                usage.requests += 1
                usage.gb_seconds += gb_seconds
            usage.ephemeral_storage_gb_seconds += storage_gb * seconds

    def bill(self) -> Bill:
        """This month's bill so far."""
        configs = {(c.function.name, c.qualifier): c for c in self._provisioned()
                   if self._configuration(c.function.name) is not None}
        now = self._clock()
        with self._lock:
            self._start_month_if_new(now)
            self._follow_provisioned(configs, now)
            usages = {key: replace(usage) for key, usage in self._usage.items()}
            for period in self._periods.values():
                self._add_provisioned(usages, period.config, now)
        return bill(usages.values(), self.prices)

    # -- with the lock held ---------------------------------------------------------------------

    def _start_month_if_new(self, now: float) -> None:
        start = month_start(now)
        if start != self._month_start:
            self._month_start = start
            self._usage.clear()

    def _usage_of(self, function: FunctionConfig) -> FunctionUsage:
        key = (function.name, architecture_of(function))
        usage = self._usage.get(key)
        if usage is None:
            usage = self._usage[key] = FunctionUsage(function.name, key[1],
                                                     function.memory_size)
        usage.memory_mb = function.memory_size
        usage.ephemeral_storage_mb = function.ephemeral_storage
        return usage

    def _follow_provisioned(self, configs: dict[tuple[str, str], ProvisionedConcurrency],
                            now: float) -> None:
        """Close the periods whose config is gone (at the last read that saw it) or was
        replaced (when the new one was set); open periods for new configs."""
        for key, period in list(self._periods.items()):
            current = configs.get(key)
            if current is not None and current.since == period.config.since:
                period.last_seen = now
                continue
            end = period.last_seen if current is None else current.since
            self._add_provisioned(self._usage, period.config, end)
            del self._periods[key]
        for key, config in configs.items():
            self._periods.setdefault(key, _ProvisionedPeriod(config, now))

    def _add_provisioned(self, usages: dict[tuple[str, str], FunctionUsage],
                         config: ProvisionedConcurrency, end: float) -> None:
        """Add the concurrency GB-seconds a config has cost this month, until `end`."""
        start = max(config.since, self._month_start)
        if end <= start:
            return
        steps = math.ceil((end - start) / PROVISIONED_BILLING_STEP_SECONDS)
        seconds = steps * PROVISIONED_BILLING_STEP_SECONDS
        function = config.function
        key = (function.name, architecture_of(function))
        usage = usages.get(key)
        if usage is None:
            usage = usages[key] = FunctionUsage(function.name, key[1], function.memory_size,
                                                function.ephemeral_storage)
        usage.provisioned_concurrency_gb_seconds += (
            config.concurrency * function.memory_size / 1024 * seconds)


def architecture_of(function: FunctionConfig) -> str:
    return function.architectures[0] if function.architectures else "x86_64"


def month_start(moment: float) -> float:
    """The first instant of `moment`'s calendar month, UTC, in epoch seconds."""
    day = datetime.fromtimestamp(moment, tz=UTC)
    return day.replace(day=1, hour=0, minute=0, second=0, microsecond=0).timestamp()
