"""The bill's arithmetic against the worked examples of AWS's pricing page
(https://aws.amazon.com/lambda/pricing/, all in US East (N. Virginia)), to the cent the page
shows; then the tiers, the free tier shared by x86 and Arm, and how a function's share of
the bill is taken."""

from __future__ import annotations

import pytest

from simulator.observability.cost_bill import FunctionUsage, bill, tiered_cost
from simulator.observability.cost_prices import LambdaPrices, load_prices


@pytest.fixture(scope="module")
def us_east_1() -> LambdaPrices:
    return load_prices("us-east-1")


def usage(memory_mb: int, requests: int, duration_ms: float, architecture: str = "x86_64",
          ephemeral_storage_mb: int = 512, name: str = "fn") -> FunctionUsage:
    """`requests` invocations of `duration_ms` each, on demand."""
    seconds = requests * duration_ms / 1000
    return FunctionUsage(name, architecture, memory_mb, ephemeral_storage_mb,
                         requests=requests, gb_seconds=seconds * memory_mb / 1024,
                         ephemeral_storage_gb_seconds=seconds * (ephemeral_storage_mb - 512)
                         / 1024)


def cents(usd: float) -> float:
    return round(usd, 2)


# -- the pricing page's examples --------------------------------------------------------------


def test_mobile_application_backend(us_east_1: LambdaPrices) -> None:
    # "Example 1: Mobile application backend": 3M requests of 120 ms, 1536 MB, x86:
    # 540,000 GB-s - 400,000 free = 140,000 × $0.0000166667 = $2.33; 2M billable requests
    # × $0.2/M = $0.40; total $2.73 a month.
    result = bill([usage(1536, 3_000_000, 120)], us_east_1)

    [function] = result.functions
    assert function.usage.gb_seconds == pytest.approx(540_000)
    assert result.free_tier.requests == 1_000_000
    assert result.free_tier.gb_seconds == 400_000
    assert cents(function.duration_usd - result.free_tier.duration_usd) == 2.33
    assert cents(function.requests_usd - result.free_tier.requests_usd) == 0.40
    assert cents(result.after_free_tier_usd) == 2.73


def test_enriching_streaming_telemetry_without_the_free_tier(us_east_1: LambdaPrices) -> None:
    # "Example 2: Enriching streaming telemetry with additional metadata": 7.44M requests of
    # 2 s at 1024 MB, x86, the free tier left out: $1.49 + $248.00 = $249.49.
    result = bill([usage(1024, 7_440_000, 2000)], us_east_1)

    [function] = result.functions
    assert cents(function.requests_usd) == 1.49
    assert cents(function.duration_usd) == 248.00
    assert cents(result.before_free_tier_usd) == 249.49


def test_ephemeral_storage_above_512_mb(us_east_1: LambdaPrices) -> None:
    # "Example 3: Performing ML on customer support tickets": 6M requests of 280 ms, 4096 MB,
    # x86, 2048 MB of ephemeral storage: compute $105.33, requests $1, storage 1536 MB ×
    # 1,680,000 s = 2,520,000 GB-s × $0.0000000309 = $0.08; total $106.41.
    result = bill([usage(4096, 6_000_000, 280, ephemeral_storage_mb=2048)], us_east_1)

    [function] = result.functions
    assert function.usage.ephemeral_storage_gb_seconds == pytest.approx(2_520_000)
    assert cents(function.ephemeral_storage_usd) == 0.08
    assert cents(function.duration_usd - result.free_tier.duration_usd) == 105.33
    assert cents(function.requests_usd - result.free_tier.requests_usd) == 1.00
    assert cents(result.after_free_tier_usd) == 106.41


def test_provisioned_concurrency_for_a_mobile_application_launch(
        us_east_1: LambdaPrices) -> None:
    # Provisioned Concurrency "Example 1: Mobile application launch": 1536 MB, x86,
    # concurrency 100 for 8 hours: 4.32M GB-s × $0.0000041667 = $18; 500,000 requests of
    # 100 ms on it: 75,000 GB-s × $0.0000097222 = $0.73; 2.5M requests of 120 ms on demand:
    # 450,000 - 400,000 free = 50,000 GB-s × $0.0000166667 = $0.83; 3M - 1M free requests
    # = $0.40. Total $19.96.
    launch = FunctionUsage(
        "fn", "x86_64", 1536, requests=2_500_000, gb_seconds=2_500_000 * 0.120 * 1.5,
        provisioned_requests=500_000, provisioned_gb_seconds=500_000 * 0.100 * 1.5,
        provisioned_concurrency_gb_seconds=100 * 1.5 * 8 * 3600)

    result = bill([launch], us_east_1)

    [function] = result.functions
    assert cents(function.provisioned_concurrency_usd) == 18.00
    assert cents(function.provisioned_duration_usd) == 0.73
    assert cents(function.duration_usd - result.free_tier.duration_usd) == 0.83
    assert cents(function.requests_usd - result.free_tier.requests_usd) == 0.40
    assert cents(result.after_free_tier_usd) == 19.96


