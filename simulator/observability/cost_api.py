"""`/_simulator/cost`: what each function would cost on AWS this month, the totals and the
free tier apart, with the region and date of the prices used. What `lambda-sim cost` and the
dashboard show."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify

from simulator.observability.cost import CostMeter
from simulator.observability.cost_bill import Bill, FunctionCost

cost_api = Blueprint("cost_api", __name__, url_prefix="/_simulator")


@cost_api.get("/cost")
def cost() -> Response:
    meter: CostMeter = current_app.extensions["observability"].cost
    return jsonify(cost_report(meter.bill(), meter))


def cost_report(bill: Bill, meter: CostMeter) -> dict[str, Any]:
    prices = meter.prices
    free_tier = bill.free_tier
    return {
        "currency": prices.currency,
        "region": prices.region,
        "prices": {"region": prices.priced_as, "asOf": prices.as_of,
                   "sources": list(prices.sources), "note": prices.note},
        "since": datetime.fromtimestamp(meter.since, tz=UTC).isoformat(),
        "functions": [function_row(function) for function in bill.functions],
        "totals": {
            "requests": sum(f.usage.requests + f.usage.provisioned_requests
                            for f in bill.functions),
            "gbSeconds": sum(f.usage.gb_seconds + f.usage.provisioned_gb_seconds
                             for f in bill.functions),
            "beforeFreeTierUsd": bill.before_free_tier_usd,
            "freeTier": {"requests": free_tier.requests, "gbSeconds": free_tier.gb_seconds,
                         "requestsUsd": free_tier.requests_usd,
                         "durationUsd": free_tier.duration_usd,
                         "creditUsd": free_tier.total_usd},
            "afterFreeTierUsd": bill.after_free_tier_usd,
        },
    }


def function_row(cost: FunctionCost) -> dict[str, Any]:
    usage = cost.usage
    return {
        "function": usage.function_name, "architecture": usage.architecture,
        "memoryMb": usage.memory_mb, "ephemeralStorageMb": usage.ephemeral_storage_mb,
        "requests": usage.requests + usage.provisioned_requests,
        "provisionedRequests": usage.provisioned_requests,
        "gbSeconds": usage.gb_seconds + usage.provisioned_gb_seconds,
        "provisionedGbSeconds": usage.provisioned_gb_seconds,
        "provisionedConcurrencyGbSeconds": usage.provisioned_concurrency_gb_seconds,
        "ephemeralStorageGbSeconds": usage.ephemeral_storage_gb_seconds,
        "costUsd": cost.total_usd,
        "costsUsd": {"requests": cost.requests_usd, "duration": cost.duration_usd,
                     "ephemeralStorage": cost.ephemeral_storage_usd,
                     "provisionedConcurrency": cost.provisioned_concurrency_usd,
                     "provisionedDuration": cost.provisioned_duration_usd},
    }
