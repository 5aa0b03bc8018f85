"""AWS::ApiGatewayV2::Api, Integration, Route and Stage in the embedded API Gateway (v2):
HTTP and WebSocket APIs' shape, ids and attributes as CloudFormation answers them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from simulator.stacks.provisioning import Provisioned, ProvisioningContext
from simulator.stacks.resources.properties import (
    ReplacedByProperties,
    as_bool,
    as_int,
    compact,
)

API_FIELDS = (("Name", "Name"), ("Description", "Description"),
              ("RouteSelectionExpression", "RouteSelectionExpression"),
              ("ApiKeySelectionExpression", "ApiKeySelectionExpression"),
              ("CorsConfiguration", "CorsConfiguration"), ("Version", "Version"))
INTEGRATION_FIELDS = ("IntegrationType", "IntegrationUri", "IntegrationMethod",
                      "PayloadFormatVersion", "ConnectionType", "ConnectionId",
                      "CredentialsArn", "Description", "RequestParameters",
                      "RequestTemplates", "TemplateSelectionExpression", "PassthroughBehavior",
                      "ContentHandlingStrategy", "IntegrationSubtype")
ROUTE_FIELDS = ("RouteKey", "Target", "AuthorizationType", "AuthorizerId",
                "AuthorizationScopes", "ApiKeyRequired", "OperationName",
                "RouteResponseSelectionExpression", "ModelSelectionExpression",
                "RequestModels")
STAGE_FIELDS = ("DeploymentId", "Description", "StageVariables", "DefaultRouteSettings",
                "RouteSettings", "AccessLogSettings", "ClientCertificateId")


def chosen(properties: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: properties[name] for name in names if properties.get(name) is not None}


def body_text(body: Any) -> str:
    return body if isinstance(body, str) else json.dumps(body)


class ApiProvisioner(ReplacedByProperties):
    """`Ref` is the API's id; `ApiEndpoint` its invoke URL. A `Body` (OpenAPI) defines the
    routes and integrations; `Target` quick-creates a default route to it."""

    replacement_properties = frozenset({"ProtocolType"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        v2 = context.client("apigatewayv2")
        body = properties.get("Body")
        title = ((body or {}).get("info") or {}).get("title") if isinstance(body, dict) else None
        api = v2.create_api(
            Name=str(properties.get("Name") or title or context.generated_name(128)),
            ProtocolType=properties.get("ProtocolType") or "HTTP",
            **{api_name: properties[prop] for prop, api_name in API_FIELDS
               if prop != "Name" and properties.get(prop) is not None},
            **compact({"Target": properties.get("Target"),
                       "RouteKey": properties.get("RouteKey"),
                       "CredentialsArn": properties.get("CredentialsArn"),
                       "DisableExecuteApiEndpoint":
                           as_bool(properties.get("DisableExecuteApiEndpoint")),
                       "Tags": properties.get("Tags")}))
        if body is not None:
            v2.reimport_api(ApiId=api["ApiId"], Body=body_text(body))
        return self._provisioned(api)

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        v2 = context.client("apigatewayv2")
        body = new_properties.get("Body")
        if body is not None and body != old_properties.get("Body"):
            v2.reimport_api(ApiId=physical_id, Body=body_text(body))
        changed = {api_name: new_properties[prop] for prop, api_name in API_FIELDS
                   if new_properties.get(prop) is not None
                   and new_properties.get(prop) != old_properties.get(prop)}
        if changed:
            v2.update_api(ApiId=physical_id, **changed)
        return self._provisioned(v2.get_api(ApiId=physical_id))

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("apigatewayv2").delete_api(ApiId=physical_id)

    @staticmethod
    def _provisioned(api: Mapping[str, Any]) -> Provisioned:
        return Provisioned(api["ApiId"], {"ApiId": api["ApiId"],
                                          "ApiEndpoint": api.get("ApiEndpoint", "")})


class IntegrationProvisioner(ReplacedByProperties):
    """`Ref` is the integration's id."""

    required_properties = frozenset({"ApiId", "IntegrationType"})
    replacement_properties = frozenset({"ApiId"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        integration = context.client("apigatewayv2").create_integration(
            ApiId=properties["ApiId"], **self._fields(properties))
        return Provisioned(integration["IntegrationId"],
                           {"IntegrationId": integration["IntegrationId"]})

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        context.client("apigatewayv2").update_integration(
            ApiId=new_properties["ApiId"], IntegrationId=physical_id,
            **self._fields(new_properties))
        return Provisioned(physical_id, {"IntegrationId": physical_id})

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("apigatewayv2").delete_integration(ApiId=properties["ApiId"],
                                                          IntegrationId=physical_id)

    @staticmethod
    def _fields(properties: Mapping[str, Any]) -> dict[str, Any]:
        fields = chosen(properties, INTEGRATION_FIELDS)
        if "TimeoutInMillis" in properties:
            fields["TimeoutInMillis"] = as_int(properties["TimeoutInMillis"])
        return fields


class RouteProvisioner(ReplacedByProperties):
    """`Ref` is the route's id."""

    required_properties = frozenset({"ApiId", "RouteKey"})
    replacement_properties = frozenset({"ApiId"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        route = context.client("apigatewayv2").create_route(
            ApiId=properties["ApiId"], **self._fields(properties))
        return Provisioned(route["RouteId"], {"RouteId": route["RouteId"]})

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        context.client("apigatewayv2").update_route(
            ApiId=new_properties["ApiId"], RouteId=physical_id, **self._fields(new_properties))
        return Provisioned(physical_id, {"RouteId": physical_id})

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("apigatewayv2").delete_route(ApiId=properties["ApiId"],
                                                    RouteId=physical_id)

    @staticmethod
    def _fields(properties: Mapping[str, Any]) -> dict[str, Any]:
        fields = chosen(properties, ROUTE_FIELDS)
        if "ApiKeyRequired" in fields:
            fields["ApiKeyRequired"] = as_bool(fields["ApiKeyRequired"])
        return fields


class StageProvisioner(ReplacedByProperties):
    """`Ref` is the stage's name (`$default` for the default stage)."""

    required_properties = frozenset({"ApiId", "StageName"})
    replacement_properties = frozenset({"ApiId", "StageName"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        context.client("apigatewayv2").create_stage(
            ApiId=properties["ApiId"], StageName=properties["StageName"],
            **chosen(properties, STAGE_FIELDS), **compact({
                "AutoDeploy": as_bool(properties.get("AutoDeploy")),
                "Tags": properties.get("Tags")}))
        return Provisioned(str(properties["StageName"]))

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        """moto serves no UpdateStage: the stage is made afresh with its new settings."""
        self.delete(context, physical_id, old_properties)
        return self.create(context, new_properties)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("apigatewayv2").delete_stage(ApiId=properties["ApiId"],
                                                    StageName=physical_id)
