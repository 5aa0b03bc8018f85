"""A code folder's checksum and size, as CodeSha256 and CodeSize report them and as hot reload
decides whether a file event is a real change: content and names count; editor leftovers,
bytecode and tool folders do not."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from simulator.functions.folder_checksum import file_digest, folder_digest, is_ignored

EMPTY_SHA256 = base64.b64encode(hashlib.sha256().digest()).decode()


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


@pytest.mark.parametrize("name", [
    "app.py.swp", ".app.py.swx", "app.py~", "4913", ".#app.py", "#app.py#", ".~lock.data#",
    "app.cpython-311.pyc", "module.pyo", "download.crdownload", "save.tmp",
    "__pycache__/app.cpython-311.pyc", ".git/HEAD", ".idea/workspace.xml",
    ".vscode/settings.json", ".pytest_cache/v/cache", ".mypy_cache/3.11/app.json",
    ".DS_Store", "build/.aws-sam/template.yaml", ".lambda-sim/functions.db",
])
def test_editor_and_tool_leftovers_are_ignored(name: str) -> None:
    assert is_ignored(Path("project") / name)


@pytest.mark.parametrize("name", ["app.py", "lib/util.py", "data.json", "README.md",
                                  "templates/page.html", "requirements.txt", ".env"])
def test_code_and_data_files_count(name: str) -> None:
    assert not is_ignored(Path("project") / name)


def test_the_digest_is_a_base64_sha256_and_the_size_the_bytes_of_the_files(
    tmp_path: Path
) -> None:
    write(tmp_path, {"app.py": "print(1)\n", "lib/util.py": "x = 2\n"})

    digest, size = folder_digest(tmp_path)

    assert len(base64.b64decode(digest)) == 32
    assert size == len("print(1)\n") + len("x = 2\n")


def test_an_empty_folder_has_the_digest_of_nothing(tmp_path: Path) -> None:
    assert folder_digest(tmp_path) == (EMPTY_SHA256, 0)


def test_the_same_files_in_another_folder_have_the_same_digest(tmp_path: Path) -> None:
    files = {"app.py": "print(1)\n", "lib/util.py": "x = 2\n", "lib/deep/data.json": "{}"}

    assert folder_digest(write(tmp_path / "a", files)) == folder_digest(
        write(tmp_path / "b", files))


@pytest.mark.parametrize("changed", [
    {"app.py": "print(2)\n"},  # an edit
    {"app.py": "print(1)\n", "new.py": ""},  # a new, even empty, file
    {"lib/app.py": "print(1)\n"},  # the same content under another name
])
def test_an_edit_a_new_file_or_a_new_name_changes_the_digest(
    tmp_path: Path, changed: dict[str, str]
) -> None:
    original = write(tmp_path / "original", {"app.py": "print(1)\n"})

    assert folder_digest(write(tmp_path / "changed", changed))[0] != folder_digest(original)[0]


def test_moving_bytes_from_one_file_to_the_next_changes_the_digest(tmp_path: Path) -> None:
    one = write(tmp_path / "one", {"a.py": "xy", "b.py": ""})
    other = write(tmp_path / "other", {"a.py": "x", "b.py": "y"})

    assert folder_digest(one)[0] != folder_digest(other)[0]


def test_leftovers_change_neither_digest_nor_size(tmp_path: Path) -> None:
    folder = write(tmp_path, {"app.py": "print(1)\n"})
    before = folder_digest(folder)

    write(folder, {".app.py.swp": "swap", "app.py~": "backup", "4913": "",
                   "__pycache__/app.cpython-311.pyc": "bytecode", ".git/HEAD": "ref",
                   "lib/__pycache__/util.cpython-311.pyc": "bytecode"})

    assert folder_digest(folder) == before


def test_touching_a_file_without_changing_it_keeps_the_digest(tmp_path: Path) -> None:
    folder = write(tmp_path, {"app.py": "print(1)\n"})
    before = folder_digest(folder)

    (folder / "app.py").write_text("print(1)\n")

    assert folder_digest(folder) == before


def test_file_digest_is_the_hex_sha256_of_the_file_or_empty_when_missing(
    tmp_path: Path
) -> None:
    template = tmp_path / "template.yaml"
    template.write_text("Resources: {}\n")

    assert file_digest(template) == hashlib.sha256(b"Resources: {}\n").hexdigest()
    assert file_digest(tmp_path / "missing.yaml") == ""
    assert file_digest(tmp_path) == ""


def test_a_folder_under_a_tool_folder_is_summed_by_its_own_files(tmp_path: Path) -> None:
    built = tmp_path / ".aws-sam" / "build" / "Fn"  # what `sam build` makes
    built.mkdir(parents=True)
    (built / "app.py").write_text("def handler(event, context):\n    return 1\n")
    (built / "__pycache__").mkdir()
    (built / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"bytecode")

    digest, size = folder_digest(built)

    assert size == len("def handler(event, context):\n    return 1\n")
    (built / "app.py").write_text("changed\n")
    assert folder_digest(built)[0] != digest
