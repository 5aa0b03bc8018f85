"""A function's policy read as IAM reads it, for the callers strict mode asks about."""

from __future__ import annotations

from typing import Any

from simulator.functions.policy_evaluation import (
    INVOKE_FUNCTION,
    INVOKE_FUNCTION_URL,
    Caller,
    allows,
)

BUCKET = "arn:aws:s3:::uploads"
S3 = Caller("s3.amazonaws.com", BUCKET, "123456789012")


def statement(**fields: Any) -> dict[str, Any]:
    return {"Sid": "s", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
            "Action": INVOKE_FUNCTION, "Resource": "arn", **fields}


def test_a_grant_to_the_service_lets_it_in() -> None:
    assert allows([statement()], S3, INVOKE_FUNCTION)


def test_another_principal_or_action_does_not() -> None:
    assert not allows([statement(Principal={"Service": "sns.amazonaws.com"})], S3,
                      INVOKE_FUNCTION)
    assert not allows([statement(Action="lambda:GetFunction")], S3, INVOKE_FUNCTION)
    assert not allows([], S3, INVOKE_FUNCTION)


def test_wildcards_in_actions_and_principals() -> None:
    assert allows([statement(Action="lambda:*")], S3, INVOKE_FUNCTION)
    assert allows([statement(Principal="*")], S3, INVOKE_FUNCTION)


def test_source_arn_and_account_conditions() -> None:
    assert allows([statement(Condition={"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::upl*"}})],
                  S3, INVOKE_FUNCTION)
    assert not allows([statement(Condition={"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::x"}})],
                      S3, INVOKE_FUNCTION)
    assert allows([statement(Condition={"StringEquals": {
        "AWS:SourceAccount": "123456789012"}})], S3, INVOKE_FUNCTION)
    assert not allows([statement(Condition={"StringEquals": {
        "AWS:SourceAccount": "210987654321"}})], S3, INVOKE_FUNCTION)


def test_a_condition_the_request_cannot_meet_grants_nothing() -> None:
    assert not allows([statement(Condition={"StringEquals": {"aws:PrincipalOrgID": "o-1"}})],
                      S3, INVOKE_FUNCTION)


def test_a_deny_wins() -> None:
    assert not allows([statement(), statement(Effect="Deny")], S3, INVOKE_FUNCTION)


def test_a_public_url_needs_its_auth_type_and_the_url_condition() -> None:
    public = Caller("*", url_auth_type="NONE", via_function_url=True)
    url_grant = statement(Principal="*", Action=INVOKE_FUNCTION_URL, Condition={
        "StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}})
    invoke_grant = statement(Principal="*", Condition={
        "Bool": {"lambda:InvokedViaFunctionUrl": "true"}})
    assert allows([url_grant], public, INVOKE_FUNCTION_URL)
    assert allows([invoke_grant], public, INVOKE_FUNCTION)
    assert not allows([invoke_grant], Caller("*"), INVOKE_FUNCTION)
    assert not allows([url_grant], Caller("*", url_auth_type="AWS_IAM"), INVOKE_FUNCTION_URL)
