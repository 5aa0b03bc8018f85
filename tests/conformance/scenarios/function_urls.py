"""Function URL configurations: lifecycle, per alias, paging."""

from __future__ import annotations

from tests.conformance.replay import Replay, scenario, zip_of

API = "lambda_api"
NODE_HANDLER = "exports.handler = async (event) => ({statusCode: 200, body: 'hello'});\n"


def node_function(run: Replay) -> str:
    name = run.function_name()
    run.create_function(name, Runtime="nodejs20.x", Handler="lambda_handler.handler",
                        code=zip_of({"lambda_handler.js": NODE_HANDLER}))
    return name


@scenario(API, "TestLambdaUrl::test_url_config_lifecycle", "function_urls")
def url_config_lifecycle(run: Replay) -> None:
    name = node_function(run)
    run.capture("url_creation", "create_function_url_config", FunctionName=name, AuthType="NONE")
    run.capture("failed_duplication", "create_function_url_config", FunctionName=name,
                AuthType="NONE")
    run.capture("get_url_config", "get_function_url_config", FunctionName=name)
    run.capture("updated_url_config", "update_function_url_config", FunctionName=name,
                AuthType="AWS_IAM")
    run.call("delete_function_url_config", FunctionName=name)
    run.capture("failed_getter", "get_function_url_config", FunctionName=name)


@scenario(API, "TestLambdaUrl::test_url_config_list_paging", "function_urls")
def url_config_list_paging(run: Replay) -> None:
    name = node_function(run)
    version = run.record("fn_version_result", run.published(name)).get("Version", "1")
    run.capture("create_alias_result", "create_alias", FunctionName=name, Name="urlalias",
                FunctionVersion=version)
    run.capture("list_function_notfound", "list_function_url_configs",
                FunctionName="doesnotexist")
    run.capture("list_all_empty", "list_function_url_configs", FunctionName=name)
    run.capture("url_config_fn", "create_function_url_config", FunctionName=name,
                AuthType="NONE")
    run.capture("url_config_alias", "create_function_url_config",
                FunctionName=f"{name}:urlalias", Qualifier="urlalias", AuthType="NONE")
    listed = run.call("list_function_url_configs", FunctionName=name)
    listed["FunctionUrlConfigs"] = sorted(listed.get("FunctionUrlConfigs", []),
                                          key=lambda config: config["FunctionArn"])
    run.record("list_all", listed)


@scenario(API, "TestLambdaUrl::test_url_config_deletion_without_qualifier", "function_urls")
def url_config_deletion_without_qualifier(run: Replay) -> None:
    name = run.function_name()
    run.create_plain(name, Environment={"Variables": {"testenv": "staging"}})
    run.published(name)
    run.call("create_alias", FunctionName=name, Name="test-alias", FunctionVersion="1",
             Description="custom-alias")
    run.capture("url_creation", "create_function_url_config", FunctionName=name, AuthType="NONE")
    run.capture("url_with_alias_creation", "create_function_url_config", FunctionName=name,
                AuthType="NONE", Qualifier="test-alias")
    run.capture("get_url_config", "get_function_url_config", FunctionName=name)
    run.capture("get_url_config_with_alias", "get_function_url_config", FunctionName=name,
                Qualifier="test-alias")
    run.capture("delete_function_url_config", "delete_function_url_config", FunctionName=name)
    run.capture("get_url_config_after_deletion", "get_function_url_config", FunctionName=name)
    run.capture("get_url_config_with_alias_after_deletion", "get_function_url_config",
                FunctionName=name, Qualifier="test-alias")
