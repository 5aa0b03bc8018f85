"""GetAccountSettings: AWS's code-size limits, the simulator's configured concurrency, and
what the registry holds (every function's `$LATEST`, its published versions and the layer
versions count towards the account's code storage, as on AWS)."""

from __future__ import annotations

from typing import Any

from simulator.functions.code_store import MAX_UNZIPPED_BYTES, MAX_ZIPPED_BYTES
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.layer_operations import LayerService

TOTAL_CODE_SIZE_LIMIT = 80_530_636_800  # 75 GB


def account_settings(operations: FunctionOperations, layers: LayerService | None
                     ) -> dict[str, Any]:
    functions = operations.all_latest()
    code_size = sum(function.code_size for function in functions)
    code_size += sum(version.code_size for function in functions
                     for version in operations.published_versions(function.name))
    if layers is not None:
        code_size += layers.stored_code_size()
    reserved = sum(function.reserved_concurrency or 0 for function in functions)
    concurrency = operations.settings.account_concurrency
    return {
        "AccountLimit": {
            "TotalCodeSize": TOTAL_CODE_SIZE_LIMIT,
            "CodeSizeUnzipped": MAX_UNZIPPED_BYTES,
            "CodeSizeZipped": MAX_ZIPPED_BYTES,
            "ConcurrentExecutions": concurrency,
            "UnreservedConcurrentExecutions": concurrency - reserved,
        },
        "AccountUsage": {"TotalCodeSize": code_size, "FunctionCount": len(functions)},
    }
