"""Every operation of the installed botocore's Lambda model has a route in the simulator's
app: its method and path, as botocore builds them, match a rule of the app's URL map. A
botocore upgrade that adds an operation fails here until the operation is served."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from botocore.model import OperationModel
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, RequestRedirect

from simulator.app import Simulator
from simulator.botocore_models import service_model
from simulator.config import Settings
from simulator.executors.fake import FakeExecutor

LABEL = re.compile(r"\{(?P<name>[A-Za-z0-9]+)\}")
MODEL = service_model("lambda")


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path_factory.mktemp("state"))
    simulator = Simulator(settings, executor=FakeExecutor({}))
    yield simulator
    simulator.close()


def request_line(operation: OperationModel) -> tuple[str, str]:
    """The method and path botocore sends, each URI label filled with a value of its shape
    (a number for a number, as a layer's version)."""
    members = operation.input_shape.members if operation.input_shape is not None else {}

    def value(label: re.Match[str]) -> str:
        shape = next((member for member in members.values()
                      if member.serialization.get("name") == label["name"]), None)
        if shape is not None and shape.type_name in ("integer", "long"):
            return "1"
        return "thing"

    path = LABEL.sub(value, operation.http["requestUri"].split("?", 1)[0])
    return operation.http["method"], path


def unrouted(url_map: Map) -> list[str]:
    """The operations no rule serves (a redirect to another path counts as none: botocore
    does not follow it)."""
    adapter = url_map.bind("lambda.test")
    missing = []
    for name in MODEL.operation_names:
        method, path = request_line(MODEL.operation_model(name))
        try:
            adapter.match(path, method=method)
        except (NotFound, MethodNotAllowed, RequestRedirect):
            missing.append(name)
    return missing


def without(url_map: Map, endpoint: str) -> Map:
    return Map([rule.empty() for rule in url_map.iter_rules() if rule.endpoint != endpoint])


def test_every_operation_of_the_model_has_a_route(simulator: Simulator) -> None:
    assert len(MODEL.operation_names) >= 91
    assert unrouted(simulator.app.url_map) == []


def test_an_operation_whose_route_is_removed_is_reported(simulator: Simulator) -> None:
    url_map = without(simulator.app.url_map, "function_settings_api.get_function_recursion_config")

    assert unrouted(url_map) == ["GetFunctionRecursionConfig"]


def test_an_app_without_routes_serves_no_operation() -> None:
    assert unrouted(Map()) == list(MODEL.operation_names)


def test_labels_are_filled_as_botocore_fills_them() -> None:
    assert request_line(MODEL.operation_model("GetLayerVersion")) == (
        "GET", "/2018-10-31/layers/thing/versions/1")
    assert request_line(MODEL.operation_model("InvokeAsync"))[1].startswith(
        "/2014-11-13/functions/thing/invoke-async")
