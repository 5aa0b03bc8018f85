"""The `layers:` section as `AWS::Serverless::LayerVersion` resources, each under the logical
id the framework gives it (`<Name>LambdaLayer`), so that functions' `{Ref: <Name>LambdaLayer}`
find it."""

from __future__ import annotations

from typing import Any

from simulator.templates.errors import TemplateError
from simulator.templates.serverless.naming import layer_id

OPTIONAL = {"description": "Description", "compatibleRuntimes": "CompatibleRuntimes",
            "compatibleArchitectures": "CompatibleArchitectures", "licenseInfo": "LicenseInfo"}


def layer_resources(layers: Any) -> dict[str, Any]:
    """One resource per layer; its content is its `path`, relative to the service folder."""
    if layers is None:
        return {}
    if not isinstance(layers, dict):
        raise TemplateError("layers must be a mapping of layer names to their settings")
    resources = {}
    for name, settings in layers.items():
        settings = settings if isinstance(settings, dict) else {}
        if not settings.get("path") and not settings.get("package", {}).get("artifact"):
            raise TemplateError(f"layers.{name} has no path; set it to the layer's folder")
        properties: dict[str, Any] = {
            "LayerName": settings.get("name") or name,
            "ContentUri": settings.get("path") or settings["package"]["artifact"],
            "RetentionPolicy": "Retain" if settings.get("retain") is True else "Delete",
        }
        properties.update({key: settings[option] for option, key in OPTIONAL.items()
                           if settings.get(option) is not None})
        resources[layer_id(str(name))] = {"Type": "AWS::Serverless::LayerVersion",
                                          "Properties": properties}
    return resources
