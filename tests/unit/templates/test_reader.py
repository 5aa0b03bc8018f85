"""Reading a template file: YAML with CloudFormation's short tags or JSON, into plain dicts;
syntax errors name the file, line and column; mappings remember their line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from simulator.templates.errors import TemplateError
from simulator.templates.reader import line_of, read_template


def write(tmp_path: Path, text: str, name: str = "template.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_short_tags_become_their_long_forms(tmp_path: Path) -> None:
    document = read_template(write(tmp_path, """\
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              A: !Ref Stage
              B: !GetAtt Queue.Arn
              C: !GetAtt [Queue, QueueName]
              D: !Sub "${AWS::StackName}-fn"
              E: !Sub ["${Name}-x", {Name: !Ref Stage}]
              F: !If [IsProd, !Join ["", [a, b]], !Ref "AWS::NoValue"]
              G: !Base64 {"Fn::Sub": "x"}
              H: !Select [0, !GetAZs ""]
              I: !ImportValue shared-arn
        Conditions:
          IsProd: !Equals [!Ref Stage, prod]
          NotProd: !Not [!Condition IsProd]
        """))
    properties = document["Resources"]["Fn"]["Properties"]
    assert properties == {
        "A": {"Ref": "Stage"},
        "B": {"Fn::GetAtt": ["Queue", "Arn"]},
        "C": {"Fn::GetAtt": ["Queue", "QueueName"]},
        "D": {"Fn::Sub": "${AWS::StackName}-fn"},
        "E": {"Fn::Sub": ["${Name}-x", {"Name": {"Ref": "Stage"}}]},
        "F": {"Fn::If": ["IsProd", {"Fn::Join": ["", ["a", "b"]]}, {"Ref": "AWS::NoValue"}]},
        "G": {"Fn::Base64": {"Fn::Sub": "x"}},
        "H": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
        "I": {"Fn::ImportValue": "shared-arn"},
    }
    assert document["Conditions"] == {
        "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
        "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
    }


def test_a_get_att_splits_at_the_first_dot_only(tmp_path: Path) -> None:
    document = read_template(write(tmp_path, """\
        Resources:
          Db:
            Type: AWS::RDS::DBInstance
            Properties:
              Address: !GetAtt Db.Endpoint.Address
        """))
    assert document["Resources"]["Db"]["Properties"]["Address"] == {
        "Fn::GetAtt": ["Db", "Endpoint.Address"]
    }


def test_keys_are_text_even_when_yaml_reads_them_as_numbers_or_booleans(tmp_path: Path) -> None:
    document = read_template(write(tmp_path, """\
        Mappings:
          Sizes:
            123456789012: {memory: 512}
            true: {memory: 1024}
        Resources:
          Fn:
            Type: AWS::Serverless::Function
        """))
    assert document["Mappings"]["Sizes"] == {
        "123456789012": {"memory": 512},
        "true": {"memory": 1024},
    }


def test_a_duplicate_key_is_a_syntax_error_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        Resources:
          Fn:
            Type: AWS::Serverless::Function
          Fn:
            Type: AWS::Lambda::Function
        """)
    with pytest.raises(TemplateError) as raised:
        read_template(path)
    assert str(raised.value) == (
        f'{path}, line 4, column 3: duplicate key "Fn"; fix the template\'s syntax'
    )


def test_a_yaml_syntax_error_names_its_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "Resources:\n  Fn: [1, 2\n")
    with pytest.raises(TemplateError) as raised:
        read_template(path)
    assert str(raised.value).startswith(f"{path}, line 3, column 1: ")
    assert str(raised.value).endswith("; fix the template's syntax")


def test_a_json_template_is_read_as_json(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        {"Resources": {"Fn": {"Type": "AWS::Lambda::Function",
                              "Properties": {"Role": {"Fn::GetAtt": ["Role", "Arn"]}}}}}
        """, name="template.json")
    assert read_template(path) == {"Resources": {"Fn": {
        "Type": "AWS::Lambda::Function",
        "Properties": {"Role": {"Fn::GetAtt": ["Role", "Arn"]}},
    }}}


def test_a_file_that_starts_with_a_brace_is_json_whatever_its_suffix(tmp_path: Path) -> None:
    path = write(tmp_path, '\n  {"Resources": {"Fn": {"Type": "AWS::Lambda::Function"}}}\n',
                 name="packaged.template")
    assert read_template(path) == {"Resources": {"Fn": {"Type": "AWS::Lambda::Function"}}}


def test_a_json_syntax_error_names_its_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "Resources": {\n    "Fn": 1,\n  }\n}\n', name="template.json")
    with pytest.raises(TemplateError) as raised:
        read_template(path)
    assert str(raised.value) == (
        f"{path}, line 4, column 3: Expecting property name enclosed in double quotes; "
        "fix the template's syntax"
    )


def test_a_file_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_bytes(b"Resources:\n  Fn:\n    Type: \xff\xfe\n")
    with pytest.raises(TemplateError) as raised:
        read_template(path)
    assert str(raised.value).startswith(f"{path}: 'utf-8' codec can't decode")


def test_a_missing_file_or_a_folder_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "template.yaml"
    with pytest.raises(TemplateError) as raised:
        read_template(missing)
    assert str(raised.value) == (
        f"{missing} does not exist; pass the path of a template.yaml or .json file"
    )
    with pytest.raises(TemplateError) as raised:
        read_template(tmp_path)
    assert str(raised.value) == (
        f"{tmp_path} is a folder, not a template file; pass the path of a template.yaml or "
        ".json file"
    )


def test_a_document_that_is_not_a_mapping_is_not_a_template(tmp_path: Path) -> None:
    path = write(tmp_path, "- Resources\n- Outputs\n")
    with pytest.raises(TemplateError) as raised:
        read_template(path)
    assert str(raised.value) == f"{path} is not a template: its top level must be a mapping"


@pytest.mark.parametrize("text", ["Outputs: {}\n", "Resources: {}\n", "Resources: [Fn]\n"])
def test_a_template_needs_resources(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(TemplateError) as raised:
        read_template(path)
    assert str(raised.value) == (
        f"{path} has no Resources section; add the functions under Resources"
    )


def test_yaml_mappings_remember_the_line_they_start_on(tmp_path: Path) -> None:
    document = read_template(write(tmp_path, """\
        Description: demo

        Resources:
          First:
            Type: AWS::SQS::Queue
          Second:
            Type: AWS::SNS::Topic
            Properties:
              TopicName: !Sub "${AWS::StackName}-topic"
        """))
    resources = document["Resources"]
    assert line_of(resources["First"]) == 5
    assert line_of(resources["Second"]) == 7
    assert line_of(resources["Second"]["Properties"]["TopicName"]) == 9


def test_json_mappings_and_plain_values_have_no_line(tmp_path: Path) -> None:
    path = write(tmp_path, '{"Resources": {"Fn": {"Type": "AWS::Lambda::Function"}}}',
                 name="template.json")
    assert line_of(read_template(path)["Resources"]["Fn"]) is None
    assert line_of({"Type": "AWS::Lambda::Function"}) is None
    assert line_of("text") is None
