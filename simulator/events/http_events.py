"""HTTP requests as API Gateway hands them to Lambda (REST proxy 1.0, HTTP API 2.0 and function
URLs), and the function's answer back as the HTTP response API Gateway would send. Pure: no
Flask, no invoking, so every rule here is testable on plain data."""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote

from simulator.invocation.tracing import TraceHeader, new_root

DEFAULT_STAGE = "$default"
DEFAULT_ROUTE = "$default"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TEXT_MEDIA_TYPES = frozenset({"application/json", "application/javascript", "application/xml"})
HOP_BY_HOP_HEADERS = frozenset({"content-length", "transfer-encoding", "connection"})
RAW_PATH_SAFE = "/:@!$&'()*+,;=-._~"


@dataclass(frozen=True)
class HttpRequest:
    """An HTTP request as it reached the gateway. `path` is the path the routes see (no stage,
    no simulator prefix); `headers` keep repeats as separate pairs."""

    method: str
    path: str
    raw_query: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    source_ip: str = "127.0.0.1"
    port: int = 80
    protocol: str = "HTTP/1.1"
    # The path as the client wrote it, percent-escapes kept, when the gateway shows that.
    raw_path: str | None = None

    def header(self, name: str) -> str | None:
        values = [value for key, value in self.headers if key.lower() == name.lower()]
        return ",".join(values) if values else None

    @property
    def cookies(self) -> list[str]:
        """The `Cookie` header split into `name=value` items, as HTTP API 2.0 lists them."""
        items: list[str] = []
        for key, value in self.headers:
            if key.lower() == "cookie":
                items += [part.strip() for part in value.split(";") if part.strip()]
        return items


@dataclass(frozen=True)
class Destination:
    """Where the gateway routed the request: the API, stage and route, with what the route's
    pattern captured. A function URL is an API with one `$default` route."""

    api_id: str
    account_id: str
    domain_name: str
    route_key: str = DEFAULT_ROUTE
    resource: str = DEFAULT_ROUTE
    stage: str = DEFAULT_STAGE
    path_parameters: dict[str, str] = field(default_factory=dict)
    authorizer: dict[str, Any] | None = None
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def domain_prefix(self) -> str:
        """The first label of the API's AWS domain: the API id (or the URL id)."""
        return self.api_id


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def request_time(moment: float) -> str:
    """API Gateway's `requestTime`: `27/Nov/2026:07:00:00 +0000`, English month names
    whatever the locale."""
    dt = datetime.fromtimestamp(moment, tz=UTC)
    return f"{dt.day:02d}/{MONTHS[dt.month - 1]}/{dt.year}:{dt:%H:%M:%S} +0000"


