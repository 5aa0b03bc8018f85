"""Layers: their lifecycle beside a function that uses one, and publishing a version
compatible with every runtime of the recording, fifteen (the most AWS takes) at a time."""

from __future__ import annotations

import json
from typing import Any

from tests.conformance.replay import Replay, Scenario, add_scenario, scenario, short_id, zip_of

API = "lambda_api"
# The recording's runtimes, newest first, in its groups of fifteen.
RUNTIME_GROUPS = [
    ["nodejs24.x", "nodejs22.x", "nodejs20.x", "nodejs18.x", "nodejs16.x", "nodejs14.x",
     "nodejs12.x", "python3.14", "python3.13", "python3.12", "python3.11", "python3.10",
     "python3.9", "python3.8", "python3.7"],
    ["java25", "java21", "java17", "java11", "java8.al2", "java8", "dotnet10", "dotnet8",
     "dotnet6", "dotnetcore3.1", "go1.x", "ruby3.4", "ruby3.3", "ruby3.2", "ruby2.7"],
    ["provided.al2023", "provided.al2", "provided"],
]


LAYER_ZIP = zip_of({"python/dummy.py": "x = 1\n"})


@scenario(API, "TestLambdaLayer::test_layer_lifecycle", "layers")
def layer_lifecycle(run: Replay) -> None:
    name = run.function_name()
    layer = f"testlayer-{short_id()}"
    run.create_function(name)
    run.capture("get_fn_result", "get_function", FunctionName=name)
    run.capture("get_fn_config_result", "get_function_configuration", FunctionName=name)
    settings: dict[str, Any] = {
        "LayerName": layer, "CompatibleRuntimes": ["python3.12"],
        "LicenseInfo": f"licenseinfo-{short_id()}", "Description": f"description-{short_id()}",
        "Content": {"ZipFile": LAYER_ZIP}, "CompatibleArchitectures": ["x86_64"]}
    first = run.capture("publish_result", "publish_layer_version", **settings)
    run.capture("publish_result_2", "publish_layer_version", **settings)
    arn = first.get("LayerVersionArn", "")
    run.capture("update_fn_config", "update_function_configuration", FunctionName=name,
                Layers=[arn])
    run.wait("function_updated_v2", FunctionName=name)
    run.capture("get_fn_config", "get_function_configuration", FunctionName=name)
    run.capture("get_layer_ver_result", "get_layer_version", LayerName=layer, VersionNumber=1)
    run.capture("get_layer_by_arn_version", "get_layer_version_by_arn", Arn=arn)
    run.capture("list_layer_versions_predelete", "list_layer_versions", LayerName=layer)
    run.capture("delete_layer_1", "delete_layer_version", LayerName=layer, VersionNumber=1)
    run.capture("get_fn_config_postdelete", "get_function_configuration", FunctionName=name)
    run.capture("delete_layer_2", "delete_layer_version", LayerName=layer, VersionNumber=2)
    run.capture("list_layer_versions_postdelete", "list_layer_versions", LayerName=layer)
    run.capture("publish_result_3", "publish_layer_version", **settings)
    run.on_cleanup(lambda: run.call("delete_layer_version", LayerName=layer, VersionNumber=3))


@scenario(API, "TestLambdaLayer::test_layer_exceptions", "layers")
def layer_exceptions(run: Replay) -> None:
    layer = f"testlayer-{short_id()}"
    published = run.capture("publish_result", "publish_layer_version", LayerName=layer,
                            CompatibleRuntimes=["python3.12"], Content={"ZipFile": LAYER_ZIP},
                            CompatibleArchitectures=["x86_64"])
    run.on_cleanup(lambda: run.call("delete_layer_version", LayerName=layer, VersionNumber=1))
    arn = published.get("LayerArn", "")
    run.capture("list_layers_exc_compatibleruntime_invalid", "list_layers",
                CompatibleRuntime="runtimedoesnotexist")
    run.capture("list_layers_exc_compatiblearchitecture_invalid", "list_layers",
                CompatibleArchitecture="archdoesnotexist")
    run.capture("list_nonexistent_layer", "list_layer_versions", LayerName="layerdoesnotexist")
    run.capture("get_layer_version_exc_layer_doesnotexist", "get_layer_version",
                LayerName="layerdoesnotexist", VersionNumber=1)
    for key, number in [("negative", -1), ("zero", 0), ("2", 2)]:
        run.capture(f"get_layer_version_exc_layer_version_doesnotexist_{key}",
                    "get_layer_version", LayerName=layer, VersionNumber=number)
    run.capture("get_layer_version_by_arn_exc_invalidarn", "get_layer_version_by_arn", Arn=arn)
    run.capture("get_layer_version_by_arn_exc_nonexistentversion", "get_layer_version_by_arn",
                Arn=f"{arn}:2")
    run.capture("delete_nonexistent_response", "delete_layer_version",
                LayerName="layerdoesnotexist", VersionNumber=1)
    run.capture("delete_nonexistent_version_response", "delete_layer_version",
                LayerName=layer, VersionNumber=2)
    run.capture("delete_layer_response", "delete_layer_version", LayerName=layer,
                VersionNumber=1)
    run.capture("delete_layer_again_response", "delete_layer_version", LayerName=layer,
                VersionNumber=1)
    run.capture("delete_layer_version_exc_layerversion_invalid_version",
                "delete_layer_version", LayerName=layer, VersionNumber=-1)
    empty = f"testlayer-empty-{short_id()}"
    run.capture("publish_empty_result", "publish_layer_version", LayerName=empty,
                Content={"ZipFile": LAYER_ZIP}, CompatibleRuntimes=[],
                CompatibleArchitectures=[])
    run.on_cleanup(lambda: run.call("delete_layer_version", LayerName=empty, VersionNumber=1))
    run.capture("publish_layer_version_exc_invalid_runtime_arch", "publish_layer_version",
                LayerName=f"testlayer-2-{short_id()}", Content={"ZipFile": LAYER_ZIP},
                CompatibleRuntimes=["invalidruntime"], CompatibleArchitectures=["invalidarch"])
    run.capture("publish_layer_version_exc_partially_invalid_values", "publish_layer_version",
                LayerName=f"testlayer-2-{short_id()}", Content={"ZipFile": LAYER_ZIP},
                CompatibleRuntimes=["invalidruntime", "invalidruntime2", "nodejs20.x"],
                CompatibleArchitectures=["invalidarch", "x86_64"])


