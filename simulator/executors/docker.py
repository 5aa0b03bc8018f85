"""Runs each environment's runtime in a Docker container started from `runtime_images/`.

A cold start claims a standby container (see `standby`) when one fits, and otherwise is
container create + start: images are built ahead (`lambda-sim images build`), the code is
bind-mounted read-only, and the two long-lived streams per container (output, exit) are read
on background threads.

An engine on another machine (see `engine_location`) cannot bind-mount our folders: code and
layers go into volumes through its API (`code_volumes`), there are no standby containers (they
are handed their code through a folder of ours), and runtimes reach the Runtime API on this
machine's address on the route to the engine."""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docker
from docker.errors import APIError, DockerException, NotFound
from docker.types import CancellableStream, Mount
from requests.exceptions import RequestException

from simulator.errors import EnvironmentUnavailable
from simulator.executors.base import (
    Executor,
    ExitCallback,
    ExitStatus,
    GuestNetwork,
    LaunchSpec,
    OutputCallback,
    RunningRuntime,
)
from simulator.executors.code_volumes import CodeVolumes, ShippingFailed
from simulator.executors.container_memory import ContainerMemory
from simulator.executors.engine_connections import close_idle
from simulator.executors.engine_location import (
    EngineLocation,
    EngineLocationError,
    engine_url,
    locate,
    route_address,
)
from simulator.executors.invoke_activity import InvokeActivity
from simulator.executors.output_pipe import OUTPUT_PIPE_NAME, OUTPUT_VARIABLE, OutputPipe
from simulator.executors.platforms import (
    MACHINE_ALIASES,
    MACHINES,
    emulates,
    host_machine,
    image_problem,
)
from simulator.executors.runtime_files import image_name
from simulator.executors.standby import (
    CHANNEL_NAME,
    CHANNEL_VARIABLE,
    CONTROL_MOUNT,
    StandbyPool,
    StandbyProfile,
    StandbySlot,
    servable,
)

log = logging.getLogger(__name__)

MANAGED_LABEL = "lambda-sim.managed"
STATE_DIR_LABEL = "lambda-sim.state-dir"
RUNTIME_USER = "993:993"
DEBUG_PORT = 5678
DEBUGPY_MOUNT = "/var/lambda-sim-debug"
PIDS_LIMIT = 1024
REMOVAL_RETRY_FIRST_DELAY = 0.5
REMOVAL_RETRY_MAX_DELAY = 10.0
# Starts under way at once: past a few, the engine makes containers no faster, so more would
# only queue in it (its pace one at a time and this many at once: docs/MEASUREMENTS.md).
PARALLEL_STARTS = 8
# Shutdown waits this long for container starts under way to remove what they made.
SHUTDOWN_START_WAIT_SECONDS = 30.0
# A new standby is started this long after one is claimed: creating a container keeps the
# engine busy on the CPU for a while (docs/MEASUREMENTS.md), which the claimed environment's
# first invokes should not have to share.
REPLENISH_DELAY_SECONDS = 0.25
# A standby's start then waits for invokes to pause this long, so that warm invokes do not
# share the CPU with it, but no longer than the deferral: under steady traffic the standby
# is still there for the next cold start.
INVOKE_LULL_SECONDS = 0.1
STANDBY_DEFERRAL_SECONDS = 5.0
# How long a launch waits for a standby container already starting rather than start its own.
STANDBY_WAIT_SECONDS = 1.0
# Network modes that are not networks the simulator makes: containers share the engine's
# host's (or no) network, so there is no gateway to serve the Runtime API on.
SHARED_NETWORK_MODES = frozenset({"host", "none"})
# Runtimes whose launchers (runtime_images/) send their output into a pipe of ours when given one.
OUTPUT_PIPE_RUNTIMES = ("python", "nodejs", "provided")
# Where a container sees its output pipe: in the control folder, mounted read-only.
OUTPUT_PIPE_PATH = f"{CONTROL_MOUNT}/{OUTPUT_PIPE_NAME}"
# What a standby runtime starts with; the rest of its environment comes with its assignment.
STANDBY_VARIABLES = {
    "PYTHONPATH": "/var/runtime",
    "LANG": "en_US.UTF-8",
    "TZ": ":UTC",
    CHANNEL_VARIABLE: f"{CONTROL_MOUNT}/{CHANNEL_NAME}",
}


