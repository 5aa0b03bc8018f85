"""The SAM / CloudFormation template loader: the sample templates field by field, then Globals,
parameters, each intrinsic, conditions, warnings and the errors a user must fix."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from simulator.templates import (
    FunctionSpec,
    RedrivePolicy,
    Template,
    TemplateError,
    load_template,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "templates"
ACCOUNT = "000000000000"
HEADER = "Transform: AWS::Serverless-2016-10-31\n"


def write_template(tmp_path: Path, *parts: str, name: str = "template.yaml") -> Path:
    """A template made of `parts` (each dedented) in a folder called `demo`, so that the stack
    is named demo, beside a code folder `src` holding app.py."""
    stack = tmp_path / "demo"
    (stack / "src").mkdir(parents=True)
    (stack / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
    path = stack / name
    path.write_text("".join(textwrap.dedent(part) for part in parts))
    return path


def load(tmp_path: Path, *parts: str, **options: Any) -> Template:
    return load_template(write_template(tmp_path, *parts), **options)


def function(template: Template, logical_id: str) -> FunctionSpec:
    return next(spec for spec in template.functions if spec.logical_id == logical_id)


def one_function(body: str) -> str:
    """A template with one Python function `Fn` whose extra properties are `body`."""
    return HEADER + textwrap.dedent("""\
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              CodeUri: src/
        """) + textwrap.indent(textwrap.dedent(body), " " * 6)


def resolved_variable(tmp_path: Path, value: str, preamble: str = "", **options: Any) -> Any:
    """The value an intrinsic gives as the environment variable V of a one-function template
    (None when it could not be resolved)."""
    body = textwrap.dedent(preamble) + one_function(f"Environment:\n  Variables:\n    V: {value}\n")
    return function(load(tmp_path, body, **options), "Fn").environment.get("V")


# The sample templates, field by field.


def test_hello_world_api_functions_apply_globals_and_parameters() -> None:
    template = load_template(FIXTURES / "hello-world-api" / "template.yaml")
    folder = FIXTURES / "hello-world-api"
    assert template.path == folder / "template.yaml"
    assert template.stack_name == "hello-world-api"
    assert template.warnings == []
    assert [spec.logical_id for spec in template.functions] == ["HelloWorldFunction",
                                                                 "GreetFunction"]
    hello = function(template, "HelloWorldFunction")
    assert hello.name == "hello-world-api-HelloWorldFunction"
    assert hello.arn == (
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:hello-world-api-HelloWorldFunction"
    )
    assert (hello.runtime, hello.handler) == ("python3.11", "app.lambda_handler")
    assert hello.code_dir == folder / "hello_world"
    assert (hello.code_zip, hello.inline_code) == (None, None)
    assert (hello.memory_size, hello.timeout) == (256, 10)
    assert hello.environment == {
        "STAGE": "dev", "LOG_LEVEL": "DEBUG", "GREETING": "Hello from us-east-1",
    }
    assert hello.description == "Says hello over the REST API"
    assert hello.layers == []
    assert hello.reserved_concurrency is None
    assert hello.architectures == ["x86_64"]
    assert hello.ephemeral_storage == 512
    assert [(event.logical_id, event.type, event.properties) for event in hello.events] == [
        ("HelloWorld", "Api", {"Path": "/hello", "Method": "get"}),
    ]
    greet = function(template, "GreetFunction")
    assert greet.name == "hello-world-api-greet-dev"
    assert (greet.handler, greet.code_dir) == ("greet.handler", folder / "greet")
    assert (greet.memory_size, greet.timeout) == (512, 30)
    assert greet.environment == {"STAGE": "dev", "LOG_LEVEL": "INFO"}
    assert [(event.logical_id, event.type, event.properties) for event in greet.events] == [
        ("GreetByName", "HttpApi", {"Path": "/greet/{name}", "Method": "POST"}),
        ("GreetAnyone", "HttpApi", {"Path": "/greet", "Method": "GET"}),
    ]
    assert (template.layers, template.queues, template.buckets) == ([], [], [])
    assert (template.topics, template.rules) == ([], [])


def test_hello_world_api_outputs_resolve_sam_implicit_resources() -> None:
    outputs = load_template(FIXTURES / "hello-world-api" / "template.yaml").outputs
    assert set(outputs) == {"HelloWorldApi", "GreetApi", "HelloWorldFunction",
                            "HelloWorldFunctionIamRole"}  # ProdOnly's condition is false
    assert outputs["HelloWorldApi"].startswith("https://")
    assert outputs["HelloWorldApi"].endswith(".execute-api.us-east-1.amazonaws.com/Prod/hello/")
    assert outputs["GreetApi"].endswith(".execute-api.us-east-1.amazonaws.com/greet")
    assert outputs["HelloWorldFunction"] == (
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:hello-world-api-HelloWorldFunction"
    )
    assert outputs["HelloWorldFunctionIamRole"] == (
        f"arn:aws:iam::{ACCOUNT}:role/hello-world-api-HelloWorldFunctionRole"
    )


def test_hello_world_api_with_the_prod_stage() -> None:
    template = load_template(
        FIXTURES / "hello-world-api" / "template.yaml",
        parameter_overrides={"Stage": "prod", "GreetingPrefix": "Hi"},
        region="eu-west-1",
        account_id="123456789012",
    )
    greet = function(template, "GreetFunction")
    assert greet.name == "hello-world-api-greet-prod"
    assert greet.memory_size == 1024
    assert greet.arn == "arn:aws:lambda:eu-west-1:123456789012:function:hello-world-api-greet-prod"
    assert function(template, "HelloWorldFunction").environment["GREETING"] == "Hi from eu-west-1"
    assert template.outputs["ProdOnly"] == "hello-world-api-greet-prod"


def test_s3_thumbnail() -> None:
    folder = FIXTURES / "s3-thumbnail"
    template = load_template(folder / "template.yaml")
    assert template.warnings == []
    (thumbnail,) = template.functions
    assert thumbnail.name == "s3-thumbnail-ThumbnailFunction"
    assert (thumbnail.runtime, thumbnail.handler) == ("python3.11", "thumbnail.handler")
    assert thumbnail.code_dir == folder / "src"
    assert (thumbnail.memory_size, thumbnail.timeout) == (1024, 60)
    assert thumbnail.architectures == ["arm64"]
    assert thumbnail.ephemeral_storage == 2048
    assert thumbnail.reserved_concurrency == 5
    assert thumbnail.layers == [
        "ImageLibraryLayer", "arn:aws:lambda:us-east-1:123456789012:layer:shared-utils:3",
    ]
    assert thumbnail.environment == {
        "THUMBNAIL_BUCKET": f"s3-thumbnail-thumbnails-{ACCOUNT}",
        "THUMBNAIL_WIDTH": "128",
    }
    (event,) = thumbnail.events
    assert (event.logical_id, event.type) == ("ImageUploaded", "S3")
    assert event.properties == {
        "Bucket": "s3-thumbnail-sourcebucket",
        "Events": "s3:ObjectCreated:*",
        "Filter": {"S3Key": {"Rules": [
            {"Name": "prefix", "Value": "uploads/"}, {"Name": "suffix", "Value": ".jpg"},
        ]}},
    }
    (layer,) = template.layers
    assert (layer.logical_id, layer.name) == ("ImageLibraryLayer", "image-library")
    assert layer.content_dir == folder / "layers" / "image_library"
    assert layer.compatible_runtimes == ["python3.11", "python3.12"]
    source, thumbnails = template.buckets
    assert (source.logical_id, source.name) == ("SourceBucket", "s3-thumbnail-sourcebucket")
    assert source.arn == "arn:aws:s3:::s3-thumbnail-sourcebucket"
    assert thumbnails.name == f"s3-thumbnail-thumbnails-{ACCOUNT}"
    assert thumbnails.properties == {"BucketName": f"s3-thumbnail-thumbnails-{ACCOUNT}"}
    assert template.outputs == {
        "SourceBucketName": "s3-thumbnail-sourcebucket",
        "ThumbnailBucketArn": f"arn:aws:s3:::s3-thumbnail-thumbnails-{ACCOUNT}",
    }


def test_sqs_worker_queues_topic_and_warnings() -> None:
    template = load_template(FIXTURES / "sqs-worker" / "template.yaml")
    dlq_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:sqs-worker-jobs-dlq"
    dead_letter, jobs = template.queues
    assert (dead_letter.logical_id, dead_letter.name) == ("JobsDeadLetterQueue",
                                                          "sqs-worker-jobs-dlq")
    assert dead_letter.arn == dlq_arn
    assert dead_letter.url == f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/sqs-worker-jobs-dlq"
    assert dead_letter.message_retention_period == 1209600
    assert dead_letter.redrive_policy is None
    assert jobs.name == "sqs-worker-JobsQueue"
    assert (jobs.visibility_timeout, jobs.fifo, jobs.delay_seconds) == (180, False, 0)
    assert jobs.redrive_policy == RedrivePolicy(dead_letter_target_arn=dlq_arn,
                                                max_receive_count=3)
    assert jobs.properties["RedrivePolicy"]["deadLetterTargetArn"] == dlq_arn
    (topic,) = template.topics
    assert (topic.logical_id, topic.name, topic.fifo) == ("AlertsTopic", "job-alerts", False)
    assert topic.arn == f"arn:aws:sns:us-east-1:{ACCOUNT}:job-alerts"
    assert template.warnings == [
        "Resource ResultsTable has the type AWS::DynamoDB::Table, which the simulator does not "
        "provide; it is ignored, and a Ref to it gives 'sqs-worker-ResultsTable'."
    ]
    assert template.outputs == {
        "JobsQueueUrl": f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/sqs-worker-JobsQueue",
        "DeadLetterQueueArn": dlq_arn,
    }


def test_sqs_worker_functions_and_their_events() -> None:
    folder = FIXTURES / "sqs-worker"
    template = load_template(folder / "template.yaml")
    worker = function(template, "WorkerFunction")
    assert worker.name == "jobs-worker"
    assert (worker.runtime, worker.timeout, worker.memory_size) == ("python3.13", 30, 128)
    assert worker.code_dir == folder / "worker"
    assert worker.environment == {
        "LOG_LEVEL": "DEBUG",
        "RESULTS_TABLE": "sqs-worker-ResultsTable",
        "ALERTS_TOPIC_ARN": f"arn:aws:sns:us-east-1:{ACCOUNT}:job-alerts",
    }
    (sqs,) = worker.events
    assert (sqs.logical_id, sqs.type) == ("JobsQueueEvent", "SQS")
    assert sqs.properties == {
        "Queue": f"arn:aws:sqs:us-east-1:{ACCOUNT}:sqs-worker-JobsQueue",
        "BatchSize": 5,
        "MaximumBatchingWindowInSeconds": 2,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
    }
    janitor = function(template, "JanitorFunction")
    assert janitor.name == "sqs-worker-JanitorFunction"
    assert janitor.handler == "janitor.handler"
    schedule, daily = janitor.events
    assert (schedule.logical_id, schedule.type) == ("EveryFiveMinutes", "Schedule")
    assert schedule.properties == {
        "Schedule": "rate(5 minutes)", "Input": '{"action": "sweep"}', "Enabled": True,
    }
    assert (daily.logical_id, daily.type) == ("DailyReport", "ScheduleV2")
    assert daily.properties["ScheduleExpression"] == "cron(0 12 * * ? *)"
    assert json.loads(daily.properties["Input"]) == {
        "report": "daily", "table": "sqs-worker-ResultsTable",
    }
    (alert,) = function(template, "AlertFunction").events
    assert (alert.logical_id, alert.type) == ("JobAlert", "SNS")
    assert alert.properties == {
        "Topic": f"arn:aws:sns:us-east-1:{ACCOUNT}:job-alerts",
        "FilterPolicy": {"severity": ["high"]},
    }


def test_sqs_worker_mapping_follows_the_environment_parameter() -> None:
    template = load_template(FIXTURES / "sqs-worker" / "template.yaml",
                             parameter_overrides={"Environment": "prod", "MaxReceiveCount": "7"})
    worker = function(template, "WorkerFunction")
    assert worker.environment["LOG_LEVEL"] == "INFO"
    assert worker.events[0].properties["BatchSize"] == 10
    assert template.queues[1].redrive_policy == RedrivePolicy(
        f"arn:aws:sqs:us-east-1:{ACCOUNT}:sqs-worker-jobs-dlq", 7
    )


# Globals.


def test_globals_function_wins_maps_merge_lists_add(tmp_path: Path) -> None:
    template = load(tmp_path, HEADER, """\
        Globals:
          Function:
            Runtime: python3.11
            Handler: app.handler
            CodeUri: src/
            Timeout: 20
            Description: from globals
            Layers: [arn:aws:lambda:us-east-1:123456789012:layer:base:1]
            Environment:
              Variables: {SHARED: global, OVERRIDDEN: global}
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Timeout: 5
              Layers: [arn:aws:lambda:us-east-1:123456789012:layer:extra:2]
              Environment:
                Variables: {OVERRIDDEN: own, OWN: own}
          Plain:
            Type: AWS::Serverless::Function
    """)
    spec = function(template, "Fn")
    assert (spec.runtime, spec.handler, spec.timeout) == ("python3.11", "app.handler", 5)
    assert spec.description == "from globals"
    assert spec.layers == ["arn:aws:lambda:us-east-1:123456789012:layer:base:1",
                           "arn:aws:lambda:us-east-1:123456789012:layer:extra:2"]
    assert spec.environment == {"SHARED": "global", "OVERRIDDEN": "own", "OWN": "own"}
    plain = function(template, "Plain")
    assert plain.timeout == 20
    assert plain.environment == {"SHARED": "global", "OVERRIDDEN": "global"}
    assert plain.code_dir == tmp_path / "demo" / "src"


def test_globals_an_intrinsic_counts_as_a_plain_value(tmp_path: Path) -> None:
    template = load(tmp_path, HEADER, """\
        Conditions:
          Always: !Equals [a, a]
        Globals:
          Function:
            Environment:
              Variables: {FROM_GLOBALS: yes}
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              CodeUri: src/
              Environment: !If [Always, {Variables: {ONLY: own}}, !Ref AWS::NoValue]
    """)
    assert function(template, "Fn").environment == {"ONLY": "own"}


def test_globals_do_not_apply_to_plain_cloudformation_functions(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="Fn .AWS::Lambda::Function. has no Runtime"):
        load(tmp_path, """\
            Globals:
              Function: {Runtime: python3.12, Handler: app.handler}
            Resources:
              Fn:
                Type: AWS::Lambda::Function
                Properties:
                  Code: src/
        """)


def test_globals_sections_the_simulator_ignores_are_warned_about(tmp_path: Path) -> None:
    template = load(tmp_path, "Globals:\n  Api:\n    Cors: \"'*'\"\n" + one_function(""))
    assert template.warnings == ["Globals.Api is not simulated; it is ignored."]


# Parameters and pseudo parameters.


PARAMETERS = textwrap.dedent("""\

    Parameters:
      Stage: {Type: String, Default: dev, AllowedValues: [dev, prod]}
      Size: {Type: Number, Default: 256}
      Zones: {Type: CommaDelimitedList, Default: "a, b,c"}
