"""The machine a run measured: what the report says it ran on."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass

import boto3
import psutil

from bench.target import docker_client


@dataclass(frozen=True)
class Machine:
    cpu: str
    cores: int
    ram_gb: float
    kernel: str
    docker: str
    python: str
    boto3: str

    def rows(self) -> list[tuple[str, str]]:
        return [("CPU", self.cpu), ("Cores", str(self.cores)), ("RAM", f"{self.ram_gb:.1f} GiB"),
                ("Kernel", self.kernel), ("Docker", self.docker), ("Python", self.python),
                ("boto3", self.boto3)]


def describe() -> Machine:
    return Machine(
        cpu=_cpu_model(),
        cores=len(os.sched_getaffinity(0)),
        ram_gb=psutil.virtual_memory().total / 1024**3,
        kernel=f"{platform.system()} {platform.release()}",
        docker=_docker(),
        python=platform.python_version(),
        boto3=boto3.__version__,
    )


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _docker() -> str:
    try:
        info = docker_client().info()
    except Exception:  # no engine: say so rather than fail the report
        return subprocess.run(["docker", "--version"], capture_output=True, text=True).stdout \
            .strip() or "not available"
    return (f"{info.get('ServerVersion', '?')} (storage driver {info.get('Driver', '?')}, "
            f"cgroup v{info.get('CgroupVersion', '?')})")
