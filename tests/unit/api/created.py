"""A function created through the app's own CreateFunction route, for route tests that need
one to act on."""

from __future__ import annotations

import base64

from flask.testing import FlaskClient

from tests.helpers import ROLE, make_zip, unique_name


def create(client: FlaskClient) -> str:
    name = unique_name()
    response = client.post("/2015-03-31/functions", json={
        "FunctionName": name, "Runtime": "python3.12", "Role": ROLE, "Handler": "app.handler",
        "Code": {"ZipFile": base64.b64encode(make_zip({"app.py": "# fake\n"})).decode()}})
    assert response.status_code == 201, response.get_json()
    return name
