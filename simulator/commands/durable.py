"""`lambda-sim durable`: durable executions of a running simulator: list them, and move
durable time forward so that a wait of hours ends now."""

from __future__ import annotations

import argparse
import re

from rich.table import Table

from simulator.commands.console import console, fail, print_json, stdout
from simulator.commands.remote import client, common_options, simulator_call

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DURATION = re.compile(r"(?P<amount>\d+(?:\.\d+)?)(?P<unit>[smhd]?)")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    durable = commands.add_parser("durable", help="durable executions: list them, skip time")
    actions = durable.add_subparsers(dest="durable_action", metavar="ACTION", required=True)
    advance = actions.add_parser("advance", help="move durable time forward: waits, retry "
                                 "delays and callback timeouts due within it end now")
    advance.add_argument("duration", help="e.g. 90s, 30m, 3h, 2d (a bare number is seconds)")
    common_options(advance, run_advance)
    listing = actions.add_parser("ls", help="a function's durable executions")
    listing.add_argument("function")
    common_options(listing, run_ls)


def seconds_of(duration: str) -> float:
    match = DURATION.fullmatch(duration.strip().lower())
    if match is None or float(match["amount"]) <= 0:
        fail(f"not a duration: {duration!r} (e.g. 90s, 30m, 3h, 2d)")
    return float(match["amount"]) * UNITS[match["unit"] or "s"]


def run_advance(args: argparse.Namespace) -> int:
    answer = simulator_call(args, "durable/advance", {"seconds": seconds_of(args.duration)})
    if args.json:
        print_json(answer)
    else:
        console.print(f"durable time is {answer['aheadSeconds']:g} s ahead of the clock")
    return 0


def run_ls(args: argparse.Namespace) -> int:
    from botocore.exceptions import ClientError, EndpointConnectionError

    try:
        executions = client(args, "lambda").list_durable_executions_by_function(
            FunctionName=args.function)["DurableExecutions"]
    except EndpointConnectionError as error:
        fail(f"no simulator answers: {error}")
    except ClientError as error:
        fail(f"{error.response['Error'].get('Code')}: {error.response['Error'].get('Message')}")
    if args.json:
        print_json(executions)
        return 0
    table = Table("name", "status", "started", "ended")
    for execution in executions:
        table.add_row(execution["DurableExecutionName"], execution["Status"],
                      str(execution.get("StartTimestamp", "")),
                      str(execution.get("EndTimestamp", "")))
    stdout.print(table)
    return 0
