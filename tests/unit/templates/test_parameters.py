"""A template's parameter values: defaults, overrides, list types, Parameter Store types, and
the checks CloudFormation makes at deploy time (Number, AllowedValues)."""

from __future__ import annotations

import pytest

from simulator.templates.intrinsics import Unresolvable
from simulator.templates.parameters import parameter_values
from simulator.templates.specs import TemplateError


def test_defaults_are_used_and_overrides_replace_them() -> None:
    declared = {
        "Stage": {"Type": "String", "Default": "dev"},
        "Table": {"Type": "String", "Default": "items"},
    }
    warnings: list[str] = []
    assert parameter_values(declared, {"Stage": "prod"}, warnings) == {
        "Stage": "prod",
        "Table": "items",
    }
    assert warnings == []


def test_values_are_text_as_cloudformation_passes_them() -> None:
    declared = {
        "Memory": {"Type": "Number", "Default": 256},
        "Debug": {"Type": "String", "Default": True},
        "Untyped": {"Default": 7},
    }
    assert parameter_values(declared, {}, []) == {
        "Memory": "256",
        "Debug": "true",
        "Untyped": "7",
    }


def test_an_override_for_no_parameter_is_warned_about_and_ignored() -> None:
    warnings: list[str] = []
    values = parameter_values({"Stage": {"Default": "dev"}}, {"Stgae": "prod"}, warnings)
    assert values == {"Stage": "dev"}
    assert warnings == [
        "The parameter override Stgae matches no parameter of the template; it is ignored."
    ]


def test_a_parameter_without_default_or_override_is_an_error() -> None:
    with pytest.raises(TemplateError) as raised:
        parameter_values({"Stage": {"Type": "String"}}, {}, [])
    assert str(raised.value) == (
        "parameter Stage has no Default; give it a value with a parameter override (Stage=...)"
    )
    assert parameter_values({"Stage": {"Type": "String"}}, {"Stage": "prod"}, []) == {
        "Stage": "prod"
    }


@pytest.mark.parametrize("value", ["12", "1.5", "-3", "1e3"])
def test_a_number_parameter_accepts_numbers(value: str) -> None:
    assert parameter_values({"Size": {"Type": "Number"}}, {"Size": value}, []) == {"Size": value}


def test_a_number_parameter_rejects_other_text() -> None:
    with pytest.raises(TemplateError) as raised:
        parameter_values({"Size": {"Type": "Number", "Default": 1}}, {"Size": "large"}, [])
    assert str(raised.value) == "parameter Size is a Number, but its value is 'large'"


def test_a_value_outside_the_allowed_values_is_an_error() -> None:
    declared = {"Stage": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]}}
    assert parameter_values(declared, {"Stage": "prod"}, []) == {"Stage": "prod"}
    with pytest.raises(TemplateError) as raised:
        parameter_values(declared, {"Stage": "qa"}, [])
    assert str(raised.value) == (
        "parameter Stage is 'qa', which is not one of its AllowedValues dev, prod"
    )


def test_a_default_outside_the_allowed_values_is_an_error() -> None:
    declared = {"Stage": {"Default": "test", "AllowedValues": ["dev", "prod"]}}
    with pytest.raises(TemplateError, match="parameter Stage is 'test'"):
        parameter_values(declared, {}, [])


def test_allowed_values_written_as_numbers_or_booleans_match_their_text() -> None:
    declared = {
        "Shards": {"Type": "Number", "Default": 2, "AllowedValues": [1, 2, 4]},
        "Tracing": {"Type": "String", "Default": "false", "AllowedValues": [True, False]},
    }
    assert parameter_values(declared, {}, []) == {"Shards": "2", "Tracing": "false"}


@pytest.mark.parametrize("kind", ["CommaDelimitedList", "List<Number>",
                                  "List<AWS::EC2::Subnet::Id>"])
def test_list_parameters_are_lists_of_trimmed_text(kind: str) -> None:
    declared = {"Items": {"Type": kind, "Default": "a, b ,c"}}
    assert parameter_values(declared, {}, []) == {"Items": ["a", "b", "c"]}
    assert parameter_values(declared, {"Items": "x,y"}, []) == {"Items": ["x", "y"]}


def test_a_list_default_written_as_a_yaml_list_is_read_as_text() -> None:
    declared = {"Ports": {"Type": "CommaDelimitedList", "Default": [80, " 443 "]}}
    assert parameter_values(declared, {}, []) == {"Ports": ["80", "443"]}


def test_a_parameter_store_parameter_has_no_local_value_without_an_override() -> None:
    declared = {
        "Secret": {
            "Type": "AWS::SSM::Parameter::Value<String>",
            "Default": "/demo/secret",
        }
    }
    warnings: list[str] = []
    value = parameter_values(declared, {}, warnings)["Secret"]
    assert isinstance(value, Unresolvable)
    assert str(value) == (
        "parameter Secret is read from SSM Parameter Store, which the simulator does not have; "
        "pass its value as a parameter override"
    )
    assert warnings == []


def test_an_override_gives_a_parameter_store_parameter_its_value() -> None:
    declared = {"Secret": {"Type": "AWS::SSM::Parameter::Value<String>"}}
    assert parameter_values(declared, {"Secret": "s3cret"}, []) == {"Secret": "s3cret"}


def test_each_item_of_a_list_parameter_must_be_an_allowed_value() -> None:
    declared = {"Stages": {"Type": "CommaDelimitedList", "Default": "dev,prod",
                           "AllowedValues": ["dev", "prod"]}}
    assert parameter_values(declared, {}, []) == {"Stages": ["dev", "prod"]}
    with pytest.raises(TemplateError, match="parameter Stages is 'qa'"):
        parameter_values(declared, {"Stages": "dev,qa"}, [])


@pytest.mark.parametrize("kind", ["AWS::SSM::Parameter::Value<List<String>>",
                                  "AWS::SSM::Parameter::Value<CommaDelimitedList>"])
def test_a_parameter_store_list_given_by_override_is_a_list(kind: str) -> None:
    declared = {"Subnets": {"Type": kind}}
    assert parameter_values(declared, {"Subnets": "s-1, s-2"}, []) == {"Subnets": ["s-1", "s-2"]}
