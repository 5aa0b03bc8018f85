"""Run a Lambda handler once on the event given as an argument; print its JSON result as the
last line of output (how moto reads a function's answer), or the error and exit 1."""

import importlib
import json
import os
import sys
import time
import traceback
import uuid


class Context:
    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self._deadline = time.time() + float(os.environ.get("AWS_LAMBDA_FUNCTION_TIMEOUT", 3))

    def get_remaining_time_in_millis(self) -> int:
        return max(int((self._deadline - time.time()) * 1000), 0)


def main() -> int:
    spec, event = sys.argv[1], json.loads(sys.argv[2])
    sys.path.insert(0, os.environ.get("LAMBDA_TASK_ROOT", "/var/task"))
    module, _, name = spec.rpartition(".")
    try:
        result = getattr(importlib.import_module(module), name)(event, Context())
    except Exception as error:
        traceback.print_exc()
        print(json.dumps({"errorMessage": str(error), "errorType": type(error).__name__}))
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
