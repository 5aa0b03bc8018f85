"""Clients of a module's `simulator` fixture: Flask's test client, and a boto3 Lambda client
whose requests that app answers."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from simulator.app import Simulator
from tests.unit.botocore_answers import lambda_client_of


@pytest.fixture
def client(simulator: Simulator) -> FlaskClient:
    return simulator.app.test_client()


@pytest.fixture(scope="module")
def boto(simulator: Simulator) -> Any:
    return lambda_client_of(simulator.app)
