"""Template values read the way CloudFormation reads them: booleans as `true`/`false`, numbers
that arrive as strings, JSON documents given as text or as mappings."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.templates.specs import TemplateError
from simulator.templates.value_coercion import as_bool, as_document, as_int, stringify

WHERE = "Resources.Fn.Properties.Timeout"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, "true"), (False, "false"), (5, "5"), ("text", "text"), (2.5, "2.5")],
)
def test_stringify_writes_booleans_as_cloudformation_does(value: Any, expected: str) -> None:
    assert stringify(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        (" TRUE ", True),
        ("True", True),
        ("false", False),
        ("yes", False),
        ("1", False),
        ("", False),
        (True, True),
        (False, False),
        (1, True),
        (0, False),
    ],
)
def test_as_bool_accepts_true_as_text_or_boolean(value: Any, expected: bool) -> None:
    assert as_bool(value) is expected


def test_as_bool_of_an_absent_value_is_the_default() -> None:
    assert as_bool(None) is False
    assert as_bool(None, default=True) is True


@pytest.mark.parametrize(("value", "expected"), [(30, 30), ("30", 30), ("0", 0), (0, 0)])
def test_as_int_reads_numbers_given_as_text(value: Any, expected: int) -> None:
    assert as_int(value, 3, WHERE) == expected


def test_as_int_of_an_absent_value_is_the_default() -> None:
    assert as_int(None, 3, WHERE) == 3
    assert as_int(None, None, WHERE) is None


@pytest.mark.parametrize("value", ["ten", "3.5", 3.5, True, "", [1]])
def test_as_int_names_the_property_that_is_not_a_whole_number(value: Any) -> None:
    with pytest.raises(TemplateError) as raised:
        as_int(value, 3, WHERE)
    assert str(raised.value) == f"{WHERE} must be a whole number, not {value!r}"


def test_as_document_takes_a_mapping_as_it_is() -> None:
    document = {"source": ["aws.s3"]}
    assert as_document(document, "Resources.R.Properties.EventPattern") is document
    assert as_document(None, "Resources.R.Properties.EventPattern") is None


def test_as_document_parses_json_text() -> None:
    text = '{"deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:dlq", "maxReceiveCount": 3}'
    assert as_document(text, "Resources.Q.Properties.RedrivePolicy") == {
        "deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:dlq",
        "maxReceiveCount": 3,
    }


@pytest.mark.parametrize("value", ["{not json", "[1, 2]", '"text"', "3", ["a"], 7])
def test_as_document_rejects_anything_but_a_json_object(value: Any) -> None:
    where = "Resources.Q.Properties.RedrivePolicy"
    with pytest.raises(TemplateError) as raised:
        as_document(value, where)
    assert str(raised.value) == f"{where} must be a JSON object, not {value!r}"
