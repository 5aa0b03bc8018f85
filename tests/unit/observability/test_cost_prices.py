"""AWS's published Lambda prices as the data file holds them: us-east-1's as the pricing page
lists them, another region's own prices where the file has them and us-east-1's where it
does not (said so), and an unknown region priced as us-east-1 (said so too)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.observability.cost_prices import PRICES_FILE, Tier, load_prices


def test_us_east_1_has_the_pricing_pages_prices() -> None:
    prices = load_prices("us-east-1")

    x86, arm = prices.architectures["x86_64"], prices.architectures["arm64"]
    assert x86.per_request * 1_000_000 == pytest.approx(0.20)
    assert x86.duration_tiers == (Tier(6e9, 0.0000166667), Tier(15e9, 0.000015),
                                  Tier(None, 0.0000133334))
    assert arm.duration_tiers == (Tier(7.5e9, 0.0000133334), Tier(18.75e9, 0.0000120001),
                                  Tier(None, 0.0000106667))
    assert x86.ephemeral_storage_per_gb_second == 0.0000000309
    assert x86.provisioned_concurrency_per_gb_second == 0.0000041667
    assert x86.provisioned_duration_per_gb_second == 0.0000097222
    assert arm.provisioned_concurrency_per_gb_second == 0.0000033334
    assert arm.provisioned_duration_per_gb_second == 0.0000077778
    assert (prices.free_requests, prices.free_gb_seconds) == (1_000_000, 400_000)
    assert prices.currency == "USD"
    assert prices.note is None


def test_the_prices_say_when_and_where_they_were_published() -> None:
    prices = load_prices("us-east-1")

    assert prices.as_of == json.loads(PRICES_FILE.read_text())["asOf"]
    assert "https://aws.amazon.com/lambda/pricing/" in prices.sources


def test_a_region_has_its_own_prices_and_us_east_1s_for_what_it_lacks() -> None:
    prices = load_prices("eu-west-1")

    x86, arm = prices.architectures["x86_64"], prices.architectures["arm64"]
    assert prices.priced_as == "eu-west-1"
    assert x86.provisioned_concurrency_per_gb_second == 0.0000046460
    assert x86.ephemeral_storage_per_gb_second == 0.0000000340
    assert x86.duration_tiers[0] == Tier(6e9, 0.0000166667)
    assert x86.duration_tiers[1:] == load_prices(
        "us-east-1").architectures["x86_64"].duration_tiers[1:]
    assert arm.provisioned_concurrency_per_gb_second == 0.0000033334  # us-east-1's
    assert prices.note is not None
    assert prices.note.startswith("us-east-1's prices for ")
    assert "arm64 provisioned concurrency" in prices.note
    assert "x86_64 duration above 6 billion GB-s" in prices.note


def test_an_unknown_region_is_priced_as_us_east_1_and_says_so() -> None:
    prices = load_prices("mars-north-1")

    assert (prices.region, prices.priced_as) == ("mars-north-1", "us-east-1")
    assert prices.architectures == load_prices("us-east-1").architectures
    assert prices.note == "no published prices for mars-north-1 here: priced as us-east-1"


def test_every_region_in_the_file_loads_with_both_architectures() -> None:
    regions = json.loads(PRICES_FILE.read_text())["regions"]

    for region in regions:
        prices = load_prices(region)
        assert set(prices.architectures) == {"x86_64", "arm64"}
        for architecture in prices.architectures.values():
            assert architecture.duration_tiers[-1].up_to_gb_seconds is None


def test_a_region_without_a_price_of_its_own_borrows_it(tmp_path: Path) -> None:
    data = json.loads(PRICES_FILE.read_text())
    data["regions"]["eu-west-1"]["x86_64"].pop("perRequest")
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(data))

    prices = load_prices("eu-west-1", path)

    assert prices.architectures["x86_64"].per_request == 0.0000002
    assert "x86_64 requests" in prices.borrowed
