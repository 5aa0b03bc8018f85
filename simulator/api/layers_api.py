"""The Lambda API routes for layers: PublishLayerVersion, GetLayerVersion(ByArn),
ListLayers, ListLayerVersions and DeleteLayerVersion, and a layer version's policy
(AddLayerVersionPermission, GetLayerVersionPolicy, RemoveLayerVersionPermission)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from simulator.api.lambda_api import answer, empty, json_body
from simulator.functions.layer_operations import LayerService
from simulator.functions.policies import LayerPolicies

layers_api = Blueprint("layers_api", __name__)


def layers() -> LayerService:
    return current_app.extensions["layer_service"]  # type: ignore[no-any-return]


def layer_policies() -> LayerPolicies:
    return current_app.extensions["layer_policies"]  # type: ignore[no-any-return]


@layers_api.post("/2018-10-31/layers/<name>/versions")
def publish_layer_version(name: str) -> Response:
    return answer(layers().publish(name, json_body()), 201)


@layers_api.get("/2018-10-31/layers")
def list_layers() -> Response:
    """Also GetLayerVersionByArn, which AWS routes as `?find=LayerVersion&Arn=...`."""
    if request.args.get("find") == "LayerVersion":
        return answer(layers().get_by_arn(request.args.get("Arn")))
    return answer(layers().list_layers(
        request.args.get("CompatibleRuntime"), request.args.get("CompatibleArchitecture"),
        request.args.get("Marker"), request.args.get("MaxItems")))


@layers_api.get("/2018-10-31/layers/<name>/versions")
def list_layer_versions(name: str) -> Response:
    return answer(layers().list_versions(
        name, request.args.get("CompatibleRuntime"), request.args.get("CompatibleArchitecture"),
        request.args.get("Marker"), request.args.get("MaxItems")))


@layers_api.get("/2018-10-31/layers/<name>/versions/<version>")
def get_layer_version(name: str, version: str) -> Response:
    return answer(layers().get(name, version))


@layers_api.delete("/2018-10-31/layers/<name>/versions/<version>")
def delete_layer_version(name: str, version: str) -> Response:
    layers().delete(name, version)
    return empty(204)


@layers_api.post("/2018-10-31/layers/<name>/versions/<version>/policy")
def add_layer_version_permission(name: str, version: str) -> Response:
    return answer(layer_policies().add_permission(name, version, json_body(),
                                                  request.args.get("RevisionId")), 201)


@layers_api.get("/2018-10-31/layers/<name>/versions/<version>/policy")
def get_layer_version_policy(name: str, version: str) -> Response:
    return answer(layer_policies().get_policy(name, version))


@layers_api.delete("/2018-10-31/layers/<name>/versions/<version>/policy/<statement_id>")
def remove_layer_version_permission(name: str, version: str, statement_id: str) -> Response:
    layer_policies().remove_permission(name, version, statement_id,
                                       request.args.get("RevisionId"))
    return empty(204)
