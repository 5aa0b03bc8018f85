"""A function's /opt: its layers (and a code folder's installed requirements) merged in order
into one folder, later sources winning where paths collide, as Lambda extracts layers."""

from __future__ import annotations

import shutil
from pathlib import Path

from simulator.functions.atomic_folders import build_folder


def merge_folders(sources: list[Path], target: Path) -> Path:
    """`target` (named by the caller after what it holds) built from `sources` once."""

    def fill(staging: Path) -> None:
        staging.mkdir(parents=True)
        for source in sources:
            shutil.copytree(source, staging, dirs_exist_ok=True, symlinks=True)

    return build_folder(target, fill)
