"""Templates read and checked as CloudFormation reads and checks them, with its messages."""

from __future__ import annotations

from simulator.stacks.template_parsing import check_template, parse_template
from tests.unit.stacks.fakes import refusal


def test_yaml_short_tags_become_their_long_forms() -> None:
    template = parse_template(
        "Resources:\n  A:\n    Type: T::T::T\n    Properties:\n"
        "      X: !Sub '${AWS::Region}'\n      Y: !GetAtt B.Arn\n      Z: !Ref P\n")
    properties = template["Resources"]["A"]["Properties"]
    assert properties == {"X": {"Fn::Sub": "${AWS::Region}"}, "Y": {"Fn::GetAtt": ["B", "Arn"]},
                          "Z": {"Ref": "P"}}


def test_malformed_text_is_a_template_format_error() -> None:
    assert refusal('{"Resources": ') == ("Template format error: JSON not well-formed. "
                                         "(line 1,  column 15)")
    assert refusal("Resources:\n  A: [\n").startswith("Template format error: YAML not "
                                                      "well-formed.")


def test_sections_are_checked() -> None:
    assert refusal({"Resources": {}}) == ("Template format error: At least one Resources "
                                          "member must be defined.")
    assert refusal({"Resources": {"A": {"Type": "T::T::T"}}, "Extra": 1}) == (
        "Template format error: Invalid template property or properties [Extra]")
    assert refusal({"Resources": {"A": {"Properties": {}}}}) == (
        "Template format error: [/Resources/A] Every Resources object must contain a Type "
        "member.")


def test_references_to_nothing_are_refused() -> None:
    assert refusal({"Resources": {"A": {"Type": "T::T::T", "Properties": {
        "X": {"Ref": "Missing"}}}}}) == ("Template format error: Unresolved resource "
                                         "dependencies [Missing] in the Resources block of "
                                         "the template")
    assert refusal({"Resources": {"A": {"Type": "T::T::T", "Properties": {
        "X": {"Fn::GetAtt": ["Nope", "Arn"]}}}}}) == (
        "Template error: instance of Fn::GetAtt references undefined resource Nope")
    assert "[Ghost]" in refusal({"Resources": {"A": {"Type": "T::T::T", "Properties": {
        "X": {"Fn::Sub": "${Ghost}"}}}}})


def test_an_unknown_function_is_refused() -> None:
    assert refusal({"Resources": {"A": {"Type": "T::T::T", "Properties": {
        "X": {"Fn::Magic": "x"}}}}}).startswith(
        "Template error: Encountered unsupported function: Fn::Magic Supported functions are: "
        "[Fn::Base64")


def test_a_checked_template_passes() -> None:
    check_template({"Parameters": {"P": {"Type": "String"}},
                    "Resources": {"A": {"Type": "T::T::T", "Properties": {"X": {"Ref": "P"}}}},
                    "Outputs": {"O": {"Value": {"Ref": "AWS::StackName"}}}})
