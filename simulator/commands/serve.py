"""`lambda-sim serve`: run the simulator in the foreground."""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from rich.logging import RichHandler
from rich.markup import escape

from simulator import __version__
from simulator.commands import malloc_arenas
from simulator.commands.console import console, fail
from simulator.commands.function_lines import FunctionLines
from simulator.config import DEFAULT_PORT, Settings

# How often the idle main thread gives memory back: moto's object records, then malloc's
# free pages.
HOUSEKEEPING_SECONDS = 30.0
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser("serve", help="run the simulator in the foreground")
    serve.add_argument("--host", help="listen address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help=f"listen port (default {DEFAULT_PORT})")
    serve.add_argument("--state-dir", type=Path, help="where functions live (./.lambda-sim)")
    serve.add_argument("--executor", choices=["auto", "docker", "process"])
    serve.add_argument("--region", help="AWS region to report (us-east-1)")
    serve.add_argument("--idle-timeout", type=float,
                       help="seconds an idle environment stays warm (600)")
    serve.add_argument("--standby", type=int,
                       help="started containers kept ready per runtime image (1; 0: none)")
    serve.add_argument("--template", type=Path,
                       help="a SAM or CloudFormation template, or a serverless.yml, to deploy as "
                       "a stack and follow (hot reload)")
    serve.add_argument("--parameter-overrides", nargs="*", default=[], metavar="KEY=VALUE",
                       help="template parameter values")
    serve.add_argument("--watch-mode", choices=["auto", "events", "polling"],
                       help="file events, or polling where events don't cross mounts")
    serve.add_argument("--access-token",
                       help="clients sign requests with this as their secret access key "
                       "(generated for a non-loopback --host when not given)")
    serve.add_argument("--debug-function", metavar="NAME",
                       help="start this function's environments under debugpy, waiting for "
                       "a debugger to attach")
    serve.add_argument("--debug-port", type=int, help="the debugger's port (5678)")
    serve.add_argument("--vpc-networks", metavar="SUBNET=NETWORK,...",
                       help="Docker networks that functions with these VPC subnets join")
    serve.add_argument("--strict", action="store_true", default=None,
                       help="refuse, as AWS would, what is otherwise let pass with a warning: "
                       "roles Lambda cannot assume, triggers and function URLs without the "
                       "permission AWS requires, arm64 functions on an x86_64 engine")
    serve.add_argument("--otlp-endpoint", metavar="URL",
                       help="also export traces as OpenTelemetry spans to this OTLP/HTTP "
                       "collector (e.g. http://127.0.0.1:4318/v1/traces)")
    serve.add_argument("--durable-time", choices=["real", "skip"],
                       help="durable functions' waits take real time (default) or are skipped "
                       "at once, their clock jumping ahead")
    serve.add_argument("--docker-host", metavar="URL",
                       help="the Docker engine (unix://, tcp://, ssh://; default DOCKER_HOST)")
    serve.add_argument("--docker-engine", choices=["auto", "local", "remote"],
                       help="whether the engine sees this machine's folders (local: code is "
                       "bind-mounted) or not (remote: code ships through its API); auto: "
                       "remote when its address names another machine")
    serve.add_argument("--advertise-host", metavar="ADDRESS",
                       help="where a remote engine's containers reach the simulator "
                       "(default: this machine's address on the route to the engine)")
    serve.add_argument("--ephemeral", action="store_true", default=None,
                       help="keep the AWS services' state (S3, SQS, SNS, ...) in memory "
                       "only, lost when the server stops, instead of in the state folder")
    serve.add_argument("-v", "--verbose", action="store_true")
    serve.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    malloc_arenas.limit_arenas()  # before any thread of the server's starts
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False, markup=False)],
    )
    from simulator.app import Simulator
    from simulator.events import moto_bridge
    from simulator.http_server import ListenError, SimulatorServer
    from simulator.observability.composition import OtlpUnavailable
    from simulator.state_db import StateFolderError
    from simulator.templates import TemplateError

    settings = Settings.from_env(
        host=args.host, port=args.port, state_dir=args.state_dir, executor=args.executor,
        region=args.region, idle_timeout=args.idle_timeout, watch_mode=args.watch_mode,
        access_token=args.access_token, debug_function=args.debug_function,
        debug_port=args.debug_port, standby=args.standby,
        vpc_networks=args.vpc_networks, strict=args.strict,
        otlp_endpoint=args.otlp_endpoint, durable_time=args.durable_time,
        docker_host=args.docker_host, docker_engine=args.docker_engine,
        advertise_host=args.advertise_host, ephemeral=args.ephemeral,
    )
    if not settings.access_token and settings.host not in LOOPBACK_HOSTS:
        settings.access_token = secrets.token_hex(20)
        settings.access_token_generated = True
    # Handled from the start: a stop that comes while the server starts (a supervisor's
    # SIGTERM as soon as health answers) ends it cleanly, its environments removed.
    stopped = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        simulator = Simulator(settings)
    except (StateFolderError, OtlpUnavailable) as error:
        fail(str(error))
    except OSError as error:  # a state folder that is a file, or not ours to write
        fail(f"cannot use the state folder {settings.state_dir}: {error.strerror or error}")
    # Function output is the busiest log by far and sits on the invoke path: plain lines,
    # no layout or highlighting, written apart from it.
    function_lines = FunctionLines(sys.stderr)
    simulator.logs.listen(function_lines.record)
    try:
        server = SimulatorServer(simulator).start()
    except ListenError as error:
        simulator.close()
        fail(str(error))
    console.print(
        f"[bold]Lambda Simulator {__version__}[/] on [cyan]{server.url}[/] · executor "
        f"[green]{simulator.executor.name}[/] ({simulator.executor_reason}) · state "
        f"{settings.state_dir}"
    )
    for exposed in dict.fromkeys(server.addresses_beyond_machine()):
        console.print(f"[yellow]warning:[/] listening on {exposed}: reachable from "
                      "other machines, which must sign requests with the access token")
    if settings.access_token_generated:
        token_file = settings.state_dir / "access-token"
        token_file.touch(mode=0o600)
        token_file.write_text(settings.access_token + "\n")
        console.print(f"an access token was generated ({token_file}): functions and other "
                      "machines sign with it as their secret access key; this machine "
                      "needs none")
    template = args.template or (Path(os.environ["LAMBDA_SIM_TEMPLATE"])
                                 if os.environ.get("LAMBDA_SIM_TEMPLATE") else None)
    try:
        if template is not None:
            overrides = dict(item.split("=", 1) for item in args.parameter_overrides
                             if "=" in item)
            try:
                report = simulator.load_template(template, overrides)
            except TemplateError as error:
                fail(str(error))
            console.print(f"template {escape(str(template))}: stack {escape(report.stack)}, "
                          f"{len(report.functions)} functions "
                          f"({escape(', '.join(report.functions))}), watching for changes")
        while not stopped.wait(HOUSEKEEPING_SECONDS):
            moto_bridge.release_records()
            malloc_arenas.trim()
        console.print("stopping: removing execution environments")
    finally:
        server.stop()
        function_lines.close()
    return 0
