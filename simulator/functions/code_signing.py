"""Code signing configurations (Create, Get, Update, Delete and ListCodeSigningConfigs) and
the function that uses one (Put, Get and DeleteFunctionCodeSigningConfig,
ListFunctionsByCodeSigningConfig), with AWS's answers and error wording, checked against
responses recorded on AWS.

Signatures are not verified: the simulator has no AWS Signer to ask whether a deployment
package was signed by one of the allowed publishers, so every deployment is accepted, whatever
the configuration's UntrustedArtifactOnDeployment (`Warn` or `Enforce`) says. A
configuration's Tags are checked, not kept: the tagging operations serve functions only."""

from __future__ import annotations

import re
import secrets
import threading
from typing import Any

from simulator.config import Settings
from simulator.errors import (
    CodeSigningConfigNotFoundException,
    ResourceConflictException,
    ResourceNotFoundException,
    UntypedResourceNotFoundException,
)
from simulator.functions.code_signing_store import CodeSigningStore
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.validation import (
    Violations,
    check_length,
    check_pattern,
    parse_function_reference,
    validate_max_items,
    validate_tags,
)
from simulator.models import aws_timestamp

# The members' constraints, as botocore's model states them and AWS's messages quote them.
CONFIG_ARN = re.compile(
    r"arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:"
    r"code-signing-config:csc-[a-z0-9]{17}")
SIGNING_PROFILE_VERSION_ARN = re.compile(
    r"arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+"
    r"-\d{1})?:(\d{12})?:(.*)")
UNTRUSTED_ARTIFACT_POLICIES = ("Warn", "Enforce")
MAX_PUBLISHERS = 20
MAX_DESCRIPTION = 256


class CodeSigningConfigs:
    def __init__(self, settings: Settings, functions: FunctionOperations,
                 store: CodeSigningStore) -> None:
        self._settings = settings
        self._functions = functions
        self._store = store
        self._lock = threading.Lock()  # a check and the write it allows happen together

    # -- configurations ---------------------------------------------------------------------

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        v = Violations()
        publishers = _check_publishers(v, body.get("AllowedPublishers"))
        policy = _check_policies(v, body.get("CodeSigningPolicies")) or "Warn"
        description = body.get("Description", "")
        check_length(v, description, "description", MAX_DESCRIPTION)
        v.raise_if_any()
        if body.get("Tags") is not None:
            validate_tags(body["Tags"])
        config_id = "csc-" + secrets.token_hex(9)[:17]
        config = {
            "CodeSigningConfigId": config_id,
            "CodeSigningConfigArn": (f"arn:aws:lambda:{self._settings.region}:"
                                     f"{self._settings.account_id}:code-signing-config:"
                                     f"{config_id}"),
            "Description": description,
            "AllowedPublishers": {"SigningProfileVersionArns": publishers},
            "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": policy},
            "LastModified": aws_timestamp(),
        }
        self._store.put_config(config)
        return {"CodeSigningConfig": config}

    def get(self, arn: str) -> dict[str, Any]:
        return {"CodeSigningConfig": self._config(arn)}

    def update(self, arn: str, body: dict[str, Any]) -> dict[str, Any]:
        """The members given replace the configuration's; none given changes nothing."""
        v = Violations()
        _check_arn(v, arn, "codeSigningConfigArn")
        changes: dict[str, Any] = {}
        if body.get("AllowedPublishers") is not None:
            changes["AllowedPublishers"] = {
                "SigningProfileVersionArns": _check_publishers(v, body["AllowedPublishers"])}
        policy = _check_policies(v, body.get("CodeSigningPolicies"))
        if policy is not None:
            changes["CodeSigningPolicies"] = {"UntrustedArtifactOnDeployment": policy}
        if body.get("Description") is not None:
            check_length(v, body["Description"], "description", MAX_DESCRIPTION)
            changes["Description"] = body["Description"]
        v.raise_if_any()
        with self._lock:
            config = self._config(arn)
            if changes:
                config.update(changes, LastModified=aws_timestamp())
                self._store.put_config(config)
        return {"CodeSigningConfig": config}

    def delete(self, arn: str) -> None:
        """Only a configuration no function uses can go."""
        with self._lock:
            self._config(arn)
            if self._store.functions_using(arn):
                raise ResourceConflictException(
                    f"The code signing configuration {arn} cannot be deleted because it is "
                    "used by one or more functions.")
            self._store.delete_config(arn)

    def list(self, marker: str | None, max_items: str | None) -> dict[str, Any]:
        configs = self._store.configs()
        page, next_marker = _page(configs, [c["CodeSigningConfigArn"] for c in configs],
                                  marker, max_items)
        result: dict[str, Any] = {"CodeSigningConfigs": page}
        if next_marker is not None:
            result["NextMarker"] = next_marker
        return result

    def list_functions(self, arn: str, marker: str | None,
                       max_items: str | None) -> dict[str, Any]:
        self._config(arn)
        names = self._store.functions_using(arn)
        page, next_marker = _page(names, names, marker, max_items)
        result: dict[str, Any] = {"FunctionArns": [self._function_arn(name) for name in page]}
        if next_marker is not None:
            result["NextMarker"] = next_marker
        return result

    # -- the configuration a function uses ------------------------------------------------

    def put_function(self, reference: str, body: dict[str, Any]) -> dict[str, Any]:
        """The configuration is looked for first: a missing one is reported even when the
        function is missing too, as AWS does."""
        arn = body.get("CodeSigningConfigArn")
        v = Violations()
        if arn is None:
            v.messages.append("Value null at 'codeSigningConfigArn' failed to satisfy "
                              "constraint: Member must not be null")
        else:
            _check_arn(v, arn, "codeSigningConfigArn")
        v.raise_if_any()
        arn = str(arn)
        with self._lock:
            if self._store.config(arn) is None:
                raise CodeSigningConfigNotFoundException(arn)
            name = self._function_name(reference)
            self._store.attach(name, arn)
        return {"CodeSigningConfigArn": arn, "FunctionName": name}

    def get_function(self, reference: str) -> dict[str, Any]:
        """A function without a configuration answers an empty object, as AWS does."""
        name = self._function_name(reference)
        arn = self._store.config_arn_of(name)
        return {} if arn is None else {"CodeSigningConfigArn": arn, "FunctionName": name}

    def delete_function(self, reference: str) -> None:
        """Also for a function without a configuration: there is nothing to remove."""
        self._store.detach(self._function_name(reference))

    # -- helpers --------------------------------------------------------------------------

    def _config(self, arn: str) -> dict[str, Any]:
        v = Violations()
        _check_arn(v, arn, "codeSigningConfigArn")
        v.raise_if_any()
        config = self._store.config(arn)
        if config is None:
            raise UntypedResourceNotFoundException(
                f"The Lambda code signing configuration {arn} can not be found.")
        return config

    def _function_name(self, reference: str) -> str:
        """The function a reference names (a qualifier is ignored: a configuration is the
        function's, not a version's)."""
        name, _ = parse_function_reference(reference)
        if self._functions.latest(name) is None:
            raise ResourceNotFoundException(f"Function not found: {self._function_arn(name)}")
        return name

    def _function_arn(self, name: str) -> str:
        return (f"arn:aws:lambda:{self._settings.region}:{self._settings.account_id}:"
                f"function:{name}")


