"""The logical ids the Serverless Framework gives what it generates."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.templates.serverless.naming import (
    REST_API_ID,
    alphanumeric,
    bucket_id,
    event_bus_id,
    function_id,
    layer_id,
    normalized,
    topic_id,
)
from tests.unit.templates.serverless.service_files import convert, resource


@pytest.mark.parametrize(("name", "expected"), [
    ("hello", "Hello"),
    ("get-user_v2", "GetDashuserUnderscorev2"),
    ("a--b", "ADashDashb"),
    ("_private", "Underscoreprivate"),
    ("Already", "Already"),
    ("", ""),
])
def test_dashes_and_underscores_are_spelled_out(name: str, expected: str) -> None:
    assert normalized(name) == expected


def test_functions_and_layers_end_with_their_kind() -> None:
    assert function_id("create-order") == "CreateDashorderLambdaFunction"
    assert layer_id("common_libs") == "CommonUnderscorelibsLambdaLayer"


def test_buckets_topics_and_buses_keep_letters_and_digits_only() -> None:
    assert alphanumeric("my.bucket-2024_x") == "Mybucket2024x"
    assert bucket_id("uploads-dev") == "S3BucketUploadsdev"
    assert topic_id("note.added") == "SNSTopicNoteadded"
    assert event_bus_id("orders_bus") == "EventBridgeEventBusOrdersbus"
    assert REST_API_ID == "ApiGatewayRestApi"


def test_a_function_is_named_service_stage_key_unless_it_names_itself(tmp_path: Path) -> None:
    converted = convert(tmp_path, """
        functions:
          get-user_v2:
            handler: users.get
          named:
            handler: named.handler
            name: my-own-name
    """, options={"stage": "prod"})
    generated = resource(converted, "GetDashuserUnderscorev2LambdaFunction")
    assert generated["Properties"]["FunctionName"] == "shop-prod-get-user_v2"
    assert resource(converted, "NamedLambdaFunction")["Properties"]["FunctionName"] == \
        "my-own-name"
    assert converted.stack_name == "shop-prod"