def is_text(content_type: str | None, body: bytes) -> bool:
    """Whether the gateway passes the body as text; anything else (images, forms, octet
    streams) arrives base64-encoded, as HTTP APIs and function URLs do."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if not content_type:
        return True
    media_type = content_type.split(";")[0].strip().lower()
    return (media_type.startswith("text/") or media_type in TEXT_MEDIA_TYPES
            or media_type.endswith(("+json", "+xml")))


def _body_fields(request: HttpRequest) -> tuple[str | None, bool]:
    if not request.body:
        return None, False
    if is_text(request.header("content-type"), request.body):
        return request.body.decode("utf-8"), False
    return base64.b64encode(request.body).decode("ascii"), True


def _query_pairs(raw_query: str) -> list[tuple[str, str]]:
    return parse_qsl(raw_query, keep_blank_values=True)


def _forwarded_headers(request: HttpRequest) -> dict[str, str]:
    """What API Gateway adds to the client's headers: the client's address is appended to any
    `X-Forwarded-For` it sent."""
    forwarded_for = request.header("x-forwarded-for")
    return {
        "X-Forwarded-For": f"{forwarded_for}, {request.source_ip}" if forwarded_for
        else request.source_ip,
        "X-Forwarded-Port": str(request.port),
        "X-Forwarded-Proto": "http",
        "X-Amzn-Trace-Id": _gateway_trace_header(request.header("x-amzn-trace-id")),
    }


def _gateway_trace_header(sent: str | None) -> str:
    """The gateway continues a trace the client started, else starts one."""
    header = TraceHeader.parse(sent)
    return header.render() if header is not None else TraceHeader(new_root()).render()


def v2_event(request: HttpRequest, destination: Destination,
             now: float | None = None) -> dict[str, Any]:
    """Payload format 2.0 (HTTP APIs, function URLs): headers lower-cased and repeats
    comma-joined (but for `Connection`, which the gateway keeps), cookies moved out of the
    headers, repeated query keys comma-joined; `rawPath` escaped, `requestContext.http.path`
    not."""
    moment = time.time() if now is None else now
    headers: dict[str, str] = {}
    for key, value in request.headers:
        name = key.lower()
        if name not in ("cookie", "connection"):
            headers[name] = f"{headers[name]},{value}" if name in headers else value
    headers.update({key.lower(): value for key, value in _forwarded_headers(request).items()})
    path = request.path
    if destination.stage != DEFAULT_STAGE:
        path = f"/{destination.stage}{request.path}"
    raw_path = request.raw_path or quote(path, safe=RAW_PATH_SAFE)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": destination.route_key,
        "rawPath": raw_path,
        "rawQueryString": request.raw_query,
    }
    if request.cookies:
        event["cookies"] = request.cookies
    event["headers"] = headers
    query: dict[str, str] = {}
    for key, value in _query_pairs(request.raw_query):
        query[key] = f"{query[key]},{value}" if key in query else value
    if query:
        event["queryStringParameters"] = query
    if destination.path_parameters:
        event["pathParameters"] = dict(destination.path_parameters)
    context: dict[str, Any] = {
        "accountId": destination.account_id,
        "apiId": destination.api_id,
        "domainName": destination.domain_name,
        "domainPrefix": destination.domain_prefix,
        "http": {
            "method": request.method,
            "path": path,
            "protocol": request.protocol,
            "sourceIp": request.source_ip,
            "userAgent": request.header("user-agent") or "",
        },
        "requestId": destination.request_id,
        "routeKey": destination.route_key,
        "stage": destination.stage,
        "time": request_time(moment),
        "timeEpoch": int(moment * 1000),
    }
    if destination.authorizer is not None:
        context["authorizer"] = destination.authorizer
    event["requestContext"] = context
    body, encoded = _body_fields(request)
    if body is not None:
        event["body"] = body
    event["isBase64Encoded"] = encoded
    return event


def v1_event(request: HttpRequest, destination: Destination,
             now: float | None = None) -> dict[str, Any]:
    """The REST API proxy event (payload format 1.0): single-value maps hold the last value of
    a repeated header or query key, the multi-value maps hold them all."""
    moment = time.time() if now is None else now
    forwarded = _forwarded_headers(request)
    replaced = {key.lower() for key in forwarded}
    multi_headers: dict[str, list[str]] = {}
    for key, value in request.headers:
        if key.lower() not in replaced:
            multi_headers.setdefault(key, []).append(value)
    multi_headers.update({key: [value] for key, value in forwarded.items()})
    multi_query: dict[str, list[str]] = {}
    for key, value in _query_pairs(request.raw_query):
        multi_query.setdefault(key, []).append(value)
    stage_path = request.path
    if destination.stage != DEFAULT_STAGE:
        stage_path = f"/{destination.stage}{request.path}"
    body, encoded = _body_fields(request)
    return {
        "resource": destination.resource,
        "path": request.path,
        "httpMethod": request.method,
        "headers": {key: values[-1] for key, values in multi_headers.items()},
        "multiValueHeaders": multi_headers,
        "queryStringParameters": ({key: values[-1] for key, values in multi_query.items()}
                                  or None),
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": dict(destination.path_parameters) or None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": secrets.token_hex(3),
            "resourcePath": destination.resource,
            "httpMethod": request.method,
            "extendedRequestId": _extended_request_id(),
            "requestTime": request_time(moment),
            "path": stage_path,
            "accountId": destination.account_id,
            "protocol": request.protocol,
            "stage": destination.stage,
            "domainPrefix": destination.domain_prefix,
            "requestTimeEpoch": int(moment * 1000),
            "requestId": destination.request_id,
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": request.source_ip,
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": request.header("user-agent"),
                "user": None,
            },
            "domainName": destination.domain_name,
            "apiId": destination.api_id,
        },
        "body": body,
        "isBase64Encoded": encoded,
    }


def _extended_request_id() -> str:
    return base64.b64encode(secrets.token_bytes(10)).decode("ascii").rstrip("=") + "="


# -- the function's answer ------------------------------------------------------------------


class MalformedResponse(ValueError):
    """The function answered, but not in the shape the payload format requires."""


def gateway_error(status: int, message: str) -> HttpResponse:
    """An answer the gateway makes itself: `{"message": ...}` as JSON."""
    body = json.dumps({"message": message}).encode()
    return HttpResponse(status, [("Content-Type", "application/json")], body)


def internal_error_response(payload_version: str, status: int = 502) -> HttpResponse:
    """A function error or a malformed answer (502), or a function the gateway could not
    invoke (500), worded as each kind of API words it."""
    if payload_version == "1.0":
        return gateway_error(status, "Internal server error")
    return gateway_error(status, "Internal Server Error")


def url_function_error() -> HttpResponse:
    """A function URL's answer to a function error or a malformed answer: 502 with the bare
    words, where an HTTP API answers them as a JSON message."""
    return HttpResponse(502, [("Content-Type", "application/json")], b"Internal Server Error")


def url_access_denied(message: str | None) -> HttpResponse:
    """A function URL's refusal (403 AccessDeniedException): with AWS's words when its policy
    does not let the caller in, with a null message for a URL that does not exist."""
    body = json.dumps({"Message": message}, separators=(",", ":")).encode()
    return HttpResponse(403, [("Content-Type", "application/json"),
                              ("x-amzn-ErrorType", "AccessDeniedException")], body)


def throttled_response(payload_version: str) -> HttpResponse:
    """Lambda throttled the invoke: REST APIs pass on 429, HTTP APIs answer 503."""
    if payload_version == "1.0":
        return gateway_error(429, "Too Many Requests")
    return gateway_error(503, "Service Unavailable")


def response_from_v2(payload: bytes, json_body: bool = False) -> HttpResponse:
    """A 2.0 answer: a dict with `statusCode` is a full response (whose `body` may be JSON
    other than a string when `json_body`, as a function URL takes it, sent as that JSON);
    any other answer becomes a 200 `application/json` response: a string as its text, other
    JSON (a bare dict, number, list) written out again compactly, as AWS sends it."""
    answer = _parse(payload)
    if not isinstance(answer, dict) or "statusCode" not in answer:
        text = answer if isinstance(answer, str) else compact_json(answer)
        return HttpResponse(200, [("Content-Type", "application/json")], text.encode("utf-8"))
    headers = header_pairs(answer.get("headers"))
    cookies = answer.get("cookies") or []
    if not isinstance(cookies, list) or not all(isinstance(c, str) for c in cookies):
        raise MalformedResponse("cookies must be a list of strings")
    headers += [("Set-Cookie", cookie) for cookie in cookies]
    if json_body and answer.get("body") is not None and not isinstance(answer["body"], str):
        answer = {**answer, "body": compact_json(answer["body"])}
    return _response(answer, headers)


def compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def response_from_v1(payload: bytes) -> HttpResponse:
    """A 1.0 (REST proxy) answer: `statusCode` required; `headers` and `multiValueHeaders`
    merged, the multi-value ones winning for a name both set."""
    answer = _parse(payload)
    if not isinstance(answer, dict) or "statusCode" not in answer:
        raise MalformedResponse("a proxy integration response needs a statusCode")
    multi = answer.get("multiValueHeaders") or {}
    if not isinstance(multi, dict):
        raise MalformedResponse("multiValueHeaders must be an object")
    headers: list[tuple[str, str]] = []
    for key, values in multi.items():
        if not isinstance(values, list):
            raise MalformedResponse("multiValueHeaders values must be lists")
        headers += [(key, _header_value(value)) for value in values]
    named = {key.lower() for key in multi}
    headers += [(k, v) for k, v in header_pairs(answer.get("headers")) if k.lower() not in named]
    return _response(answer, headers)


def _parse(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedResponse(f"the answer is not JSON: {error}") from None


def _response(answer: dict[str, Any], headers: list[tuple[str, str]]) -> HttpResponse:
    status = answer["statusCode"]
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise MalformedResponse(f"statusCode {status!r} is not an HTTP status")
    body = answer.get("body")
    if body is None:
        data = b""
    elif not isinstance(body, str):
        raise MalformedResponse("body must be a string")
    elif answer.get("isBase64Encoded"):
        try:
            data = base64.b64decode(body, validate=True)
        except binascii.Error:
            raise MalformedResponse("body is not valid base64") from None
    else:
        data = body.encode("utf-8")
    headers = [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP_HEADERS]
    if not any(key.lower() == "content-type" for key, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return HttpResponse(status, headers, data)


def header_pairs(headers: Any) -> list[tuple[str, str]]:
    """A response's `headers` object as name/value pairs, the values as text."""
    if headers is None:
        return []
    if not isinstance(headers, dict):
        raise MalformedResponse("headers must be an object")
    return [(key, _header_value(value)) for key, value in headers.items()]


