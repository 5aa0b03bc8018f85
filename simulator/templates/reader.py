"""Read a template file into plain dicts, short tags (`!Ref`, `!Sub` ...) turned into their
long forms. JSON templates are JSON; YAML ones go through PyYAML's safe loader with a
constructor for CloudFormation's tags, and their mappings keep their line for error
messages. (cfn-lint's decoder did this before, at the price of importing all of cfn-lint
into the server's memory; docs/MEASUREMENTS.md has how much.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from simulator.templates.errors import TemplateError


class MarkedDict(dict[str, Any]):
    """A mapping that remembers where in the file it starts."""

    start_mark: yaml.Mark


class _TemplateLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML as CloudFormation reads it: its short tags, no duplicate keys, keys as strings."""


def _mapping(loader: _TemplateLoader, node: yaml.MappingNode) -> MarkedDict:
    mapping = MarkedDict()
    mapping.start_mark = node.start_mark
    for key_node, value_node in node.value:
        raw_key = loader.construct_object(key_node, deep=True)
        key = str(raw_key).lower() if isinstance(raw_key, bool) else str(raw_key)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f'duplicate key "{key}"', key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


def _short_tag(loader: _TemplateLoader, suffix: str, node: yaml.Node) -> MarkedDict:
    """`!Ref x` → {"Ref": x}; `!GetAtt A.B` → {"Fn::GetAtt": ["A", "B"]}; `!Sub ...` →
    {"Fn::Sub": ...}, and so on for every `!Fn` tag."""
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = _mapping(loader, node)
    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    tagged = MarkedDict({name: value})
    tagged.start_mark = node.start_mark
    return tagged


_TemplateLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_TemplateLoader.add_multi_constructor("!", _short_tag)


def parse_yaml(text: str) -> Any:
    """YAML template text as plain data, CloudFormation's short tags in their long form;
    raises yaml.YAMLError when it is not well-formed."""
    return yaml.load(text, Loader=_TemplateLoader)  # noqa: S506


def read_template(path: Path) -> dict[str, Any]:
    """The template at `path` as a dict; TemplateError when it is missing or malformed."""
    document = read_document(path)
    resources = document.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise TemplateError(f"{path} has no Resources section; add the functions under Resources")
    return document


def read_document(path: Path) -> dict[str, Any]:
    """The YAML or JSON mapping at `path` (a template, or a file a template reads)."""
    if not path.is_file():
        what = "is a folder, not a template file" if path.is_dir() else "does not exist"
        raise TemplateError(f"{path} {what}; pass the path of a template.yaml or .json file")
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json" or text.lstrip().startswith("{"):
            document = json.loads(text)
        else:
            document = parse_yaml(text)
    except json.JSONDecodeError as error:
        raise TemplateError(f"{path}, line {error.lineno}, column {error.colno}: {error.msg}; "
                            "fix the template's syntax") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise TemplateError(f"{path}{where}: {error.problem or error.context}; "
                            "fix the template's syntax") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise TemplateError(f"{path}: {error}; fix the template's syntax") from None
    if not isinstance(document, dict):
        raise TemplateError(f"{path} is not a template: its top level must be a mapping")
    return document


def line_of(node: Any) -> int | None:
    """The 1-based line a decoded mapping starts on, when the decoder recorded it."""
    mark = getattr(node, "start_mark", None)
    return None if mark is None else mark.line + 1
