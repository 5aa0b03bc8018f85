"""Change sets: a proposed create or update of a stack, the resource changes it would make
(Add, Modify with its Replacement, Remove), executed or deleted later. `aws cloudformation
deploy` and `sam deploy` go through these."""

from __future__ import annotations

import uuid
from typing import Any

from simulator.stacks.change_set_diff import missing_import, resource_changes
from simulator.stacks.engine import Deployment
from simulator.stacks.errors import (
    AlreadyExists,
    ChangeSetNotFound,
    InvalidChangeSetStatus,
    ValidationError,
)
from simulator.stacks.parameter_values import ParameterSet
from simulator.stacks.stack_operations import (
    Request,
    StackOperations,
    check_stack_name,
    check_updatable,
    new_record,
    stack_settings,
)
from simulator.stacks.stack_store import StackRecord, now
from simulator.stacks.stack_views import parameters_view

NO_CHANGES = ("The submitted information didn't contain changes. Submit different information "
              "to create a change set.")
PRIVATE = ("Template", "TemplateBody", "RawParameters", "ParameterValues", "ResolvedParameters",
           "Settings")


class ChangeSets:
    def __init__(self, stacks: StackOperations) -> None:
        self._stacks = stacks
        self._store = stacks.store

    def create_change_set(self, region: str, request: Request) -> Request:
        name = check_stack_name(str(request.get("StackName", "")))
        change_set_name = str(request.get("ChangeSetName", ""))
        kind = str(request.get("ChangeSetType") or "UPDATE")
        stack = self._store.live(name)
        if kind == "CREATE":
            if stack is not None and stack.status != "REVIEW_IN_PROGRESS":
                raise ValidationError(f"Stack [{name}] already exists and cannot be created "
                                      f"again with the changeSet [{change_set_name}].")
        elif stack is None or stack.region != region:
            raise ValidationError(f"Stack [{name}] does not exist")
        else:
            check_updatable(stack)
        stack_id = stack.stack_id if stack is not None else self._stacks.new_stack_id(region, name)
        if any(existing["ChangeSetName"] == change_set_name
               for existing in self._store.change_sets(stack_id)):
            raise ValidationError(f"ChangeSet [{change_set_name}] already exists")
        previous = stack.parameters if stack is not None and kind == "UPDATE" else {}
        prepared = self._stacks.prepare(
            region, name, stack_id, request, previous, through_change_set=True,
            previous_body=stack.template_body if stack is not None else None)
        if stack is None:
            with self._stacks.creating:
                if self._store.live(name) is not None:
                    raise AlreadyExists(f"Stack [{name}] already exists")
                stack = new_record(stack_id, name, region, prepared, request)
                stack.template = {"Resources": {}}
                self._stacks.events.stack_status(stack, "REVIEW_IN_PROGRESS", "User Initiated")
        settings = stack_settings(request, stack if kind == "UPDATE" else None)
        changes = resource_changes(self._stacks.engine, stack, prepared.processed,
                                   prepared.parameters)
        unchanged = kind == "UPDATE" and not changes and prepared.processed == stack.template \
            and prepared.parameters.raw == stack.parameters
        reason = NO_CHANGES if unchanged else missing_import(
            self._stacks.engine, stack, prepared.processed, prepared.parameters)
        change_set_id = (f"arn:aws:cloudformation:{region}:{self._stacks.account_id}:"
                         f"changeSet/{change_set_name}/{uuid.uuid4()}")
        self._store.save_change_set({
            "ChangeSetId": change_set_id, "ChangeSetName": change_set_name,
            "StackId": stack_id, "StackName": name, "ChangeSetType": kind,
            "Description": request.get("Description"), "CreationTime": now(),
            "Status": "FAILED" if reason else "CREATE_COMPLETE", "StatusReason": reason,
            "ExecutionStatus": "UNAVAILABLE" if reason else "AVAILABLE",
            "Parameters": parameters_view(prepared.processed, prepared.parameters.raw,
                                          prepared.parameters.resolved),
            "Capabilities": settings["capabilities"], "Tags": settings["tags"],
            "NotificationARNs": settings["notification_arns"], "Changes": changes,
            "IncludeNestedStacks": False, "Template": prepared.processed,
            "TemplateBody": prepared.body, "RawParameters": prepared.parameters.raw,
            "ParameterValues": prepared.parameters.values,
            "ResolvedParameters": prepared.parameters.resolved, "Settings": settings,
        })
        return {"Id": change_set_id, "StackId": stack_id}

    def describe_change_set(self, region: str, request: Request) -> Request:
        change_set = self._find(region, request)
        return {key: value for key, value in change_set.items() if key not in PRIVATE}

    def execute_change_set(self, region: str, request: Request) -> Request:
        change_set = self._find(region, request)
        if change_set["ExecutionStatus"] != "AVAILABLE":
            raise InvalidChangeSetStatus(
                f"ChangeSet [{change_set['ChangeSetId']}] cannot be executed in its current "
                f"status of [{change_set['Status']}]")
        stack = self._stacks.find(region, change_set["StackId"], include_deleted=False)
        parameters = ParameterSet(change_set["RawParameters"], change_set["ParameterValues"],
                                  change_set["ResolvedParameters"])
        settings = {**change_set["Settings"], "change_set_id": change_set["ChangeSetId"]}
        deployment = Deployment(change_set["Template"], change_set["TemplateBody"], parameters,
                                settings)
        if change_set["ChangeSetType"] == "CREATE":
            self._start_create(stack, deployment, request)
        else:
            check_updatable(stack)
            self._stacks.start_update(stack, deployment)
        for other in self._store.change_sets(stack.stack_id):
            if other["ChangeSetId"] != change_set["ChangeSetId"]:
                self._store.delete_change_set(other["ChangeSetId"])
        change_set["ExecutionStatus"] = "EXECUTE_COMPLETE"
        self._store.save_change_set(change_set)
        return {}

    def delete_change_set(self, region: str, request: Request) -> Request:
        change_set = self._find(region, request)
        if change_set["ExecutionStatus"] == "EXECUTE_IN_PROGRESS":
            raise InvalidChangeSetStatus(
                f"Cannot delete ChangeSet in status {change_set['ExecutionStatus']}")
        self._store.delete_change_set(change_set["ChangeSetId"])
        return {}

    def list_change_sets(self, region: str, request: Request) -> Request:
        stack = self._stacks.find(region, str(request.get("StackName", "")))
        keys = ("StackId", "StackName", "ChangeSetId", "ChangeSetName", "ExecutionStatus",
                "Status", "StatusReason", "CreationTime", "Description", "IncludeNestedStacks")
        return {"Summaries": [{key: change_set.get(key) for key in keys}
                              for change_set in self._store.change_sets(stack.stack_id)]}

    def _start_create(self, stack: StackRecord, deployment: Deployment, request: Request
                      ) -> None:
        stack.template, stack.template_body = deployment.template, deployment.template_body
        stack.parameters = deployment.parameters.raw
        stack.resolved_parameters = deployment.parameters.resolved
        for key, value in deployment.settings.items():
            setattr(stack, key, value)
        self._stacks.events.stack_status(stack, "CREATE_IN_PROGRESS", "User Initiated")
        on_failure = "DO_NOTHING" if request.get("DisableRollback") else "ROLLBACK"
        self._stacks.run(stack.stack_id, lambda: self._stacks.engine.create(
            stack.stack_id, deployment.parameters, on_failure), f"ExecuteChangeSet {stack.name}")

    def _find(self, region: str, request: Request) -> dict[str, Any]:
        name = str(request.get("ChangeSetName", ""))
        change_set = None
        if name.startswith("arn:"):
            change_set = self._store.change_set(name)
        elif request.get("StackName"):
            try:
                stack = self._stacks.find(region, str(request["StackName"]))
            except ValidationError:
                raise ChangeSetNotFound(f"ChangeSet [{name}] does not exist") from None
            change_set = next((item for item in self._store.change_sets(stack.stack_id)
                               if item["ChangeSetName"] == name), None)
        elif name:
            raise ValidationError("StackName must be specified if ChangeSetName is not "
                                  "specified as an ARN.")
        if change_set is None:
            raise ChangeSetNotFound(f"ChangeSet [{name}] does not exist")
        return change_set
