"""HTTP event sources: API Gateway-style routes under `/_simulator/http/<api>/<stage>/`, and
Lambda function URLs (the `2021-10-31` configuration API, and the URLs themselves, by path
or by a `<url-id>.lambda-url.<region>.localhost` Host header). Requests become events, run on
the path every event source shares, and the answer is mapped back as API Gateway maps it."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from typing import Any

from flask import Blueprint, Response, current_app, request

from simulator.api.aws_gateway import signed_service
from simulator.api.function_url_streams import streamed_url_response
from simulator.api.lambda_api import answer, empty, json_body
from simulator.errors import (
    InvalidParameterValueException,
    LambdaError,
    ResourceConflictException,
    ResourceNotFoundException,
    TooManyRequestsException,
)
from simulator.events.deployed_apis import DeployedApis
from simulator.events.http_events import (
    DEFAULT_STAGE,
    Destination,
    HttpRequest,
    HttpResponse,
    MalformedResponse,
    cors_headers,
    gateway_error,
    internal_error_response,
    preflight_response,
    response_from_v1,
    response_from_v2,
    throttled_response,
    url_access_denied,
    url_function_error,
    v1_event,
    v2_event,
)
from simulator.events.http_routes import (
    FunctionUrlConfig,
    FunctionUrls,
    HttpRoutes,
    best_match,
    new_url_id,
    url_timestamp,
)
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.policy_evaluation import INVOKE_FUNCTION, INVOKE_FUNCTION_URL, Caller
from simulator.functions.validation import (
    Violations,
    check_range,
    parse_function_reference,
    validate_max_items,
)
from simulator.invocation.invoker import MAX_SYNC_PAYLOAD, Invoker
from simulator.models import FunctionConfig

log = logging.getLogger(__name__)

http_api = Blueprint("http_api", __name__)

SERVED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
URL_HOST_PATTERN = re.compile(
    r"(?P<url_id>[a-z0-9]{32})\.lambda-url\.[a-z0-9-]+\.localhost(?::\d+)?", re.IGNORECASE
)
# An API's own host, as AWS names it, under .localhost: `<api-id>.execute-api.<region>.localhost`.
EXECUTE_API_HOST_PATTERN = re.compile(
    r"(?P<api_id>[a-z0-9]+)\.execute-api\.[a-z0-9-]+\.localhost(?::\d+)?", re.IGNORECASE)
CREDENTIAL_PATTERN = re.compile(r"Credential=(?P<access_key>[^/,\s]+)/")
AUTH_TYPES = ("AWS_IAM", "NONE")
INVOKE_MODES = ("RESPONSE_STREAM", "BUFFERED")
NO_URL = "The resource you requested does not exist."
NO_FUNCTION = "Function does not exist"
# AWS's words for a function URL request its function's policy does not let in.
URL_FORBIDDEN = ("Forbidden. For troubleshooting Function URL authorization issues, see: "
                 "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html")
# The header the embedded services learn their account from, set by the simulator itself.
INTERNAL_ACCOUNT_HEADER = "x-moto-account-id"
URL_QUALIFIER_PATTERN = re.compile(r"((?!^\d+$)^[0-9a-zA-Z-_]+$)")


def functions() -> FunctionOperations:
    return current_app.extensions["functions"]  # type: ignore[no-any-return]


def invoker() -> Invoker:
    return current_app.extensions["invoker"]  # type: ignore[no-any-return]


def http_routes() -> HttpRoutes:
    return current_app.extensions["http_routes"]  # type: ignore[no-any-return]


def deployed_apis() -> DeployedApis:
    return current_app.extensions["deployed_apis"]  # type: ignore[no-any-return]


def function_urls() -> FunctionUrls:
    return current_app.extensions["function_urls"]  # type: ignore[no-any-return]


# -- the route table ------------------------------------------------------------------------


@http_api.post("/_simulator/http/routes")
def add_route() -> Response:
    body = json_body()
    route = http_routes().add(
        api_id=text_field(body, "apiId"),
        route_key=text_field(body, "routeKey"),
        function_name=text_field(body, "functionName"),
        payload_format_version=text_field(body, "payloadFormatVersion", "2.0"),
        stage=text_field(body, "stage", DEFAULT_STAGE),
    )
    return answer({**route.to_api(), "url": stage_url(route.api_id, route.stage)}, 201)


def text_field(body: dict[str, Any], key: str, default: str | None = None) -> str:
    value = body.get(key, default)
    if not isinstance(value, str):
        raise InvalidParameterValueException(f"{key} must be a string")
    return value


@http_api.get("/_simulator/http/routes")
def list_routes() -> Response:
    return answer({"routes": [{**route.to_api(), "url": stage_url(route.api_id, route.stage)}
                              for route in http_routes().all()]})


@http_api.delete("/_simulator/http/routes/<api_id>")
def remove_api(api_id: str) -> Response:
    if not http_routes().remove_api(api_id):
        raise ResourceNotFoundException(f"No routes for API {api_id}")
    return empty(204)


def stage_url(api_id: str, stage: str) -> str:
    return f"{functions().settings.endpoint_url}/_simulator/http/{api_id}/{stage}/"


@http_api.route("/_simulator/http/<api_id>/<stage>", methods=SERVED_METHODS)
@http_api.route("/_simulator/http/<api_id>/<stage>/", methods=SERVED_METHODS)
@http_api.route("/_simulator/http/<api_id>/<stage>/<path:path>", methods=SERVED_METHODS)
def serve_route(api_id: str, stage: str, path: str = "") -> Response:
    incoming = http_request(f"/{path}")
    matched = http_routes().match(api_id, stage, incoming.method, incoming.path) or \
        best_match(deployed_apis().routes(api_id, stage), incoming.method, incoming.path)
    if matched is None:
        return flask_response(gateway_error(404, "Not Found"))
    route = matched.route
    settings = functions().settings
    destination = Destination(
        api_id=api_id,
        account_id=settings.account_id,
        domain_name=f"{api_id}.execute-api.{settings.region}.amazonaws.com",
        route_key=route.route_key,
        resource=route.resource,
        stage=stage,
        path_parameters=matched.path_parameters,
    )
    if route.payload_format_version == "1.0":
        event = v1_event(incoming, destination)
    else:
        event = v2_event(incoming, destination)
    if not gateway_may_call(route.function_name, api_id, stage, incoming):
        return flask_response(internal_error_response(route.payload_format_version, 500),
                              destination.request_id)
    outcome = invoke(route.function_name, None, event, route.payload_format_version)
    return flask_response(outcome, destination.request_id)


# -- function URL configuration (the Lambda API) ---------------------------------------------


@http_api.post("/2021-10-31/functions/<name>/url")
def create_function_url_config(name: str) -> Response:
    function, qualifier = url_target(name)
    body = json_body()
    settings = validate_url_settings(body, creating=True)
    config = FunctionUrlConfig(url_id=new_url_id(), function_name=function.name,
                               qualifier=qualifier, **settings)
    if not function_urls().add(config):
        raise ResourceConflictException(
            "Failed to create function url config for [functionArn = "
            f"{url_arn(function, qualifier)}]. Error message:  FunctionUrlConfig exists for "
            "this Lambda function"
        )
    described = describe_url(config, function, answers_change=True)
    del described["LastModifiedTime"]
    return answer(described, 201)


@http_api.get("/2021-10-31/functions/<name>/url")
def get_function_url_config(name: str) -> Response:
    function, qualifier = url_target(name, missing=NO_URL)
    return answer(describe_url(existing_url(function, qualifier), function))


@http_api.put("/2021-10-31/functions/<name>/url")
def update_function_url_config(name: str) -> Response:
    function, qualifier = url_target(name)
    config = existing_url(function, qualifier)
    body = json_body()
    settings = validate_url_settings(body, creating=False)
    updated = replace(config, **settings, last_modified_time=url_timestamp())
    function_urls().put(updated)
    return answer(describe_url(updated, function, answers_change=True))


@http_api.delete("/2021-10-31/functions/<name>/url")
def delete_function_url_config(name: str) -> Response:
    function, qualifier = url_target(name, missing=NO_URL)
    if function_urls().remove(function.name, qualifier) is None:
        raise ResourceNotFoundException(NO_URL)
    return empty(204)


@http_api.get("/2021-10-31/functions/<name>/urls")
def list_function_url_configs(name: str) -> Response:
    try:
        function = functions().function(name)
    except ResourceNotFoundException:
        raise ResourceNotFoundException(NO_FUNCTION) from None
    limit = validate_max_items(request.args.get("MaxItems"))
    configs = function_urls().for_function(function.name)
    marker = request.args.get("Marker")
    start = int(marker) if marker and marker.isdigit() else 0
    page = configs[start:start + limit]
    result: dict[str, Any] = {"FunctionUrlConfigs": [describe_url(c, function) for c in page]}
    if start + len(page) < len(configs):
        result["NextMarker"] = str(start + len(page))
    return answer(result)


def url_target(reference: str, missing: str = NO_FUNCTION
               ) -> tuple[FunctionConfig, str | None]:
    """The function a URL configuration belongs to, and its qualifier (an alias name);
    `missing` is AWS's message when there is no such function or alias."""
    name, derived = parse_function_reference(reference)
    given = request.args.get("Qualifier")
    if derived is not None and given is not None and derived != given:
        raise InvalidParameterValueException(
            "The derived qualifier from the function name does not match the specified "
            "qualifier.")
    qualifier = given or derived
    if qualifier is not None:
        v = Violations()
        if not URL_QUALIFIER_PATTERN.fullmatch(qualifier) or len(qualifier) > 128:
            v.add(qualifier, "qualifier", "Member must satisfy regular expression pattern: "
                  f"{URL_QUALIFIER_PATTERN.pattern}")
        v.raise_if_any()
    try:
        return functions().function(name, qualifier), qualifier
    except ResourceNotFoundException:
        raise ResourceNotFoundException(missing) from None


