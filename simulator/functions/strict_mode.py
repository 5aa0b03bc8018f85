"""What AWS refuses and a local run can let pass: a role Lambda cannot assume, an arm64
function on an engine of another architecture, a trigger or function URL the function's
policy does not allow. Strict mode (`--strict`) refuses each as AWS would; the default mode
lets it pass with one warning line, so that dummy roles and quick tries keep working."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from simulator.aws_clients import own_client
from simulator.config import Settings
from simulator.errors import InvalidParameterValueException, LambdaError
from simulator.executors.platforms import MACHINES
from simulator.functions.validation import SUPPORTED_RUNTIMES, unsupported_runtime_message

log = logging.getLogger(__name__)

ROLE_REFUSED = "The role defined for the function cannot be assumed by Lambda."
LAMBDA_PRINCIPAL = "lambda.amazonaws.com"
MAX_WARNED = 10_000  # distinct warnings remembered, so each is written once


class StrictMode:
    """`iam_in_use()` says whether the embedded IAM holds anything yet: the default mode
    checks roles only then (a session that never touched IAM has only dummy roles)."""

    def __init__(self, settings: Settings, engine_machine: Callable[[], str],
                 iam_in_use: Callable[[], bool] = lambda: False) -> None:
        self.strict = settings.strict
        self._settings = settings
        self._engine_machine = engine_machine
        self._iam_in_use = iam_in_use
        self._warned: set[str] = set()

    def check_new_function(self, name: str, role: str, architectures: list[str],
                           interpreted: bool) -> None:
        self.check_architecture(name, architectures, interpreted)
        self.check_role(name, role)

    def check_architecture(self, name: str, architectures: list[str], interpreted: bool
                           ) -> None:
        """An arm64 function on an x86_64 engine (or the reverse): an interpreted one runs
        on the engine's architecture in the default mode; strict mode refuses it."""
        wanted = MACHINES.get(architectures[0] if architectures else "x86_64", "x86_64")
        engine = self._engine_machine()
        if wanted == engine:
            return
        problem = (f"function {name} declares {architectures[0]}, but the engine runs "
                   f"{engine}")
        if interpreted:
            self.refuse_or_warn(
                f"architecture:{name}:{wanted}",
                f"{problem}: it runs on {engine} (strict mode refuses it)",
                InvalidParameterValueException(
                    f"{problem}; strict mode runs a function only on its own architecture"))

    def check_runtime(self, name: str, runtime: str) -> None:
        """A runtime AWS takes but the simulator has no executor for: the function deploys,
        as on AWS, and its invokes fail, in the default mode; strict mode refuses it."""
        if not runtime or runtime in SUPPORTED_RUNTIMES:
            return
        self.refuse_or_warn(
            f"runtime:{name}:{runtime}",
            f"function {name}: the {runtime} runtime cannot run in this simulator: it "
            "deploys, but its invokes fail (strict mode refuses it)",
            InvalidParameterValueException(unsupported_runtime_message(runtime)))

    def check_role(self, name: str, role: str) -> None:
        if not self.strict and not self._iam_in_use():
            return
        problem = role_problem(self._settings, role)
        if problem is not None:
            self.refuse_or_warn(f"role:{name}:{role}", f"function {name}: {problem}",
                                InvalidParameterValueException(ROLE_REFUSED))

    def refuse_or_warn(self, key: str, warning: str, error: LambdaError) -> None:
        """Raise `error` in strict mode (and log it); otherwise log `warning`, once for each
        `key`."""
        if self.strict:
            log.warning("refused (strict mode): %s", error.message)
            raise error
        self.lets_pass(key, warning)

    def lets_pass(self, key: str, warning: str) -> bool:
        """False in strict mode, True otherwise; either way `warning` is logged, once for
        each `key`."""
        if key not in self._warned:
            if len(self._warned) >= MAX_WARNED:
                self._warned.clear()
            self._warned.add(key)
            log.warning("%s%s", "refused (strict mode): " if self.strict else "", warning)
        return not self.strict


def role_problem(settings: Settings, role_arn: str) -> str | None:
    """Why Lambda could not assume `role_arn` in the embedded IAM, or None."""
    from botocore.exceptions import ClientError

    name = role_arn.rsplit("/", 1)[-1]
    try:
        role = own_client(settings, "iam").get_role(RoleName=name)["Role"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "NoSuchEntity":
            return f"the role {role_arn} does not exist in IAM"
        return f"IAM did not answer for the role {role_arn}: {error}"
    except Exception as error:  # the check must never fail the request it guards
        log.warning("the role %s could not be checked in IAM: %s", role_arn, error)
        return f"IAM could not be asked about the role {role_arn}: {error}"
    if trusts_lambda(role.get("AssumeRolePolicyDocument")):
        return None
    return f"the role {role_arn} does not trust {LAMBDA_PRINCIPAL} (its trust policy)"


def trusts_lambda(document: Any) -> bool:
    """Whether a trust policy lets lambda.amazonaws.com call sts:AssumeRole."""
    if isinstance(document, str):
        document = json.loads(unquote(document))
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    for statement in statements if isinstance(statements, list) else [statements]:
        if statement.get("Effect") != "Allow":
            continue
        actions = _as_list(statement.get("Action"))
        if not {"sts:AssumeRole", "sts:*", "*"} & set(actions):
            continue
        principal = statement.get("Principal")
        services = _as_list(principal.get("Service")) if isinstance(principal, dict) else []
        if LAMBDA_PRINCIPAL in services or principal == "*":
            return True
    return False


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []
