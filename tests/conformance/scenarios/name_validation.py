"""Function names and qualifiers AWS refuses (or accepts) in GetFunction, DeleteFunction,
Invoke and CreateFunction, compared on the constraint messages each error lists."""

from __future__ import annotations

import re
from typing import Any

from tests.conformance.replay import ECHO_HANDLER, Replay, Scenario, add_scenario, zip_of

TEST = "TestLambdaFunction::test_function_name_and_qualifier_validation"
CONSTRAINT = re.compile(r"(Value '.*?' at '.*?' failed to satisfy constraint: .+?(?=;|$))")
CASES: dict[str, dict[str, str]] = {
    "invalid_characters_in_function_name": {"FunctionName": "my-function!"},
    "function_name_is_single_invalid": {"FunctionName": "*"},
    "invalid_characters_in_qualifier": {"FunctionName": "my-function", "Qualifier": "invalid!"},
    "qualifier_too_long": {"FunctionName": "my-function", "Qualifier": "a" * 129},
    "invalid_account_id_in_partial_arn": {"FunctionName": "invalid-account:function:my-function"},
    "invalid_region_in_arn": {
        "FunctionName": "arn:aws:lambda:invalid-region:{account}:function:my-function"},
    "non_lambda_arn": {
        "FunctionName": "arn:aws:ec2:{region}:{account}:instance:i-1234567890abcdef0"},
    "function_name_too_long": {"FunctionName": "a" * 65},
    "function_name_too_long_and_invalid_region": {
        "FunctionName": "arn:aws:lambda:invalid-region:{account}:function:my-function" + "a" * 170},
    "full_arn_and_qualifier_too_long_and_invalid_region": {
        "FunctionName": "arn:aws:lambda:invalid-region:{account}:function:my-function-"
                        + "a" * 170,
        "Qualifier": "a" * 129},
    "full_arn_with_multiple_qualifiers": {
        "FunctionName": "arn:aws:lambda:{region}:{account}:function:my-function:1:2"},
    "incomplete_arn": {"FunctionName": "arn:aws:lambda:{region}:{account}:function"},
    "partial_arn_with_extra_qualifier": {"FunctionName": "function:my-function:$LATEST:extra"},
    "latest_version_with_additional_qualifier": {
        "FunctionName": "arn:aws:lambda:{region}:{account}:function:my-function:$LATEST",
        "Qualifier": "1"},
    "lowercase_latest_qualifier": {
        "FunctionName": "arn:aws:lambda:{region}:{account}:function:my-function",
        "Qualifier": "$latest"},
    "missing_region_in_arn": {"FunctionName": "arn:aws:lambda::{account}:function:my-function"},
    "missing_account_id_in_arn": {
        "FunctionName": "arn:aws:lambda:{region}::function:my-function"},
    "misspelled_latest_in_arn": {
        "FunctionName": "arn:aws:lambda:{region}:{account}:function:my-function:$LATES"},
}
OPERATIONS = ["get_function", "delete_function", "invoke", "create_function"]


def constraint_summary(response: dict[str, Any]) -> dict[str, Any]:
    """The recording's shape: each constraint an error names, or its code and message."""
    code, message = response["Error"]["Code"], response["Error"]["Message"]
    found = CONSTRAINT.findall(message)
    if found:
        return {"Code": code, "Errors": sorted(found), "Count": len(found)}
    return {"Code": code, "Message": message}


def validation_case(case: str, operation: str) -> None:
    def replay(run: Replay) -> None:
        params = {key: value.format(region=run.region, account=run.account_id)
                  for key, value in CASES[case].items()}
        if operation == "create_function":
            qualifier = params.pop("Qualifier", "")
            name = params["FunctionName"] + (f":{qualifier}" if qualifier else "")
            response = run.call("create_function", FunctionName=name, Handler="index.handler",
                                Code={"ZipFile": zip_of({"handler.py": ECHO_HANDLER})},
                                PackageType="Zip", Role=run.role, Runtime="python3.12")
            if "Error" not in response:
                run.call("delete_function", FunctionName=response["FunctionArn"])
        else:
            response = run.call(operation, **params)
        if "Error" not in response:
            raise AssertionError(f"{operation} accepted {params}")
        run.record(f"{operation}_exception", constraint_summary(response))
    add_scenario(Scenario("lambda_api", f"{TEST}[{case}-{operation}]", "name_validation",
                          replay))


# Recorded as accepted by AWS (nothing to compare) or not recorded at all.
ACCEPTED = {"incomplete_arn-create_function", "qualifier_too_long1-create_function",
            "function_and_qualifier_too_long-create_function"}
for _case in CASES:
    for _operation in OPERATIONS:
        if f"{_case}-{_operation}" not in ACCEPTED:
            validation_case(_case, _operation)
