"""Where the Docker engine is, and the address its containers reach the simulator on.

An engine on this machine sees the simulator's folders (code is bind-mounted) and reaches it
through a Docker network's gateway. An engine on another machine (`DOCKER_HOST` naming
tcp:// or ssh:// to another host) sees neither: code is shipped through its API, and the
Runtime API listens on this machine's address on the route to that host."""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

REMOTE_SCHEMES = frozenset({"tcp", "ssh", "http", "https"})
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", ""})
ENGINE_LOCATIONS = ("auto", "local", "remote")


class EngineLocationError(ValueError):
    """The engine's address or the location asked for cannot be used."""


@dataclass(frozen=True)
class EngineLocation:
    """The engine's address (as DOCKER_HOST spells it; empty: the client's default) and
    whether it is on another machine."""

    url: str
    remote: bool

    @property
    def host(self) -> str | None:
        return engine_host(self.url)


def engine_url(configured: str, environ: dict[str, str] | None = None) -> str:
    """The engine the simulator talks to: the setting, else DOCKER_HOST, else the default."""
    environ = dict(os.environ if environ is None else environ)
    return configured or environ.get("DOCKER_HOST", "")


def locate(url: str, choice: str = "auto") -> EngineLocation:
    """`choice` is `local`, `remote`, or `auto`: remote when the address names another
    machine over tcp:// or ssh://."""
    if choice not in ENGINE_LOCATIONS:
        raise EngineLocationError(
            f"the engine location must be one of {', '.join(ENGINE_LOCATIONS)}, not {choice!r}")
    if choice != "auto":
        return EngineLocation(url, choice == "remote")
    host = engine_host(url)
    return EngineLocation(url, host is not None and not is_this_machine(host))


def engine_host(url: str) -> str | None:
    """The host a tcp://, ssh:// or http(s):// engine address names; None for a socket or
    pipe on this machine (unix://, npipe://, a bare path, the default)."""
    parts = urlsplit(url)
    if parts.scheme not in REMOTE_SCHEMES:
        return None
    return parts.hostname or ""


def is_this_machine(host: str) -> bool:
    """A loopback name or address, or an address of one of this machine's interfaces (which
    a socket can be bound to)."""
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as error:
        log.debug("the engine's host %s does not resolve: %s", host, error)
        return False
    return all(_local_address(str(address)) for address in addresses)


def _local_address(address: str) -> bool:
    if ipaddress.ip_address(address).is_loopback:
        return True
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind((address, 0))
        except OSError:
            return False
    return True


def route_address(host: str) -> str:
    """This machine's address on the route to `host`: what a machine there can reach us on.
    (Connecting a UDP socket sends nothing; it only picks the route.)"""
    try:
        infos = socket.getaddrinfo(host, 9, type=socket.SOCK_DGRAM)
    except OSError as error:
        raise EngineLocationError(f"the engine's host {host} does not resolve: {error}") \
            from error
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(address)
        except OSError as error:
            raise EngineLocationError(f"no route to the engine's host {host}: {error}") \
                from error
        return str(probe.getsockname()[0])