def _check_arn(v: Violations, arn: Any, member: str) -> None:
    check_pattern(v, arn, member, CONFIG_ARN)
    if isinstance(arn, str) and CONFIG_ARN.fullmatch(arn):
        check_length(v, arn, member, 200)


def _check_publishers(v: Violations, publishers: Any) -> list[str]:
    """AllowedPublishers: 1 to 20 signing profile version ARNs."""
    if publishers is None:
        v.messages.append("Value null at 'allowedPublishers' failed to satisfy constraint: "
                          "Member must not be null")
        return []
    arns = publishers.get("SigningProfileVersionArns") if isinstance(publishers, dict) \
        else None
    member = "allowedPublishers.signingProfileVersionArns"
    if not isinstance(arns, list):
        v.messages.append(f"Value null at '{member}' failed to satisfy constraint: Member "
                          "must not be null")
        return []
    if not 1 <= len(arns) <= MAX_PUBLISHERS:
        bound = ("greater than or equal to 1" if not arns
                 else f"less than or equal to {MAX_PUBLISHERS}")
        v.add("[" + ", ".join(map(str, arns)) + "]", member, f"Member must have length {bound}")
    for arn in arns:
        if not isinstance(arn, str) or not SIGNING_PROFILE_VERSION_ARN.fullmatch(arn):
            v.add("[" + ", ".join(map(str, arns)) + "]", member,
                  "Member must satisfy constraint: [Member must satisfy regular expression "
                  f"pattern: {SIGNING_PROFILE_VERSION_ARN.pattern}]")
            break
    return [str(arn) for arn in arns]


def _check_policies(v: Violations, policies: Any) -> str | None:
    """CodeSigningPolicies.UntrustedArtifactOnDeployment, None when not given."""
    policy = policies.get("UntrustedArtifactOnDeployment") if isinstance(policies, dict) \
        else None
    if policy is not None and policy not in UNTRUSTED_ARTIFACT_POLICIES:
        v.add(policy, "codeSigningPolicies.untrustedArtifactOnDeployment",
              f"Member must satisfy enum value set: [{', '.join(UNTRUSTED_ARTIFACT_POLICIES)}]")
        return None
    return None if policy is None else str(policy)


def _page(items: list[Any], keys: list[str], marker: str | None,
          max_items: str | None) -> tuple[list[Any], str | None]:
    """The items after `marker` (the last key a previous page ended on), at most MaxItems of
    them, and the marker of the next page if there is one."""
    limit = validate_max_items(max_items)
    start = 0
    if marker:
        start = next((i for i, key in enumerate(keys) if key > marker), len(keys))
    page = items[start:start + limit]
    more = start + len(page) < len(items)
    return page, (keys[start + len(page) - 1] if more else None)
