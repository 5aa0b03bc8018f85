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


# The function names and qualifiers each URL config operation is refused for, by their
# recording's key; `{name}` stands for the scenario's function, `{missing_arn}` for its ARN
# with another name.
URL_CONFIG_REFUSALS = [
    ("name_doesnotexist", {"FunctionName": "doesnotexist"}),
    ("arn_doesnotexist", {"FunctionName": "{missing_arn}"}),
    ("name_doesnotexist_qualifier", {"FunctionName": "doesnotexist", "Qualifier": "1"}),
    ("qualifier_version", {"FunctionName": "{name}", "Qualifier": "1"}),
    ("qualifier_version_doesnotexist", {"FunctionName": "{name}", "Qualifier": "2"}),
    ("qualifier_alias_doesnotexist", {"FunctionName": "{name}", "Qualifier": "v1"}),
    ("qualifier_alias_doesnotmatch_arn", {"FunctionName": "{name}:urlalias-doesnotmatch",
                                          "Qualifier": "urlalias"}),
    ("qualifier_latest", {"FunctionName": "{name}", "Qualifier": "$LATEST"}),
]
# AWS failed internally on this one request and the recorder kept only that it failed, so
# any error of ours is recorded as that.
AWS_INTERNAL_FAILURE = "delete_function_url_config_qualifier_alias_doesnotmatch_arn"


@scenario(API, "TestLambdaUrl::test_url_config_exceptions", "function_urls")
def url_config_exceptions(run: Replay) -> None:
    name = node_function(run)
    arn = run.call("get_function", FunctionName=name)["Configuration"]["FunctionArn"]
    version = run.record("fn_version_result", run.published(name)).get("Version", "1")
    run.capture("create_alias_result", "create_alias", FunctionName=name, Name="urlalias",
                FunctionVersion=version)
    names = {"name": name, "missing_arn": arn.replace(name, "doesnotexist")}
    missing_config = [("config_doesnotexist", {"FunctionName": "{name}"})]
    for operation, extra, cases in [
            ("create_function_url_config", {"AuthType": "NONE"}, URL_CONFIG_REFUSALS),
            ("get_function_url_config", {}, URL_CONFIG_REFUSALS + missing_config),
            ("delete_function_url_config", {}, URL_CONFIG_REFUSALS + missing_config),
            ("update_function_url_config", {"AuthType": "AWS_IAM"},
             URL_CONFIG_REFUSALS + missing_config)]:
        for key, params in cases:
            filled = {param: value.format(**names) for param, value in params.items()}
            response = run.call(operation, **filled, **extra)
            recorded_key = f"{operation}_{key}"
            failed = recorded_key == AWS_INTERNAL_FAILURE and "Error" in response
            run.record(recorded_key, "<aws_internal_failure>" if failed else response)