""")


def test_parameter_defaults_and_overrides(tmp_path: Path) -> None:
    assert resolved_variable(tmp_path / "1", "!Ref Stage", PARAMETERS) == "dev"
    assert resolved_variable(tmp_path / "2", "!Ref Stage", PARAMETERS,
                             parameter_overrides={"Stage": "prod"}) == "prod"
    assert resolved_variable(tmp_path / "3", "!Ref Size", PARAMETERS) == "256"
    assert resolved_variable(tmp_path / "4", "!Join ['|', !Ref Zones]", PARAMETERS) == "a|b|c"


def test_a_number_parameter_sets_a_number_property(tmp_path: Path) -> None:
    template = load(tmp_path, PARAMETERS + one_function("MemorySize: !Ref Size\n"),
                    parameter_overrides={"Size": "2048"})
    assert function(template, "Fn").memory_size == 2048


def test_an_override_for_no_parameter_is_warned_about(tmp_path: Path) -> None:
    template = load(tmp_path, PARAMETERS + one_function(""), parameter_overrides={"Stag": "x"})
    assert template.warnings == [
        "The parameter override Stag matches no parameter of the template; it is ignored."
    ]


def test_a_parameter_store_parameter_needs_an_override(tmp_path: Path) -> None:
    preamble = """\
        Parameters:
          Secret: {Type: "AWS::SSM::Parameter::Value<String>", Default: /app/secret}
    """
    template = load(tmp_path / "1", preamble, one_function(
        "Environment:\n  Variables:\n    V: !Ref Secret\n"))
    assert function(template, "Fn").environment == {}
    (warning,) = template.warnings
    assert warning.startswith("Resources.Fn.Properties.Environment.Variables.V: parameter Secret "
                              "is read from SSM Parameter Store")
    assert resolved_variable(tmp_path / "2", "!Ref Secret", preamble,
                             parameter_overrides={"Secret": "s3cr3t"}) == "s3cr3t"


def test_pseudo_parameters(tmp_path: Path) -> None:
    value = "!Sub '${AWS::Region}|${AWS::AccountId}|${AWS::StackName}|${AWS::Partition}|" \
            "${AWS::URLSuffix}'"
    assert resolved_variable(tmp_path, value, region="ap-south-1", account_id="111122223333") == (
        "ap-south-1|111122223333|demo|aws|amazonaws.com"
    )


def test_no_value_removes_a_property_or_a_list_item(tmp_path: Path) -> None:
    template = load(tmp_path, one_function("""\
        Timeout: !Ref AWS::NoValue
        Layers: [arn:aws:lambda:us-east-1:123456789012:layer:a:1, !Ref AWS::NoValue]
    """))
    spec = function(template, "Fn")
    assert spec.timeout == 3
    assert spec.layers == ["arn:aws:lambda:us-east-1:123456789012:layer:a:1"]
    assert template.warnings == []


# Intrinsic functions.


RESOURCES = textwrap.dedent("""\

    Resources:
      Queue: {Type: AWS::SQS::Queue}
      NamedQueue: {Type: AWS::SQS::Queue, Properties: {QueueName: named}}
      Bucket: {Type: AWS::S3::Bucket}
      Topic: {Type: AWS::SNS::Topic}
      Layer: {Type: AWS::Serverless::LayerVersion, Properties: {ContentUri: src/}}
      Other:
        Type: AWS::Serverless::Function
        Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: src/}
