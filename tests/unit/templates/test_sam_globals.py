"""SAM's Globals: the Function section is applied under each serverless function the way SAM
applies it; the other sections are warned about."""

from __future__ import annotations

from typing import Any

from simulator.templates.sam_globals import function_globals, merged


def test_the_function_section_is_returned() -> None:
    warnings: list[str] = []
    document = {"Globals": {"Function": {"Runtime": "python3.12", "Timeout": 10}}}
    assert function_globals(document, warnings) == {"Runtime": "python3.12", "Timeout": 10}
    assert warnings == []


def test_sections_the_simulator_does_not_apply_are_warned_about() -> None:
    warnings: list[str] = []
    document = {"Globals": {"Function": {"Timeout": 10}, "Api": {"Cors": "*"}, "HttpApi": {}}}
    assert function_globals(document, warnings) == {"Timeout": 10}
    assert sorted(warnings) == [
        "Globals.Api is not simulated; it is ignored.",
        "Globals.HttpApi is not simulated; it is ignored.",
    ]


def test_no_usable_globals_give_no_properties() -> None:
    warnings: list[str] = []
    assert function_globals({}, warnings) == {}
    assert function_globals({"Globals": None}, warnings) == {}
    assert function_globals({"Globals": ["Function"]}, warnings) == {}
    assert function_globals({"Globals": {"Function": "python3.12"}}, warnings) == {}
    assert warnings == []


def test_a_functions_own_value_wins() -> None:
    assert merged({"Timeout": 10, "Runtime": "python3.12"}, {"Timeout": 30}) == {
        "Timeout": 30,
        "Runtime": "python3.12",
    }


def test_mappings_merge_key_by_key_at_every_depth() -> None:
    global_properties = {"Environment": {"Variables": {"STAGE": "dev", "TABLE": "items"}}}
    own = {"Environment": {"Variables": {"STAGE": "prod", "DEBUG": "1"}}}
    assert merged(global_properties, own) == {
        "Environment": {"Variables": {"STAGE": "prod", "TABLE": "items", "DEBUG": "1"}}
    }


def test_lists_add_the_functions_items_after_the_global_ones() -> None:
    global_properties = {"Layers": ["arn:aws:lambda:us-east-1:123456789012:layer:base:1"]}
    own = {"Layers": ["arn:aws:lambda:us-east-1:123456789012:layer:extra:2"]}
    assert merged(global_properties, own)["Layers"] == [
        "arn:aws:lambda:us-east-1:123456789012:layer:base:1",
        "arn:aws:lambda:us-east-1:123456789012:layer:extra:2",
    ]


def test_an_intrinsic_is_a_plain_value_that_replaces_the_other_side() -> None:
    variables = {"Variables": {"STAGE": "dev"}}
    reference = {"Ref": "EnvironmentSettings"}
    assert merged({"Environment": reference}, {"Environment": variables}) == {
        "Environment": variables
    }
    assert merged({"Environment": variables}, {"Environment": reference}) == {
        "Environment": reference
    }
    assert merged({"Tags": {"Fn::If": ["Prod", {"a": "1"}, {}]}}, {"Tags": {"b": "2"}}) == {
        "Tags": {"b": "2"}
    }


def test_values_of_different_kinds_take_the_functions_own() -> None:
    assert merged({"Layers": ["base"]}, {"Layers": "extra"}) == {"Layers": "extra"}
    assert merged({"Environment": {"Variables": {}}}, {"Environment": None}) == {
        "Environment": None
    }


def test_applying_globals_to_one_function_does_not_change_them_for_the_next() -> None:
    global_properties: dict[str, Any] = {
        "Environment": {"Variables": {"STAGE": "dev"}},
        "Layers": ["base"],
    }
    merged(global_properties, {"Environment": {"Variables": {"ONLY_A": "1"}}, "Layers": ["a"]})
    second = merged(global_properties, {})
    assert second == {"Environment": {"Variables": {"STAGE": "dev"}}, "Layers": ["base"]}
    assert global_properties == second
