"""The X-Ray daemon's UDP endpoint, where the X-Ray SDKs in a function send their segments
(`AWS_XRAY_DAEMON_ADDRESS`). Each datagram is the daemon's header line,
`{"format": "json", "version": 1}`, a newline and one segment or subsegment document; it goes
into the `TraceStore` instead of on to X-Ray.

One instance listens on one address. A datagram that is not in that format, or that X-Ray would
refuse, is counted and logged at debug: a function's tracing must never stop the server."""

from __future__ import annotations

import json
import logging
import socket
import threading

from simulator.observability.trace_store import TraceStore

# UDP's largest payload; the SDKs keep a document under X-Ray's 64 kB.
MAX_DATAGRAM_BYTES = 65_535
# How often the receiving thread looks up from the socket to see whether it should stop, in
# case the empty datagram `close` sends itself to wake it is lost.
POLL_SECONDS = 1.0
HEADER_FORMAT = "json"
HEADER_VERSION = 1

log = logging.getLogger(__name__)


class XRayDaemon:
    """Bound on construction (`address` is the port in use, port 0 picks one), receiving once
    started, on a daemon thread."""

    def __init__(self, store: TraceStore, host: str, port: int = 0) -> None:
        self._store = store
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.socket(family, socket.SOCK_DGRAM)
        try:
            self._socket.bind((host, port))
        except OSError:
            self._socket.close()
            raise
        self._socket.settimeout(POLL_SECONDS)
        host, port = self._socket.getsockname()[:2]
        self.address: tuple[str, int] = (host, port)
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._receive, name=f"xray-daemon-{host}",
                                        daemon=True)
        self.received = 0  # documents taken into the store
        self.malformed = 0  # datagrams dropped

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._closing.set()
        if self._thread.is_alive():
            self._wake()
            self._thread.join()
        self._socket.close()

    def _wake(self) -> None:
        host, port = self.address
        local = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
        try:
            self._socket.sendto(b"", (local, port))
        except OSError:
            log.debug("could not wake the X-Ray daemon endpoint on %s", self.address)

    def _receive(self) -> None:
        while not self._closing.is_set():
            try:
                datagram, sender = self._socket.recvfrom(MAX_DATAGRAM_BYTES)
            except TimeoutError:
                continue
            except OSError:
                log.warning("the X-Ray daemon endpoint on %s stopped", self.address,
                            exc_info=True)
                return
            if not self._closing.is_set():
                self._take(datagram, sender)

    def _take(self, datagram: bytes, sender: object) -> None:
        header, newline, document = datagram.partition(b"\n")
        try:
            fields = json.loads(header)
            if not newline or not isinstance(fields, dict) \
                    or fields.get("format") != HEADER_FORMAT \
                    or fields.get("version") != HEADER_VERSION:
                raise ValueError(f"not the daemon's header line: {header[:100]!r}")
            self._store.add(json.loads(document))
        except (ValueError, RecursionError) as problem:
            # JSON's errors, undecodable bytes and X-Ray's refusals are all ValueErrors.
            self.malformed += 1
            log.debug("dropped a datagram from %s: %s", sender, problem)
        else:
            self.received += 1