def test_provisioned_concurrency_gets_no_free_tier(us_east_1: LambdaPrices) -> None:
    # Provisioned Concurrency "Example 2: Routing customers ... during Cyber Monday": 4096 MB,
    # x86, concurrency 7 for 24 hours: 2,419,200 GB-s = $10.08; 2M requests of 280 ms on it:
    # 2,240,000 GB-s = $21.78; 2M requests × $0.2/M = $0.40, with no free requests.
    # Total $32.26.
    sale = FunctionUsage(
        "fn", "x86_64", 4096, provisioned_requests=2_000_000,
        provisioned_gb_seconds=2_000_000 * 0.280 * 4,
        provisioned_concurrency_gb_seconds=7 * 4 * 24 * 3600)

    result = bill([sale], us_east_1)

    assert result.free_tier.total_usd == 0
    [function] = result.functions
    assert cents(function.provisioned_concurrency_usd) == 10.08
    assert cents(function.provisioned_duration_usd) == 21.78
    assert cents(function.requests_usd) == 0.40
    assert cents(result.after_free_tier_usd) == 32.26


def test_one_millisecond_billing(us_east_1: LambdaPrices) -> None:
    # AWS News Blog, "New for AWS Lambda – 1ms Billing Granularity Adds Cost Savings":
    # 60M invocations of 28 ms at 1 GB, free tier left out: $12 of requests + $28 of
    # duration = $40.
    result = bill([usage(1024, 60_000_000, 28)], us_east_1)

    assert cents(result.before_free_tier_usd) == 40.00


# -- tiers, architectures, the free tier --------------------------------------------------------


def test_duration_past_a_tier_is_priced_at_the_next_tiers_price(
        us_east_1: LambdaPrices) -> None:
    x86 = us_east_1.architectures["x86_64"].duration_tiers
    arm = us_east_1.architectures["arm64"].duration_tiers

    # x86: first 6 billion GB-s, next 9 billion, over 15 billion.
    assert tiered_cost(16e9, x86) == pytest.approx(
        6e9 * 0.0000166667 + 9e9 * 0.000015 + 1e9 * 0.0000133334)
    # Arm: first 7.5 billion GB-s, next 11.25 billion, over 18.75 billion.
    assert tiered_cost(20e9, arm) == pytest.approx(
        7.5e9 * 0.0000133334 + 11.25e9 * 0.0000120001 + 1.25e9 * 0.0000106667)
    assert tiered_cost(6e9, x86) == pytest.approx(6e9 * 0.0000166667)
    assert tiered_cost(0, x86) == 0


def test_tiers_apply_to_all_functions_together_and_each_pays_its_share(
        us_east_1: LambdaPrices) -> None:
    big = FunctionUsage("big", "x86_64", 1024, gb_seconds=12e9)
    small = FunctionUsage("small", "x86_64", 1024, gb_seconds=3e9)

    result = bill([small, big], us_east_1)

    total = 6e9 * 0.0000166667 + 9e9 * 0.000015
    assert [cost.usage.function_name for cost in result.functions] == ["big", "small"]
    assert result.functions[0].duration_usd == pytest.approx(total * 12 / 15)
    assert result.functions[1].duration_usd == pytest.approx(total * 3 / 15)


def test_arm_duration_is_priced_at_arms_prices(us_east_1: LambdaPrices) -> None:
    result = bill([usage(1024, 1_000, 1000, "arm64", name="arm"),
                   usage(1024, 1_000, 1000, "x86_64", name="x86")], us_east_1)

    arm, x86 = result.functions
    assert arm.duration_usd == pytest.approx(1_000 * 0.0000133334)
    assert x86.duration_usd == pytest.approx(1_000 * 0.0000166667)


def test_the_free_tier_is_shared_by_x86_and_arm(us_east_1: LambdaPrices) -> None:
    result = bill([usage(1024, 600_000, 500, "x86_64", name="x86"),
                   usage(1024, 600_000, 500, "arm64", name="arm")], us_east_1)

    # 300,000 GB-s and 600,000 requests each: x86 uses up 300,000 free GB-s, Arm the other
    # 100,000; the 1M free requests cover 600,000 + 400,000.
    assert result.free_tier.gb_seconds == 400_000
    assert result.free_tier.requests == 1_000_000
    assert result.free_tier.duration_usd == pytest.approx(
        300_000 * 0.0000166667 + 100_000 * 0.0000133334)
    assert result.after_free_tier_usd == pytest.approx(
        200_000 * 0.0000133334 + 200_000 * 0.0000002)


def test_usage_inside_the_free_tier_costs_nothing_after_it(us_east_1: LambdaPrices) -> None:
    result = bill([usage(128, 10, 100)], us_east_1)

    assert result.before_free_tier_usd == pytest.approx(
        10 * 0.0000002 + 10 * 0.1 * 0.125 * 0.0000166667)
    assert result.free_tier.total_usd == pytest.approx(result.before_free_tier_usd)
    assert result.after_free_tier_usd == pytest.approx(0)


def test_no_usage_is_an_empty_bill(us_east_1: LambdaPrices) -> None:
    result = bill([], us_east_1)

    assert result.functions == []
    assert result.before_free_tier_usd == result.after_free_tier_usd == 0