def read_json_member(response: dict[str, Any], member: str) -> dict[str, Any]:
    """The recordings hold a policy or statement as the object its JSON string encodes."""
    if isinstance(response.get(member), str):
        return {**response, member: json.loads(response[member])}
    return response


@scenario(API, "TestLambdaLayer::test_layer_policy_lifecycle", "layers")
def layer_policy_lifecycle(run: Replay) -> None:
    layer = f"testlayer-{short_id()}"
    published = run.capture("publish_result", "publish_layer_version", LayerName=layer,
                            CompatibleRuntimes=["python3.12"], Content={"ZipFile": LAYER_ZIP},
                            CompatibleArchitectures=["x86_64"])
    if "Version" in published:
        run.on_cleanup(lambda: run.call("delete_layer_version", LayerName=layer,
                                        VersionNumber=published["Version"]))
    grant = {"LayerName": layer, "VersionNumber": 1, "Action": "lambda:GetLayerVersion",
             "Principal": "*"}

    def record(key: str, operation: str, member: str, **params: Any) -> dict[str, Any]:
        recorded: dict[str, Any] = run.record(
            key, read_json_member(run.call(operation, **params), member))
        return recorded

    record("add_policy_s1", "add_layer_version_permission", "Statement", StatementId="s1",
           **grant)
    got = record("get_layer_version_policy", "get_layer_version_policy", "Policy",
                 LayerName=layer, VersionNumber=1)
    record("add_policy_s2", "add_layer_version_permission", "Statement", StatementId="s2",
           RevisionId=got.get("RevisionId", ""), **grant)
    got = record("get_layer_version_policy_postadd2", "get_layer_version_policy", "Policy",
                 LayerName=layer, VersionNumber=1)
    run.capture("remove_s2", "remove_layer_version_permission", LayerName=layer,
                VersionNumber=1, StatementId="s2", RevisionId=got.get("RevisionId", ""))
    record("get_layer_version_policy_postdeletes2", "get_layer_version_policy", "Policy",
           LayerName=layer, VersionNumber=1)


def layer_compatibilities(index: int) -> None:
    def replay(run: Replay) -> None:
        name = f"testlayer-{short_id()}"
        published = run.capture(
            "publish_result", "publish_layer_version", LayerName=name,
            CompatibleRuntimes=RUNTIME_GROUPS[index],
            Content={"ZipFile": LAYER_ZIP},
            CompatibleArchitectures=["arm64", "x86_64"])
        if "Version" in published:
            run.on_cleanup(lambda: run.call("delete_layer_version", LayerName=name,
                                            VersionNumber=published["Version"]))
    add_scenario(Scenario(API, f"TestLambdaLayer::test_layer_compatibilities[runtimes{index}]",
                          "layers", replay))


for _index in range(len(RUNTIME_GROUPS)):
    layer_compatibilities(_index)


def publish_plain_layer(run: Replay, layer: str, region: str | None = None) -> dict[str, Any]:
    """A layer version with no runtimes, for x86_64, deleted when the scenario ends."""
    client = run.client("lambda", region) if region else run.lambda_
    published = run.call_with(client, "publish_layer_version", LayerName=layer,
                              CompatibleRuntimes=[], Content={"ZipFile": LAYER_ZIP},
                              CompatibleArchitectures=["x86_64"])
    if "Version" in published:
        run.on_cleanup(lambda: run.call_with(client, "delete_layer_version", LayerName=layer,
                                             VersionNumber=published["Version"]))
    return published


