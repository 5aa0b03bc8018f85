"""A template's local paths, as the stack engine takes them: what `sam deploy` would upload
(a function's `CodeUri`, a layer's `ContentUri`, a Lambda resource's `Code` string) names
the folder in place through the Lambda API's local code, and an API's local `DefinitionUri`
is read into its `DefinitionBody`.

Paths are relative to the template's folder, as SAM takes them, and a SAM function without
any code location takes that folder itself, as `sam build` does."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from simulator.functions.local_code import LOCAL_CODE_BUCKET
from simulator.templates.errors import TemplateError
from simulator.templates.reader import read_document

Register = Callable[[Path], str]
API_TYPES = ("AWS::Serverless::Api", "AWS::Serverless::HttpApi")


def localized(document: dict[str, Any], template_dir: Path, register: Register
              ) -> dict[str, Any]:
    """A copy of `document` whose local paths name registered local code."""
    document = copy.deepcopy(document)
    paths = _Paths(template_dir, register)
    function_globals = _mapping(_mapping(document.get("Globals")).get("Function"))
    if "CodeUri" in function_globals:
        function_globals["CodeUri"] = paths.uri(function_globals["CodeUri"], "Globals.Function")
    for logical_id, resource in _mapping(document.get("Resources")).items():
        if not isinstance(resource, dict) or not isinstance(resource.get("Properties"), dict):
            if isinstance(resource, dict) and resource.get("Type") == "AWS::Serverless::Function" \
                    and "CodeUri" not in function_globals:
                resource["Properties"] = {"CodeUri": paths.uri(".", logical_id)}
            continue
        kind, properties = resource.get("Type"), resource["Properties"]
        if kind == "AWS::Serverless::Function":
            if "CodeUri" in properties:
                properties["CodeUri"] = paths.uri(properties["CodeUri"], logical_id)
            elif not ({"InlineCode", "ImageUri"} & set(properties) or "CodeUri" in
                      function_globals or properties.get("PackageType") == "Image"):
                properties["CodeUri"] = paths.uri(".", logical_id)
        elif kind == "AWS::Serverless::LayerVersion" and "ContentUri" in properties:
            properties["ContentUri"] = paths.uri(properties["ContentUri"], logical_id)
        elif kind == "AWS::Lambda::Function" and isinstance(properties.get("Code"), str):
            properties["Code"] = paths.location(properties["Code"], logical_id)
        elif kind == "AWS::Lambda::LayerVersion" and isinstance(properties.get("Content"), str):
            properties["Content"] = paths.location(properties["Content"], logical_id)
        elif kind in API_TYPES and isinstance(properties.get("DefinitionUri"), str) \
                and not properties["DefinitionUri"].startswith("s3://"):
            properties["DefinitionBody"] = read_document(
                paths.existing(properties.pop("DefinitionUri"), logical_id))
    return document


class _Paths:
    def __init__(self, template_dir: Path, register: Register) -> None:
        self._template_dir = template_dir
        self._register = register

    def uri(self, location: Any, where: str) -> Any:
        """A SAM code location: an `s3://` URI for a local path, anything else as it is."""
        if not _is_local(location):
            return location
        return f"s3://{LOCAL_CODE_BUCKET}/{self._register(self.code(location, where))}"

    def location(self, location: str, where: str) -> Any:
        """A Lambda resource's `Code`/`Content`: S3Bucket and S3Key for a local path."""
        if not _is_local(location):
            return location
        return {"S3Bucket": LOCAL_CODE_BUCKET,
                "S3Key": self._register(self.code(location, where))}

    def code(self, location: str, where: str) -> Path:
        """The folder or .zip `location` names; TemplateError for anything else."""
        path = self.existing(location, where)
        if path.is_file() and path.suffix.lower() != ".zip":
            raise TemplateError(f"{where}: the code location is {location!r}, a file that is "
                                "not a .zip; point it at the code's folder or at a .zip of it")
        return path

    def existing(self, location: str, where: str) -> Path:
        path = (self._template_dir / location).resolve()
        if not path.exists():
            raise TemplateError(f"{where}: the path is {location!r}, but {path} does not "
                                "exist; create it or fix the path")
        return path


def _is_local(location: Any) -> bool:
    return isinstance(location, str) and bool(location) and "://" not in location


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
