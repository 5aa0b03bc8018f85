"""Read a template file into plain dicts, short tags (`!Ref`, `!Sub` ...) turned into their
long forms. cfn-lint's decoder does the parsing: it knows every CloudFormation tag, reads YAML
and JSON alike, and keeps line numbers for error messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simulator.templates.specs import TemplateError


def read_template(path: Path) -> dict[str, Any]:
    """The template at `path` as a dict; TemplateError when it is missing or malformed."""
    if not path.is_file():
        what = "is a folder, not a template file" if path.is_dir() else "does not exist"
        raise TemplateError(f"{path} {what}; pass the path of a template.yaml or .json file")
    # Imported here, not at the top: cfn-lint takes a second or more to import and most
    # servers never load a template.
    from cfnlint.decode import decode  # type: ignore[import-untyped]

    document, problems = decode(str(path))
    if problems:
        first = problems[0]
        raise TemplateError(
            f"{path}, line {first.linenumber}, column {first.columnnumber}: {first.message}; "
            "fix the template's syntax"
        )
    if not isinstance(document, dict):
        raise TemplateError(f"{path} is not a template: its top level must be a mapping")
    resources = document.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise TemplateError(f"{path} has no Resources section; add the functions under Resources")
    return document


def line_of(node: Any) -> int | None:
    """The 1-based line a decoded mapping starts on, when the decoder recorded it."""
    mark = getattr(node, "start_mark", None)
    return None if mark is None else mark.line + 1
