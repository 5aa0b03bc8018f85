"""The Lambda service: the control-plane operations and the invoke path
(lookup → acquire an environment → hand the invocation over → wait for its answer)."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from simulator.config import Settings
from simulator.environments.environment import Environment
from simulator.environments.pool import EnvironmentPool
from simulator.errors import (
    EnvironmentUnavailable,
    InvalidParameterValueException,
    InvalidRequestContentException,
    PreconditionFailedException,
    RequestEntityTooLargeException,
    ResourceConflictException,
    ResourceNotFoundException,
    TooManyRequestsException,
    ValidationException,
)
from simulator.functions.code_store import CodeStore
from simulator.functions.code_upload import zip_from
from simulator.functions.layer_operations import LayerService
from simulator.functions.registry import FunctionRegistry
from simulator.functions.validation import (
    MAX_LIST_ITEMS,
    Violations,
    check_architectures,
    check_qualifier,
    parse_function_reference,
    validate_event_invoke_config,
    validate_function_settings,
    validate_image_uri,
    validate_max_items,
    validate_package_type,
    validate_tags,
)
from simulator.functions.version_store import VersionStore
from simulator.invocation.async_invocations import AsyncInvocations
from simulator.invocation.destinations import DestinationSender
from simulator.invocation.observer import InvocationObserver, NoObserver
from simulator.models import (
    LATEST,
    FunctionConfig,
    Invocation,
    InvocationResult,
    new_revision_id,
)

log = logging.getLogger(__name__)

MAX_SYNC_PAYLOAD = 6_291_456
MAX_ASYNC_PAYLOAD = 1_048_576
MAX_CLIENT_CONTEXT = 3583
UNRESERVED_MINIMUM = 100
LOG_TAIL_WAIT_SECONDS = 1.0
DEBUGGER_ATTACH_SECONDS = 600.0


@dataclass
class InvokeOutcome:
    status: int
    payload: bytes = b""
    function_error: str | None = None
    log_result: str | None = None
    executed_version: str | None = None
    result: InvocationResult | None = None
    # AWS's `x-amzn-RequestId`: a synchronous invoke's is the id its function sees.
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))


class LambdaService:
    def __init__(
        self,
        settings: Settings,
        registry: FunctionRegistry,
        code: CodeStore,
        pool: EnvironmentPool,
        versions: VersionStore,
        observer: InvocationObserver | None = None,
        layers: LayerService | None = None,
    ) -> None:
        self.settings = settings
        self.observer = observer or NoObserver()
        self.versions = versions
        self.registry = registry
        self.code = code
        self.pool = pool
        self.layers = layers  # None: no layer can be attached
        self._async = AsyncInvocations(
            settings, self.lookup, self.run, DestinationSender(settings, self.submit_event)
        )
        self._write_lock = threading.Lock()

    # -- control plane ------------------------------------------------------------------------

    def create_function(self, body: dict[str, Any]) -> dict[str, Any]:
        package_type = validate_package_type(body.get("PackageType"))
        settings = validate_function_settings(body, creating=True, package_type=package_type)
        if "Tags" in body:
            settings["tags"] = validate_tags(body["Tags"])
        if "Layers" in body:
            settings.update(self._attach_layers(body["Layers"]))
        code = self._code_settings(body.get("Code") or {}, package_type)
        function = FunctionConfig(
            package_type=package_type, state="Active", last_update_status="Successful",
            **code, **settings,
        )
        if not self.registry.add(function):
            raise ResourceConflictException(f"Function already exist: {function.name}")
        self.pool.anticipate(function)
        log.info("created function %s (%s)", function.name, function.runs_on)
        return self._describe(function, state="Pending", last_update_status=None)

    def get_function(self, reference: str, qualifier: str | None = None) -> dict[str, Any]:
        function = self.function(reference, qualifier)
        code_url = f"{self.settings.endpoint_url}/_simulator/code/{function.name}.zip"
        location: dict[str, Any] = {"RepositoryType": "S3", "Location": code_url}
        if function.is_image:
            location = {"RepositoryType": "ECR", "ImageUri": function.image_uri,
                        "ResolvedImageUri": function.resolved_image_uri}
        result: dict[str, Any] = {
            "Configuration": self._describe(function),
            "Code": location,
        }
        if function.reserved_concurrency is not None:
            result["Concurrency"] = {"ReservedConcurrentExecutions": function.reserved_concurrency}
        latest = self.registry.get(function.name)
        if latest is not None and latest.tags:
            result["Tags"] = dict(latest.tags)
        return result

    def get_function_configuration(
        self, reference: str, qualifier: str | None = None
    ) -> dict[str, Any]:
        return self._describe(self.function(reference, qualifier))

    def list_functions(self, marker: str | None, max_items: str | None) -> dict[str, Any]:
        limit = validate_max_items(max_items)
        functions = self.registry.all()
        start = 0
        if marker:
            names = [function.name for function in functions]
            start = next((i for i, name in enumerate(names) if name > marker), len(names))
        page = functions[start : start + min(limit, MAX_LIST_ITEMS)]
        result: dict[str, Any] = {"Functions": [self._describe(f) for f in page]}
        if start + len(page) < len(functions):
            result["NextMarker"] = page[-1].name
        return result

    def code_zip(self, name: str) -> bytes:
        function = self.function(name)
        if function.is_image:
            raise InvalidParameterValueException(
                f"Function {function.name} is a container image ({function.image_uri}): it "
                "has no deployment package to download.")
        return self.code.zip_path(Path(function.code_dir)).read_bytes()

    def update_function_code(self, reference: str, body: dict[str, Any]) -> dict[str, Any]:
        function = self.function(reference)
        _check_revision(function, body.get("RevisionId"))
        code = self._code_settings(body, function.package_type)
        if "Architectures" in body:
            violations = Violations()
            code["architectures"] = check_architectures(violations, body["Architectures"])
            violations.raise_if_any()
        if body.get("DryRun"):
            return self._describe(function)
        return self._replace(function, **code)

    def update_function_configuration(
        self, reference: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        function = self.function(reference)
        _check_revision(function, body.get("RevisionId"))
        settings = validate_function_settings(body, creating=False,
                                              package_type=function.package_type)
        if "Layers" in body:
            settings.update(self._attach_layers(body["Layers"]))
        return self._replace(function, **settings)

    def delete_function(self, reference: str, qualifier: str | None = None) -> None:
        function = self.function(reference, qualifier)
        if function.version != LATEST:
            self.versions.delete_version(function.name, function.version)
            self.pool.retire(function.pool_key, None)
            return
        name = function.name
        if self.registry.remove(name) is None:
            raise ResourceNotFoundException(self._not_found(name))
        self.versions.forget(name)
        self.pool.retire_function(name)
        log.info("deleted function %s", name)

    def put_function_concurrency(self, reference: str, body: dict[str, Any]) -> dict[str, Any]:
        function = self.function(reference)
        reserved = body.get("ReservedConcurrentExecutions")
        if not isinstance(reserved, int) or isinstance(reserved, bool) or reserved < 0:
            raise InvalidParameterValueException(
                "ReservedConcurrentExecutions must be a non-negative integer"
            )
        others = sum(
            f.reserved_concurrency or 0 for f in self.registry.all() if f.name != function.name
        )
        if others + reserved > self.settings.account_concurrency - UNRESERVED_MINIMUM:
            raise InvalidParameterValueException(
                "Specified ReservedConcurrentExecutions for function decreases account's "
                f"UnreservedConcurrentExecution below its minimum value of [{UNRESERVED_MINIMUM}]."
            )
        self._store(function, reserved_concurrency=reserved)
        return {"ReservedConcurrentExecutions": reserved}

    def get_function_concurrency(self, reference: str) -> dict[str, Any]:
        function = self.function(reference)
        if function.reserved_concurrency is None:
            return {}
        return {"ReservedConcurrentExecutions": function.reserved_concurrency}

    def delete_function_concurrency(self, reference: str) -> None:
        self._store(self.function(reference), reserved_concurrency=None)

    def put_event_invoke_config(self, reference: str, body: dict[str, Any],
                                merge: bool = False) -> dict[str, Any]:
        """Put replaces the whole configuration; Update (merge=True) changes the given fields."""
        function = self.function(reference)
        config = validate_event_invoke_config(body)
        if merge:
            if function.event_invoke_config is None:
                raise ResourceNotFoundException(
                    f"The function {function.arn(self.settings.region, self.settings.account_id)}"
                    " doesn't have an EventInvokeConfig")
            config = {**function.event_invoke_config, **config}
        config["LastModified"] = time.time()
        self._store(function, event_invoke_config=config)
        return self._event_invoke_config_api(function, config)

    def get_event_invoke_config(self, reference: str) -> dict[str, Any]:
        function = self.function(reference)
        if function.event_invoke_config is None:
            raise ResourceNotFoundException(
                f"The function {function.arn(self.settings.region, self.settings.account_id)} "
                "doesn't have an EventInvokeConfig")
        return self._event_invoke_config_api(function, function.event_invoke_config)

    def list_event_invoke_configs(self, reference: str) -> dict[str, Any]:
        function = self.function(reference)
        configs = [] if function.event_invoke_config is None else [
            self._event_invoke_config_api(function, function.event_invoke_config)]
        return {"FunctionEventInvokeConfigs": configs}

    def delete_event_invoke_config(self, reference: str) -> None:
        self.get_event_invoke_config(reference)
        self._store(self.function(reference), event_invoke_config=None)

    def _code_settings(self, code: dict[str, Any], package_type: str) -> dict[str, Any]:
        """A Zip's unpacked folder, or the image an ImageUri names, pinned to its id as AWS
        pins an image to its digest: a later build under the same tag needs a code update."""
        uri = validate_image_uri(code, package_type)
        if uri is None:
            stored = self.code.store(zip_from(code))
            return {"code_sha256": stored.sha256, "code_size": stored.size,
                    "code_dir": str(stored.directory)}
        try:
            image_id = self.pool.resolve_image(uri)
        except EnvironmentUnavailable as error:  # checked, and refused, at the first invoke
            log.warning("cannot check the image %s: %s", uri, error)
            return {"image_uri": uri, "resolved_image_uri": uri, "code_sha256": "",
                    "code_size": 0}
        if image_id is None:
            raise InvalidParameterValueException(
                f"Source image {uri} does not exist. Provide a valid source image.")
        digest = image_id.removeprefix("sha256:")
        return {"image_uri": uri, "resolved_image_uri": _resolved_image_uri(uri, digest),
                "code_sha256": digest, "code_size": 0}

    def _event_invoke_config_api(self, function: FunctionConfig,
                                 config: dict[str, Any]) -> dict[str, Any]:
        arn = function.arn(self.settings.region, self.settings.account_id)
        return {"FunctionArn": f"{arn}:{LATEST}", "DestinationConfig": {}, **config}

    # -- invoke ---------------------------------------------------------------------------

    def invoke(
        self,
        reference: str,
        qualifier: str | None,
        payload: bytes,
        invocation_type: str = "RequestResponse",
        log_type: str | None = None,
        client_context: str | None = None,
        trace_id: str | None = None,
    ) -> InvokeOutcome:
        function = self.function(reference, qualifier, route=True)
        if invocation_type not in ("RequestResponse", "Event", "DryRun"):
            raise InvalidParameterValueException(
                f"Unsupported invocation type {invocation_type}"
            )
        limit = MAX_ASYNC_PAYLOAD if invocation_type == "Event" else MAX_SYNC_PAYLOAD
        if len(payload) > limit:
            raise RequestEntityTooLargeException(
                f"Request must be smaller than {limit} bytes for the InvokeFunction operation"
            )
        payload = _checked_json(payload)
        context = _decode_client_context(client_context)
        if invocation_type == "DryRun":
            return InvokeOutcome(204)
        if invocation_type == "Event":
            self.submit_event(_reference(function), payload)
            return InvokeOutcome(202)
        result = self.run(function, payload, context, trace_id, want_log=log_type == "Tail")
        outcome = InvokeOutcome(200, result.payload, executed_version=function.version,
                                result=result, request_id=result.request_id)
        if result.failed:
            outcome.function_error = "Unhandled"
        if log_type == "Tail" and result.log_record is not None:
            result.log_record.complete.wait(LOG_TAIL_WAIT_SECONDS)
            outcome.log_result = base64.b64encode(result.log_record.tail().encode()).decode()
        return outcome

    def submit_event(self, reference: str, payload: bytes) -> None:
        """Queue an asynchronous invocation, as S3, SNS, EventBridge and `Event` invokes do."""
        function = self.function(reference, route=True)
        self._async.submit(_reference(function), payload)

    def deliver_if_known(self, function_arn: str, payload: bytes) -> bool:
        """Queue an event from a shared source (moto's S3/SNS/EventBridge) if the function
        is ours; False lets another simulator in the process take it."""
        try:
            self.submit_event(function_arn, payload)
        except (ResourceNotFoundException, ValidationException):
            return False
        return True

    def run(
        self,
        function: FunctionConfig,
        payload: bytes,
        client_context: str | None = None,
        trace_id: str | None = None,
        want_log: bool = False,
    ) -> InvocationResult:
        """Run one invocation to its answer: the path every event source shares."""
        started = time.monotonic()
        try:
            environment, cold = self.pool.acquire(function)
        except TooManyRequestsException:
            self.observer.record(function.name, None, throttled=True)
            raise
        acquired = time.monotonic()
        invocation = Invocation(
            payload=payload,
            invoked_arn=function.arn(self.settings.region, self.settings.account_id)
            + ("" if function.version == LATEST else f":{function.version}"),
            client_context=client_context,
            trace_id=trace_id or _new_trace_id(),
            want_log_tail=want_log,
        )
        self.pool.track_request(invocation.request_id, environment)
        cold = cold or not environment.initialised
        try:
            environment.assign(invocation)
            # Most answers come within the function's timeout even counted from here: one
            # wait, and no wake-up at the dispatch on the way (it would compete with the
            # Runtime API thread handing the event over).
            if not invocation.done.wait(function.timeout):
                self._await_late_answer(function, environment, invocation, acquired)
        finally:
            self.pool.forget_request(invocation.request_id)
            self.pool.release(environment)
        result = invocation.result or InvocationResult(
            json.dumps({"errorType": "Runtime.Unknown",
                        "errorMessage": f"RequestId: {invocation.request_id} Error: the "
                        "execution environment did not answer"}).encode(),
            error_type="Runtime.Unknown",
        )
        result.cold = cold
        result.request_id = invocation.request_id
        dispatched = invocation.dispatched_at or acquired
        result.phases_ms = {
            "launch": (acquired - started) * 1000,
            "init": (dispatched - acquired) * 1000,
            "invoke": (time.monotonic() - dispatched) * 1000,
        }
        self.observer.record(function.name, result, throttled=False)
        return result

    def _await_late_answer(self, function: FunctionConfig, environment: Environment,
                           invocation: Invocation, assigned_at: float) -> None:
        """The limits of a slow invocation: the runtime must take it within the start-up
        allowance, then answer by its deadline (the timeout counted from the dispatch)."""
        startup = self.settings.init_timeout + function.timeout
        if function.name in self.pool.debug_ports:
            startup = DEBUGGER_ATTACH_SECONDS  # the runtime waits for the debugger
        if not invocation.dispatched.wait(max(assigned_at + startup - time.monotonic(), 0)):
            environment.stop()
            invocation.dispatched.wait(1.0)
        remaining = invocation.deadline_ms / 1000 - time.time()
        if not invocation.done.wait(max(remaining, 0)):
            environment.time_out(invocation)
        invocation.done.wait(5.0)

    def shutdown(self) -> None:
        self._async.close()

    # -- helpers --------------------------------------------------------------------------

    def function(self, reference: str, qualifier: str | None = None,
                 route: bool = False) -> FunctionConfig:
        """The configuration a reference names: `$LATEST`, a version, or an alias's version
        (with `route`, an alias's traffic weights pick the version, as an invoke does)."""
        name, qualifier = self._resolve_qualifier(reference, qualifier)
        function = self.registry.get(name)
        if function is not None and qualifier not in (None, LATEST):
            alias = None if qualifier.isdigit() else self.versions.alias(name, qualifier)
            version = qualifier if alias is None else (
                alias.pick_version() if route else alias.function_version)
            function = function if version == LATEST else self.versions.version(name, version)
        if function is None:
            raise ResourceNotFoundException(self._not_found(name, qualifier))
        return function

    def lookup(self, reference: str) -> FunctionConfig | None:
        """Like `function`, but None for a name that no longer resolves."""
        try:
            return self.function(reference)
        except (ResourceNotFoundException, ValidationException):
            return None

    def _resolve_qualifier(self, reference: str, qualifier: str | None) -> tuple[str, str | None]:
        if qualifier is not None:
            check_qualifier(qualifier)
        name, derived = parse_function_reference(reference)
        if derived and qualifier and derived != qualifier:
            raise InvalidParameterValueException(
                "The derived qualifier from the function name does not match the specified "
                "qualifier."
            )
        return name, derived or qualifier

    def _not_found(self, name: str, qualifier: str | None = None) -> str:
        arn = f"arn:aws:lambda:{self.settings.region}:{self.settings.account_id}:function:{name}"
        return f"Function not found: {arn}:{qualifier or LATEST}"

    def put_function(self, function: FunctionConfig, warm_first: bool = False
                     ) -> FunctionConfig:
        """Create or replace a function defined outside the API (a template, a code folder).
        A replacement is a new generation: the old environments retire. `warm_first` starts
        the new generation's environment before publishing it (hot reload)."""
        with self._write_lock:
            current = self.registry.get(function.name)
            if current is None:
                stored = replace(function, state="Active", last_update_status="Successful")
            else:
                stored = replace(
                    function, state="Active", last_update_status="Successful",
                    generation=current.generation + 1, revision_id=new_revision_id(),
                    reserved_concurrency=current.reserved_concurrency,
                    event_invoke_config=current.event_invoke_config, tags=current.tags,
                )
                if warm_first:
                    self.pool.warm_up(stored, self.settings.init_timeout)
            self.registry.put(stored)
        if current is not None:
            self.pool.retire(stored.name, stored.generation)
        self.pool.anticipate(stored)
        return stored

    def _attach_layers(self, arns: Any) -> dict[str, Any]:
        if self.layers is None:
            if arns:
                raise InvalidParameterValueException(f"Layer version {arns[0]} does not exist.")
            return {"layers": [], "opt_dir": ""}
        return self.layers.attach(arns)

    def _replace(self, function: FunctionConfig, **changes: Any) -> dict[str, Any]:
        """A new generation of the function; its old environments retire."""
        with self._write_lock:
            updated = (self.registry.get(function.name) or function).updated(**changes)
            self.registry.put(updated)
        self.pool.retire(updated.name, updated.generation)
        self.pool.anticipate(updated)
        return self._describe(updated, last_update_status="InProgress")

    def store_tags(self, function: FunctionConfig, tags: dict[str, str]) -> None:
        self._store(function, tags=tags)

    def _store(self, function: FunctionConfig, **changes: Any) -> None:
        """A change that does not touch what runs (e.g. concurrency): same generation."""
        with self._write_lock:
            self.registry.put(replace(self.registry.get(function.name) or function, **changes))

    def _describe(self, function: FunctionConfig, **overrides: Any) -> dict[str, Any]:
        shown = replace(function, **overrides) if overrides else function
        return shown.to_api(self.settings.region, self.settings.account_id)


def _reference(function: FunctionConfig) -> str:
    return function.name if function.version == LATEST else f"{function.name}:{function.version}"


def _resolved_image_uri(uri: str, digest: str) -> str:
    """`repository@sha256:<digest>`, as AWS answers ResolvedImageUri: the tag or digest the
    ImageUri named gives way to the image it resolved to."""
    repository = uri.split("@", 1)[0]
    if ":" in repository.rsplit("/", 1)[-1]:  # a tag, not a registry's port
        repository = repository.rsplit(":", 1)[0]
    return f"{repository}@sha256:{digest}"


def _check_revision(function: FunctionConfig, revision_id: str | None) -> None:
    if revision_id and revision_id != function.revision_id:
        raise PreconditionFailedException(
            "The Revision Id provided does not match the latest Revision Id. Call the "
            "GetFunction/GetAlias API to retrieve the latest Revision Id"
        )


def _checked_json(payload: bytes) -> bytes:
    """AWS refuses a payload that is not JSON; an empty one arrives as `{}`."""
    if not payload.strip():
        return b"{}"
    try:
        json.loads(payload)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise InvalidRequestContentException(
            f"Could not parse request body into json: Could not parse payload into json: {error}"
        ) from None
    return payload


def _decode_client_context(encoded: str | None) -> str | None:
    if not encoded:
        return None
    if len(encoded) > MAX_CLIENT_CONTEXT:
        raise InvalidRequestContentException(
            f"Client context must be smaller than {MAX_CLIENT_CONTEXT} bytes."
        )
    try:
        decoded = base64.b64decode(encoded, validate=True).decode()
        json.loads(decoded)
    except (binascii.Error, ValueError):
        raise InvalidRequestContentException(
            "Client context must be a valid Base64-encoded JSON object."
        ) from None
    return decoded


def _new_trace_id() -> str:
    root = f"1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"
    return f"Root={root};Parent={uuid.uuid4().hex[:16]};Sampled=0"
