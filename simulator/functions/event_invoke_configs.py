"""PutFunctionEventInvokeConfig and its kin: how asynchronous invocations of `$LATEST` or of
a published version retry and where their outcomes go. Each has its own configuration, kept
with it (`FunctionConfig.event_invoke_config`), which the invoke path reads."""

from __future__ import annotations

import time
from typing import Any

from simulator.errors import ResourceNotFoundException
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.validation import validate_event_invoke_config
from simulator.models import LATEST, FunctionConfig


class EventInvokeConfigs:
    def __init__(self, functions: FunctionOperations) -> None:
        self._functions = functions

    def put(self, reference: str, qualifier: str | None, body: dict[str, Any],
            merge: bool = False) -> dict[str, Any]:
        """Put replaces the whole configuration; Update (merge=True) changes the given fields."""
        function = self._functions.function(reference, qualifier)
        config = validate_event_invoke_config(body)
        if merge:
            if function.event_invoke_config is None:
                raise ResourceNotFoundException(self._missing(function.name, function.version))
            config = {**function.event_invoke_config, **config}
        config["LastModified"] = time.time()
        self._functions.store_settings(function, event_invoke_config=config)
        return self._describe(function, config)

    def get(self, reference: str, qualifier: str | None) -> dict[str, Any]:
        """AWS answers the same "doesn't have an EventInvokeConfig" for a function or version
        that does not exist as for one without a configuration."""
        name, named = self._functions.resolve_qualifier(reference, qualifier)
        try:
            function = self._functions.function(name, named)
        except ResourceNotFoundException:
            raise ResourceNotFoundException(self._missing(name, named or LATEST)) from None
        if function.event_invoke_config is None:
            raise ResourceNotFoundException(self._missing(name, function.version))
        return self._describe(function, function.event_invoke_config)

    def list(self, reference: str) -> dict[str, Any]:
        latest = self._functions.function(reference)
        return {"FunctionEventInvokeConfigs": [
            self._describe(function, function.event_invoke_config)
            for function in [latest, *self._functions.published_versions(latest.name)]
            if function.event_invoke_config is not None]}

    def delete(self, reference: str, qualifier: str | None) -> None:
        function = self._functions.function(reference, qualifier)
        self.get(function.name, function.version)
        self._functions.store_settings(function, event_invoke_config=None)

    def _missing(self, name: str, qualifier: str) -> str:
        settings = self._functions.settings
        arn = f"arn:aws:lambda:{settings.region}:{settings.account_id}:function:{name}"
        return f"The function {arn}:{qualifier} doesn't have an EventInvokeConfig"

    def _describe(self, function: FunctionConfig, config: dict[str, Any]) -> dict[str, Any]:
        """AWS names the version in FunctionArn and shows both destinations, empty or not."""
        settings = self._functions.settings
        arn = function.arn(settings.region, settings.account_id)
        destinations = {"OnSuccess": {}, "OnFailure": {}, **config.get("DestinationConfig", {})}
        return {**config, "FunctionArn": f"{arn}:{function.version}",
                "DestinationConfig": destinations}