def existing_url(function: FunctionConfig, qualifier: str | None) -> FunctionUrlConfig:
    config = function_urls().get(function.name, qualifier)
    if config is None:
        raise ResourceNotFoundException(NO_URL)
    return config


def validate_url_settings(body: dict[str, Any], creating: bool) -> dict[str, Any]:
    """AuthType (required on create), InvokeMode and Cors, checked against the model's
    constraints; returned as `FunctionUrlConfig` keyword arguments."""
    v = Violations()
    settings: dict[str, Any] = {}
    if creating or "AuthType" in body:
        auth_type = body.get("AuthType")
        if auth_type is None:
            v.messages.append("Value null at 'authType' failed to satisfy constraint: "
                              "Member must not be null")
        elif auth_type not in AUTH_TYPES:
            v.add(auth_type, "authType",
                  f"Member must satisfy enum value set: [{', '.join(AUTH_TYPES)}]")
        settings["auth_type"] = auth_type
    if "InvokeMode" in body:
        if body["InvokeMode"] not in INVOKE_MODES:
            v.add(body["InvokeMode"], "invokeMode",
                  f"Member must satisfy enum value set: [{', '.join(INVOKE_MODES)}]")
        settings.update(invoke_mode=body["InvokeMode"], invoke_mode_given=True)
    if "Cors" in body:
        settings["cors"] = validate_cors(v, body["Cors"])
    v.raise_if_any()
    return settings


