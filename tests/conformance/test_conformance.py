"""Every recorded scenario, replayed: one that matches AWS passes; one that differs passes
only as a known difference (`known_differences.py`, shown as xfail with its reason); a
known difference that now matches fails, so the list stays exact and can only shrink. Every
recorded scenario that is not replayed has its reason (docs/CONFORMANCE.md lists them)."""

from __future__ import annotations

import pytest

from simulator.http_server import SimulatorServer
from tests.conformance.known_differences import KNOWN_DIFFERENCES
from tests.conformance.not_run import not_run, recorded_index
from tests.conformance.replay import SCENARIOS, Scenario, ScenarioResult, run_scenario
from tests.conformance.scenarios import load_all

load_all()
NOT_RUN = not_run(set(SCENARIOS))


@pytest.mark.parametrize("entry", SCENARIOS.values(), ids=list(SCENARIOS))
def test_scenario_matches_aws(entry: Scenario, process_server: SimulatorServer,
                              conformance_results: list[ScenarioResult]) -> None:
    settings = process_server.simulator.settings
    result = run_scenario(entry, process_server.url, settings.account_id, settings.region)
    conformance_results.append(result)
    known = KNOWN_DIFFERENCES.get(entry.id)
    if result.matched:
        assert known is None, f"{entry.id} matches AWS now: remove it from known_differences"
        return
    listed = "\n".join(result.differences)
    assert known is not None, f"{entry.id} differs from AWS:\n{listed}"
    pytest.xfail(f"{known}\n{listed}")


def test_every_scenario_not_run_says_why() -> None:
    assert NOT_RUN, "every recorded scenario is replayed: drop not_run.RULES"
    assert [scenario_id for scenario_id, entry in NOT_RUN.items() if not entry.reason] == []


def test_every_replay_is_of_a_recorded_scenario() -> None:
    recorded = {f"{source}::{test}" for source, tests in recorded_index().items()
                for test in tests}
    assert set(SCENARIOS) - recorded == set()


def test_every_known_difference_is_of_a_replayed_scenario() -> None:
    assert set(KNOWN_DIFFERENCES) - set(SCENARIOS) == set()
