"""Resource-based policies of functions: adding, reading and removing permissions. The
recordings hold each policy as the object its JSON string encodes, so a policy is read into
one before it is compared."""

from __future__ import annotations

import json
from typing import Any

from tests.conformance.replay import Replay, scenario

API = "lambda_api"
ACTION = "lambda:InvokeFunction"
BUCKET_ARN = "arn:aws:s3:::test-bucket"


def policy(run: Replay, key: str, name: str, qualifier: str | None = None) -> dict[str, Any]:
    """GetPolicy's answer, recorded with its Policy read into an object."""
    params = {} if qualifier is None else {"Qualifier": qualifier}
    response = run.call("get_policy", FunctionName=name, **params)
    if isinstance(response.get("Policy"), str):
        response = {**response, "Policy": json.loads(response["Policy"])}
    recorded: dict[str, Any] = run.record(key, response)
    return recorded


def added(run: Replay, key: str, **params: Any) -> None:
    """AddPermission's answer, recorded with its Statement read into an object."""
    response = run.call("add_permission", Action=ACTION, **params)
    if isinstance(response.get("Statement"), str):
        response = {**response, "Statement": json.loads(response["Statement"])}
    run.record(key, response)


@scenario(API, "TestLambdaPermissions::test_add_lambda_permission_aws", "permissions")
def add_lambda_permission_aws(run: Replay) -> None:
    name = run.function_name()
    run.record("create_lambda", run.create_function(name))
    added(run, "add_permission", FunctionName=name, StatementId="s3",
          Principal="s3.amazonaws.com", SourceArn=BUCKET_ARN)
    policy(run, "get_policy", name)


