"""Plain data that crosses layers: a function's configuration, an invocation and its result."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

# A WSGI application, as the gateway routes requests between the simulator's apps.
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

LATEST = "$LATEST"
TENANT_KEY_SEPARATOR = "#"


def aws_timestamp(moment: float | None = None) -> str:
    """Lambda's LastModified format: `2026-11-27T06:19:44.123+0000`."""
    dt = datetime.fromtimestamp(time.time() if moment is None else moment, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}+0000"


def new_revision_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class FunctionConfig:
    """One function's `$LATEST` configuration. Frozen: an update makes a new one with a new
    `generation`, which is how environments built from the old one know to retire."""

    name: str
    runtime: str
    role: str
    handler: str
    code_sha256: str
    code_size: int
    description: str = ""
    timeout: int = 3
    memory_size: int = 128
    environment: dict[str, str] = field(default_factory=dict)
    # Environment was set through the API, with or without variables: AWS then answers it.
    has_environment: bool = False
    architectures: tuple[str, ...] = ("x86_64",)
    ephemeral_storage: int = 512
    package_type: str = "Zip"
    tracing_mode: str = "PassThrough"
    # SnapStart's ApplyOn: "PublishedVersions" or "None" (nothing is ever snapshotted here).
    snap_start: str = "None"
    # LoggingConfig: Text or JSON logs; with JSON, the levels the application's and the
    # platform's logs are filtered at (empty with Text, which has none); a log group of the
    # function's choosing (empty: the default, /aws/lambda/<name>).
    log_format: str = "Text"
    application_log_level: str = ""
    system_log_level: str = ""
    log_group: str = ""
    last_modified: str = field(default_factory=aws_timestamp)
    revision_id: str = field(default_factory=new_revision_id)
    state: str = "Pending"
    last_update_status: str | None = None
    # Why the function is Failed, or its last update is: AWS's reason and reason code.
    status_reason: str = ""
    status_reason_code: str = ""
    reserved_concurrency: int | None = None
    # Unique across deletes and re-creates, so an old environment never serves a new function.
    generation: int = field(default_factory=time.time_ns)
    code_dir: str = ""
    opt_dir: str = ""  # merged layers and installed dependencies, mounted at /opt
    version: str = LATEST
    # A published version: the revision of `$LATEST` it was taken from.
    published_from: str = ""
    dead_letter_target: str | None = None
    event_invoke_config: dict[str, Any] | None = None
    layers: list[dict[str, Any]] = field(default_factory=list)  # [{Arn, CodeSize}], in order
    tags: dict[str, str] = field(default_factory=dict)
    # PackageType Image: the image named, the image id it resolved to, the overrides of its
    # ENTRYPOINT, CMD and WORKDIR (ImageConfig).
    image_uri: str = ""
    resolved_image_uri: str = ""
    image_config: dict[str, Any] | None = None
    vpc_config: dict[str, Any] | None = None  # SubnetIds, SecurityGroupIds
    # Durable functions: ExecutionTimeout (seconds) and RetentionPeriodInDays, as AWS answers.
    durable_config: dict[str, Any] | None = None
    # TenancyConfig's TenantIsolationMode (PER_TENANT), fixed at creation.
    tenant_isolation_mode: str | None = None
    # The tenant an invocation runs for: set only on the copy the invoker runs, so each
    # tenant's environments are its own (see `pool_key`).
    tenant_id: str | None = None

    def updated(self, **changes: Any) -> FunctionConfig:
        """A copy with `changes`, a fresh revision and the next generation."""
        return replace(
            self,
            **changes,
            last_modified=aws_timestamp(),
            revision_id=new_revision_id(),
            generation=self.generation + 1,
        )

    def to_json(self) -> str:
        """How the registry and the version store persist a configuration."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> FunctionConfig:
        fields = json.loads(text)
        fields["architectures"] = tuple(fields.get("architectures", ("x86_64",)))
        return cls(**fields)

    def arn(self, region: str, account_id: str) -> str:
        return f"arn:aws:lambda:{region}:{account_id}:function:{self.name}"

    @property
    def is_image(self) -> bool:
        return self.package_type == "Image"

    @property
    def is_interpreted(self) -> bool:
        """A Zip function of a Python or Node.js runtime: its code runs on any architecture
        (native dependencies aside)."""
        return not self.is_image and self.runtime.startswith(("python", "nodejs"))

    @property
    def runs_on(self) -> str:
        """What runs the function, for people: its runtime, or its image."""
        return f"image {self.image_uri}" if self.is_image else self.runtime

    @property
    def version_key(self) -> str:
        """One version of one function: what a change of code or configuration retires."""
        return self.name if self.version == LATEST else f"{self.name}:{self.version}"

    @property
    def pool_key(self) -> str:
        """Environments are shared by one version of one function, and, with tenant
        isolation, by one tenant (`#` is in neither a function name nor a tenant id)."""
        if self.tenant_id is None:
            return self.version_key
        return f"{self.version_key}{TENANT_KEY_SEPARATOR}{self.tenant_id}"

    def logging_config(self) -> dict[str, str]:
        """The LoggingConfig AWS answers: the log levels only with JSON logs."""
        config = {"LogFormat": self.log_format,
                  "LogGroup": self.log_group or f"/aws/lambda/{self.name}"}
        if self.application_log_level:
            config["ApplicationLogLevel"] = self.application_log_level
        if self.system_log_level:
            config["SystemLogLevel"] = self.system_log_level
        return config

    def to_api(self, region: str, account_id: str, listed: bool = False,
               qualified: bool = False) -> dict[str, Any]:
        """The FunctionConfiguration shape of the Lambda API. An entry of a list (`listed`:
        ListFunctions, ListVersionsByFunction) has no state and no runtime version, as AWS's
        have none; a list of versions names `$LATEST` by its qualified ARN (`qualified`)."""
        qualified = qualified or self.version != LATEST
        body: dict[str, Any] = {
            "FunctionName": self.name,
            "FunctionArn": self.arn(region, account_id)
            + (f":{self.version}" if qualified else ""),
            "Role": self.role,
            "CodeSize": self.code_size,
            "Description": self.description,
            "Timeout": self.timeout,
            "MemorySize": self.memory_size,
            "LastModified": self.last_modified,
            "CodeSha256": self.code_sha256,
            "Version": self.version,
            "TracingConfig": {"Mode": self.tracing_mode},
            "RevisionId": self.revision_id,
            "State": self.state,
            "PackageType": self.package_type,
            "Architectures": list(self.architectures),
            "EphemeralStorage": {"Size": self.ephemeral_storage},
            "SnapStart": {"ApplyOn": self.snap_start, "OptimizationStatus": "Off"},
            "LoggingConfig": self.logging_config(),
        }
        if not self.is_image:
            body["Runtime"] = self.runtime
            body["Handler"] = self.handler
            if not listed:
                body["RuntimeVersionConfig"] = {
                    "RuntimeVersionArn": runtime_version_arn(region, self.runtime)}
        if self.image_config:
            body["ImageConfigResponse"] = {"ImageConfig": dict(self.image_config)}
        if self.vpc_config:
            body["VpcConfig"] = vpc_config_response(self.vpc_config)
        if self.environment or self.has_environment:
            body["Environment"] = {"Variables": dict(self.environment)}
        if self.layers:
            body["Layers"] = [dict(layer) for layer in self.layers]
        if self.dead_letter_target:
            body["DeadLetterConfig"] = {"TargetArn": self.dead_letter_target}
        if self.durable_config:
            body["DurableConfig"] = dict(self.durable_config)
        if self.tenant_isolation_mode:
            body["TenancyConfig"] = {"TenantIsolationMode": self.tenant_isolation_mode}
        if listed:
            del body["State"]
            return body
        if self.state == "Pending":
            body["StateReason"] = "The function is being created."
            body["StateReasonCode"] = "Creating"
        if self.state == "Failed":
            body["StateReason"] = self.status_reason
            body["StateReasonCode"] = self.status_reason_code
        if self.last_update_status:
            body["LastUpdateStatus"] = self.last_update_status
            if self.last_update_status == "Failed":
                body["LastUpdateStatusReason"] = self.status_reason
                body["LastUpdateStatusReasonCode"] = self.status_reason_code
            if self.last_update_status == "InProgress":
                body["LastUpdateStatusReason"] = "The function is being created."
                body["LastUpdateStatusReasonCode"] = "Creating"
        return body


def runtime_version_arn(region: str, runtime: str) -> str:
    """The runtime version a function runs on, in AWS's shape
    (`arn:aws:lambda:<region>::runtime:<64 hex digits>`). The simulator has one version of
    each runtime; its id is the SHA-256 of the runtime's name, so it is stable across restarts
    and differs between runtimes, as AWS's does."""
    digest = hashlib.sha256(runtime.encode()).hexdigest()
    return f"arn:aws:lambda:{region}::runtime:{digest}"


