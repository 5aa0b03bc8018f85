"""The functions every target runs, as handler sources and zips."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from bench.plan import Plan

HANDLER = "app.handler"
RUNTIME = "python3.11"
TIMEOUT = 60
MEMORY = 128

# kind → handler source. `sleep` drives scale-out; `hold` (same code) fills the memory scenario.
SOURCES = {
    "empty": "def handler(event, context):\n    return None\n",
    "echo": "def handler(event, context):\n    return event\n",
    "sleep": "import time\n\n\ndef handler(event, context):\n"
             "    time.sleep(event.get('seconds', 1))\n    return None\n",
}
SOURCES["hold"] = SOURCES["sleep"]
KINDS = tuple(SOURCES)
RELOAD = "reload"  # a function whose code the hot-reload scenario rewrites


def function_name(kind: str) -> str:
    """Alphanumeric names, valid as Lambda names and as SAM logical ids."""
    return f"Bench{kind.capitalize()}"


def code_zip(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", SOURCES[kind])
    return buffer.getvalue()


def reload_source(version: int) -> str:
    return f"def handler(event, context):\n    return {{'version': {version}}}\n"


def write_code(kind: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    source = reload_source(0) if kind == RELOAD else SOURCES[kind]
    (folder / "app.py").write_text(source)
    return folder


def sam_template(kinds: list[str], root: Path) -> Path:
    """A SAM template with one function per kind, code in `root/<kind>/`; returns its path."""
    lines = ['AWSTemplateFormatVersion: "2010-09-09"',
             "Transform: AWS::Serverless-2016-10-31", "Resources:"]
    for kind in kinds:
        write_code(kind, root / kind)
        lines += [f"  {function_name(kind)}:", "    Type: AWS::Serverless::Function",
                  "    Properties:", f"      FunctionName: {function_name(kind)}",
                  f"      CodeUri: {kind}/", f"      Handler: {HANDLER}",
                  f"      Runtime: {RUNTIME}", f"      Timeout: {TIMEOUT}",
                  f"      MemorySize: {MEMORY}"]
    template = root / "template.yaml"
    template.write_text("\n".join(lines) + "\n")
    return template


def payload(size: int) -> bytes:
    """A JSON object of exactly `size` bytes: `{"data":"xxx…"}`."""
    return b'{"data":"' + b"x" * (size - 11) + b'"}'


def sleep_payload(plan: Plan) -> bytes:
    return f'{{"seconds": {plan.scale_sleep_seconds}}}'.encode()
