"""The environment variables the Lambda service sets inside every execution environment."""

from __future__ import annotations

from simulator.environments.log_names import log_group_name
from simulator.models import FunctionConfig

# Fixed dummy credentials: functions that call AWS talk to the simulator, never to AWS.
LOCAL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_SESSION_TOKEN": "test",
}

IMAGE_OWNED = ("_HANDLER", "AWS_EXECUTION_ENV", "PATH", "PYTHONPATH", "LANG")


def lambda_variables(
    function: FunctionConfig,
    log_stream_name: str,
    runtime_api: str,
    region: str,
    initialization_type: str = "on-demand",
    endpoint_url: str = "",
    xray_daemon: str = "",
    secret_access_key: str = "",
    access_key_id: str = "",
) -> dict[str, str]:
    """AWS's reserved variables first; the function's own (which may not override
    the reserved ones on AWS) merged under them; under those, `AWS_ENDPOINT_URL` so that
    the SDKs inside call the simulator rather than AWS. `xray_daemon` (host:port) is where
    the X-Ray SDK sends segments; the per-invocation `_X_AMZN_TRACE_ID` is the runtime's
    to set from each event's trace header. `secret_access_key`: the server's access token,
    when it asks for one, so that the SDKs inside sign what the server accepts.
    `access_key_id`: the function's account id, so that its calls stay in its account."""
    reserved = {
        "_HANDLER": function.handler,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
        "AWS_LAMBDA_FUNCTION_VERSION": function.version,
        "AWS_LAMBDA_INITIALIZATION_TYPE": initialization_type,
        "AWS_LAMBDA_LOG_GROUP_NAME": log_group_name(function.name),
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream_name,
        "AWS_LAMBDA_RUNTIME_API": runtime_api,
        "LAMBDA_TASK_ROOT": "/var/task",
        "LAMBDA_RUNTIME_DIR": "/var/runtime",
        "TZ": ":UTC",
        "LANG": "en_US.UTF-8",
        "PATH": "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin",
        "PYTHONPATH": "/var/runtime",
        **LOCAL_CREDENTIALS,
    }
    if function.log_format == "JSON":
        # What the runtimes read to write JSON logs and filter the application's by level.
        reserved.update({"AWS_LAMBDA_LOG_FORMAT": "JSON",
                         "AWS_LAMBDA_LOG_LEVEL": function.application_log_level})
    if secret_access_key:
        reserved["AWS_SECRET_ACCESS_KEY"] = secret_access_key
    if access_key_id:
        reserved["AWS_ACCESS_KEY_ID"] = access_key_id
    if xray_daemon:
        host, _, port = xray_daemon.rpartition(":")
        reserved.update({
            "AWS_XRAY_DAEMON_ADDRESS": xray_daemon,
            "_AWS_XRAY_DAEMON_ADDRESS": host,
            "_AWS_XRAY_DAEMON_PORT": port,
            "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        })
    if function.is_image:
        # The image brings its runtime: its own ENV says where that lives and which handler
        # its CMD names.
        for name in IMAGE_OWNED:
            reserved.pop(name)
    defaults = {"AWS_ENDPOINT_URL": endpoint_url} if endpoint_url else {}
    return {**defaults, **function.environment, **reserved}
