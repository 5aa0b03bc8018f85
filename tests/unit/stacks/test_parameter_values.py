"""Parameter values: defaults, the caller's, the previous ones, and CloudFormation's checks."""

from __future__ import annotations

import pytest

from simulator.stacks.errors import (
    ValidationError,
)
from simulator.stacks.parameter_values import given_values, resolve_parameters


def no_ssm(name: str) -> str:
    raise AssertionError(name)


def test_defaults_and_given_values_and_list_types() -> None:
    declared = {"Env": {"Type": "String", "Default": "dev"}, "Ids": {"Type": "List<Number>"},
                "Names": {"Type": "CommaDelimitedList", "Default": "a, b"}}
    result = resolve_parameters(declared, {"Ids": "1,2"}, no_ssm)
    assert result.values == {"Env": "dev", "Ids": ["1", "2"], "Names": ["a", "b"]}
    assert result.raw == {"Env": "dev", "Ids": "1,2", "Names": "a, b"}


def test_missing_and_unknown_parameters_are_refused() -> None:
    with pytest.raises(ValidationError, match=r"^Parameters: \[A, B\] must have values$"):
        resolve_parameters({"A": {"Type": "String"}, "B": {"Type": "String"}}, {}, no_ssm)
    with pytest.raises(ValidationError, match=r"^Parameters: \[X\] do not exist in the "
                                              r"template$"):
        resolve_parameters({}, {"X": "1"}, no_ssm)


@pytest.mark.parametrize(("declaration", "value", "expected"), [
    ({"AllowedValues": ["a", "b"]}, "c", "Parameter 'P' must be one of AllowedValues"),
    ({"AllowedPattern": "[a-z]+"}, "A1", "Parameter 'P' must match pattern [a-z]+"),
    ({"MaxLength": 2}, "abc", "Parameter 'P' must contain at most 2 characters"),
    ({"Type": "Number"}, "x", "Parameter 'P' must be a number."),
    ({"Type": "Number", "MinValue": 5}, "4", "Parameter 'P' must be a number not less than 5"),
    ({"AllowedValues": ["a"], "ConstraintDescription": "only a"}, "b",
     "Parameter 'P' failed to satisfy constraint: only a"),
])
def test_constraints_are_checked(declaration: dict[str, object], value: str,
                                 expected: str) -> None:
    with pytest.raises(ValidationError) as raised:
        resolve_parameters({"P": {"Type": "String", **declaration}}, {"P": value}, no_ssm)
    assert raised.value.message == expected


def test_use_previous_value_and_parameter_store_types() -> None:
    values = given_values([{"ParameterKey": "A", "UsePreviousValue": True},
                           {"ParameterKey": "B", "ParameterValue": "new"}], {"A": "old"})
    assert values == {"A": "old", "B": "new"}
    with pytest.raises(ValidationError, match="usePreviousValue"):
        given_values([{"ParameterKey": "C", "UsePreviousValue": True}], {})
    declared = {"Image": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/img"}}
    result = resolve_parameters(declared, {}, lambda name: f"value-of{name}")
    assert result.values == {"Image": "value-of/img"}
    assert result.resolved == {"Image": "value-of/img"}
