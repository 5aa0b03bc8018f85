"""`lambda-sim`: serve the simulator and build its runtime images."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import urllib.error
import urllib.parse
import urllib.request
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
    serve.add_argument("--template", type=Path,
                       help="a SAM template whose functions to serve and follow (hot reload)")
    serve.add_argument("--parameter-overrides", nargs="*", default=[], metavar="KEY=VALUE",
                       help="template parameter values")
    serve.add_argument("--watch-mode", choices=["auto", "events", "polling"],
                       help="file events, or polling where events don't cross mounts")
    serve.add_argument("-v", "--verbose", action="store_true")

    images = commands.add_parser("images", help="runtime images")
    image_commands = images.add_subparsers(dest="images_command", required=True)
    build = image_commands.add_parser("build", help="build the runtime images")
    build.add_argument("runtimes", nargs="*", help="e.g. python3.11 (default: all)")
    build.add_argument("--offline", action="store_true",
                       help="build the base from Debian packages (no registry needed)")

    emit = commands.add_parser("emit", help="send an event source's event to its functions now")
    emit_kinds = emit.add_subparsers(dest="emit_kind", required=True)
    emit_schedule = emit_kinds.add_parser("schedule", help="fire a scheduled rule now")
    emit_schedule.add_argument("rule", help="the rule's name")
    emit_schedule.add_argument("--endpoint", help="the simulator's URL (default "
                               f"$AWS_ENDPOINT_URL, else http://127.0.0.1:{DEFAULT_PORT})")
    emit_schedule.set_defaults(emit=emit_schedule_command)

    args = parser.parse_args(argv)
    if args.command == "emit":
        return int(args.emit(args))
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
    from simulator.templates import TemplateError

    settings = Settings.from_env(
        host=args.host, port=args.port, state_dir=args.state_dir, executor=args.executor,
        region=args.region, idle_timeout=args.idle_timeout, watch_mode=args.watch_mode,
    )
    simulator = Simulator(settings)
    template = args.template or (Path(os.environ["LAMBDA_SIM_TEMPLATE"])
                                 if os.environ.get("LAMBDA_SIM_TEMPLATE") else None)
    if template is not None:
        overrides = dict(item.split("=", 1) for item in args.parameter_overrides if "=" in item)
        try:
            report = simulator.load_template(template, overrides)
        except TemplateError as error:
            console.print(f"[red]error:[/] {error}")
            simulator.close()
            return 1
        console.print(f"template {template}: {len(report.functions)} functions "
                      f"({', '.join(report.functions)}), watching for changes")
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


def emit_schedule_command(args: argparse.Namespace) -> int:
    """Ask a running simulator to fire a scheduled rule now; print its JSON answer."""
    endpoint = (args.endpoint or os.environ.get("AWS_ENDPOINT_URL")
                or f"http://127.0.0.1:{DEFAULT_PORT}")
    rule = urllib.parse.quote(args.rule, safe="")
    request = urllib.request.Request(
        f"{endpoint.rstrip('/')}/_simulator/schedules/{rule}/fire", method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            print(json.dumps(json.load(response), indent=2))
        return 0
    except urllib.error.HTTPError as error:
        print(json.dumps(json.load(error), indent=2))
        return 1
    except urllib.error.URLError as error:
        console.print(f"[red]error:[/] no simulator answers at {endpoint}: {error.reason}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
