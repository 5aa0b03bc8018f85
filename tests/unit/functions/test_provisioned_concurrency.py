"""Provisioned concurrency: IN_PROGRESS until its environments have initialised, then READY
with the count really warm, FAILED with the reason when they can't start; AWS's bounds and
conflicts; deleting the config keeps the version's environments usable (the next invokes are
warm) and the version can be provisioned again; the configs in force and the invocations they
serve are known (for what they would cost)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from simulator.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
    TooManyRequestsException,
)
from simulator.functions.provisioned_concurrency import ProvisionedConcurrencyConfigNotFound
from tests.helpers import eventually
from tests.unit.functions.test_version_operations import Versions, published, stack

__all__ = ["stack"]  # the fixture, shared with the version tests


def put(stack: Versions, qualifier: str, count: int) -> dict[str, Any]:
    return stack.versions.provisioned.put("fn", qualifier,
                                          {"ProvisionedConcurrentExecutions": count})


def test_a_config_is_in_progress_until_its_environments_are_warm_then_ready(
        stack: Versions) -> None:
    version = published(stack)

    answer = put(stack, version, 2)

    assert (answer["Status"], answer["RequestedProvisionedConcurrentExecutions"],
            answer["AvailableProvisionedConcurrentExecutions"],
            answer["AllocatedProvisionedConcurrentExecutions"]) == ("IN_PROGRESS", 2, 0, 0)
    assert eventually(lambda: stack.versions.provisioned.get("fn", version)["Status"] == "READY")
    ready = stack.versions.provisioned.get("fn", version)
    assert (ready["AvailableProvisionedConcurrentExecutions"],
            ready["AllocatedProvisionedConcurrentExecutions"]) == (2, 2)
    assert stack.provisioned(f"fn:{version}") == 2


def test_available_counts_the_environments_really_warm(stack: Versions) -> None:
    version = published(stack)
    put(stack, version, 2)
    assert eventually(lambda: stack.versions.provisioned.get("fn", version)["Status"] == "READY")

    [first, _] = [e for e in stack.pool.live_environments() if e.provisioned]
    stack.pool.retire(first.function.pool_key, None)

    assert eventually(lambda: stack.versions.provisioned.get("fn", version)[
        "AvailableProvisionedConcurrentExecutions"] < 2)


def test_a_config_whose_environments_fail_their_init_fails_as_aws_says(
        stack: Versions) -> None:
    version = published(stack, handler="app.missing")

    put(stack, version, 1)

    assert eventually(lambda: stack.versions.provisioned.get("fn", version)["Status"] == "FAILED")
    failed = stack.versions.provisioned.get("fn", version)
    assert failed["AvailableProvisionedConcurrentExecutions"] == 0
    assert failed["StatusReason"] == "FUNCTION_ERROR_INIT_FAILURE"


def test_lowering_a_config_keeps_that_many_provisioned(stack: Versions) -> None:
    version = published(stack)
    put(stack, version, 3)
    assert eventually(lambda: stack.provisioned(f"fn:{version}") == 3)

    lowered = put(stack, version, 1)

    assert lowered["Status"] == "READY" and stack.provisioned(f"fn:{version}") == 1


def test_latest_is_refused_as_aws_words_it(stack: Versions) -> None:
    published(stack)
    with pytest.raises(InvalidParameterValueException, match="unpublished function versions"):
        put(stack, "$LATEST", 1)
    for call in (stack.versions.provisioned.get, stack.versions.provisioned.delete):
        with pytest.raises(InvalidParameterValueException) as refused:
            call("fn", "$LATEST")
        assert str(refused.value) == (
            "The function resource provided must be an alias or a published version.")


def test_missing_aliases_and_versions_are_named_as_aws_names_them(stack: Versions) -> None:
    published(stack)
    with pytest.raises(ResourceNotFoundException) as alias:
        stack.versions.provisioned.get("fn", "noalias")
    with pytest.raises(ResourceNotFoundException) as version:
        put(stack, "10", 1)
    with pytest.raises(ProvisionedConcurrencyConfigNotFound) as config:
        stack.versions.provisioned.get("fn", "1")

    arn = "arn:aws:lambda:us-east-1:000000000000:function:fn"
    assert str(alias.value) == f"Cannot find alias arn: {arn}:noalias"
    assert str(version.value) == f"Function not found: {arn}:10"
    assert str(config.value) == "No Provisioned Concurrency Config found for this function"


def test_a_version_and_an_alias_pointing_at_it_cannot_both_be_provisioned(
        stack: Versions) -> None:
    version = published(stack)
    stack.versions.create_alias("fn", {"Name": "live", "FunctionVersion": version})
    put(stack, version, 1)
    with pytest.raises(ResourceConflictException) as on_alias:
        put(stack, "live", 1)
    stack.versions.provisioned.delete("fn", version)
    put(stack, "live", 1)
    with pytest.raises(ResourceConflictException) as on_version:
        put(stack, version, 1)

    assert str(on_alias.value) == ("Alias can't be used for Provisioned Concurrency "
                                   "configuration on an already Provisioned version")
    assert str(on_version.value) == "Version is pointed by a Provisioned Concurrency alias"


def test_a_deleted_alias_takes_its_config_with_it(stack: Versions) -> None:
    version = published(stack)
    stack.versions.create_alias("fn", {"Name": "live", "FunctionVersion": version})
    put(stack, "live", 1)
    assert eventually(lambda: stack.provisioned(f"fn:{version}") == 1)

    stack.versions.delete_alias("fn", "live")

    assert stack.versions.provisioned.list_configs("fn") == {
        "ProvisionedConcurrencyConfigs": []}
    assert stack.versions.provisioned.in_force() == []
    assert stack.provisioned(f"fn:{version}") == 0


def test_configs_are_listed_with_their_qualified_arns(stack: Versions) -> None:
    version = published(stack)
    stack.versions.create_alias("fn", {"Name": "live", "FunctionVersion": version})
    put(stack, "live", 1)

    [listed] = stack.versions.provisioned.list_configs("fn")["ProvisionedConcurrencyConfigs"]

    assert listed["FunctionArn"] == "arn:aws:lambda:us-east-1:000000000000:function:fn:live"
    assert listed["RequestedProvisionedConcurrentExecutions"] == 1


def test_the_account_unreserved_concurrency_bounds_a_config(stack: Versions) -> None:
    version = published(stack)
    with pytest.raises(InvalidParameterValueException) as above:
        put(stack, version, 1001)
    with pytest.raises(InvalidParameterValueException) as below_minimum:
        put(stack, version, 1000)

    assert str(above.value) == ("Specified ConcurrentExecutions for function is greater than "
                                "account's unreserved concurrency [1000].")
    assert str(below_minimum.value) == (
        "Specified ConcurrentExecutions for function decreases account's "
        "UnreservedConcurrentExecution below its minimum value of [100].")
    assert stack.versions.provisioned.in_force() == [] and stack.provisioned(
        f"fn:{version}") == 0


def test_a_functions_reserved_concurrency_bounds_its_configs(stack: Versions) -> None:
    version = published(stack)
    stack.functions.put_function_concurrency("fn", {"ReservedConcurrentExecutions": 1})

    with pytest.raises(InvalidParameterValueException, match="reservedConcurrentExecution"):
        put(stack, version, 2)
    assert put(stack, version, 1)["RequestedProvisionedConcurrentExecutions"] == 1


def test_invokes_after_deleting_a_provisioned_config_are_warm(stack: Versions) -> None:
    version = published(stack)
    stack.versions.provisioned.put("fn", version, {"ProvisionedConcurrentExecutions": 2})
    assert eventually(lambda: stack.provisioned(f"fn:{version}") == 2)

    stack.versions.provisioned.delete("fn", version)
    with pytest.raises(ProvisionedConcurrencyConfigNotFound):
        stack.versions.provisioned.get("fn", version)

    results = [stack.invoker.invoke("fn", version, b"{}") for _ in range(3)]
    assert [r.payload for r in results] == [b'"ok"'] * 3
    assert [r.result.cold for r in results if r.result] == [False, False, False]
    assert stack.provisioned(f"fn:{version}") == 0


def test_a_version_can_be_provisioned_again_after_its_config_is_deleted(
    stack: Versions,
) -> None:
    version = published(stack)
    stack.versions.provisioned.put("fn", version, {"ProvisionedConcurrentExecutions": 1})
    assert eventually(lambda: stack.provisioned(f"fn:{version}") == 1)
    stack.versions.provisioned.delete("fn", version)

    stack.versions.provisioned.put("fn", version, {"ProvisionedConcurrentExecutions": 2})
    assert eventually(lambda: stack.provisioned(f"fn:{version}") == 2)
    warm = stack.pool.counts("fn").warm
    assert warm == 3  # the two provisioned and the one that is now on demand
    assert stack.invoker.invoke("fn", version, b"{}").result.cold is False  # type: ignore[union-attr]


def test_the_configs_in_force_say_what_they_keep_warm_and_since_when(
        stack: Versions) -> None:
    version = published(stack)
    before = time.time()
    stack.versions.provisioned.put("fn", version, {"ProvisionedConcurrentExecutions": 3})

    [config] = stack.versions.provisioned.in_force()
    assert (config.function.name, config.function.version, config.qualifier,
            config.concurrency) == ("fn", version, version, 3)
    assert before <= config.since <= time.time()
    assert eventually(lambda: stack.provisioned(f"fn:{version}") == 3)
    stack.versions.provisioned.delete("fn", version)
    assert stack.versions.provisioned.in_force() == []


def test_invocations_served_by_provisioned_concurrency_say_so(stack: Versions) -> None:
    version = published(stack)
    stack.versions.provisioned.put("fn", version, {"ProvisionedConcurrentExecutions": 1})
    assert eventually(lambda: stack.provisioned(f"fn:{version}") == 1)

    served = stack.invoker.invoke("fn", version, b"{}").result
    on_demand = stack.invoker.invoke("fn", None, b"{}").result

    assert served is not None and served.provisioned
    assert on_demand is not None and not on_demand.provisioned


def test_provisioned_concurrency_comes_out_of_the_functions_reservation(
        stack: Versions) -> None:
    """AWS: with its reservation all provisioned, a function's unpublished version is
    throttled, while the provisioned version runs."""
    version = published(stack)
    stack.functions.put_function_concurrency("fn", {"ReservedConcurrentExecutions": 2})
    put(stack, version, 2)
    assert eventually(lambda: stack.provisioned(f"fn:{version}") == 2)

    with pytest.raises(TooManyRequestsException) as throttled:
        stack.invoker.invoke("fn", None, b"{}")
    assert throttled.value.fields["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert stack.invoker.invoke("fn", version, b"{}").payload == b'"ok"'

    stack.functions.put_function_concurrency("fn", {"ReservedConcurrentExecutions": 3})
    assert stack.invoker.invoke("fn", None, b"{}").payload == b'"ok"'


def test_a_reservation_below_the_provisioned_concurrency_is_refused_in_aws_words(
        stack: Versions) -> None:
    version = published(stack)
    put(stack, version, 2)

    with pytest.raises(InvalidParameterValueException) as refused:
        stack.functions.put_function_concurrency("fn", {"ReservedConcurrentExecutions": 1})
    assert refused.value.message == (
        " ReservedConcurrentExecutions  1 should not be lower than function's total "
        "provisioned concurrency [2].")
    stack.functions.put_function_concurrency("fn", {"ReservedConcurrentExecutions": 2})
