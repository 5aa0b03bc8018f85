"""Serverless Framework variables: each source, fallbacks, nesting, CloudFormation's own
`${...}` left alone, and the one-line errors for what cannot be resolved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.templates.errors import TemplateError
from simulator.templates.serverless.variables import Context, ServiceVariables


def resolved(document: dict[str, Any], tmp_path: Path | None = None,
             options: dict[str, str] | None = None,
             environ: dict[str, str] | None = None) -> dict[str, Any]:
    context = Context(service_dir=tmp_path or Path("."), options=options or {},
                      environ=environ or {}, account_id="123456789012")
    return ServiceVariables(document, context).resolved()


def test_self_references_reach_nested_paths_and_keep_types() -> None:
    document = {"service": "shop", "custom": {"size": 512, "tags": {"team": "a"}},
                "provider": {"stage": "qa", "memorySize": "${self:custom.size}",
                             "tags": "${self:custom.tags}"},
                "name": "${self:service}-${self:provider.stage}"}
    result = resolved(document)
    assert result["provider"]["memorySize"] == 512
    assert result["provider"]["tags"] == {"team": "a"}
    assert result["name"] == "shop-qa"


def test_a_reference_to_a_value_that_is_itself_a_variable_is_followed() -> None:
    document = {"custom": {"table": "${self:service}-items"}, "service": "shop",
                "provider": {"environment": {"TABLE": "${self:custom.table}"}},
                "x": "${self:provider.environment.TABLE}"}
    assert resolved(document)["x"] == "shop-items"


def test_env_with_and_without_a_default() -> None:
    document = {"a": "${env:NAME}", "b": "${env:MISSING, 'fallback'}",
                "c": '${env:MISSING, "double"}', "d": "${env:MISSING, 3}"}
    result = resolved(document, environ={"NAME": "value"})
    assert result == {"a": "value", "b": "fallback", "c": "double", "d": 3}


def test_options_stage_and_region_with_their_fallbacks() -> None:
    document = {"provider": {"stage": "${opt:stage, 'dev'}"},
                "stage": "${sls:stage}", "region": "${opt:region, self:provider.region}",
                "aws": "${aws:region}/${aws:accountId}"}
    assert resolved(document) == {**document, "provider": {"stage": "dev"}, "stage": "dev",
                                  "region": "us-east-1", "aws": "us-east-1/123456789012"}
    chosen = resolved(document, options={"stage": "prod", "region": "eu-west-1"})
    assert (chosen["stage"], chosen["region"]) == ("prod", "eu-west-1")
    assert chosen["aws"] == "eu-west-1/123456789012"


def test_provider_stage_defaults_to_dev_when_unset() -> None:
    assert resolved({"x": "${self:provider.stage}"}) == {"x": "dev"}


def test_a_fallback_may_be_another_source() -> None:
    document = {"custom": {"region": "ap-south-1"},
                "x": "${env:NOPE, self:custom.region}", "y": "${opt:nope, env:NOPE, 'last'}"}
    result = resolved(document)
    assert (result["x"], result["y"]) == ("ap-south-1", "last")


def test_a_whole_variable_as_the_fallback() -> None:
    document = {"custom": {"fallback": {"size": 2}},
                "x": "${env:NOPE, ${self:custom.fallback}}",
                "y": "${env:NOPE, ${env:OTHER}}"}
    result = resolved(document, environ={"OTHER": "other, with a comma"})
    assert result["x"] == {"size": 2}
    assert result["y"] == "other, with a comma"


def test_nested_variables_resolve_from_the_inside_out() -> None:
    document = {"custom": {"dev": {"url": "http://dev"}, "prod": {"url": "http://prod"}},
                "url": "${self:custom.${sls:stage}.url}"}
    assert resolved(document)["url"] == "http://dev"
    assert resolved(document, options={"stage": "prod"})["url"] == "http://prod"


def test_files_whole_or_by_key_with_variables_in_the_path(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "dev.yml").write_text("colour: green\nsize: 3\n")
    (tmp_path / "secrets.json").write_text('{"api": {"key": "k-1"}}')
    document = {"whole": "${file(./config/${sls:stage}.yml)}",
                "key": "${file(./secrets.json):api.key}",
                "custom": {"settings": "${file(./config/dev.yml)}"},
                "deep": "${self:custom.settings.colour}",
                "missing": "${file(./nope.yml), 'none'}"}
    result = resolved(document, tmp_path)
    assert result["whole"] == {"colour": "green", "size": 3}
    assert result["key"] == "k-1"
    assert result["deep"] == "green"
    assert result["missing"] == "none"


def test_params_by_stage_then_default() -> None:
    document = {"params": {"prod": {"domain": "shop.example"}, "default": {"domain": "dev"}},
                "x": "${param:domain}"}
    assert resolved(document)["x"] == "dev"
    assert resolved(document, options={"stage": "prod"})["x"] == "shop.example"


def test_version_4_stage_params() -> None:
    document = {"stages": {"prod": {"params": {"domain": "shop.example"}},
                           "default": {"params": {"domain": "localhost"}}},
                "x": "${param:domain}"}
    assert resolved(document)["x"] == "localhost"
    assert resolved(document, options={"stage": "prod"})["x"] == "shop.example"


def test_str_to_bool() -> None:
    document = {"a": "${strToBool(${env:FLAG})}", "b": "${strToBool(0)}"}
    assert resolved(document, environ={"FLAG": "true"}) == {"a": True, "b": False}
    with pytest.raises(TemplateError, match="strToBool takes true, false, 1 or 0, not 'yes'"):
        resolved({"a": "${strToBool(yes)}"})


def test_cloudformation_substitutions_are_left_as_written() -> None:
    document = {"x": {"Fn::Sub": "arn:aws:s3:::${AWS::AccountId}-${Bucket}/${Bucket.Arn}"}}
    assert resolved(document) == document


def test_a_variable_inside_a_longer_string_must_be_a_scalar() -> None:
    with pytest.raises(TemplateError, match=r"^x: \$\{self:custom\} is a dict"):
        resolved({"custom": {"a": 1}, "x": "prefix-${self:custom}"})


@pytest.mark.parametrize(("value", "reason"), [
    ("${env:NOT_SET}", "the environment variable NOT_SET is not set"),
    ("${self:custom.nothing}", "the service file has nothing at custom.nothing"),
    ("${opt:color}", "no option color was given"),
    ("${ssm:/path/to/secret}", "the simulator has no variable source 'ssm'"),
    ("${file(./absent.yml)}", "does not exist"),
])
def test_unresolvable_variables_are_one_line_errors(value: str, reason: str) -> None:
    with pytest.raises(TemplateError) as raised:
        resolved({"provider": {"environment": {"X": value}}})
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"provider.environment.X: cannot resolve {value}: ")
    assert reason in message


def test_an_unsupported_source_with_a_fallback_takes_the_fallback() -> None:
    assert resolved({"x": "${ssm:/db/host, 'localhost'}"}) == {"x": "localhost"}


def test_circular_references_are_named() -> None:
    with pytest.raises(TemplateError, match="in a circle: b → a → b"):
        resolved({"a": "${self:b}", "b": "${self:a}"})
