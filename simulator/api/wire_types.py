"""Type checks of request bodies against botocore's Lambda model, the wire contract: a field of
the wrong JSON type (an object where a string belongs, ...) is a ValidationException, as on
AWS, never a server error further in. Route functions are named after their operations."""

from __future__ import annotations

import functools
from typing import Any

from botocore import xform_name
from botocore.model import OperationModel
from botocore.validate import ParamValidator

from simulator.botocore_models import service_model
from simulator.errors import ValidationException


@functools.cache
def _operations() -> dict[str, OperationModel]:
    model = service_model("lambda")
    return {xform_name(name): model.operation_model(name) for name in model.operation_names}


def check_body_types(route_function: str, body: dict[str, Any]) -> None:
    """Raise for members of the wrong type; other constraints are the service's to check."""
    operation = _operations().get(route_function)
    if operation is None or operation.input_shape is None:
        return
    report = ParamValidator().validate(body, operation.input_shape)
    wrong = [error for error in getattr(report, "_errors", []) if error[0] == "invalid type"]
    if wrong:
        details = "; ".join(
            f"Value at '{name.lstrip('.')}' failed to satisfy constraint: Member must be of "
            f"type {'/'.join(sorted(_type_name(t) for t in extra['valid_types']))}"
            for _, name, extra in wrong
        )
        count = len(wrong)
        raise ValidationException(
            f"{count} validation error{'s' if count > 1 else ''} detected: {details}")


def _type_name(valid_type: Any) -> str:
    """botocore names types as `<class 'dict'>`; AWS users know them as `dict`."""
    text = str(valid_type)
    return text.split("'")[1] if "'" in text else text
