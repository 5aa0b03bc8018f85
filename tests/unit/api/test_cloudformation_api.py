"""The CloudFormation WSGI app: actions dispatched by name with the region of the request's
signature, results and errors written as the query protocol writes them."""

from __future__ import annotations

from typing import Any

from werkzeug.test import Client

from simulator.api.cloudformation_api import CloudFormationApi
from simulator.stacks.errors import AlreadyExists

SIGNED = {"Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/eu-west-2/cloudformation/"
                           "aws4_request, SignedHeaders=host, Signature=x"}


def app(seen: list[tuple[str, dict[str, Any]]]) -> Client:
    def create_stack(region: str, request: dict[str, Any]) -> dict[str, Any]:
        seen.append((region, request))
        if request["StackName"] == "taken":
            raise AlreadyExists("Stack [taken] already exists")
        return {"StackId": "arn:stack"}

    def broken(region: str, request: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("bug")

    return Client(CloudFormationApi({"CreateStack": create_stack, "ListExports": broken},
                                    "us-east-1"))


def post(client: Client, **form: str) -> Any:
    return client.post("/", data={"Version": "2010-05-15", **form}, headers=SIGNED)


def test_an_action_gets_its_input_and_the_signatures_region() -> None:
    seen: list[tuple[str, dict[str, Any]]] = []
    response = post(app(seen), Action="CreateStack", StackName="app", TemplateBody="{}",
                    **{"Capabilities.member.1": "CAPABILITY_IAM"})
    assert response.status_code == 200
    assert seen == [("eu-west-2", {"StackName": "app", "TemplateBody": "{}",
                                   "Capabilities": ["CAPABILITY_IAM"]})]
    body = response.get_data(as_text=True)
    assert "<CreateStackResult><StackId>arn:stack</StackId></CreateStackResult>" in body


def test_errors_are_written_with_their_codes() -> None:
    response = post(app([]), Action="CreateStack", StackName="taken")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "<Code>AlreadyExistsException</Code>" in body
    assert "<Message>Stack [taken] already exists</Message>" in body
    assert "<Type>Sender</Type>" in body


def test_unknown_unimplemented_and_failing_actions() -> None:
    client = app([])
    unknown = post(client, Action="Nonsense")
    assert unknown.status_code == 400
    assert "Could not find operation Nonsense for version 2010-05-15" in unknown.get_data(
        as_text=True)
    unimplemented = post(client, Action="ListStackSets")
    assert "<Code>InvalidAction</Code>" in unimplemented.get_data(as_text=True)
    failing = post(client, Action="ListExports")
    assert failing.status_code == 500
    assert "<Code>InternalFailure</Code>" in failing.get_data(as_text=True)
