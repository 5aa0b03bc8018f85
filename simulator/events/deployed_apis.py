"""APIs deployed into the embedded API Gateway (by a stack, `sam deploy`, a CDK app or boto3):
their Lambda proxy integrations served as the simulator's own routes are, read from the
service when a request for the API comes, so whatever made the API, its stage answers at
`/_simulator/http/API/STAGE/...`.

A REST API's resources and methods with an AWS_PROXY integration become payload 1.0 routes
of each of its stages; an HTTP API's routes whose target is an AWS_PROXY integration keep
their route keys and the integration's payload format version. What was read is kept for
`CACHE_SECONDS`, so a request costs no more than a few reads of the service."""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from simulator.events.http_routes import Route

CACHE_SECONDS = 2.0
MAX_CACHED = 256
# A REST API integration's URI names the function's ARN inside Lambda's Invoke path.
INVOKE_PATH = re.compile(r"arn:aws[a-z-]*:apigateway:[^:]+:lambda:path/\d{4}-\d\d-\d\d/"
                         r"functions/(?P<function>arn:[^/]+)/invocations")
FUNCTION_ARN = re.compile(r"arn:aws[a-z-]*:lambda:[^:]+:\d{12}:function:[^/]+")


class DeployedApis:
    def __init__(self, client: Callable[[str], Any],
                 services_loaded: Callable[[], bool] = lambda: True) -> None:
        self._client = client
        self._services_loaded = services_loaded
        self._cache: OrderedDict[tuple[str, str], tuple[float, list[Route]]] = OrderedDict()
        self._lock = threading.Lock()

    def routes(self, api_id: str, stage: str) -> list[Route]:
        """The stage's routes to functions; none for an API or stage that does not exist."""
        if not self._services_loaded():
            return []
        key = (api_id, stage)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        try:
            found = self._rest_routes(api_id, stage) or self._http_routes(api_id, stage)
        except (BotoCoreError, ClientError):
            found = []
        with self._lock:
            self._cache[key] = (time.monotonic(), found)
            self._cache.move_to_end(key)
            while len(self._cache) > MAX_CACHED:
                self._cache.popitem(last=False)
        return found

    def _rest_routes(self, api_id: str, stage: str) -> list[Route]:
        apigateway = self._client("apigateway")
        try:
            apigateway.get_stage(restApiId=api_id, stageName=stage)
        except ClientError:
            return []
        routes = []
        for page in apigateway.get_paginator("get_resources").paginate(
                restApiId=api_id, embed=["methods"]):
            for resource in page["items"]:
                for method, settings in (resource.get("resourceMethods") or {}).items():
                    function = rest_integration_function(settings.get("methodIntegration"))
                    if function is not None:
                        routes.append(Route(api_id, f"{method.upper()} {resource['path']}",
                                            function, "1.0", stage))
        return routes

    def _http_routes(self, api_id: str, stage: str) -> list[Route]:
        apigatewayv2 = self._client("apigatewayv2")
        try:
            apigatewayv2.get_stage(ApiId=api_id, StageName=stage)
        except ClientError:
            return []
        integrations = {item["IntegrationId"]: item for page in
                        apigatewayv2.get_paginator("get_integrations").paginate(ApiId=api_id)
                        for item in page["Items"]}
        routes = []
        for page in apigatewayv2.get_paginator("get_routes").paginate(ApiId=api_id):
            for route in page["Items"]:
                target = str(route.get("Target", ""))
                integration = integrations.get(target.removeprefix("integrations/"))
                function = http_integration_function(integration)
                if function is not None and integration is not None:
                    routes.append(Route(api_id, route["RouteKey"], function,
                                        str(integration.get("PayloadFormatVersion") or "2.0"),
                                        stage))
        return routes


def rest_integration_function(integration: Any) -> str | None:
    """The function a REST API method's Lambda proxy integration invokes, if it is one (an
    imported OpenAPI body writes the type in lower case)."""
    if not isinstance(integration, dict) or \
            str(integration.get("type", "")).upper() != "AWS_PROXY":
        return None
    match = INVOKE_PATH.fullmatch(str(integration.get("uri", "")))
    return match.group("function") if match else None


def http_integration_function(integration: Any) -> str | None:
    """The function an HTTP API's Lambda proxy integration invokes (by ARN, or by the REST
    form of its URI), if it is one."""
    if not isinstance(integration, dict) or \
            str(integration.get("IntegrationType", "")).upper() != "AWS_PROXY":
        return None
    uri = str(integration.get("IntegrationUri", ""))
    match = INVOKE_PATH.fullmatch(uri)
    if match is not None:
        return match.group("function")
    return uri if FUNCTION_ARN.fullmatch(uri) else None
