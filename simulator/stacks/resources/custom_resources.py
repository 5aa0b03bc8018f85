"""Custom resources (`Custom::*`, `AWS::CloudFormation::CustomResource`): the request goes
to the ServiceToken (a function, invoked asynchronously as CloudFormation does, or an SNS
topic) and the answer comes back as a JSON object PUT to a presigned S3 URL on the embedded
S3, in a bucket kept for this; the provisioner polls for it until the stack's timeout."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from simulator.stacks.provisioning import Provisioned, ProvisioningContext, ResourceFailed

log = logging.getLogger(__name__)

RESPONSE_BUCKET = "cloudformation-custom-resource-response-{region}"
POLL_SECONDS = 0.25
MAX_PRESIGNED_SECONDS = 7 * 24 * 3600  # SigV4's longest
SIGV4_HANDLER = "custom-resource-response-sigv4"
PRESIGNING = threading.Lock()


def choose_sigv4(**_: Any) -> str:
    return "s3v4"


def as_text_values(value: Any) -> Any:
    """CloudFormation passes a custom resource's property values as text: numbers and
    booleans arrive as strings; objects and lists keep their shape."""
    if isinstance(value, Mapping):
        return {str(k): as_text_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_text_values(item) for item in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if value is None or isinstance(value, str) else str(value)


class CustomResourceProvisioner:
    """`response_endpoint`, when set, is where functions reach the simulator (a container
    cannot reach its loopback): the ResponseURL is given that address."""

    required_properties = frozenset({"ServiceToken"})

    def __init__(self, resource_type: str, response_endpoint: str = "") -> None:
        self.resource_type = resource_type
        self.response_endpoint = response_endpoint

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        answer = self._request(context, "Create", properties)
        physical_id = answer.get("PhysicalResourceId")
        if not physical_id:
            raise ResourceFailed("Invalid PhysicalResourceId")
        return Provisioned(str(physical_id), dict(answer.get("Data") or {}))

    def replaces(self, old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
                 ) -> bool:
        """The function decides: an Update answered with a new physical id replaces."""
        return False

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        if old_properties.get("ServiceToken") != new_properties.get("ServiceToken"):
            raise ResourceFailed("Modifying service token is not allowed.")
        answer = self._request(context, "Update", new_properties, physical_id, old_properties)
        new_id = str(answer.get("PhysicalResourceId") or physical_id)
        if new_id != physical_id:
            self._delete_replaced(context, physical_id, old_properties)
        return Provisioned(new_id, dict(answer.get("Data") or {}))

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        self._request(context, "Delete", properties, physical_id)

    def _delete_replaced(self, context: ProvisioningContext, physical_id: str,
                         properties: Mapping[str, Any]) -> None:
        """CloudFormation deletes a replaced custom resource in its cleanup, where a
        failure does not fail the stack: it is logged."""
        try:
            self.delete(context, physical_id, properties)
        except ResourceFailed as error:
            log.warning("deleting the replaced %s %s failed: %s", context.logical_id,
                        physical_id, error)

    def _request(self, context: ProvisioningContext, request_type: str,
                 properties: Mapping[str, Any], physical_id: str | None = None,
                 old_properties: Mapping[str, Any] | None = None) -> dict[str, Any]:
        token = properties.get("ServiceToken")
        if not token:
            raise ResourceFailed("Property ServiceToken cannot be empty.")
        request_id = str(uuid.uuid4())
        s3 = context.client("s3")
        bucket = RESPONSE_BUCKET.format(region=context.region)
        key = f"{context.stack_id}|{context.logical_id}|{request_id}"
        self._ensure_bucket(s3, bucket, context.region)
        event: dict[str, Any] = {
            "RequestType": request_type,
            "ServiceToken": token,
            "ResponseURL": self._response_url(s3, bucket, key, context.custom_resource_timeout),
            "StackId": context.stack_id,
            "RequestId": request_id,
            "LogicalResourceId": context.logical_id,
            "ResourceType": self.resource_type,
            "ResourceProperties": as_text_values(properties),
        }
        if physical_id is not None:
            event["PhysicalResourceId"] = physical_id
        if old_properties is not None:
            event["OldResourceProperties"] = as_text_values(old_properties)
        self._send(context, str(token), event)
        answer = self._await_answer(s3, bucket, key, request_id,
                                    context.custom_resource_timeout)
        if answer.get("Status") == "FAILED":
            raise ResourceFailed(str(answer.get("Reason") or
                                     f"Received response status [FAILED] from custom resource."
                                     f" Message returned: (RequestId: {request_id})"))
        if answer.get("Status") != "SUCCESS":
            raise ResourceFailed(f"Invalid response object: Status [{answer.get('Status')}] is "
                                 "not SUCCESS or FAILED")
        return answer

    @staticmethod
    def _send(context: ProvisioningContext, token: str, event: Mapping[str, Any]) -> None:
        if token.split(":")[2:3] == ["sns"]:
            context.client("sns").publish(TopicArn=token, Message=json.dumps(event))
        else:
            context.client("lambda").invoke(FunctionName=token, InvocationType="Event",
                                            Payload=json.dumps(event).encode())

    @staticmethod
    def _ensure_bucket(s3: Any, bucket: str, region: str) -> None:
        try:
            s3.head_bucket(Bucket=bucket)
        except s3.exceptions.ClientError as error:
            log.info("creating the custom resource response bucket %s (%s)", bucket, error)
            options = {} if region == "us-east-1" else {
                "CreateBucketConfiguration": {"LocationConstraint": region}}
            s3.create_bucket(Bucket=bucket, **options)

    def _response_url(self, s3: Any, bucket: str, key: str, timeout: float) -> str:
        """Signed with SigV4, whose credential scope names the service the endpoint routes
        by (a client's default presigning for S3 is SigV2)."""
        event = "choose-signer.s3.PutObject"
        with PRESIGNING:  # the engine's clients are shared between its workers
            s3.meta.events.register(event, choose_sigv4, unique_id=SIGV4_HANDLER)
            try:
                url = str(s3.generate_presigned_url(
                    "put_object", Params={"Bucket": bucket, "Key": key},
                    ExpiresIn=min(int(timeout) + 3600, MAX_PRESIGNED_SECONDS)))
            finally:
                s3.meta.events.unregister(event, unique_id=SIGV4_HANDLER)
        if not self.response_endpoint:
            return url
        endpoint = urlsplit(self.response_endpoint)
        return urlunsplit(urlsplit(url)._replace(scheme=endpoint.scheme,
                                                 netloc=endpoint.netloc))

    @staticmethod
    def _await_answer(s3: Any, bucket: str, key: str, request_id: str, timeout: float
                      ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
                break
            except s3.exceptions.NoSuchKey:
                if time.monotonic() > deadline:
                    raise ResourceFailed(
                        "CloudFormation did not receive a response from your Custom Resource."
                        f" Please check your logs for requestId [{request_id}].") from None
                time.sleep(POLL_SECONDS)
        s3.delete_object(Bucket=bucket, Key=key)
        try:
            answer = json.loads(body)
        except ValueError as error:
            raise ResourceFailed(f"Invalid response object: {error}") from error
        if not isinstance(answer, dict):
            raise ResourceFailed("Invalid response object: expected a JSON object")
        return answer
