"""What a template describes, as plain frozen data: the serve command turns these into
functions and event sources, so nothing here knows about servers or Docker."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class TemplateError(Exception):
    """A template the user must fix before it can be loaded; the message names the file and
    what to change."""


@dataclass(frozen=True)
class EventSpec:
    """One entry of a function's `Events`; `properties` has its intrinsics resolved, so an S3
    `Bucket` is a bucket name, an SQS `Queue` and an SNS `Topic` are ARNs."""

    logical_id: str
    type: str
    properties: dict[str, Any]


@dataclass(frozen=True)
class FunctionSpec:
    """A function to create. Exactly one of `code_dir`, `code_zip` and `inline_code` is set."""

    logical_id: str
    name: str
    runtime: str
    handler: str
    code_dir: Path | None = None
    code_zip: Path | None = None
    inline_code: str | None = None
    memory_size: int = 128
    timeout: int = 3
    environment: dict[str, str] = field(default_factory=dict)
    description: str = ""
    layers: list[str] = field(default_factory=list)  # local layer logical ids, or ARNs as given
    reserved_concurrency: int | None = None
    events: list[EventSpec] = field(default_factory=list)
    architectures: list[str] = field(default_factory=lambda: ["x86_64"])
    ephemeral_storage: int = 512
    arn: str = ""


@dataclass(frozen=True)
class LayerSpec:
    logical_id: str
    name: str
    content_dir: Path
    compatible_runtimes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RedrivePolicy:
    dead_letter_target_arn: str
    max_receive_count: int


@dataclass(frozen=True)
class QueueSpec:
    logical_id: str
    name: str
    url: str
    arn: str
    fifo: bool = False
    visibility_timeout: int = 30
    message_retention_period: int = 345600
    delay_seconds: int = 0
    redrive_policy: RedrivePolicy | None = None
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BucketSpec:
    logical_id: str
    name: str
    arn: str
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TopicSpec:
    logical_id: str
    name: str
    arn: str
    fifo: bool = False
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleSpec:
    """An `AWS::Events::Rule`: a schedule or an event pattern, and the targets it invokes."""

    logical_id: str
    name: str
    arn: str
    schedule_expression: str | None = None
    event_pattern: dict[str, Any] | None = None
    enabled: bool = True
    targets: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Template:
    """A loaded template. `warnings` lists, one sentence each, everything the simulator will not
    run as written (unsupported resources, events or values it could not resolve)."""

    path: Path
    stack_name: str
    functions: list[FunctionSpec] = field(default_factory=list)
    layers: list[LayerSpec] = field(default_factory=list)
    queues: list[QueueSpec] = field(default_factory=list)
    buckets: list[BucketSpec] = field(default_factory=list)
    topics: list[TopicSpec] = field(default_factory=list)
    rules: list[RuleSpec] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