def vpc_config_response(vpc_config: dict[str, Any]) -> dict[str, Any]:
    """The VpcConfig AWS answers with: the subnets and groups set, and the VPC they are in,
    which here is named after the first subnet (the same subnets, the same VPC id)."""
    subnets = list(vpc_config.get("SubnetIds") or [])
    digest = hashlib.sha256(subnets[0].encode()).hexdigest()[:17] if subnets else ""
    return {
        "SubnetIds": subnets,
        "SecurityGroupIds": list(vpc_config.get("SecurityGroupIds") or []),
        "VpcId": f"vpc-{digest}" if digest else "",
        "Ipv6AllowedForDualStack": bool(vpc_config.get("Ipv6AllowedForDualStack", False)),
    }


class ResponseSink(Protocol):
    """Where a streamed response goes while the runtime writes it: the caller of
    InvokeWithResponseStream, or of a function URL in `RESPONSE_STREAM` mode."""

    def open(self, content_type: str) -> None:
        """The runtime began a streamed response of this content type."""

    def write(self, chunk: bytes) -> bool:
        """Pass a chunk on, waiting while the caller is behind (backpressure up to the
        function); False once the caller has gone, and the rest is not wanted."""


@dataclass(frozen=True)
class StreamedResponse:
    """What a runtime streamed for one invocation: the dashboard shows it."""

    content_type: str
    chunks: int
    total_bytes: int
    first_chunk_ms: float | None = None  # from the dispatch to the first chunk


