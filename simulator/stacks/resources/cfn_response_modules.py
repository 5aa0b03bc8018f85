"""The cfn-response module CloudFormation puts beside a function's inline (`ZipFile`)
source: `cfnresponse` for Python, `cfn-response` for Node.js. Both keep AWS's documented
interface, `send(event, context, responseStatus, responseData, physicalResourceId, noEcho)`
(Python also takes `reason`), and PUT the answer to the event's ResponseURL."""

from __future__ import annotations

PYTHON_MODULE = '''\
"""Answers a CloudFormation custom resource request (AWS's documented interface)."""
import json
import urllib.request

SUCCESS = "SUCCESS"
FAILED = "FAILED"


def send(event, context, responseStatus, responseData, physicalResourceId=None,
         noEcho=False, reason=None):
    log_stream = getattr(context, "log_stream_name", "")
    answer = {
        "Status": responseStatus,
        "Reason": reason or "See the details in CloudWatch Log Stream: " + log_stream,
        "PhysicalResourceId": physicalResourceId or log_stream,
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "NoEcho": noEcho,
        "Data": responseData,
    }
    body = json.dumps(answer).encode()
    print("Response body:", body.decode())
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT",
                                     headers={"Content-Type": "",
                                              "Content-Length": str(len(body))})
    try:
        with urllib.request.urlopen(request) as response:
            print("Status code:", response.status)
    except Exception as error:
        print("send(..) failed executing request:", error)
'''

NODE_MODULE = '''\
// Answers a CloudFormation custom resource request (AWS's documented interface).
exports.SUCCESS = "SUCCESS";
exports.FAILED = "FAILED";

exports.send = function (event, context, responseStatus, responseData, physicalResourceId,
                         noEcho) {
  const logStream = context.logStreamName || "";
  const body = JSON.stringify({
    Status: responseStatus,
    Reason: "See the details in CloudWatch Log Stream: " + logStream,
    PhysicalResourceId: physicalResourceId || logStream,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    NoEcho: noEcho || false,
    Data: responseData,
  });
  console.log("Response body:\\n", body);
  const url = new URL(event.ResponseURL);
  const transport = url.protocol === "https:" ? require("https") : require("http");
  return new Promise((resolve) => {
    const finish = () => {
      if (typeof context.done === "function") context.done();
      resolve();
    };
    const request = transport.request(url, {
      method: "PUT",
      headers: { "content-type": "", "content-length": Buffer.byteLength(body) },
    }, (response) => {
      console.log("Status code: " + response.statusCode);
      response.resume();
      response.on("end", finish);
    });
    request.on("error", (error) => {
      console.log("send(..) failed executing https.request(..): " + error);
      finish();
    });
    request.write(body);
    request.end();
  });
};
'''


def response_module(runtime: str) -> tuple[str, str] | None:
    """The module's path in the function's package and its source, or None where
    CloudFormation provides none (`require("cfn-response")` looks in node_modules)."""
    if runtime.startswith("python"):
        return "cfnresponse.py", PYTHON_MODULE
    if runtime.startswith("nodejs"):
        return "node_modules/cfn-response.js", NODE_MODULE
    return None
