from __future__ import annotations

from simulator.stacks.resources.properties import (
    ReplacedByProperties,
    as_bool,
    as_int,
    as_json,
    attribute_text,
    compact,
    resource_name,
    tag_list,
    tag_map,
)
from tests.unit.stacks.resources.fake_clients import fake_context


def test_tags_become_maps_or_lists_of_text() -> None:
    tags = [{"Key": "team", "Value": "a"}, {"Key": "size", "Value": 3}]
    assert tag_map(tags) == {"team": "a", "size": "3"}
    assert tag_list(tags) == [{"Key": "team", "Value": "a"}, {"Key": "size", "Value": "3"}]
    assert tag_map(None) == {} and tag_list(None) == []


def test_parameter_values_given_as_text_are_typed() -> None:
    assert as_int("30") == 30 and as_int(None) is None
    assert as_bool("True") is True and as_bool("false") is False and as_bool(None) is None
    assert as_json({"a": 1}) == '{"a": 1}' and as_json("{}") == "{}"
    assert attribute_text(True) == "true" and attribute_text(5) == "5"
    assert attribute_text({"deadLetterTargetArn": "x"}) == '{"deadLetterTargetArn": "x"}'
    assert compact({"a": None, "b": 0, "c": ""}) == {"b": 0, "c": ""}


def test_names_are_the_templates_or_generated() -> None:
    context = fake_context(logical_id="Queue")
    assert resource_name(context, {"QueueName": "mine"}, "QueueName", 80) == "mine"
    assert resource_name(context, {}, "QueueName", 10) == "shop-Queue"


def test_only_the_listed_properties_replace() -> None:
    class Kind(ReplacedByProperties):
        replacement_properties = frozenset({"Name"})

    assert Kind().replaces({"Name": "a", "Size": 1}, {"Name": "b", "Size": 1})
    assert not Kind().replaces({"Name": "a", "Size": 1}, {"Name": "a", "Size": 2})
