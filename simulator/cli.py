"""`lambda-sim`: serve the simulator, talk to a running one, build its runtime images."""

from __future__ import annotations

import argparse
import sys

from rich.markup import escape

from simulator import __version__
from simulator.commands import cost, durable, images, remote, scaffold, serve
from simulator.commands.console import CommandError, console


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lambda-sim", description="A local AWS Lambda.")
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    serve.add_parser(commands)
    remote.add_parsers(commands)
    cost.add_parser(commands)
    images.add_parser(commands)
    scaffold.add_parser(commands)
    durable.add_parser(commands)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except CommandError as error:
        console.print(f"[red]error:[/] {escape(str(error))}")
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
