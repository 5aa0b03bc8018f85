"""The scenarios, one module an area; importing a module registers its replays."""

from __future__ import annotations

import importlib

AREAS = ["functions", "name_validation", "versions", "aliases", "tags", "event_invoke_configs",
         "concurrency", "account_settings", "function_urls", "permissions", "layers",
         "event_source_mappings", "logging_config", "code_signing", "invoke",
         "destinations", "sqs_mappings", "kinesis_mappings", "dynamodb_mappings", "runtimes"]


def load_all() -> None:
    for area in AREAS:
        importlib.import_module(f"{__name__}.{area}")
