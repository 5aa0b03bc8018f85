"""The Lambda API routes of code signing configurations (`/2020-04-22/code-signing-configs`)
and of the configuration a function uses (`/2020-06-30/functions/{name}/code-signing-config`).
A configuration's ARN travels percent-encoded in its path segment."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from simulator.api.lambda_api import answer, empty, json_body
from simulator.functions.code_signing import CodeSigningConfigs

code_signing_api = Blueprint("code_signing_api", __name__)


def code_signing() -> CodeSigningConfigs:
    return current_app.extensions["code_signing"]  # type: ignore[no-any-return]


@code_signing_api.post("/2020-04-22/code-signing-configs")
def create_code_signing_config() -> Response:
    return answer(code_signing().create(json_body()), 201)


@code_signing_api.get("/2020-04-22/code-signing-configs")
def list_code_signing_configs() -> Response:
    return answer(code_signing().list(request.args.get("Marker"),
                                      request.args.get("MaxItems")))


@code_signing_api.get("/2020-04-22/code-signing-configs/<arn>")
def get_code_signing_config(arn: str) -> Response:
    return answer(code_signing().get(arn))


@code_signing_api.put("/2020-04-22/code-signing-configs/<arn>")
def update_code_signing_config(arn: str) -> Response:
    return answer(code_signing().update(arn, json_body()))


@code_signing_api.delete("/2020-04-22/code-signing-configs/<arn>")
def delete_code_signing_config(arn: str) -> Response:
    code_signing().delete(arn)
    return empty(204)


@code_signing_api.get("/2020-04-22/code-signing-configs/<arn>/functions")
def list_functions_by_code_signing_config(arn: str) -> Response:
    return answer(code_signing().list_functions(arn, request.args.get("Marker"),
                                                request.args.get("MaxItems")))


@code_signing_api.put("/2020-06-30/functions/<name>/code-signing-config")
def put_function_code_signing_config(name: str) -> Response:
    return answer(code_signing().put_function(name, json_body()))


@code_signing_api.get("/2020-06-30/functions/<name>/code-signing-config")
def get_function_code_signing_config(name: str) -> Response:
    return answer(code_signing().get_function(name))


@code_signing_api.delete("/2020-06-30/functions/<name>/code-signing-config")
def delete_function_code_signing_config(name: str) -> Response:
    code_signing().delete_function(name)
    return empty(204)
