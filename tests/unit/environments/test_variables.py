"""The variables an environment's runtime is started with."""

from __future__ import annotations

from simulator.environments.variables import lambda_variables
from tests.unit.function_configs import REGION, function, image_function


def test_an_image_keeps_its_own_runtime_variables() -> None:
    variables = lambda_variables(image_function(), "stream", "10.0.0.1:9001", REGION)

    for name in ("_HANDLER", "AWS_EXECUTION_ENV", "PATH", "PYTHONPATH", "LANG"):
        assert name not in variables
    assert variables["AWS_LAMBDA_RUNTIME_API"] == "10.0.0.1:9001"
    assert lambda_variables(function(), "s", "h:1", REGION)["_HANDLER"] == "app.handler"
