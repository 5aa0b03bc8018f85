"""Where an environment's logs go, named as Lambda names them: a log group per function, a
stream per execution environment."""

from __future__ import annotations

from datetime import UTC, datetime

LOG_GROUP_PREFIX = "/aws/lambda/"


def log_group_name(function_name: str) -> str:
    return f"{LOG_GROUP_PREFIX}{function_name}"


def new_log_stream_name(environment_id: str, version: str = "$LATEST") -> str:
    """AWS's stream naming: `YYYY/MM/DD/[$LATEST]<32 hex>`."""
    day = datetime.now(tz=UTC).strftime("%Y/%m/%d")
    return f"{day}/[{version}]{environment_id}"
