"""docs/RELIABILITY.md names the tests that show each promise: every test and file it names
exists, so the page can't point at a test that was renamed or never written."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "RELIABILITY.md"
# `path/to/test_file.py::test_name[params]`, `test_file.py::...[params]`, `::test_name`, or a
# file or folder alone; a name ending in `...` is a prefix.
REFERENCE = re.compile(r"`(?P<file>(?:tests|bench)/[\w/]*\w(?:\.py)?|test_\w+\.py)?"
                       r"(?:::(?P<name>test_\w*|\.\.\.)(?P<prefix>\.\.\.)?)?(?:\[[^\]`]*\])?`")


def references() -> list[tuple[str, str | None, bool]]:
    """(file, test name or None, whether the name is a prefix), each file made whole."""
    found: list[tuple[str, str | None, bool]] = []
    current = ""
    for match in REFERENCE.finditer(PAGE.read_text()):
        file, name = match["file"], match["name"]
        if file is None and name is None:
            continue
        if file is not None:
            current = file if "/" in file else _whole(file)
        found.append((current, None if name in (None, "...") else name,
                      match["prefix"] is not None))
    return found


def _whole(file_name: str) -> str:
    """A bare `test_x.py` is the one file of that name under tests/."""
    [path] = list((ROOT / "tests").rglob(file_name))
    return path.relative_to(ROOT).as_posix()


def functions_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}


def test_every_test_the_page_names_exists() -> None:
    named = references()
    missing = []
    for file, name, prefix in named:
        path = ROOT / file
        if not path.exists():
            missing.append(file)
        elif name is not None:
            functions = functions_in(path)
            if not (any(f.startswith(name) for f in functions) if prefix
                    else name in functions):
                missing.append(f"{file}::{name}")
    assert len(named) > 40, "the page's references were not found"
    assert missing == []
