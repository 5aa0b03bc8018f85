"""Two settings AWS keeps beside a function's configuration: its recursive loop detection
(Get/PutFunctionRecursionConfig, per function) and its runtime management
(Get/PutRuntimeManagementConfig, per version). Both are kept and read back as AWS answers
them; neither changes what runs here: the runtime images are the simulator's own, and no
recursive loop is stopped."""

from __future__ import annotations

import re
from typing import Any

from simulator.config import Settings
from simulator.errors import InvalidParameterValueException, ResourceNotFoundException
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.function_settings_store import FunctionSettingsStore, RuntimeManagement
from simulator.functions.validation import (
    Violations,
    check_length,
    check_pattern,
    parse_function_reference,
)

RECURSIVE_LOOPS = ("Terminate", "Allow")  # in the order AWS's message lists them
DEFAULT_RECURSIVE_LOOP = "Terminate"
UPDATE_RUNTIME_ON = ("Auto", "Manual", "FunctionUpdate")
DEFAULT_UPDATE_RUNTIME_ON = "Auto"
UNQUALIFIED_FUNCTION_NAME = re.compile(
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?"
    r"(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)")
RUNTIME_VERSION_ARN = re.compile(
    r"((arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}::"
    r"runtime:.+)|(arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-"
    r"\d{1}:\d{12}:runtime/[A-Za-z0-9_.-]{1,128}/version/[A-Za-z0-9_.-]{1,128}))")
MANUAL_NEEDS_VERSION = ("RuntimeVersionArn is required when UpdateRuntimeOn is Manual: "
                        "name the runtime version the function is to keep.")


class FunctionSettings:
    def __init__(self, settings: Settings, functions: FunctionOperations,
                 store: FunctionSettingsStore) -> None:
        self._settings = settings
        self._functions = functions
        self._store = store

    # -- recursive loop detection ---------------------------------------------------------

    def get_recursion_config(self, reference: str) -> dict[str, Any]:
        name = self._unqualified(reference)
        return {"RecursiveLoop": self._store.recursive_loop(name) or DEFAULT_RECURSIVE_LOOP}

    def put_recursion_config(self, reference: str, body: dict[str, Any]) -> dict[str, Any]:
        value = body.get("RecursiveLoop")
        v = Violations()
        if value is None:
            v.messages.append("Value null at 'recursiveLoop' failed to satisfy constraint: "
                              "Member must not be null")
        elif value not in RECURSIVE_LOOPS:
            v.add(value, "recursiveLoop",
                  f"Member must satisfy enum value set: [{', '.join(RECURSIVE_LOOPS)}]")
        v.raise_if_any()
        self._store.put_recursive_loop(self._unqualified(reference), str(value))
        return {"RecursiveLoop": value}

    # -- runtime management ---------------------------------------------------------------

    def get_runtime_management_config(self, reference: str,
                                      qualifier: str | None) -> dict[str, Any]:
        function = self._functions.function(reference, qualifier)
        setting = self._store.runtime_management(function.name, function.version) \
            or RuntimeManagement(DEFAULT_UPDATE_RUNTIME_ON)
        return self._runtime_answer(reference, qualifier, function.name, setting)

    def put_runtime_management_config(self, reference: str, qualifier: str | None,
                                      body: dict[str, Any]) -> dict[str, Any]:
        """A runtime version ARN counts only in Manual mode (AWS answers it for no other)."""
        mode, version_arn = body.get("UpdateRuntimeOn"), body.get("RuntimeVersionArn")
        v = Violations()
        if mode is None:
            v.messages.append("Value null at 'updateRuntimeOn' failed to satisfy constraint: "
                              "Member must not be null")
        elif mode not in UPDATE_RUNTIME_ON:
            v.add(mode, "updateRuntimeOn",
                  f"Member must satisfy enum value set: [{', '.join(UPDATE_RUNTIME_ON)}]")
        if version_arn is not None:
            check_pattern(v, version_arn, "runtimeVersionArn", RUNTIME_VERSION_ARN)
            if isinstance(version_arn, str) and RUNTIME_VERSION_ARN.fullmatch(version_arn):
                check_length(v, version_arn, "runtimeVersionArn", 2048)
        v.raise_if_any()
        function = self._functions.function(reference, qualifier)
        if mode == "Manual" and not version_arn:
            raise InvalidParameterValueException(MANUAL_NEEDS_VERSION)
        setting = RuntimeManagement(str(mode), version_arn if mode == "Manual" else None)
        self._store.put_runtime_management(function.name, function.version, setting)
        return self._runtime_answer(reference, qualifier, function.name, setting)

    # -- helpers --------------------------------------------------------------------------

    def _unqualified(self, reference: str) -> str:
        """The function an unqualified name or ARN names: these settings are the whole
        function's, so a qualified one fails the member's pattern, as on AWS."""
        v = Violations()
        check_pattern(v, reference, "functionName", UNQUALIFIED_FUNCTION_NAME)
        if not v.messages:
            check_length(v, reference, "functionName", 140)
        v.raise_if_any()
        name, _ = parse_function_reference(reference)
        if self._functions.latest(name) is None:
            raise ResourceNotFoundException(f"Function not found: {self._arn(name)}")
        return name

    def _runtime_answer(self, reference: str, qualifier: str | None, name: str,
                        setting: RuntimeManagement) -> dict[str, Any]:
        """FunctionArn names what the request named: qualified when it named a qualifier."""
        named = qualifier or parse_function_reference(reference)[1]
        arn = self._arn(name) if named is None else f"{self._arn(name)}:{named}"
        answer = {"UpdateRuntimeOn": setting.update_runtime_on, "FunctionArn": arn}
        if setting.runtime_version_arn is not None:
            answer["RuntimeVersionArn"] = setting.runtime_version_arn
        return answer

    def _arn(self, name: str) -> str:
        return (f"arn:aws:lambda:{self._settings.region}:{self._settings.account_id}:"
                f"function:{name}")

