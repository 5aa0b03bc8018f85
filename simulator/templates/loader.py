"""Load a SAM or CloudFormation template into the specs `lambda-sim serve --template` runs.

The template is evaluated as one local stack: the stack is named after the template's folder,
parameters take their defaults unless overridden, and each resource gets the name and ARN
CloudFormation would give it, so references between resources agree with each other."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from simulator.templates.events import attach_event_source_mapping
from simulator.templates.functions import lambda_function, serverless_function
from simulator.templates.intrinsics import Resolver
from simulator.templates.naming import API_TYPES, LAYER_TYPES, Stack
from simulator.templates.parameters import parameter_values
from simulator.templates.reader import line_of, read_template
from simulator.templates.resources import bucket, layer, queue, rule, topic
from simulator.templates.sam_globals import function_globals, merged
from simulator.templates.serverless import is_service_file, service_template
from simulator.templates.specs import (
    BucketSpec,
    FunctionSpec,
    LayerSpec,
    QueueSpec,
    RuleSpec,
    Template,
    TemplateError,
    TopicSpec,
)

SECTIONS = ("AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules",
            "Mappings", "Conditions", "Transform", "Globals", "Resources", "Outputs", "Hooks")


@dataclass
class Collected:
    functions: list[FunctionSpec] = field(default_factory=list)
    layers: list[LayerSpec] = field(default_factory=list)
    queues: list[QueueSpec] = field(default_factory=list)
    buckets: list[BucketSpec] = field(default_factory=list)
    topics: list[TopicSpec] = field(default_factory=list)
    rules: list[RuleSpec] = field(default_factory=list)


def load_template(
    path: Path,
    parameter_overrides: dict[str, str] | None = None,
    region: str = "us-east-1",
    account_id: str = "000000000000",
) -> Template:
    """The functions, layers and event-source resources of the template at `path`.

    Raises TemplateError for what the user must fix (a missing file or code folder, a syntax
    error, a function without Runtime or Handler); anything the simulator merely cannot run is
    listed in `Template.warnings` instead."""
    path = Path(path).resolve()
    overrides = parameter_overrides or {}
    # A Serverless Framework service file is loaded as its SAM template; the overrides are
    # its CLI options (stage=..., region=...).
    service = service_template(path, overrides, account_id) if is_service_file(path) else None
    document = service.document if service else read_template(path)
    stack_name = service.stack_name if service else path.parent.name or "stack"
    stack = Stack(name=stack_name, region=region, account_id=account_id)
    try:
        template = load_document(path, document, stack, {} if service else overrides)
    except TemplateError as error:
        raise TemplateError(f"{path}: {error}") from None
    return replace(template, warnings=[*service.warnings, *template.warnings]) if service \
        else template


def load_document(
    path: Path, document: dict[str, Any], stack: Stack, overrides: dict[str, str]
) -> Template:
    unknown = [key for key in document if key not in SECTIONS]
    warnings = [f"{key} is not a template section; it is ignored." for key in unknown]
    parameters = parameter_values(section(document, "Parameters"), overrides, warnings)
    global_properties = function_globals(document, warnings)
    resources = checked_resources(document["Resources"], warnings)
    resolver = Resolver(
        stack,
        parameters,
        {**implicit_resources(resources, global_properties), **resources},
        section(document, "Mappings"),
        section(document, "Conditions"),
        warnings,
    )
    collected = Collected()
    mappings = []
    for logical_id, resource in resources.items():
        with located(resource):
            if not resolver.exists(logical_id):
                continue
            if resource["Type"] == "AWS::Lambda::EventSourceMapping":
                mappings.append((logical_id, resource))
            else:
                collect(logical_id, resource, resolver, path.parent, global_properties, collected)
    for logical_id, resource in mappings:
        with located(resource):
            collected.functions = attach_event_source_mapping(
                logical_id, resource, resolver, collected.functions
            )
    return Template(
        path=path,
        stack_name=stack.name,
        functions=collected.functions,
        layers=collected.layers,
        queues=collected.queues,
        buckets=collected.buckets,
        topics=collected.topics,
        rules=collected.rules,
        outputs=outputs(section(document, "Outputs"), resolver),
        warnings=list(dict.fromkeys(warnings)),
    )


def collect(
    logical_id: str,
    resource: dict[str, Any],
    resolver: Resolver,
    template_dir: Path,
    global_properties: dict[str, Any],
    collected: Collected,
) -> None:
    """Add the spec of one resource to `collected`, or a warning when it has none."""
    kind = resource["Type"]
    if kind == "AWS::Serverless::Function":
        function = serverless_function(
            logical_id, resource, resolver, template_dir, global_properties
        )
        collected.functions.extend([function] if function else [])
    elif kind == "AWS::Lambda::Function":
        function = lambda_function(logical_id, resource, resolver, template_dir)
        collected.functions.extend([function] if function else [])
    elif kind in LAYER_TYPES:
        spec = layer(logical_id, resource, resolver, template_dir)
        collected.layers.extend([spec] if spec else [])
    elif kind == "AWS::SQS::Queue":
        collected.queues.append(queue(logical_id, resource, resolver))
    elif kind == "AWS::S3::Bucket":
        collected.buckets.append(bucket(logical_id, resource, resolver))
    elif kind == "AWS::SNS::Topic":
        collected.topics.append(topic(logical_id, resource, resolver))
    elif kind == "AWS::Events::Rule":
        collected.rules.append(rule(logical_id, resource, resolver))
    elif kind in API_TYPES:
        return  # its routes come from the functions' Api and HttpApi events
    else:
        resolver.warnings.append(
            f"Resource {logical_id} has the type {kind}, which the simulator does not provide; "
            f"it is ignored, and a Ref to it gives {resolver.physical(logical_id).ref!r}."
        )


@contextmanager
def located(resource: dict[str, Any]) -> Iterator[None]:
    """Prefix a TemplateError raised while reading `resource` with the line it starts on."""
    try:
        yield
    except TemplateError as error:
        line = line_of(resource)
        raise TemplateError(f"line {line}: {error}" if line else str(error)) from None


def section(document: dict[str, Any], name: str) -> dict[str, Any]:
    value = document.get(name) or {}
    if not isinstance(value, dict):
        raise TemplateError(f"the {name} section must be a mapping")
    return value


def checked_resources(resources: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """The resources that have a Type; a language-extension loop (Fn::ForEach) is warned
    about, as the simulator does not expand it."""
    checked = {}
    for logical_id, resource in resources.items():
        if logical_id.startswith("Fn::"):
            warnings.append(f"Resources.{logical_id} is not supported by the simulator; the "
                            "resources it would make are not loaded.")
            continue
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
            raise TemplateError(f"resource {logical_id} has no Type; give it one, such as "
                                "AWS::Serverless::Function")
        checked[logical_id] = resource
    return checked


def implicit_resources(
    resources: dict[str, Any], global_properties: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """The resources SAM adds for a function, so that references to them resolve: its role
    when it names none, and the API that its Api and HttpApi events without an API join."""
    implicit: dict[str, dict[str, Any]] = {}
    for logical_id, resource in resources.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        properties = merged(global_properties, resource.get("Properties") or {})
        if "Role" not in properties:
            implicit[f"{logical_id}Role"] = {"Type": "AWS::IAM::Role"}
        events = properties.get("Events") or {}
        for event in events.values() if isinstance(events, dict) else []:
            event_type = event.get("Type") if isinstance(event, dict) else None
            event_properties = (event.get("Properties") or {}) if event_type else {}
            if event_type == "Api" and "RestApiId" not in event_properties:
                implicit["ServerlessRestApi"] = {"Type": "AWS::Serverless::Api"}
            if event_type == "HttpApi" and "ApiId" not in event_properties:
                implicit["ServerlessHttpApi"] = {"Type": "AWS::Serverless::HttpApi"}
    return {key: value for key, value in implicit.items() if key not in resources}


def outputs(declared: dict[str, Any], resolver: Resolver) -> dict[str, Any]:
    """Each output's value, for the outputs whose Condition (if any) holds."""
    values = {}
    for name, output in declared.items():
        output = output if isinstance(output, dict) else {}
        condition = output.get("Condition")
        if condition is None or resolver.condition(condition):
            values[name] = resolver.resolve(output.get("Value"), f"Outputs.{name}.Value")
    return values