def validate_cors(v: Violations, cors: Any) -> dict[str, Any]:
    if not isinstance(cors, dict):
        v.add(cors, "cors", "Member must be a structure")
        return {}
    lists = {"AllowHeaders": (100, 1024), "ExposeHeaders": (100, 1024),
             "AllowMethods": (6, 6), "AllowOrigins": (100, 253)}
    for key, (max_items, max_length) in lists.items():
        member = f"cors.{key[0].lower()}{key[1:]}"
        values = cors.get(key)
        if values is None:
            continue
        if not isinstance(values, list) or len(values) > max_items:
            v.add(values, member, f"Member must have length less than or equal to {max_items}")
        elif not all(isinstance(x, str) and 0 < len(x) <= max_length for x in values):
            v.add(values, member, "Member must satisfy constraint: [Member must have length "
                  f"less than or equal to {max_length}, Member must have length greater than "
                  "or equal to 1]")
    if cors.get("MaxAge") is not None:
        check_range(v, cors["MaxAge"], "cors.maxAge", 0, 86400)
    if "AllowCredentials" in cors and not isinstance(cors["AllowCredentials"], bool):
        v.add(cors["AllowCredentials"], "cors.allowCredentials", "Member must be a boolean")
    known = {*lists, "MaxAge", "AllowCredentials"}
    return {key: value for key, value in cors.items() if key in known}


