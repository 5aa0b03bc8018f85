"""Hostile and broken code zips through boto3's CreateFunction and UpdateFunctionCode: each is
refused with InvalidParameterValueException, nothing lands outside the code folder, no function
is created, and an update leaves the function's code as it was. The unpacking rules themselves
are unit-tested in `tests/unit/functions/test_code_store.py`."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from simulator.http_server import SimulatorServer
from tests.helpers import ROLE, create_function, make_zip, unique_name

HANDLER = "def handler(event, context):\n    return 'original'\n"
UNZIPPED_LIMIT = 262_144_000


def zip_of(*entries: tuple[str, bytes, int]) -> bytes:
    """A zip whose entries carry Unix modes (as `zip -y` writes symlinks)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = mode << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def regular(name: str, text: str = HANDLER) -> tuple[str, bytes, int]:
    return name, text.encode(), stat.S_IFREG | 0o644


def symlink(name: str, target: str) -> tuple[str, bytes, int]:
    return name, target.encode(), stat.S_IFLNK | 0o777


def zip_bomb() -> bytes:
    """A real bomb: one member of zeros just over the unzipped limit, about 250 KB zipped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("app.py", HANDLER)
        with archive.open("zeros.bin", "w", force_zip64=True) as member:
            block = bytes(1 << 20)
            for _ in range(UNZIPPED_LIMIT // len(block) + 1):
                member.write(block)
    return buffer.getvalue()


def empty_zip() -> bytes:
    buffer = io.BytesIO()
    zipfile.ZipFile(buffer, "w").close()
    return buffer.getvalue()


CASES: dict[str, tuple[Callable[[Path], bytes], str]] = {
    "parent-path": (lambda outside: zip_of(regular("app.py"), regular("../evil.py")),
                    "points outside the archive"),
    "deep-parent-path": (lambda outside: zip_of(regular("app.py"),
                                                regular("pkg/../../../evil.py")),
                         "points outside the archive"),
    "absolute-path": (lambda outside: zip_of(regular("app.py"),
                                             regular(str(outside / "evil.py"))),
                      "points outside the archive"),
    "symlink-outside": (lambda outside: zip_of(regular("app.py"),
                                               symlink("passwd", "/etc/passwd")),
                        "points outside the archive"),
    "symlinked-folder": (lambda outside: zip_of(regular("app.py"), symlink("out", str(outside)),
                                                regular("out/evil.py")),
                         "Could not unzip uploaded file"),
    "zip-bomb": (lambda outside: zip_bomb(),
                 "Unzipped size must be smaller than 262144000 bytes"),
    "not-a-zip": (lambda outside: b"this is not a zip file at all",
                  "Could not unzip uploaded file. Please check your file, then try to upload "
                  "again."),
    "empty-zip": (lambda outside: empty_zip(), "zip"),
}


@pytest.fixture(scope="module")
def bad_zips(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """Each case's bytes, built once (the bomb takes a moment); `outside` is a folder the
    hostile entries aim at."""
    outside = tmp_path_factory.mktemp("outside")
    return outside, {case: build(outside) for case, (build, _) in CASES.items()}


def refused(call: Callable[[], Any], client: Any, expected: str) -> None:
    with pytest.raises(client.exceptions.InvalidParameterValueException) as error:
        call()
    response = error.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    message = response["Error"]["Message"]
    assert expected in message, message
    assert "Traceback" not in message


@pytest.mark.parametrize("case", list(CASES))
def test_create_function_refuses(client: Any, server: SimulatorServer, case: str,
                                 bad_zips: tuple[Path, dict[str, bytes]]) -> None:
    outside, zips = bad_zips
    name = unique_name("zip")
    refused(lambda: client.create_function(
        FunctionName=name, Runtime="python3.11", Role=ROLE, Handler="app.handler",
        Code={"ZipFile": zips[case]}), client, CASES[case][1])
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_function(FunctionName=name)
    assert list(outside.iterdir()) == []
    code_folder = server.simulator.settings.state_dir / "code"
    assert not list(code_folder.glob(".staging-*")), "half-unpacked code left behind"


@pytest.mark.parametrize("case", list(CASES))
def test_update_function_code_refuses_and_keeps_the_code(
    client: Any, case: str, bad_zips: tuple[Path, dict[str, bytes]]
) -> None:
    outside, zips = bad_zips
    name = create_function(client, HANDLER)
    before = client.get_function_configuration(FunctionName=name)
    refused(lambda: client.update_function_code(FunctionName=name, ZipFile=zips[case]),
            client, CASES[case][1])
    after = client.get_function_configuration(FunctionName=name)
    assert (after["CodeSha256"], after["RevisionId"]) == (before["CodeSha256"],
                                                         before["RevisionId"])
    assert list(outside.iterdir()) == []


def test_code_still_runs_after_refused_updates_and_a_good_one_is_taken(
    client: Any, bad_zips: tuple[Path, dict[str, bytes]]
) -> None:
    name = create_function(client, HANDLER)
    for data in bad_zips[1].values():
        with pytest.raises(client.exceptions.InvalidParameterValueException):
            client.update_function_code(FunctionName=name, ZipFile=data)
    assert json.loads(client.invoke(FunctionName=name)["Payload"].read()) == "original"
    client.update_function_code(FunctionName=name, ZipFile=make_zip(
        {"app.py": HANDLER.replace("original", "updated")}))
    client.get_waiter("function_updated_v2").wait(FunctionName=name)
    assert json.loads(client.invoke(FunctionName=name)["Payload"].read()) == "updated"
