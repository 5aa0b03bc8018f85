"""`/_simulator/metrics`, the Prometheus scrape endpoint: the blueprint on a minimal Flask app
over the real pool and control plane (functions run by the fake executor), invoked through an
invoker that reports to the observability's recorder, as the simulator composes them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families

from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool
from simulator.invocation.invoker import Invoker
from simulator.observability import log_persistence
from simulator.observability.composition import Observability
from simulator.observability.prometheus_api import prometheus_api
from tests.unit.lambda_service import LambdaService, create

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@dataclass
class Scraped:
    client: FlaskClient
    service: LambdaService
    invoker: Invoker

    def scrape(self) -> Samples:
        response = self.client.get("/_simulator/metrics")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == CONTENT_TYPE_LATEST
        return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
                for family in text_string_to_metric_families(response.get_data(as_text=True))
                for sample in family.samples}


@pytest.fixture(autouse=True)
def quick_log_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The log writer waits this long for more lines, and as long again when closing."""
    monkeypatch.setattr(log_persistence, "FLUSH_INTERVAL", 0.01)


@pytest.fixture
def metrics_app(tmp_path: Path, pool: EnvironmentPool, service: LambdaService
                ) -> Iterator[Scraped]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path / "observed")
    observability = Observability(settings, busy=lambda name: pool.counts(name).busy)
    invoker = Invoker(service.invoker.settings, service.functions, pool,
                      observer=observability.observer)
    app = Flask("metrics-test")
    app.extensions.update(functions=service.functions, pool=pool,
                          observability=observability)
    app.register_blueprint(prometheus_api)
    yield Scraped(app.test_client(), service, invoker)
    invoker.shutdown()
    observability.close()


def test_a_scrape_counts_invocations_and_shows_warm_environments(
        metrics_app: Scraped) -> None:
    create(metrics_app.service, "fn")
    metrics_app.invoker.invoke("fn", None, b"{}")
    metrics_app.invoker.invoke("fn", None, b"{}")

    samples = metrics_app.scrape()

    fn = (("function_name", "fn"),)
    assert samples[("lambda_invocations_total", fn)] == 2
    assert samples[("lambda_cold_starts_total", fn)] == 1
    assert samples[("lambda_duration_milliseconds_count", fn)] == 2
    assert samples[("lambda_environments", (("function_name", "fn"), ("state", "warm")))] == 1
    assert samples[("lambda_concurrent_executions", fn)] == 0


def test_every_function_has_environment_gauges_even_before_its_first_invocation(
        metrics_app: Scraped) -> None:
    create(metrics_app.service, "never-invoked")

    samples = metrics_app.scrape()

    labels = (("function_name", "never-invoked"), ("state", "warm"))
    assert samples[("lambda_environments", labels)] == 0
    assert ("lambda_invocations_total", (("function_name", "never-invoked"),)) not in samples


def test_each_scrape_reads_the_numbers_afresh(metrics_app: Scraped) -> None:
    create(metrics_app.service, "fn")
    before = metrics_app.scrape()
    metrics_app.invoker.invoke("fn", None, b"{}")

    after = metrics_app.scrape()

    assert ("lambda_invocations_total", (("function_name", "fn"),)) not in before
    assert after[("lambda_invocations_total", (("function_name", "fn"),))] == 1


def test_a_scrape_carries_the_estimated_aws_bill(metrics_app: Scraped) -> None:
    samples = metrics_app.scrape()

    assert samples[("lambda_estimated_bill_usd", ())] == 0
    assert samples[("lambda_estimated_free_tier_credit_usd", ())] == 0


def test_a_server_nobody_scrapes_never_loads_prometheus_client() -> None:
    check = ("import sys, simulator.app; "
             "sys.exit('prometheus_client' in sys.modules)")

    finished = subprocess.run([sys.executable, "-c", check], capture_output=True, timeout=60,
                              cwd=Path(__file__).resolve().parents[3])

    assert finished.returncode == 0, finished.stderr.decode()
