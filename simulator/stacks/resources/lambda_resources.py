"""The Lambda resources that hang off a function: AWS::Lambda::Permission, Version, Alias,
Url and EventInvokeConfig."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.stacks.provisioning import Provisioned, ProvisioningContext
from simulator.stacks.resources.properties import (
    Immutable,
    ReplacedByProperties,
    as_int,
    compact,
)


class PermissionProvisioner(Immutable):
    """Every property of a permission needs a new statement; `Ref` is its statement id."""

    required_properties = frozenset({"Action", "FunctionName", "Principal"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        statement_id = context.generated_name(100)
        context.client("lambda").add_permission(
            FunctionName=properties["FunctionName"], StatementId=statement_id,
            Action=properties["Action"], Principal=properties["Principal"],
            **compact({name: properties.get(name) for name in (
                "SourceArn", "SourceAccount", "EventSourceToken", "PrincipalOrgID",
                "FunctionUrlAuthType", "InvokedViaFunctionUrl")}))
        return Provisioned(statement_id, {"Id": statement_id})

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        return Provisioned(physical_id, {"Id": physical_id})

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("lambda").remove_permission(FunctionName=properties["FunctionName"],
                                                   StatementId=physical_id)


def _provisioned_concurrency(client: Any, function: str, qualifier: str,
                             old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    wanted = new.get("ProvisionedConcurrencyConfig")
    if wanted == old.get("ProvisionedConcurrencyConfig"):
        return
    if wanted:
        client.put_provisioned_concurrency_config(
            FunctionName=function, Qualifier=qualifier,
            ProvisionedConcurrentExecutions=int(wanted["ProvisionedConcurrentExecutions"]))
    else:
        client.delete_provisioned_concurrency_config(FunctionName=function, Qualifier=qualifier)


class VersionProvisioner(ReplacedByProperties):
    """Publishes the function's current code and configuration; `Ref` is the version's
    ARN."""

    required_properties = frozenset({"FunctionName"})
    replacement_properties = frozenset({"FunctionName", "CodeSha256", "Description"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        client = context.client("lambda")
        function = properties["FunctionName"]
        version = client.publish_version(FunctionName=function, **compact({
            "CodeSha256": properties.get("CodeSha256"),
            "Description": properties.get("Description")}))
        self._settings(client, function, version["Version"], {}, properties)
        return self._provisioned(version["FunctionArn"], version["Version"])

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        number = physical_id.rsplit(":", 1)[1]
        self._settings(context.client("lambda"), str(new_properties["FunctionName"]), number,
                       old_properties, new_properties)
        return self._provisioned(physical_id, number)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        function, _, number = physical_id.rpartition(":")
        context.client("lambda").delete_function(FunctionName=function, Qualifier=number)

    @staticmethod
    def _settings(client: Any, function: str, number: str, old: Mapping[str, Any],
                  new: Mapping[str, Any]) -> None:
        _provisioned_concurrency(client, function, number, old, new)
        policy = new.get("RuntimePolicy")
        if policy and policy != old.get("RuntimePolicy"):
            client.put_runtime_management_config(
                FunctionName=function, Qualifier=number,
                **compact({"UpdateRuntimeOn": policy.get("UpdateRuntimeOn"),
                           "RuntimeVersionArn": policy.get("RuntimeVersionArn")}))

    @staticmethod
    def _provisioned(arn: str, number: str) -> Provisioned:
        return Provisioned(arn, {"FunctionArn": arn, "Version": number})


def routing_config(properties: Mapping[str, Any]) -> dict[str, Any]:
    """CloudFormation's list of weighted versions as the API's version → weight map."""
    weights = (properties.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or []
    return {"AdditionalVersionWeights": {str(w["FunctionVersion"]): float(w["FunctionWeight"])
                                         for w in weights}}


class AliasProvisioner(ReplacedByProperties):
    """`Ref` is the alias's ARN."""

    required_properties = frozenset({"FunctionName", "FunctionVersion", "Name"})
    replacement_properties = frozenset({"FunctionName", "Name"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        client = context.client("lambda")
        alias = client.create_alias(
            FunctionName=properties["FunctionName"], Name=properties["Name"],
            FunctionVersion=str(properties["FunctionVersion"]),
            Description=properties.get("Description", ""),
            RoutingConfig=routing_config(properties))
        _provisioned_concurrency(client, properties["FunctionName"], properties["Name"], {},
                                 properties)
        return Provisioned(alias["AliasArn"], {"AliasArn": alias["AliasArn"]})

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        client = context.client("lambda")
        alias = client.update_alias(
            FunctionName=new_properties["FunctionName"], Name=new_properties["Name"],
            FunctionVersion=str(new_properties["FunctionVersion"]),
            Description=new_properties.get("Description", ""),
            RoutingConfig=routing_config(new_properties))
        _provisioned_concurrency(client, new_properties["FunctionName"], new_properties["Name"],
                                 old_properties, new_properties)
        return Provisioned(alias["AliasArn"], {"AliasArn": alias["AliasArn"]})

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("lambda").delete_alias(FunctionName=properties["FunctionName"],
                                              Name=properties["Name"])


class UrlProvisioner(ReplacedByProperties):
    """A function URL; `Ref` is the function's ARN, `FunctionUrl` its address."""

    required_properties = frozenset({"AuthType", "TargetFunctionArn"})
    replacement_properties = frozenset({"TargetFunctionArn", "Qualifier"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        config = context.client("lambda").create_function_url_config(
            **self._target(properties), AuthType=properties["AuthType"],
            **compact({"Cors": properties.get("Cors"),
                       "InvokeMode": properties.get("InvokeMode")}))
        return self._provisioned(config)

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        config = context.client("lambda").update_function_url_config(
            **self._target(new_properties), AuthType=new_properties["AuthType"],
            Cors=new_properties.get("Cors") or {},
            InvokeMode=new_properties.get("InvokeMode") or "BUFFERED")
        return self._provisioned(config)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("lambda").delete_function_url_config(**self._target(properties))

    @staticmethod
    def _target(properties: Mapping[str, Any]) -> dict[str, Any]:
        return compact({"FunctionName": properties["TargetFunctionArn"],
                        "Qualifier": properties.get("Qualifier")})

    @staticmethod
    def _provisioned(config: Mapping[str, Any]) -> Provisioned:
        return Provisioned(config["FunctionArn"], {"FunctionArn": config["FunctionArn"],
                                                   "FunctionUrl": config["FunctionUrl"]})


class EventInvokeConfigProvisioner(ReplacedByProperties):
    """Asynchronous invocation settings of a function version or alias."""

    required_properties = frozenset({"FunctionName", "Qualifier"})
    replacement_properties = frozenset({"FunctionName", "Qualifier"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        self._put(context, properties)
        return Provisioned(context.generated_name(255))

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        self._put(context, new_properties)
        return Provisioned(physical_id)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("lambda").delete_function_event_invoke_config(
            FunctionName=properties["FunctionName"], Qualifier=str(properties["Qualifier"]))

    @staticmethod
    def _put(context: ProvisioningContext, properties: Mapping[str, Any]) -> None:
        context.client("lambda").put_function_event_invoke_config(
            FunctionName=properties["FunctionName"], Qualifier=str(properties["Qualifier"]),
            **compact({
                "MaximumRetryAttempts": as_int(properties.get("MaximumRetryAttempts")),
                "MaximumEventAgeInSeconds": as_int(properties.get("MaximumEventAgeInSeconds")),
                "DestinationConfig": properties.get("DestinationConfig")}))
