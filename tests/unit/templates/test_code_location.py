"""Where a function's code lives: a folder or a .zip relative to the template, as SAM reads
CodeUri; code in S3 is reported as remote, a wrong local path as an error to fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.templates.code_location import CodeLocation, RemoteCode, local_code
from simulator.templates.specs import TemplateError

WHERE = "Resources.Fn.Properties.CodeUri"


@pytest.fixture
def template_dir(tmp_path: Path) -> Path:
    stack = tmp_path / "demo"
    (stack / "src").mkdir(parents=True)
    (stack / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
    (stack / "build.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    (stack / "README.md").write_text("notes\n")
    return stack


@pytest.mark.parametrize("location", ["src", "src/", "./src", "../demo/src"])
def test_a_folder_is_taken_relative_to_the_template(template_dir: Path, location: str) -> None:
    assert local_code(location, template_dir, WHERE) == CodeLocation(
        folder=(template_dir / "src").resolve()
    )


def test_the_template_folder_itself(template_dir: Path) -> None:
    assert local_code(".", template_dir, WHERE) == CodeLocation(folder=template_dir.resolve())


def test_an_absolute_path_is_used_as_it_is(template_dir: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "shared"
    elsewhere.mkdir()
    assert local_code(str(elsewhere), template_dir, WHERE).folder == elsewhere.resolve()


def test_a_zip_is_an_archive(template_dir: Path) -> None:
    assert local_code("build.zip", template_dir, WHERE) == CodeLocation(
        archive=(template_dir / "build.zip").resolve()
    )


def test_a_zip_suffix_in_capitals_is_still_an_archive(template_dir: Path) -> None:
    (template_dir / "BUILD.ZIP").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    location = local_code("BUILD.ZIP", template_dir, WHERE)
    assert location.archive == (template_dir / "BUILD.ZIP").resolve()
    assert location.folder is None


def test_a_file_that_is_not_a_zip_is_an_error(template_dir: Path) -> None:
    with pytest.raises(TemplateError) as raised:
        local_code("README.md", template_dir, WHERE)
    assert str(raised.value) == (
        f"{WHERE} is 'README.md', a file that is not a .zip; point it at the code's folder or "
        "at a .zip of it"
    )


def test_a_missing_path_is_an_error_naming_where_it_was_looked_for(template_dir: Path) -> None:
    with pytest.raises(TemplateError) as raised:
        local_code("missing/", template_dir, WHERE)
    assert str(raised.value) == (
        f"{WHERE} is 'missing/', but {(template_dir / 'missing').resolve()} does not exist; "
        "create the folder or fix the path"
    )


@pytest.mark.parametrize(
    "location",
    [
        {"Bucket": "artifacts", "Key": "fn.zip"},
        {"S3Bucket": "artifacts", "S3Key": "fn.zip"},
        "s3://artifacts/fn.zip",
    ],
)
def test_code_in_s3_is_remote(template_dir: Path, location: Any) -> None:
    with pytest.raises(RemoteCode) as raised:
        local_code(location, template_dir, WHERE)
    assert str(raised.value) == f"its code is in S3 ({location})"


@pytest.mark.parametrize("location", [None, "", 42])
def test_a_location_that_is_not_a_path_is_remote(template_dir: Path, location: Any) -> None:
    with pytest.raises(RemoteCode) as raised:
        local_code(location, template_dir, WHERE)
    assert str(raised.value) == f"its code location {location!r} is not a local path"
