"""Physical names, references and attributes of resources, as CloudFormation gives them:
`<stack>-<LogicalId>` made valid for each service, the same on every load."""

from __future__ import annotations

import re

import pytest

from simulator.templates.naming import (
    PhysicalResource,
    Stack,
    api_id,
    describe,
    generated_name,
)

STACK = Stack(name="demo", region="eu-west-1", account_id="123456789012")
LONG_STACK = Stack(name="a-rather-long-stack-name-for-a-project", region="eu-west-1",
                   account_id="123456789012")


def test_a_generated_name_is_the_stack_and_the_logical_id() -> None:
    assert generated_name(STACK, "HelloFunction", "AWS::Serverless::Function") == (
        "demo-HelloFunction"
    )


def test_characters_no_service_allows_become_hyphens() -> None:
    stack = Stack(name="my app.v2", region="us-east-1", account_id="123456789012")
    assert generated_name(stack, "Fn", "AWS::Lambda::Function") == "my-app-v2-Fn"


def test_bucket_names_are_lower_case_with_single_hyphens() -> None:
    stack = Stack(name="My_App--x", region="us-east-1", account_id="123456789012")
    assert generated_name(stack, "UploadBucket", "AWS::S3::Bucket") == "my-app-x-uploadbucket"


@pytest.mark.parametrize(
    ("resource_type", "limit"),
    [
        ("AWS::Serverless::Function", 64),
        ("AWS::Lambda::Function", 64),
        ("AWS::Events::Rule", 64),
        ("AWS::IAM::Role", 64),
        ("AWS::S3::Bucket", 63),
        ("AWS::SQS::Queue", 80),
    ],
)
def test_long_names_are_shortened_to_the_service_limit_and_kept_apart(
    resource_type: str, limit: int
) -> None:
    first = generated_name(LONG_STACK, "Handler" + "X" * 80 + "One", resource_type)
    second = generated_name(LONG_STACK, "Handler" + "X" * 80 + "Two", resource_type)
    assert len(first) <= limit and len(second) <= limit
    assert first != second
    assert re.fullmatch(r"[A-Za-z0-9_-]+", first)
    assert first.lower().startswith("a-rather-long-stack-name")
    assert generated_name(LONG_STACK, "Handler" + "X" * 80 + "One", resource_type) == first


def test_a_name_within_the_limit_is_not_shortened() -> None:
    logical_id = "T" * 150
    assert generated_name(LONG_STACK, logical_id, "AWS::SNS::Topic") == (
        f"{LONG_STACK.name}-{logical_id}"
    )


def test_a_fifo_suffix_is_kept_whole_within_the_limit() -> None:
    name = generated_name(LONG_STACK, "Orders" + "Q" * 80, "AWS::SQS::Queue", ".fifo")
    assert name.endswith(".fifo")
    assert len(name) <= 80
    assert generated_name(STACK, "Orders", "AWS::SQS::Queue", ".fifo") == "demo-Orders.fifo"


def test_api_ids_are_ten_characters_and_stable() -> None:
    first = api_id(STACK, "ServerlessRestApi")
    assert re.fullmatch(r"[0-9a-f]{10}", first)
    assert api_id(STACK, "ServerlessRestApi") == first
    assert api_id(STACK, "ServerlessHttpApi") != first
    other_stack = Stack(name="other", region="eu-west-1", account_id="123456789012")
    assert api_id(other_stack, "ServerlessRestApi") != first


@pytest.mark.parametrize(
    ("resource_type", "name", "expected"),
    [
        ("AWS::Serverless::Function", "fn", PhysicalResource(
            "fn", "fn", {"Arn": "arn:aws:lambda:eu-west-1:123456789012:function:fn"})),
        ("AWS::Lambda::Function", "fn", PhysicalResource(
            "fn", "fn", {"Arn": "arn:aws:lambda:eu-west-1:123456789012:function:fn"})),
        ("AWS::SQS::Queue", "jobs", PhysicalResource(
            "jobs", "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs", {
                "Arn": "arn:aws:sqs:eu-west-1:123456789012:jobs",
                "QueueName": "jobs",
                "QueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs",
            })),
        ("AWS::S3::Bucket", "uploads", PhysicalResource("uploads", "uploads", {
            "Arn": "arn:aws:s3:::uploads",
            "DomainName": "uploads.s3.amazonaws.com",
            "RegionalDomainName": "uploads.s3.eu-west-1.amazonaws.com",
        })),
        ("AWS::SNS::Topic", "alerts", PhysicalResource(
            "alerts", "arn:aws:sns:eu-west-1:123456789012:alerts", {
                "TopicArn": "arn:aws:sns:eu-west-1:123456789012:alerts",
                "TopicName": "alerts",
            })),
        ("AWS::Events::Rule", "nightly", PhysicalResource(
            "nightly", "nightly", {"Arn": "arn:aws:events:eu-west-1:123456789012:rule/nightly"})),
        ("AWS::IAM::Role", "runner", PhysicalResource(
            "runner", "runner", {"Arn": "arn:aws:iam::123456789012:role/runner"})),
        ("AWS::DynamoDB::Table", "items", PhysicalResource(
            "items", "items", {"Arn": "arn:aws:dynamodb:eu-west-1:123456789012:table/items"})),
        ("AWS::Serverless::SimpleTable", "items", PhysicalResource(
            "items", "items", {"Arn": "arn:aws:dynamodb:eu-west-1:123456789012:table/items"})),
        ("AWS::StepFunctions::StateMachine", "flow", PhysicalResource(
            "flow", "arn:aws:states:eu-west-1:123456789012:stateMachine:flow", {
                "Arn": "arn:aws:states:eu-west-1:123456789012:stateMachine:flow",
                "Name": "flow",
            })),
        ("AWS::Serverless::LayerVersion", "deps", PhysicalResource("deps", "Res")),
        ("AWS::Serverless::Api", "api", PhysicalResource("api", api_id(STACK, "Res"))),
        ("AWS::ApiGatewayV2::Api", "api", PhysicalResource("api", api_id(STACK, "Res"))),
        ("AWS::Custom::Thing", "thing", PhysicalResource("thing", "thing")),
    ],
)
def test_references_and_attributes_match_cloudformation(
    resource_type: str, name: str, expected: PhysicalResource
) -> None:
    assert describe(STACK, "Res", resource_type, name) == expected


def test_arns_and_urls_follow_the_partition_and_url_suffix() -> None:
    china = Stack(name="demo", region="cn-north-1", account_id="123456789012",
                  partition="aws-cn", url_suffix="amazonaws.com.cn")
    queue = describe(china, "Jobs", "AWS::SQS::Queue", "jobs")
    assert queue.ref == "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/jobs"
    assert queue.attributes["Arn"] == "arn:aws-cn:sqs:cn-north-1:123456789012:jobs"
    bucket = describe(china, "Uploads", "AWS::S3::Bucket", "uploads")
    assert bucket.attributes["Arn"] == "arn:aws-cn:s3:::uploads"
    assert bucket.attributes["RegionalDomainName"] == "uploads.s3.cn-north-1.amazonaws.com.cn"
    function = describe(china, "Fn", "AWS::Lambda::Function", "fn")
    assert function.attributes["Arn"] == "arn:aws-cn:lambda:cn-north-1:123456789012:function:fn"
