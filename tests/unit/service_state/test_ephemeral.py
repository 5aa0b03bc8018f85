"""`--ephemeral` and `LAMBDA_SIM_EPHEMERAL=1` keep the AWS services' state in memory only."""

from __future__ import annotations

import argparse

from simulator.commands import serve
from simulator.config import Settings


def parsed(*arguments: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    serve.add_parser(parser.add_subparsers())
    return parser.parse_args(["serve", *arguments])


def test_the_state_is_kept_unless_asked_not_to() -> None:
    assert Settings.from_env(environ={}).ephemeral is False
    assert Settings.from_env(environ={"LAMBDA_SIM_EPHEMERAL": "1"}).ephemeral is True


def test_the_flag_sets_it_and_its_absence_leaves_the_variable_in_charge() -> None:
    assert parsed("--ephemeral").ephemeral is True
    assert parsed().ephemeral is None
    assert Settings.from_env(environ={"LAMBDA_SIM_EPHEMERAL": "1"},
                             ephemeral=parsed().ephemeral).ephemeral is True