""")


def resource_value(tmp_path: Path, value: str) -> Any:
    """The value of `value` in a template that also holds a queue, bucket, topic, layer and
    another function."""
    fn = one_function(f"Environment:\n  Variables:\n    V: {value}\n").split("Resources:\n")[1]
    return function(load(tmp_path, HEADER, RESOURCES + fn), "Fn").environment.get("V")


@pytest.mark.parametrize(("value", "expected"), [
    ("!Ref Queue", f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/demo-Queue"),
    ("!Ref NamedQueue", f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/named"),
    ("!Ref Bucket", "demo-bucket"),
    ("!Ref Topic", f"arn:aws:sns:us-east-1:{ACCOUNT}:demo-Topic"),
    ("!Ref Layer", "Layer"),
    ("!Ref Other", "demo-Other"),
    ("!GetAtt Other.Arn", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:demo-Other"),
    ("!GetAtt Queue.Arn", f"arn:aws:sqs:us-east-1:{ACCOUNT}:demo-Queue"),
    ("!GetAtt [NamedQueue, QueueName]", "named"),
    ("!GetAtt Queue.QueueUrl", f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/demo-Queue"),
    ("!GetAtt Bucket.Arn", "arn:aws:s3:::demo-bucket"),
    ("!GetAtt Topic.TopicName", "demo-Topic"),
    ("!Sub '${Bucket}/${Queue.Arn}/${!Literal}'",
     f"demo-bucket/arn:aws:sqs:us-east-1:{ACCOUNT}:demo-Queue/${{Literal}}"),
    ("!Sub ['${Name}-${AWS::Region}', {Name: !GetAtt NamedQueue.QueueName}]", "named-us-east-1"),
    ("!Join ['-', [a, !Ref Bucket, 3]]", "a-demo-bucket-3"),
    ("!Select [1, [x, y, z]]", "y"),
    ("!Select ['2', !Split [',', 'a,b,c']]", "c"),
    ("!Base64 hello", "aGVsbG8="),
    ("!Select [0, !GetAZs '']", "us-east-1a"),
])
def test_intrinsic_functions(tmp_path: Path, value: str, expected: str) -> None:
    assert resource_value(tmp_path, value) == expected


@pytest.mark.parametrize(("value", "reason"), [
    ("!ImportValue shared-vpc", "values exported by other stacks are not available locally"),
    ("!GetAtt Bucket.WebsiteURL", "does not know the WebsiteURL attribute of AWS::S3::Bucket"),
    ("!Ref Missing", "no parameter or resource is named Missing"),
    ("!Select [5, [a]]", "Fn::Select cannot take item 5"),
    ("!Cidr [10.0.0.0/16, 2, 8]", "Fn::Cidr is not supported by the simulator"),
    ("!FindInMap [Nowhere, a, b]", "Fn::FindInMap finds no Nowhere/a/b"),
])
def test_unresolvable_intrinsics_warn_and_leave_the_value_unset(
    tmp_path: Path, value: str, reason: str
) -> None:
    body = HEADER + RESOURCES + one_function(
        f"Environment:\n  Variables:\n    V: {value}\n    KEPT: kept\n"
    ).split("Resources:\n")[1]
    template = load(tmp_path, body)
    assert function(template, "Fn").environment == {"KEPT": "kept"}
    (warning,) = template.warnings
    assert warning.startswith("Resources.Fn.Properties.Environment.Variables.V: ")
    assert reason in warning
    assert warning.endswith("; the value is left unset.")


def test_find_in_map(tmp_path: Path) -> None:
    preamble = """\
        Mappings:
          RegionSettings:
            us-east-1: {Memory: 512}
            eu-west-1: {Memory: 1024}
    """
    body = one_function("MemorySize: !FindInMap [RegionSettings, !Ref AWS::Region, Memory]\n")
    assert function(load(tmp_path / "1", preamble, body), "Fn").memory_size == 512
    template = load(tmp_path / "2", preamble, body, region="eu-west-1")
    assert function(template, "Fn").memory_size == 1024


def test_json_template_with_long_form_intrinsics(tmp_path: Path) -> None:
    document = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {"Prefix": {"Type": "String", "Default": "job"}},
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue",
                      "Properties": {"QueueName": {"Fn::Sub": "${Prefix}s"}}},
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12", "Handler": "app.handler", "Code": "src",
                    "Environment": {"Variables": {
                        "QUEUE_ARN": {"Fn::GetAtt": "Queue.Arn"},
                        "QUEUE_URL": {"Ref": "Queue"},
                    }},
                },
            },
        },
    }
    path = write_template(tmp_path, json.dumps(document, indent=2), name="template.json")
    template = load_template(path)
    assert function(template, "Fn").environment == {
        "QUEUE_ARN": f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs",
        "QUEUE_URL": f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/jobs",
    }


# Conditions.


CONDITIONS = textwrap.dedent("""\

    Parameters:
      Stage: {Type: String, Default: dev}
      Debug: {Type: String, Default: "true"}
    Conditions:
      IsProd: !Equals [!Ref Stage, prod]
      IsNotProd: !Not [!Condition IsProd]
      DebugInDev: !And [!Condition IsNotProd, !Equals [!Ref Debug, "true"]]
      ProdOrDebug: !Or [!Condition IsProd, !Condition DebugInDev]
