"""Whether a function's resource-based policy lets a caller in: the statements AddPermission
writes (Principal, Action, and the SourceArn, SourceAccount and FunctionUrlAuthType
conditions), read as IAM reads them. Strict mode asks it before a trigger's event or a
function URL's request runs the function."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

INVOKE_FUNCTION = "lambda:InvokeFunction"
INVOKE_FUNCTION_URL = "lambda:InvokeFunctionUrl"


@dataclass(frozen=True)
class Caller:
    """Who asks: an AWS service principal (`s3.amazonaws.com`) or `*` for the public, with
    what the request context holds for the conditions."""

    principal: str
    source_arn: str | None = None
    source_account: str | None = None
    url_auth_type: str | None = None
    via_function_url: bool = False


def allows(statements: Iterable[Mapping[str, Any]], caller: Caller, action: str) -> bool:
    """An Allow statement matches the caller and action, and no Deny does."""
    matching = [s for s in statements if _matches(s, caller, action)]
    return any(s.get("Effect") == "Allow" for s in matching) and \
        not any(s.get("Effect") == "Deny" for s in matching)


def _matches(statement: Mapping[str, Any], caller: Caller, action: str) -> bool:
    actions = _as_list(statement.get("Action"))
    if not any(fnmatchcase(action.lower(), str(a).lower()) for a in actions):
        return False
    return _principal_matches(statement.get("Principal"), caller.principal) and \
        _conditions_hold(statement.get("Condition") or {}, caller)


def _principal_matches(principal: Any, wanted: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        return False
    named = [str(p) for key in ("Service", "AWS") for p in _as_list(principal.get(key))]
    return "*" in named or wanted in named


def _conditions_hold(conditions: Mapping[str, Any], caller: Caller) -> bool:
    context = {
        "aws:sourcearn": caller.source_arn,
        "aws:sourceaccount": caller.source_account,
        "lambda:functionurlauthtype": caller.url_auth_type,
        "lambda:invokedviafunctionurl": "true" if caller.via_function_url else "false",
    }
    for operator, tests in conditions.items():
        for key, expected in (tests or {}).items():
            value = context.get(str(key).lower())
            if value is None or not _holds(str(operator), value, _as_list(expected)):
                return False
    return True


def _holds(operator: str, value: str, expected: list[Any]) -> bool:
    """One condition operator; one we do not know fails, as it would not grant access."""
    if operator in ("ArnLike", "StringLike"):
        return any(fnmatchcase(value, str(e)) for e in expected)
    if operator in ("ArnEquals", "StringEquals", "Bool"):
        return any(value == str(e).lower() if operator == "Bool" else value == str(e)
                   for e in expected)
    if operator == "StringEqualsIgnoreCase":
        return any(value.lower() == str(e).lower() for e in expected)
    return False


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [] if value is None else [value]
