"""The Lambda API routes for functions' resource-based policies: AddPermission, GetPolicy and
RemovePermission, on a function, a version or an alias (`Qualifier`, or a qualified name)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from simulator.api.lambda_api import answer, empty, json_body
from simulator.functions.policies import FunctionPolicies

policies_api = Blueprint("policies_api", __name__)


def policies() -> FunctionPolicies:
    return current_app.extensions["function_policies"]  # type: ignore[no-any-return]


@policies_api.post("/2015-03-31/functions/<name>/policy")
def add_permission(name: str) -> Response:
    return answer(policies().add_permission(name, request.args.get("Qualifier"), json_body()),
                  201)


@policies_api.get("/2015-03-31/functions/<name>/policy")
def get_policy(name: str) -> Response:
    return answer(policies().get_policy(name, request.args.get("Qualifier")))


@policies_api.delete("/2015-03-31/functions/<name>/policy/<statement_id>")
def remove_permission(name: str, statement_id: str) -> Response:
    policies().remove_permission(name, statement_id, request.args.get("Qualifier"),
                                 request.args.get("RevisionId"))
    return empty(204)
