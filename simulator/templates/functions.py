"""Turn `AWS::Serverless::Function` and `AWS::Lambda::Function` resources into FunctionSpecs.

A function the simulator cannot run (a container image, code in S3, a runtime it has no image
for) is left out with a warning saying why, so that the rest of the template still serves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simulator.functions.validation import SUPPORTED_RUNTIMES
from simulator.templates.code_location import CodeLocation, RemoteCode, local_code
from simulator.templates.events import sam_events
from simulator.templates.intrinsics import Resolver
from simulator.templates.sam_globals import merged
from simulator.templates.specs import EventSpec, FunctionSpec, TemplateError
from simulator.templates.value_coercion import as_int, stringify

SETTINGS = ("Runtime", "Handler", "PackageType", "MemorySize", "Timeout", "Environment",
            "Description", "Layers", "ReservedConcurrentExecutions", "Architectures",
            "EphemeralStorage")


def serverless_function(
    logical_id: str,
    resource: dict[str, Any],
    resolver: Resolver,
    template_dir: Path,
    global_properties: dict[str, Any],
) -> FunctionSpec | None:
    own = resource.get("Properties") or {}
    properties = merged(global_properties, own)
    settings = resolved(resolver, logical_id, properties, (*SETTINGS, "CodeUri", "InlineCode"))
    label = f"Function {logical_id} (AWS::Serverless::Function)"
    if not runnable(settings, label, resolver.warnings):
        return None
    try:
        if "InlineCode" in settings:
            code = inline(settings["InlineCode"], label, "InlineCode", resolver.warnings)
        else:
            where = f"Resources.{logical_id}.Properties.CodeUri"
            code = local_code(settings.get("CodeUri", "."), template_dir, where)
    except RemoteCode as problem:
        resolver.warnings.append(f"{label} cannot be run: {problem}; it is skipped.")
        return None
    events = sam_events(logical_id, own.get("Events") or {}, resolver)
    return function_spec(logical_id, settings, code, events, resolver)


def lambda_function(
    logical_id: str, resource: dict[str, Any], resolver: Resolver, template_dir: Path
) -> FunctionSpec | None:
    properties = resource.get("Properties") or {}
    settings = resolved(resolver, logical_id, properties, (*SETTINGS, "Code"))
    label = f"Function {logical_id} (AWS::Lambda::Function)"
    if not runnable(settings, label, resolver.warnings):
        return None
    source = settings.get("Code")
    try:
        if isinstance(source, dict) and "ZipFile" in source:
            code = inline(source["ZipFile"], label, "Code.ZipFile", resolver.warnings)
        else:
            code = local_code(source, template_dir, f"Resources.{logical_id}.Properties.Code")
    except RemoteCode as problem:
        resolver.warnings.append(f"{label} cannot be run: {problem}; it is skipped.")
        return None
    return function_spec(logical_id, settings, code, [], resolver)


def inline(source: Any, label: str, key: str, warnings: list[str]) -> CodeLocation:
    """Inline source is kept as text: nothing is written to disk while loading."""
    warnings.append(f"{label} has its source inline in the template ({key}); it is kept as "
                    "text, not as a code folder.")
    return CodeLocation(inline=stringify(source))


def resolved(
    resolver: Resolver, logical_id: str, properties: dict[str, Any], keys: tuple[str, ...]
) -> dict[str, Any]:
    """The properties the simulator uses, resolved; the rest (roles, policies, tracing ...)
    are left alone so that they cannot fill the warnings with things that do not matter."""
    where = f"Resources.{logical_id}.Properties"
    return {
        key: resolver.resolve(properties[key], f"{where}.{key}")
        for key in keys
        if key in properties
    }


def runnable(settings: dict[str, Any], label: str, warnings: list[str]) -> bool:
    """False, with a warning, for a function the simulator has no way to run."""
    if settings.get("PackageType") == "Image":
        warnings.append(
            f"{label} is a container image (PackageType: Image), which templates do not "
            "deploy (create it with the Lambda API's CreateFunction); it is skipped."
        )
        return False
    runtime = settings.get("Runtime")
    if runtime is None:
        raise TemplateError(f"{label} has no Runtime; set Runtime in its Properties or under "
                            "Globals.Function (SAM)")
    if settings.get("Handler") is None:
        raise TemplateError(f"{label} has no Handler; set Handler (e.g. app.handler) in its "
                            "Properties or under Globals.Function (SAM)")
    if runtime not in SUPPORTED_RUNTIMES:
        warnings.append(
            f"{label} uses the runtime {runtime}, which the simulator does not run (it runs "
            f"{', '.join(SUPPORTED_RUNTIMES)}); it is skipped."
        )
        return False
    return True


def function_spec(
    logical_id: str,
    settings: dict[str, Any],
    code: CodeLocation,
    events: list[EventSpec],
    resolver: Resolver,
) -> FunctionSpec:
    where = f"Resources.{logical_id}.Properties"
    physical = resolver.physical(logical_id)
    variables = (settings.get("Environment") or {}).get("Variables") or {}
    storage = settings.get("EphemeralStorage") or {}
    return FunctionSpec(
        logical_id=logical_id,
        name=physical.name,
        arn=physical.attributes["Arn"],
        runtime=stringify(settings["Runtime"]),
        handler=stringify(settings["Handler"]),
        code_dir=code.folder,
        code_zip=code.archive,
        inline_code=code.inline,
        memory_size=as_int(settings.get("MemorySize"), 128, f"{where}.MemorySize"),
        timeout=as_int(settings.get("Timeout"), 3, f"{where}.Timeout"),
        environment={
            name: stringify(value) for name, value in variables.items() if value is not None
        },
        description=stringify(settings.get("Description") or ""),
        layers=[stringify(layer) for layer in settings.get("Layers") or [] if layer is not None],
        reserved_concurrency=as_int(
            settings.get("ReservedConcurrentExecutions"), None,
            f"{where}.ReservedConcurrentExecutions",
        ),
        events=events,
        architectures=[stringify(item) for item in settings.get("Architectures") or ["x86_64"]],
        ephemeral_storage=as_int(storage.get("Size"), 512, f"{where}.EphemeralStorage.Size"),
    )
