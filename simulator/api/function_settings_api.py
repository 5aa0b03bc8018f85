"""The Lambda API routes of a function's recursion configuration
(`/2024-08-31/functions/{name}/recursion-config`) and runtime management configuration
(`/2021-07-20/functions/{name}/runtime-management-config`, a version by `Qualifier`)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from simulator.api.lambda_api import answer, json_body
from simulator.functions.function_settings import FunctionSettings

function_settings_api = Blueprint("function_settings_api", __name__)


def function_settings() -> FunctionSettings:
    return current_app.extensions["function_settings"]  # type: ignore[no-any-return]


@function_settings_api.get("/2024-08-31/functions/<name>/recursion-config")
def get_function_recursion_config(name: str) -> Response:
    return answer(function_settings().get_recursion_config(name))


@function_settings_api.put("/2024-08-31/functions/<name>/recursion-config")
def put_function_recursion_config(name: str) -> Response:
    return answer(function_settings().put_recursion_config(name, json_body()))


@function_settings_api.get("/2021-07-20/functions/<name>/runtime-management-config")
def get_runtime_management_config(name: str) -> Response:
    return answer(function_settings().get_runtime_management_config(
        name, request.args.get("Qualifier")))


@function_settings_api.put("/2021-07-20/functions/<name>/runtime-management-config")
def put_runtime_management_config(name: str) -> Response:
    return answer(function_settings().put_runtime_management_config(
        name, request.args.get("Qualifier"), json_body()))