""")


@pytest.mark.parametrize(("overrides", "expected"), [
    ({}, "dev:not-prod:debug-in-dev:prod-or-debug"),
    ({"Stage": "prod"}, "prod:prod:no-debug:prod-or-debug"),
    ({"Debug": "false"}, "dev:not-prod:no-debug:neither"),
])
def test_conditions(tmp_path: Path, overrides: dict[str, str], expected: str) -> None:
    value = ("!Join [':', [!Ref Stage, !If [IsProd, prod, not-prod], !If [DebugInDev, "
             "debug-in-dev, no-debug], !If [ProdOrDebug, prod-or-debug, neither]]]")
    assert resolved_variable(tmp_path, value, CONDITIONS,
                             parameter_overrides=overrides) == expected


def test_a_resource_whose_condition_is_false_is_not_loaded(tmp_path: Path) -> None:
    template = load(tmp_path, CONDITIONS, HEADER, """\
        Resources:
          ProdQueue: {Type: AWS::SQS::Queue, Condition: IsProd}
          DevQueue: {Type: AWS::SQS::Queue, Condition: IsNotProd}
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              CodeUri: src/
              Environment:
                Variables: {QUEUE: !Ref ProdQueue}
    """)
    assert [queue.logical_id for queue in template.queues] == ["DevQueue"]
    assert template.warnings == [
        "Resources.Fn.Properties.Environment.Variables.QUEUE: ProdQueue is not created: its "
        "Condition is false; the value is left unset."
    ]


def test_an_undefined_condition_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="the condition 'IsProd' is used but not defined"):
        load(tmp_path, one_function("Timeout: !If [IsProd, 10, 3]\n"))


def test_a_condition_that_cannot_be_decided_is_taken_as_false(tmp_path: Path) -> None:
    template = load(tmp_path, "Conditions:\n  Shared: !Equals [!ImportValue flag, on]\n",
                    one_function("Timeout: !If [Shared, 60, 5]\n"))
    assert function(template, "Fn").timeout == 5
    assert template.warnings == [
        "Conditions.Shared: Fn::ImportValue 'flag': values exported by other stacks are not "
        "available locally; the condition is taken as false."
    ]


# Physical names.


def test_generated_names_are_valid_for_each_service(tmp_path: Path) -> None:
    long_id = "A" + "VeryLongLogicalId" * 5
    template = load(tmp_path, HEADER, f"""\
        Resources:
          Upload_Bucket: {{Type: AWS::S3::Bucket}}
          Orders: {{Type: AWS::SQS::Queue, Properties: {{FifoQueue: true}}}}
          Events: {{Type: AWS::SNS::Topic, Properties: {{FifoTopic: "true"}}}}
          {long_id}:
            Type: AWS::Serverless::Function
            Properties: {{Runtime: python3.12, Handler: app.handler, CodeUri: src/}}
    """)
    assert template.buckets[0].name == "demo-upload-bucket"
    assert template.queues[0].name == "demo-Orders.fifo"
    assert template.queues[0].fifo
    assert (template.topics[0].name, template.topics[0].fifo) == ("demo-Events.fifo", True)
    name = template.functions[0].name
    assert len(name) == 64
    assert name.startswith("demo-AVeryLongLogicalId")
    assert name == load(tmp_path / "again", HEADER, f"""\
        Resources:
          {long_id}:
            Type: AWS::Serverless::Function
            Properties: {{Runtime: python3.12, Handler: app.handler, CodeUri: src/}}
    """).functions[0].name


def test_names_that_depend_on_each_other_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="depend on each other: Second -> First -> Second;"):
        load(tmp_path, """\
            Resources:
              First: {Type: AWS::SQS::Queue, Properties: {QueueName: !GetAtt Second.QueueName}}
              Second: {Type: AWS::SQS::Queue, Properties: {QueueName: !GetAtt First.QueueName}}
        """)


# Plain CloudFormation functions, code locations and other resources.


def test_lambda_function_with_inline_code_and_with_a_code_folder(tmp_path: Path) -> None:
    template = load(tmp_path, """\
        Resources:
          Inline:
            Type: AWS::Lambda::Function
            Properties:
              FunctionName: inline-fn
              Runtime: python3.12
              Handler: index.handler
              MemorySize: 512
              ReservedConcurrentExecutions: 2
              Code:
                ZipFile: |
                  def handler(event, context):
                      return "inline"
          Folder:
            Type: AWS::Lambda::Function
            Properties:
              Runtime: python3.13
              Handler: app.handler
              Code: ./src
              Architectures: [arm64]
    """)
    inline = function(template, "Inline")
    assert inline.name == "inline-fn"
    assert inline.inline_code == 'def handler(event, context):\n    return "inline"\n'
    assert (inline.code_dir, inline.code_zip) == (None, None)
    assert (inline.memory_size, inline.reserved_concurrency) == (512, 2)
    folder = function(template, "Folder")
    assert folder.code_dir == tmp_path / "demo" / "src"
    assert folder.architectures == ["arm64"]
    assert template.warnings == [
        "Function Inline (AWS::Lambda::Function) has its source inline in the template "
        "(Code.ZipFile); it is kept as text, not as a code folder."
    ]


def test_code_uri_may_name_a_zip(tmp_path: Path) -> None:
    body = one_function("").replace("CodeUri: src/", "CodeUri: build/fn.zip")
    path = write_template(tmp_path, body)
    (path.parent / "build").mkdir()
    (path.parent / "build" / "fn.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    spec = load_template(path).functions[0]
    assert (spec.code_zip, spec.code_dir) == (path.parent / "build" / "fn.zip", None)


def test_event_source_mapping_feeds_a_queue_to_a_function(tmp_path: Path) -> None:
    template = load(tmp_path, """\
        Resources:
          Queue: {Type: AWS::SQS::Queue}
          Stream: {Type: AWS::Kinesis::Stream, Properties: {ShardCount: 1}}
          Fn:
            Type: AWS::Lambda::Function
            Properties: {Runtime: python3.12, Handler: app.handler, Code: src}
          FromQueue:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              EventSourceArn: !GetAtt Queue.Arn
              FunctionName: !Ref Fn
              BatchSize: 3
          FromStream:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              EventSourceArn: arn:aws:kinesis:us-east-1:123456789012:stream/s
              FunctionName: !GetAtt Fn.Arn
    """)
    (event,) = function(template, "Fn").events
    assert (event.logical_id, event.type) == ("FromQueue", "SQS")
    assert event.properties == {
        "Queue": f"arn:aws:sqs:us-east-1:{ACCOUNT}:demo-Queue", "BatchSize": 3,
    }
    assert template.warnings[-1] == (
        "Resource FromStream (AWS::Lambda::EventSourceMapping) reads from "
        "arn:aws:kinesis:us-east-1:123456789012:stream/s; the simulator only delivers SQS "
        "queues, so it is ignored."
    )


def test_a_redrive_policy_may_be_json_text(tmp_path: Path) -> None:
    template = load(tmp_path, """\
        Resources:
          Dlq: {Type: AWS::SQS::Queue, Properties: {QueueName: dlq}}
          Work:
            Type: AWS::SQS::Queue
            Properties:
              DelaySeconds: 5
              RedrivePolicy: !Sub '{"deadLetterTargetArn": "${Dlq.Arn}", "maxReceiveCount": 4}'
    """)
    work = template.queues[1]
    assert work.delay_seconds == 5
    assert work.redrive_policy == RedrivePolicy(f"arn:aws:sqs:us-east-1:{ACCOUNT}:dlq", 4)


def test_events_rule(tmp_path: Path) -> None:
    template = load(tmp_path, one_function("") + """\
  Nightly:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: cron(0 2 * * ? *)
      State: DISABLED
      Targets:
        - {Id: fn, Arn: !GetAtt Fn.Arn, Input: '{"nightly": true}'}
  OnUpload:
    Type: AWS::Events::Rule
    Properties:
      Name: on-upload
      EventPattern: '{"source": ["aws.s3"]}'
