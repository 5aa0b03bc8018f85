"""Aliases: their lifecycle, routing configurations AWS refuses, and their names."""

from __future__ import annotations

from typing import Any

from tests.conformance.replay import Replay, scenario

API = "lambda_api"
STAGING = {"Variables": {"testenv": "staging"}}


def two_versions(run: Replay, name: str, **create: Any) -> None:
    """Version 1 with testenv=staging, version 2 with testenv=prod (publish_v1, publish_v2)."""
    run.record("create_response", run.create_plain(name, Environment=STAGING, **create))
    run.record("publish_v1", run.published(name))
    run.call("update_function_configuration", FunctionName=name,
             Environment={"Variables": {"testenv": "prod"}})
    run.wait("function_updated_v2", FunctionName=name)
    run.record("publish_v2", run.published(name))


@scenario(API, "TestLambdaAlias::test_alias_lifecycle", "aliases")
def alias_lifecycle(run: Replay) -> None:
    name = run.function_name()
    two_versions(run, name)
    created = run.capture("create_alias_1_1", "create_alias", FunctionName=name,
                          Name="aliasname1_1", FunctionVersion="1", Description="custom-alias",
                          RoutingConfig={"AdditionalVersionWeights": {"2": 0.2}})
    run.capture("get_alias_1_1", "get_alias", FunctionName=name, Name="aliasname1_1")
    run.capture("get_function_alias_1_1", "get_function", FunctionName=name,
                Qualifier="aliasname1_1")
    run.capture("get_function_byarn_alias_1_1", "get_function",
                FunctionName=created["AliasArn"])
    run.capture("get_function_alias_notfound_exc", "get_function", FunctionName=name,
                Qualifier="aliasdoesnotexist")
    run.capture("get_function_alias_byarn_notfound_exc", "get_function",
                FunctionName=created["AliasArn"].replace("aliasname1_1", "aliasdoesnotexist"))
    run.capture("create_alias_1_2", "create_alias", FunctionName=name, Name="aliasname1_2",
                FunctionVersion="1", Description="custom-alias")
    run.capture("get_alias_1_2", "get_alias", FunctionName=name, Name="aliasname1_2")
    run.capture("create_alias_1_3", "create_alias", FunctionName=name, Name="aliasname1_3",
                FunctionVersion="1")
    run.capture("get_alias_1_3", "get_alias", FunctionName=name, Name="aliasname1_3")
    run.capture("create_alias_2", "create_alias", FunctionName=name, Name="aliasname2",
                FunctionVersion="2", Description="custom-alias")
    run.capture("get_alias_2", "get_alias", FunctionName=name, Name="aliasname2")
    run.record("list_aliases_for_fnname", run.lambda_.get_paginator("list_aliases").paginate(
        FunctionName=name, PaginationConfig={"PageSize": 1}).build_full_result())
    run.capture("update_alias_1_1", "update_alias", FunctionName=name, Name="aliasname1_1",
                RoutingConfig={"AdditionalVersionWeights": {}})
    run.capture("get_alias_1_1_after_update", "get_alias", FunctionName=name,
                Name="aliasname1_1")
    run.capture("list_aliases_for_fnname_after_update", "list_aliases", FunctionName=name)
    run.capture("update_alias_1_2", "update_alias", FunctionName=name, Name="aliasname1_2")
    run.capture("get_alias_1_2_after_update", "get_alias", FunctionName=name,
                Name="aliasname1_2")
    run.capture("list_aliases_for_fnname_after_update_2", "list_aliases", FunctionName=name)
    run.capture("list_aliases_for_version", "list_aliases", FunctionName=name,
                FunctionVersion="1")
    run.capture("delete_alias_response", "delete_alias", FunctionName=name,
                Name="aliasname1_1")
    run.capture("list_aliases_for_fnname_afterdelete", "list_aliases", FunctionName=name)


@scenario(API, "TestLambdaAlias::test_non_existent_alias_deletion", "aliases")
def non_existent_alias_deletion(run: Replay) -> None:
    name = run.function_name()
    run.record("create_response", run.create_plain(name, Environment=STAGING))
    run.capture("delete_alias_response", "delete_alias", FunctionName=name, Name="non-existent")


@scenario(API, "TestLambdaAlias::test_non_existent_alias_update", "aliases")
def non_existent_alias_update(run: Replay) -> None:
    name = run.function_name()
    run.record("create_response", run.create_plain(name, Environment=STAGING))
    run.capture("update_alias_response", "update_alias", FunctionName=name, Name="non-existent")


@scenario(API, "TestLambdaAlias::test_notfound_and_invalid_routingconfigs", "aliases")
def notfound_and_invalid_routingconfigs(run: Replay) -> None:
    name = run.function_name()
    two_versions(run, name, Publish=True)

    def alias(key: str, weights: dict[str, float] | None, version: str = "1",
              alias_name: str = "custom", function: str = name) -> None:
        params: dict[str, Any] = {"FunctionName": function, "Name": alias_name,
                                  "FunctionVersion": version}
        if weights is not None:
            params["RoutingConfig"] = {"AdditionalVersionWeights": weights}
        run.capture(key, "create_alias", **params)

    alias("routing_config_exc_toomany", {"1": 0.8, "2": 0.2})
    unchecked = run.client("lambda", validate=False)
    for key, weight in [("routing_config_exc_toohigh", 2), ("routing_config_exc_subzero", -1)]:
        run.record(key, run.call_with(unchecked, "create_alias", FunctionName=name, Name="custom",
                                      FunctionVersion="1",
                                      RoutingConfig={"AdditionalVersionWeights": {"2": weight}}))
    alias("routing_config_exc_sameversion", {"1": 0.5})
    alias("target_version_doesnotexist", {"2": 0.5}, version="10")
    alias("routing_config_exc_version_doesnotexist", {"10": 0.5})
    alias("target_version_exc_version_latest", {"1": 0.5}, version="$LATEST")
    alias("routing_config_exc_version_latest", {"$LATEST": 0.5})
    alias("create-alias-latest", None, version="$LATEST", alias_name="custom-latest")
    alias("routing_config_exc_fn_doesnotexist", {"2": 0.5}, function=f"{name}-unknown")
    alias("create_alias_empty_routingconfig", {}, alias_name="custom-empty-routingconfig")
    alias("create_alias_response", {"2": 0.5})
    alias("routing_config_exc_already_exist", {"2": 0.5})
    run.capture("alias_does_not_exist_esc", "get_alias", FunctionName=name, Name="non-existent")


@scenario(API, "TestLambdaAlias::test_alias_naming", "aliases")
def alias_naming(run: Replay) -> None:
    name = run.function_name()
    run.record("create_response", run.create_plain(name, Environment=STAGING))
    run.record("publish_v1", run.published(name))
    run.capture("create_alias_date", "create_alias", FunctionName=name, Name="2024-01-02",
                FunctionVersion="1", Description="custom-alias")
    run.capture("get_alias_date", "get_alias", FunctionName=name, Name="2024-01-02")
    run.capture("create_alias_number_exception", "create_alias", FunctionName=name,
                Name="2024", FunctionVersion="1", Description="custom-alias")
