"""Settings read from LAMBDA_SIM_* variables and command-line flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.config import DEFAULT_PORT, Settings


def test_vpc_networks_map_subnets_to_docker_networks() -> None:
    settings = Settings.from_env({"LAMBDA_SIM_VPC_NETWORKS": "subnet-a=net1, subnet-b = net2"})
    assert settings.vpc_network_map == {"subnet-a": "net1", "subnet-b": "net2"}
    assert Settings.from_env({}).vpc_network_map == {}


def test_defaults_without_any_variables() -> None:
    settings = Settings.from_env({})

    assert settings.port == DEFAULT_PORT == 4570
    assert settings.host == "127.0.0.1"
    assert settings.region == "us-east-1"
    assert settings.executor == "auto"
    assert settings.state_dir.is_absolute()


def test_variables_are_read_with_their_types(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "LAMBDA_SIM_PORT": "5001",
            "LAMBDA_SIM_HOST": "0.0.0.0",
            "LAMBDA_SIM_REGION": "eu-west-1",
            "LAMBDA_SIM_EXECUTOR": "process",
            "LAMBDA_SIM_IDLE_TIMEOUT": "2.5",
            "LAMBDA_SIM_ACCOUNT_CONCURRENCY": "10",
            "LAMBDA_SIM_DOCKER_NETWORK_INTERNAL": "true",
            "LAMBDA_SIM_STATE_DIR": str(tmp_path / "state"),
            "LAMBDA_SIM_ACCOUNT_ID": "123456789012",
        }
    )

    assert settings.port == 5001
    assert settings.host == "0.0.0.0"
    assert settings.region == "eu-west-1"
    assert settings.executor == "process"
    assert settings.idle_timeout == 2.5
    assert settings.account_concurrency == 10
    assert settings.docker_network_internal is True
    assert settings.state_dir == tmp_path / "state"
    assert settings.account_id == "123456789012"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("", False),
    ],
)
def test_boolean_variables(raw: str, expected: bool) -> None:
    settings = Settings.from_env({"LAMBDA_SIM_DOCKER_NETWORK_INTERNAL": raw})

    assert settings.docker_network_internal is expected


def test_os_environment_is_read_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAMBDA_SIM_PORT", "5002")

    assert Settings.from_env().port == 5002


def test_flags_override_variables() -> None:
    environ = {"LAMBDA_SIM_PORT": "5001", "LAMBDA_SIM_REGION": "eu-west-1"}

    settings = Settings.from_env(environ, port=6000, region=None)

    assert settings.port == 6000
    assert settings.region == "eu-west-1"


def test_relative_state_dir_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    settings = Settings.from_env({"LAMBDA_SIM_STATE_DIR": "state"})

    assert settings.state_dir == (tmp_path / "state").resolve()


def test_unrelated_variables_are_ignored() -> None:
    settings = Settings.from_env({"PORT": "1", "SIM_PORT": "2", "LAMBDA_SIM_NOT_A_SETTING": "3"})

    assert settings.port == DEFAULT_PORT


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("0.0.0.0", "http://127.0.0.1:4570"),
        ("127.0.0.1", "http://127.0.0.1:4570"),
        ("localhost", "http://localhost:4570"),
    ],
)
def test_endpoint_url_is_reachable_locally(host: str, url: str) -> None:
    assert Settings(host=host).endpoint_url == url
