"""Requests told apart by address: this machine (loopback, the function network's gateway)
and function containers (the rest of that network)."""

from __future__ import annotations

from simulator.api.request_sources import RequestSources
from simulator.executors.base import GuestNetwork


def test_loopback_and_the_gateway_are_this_machine_the_network_is_functions() -> None:
    sources = RequestSources(lambda: GuestNetwork("172.30.0.0/16", "172.30.0.1"))
    assert sources.from_this_machine("127.0.0.1") and sources.from_this_machine("::1")
    assert sources.from_this_machine("172.30.0.1")
    assert not sources.from_a_function("172.30.0.1")
    assert sources.from_a_function("172.30.4.2")
    assert not sources.from_this_machine("172.30.4.2")
    assert not sources.from_a_function("192.0.2.1") and not sources.from_this_machine("192.0.2.1")
    assert not sources.from_a_function("not an address")


def test_without_a_function_network_only_loopback_is_known() -> None:
    sources = RequestSources()
    assert sources.from_this_machine("127.0.0.5")
    assert not sources.from_a_function("172.30.4.2")
