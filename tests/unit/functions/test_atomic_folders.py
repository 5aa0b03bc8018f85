"""Folders that environments mount appear whole or not at all: filled beside the target and
renamed into place, an existing one kept, a failed fill leaving nothing behind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from simulator.functions.atomic_folders import build_folder


def fill_with(files: dict[str, str]) -> Callable[[Path], None]:
    def fill(staging: Path) -> None:
        for name, text in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)

    return fill


def contents(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): path.read_text()
            for path in folder.rglob("*") if path.is_file()}


def test_the_folder_appears_with_everything_filled_in(tmp_path: Path) -> None:
    target = tmp_path / "abc123"

    built = build_folder(target, fill_with({"app.py": "code", "lib/util.py": "more"}))

    assert built == target
    assert contents(target) == {"app.py": "code", "lib/util.py": "more"}
    assert [entry.name for entry in tmp_path.iterdir()] == ["abc123"]


def test_the_target_does_not_exist_while_it_is_being_filled(tmp_path: Path) -> None:
    target = tmp_path / "abc123"
    seen_during_fill: list[bool] = []

    def fill(staging: Path) -> None:
        staging.mkdir()
        (staging / "half").write_text("written")
        seen_during_fill.append(target.exists())

    build_folder(target, fill)

    assert seen_during_fill == [False]
    assert contents(target) == {"half": "written"}


def test_an_existing_folder_is_kept_and_not_filled_again(tmp_path: Path) -> None:
    target = tmp_path / "abc123"
    build_folder(target, fill_with({"app.py": "first"}))

    def fail(staging: Path) -> None:
        raise AssertionError("an existing folder is already right")

    assert build_folder(target, fail) == target
    assert contents(target) == {"app.py": "first"}


def test_a_failed_fill_leaves_no_folder_and_no_staging(tmp_path: Path) -> None:
    target = tmp_path / "abc123"

    def fill(staging: Path) -> None:
        fill_with({"app.py": "partial"})(staging)
        raise ValueError("the zip is corrupt")

    with pytest.raises(ValueError, match="corrupt"):
        build_folder(target, fill)

    assert list(tmp_path.iterdir()) == []


def test_a_disk_error_while_filling_is_raised_when_no_folder_appeared(tmp_path: Path) -> None:
    target = tmp_path / "abc123"

    def fill(staging: Path) -> None:
        staging.mkdir()
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        build_folder(target, fill)

    assert list(tmp_path.iterdir()) == []


def test_a_concurrent_builder_that_finished_first_wins(tmp_path: Path) -> None:
    target = tmp_path / "abc123"

    def fill(staging: Path) -> None:
        fill_with({"app.py": "ours"})(staging)
        fill_with({"app.py": "theirs"})(target)  # another caller renamed theirs into place

    assert build_folder(target, fill) == target

    assert contents(target) == {"app.py": "theirs"}
    assert [entry.name for entry in tmp_path.iterdir()] == ["abc123"]
