"""Nothing of the server's own environment reaches a function: not a distinctive variable,
not the host's AWS credentials or profile. Functions see the local credentials (their
account's id as the key) and only the variables Lambda sets, the runtime needs, and the
function configured."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from tests.helpers import create_function

DUMP = """
import os
def handler(event, context):
    return dict(os.environ)
"""

# Variables a function may see besides AWS's reserved ones and its own: what the runtime,
# the image or the process executor sets for the interpreter to run, and the mark by which
# the process executor finds an environment's processes.
RUNTIME_VARIABLES = {
    "PATH", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "LANG", "TMPDIR", "HOME", "HOSTNAME",
    "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "TZ", "_X_AMZN_TRACE_ID", "PWD", "SHLVL",
    "LC_CTYPE", "GPG_KEY", "PYTHON_VERSION", "PYTHON_SHA256", "PYTHON_PIP_VERSION",
    "PYTHON_GET_PIP_URL", "PYTHON_GET_PIP_SHA256", "PYTHON_SETUPTOOLS_VERSION", "NODE_PATH",
    "LD_LIBRARY_PATH", "LAMBDA_SIM_ENVIRONMENT_ID",
}


def test_host_variables_do_not_leak_into_functions(client: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    canary = f"canary-{uuid.uuid4().hex}"
    host = {
        "LAMBDA_SIM_LEAK_CANARY": canary,
        "AWS_ACCESS_KEY_ID": f"AKIA{canary[-16:].upper()}",
        "AWS_SECRET_ACCESS_KEY": f"secret-{canary}",
        "AWS_SESSION_TOKEN": f"session-{canary}",
        "AWS_PROFILE": f"profile-{canary}",
        "AWS_CONFIG_FILE": f"/nonexistent/{canary}",
        "DOCKER_CERT_PATH": f"/nonexistent/{canary}",
    }
    for variable, value in host.items():
        monkeypatch.setenv(variable, value)
    name = create_function(client, DUMP, Environment={"Variables": {"OWN_SETTING": "mine"}})
    seen = json.loads(client.invoke(FunctionName=name)["Payload"].read())
    leaked = {key: value for key, value in seen.items() if canary[-16:].lower() in value.lower()}
    assert leaked == {}, f"host values visible in the function: {leaked}"
    for variable in ("LAMBDA_SIM_LEAK_CANARY", "AWS_PROFILE", "AWS_CONFIG_FILE",
                     "DOCKER_CERT_PATH"):
        assert variable not in seen, variable
    for variable in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        assert seen[variable] == "test", variable
    # The key is the function's account id, so that its calls stay in its account.
    arn = client.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    assert seen["AWS_ACCESS_KEY_ID"] == arn.split(":")[4]
    assert seen["OWN_SETTING"] == "mine"
    # Lambda's reserved variables: AWS_*, _HANDLER, and the X-Ray daemon's _AWS_XRAY_*.
    unexpected = {key for key in seen if not key.startswith(("AWS_", "_HANDLER", "_AWS_XRAY_"))
                  and key not in RUNTIME_VARIABLES and key != "OWN_SETTING"}
    assert unexpected == set(), f"variables nobody configured: {sorted(unexpected)}"