def container_name(spec: LaunchSpec) -> str:
    return f"lambda-sim-{spec.function_name}-{spec.environment_id[:12]}"


def debugpy_home() -> Path:
    """The folder holding the installed debugpy package, mounted into debugged containers."""
    spec = importlib.util.find_spec("debugpy")
    if spec is None or spec.origin is None:
        raise EnvironmentUnavailable("debugging needs debugpy: pip install debugpy")
    return Path(spec.origin).parent.parent


class OutputSink:
    """Where a container's output and end are reported. A standby container's sink is
    connected when it is claimed; one that ended before that cannot be connected."""

    def __init__(self, on_output: OutputCallback | None = None,
                 on_exit: ExitCallback | None = None) -> None:
        self._lock = threading.Lock()
        self._on_output = on_output
        self._on_exit = on_exit
        self._ended = False

    def connect(self, on_output: OutputCallback, on_exit: ExitCallback) -> bool:
        with self._lock:
            if self._ended:
                return False
            self._on_output, self._on_exit = on_output, on_exit
            return True

    def disconnect(self) -> None:
        with self._lock:
            self._on_output = self._on_exit = None

    def output(self, chunk: bytes) -> None:
        if self._on_output is not None:
            self._on_output(chunk)

    def exit(self, status: ExitStatus) -> None:
        with self._lock:
            self._ended = True
            on_exit = self._on_exit
        if on_exit is not None:
            on_exit(status)


def _gone_or_going(error: Exception) -> bool:
    """The container is removed already, or the engine is removing it (a server stopping on
    the same state dir, or a removal this one asked for before)."""
    return isinstance(error, NotFound) or (
        isinstance(error, APIError) and error.status_code == 409
        and "already in progress" in str(error.explanation))


def _close_stream(output: CancellableStream) -> None:
    """An attached stream's socket is the caller's to close: left to the garbage collector,
    a server at rest would keep one for each container it ever ran."""
    try:
        output.close()  # shuts the socket down; its descriptor is the response's to close
        response = getattr(output, "_response", None)
        if response is not None:
            response.close()
    except (OSError, DockerException) as error:
        log.debug("closing an output stream: %s", error)


class ContainerRuntime(RunningRuntime):
    """A removal the engine cannot take (it is unreachable) is retried in the background,
    with backoff, until it can: an outage never leaves a container behind. `on_removed`
    hears of the removal once it is done."""

    def __init__(self, api: docker.APIClient, container_id: str, sink: OutputSink,
                 on_removed: Callable[[str], None], slot: StandbySlot | None = None,
                 pipe: OutputPipe | None = None) -> None:
        self.api = api
        self.container_id = container_id
        self.sink = sink
        self.slot = slot
        self.pipe = pipe
        self._on_removed = on_removed
        self._removed = threading.Event()
        self._removing = threading.Lock()
        self._retrying = False
        self.memory = ContainerMemory(api, container_id)

    @property
    def handle(self) -> str:
        return f"container {self.container_id[:12]}"

    def peak_memory_kb(self) -> int | None:
        return self.memory.peak_kb()

    def stop(self) -> None:
        self.memory.close()
        if self._remove():
            return
        with self._removing:
            if self._retrying:
                return
            self._retrying = True
        threading.Thread(target=self._retry_removal, daemon=True,
                         name=f"remove-{self.container_id[:12]}").start()

    def _remove(self) -> bool:
        """Whether the container is gone (now or before)."""
        with self._removing:
            if self._removed.is_set():
                return True
            try:
                self.api.remove_container(self.container_id, force=True)
            except (DockerException, RequestException) as error:
                if not _gone_or_going(error):
                    log.warning("could not remove container %s (will retry): %s",
                                self.container_id[:12], error)
                    return False
            self._removed.set()
        self._on_removed(self.container_id)
        return True

    def removed(self, within: float) -> bool:
        """Whether the container is removed, waiting up to `within` seconds."""
        return self._removed.wait(within)

    def _retry_removal(self) -> None:
        delay = REMOVAL_RETRY_FIRST_DELAY
        while not self._removed.wait(delay) and not self._remove():
            delay = min(delay * 2, REMOVAL_RETRY_MAX_DELAY)


