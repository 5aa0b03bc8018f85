"""The state folder's disk fills up. Every write the API cannot make fails with a clear error,
nothing half-written is left, and the state is intact: after space is freed and the server
restarted, every function is there with the configuration and code it had before.

The state folder is a 4 MB tmpfs mounted for the test (root only)."""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.helpers import ROLE, create_function, lambda_client, make_zip, running_server

KEPT = """
def handler(event, context):
    return "kept v1"
"""


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs",
                              str(mount_point)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(folder: Path) -> Path:
    """Write a file until the disk has no block left."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as sink:  # unbuffered: closing it writes nothing more
        try:
            while True:
                sink.write(b"\0" * 65536)
        except OSError as error:
            assert error.errno == errno.ENOSPC, error
    return filler


def clear_error(call: Callable[[], Any]) -> str:
    """The call fails with a ServiceException that says the disk is full; its message."""
    with pytest.raises(ClientError) as failed:
        call()
    error = failed.value.response
    message = error["Error"]["Message"]
    assert error["Error"]["Code"] == "ServiceException", error
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert re.search(r"space|full", message, re.IGNORECASE), message
    return str(message)


def test_full_disk_gives_clear_errors_and_keeps_the_state(small_disk: Path) -> None:
    state_dir = small_disk / "state"
    new_code = make_zip({"app.py": KEPT.replace("v1", "v2")})
    with running_server(state_dir, "process") as server:
        client = lambda_client(server.url)
        kept = create_function(client, KEPT, Description="before")
        before = client.get_function_configuration(FunctionName=kept)
        assert json.loads(client.invoke(FunctionName=kept)["Payload"].read()) == "kept v1"
        filler = fill(small_disk)

        messages = [
            clear_error(lambda: client.create_function(
                FunctionName="while-full", Runtime="python3.11", Role=ROLE,
                Handler="app.handler", Code={"ZipFile": make_zip({"app.py": KEPT})})),
            clear_error(lambda: client.update_function_configuration(
                FunctionName=kept, Description="during")),
            clear_error(lambda: client.update_function_code(FunctionName=kept,
                                                            ZipFile=new_code)),
            clear_error(lambda: client.invoke(FunctionName=kept, InvocationType="Event",
                                              Payload=json.dumps({"x": "y" * 100_000}))),
        ]
        print("\n" + "\n".join(messages))
        assert json.loads(client.invoke(FunctionName=kept)["Payload"].read()) == "kept v1"
        assert not list((state_dir / "code").glob(".staging-*")), "half-unpacked code left"
        filler.unlink()
        created = create_function(client, KEPT, Description="after")
    with running_server(state_dir, "process") as server:
        client = lambda_client(server.url)
        names = {f["FunctionName"] for f in client.list_functions()["Functions"]}
        assert names == {kept, created}
        after = client.get_function_configuration(FunctionName=kept)
        for field in ("Description", "CodeSha256", "CodeSize", "RevisionId"):
            assert after[field] == before[field], field
        location = client.get_function(FunctionName=kept)["Code"]["Location"]
        assert after["CodeSha256"] == _sha256_of(location)
        for name in (kept, created):
            assert json.loads(client.invoke(FunctionName=name)["Payload"].read()) == "kept v1"


def _sha256_of(url: str) -> str:
    import requests

    return base64.b64encode(hashlib.sha256(requests.get(url, timeout=10).content).digest()
                            ).decode()