""")
    nightly, on_upload = template.rules
    assert (nightly.name, nightly.enabled) == ("demo-Nightly", False)
    assert nightly.arn == f"arn:aws:events:us-east-1:{ACCOUNT}:rule/demo-Nightly"
    assert nightly.schedule_expression == "cron(0 2 * * ? *)"
    assert nightly.targets == [{
        "Id": "fn", "Arn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:demo-Fn",
        "Input": '{"nightly": true}',
    }]
    assert (on_upload.name, on_upload.enabled) == ("on-upload", True)
    assert on_upload.event_pattern == {"source": ["aws.s3"]}
    assert on_upload.schedule_expression is None


# Warnings for what the simulator does not run.


def test_unsupported_resources_are_warned_about(tmp_path: Path) -> None:
    template = load(tmp_path, one_function("Role: !GetAtt FnRole.Arn\n") + """\
  FnRole:
    Type: AWS::IAM::Role
    Properties: {AssumeRolePolicyDocument: {}}
  Table: {Type: AWS::DynamoDB::Table}
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties: {Name: flow}
""")
    assert template.warnings == [
        "Resource FnRole has the type AWS::IAM::Role, which the simulator does not provide; it "
        "is ignored, and a Ref to it gives 'demo-FnRole'.",
        "Resource Table has the type AWS::DynamoDB::Table, which the simulator does not provide; "
        "it is ignored, and a Ref to it gives 'demo-Table'.",
        "Resource Flow has the type AWS::Serverless::StateMachine, which the simulator does not "
        "provide; it is ignored, and a Ref to it gives "
        f"'arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:flow'.",
    ]
    assert len(template.functions) == 1


def test_functions_the_simulator_cannot_run_are_skipped_with_a_warning(tmp_path: Path) -> None:
    template = load(tmp_path, HEADER, """\
        Resources:
          Image:
            Type: AWS::Serverless::Function
            Properties: {PackageType: Image, ImageUri: repo/image:latest}
          Node:
            Type: AWS::Serverless::Function
            Properties: {Runtime: java21, Handler: index.handler, CodeUri: src/}
          InS3:
            Type: AWS::Serverless::Function
            Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: s3://bucket/code.zip}
          Inline:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: index.handler
              InlineCode: "def handler(event, context):\\n    return 1\\n"
    """)
    assert [spec.logical_id for spec in template.functions] == ["Inline"]
    assert template.functions[0].inline_code == "def handler(event, context):\n    return 1\n"
    assert template.warnings == [
        "Function Image (AWS::Serverless::Function) is a container image (PackageType: Image), "
        "which templates do not deploy (create it with the Lambda API's CreateFunction); it is "
        "skipped.",
        "Function Node (AWS::Serverless::Function) uses the runtime java21, which the "
        "simulator does not run (it runs python3.11, python3.12, python3.13, python3.14, "
        "nodejs18.x, nodejs20.x, nodejs22.x, nodejs24.x, provided.al2, provided.al2023); it is "
        "skipped.",
        "Function InS3 (AWS::Serverless::Function) cannot be run: its code is in S3 "
        "(s3://bucket/code.zip); it is skipped.",
        "Function Inline (AWS::Serverless::Function) has its source inline in the template "
        "(InlineCode); it is kept as text, not as a code folder.",
    ]


def test_unsupported_event_types_are_warned_about(tmp_path: Path) -> None:
    template = load(tmp_path, one_function("""\
        Events:
          Stream:
            Type: DynamoDB
            Properties: {Stream: arn:aws:dynamodb:us-east-1:1:table/t/stream/x}
          Hello:
            Type: Api
            Properties: {Path: /, Method: any}
    """))
    assert [event.logical_id for event in function(template, "Fn").events] == ["Hello"]
    (warning,) = template.warnings
    assert warning.startswith("Event Stream of function Fn has the type DynamoDB, which the "
                              "simulator does not deliver")


def test_a_layer_whose_content_is_in_s3_is_skipped(tmp_path: Path) -> None:
    template = load(tmp_path, one_function("") + """\
  Shared:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: {S3Bucket: artifacts, S3Key: layer.zip}
