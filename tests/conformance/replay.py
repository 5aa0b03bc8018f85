"""Replay a scenario's boto3 calls against a running simulator and compare what it answers
with what AWS answered (`recorded/`).

A scenario is a function of a `Replay`: it makes the calls the recording was made with and
`record`s each answer under the recording's key. `run_scenario` then compares every recorded
key with ours (`matching.Comparison`) and reports the differences."""

from __future__ import annotations

import io
import json
import logging
import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.response import StreamingBody

from tests.conformance.matching import Comparison

LOG = logging.getLogger(__name__)
RECORDED = Path(__file__).parent / "recorded"
ECHO_HANDLER = "import json\n\n\ndef handler(event, context):\n    print(json.dumps(event))\n" \
               "    return event\n"
VERSION_HANDLER = "def handler(event, context):\n    return {'version': '%s'}\n"


def zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def short_id() -> str:
    return uuid.uuid4().hex[:8]


@dataclass(frozen=True)
class Scenario:
    """One recorded test: `source` names its file in `recorded/`, `test` its key there. A
    scenario about what a runtime's own environment holds names that runtime (`runtime`) and
    runs on the Docker executor, in that runtime's image; the others run on processes."""

    source: str
    test: str
    area: str
    run: Callable[[Replay], None]
    runtime: str | None = None

    @property
    def id(self) -> str:
        return f"{self.source}::{self.test}"


SCENARIOS: dict[str, Scenario] = {}


def scenario(source: str, test: str, area: str, runtime: str | None = None
             ) -> Callable[[Callable[[Replay], None]], Callable[[Replay], None]]:
    """Register the decorated function as the replay of recorded test `test`; with `runtime`,
    one that runs in that runtime's container."""
    def register(run: Callable[[Replay], None]) -> Callable[[Replay], None]:
        add_scenario(Scenario(source, test, area, run, runtime))
        return run
    return register


def add_scenario(entry: Scenario) -> None:
    if entry.id in SCENARIOS:
        raise ValueError(f"two replays of {entry.id}")
    SCENARIOS[entry.id] = entry


