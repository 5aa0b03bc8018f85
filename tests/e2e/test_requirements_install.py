"""A code folder's requirements.txt installed by a real pip, offline: a wheel built here and
`--no-index`, so nothing reaches PyPI. Installed once per content, into a `python/` tree as a
layer has; a failed install leaves nothing half-made and says what pip said."""

from __future__ import annotations

import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from simulator.workspace.requirements import (
    DependencyError,
    TargetPlatform,
    install_requirements,
)

WHEEL = "greeting-1.0-py3-none-any.whl"


def build_wheel(folder: Path) -> Path:
    """The smallest wheel pip installs: one module and its metadata."""
    path = folder / WHEEL
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("greeting/__init__.py", "WORD = 'hello'\n")
        wheel.writestr("greeting-1.0.dist-info/METADATA",
                       "Metadata-Version: 2.1\nName: greeting\nVersion: 1.0\n")
        wheel.writestr("greeting-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: test\n"
                       "Root-Is-Purelib: true\nTag: py3-none-any\n")
        wheel.writestr("greeting-1.0.dist-info/RECORD",
                       "greeting/__init__.py,,\ngreeting-1.0.dist-info/METADATA,,\n"
                       "greeting-1.0.dist-info/WHEEL,,\ngreeting-1.0.dist-info/RECORD,,\n")
    return path


def requirements_file(folder: Path, *lines: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "requirements.txt"
    path.write_text("".join(f"{line}\n" for line in lines))
    return path


def leftovers(cache: Path) -> list[str]:
    return sorted(entry.name for entry in cache.iterdir()) if cache.exists() else []


def test_requirements_are_installed_into_a_python_tree_and_reused_while_unchanged(
    tmp_path: Path
) -> None:
    wheel = build_wheel(tmp_path)
    requirements = requirements_file(tmp_path / "src", "--no-index", str(wheel))
    cache = tmp_path / "dependencies" / "fn"

    installed = install_requirements(requirements, cache)

    assert (installed / "python" / "greeting" / "__init__.py").read_text() == "WORD = 'hello'\n"
    assert installed.parent == cache
    assert leftovers(cache) == [installed.name]
    # Unchanged content is not installed again: pip could not, with the wheel gone.
    wheel.unlink()
    assert install_requirements(requirements, cache) == installed
    # A folder without its completion mark (an install killed half-way) is installed again.
    (installed / ".complete").unlink()
    with pytest.raises(DependencyError, match=WHEEL):
        install_requirements(requirements, cache)


def test_a_failed_install_raises_with_pips_words_and_leaves_nothing(tmp_path: Path) -> None:
    requirements = requirements_file(tmp_path / "src", "--no-index",
                                     "no-such-package-for-lambda-sim==1.0")
    cache = tmp_path / "dependencies" / "fn"

    with pytest.raises(DependencyError) as failed:
        install_requirements(requirements, cache)

    message = str(failed.value)
    assert message.startswith(f"pip could not install {requirements}:\n")
    assert "no-such-package-for-lambda-sim" in message
    assert len(message.splitlines()) <= 6  # the first line, then pip's last five
    assert leftovers(cache) == []


def test_an_empty_file_installs_an_empty_tree_and_a_change_installs_anew(
    tmp_path: Path
) -> None:
    requirements = requirements_file(tmp_path / "src")
    cache = tmp_path / "dependencies" / "fn"
    empty = install_requirements(requirements, cache)
    assert list((empty / "python").iterdir()) == []

    requirements.write_text("--no-index\nno-such-package-for-lambda-sim==1.0\n")

    with pytest.raises(DependencyError):
        install_requirements(requirements, cache)
    assert leftovers(cache) == [empty.name]


def build_platform_wheel(folder: Path, tag: str, word: str) -> Path:
    """A wheel for one interpreter and machine (`cp313-cp313-manylinux2014_x86_64`), whose
    module says which one it is."""
    path = folder / f"native-1.0-{tag}.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("native/__init__.py", f"BUILT_FOR = {word!r}\n")
        wheel.writestr("native-1.0.dist-info/METADATA",
                       "Metadata-Version: 2.1\nName: native\nVersion: 1.0\n")
        wheel.writestr("native-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: test\n"
                       f"Root-Is-Purelib: false\nTag: {tag}\n")
        wheel.writestr("native-1.0.dist-info/RECORD",
                       "native/__init__.py,,\nnative-1.0.dist-info/METADATA,,\n"
                       "native-1.0.dist-info/WHEEL,,\nnative-1.0.dist-info/RECORD,,\n")
    return path


@pytest.fixture
def wheels(tmp_path: Path) -> Path:
    folder = tmp_path / "wheels"
    folder.mkdir()
    for tag, word in [("cp311-cp311-manylinux2014_x86_64", "3.11 x86_64"),
                      ("cp313-cp313-manylinux2014_x86_64", "3.13 x86_64"),
                      ("cp313-cp313-manylinux_2_28_aarch64", "3.13 arm64")]:
        build_platform_wheel(folder, tag, word)
    return folder


@pytest.mark.parametrize(("runtime", "architecture", "built_for"), [
    ("python3.11", "x86_64", "3.11 x86_64"),
    ("python3.13", "arm64", "3.13 arm64"),
])
def test_wheels_are_chosen_for_the_functions_runtime_and_architecture(
        tmp_path: Path, wheels: Path, runtime: str, architecture: str, built_for: str) -> None:
    requirements = requirements_file(tmp_path / "src", "--no-index", f"--find-links {wheels}",
                                     "native==1.0")
    target = TargetPlatform.of(runtime, architecture)

    installed = install_requirements(requirements, tmp_path / "dependencies" / "fn", target)

    assert f"BUILT_FOR = {built_for!r}" in (installed / "python" / "native" /
                                             "__init__.py").read_text()


def test_a_runtime_no_wheel_is_built_for_fails_with_pips_words(
        tmp_path: Path, wheels: Path) -> None:
    requirements = requirements_file(tmp_path / "src", "--no-index", f"--find-links {wheels}",
                                     "native==1.0")

    with pytest.raises(DependencyError, match="native"):
        install_requirements(requirements, tmp_path / "dependencies" / "fn",
                             TargetPlatform.of("python3.11", "arm64"))


def test_an_install_that_takes_too_long_is_stopped_and_leaves_nothing(tmp_path: Path) -> None:
    requirements = requirements_file(tmp_path / "src", "--no-index",
                                     "no-such-package-for-lambda-sim==1.0")
    cache = tmp_path / "dependencies" / "fn"

    with pytest.raises(DependencyError, match="did not finish within 0.01 seconds"):
        install_requirements(requirements, cache, timeout=0.01)
    assert leftovers(cache) == []


def test_two_installs_of_the_same_file_at_once_both_succeed_and_leave_one_tree(
        tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    requirements = requirements_file(tmp_path / "src", "--no-index", str(wheel))
    cache = tmp_path / "dependencies" / "fn"
    with ThreadPoolExecutor(2) as threads:
        installed = list(threads.map(lambda _: install_requirements(requirements, cache),
                                     range(2)))

    assert installed[0] == installed[1]
    assert (installed[0] / "python" / "greeting" / "__init__.py").is_file()
    assert leftovers(cache) == [installed[0].name]
