"""AWS::ApiGateway::RestApi, Resource, Method, Deployment and Stage in the embedded API
Gateway: the API's shape, ids and attributes as CloudFormation answers them."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from simulator.stacks.provisioning import Provisioned, ProvisioningContext
from simulator.stacks.resources.properties import (
    Immutable,
    ReplacedByProperties,
    as_bool,
    as_json,
    compact,
    tag_map,
)


def replace_operations(values: Mapping[str, Any]) -> list[dict[str, str]]:
    """PATCH operations that set each top-level field (`/description`, ...)."""
    return [{"op": "replace", "path": f"/{name}", "value": str(value)}
            for name, value in values.items()]


class RestApiProvisioner(ReplacedByProperties):
    """`Ref` is the API's id; `RootResourceId` the id of its `/` resource. An OpenAPI `Body`
    defines the API's resources and methods."""

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        apigateway = context.client("apigateway")
        body = properties.get("Body")
        title = ((body or {}).get("info") or {}).get("title") if isinstance(body, dict) else None
        endpoint = properties.get("EndpointConfiguration")
        api = apigateway.create_rest_api(
            name=str(properties.get("Name") or title or context.generated_name(255)),
            **compact({"description": properties.get("Description"),
                       "binaryMediaTypes": properties.get("BinaryMediaTypes"),
                       "apiKeySource": properties.get("ApiKeySourceType"),
                       "policy": as_json(properties.get("Policy")),
                       "endpointConfiguration": {"types": endpoint["Types"]}
                       if endpoint else None,
                       "tags": tag_map(properties.get("Tags")) or None}))
        if body is not None:
            self._put_body(apigateway, api["id"], body, properties)
        return self._provisioned(apigateway, api["id"])

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        apigateway = context.client("apigateway")
        if new_properties.get("Body") is not None and \
                new_properties.get("Body") != old_properties.get("Body"):
            self._put_body(apigateway, physical_id, new_properties["Body"], new_properties)
        changed = {field: new_properties.get(prop) or "" for prop, field in
                   (("Name", "name"), ("Description", "description"))
                   if new_properties.get(prop) != old_properties.get(prop)}
        if changed:
            apigateway.update_rest_api(restApiId=physical_id,
                                       patchOperations=replace_operations(changed))
        return self._provisioned(apigateway, physical_id)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("apigateway").delete_rest_api(restApiId=physical_id)

    @staticmethod
    def _put_body(apigateway: Any, api_id: str, body: Any, properties: Mapping[str, Any]
                  ) -> None:
        apigateway.put_rest_api(
            restApiId=api_id, mode=str(properties.get("Mode") or "overwrite"),
            failOnWarnings=bool(as_bool(properties.get("FailOnWarnings"))),
            body=(body if isinstance(body, str) else json.dumps(as_openapi3(body))).encode())

    @staticmethod
    def _provisioned(apigateway: Any, api_id: str) -> Provisioned:
        root = apigateway.get_rest_api(restApiId=api_id).get("rootResourceId")
        if not root:
            resources = apigateway.get_resources(restApiId=api_id)["items"]
            root = next(r["id"] for r in resources if r["path"] == "/")
        return Provisioned(api_id, {"RestApiId": api_id, "RootResourceId": root})


def as_openapi3(body: Any) -> Any:
    """A Swagger 2.0 definition (what SAM writes for an implicit API) as the OpenAPI 3 the
    embedded API Gateway imports: the paths and their integrations read the same. An
    integration that needs no backend (MOCK, as CORS preflights have) is given an empty
    `uri` and `httpMethod`, which the embedded service cannot import without."""
    if not isinstance(body, dict):
        return body
    converted = {key: copy.deepcopy(value) for key, value in body.items() if key != "swagger"}
    if "swagger" in body:
        converted["openapi"] = "3.0.1"
    for methods in (converted.get("paths") or {}).values():
        for method in (methods.values() if isinstance(methods, dict) else ()):
            integration = method.get("x-amazon-apigateway-integration") \
                if isinstance(method, dict) else None
            if isinstance(integration, dict):
                integration.setdefault("uri", "")
                integration.setdefault("httpMethod", "")
    return converted


