"""CloudFormation's stack calls: each checks what CloudFormation checks before answering,
answers at once, and leaves the work (create, update, delete) to a background worker, whose
progress the Describe calls show."""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from simulator.stacks.engine import Deployment, Engine
from simulator.stacks.errors import AlreadyExists, ValidationError
from simulator.stacks.exports import Exports
from simulator.stacks.intrinsic_functions import StackIdentity
from simulator.stacks.stack_events import EventLog
from simulator.stacks.stack_store import StackRecord, StackStore
from simulator.stacks.stack_views import (
    resource_detail,
    resource_summary,
    resource_view,
    stack_summary,
    stack_view,
)
from simulator.stacks.template_preparation import PreparedTemplate, prepare
from simulator.stacks.template_source import template_text

log = logging.getLogger(__name__)

STACK_NAME = re.compile(r"[a-zA-Z][-a-zA-Z0-9]*")
UPDATABLE = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE",
                       "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE"})
Request = dict[str, Any]
ClientFactory = Callable[[str, str], Any]


class StackOperations:
    def __init__(self, store: StackStore, engine: Engine, events: EventLog, exports: Exports,
                 clients: ClientFactory, account_id: str, worker: Executor) -> None:
        self.store = store
        self.engine = engine
        self.events = events
        self.exports = exports
        self.clients = clients
        self.account_id = account_id
        self.worker = worker
        self.creating = threading.Lock()  # a name's check and its new stack, as one step
        self._stack_locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def find(self, region: str, name_or_id: str, include_deleted: bool = True) -> StackRecord:
        """The stack a StackName parameter names (a stack id finds a deleted one too)."""
        stack = self.store.get(name_or_id) if name_or_id.startswith("arn:") \
            else self.store.live(name_or_id)
        if stack is None or stack.region != region or (
                stack.deleted is not None and not include_deleted):
            raise ValidationError(f"Stack with id {name_or_id} does not exist")
        return stack

    def run(self, stack_id: str, work: Callable[[], None], what: str) -> None:
        """`work` on the background worker, after the stack's earlier work (a delete asked
        for during a create waits for it); a crash is logged, never lost."""
        with self._locks_lock:
            lock = self._stack_locks.setdefault(stack_id, threading.Lock())

        def guarded() -> None:
            with lock:
                try:
                    work()
                except Exception as error:
                    log.exception("CloudFormation %s failed", what)
                    stack = self.store.get(stack_id)
                    if stack is not None:
                        self.events.abandon(stack, f"Internal failure: {error}")

        self.worker.submit(guarded)

    def prepare(self, region: str, stack_name: str, stack_id: str, request: Request,
                previous: dict[str, str], through_change_set: bool,
                previous_body: str | None = None) -> PreparedTemplate:
        body = previous_body if request.get("UsePreviousTemplate") and previous_body \
            is not None else template_text(request, lambda: self.clients("s3", region))
        identity = StackIdentity(stack_name, stack_id, region, self.account_id)
        return prepare(body, request.get("Parameters") or [], previous, identity,
                       lambda name: self._ssm_value(region, name),
                       request.get("Capabilities") or [], through_change_set)

    def new_stack_id(self, region: str, name: str) -> str:
        return f"arn:aws:cloudformation:{region}:{self.account_id}:stack/{name}/{uuid.uuid4()}"

    def create_stack(self, region: str, request: Request) -> Request:
        name = check_stack_name(str(request.get("StackName", "")))
        stack_id = self.new_stack_id(region, name)
        prepared = self.prepare(region, name, stack_id, request, {}, through_change_set=False)
        with self.creating:
            if self.store.live(name) is not None:
                raise AlreadyExists(f"Stack [{name}] already exists")
            stack = new_record(stack_id, name, region, prepared, request)
            self.events.stack_status(stack, "CREATE_IN_PROGRESS", "User Initiated")
        on_failure = str(request.get("OnFailure") or (
            "DO_NOTHING" if request.get("DisableRollback") else "ROLLBACK"))
        self.run(stack_id, lambda: self.engine.create(stack_id, prepared.parameters, on_failure),
                 f"CreateStack {name}")
        return {"StackId": stack_id}

    def update_stack(self, region: str, request: Request) -> Request:
        stack = self.find(region, str(request.get("StackName", "")), include_deleted=False)
        check_updatable(stack)
        prepared = self.prepare(region, stack.name, stack.stack_id, request, stack.parameters,
                                through_change_set=False, previous_body=stack.template_body)
        settings = stack_settings(request, stack)
        if prepared.processed == stack.template and \
                prepared.parameters.raw == stack.parameters and \
                all(getattr(stack, key) == value for key, value in settings.items()):
            raise ValidationError("No updates are to be performed.")
        self.start_update(stack, Deployment(prepared.processed, prepared.body,
                                            prepared.parameters, settings))
        return {"StackId": stack.stack_id}

    def start_update(self, stack: StackRecord, deployment: Deployment) -> None:
        self.events.stack_status(stack, "UPDATE_IN_PROGRESS", "User Initiated")
        self.run(stack.stack_id, lambda: self.engine.update(stack.stack_id, deployment),
                 f"UpdateStack {stack.name}")

    def delete_stack(self, region: str, request: Request) -> Request:
        name = str(request.get("StackName", ""))
        try:
            stack = self.find(region, name, include_deleted=False)
        except ValidationError:
            return {}  # deleting a stack that does not exist succeeds, as on AWS
        if stack.termination_protection:
            raise ValidationError(f"Stack [{stack.name}] cannot be deleted while "
                                  "TerminationProtection is enabled")
        if stack.status == "DELETE_IN_PROGRESS":
            return {}
        if stack.status == "REVIEW_IN_PROGRESS" and not stack.resources:
            stack.deleted = stack.deleted or stack.created
            self.events.stack_status(stack, "DELETE_COMPLETE")
            return {}
        if not stack.status.endswith("_IN_PROGRESS") and self.engine.delete_blocker(stack) is None:
            # As on AWS, the answer comes once the stack shows the delete under way: a
            # waiter's first look must not see the status it had before.
            self.events.stack_status(stack, "DELETE_IN_PROGRESS", "User Initiated")
        self.run(stack.stack_id, lambda: self.engine.delete(stack.stack_id),
                 f"DeleteStack {stack.name}")
        return {}

    def describe_stacks(self, region: str, request: Request) -> Request:
        name = request.get("StackName")
        if name:
            return {"Stacks": [stack_view(self.find(region, str(name)))]}
        stacks = [stack for stack in self.store.all() if stack.region == region]
        return {"Stacks": [stack_view(stack) for stack in reversed(stacks)]}

    def list_stacks(self, region: str, request: Request) -> Request:
        wanted = set(request.get("StackStatusFilter") or [])
        stacks = [stack for stack in self.store.all(include_deleted=True)
                  if stack.region == region and (not wanted or stack.status in wanted)]
        return {"StackSummaries": [stack_summary(stack) for stack in reversed(stacks)]}

    def describe_stack_events(self, region: str, request: Request) -> Request:
        stack = self.find(region, str(request.get("StackName", "")))
        return {"StackEvents": self.store.events(stack.stack_id)}

    def describe_stack_resource(self, region: str, request: Request) -> Request:
        stack = self.find(region, str(request.get("StackName", "")))
        logical_id = str(request.get("LogicalResourceId", ""))
        record = stack.resources.get(logical_id)
        if record is None:
            raise ValidationError(f"Resource {logical_id} does not exist for stack {stack.name}")
        return {"StackResourceDetail": resource_detail(stack, record)}

    def describe_stack_resources(self, region: str, request: Request) -> Request:
        physical_id = request.get("PhysicalResourceId")
        if request.get("StackName"):
            stack = self.find(region, str(request["StackName"]))
        elif physical_id:
            stack = self._owner_of(region, str(physical_id))
        else:
            raise ValidationError("Either StackName or PhysicalResourceId must be specified.")
        logical_id = request.get("LogicalResourceId")
        records = [record for record in stack.resources.values()
                   if (logical_id is None or record.logical_id == logical_id)
                   and (physical_id is None or record.physical_id == physical_id)]
        return {"StackResources": [resource_view(stack, record) for record in records]}

    def list_stack_resources(self, region: str, request: Request) -> Request:
        stack = self.find(region, str(request.get("StackName", "")))
        return {"StackResourceSummaries": [resource_summary(record)
                                           for record in stack.resources.values()]}

    def _owner_of(self, region: str, physical_id: str) -> StackRecord:
        for stack in self.store.all():
            if stack.region == region and any(record.physical_id == physical_id
                                              for record in stack.resources.values()):
                return stack
        raise ValidationError(f"Stack for {physical_id} does not exist")

    def _ssm_value(self, region: str, name: str) -> str:
        from botocore.exceptions import ClientError

        try:
            answer = self.clients("ssm", region).get_parameter(Name=name)
        except ClientError as error:
            log.info("SSM parameter %s could not be read: %s", name, error)
            raise ValidationError(f"Parameters: [ssm:{name}] cannot be found.") from None
        return str(answer["Parameter"]["Value"])


def check_stack_name(name: str) -> str:
    if not STACK_NAME.fullmatch(name) or len(name) > 128:
        raise ValidationError(
            f"1 validation error detected: Value '{name}' at 'stackName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            "[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*")
    return name


def check_updatable(stack: StackRecord) -> None:
    if stack.status not in UPDATABLE:
        raise ValidationError(f"Stack:{stack.stack_id} is in {stack.status} state and can not "
                              "be updated.")


def stack_settings(request: Request, stack: StackRecord | None = None) -> dict[str, Any]:
    """The StackRecord fields a create or update request sets (an update keeps what it does
    not give)."""
    def given(key: str, field_name: str, default: Any) -> Any:
        if key in request:
            return request[key]
        return getattr(stack, field_name) if stack is not None else default

    return {"capabilities": list(given("Capabilities", "capabilities", [])),
            "tags": list(given("Tags", "tags", [])),
            "notification_arns": list(given("NotificationARNs", "notification_arns", [])),
            "role_arn": given("RoleARN", "role_arn", None),
            "disable_rollback": bool(given("DisableRollback", "disable_rollback", False))}


def new_record(stack_id: str, name: str, region: str, prepared: PreparedTemplate,
               request: Request) -> StackRecord:
    stack = StackRecord(
        stack_id=stack_id, name=name, status="CREATE_IN_PROGRESS", region=region,
        template_body=prepared.body, template=prepared.processed,
        description=prepared.original.get("Description"),
        parameters=prepared.parameters.raw, resolved_parameters=prepared.parameters.resolved,
        timeout_minutes=request.get("TimeoutInMinutes"),
        termination_protection=bool(request.get("EnableTerminationProtection", False)))
    for key, value in stack_settings(request).items():
        setattr(stack, key, value)
    return stack
