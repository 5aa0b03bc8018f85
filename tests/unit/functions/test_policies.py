"""Resource-based policies of functions, versions, aliases and layer versions: the statements
and documents AWS builds, its checks and its error wording, and the policies' lifetime (kept
across a restart, gone with what they are on).

The expected statements, documents and messages follow responses recorded against AWS
(LocalStack's Lambda API snapshots, Apache-2.0, recorded 2024-2025) and the AWS CLI's
documented outputs."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool
from simulator.errors import (
    InvalidParameterValueException,
    PreconditionFailedException,
    ResourceConflictException,
    ResourceNotFoundException,
    ValidationException,
)
from simulator.functions.code_store import CodeStore
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.layer_operations import LayerService
from simulator.functions.layer_store import LayerStore
from simulator.functions.policies import (
    FunctionPolicies,
    LayerPolicies,
    PolicyLengthExceededException,
)
from simulator.functions.policy_store import PolicyStore
from simulator.functions.registry import FunctionRegistry
from simulator.functions.version_operations import VersionService
from simulator.functions.version_store import VersionStore
from tests.helpers import ROLE, make_zip

ARN = "arn:aws:lambda:us-east-1:000000000000:function:fn"
LAYER_ARN = "arn:aws:lambda:us-east-1:000000000000:layer:shared"
S3 = {"StatementId": "s3", "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com",
      "SourceArn": "arn:aws:s3:::bucket"}


@dataclass
class Stack:
    """The control plane with policies, as the simulator composes it, over one state folder."""

    functions: FunctionOperations
    versions: VersionService
    policies: FunctionPolicies
    layers: LayerService
    layer_policies: LayerPolicies
    stores: tuple[FunctionRegistry, VersionStore, LayerStore, PolicyStore]

    @classmethod
    def open(cls, state: Path, pool: EnvironmentPool) -> Stack:
        settings = Settings.from_env(environ={}, port=0, state_dir=state)
        registry = FunctionRegistry(state / "functions.db")
        version_store = VersionStore(state / "versions.db")
        layer_store = LayerStore(state / "layers.db")
        store = PolicyStore(state / "policies.db")
        layers = LayerService(settings, layer_store, CodeStore(state / "layers"),
                              state / "opt", policies=store)
        functions = FunctionOperations(settings, registry, CodeStore(state / "code"), pool,
                                       version_store, layers=layers, policies=store)
        return cls(functions, VersionService(settings, functions, version_store, pool),
                   FunctionPolicies(settings, functions, version_store, store),
                   layers, LayerPolicies(settings, layers, store),
                   (registry, version_store, layer_store, store))

    def close(self) -> None:
        for store in self.stores:
            store.close()

    def create(self, name: str = "fn") -> None:
        self.functions.create_function({
            "FunctionName": name, "Runtime": "python3.12", "Role": ROLE,
            "Handler": "app.handler",
            "Code": {"ZipFile": base64.b64encode(make_zip({"app.py": "# fn\n"})).decode()}})

    def add(self, qualifier: str | None = None, reference: str = "fn",
            **body: Any) -> dict[str, Any]:
        """The statement AddPermission added, read back from its JSON text."""
        answer = self.policies.add_permission(reference, qualifier, {**S3, **body})
        assert isinstance(answer["Statement"], str)
        return json.loads(answer["Statement"])

    def document(self, qualifier: str | None = None) -> dict[str, Any]:
        return json.loads(self.policies.get_policy("fn", qualifier)["Policy"])

    def publish_layer(self) -> None:
        self.layers.publish("shared", {"Content": {"ZipFile": base64.b64encode(
            make_zip({"python/shared.py": "X = 1\n"})).decode()}})


@pytest.fixture
def stack(tmp_path: Path, pool: EnvironmentPool) -> Iterator[Stack]:
    opened = Stack.open(tmp_path, pool)
    opened.create()
    yield opened
    opened.close()


# -- the statements and the document ------------------------------------------------------


def test_a_service_permission_with_a_source_arn(stack: Stack) -> None:
    answer = stack.policies.add_permission("fn", None, S3)

    assert answer == {"Statement": (
        '{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},'
        '"Action":"lambda:InvokeFunction","Resource":"' + ARN + '",'
        '"Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::bucket"}}}')}


def test_get_policy_answers_the_document_as_json_text_and_its_revision(stack: Stack) -> None:
    stack.add()
    stack.add(StatementId="sqs", Principal="sqs.amazonaws.com", SourceArn=None)

    answer = stack.policies.get_policy("fn", None)

    assert answer["Policy"] == (
        '{"Version":"2012-10-17","Id":"default","Statement":['
        '{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},'
        '"Action":"lambda:InvokeFunction","Resource":"' + ARN + '",'
        '"Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::bucket"}}},'
        '{"Sid":"sqs","Effect":"Allow","Principal":{"Service":"sqs.amazonaws.com"},'
        '"Action":"lambda:InvokeFunction","Resource":"' + ARN + '"}]}')
    assert set(answer) == {"Policy", "RevisionId"}


def test_principals_as_aws_writes_them(stack: Stack) -> None:
    everyone = stack.add(StatementId="any", Principal="*", SourceArn=None,
                         SourceAccount="111122223333")
    account = stack.add(StatementId="account", Principal="111122223333", SourceArn=None)
    role = "arn:aws:iam::111122223333:role/caller"
    identity = stack.add(StatementId="role", Principal=role, SourceArn=None)

    assert everyone["Principal"] == "*"
    assert everyone["Condition"] == {"StringEquals": {"AWS:SourceAccount": "111122223333"}}
    assert account["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert "Condition" not in account
    assert identity["Principal"] == {"AWS": role}


def test_every_condition_in_aws_order(stack: Stack) -> None:
    statement = stack.add(StatementId="url", Action="lambda:InvokeFunctionUrl", Principal="*",
                          SourceAccount="111122223333", PrincipalOrgID="o-1234567890",
                          FunctionUrlAuthType="NONE")

    assert list(statement) == ["Sid", "Effect", "Principal", "Action", "Resource", "Condition"]
    assert statement["Condition"] == {
        "StringEquals": {"AWS:SourceAccount": "111122223333",
                         "lambda:FunctionUrlAuthType": "NONE",
                         "aws:PrincipalOrgID": "o-1234567890"},
        "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::bucket"}}
    assert list(statement["Condition"]) == ["StringEquals", "ArnLike"]
    assert list(statement["Condition"]["StringEquals"]) == [
        "AWS:SourceAccount", "lambda:FunctionUrlAuthType", "aws:PrincipalOrgID"]


def test_an_event_source_token_and_an_invoke_through_the_url(stack: Stack) -> None:
    alexa = stack.add(StatementId="alexa", Principal="*", SourceArn=None,
                      EventSourceToken="amzn1.ask.skill.xxxxxxxx-xxxx")
    url = stack.add(StatementId="via-url", Principal="*", SourceArn=None,
                    InvokedViaFunctionUrl=True)

    assert alexa["Condition"] == {
        "StringEquals": {"lambda:EventSourceToken": "amzn1.ask.skill.xxxxxxxx-xxxx"}}
    assert url["Condition"] == {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}


def test_each_change_is_a_new_revision_and_the_last_removal_ends_the_policy(
        stack: Stack) -> None:
    stack.add()
    first = stack.policies.get_policy("fn", None)["RevisionId"]
    stack.add(StatementId="other")
    second = stack.policies.get_policy("fn", None)["RevisionId"]
    stack.policies.remove_permission("fn", "other", None, None)
    third = stack.policies.get_policy("fn", None)["RevisionId"]

    assert len({first, second, third}) == 3
    assert [s["Sid"] for s in stack.document()["Statement"]] == ["s3"]
    stack.policies.remove_permission("fn", "s3", None, third)
    with pytest.raises(ResourceNotFoundException,
                       match="^The resource you requested does not exist.$"):
        stack.policies.get_policy("fn", None)


# -- versions and aliases ---------------------------------------------------------------


def test_versions_and_aliases_have_their_own_policies(stack: Stack) -> None:
    stack.add()
    stack.versions.publish("fn", {})
    stack.versions.create_alias("fn", {"Name": "live", "FunctionVersion": "1"})

    with pytest.raises(ResourceNotFoundException):  # publishing copies no policy
        stack.policies.get_policy("fn", "1")
    version = stack.add(reference="fn:1", qualifier="1")
    alias = stack.add(qualifier="live")

    assert version["Resource"] == f"{ARN}:1"
    assert alias["Resource"] == f"{ARN}:live"
    assert stack.document()["Statement"][0]["Resource"] == ARN
    assert [s["Resource"] for s in stack.document("1")["Statement"]] == [f"{ARN}:1"]
    assert [s["Resource"] for s in stack.document("live")["Statement"]] == [f"{ARN}:live"]
    assert stack.policies.get_policy(f"{ARN}:live", None) == \
        stack.policies.get_policy("fn", "live")
    stack.policies.remove_permission("fn:live", "s3", None, None)
    assert [s["Resource"] for s in stack.document("1")["Statement"]] == [f"{ARN}:1"]


def test_latest_takes_no_policy_of_its_own(stack: Stack) -> None:
    with pytest.raises(InvalidParameterValueException,
                       match=r"^We currently do not support adding policies for \$LATEST.$"):
        stack.add(reference="fn:$LATEST", qualifier="$LATEST")
    stack.add()

    assert stack.document("$LATEST") == stack.document()


def test_a_qualifier_that_contradicts_the_name(stack: Stack) -> None:
    with pytest.raises(InvalidParameterValueException, match=(
            "^The derived qualifier from the function name does not match the specified "
            "qualifier.$")):
        stack.add(reference="fn:alias-not-42", qualifier="42")


# -- what is missing ----------------------------------------------------------------------


def test_adding_to_what_does_not_exist(stack: Stack) -> None:
    absent = "arn:aws:lambda:us-east-1:000000000000:function:doesnotexist"
    cases = [
        ({"reference": "doesnotexist"}, f"Function not found: {absent}"),
        ({"qualifier": "42"}, f"Function not found: {ARN}:42"),
        ({"qualifier": "alias-doesnotexist"},
         f"Cannot find alias arn: {ARN}:alias-doesnotexist"),
        ({"qualifier": "valid-with-$-but-doesnotexist"},
         f"Function not found: {ARN}:valid-with-$-but-doesnotexist"),
    ]
    for where, message in cases:
        with pytest.raises(ResourceNotFoundException) as raised:
            stack.add(**where)
        assert raised.value.message == message


def test_getting_a_policy_that_does_not_exist(stack: Stack) -> None:
    for reference, qualifier in [("fn", None), ("doesnotexist", None), ("fn", "77"),
                                 ("fn", "nope")]:
        with pytest.raises(ResourceNotFoundException) as raised:
            stack.policies.get_policy(reference, qualifier)
        assert raised.value.message == "The resource you requested does not exist."


def test_removing_what_does_not_exist(stack: Stack) -> None:
    absent = "arn:aws:lambda:us-east-1:000000000000:function:doesnotexist"
    cases = [
        ("doesnotexist", None, f"No policy found for: {absent}"),
        ("fn", "alias-doesnotexist", f"Cannot find alias arn: {ARN}:alias-doesnotexist"),
        ("fn", None, "No policy is associated with the given resource."),
    ]
    for reference, qualifier, message in cases:
        with pytest.raises(ResourceNotFoundException) as raised:
            stack.policies.remove_permission(reference, "s3", qualifier, None)
        assert raised.value.message == message
    stack.add()
    with pytest.raises(ResourceNotFoundException,
                       match="^Statement non-existent is not found in resource policy.$"):
        stack.policies.remove_permission("fn", "non-existent", None, None)


# -- checks ---------------------------------------------------------------------------------


def test_a_statement_id_is_used_once(stack: Stack) -> None:
    stack.add()

    with pytest.raises(ResourceConflictException) as raised:
        stack.add(Principal="sns.amazonaws.com")
    assert raised.value.message == (
        "The statement id (s3) provided already exists. Please provide a new statement id, "
        "or remove the existing statement.")
    assert raised.value.status == 409


def test_members_are_checked_as_the_model_states_them(stack: Stack) -> None:
    with pytest.raises(ValidationException) as raised:
        stack.add(StatementId="example.com")
    assert raised.value.message == (
        "1 validation error detected: Value 'example.com' at 'statementId' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)")
    with pytest.raises(ValidationException) as raised:
        stack.policies.add_permission("fn", None, {"StatementId": "a", "Action": "invoke"})
    assert raised.value.message == (
        "2 validation errors detected: Value 'invoke' at 'action' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: "
        "(lambda:[*]|lambda:[a-zA-Z]+|[*]); Value null at 'principal' failed to satisfy "
        "constraint: Member must not be null")
    with pytest.raises(ValidationException) as raised:
        stack.add(qualifier="invalid-qualifier-with-?-char")
    assert raised.value.message == (
        "1 validation error detected: Value 'invalid-qualifier-with-?-char' at 'qualifier' "
        "failed to satisfy constraint: Member must satisfy regular expression pattern: "
        r"\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+")
    with pytest.raises(ValidationException, match="at 'statementId' failed to satisfy "
                                                  "constraint: Member must have length less "
                                                  "than or equal to 100"):
        stack.add(StatementId="s" * 101)
    with pytest.raises(ValidationException, match="at 'functionUrlAuthType'"):
        stack.add(FunctionUrlAuthType="OPEN")
    with pytest.raises(ValidationException, match="at 'sourceAccount'"):
        stack.add(SourceAccount="12345")


def test_actions_any_lambda_action_or_all(stack: Stack) -> None:
    for sid, action in [("invoke", "lambda:InvokeFunction"), ("get", "lambda:GetFunction"),
                        ("lambda-all", "lambda:*"), ("all", "*")]:
        assert stack.add(StatementId=sid, Action=action)["Action"] == action


def test_a_principal_must_be_someone_aws_knows(stack: Stack) -> None:
    with pytest.raises(InvalidParameterValueException) as raised:
        stack.add(StatementId="lambda", Principal="invalid.nonaws.com")
    assert raised.value.message == (
        "The provided principal was invalid. Please check the principal and try again.")


def test_revision_ids_guard_concurrent_changes(stack: Stack) -> None:
    latest = stack.functions.get_function("fn")["Configuration"]["RevisionId"]
    with pytest.raises(PreconditionFailedException) as raised:
        stack.add(RevisionId="wrong")
    assert raised.value.message == (
        "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy "
        "API to retrieve the latest Revision Id")
    stack.add(RevisionId=latest)
    revision = stack.policies.get_policy("fn", None)["RevisionId"]
    stack.add(StatementId="s3_2", RevisionId=revision)
    with pytest.raises(PreconditionFailedException, match="GetPolicy"):
        stack.add(StatementId="s3_3", RevisionId=revision)
    with pytest.raises(PreconditionFailedException) as removing:
        stack.policies.remove_permission("fn", "s3", None, "wrong")
    assert removing.value.message == (
        "The Revision Id provided does not match the latest Revision Id. Call the "
        "GetFunction/GetAlias API to retrieve the latest Revision Id")
    stack.policies.remove_permission("fn", "s3", None,
                                     stack.policies.get_policy("fn", None)["RevisionId"])


def test_an_aliases_first_permission_may_name_the_aliases_revision(stack: Stack) -> None:
    stack.versions.publish("fn", {})
    alias = stack.versions.create_alias("fn", {"Name": "live", "FunctionVersion": "1"})

    with pytest.raises(PreconditionFailedException):
        stack.add(qualifier="live", RevisionId="wrong")
    stack.add(reference="fn:live", qualifier="live", RevisionId=alias["RevisionId"])

    assert [s["Sid"] for s in stack.document("live")["Statement"]] == ["s3"]


def test_a_policy_has_aws_size_limit(stack: Stack) -> None:
    source = "arn:aws:execute-api:us-east-1:000000000000:" + "a" * 200
    for n in range(60):
        try:
            stack.add(StatementId=f"api{n}", Principal="apigateway.amazonaws.com",
                      SourceArn=source)
        except PolicyLengthExceededException as error:
            assert error.status == 400
            assert error.message.startswith("The final policy size (")
            assert error.message.endswith(") is bigger than the limit (20480).")
            break
    else:
        pytest.fail("no statement overflowed the policy")
    assert len(stack.policies.get_policy("fn", None)["Policy"]) <= 20480


# -- lifetime ---------------------------------------------------------------------------------


def test_policies_survive_a_restart(stack: Stack, tmp_path: Path,
                                    pool: EnvironmentPool) -> None:
    stack.add()
    before = stack.policies.get_policy("fn", None)
    stack.close()

    reopened = Stack.open(tmp_path, pool)
    try:
        assert reopened.policies.get_policy("fn", None) == before
    finally:
        reopened.close()


def test_a_deleted_function_takes_all_its_policies(stack: Stack) -> None:
    stack.versions.publish("fn", {})
    stack.versions.create_alias("fn", {"Name": "live", "FunctionVersion": "1"})
    for qualifier in (None, "1", "live"):
        stack.add(qualifier=qualifier)

    stack.functions.delete_function("fn")
    stack.create()

    for qualifier in (None, "1", "live"):
        with pytest.raises(ResourceNotFoundException):
            stack.policies.get_policy("fn", qualifier)
    stack.add()  # the same statement id is free again


def test_a_deleted_version_takes_its_policy_only(stack: Stack) -> None:
    stack.versions.publish("fn", {})
    stack.add()
    stack.add(qualifier="1")

    stack.functions.delete_function("fn", "1")

    with pytest.raises(ResourceNotFoundException):
        stack.policies.get_policy("fn", "1")
    assert [s["Sid"] for s in stack.document()["Statement"]] == ["s3"]


def test_a_deleted_alias_takes_its_policy_only(stack: Stack) -> None:
    stack.versions.publish("fn", {})
    stack.versions.create_alias("fn", {"Name": "live", "FunctionVersion": "1"})
    stack.add()
    stack.add(qualifier="live")

    stack.versions.delete_alias("fn", "live")
    stack.versions.create_alias("fn", {"Name": "live", "FunctionVersion": "1"})

    with pytest.raises(ResourceNotFoundException):
        stack.policies.get_policy("fn", "live")
    assert [s["Sid"] for s in stack.document()["Statement"]] == ["s3"]


# -- layer versions ---------------------------------------------------------------------------


def test_a_layer_version_permission_and_its_policy(stack: Stack) -> None:
    stack.publish_layer()
    added = stack.layer_policies.add_permission(
        "shared", "1", {"StatementId": "xaccount", "Action": "lambda:GetLayerVersion",
                        "Principal": "111122223333"}, None)
    everyone = stack.layer_policies.add_permission(
        f"{LAYER_ARN}", "1", {"StatementId": "org", "Action": "lambda:GetLayerVersion",
                              "Principal": "*", "OrganizationId": "o-t194hfs8cz"}, None)

    assert added["Statement"] == (
        '{"Sid":"xaccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:'
        'root"},"Action":"lambda:GetLayerVersion","Resource":"' + LAYER_ARN + ':1"}')
    assert json.loads(everyone["Statement"])["Principal"] == "*"
    assert json.loads(everyone["Statement"])["Condition"] == {
        "StringEquals": {"aws:PrincipalOrgID": "o-t194hfs8cz"}}
    policy = stack.layer_policies.get_policy("shared", "1")
    assert policy["RevisionId"] == everyone["RevisionId"] != added["RevisionId"]
    assert json.loads(policy["Policy"]) == {
        "Version": "2012-10-17", "Id": "default",
        "Statement": [json.loads(added["Statement"]), json.loads(everyone["Statement"])]}


def test_layer_permission_errors(stack: Stack) -> None:
    stack.publish_layer()
    with pytest.raises(ResourceNotFoundException,
                       match="^No policy is associated with the given resource.$"):
        stack.layer_policies.get_policy("shared", "1")
    grant = {"StatementId": "s1", "Action": "lambda:GetLayerVersion", "Principal": "*"}
    stack.layer_policies.add_permission("shared", "1", grant, None)
    with pytest.raises(ValidationException) as raised:
        stack.layer_policies.add_permission("shared", "1", {**grant, "Action": "*"}, None)
    assert raised.value.message == (
        "1 validation error detected: Value '*' at 'action' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: lambda:GetLayerVersion")
    with pytest.raises(ResourceConflictException, match=r"The statement id \(s1\) provided"):
        stack.layer_policies.add_permission("shared", "1", grant, None)
    stale = ("The Revision Id provided does not match the latest Revision Id. Call the "
             "GetLayerPolicy API to retrieve the latest Revision Id")
    with pytest.raises(PreconditionFailedException, match=f"^{stale}$"):
        stack.layer_policies.add_permission("shared", "1", {**grant, "StatementId": "s2"},
                                            "wrong")
    with pytest.raises(PreconditionFailedException, match=f"^{stale}$"):
        stack.layer_policies.remove_permission("shared", "1", "s1", "wrong")
    for name, version in [("shared-doesnotexist", "1"), ("shared", "2")]:
        message = f"Layer version {LAYER_ARN.replace('shared', name)}:{version} does not exist."
        with pytest.raises(ResourceNotFoundException, match=f"^{message}$"):
            stack.layer_policies.add_permission(name, version, grant, None)
        with pytest.raises(ResourceNotFoundException, match=f"^{message}$"):
            stack.layer_policies.get_policy(name, version)
        with pytest.raises(ResourceNotFoundException, match=f"^{message}$"):
            stack.layer_policies.remove_permission(name, version, "s1", None)
    with pytest.raises(ResourceNotFoundException,
                       match="^Statement doesnotexist is not found in resource policy.$"):
        stack.layer_policies.remove_permission("shared", "1", "doesnotexist", None)


def test_a_deleted_layer_version_takes_its_policy(stack: Stack) -> None:
    stack.publish_layer()
    grant = {"StatementId": "s1", "Action": "lambda:GetLayerVersion", "Principal": "*"}
    revision = stack.layer_policies.add_permission("shared", "1", grant, None)["RevisionId"]
    stack.layer_policies.remove_permission("shared", "1", "s1", revision)
    stack.layer_policies.add_permission("shared", "1", grant, None)

    stack.layers.delete("shared", "1")
    stack.publish_layer()  # version 2: numbers are never reused

    with pytest.raises(ResourceNotFoundException, match="shared:1 does not exist"):
        stack.layer_policies.get_policy("shared", "1")
    with pytest.raises(ResourceNotFoundException, match="^No policy is associated"):
        stack.layer_policies.get_policy("shared", "2")
