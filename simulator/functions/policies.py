"""Resource-based policies: AddPermission, GetPolicy and RemovePermission on a function, a
published version or an alias (each its own policy), and AddLayerVersionPermission,
GetLayerVersionPolicy and RemoveLayerVersionPermission on a layer version. The statements are
built as AWS builds them, and the errors carry AWS's wording, both checked against responses
recorded on AWS. Nothing here is enforced on invokes: the simulator does not authorize."""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from simulator.config import Settings
from simulator.errors import (
    InvalidParameterValueException,
    LambdaError,
    PreconditionFailedException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.layer_operations import LayerService
from simulator.functions.policy_store import Policy, PolicyStore
from simulator.functions.validation import (
    Violations,
    check_length,
    check_pattern,
    parse_function_reference,
)
from simulator.functions.version_operations import ALIAS_NAME
from simulator.functions.version_store import VersionStore
from simulator.models import LATEST

# The members' constraints, as botocore's model states them and AWS's messages quote them.
STATEMENT_ID = re.compile(r"([a-zA-Z0-9-_]+)")
PATH_STATEMENT_ID = re.compile(r"([a-zA-Z0-9-_.]+)")
ACTION = re.compile(r"(lambda:[*]|lambda:[a-zA-Z]+|[*])")
PRINCIPAL = re.compile(r"[^\s]+")
SOURCE_ARN = re.compile(
    r"arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)")
SOURCE_ACCOUNT = re.compile(r"\d{12}")
EVENT_SOURCE_TOKEN = re.compile(r"[a-zA-Z0-9._\-]+")
ORGANIZATION_ID = re.compile(r"o-[a-z0-9]{10,32}")
QUALIFIER = re.compile(r"\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+")
FUNCTION_URL_AUTH_TYPES = ("NONE", "AWS_IAM")
LAYER_ACTION = re.compile(r"lambda:GetLayerVersion")
LAYER_PRINCIPAL = re.compile(r"\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root")

# Who AddPermission accepts: anyone, an account, an IAM or STS identity, or a service.
ACCOUNT = re.compile(r"\d{12}")
IDENTITY_ARN = re.compile(r"arn:aws[a-zA-Z-]*:(iam|sts)::\d{12}:\S+")
SERVICE = re.compile(r"[a-z0-9][a-z0-9.-]*\.(amazonaws\.com|amazon\.com|amazonaws\.com\.cn)")

POLICY_SIZE_LIMIT = 20480
NO_SUCH_RESOURCE = "The resource you requested does not exist."
NO_POLICY = "No policy is associated with the given resource."
STALE_REVISION = ("The Revision Id provided does not match the latest Revision Id. Call the "
                  "{api} API to retrieve the latest Revision Id")


class PolicyLengthExceededException(LambdaError):
    code = "PolicyLengthExceededException"
    status = 400
    error_type = "User"


class FunctionPolicies:
    """The policies of functions, their published versions and their aliases."""

    def __init__(self, settings: Settings, functions: FunctionOperations,
                 versions: VersionStore, store: PolicyStore) -> None:
        self._settings = settings
        self._functions = functions
        self._versions = versions
        self._store = store
        self._lock = threading.Lock()  # a check and the write it allows happen together

    def add_permission(self, reference: str, qualifier: str | None,
                       body: dict[str, Any]) -> dict[str, Any]:
        v = Violations()
        _check_statement_id(v, body.get("StatementId"), STATEMENT_ID)
        _check_required(v, body.get("Action"), "action", ACTION)
        _check_required(v, body.get("Principal"), "principal", PRINCIPAL)
        _check_optional(v, body.get("SourceArn"), "sourceArn", SOURCE_ARN)
        _check_optional(v, body.get("SourceAccount"), "sourceAccount", SOURCE_ACCOUNT)
        _check_optional(v, body.get("EventSourceToken"), "eventSourceToken",
                        EVENT_SOURCE_TOKEN, longest=256)
        _check_optional(v, body.get("PrincipalOrgID"), "principalOrgID", ORGANIZATION_ID)
        auth_type = body.get("FunctionUrlAuthType")
        if auth_type is not None and auth_type not in FUNCTION_URL_AUTH_TYPES:
            v.add(auth_type, "functionUrlAuthType", "Member must satisfy enum value set: "
                  f"[{', '.join(FUNCTION_URL_AUTH_TYPES)}]")
        name, qualifier = self._name_and_qualifier(v, reference, qualifier)
        if qualifier == LATEST:
            raise InvalidParameterValueException(
                "We currently do not support adding policies for $LATEST.")
        current = self._revision_of(name, qualifier)
        if current is None:
            raise self._missing(name, qualifier, "Function not found: {arn}")
        statement = self._statement(body, self._arn(name, qualifier))
        with self._lock:
            stored = self._store.function_policy(name, qualifier)
            policy = stored or Policy()
            _check_revision(body.get("RevisionId"), stored, current, api="GetPolicy")
            _check_new_statement(policy, statement["Sid"])
            updated = policy.adding(statement)
            _check_size(updated)
            self._store.put_function_policy(name, qualifier, updated)
        return {"Statement": _json_text(statement)}

    def get_policy(self, reference: str, qualifier: str | None) -> dict[str, Any]:
        name, qualifier = self._name_and_qualifier(Violations(), reference, qualifier)
        qualifier = "" if qualifier == LATEST else qualifier
        policy = self._store.function_policy(name, qualifier)
        if policy is None or self._revision_of(name, qualifier) is None:
            raise ResourceNotFoundException(NO_SUCH_RESOURCE)
        return {"Policy": _document(policy), "RevisionId": policy.revision_id}

    def remove_permission(self, reference: str, statement_id: str, qualifier: str | None,
                          revision_id: str | None) -> None:
        v = Violations()
        _check_statement_id(v, statement_id, PATH_STATEMENT_ID)
        name, qualifier = self._name_and_qualifier(v, reference, qualifier)
        qualifier = "" if qualifier == LATEST else qualifier
        current = self._revision_of(name, qualifier)
        if current is None:
            raise self._missing(name, qualifier, "No policy found for: {arn}")
        with self._lock:
            policy = self._store.function_policy(name, qualifier)
            if policy is None:
                raise ResourceNotFoundException(NO_POLICY)
            _check_revision(revision_id, policy, current, api="GetFunction/GetAlias")
            _check_statement_exists(policy, statement_id)
            self._store.put_function_policy(name, qualifier, policy.removing(statement_id))

    # -- helpers ------------------------------------------------------------------------

    def _name_and_qualifier(self, v: Violations, reference: str, qualifier: str | None
                            ) -> tuple[str, str]:
        """The function's name and the qualifier the request names ("" for none), after
        the member checks every operation makes (`v` holds the operation's own)."""
        if qualifier is not None and QUALIFIER.fullmatch(qualifier):
            check_length(v, qualifier, "qualifier", 128)
        elif qualifier is not None:
            check_pattern(v, qualifier, "qualifier", QUALIFIER)
        v.raise_if_any()
        name, derived = parse_function_reference(reference)
        if derived and qualifier and derived != qualifier:
            raise InvalidParameterValueException(
                "The derived qualifier from the function name does not match the specified "
                "qualifier.")
        return name, derived or qualifier or ""

    def _revision_of(self, name: str, qualifier: str) -> str | None:
        """The RevisionId of the function, version or alias, None when there is no such."""
        latest = self._functions.latest(name)
        if latest is None:
            return None
        if qualifier in ("", LATEST):
            return latest.revision_id
        if qualifier.isdigit():
            version = self._versions.version(name, qualifier)
            return None if version is None else version.revision_id
        alias = self._versions.alias(name, qualifier)
        return None if alias is None else alias.revision_id

    def _missing(self, name: str, qualifier: str, message: str) -> ResourceNotFoundException:
        arn = self._arn(name, qualifier)
        if ALIAS_NAME.fullmatch(qualifier):
            return ResourceNotFoundException(f"Cannot find alias arn: {arn}")
        return ResourceNotFoundException(message.format(arn=arn))

    def _arn(self, name: str, qualifier: str) -> str:
        arn = f"arn:aws:lambda:{self._settings.region}:{self._settings.account_id}:function:{name}"
        return f"{arn}:{qualifier}" if qualifier else arn

    def _statement(self, body: dict[str, Any], resource: str) -> dict[str, Any]:
        """The statement AWS adds: its members in AWS's order, conditions only as asked."""
        statement: dict[str, Any] = {
            "Sid": body["StatementId"], "Effect": "Allow",
            "Principal": _principal(body["Principal"]), "Action": body["Action"],
            "Resource": resource,
        }
        equals = {key: body[member] for member, key in (
            ("SourceAccount", "AWS:SourceAccount"),
            ("EventSourceToken", "lambda:EventSourceToken"),
            ("FunctionUrlAuthType", "lambda:FunctionUrlAuthType"),
            ("PrincipalOrgID", "aws:PrincipalOrgID"),
        ) if body.get(member) is not None}
        condition: dict[str, Any] = {}
        if equals:
            condition["StringEquals"] = equals
        if body.get("SourceArn") is not None:
            condition["ArnLike"] = {"AWS:SourceArn": body["SourceArn"]}
        if body.get("InvokedViaFunctionUrl"):
            condition["Bool"] = {"lambda:InvokedViaFunctionUrl": "true"}
        if condition:
            statement["Condition"] = condition
        return statement


class LayerPolicies:
    """The policies of layer versions: who may use (GetLayerVersion) which version."""

    def __init__(self, settings: Settings, layers: LayerService, store: PolicyStore) -> None:
        self._settings = settings
        self._layers = layers
        self._store = store
        self._lock = threading.Lock()

    def add_permission(self, layer_name: str, version_number: str, body: dict[str, Any],
                       revision_id: str | None) -> dict[str, Any]:
        v = Violations()
        _check_statement_id(v, body.get("StatementId"), STATEMENT_ID)
        _check_required(v, body.get("Action"), "action", LAYER_ACTION)
        _check_required(v, body.get("Principal"), "principal", LAYER_PRINCIPAL)
        _check_optional(v, body.get("OrganizationId"), "organizationId", ORGANIZATION_ID)
        v.raise_if_any()
        layer = self._layers.version_for_permissions(layer_name, version_number)
        principal = body["Principal"]
        statement: dict[str, Any] = {
            "Sid": body["StatementId"], "Effect": "Allow",
            "Principal": "*" if principal == "*" else {"AWS": _account_arn(principal)},
            "Action": body["Action"],
            "Resource": layer.arn(self._settings.region, self._settings.account_id),
        }
        if body.get("OrganizationId"):
            statement["Condition"] = {"StringEquals": {"aws:PrincipalOrgID":
                                                       body["OrganizationId"]}}
        with self._lock:
            stored = self._store.layer_policy(layer.name, layer.version)
            policy = stored or Policy()
            _check_revision(revision_id, stored, None, api="GetLayerPolicy")
            _check_new_statement(policy, statement["Sid"])
            updated = policy.adding(statement)
            _check_size(updated)
            self._store.put_layer_policy(layer.name, layer.version, updated)
        return {"Statement": _json_text(statement), "RevisionId": updated.revision_id}

    def get_policy(self, layer_name: str, version_number: str) -> dict[str, Any]:
        layer = self._layers.version_for_permissions(layer_name, version_number)
        policy = self._store.layer_policy(layer.name, layer.version)
        if policy is None:
            raise ResourceNotFoundException(NO_POLICY)
        return {"Policy": _document(policy), "RevisionId": policy.revision_id}

    def remove_permission(self, layer_name: str, version_number: str, statement_id: str,
                          revision_id: str | None) -> None:
        v = Violations()
        _check_statement_id(v, statement_id, STATEMENT_ID)
        v.raise_if_any()
        layer = self._layers.version_for_permissions(layer_name, version_number)
        with self._lock:
            policy = self._store.layer_policy(layer.name, layer.version)
            if policy is None:
                raise ResourceNotFoundException(NO_POLICY)
            _check_revision(revision_id, policy, None, api="GetLayerPolicy")
            _check_statement_exists(policy, statement_id)
            self._store.put_layer_policy(layer.name, layer.version,
                                         policy.removing(statement_id))


def _principal(principal: str) -> Any:
    """AddPermission's Principal as the statement names it."""
    if principal == "*":
        return "*"
    if ACCOUNT.fullmatch(principal) or IDENTITY_ARN.fullmatch(principal):
        return {"AWS": _account_arn(principal)}
    if SERVICE.fullmatch(principal):
        return {"Service": principal}
    raise InvalidParameterValueException(
        "The provided principal was invalid. Please check the principal and try again.")


def _account_arn(principal: str) -> str:
    """An account id stands for the account's root; an ARN stands for itself."""
    return f"arn:aws:iam::{principal}:root" if ACCOUNT.fullmatch(principal) else principal


def _document(policy: Policy) -> str:
    return _json_text({"Version": "2012-10-17", "Id": "default",
                       "Statement": list(policy.statements)})


def _json_text(value: Any) -> str:
    """Policies travel as compact JSON text inside the JSON answer, as AWS sends them."""
    return json.dumps(value, separators=(",", ":"))


def _check_required(v: Violations, value: Any, member: str, pattern: re.Pattern[str]) -> None:
    if value is None:
        v.messages.append(
            f"Value null at '{member}' failed to satisfy constraint: Member must not be null")
    else:
        check_pattern(v, value, member, pattern)


def _check_optional(v: Violations, value: Any, member: str, pattern: re.Pattern[str],
                    longest: int | None = None) -> None:
    if value is None:
        return
    check_pattern(v, value, member, pattern)
    if longest is not None:
        check_length(v, value, member, longest)


def _check_statement_id(v: Violations, value: Any, pattern: re.Pattern[str]) -> None:
    _check_required(v, value, "statementId", pattern)
    if isinstance(value, str) and len(value) > 100:
        check_length(v, value, "statementId", 100)


def _check_revision(given: str | None, policy: Policy | None, current: str | None,
                    api: str) -> None:
    """A RevisionId must name the policy's revision. For a function's policy, the function's
    (version's, alias's) own RevisionId passes too: on AWS the two were one, and here a
    permission does not change the function's."""
    if given and given not in (policy and policy.revision_id, current):
        raise PreconditionFailedException(STALE_REVISION.format(api=api))


def _check_new_statement(policy: Policy, statement_id: str) -> None:
    if policy.statement(statement_id) is not None:
        raise ResourceConflictException(
            f"The statement id ({statement_id}) provided already exists. Please provide a new "
            "statement id, or remove the existing statement.")


def _check_statement_exists(policy: Policy, statement_id: str) -> None:
    if policy.statement(statement_id) is None:
        raise ResourceNotFoundException(
            f"Statement {statement_id} is not found in resource policy.")


def _check_size(policy: Policy) -> None:
    size = len(_document(policy))
    if size > POLICY_SIZE_LIMIT:
        raise PolicyLengthExceededException(
            f"The final policy size ({size}) is bigger than the limit ({POLICY_SIZE_LIMIT}).")
