"""Account settings and the runtimes AWS no longer lets a function be created with."""

from __future__ import annotations

import io
import zipfile

from tests.conformance.replay import (
    ECHO_HANDLER,
    Replay,
    Scenario,
    add_scenario,
    scenario,
    short_id,
    zip_of,
)

API = "lambda_api"
DEPRECATED = ["java8", "go1.x", "provided", "ruby2.7", "nodejs14.x", "python3.7",
              "dotnetcore3.1", "nodejs12.x"]
NODE_ECHO_HANDLER = "exports.handler = async (event) => {\n    console.log(event);\n" \
                    "    return event;\n};\n"


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


def zip_of_size(files: dict[str, str], size: int) -> bytes:
    """A zip of `files` padded (with an archive comment) to exactly `size` bytes: the
    recorded code-size differences are the sizes of the recorder's own archives."""
    unpadded = len(zip_of(files))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.comment = b" " * (size - unpadded)
        for name, content in files.items():
            archive.writestr(name, content)
    padded = buffer.getvalue()
    if len(padded) != size:
        raise ValueError(f"the archive has {len(padded)} bytes, not {size}")
    return padded


def total_code_size(run: Replay) -> int:
    size: int = run.call("get_account_settings")["AccountUsage"]["TotalCodeSize"]
    return size


@scenario(API, "TestLambdaAccountSettings::test_account_settings_total_code_size",
          "account_settings")
def account_settings_total_code_size(run: Replay) -> None:
    function_zip = zip_of_size({"index.py": ECHO_HANDLER}, 276)
    layer_zip = zip_of_size({"python/layer.py": "VALUE = 1\n"}, 169)
    before = total_code_size(run)
    name = run.function_name()
    run.create_function_plain(**run.plain(name, Code={"ZipFile": function_zip}))
    after = total_code_size(run)
    run.record("total_code_size_diff_create_function", after - before)
    before = after
    run.call("update_function_code", FunctionName=name, ZipFile=function_zip, Publish=True)
    after = total_code_size(run)
    run.record("total_code_size_diff_update_function", after - before)
    layer = f"testlayer-{short_id()}"
    for key in ("total_code_size_diff_publish_layer",
                "total_code_size_diff_publish_layer_version"):
        before = after
        version = run.call("publish_layer_version", LayerName=layer,
                           Content={"ZipFile": layer_zip}).get("Version")
        run.on_cleanup(lambda version=version: run.call(
            "delete_layer_version", LayerName=layer, VersionNumber=version))
        after = total_code_size(run)
        run.record(key, after - before)


@scenario(API, "TestLambdaAccountSettings::test_account_settings_total_code_size_config_update",
          "account_settings")
def account_settings_total_code_size_config_update(run: Replay) -> None:
    before = total_code_size(run)
    name = run.function_name()
    run.create_function_plain(**run.plain(
        name, Runtime="nodejs18.x", Handler="index.handler",
        Code={"ZipFile": zip_of_size({"index.js": NODE_ECHO_HANDLER}, 368)}))
    after = total_code_size(run)
    run.record("is_total_code_size_diff_create_function_more_than_200", after - before > 200)
    before = after
    run.call("update_function_configuration", FunctionName=name, Runtime="nodejs20.x")
    run.wait("function_updated_v2", FunctionName=name)
    after = total_code_size(run)
    run.record("total_code_size_diff_update_function_configuration", after - before)
    before = after
    run.call("publish_version", FunctionName=name,
             Description="actually publish the config update")
    run.wait("function_active_v2", FunctionName=name)
    after = total_code_size(run)
    run.record("is_total_code_size_diff_publish_version_after_config_update_more_than_200",
               after - before > 200)
