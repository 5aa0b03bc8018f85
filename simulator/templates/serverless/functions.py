"""A function of `functions:` as an `AWS::Serverless::Function`: its settings, else the
provider's, else the framework's defaults (1024 MB, 6 seconds); its code is the service folder
(or the `package.artifact` named), its name `<service>-<stage>-<function>` unless it names
itself, and its execution role the provider's IAM statements and managed policies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.templates.errors import TemplateError

DEFAULT_MEMORY_SIZE = 1024
DEFAULT_TIMEOUT = 6
IGNORED_WITH_WARNING = ("logRetentionInDays",)


@dataclass(frozen=True)
class Service:
    """What every function of the service shares."""

    name: str
    stage: str
    provider: dict[str, Any]
    package: dict[str, Any]


def function_resource(
    key: str, function: dict[str, Any], service: Service, warnings: list[str]
) -> dict[str, Any]:
    """The SAM function resource (without its Events) of `functions.<key>`."""
    provider = service.provider
    where = f"functions.{key}"
    if not function.get("handler") and not function.get("image"):
        raise TemplateError(f"{where} has no handler; set handler (e.g. handler.hello, the "
                            "file's path from the service folder and the function's name)")
    properties: dict[str, Any] = {
        "FunctionName": function.get("name") or f"{service.name}-{service.stage}-{key}",
        "MemorySize": function.get("memorySize") or provider.get("memorySize")
        or DEFAULT_MEMORY_SIZE,
        "Timeout": function.get("timeout") or provider.get("timeout") or DEFAULT_TIMEOUT,
    }
    if function.get("image"):
        properties.update({"PackageType": "Image", "ImageUri": function["image"]})
    else:
        runtime = function.get("runtime") or provider.get("runtime")
        if not runtime:
            raise TemplateError(f"{where} has no runtime; set provider.runtime (e.g. "
                                "python3.13) or the function's own runtime")
        properties.update({"Runtime": runtime, "Handler": function["handler"],
                           "CodeUri": code_uri(function, service)})
    variables = {**mapping(provider.get("environment")), **mapping(function.get("environment"))}
    if variables:
        properties["Environment"] = {"Variables": variables}
    architecture = function.get("architecture") or provider.get("architecture")
    if architecture:
        properties["Architectures"] = [architecture]
    layers = function.get("layers") if "layers" in function else provider.get("layers")
    if layers:
        properties["Layers"] = layers
    properties.update(optional_settings(function, provider))
    properties.update(execution_role(function, provider))
    warnings.extend(ignored_settings(function, where))
    resource: dict[str, Any] = {"Type": "AWS::Serverless::Function", "Properties": properties}
    if function.get("condition"):
        resource["Condition"] = function["condition"]
    if function.get("dependsOn"):
        resource["DependsOn"] = function["dependsOn"]
    return resource


def ignored_settings(settings: dict[str, Any], where: str) -> list[str]:
    """Warnings for the settings of `where` the simulator has no use for."""
    return [f"{where}.{setting} is ignored: the simulator keeps function logs itself."
            for setting in IGNORED_WITH_WARNING if setting in settings]


def code_uri(function: dict[str, Any], service: Service) -> str:
    """The function's `package.artifact`, else the service's, else the service folder."""
    own = mapping(function.get("package"))
    artifact = own.get("artifact") or service.package.get("artifact")
    return str(artifact) if artifact else "."


def optional_settings(function: dict[str, Any], provider: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    if function.get("description"):
        properties["Description"] = function["description"]
    if function.get("reservedConcurrency") is not None:
        properties["ReservedConcurrentExecutions"] = function["reservedConcurrency"]
    if function.get("ephemeralStorageSize"):
        properties["EphemeralStorage"] = {"Size": function["ephemeralStorageSize"]}
    tracing = function.get("tracing", mapping(provider.get("tracing")).get("lambda"))
    if tracing:
        properties["Tracing"] = "Active" if tracing is True else tracing
    tags = {**mapping(provider.get("tags")), **mapping(function.get("tags"))}
    if tags:
        properties["Tags"] = {name: str(value) for name, value in tags.items()}
    vpc = mapping(function.get("vpc") or provider.get("vpc"))
    if vpc:
        properties["VpcConfig"] = {"SecurityGroupIds": vpc.get("securityGroupIds") or [],
                                   "SubnetIds": vpc.get("subnetIds") or []}
    return properties


def execution_role(function: dict[str, Any], provider: dict[str, Any]) -> dict[str, Any]:
    """`Role` for a role the service names (an ARN, or the logical id of one of its
    resources); else `Policies` from the statements and managed policies of `provider.iam.role`
    (v3) or `provider.iamRoleStatements` / `iamManagedPolicies` (earlier versions)."""
    iam = mapping(provider.get("iam"))
    named = function.get("role") or provider.get("role") or (
        iam.get("role") if not isinstance(iam.get("role"), dict) else None)
    if named:
        if isinstance(named, str) and not named.startswith("arn:"):
            return {"Role": {"Fn::GetAtt": [named, "Arn"]}}
        return {"Role": named}
    role = mapping(iam.get("role"))
    statements = role.get("statements") or provider.get("iamRoleStatements") or []
    managed = role.get("managedPolicies") or provider.get("iamManagedPolicies") or []
    policies: list[Any] = list(managed)
    if statements:
        policies.append({"Version": "2012-10-17", "Statement": statements})
    properties: dict[str, Any] = {"Policies": policies} if policies else {}
    if role.get("permissionsBoundary"):
        properties["PermissionsBoundary"] = role["permissionsBoundary"]
    return properties


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
