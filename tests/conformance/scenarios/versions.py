"""Versions: publishing (on create, on update, explicitly), listing, deleting one; how the
revision ids of a function, its versions and aliases change, and refusals of a stale one."""

from __future__ import annotations

from tests.conformance.replay import ECHO_HANDLER, VERSION_HANDLER, Replay, scenario, zip_of

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


@scenario(API, "TestLambdaRevisions::test_function_revisions_basic", "versions")
def function_revisions_basic(run: Replay) -> None:
    name = run.function_name()
    code = zip_of({"index.py": ECHO_HANDLER})
    run.record("create_function_response_rev1",
               run.create_function(name, code=code, Handler="index.handler"))
    active = run.capture("get_function_response_rev2", "get_function", FunctionName=name)
    run.capture("update_function_revision_exception", "update_function_code",
                FunctionName=name, ZipFile=code, RevisionId="wrong")
    run.capture("update_function_code_response_rev3", "update_function_code",
                FunctionName=name, ZipFile=code,
                RevisionId=active.get("Configuration", {}).get("RevisionId", ""))
    run.wait("function_updated_v2", FunctionName=name)
    updated = run.capture("get_function_response_rev4", "get_function", FunctionName=name)
    run.capture("update_function_configuration_revision_exception",
                "update_function_configuration", FunctionName=name, Runtime="python3.8",
                RevisionId="wrong")
    run.capture("update_function_configuration_response_rev5", "update_function_configuration",
                FunctionName=name, Runtime="python3.8",
                RevisionId=updated.get("Configuration", {}).get("RevisionId", ""))
    run.wait("function_updated_v2", FunctionName=name)
    run.capture("get_function_response_rev6", "get_function", FunctionName=name)


@scenario(API, "TestLambdaRevisions::test_function_revisions_version_and_alias", "versions")
def function_revisions_version_and_alias(run: Replay) -> None:
    name = run.function_name()
    run.record("create_function_response_rev1", run.create_function(name))
    active = run.capture("get_function_active_rev2", "get_function", FunctionName=name)
    run.capture("publish_version_revision_exception", "publish_version", FunctionName=name,
                RevisionId="wrong")
    version = run.record("publish_version_response_rev_v1", run.published(
        name, RevisionId=active.get("Configuration", {}).get("RevisionId", ""))
    ).get("Version", "1")
    run.capture("get_function_published_version_rev_v2", "get_function", FunctionName=name,
                Qualifier=version)
    run.capture("get_function_latest_rev3", "get_function", FunctionName=name)
    alias = "revision_alias"
    created = run.capture("create_alias_response_rev_a1", "create_alias", FunctionName=name,
                          Name=alias, FunctionVersion=version)
    run.capture("get_function_latest_rev4", "get_function", FunctionName=name)
    run.capture("get_function_published_version_rev_v3", "get_function", FunctionName=name,
                Qualifier=version)
    run.capture("update_alias_revision_exception", "update_alias", FunctionName=name,
                Name=alias, RevisionId="wrong")
    run.capture("update_alias_response_rev_a2", "update_alias", FunctionName=name, Name=alias,
                Description="something changed", RevisionId=created.get("RevisionId", ""))