""")
    assert template.layers == []
    assert template.warnings == [
        "Layer Shared (AWS::Lambda::LayerVersion) cannot be used: its code is in S3 "
        "({'S3Bucket': 'artifacts', 'S3Key': 'layer.zip'}); it is skipped."
    ]


def test_a_layer_in_a_zip_and_a_loop_are_skipped(tmp_path: Path) -> None:
    path = write_template(tmp_path, one_function("") + """\
  ZippedLayer:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: layer.zip}
  Fn::ForEach::Queues:
    - Name
    - [A, B]
    - ${Name}Queue: {Type: AWS::SQS::Queue}
""")
    (path.parent / "layer.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    template = load_template(path)
    assert (template.layers, template.queues) == ([], [])
    assert template.warnings == [
        "Resources.Fn::ForEach::Queues is not supported by the simulator; the resources it "
        "would make are not loaded.",
        f"Layer ZippedLayer (AWS::Serverless::LayerVersion) has its content in "
        f"{path.parent / 'layer.zip'}; the simulator takes layers from folders only, so it is "
        "skipped.",
    ]


def test_a_mapping_to_a_function_that_is_not_loaded_is_warned_about(tmp_path: Path) -> None:
    template = load(tmp_path, """\
        Resources:
          Queue: {Type: AWS::SQS::Queue}
          Mapping:
            Type: AWS::Lambda::EventSourceMapping
            Properties: {EventSourceArn: !GetAtt Queue.Arn, FunctionName: elsewhere}
    """)
    assert template.warnings == [
        "Resource Mapping (AWS::Lambda::EventSourceMapping) feeds the function elsewhere, which "
        "is not among the functions loaded; it is ignored."
    ]


# Errors the user must fix.


def test_a_missing_template_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="nowhere.yaml does not exist"):
        load_template(tmp_path / "nowhere.yaml")
    with pytest.raises(TemplateError, match="is a folder, not a template file"):
        load_template(tmp_path)


def test_a_yaml_syntax_error_names_its_line(tmp_path: Path) -> None:
    path = write_template(tmp_path, "Resources:\n  Fn:\n    Type: x\n   Bad: [\n")
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    assert str(caught.value).startswith(f"{path}, line 4, column 4: ")
    assert "fix the template's syntax" in str(caught.value)


def test_a_json_syntax_error_names_its_line(tmp_path: Path) -> None:
    path = write_template(tmp_path, '{\n  "Resources": {,}\n}\n', name="template.json")
    with pytest.raises(TemplateError, match=r"template.json, line 2, column \d+: "):
        load_template(path)


def test_an_unknown_top_level_key_is_warned_about(tmp_path: Path) -> None:
    template = load(tmp_path, "Resource:\n  Typo: {Type: AWS::SQS::Queue}\n", one_function(""))
    assert template.warnings == ["Resource is not a template section; it is ignored."]


def test_a_template_without_resources_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="has no Resources section"):
        load(tmp_path / "1", "Description: nothing here\n")
    with pytest.raises(TemplateError, match="its top level must be a mapping"):
        load(tmp_path / "2", "- just\n- a list\n")


@pytest.mark.parametrize(("missing", "message"), [
    ("Runtime", "line 4: Function Fn .AWS::Serverless::Function. has no Runtime; set Runtime"),
    ("Handler", "line 4: Function Fn .AWS::Serverless::Function. has no Handler; set Handler"),
])
def test_a_function_without_runtime_or_handler_is_an_error(
    tmp_path: Path, missing: str, message: str
) -> None:
    body = "\n".join(line for line in one_function("").splitlines() if missing not in line)
    path = write_template(tmp_path, body)
    with pytest.raises(TemplateError, match=f"^{path}: {message}"):
        load_template(path)


def test_a_missing_code_folder_is_an_error(tmp_path: Path) -> None:
    body = one_function("").replace("CodeUri: src/", "CodeUri: hello_world/")
    with pytest.raises(TemplateError, match=r"Resources.Fn.Properties.CodeUri is 'hello_world/', "
                                            r"but .*hello_world does not exist"):
        load(tmp_path, body)


def test_a_code_file_that_is_not_a_zip_is_an_error(tmp_path: Path) -> None:
    body = one_function("").replace("CodeUri: src/", "CodeUri: src/app.py")
    with pytest.raises(TemplateError, match="a file that is not a .zip"):
        load(tmp_path, body)


def test_parameter_errors(tmp_path: Path) -> None:
    body = PARAMETERS + one_function("")
    with pytest.raises(TemplateError, match="'staging', which is not one of its AllowedValues"):
        load(tmp_path / "1", body, parameter_overrides={"Stage": "staging"})
    with pytest.raises(TemplateError, match="parameter Size is a Number, but its value is 'big'"):
        load(tmp_path / "2", body, parameter_overrides={"Size": "big"})
    with pytest.raises(TemplateError, match=r"parameter Key has no Default; .* \(Key=...\)"):
        load(tmp_path / "3", "Parameters:\n  Key: {Type: String}\n" + one_function(""))


def test_a_resource_without_a_type_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="resource Thing has no Type"):
        load(tmp_path, one_function("") + "  Thing:\n    Properties: {}\n")


def test_a_property_that_must_be_a_number_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError,
                       match="Resources.Fn.Properties.Timeout must be a whole number, not 'soon'"):
        load(tmp_path, one_function("Timeout: soon\n"))
