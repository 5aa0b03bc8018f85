"""`/_simulator/cost`: the blueprint on a minimal Flask app over the real control plane and
invoker (functions run by the fake executor), reporting to the observability's cost meter as
the simulator composes them: each function's usage and cost, the totals and the free tier
apart, the prices' region and date."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool
from simulator.invocation.invoker import Invoker
from simulator.observability import log_persistence
from simulator.observability.composition import Observability
from simulator.observability.cost_api import cost_api
from tests.unit.lambda_service import LambdaService, create

Report = Callable[[], dict[str, Any]]


@pytest.fixture(autouse=True)
def quick_log_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The log writer waits this long for more lines, and as long again when closing."""
    monkeypatch.setattr(log_persistence, "FLUSH_INTERVAL", 0.01)


@contextmanager
def serve(tmp_path: Path, pool: EnvironmentPool, service: LambdaService, region: str
          ) -> Iterator[tuple[Invoker, Report]]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path / "observed",
                                 region=region)
    observability = Observability(settings, busy=lambda name: 0,
                                  configuration=service.functions.lookup)
    invoker = Invoker(service.invoker.settings, service.functions, pool,
                      observer=observability.observer)
    app = Flask("cost-test")
    app.extensions["observability"] = observability
    app.register_blueprint(cost_api)
    client = app.test_client()

    def report() -> dict[str, Any]:
        response = client.get("/_simulator/cost")
        assert response.status_code == 200
        return response.get_json()  # type: ignore[no-any-return]

    yield invoker, report
    invoker.shutdown()
    observability.close()


@pytest.fixture
def us_east_1(tmp_path: Path, pool: EnvironmentPool, service: LambdaService
              ) -> Iterator[tuple[Invoker, Report]]:
    with serve(tmp_path, pool, service, "us-east-1") as served:
        yield served


def test_each_function_has_its_usage_and_cost(us_east_1: tuple[Invoker, Report],
                                              service: LambdaService) -> None:
    invoker, report = us_east_1
    create(service, "fn", MemorySize=256)
    billed_ms = []
    for _ in range(3):
        result = invoker.invoke("fn", None, b"{}").result
        assert result is not None
        billed_ms.append(result.billed_ms)  # the first one's init included

    [row] = report()["functions"]

    gb_seconds = sum(billed_ms) / 1000 * 0.25
    assert (row["function"], row["architecture"], row["memoryMb"]) == ("fn", "x86_64", 256)
    assert row["requests"] == 3
    assert row["gbSeconds"] == pytest.approx(gb_seconds)
    assert row["costUsd"] == pytest.approx(3 * 0.0000002 + gb_seconds * 0.0000166667)
    assert row["costsUsd"]["provisionedConcurrency"] == 0


def test_the_totals_show_the_free_tier_apart(us_east_1: tuple[Invoker, Report],
                                             service: LambdaService) -> None:
    invoker, report = us_east_1
    create(service, "a")
    create(service, "b", Architectures=["arm64"])
    invoker.invoke("a", None, b"{}")
    invoker.invoke("b", None, b"{}")

    answer = report()
    totals = answer["totals"]

    assert [row["function"] for row in answer["functions"]] == ["a", "b"]
    assert totals["requests"] == 2
    assert totals["beforeFreeTierUsd"] == pytest.approx(
        sum(row["costUsd"] for row in answer["functions"]))
    assert totals["freeTier"]["requests"] == 2
    assert totals["freeTier"]["creditUsd"] == pytest.approx(totals["beforeFreeTierUsd"])
    assert totals["afterFreeTierUsd"] == pytest.approx(0)


def test_the_report_says_which_prices_it_used(us_east_1: tuple[Invoker, Report]) -> None:
    _, report = us_east_1

    answer = report()

    assert answer["currency"] == "USD"
    assert answer["region"] == "us-east-1"
    assert answer["prices"]["region"] == "us-east-1"
    assert answer["prices"]["asOf"]
    assert "https://aws.amazon.com/lambda/pricing/" in answer["prices"]["sources"]
    assert answer["prices"]["note"] is None
    assert answer["functions"] == []
    assert answer["since"].endswith("+00:00")


def test_an_unknown_region_is_priced_as_us_east_1_and_says_so(
        tmp_path: Path, pool: EnvironmentPool, service: LambdaService) -> None:
    with serve(tmp_path, pool, service, "mars-north-1") as (_, report):
        prices = report()["prices"]

    assert prices["region"] == "us-east-1"
    assert prices["note"] == "no published prices for mars-north-1 here: priced as us-east-1"
