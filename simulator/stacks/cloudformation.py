"""The CloudFormation service, composed: the store, the engine and its provisioners, the
background worker, and the calls by their wire names."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path

from simulator.stacks.change_sets import ChangeSets
from simulator.stacks.engine import Engine
from simulator.stacks.exports import Exports
from simulator.stacks.resource_actions import ClientFactory, ProvisionerRegistry, ResourceActions
from simulator.stacks.stack_events import EventLog
from simulator.stacks.stack_operations import Request, StackOperations
from simulator.stacks.stack_store import StackStore
from simulator.stacks.template_calls import TemplateCalls

MAX_CONCURRENT_DEPLOYS = 4
Operation = Callable[[str, Request], Request]


class CloudFormation:
    """`registry` gives each resource type's provisioner; `clients(service, region)` a boto3
    client of the simulator's own endpoint; `worker` runs the deploys (a bounded pool unless
    given)."""

    def __init__(self, state_dir: Path, registry: ProvisionerRegistry, clients: ClientFactory,
                 account_id: str, worker: Executor | None = None) -> None:
        self.store = StackStore(state_dir / "stacks.db")
        self._worker = worker or ThreadPoolExecutor(MAX_CONCURRENT_DEPLOYS,
                                                    thread_name_prefix="cloudformation")
        events = EventLog(self.store)
        fail_interrupted(self.store, events)
        exports = Exports(self.store)
        actions = ResourceActions(self.store, events, registry, clients, account_id)
        engine = Engine(self.store, actions, events, exports, account_id)
        self.stacks = StackOperations(self.store, engine, events, exports, clients, account_id,
                                      self._worker)
        self.change_sets = ChangeSets(self.stacks)
        self.templates = TemplateCalls(self.stacks)

    def operations(self) -> dict[str, Operation]:
        """Each supported call by its wire name: (region, input) -> output."""
        stacks, change_sets, templates = self.stacks, self.change_sets, self.templates
        return {
            "CreateStack": stacks.create_stack, "UpdateStack": stacks.update_stack,
            "DeleteStack": stacks.delete_stack, "DescribeStacks": stacks.describe_stacks,
            "DescribeStackEvents": stacks.describe_stack_events,
            "DescribeStackResource": stacks.describe_stack_resource,
            "DescribeStackResources": stacks.describe_stack_resources,
            "ListStackResources": stacks.list_stack_resources, "ListStacks": stacks.list_stacks,
            "GetTemplate": templates.get_template,
            "GetTemplateSummary": templates.get_template_summary,
            "ValidateTemplate": templates.validate_template,
            "ListExports": templates.list_exports, "ListImports": templates.list_imports,
            "CreateChangeSet": change_sets.create_change_set,
            "DescribeChangeSet": change_sets.describe_change_set,
            "ExecuteChangeSet": change_sets.execute_change_set,
            "DeleteChangeSet": change_sets.delete_change_set,
            "ListChangeSets": change_sets.list_change_sets,
        }

    def close(self) -> None:
        """Waits for the deploys under way, then closes the store."""
        self._worker.shutdown(wait=True, cancel_futures=True)
        self.store.close()



def fail_interrupted(store: StackStore, events: EventLog) -> None:
    """Stacks left in progress by a simulator that stopped: nothing will finish their work,
    so they are failed as CloudFormation fails an operation that cannot go on."""
    for stack in store.all():
        events.abandon(stack, "The simulator stopped while this operation was in progress")
