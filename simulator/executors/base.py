"""The executor interface: launch a runtime that will pull work from a Runtime API address."""

from __future__ import annotations

import signal
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simulator.errors import EnvironmentUnavailable
from simulator.executors.platforms import host_machine

# Variables read when a process starts (the interpreter's, the dynamic loader's, the C
# library's): a runtime started ahead of its function (a standby, a fork) cannot honour them.
START_VARIABLE_PREFIXES = ("PYTHON", "LD_", "LC_", "MALLOC_")


def sets_start_variables(variables: dict[str, str], allowed: frozenset[str]) -> bool:
    return any(name.startswith(START_VARIABLE_PREFIXES) and name not in allowed
               for name in variables)


@dataclass(frozen=True)
class LaunchSpec:
    """Everything an executor needs to start one environment's runtime."""

    environment_id: str
    function_name: str
    runtime: str
    handler: str
    code_dir: Path
    memory_mb: int
    variables: dict[str, str]
    opt_dir: Path | None = None  # layers and dependencies, seen at /opt
    debug_port: int | None = None  # start under debugpy, listening here, waiting for attach
    # x86_64 or arm64, as the function's Architectures says; None: whatever the engine runs.
    architecture: str | None = "x86_64"
    tmp_size_mb: int = 512  # EphemeralStorage: the size of /tmp
    networks: tuple[str, ...] = ()  # networks to join besides the simulator's own (VpcConfig)
    # A container image function: its image, run instead of the runtime's, and the
    # ImageConfig overrides of the image's ENTRYPOINT, CMD and WORKDIR.
    image: str | None = None
    entrypoint: tuple[str, ...] | None = None
    command: tuple[str, ...] | None = None
    working_dir: str | None = None


@dataclass(frozen=True)
class ExitStatus:
    """How a runtime ended, worded as the Lambda service words it."""

    exit_code: int | None = None
    signal_number: int | None = None
    oom_killed: bool = False

    def describe(self) -> str:
        if self.oom_killed:
            return "signal: killed"
        if self.signal_number is not None:
            words = signal.strsignal(self.signal_number)
            if words is None or words.startswith("Unknown signal"):
                return f"signal: {self.signal_number}"
            return "signal: " + words.lower()
        return f"exit status {self.exit_code}"

    @classmethod
    def from_code(cls, code: int, oom_killed: bool = False) -> ExitStatus:
        """A process return code (negative = signal) or a container exit code (128 + signal)."""
        if code < 0:
            return cls(signal_number=-code, oom_killed=oom_killed)
        if code > 128 and code - 128 < 65:
            return cls(signal_number=code - 128, oom_killed=oom_killed)
        return cls(exit_code=code, oom_killed=oom_killed)


OutputCallback = Callable[[bytes], None]
ExitCallback = Callable[[ExitStatus], None]


class RunningRuntime(ABC):
    """A handle on one launched runtime."""

    @property
    @abstractmethod
    def handle(self) -> str:
        """What the runtime is to the host ("container 1a2b3c4d5e6f", "process 4242")."""

    @abstractmethod
    def stop(self) -> None:
        """Kill the runtime and free what it holds. Safe to call more than once."""

    def peak_memory_kb(self) -> int | None:
        """The most memory the runtime has held so far (its container's, its processes'), in
        KB, for a runtime that does not report its own; None when it cannot be measured.
        Cheap: it may be asked after every invocation."""
        return None


@dataclass(frozen=True)
class GuestNetwork:
    subnet: str  # CIDR
    gateway: str


class Executor(ABC):
    """Starts runtimes. `launch` must return quickly once the runtime is started: the runtime
    then registers itself by calling the Runtime API."""

    name: str
    writes_end_marker = True
    # How many launches may be under way at once (None: no limit). More than the engine can
    # work on only queue inside it, where no invoke can take a warm environment instead.
    parallel_starts: int | None = None
    # Runtimes run on another machine (a remote engine), so the Runtime API listens where
    # other machines can reach it.
    remote = False

    @abstractmethod
    def start(self) -> None:
        """Prepare (networks, orphan clean-up). Raises EnvironmentUnavailable if it cannot run."""

    @abstractmethod
    def runtime_api_host(self) -> str:
        """The address runtimes reach the Runtime API on; listeners bind to it."""

    @abstractmethod
    def launch(
        self, spec: LaunchSpec, on_output: OutputCallback, on_exit: ExitCallback
    ) -> RunningRuntime:
        """Start a runtime; `on_output` gets its merged stdout/stderr, `on_exit` its end."""

    def note_invoke(self) -> None:
        """An invoke took an environment (on every invoke's path: cheap). An executor that
        does work ahead of demand can put it off while invokes come."""
        return None

    def anticipate(self, runtime: str, memory_mb: int, tmp_size_mb: int) -> None:
        """Launches of this kind are expected soon (a function was created): an executor
        that can prepare them ahead does, in the background."""
        return None

    def resolve_image(self, uri: str) -> str | None:
        """The id of the local container image `uri` names, None if there is no such image.
        Raises EnvironmentUnavailable when this executor cannot run images at all."""
        raise EnvironmentUnavailable(
            f"The {self.name} executor cannot run container images (PackageType Image): "
            "they need a Docker engine")

    def machine(self) -> str:
        """The machine runtimes run on, as the kernel names it (`x86_64`, `aarch64`)."""
        return host_machine()

    def guest_network(self) -> GuestNetwork | None:
        """The network runtimes have addresses of their own on, if any: requests from it
        come from functions, except those from its gateway, which is this machine."""
        return None

    @abstractmethod
    def shutdown(self) -> None:
        """Stop every runtime this executor started."""
