"""`--debug-function`: the function's environment starts under debugpy and waits until a
debugger attaches; the invoke goes through once it has."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from typing import Any

from tests.helpers import create_function, lambda_client, running_server


def dap_attach(port: int, timeout: float = 60) -> socket.socket:
    """Attach as an editor would: initialize, attach, configurationDone (the Debug Adapter
    Protocol over TCP)."""
    deadline = time.time() + timeout
    while True:
        try:
            connection = socket.create_connection(("127.0.0.1", port), timeout=5)
            break
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)
    connection.settimeout(2)
    for seq, (command, arguments) in enumerate([
        ("initialize", {"adapterID": "debugpy", "clientID": "tests", "pathFormat": "path"}),
        ("attach", {"justMyCode": True}),
        ("configurationDone", {}),
    ], start=1):
        body = json.dumps({"seq": seq, "type": "request", "command": command,
                           "arguments": arguments}).encode()
        connection.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        drain(connection)
    return connection


def drain(connection: socket.socket) -> None:
    """Read what the adapter says until it pauses (its answers and events)."""
    try:
        while connection.recv(65536):
            pass
    except TimeoutError:
        pass


def test_function_waits_for_the_debugger(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with running_server(tmp_path / "state", "process", debug_function="debugged",
                        debug_port=port) as server:
        client = lambda_client(server.url)
        create_function(client, "def handler(event, context):\n    return 'debugged'\n",
                        name="debugged")
        result: dict[str, Any] = {}
        invoke = threading.Thread(target=lambda: result.update(
            client.invoke(FunctionName="debugged")))
        invoke.start()
        time.sleep(2)
        assert invoke.is_alive(), "the invoke must wait for the debugger"
        connection = dap_attach(port)
        invoke.join(timeout=60)
        connection.close()
        assert json.loads(result["Payload"].read()) == "debugged"
