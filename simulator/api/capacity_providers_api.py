"""The Lambda API routes of Lambda Managed Instances (`/2025-11-30/capacity-providers...` and
`/2025-11-30/functions/{name}/function-scaling-config`). None can exist locally: what each
answers, and why, is `functions/capacity_providers.py`'s to say."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from simulator.api.lambda_api import answer, json_body
from simulator.functions.capacity_providers import CapacityProviders

capacity_providers_api = Blueprint("capacity_providers_api", __name__)


def capacity_providers() -> CapacityProviders:
    return current_app.extensions["capacity_providers"]  # type: ignore[no-any-return]


@capacity_providers_api.post("/2025-11-30/capacity-providers")
def create_capacity_provider() -> Response:
    capacity_providers().create(json_body())


@capacity_providers_api.get("/2025-11-30/capacity-providers")
def list_capacity_providers() -> Response:
    return answer(capacity_providers().list(request.args.get("State"),
                                            request.args.get("MaxItems")))


@capacity_providers_api.get("/2025-11-30/capacity-providers/<name>")
def get_capacity_provider(name: str) -> Response:
    capacity_providers().capacity_provider(name)


@capacity_providers_api.put("/2025-11-30/capacity-providers/<name>")
def update_capacity_provider(name: str) -> Response:
    json_body()
    capacity_providers().capacity_provider(name)


@capacity_providers_api.delete("/2025-11-30/capacity-providers/<name>")
def delete_capacity_provider(name: str) -> Response:
    capacity_providers().capacity_provider(name)


@capacity_providers_api.get("/2025-11-30/capacity-providers/<name>/function-versions")
def list_function_versions_by_capacity_provider(name: str) -> Response:
    capacity_providers().capacity_provider(name)


@capacity_providers_api.get("/2025-11-30/functions/<name>/function-scaling-config")
def get_function_scaling_config(name: str) -> Response:
    capacity_providers().scaling_config(name, request.args.get("Qualifier"))


@capacity_providers_api.put("/2025-11-30/functions/<name>/function-scaling-config")
def put_function_scaling_config(name: str) -> Response:
    capacity_providers().scaling_config(name, request.args.get("Qualifier"), json_body())
