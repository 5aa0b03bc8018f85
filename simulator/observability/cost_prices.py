"""AWS Lambda's published prices for one region, read from `prices.json`, the one file that
holds them with their date and sources. A region the file does not know is priced as
us-east-1, and a price a region lacks is us-east-1's: the prices' `note` says either, so the
cost report never presents a stand-in as the region's own price."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PRICES_FILE = Path(__file__).with_name("prices.json")
ARCHITECTURES = ("x86_64", "arm64")  # in the order the free tier's GB-seconds are given out
PRICE_KEYS = {
    "perRequest": "requests",
    "durationTiers": "duration",
    "ephemeralStoragePerGbSecond": "ephemeral storage",
    "provisionedConcurrencyPerGbSecond": "provisioned concurrency",
    "provisionedDurationPerGbSecond": "duration on provisioned concurrency",
}


@dataclass(frozen=True)
class Tier:
    """Duration up to `up_to_gb_seconds` in the month (None: all the rest)."""

    up_to_gb_seconds: float | None
    per_gb_second: float


@dataclass(frozen=True)
class ArchitecturePrices:
    per_request: float
    duration_tiers: tuple[Tier, ...]
    ephemeral_storage_per_gb_second: float  # above the free 512 MB
    provisioned_concurrency_per_gb_second: float  # concurrency configured × memory × time
    provisioned_duration_per_gb_second: float  # invocations served by that concurrency


@dataclass(frozen=True)
class LambdaPrices:
    region: str  # the region asked for
    priced_as: str  # the region whose prices these are
    fallback_region: str  # whose prices stand in for those a region lacks
    as_of: str
    currency: str
    sources: tuple[str, ...]
    free_requests: int
    free_gb_seconds: float
    architectures: dict[str, ArchitecturePrices]
    borrowed: tuple[str, ...]  # prices the region lacks, the fallback region's instead

    @property
    def note(self) -> str | None:
        """What is not the region's own published price, for people; None if all is."""
        if self.priced_as != self.region:
            return (f"no published prices for {self.region} here: priced as "
                    f"{self.priced_as}")
        if self.borrowed:
            return f"{self.fallback_region}'s prices for " + ", ".join(self.borrowed)
        return None


def load_prices(region: str, path: Path = PRICES_FILE) -> LambdaPrices:
    data = json.loads(path.read_text())
    fallback = data["fallbackRegion"]
    base = data["regions"][fallback]
    priced_as = region if region in data["regions"] else fallback
    borrowed: list[str] = []
    architectures = {}
    for architecture in ARCHITECTURES:
        own = data["regions"][priced_as].get(architecture, {})
        fields = _completed(own, base[architecture], borrowed, architecture)
        architectures[architecture] = ArchitecturePrices(
            per_request=fields["perRequest"],
            duration_tiers=tuple(Tier(t["upToGbSeconds"], t["perGbSecond"])
                                 for t in fields["durationTiers"]),
            ephemeral_storage_per_gb_second=fields["ephemeralStoragePerGbSecond"],
            provisioned_concurrency_per_gb_second=fields["provisionedConcurrencyPerGbSecond"],
            provisioned_duration_per_gb_second=fields["provisionedDurationPerGbSecond"],
        )
    return LambdaPrices(
        region=region, priced_as=priced_as, fallback_region=fallback, as_of=data["asOf"],
        currency=data["currency"],
        sources=tuple(data["sources"]), free_requests=data["freeTier"]["requests"],
        free_gb_seconds=data["freeTier"]["gbSeconds"], architectures=architectures,
        borrowed=tuple(borrowed))


def _completed(own: dict[str, Any], base: dict[str, Any], borrowed: list[str],
               architecture: str) -> dict[str, Any]:
    """The region's prices, with the fallback region's for those it lacks (noted in
    `borrowed`), including duration tiers past the last one the region lists."""
    fields = {**base, **own}
    for key, name in PRICE_KEYS.items():
        if key not in own:
            borrowed.append(f"{architecture} {name}")
    tiers = list(fields["durationTiers"])
    last_end = tiers[-1]["upToGbSeconds"]
    if last_end is not None:
        tiers += [tier for tier in base["durationTiers"]
                  if tier["upToGbSeconds"] is None or tier["upToGbSeconds"] > last_end]
        borrowed.append(f"{architecture} duration above {last_end / 1e9:g} billion GB-s")
    fields["durationTiers"] = tiers
    return fields
