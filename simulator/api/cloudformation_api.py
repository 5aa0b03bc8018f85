"""CloudFormation on the simulator's endpoint: requests signed for `cloudformation` arrive here
in AWS's query protocol and leave as its XML, read and written from botocore's model."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from werkzeug.wrappers import Request, Response

from simulator.api.query_protocol import (
    MalformedQuery,
    parse_query,
    serialize_error,
    serialize_result,
)
from simulator.botocore_models import service_model
from simulator.stacks.errors import CloudFormationError

log = logging.getLogger(__name__)

REGION_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/]+)/")
Operation = Callable[[str, dict[str, Any]], Mapping[str, Any]]


class CloudFormationApi:
    """A WSGI app over `operations` (wire name -> (region, input) -> output)."""

    def __init__(self, operations: Mapping[str, Operation], default_region: str) -> None:
        self._operations = operations
        self._default_region = default_region

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        request = Request(environ)
        response = self._respond(request)
        return response(environ, start_response)

    def _respond(self, request: Request) -> Response:
        model = service_model("cloudformation")  # read on first use, then cached
        request_id = str(uuid.uuid4())
        params = {**request.args.to_dict(), **request.form.to_dict()}
        action = params.get("Action", "")
        version = model.api_version
        if action not in model.operation_names:
            return _error("InvalidAction", f"Could not find operation {action} for version "
                          f"{version}", request_id)
        if action not in self._operations:
            return _error("InvalidAction", f"The simulator does not implement the {action} "
                          "operation of CloudFormation", request_id)
        operation = model.operation_model(action)
        region = self._region(request)
        try:
            result = self._operations[action](region, parse_query(params, operation))
        except MalformedQuery as error:
            return _error("ValidationError", str(error), request_id)
        except CloudFormationError as error:
            return _error(error.code, error.message, request_id, error.status,
                          error.sender_fault)
        except Exception as error:  # the caller gets AWS's InternalFailure, the log the trace
            log.exception("CloudFormation %s failed", action)
            return _error("InternalFailure", f"An internal error occurred: {error}", request_id,
                          500, sender_fault=False)
        body = serialize_result(operation, result, request_id,
                                model.metadata["xmlNamespace"])
        return Response(body, 200, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id})

    def _region(self, request: Request) -> str:
        match = REGION_SCOPE.search(request.headers.get("Authorization", ""))
        return match.group(1) if match else self._default_region


def _error(code: str, message: str, request_id: str, status: int = 400,
           sender_fault: bool = True) -> Response:
    return Response(serialize_error(code, message, sender_fault, request_id), status,
                    {"Content-Type": "text/xml", "x-amzn-RequestId": request_id})
