"""The layout stays as docs/ARCHITECTURE.md draws it: every `file: function` hop it names
exists, every package says what it may import, and the unit tests mirror the packages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOP = re.compile(r"`([\w/]+\.py): ([\w.]+)`")


def defined_names(path: Path) -> set[str]:
    """`function`, `Class` and `Class.method` for everything the module defines."""
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
            names.update(f"{node.name}.{item.name}" for item in node.body
                         if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef))
    return names


def test_every_hop_in_the_architecture_map_names_real_code() -> None:
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
    hops = HOP.findall(text)
    assert len(hops) >= 15
    missing = []
    for file, name in hops:
        path = ROOT / "simulator" / file
        if not path.is_file() or name not in defined_names(path):
            missing.append(f"{file}: {name}")
    assert missing == []


def test_every_package_says_what_it_owns_and_may_import() -> None:
    for init in sorted((ROOT / "simulator").glob("*/__init__.py")):
        docstring = ast.get_docstring(ast.parse(init.read_text())) or ""
        assert "import" in docstring, f"{init.parent.name}/__init__.py"


# Modules that declare and do nothing of their own, so a test file would only restate them.
DECLARATIONS = {
    "errors.py": "the exception tree: codes and statuses",
    "observability/errors.py": "CloudWatch's errors in that tree",
    "templates/errors.py": "the template error, a declaration only",
    "invocation/observer.py": "the observer protocol and its no-op",
    "executors/fake.py": "the unit tests' own executor, which most of them run on",
    "stacks/provisioning.py": "the provisioner protocol and the values it passes",
}


def test_every_module_with_logic_has_its_unit_tests_beside_its_package() -> None:
    missing = []
    for module in sorted((ROOT / "simulator").rglob("*.py")):
        relative = module.relative_to(ROOT / "simulator")
        if module.name == "__init__.py" or relative.as_posix() in DECLARATIONS:
            continue
        expected = ROOT / "tests" / "unit" / relative.parent / f"test_{module.name}"
        if not expected.is_file():
            missing.append(expected.relative_to(ROOT).as_posix())
    assert missing == []
