"""A peer's own virtualenv under `bench/.peers/<peer>/`, so its pinned dependencies never
touch ours; created and filled once, then reused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.target import Say, TargetUnavailable

PEERS_DIR = Path(__file__).resolve().parent.parent / ".peers"
INSTALL_SECONDS = 900


class PeerVenv:
    def __init__(self, peer: str, requirement: str, distribution: str, probe: str) -> None:
        """`probe` is a file under bin/ that exists once the install went through."""
        self.root = PEERS_DIR / peer
        self.requirement = requirement
        self.distribution = distribution
        self.probe = probe

    def bin(self, name: str) -> Path:
        return self.root / "bin" / name

    @property
    def python(self) -> Path:
        return self.bin("python")

    def ensure(self, say: Say) -> str:
        """Install when missing; returns the installed version."""
        if not self.bin(self.probe).exists():
            say(f"installing {self.requirement} into its own virtualenv")
            self._run([sys.executable, "-m", "venv", str(self.root)])
            self._run([str(self.python), "-m", "pip", "install", "-q", self.requirement])
        return self.version()

    def version(self) -> str:
        code = f"import importlib.metadata as m; print(m.version({self.distribution!r}))"
        return subprocess.run([str(self.python), "-c", code], capture_output=True, text=True,
                              check=True).stdout.strip()

    def _run(self, command: list[str]) -> None:
        try:
            done = subprocess.run(command, capture_output=True, text=True,
                                  timeout=INSTALL_SECONDS)
        except subprocess.TimeoutExpired:
            raise TargetUnavailable(f"`{' '.join(command[-3:])}` took over "
                                    f"{INSTALL_SECONDS} s") from None
        if done.returncode != 0:
            last = (done.stderr or done.stdout).strip().splitlines()[-1:]
            raise TargetUnavailable(f"could not install {self.requirement}: "
                                    f"{last[0] if last else done.returncode}")
