"""Load SAM and CloudFormation templates into the functions and event sources they describe.

`load_template` is the entry point; it starts no server and touches no Docker, so the serve
command and the tests call it alike.

May import: `functions` (the runtimes and checks a function must pass) and the plain
modules."""

from simulator.templates.loader import load_template
from simulator.templates.specs import (
    BucketSpec,
    EventSpec,
    FunctionSpec,
    LayerSpec,
    QueueSpec,
    RedrivePolicy,
    RuleSpec,
    Template,
    TemplateError,
    TopicSpec,
)

__all__ = [
    "BucketSpec",
    "EventSpec",
    "FunctionSpec",
    "LayerSpec",
    "QueueSpec",
    "RedrivePolicy",
    "RuleSpec",
    "Template",
    "TemplateError",
    "TopicSpec",
    "load_template",
]