class ResourceProvisioner(Immutable):
    """A path part under a parent resource; `Ref` is its id."""

    required_properties = frozenset({"ParentId", "PathPart", "RestApiId"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        resource = context.client("apigateway").create_resource(
            restApiId=properties["RestApiId"], parentId=properties["ParentId"],
            pathPart=properties["PathPart"])
        return Provisioned(resource["id"], {"ResourceId": resource["id"]})

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        return Provisioned(physical_id, {"ResourceId": physical_id})

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("apigateway").delete_resource(restApiId=properties["RestApiId"],
                                                     resourceId=physical_id)


def integration_parameters(integration: Mapping[str, Any]) -> dict[str, Any]:
    return compact({
        "type": integration["Type"],
        "integrationHttpMethod": integration.get("IntegrationHttpMethod"),
        "uri": integration.get("Uri"),
        "credentials": integration.get("Credentials"),
        "requestParameters": integration.get("RequestParameters"),
        "requestTemplates": integration.get("RequestTemplates"),
        "passthroughBehavior": integration.get("PassthroughBehavior"),
        "contentHandling": integration.get("ContentHandling"),
        "timeoutInMillis": integration.get("TimeoutInMillis"),
        "cacheNamespace": integration.get("CacheNamespace"),
        "cacheKeyParameters": integration.get("CacheKeyParameters"),
    })


class MethodProvisioner(ReplacedByProperties):
    """A method with its integration and responses; `Ref` is `<api>|<resource>|<method>`,
    enough to find it again. An update puts the method afresh."""

    required_properties = frozenset({"HttpMethod", "ResourceId", "RestApiId"})
    replacement_properties = frozenset({"RestApiId", "ResourceId", "HttpMethod"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        apigateway = context.client("apigateway")
        where = self._where(properties)
        apigateway.put_method(**where, authorizationType=properties.get(
            "AuthorizationType") or "NONE", **compact({
                "authorizerId": properties.get("AuthorizerId"),
                "apiKeyRequired": as_bool(properties.get("ApiKeyRequired")),
                "operationName": properties.get("OperationName"),
                "requestParameters": properties.get("RequestParameters"),
                "requestModels": properties.get("RequestModels")}))
        for response in properties.get("MethodResponses") or ():
            apigateway.put_method_response(**where, statusCode=str(response["StatusCode"]),
                                           **compact({"responseParameters":
                                                      response.get("ResponseParameters"),
                                                      "responseModels":
                                                      response.get("ResponseModels")}))
        integration = properties.get("Integration")
        if integration:
            apigateway.put_integration(**where, **integration_parameters(integration))
            for response in integration.get("IntegrationResponses") or ():
                apigateway.put_integration_response(**where, **compact({
                    "statusCode": str(response["StatusCode"]),
                    "selectionPattern": response.get("SelectionPattern"),
                    "responseParameters": response.get("ResponseParameters"),
                    "responseTemplates": response.get("ResponseTemplates")}))
        physical_id = "|".join((where["restApiId"], where["resourceId"], where["httpMethod"]))
        return Provisioned(physical_id)

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        self.delete(context, physical_id, old_properties)
        return self.create(context, new_properties)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("apigateway").delete_method(**self._where(properties))

    @staticmethod
    def _where(properties: Mapping[str, Any]) -> dict[str, str]:
        return {"restApiId": str(properties["RestApiId"]),
                "resourceId": str(properties["ResourceId"]),
                "httpMethod": str(properties["HttpMethod"]).upper()}


class DeploymentProvisioner(ReplacedByProperties):
    """`Ref` is the deployment's id; a `StageName` creates that stage with it."""

    required_properties = frozenset({"RestApiId"})
    replacement_properties = frozenset({"RestApiId", "DeploymentCanarySettings"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        deployment = context.client("apigateway").create_deployment(
            restApiId=properties["RestApiId"], **compact({
                "stageName": properties.get("StageName"),
                "description": properties.get("Description")}))
        return Provisioned(deployment["id"], {"DeploymentId": deployment["id"]})

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        stage = new_properties.get("StageName")
        if stage and stage != old_properties.get("StageName"):
            apigateway = context.client("apigateway")
            stages = apigateway.get_stages(restApiId=new_properties["RestApiId"])["item"]
            if any(s["stageName"] == stage for s in stages):
                apigateway.update_stage(restApiId=new_properties["RestApiId"], stageName=stage,
                                        patchOperations=replace_operations(
                                            {"deploymentId": physical_id}))
            else:
                apigateway.create_stage(restApiId=new_properties["RestApiId"],
                                        stageName=stage, deploymentId=physical_id)
        return Provisioned(physical_id, {"DeploymentId": physical_id})

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        """The stage a deployment created goes with it."""
        apigateway = context.client("apigateway")
        stage = properties.get("StageName")
        if stage:
            stages = apigateway.get_stages(restApiId=properties["RestApiId"])["item"]
            if any(s["stageName"] == stage and s.get("deploymentId") == physical_id
                   for s in stages):
                apigateway.delete_stage(restApiId=properties["RestApiId"], stageName=stage)
        apigateway.delete_deployment(restApiId=properties["RestApiId"],
                                     deploymentId=physical_id)


class StageProvisioner(ReplacedByProperties):
    """`Ref` is the stage's name."""

    required_properties = frozenset({"RestApiId", "DeploymentId"})
    replacement_properties = frozenset({"RestApiId", "StageName"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        name = str(properties.get("StageName") or context.generated_name(128))
        context.client("apigateway").create_stage(
            restApiId=properties["RestApiId"], stageName=name,
            deploymentId=properties["DeploymentId"], **compact({
                "description": properties.get("Description"),
                "variables": properties.get("Variables"),
                "tracingEnabled": as_bool(properties.get("TracingEnabled")),
                "tags": tag_map(properties.get("Tags")) or None}))
        return Provisioned(name)

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        changed = {field: new_properties.get(prop) or "" for prop, field in
                   (("DeploymentId", "deploymentId"), ("Description", "description"))
                   if new_properties.get(prop) != old_properties.get(prop)}
        if changed:
            context.client("apigateway").update_stage(
                restApiId=new_properties["RestApiId"], stageName=physical_id,
                patchOperations=replace_operations(changed))
        return Provisioned(physical_id)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("apigateway").delete_stage(restApiId=properties["RestApiId"],
                                                  stageName=physical_id)