@scenario(API, "TestLambdaPermissions::test_create_multiple_lambda_permissions", "permissions")
def create_multiple_lambda_permissions(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    added(run, "add_permission_response_1", FunctionName=name, StatementId="logs",
          Principal="logs.amazonaws.com")
    added(run, "add_permission_response_2", FunctionName=name, StatementId="kinesis",
          Principal="kinesis.amazonaws.com")
    policy(run, "policy_after_2_add", name)


@scenario(API, "TestLambdaPermissions::test_remove_multi_permissions", "permissions")
def remove_multi_permissions(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    added(run, "add_permission_1", FunctionName=name, StatementId="s3",
          Principal="s3.amazonaws.com")
    added(run, "add_permission_2", FunctionName=name, StatementId="sqs",
          Principal="sqs.amazonaws.com", SourceArn=BUCKET_ARN)
    policy(run, "policy_after_2_add", name)
    run.capture("remove_permission_exception_nonexisting_sid", "remove_permission",
                FunctionName=name, StatementId="non-existent")
    run.call("remove_permission", FunctionName=name, StatementId="sqs")
    policy(run, "policy_after_removal", name)
    attempt = policy(run, "policy_after_removal_attempt", name)
    run.call("remove_permission", FunctionName=name, StatementId="s3",
             RevisionId=attempt.get("RevisionId", ""))
    run.capture("get_policy_exception_removed_all", "get_policy", FunctionName=name)


@scenario(API, "TestLambdaPermissions::test_permission_exceptions", "permissions")
def permission_exceptions(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    s3 = {"Action": ACTION, "StatementId": "s3", "Principal": "s3.amazonaws.com",
          "SourceArn": BUCKET_ARN}
    run.capture("add_permission_invalid_statement_id", "add_permission", FunctionName=name,
                Action=ACTION, StatementId="example.com", Principal="s3.amazonaws.com")
    run.capture("add_permission_fn_qualifier_mismatch", "add_permission",
                FunctionName=f"{name}:alias-not-42", Qualifier="42", **s3)
    run.capture("add_permission_fn_qualifier_latest", "add_permission",
                FunctionName=f"{name}:$LATEST", Qualifier="$LATEST", **s3)
    run.capture("add_permission_principal_invalid", "add_permission", FunctionName=name,
                Action=ACTION, StatementId="lambda", Principal="invalid.nonaws.com",
                SourceAccount=run.account_id)
    run.capture("get_policy_fn_doesnotexist", "get_policy", FunctionName="doesnotexist")
    run.capture("get_policy_fn_version_doesnotexist", "get_policy", FunctionName=name,
                Qualifier="77")
    run.capture("add_permission_fn_doesnotexist", "add_permission", FunctionName="doesnotexist",
                **s3)
    run.capture("remove_permission_policy_doesnotexist", "remove_permission", FunctionName=name,
                StatementId="s3")
    run.capture("add_permission_fn_alias_doesnotexist", "add_permission",
                FunctionName=f"{name}:alias-doesnotexist", **s3)
    run.capture("add_permission_fn_version_doesnotexist", "add_permission", FunctionName=name,
                Qualifier="42", **s3)
    run.capture("add_permission_fn_qualifier_invalid", "add_permission", FunctionName=name,
                Qualifier="invalid-qualifier-with-?-char", **s3)
    run.capture("add_permission_fn_qualifier_valid_doesnotexist", "add_permission",
                FunctionName=name, Qualifier="valid-with-$-but-doesnotexist", **s3)
    run.call("add_permission", FunctionName=name, **s3)
    run.capture("add_permission_conflicting_statement_id", "add_permission", FunctionName=name,
                **s3)
    run.capture("remove_permission_fn_doesnotexist", "remove_permission",
                FunctionName="doesnotexist", StatementId="s3")
    run.capture("remove_permission_fn_alias_doesnotexist", "remove_permission",
                FunctionName=name, StatementId="s3", Qualifier="alias-doesnotexist")


@scenario(API, "TestLambdaPermissions::test_add_lambda_permission_fields", "permissions")
def add_lambda_permission_fields(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    added(run, "add_permission_principal_wildcard", FunctionName=name, StatementId="wilcard",
          Principal="*", SourceAccount=run.account_id)
    added(run, "add_permission_principal_service", FunctionName=name, StatementId="lambda",
          Principal="lambda.amazonaws.com", SourceAccount=run.account_id)
    added(run, "add_permission_principal_account", FunctionName=name,
          StatementId="account-id", Principal=run.account_id)
    user_arn = run.client("sts").get_caller_identity()["Arn"]
    added(run, "add_permission_principal_arn", FunctionName=name, StatementId="user-arn",
          Principal=user_arn, SourceAccount=run.account_id)
    url = run.call("add_permission", FunctionName=name, StatementId="urlPermission",
                   Action="lambda:InvokeFunctionUrl", Principal="*", SourceArn=BUCKET_ARN,
                   SourceAccount=run.account_id, PrincipalOrgID="o-1234567890",
                   FunctionUrlAuthType="NONE")
    if isinstance(url.get("Statement"), str):
        url = {**url, "Statement": json.loads(url["Statement"])}
    run.record("add_permission_optional_fields", url)
    added(run, "add_permission_alexa_skill", FunctionName=name, StatementId="alexaSkill",
          Principal="*", EventSourceToken="amzn1.ask.skill.xxxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")


@scenario(API, "TestLambdaPermissions::test_lambda_permission_fn_versioning", "permissions")
def lambda_permission_fn_versioning(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    s3 = {"Action": ACTION, "StatementId": "s3", "Principal": "s3.amazonaws.com",
          "SourceArn": BUCKET_ARN}
    added(run, "add_permission", FunctionName=name, StatementId="s3",
          Principal="s3.amazonaws.com", SourceArn=BUCKET_ARN)
    policy(run, "get_policy", name)
    version = run.record("publish_version_result", run.published(name)).get("Version", "1")
    run.capture("get_function_result_after_publishing", "get_function", FunctionName=name)
    policy(run, "get_policy_after_publishing_latest", name)
    run.capture("get_policy_after_publishing_new_version", "get_policy", FunctionName=name,
                Qualifier=version)
    run.call("add_permission", FunctionName=f"{name}:{version}", Qualifier=version, **s3)
    policy(run, "get_policy_version", name, version)
    alias = "permission-alias"
    created = run.capture("create_alias_response", "create_alias", FunctionName=name,
                          Name=alias, FunctionVersion=version)
    run.capture("get_alias", "get_alias", FunctionName=name, Name=alias)
    run.capture("add_permission_alias_revision_exception", "add_permission",
                FunctionName=name, Qualifier=alias, RevisionId="wrong", **s3)
    run.call("add_permission", FunctionName=f"{name}:{alias}", Qualifier=alias,
             RevisionId=created.get("RevisionId", ""), **s3)
    policy(run, "get_policy_alias", name, alias)
    latest = policy(run, "get_policy_after_adding_to_new_version", name)
    run.call("add_permission", FunctionName=name, RevisionId=latest.get("RevisionId", ""),
             **{**s3, "StatementId": "s3_2"})
    policy(run, "get_policy_after_adding_2", name)



@scenario(API, "TestLambdaRevisions::test_function_revisions_permissions", "permissions")
def function_revisions_permissions(run: Replay) -> None:
    """The recording holds only the first response of this test; it has none of the rest."""
    name = run.function_name()
    run.create_function(name)
    run.call("get_function", FunctionName=name)
    run.capture("add_permission_revision_exception", "add_permission", FunctionName=name,
                StatementId="s3", Action=ACTION, Principal="s3.amazonaws.com",
                RevisionId="wrong")