@scenario(API, "TestLambdaLayer::test_layer_function_exceptions", "layers")
def layer_function_exceptions(run: Replay) -> None:
    name = run.function_name()
    layer = f"testlayer-{short_id()}"
    first, second, third = (run.record(key, publish_plain_layer(run, layer)) for key in
                            ["publish_result", "publish_result_2", "publish_result_3"])
    run.create_function(name)
    run.capture("get_fn_result", "get_function", FunctionName=name)
    for key, versions in [("two_layer_versions", [first, second]),
                          ("three_layer_versions", [first, second, third]),
                          ("two_identical_layer_versions", [first, first])]:
        run.capture(f"{key}_single_function_exc", "update_function_configuration",
                    FunctionName=name,
                    Layers=[version.get("LayerVersionArn", "") for version in versions])
    layer_arn = first.get("LayerArn", "")
    for key, arn in [("add_nonexistent_layer_exc", f"{layer_arn.replace(layer, 'doesnotexist')}:1"),
                     ("add_nonexistent_layer_version_exc", f"{layer_arn}:9"),
                     ("add_layer_arn_without_version_exc", layer_arn)]:
        run.capture(key, "update_function_configuration", FunctionName=name, Layers=[arn])
    other_region = "eu-west-1" if run.region != "eu-west-1" else "us-east-1"
    elsewhere = publish_plain_layer(run, layer, other_region)
    run.record("create_function_with_layer_in_different_region", run.create_function(
        name, Layers=[elsewhere.get("LayerVersionArn", "")])["CreateFunctionResponse"])


@scenario(API, "TestLambdaLayer::test_layer_function_quota_exception", "layers")
def layer_function_quota_exception(run: Replay) -> None:
    arns = [publish_plain_layer(run, f"testlayer-{number}-{short_id()}").get(
        "LayerVersionArn", "") for number in range(1, 7)]
    run.record("create_function_with_six_layers",
               run.create_function(Layers=arns)["CreateFunctionResponse"])


@scenario(API, "TestLambdaLayer::test_layer_s3_content", "layers")
def layer_s3_content(run: Replay) -> None:
    s3 = run.client("s3")
    bucket = f"layer-bucket-{short_id()}"
    s3.create_bucket(Bucket=bucket)
    key = "/layercontent.zip"
    run.on_cleanup(lambda: s3.delete_bucket(Bucket=bucket))
    run.on_cleanup(lambda: s3.delete_object(Bucket=bucket, Key=key))
    s3.put_object(Bucket=bucket, Key=key, Body=LAYER_ZIP)
    layer = f"bucket-layer-{short_id()}"
    published = run.capture("publish_layer_result", "publish_layer_version", LayerName=layer,
                            Content={"S3Bucket": bucket, "S3Key": key})
    if "Version" in published:
        run.on_cleanup(lambda: run.call("delete_layer_version", LayerName=layer,
                                        VersionNumber=published["Version"]))


@scenario(API, "TestLambdaLayer::test_layer_policy_exceptions", "layers")
def layer_policy_exceptions(run: Replay) -> None:
    layer = f"layer4policy-{short_id()}"
    published = run.capture("publish_result", "publish_layer_version", LayerName=layer,
                            CompatibleRuntimes=["python3.12"], Content={"ZipFile": LAYER_ZIP},
                            CompatibleArchitectures=["x86_64"])
    if "Version" in published:
        run.on_cleanup(lambda: run.call("delete_layer_version", LayerName=layer,
                                        VersionNumber=published["Version"]))
    grant = {"Action": "lambda:GetLayerVersion", "Principal": "*"}
    missing = f"{layer}-doesnotexist"
    run.capture("layer_permission_nopolicy_get", "get_layer_version_policy", LayerName=layer,
                VersionNumber=1)
    run.record("add_layer_permission_result", read_json_member(run.call(
        "add_layer_version_permission", LayerName=layer, VersionNumber=1, StatementId="s1",
        **grant), "Statement"))
    run.capture("layer_permission_action_invalid", "add_layer_version_permission",
                LayerName=layer, VersionNumber=1, Action="*", Principal="*",
                StatementId=f"s-{short_id()}")
    run.capture("layer_permission_duplicate_statement", "add_layer_version_permission",
                LayerName=layer, VersionNumber=1, StatementId="s1", **grant)
    run.capture("layer_permission_wrong_revision", "add_layer_version_permission",
                LayerName=layer, VersionNumber=1, StatementId="s2", RevisionId="wrong",
                **grant)
    for target, name, number in [("layername", missing, 1), ("layerversion", layer, 2)]:
        run.capture(f"layer_permission_{target}_doesnotexist_add",
                    "add_layer_version_permission", LayerName=name, VersionNumber=number,
                    StatementId=f"s-{short_id()}", **grant)
        run.capture(f"layer_permission_{target}_doesnotexist_get", "get_layer_version_policy",
                    LayerName=name, VersionNumber=number)
        run.capture(f"layer_permission_{target}_doesnotexist_remove",
                    "remove_layer_version_permission", LayerName=name, VersionNumber=number,
                    StatementId="s1")
    run.capture("layer_permission_statementid_doesnotexist_remove",
                "remove_layer_version_permission", LayerName=layer, VersionNumber=1,
                StatementId="doesnotexist")
    run.capture("layer_permission_wrong_revision_remove", "remove_layer_version_permission",
                LayerName=layer, VersionNumber=1, StatementId="s1", RevisionId="wrong")
