"""`lambda-sim images build`: the runtime images, with progress while they build."""

from __future__ import annotations

import argparse

from simulator.commands.console import console, fail, print_json


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    images = commands.add_parser("images", help="runtime images")
    image_commands = images.add_subparsers(dest="images_command", metavar="COMMAND",
                                           required=True)
    build = image_commands.add_parser("build", help="build the runtime images")
    build.add_argument("runtimes", nargs="*", help="e.g. python3.11 (default: all)")
    build.add_argument("--offline", action="store_true",
                       help="build the base from Debian packages, Node.js 22 and 24 from "
                            "PyPI's wheels (no registry needed)")
    build.add_argument("--json", action="store_true", help="machine-readable output")
    build.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import docker
    from docker.errors import DockerException

    from simulator.executors.image_builder import ImageBuildError, build_images

    try:
        client = docker.from_env()
        client.ping()
    except DockerException as error:
        fail(f"no Docker engine answers: {error}")
    with console.status("building runtime images…") as status:
        try:
            outcomes = build_images(client, args.runtimes or None,
                                    offline=args.offline or None,
                                    report=lambda line: status.update(line))
        except (ValueError, ImageBuildError) as error:
            fail(str(error).splitlines()[0])
    if args.json:
        print_json([vars(outcome) for outcome in outcomes])
    for outcome in outcomes:
        colour = {"built": "green", "unchanged": "cyan"}.get(outcome.status, "yellow")
        reason = f" ({outcome.reason})" if outcome.reason else ""
        if not args.json:
            console.print(f"[{colour}]{outcome.status:>9}[/] {outcome.runtime}: "
                          f"{outcome.image}{reason}")
    return 0
