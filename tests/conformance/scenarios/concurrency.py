"""Reserved and provisioned concurrency, and recursion settings, of a function."""

from __future__ import annotations

import time

from tests.conformance.replay import Replay, scenario, short_id

API = "lambda_api"


@scenario(API, "TestLambdaReservedConcurrency::test_function_concurrency_exceptions",
          "concurrency")
def function_concurrency_exceptions(run: Replay) -> None:
    run.capture("put_function_concurrency_with_function_name_doesnotexist",
                "put_function_concurrency", FunctionName="doesnotexist",
                ReservedConcurrentExecutions=1)
    run.capture("put_function_concurrency_with_function_name_doesnotexist_and_invalid_"
                "concurrency", "put_function_concurrency", FunctionName="doesnotexist",
                ReservedConcurrentExecutions=0)
    name = run.function_name()
    run.create_function(name)
    arn = run.call("get_function_configuration", FunctionName=name,
                   Qualifier="$LATEST")["FunctionArn"]
    run.capture("put_function_concurrency_with_qualified_arn", "put_function_concurrency",
                FunctionName=arn, ReservedConcurrentExecutions=0)


@scenario(API, "TestLambdaReservedConcurrency::test_function_concurrency", "concurrency")
def function_concurrency(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    run.capture("put_function_concurrency_with_reserved_0", "put_function_concurrency",
                FunctionName=name, ReservedConcurrentExecutions=0)
    run.capture("put_function_concurrency_with_reserved_1", "put_function_concurrency",
                FunctionName=name, ReservedConcurrentExecutions=1)
    run.capture("get_function_concurrency", "get_function_concurrency", FunctionName=name)
    run.capture("delete_response", "delete_function_concurrency", FunctionName=name)
    run.capture("get_function_concurrency_after_delete", "get_function_concurrency",
                FunctionName=name)


def recursion_function(run: Replay) -> str:
    name = f"recursion-test-{short_id()}"
    run.on_cleanup(lambda: run.call("delete_function", FunctionName=name))
    run.create_function(name, Description="Lambda with recursion test")
    return name


@scenario(API, "TestLambdaRecursion::test_put_function_recursion_config_allow", "concurrency")
def recursion_config_allow(run: Replay) -> None:
    name = recursion_function(run)
    run.capture("put_recursion_config_response", "put_function_recursion_config",
                FunctionName=name, RecursiveLoop="Allow")
    run.capture("get_recursion_config_response", "get_function_recursion_config",
                FunctionName=name)


@scenario(API, "TestLambdaRecursion::test_put_function_recursion_config_default_terminate",
          "concurrency")
def recursion_config_default(run: Replay) -> None:
    run.capture("get_recursion_default_terminate_response", "get_function_recursion_config",
                FunctionName=recursion_function(run))


@scenario(API, "TestLambdaRecursion::test_put_function_recursion_config_invalid_value",
          "concurrency")
def recursion_config_invalid(run: Replay) -> None:
    run.capture("put_recursion_invalid_value_error", "put_function_recursion_config",
                FunctionName=recursion_function(run), RecursiveLoop="InvalidValue")


@scenario(API, "TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions",
          "concurrency")
def provisioned_concurrency_exceptions(run: Replay) -> None:
    unchecked = run.client("lambda", validate=False)
    name = run.function_name()
    run.create_function(name)
    published = run.record("publish_version_result",
                           run.call_with(unchecked, "publish_version", FunctionName=name))
    version = published.get("Version", "1")

    def capture(key: str, operation: str, **params: object) -> None:
        run.record(key, run.call_with(unchecked, operation, **params))

    capture("get_provisioned_config_doesnotexist", "get_provisioned_concurrency_config",
            FunctionName=name, Qualifier=version)
    capture("get_provisioned_functionname_doesnotexist", "get_provisioned_concurrency_config",
            FunctionName="doesnotexist", Qualifier="noalias")
    for key, qualifier in [("qualifier_doesnotexist", "noalias"),
                           ("version_doesnotexist", "10"), ("latest", "$LATEST")]:
        capture(f"get_provisioned_{key}", "get_provisioned_concurrency_config",
                FunctionName=name, Qualifier=qualifier)
    capture("list_provisioned_noconfigs", "list_provisioned_concurrency_configs",
            FunctionName=name)
    capture("list_provisioned_functionname_doesnotexist",
            "list_provisioned_concurrency_configs", FunctionName="doesnotexist")
    capture("delete_provisioned_functionname_doesnotexist",
            "delete_provisioned_concurrency_config", FunctionName="doesnotexist",
            Qualifier=version)
    for key, qualifier in [("qualifier_doesnotexist", "noalias"),
                           ("version_doesnotexist", "10"), ("latest", "$LATEST"),
                           ("config_doesnotexist", version)]:
        capture(f"delete_provisioned_{key}", "delete_provisioned_concurrency_config",
                FunctionName=name, Qualifier=qualifier)
    capture("put_provisioned_invalid_param_0", "put_provisioned_concurrency_config",
            FunctionName=name, Qualifier=version, ProvisionedConcurrentExecutions=0)
    for key, qualifier in [("alias", "noalias"), ("version", "1")]:
        capture(f"put_provisioned_functionname_doesnotexist_{key}",
                "put_provisioned_concurrency_config", FunctionName="doesnotexist",
                Qualifier=qualifier, ProvisionedConcurrentExecutions=1)
    for key, qualifier in [("qualifier_doesnotexist", "doesnotexist"),
                           ("version_doesnotexist", "10"), ("latest", "$LATEST")]:
        capture(f"put_provisioned_{key}", "put_provisioned_concurrency_config",
                FunctionName=name, Qualifier=qualifier, ProvisionedConcurrentExecutions=1)


@scenario(API, "TestLambdaProvisionedConcurrency::test_provisioned_concurrency_limits",
          "concurrency")
def provisioned_concurrency_limits(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    version = run.published(name).get("Version", "1")
    limit = run.call("get_account_settings")["AccountLimit"]["ConcurrentExecutions"]
    for key, requested in [("account_limit_exceeded", limit + 1),
                           ("below_unreserved_min_value", limit)]:
        run.capture(f"put_provisioned_concurrency_{key}", "put_provisioned_concurrency_config",
                    FunctionName=name, Qualifier=version,
                    ProvisionedConcurrentExecutions=requested)


def provisioned_ready(run: Replay, name: str, qualifier: str) -> bool:
    """Whether the qualifier's provisioned concurrency became READY within 60 s."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = run.call("get_provisioned_concurrency_config", FunctionName=name,
                          Qualifier=qualifier).get("Status")
        if status == "READY":
            return True
        if status in (None, "FAILED"):
            return False
        time.sleep(0.2)
    return False


@scenario(API, "TestLambdaProvisionedConcurrency::test_lambda_provisioned_lifecycle",
          "concurrency")
def lambda_provisioned_lifecycle(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    version = run.record("publish_version_result", run.published(name)).get("Version", "1")
    alias = f"alias-{short_id()}"
    run.capture("create_alias_result", "create_alias", FunctionName=name, Name=alias,
                FunctionVersion=version)
    one = {"FunctionName": name, "ProvisionedConcurrentExecutions": 1}
    run.capture("put_provisioned_on_version", "put_provisioned_concurrency_config",
                Qualifier=version, **one)
    run.capture("put_provisioned_on_alias_versionconflict",
                "put_provisioned_concurrency_config", Qualifier=alias, **one)
    if not provisioned_ready(run, name, version):
        raise AssertionError("the version's provisioned concurrency never became READY")
    run.capture("delete_provisioned_version", "delete_provisioned_concurrency_config",
                FunctionName=name, Qualifier=version)
    run.capture("get_provisioned_version_postdelete", "get_provisioned_concurrency_config",
                FunctionName=name, Qualifier=version)
    run.capture("put_provisioned_on_alias", "put_provisioned_concurrency_config",
                Qualifier=alias, **one)
    run.capture("put_provisioned_on_version_conflict", "put_provisioned_concurrency_config",
                Qualifier=version, **one)
    run.capture("delete_alias_result", "delete_alias", FunctionName=name, Name=alias)
    run.capture("get_provisioned_alias_postaliasdelete", "get_provisioned_concurrency_config",
                FunctionName=name, Qualifier=alias)
    run.capture("list_response_postdeletes", "list_provisioned_concurrency_configs",
                FunctionName=name)