def url_arn(function: FunctionConfig, qualifier: str | None) -> str:
    arn = function.arn(functions().settings.region, functions().settings.account_id)
    return f"{arn}:{qualifier}" if qualifier else arn


def describe_url(config: FunctionUrlConfig, function: FunctionConfig,
                 answers_change: bool = False) -> dict[str, Any]:
    """The FunctionUrlConfig shape of the Lambda API. AWS's answer to a create or update
    (`answers_change`) shows InvokeMode only once a request has set it."""
    described: dict[str, Any] = {
        "FunctionUrl": f"{functions().settings.endpoint_url}/_simulator/url/{config.url_id}/",
        "FunctionArn": url_arn(function, config.qualifier),
        "AuthType": config.auth_type,
        "CreationTime": config.creation_time,
        "LastModifiedTime": config.last_modified_time,
    }
    if not answers_change or config.invoke_mode_given:
        described["InvokeMode"] = config.invoke_mode
    if config.cors:
        described["Cors"] = config.cors
    return described


# -- function URLs themselves ---------------------------------------------------------------


@http_api.route("/_simulator/url/<url_id>", methods=SERVED_METHODS)
@http_api.route("/_simulator/url/<url_id>/", methods=SERVED_METHODS)
@http_api.route("/_simulator/url/<url_id>/<path:path>", methods=SERVED_METHODS)
def serve_function_url(url_id: str, path: str = "") -> Response:
    return serve_url(url_id, f"/{path}", f"/_simulator/url/{url_id}")


@http_api.before_app_request
def serve_function_url_host() -> Response | None:
    """A request whose Host names a function URL (`<url-id>.lambda-url.<region>.localhost`)
    is that URL's, whatever its path: answered here, before routing."""
    match = URL_HOST_PATTERN.fullmatch(request.host)
    if match is None:
        return None
    return serve_url(match.group("url_id").lower(), request.path)


@http_api.before_app_request
def serve_execute_api_host() -> Response | None:
    """A request whose Host names an API (`<api-id>.execute-api.<region>.localhost`) is that
    API's, as on AWS: its path begins with the stage, except for an HTTP API's `$default`
    stage, which takes the whole path."""
    match = EXECUTE_API_HOST_PATTERN.fullmatch(request.host)
    if match is None:
        return None
    api_id = match.group("api_id")
    stage, _, rest = request.path.lstrip("/").partition("/")
    if stage and has_stage(api_id, stage):
        return serve_route(api_id, stage, rest)
    return serve_route(api_id, "$default", request.path.lstrip("/"))


def has_stage(api_id: str, stage: str) -> bool:
    return any(route.api_id == api_id and route.stage == stage
               for route in http_routes().all()) or bool(deployed_apis().routes(api_id, stage))


