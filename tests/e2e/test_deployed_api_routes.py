"""An API a stack deploys into the embedded API Gateway answers at
`/_simulator/http/API/STAGE/...`, and at its own host under .localhost, with the function
behind it, as the deployed API would:
SAM's implicit REST API (stage Prod, payload 1.0, path parameters) and HTTP API ($default
stage, payload 2.0)."""

from __future__ import annotations

import json

import requests

from simulator.http_server import SimulatorServer
from tests.e2e.test_cloudformation_api import FAST, aws, outputs
from tests.helpers import eventually, unique_name

HANDLER = """
import json
def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({
        "version": event.get("version", "1.0"),
        "path": event.get("rawPath") or event.get("path"),
        "parameters": event.get("pathParameters")})}
"""


def template() -> str:
    return json.dumps({
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {"Api": {"Type": "AWS::Serverless::Function", "Properties": {
            "Runtime": "python3.11", "Handler": "index.handler", "InlineCode": HANDLER,
            "Events": {
                "Hello": {"Type": "Api", "Properties": {"Path": "/hello/{name}",
                                                        "Method": "get"}},
                "Hi": {"Type": "HttpApi", "Properties": {"Path": "/hi", "Method": "get"}}}}}},
        "Outputs": {"RestApi": {"Value": {"Ref": "ServerlessRestApi"}},
                    "HttpApi": {"Value": {"Ref": "ServerlessHttpApi"}}},
    })


def test_a_stacks_rest_and_http_apis_answer_with_their_function(
        process_server: SimulatorServer) -> None:
    cloudformation = aws(process_server, "cloudformation")
    stack = unique_name("api-app")
    cloudformation.create_stack(StackName=stack, TemplateBody=template(),
                                Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
    cloudformation.get_waiter("stack_create_complete").wait(StackName=stack,
                                                            WaiterConfig=FAST)
    apis = outputs(cloudformation, stack)
    base = f"{process_server.url}/_simulator/http"

    rest = requests.get(f"{base}/{apis['RestApi']}/Prod/hello/ana", timeout=30)
    assert rest.status_code == 200, rest.text
    assert rest.json() == {"version": "1.0", "path": "/hello/ana",
                           "parameters": {"name": "ana"}}
    assert requests.get(f"{base}/{apis['RestApi']}/Prod/nowhere", timeout=30
                        ).status_code == 404
    http = requests.get(f"{base}/{apis['HttpApi']}/$default/hi", timeout=30)
    assert http.status_code == 200, http.text
    assert http.json()["version"] == "2.0" and http.json()["path"] == "/hi"

    # The API's own host, as its Outputs name it, under .localhost: the stage leads the path,
    # but for an HTTP API's $default stage.
    def by_host(api: str, path: str) -> requests.Response:
        port = process_server.url.rsplit(":", 1)[1]
        return requests.get(f"{process_server.url}{path}", timeout=30, headers={
            "Host": f"{api}.execute-api.us-east-1.localhost:{port}"})

    assert by_host(apis["RestApi"], "/Prod/hello/bo").json()["parameters"] == {"name": "bo"}
    assert by_host(apis["HttpApi"], "/hi").json()["path"] == "/hi"

    cloudformation.delete_stack(StackName=stack)
    cloudformation.get_waiter("stack_delete_complete").wait(StackName=stack,
                                                            WaiterConfig=FAST)
    # What was read of the API is kept a moment (CACHE_SECONDS), then the API is gone.
    assert eventually(lambda: requests.get(f"{base}/{apis['RestApi']}/Prod/hello/ana",
                                           timeout=30).status_code == 404, 10)
