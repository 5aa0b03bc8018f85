"""Cross-stack exports: the values stacks' Outputs export by name, who imports each, and the
rules CloudFormation keeps (one exporter per name, no removing or changing an export in use)."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.stacks.intrinsic_functions import ResolutionFailed
from simulator.stacks.stack_store import StackRecord, StackStore


@dataclass(frozen=True)
class Export:
    name: str
    value: str
    stack_id: str
    stack_name: str


class Exports:
    def __init__(self, store: StackStore) -> None:
        self._store = store

    def all(self, region: str) -> list[Export]:
        return [Export(output["ExportName"], output["OutputValue"], stack.stack_id, stack.name)
                for stack in self._store.all() if stack.region == region
                for output in stack.outputs if output.get("ExportName")]

    def value(self, region: str, name: str) -> str:
        """What `Fn::ImportValue` of `name` gives; ResolutionFailed when nothing exports it."""
        for export in self.all(region):
            if export.name == name:
                return export.value
        raise ResolutionFailed(f"No export named {name} found.")

    def importers(self, region: str, name: str, besides: str | None = None) -> list[str]:
        """The names of the stacks that import `name` (other than the stack `besides`)."""
        return [stack.name for stack in self._store.all()
                if stack.region == region and name in stack.imports
                and stack.stack_id != besides]

    def conflicts(self, stack: StackRecord, outputs: list[dict[str, str]]) -> str | None:
        """Why `stack` cannot now export `outputs` (in place of its current ones), if it
        cannot: a name another stack exports, or an export in use that would go or change."""
        taken = {export.name: export for export in self.all(stack.region)
                 if export.stack_id != stack.stack_id}
        new = {output["ExportName"]: output["OutputValue"] for output in outputs
               if output.get("ExportName")}
        for name in new:
            if name in taken:
                return (f"Export with name {name} is already exported by stack "
                        f"{taken[name].stack_name}")
        for output in stack.outputs:
            exported = output.get("ExportName")
            if not exported:
                continue
            name = exported
            users = self.importers(stack.region, name, besides=stack.stack_id)
            if users and name not in new:
                return f"Cannot delete export {name} as it is in use by {users[0]}"
            if users and new[name] != output["OutputValue"]:
                return f"Cannot update export {name} as it is in use by {users[0]}"
        return None

    def blocking_delete(self, stack: StackRecord) -> str | None:
        """Why `stack` cannot be deleted: one of its exports is imported."""
        for output in stack.outputs:
            name = output.get("ExportName")
            users = self.importers(stack.region, name, besides=stack.stack_id) if name else []
            if users:
                return f"Export {name} cannot be deleted as it is in use by {users[0]}"
        return None
