"""Versions: publishing (on create, on update, explicitly), listing, deleting one."""

from __future__ import annotations

from tests.conformance.replay import VERSION_HANDLER, Replay, scenario, zip_of

API = "lambda_api"


@scenario(API, "TestLambdaVersions::test_publish_version_on_create", "versions")
def publish_version_on_create(run: Replay) -> None:
    name = run.function_name()
    run.record("create_response", run.create_plain(name, Publish=True))
    run.capture("get_function_result", "get_function", FunctionName=name)
    run.capture("get_function_version_result", "get_function", FunctionName=name,
                Qualifier="1")
    run.capture("get_function_latest_result", "get_function", FunctionName=name,
                Qualifier="$LATEST")
    run.capture("list_versions_result", "list_versions_by_function", FunctionName=name)
    run.record("repeated_publish_response", run.published(
        name, Description="Repeated version description :)"))
    run.capture("list_versions_result_after_publish", "list_versions_by_function",
                FunctionName=name)


@scenario(API, "TestLambdaVersions::test_version_lifecycle", "versions")
def version_lifecycle(run: Replay) -> None:
    name = run.function_name()
    run.record("create_response", run.create_plain(name, Description="No version :("))
    run.capture("get_function_result", "get_function", FunctionName=name)
    run.capture("list_versions_result", "list_versions_by_function", FunctionName=name)
    run.capture("first_update_response", "update_function_configuration", FunctionName=name,
                Description="First version :)")
    run.wait("function_updated_v2", FunctionName=name)
    run.capture("first_update_get_function", "get_function", FunctionName=name)
    first = run.record("first_publish_response", run.published(
        name, Description="First version description :)"))
    version = first.get("Version", "1")
    run.capture("first_publish_get_function", "get_function", FunctionName=name,
                Qualifier=version)
    run.capture("first_publish_get_function_config", "get_function_configuration",
                FunctionName=name, Qualifier=version)
    run.capture("second_update_response", "update_function_configuration", FunctionName=name,
                Description="Second version :))")
    run.wait("function_updated_v2", FunctionName=name)
    run.capture("first_publish_get_function_after_update", "get_function", FunctionName=name,
                Qualifier=version)
    run.record("second_publish_response", run.published(name))
    run.record("third_publish_response", run.published(
        name, Description="Third version description :)))"))
    run.capture("list_versions_result_after_third_publish", "list_versions_by_function",
                FunctionName=name)
    run.call("delete_function", FunctionName=f"{name}:{version}")
    run.capture("list_versions_result_after_deletion_of_first_version",
                "list_versions_by_function", FunctionName=name)


@scenario(API, "TestLambdaVersions::test_publish_with_wrong_sha256", "versions")
def publish_with_wrong_sha256(run: Replay) -> None:
    name = run.function_name()
    run.record("create_response", run.create_plain(name))
    got = run.capture("get_fn_response", "get_function", FunctionName=name)
    run.capture("publish_wrong_sha256_exc", "publish_version", FunctionName=name,
                CodeSha256="somenonexistentsha256")
    run.record("publish_result", run.published(
        name, CodeSha256=got["Configuration"]["CodeSha256"]))


@scenario(API, "TestLambdaVersions::test_publish_with_update", "versions")
def publish_with_update(run: Replay) -> None:
    name = run.function_name()
    run.record("create_response", run.create_plain(name))
    run.capture("get_function_result", "get_function", FunctionName=name)
    run.capture("update_function_code_result", "update_function_code", FunctionName=name,
                ZipFile=zip_of({"handler.py": VERSION_HANDLER % "v1"}), Publish=True)
    run.wait("published_version_active", FunctionName=name, Qualifier="1")
    run.capture("get_function_version_result", "get_function", FunctionName=name,
                Qualifier="1")
    run.capture("get_function_latest_result", "get_function", FunctionName=name,
                Qualifier="$LATEST")
