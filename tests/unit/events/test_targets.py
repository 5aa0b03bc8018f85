"""What an EventBridge target receives: the event itself, a constant `Input`, the part an
`InputPath` selects, or an `InputTransformer` rendering, checked against the examples of
EventBridge's guide ("Transforming target input") on its example EC2 event."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from simulator.events.targets import json_path, render_template, target_input

EVENT: dict[str, Any] = {
    "version": "0",
    "id": "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "123456789012",
    "time": "2015-11-11T21:29:54Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
    "detail": {"instance-id": "i-0123456789", "state": "RUNNING", "attempt": 3,
               "tags": {"team": "web", "tier": 1}},
}
PATHS = {"timestamp": "$.time", "instance": "$.detail.instance-id", "state": "$.detail.state"}


def transformed(template: str, paths: dict[str, str] = PATHS) -> Any:
    target = {"Id": "t", "Arn": "arn:aws:lambda:us-east-1:123456789012:function:fn",
              "InputTransformer": {"InputPathsMap": paths, "InputTemplate": template}}
    return target_input(target, copy.deepcopy(EVENT))


# -- which input ----------------------------------------------------------------------------


def test_a_target_without_input_settings_receives_the_whole_event() -> None:
    assert target_input({"Id": "t", "Arn": "arn"}, copy.deepcopy(EVENT)) == EVENT


def test_constant_input_is_the_json_text_given_whatever_the_event() -> None:
    target = {"Id": "t", "Arn": "arn", "Input": '{"job": "nightly", "retries": [1, 2]}'}

    assert target_input(target, copy.deepcopy(EVENT)) == {"job": "nightly", "retries": [1, 2]}


def test_constant_input_may_be_a_json_string_or_number() -> None:
    assert target_input({"Input": '"hello"'}, EVENT) == "hello"
    assert target_input({"Input": "42"}, EVENT) == 42


def test_input_path_selects_a_part_of_the_event() -> None:
    assert target_input({"InputPath": "$.detail"}, copy.deepcopy(EVENT)) == EVENT["detail"]
    assert target_input({"InputPath": "$.detail.tags.team"}, EVENT) == "web"
    assert target_input({"InputPath": "$"}, copy.deepcopy(EVENT)) == EVENT


def test_a_path_through_a_missing_member_or_a_string_finds_nothing() -> None:
    assert json_path(EVENT, "$.detail.missing.deeper") is None
    assert json_path(EVENT, "$.detail.state.deeper") is None


# -- InputTransformer: the guide's examples ---------------------------------------------------


def test_simple_string_template() -> None:
    assert transformed('"instance <instance> is in <state>"') == \
        "instance i-0123456789 is in RUNNING"


def test_string_with_escaped_quotes() -> None:
    assert transformed('"instance \\"<instance>\\" is in <state>"') == \
        'instance "i-0123456789" is in RUNNING'


def test_simple_json_puts_string_values_in_quotes() -> None:
    assert transformed('{\n  "instance" : <instance>,\n  "state": <state>\n}') == \
        {"instance": "i-0123456789", "state": "RUNNING"}


def test_json_with_strings_and_variables() -> None:
    template = ('{"instance" : <instance>, "state": "<state>", '
                '"instanceStatus": "instance \\"<instance>\\" is in <state>"}')

    assert transformed(template) == {
        "instance": "i-0123456789",
        "state": "RUNNING",
        "instanceStatus": 'instance "i-0123456789" is in RUNNING',
    }


def test_json_with_a_mix_of_variables_and_static_information() -> None:
    template = '{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}'

    assert transformed(template) == {"instance": "i-0123456789", "state": [9, "RUNNING", True],
                                     "Transformed": "Yes"}


def test_the_api_reference_example_with_the_same_variable_in_and_out_of_a_string() -> None:
    template = '{"myInstance": <instance>,"myStatus": "<instance> is in state \\"<state>\\""}'

    assert transformed(template) == {"myInstance": "i-0123456789",
                                     "myStatus": 'i-0123456789 is in state "RUNNING"'}


def test_a_template_that_is_not_json_gives_plain_text() -> None:
    assert transformed("<instance> is in state <state>") == "i-0123456789 is in state RUNNING"


# -- InputTransformer: values that are not strings ----------------------------------------------


def test_numbers_and_objects_go_into_json_as_json_values() -> None:
    paths = {"attempt": "$.detail.attempt", "tags": "$.detail.tags",
             "resources": "$.resources"}

    assert transformed('{"n": <attempt>, "tags": <tags>, "on": <resources>}', paths) == {
        "n": 3, "tags": {"team": "web", "tier": 1}, "on": EVENT["resources"]}


def test_a_number_inside_a_json_string_goes_in_as_text() -> None:
    assert transformed('{"message": "attempt <attempt> of 5"}',
                       {"attempt": "$.detail.attempt"}) == {"message": "attempt 3 of 5"}


def test_angle_brackets_that_name_no_variable_stay_as_written() -> None:
    assert transformed('{"rule": "a <b> c", "when": <timestamp>}') == {
        "rule": "a <b> c", "when": "2015-11-11T21:29:54Z"}
    assert render_template('"x < y and <state>"', {"state": "$.detail.state"}, EVENT) == \
        "x < y and RUNNING"


def test_a_transformer_without_a_paths_map_sends_its_template() -> None:
    target = {"InputTransformer": {"InputTemplate": '{"static": true}'}}

    assert target_input(target, EVENT) == {"static": True}


@pytest.mark.parametrize("template", ['"<state>"', "<state>"])
def test_a_lone_variable_gives_its_value(template: str) -> None:
    assert transformed(template) == "RUNNING"


def test_paths_reach_into_arrays_by_index() -> None:
    event = {"resources": ["arn:first", "arn:second"], "detail": {"items": [{"id": 7}]}}
    assert json_path(event, "$.resources[1]") == "arn:second"
    assert json_path(event, "$.detail.items[0].id") == 7
    assert json_path(event, "$.resources[5]") is None
    assert render_template('{"r": <r>}', {"r": "$.resources[0]"}, event) == {
        "r": "arn:first"}
