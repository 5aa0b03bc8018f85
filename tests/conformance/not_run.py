"""Recorded scenarios that are not replayed, and why. `recorded/index.json` lists every
scenario recorded against AWS (per source file, with how many responses it recorded); each
one is either replayed (a scenario in `scenarios/`) or matched by a rule here, which gives
its area and the reason. The first rule that matches an id applies."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

INDEX = Path(__file__).parent / "recorded" / "index.json"

STALE = ("recorded by an earlier version of the test whose parameters are gone; the calls "
         "that produced it are not known")
NOT_YET = "not replayed yet"


@dataclass(frozen=True)
class NotRun:
    area: str
    reason: str


# (source, pattern on the test id, area, reason)
RULES: list[tuple[str, str, str, str]] = [
    ("lambda_api", r"test_function_name_and_qualifier_validation\[(qualifier_too_long[01]|"
     r"function_name_and_qualifier_too_long)-", "name_validation", STALE),
    ("lambda_api", r"^TestLambdaTag::test_tag_lifecycle$", "tags",
     STALE + " (replayed as its [lambda_function] case)"),
    ("lambda_api", r"^TestLambdaImages::", "functions",
     "container image functions need the recorded images in an ECR registry"),
    ("lambda_api", r"^TestLambdaFunction::", "functions", NOT_YET),
    ("lambda_api", r"^TestLambdaLayer::", "layers", NOT_YET),
    ("lambda_api", r"^TestLambdaPermissions::|^TestLambdaRevisions::test_function_revisions_"
     r"permissions", "permissions", NOT_YET),
    ("lambda_api", r"^TestLambdaRevisions::", "versions", NOT_YET),
    ("lambda_api", r"^TestLambdaProvisionedConcurrency::", "concurrency", NOT_YET),
    ("lambda_api", r"^TestLambdaReservedConcurrency::test_function_concurrency_limits",
     "concurrency", "needs the account's concurrency limit lowered to 5, which the recording's "
     "account had and ours cannot be set to through the API"),
    ("lambda_api", r"^TestLambdaEventSourceMappings::", "event_source_mappings", NOT_YET),
    ("lambda_api", r"^TestCodeSigningConfig::", "code_signing", NOT_YET),
    ("lambda_api", r"^TestLoggingConfig::", "logging_config", NOT_YET),
    ("lambda_api", r"^TestLambdaEventInvokeConfig::", "event_invoke_configs", NOT_YET),
    ("lambda_api", r"^TestLambdaUrl::", "function_urls", NOT_YET),
    ("lambda", r"^TestLambdaBehavior::(test_runtime_introspection_(x86|arm)|test_runtime_ulimits"
     r"|test_lambda_init_environment)$", "invoke",
     "AWS's sandbox itself (its user, /var/task's owners, ulimits, PID 1's environment); the "
     "suite runs the process executor, which runs on the host"),
    ("lambda", r"^TestLambdaBehavior::test_mixed_architecture$", "invoke",
     "needs an engine that runs both x86_64 and arm64"),
    ("lambda", r"^TestLambdaBehavior::test_lambda_host_prefix_api_operation$", "invoke",
     "Step Functions' StartSyncExecution through its `sync-` host prefix from inside a function"),
    ("lambda", r"^TestLambdaConcurrency::test_lambda_provisioned_concurrency_moves_with_alias$",
     "concurrency", "recorded in 2023 on python3.8, which the simulator does not run, with "
     "answers that predate LoggingConfig"),
    ("lambda", r"^TestLambdaFeatures::test_invocation_type_event_error$", "invoke",
     "its recorded log events keep exact durations (\"Duration: 3.01 ms\"), which no run "
     "reproduces"),
    ("destinations", r".", "destinations",
     NOT_YET + ": asynchronous invocations delivered to SQS, EventBridge and dead-letter queues"),
    ("kinesis", r"^TestKinesisSource::test_kinesis_maximum_record_age_exceeded",
     "event_source_mappings", "records must outlive MaximumRecordAgeInSeconds, at least 60 s "
     "on AWS: each replay would wait over a minute"),
    ("common", r"\[(java8\.al2|java11|java17|java21|java25)\]$", "runtimes",
     "Java runtimes: the simulator has no Java runtime (no image, no runtime client), and the "
     "recorded handlers are Java classes built with Gradle"),
    ("common", r"\[dotnet(6|8|10)\]$", "runtimes",
     ".NET runtimes: the simulator has no .NET runtime (no image, no runtime client), and the "
     "recorded handlers are C# projects built with the .NET SDK"),
    ("common", r"\[ruby3\.\d+\]$", "runtimes",
     "Ruby runtimes: the simulator has no Ruby runtime (no image, no runtime client)"),
    ("common", r"\[(python3\.(8|9|10)|nodejs16\.x)\]$", "runtimes",
     "python3.8–3.10 and nodejs16.x: the simulator runs only python3.11–3.14 and "
     "nodejs18.x–24.x"),
    ("common", r".", "runtimes",
     "replayed in its runtime's container: skipped here, as its runtime image is not built "
     "(or, for provided.*, there is no rustc to build the handler)"),
]


@cache
def recorded_index() -> dict[str, dict[str, int]]:
    """Every scenario recorded against AWS: source → test id → number of responses."""
    index: dict[str, dict[str, int]] = json.loads(INDEX.read_text())
    return index


def not_run(replayed: set[str]) -> dict[str, NotRun]:
    """Each recorded scenario not in `replayed` (ids `source::test`), with its rule's reason;
    one no rule covers gets none, and its test says so."""
    found: dict[str, NotRun] = {}
    for source, tests in recorded_index().items():
        for test in tests:
            scenario_id = f"{source}::{test}"
            if scenario_id in replayed:
                continue
            rule = next((rule for rule in RULES if rule[0] == source
                         and re.search(rule[1], test)), None)
            found[scenario_id] = (NotRun(rule[2], rule[3]) if rule
                                  else NotRun("unknown", ""))
    return found