@dataclass
class InvocationResult:
    """What the runtime answered. `error_type` set means the function failed (`Unhandled`)."""

    payload: bytes
    error_type: str | None = None
    duration_ms: float = 0.0
    log_record: Any = None  # the environment's InvocationLog, when the invocation ran
    cold: bool = False
    phases_ms: dict[str, float] = field(default_factory=dict)
    request_id: str = ""
    trace_id: str = ""  # the X-Ray trace it was recorded in, when sampled
    billed_ms: int = 0  # the REPORT line's Billed Duration (0: the runtime never answered)
    provisioned: bool = False  # served by provisioned concurrency (billed at its price)
    streamed: StreamedResponse | None = None  # set when the runtime streamed its answer
    runtime_ms: float | None = None  # how long the runtime says it held the invocation

    @property
    def failed(self) -> bool:
        return self.error_type is not None


@dataclass(frozen=True)
class ProvisionedConcurrency:
    """A provisioned-concurrency config in force: the version it keeps warm, how many
    environments, and since when (epoch seconds)."""

    function: FunctionConfig
    qualifier: str
    concurrency: int
    since: float


@dataclass
class Invocation:
    """One request travelling to an environment. The invoking thread waits on `done`; the
    Runtime API sets `dispatched` when the runtime takes it and `done` when it answers."""

    payload: bytes
    invoked_arn: str
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    client_context: str | None = None
    cognito_identity: str | None = None
    tenant_id: str | None = None  # the invoke's X-Amz-Tenant-Id, for a tenant-isolated function
    trace_id: str | None = None
    trace_report: str = ""  # the REPORT line's XRAY part, for a sampled invocation
    want_log_tail: bool = False
    response_sink: ResponseSink | None = None  # a caller that takes the response as it streams
    deadline_ms: int = 0
    dispatched_at: float = 0.0
    result: InvocationResult | None = None
    dispatched: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    # The caller sends its answer before END and REPORT are written (see `report`).
    answer_first: bool = False
    # The assigning thread sent the event to the waiting runtime, or tried to and the
    # connection failed (`Environment.assign`): it is not sent again.
    delivered: bool = False
    _finish_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _report: Callable[[], None] | None = field(default=None, repr=False)

    def report(self, write_report: Callable[[], None]) -> None:
        """Write END and REPORT now; or, while a caller that answers first has not answered,
        leave them to `answered`: the Runtime API's thread then takes nothing from the caller's
        way to its answer."""
        with self._finish_lock:
            if self.answer_first:
                self._report = write_report
                return
        write_report()

    def answered(self) -> None:
        """The caller's answer is out: END and REPORT, if they wait, are written now."""
        with self._finish_lock:
            self.answer_first = False
            write_report, self._report = self._report, None
        if write_report is not None:
            write_report()

    def finish(self, result: InvocationResult) -> bool:
        """Record the first answer; later ones (a crash after a response) are ignored."""
        with self._finish_lock:
            if self.result is not None:
                return False
            self.result = result
        self.dispatched.set()
        self.done.set()
        return True
