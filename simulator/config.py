"""Settings for one simulator run, from command-line flags and `LAMBDA_SIM_<NAME>` variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

DEFAULT_PORT = 4570
ACCOUNT_ID = "000000000000"


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    state_dir: Path = field(default_factory=lambda: Path(".lambda-sim"))
    executor: str = "auto"
    region: str = "us-east-1"
    idle_timeout: float = 600.0
    account_concurrency: int = 1000
    init_timeout: float = 10.0
    docker_network: str = "lambda-sim"
    docker_network_internal: bool = False
    debug_function: str = ""  # this function's environments start under debugpy ...
    debug_port: int = 5678  # ... listening here and waiting for the debugger to attach
    # When set, requests are signed with it as their secret access key (or send it in an
    # X-Lambda-Sim-Token header; see aws_gateway). One is generated for a server listening
    # beyond this machine without one: then requests from this machine need none.
    access_token: str = ""
    access_token_generated: bool = False
    # Whether function containers may call the simulator's own routes (`/_simulator/*`).
    functions_manage: bool = False
    runtime_api_host: str = ""  # where function containers reach us; found by itself if empty
    async_workers: int = 16
    standby: int = 1  # started, unassigned containers kept per runtime image and memory size
    async_retry_delay: float = 60.0
    # Connections served at once, each on a thread of its own; one more is answered with
    # AWS's throttling error and closed, which SDKs retry.
    max_connections: int = 512
    watch_mode: str = "auto"
    account_id: str = ACCOUNT_ID
    # Docker networks that VPC functions join: `subnet-abc=mynet,subnet-def=other`. A subnet
    # not listed joins the network named like it, if there is one.
    vpc_networks: str = ""
    # Refuse, as AWS would, what a local run otherwise lets pass with one warning line: a role
    # Lambda cannot assume, a trigger or function URL its function's policy does not allow,
    # an arm64 function on an engine of another architecture (functions/strict_mode.py).
    strict: bool = False
    # Where traces also go as OpenTelemetry spans (OTLP over HTTP), e.g.
    # `http://127.0.0.1:4318/v1/traces`; empty: kept for the X-Ray API only.
    otlp_endpoint: str = ""
    # Durable functions' waits and timers: `real` time, or `skip` (each wait ends at once, the
    # execution's clock jumping ahead), so that tests need not wait hours.
    durable_time: str = "real"
    # The Docker engine to use, as DOCKER_HOST spells it (unix://, tcp://, ssh://); empty:
    # DOCKER_HOST's, or the client's default.
    docker_host: str = ""
    # `local`: the engine sees this machine's folders (code is bind-mounted); `remote`: it
    # does not (code ships through its API); `auto`: remote when the engine's address names
    # another machine over tcp:// or ssh://.
    docker_engine: str = "auto"
    # Where a remote engine's containers reach the simulator (its Runtime API and the
    # endpoint functions call AWS on); empty: this machine's address on the route to it.
    advertise_host: str = ""
    # Keep the embedded AWS services' state (S3, SQS, SNS, ...) in memory only, lost at a
    # restart, instead of in the state folder.
    ephemeral: bool = False

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then `LAMBDA_SIM_*` variables, then the overrides (flags) that are set."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f"LAMBDA_SIM_{f.name.upper()}")
            if raw is not None:
                values[f.name] = _coerce(f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        settings.state_dir = Path(settings.state_dir).resolve()
        return settings

    @property
    def vpc_network_map(self) -> dict[str, str]:
        """`vpc_networks` as subnet id → Docker network."""
        pairs = (item.split("=", 1) for item in self.vpc_networks.split(",") if "=" in item)
        return {subnet.strip(): network.strip() for subnet, network in pairs}

    @property
    def endpoint_url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"


def _coerce(kind: Any, raw: str) -> Any:
    kind = str(kind)
    if "bool" in kind:
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if "int" in kind:
        return int(raw)
    if "float" in kind:
        return float(raw)
    if "Path" in kind:
        return Path(raw)
    return raw
