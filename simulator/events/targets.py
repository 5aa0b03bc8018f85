"""What an EventBridge target receives: the event itself, or its `Input`, `InputPath` or
`InputTransformer` rendering, as EventBridge computes them."""

from __future__ import annotations

import json
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


def json_path(document: Any, path: str) -> Any:
    """The simple JSONPath EventBridge accepts in practice: `$` or `$.a.b.c`."""
    value = document
    for part in [p for p in path.removeprefix("$").split(".") if p]:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def render_template(template: str, paths: dict[str, str], event: dict[str, Any]) -> Any:
    """`<name>` placeholders filled from the paths map; JSON when the result parses as JSON
    (strings inside quotes are inserted raw, other values as JSON), else plain text."""
    text = template
    for name, path in paths.items():
        value = json_path(event, path)
        raw = value if isinstance(value, str) else json.dumps(value)
        text = text.replace(f'"<{name}>"', json.dumps(value)).replace(f"<{name}>", raw)
    try:
        return json.loads(text)
    except ValueError:
        return text
