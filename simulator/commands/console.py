"""The one place the command line writes to the user: rich output for people, `--json` for
scripts, and errors as one clear line with a non-zero exit."""

from __future__ import annotations

import json
import os
import sys
from typing import Any, NoReturn

from rich.console import Console

from simulator.config import DEFAULT_PORT

console = Console(stderr=True, highlight=False, soft_wrap=True)
stdout = Console(highlight=False, soft_wrap=True)


class CommandError(Exception):
    """A failure to report as one line; the command exits with status 1."""


def fail(message: str) -> NoReturn:
    raise CommandError(message)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def endpoint(explicit: str | None) -> str:
    """Where the running simulator is: the flag, else $AWS_ENDPOINT_URL, else the default."""
    url = explicit or os.environ.get("AWS_ENDPOINT_URL") or f"http://127.0.0.1:{DEFAULT_PORT}"
    return url.rstrip("/")
