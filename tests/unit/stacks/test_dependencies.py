"""Dependency order and cycles."""

from __future__ import annotations

from simulator.stacks.dependencies import creation_order, resource_dependencies
from tests.unit.stacks.fakes import refusal


def test_a_cycle_is_refused_naming_its_resources() -> None:
    assert refusal({"Resources": {
        "A": {"Type": "T::T::T", "Properties": {"X": {"Ref": "B"}}},
        "B": {"Type": "T::T::T", "Properties": {"X": {"Fn::GetAtt": ["A", "Arn"]}}},
        "C": {"Type": "T::T::T"}}}) == "Circular dependency between resources: [A, B]"


def test_dependencies_come_from_refs_getatts_subs_and_depends_on() -> None:
    resources = {
        "Last": {"Type": "T", "DependsOn": ["Middle"]},
        "Middle": {"Type": "T", "Properties": {"X": {"Fn::Sub": "${First.Arn}-${!Literal}"}}},
        "First": {"Type": "T", "Properties": {"Y": {"Fn::Sub": ["${V}", {"V": "x"}]}}},
    }
    graph = resource_dependencies(resources)
    assert graph == {"Last": {"Middle"}, "Middle": {"First"}, "First": set()}
    assert creation_order(graph) == ["First", "Middle", "Last"]
