"""What an EventBridge target receives: the event itself, or its `Input`, `InputPath` or
`InputTransformer` rendering, as EventBridge computes them."""

from __future__ import annotations

import json
import re
from typing import Any


def target_input(target: dict[str, Any], event: dict[str, Any]) -> Any:
    if target.get("Input") is not None:
        return json.loads(target["Input"])
    if target.get("InputPath"):
        return json_path(event, target["InputPath"])
    transformer = target.get("InputTransformer")
    if transformer:
        return render_template(transformer.get("InputTemplate", ""),
                               transformer.get("InputPathsMap") or {}, event)
    return event

PATH_STEP = re.compile(r"\.(?P<member>[^.\[]+)|\[(?P<index>\d+)\]")


def json_path(document: Any, path: str) -> Any:
    """The JSONPath EventBridge takes for InputPath and InputPathsMap: `$`, members
    (`$.detail.id`) and array items (`$.resources[0]`); None where nothing is."""
    value = document
    for step in PATH_STEP.finditer(path.removeprefix("$")):
        member, index = step.group("member"), step.group("index")
        if member is not None:
            value = value.get(member) if isinstance(value, dict) else None
        elif isinstance(value, list) and int(index) < len(value):
            value = value[int(index)]
        else:
            value = None
    return value


def render_template(template: str, paths: dict[str, str], event: dict[str, Any]) -> Any:
    """`<name>` placeholders filled from the paths map as EventBridge fills them: inside a
    JSON string the value goes in as text; elsewhere in a JSON template as a JSON value
    (strings get quotes); a template that is not JSON gets plain text."""
    values = {name: json_path(event, path) for name, path in paths.items()}
    is_json = template.lstrip()[:1] in ("{", "[", '"')
    out: list[str] = []
    in_string = escaped = False
    position = 0
    while position < len(template):
        char = template[position]
        placeholder = _placeholder_at(template, position, values)
        if placeholder is not None:
            value = values[placeholder]
            text = value if isinstance(value, str) else json.dumps(value)
            out.append(text if in_string or not is_json else json.dumps(value))
            position += len(placeholder) + 2
            continue
        if in_string and char == "\\" and not escaped:
            escaped = True
        else:
            if char == '"' and not escaped:
                in_string = not in_string
            escaped = False
        out.append(char)
        position += 1
    text = "".join(out)
    try:
        return json.loads(text) if is_json else text
    except ValueError:
        return text


def _placeholder_at(template: str, position: int, values: dict[str, Any]) -> str | None:
    if template[position] != "<":
        return None
    end = template.find(">", position)
    name = template[position + 1:end] if end > position else ""
    return name if name in values else None
