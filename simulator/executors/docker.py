"""Runs each environment's runtime in a Docker container started from `runtime_images/`.

A cold start is container create + start and nothing more: images are built ahead
(`lambda-sim images build`), the code is bind-mounted read-only, and the two long-lived
streams per container (output, exit) are read on background threads."""

from __future__ import annotations

import importlib.util
import logging
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docker
from docker.errors import DockerException, NotFound
from docker.types import Mount
from requests.exceptions import RequestException

from simulator.errors import EnvironmentUnavailable
from simulator.executors.base import (
    Executor,
    ExitCallback,
    ExitStatus,
    LaunchSpec,
    OutputCallback,
    RunningRuntime,
)
from simulator.images import image_name

log = logging.getLogger(__name__)

MANAGED_LABEL = "lambda-sim.managed"
STATE_DIR_LABEL = "lambda-sim.state-dir"
RUNTIME_USER = "993:993"
DEBUG_PORT = 5678
DEBUGPY_MOUNT = "/var/lambda-sim-debug"
PIDS_LIMIT = 1024
REMOVAL_RETRY_FIRST_DELAY = 0.5
REMOVAL_RETRY_MAX_DELAY = 10.0


def debugpy_home() -> Path:
    """The folder holding the installed debugpy package, mounted into debugged containers."""
    spec = importlib.util.find_spec("debugpy")
    if spec is None or spec.origin is None:
        raise EnvironmentUnavailable("debugging needs debugpy: pip install debugpy")
    return Path(spec.origin).parent.parent


class ContainerRuntime(RunningRuntime):
    """A removal the engine cannot take (it is unreachable) is retried in the background,
    with backoff, until it can: an outage never leaves a container behind. `on_removed`
    hears of the removal once it is done."""

    def __init__(self, api: docker.APIClient, container_id: str,
                 on_removed: Callable[[str], None]) -> None:
        self.api = api
        self.container_id = container_id
        self._on_removed = on_removed
        self._removed = threading.Event()
        self._removing = threading.Lock()
        self._retrying = False

    def stop(self) -> None:
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
            except NotFound:
                pass
            except (DockerException, RequestException) as error:
                log.warning("could not remove container %s (will retry): %s",
                            self.container_id[:12], error)
                return False
            self._removed.set()
        self._on_removed(self.container_id)
        return True

    def _retry_removal(self) -> None:
        delay = REMOVAL_RETRY_FIRST_DELAY
        while not self._removed.wait(delay) and not self._remove():
            delay = min(delay * 2, REMOVAL_RETRY_MAX_DELAY)


