"""The Lambda API routes of whole resource-based policies
(`/2026-07-09/resource-policy/{ResourceArn}`): GetResourcePolicy, PutResourcePolicy and
DeleteResourcePolicy. The ARN travels in the path, percent-encoded."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from simulator.api.lambda_api import answer, empty, json_body
from simulator.functions.resource_policies import ResourcePolicies

resource_policies_api = Blueprint("resource_policies_api", __name__)


def resource_policies() -> ResourcePolicies:
    return current_app.extensions["resource_policies"]  # type: ignore[no-any-return]


@resource_policies_api.get("/2026-07-09/resource-policy/<path:arn>")
def get_resource_policy(arn: str) -> Response:
    return answer(resource_policies().get(arn))


@resource_policies_api.put("/2026-07-09/resource-policy/<path:arn>")
def put_resource_policy(arn: str) -> Response:
    return answer(resource_policies().put(arn, json_body()))


@resource_policies_api.delete("/2026-07-09/resource-policy/<path:arn>")
def delete_resource_policy(arn: str) -> Response:
    resource_policies().delete(arn, request.args.get("RevisionId"))
    return empty(204)