def serve_url(url_id: str, path: str, prefix: str = "") -> Response:
    """Serve function URL `url_id`'s request for `path`, which the request's own path has
    after `prefix`."""
    config = function_urls().by_id(url_id)
    if config is None:
        return flask_response(url_access_denied(None))
    authorizer = None
    if config.auth_type == "AWS_IAM":
        authorizer = iam_authorizer()
    if ((authorizer is None and config.auth_type == "AWS_IAM") or not target_exists(config)
            or not public_may_call(config)):
        return flask_response(url_access_denied(URL_FORBIDDEN))
    origin = request.headers.get("Origin")
    cors = config.cors or {}
    if (cors and origin and request.method == "OPTIONS"
            and "Access-Control-Request-Method" in request.headers):
        return flask_response(preflight_response(cors, origin))
    destination = Destination(
        api_id=url_id,
        account_id=functions().settings.account_id,
        domain_name=request.host.rsplit(":", 1)[0],
        authorizer=authorizer,
    )
    event = v2_event(replace(http_request(path), raw_path=raw_request_path(prefix)),
                     destination)
    if config.invoke_mode == "RESPONSE_STREAM":
        response = invoke_streaming(config.function_name, config.qualifier, event,
                                    destination.request_id)
        response.headers.extend(cors_headers(cors, origin))
        response.headers["x-amzn-RequestId"] = destination.request_id
        return response
    outcome = invoke(config.function_name, config.qualifier, event, "2.0",
                     function_error=url_function_error(), request_id=destination.request_id)
    outcome.headers += cors_headers(cors, origin)
    return flask_response(outcome, destination.request_id)


def gateway_may_call(function_name: str, api_id: str, stage: str, incoming: HttpRequest
                     ) -> bool:
    """Whether the function's policy lets API Gateway invoke it for this request (its method
    ARN as the source), as AWS requires; in strict mode only, otherwise a missing grant is a
    warning line. A refused call is API Gateway's 500, as on AWS."""
    settings = functions().settings
    source_arn = (f"arn:aws:execute-api:{settings.region}:{settings.account_id}:{api_id}/"
                  f"{stage}/{incoming.method}{incoming.path}")
    caller = Caller("apigateway.amazonaws.com", source_arn, settings.account_id)
    try:
        return functions().lets_in(function_name, caller)
    except LambdaError:
        return True  # the function is gone: the invoke answers that


def target_exists(config: FunctionUrlConfig) -> bool:
    """Whether the URL's function (and alias) still exists: a deleted alias's URL refuses
    requests as its gone policy would."""
    try:
        functions().function(config.function_name, config.qualifier)
    except ResourceNotFoundException:
        return False
    return True


def public_may_call(config: FunctionUrlConfig) -> bool:
    """A URL of AuthType NONE serves the public only when the function's policy grants `*`
    both lambda:InvokeFunctionUrl and lambda:InvokeFunction, as AWS requires of URLs made
    since October 2025 (strict mode; otherwise a missing grant is a warning line)."""
    if config.auth_type != "NONE":
        return True
    public = Caller("*", url_auth_type="NONE", via_function_url=True)
    reference = config.function_name + (f":{config.qualifier}" if config.qualifier else "")
    try:
        return all(functions().lets_in(reference, public, action)
                   for action in (INVOKE_FUNCTION_URL, INVOKE_FUNCTION))
    except LambdaError:
        return True  # the function is gone: the invoke answers that


def iam_authorizer() -> dict[str, Any] | None:
    """For `AWS_IAM` URLs: the caller's identity when the request is SigV4-signed for Lambda,
    else None (the simulator trusts any credentials; it does not check the signature)."""
    if signed_service(request.environ) != "lambda":
        return None
    credential = CREDENTIAL_PATTERN.search(request.headers.get("Authorization", ""))
    return {"iam": {
        "accessKey": credential.group("access_key") if credential else None,
        "accountId": functions().settings.account_id,
        "callerId": None,
        "cognitoIdentity": None,
        "principalOrgId": None,
        "userArn": None,
        "userId": None,
    }}


