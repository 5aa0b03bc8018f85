"""Which engines count as on another machine, and the address their containers call back on."""

from __future__ import annotations

import pytest

from simulator.executors.engine_location import (
    EngineLocation,
    EngineLocationError,
    engine_host,
    engine_url,
    is_this_machine,
    locate,
    route_address,
)

# TEST-NET-1 (RFC 5737): documentation addresses, never this machine's.
ELSEWHERE = "192.0.2.10"


@pytest.mark.parametrize(("url", "host"), [
    ("", None),
    ("unix:///var/run/docker.sock", None),
    ("npipe:////./pipe/docker_engine", None),
    ("tcp://192.0.2.10:2376", "192.0.2.10"),
    ("ssh://deploy@builder.example:2222", "builder.example"),
    ("https://engine.example:2376", "engine.example"),
])
def test_the_engines_host_is_read_from_tcp_and_ssh_addresses(url: str, host: str | None
                                                             ) -> None:
    assert engine_host(url) == host


def test_the_setting_wins_over_docker_host() -> None:
    assert engine_url("tcp://a:1", {"DOCKER_HOST": "tcp://b:2"}) == "tcp://a:1"
    assert engine_url("", {"DOCKER_HOST": "tcp://b:2"}) == "tcp://b:2"
    assert engine_url("", {}) == ""


@pytest.mark.parametrize("url", ["", "unix:///var/run/docker.sock", "tcp://127.0.0.1:2375",
                                 "tcp://localhost:2375", "ssh://me@localhost"])
def test_a_socket_or_a_loopback_address_is_a_local_engine(url: str) -> None:
    assert locate(url) == EngineLocation(url, remote=False)


def test_an_address_of_another_machine_is_a_remote_engine() -> None:
    location = locate(f"tcp://{ELSEWHERE}:2376")
    assert location.remote
    assert location.host == ELSEWHERE


def test_an_explicit_choice_wins_over_the_address() -> None:
    assert locate("unix:///var/run/docker.sock", "remote").remote
    assert not locate(f"tcp://{ELSEWHERE}:2376", "local").remote
    with pytest.raises(EngineLocationError, match="auto, local, remote"):
        locate("", "far")


def test_an_address_of_this_machines_own_interfaces_is_this_machine() -> None:
    own = route_address(ELSEWHERE)  # the address this machine would send from
    assert is_this_machine(own)
    assert not is_this_machine(ELSEWHERE)


def test_a_host_that_does_not_resolve_is_another_machine() -> None:
    assert not is_this_machine("no-such-host.invalid")


def test_the_route_address_is_loopback_for_a_loopback_engine() -> None:
    assert route_address("127.0.0.1") == "127.0.0.1"


def test_a_host_that_does_not_resolve_has_no_route() -> None:
    with pytest.raises(EngineLocationError, match="does not resolve"):
        route_address("no-such-host.invalid")
