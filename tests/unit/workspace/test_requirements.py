"""A code folder's requirements.txt installed by a real pip, offline: a wheel built here and
`--no-index`, so nothing reaches PyPI. Installed once per content, into a `python/` tree as a
layer has; a failed install leaves nothing half-made and says what pip said."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from simulator.workspace.requirements import DependencyError, install_requirements

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
