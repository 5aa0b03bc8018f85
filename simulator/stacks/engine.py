"""The stack workflows CloudFormation runs after a call returns: create, update (in place or
by replacement, cleanup after) and delete, each rolled back as CloudFormation rolls back when a
resource fails. Runs on a background worker; every step is an event."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.stacks.dependencies import creation_order, resource_dependencies
from simulator.stacks.exports import Exports
from simulator.stacks.intrinsic_functions import Evaluator, ResolutionFailed, StackIdentity
from simulator.stacks.parameter_values import ParameterSet
from simulator.stacks.provisioning import Provisioned
from simulator.stacks.resource_actions import ResourceActions
from simulator.stacks.stack_events import EventLog
from simulator.stacks.stack_store import ResourceRecord, StackRecord, StackStore, now


@dataclass(frozen=True)
class Deployment:
    """What a stack is to become: its template (transforms applied), parameters, and the
    stack settings that change with it (`settings`: StackRecord fields)."""

    template: dict[str, Any]
    template_body: str
    parameters: ParameterSet
    settings: dict[str, Any] = field(default_factory=dict)


def identity(stack: StackRecord, account_id: str) -> StackIdentity:
    return StackIdentity(stack.name, stack.stack_id, stack.region, account_id)


class Engine:
    def __init__(self, store: StackStore, actions: ResourceActions, events: EventLog,
                 exports: Exports, account_id: str) -> None:
        self._store = store
        self.actions = actions
        self._events = events
        self._exports = exports
        self._account_id = account_id

    def evaluator(self, stack: StackRecord, template: dict[str, Any], values: dict[str, Any],
                  resources: dict[str, ResourceRecord], imports: list[str]) -> Evaluator:
        """Values of `template` against `resources` as they stand; imports are noted."""

        def resource(logical_id: str) -> Provisioned | None:
            record = resources.get(logical_id)
            if record is None or record.physical_id is None:
                return None
            return Provisioned(record.physical_id, record.attributes)

        def import_value(name: str) -> str:
            value = self._exports.value(stack.region, name)
            if name not in imports:
                imports.append(name)
            return value

        return Evaluator(template, identity(stack, self._account_id), values, resource,
                         import_value)

    def create(self, stack_id: str, parameters: ParameterSet, on_failure: str) -> None:
        """`on_failure`: ROLLBACK, DELETE or DO_NOTHING, as CreateStack's OnFailure."""
        stack = self._load(stack_id)
        imports: list[str] = []
        evaluator = self.evaluator(stack, stack.template, parameters.values, stack.resources,
                                   imports)
        reason = self._provision(stack, stack.template, evaluator, {})
        if reason is None:
            outputs, reason = self._outputs(stack, stack.template, evaluator)
            reason = reason or self._exports.conflicts(stack, outputs)
            if reason is None:
                stack.outputs, stack.imports = outputs, imports
                self._events.stack_status(stack, "CREATE_COMPLETE")
                return
        if on_failure == "DO_NOTHING":
            self._events.stack_status(stack, "CREATE_FAILED", reason)
            return
        self._events.stack_status(stack, "ROLLBACK_IN_PROGRESS", f"{reason} Rollback requested "
                                  "by user.")
        problem = self._delete_all(stack, stack.resources)
        if problem is not None:
            self._events.stack_status(stack, "ROLLBACK_FAILED", problem)
            return
        self._events.stack_status(stack, "ROLLBACK_COMPLETE")
        if on_failure == "DELETE":
            self.delete(stack_id)

    def update(self, stack_id: str, deployment: Deployment) -> None:
        stack = self._load(stack_id)
        old_resources = {key: ResourceRecord(**vars(record))
                         for key, record in stack.resources.items()}
        imports: list[str] = []
        evaluator = self.evaluator(stack, deployment.template, deployment.parameters.values,
                                   stack.resources, imports)
        replaced: dict[str, ResourceRecord] = {}
        reason = self._provision(stack, deployment.template, evaluator, replaced)
        outputs: list[dict[str, str]] = []
        if reason is None:
            outputs, reason = self._outputs(stack, deployment.template, evaluator)
            reason = reason or self._exports.conflicts(stack, outputs)
        if reason is None:
            self._events.stack_status(stack, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
            kept = {key for key in deployment.template["Resources"]
                    if self._creates(evaluator, key)}
            removed = {key: record for key, record in stack.resources.items()
                       if key not in kept}
            self._delete_all(stack, {**removed, **replaced})
            stack.template, stack.template_body = deployment.template, deployment.template_body
            stack.parameters = deployment.parameters.raw
            stack.resolved_parameters = deployment.parameters.resolved
            stack.outputs, stack.imports, stack.updated = outputs, imports, now()
            for name, value in deployment.settings.items():
                setattr(stack, name, value)
            self._events.stack_status(stack, "UPDATE_COMPLETE")
            return
        self._roll_back_update(stack, old_resources, replaced, reason)

    def delete_blocker(self, stack: StackRecord) -> str | None:
        """Why the stack cannot be deleted now (an export another stack imports), or None."""
        return self._exports.blocking_delete(stack)

    def delete(self, stack_id: str) -> None:
        stack = self._load(stack_id)
        blocked = self.delete_blocker(stack)
        if blocked is not None:
            self._events.resource(stack, stack.name, "AWS::CloudFormation::Stack", stack.status,
                                  stack.stack_id, blocked)
            return
        if stack.status != "DELETE_IN_PROGRESS":
            self._events.stack_status(stack, "DELETE_IN_PROGRESS", "User Initiated")
        problem = self._delete_all(stack, stack.resources)
        if problem is not None:
            self._events.stack_status(stack, "DELETE_FAILED", problem)
            return
        stack.deleted = now()
        self._events.stack_status(stack, "DELETE_COMPLETE")

    def _provision(self, stack: StackRecord, template: dict[str, Any], evaluator: Evaluator,
                   replaced: dict[str, ResourceRecord]) -> str | None:
        """Creates or updates each resource of `template` in dependency order; the old record
        of each resource replaced goes into `replaced`. The stack's reason when one fails."""
        resources: dict[str, Any] = template["Resources"]
        for logical_id in creation_order(resource_dependencies(resources)):
            if not self._creates(evaluator, logical_id):
                continue
            resource = resources[logical_id]
            try:
                properties = evaluator.resolve(resource.get("Properties") or {}) or {}
            except ResolutionFailed as error:
                return self._failed_to_resolve(stack, logical_id, resource, str(error))
            current = stack.resources.get(logical_id)
            if current is None or current.physical_id is None or \
                    current.resource_type != resource["Type"]:
                if current is not None and current.physical_id is not None:
                    replaced[logical_id] = current
                outcome = self.actions.create(stack, logical_id, resource["Type"], properties)
                verb = "create"
            elif properties == current.properties:
                continue
            elif self.actions.replaces(current.resource_type, current.properties, properties):
                replaced[logical_id] = current
                self._events.resource(stack, logical_id, current.resource_type,
                                      "UPDATE_IN_PROGRESS", current.physical_id,
                                      "Requested update requires the creation of a new "
                                      "physical resource; hence creating one.")
                outcome = self.actions.create(stack, logical_id, resource["Type"], properties)
                verb = "update"
            else:
                outcome = self.actions.update(stack, logical_id, properties)
                verb = "update"
            if isinstance(outcome, str):
                return f"The following resource(s) failed to {verb}: [{logical_id}]."
        return None

    def _creates(self, evaluator: Evaluator, logical_id: str) -> bool:
        try:
            return evaluator.creates(logical_id)
        except ResolutionFailed:
            return False

    def _failed_to_resolve(self, stack: StackRecord, logical_id: str, resource: dict[str, Any],
                           reason: str) -> str:
        known = stack.resources.get(logical_id)
        status = "UPDATE_FAILED" if known is not None and known.physical_id else "CREATE_FAILED"
        self._events.resource(stack, logical_id, str(resource.get("Type")), status,
                              known.physical_id if known else None, reason)
        verb = "update" if status == "UPDATE_FAILED" else "create"
        return f"The following resource(s) failed to {verb}: [{logical_id}]."

    def _outputs(self, stack: StackRecord, template: dict[str, Any], evaluator: Evaluator
                 ) -> tuple[list[dict[str, str]], str | None]:
        outputs: list[dict[str, str]] = []
        for key, output in (template.get("Outputs") or {}).items():
            try:
                if "Condition" in output and not evaluator.condition(output["Condition"]):
                    continue
                entry = {"OutputKey": key, "OutputValue": _text(evaluator.resolve(output["Value"]))}
                if "Description" in output:
                    entry["Description"] = _text(evaluator.resolve(output["Description"]))
                export = output.get("Export")
                if isinstance(export, dict) and "Name" in export:
                    entry["ExportName"] = _text(evaluator.resolve(export["Name"]))
            except ResolutionFailed as error:
                return [], str(error)
            outputs.append(entry)
        names = [entry["ExportName"] for entry in outputs if "ExportName" in entry]
        if len(set(names)) != len(names):
            return [], "Template error: two Outputs export the same name"
        return outputs, None

    def _roll_back_update(self, stack: StackRecord, old: dict[str, ResourceRecord],
                          replaced: dict[str, ResourceRecord], reason: str) -> None:
        self._events.stack_status(stack, "UPDATE_ROLLBACK_IN_PROGRESS", reason)
        problem = None
        for logical_id, record in reversed(list(stack.resources.items())):
            before = old.get(logical_id)
            if before is None or logical_id in replaced or record.physical_id is None:
                continue
            if record.properties != before.properties and record.status != "UPDATE_FAILED":
                outcome = self.actions.update(stack, logical_id, before.properties)
                problem = problem or (outcome if isinstance(outcome, str) else None)
        self._events.stack_status(stack, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
        created = {key: record for key, record in stack.resources.items()
                   if key not in old or key in replaced}
        self._delete_all(stack, created, forget=False)
        stack.resources = old
        self._store.save(stack)
        self._events.stack_status(stack, "UPDATE_ROLLBACK_FAILED" if problem
                                  else "UPDATE_ROLLBACK_COMPLETE", problem)

    def _delete_all(self, stack: StackRecord, records: dict[str, ResourceRecord],
                    forget: bool = True) -> str | None:
        """Deletes `records` in reverse dependency order; the stack's reason when one fails.
        `forget`: take them out of the stack's resources as they go."""
        template_resources = {key: {"Type": record.resource_type}
                              for key, record in records.items()}
        template_resources.update({key: value for key, value in
                                   stack.template.get("Resources", {}).items() if key in records})
        failed = []
        for logical_id in reversed(creation_order(resource_dependencies(template_resources))):
            record = records[logical_id]
            if stack.template.get("Resources", {}).get(logical_id, {}).get(
                    "DeletionPolicy") == "Retain":
                self._events.resource(stack, logical_id, record.resource_type, "DELETE_SKIPPED",
                                      record.physical_id)
            elif self.actions.delete(stack, record) is not None:
                failed.append(logical_id)
                continue
            if forget and stack.resources.get(logical_id) is record:
                del stack.resources[logical_id]
        self._store.save(stack)
        if failed:
            return f"The following resource(s) failed to delete: [{', '.join(failed)}]. "
        return None

    def _load(self, stack_id: str) -> StackRecord:
        stack = self._store.get(stack_id)
        if stack is None:
            raise LookupError(stack_id)
        return stack


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(map(_text, value))
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
