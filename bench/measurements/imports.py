"""What libraries cost the server when it loads them: resident memory (and time) each adds,
measured in a fresh interpreter so nothing is loaded before."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from bench.measurements.figures import Figure, mb, ms

ROOT = Path(__file__).resolve().parents[2]
PRELUDE = """
import json, time, psutil
_process = psutil.Process()
def rss(): return _process.memory_info().rss
def report(**values): print(json.dumps(values))
"""
BOTO3 = """
base, start = rss(), time.perf_counter()
import boto3
report(bytes=rss() - base, seconds=time.perf_counter() - start)
"""
CLIENTS = """
import boto3
from simulator.aws_clients import own_client
from simulator.config import Settings
settings, values = Settings(), {}
for key, service in (("first", "sqs"), ("next", "sns")):
    base, start = rss(), time.perf_counter()
    own_client(settings, service)
    values[key + "_bytes"], values[key + "_seconds"] = rss() - base, time.perf_counter() - start
report(**values)
"""
MODEL_BY_LOADER = """
base = rss()
from simulator.botocore_models import service_model
service_model("cloudwatch")
report(bytes=rss() - base)
"""
MODEL_BY_SESSION = """
base = rss()
import botocore.session
botocore.session.get_session().get_service_model("cloudwatch")
report(bytes=rss() - base)
"""
CFN_LINT_DECODER = """
base, start = rss(), time.perf_counter()
try:
    import cfnlint.decode
except ImportError:
    report(missing=True)
else:
    report(bytes=rss() - base, seconds=time.perf_counter() - start)
"""


def figures() -> list[Figure]:
    boto3 = _fresh(BOTO3)
    clients = _fresh(CLIENTS)
    by_loader, by_session = _fresh(MODEL_BY_LOADER), _fresh(MODEL_BY_SESSION)
    cfn_lint = _fresh(CFN_LINT_DECODER)
    fresh = "in a fresh interpreter: resident size before and after"
    return [
        Figure("Importing boto3 (and botocore's HTTP stack)", "simulator/aws_clients.py",
               f"{mb(boto3['bytes'])}, {ms(boto3['seconds'])}", f"`import boto3` {fresh}"),
        Figure("Making a boto3 client for the simulator's own endpoint",
               "simulator/events/template_wiring.py",
               f"first (SQS): {ms(clients['first_seconds'])}, {mb(clients['first_bytes'])}; "
               f"next (SNS): {ms(clients['next_seconds'])}, {mb(clients['next_bytes'])}",
               f"`own_client` after `import boto3`, {fresh} each"),
        Figure("A botocore session's service model against the loader alone",
               "simulator/botocore_models.py",
               f"{mb(by_session['bytes'] - by_loader['bytes'])} more "
               f"({mb(by_session['bytes'])} against {mb(by_loader['bytes'])})",
               f"CloudWatch's model through `botocore.session` and through "
               f"`simulator.botocore_models`, each {fresh}"),
        Figure("Importing cfn-lint's template decoder", "simulator/templates/reader.py",
               "cfn-lint is not installed" if cfn_lint.get("missing") else
               f"{mb(cfn_lint['bytes'])}, {ms(cfn_lint['seconds'])}",
               f"`import cfnlint.decode` {fresh}"),
    ]


def _fresh(code: str) -> dict[str, Any]:
    answer = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code)], cwd=ROOT, check=True,
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    values: dict[str, Any] = json.loads(answer.stdout.strip().splitlines()[-1])
    return values
