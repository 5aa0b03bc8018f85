"""Which architectures run where: natively, under binfmt emulation, or not at all (and why)."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.executors.platforms import emulates, image_problem


@pytest.mark.parametrize(("architecture", "image", "machine", "emulated"), [
    ("x86_64", "amd64", "x86_64", False),
    ("arm64", "arm64", "aarch64", False),
    ("arm64", "arm64", "x86_64", True),
    ("x86_64", "amd64", "aarch64", True),
])
def test_an_image_of_the_architecture_runs_natively_or_emulated(
        architecture: str, image: str, machine: str, emulated: bool) -> None:
    assert image_problem(architecture, "app:1", image, machine, emulated) is None


def test_an_image_of_another_architecture_is_refused_with_the_way_out() -> None:
    problem = image_problem("arm64", "app:1", "amd64", "x86_64", emulated=True)
    assert problem == (
        "The function's architecture is arm64, but the image app:1 is built for linux/amd64: "
        "build a linux/arm64 variant of it (docker build --platform linux/arm64)")


def test_an_engine_without_emulation_is_refused_with_the_way_out() -> None:
    problem = image_problem("arm64", "app:1", "arm64", "x86_64", emulated=False)
    assert problem is not None
    assert "the Docker engine runs on x86_64 and has no emulation for aarch64" in problem
    assert "tonistiigi/binfmt --install arm64" in problem


def test_emulation_is_read_from_binfmt_misc(tmp_path: Path) -> None:
    assert not emulates("aarch64", tmp_path)
    (tmp_path / "qemu-aarch64").write_text("enabled\ninterpreter /usr/bin/qemu-aarch64\n")
    assert emulates("aarch64", tmp_path)
    (tmp_path / "qemu-aarch64").write_text("disabled\n")
    assert not emulates("aarch64", tmp_path)