# -- from Flask, through the function, back to Flask -----------------------------------------


def raw_request_path(prefix: str) -> str | None:
    """The request's path after `prefix` as the client wrote it, percent-escapes kept (an
    escaped `/` stays one, as a function URL's event shows it); None when the server does
    not tell."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if not isinstance(raw, str) or not raw.startswith("/"):
        return None
    path = raw.split("?", 1)[0]
    return path[len(prefix):] or "/" if path.startswith(prefix) else None


def http_request(path: str) -> HttpRequest:
    return HttpRequest(
        method=request.method,
        path=path,
        raw_query=request.query_string.decode("utf-8", "replace"),
        headers=[(name, value) for name, value in request.headers.items()
                 if name.lower() != INTERNAL_ACCOUNT_HEADER],
        body=request.get_data(cache=False),
        source_ip=request.remote_addr or "127.0.0.1",
        port=int(request.environ.get("SERVER_PORT") or 80),
        protocol=request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
    )


def invoke(function_name: str, qualifier: str | None, event: dict[str, Any],
           payload_version: str, function_error: HttpResponse | None = None,
           request_id: str | None = None) -> HttpResponse:
    """Run the function on the event and map its answer as the gateway would, including
    the gateway's own answers to a missing function, a throttle and a function error
    (`function_error`, when not the payload version's). A function URL's invocation has the
    request's id (`request_id`), where an API's has one of its own."""
    failed = function_error or internal_error_response(payload_version)
    payload = json.dumps(event).encode()
    if len(payload) > MAX_SYNC_PAYLOAD:
        return gateway_error(413, "Request Entity Too Large")
    try:
        result = invoker().run_event(functions().function(function_name, qualifier), payload,
                                     trace_header=_trace_header(event), request_id=request_id)
    except TooManyRequestsException:
        return throttled_response(payload_version)
    except LambdaError as error:
        log.warning("HTTP event for %s not delivered: %s", function_name, error.message)
        return internal_error_response(payload_version, 500)
    if result.failed:
        return failed
    try:
        if payload_version == "1.0":
            return response_from_v1(result.payload)
        return response_from_v2(result.payload, json_body=function_error is not None)
    except MalformedResponse as error:
        log.warning("%s answered an HTTP event with a malformed response: %s",
                    function_name, error)
        return failed


def invoke_streaming(function_name: str, qualifier: str | None, event: dict[str, Any],
                     request_id: str) -> Response:
    """Run the function as InvokeWithResponseStream does, its answer streaming to the
    client; the gateway's own answers as `invoke` gives them."""
    payload = json.dumps(event).encode()
    if len(payload) > MAX_SYNC_PAYLOAD:
        return flask_response(gateway_error(413, "Request Entity Too Large"))
    try:
        function = functions().function(function_name, qualifier)
    except LambdaError as error:
        log.warning("HTTP event for %s not delivered: %s", function_name, error.message)
        return flask_response(internal_error_response("2.0", 500))
    return streamed_url_response(
        invoker().run_streamed(function, payload, trace_header=_trace_header(event),
                               request_id=request_id))


def flask_response(outcome: HttpResponse, request_id: str | None = None) -> Response:
    response = Response(outcome.body, status=outcome.status, headers=outcome.headers)
    if request_id is not None:
        response.headers["x-amzn-RequestId"] = request_id
    return response


def _trace_header(event: dict[str, Any]) -> str | None:
    """The trace the gateway's event carries on (its `X-Amzn-Trace-Id` header)."""
    headers = event.get("headers") or {}
    return headers.get("x-amzn-trace-id") or headers.get("X-Amzn-Trace-Id")
