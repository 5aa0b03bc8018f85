"""Calls the compose service `echo` by its service name, as a function calls a database or an
API that runs next to it, and returns what came back."""

import json
import os
import urllib.request


def handler(event, context):
    request = urllib.request.Request(
        f"{os.environ['ECHO_URL']}/from-lambda",
        data=json.dumps(event or {}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return {"status": response.status, "echo": json.load(response)}
