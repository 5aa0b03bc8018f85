"""Function configurations to test with: a zip function and an image function."""

from __future__ import annotations

from simulator.models import FunctionConfig
from tests.helpers import ROLE

REGION = "us-east-1"


def function(**changes: object) -> FunctionConfig:
    fields: dict[str, object] = {
        "name": "my-function",
        "runtime": "python3.12",
        "role": ROLE,
        "handler": "app.handler",
        "code_sha256": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        "code_size": 321,
    }
    fields.update(changes)
    return FunctionConfig(**fields)  # type: ignore[arg-type]


def image_function() -> FunctionConfig:
    return function(runtime="", handler="", package_type="Image", image_uri="app:1",
                    resolved_image_uri="app@sha256:ab", code_sha256="ab", code_size=0,
                    image_config={"Command": ["app.handler"]})
