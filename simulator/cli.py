"""`lambda-sim`: serve the simulator and build its runtime images."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path
from types import FrameType

from rich.console import Console
from rich.logging import RichHandler

from simulator import __version__
from simulator.config import DEFAULT_PORT, Settings

console = Console(stderr=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lambda-sim", description="A local AWS Lambda.")
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the simulator in the foreground")
    serve.add_argument("--host", help="listen address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help=f"listen port (default {DEFAULT_PORT})")
    serve.add_argument("--state-dir", type=Path, help="where functions live (./.lambda-sim)")
    serve.add_argument("--executor", choices=["auto", "docker", "process"])
    serve.add_argument("--region", help="AWS region to report (us-east-1)")
    serve.add_argument("--idle-timeout", type=float,
                       help="seconds an idle environment stays warm (600)")
    serve.add_argument("-v", "--verbose", action="store_true")

    images = commands.add_parser("images", help="runtime images")
    image_commands = images.add_subparsers(dest="images_command", required=True)
    build = image_commands.add_parser("build", help="build the runtime images")
    build.add_argument("runtimes", nargs="*", help="e.g. python3.11 (default: all)")
    build.add_argument("--offline", action="store_true",
                       help="build the base from Debian packages (no registry needed)")

    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve_command(args)
    return build_command(args)


def serve_command(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False, markup=False)],
    )
    from simulator.app import Simulator
    from simulator.server import SimulatorServer

    settings = Settings.from_env(
        host=args.host, port=args.port, state_dir=args.state_dir, executor=args.executor,
        region=args.region, idle_timeout=args.idle_timeout,
    )
    simulator = Simulator(settings)
    server = SimulatorServer(simulator)
    console.print(
        f"[bold]Lambda Simulator {__version__}[/] on [cyan]{server.url}[/] · executor "
        f"[green]{simulator.executor.name}[/] ({simulator.executor_reason}) · state "
        f"{settings.state_dir}"
    )
    if settings.host not in ("127.0.0.1", "localhost", "::1"):
        console.print(f"[yellow]warning:[/] listening on {settings.host}: reachable from "
                      "other machines")

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        console.print("stopping: removing execution environments")
    finally:
        simulator.close()
    return 0


def build_command(args: argparse.Namespace) -> int:
    import docker
    from docker.errors import DockerException

    from simulator.images import build_images

    try:
        client = docker.from_env()
        client.ping()
    except DockerException as error:
        console.print(f"[red]error:[/] no Docker engine answers: {error}")
        return 1
    outcomes = build_images(client, args.runtimes or None, offline=args.offline or None,
                            report=lambda line: console.print(line))
    failed = False
    for outcome in outcomes:
        colour = {"built": "green", "unchanged": "cyan"}.get(outcome.status, "yellow")
        reason = f" ({outcome.reason})" if outcome.reason else ""
        console.print(f"[{colour}]{outcome.status:>9}[/] {outcome.runtime}: {outcome.image}"
                      f"{reason}")
        failed = failed or outcome.status == "failed"
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
