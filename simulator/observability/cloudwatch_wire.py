"""CloudWatch's two wire formats, driven by botocore's service model (the contract): the
JSON 1.0 protocol current SDKs send (`X-Amz-Target: GraniteServiceVersion20100801.<Op>`,
epoch-second timestamps) and the query protocol older ones send (`Action=<Op>` form
fields, XML answers). Both become the same request dicts, with `datetime` timestamps."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree

from botocore.model import OperationModel, ServiceModel, Shape
from botocore.utils import parse_timestamp

from simulator import botocore_models as service_models

TARGET_PREFIX = "GraniteServiceVersion20100801."
JSON_CONTENT_TYPE = "application/x-amz-json-1.0"
XML_CONTENT_TYPE = "text/xml"


def service_model() -> ServiceModel:
    return service_models.service_model("cloudwatch")


def operation_model(name: str) -> OperationModel | None:
    return service_model().operation_model(name) \
        if name in service_model().operation_names else None


# -- requests --------------------------------------------------------------------------------

def from_json(value: Any, shape: Shape | None) -> Any:
    """A JSON request's value with its timestamps as datetimes."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {k: from_json(v, members.get(k)) for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [from_json(v, shape.member) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: from_json(v, shape.value) for k, v in value.items()}
    if kind == "timestamp":
        return _timestamp(value)
    return value


def from_query(fields: Mapping[str, str], shape: Shape | None) -> dict[str, Any]:
    """A query request's form fields (`Dimensions.member.1.Name=...`) as nested values."""
    if shape is None:
        return {}
    value = _query_value(fields, "", shape)
    return value if isinstance(value, dict) else {}


def _query_value(fields: Mapping[str, str], prefix: str, shape: Shape) -> Any:
    kind = shape.type_name
    if kind == "structure":
        members = shape.members
        result = {}
        for name, member in members.items():
            key = member.serialization.get("name", name)
            key = f"{prefix}.{key}" if prefix else key
            if key in fields or any(k.startswith(f"{key}.") for k in fields):
                result[name] = _query_value(fields, key, member)
        return result
    if kind == "list":
        member = shape.member
        base = prefix if shape.serialization.get("flattened") else f"{prefix}.member"
        items: list[Any] = []
        while True:
            key = f"{base}.{len(items) + 1}"
            if key not in fields and not any(k.startswith(f"{key}.") for k in fields):
                return items
            items.append(_query_value(fields, key, member))
    if kind == "map":
        entries = {}
        index = 1
        while f"{prefix}.entry.{index}.key" in fields:
            entries[fields[f"{prefix}.entry.{index}.key"]] = _query_value(
                fields, f"{prefix}.entry.{index}.value", shape.value)
            index += 1
        return entries
    raw = fields.get(prefix, "")
    if kind in ("integer", "long"):
        return int(raw)
    if kind in ("double", "float"):
        return float(raw)
    if kind == "boolean":
        return raw.lower() == "true"
    if kind == "timestamp":
        return _timestamp(raw)
    return raw


def _timestamp(value: Any) -> datetime:
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = parse_timestamp(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# -- answers ---------------------------------------------------------------------------------

def to_json(result: dict[str, Any]) -> bytes:
    return json.dumps(result, default=_epoch_seconds).encode()


def _epoch_seconds(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_xml(operation: OperationModel, result: dict[str, Any], request_id: str) -> bytes:
    namespace = service_model().metadata["xmlNamespace"]
    root = ElementTree.Element(f"{operation.name}Response", xmlns=namespace)
    if operation.output_shape is not None:
        _xml(ElementTree.SubElement(root, f"{operation.name}Result"), result,
             operation.output_shape)
    metadata = ElementTree.SubElement(root, "ResponseMetadata")
    ElementTree.SubElement(metadata, "RequestId").text = request_id
    return bytes(ElementTree.tostring(root, encoding="utf-8", xml_declaration=True))


def error_xml(code: str, message: str, sender: bool, request_id: str) -> bytes:
    root = ElementTree.Element("ErrorResponse",
                               xmlns=service_model().metadata["xmlNamespace"])
    error = ElementTree.SubElement(root, "Error")
    ElementTree.SubElement(error, "Type").text = "Sender" if sender else "Receiver"
    ElementTree.SubElement(error, "Code").text = code
    ElementTree.SubElement(error, "Message").text = message
    ElementTree.SubElement(root, "RequestId").text = request_id
    return bytes(ElementTree.tostring(root, encoding="utf-8", xml_declaration=True))


def _xml(element: ElementTree.Element, value: Any, shape: Shape) -> None:
    kind = shape.type_name
    if kind == "structure":
        for name, member in shape.members.items():
            if value.get(name) is not None:
                child = ElementTree.SubElement(element, member.serialization.get("name", name))
                _xml(child, value[name], member)
    elif kind == "list":
        for item in value:
            _xml(ElementTree.SubElement(element, "member"), item,
                 shape.member)
    elif kind == "map":
        for key, item in value.items():
            entry = ElementTree.SubElement(element, "entry")
            ElementTree.SubElement(entry, "key").text = str(key)
            _xml(ElementTree.SubElement(entry, "value"), item,
                 shape.value)
    elif kind == "timestamp":
        element.text = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    elif kind == "boolean":
        element.text = "true" if value else "false"
    else:
        element.text = str(value)
