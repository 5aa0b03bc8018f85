"""Every recorded scenario, replayed: one that matches AWS passes; one that differs passes
only as a known difference (`known_differences.py`, shown as xfail with its reason); a
known difference that now matches fails, so the list stays exact and can only shrink. Every
recorded scenario that is not replayed has its reason (docs/CONFORMANCE.md lists them)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator.executors.docker import DockerExecutor
from simulator.http_server import SimulatorServer
from tests.conformance.known_differences import KNOWN_DIFFERENCES
from tests.conformance.not_run import not_run, recorded_index
from tests.conformance.replay import SCENARIOS, Scenario, ScenarioResult, run_scenario
from tests.conformance.scenarios import load_all
from tests.conftest import require_docker
from tests.helpers import running_server

load_all()
NOT_RUN = not_run(set(SCENARIOS))


@pytest.fixture(scope="module")
def docker_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    """A Docker-executor simulator for the scenarios that compare a runtime's environment."""
    require_docker()
    with running_server(tmp_path_factory.mktemp("state-conformance-docker"), "docker",
                        docker_network="lambda-sim-test", docker_network_internal=True,
                        idle_timeout=60.0) as running:
        yield running


def server_for(entry: Scenario, request: pytest.FixtureRequest) -> SimulatorServer:
    """The process executor's simulator, or for a scenario about a runtime, the Docker one
    (skipped when that runtime's image is not built here)."""
    if entry.runtime is None:
        server: SimulatorServer = request.getfixturevalue("process_server")
        return server
    server = request.getfixturevalue("docker_server")
    executor = server.simulator.executor
    if isinstance(executor, DockerExecutor) and executor.missing_images([entry.runtime]):
        pytest.skip(f"runtime image {entry.runtime} not built here "
                    f"(lambda-sim images build --offline {entry.runtime})")
    return server


@pytest.mark.parametrize("entry", SCENARIOS.values(), ids=list(SCENARIOS))
def test_scenario_matches_aws(entry: Scenario, request: pytest.FixtureRequest,
                              conformance_results: list[ScenarioResult]) -> None:
    server = server_for(entry, request)
    settings = server.simulator.settings
    result = run_scenario(entry, server.url, settings.account_id, settings.region)
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
