"""AWS's query protocol, read and written from botocore's service model: a form-encoded request
(`Parameters.member.1.ParameterKey=...`) becomes the operation's input as a dict with the
model's member names, and a result dict becomes the `<{Op}Response>` XML botocore parses.
Nothing here knows one service from another."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape


class MalformedQuery(Exception):
    """A parameter whose value does not fit its modeled type; the message names it."""


def parse_query(params: Mapping[str, str], operation: OperationModel) -> dict[str, Any]:
    """The operation's input from flat form parameters; absent members are left out."""
    shape = operation.input_shape
    if shape is None:
        return {}
    value = _parse_structure(params, shape, "")
    return value if isinstance(value, dict) else {}


def _parse(params: Mapping[str, str], shape: Shape, prefix: str) -> Any:
    if isinstance(shape, StructureShape):
        return _parse_structure(params, shape, prefix + ".")
    if isinstance(shape, ListShape):
        return _parse_list(params, shape, prefix)
    if isinstance(shape, MapShape):
        return _parse_map(params, shape, prefix)
    if prefix not in params:
        return None
    return _scalar(params[prefix], shape, prefix)


def _parse_structure(params: Mapping[str, str], shape: StructureShape, prefix: str
                     ) -> dict[str, Any] | None:
    result: dict[str, Any] = {}
    for name, member in shape.members.items():
        value = _parse(params, member, prefix + member.serialization.get("name", name))
        if value is not None:
            result[name] = value
    return result or None


def _parse_list(params: Mapping[str, str], shape: ListShape, prefix: str) -> list[Any] | None:
    if prefix in params and params[prefix] == "":
        return []  # `Capabilities=` is the query protocol's empty list
    flattened = shape.serialization.get("flattened", False)
    member_name = shape.member.serialization.get("name", "member")
    item_prefix = prefix if flattened else f"{prefix}.{member_name}"
    items: list[Any] = []
    while True:
        item = _parse(params, shape.member, f"{item_prefix}.{len(items) + 1}")
        if item is None:
            return items or None
        items.append(item)


def _parse_map(params: Mapping[str, str], shape: MapShape, prefix: str) -> dict[str, Any] | None:
    entry = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    result: dict[str, Any] = {}
    index = 1
    while f"{entry}.{index}.{key_name}" in params:
        key = params[f"{entry}.{index}.{key_name}"]
        result[key] = _parse(params, shape.value, f"{entry}.{index}.{value_name}")
        index += 1
    return result or None


def _scalar(raw: str, shape: Shape, name: str) -> Any:
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(raw)
        if kind in ("float", "double"):
            return float(raw)
        if kind == "boolean":
            if raw.lower() not in ("true", "false"):
                raise ValueError(raw)
            return raw.lower() == "true"
        if kind == "timestamp":
            return datetime.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise MalformedQuery(f"Invalid value '{raw}' for parameter {name}") from None
    return raw


def serialize_result(operation: OperationModel, result: Mapping[str, Any], request_id: str,
                     namespace: str) -> bytes:
    """`<{Op}Response>` with the result under the output shape's result wrapper."""
    name = operation.name
    body = ""
    shape = operation.output_shape
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper", f"{name}Result")
        body = f"<{wrapper}>{_structure_members(shape, result)}</{wrapper}>"
    return (f'<{name}Response xmlns="{namespace}">{body}<ResponseMetadata><RequestId>'
            f"{request_id}</RequestId></ResponseMetadata></{name}Response>").encode()


def serialize_error(code: str, message: str, sender_fault: bool, request_id: str) -> bytes:
    fault = "Sender" if sender_fault else "Receiver"
    return (f"<ErrorResponse><Error><Type>{fault}</Type><Code>{escape(code)}</Code>"
            f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId>"
            "</ErrorResponse>").encode()


def _structure_members(shape: StructureShape, value: Mapping[str, Any]) -> str:
    parts = []
    for name, member in shape.members.items():
        if value.get(name) is not None:
            parts.append(_element(member.serialization.get("name", name), member, value[name]))
    return "".join(parts)


def _element(tag: str, shape: Shape, value: Any) -> str:
    if isinstance(shape, ListShape):
        item_tag = shape.member.serialization.get("name", "member")
        if shape.serialization.get("flattened"):
            return "".join(_element(tag, shape.member, item) for item in value)
        items = "".join(_element(item_tag, shape.member, item) for item in value)
        return f"<{tag}>{items}</{tag}>"
    return f"<{tag}>{_content(shape, value)}</{tag}>"


def _content(shape: Shape, value: Any) -> str:
    if isinstance(shape, StructureShape):
        return _structure_members(shape, value)
    if isinstance(shape, MapShape):
        key_tag = shape.key.serialization.get("name", "key")
        value_tag = shape.value.serialization.get("name", "value")
        return "".join(f"<entry>{_element(key_tag, shape.key, key)}"
                       f"{_element(value_tag, shape.value, item)}</entry>"
                       for key, item in value.items())
    if shape.type_name == "boolean":
        return "true" if value else "false"
    if shape.type_name == "timestamp":
        return escape(timestamp_text(value))
    return escape(str(value))


def timestamp_text(value: datetime.datetime | str) -> str:
    """ISO-8601 in UTC with milliseconds, as AWS's query services write times."""
    if isinstance(value, str):
        return value
    moment = value.astimezone(datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
