"""AWS::Lambda::Function: created through the simulator's own Lambda API, complete once the
function is Active (CloudFormation waits for it), its inline `ZipFile` source packaged as
CloudFormation does (`index.py` or `index.js`, beside the cfn-response module)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from typing import Any

from simulator.stacks.provisioning import Provisioned, ProvisioningContext
from simulator.stacks.resources.cfn_response_modules import response_module
from simulator.stacks.resources.properties import (
    ReplacedByProperties,
    as_int,
    compact,
    resource_name,
    tag_map,
)

# What each configuration property goes back to when a stack update removes it.
CONFIGURATION_DEFAULTS: dict[str, Any] = {
    "Description": "",
    "Environment": {"Variables": {}},
    "Layers": [],
    "DeadLetterConfig": {},
    "TracingConfig": {"Mode": "PassThrough"},
    "MemorySize": 128,
    "Timeout": 3,
    "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": []},
    "KmsKeyArn": "",
    "EphemeralStorage": {"Size": 512},
    "FileSystemConfigs": [],
    "ImageConfig": {},
    "SnapStart": {"ApplyOn": "None"},
    "LoggingConfig": {"LogFormat": "Text"},
}
CONFIGURATION_PROPERTIES = (*CONFIGURATION_DEFAULTS, "Handler", "Runtime", "Role")


def inline_source_name(runtime: str) -> str:
    """The file CloudFormation writes a `ZipFile` source to; the handler is `index.<name>`."""
    return "index.js" if runtime.startswith("nodejs") else "index.py"


def inline_zip(source: str, runtime: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(inline_source_name(runtime))
        info.external_attr = 0o644 << 16
        archive.writestr(info, source)
        module = response_module(runtime)
        if module is not None:
            module_info = zipfile.ZipInfo(module[0])
            module_info.external_attr = 0o644 << 16
            archive.writestr(module_info, module[1])
    return buffer.getvalue()


def code_parameter(properties: Mapping[str, Any]) -> dict[str, Any]:
    """`Code` as CreateFunction's `Code` (UpdateFunctionCode takes the same keys flat)."""
    code = properties.get("Code") or {}
    if "ZipFile" in code:
        return {"ZipFile": inline_zip(str(code["ZipFile"]), str(properties.get("Runtime", "")))}
    return compact({"S3Bucket": code.get("S3Bucket"), "S3Key": code.get("S3Key"),
                    "S3ObjectVersion": code.get("S3ObjectVersion"),
                    "ImageUri": code.get("ImageUri"),
                    "SourceKMSKeyArn": code.get("SourceKMSKeyArn")})


def configuration(properties: Mapping[str, Any]) -> dict[str, Any]:
    """The properties UpdateFunctionConfiguration takes, typed as the API wants them."""
    chosen = {name: properties[name] for name in CONFIGURATION_PROPERTIES if name in properties}
    for number in ("MemorySize", "Timeout"):
        if number in chosen:
            chosen[number] = as_int(chosen[number])
    if "EphemeralStorage" in chosen:
        chosen["EphemeralStorage"] = {"Size": as_int(chosen["EphemeralStorage"]["Size"])}
    if "Environment" in chosen:
        variables = chosen["Environment"].get("Variables") or {}
        chosen["Environment"] = {"Variables": {str(k): str(v) for k, v in variables.items()}}
    return chosen


def attributes(function: Mapping[str, Any]) -> dict[str, Any]:
    snap_start = function.get("SnapStart") or {}
    return {"Arn": function["FunctionArn"],
            "SnapStartResponse.ApplyOn": snap_start.get("ApplyOn", "None"),
            "SnapStartResponse.OptimizationStatus": snap_start.get("OptimizationStatus", "Off")}


class FunctionProvisioner(ReplacedByProperties):
    required_properties = frozenset({"Code", "Role"})
    replacement_properties = frozenset({"FunctionName", "PackageType"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        client = context.client("lambda")
        name = resource_name(context, properties, "FunctionName", 64)
        client.create_function(
            FunctionName=name, Code=code_parameter(properties), **configuration(properties),
            **compact({"PackageType": properties.get("PackageType"),
                       "Architectures": properties.get("Architectures"),
                       "CodeSigningConfigArn": properties.get("CodeSigningConfigArn"),
                       "Tags": tag_map(properties.get("Tags")) or None}))
        client.get_waiter("function_active_v2").wait(FunctionName=name)
        self._apply_function_settings(client, name, {}, properties)
        return Provisioned(name, attributes(client.get_function_configuration(
            FunctionName=name)))

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        client = context.client("lambda")
        wanted = configuration(new_properties)
        for name in configuration(old_properties):
            if name not in wanted and name in CONFIGURATION_DEFAULTS:
                wanted[name] = CONFIGURATION_DEFAULTS[name]
        if wanted != configuration(old_properties):
            client.update_function_configuration(FunctionName=physical_id, **wanted)
            client.get_waiter("function_updated_v2").wait(FunctionName=physical_id)
        if any(old_properties.get(name) != new_properties.get(name)
               for name in ("Code", "Architectures", "Runtime")):
            client.update_function_code(
                FunctionName=physical_id, **code_parameter(new_properties),
                **compact({"Architectures": new_properties.get("Architectures")}))
            client.get_waiter("function_updated_v2").wait(FunctionName=physical_id)
        self._apply_function_settings(client, physical_id, old_properties, new_properties)
        function = client.get_function_configuration(FunctionName=physical_id)
        self._retag(client, function["FunctionArn"], old_properties, new_properties)
        return Provisioned(physical_id, attributes(function))

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("lambda").delete_function(FunctionName=physical_id)

    @staticmethod
    def _apply_function_settings(client: Any, name: str, old: Mapping[str, Any],
                                 new: Mapping[str, Any]) -> None:
        """The properties Lambda keeps outside the function's configuration."""
        reserved = new.get("ReservedConcurrentExecutions")
        if reserved != old.get("ReservedConcurrentExecutions"):
            if reserved is None:
                client.delete_function_concurrency(FunctionName=name)
            else:
                client.put_function_concurrency(FunctionName=name,
                                                ReservedConcurrentExecutions=int(reserved))
        if new.get("RecursiveLoop") != old.get("RecursiveLoop"):
            client.put_function_recursion_config(
                FunctionName=name, RecursiveLoop=new.get("RecursiveLoop") or "Terminate")
        runtime_management = new.get("RuntimeManagementConfig")
        if runtime_management != old.get("RuntimeManagementConfig"):
            client.put_runtime_management_config(
                FunctionName=name,
                **(runtime_management or {"UpdateRuntimeOn": "Auto"}))
        if new.get("CodeSigningConfigArn") != old.get("CodeSigningConfigArn") and old:
            if new.get("CodeSigningConfigArn"):
                client.put_function_code_signing_config(
                    FunctionName=name, CodeSigningConfigArn=new["CodeSigningConfigArn"])
            else:
                client.delete_function_code_signing_config(FunctionName=name)

    @staticmethod
    def _retag(client: Any, arn: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        old_tags, new_tags = tag_map(old.get("Tags")), tag_map(new.get("Tags"))
        gone = [key for key in old_tags if key not in new_tags]
        if gone:
            client.untag_resource(Resource=arn, TagKeys=gone)
        if new_tags and new_tags != old_tags:
            client.tag_resource(Resource=arn, Tags=new_tags)
