"""Containers as a function sees them from inside: not root, no capabilities, no new
privileges, no Docker socket, a read-only /var/task, a pids limit that bites, a memory limit
of MemorySize, no device creation, and the simulator's network as the only one. The settings
as Docker reports them are checked in `tests/e2e/test_docker_executor.py`."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import require_docker
from tests.helpers import create_function

INSIDE = """
import errno, os, socket, stat, struct, threading, time

def read(path):
    try:
        with open(path) as handle:
            return handle.read().strip()
    except OSError:
        return None

def status_fields():
    fields = {}
    for line in read("/proc/self/status").splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields

def attempt(action):
    try:
        action()
        return "allowed"
    except OSError as error:
        return errno.errorcode.get(error.errno, str(error.errno))

def threads_until_refused(limit):
    stop = threading.Event()
    started = []
    try:
        for _ in range(limit):
            thread = threading.Thread(target=stop.wait, daemon=True)
            thread.start()
            started.append(thread)
    except RuntimeError:
        pass
    stop.set()
    return len(started)

def default_gateway():
    for line in read("/proc/net/route").splitlines()[1:]:
        fields = line.split()
        if fields[1] == "00000000":
            return socket.inet_ntoa(struct.pack("<L", int(fields[2], 16)))
    return None

def handler(event, context):
    fields = status_fields()
    task_mount = [line for line in read("/proc/self/mountinfo").splitlines()
                  if line.split()[4] == "/var/task"]
    return {
        "uid": os.getuid(), "gid": os.getgid(), "euid": os.geteuid(),
        "capabilities": {k: fields[k] for k in ("CapInh", "CapPrm", "CapEff", "CapBnd",
                                                "CapAmb")},
        "no_new_privileges": fields.get("NoNewPrivs"),
        "docker_sockets": [p for p in ("/var/run/docker.sock", "/run/docker.sock",
                                       "/docker.sock") if os.path.exists(p)],
        "docker_host": os.environ.get("DOCKER_HOST"),
        "write_task": attempt(lambda: open("/var/task/new.py", "w").close()),
        "task_mount_options": task_mount[0].split()[5] if task_mount else None,
        "make_device": attempt(lambda: os.mknod("/tmp/null", stat.S_IFCHR | 0o600,
                                                os.makedev(1, 3))),
        "change_owner": attempt(lambda: os.chown("/tmp", 0, 0)),
        "pids_max": read("/sys/fs/cgroup/pids/pids.max") or read("/sys/fs/cgroup/pids.max"),
        "memory_max": read("/sys/fs/cgroup/memory/memory.limit_in_bytes")
                      or read("/sys/fs/cgroup/memory.max"),
        "threads_started": threads_until_refused(2000),
        "interfaces": sorted(os.listdir("/sys/class/net")),
        "gateway": default_gateway(),
        "runtime_api_host": os.environ["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)[0],
    }
"""


def test_what_a_function_sees_from_inside_its_container(client: Any,
                                                        executor_name: str) -> None:
    if executor_name != "docker":
        pytest.skip("a process environment is the host's: containers only")
    require_docker()
    name = create_function(client, INSIDE, MemorySize=256, Timeout=30)
    inside = json.loads(client.invoke(FunctionName=name)["Payload"].read())
    assert 0 not in (inside["uid"], inside["gid"], inside["euid"]), inside
    assert set(inside["capabilities"].values()) == {"0000000000000000"}, inside["capabilities"]
    assert inside["no_new_privileges"] == "1"
    assert inside["docker_sockets"] == [] and inside["docker_host"] is None
    assert inside["write_task"] == "EROFS"
    assert inside["task_mount_options"].split(",")[0] == "ro"
    assert inside["make_device"] == "EPERM"
    assert inside["change_owner"] == "EPERM"
    assert inside["memory_max"] == str(256 * 1024 * 1024)
    assert inside["pids_max"] not in (None, "max") and int(inside["pids_max"]) <= 4096
    assert inside["threads_started"] < int(inside["pids_max"]), "the pids limit did not bite"
    assert inside["interfaces"] == ["eth0", "lo"]
    assert inside["gateway"] in (None, inside["runtime_api_host"]), (
        "a route out other than the simulator's network")
