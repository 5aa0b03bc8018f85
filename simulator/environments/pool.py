"""The environment pool: warm reuse, cold starts, scale-out within concurrency limits, and
reaping of idle environments. The hot path (a warm acquire/release) touches only memory."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from simulator.environments.environment import Environment, EnvironmentState
from simulator.environments.variables import lambda_variables
from simulator.errors import EnvironmentUnavailable, ServiceException, TooManyRequestsException
from simulator.executors.base import Executor, ExitStatus, LaunchSpec
from simulator.models import TENANT_KEY_SEPARATOR, FunctionConfig

log = logging.getLogger(__name__)

SHUTDOWN_WORKERS = 16


class RuntimeEndpoint(Protocol):
    """Where one environment's runtime reaches its Runtime API."""

    address: str

    def close(self) -> None: ...


OpenEndpoint = Callable[[Environment], RuntimeEndpoint]
EmitLog = Callable[[str, str, str], None]


@dataclass(frozen=True)
class PoolLimits:
    account_concurrency: int = 1000
    idle_timeout: float = 600.0


@dataclass(frozen=True)
class EnvironmentCounts:
    warm: int
    busy: int
    starting: int


class EnvironmentPool:
    def __init__(
        self,
        executor: Executor,
        open_endpoint: OpenEndpoint,
        emit_log: EmitLog,
        region: str,
        limits: PoolLimits,
    ) -> None:
        self._executor = executor
        self._open_endpoint = open_endpoint
        self._emit_log = emit_log
        self._region = region
        self._limits = limits
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # an environment freed, a start ended
        self._starts = 0  # starts in progress on the invoke path
        self._idle: dict[str, list[Environment]] = {}
        self._live: dict[str, dict[str, Environment]] = {}
        self._endpoints: dict[str, RuntimeEndpoint] = {}
        self._in_flight: dict[str, int] = {}  # by function name
        self._in_flight_versions: dict[str, int] = {}  # by version key
        self._total_in_flight = 0
        # By version key: every tenant's environments of a version share its generation.
        self._generations: dict[str, int] = {}
        self._requests: dict[str, str] = {}
        self._closed = threading.Event()
        self.function_endpoint = ""  # where functions reach the simulator's AWS services
        self.function_secret = ""  # the secret they sign with there (the access token)
        self.function_account = ""  # the access key they sign with: their account's id
        self.xray_daemon = ""  # host:port of the X-Ray daemon endpoint functions send to
        # A function's provisioned concurrency by version key, from whoever keeps the configs.
        self.provisioned_of: Callable[[str], dict[str, int]] = lambda function_name: {}
        self.debug_ports: dict[str, int] = {}  # function name → debugger port
        self.vpc_networks: dict[str, str] = {}  # subnet id → Docker network (VpcConfig)
        # Zip functions of an interpreted runtime run on the engine's own architecture,
        # whatever they declare (off in strict mode, where such a function is refused).
        self.interpreted_natively = True
        self._reaper = threading.Thread(target=self._reap_forever, name="reaper", daemon=True)
        self._reaper.start()

    # -- acquire / release: the invoke path -----------------------------------------------------

    def acquire(self, function: FunctionConfig) -> tuple[Environment, bool]:
        """A warm environment of this function's generation, or a new one (cold: True).

        When the executor's starts in progress are at its limit (the engine makes containers
        only so fast), the invoke waits for a start to finish, and takes a warm environment
        that frees up meanwhile: a burst scales out at the engine's pace, and its queued
        invokes are not all left waiting on containers made one after another."""
        self._executor.note_invoke()
        provisioned = self.provisioned_of(function.name) \
            if function.reserved_concurrency is not None else {}
        with self._lock:
            self._admit(function, provisioned)
            self._generations.setdefault(function.version_key, function.generation)
            while True:
                environment = self._take_idle(function)
                if environment is not None:
                    return environment, False
                if self._may_start():
                    break
                self._changed.wait()
            self._starts += 1
        started = False
        try:
            environment = self._start(function)
            started = True
            return environment, True
        finally:
            with self._changed:
                self._starts -= 1
                if not started:
                    self._leave(function)
                self._changed.notify_all()

    def _may_start(self) -> bool:
        """Lock held. Within the executor's parallel starts; always once stopping (the start
        is then refused at once)."""
        limit = self._executor.parallel_starts
        return self._closed.is_set() or limit is None or self._starts < limit

    def _take_idle(self, function: FunctionConfig) -> Environment | None:
        """Lock held."""
        idle = self._idle.get(function.pool_key, [])
        for environment in reversed(idle):
            if environment.alive and environment.function.generation == function.generation:
                idle.remove(environment)
                return environment
        return None

    def release(self, environment: Environment) -> None:
        function = environment.function
        with self._lock:
            self._leave(function)
            current = self._generations.get(function.version_key) == function.generation
            if current and environment.mark_idle():
                self._idle.setdefault(function.pool_key, []).append(environment)
                self._changed.notify_all()
                return
        self._discard(environment)

    def anticipate(self, function: FunctionConfig) -> None:
        """A function was created or changed: the executor may prepare its first environment's
        container ahead (a standby), so that cold start is only the handler's init."""
        self._executor.anticipate(function.runtime, function.memory_size,
                                  function.ephemeral_storage)

    def warm_up(self, function: FunctionConfig, timeout: float = 30.0,
                provisioned: bool = False) -> bool:
        """Start an environment and wait until its runtime is initialised, then offer it as
        warm. It may be of the generation about to be published (the hot-reload path: the
        switch happens once the new code is warm, so no caller sees its cold start)."""
        return self.start_warm(function, timeout, provisioned) is None

    def start_warm(self, function: FunctionConfig, timeout: float = 30.0,
                   provisioned: bool = False) -> str | None:
        """`warm_up`, telling why not: None once the environment is offered as warm, else
        the reason it is not (it could not start, its init failed, or it took too long). A
        provisioned one says so in its environment and is never reaped for idleness."""
        try:
            environment = self._start(function, provisioned)
        except ServiceException as error:
            log.warning("could not pre-warm %s: %s", function.name, error)
            return str(error)
        initialised = environment.ready.wait(timeout)
        environment.mark_prewarmed()
        environment.provisioned = provisioned
        with self._lock:
            current = self._generations.get(function.version_key, function.generation)
            if environment.alive and function.generation >= current:
                self._generations.setdefault(function.version_key, function.generation)
                self._idle.setdefault(function.pool_key, []).append(environment)
                return None
        self._discard(environment)
        if environment.init_failure is not None:
            return f"the function's initialization failed ({environment.init_failure[1]})"
        if not initialised:
            return f"the runtime did not initialize within {timeout:g} seconds"
        return "the execution environment stopped before it was ready"

    def resolve_image(self, uri: str) -> str | None:
        """The id of the container image `uri` names, None if there is none (see Executor)."""
        return self._executor.resolve_image(uri)

    def track_request(self, request_id: str, environment: Environment) -> None:
        with self._lock:
            self._requests[request_id] = environment.id

    def forget_request(self, request_id: str) -> None:
        with self._lock:
            self._requests.pop(request_id, None)

    def owner_of(self, request_id: str) -> str | None:
        """The id of the environment an in-flight request belongs to."""
        return self._requests.get(request_id)

    def in_flight_requests(self) -> dict[str, str]:
        """Request id → environment id of every invocation now running."""
        with self._lock:
            return dict(self._requests)

    # -- lifecycle of functions -------------------------------------------------------------

    def retire(self, version_key: str, generation: int | None) -> None:
        """A function (or one version: `name:version`) changed, or was deleted (None): idle
        environments of older generations, every tenant's among them, stop now, busy ones
        when their invocation ends."""
        tenants = f"{version_key}{TENANT_KEY_SEPARATOR}"
        retired: list[Environment] = []
        with self._lock:
            if generation is None:
                self._generations.pop(version_key, None)
            else:
                self._generations[version_key] = generation
            for pool_key in [key for key in self._idle
                             if key == version_key or key.startswith(tenants)]:
                idle = self._idle.pop(pool_key)
                keep = [e for e in idle if generation is not None
                        and e.function.generation >= generation]
                if keep:
                    self._idle[pool_key] = keep
                retired += [e for e in idle if e not in keep]
        for environment in retired:
            self._stop_later(environment)

    def provisioned_count(self, pool_key: str) -> int:
        """How many live environments a provisioned-concurrency config keeps for `pool_key`."""
        with self._lock:
            return sum(1 for environment in self._live.get(pool_key.split(":", 1)[0], {}).values()
                       if environment.function.pool_key == pool_key and environment.provisioned
                       and environment.alive)

    def end_provisioning(self, pool_key: str, keep: int = 0) -> None:
        """A provisioned-concurrency config was deleted (or lowered to `keep`): the others
        stay, warm, as on-demand environments, reaped once idle like any other. The
        generation is unchanged, so the next invokes are warm and provisioning again adds
        environments."""
        now = time.monotonic()
        with self._lock:
            for environment in self._live.get(pool_key.split(":", 1)[0], {}).values():
                if environment.function.pool_key == pool_key and environment.provisioned:
                    if keep > 0:
                        keep -= 1
                        continue
                    environment.provisioned = False
                    environment.last_used = max(environment.last_used, now)

    def retire_function(self, function_name: str) -> None:
        """A deleted function: every version's environments go."""
        with self._lock:
            keys = [key for key in self._generations
                    if key == function_name or key.startswith(f"{function_name}:")]
        for key in keys:
            self.retire(key, None)

    def engine_machine(self) -> str:
        """The machine environments run on (`x86_64`, `aarch64`)."""
        return self._executor.machine()

    def counts(self, function_name: str) -> EnvironmentCounts:
        with self._lock:
            live = list(self._live.get(function_name, {}).values())
        states = [e.state for e in live]
        return EnvironmentCounts(
            warm=states.count(EnvironmentState.IDLE),
            busy=states.count(EnvironmentState.BUSY),
            starting=states.count(EnvironmentState.STARTING),
        )

    def live_environments(self) -> list[Environment]:
        with self._lock:
            return [e for envs in self._live.values() for e in envs.values()]

    def shutdown(self, stop_executor: bool = True) -> None:
        """Stop every environment, several at a time: removing a container keeps the engine
        busy for a while (docs/MEASUREMENTS.md), and a burst can leave hundreds. The executor
        goes too, unless other pools share it (`stop_executor`)."""
        self._closed.set()
        with self._changed:  # invokes waiting for a start go on, and are refused
            self._changed.notify_all()
        with ThreadPoolExecutor(SHUTDOWN_WORKERS, thread_name_prefix="stop") as stopping:
            list(stopping.map(self._discard, self.live_environments()))
        if stop_executor:
            self._executor.shutdown()

    # -- internals ------------------------------------------------------------------------

    def _admit(self, function: FunctionConfig, provisioned: dict[str, int]) -> None:
        """Count a new in-flight invocation, or throttle it as AWS would. `provisioned`: the
        function's provisioned concurrency by version key, which comes out of its
        reservation: its other versions run on what is left. Lock held."""
        reserved = function.reserved_concurrency
        in_flight = self._in_flight.get(function.name, 0)
        if reserved is not None and function.version_key not in provisioned:
            reserved -= sum(provisioned.values())
            in_flight -= sum(self._in_flight_versions.get(key, 0) for key in provisioned)
        if reserved is not None and in_flight >= reserved:
            raise TooManyRequestsException(
                "Rate Exceeded.", "ReservedFunctionConcurrentInvocationLimitExceeded"
            )
        if self._total_in_flight >= self._limits.account_concurrency:
            raise TooManyRequestsException("Rate Exceeded.", "ConcurrentInvocationLimitExceeded")
        self._in_flight[function.name] = self._in_flight.get(function.name, 0) + 1
        key = function.version_key
        self._in_flight_versions[key] = self._in_flight_versions.get(key, 0) + 1
        self._total_in_flight += 1

    def _leave(self, function: FunctionConfig) -> None:
        self._in_flight[function.name] -= 1
        self._in_flight_versions[function.version_key] -= 1
        if not self._in_flight_versions[function.version_key]:
            del self._in_flight_versions[function.version_key]
        self._total_in_flight -= 1

    def _start(self, function: FunctionConfig, provisioned: bool = False) -> Environment:
        if self._closed.is_set():
            raise ServiceException("The simulator is stopping.")
        environment = Environment(
            function,
            emit_log=lambda stream, line: self._emit_log(function.name, stream, line),
            # Custom runtimes and images bring their own runtime, which writes no end marker.
            writes_end_marker=self._executor.writes_end_marker and not function.is_image
            and not function.runtime.startswith("provided"),
        )
        endpoint = self._open_endpoint(environment)
        with self._lock:
            self._live.setdefault(function.name, {})[environment.id] = environment
            self._endpoints[environment.id] = endpoint
        spec = LaunchSpec(
            environment_id=environment.id,
            function_name=function.name,
            runtime=function.runtime,
            handler=function.handler,
            code_dir=Path(function.code_dir),
            memory_mb=function.memory_size,
            opt_dir=Path(function.opt_dir) if function.opt_dir else None,
            debug_port=self.debug_ports.get(function.name),
            architecture=None if self.interpreted_natively and function.is_interpreted
            else function.architectures[0],
            tmp_size_mb=function.ephemeral_storage,
            networks=self._vpc_networks(function),
            **image_settings(function),
            variables=lambda_variables(
                function, environment.log_stream_name, endpoint.address, self._region,
                "provisioned-concurrency" if provisioned else "on-demand",
                self.function_endpoint, self.xray_daemon, self.function_secret,
                self.function_account,
            ),
        )
        try:
            environment.runtime = self._executor.launch(
                spec,
                on_output=environment.feed_output,
                on_exit=lambda status: self._runtime_exited(environment, status),
            )
        except EnvironmentUnavailable as error:
            self._discard(environment)
            raise ServiceException(str(error)) from error
        except Exception as error:
            log.exception("could not start an environment for %s", function.name)
            self._discard(environment)
            raise ServiceException(f"Could not start an execution environment: {error}") from error
        return environment

    def _vpc_networks(self, function: FunctionConfig) -> tuple[str, ...]:
        """A VPC function's subnets, as the Docker networks they are mapped to (or named)."""
        subnets = (function.vpc_config or {}).get("SubnetIds") or []
        return tuple(self.vpc_networks.get(subnet, subnet) for subnet in subnets)

    def _runtime_exited(self, environment: Environment, status: ExitStatus) -> None:
        environment.died(status)
        self._discard(environment)

    def _discard(self, environment: Environment) -> None:
        """Forget an environment and free its runtime and endpoint. Idempotent."""
        with self._lock:
            self._live.get(environment.function.name, {}).pop(environment.id, None)
            idle = self._idle.get(environment.function.pool_key)
            if idle and environment in idle:
                idle.remove(environment)
            endpoint = self._endpoints.pop(environment.id, None)
        if environment.alive:
            environment.stop()
        if endpoint is not None:
            endpoint.close()

    def _stop_later(self, environment: Environment) -> None:
        threading.Thread(target=self._discard, args=(environment,), daemon=True).start()

    def _reap_forever(self) -> None:
        interval = max(0.05, min(1.0, self._limits.idle_timeout / 4))
        while not self._closed.wait(interval):
            deadline = time.monotonic() - self._limits.idle_timeout
            with self._lock:
                stale = [
                    e for idle in self._idle.values() for e in idle
                    if e.last_used < deadline and not e.provisioned
                ]
                for environment in stale:
                    idle = self._idle[environment.function.pool_key]
                    idle.remove(environment)
                    if not idle:  # a tenant seen once leaves no key behind
                        del self._idle[environment.function.pool_key]
            for environment in stale:
                log.debug("reaping idle environment %s of %s", environment.id,
                          environment.function.name)
                self._discard(environment)


def image_settings(function: FunctionConfig) -> dict[str, Any]:
    """The LaunchSpec fields of a container image function: its image, pinned to the id it
    resolved to, and the ImageConfig overrides; nothing for a Zip function."""
    if not function.is_image:
        return {}
    config = function.image_config or {}
    return {
        "image": f"sha256:{function.code_sha256}" if function.code_sha256
        else function.image_uri,
        "entrypoint": tuple(config["EntryPoint"]) if config.get("EntryPoint") else None,
        "command": tuple(config["Command"]) if config.get("Command") else None,
        "working_dir": config.get("WorkingDirectory") or None,
    }
