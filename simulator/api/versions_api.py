"""The Lambda API routes for versions, aliases and provisioned concurrency."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from simulator.api.lambda_api import answer, empty, json_body
from simulator.functions.provisioned_concurrency import ProvisionedConcurrencyConfigs
from simulator.functions.version_operations import VersionService

versions_api = Blueprint("versions_api", __name__)


def versions() -> VersionService:
    return current_app.extensions["version_service"]  # type: ignore[no-any-return]


def provisioned() -> ProvisionedConcurrencyConfigs:
    return current_app.extensions["provisioned_concurrency"]  # type: ignore[no-any-return]


@versions_api.post("/2015-03-31/functions/<name>/versions")
def publish_version(name: str) -> Response:
    return answer(versions().publish(name, json_body()), 201)


@versions_api.get("/2015-03-31/functions/<name>/versions")
def list_versions_by_function(name: str) -> Response:
    return answer(versions().list_versions(name))


@versions_api.post("/2015-03-31/functions/<name>/aliases")
def create_alias(name: str) -> Response:
    return answer(versions().create_alias(name, json_body()), 201)


@versions_api.get("/2015-03-31/functions/<name>/aliases")
def list_aliases(name: str) -> Response:
    return answer(versions().list_aliases(name, request.args.get("FunctionVersion")))


@versions_api.get("/2015-03-31/functions/<name>/aliases/<alias>")
def get_alias(name: str, alias: str) -> Response:
    return answer(versions().get_alias(name, alias))


@versions_api.put("/2015-03-31/functions/<name>/aliases/<alias>")
def update_alias(name: str, alias: str) -> Response:
    return answer(versions().update_alias(name, alias, json_body()))


@versions_api.delete("/2015-03-31/functions/<name>/aliases/<alias>")
def delete_alias(name: str, alias: str) -> Response:
    versions().delete_alias(name, alias)
    return empty(204)


@versions_api.put("/2019-09-30/functions/<name>/provisioned-concurrency")
def put_provisioned_concurrency_config(name: str) -> Response:
    return answer(provisioned().put(name, request.args.get("Qualifier"), json_body()), 202)


@versions_api.get("/2019-09-30/functions/<name>/provisioned-concurrency")
def get_provisioned_concurrency_config(name: str) -> Response:
    """GetProvisionedConcurrencyConfig, or with `List=ALL` ListProvisionedConcurrencyConfigs."""
    if request.args.get("List") == "ALL":
        return answer(provisioned().list_configs(name))
    return answer(provisioned().get(name, request.args.get("Qualifier")))


@versions_api.delete("/2019-09-30/functions/<name>/provisioned-concurrency")
def delete_provisioned_concurrency_config(name: str) -> Response:
    provisioned().delete(name, request.args.get("Qualifier"))
    return empty(204)