class DockerExecutor(Executor):
    name = "docker"
    parallel_starts = PARALLEL_STARTS

    def __init__(self, state_dir: Path, network: str, internal_network: bool = False,
                 runtime_api_host: str = "", standby: int = 1, *, engine: str = "",
                 engine_location: str = "auto", advertise_host: str = "") -> None:
        """`engine` is the engine's address (DOCKER_HOST's when empty); `engine_location`
        `local`, `remote` or `auto` (see `engine_location.locate`); `advertise_host` where a
        remote engine's containers reach us (the address on the route to it when empty)."""
        self._state_dir = str(state_dir)
        self._engine = engine
        self._engine_location = engine_location
        self._advertise_host = advertise_host
        self.remote = False
        self._volumes: CodeVolumes | None = None
        self._standby_dir = state_dir / "standby"
        self._pipes_dir = state_dir / "pipes"  # function containers' output pipes
        self._standby = StandbyPool(standby)
        self._activity = InvokeActivity(INVOKE_LULL_SECONDS)
        self._closed = threading.Event()
        self._network = network
        self._internal = internal_network
        self._runtime_api_host = runtime_api_host
        self._client: docker.DockerClient | None = None
        self._gateway = ""
        self._guest_network: GuestNetwork | None = None
        self._images: set[str] = set()
        self._info: dict[str, Any] | None = None
        self._runtimes: dict[str, ContainerRuntime] = {}
        self._lock = threading.Lock()
        self._starts_settled = threading.Condition(self._lock)
        self._starting = 0

    @property
    def api(self) -> docker.APIClient:
        assert self._client is not None, "DockerExecutor.start() first"
        return self._client.api

    def start(self) -> None:
        try:
            location = locate(engine_url(self._engine), self._engine_location)
            self._client = self._connect(location)
            self._client.ping()
            gateway = self._ensure_network()
            if location.remote:
                self._start_remote(location)
            else:
                self._gateway = self._runtime_api_host or self._own_address() or gateway
            self._remove_orphans()
            shutil.rmtree(self._standby_dir, ignore_errors=True)
            shutil.rmtree(self._pipes_dir, ignore_errors=True)
            if self._volumes is not None:
                self._volumes.remove_all()  # a crashed run's
        except (DockerException, RequestException, EngineLocationError) as error:
            raise EnvironmentUnavailable(f"Docker engine unavailable: {error}") from error

    def _connect(self, location: EngineLocation) -> docker.DockerClient:
        """A client of the engine; TLS as DOCKER_TLS_VERIFY and DOCKER_CERT_PATH say, and
        ssh:// through the machine's own ssh client (its keys and configuration)."""
        environment = dict(os.environ)
        if location.url:
            environment["DOCKER_HOST"] = location.url
        return docker.from_env(timeout=30, max_pool_size=4096, environment=environment,
                               use_ssh_client=location.url.startswith("ssh://"))

    def _start_remote(self, location: EngineLocation) -> None:
        """Code travels through the engine's API; runtimes call back to our address on the
        route to the engine (or the one given); standby containers, which take their code
        from a folder of ours, are not used."""
        self.remote = True
        self._standby = StandbyPool(0)
        host = location.host
        self._gateway = self._advertise_host or (route_address(host) if host else "")
        if not self._gateway:
            raise EngineLocationError(
                "the engine is remote but its address names no host: set the address its "
                "containers reach the simulator on (LAMBDA_SIM_ADVERTISE_HOST)")
        self._volumes = CodeVolumes(
            self.api, self._state_dir,
            {MANAGED_LABEL: "true", STATE_DIR_LABEL: self._state_dir},
            excluded=Path(self._state_dir))
        log.info("remote Docker engine %s: code is shipped through its API, runtimes reach "
                 "the simulator on %s", location.url, self._gateway)

    def missing_images(self, runtimes: list[str]) -> list[str]:
        return [runtime for runtime in runtimes if not self._has_image(image_name(runtime))]

    def runtime_api_host(self) -> str:
        return self._gateway

    def resolve_image(self, uri: str) -> str | None:
        assert self._client is not None, "DockerExecutor.start() first"
        try:
            return str(self._client.images.get(uri).id)
        except NotFound:
            return None
        except (DockerException, RequestException) as error:
            raise EnvironmentUnavailable(f"Docker could not look up the image {uri}: {error}") \
                from error

    def launch(
        self, spec: LaunchSpec, on_output: OutputCallback, on_exit: ExitCallback
    ) -> RunningRuntime:
        image = self._require_image(spec)
        self._check_platform(spec, image)
        if not self._uses_standby(spec):
            return self._start_function_container(spec, image, OutputSink(on_output, on_exit),
                                                  spec.networks)
        profile = StandbyProfile(image, spec.memory_mb, spec.tmp_size_mb)
        self._activity.hurry()  # a standby put off until a lull is wanted now
        try:
            while (slot := self._standby.claim(profile, STANDBY_WAIT_SECONDS)) is not None:
                runtime = self._runtimes.get(slot.container_id)
                if runtime is None or not runtime.sink.connect(on_output, on_exit):
                    continue
                try:
                    slot.assign(spec.code_dir, spec.opt_dir, spec.variables)
                except OSError as error:
                    log.warning("could not hand a standby container its function: %s", error)
                    runtime.sink.disconnect()
                    runtime.stop()
                    continue
                threading.Thread(target=self._rename, daemon=True, name="standby-rename",
                                 args=(runtime, container_name(spec))).start()
                return runtime
            return self._start_function_container(spec, image, OutputSink(on_output, on_exit))
        finally:
            self._replenish(profile)

    def note_invoke(self) -> None:
        self._activity.note()

    def anticipate(self, runtime: str, memory_mb: int, tmp_size_mb: int) -> None:
        if self._standby.per_profile and servable(runtime, {}, debugging=False) \
                and self._has_image(image_name(runtime)):
            profile = StandbyProfile(image_name(runtime), memory_mb, tmp_size_mb)
            self._standby.want(profile)
            self._replenish(profile, delay=0.0)

    def shutdown(self) -> None:
        self._closed.set()
        self._activity.hurry()  # standby starts put off until a lull end now
        self._standby.drain()
        with self._lock:
            runtimes = list(self._runtimes.values())
        threads = [threading.Thread(target=r.stop, daemon=True) for r in runtimes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        with self._starts_settled:  # a start under way removes its own container: wait for it
            self._starts_settled.wait_for(lambda: self._starting == 0,
                                          timeout=SHUTDOWN_START_WAIT_SECONDS)
        if self._volumes is not None:
            self._volumes.remove_all()

    # -- internals ------------------------------------------------------------------------

    def _require_image(self, spec: LaunchSpec) -> str:
        image = spec.image or image_name(spec.runtime)
        if self._has_image(image):
            return image
        if spec.image:
            raise EnvironmentUnavailable(
                f"The function's image {image} is not in the Docker engine: build it, then "
                "point the function at it with UpdateFunctionCode")
        raise EnvironmentUnavailable(
            f"The runtime image {image} is not built: run `lambda-sim images build "
            f"{spec.runtime}`"
        )

    def _uses_standby(self, spec: LaunchSpec) -> bool:
        """Standby containers run our runtime image on the simulator's network alone."""
        return (self._standby.per_profile > 0 and not spec.image and not spec.networks
                and servable(spec.runtime, spec.variables,
                             debugging=spec.debug_port is not None))

    def _start_function_container(self, spec: LaunchSpec, image: str, sink: OutputSink,
                                  networks: tuple[str, ...] = ()) -> ContainerRuntime:
        """A container made for the function; our runtime in it writes its output into a
        pipe of ours (see `output_pipe`) when the engine is on this machine."""
        pipe = None
        if self._volumes is None and not spec.image \
                and spec.runtime.startswith(OUTPUT_PIPE_RUNTIMES):
            folder = self._pipes_dir / spec.environment_id
            try:
                folder.mkdir(parents=True)
                pipe = OutputPipe(folder)
            except OSError as error:
                shutil.rmtree(folder, ignore_errors=True)
                log.debug("no output pipe for %s: %s", spec.function_name, error)
        return self._start_container(self._function_container(spec, image, pipe), sink,
                                     networks, pipe=pipe)

    def _start_container(self, config: dict[str, Any], sink: OutputSink,
                         networks: tuple[str, ...] = (),
                         slot: StandbySlot | None = None,
                         pipe: OutputPipe | None = None) -> ContainerRuntime:
        """Create, attach to and start a container; its output and end go to `sink`. None
        starts once the executor is shutting down (one that was starting is removed, and
        shutdown waits for that)."""
        with self._lock:
            if self._closed.is_set():
                raise EnvironmentUnavailable("The simulator is stopping.")
            self._starting += 1
        try:
            return self._create_and_start(config, sink, networks, slot, pipe)
        except EnvironmentUnavailable:
            if pipe is not None:
                pipe.close()
                if slot is None:
                    shutil.rmtree(pipe.path.parent, ignore_errors=True)
            raise
        finally:
            with self._starts_settled:
                self._starting -= 1
                self._starts_settled.notify_all()

    def _create_and_start(self, config: dict[str, Any], sink: OutputSink,
                          networks: tuple[str, ...], slot: StandbySlot | None,
                          pipe: OutputPipe | None) -> ContainerRuntime:
        container_id = ""
        output: CancellableStream | None = None
        try:
            container_id = str(self.api.create_container(**config)["Id"])
            self._join_networks(container_id, networks)
            output = self.api.attach(container_id, stdout=True, stderr=True, stream=True,
                                     logs=False)
            self.api.start(container_id)
        except (DockerException, RequestException) as error:
            if output is not None:
                _close_stream(output)
            if container_id:  # created, but it will never run: not left behind
                ContainerRuntime(self.api, container_id, sink, self._forget).stop()
            raise EnvironmentUnavailable(f"Docker could not start the environment: {error}") \
                from error
        runtime = ContainerRuntime(self.api, container_id, sink, self._forget, slot, pipe)
        with self._lock:
            closed = self._closed.is_set()
            if not closed:
                self._runtimes[container_id] = runtime
        if closed:  # shutdown has taken its list of containers: this one is not on it
            _close_stream(output)
            runtime.stop()
            raise EnvironmentUnavailable("The simulator is stopping.")
        name = config["name"].rsplit("-", 1)[-1][:8]
        threading.Thread(target=self._pump, args=(container_id, output, sink), daemon=True,
                         name=f"output-{name}").start()
        if pipe is not None:
            pipe.read_into(sink.output, name=f"pipe-{name}")
        threading.Thread(target=self._wait, args=(runtime,), daemon=True,
                         name=f"container-{name}").start()
        return runtime

    def _function_container(self, spec: LaunchSpec, image: str,
                            pipe: OutputPipe | None = None) -> dict[str, Any]:
        """A container made for one function: its code and environment given at creation.
        An image function's code is its image; ImageConfig overrides its entry point, command
        and working folder. A `pipe` is mounted with its folder, named in the variables."""
        mounts = [] if spec.image else [self._folder_mount("/var/task", spec.code_dir)]
        if spec.opt_dir is not None:
            mounts.append(self._folder_mount("/opt", spec.opt_dir))
        entrypoint = list(spec.entrypoint) if spec.entrypoint else None
        ports = None
        environment = spec.variables
        if spec.debug_port is not None and not spec.image:
            mounts.append(self._folder_mount(DEBUGPY_MOUNT, debugpy_home()))
            entrypoint = ["python3", "-m", "debugpy", "--listen", f"0.0.0.0:{DEBUG_PORT}",
                          "--wait-for-client", "/var/runtime/bootstrap.py"]
            ports = {DEBUG_PORT: ("127.0.0.1", spec.debug_port)}
            environment = {**spec.variables, "PYTHONPATH":
                           f"{spec.variables.get('PYTHONPATH', '')}:{DEBUGPY_MOUNT}"}
        if pipe is not None:
            mounts.append(Mount(CONTROL_MOUNT, str(pipe.path.parent), type="bind",
                                read_only=True))
            environment = {**environment, OUTPUT_VARIABLE: OUTPUT_PIPE_PATH}
        return self._container_config(
            image, spec.memory_mb, spec.tmp_size_mb, mounts,
            name=container_name(spec),
            environment=environment,
            labels={"lambda-sim.function": spec.function_name,
                    "lambda-sim.environment": spec.environment_id},
            entrypoint=entrypoint, ports=ports,
            command=list(spec.command) if spec.command else None,
            working_dir=spec.working_dir or (None if spec.image else "/var/task"),
        )

    def _folder_mount(self, target: str, folder: Path) -> Mount:
        """A folder of ours, read-only at `target`: bind-mounted for an engine on this
        machine, shipped into a volume for one on another."""
        if self._volumes is None:
            return Mount(target, str(folder), type="bind", read_only=True)
        try:
            return self._volumes.mount(target, folder)
        except ShippingFailed as error:
            raise EnvironmentUnavailable(str(error)) from error

    def _replenish(self, profile: StandbyProfile, delay: float = REPLENISH_DELAY_SECONDS
                   ) -> None:
        """Keep the profile's standby containers topped up, in the background; after a
        launch, a moment later, so that the launch has the engine first, and once invokes
        pause."""
        if self._closed.is_set() or not self._standby.per_profile:
            return
        count, evicted = self._standby.to_start(profile)
        for slot in evicted:
            self._stop_slot(slot)
        for _ in range(count):
            timer = threading.Timer(delay, self._start_standby_after_lull, (profile,))
            timer.daemon = True
            timer.name = "standby-start"
            timer.start()

    def _start_standby_after_lull(self, profile: StandbyProfile) -> None:
        self._activity.wait_for_lull(STANDBY_DEFERRAL_SECONDS, self._closed)
        if self._closed.is_set():
            self._standby.started(None, profile)
            return
        self._start_standby(profile)

    def _start_standby(self, profile: StandbyProfile) -> None:
        slot = StandbySlot(self._standby_dir, profile)
        pipe: OutputPipe | None = None
        try:
            slot.prepare()
            pipe = OutputPipe(slot.control_dir)
            config = self._container_config(
                profile.image, profile.memory_mb, profile.tmp_size_mb,
                [Mount("/var/task", str(slot.task_dir), type="bind", read_only=True),
                 Mount("/opt", str(slot.opt_dir), type="bind", read_only=True),
                 Mount(CONTROL_MOUNT, str(slot.control_dir), type="bind", read_only=True)],
                name=f"lambda-sim-standby-{slot.id}",
                environment={**STANDBY_VARIABLES,
                             OUTPUT_VARIABLE: OUTPUT_PIPE_PATH},
                labels={"lambda-sim.standby": slot.id},
            )
            runtime = self._start_container(config, OutputSink(), slot=slot, pipe=pipe)
        except (EnvironmentUnavailable, OSError) as error:
            if pipe is not None and not isinstance(error, EnvironmentUnavailable):
                pipe.close()  # made, then the start never came (a start that failed closed it)
            log.warning("could not start a standby container: %s", error)
            self._standby.started(None, profile)
            slot.discard()
            return
        slot.container_id = runtime.container_id
        if self._closed.is_set() or not self._standby.started(slot, profile):
            runtime.stop()

    def _rename(self, runtime: ContainerRuntime, name: str) -> None:
        """A claimed standby takes its function's name, as `docker ps` shows it (its labels,
        set at creation, stay a standby's). Off the invoke's path."""
        try:
            self.api.rename(runtime.container_id, name)
        except (DockerException, RequestException) as error:
            log.debug("could not rename %s to %s: %s", runtime.container_id[:12], name, error)

    def _stop_slot(self, slot: StandbySlot) -> None:
        runtime = self._runtimes.get(slot.container_id)
        if runtime is not None:
            threading.Thread(target=runtime.stop, daemon=True).start()

    def _container_config(
        self, image: str, memory_mb: int, tmp_size_mb: int, mounts: list[Mount], *, name: str,
        environment: dict[str, str], labels: dict[str, str],
        entrypoint: list[str] | None = None, ports: dict[int, tuple[str, int]] | None = None,
        command: list[str] | None = None, working_dir: str | None = "/var/task",
    ) -> dict[str, Any]:
        """Every container is locked down alike. Output is attached to, not logged: no log
        driver writes a file per invoke. /tmp (EphemeralStorage) is a tmpfs, so what it holds
        counts against the memory limit."""
        memory = f"{memory_mb}m"
        host_config = self.api.create_host_config(
            mounts=mounts,
            port_bindings=ports,
            mem_limit=memory,
            memswap_limit=memory,
            cap_drop=["ALL"],
            security_opt=["no-new-privileges"],
            pids_limit=PIDS_LIMIT,
            network_mode=self._network,
            tmpfs={"/tmp": f"size={tmp_size_mb}m,mode=1777"},
            privileged=False,
            log_config={"Type": "none", "Config": {}},
            init=True,  # the runtime is not PID 1, which ignores a SIGKILL sent from inside
        )
        return {
            "image": image,
            "name": name,
            "environment": environment,
            "entrypoint": entrypoint,
            "command": command,
            "ports": list(ports) if ports else None,
            "user": RUNTIME_USER,
            "working_dir": working_dir,
            "labels": {MANAGED_LABEL: "true", STATE_DIR_LABEL: self._state_dir, **labels},
            "host_config": host_config,
        }

    def _join_networks(self, container_id: str, networks: tuple[str, ...]) -> None:
        """A VPC function's subnets, as Docker networks, besides the simulator's own (where
        the Runtime API is). A subnet with no network of its name or mapping is skipped."""
        for network in dict.fromkeys(networks):
            if network == self._network:
                continue
            try:
                self.api.inspect_network(network)  # joining a missing one fails at start
            except NotFound:
                log.warning("no Docker network %s for the function's subnet: set "
                            "LAMBDA_SIM_VPC_NETWORKS=<subnet>=<network> or create it", network)
                continue
            self.api.connect_container_to_network(container_id, network)

    def _check_platform(self, spec: LaunchSpec, image: str) -> None:
        """Refuse an architecture the engine cannot run. A Zip function of the default
        architecture runs on the runtime image built for this engine, whichever that is."""
        if spec.architecture is None or (not spec.image and spec.architecture == "x86_64"):
            return
        assert self._client is not None
        try:
            attrs = self._client.images.get(image).attrs
            info = self._engine_info()
        except (DockerException, RequestException) as error:
            raise EnvironmentUnavailable(f"Docker could not inspect {image}: {error}") from error
        machine = str(info.get("Architecture", ""))
        emulated = "Docker Desktop" in str(info.get("OperatingSystem", "")) or emulates(
            MACHINES[spec.architecture])
        shown = (attrs.get("RepoTags") or [image])[0]  # a pinned id, by its tag if it has one
        problem = image_problem(spec.architecture, shown, str(attrs["Architecture"]), machine,
                                emulated)
        if problem:
            raise EnvironmentUnavailable(problem)

    def machine(self) -> str:
        """The engine's machine (another one's, for a remote engine)."""
        try:
            engine = str(self._engine_info().get("Architecture", ""))
        except (DockerException, RequestException) as error:
            log.warning("Docker did not say its architecture (%s): taking this host's", error)
            return host_machine()
        return MACHINE_ALIASES.get(engine.lower(), engine) or host_machine()

    def _engine_info(self) -> dict[str, Any]:
        if self._info is None:
            assert self._client is not None
            self._info = dict(self._client.info())
        return self._info

    def _pump(self, container_id: str, output: CancellableStream, sink: OutputSink) -> None:
        try:
            for chunk in output:
                sink.output(chunk)
        except (DockerException, RequestException) as error:
            log.debug("output stream of %s ended: %s", container_id[:12], error)
        finally:
            _close_stream(output)

    def _wait(self, runtime: ContainerRuntime) -> None:
        """Watch a container until it ends. A watch that breaks (the engine restarting or
        out of reach) is not the container's end: it is watched again, with backoff, until
        the engine answers, so a running environment outlives an engine outage."""
        code, oom = -9, False
        delay = REMOVAL_RETRY_FIRST_DELAY
        while True:
            try:
                code = int(self.api.wait(runtime.container_id, timeout=None)["StatusCode"])
                state: dict[str, Any] = self.api.inspect_container(runtime.container_id)["State"]
                oom = bool(state.get("OOMKilled"))
                break
            except NotFound:
                break
            except (DockerException, RequestException) as error:
                log.debug("watch of %s broke: %s", runtime.container_id[:12], error)
                if self._closed.is_set() or runtime.removed(within=delay):
                    break
                delay = min(delay * 2, REMOVAL_RETRY_MAX_DELAY)
        if runtime.pipe is not None:  # what the runtime wrote last comes before its end
            runtime.pipe.finish()
        runtime.stop()
        if runtime.slot is not None:
            self._standby.remove(runtime.slot)
            runtime.slot.discard()
        elif runtime.pipe is not None:
            shutil.rmtree(runtime.pipe.path.parent, ignore_errors=True)
        runtime.sink.exit(ExitStatus.from_code(code, oom_killed=oom))
        self._release_connections_at_rest()  # this wait's own connections are idle only now

    def _forget(self, container_id: str) -> None:
        """A container is forgotten once removed, not before: shutdown retries the rest. The
        last environment's removal lets go of the engine connections kept for reuse."""
        with self._lock:
            self._runtimes.pop(container_id, None)
        self._release_connections_at_rest()

    def _release_connections_at_rest(self) -> None:
        """With no environment left, close the engine connections kept for reuse."""
        with self._lock:
            at_rest = self._starting == 0 and len(self._runtimes) <= self._standby.waiting()
        if at_rest and self._client is not None:
            closed = close_idle(self.api)
            log.debug("no environment left: closed %d idle engine connections", closed)

    def _has_image(self, image: str) -> bool:
        if image in self._images:
            return True
        assert self._client is not None
        try:
            self._client.images.get(image)
        except NotFound:
            return False
        self._images.add(image)
        return True

    def _ensure_network(self) -> str:
        """The gateway of the simulator's network, made if missing; loopback for a network
        mode shared with the engine's host (with `host`, runtimes on an engine here reach us
        on 127.0.0.1)."""
        assert self._client is not None
        if self._network in SHARED_NETWORK_MODES:
            return "127.0.0.1"
        found = self._client.networks.list(names=[self._network])
        network = next((n for n in found if n.name == self._network), None)
        if network is None:
            network = self._client.networks.create(
                self._network, driver="bridge", internal=self._internal,
                labels={MANAGED_LABEL: "true"},
            )
            network.reload()
        config = network.attrs["IPAM"]["Config"]
        gateway = config[0].get("Gateway") if config else None
        if not gateway:
            raise EnvironmentUnavailable(f"Docker network {self._network} has no gateway address")
        if config[0].get("Subnet"):
            self._guest_network = GuestNetwork(str(config[0]["Subnet"]), str(gateway))
        return str(gateway)

    def guest_network(self) -> GuestNetwork | None:
        return self._guest_network

    def _own_address(self) -> str | None:
        """Inside a container (compose), runtimes reach us at our address on the shared
        network, not at the gateway; outside one there is no such address."""
        if not Path("/.dockerenv").exists():
            return None
        assert self._client is not None
        try:
            me = self._client.api.inspect_container(socket.gethostname())
        except (DockerException, RequestException):
            return None
        network = me["NetworkSettings"]["Networks"].get(self._network) or {}
        return network.get("IPAddress") or None

    def _remove_orphans(self) -> None:
        """Containers a crashed run with this state dir left behind."""
        assert self._client is not None
        orphans = self._client.api.containers(
            all=True, filters={"label": [f"{STATE_DIR_LABEL}={self._state_dir}"]}
        )
        for orphan in orphans:
            log.info("removing orphan container %s", orphan["Names"][0].lstrip("/"))
            try:
                self.api.remove_container(orphan["Id"], force=True)
            except APIError as error:
                if not _gone_or_going(error):
                    raise
