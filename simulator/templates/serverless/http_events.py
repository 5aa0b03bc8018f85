"""`http` events (API Gateway REST APIs, Lambda proxy integration) and `httpApi` events (HTTP
APIs) as SAM `Api` and `HttpApi` events, and the APIs they join.

The `http` events join one REST API, `ApiGatewayRestApi` as the framework names it, deployed
to a stage named after the service's stage; `httpApi` events join SAM's implicit HTTP API,
whose `$default` stage is the one the framework deploys."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.templates.errors import TemplateError
from simulator.templates.serverless.naming import REST_API_ID

CORS_HEADERS = ("Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key",
                "X-Amz-Security-Token", "X-Amz-User-Agent", "X-Amzn-Trace-Id")
HTTP_API_CORS_KEYS = {"allowedOrigins": "AllowOrigins", "allowedHeaders": "AllowHeaders",
                      "allowedMethods": "AllowMethods", "allowCredentials": "AllowCredentials",
                      "exposedResponseHeaders": "ExposeHeaders", "maxAge": "MaxAge"}


@dataclass
class RestApi:
    """What the service's `http` events say about their shared REST API."""

    used: bool = False
    cors_origins: list[str] = field(default_factory=list)
    cors_headers: list[str] = field(default_factory=list)
    cors_methods: list[str] = field(default_factory=list)
    cors_credentials: bool = False

    def resource(self, service: str, stage: str, provider: dict[str, Any]) -> dict[str, Any]:
        """The `AWS::Serverless::Api` the events join, named `<stage>-<service>` unless
        `provider.apiName` names it."""
        properties: dict[str, Any] = {"StageName": stage,
                                      "Name": provider.get("apiName") or f"{stage}-{service}"}
        if self.cors_origins:
            properties["Cors"] = {
                "AllowOrigin": quoted(",".join(dict.fromkeys(self.cors_origins))),
                "AllowHeaders": quoted(",".join(dict.fromkeys(self.cors_headers))),
                "AllowMethods": quoted(",".join(dict.fromkeys(["OPTIONS", *self.cors_methods]))),
                **({"AllowCredentials": True} if self.cors_credentials else {}),
            }
        tracing = provider.get("tracing")
        if isinstance(tracing, dict) and tracing.get("apiGateway") is True:
            properties["TracingEnabled"] = True
        return {"Type": "AWS::Serverless::Api", "Properties": properties}

    def add_cors(self, cors: Any, method: str) -> None:
        if cors is None or cors is False:
            return
        settings = cors if isinstance(cors, dict) else {}
        origins = settings.get("origins") or [settings.get("origin") or "*"]
        self.cors_origins.extend(str(origin) for origin in origins)
        self.cors_headers.extend(str(header) for header in settings.get("headers")
                                 or CORS_HEADERS)
        self.cors_methods.append("*" if method == "ANY" else method)
        self.cors_credentials = self.cors_credentials or settings.get("allowCredentials") is True


def http_event(spec: Any, where: str, api: RestApi, warnings: list[str]) -> dict[str, Any]:
    """An `http` event (`GET hello` or {method, path, cors ...}) as a SAM `Api` event."""
    words = str(spec).split(None, 1)
    settings = spec if isinstance(spec, dict) else \
        dict(zip(("method", "path"), words, strict=False))
    method, path = str(settings.get("method") or "").upper(), settings.get("path")
    if not method or path is None:
        raise TemplateError(f"{where} needs a method and a path (`GET users/{{id}}` or "
                            "{method: get, path: users/{id}})")
    integration = str(settings.get("integration") or "lambda-proxy").lower()
    if integration not in ("lambda-proxy", "aws_proxy", "aws-proxy"):
        warnings.append(f"{where} has the integration {integration}, which the simulator does "
                        "not map; the function receives the Lambda proxy event instead.")
    if settings.get("authorizer"):
        warnings.append(f"{where} has an authorizer, which the simulator does not run; the "
                        "route is open.")
    api.used = True
    api.add_cors(settings.get("cors"), method)
    return {"Type": "Api", "Properties": {
        "Path": "/" + str(path).strip("/") if str(path).strip("/") else "/",
        "Method": method.lower(),
        "RestApiId": {"Ref": REST_API_ID},
    }}


def http_api_event(spec: Any, where: str, payload_version: str) -> dict[str, Any]:
    """An `httpApi` event (`'*'`, `GET /users` or {method, path}) as a SAM `HttpApi` event; a
    catch-all is the API's `$default` route."""
    if isinstance(spec, dict):
        method, path = str(spec.get("method") or "*"), spec.get("path")
    elif str(spec).strip() == "*":
        method, path = "*", None
    else:
        parts = str(spec).split(None, 1)
        if len(parts) != 2:
            raise TemplateError(f"{where} is {spec!r}; write it as '*' or 'METHOD /path'")
        method, path = parts
    properties: dict[str, Any] = {}
    if path is not None:
        properties["Path"] = "/" + str(path).lstrip("/")
        properties["Method"] = "ANY" if method == "*" else method.upper()
    elif method != "*":
        raise TemplateError(f"{where} has the method {method} but no path; give it a path")
    if payload_version != "2.0":
        properties["PayloadFormatVersion"] = payload_version
    return {"Type": "HttpApi", "Properties": properties}


def http_api_globals(provider: dict[str, Any]) -> dict[str, Any]:
    """`Globals.HttpApi` for `provider.httpApi.cors`, empty without it."""
    cors = http_api_settings(provider).get("cors")
    if not cors:
        return {}
    if not isinstance(cors, dict):
        return {"HttpApi": {"CorsConfiguration": {"AllowOrigins": ["*"],
                                                  "AllowHeaders": list(CORS_HEADERS),
                                                  "AllowMethods": ["*"]}}}
    configuration = {name: cors[key] for key, name in HTTP_API_CORS_KEYS.items() if key in cors}
    return {"HttpApi": {"CorsConfiguration": configuration}}


def payload_version(provider: dict[str, Any]) -> str:
    return str(http_api_settings(provider).get("payload") or "2.0")


def http_api_settings(provider: dict[str, Any]) -> dict[str, Any]:
    settings = provider.get("httpApi")
    return settings if isinstance(settings, dict) else {}


def quoted(value: str) -> str:
    """API Gateway's header values are string literals in single quotes."""
    return f"'{value}'"
