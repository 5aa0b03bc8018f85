"""Helpers for the conversion tests: a service file written to a folder and converted, and
AWS's SAM translator run over a converted template."""

from __future__ import annotations

import copy
import textwrap
from pathlib import Path
from typing import Any

import pytest
from samtranslator.translator.transform import transform  # type: ignore[import-untyped]

from simulator.templates.serverless import ServiceTemplate, service_template

HEADER = """\
service: shop
provider:
  name: aws
  runtime: python3.12
"""


def convert(tmp_path: Path, text: str, options: dict[str, str] | None = None,
            environ: dict[str, str] | None = None, header: str = HEADER) -> ServiceTemplate:
    """`text` (dedented, after `header`) as a serverless.yml in `tmp_path`, converted."""
    path = tmp_path / "serverless.yml"
    path.write_text(header + textwrap.dedent(text))
    return service_template(path, options or {}, environ=environ or {})


def resource(converted: ServiceTemplate, logical_id: str) -> dict[str, Any]:
    found: dict[str, Any] = converted.document["Resources"][logical_id]
    return found


def events_of(converted: ServiceTemplate, logical_id: str) -> dict[str, Any]:
    events: dict[str, Any] = resource(converted, logical_id)["Properties"]["Events"]
    return events


class NoManagedPolicies:
    """The translator's managed-policy loader, for templates that name policies by ARN."""

    def load(self) -> dict[str, str]:
        return {}


def translated(document: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The CloudFormation AWS's SAM translator makes of `document`, its code given S3 URIs as
    `sam package` would (the translator takes nothing else)."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    packaged = copy.deepcopy(document)
    for item in packaged["Resources"].values():
        properties = item.get("Properties") or {}
        if item["Type"] == "AWS::Serverless::Function" and "CodeUri" in properties:
            properties["CodeUri"] = "s3://packaged/code.zip"
        if item["Type"] == "AWS::Serverless::LayerVersion":
            properties["ContentUri"] = "s3://packaged/layer.zip"
    result: dict[str, Any] = transform(packaged, {}, NoManagedPolicies())
    return result
