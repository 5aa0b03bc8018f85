"""Account settings and the runtimes AWS no longer lets a function be created with."""

from __future__ import annotations

from tests.conformance.replay import Replay, Scenario, add_scenario, scenario, short_id

API = "lambda_api"
DEPRECATED = ["java8", "go1.x", "provided", "ruby2.7", "nodejs14.x", "python3.7",
              "dotnetcore3.1", "nodejs12.x"]


@scenario(API, "TestLambdaAccountSettings::test_account_settings", "account_settings")
def account_settings(run: Replay) -> None:
    settings = run.call("get_account_settings")
    settings["AccountLimit"] = sorted(settings["AccountLimit"])
    settings["AccountUsage"] = sorted(settings["AccountUsage"])
    run.record("acc_settings_modded", settings)


def deprecated_runtime(runtime: str) -> None:
    def replay(run: Replay) -> None:
        name = f"fn-{short_id()}"
        run.on_cleanup(lambda: run.call("delete_function", FunctionName=name))
        run.capture("deprecation_error", "create_function", FunctionName=name, Runtime=runtime,
                    Handler="handler.handler", Role=run.role, Timeout=30,
                    Code=run.plain(name)["Code"], Environment={"Variables": {}}, Tags={})
    add_scenario(Scenario(API, "TestRuntimeValidation::test_create_deprecated_function_runtime"
                          f"_with_validation_enabled[{runtime}]", "account_settings", replay))


for _runtime in DEPRECATED:
    deprecated_runtime(_runtime)