@cache
def recordings(source: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((RECORDED / f"{source}.json").read_text())
    return loaded


def recorded_content(entry: Scenario) -> dict[str, Any]:
    content: dict[str, Any] = recordings(entry.source)[entry.test]["recorded-content"]
    return content


class Replay:
    """The calls of one scenario: a client, what it recorded, and what to clean up."""

    def __init__(self, endpoint: str, account_id: str, region: str) -> None:
        self.endpoint = endpoint
        self.account_id = account_id
        self.region = region
        self.lambda_ = self.client("lambda")
        self.recorded: dict[str, Any] = {}
        self._cleanups: list[Callable[[], Any]] = []

    def client(self, service: str, region: str | None = None, validate: bool = True) -> Any:
        return boto3.client(service, endpoint_url=self.endpoint,
                            region_name=region or self.region,
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"max_attempts": 1}, read_timeout=120,
                                          parameter_validation=validate))

    def record(self, key: str, value: Any) -> Any:
        if key in self.recorded:
            raise ValueError(f"{key} recorded twice")
        self.recorded[key] = value
        return value

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """A Lambda operation's response, or its error response: both are compared."""
        return call(self.lambda_, operation, **params)

    def call_with(self, client: Any, operation: str, **params: Any) -> dict[str, Any]:
        """Like `call`, with another client (another region, no parameter validation)."""
        return call(client, operation, **params)

    def capture(self, key: str, operation: str, **params: Any) -> dict[str, Any]:
        """Call and record the answer under `key`."""
        response: dict[str, Any] = self.record(key, self.call(operation, **params))
        return response

    def invoke(self, **params: Any) -> dict[str, Any]:
        """Invoke, answered as the recorder wrote its answers (`as_recorded`)."""
        recorded: dict[str, Any] = as_recorded(self.call("invoke", **params))
        return recorded

    def arn(self, resource: str, service: str = "lambda") -> str:
        return f"arn:aws:{service}:{self.region}:{self.account_id}:{resource}"

    @property
    def role(self) -> str:
        return f"arn:aws:iam::{self.account_id}:role/lambda-test-role"

    def on_cleanup(self, action: Callable[[], Any]) -> None:
        self._cleanups.append(action)

    def cleanup(self) -> None:
        for action in reversed(self._cleanups):
            try:
                action()
            except ClientError as error:
                LOG.debug("cleanup: %s", error)

    def function_name(self) -> str:
        name = f"fn-{short_id()}"
        self.on_cleanup(lambda: call(self.lambda_, "delete_function", FunctionName=name))
        return name

    def create_function(self, name: str | None = None, code: bytes | None = None,
                        **settings: Any) -> dict[str, Any]:
        """CreateFunction with the recordings' defaults (an echo handler in python3.12, 30 s,
        no variables, no tags), answered in the recordings' shape (the response beside an
        absent event source mapping); waits until the function is Active."""
        params: dict[str, Any] = {
            "FunctionName": name or self.function_name(), "Runtime": "python3.12",
            "Handler": "handler.handler", "Role": self.role,
            "Code": {"ZipFile": code or zip_of({"handler.py": ECHO_HANDLER})},
            "Timeout": 30, "Environment": {"Variables": {}}, "Tags": {}}
        params.update(settings)
        return {"CreateFunctionResponse": self.create_function_plain(**params),
                "CreateEventSourceMappingResponse": None}

    def plain(self, name: str, **params: Any) -> dict[str, Any]:
        """The recordings' CreateFunction parameters without the fixture's defaults."""
        settings: dict[str, Any] = {"FunctionName": name, "Handler": "index.handler",
                                    "Code": {"ZipFile": zip_of({"handler.py": ECHO_HANDLER})},
                                    "PackageType": "Zip", "Role": self.role,
                                    "Runtime": "python3.12"}
        settings.update(params)
        return settings

    def create_plain(self, name: str | None = None, **params: Any) -> dict[str, Any]:
        return self.create_function_plain(**self.plain(name or self.function_name(), **params))

    def create_function_plain(self, **params: Any) -> dict[str, Any]:
        """CreateFunction with exactly `params`; waits until the function is Active. A refusal
        is returned as it is, to be compared with the recorded success."""
        params.setdefault("Role", self.role)
        response = self.call("create_function", **params)
        if "Error" not in response:
            self.wait("function_active_v2", FunctionName=params["FunctionName"])
        return response

    def published(self, name: str, **params: Any) -> dict[str, Any]:
        """PublishVersion, then wait until the version is Active."""
        response = self.call("publish_version", FunctionName=name, **params)
        if "Version" in response:
            self.wait("published_version_active", FunctionName=name,
                      Qualifier=response["Version"])
        return response

    def mapping(self, **params: Any) -> dict[str, Any]:
        """CreateEventSourceMapping, deleted when the scenario ends."""
        response = self.call("create_event_source_mapping", **params)
        if "UUID" in response:
            self.on_cleanup(lambda: call(self.lambda_, "delete_event_source_mapping",
                                         UUID=response["UUID"]))
        return response

    def wait_for_mapping(self, mapping: str, leaving: str = "Creating") -> bool:
        """Whether the mapping's State left `leaving` within 30 s."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            state = self.call("get_event_source_mapping", UUID=mapping).get("State")
            if state != leaving:
                return True
            time.sleep(0.2)
        return False

    def wait(self, waiter: str, **params: Any) -> None:
        self.lambda_.get_waiter(waiter).wait(WaiterConfig={"Delay": 0.2, "MaxAttempts": 300},
                                             **params)


def call(client: Any, operation: str, **params: Any) -> dict[str, Any]:
    try:
        response: dict[str, Any] = getattr(client, operation)(**params)
    except ClientError as error:
        return dict(error.response)
    return response


def as_recorded(value: Any) -> Any:
    """`value` as the recorder wrote a response: a stream as its text, and text that starts
    with `{` as the JSON it holds (so a returned object is compared as one, and `null` or an
    empty body as text)."""
    if isinstance(value, StreamingBody):
        value = value.read().decode("utf-8", "replace")
    if isinstance(value, dict):
        return {key: as_recorded(item) for key, item in value.items()}
    if isinstance(value, str) and value.startswith("{"):
        try:
            return as_recorded(json.loads(value))
        except json.JSONDecodeError:
            return value
    return value


@dataclass
class ScenarioResult:
    """How one scenario compared: per recorded response, and every difference found."""

    id: str
    area: str
    responses: int = 0
    matched_responses: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return not self.differences

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "area": self.area, "responses": self.responses,
                "matched_responses": self.matched_responses, "differences": self.differences}


def run_scenario(entry: Scenario, endpoint: str, account_id: str, region: str
                 ) -> ScenarioResult:
    replay = Replay(endpoint, account_id, region)
    stopped: str | None = None
    try:
        entry.run(replay)
    except Exception as error:  # the scenario stops; what it recorded so far is compared
        stopped = f"the scenario stopped: {type(error).__name__}: {error}"
    finally:
        replay.cleanup()
    result = compare(entry, replay.recorded, account_id, region, stopped)
    # Our address changes from run to run; the differences should not.
    result.differences = [text.replace(endpoint, "<endpoint>") for text in result.differences]
    return result


def compare(entry: Scenario, ours: dict[str, Any], account_id: str, region: str,
            stopped: str | None = None) -> ScenarioResult:
    expected = recorded_content(entry)
    result = ScenarioResult(entry.id, entry.area, responses=len(expected))
    comparison = Comparison(account_id, region)
    for key, want in expected.items():
        if key not in ours:
            result.differences.append(f"{key}: not produced")
            continue
        found = comparison.differences(want, ours[key], key)
        result.differences.extend(found)
        result.matched_responses += not found
    result.differences.extend(f"{key}: not in the recording" for key in ours.keys() - expected)
    if stopped:
        result.differences.append(stopped)
    return result

