"""AWS SAM CLI: `sam local start-lambda` on a template of the benchmark's functions, in its
default mode (a new container per invoke) or with `--warm-containers EAGER`."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from bench import processes, standins
from bench.functions import KINDS, RELOAD, function_name, sam_template
from bench.peers.venv import PeerVenv
from bench.target import (
    ApiTarget,
    Say,
    TargetUnavailable,
    container_memory_mb,
    count_containers,
    free_port,
    remove_containers,
    wait_for_port,
)

IMAGE = "public.ecr.aws/lambda/python:3.11-x86_64"
RIE = "samcli/local/rapid/aws-lambda-rie-x86_64"
CONTAINER_LABEL = "sam.cli.container.type=lambda"
START_SECONDS = 300
VENV = PeerVenv("sam", "aws-sam-cli", "aws-sam-cli", "sam")


class SamTarget(ApiTarget):
    compare_to = "ours (docker)"

    def __init__(self, eager: bool) -> None:
        super().__init__()
        self.eager = eager
        self.name = "SAM EAGER" if eager else "SAM"
        self._folder = Path(tempfile.mkdtemp(prefix="bench-sam-"))
        self._process: subprocess.Popen[bytes] | None = None
        self.every_invoke_cold = not eager

    def start(self, say: Say) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)  # a stop removes it
        version = VENV.ensure(say)
        rie = _rie_path()
        image = standins.ensure(
            IMAGE, "sam", say, extra_inputs=(rie,),
            prepare=lambda context: _sam_context(context, rie))
        mode = " --warm-containers EAGER" if self.eager else ""
        self.description = (f"aws-sam-cli {version}: `sam local start-lambda --skip-pull-image"
                            f"{mode}`; {IMAGE}: {image}")
        template = sam_template([*KINDS, RELOAD], self._folder)
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        command = [str(VENV.bin("sam")), "local", "start-lambda", "--template", str(template),
                   "--host", "127.0.0.1", "--port", str(port), "--skip-pull-image"]
        if self.eager:
            command += ["--warm-containers", "EAGER"]
        log = self._folder / "sam.log"
        say(f"starting {self.name}")
        self._process = processes.spawn(command, log, cwd=self._folder,
                                        env={"SAM_CLI_TELEMETRY": "0"})
        self.server_pid = self._process.pid
        try:
            wait_for_port(port, START_SECONDS, lambda: self._process.poll() is None)
        except TargetUnavailable as error:
            raise TargetUnavailable(f"{error}: {processes.tail(log)}") from None

    def stop(self) -> None:
        processes.stop(self._process, grace=15)
        remove_containers({"label": CONTAINER_LABEL})
        shutil.rmtree(self._folder, ignore_errors=True)

    def unsupported(self, scenario: str) -> str | None:
        if self.eager:
            return {
                "cold": "containers start with the server: measured in default mode",
                "scale": "one container per function: invokes queue one at a time",
                "memory.loaded": "one container per function",
            }.get(scenario)
        return {
            "warm": "a new container per invoke: no warm invoke (see EAGER)",
            "throughput": "measured in EAGER mode",
            "reload": "code is mounted anew per invoke: measured in EAGER mode",
            "memory": "measured in EAGER mode",
            "payload": "measured in EAGER mode",
        }.get(scenario)

    def environment_count(self, kind: str) -> int:
        return count_containers({"label": [CONTAINER_LABEL,
                                           f"sam.cli.function.name={function_name(kind)}"]})

    def environment_mb(self, kind: str) -> tuple[float, str] | None:
        return container_memory_mb({"label": [CONTAINER_LABEL,
                                              f"sam.cli.function.name={function_name(kind)}"]})

    def code_folder(self, kind: str) -> Path | None:
        return self._folder / kind


def _rie_path() -> Path:
    found = list((VENV.root / "lib").glob(f"python3*/site-packages/{RIE}"))
    if not found:
        raise TargetUnavailable(f"the aws-sam-cli wheel has no {RIE}")
    return found[0]


def _sam_context(context: Path, rie: Path) -> None:
    runtime = context / "runtime"
    runtime.mkdir()
    shutil.move(str(context / "bootstrap"), runtime / "bootstrap")
    standins.awslambdaric_into(runtime)
    shutil.copy(rie, context / "aws-lambda-rie")
