"""The function operations of the Lambda API (create, read, update, delete, concurrency,
event invoke configs) and what a reference names: `$LATEST`, a version or an alias."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool
from simulator.errors import (
    CodeSigningConfigNotFoundException,
    EnvironmentUnavailable,
    InvalidParameterValueException,
    PreconditionFailedException,
    ResourceConflictException,
    ResourceNotFoundException,
    UntypedInvalidParameterValueException,
    ValidationException,
)
from simulator.functions.arn_scope import refuse_foreign
from simulator.functions.code_signing_store import CodeSigningStore
from simulator.functions.code_store import CodeStore
from simulator.functions.code_upload import zip_from
from simulator.functions.folder_checksum import folder_digest
from simulator.functions.function_settings_store import FunctionSettingsStore
from simulator.functions.layer_operations import LayerService
from simulator.functions.local_code import LocalCode
from simulator.functions.policy_evaluation import INVOKE_FUNCTION, Caller, allows
from simulator.functions.policy_store import PolicyStore
from simulator.functions.registry import FunctionRegistry
from simulator.functions.strict_mode import StrictMode
from simulator.functions.validation import (
    Violations,
    check_architectures,
    check_function_reference,
    check_qualifier,
    check_runnable,
    parse_function_reference,
    validate_function_settings,
    validate_function_version,
    validate_image_uri,
    validate_max_items,
    validate_package_type,
    validate_tags,
)
from simulator.functions.version_store import VersionStore
from simulator.models import LATEST, FunctionConfig, new_revision_id

log = logging.getLogger(__name__)

UNRESERVED_MINIMUM = 100


class FunctionOperations:
    """The control plane's functions: each `$LATEST` in the registry, its versions in the
    version store. A change to what runs is a new generation, whose old environments the
    pool retires."""

    def __init__(
        self,
        settings: Settings,
        registry: FunctionRegistry,
        code: CodeStore,
        pool: EnvironmentPool,
        versions: VersionStore,
        layers: LayerService | None = None,
        policies: PolicyStore | None = None,
        code_signing: CodeSigningStore | None = None,
        function_settings: FunctionSettingsStore | None = None,
        strict_mode: StrictMode | None = None,
        local_code: LocalCode | None = None,
    ) -> None:
        self.settings = settings
        self._versions = versions
        self._registry = registry
        self._code = code
        self._pool = pool
        self._layers = layers  # None: no layer can be attached
        self._policies = policies  # None: no function has a resource-based policy
        self._code_signing = code_signing  # None: no code signing configuration exists
        self._function_settings = function_settings  # None: every function has the defaults
        self._strict_mode = strict_mode  # None: nothing is checked beyond the API's rules
        self._local_code = local_code  # None: code comes only from uploads and S3
        self._write_lock = threading.Lock()

    # -- control plane ------------------------------------------------------------------------

    def create_function(self, body: dict[str, Any]) -> dict[str, Any]:
        package_type = validate_package_type(body.get("PackageType"))
        settings = validate_function_settings(body, creating=True, package_type=package_type)
        refuse_foreign(body["FunctionName"], self.settings.region, self.settings.account_id)
        if "Tags" in body:
            settings["tags"] = validate_tags(body["Tags"])
        if "Layers" in body:
            settings.update(self._attach_layers(body["Layers"]))
        code = self._code_settings(body.get("Code") or {}, package_type)
        self._check_runtime(settings["name"], settings["runtime"])
        signing_config = self._code_signing_config(body.get("CodeSigningConfigArn"))
        function = FunctionConfig(
            package_type=package_type, state="Active", last_update_status="Successful",
            **code, **settings,
        )
        if self._strict_mode is not None:
            self._strict_mode.check_new_function(function.name, function.role,
                                                 list(function.architectures),
                                                 function.is_interpreted)
        if not self._registry.add(function):
            raise ResourceConflictException(f"Function already exist: {function.name}")
        if signing_config is not None and self._code_signing is not None:
            self._code_signing.attach(function.name, signing_config)
        self._pool.anticipate(function)
        log.info("created function %s (%s)", function.name, function.runs_on)
        # The answer shows the function Pending, with the revision it had then: AWS gives it
        # another when it becomes Active, as the stored function already is.
        if body.get("Publish"):
            # AWS answers version 1, Pending, under the function's unqualified ARN.
            version = self.publish(function)
            answer = self._describe(version, state="Pending", last_update_status=None,
                                    revision_id=new_revision_id())
            return {**answer, "FunctionArn": self._describe(function)["FunctionArn"]}
        return self._describe(function, state="Pending", last_update_status=None,
                              revision_id=new_revision_id())

    def publish(self, latest: FunctionConfig, description: str | None = None
                ) -> FunctionConfig:
        """A version of `latest` (or the newest one, when it was taken from this revision),
        whose environments are its own."""
        return self._versions.publish(
            replace(latest, generation=time.time_ns(), event_invoke_config=None), description)

    def get_function(self, reference: str, qualifier: str | None = None) -> dict[str, Any]:
        function = self.function(reference, qualifier)
        configuration = self.get_function_configuration(reference, qualifier)
        code_url = f"{self.settings.endpoint_url}/_simulator/code/{function.name}.zip"
        location: dict[str, Any] = {"RepositoryType": "S3", "Location": code_url}
        if function.is_image:
            location = {"RepositoryType": "ECR", "ImageUri": function.image_uri,
                        "ResolvedImageUri": function.resolved_image_uri}
        result: dict[str, Any] = {"Configuration": configuration, "Code": location}
        if function.reserved_concurrency is not None:
            result["Concurrency"] = {"ReservedConcurrentExecutions": function.reserved_concurrency}
        latest = self._registry.get(function.name)
        if latest is not None and latest.tags:
            result["Tags"] = dict(latest.tags)
        return result

    def get_function_configuration(
        self, reference: str, qualifier: str | None = None
    ) -> dict[str, Any]:
        """Named with a qualifier (`$LATEST`, a version, an alias), the function answers under
        that qualified ARN, as AWS's does."""
        name, named = self.resolve_qualifier(reference, qualifier)
        configuration = self._describe(self.function(name, named))
        if named is not None:
            arn = f"arn:aws:lambda:{self.settings.region}:{self.settings.account_id}"
            configuration["FunctionArn"] = f"{arn}:function:{name}:{named}"
        return configuration

    def list_functions(self, marker: str | None, max_items: str | None,
                       function_version: str | None = None) -> dict[str, Any]:
        """Each function's `$LATEST`, by name; with FunctionVersion ALL, each followed by its
        published versions, `$LATEST` then named by its qualified ARN, as AWS lists them. The
        marker is the last entry's name (`name:version` with ALL)."""
        limit = validate_max_items(max_items)
        every_version = validate_function_version(function_version)
        after = _list_key_of_marker(marker) if marker else ("", -1)
        # Only the functions this page can reach are read: the marker's own (which may add
        # nothing more), the page's, and one beyond to tell whether another page follows.
        entries: list[FunctionConfig] = []
        for function in self._registry.from_name(after[0], limit + 2):
            candidates = [function]
            if every_version:
                candidates.extend(self._versions.versions(function.name))
            entries.extend(entry for entry in candidates if _list_key(entry) > after)
        page = entries[:limit]
        result: dict[str, Any] = {"Functions": [
            self._describe(entry, listed=True, qualified=every_version) for entry in page]}
        if len(entries) > limit:
            last = page[-1]
            result["NextMarker"] = f"{last.name}:{last.version}" if every_version else last.name
        return result

    def code_zip(self, name: str) -> bytes:
        function = self.function(name)
        if function.is_image:
            raise InvalidParameterValueException(
                f"Function {function.name} is a container image ({function.image_uri}): it "
                "has no deployment package to download.")
        return self._code.package(Path(function.code_dir))

    def update_function_code(self, reference: str, body: dict[str, Any]) -> dict[str, Any]:
        function = self.function(reference)
        _check_revision(function, body.get("RevisionId"))
        code = self._code_settings(body, function.package_type)
        if "Architectures" in body:
            violations = Violations()
            code["architectures"] = check_architectures(violations, body["Architectures"])
            violations.raise_if_any()
        if "architectures" in code and self._strict_mode is not None:
            self._strict_mode.check_architecture(function.name, list(code["architectures"]),
                                                 function.is_interpreted)
        if body.get("DryRun"):
            return self._describe(function)
        answer = self._replace(function, **code)
        if body.get("Publish"):
            # AWS answers the new version, Pending, rather than the update in progress.
            latest = self._registry.get(function.name)
            if latest is not None:
                return self._describe(self.publish(latest), state="Pending",
                                      last_update_status=None)
        return answer

    def update_function_configuration(
        self, reference: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        function = self.function(reference)
        _check_revision(function, body.get("RevisionId"))
        settings = validate_function_settings(body, creating=False,
                                              package_type=function.package_type,
                                              current=function)
        self._check_runtime(function.name, settings.get("runtime", ""))
        if "role" in settings and self._strict_mode is not None:
            self._strict_mode.check_role(function.name, settings["role"])
        if "Layers" in body:
            settings.update(self._attach_layers(body["Layers"]))
        return self._replace(function, **settings)

    def delete_function(self, reference: str, qualifier: str | None = None) -> None:
        """AWS refuses to delete `$LATEST` alone, and names a missing function without the
        qualifier asked for."""
        name, named = self.resolve_qualifier(reference, qualifier)
        if named == LATEST:
            raise InvalidParameterValueException(
                "$LATEST version cannot be deleted without deleting the function.")
        if self._registry.get(name) is None:
            raise ResourceNotFoundException(self._not_found(name))
        function = self.function(name, named)
        if function.version != LATEST:
            self._versions.delete_version(function.name, function.version)
            self.forget_policy(function.name, function.version)
            if self._function_settings is not None:
                self._function_settings.forget_function(function.name, function.version)
            self._pool.retire(function.pool_key, None)
            return
        name = function.name
        if self._registry.remove(name) is None:
            raise ResourceNotFoundException(self._not_found(name))
        self._versions.forget(name)
        if self._policies is not None:
            self._policies.forget_function(name)
        if self._code_signing is not None:
            self._code_signing.detach(name)
        if self._function_settings is not None:
            self._function_settings.forget_function(name)
        self._pool.retire_function(name)
        log.info("deleted function %s", name)

    def lets_in(self, reference: str, caller: Caller, action: str = INVOKE_FUNCTION
                ) -> bool:
        """Whether the function's policy lets `caller` (a trigger's service, a function URL's
        public) invoke it; a policy that does not is let pass with a warning line, except in
        strict mode. Raises ResourceNotFoundException for a function that doesn't exist."""
        function = self.function(reference)
        if self._strict_mode is None:
            return True
        qualifier = parse_function_reference(reference)[1] or ""
        policy = self._policies.function_policy(function.name, qualifier) \
            if self._policies is not None else None
        if policy is not None and allows(policy.statements, caller, action):
            return True
        target = function.name + (f":{qualifier}" if qualifier else "")
        return self._strict_mode.lets_pass(
            f"policy:{target}:{caller.principal}:{action}",
            f"function {target}: its policy does not allow {caller.principal} to call "
            f"{action}" + (f" from {caller.source_arn}" if caller.source_arn else "")
            + " (aws lambda add-permission grants it); AWS would refuse it")

    def forget_policy(self, name: str, qualifier: str) -> None:
        """A deleted version or alias takes its resource-based policy with it."""
        if self._policies is not None:
            self._policies.forget_function(name, qualifier)

    def put_function_concurrency(self, reference: str, body: dict[str, Any]) -> dict[str, Any]:
        if self.resolve_qualifier(reference, None)[1] is not None:
            raise InvalidParameterValueException(
                "This operation is permitted on Lambda functions only. Aliases and versions do "
                "not support this operation. Please specify either a function name or an "
                "unqualified function ARN.")
        function = self.function(reference, latest_when_missing=True)
        reserved = body.get("ReservedConcurrentExecutions")
        if not isinstance(reserved, int) or isinstance(reserved, bool) or reserved < 0:
            raise InvalidParameterValueException(
                "ReservedConcurrentExecutions must be a non-negative integer"
            )
        provisioned = sum(self._pool.provisioned_of(function.name).values())
        if reserved < provisioned:  # AWS words this refusal without the usual `Type`
            raise UntypedInvalidParameterValueException(
                f" ReservedConcurrentExecutions  {reserved} should not be lower than function's "
                f"total provisioned concurrency [{provisioned}].")
        others = sum(
            f.reserved_concurrency or 0 for f in self._registry.all() if f.name != function.name
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

    def store_settings(self, function: FunctionConfig, **changes: Any) -> None:
        """A change to `$LATEST` or a published version that does not touch what runs."""
        if function.version == LATEST:
            self._store(function, **changes)
        else:
            self._versions.put_version(replace(function, **changes))

    def _code_settings(self, code: dict[str, Any], package_type: str) -> dict[str, Any]:
        """A Zip's unpacked folder, or the image an ImageUri names, pinned to its id as AWS
        pins an image to its digest: a later build under the same tag needs a code update."""
        uri = validate_image_uri(code, package_type)
        local = self._local_code.path(code) if self._local_code is not None else None
        if local is not None and not local.exists():
            raise InvalidParameterValueException(f"The code path {local} does not exist.")
        if uri is None and local is not None and local.is_dir():
            sha256, size = folder_digest(local)
            return {"code_sha256": sha256, "code_size": size, "code_dir": str(local)}
        if uri is None:
            stored = self._code.store(local.read_bytes() if local is not None
                                      else zip_from(code))
            return {"code_sha256": stored.sha256, "code_size": stored.size,
                    "code_dir": str(stored.directory)}
        try:
            image_id = self._pool.resolve_image(uri)
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

    # -- what the registry holds ------------------------------------------------------------

    def latest(self, name: str) -> FunctionConfig | None:
        """A function's `$LATEST`, None if there is no such function."""
        return self._registry.get(name)

    def all_latest(self) -> list[FunctionConfig]:
        """Every function's `$LATEST`, sorted by name."""
        return self._registry.all()

    def published_versions(self, name: str) -> list[FunctionConfig]:
        return self._versions.versions(name)

    # -- helpers --------------------------------------------------------------------------

    def function(self, reference: str, qualifier: str | None = None,
                 route: bool = False, latest_when_missing: bool = False) -> FunctionConfig:
        """The configuration a reference names: `$LATEST`, a version, or an alias's version
        (with `route`, an alias's traffic weights pick the version, as an invoke does). A
        missing function is named as given; an invoke (`route`), or a caller passing
        `latest_when_missing`, names an unqualified one's `$LATEST`, as AWS's answers do."""
        name, qualifier = self.resolve_qualifier(reference, qualifier)
        function = self._registry.get(name)
        if function is not None and qualifier not in (None, LATEST):
            alias = None if qualifier.isdigit() else self._versions.alias(name, qualifier)
            version = qualifier if alias is None else (
                alias.pick_version() if route else alias.function_version)
            function = function if version == LATEST else self._versions.version(name, version)
        if function is None:
            if qualifier is None and (route or latest_when_missing):
                qualifier = LATEST
            raise ResourceNotFoundException(self._not_found(name, qualifier))
        return function

    def lookup(self, reference: str) -> FunctionConfig | None:
        """Like `function`, but None for a name that no longer resolves."""
        try:
            return self.function(reference)
        except (ResourceNotFoundException, ValidationException):
            return None

    def resolve_qualifier(self, reference: str, qualifier: str | None) -> tuple[str, str | None]:
        """The function's name and the qualifier named, in the reference or beside it; one
        ValidationException lists what is wrong with both."""
        violations = Violations()
        if qualifier is not None:
            check_qualifier(violations, qualifier)
        parts = check_function_reference(violations, reference)
        violations.raise_if_any()
        assert parts is not None
        name, derived = parts
        if derived and qualifier and derived != qualifier:
            raise InvalidParameterValueException(
                "The derived qualifier from the function name does not match the specified "
                "qualifier."
            )
        return name, derived or qualifier

    def _not_found(self, name: str, qualifier: str | None = None) -> str:
        arn = f"arn:aws:lambda:{self.settings.region}:{self.settings.account_id}:function:{name}"
        return f"Function not found: {arn}" + (f":{qualifier}" if qualifier else "")

    def put_function(self, function: FunctionConfig, warm_first: bool = False,
                     completes_creation: bool = False) -> FunctionConfig:
        """Create or replace a function defined outside the API (a template, a code folder).
        A replacement is a new generation: the old environments retire. `warm_first` starts
        the new generation's environment before publishing it (hot reload).
        `completes_creation`: the function was only just created, so a failure fails it as
        a creation rather than as an update."""
        if self._strict_mode is not None and function.state != "Failed":
            self._strict_mode.check_architecture(function.name, list(function.architectures),
                                                 function.is_interpreted)
        with self._write_lock:
            current = self._registry.get(function.name)
            if function.state == "Failed":
                return self._put_failure(None if completes_creation else current, function)
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
                    self._pool.warm_up(stored, self.settings.init_timeout)
            self._registry.put(stored)
        if current is not None:
            self._pool.retire(stored.name, stored.generation)
        self._pool.anticipate(stored)
        return stored

    def _put_failure(self, current: FunctionConfig | None, failed: FunctionConfig
                     ) -> FunctionConfig:
        """A definition that could not be deployed: a new function is Failed, as AWS leaves
        one it could not create; an existing one keeps its code and configuration, and its
        last update says Failed, as AWS aborts an update. Either way, with the reason."""
        stored = replace(failed, last_update_status="Failed") if current is None \
            else replace(current, last_update_status="Failed", revision_id=new_revision_id(),
                         status_reason=failed.status_reason,
                         status_reason_code=failed.status_reason_code)
        self._registry.put(stored)
        return stored

    def _check_runtime(self, name: str, runtime: str) -> None:
        """A runtime AWS takes but the simulator cannot run deploys with a warning, as on
        AWS, unless strict mode refuses it; with no mode given, it is refused."""
        if self._strict_mode is None:
            check_runnable(runtime)
        else:
            self._strict_mode.check_runtime(name, runtime)

    def _code_signing_config(self, arn: Any) -> str | None:
        """CreateFunction's CodeSigningConfigArn, which must name an existing configuration."""
        if arn is None:
            return None
        if self._code_signing is None or self._code_signing.config(str(arn)) is None:
            raise CodeSigningConfigNotFoundException(str(arn))
        return str(arn)

    def _attach_layers(self, arns: Any) -> dict[str, Any]:
        if self._layers is None:
            if arns:
                raise InvalidParameterValueException(f"Layer version {arns[0]} does not exist.")
            return {"layers": [], "opt_dir": ""}
        return self._layers.attach(arns)

    def _replace(self, function: FunctionConfig, **changes: Any) -> dict[str, Any]:
        """A new generation of the function; its old environments retire. The answer shows the
        update in progress, with the revision it had then: AWS gives the function another
        revision when the update completes, as it does when a new function becomes Active."""
        with self._write_lock:
            updated = (self._registry.get(function.name) or function).updated(**changes)
            self._registry.put(updated)
        self._pool.retire(updated.name, updated.generation)
        self._pool.anticipate(updated)
        return self._describe(updated, last_update_status="InProgress",
                              revision_id=new_revision_id())

    def store_tags(self, function: FunctionConfig, tags: dict[str, str]) -> None:
        """New tags are a new revision of the function, as AWS's RevisionId shows."""
        self._store(function, tags=tags, revision_id=new_revision_id())

    def _store(self, function: FunctionConfig, **changes: Any) -> None:
        """A change that does not touch what runs (e.g. concurrency): same generation."""
        with self._write_lock:
            self._registry.put(replace(self._registry.get(function.name) or function, **changes))

    def _describe(self, function: FunctionConfig, listed: bool = False,
                  qualified: bool = False, **overrides: Any) -> dict[str, Any]:
        shown = replace(function, **overrides) if overrides else function
        return shown.to_api(self.settings.region, self.settings.account_id, listed, qualified)


def _list_key(function: FunctionConfig) -> tuple[str, int]:
    """Where an entry sorts in ListFunctions: by name, `$LATEST` before its versions."""
    return function.name, 0 if function.version == LATEST else int(function.version)


def _list_key_of_marker(marker: str) -> tuple[str, int]:
    name, _, version = marker.partition(":")
    return name, int(version) if version.isdigit() else 0


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
