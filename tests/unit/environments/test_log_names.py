"""Log groups and streams are named as Lambda names them."""

from __future__ import annotations

import re

from simulator.environments.log_names import log_group_name, new_log_stream_name


def test_a_function_s_log_group_is_under_aws_lambda() -> None:
    assert log_group_name("orders") == "/aws/lambda/orders"


def test_a_stream_is_named_by_day_version_and_environment() -> None:
    name = new_log_stream_name("0123456789abcdef0123456789abcdef", "3")
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[3\]0123456789abcdef0123456789abcdef", name)
    assert "[$LATEST]" in new_log_stream_name("e" * 32)
