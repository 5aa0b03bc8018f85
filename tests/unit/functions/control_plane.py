"""The control plane as the simulator composes it, with the stores of the newer operations
(code signing, per-function settings, policies), over one state folder and the shared pool."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool
from simulator.functions.code_signing_store import CodeSigningStore
from simulator.functions.code_store import CodeStore
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.function_settings_store import FunctionSettingsStore
from simulator.functions.policy_store import PolicyStore
from simulator.functions.registry import FunctionRegistry
from simulator.functions.version_store import Alias, VersionStore
from tests.helpers import ROLE, make_zip


@dataclass
class ControlPlane:
    settings: Settings
    functions: FunctionOperations
    version_store: VersionStore
    code_signing: CodeSigningStore
    function_settings: FunctionSettingsStore
    policies: PolicyStore
    registry: FunctionRegistry

    @classmethod
    def open(cls, state: Path, pool: EnvironmentPool) -> ControlPlane:
        settings = Settings.from_env(environ={}, port=0, state_dir=state)
        registry = FunctionRegistry(state / "functions.db")
        version_store = VersionStore(state / "versions.db")
        code_signing = CodeSigningStore(state / "code-signing.db")
        function_settings = FunctionSettingsStore(state / "function-settings.db")
        policies = PolicyStore(state / "policies.db")
        functions = FunctionOperations(settings, registry, CodeStore(state / "code"), pool,
                                       version_store, policies=policies,
                                       code_signing=code_signing,
                                       function_settings=function_settings)
        return cls(settings, functions, version_store, code_signing, function_settings,
                   policies, registry)

    def create(self, name: str = "fn", **fields: Any) -> dict[str, Any]:
        return self.functions.create_function({
            "FunctionName": name, "Runtime": "python3.12", "Role": ROLE,
            "Handler": "app.handler",
            "Code": {"ZipFile": base64.b64encode(make_zip({"app.py": "# fn\n"})).decode()},
            **fields})

    def publish(self, name: str = "fn") -> str:
        """A new version of the function's `$LATEST`; its number."""
        latest = self.functions.latest(name)
        assert latest is not None
        return self.version_store.publish(latest, None).version

    def alias(self, alias: str, version: str, name: str = "fn") -> None:
        self.version_store.put_alias(Alias(name, alias, version))

    def close(self) -> None:
        for store in (self.registry, self.version_store, self.code_signing,
                      self.function_settings, self.policies):
            store.close()
