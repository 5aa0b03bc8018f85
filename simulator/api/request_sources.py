"""Who a request comes from, told by its address: this machine (loopback, or the gateway of
the network function containers run on, which is this machine's address there) or a
function's container (any other address on that network)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from simulator.executors.base import GuestNetwork


class RequestSources:
    def __init__(self, guest_network: Callable[[], GuestNetwork | None] = lambda: None
                 ) -> None:
        self._guest_network = guest_network

    def from_this_machine(self, address: str) -> bool:
        parsed = _parsed(address)
        if parsed is not None and parsed.is_loopback:
            return True
        network = self._guest_network()
        return network is not None and address == network.gateway

    def from_a_function(self, address: str) -> bool:
        network = self._guest_network()
        parsed = _parsed(address)
        if network is None or parsed is None or address == network.gateway:
            return False
        return parsed in ipaddress.ip_network(network.subnet, strict=False)


def _parsed(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None
