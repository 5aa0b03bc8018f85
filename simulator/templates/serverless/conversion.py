"""A Serverless Framework service file (serverless.yml, v3 or v4, AWS provider) converted into
the SAM template the framework's deployment amounts to, for the template loader to serve and
for AWS's SAM translator to turn into CloudFormation.

Only the sections a deployment reads are resolved (so a variable that only a plugin's
settings use cannot stop the rest from loading); what the conversion leaves out is said in
one warning line each."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.templates.errors import TemplateError
from simulator.templates.reader import read_document
from simulator.templates.serverless.events import ServiceEvents
from simulator.templates.serverless.functions import Service, function_resource, ignored_settings
from simulator.templates.serverless.http_events import http_api_globals, payload_version
from simulator.templates.serverless.layers import layer_resources
from simulator.templates.serverless.naming import REST_API_ID, function_id
from simulator.templates.serverless.resources import merge_resources
from simulator.templates.serverless.variables import Context, ServiceVariables

SERVICE_FILE_NAMES = ("serverless.yml", "serverless.yaml", "serverless.json")
RESOLVED_SECTIONS = ("service", "provider", "functions", "layers", "resources", "package",
                     "plugins")
# Settings of the framework's own that shape its CLI or its dashboard, not the stack.
CLI_SECTIONS = ("frameworkVersion", "custom", "params", "stages", "app", "org", "console",
                "dashboard", "configValidationMode", "useDotenv", "variablesResolutionMode",
                "unresolvedVariablesNotificationMode", "deprecationNotificationMode",
                "disabledDeprecations", "projectDir", "enableLocalInstallationFallback",
                "license", "outputs")


@dataclass(frozen=True)
class ServiceTemplate:
    """The SAM template of a service, the stack it deploys as (`<service>-<stage>`), and what
    the conversion could not carry over."""

    document: dict[str, Any]
    stack_name: str
    warnings: list[str]


def is_service_file(path: Path) -> bool:
    return path.name in SERVICE_FILE_NAMES


def service_template(
    path: Path,
    options: Mapping[str, str],
    account_id: str = "000000000000",
    environ: Mapping[str, str] | None = None,
) -> ServiceTemplate:
    """The SAM template of the service file at `path`; `options` are the framework's CLI
    options (`stage`, `region` ...) as `${opt:...}` reads them."""
    raw = read_document(path)
    context = Context(service_dir=path.parent, options=dict(options),
                      environ=os.environ if environ is None else environ, account_id=account_id)
    try:
        return converted(raw, ServiceVariables(raw, context))
    except TemplateError as error:
        raise TemplateError(f"{path}: {error}") from None


def converted(raw: dict[str, Any], variables: ServiceVariables) -> ServiceTemplate:
    service = {key: variables.value(raw[key], key) for key in RESOLVED_SECTIONS if key in raw}
    provider = mapping(service.get("provider"), "provider")
    if str(provider.get("name", "aws")) != "aws":
        raise TemplateError(f"provider.name is {provider.get('name')}; the simulator runs the "
                            "aws provider only")
    name = service_name(service.get("service"))
    stage = variables.stage()
    warnings = section_warnings(raw, service, provider)
    events = ServiceEvents(payload_version=payload_version(provider))
    shared = Service(name, stage, provider, mapping(service.get("package"), "package"))
    resources = layer_resources(service.get("layers"))
    for key, declared in functions_of(service.get("functions")).items():
        function = mapping(declared, f"functions.{key}")
        resource = function_resource(key, function, shared, warnings)
        sam_events = events.of_function(key, function.get("events"))
        if sam_events:
            resource["Properties"]["Events"] = sam_events
        resources[function_id(key)] = resource
    for logical_id, resource in events.resources.items():
        resources.setdefault(logical_id, resource)
    if events.rest_api.used:
        resources[REST_API_ID] = events.rest_api.resource(name, stage, provider)
    template: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Description": f"The Serverless Framework service {name}, stage {stage}",
        "Resources": resources,
    }
    if http_api_globals(provider):
        template["Globals"] = http_api_globals(provider)
    merge_resources(template, service.get("resources"), warnings)
    if not template["Resources"]:
        raise TemplateError("the service has no functions and no resources; add functions")
    stack_name = str(provider.get("stackName") or f"{name}-{stage}")
    return ServiceTemplate(template, stack_name, [*warnings, *events.warnings])


def service_name(value: Any) -> str:
    """`service: name`, or the older `service: {name: ...}`."""
    name = value.get("name") if isinstance(value, dict) else value
    if not isinstance(name, str) or not name:
        raise TemplateError("the service file has no service name; add `service: my-service`")
    return name


def functions_of(value: Any) -> dict[str, Any]:
    """`functions` as one mapping; a list of mappings (as files are included) is merged."""
    if isinstance(value, list):
        merged: dict[str, Any] = {}
        for part in value:
            merged.update(mapping(part, "functions[...]"))
        return merged
    return mapping(value, "functions")


def section_warnings(raw: dict[str, Any], service: dict[str, Any],
                     provider: dict[str, Any]) -> list[str]:
    """One line each for the plugins, the unknown top-level sections and the settings the
    conversion ignores."""
    warnings = []
    plugins = service.get("plugins")
    modules = plugins.get("modules") if isinstance(plugins, dict) else plugins
    if modules:
        names = ", ".join(str(module) for module in modules)
        warnings.append(f"plugins are not run by the simulator, so these are ignored: {names}.")
    for key in [key for key in raw if key not in (*RESOLVED_SECTIONS, *CLI_SECTIONS)]:
        warnings.append(f"The section {key} is not part of the framework's own service file "
                        "(a plugin's?); it is ignored.")
    warnings.extend(ignored_settings(provider, "provider"))
    package = service.get("package")
    if isinstance(package, dict) and {"patterns", "include", "exclude"} & package.keys():
        warnings.append("package.patterns (include, exclude) are ignored: functions see the "
                        "whole service folder.")
    return warnings


def mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TemplateError(f"{where} must be a mapping")
    return value
