"""The conformance suite's results, written out for `tests.conformance.report`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conformance.replay import ScenarioResult

RESULTS_ENV = "LAMBDA_SIM_CONFORMANCE_RESULTS"
RESULTS: list[ScenarioResult] = []


@pytest.fixture(scope="session")
def conformance_results() -> list[ScenarioResult]:
    return RESULTS


def pytest_sessionfinish(session: pytest.Session) -> None:
    target = os.environ.get(RESULTS_ENV)
    if target and RESULTS:
        Path(target).write_text(json.dumps([result.as_json() for result in RESULTS], indent=1))
