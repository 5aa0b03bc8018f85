"""Testing a function with the `lambda_sim` fixture (installed with lambda-simulator)."""

import json
from pathlib import Path


def test_hello(lambda_sim):
    lambda_sim.deploy_folder("hello", Path(__file__).parent / "hello")
    response = lambda_sim.client("lambda").invoke(FunctionName="hello",
                                                  Payload=json.dumps({"name": "tests"}))
    assert json.loads(response["Payload"].read()) == {"greeting": "hello, tests"}
    assert any(line.startswith("REPORT") for line in lambda_sim.logs("hello"))