def _header_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, (dict, list)):
        raise MalformedResponse("header values must be strings, numbers or booleans")
    return json.dumps(value)


# -- CORS, as function URLs apply their Cors setting -----------------------------------------


def cors_headers(cors: dict[str, Any], origin: str | None) -> list[tuple[str, str]]:
    """The CORS headers for an actual request from `origin`; none when it is not allowed."""
    if origin is None or not _origin_allowed(cors, origin):
        return []
    allowed = cors.get("AllowOrigins") or []
    headers = [("Access-Control-Allow-Origin", "*" if "*" in allowed and not
                cors.get("AllowCredentials") else origin)]
    if cors.get("AllowCredentials"):
        headers.append(("Access-Control-Allow-Credentials", "true"))
    if cors.get("ExposeHeaders"):
        headers.append(("Access-Control-Expose-Headers", ",".join(cors["ExposeHeaders"])))
    return headers


def preflight_response(cors: dict[str, Any], origin: str) -> HttpResponse:
    """The answer to a CORS preflight, made without invoking the function."""
    headers = cors_headers(cors, origin)
    if headers:
        if cors.get("AllowMethods"):
            headers.append(("Access-Control-Allow-Methods", ",".join(cors["AllowMethods"])))
        if cors.get("AllowHeaders"):
            headers.append(("Access-Control-Allow-Headers", ",".join(cors["AllowHeaders"])))
        if cors.get("MaxAge") is not None:
            headers.append(("Access-Control-Max-Age", str(cors["MaxAge"])))
    return HttpResponse(200, headers)


def _origin_allowed(cors: dict[str, Any], origin: str) -> bool:
    allowed = [value.lower() for value in cors.get("AllowOrigins") or []]
    return "*" in allowed or origin.lower() in allowed