class DockerExecutor(Executor):
    name = "docker"

    def __init__(self, state_dir: Path, network: str, internal_network: bool = False,
                 runtime_api_host: str = "") -> None:
        self._state_dir = str(state_dir)
        self._network = network
        self._internal = internal_network
        self._runtime_api_host = runtime_api_host
        self._client: docker.DockerClient | None = None
        self._gateway = ""
        self._images: set[str] = set()
        self._runtimes: dict[str, ContainerRuntime] = {}
        self._lock = threading.Lock()

    @property
    def api(self) -> docker.APIClient:
        assert self._client is not None, "DockerExecutor.start() first"
        return self._client.api

    def start(self) -> None:
        try:
            self._client = docker.from_env(timeout=30, max_pool_size=4096)
            self._client.ping()
            gateway = self._ensure_network()
            self._gateway = self._runtime_api_host or self._own_address() or gateway
            self._remove_orphans()
        except (DockerException, RequestException) as error:
            raise EnvironmentUnavailable(f"Docker engine unavailable: {error}") from error

    def missing_images(self, runtimes: list[str]) -> list[str]:
        return [runtime for runtime in runtimes if not self._has_image(image_name(runtime))]

    def runtime_api_host(self) -> str:
        return self._gateway

    def launch(
        self, spec: LaunchSpec, on_output: OutputCallback, on_exit: ExitCallback
    ) -> RunningRuntime:
        image = image_name(spec.runtime)
        if not self._has_image(image):
            raise EnvironmentUnavailable(
                f"The runtime image {image} is not built: run `lambda-sim images build "
                f"{spec.runtime}`"
            )
        try:
            container_id = self._create(spec, image)
            output = self.api.attach(container_id, stdout=True, stderr=True, stream=True,
                                     logs=False)
            self.api.start(container_id)
        except (DockerException, RequestException) as error:
            raise EnvironmentUnavailable(f"Docker could not start the environment: {error}") \
                from error
        runtime = ContainerRuntime(self.api, container_id, on_removed=self._forget)
        with self._lock:
            self._runtimes[container_id] = runtime
        threading.Thread(target=self._pump, args=(container_id, output, on_output), daemon=True,
                         name=f"output-{spec.environment_id[:8]}").start()
        threading.Thread(target=self._wait, args=(runtime, on_exit), daemon=True,
                         name=f"container-{spec.environment_id[:8]}").start()
        return runtime

    def shutdown(self) -> None:
        with self._lock:
            runtimes = list(self._runtimes.values())
        threads = [threading.Thread(target=r.stop, daemon=True) for r in runtimes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    # -- internals ------------------------------------------------------------------------

    def _create(self, spec: LaunchSpec, image: str) -> str:
        """Output is attached to, not logged: no log driver writes a file per invoke."""
        memory = f"{spec.memory_mb}m"
        mounts = [Mount("/var/task", str(spec.code_dir), type="bind", read_only=True)]
        if spec.opt_dir is not None:
            mounts.append(Mount("/opt", str(spec.opt_dir), type="bind", read_only=True))
        entrypoint, ports = None, None
        if spec.debug_port is not None:
            mounts.append(Mount(DEBUGPY_MOUNT, str(debugpy_home()), type="bind", read_only=True))
            entrypoint = ["python3", "-m", "debugpy", "--listen", f"0.0.0.0:{DEBUG_PORT}",
                          "--wait-for-client", "/var/runtime/bootstrap.py"]
            ports = {DEBUG_PORT: ("127.0.0.1", spec.debug_port)}
        host_config = self.api.create_host_config(
            mounts=mounts,
            port_bindings=ports,
            mem_limit=memory,
            memswap_limit=memory,
            cap_drop=["ALL"],
            security_opt=["no-new-privileges"],
            pids_limit=PIDS_LIMIT,
            network_mode=self._network,
            privileged=False,
            log_config={"Type": "none", "Config": {}},
            init=True,  # the runtime is not PID 1, which ignores a SIGKILL sent from inside
        )
        container = self.api.create_container(
            image,
            name=f"lambda-sim-{spec.function_name}-{spec.environment_id[:12]}",
            environment=spec.variables if spec.debug_port is None else {
                **spec.variables,
                "PYTHONPATH": f"{spec.variables.get('PYTHONPATH', '')}:{DEBUGPY_MOUNT}"},
            entrypoint=entrypoint,
            ports=[DEBUG_PORT] if ports else None,
            user=RUNTIME_USER,
            working_dir="/var/task",
            labels=self._labels(spec),
            host_config=host_config,
        )
        return str(container["Id"])

    def _labels(self, spec: LaunchSpec) -> dict[str, str]:
        return {
            MANAGED_LABEL: "true",
            STATE_DIR_LABEL: self._state_dir,
            "lambda-sim.function": spec.function_name,
            "lambda-sim.environment": spec.environment_id,
        }

    def _pump(self, container_id: str, output: Iterator[bytes],
              on_output: OutputCallback) -> None:
        try:
            for chunk in output:
                on_output(chunk)
        except (DockerException, RequestException) as error:
            log.debug("output stream of %s ended: %s", container_id[:12], error)

    def _wait(self, runtime: ContainerRuntime, on_exit: ExitCallback) -> None:
        code, oom = -9, False
        try:
            code = int(self.api.wait(runtime.container_id, timeout=None)["StatusCode"])
            state: dict[str, Any] = self.api.inspect_container(runtime.container_id)["State"]
            oom = bool(state.get("OOMKilled"))
        except NotFound:
            pass
        except (DockerException, RequestException) as error:
            log.debug("wait on %s ended: %s", runtime.container_id[:12], error)
        runtime.stop()
        on_exit(ExitStatus.from_code(code, oom_killed=oom))

    def _forget(self, container_id: str) -> None:
        """A container is forgotten once removed, not before: shutdown retries the rest."""
        with self._lock:
            self._runtimes.pop(container_id, None)

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
        assert self._client is not None
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
        return str(gateway)

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
            self.api.remove_container(orphan["Id"], force=True)
