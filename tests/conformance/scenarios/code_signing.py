"""Code signing configurations: their lifecycle, attaching one to a function and listing
what uses it, and refusals of configurations and functions that do not exist."""

from __future__ import annotations

from typing import Any

from tests.conformance.replay import Replay, scenario

API = "lambda_api"


def create_config(run: Replay) -> dict[str, Any]:
    """A configuration enforcing one signing profile, deleted when the scenario ends."""
    profile = f"arn:aws:signer:{run.region}:{run.account_id}:/signing-profiles/test"
    response = run.call("create_code_signing_config", Description="Testing CodeSigning Config",
                        AllowedPublishers={"SigningProfileVersionArns": [profile]},
                        CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Enforce"})
    arn = response.get("CodeSigningConfig", {}).get("CodeSigningConfigArn")
    if arn:
        run.on_cleanup(lambda: run.call("delete_code_signing_config", CodeSigningConfigArn=arn))
    return response


@scenario(API, "TestCodeSigningConfig::test_function_code_signing_config", "code_signing")
def function_code_signing_config(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    created = run.record("create_code_signing_config", create_config(run))
    arn = created["CodeSigningConfig"]["CodeSigningConfigArn"]
    run.capture("update_code_signing_config", "update_code_signing_config",
                CodeSigningConfigArn=arn,
                CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Warn"})
    run.capture("get_code_signing_config", "get_code_signing_config", CodeSigningConfigArn=arn)
    run.capture("put_function_code_signing_config", "put_function_code_signing_config",
                CodeSigningConfigArn=arn, FunctionName=name)
    run.capture("get_function_code_signing_config", "get_function_code_signing_config",
                FunctionName=name)
    # The recording keeps only the list's last configuration: AWS listed more than one.
    listed = run.call("list_code_signing_configs").get("CodeSigningConfigs") or [{}]
    run.record("list_code_signing_configs", listed[-1])
    run.capture("list_functions_by_code_signing_config",
                "list_functions_by_code_signing_config", CodeSigningConfigArn=arn)
    run.capture("delete_function_code_signing_config", "delete_function_code_signing_config",
                FunctionName=name)
    run.capture("delete_code_signing_config", "delete_code_signing_config",
                CodeSigningConfigArn=arn)


@scenario(API, "TestCodeSigningConfig::test_code_signing_not_found_excs", "code_signing")
def code_signing_not_found_excs(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name)
    created = run.record("create_code_signing_config", create_config(run))
    arn = created["CodeSigningConfig"]["CodeSigningConfigArn"]
    invalid = f"{arn[:-1]}x"
    missing = "csc-test-doesnotexist"
    run.capture("delete_csc_notfound", "delete_code_signing_config",
                CodeSigningConfigArn=invalid)
    run.capture("nothing_to_delete_response", "delete_function_code_signing_config",
                FunctionName=name)
    run.capture("delete_function_csc_fnnotfound", "delete_function_code_signing_config",
                FunctionName=missing)
    for key, function, config in [("invalid_fnname", missing, arn),
                                  ("invalid_csc_arn", name, invalid),
                                  ("invalid_both", missing, invalid)]:
        run.capture(f"put_function_csc_{key}", "put_function_code_signing_config",
                    FunctionName=function, CodeSigningConfigArn=config)
    run.capture("update_csc_invalid_csc_arn", "update_code_signing_config",
                CodeSigningConfigArn=invalid, Description="new-description")
    run.capture("update_csc_noupdates", "update_code_signing_config",
                CodeSigningConfigArn=invalid)
    run.capture("update_csc_noupdate_response", "update_code_signing_config",
                CodeSigningConfigArn=arn)
    run.capture("get_csc_invalid", "get_code_signing_config", CodeSigningConfigArn=invalid)
    run.capture("get_function_csc_fnwithoutcsc", "get_function_code_signing_config",
                FunctionName=name)
    run.capture("get_function_csc_nonexistingfn", "get_function_code_signing_config",
                FunctionName=missing)
    run.capture("list_functions_by_csc_fnwithoutcsc", "list_functions_by_code_signing_config",
                CodeSigningConfigArn=arn)
    run.capture("list_functions_by_csc_invalid_cscarn", "list_functions_by_code_signing_config",
                CodeSigningConfigArn=invalid)
