"""A month's Lambda bill from usage, as AWS's pricing page computes it: requests, GB-seconds of
duration in tiers per architecture, ephemeral storage above 512 MB, provisioned concurrency
and the duration it served. Pure arithmetic, so that tests can check it against the page's
worked examples.

The free tier (1M requests and 400,000 GB-seconds a month, x86 and Arm together) is kept
apart: each function's cost is before it, and the bill shows its credit. As in the page's
provisioned-concurrency examples, it covers on-demand requests and duration only. Its
GB-seconds go to x86 duration first, the dearer one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from simulator.observability.cost_prices import ARCHITECTURES, LambdaPrices, Tier


@dataclass
class FunctionUsage:
    """One function's billable usage on one architecture in the month."""

    function_name: str
    architecture: str
    memory_mb: int
    ephemeral_storage_mb: int = 512
    requests: int = 0  # on demand
    gb_seconds: float = 0.0  # on-demand duration
    provisioned_requests: int = 0  # served by provisioned concurrency
    provisioned_gb_seconds: float = 0.0  # their duration
    provisioned_concurrency_gb_seconds: float = 0.0  # configured concurrency × memory × time
    ephemeral_storage_gb_seconds: float = 0.0  # storage above 512 MB × duration


@dataclass(frozen=True)
class FunctionCost:
    """In US dollars, before the free tier."""

    usage: FunctionUsage
    requests_usd: float
    duration_usd: float
    ephemeral_storage_usd: float
    provisioned_concurrency_usd: float
    provisioned_duration_usd: float

    @property
    def total_usd(self) -> float:
        return (self.requests_usd + self.duration_usd + self.ephemeral_storage_usd
                + self.provisioned_concurrency_usd + self.provisioned_duration_usd)


@dataclass(frozen=True)
class FreeTierCredit:
    requests: int
    gb_seconds: float
    requests_usd: float
    duration_usd: float

    @property
    def total_usd(self) -> float:
        return self.requests_usd + self.duration_usd


@dataclass(frozen=True)
class Bill:
    functions: list[FunctionCost]
    free_tier: FreeTierCredit

    @property
    def before_free_tier_usd(self) -> float:
        return sum(cost.total_usd for cost in self.functions)

    @property
    def after_free_tier_usd(self) -> float:
        return self.before_free_tier_usd - self.free_tier.total_usd


def tiered_cost(gb_seconds: float, tiers: tuple[Tier, ...]) -> float:
    """Each tier's price for the GB-seconds that fall in it."""
    cost, start = 0.0, 0.0
    for tier in tiers:
        end = gb_seconds if tier.up_to_gb_seconds is None else min(gb_seconds,
                                                                   tier.up_to_gb_seconds)
        if end > start:
            cost += (end - start) * tier.per_gb_second
        if tier.up_to_gb_seconds is None or gb_seconds <= tier.up_to_gb_seconds:
            break
        start = tier.up_to_gb_seconds
    return cost


def bill(usages: Iterable[FunctionUsage], prices: LambdaPrices) -> Bill:
    """Tiers apply to each architecture's total duration; a function's share of that cost is
    its share of the GB-seconds."""
    usages = sorted(usages, key=lambda u: (u.function_name, u.architecture))
    duration_rate = {}
    for architecture in ARCHITECTURES:
        total = sum(u.gb_seconds for u in usages if u.architecture == architecture)
        tiers = prices.architectures[architecture].duration_tiers
        duration_rate[architecture] = tiered_cost(total, tiers) / total if total else 0.0
    costs = []
    for usage in usages:
        price = prices.architectures[usage.architecture]
        costs.append(FunctionCost(
            usage=usage,
            requests_usd=(usage.requests + usage.provisioned_requests) * price.per_request,
            duration_usd=usage.gb_seconds * duration_rate[usage.architecture],
            ephemeral_storage_usd=(usage.ephemeral_storage_gb_seconds
                                   * price.ephemeral_storage_per_gb_second),
            provisioned_concurrency_usd=(usage.provisioned_concurrency_gb_seconds
                                         * price.provisioned_concurrency_per_gb_second),
            provisioned_duration_usd=(usage.provisioned_gb_seconds
                                      * price.provisioned_duration_per_gb_second),
        ))
    return Bill(costs, free_tier_credit(usages, prices))


def free_tier_credit(usages: list[FunctionUsage], prices: LambdaPrices) -> FreeTierCredit:
    requests_left, gb_seconds_left = prices.free_requests, prices.free_gb_seconds
    requests_usd = duration_usd = 0.0
    for architecture in ARCHITECTURES:
        price = prices.architectures[architecture]
        requests = sum(u.requests for u in usages if u.architecture == architecture)
        free_requests = min(requests, requests_left)
        requests_left -= free_requests
        requests_usd += free_requests * price.per_request
        gb_seconds = sum(u.gb_seconds for u in usages if u.architecture == architecture)
        free_gb_seconds = min(gb_seconds, gb_seconds_left)
        gb_seconds_left -= free_gb_seconds
        duration_usd += (tiered_cost(gb_seconds, price.duration_tiers)
                         - tiered_cost(gb_seconds - free_gb_seconds, price.duration_tiers))
    return FreeTierCredit(
        requests=prices.free_requests - requests_left,
        gb_seconds=prices.free_gb_seconds - gb_seconds_left,
        requests_usd=requests_usd, duration_usd=duration_usd)
