"""The Docker client's idle connections to the engine.

The client keeps every connection it opened for reuse, up to its pool's size: after a burst of
container starts (each live container holds two, its output stream and its wait) a server at
rest would hold dozens of sockets to the engine. `close_idle` lets them go once no environment
is left, so a server's descriptors at rest do not depend on the bursts it has served."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from typing import Any

import docker
from urllib3.connectionpool import HTTPConnectionPool


def close_idle(api: docker.APIClient) -> int:
    """Close the connections waiting in the client's pools; how many. Those in use are not
    touched, and each slot goes back empty, so a request on another thread meanwhile simply
    opens a new connection."""
    closed = 0
    for pool in _connection_pools(api):
        waiting = pool.pool
        if waiting is None:  # the pool itself was closed
            continue
        # Every slot comes out before any goes back: the queue is last in, first out, so a
        # slot put back at once would be the next one taken.
        taken = []
        for _ in range(waiting.qsize()):
            try:
                taken.append(waiting.get_nowait())
            except queue.Empty:
                break
        for connection in taken:
            if connection is not None:
                connection.close()
                closed += 1
            try:
                waiting.put_nowait(None)
            except queue.Full:  # a connection made beyond the pool's size took the slot
                pass
    return closed


def _connection_pools(api: docker.APIClient) -> Iterator[HTTPConnectionPool]:
    """The pools of docker's own transports (a Unix socket, a named pipe) and of requests'
    HTTP adapter (an engine over TCP)."""
    for adapter in api.adapters.values():
        pools: Any = getattr(adapter, "pools", None)
        if pools is None:
            pools = getattr(getattr(adapter, "poolmanager", None), "pools", None)
        if pools is None:
            continue
        for key in list(pools.keys()):
            pool = pools.get(key)
            if isinstance(pool, HTTPConnectionPool):
                yield pool
