"""Physical names, ARNs and attributes of resources, as CloudFormation would give them.

A resource that names itself (`FunctionName`, `QueueName` ...) keeps that name; otherwise it
gets `<stack>-<LogicalId>`, without CloudFormation's random suffix so that names stay the same
from one run to the next, and shortened or lower-cased where the service demands it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
LAYER_TYPES = ("AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion")
API_TYPES = ("AWS::Serverless::Api", "AWS::Serverless::HttpApi", "AWS::ApiGateway::RestApi",
             "AWS::ApiGatewayV2::Api")

NAME_PROPERTIES = {
    "AWS::Serverless::Function": "FunctionName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::Events::Rule": "Name",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::Serverless::SimpleTable": "TableName",
    "AWS::IAM::Role": "RoleName",
    "AWS::Serverless::StateMachine": "Name",
    "AWS::StepFunctions::StateMachine": "StateMachineName",
    "AWS::Serverless::LayerVersion": "LayerName",
    "AWS::Lambda::LayerVersion": "LayerName",
}
MAX_NAME_LENGTH = {"AWS::SQS::Queue": 80, "AWS::SNS::Topic": 256, "AWS::DynamoDB::Table": 255,
                   "AWS::Serverless::SimpleTable": 255, "AWS::S3::Bucket": 63}
DEFAULT_MAX_NAME_LENGTH = 64


@dataclass(frozen=True)
class Stack:
    """Where the template is deployed: it fills the pseudo parameters and every ARN."""

    name: str
    region: str
    account_id: str
    partition: str = "aws"
    url_suffix: str = "amazonaws.com"


@dataclass(frozen=True)
class PhysicalResource:
    """What `Ref` gives for a resource, and the attributes `Fn::GetAtt` can read."""

    name: str
    ref: str
    attributes: dict[str, str] = field(default_factory=dict)


def generated_name(stack: Stack, logical_id: str, resource_type: str, suffix: str = "") -> str:
    """`<stack>-<LogicalId>` made valid for the service; a hash keeps shortened names apart."""
    limit = MAX_NAME_LENGTH.get(resource_type, DEFAULT_MAX_NAME_LENGTH) - len(suffix)
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{stack.name}-{logical_id}")
    if resource_type == "AWS::S3::Bucket":
        name = re.sub(r"[-_]+", "-", name.lower()).strip("-")
    if len(name) > limit:
        digest = hashlib.sha1(name.encode()).hexdigest()[:8]
        name = f"{name[: limit - 9].rstrip('-')}-{digest}"
    return name + suffix


def api_id(stack: Stack, logical_id: str) -> str:
    """A ten-character id in the shape API Gateway gives, the same on every load."""
    digest = hashlib.sha1(f"{stack.name}/{logical_id}".encode()).hexdigest()
    return format(int(digest, 16), "x")[:10]


def describe(stack: Stack, logical_id: str, resource_type: str, name: str) -> PhysicalResource:
    """The reference and attributes of a resource called `name`."""
    region, account, partition = stack.region, stack.account_id, stack.partition
    if resource_type in FUNCTION_TYPES:
        arn = f"arn:{partition}:lambda:{region}:{account}:function:{name}"
        return PhysicalResource(name, name, {"Arn": arn})
    if resource_type in LAYER_TYPES:
        return PhysicalResource(name, logical_id)
    if resource_type == "AWS::SQS::Queue":
        arn = f"arn:{partition}:sqs:{region}:{account}:{name}"
        url = f"https://sqs.{region}.{stack.url_suffix}/{account}/{name}"
        return PhysicalResource(name, url, {"Arn": arn, "QueueName": name, "QueueUrl": url})
    if resource_type == "AWS::S3::Bucket":
        return PhysicalResource(name, name, {
            "Arn": f"arn:{partition}:s3:::{name}",
            "DomainName": f"{name}.s3.{stack.url_suffix}",
            "RegionalDomainName": f"{name}.s3.{region}.{stack.url_suffix}",
        })
    if resource_type == "AWS::SNS::Topic":
        arn = f"arn:{partition}:sns:{region}:{account}:{name}"
        return PhysicalResource(name, arn, {"TopicArn": arn, "TopicName": name})
    if resource_type == "AWS::Events::Rule":
        arn = f"arn:{partition}:events:{region}:{account}:rule/{name}"
        return PhysicalResource(name, name, {"Arn": arn})
    if resource_type == "AWS::IAM::Role":
        return PhysicalResource(name, name, {"Arn": f"arn:{partition}:iam::{account}:role/{name}"})
    if resource_type in ("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable"):
        arn = f"arn:{partition}:dynamodb:{region}:{account}:table/{name}"
        return PhysicalResource(name, name, {"Arn": arn})
    if resource_type in ("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine"):
        arn = f"arn:{partition}:states:{region}:{account}:stateMachine:{name}"
        return PhysicalResource(name, arn, {"Arn": arn, "Name": name})
    if resource_type in API_TYPES:
        return PhysicalResource(name, api_id(stack, logical_id))
    return PhysicalResource(name, name)
