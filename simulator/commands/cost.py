"""`lambda-sim cost`: what each function of a running simulator would cost on AWS this month,
the total, and the free tier's credit apart, priced with AWS's published prices for the
simulator's region."""

from __future__ import annotations

import argparse
from typing import Any

from rich.markup import escape
from rich.table import Column, Table

from simulator.commands.console import print_json, stdout
from simulator.commands.remote import common_options, simulator_call


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cost = commands.add_parser("cost", help="what each function would cost on AWS this month")
    common_options(cost, run)


def run(args: argparse.Namespace) -> int:
    report = simulator_call(args, "cost")
    if args.json:
        print_json(report)
        return 0
    table = Table(Column("function", no_wrap=True), "arch", Column("memory", justify="right"),
                  Column("requests", justify="right"), Column("GB-s", justify="right"),
                  Column("cost", justify="right", no_wrap=True),
                  caption=prices_line(report), caption_justify="left")
    for row in report["functions"]:
        table.add_row(escape(row["function"]), row["architecture"], f"{row['memoryMb']} MB",
                      f"{row['requests']:,}", gb_seconds(row["gbSeconds"]),
                      usd(row["costUsd"]))
    totals = report["totals"]
    free_tier = totals["freeTier"]
    table.add_section()
    table.add_row("total", "", "", f"{totals['requests']:,}", gb_seconds(totals["gbSeconds"]),
                  usd(totals["beforeFreeTierUsd"]))
    table.add_row("free tier", "", "", f"{free_tier['requests']:,}",
                  gb_seconds(free_tier["gbSeconds"]), usd(-free_tier["creditUsd"]))
    table.add_row("total after free tier", "", "", "", "", usd(totals["afterFreeTierUsd"]))
    stdout.print(table)
    return 0


def usd(amount: float) -> str:
    """Cents once there are some; a local function's fractions of a cent otherwise."""
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount == 0 or amount >= 0.01:
        return f"{sign}${amount:,.2f}"
    return f"{sign}${amount:.10f}".rstrip("0")


def gb_seconds(amount: float) -> str:
    """Down to a 128 MB function's millisecond (0.000125 GB-s)."""
    return f"{amount:,.6f}".rstrip("0").rstrip(".")


def prices_line(report: dict[str, Any]) -> str:
    prices = report["prices"]
    line = (f"{report['currency']}, since {report['since'][:19]} UTC, at AWS's "
            f"{prices['region']} prices of {prices['asOf']} ({prices['sources'][0]})")
    if prices["note"]:
        line += f"; {prices['note']}"
    return f"[dim]{escape(line)}[/]"
