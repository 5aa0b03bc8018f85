"""botocore's service models, read with its loader alone: the wire contract the API checks
request bodies against and shapes its errors by."""

from __future__ import annotations

import subprocess
import sys

import pytest
from botocore.exceptions import UnknownServiceError

from simulator.botocore_models import service_model


def test_the_lambda_model_is_the_rest_json_contract_boto3_speaks() -> None:
    model = service_model("lambda")

    assert model.service_name == "lambda"
    assert model.protocol == "rest-json"
    assert model.api_version == "2015-03-31"
    invoke = model.operation_model("Invoke")
    assert invoke.http["method"] == "POST"
    assert invoke.http["requestUri"] == "/2015-03-31/functions/{FunctionName}/invocations"


def test_other_services_models_are_read_too() -> None:
    assert service_model("sqs").operation_model("ReceiveMessage").name == "ReceiveMessage"


def test_a_model_is_read_once_and_shared() -> None:
    assert service_model("lambda") is service_model("lambda")


def test_an_unknown_service_is_botocore_s_error() -> None:
    with pytest.raises(UnknownServiceError):
        service_model("no-such-service")


def test_reading_a_model_loads_no_botocore_session_or_credential_chain() -> None:
    probe = ("import sys; from simulator.botocore_models import service_model; "
             "service_model('lambda'); "
             "print(sorted(m for m in ('botocore.session', 'botocore.credentials', "
             "'botocore.client', 'boto3') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=30, check=True).stdout.strip()

    assert loaded == "[]"
