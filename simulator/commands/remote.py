"""Commands that talk to a running simulator: invoke, logs, ls, deploy and emit. Lambda calls
go through boto3 like any client's; the rest through the simulator's `/_simulator/` API."""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError
from rich.markup import escape
from rich.table import Table

from simulator.commands import cloud_assembly
from simulator.commands.console import console, endpoint, fail, print_json, stdout
from simulator.commands.logical_ids import AmbiguousLogicalId, api_id, function_name


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    invoke = commands.add_parser("invoke", help="invoke a function and show its answer")
    invoke.add_argument("name")
    invoke.add_argument("--event", help="a JSON file with the event, or - for standard input")
    invoke.add_argument("--async", dest="asynchronous", action="store_true",
                        help="an Event invocation (202, runs in the background)")
    common_options(invoke, run_invoke)

    logs = commands.add_parser("logs", help="a function's log lines")
    logs.add_argument("name")
    logs.add_argument("--follow", "-f", action="store_true", help="keep printing new lines")
    common_options(logs, run_logs)

    listing = commands.add_parser("ls", help="functions with their warm and busy environments")
    common_options(listing, run_ls)

    deploy = commands.add_parser("deploy", help="deploy a SAM or CloudFormation template, a "
                                 "serverless.yml, or a CDK cloud assembly folder (cdk.out), to "
                                 "a running simulator, as a stack")
    deploy.add_argument("template", type=Path)
    deploy.add_argument("--parameter-overrides", nargs="*", default=[], metavar="KEY=VALUE")
    common_options(deploy, run_deploy)

    emit = commands.add_parser("emit", help="send an event source's event to its functions now")
    kinds = emit.add_subparsers(dest="emit_kind", metavar="KIND", required=True)
    s3 = kinds.add_parser("s3", help="put an object, firing the bucket's notifications")
    s3.add_argument("bucket")
    s3.add_argument("key")
    s3.add_argument("--body", help="a file whose content to upload (default: empty)")
    s3.add_argument("--delete", action="store_true", help="delete the object instead")
    common_options(s3, run_emit_s3)
    sqs = kinds.add_parser("sqs", help="send a message to a queue its mappings poll")
    sqs.add_argument("queue", help="queue name or URL")
    sqs.add_argument("body", help="the message body")
    sqs.add_argument("--group-id", help="MessageGroupId, for FIFO queues")
    common_options(sqs, run_emit_sqs)
    schedule = kinds.add_parser("schedule", help="fire a scheduled rule now")
    schedule.add_argument("rule", help="the rule's name")
    common_options(schedule, run_emit_schedule)
    http = kinds.add_parser("http", help="send an HTTP request through an API route")
    http.add_argument("method")
    http.add_argument("path", help="e.g. /hello?name=x")
    http.add_argument("--api", default="ServerlessHttpApi",
                      help="API id, or a template's logical id (default ServerlessHttpApi; "
                      "ServerlessRestApi for Api events)")
    http.add_argument("--stage", default="$default",
                      help="the stage ($default for an HTTP API; SAM's REST API: Prod)")
    http.add_argument("--data", help="request body")
    common_options(http, run_emit_http)


def common_options(parser: argparse.ArgumentParser, run: Any) -> None:
    """What every command that talks to a running simulator takes."""
    parser.add_argument("--endpoint", help="the simulator's URL (default $AWS_ENDPOINT_URL, "
                        "else http://127.0.0.1:4570)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(run=run)


def client(args: argparse.Namespace, service: str) -> Any:
    import boto3  # here, not at the top: `lambda-sim serve` builds this parser too

    return boto3.client(service, endpoint_url=endpoint(args.endpoint), region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key=access_token() or "test",
                        config=Config(retries={"max_attempts": 1}, read_timeout=900))


def access_token() -> str:
    """The server's access token, for a server that asks this machine for one."""
    return os.environ.get("LAMBDA_SIM_ACCESS_TOKEN", "")


def simulator_call(args: argparse.Namespace, path: str, body: Any = None,
                   method: str | None = None) -> Any:
    url = f"{endpoint(args.endpoint)}/_simulator/{path}"
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if access_token():
        headers["X-Lambda-Sim-Token"] = access_token()
    request = urllib.request.Request(url, data=data, method=method or ("POST" if data else "GET"),
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        try:
            detail = json.load(error)
        except ValueError:  # not the simulator: a proxy's page, another server
            fail(f"{url} answered HTTP {error.code} {error.reason}, not as a simulator would")
        if not isinstance(detail, dict):
            fail(f"{url} answered HTTP {error.code}: {detail}")
        message = detail.get("message") or detail.get("Message") or str(detail)
        fail(f"{detail['__type']}: {message}" if "__type" in detail else message)
    except urllib.error.URLError as error:
        fail(f"no simulator answers at {endpoint(args.endpoint)}: {error.reason}")


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror}")


def _aws_call(call: Any, **arguments: Any) -> Any:
    try:
        return call(**arguments)
    except EndpointConnectionError as error:
        fail(f"no simulator answers: {error}")
    except ClientError as error:
        fail(f"{error.response['Error'].get('Code')}: {error.response['Error'].get('Message')}")


def resolved_name(args: argparse.Namespace, lam: Any) -> str:
    """The function's name, or the name of the function a stack's logical id names."""
    try:
        return str(_aws_call(function_name, lam=lam, cloudformation=client(args, "cloudformation"),
                             name=args.name))
    except AmbiguousLogicalId as error:
        fail(str(error))


def run_invoke(args: argparse.Namespace) -> int:
    if args.event == "-":
        payload = sys.stdin.read()
    elif args.event:
        payload = read_file(Path(args.event)).decode()
    else:
        payload = "{}"
    lam = client(args, "lambda")
    options: dict[str, Any] = {"FunctionName": resolved_name(args, lam), "Payload": payload}
    if args.asynchronous:
        options["InvocationType"] = "Event"
    else:
        options["LogType"] = "Tail"
    response = _aws_call(lam.invoke, **options)
    body = response["Payload"].read().decode()
    log = base64.b64decode(response.get("LogResult", "")).decode()
    if args.json:
        print_json({"StatusCode": response["StatusCode"], "Payload": _maybe_json(body),
                    "FunctionError": response.get("FunctionError"), "Log": log})
    else:
        for line in log.splitlines():
            console.print(f"[dim]{escape(line)}[/]")
        if args.asynchronous:
            console.print(f"[green]accepted[/] ({response['StatusCode']})")
        else:
            stdout.print(body)
    return 1 if response.get("FunctionError") else 0


def run_logs(args: argparse.Namespace) -> int:
    """Each line once. Lines are asked for from the newest millisecond already shown, since
    more can arrive within it, and those already shown are skipped."""
    since = 0
    shown_at_since: Counter[str] = Counter()
    name = resolved_name(args, client(args, "lambda"))
    while True:
        events = simulator_call(
            args, f"logs/{urllib.parse.quote(name)}?since={max(since - 1, 0)}")
        already = Counter(shown_at_since)
        for event in events["events"]:
            timestamp, message = event["timestamp"], event["message"]
            if timestamp < since:
                continue
            if timestamp == since and already[message] > 0:
                already[message] -= 1
                continue
            if timestamp > since:
                since, shown_at_since = timestamp, Counter()
            shown_at_since[message] += 1
            if args.json:
                sys.stdout.write(json.dumps(event) + "\n")
            else:
                stdout.print(event["message"].rstrip("\n"), markup=False)
        if not args.follow:
            return 0
        sys.stdout.flush()
        time.sleep(0.5)


def run_ls(args: argparse.Namespace) -> int:
    rows = simulator_call(args, "functions")["functions"]
    if args.json:
        print_json(rows)
        return 0
    table = Table("function", "runtime", "warm", "busy", "starting")
    for row in rows:
        table.add_row(row["name"], row["runtime"], str(row["warm"]), str(row["busy"]),
                      str(row["starting"]))
    stdout.print(table)
    return 0


def run_deploy(args: argparse.Namespace) -> int:
    overrides = dict(item.split("=", 1) for item in args.parameter_overrides if "=" in item)
    if args.template.is_dir():
        return cloud_assembly.deploy(args.template, lambda service: client(args, service),
                                     overrides, args.json)
    report = simulator_call(args, "deploy", {"template": str(args.template.resolve()),
                                             "parameters": overrides})
    if args.json:
        print_json(report)
        return 0
    console.print(f"[green]deployed[/] stack {escape(report['stack'])}: "
                  f"{escape(', '.join(report['functions'])) or 'no functions'}")
    for key, value in report["outputs"].items():
        console.print(f"{escape(key)} = {escape(value)}")
    for name in report["removed"]:
        console.print(f"[yellow]removed[/] {escape(name)}")
    for warning in report["warnings"]:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    return 0


def run_emit_s3(args: argparse.Namespace) -> int:
    s3 = client(args, "s3")
    if args.delete:
        _aws_call(s3.delete_object, Bucket=args.bucket, Key=args.key)
    else:
        body = read_file(Path(args.body)) if args.body else b""
        _aws_call(s3.put_object, Bucket=args.bucket, Key=args.key, Body=body)
    return _done(args, {"bucket": args.bucket, "key": args.key,
                        "action": "delete" if args.delete else "put"})


def run_emit_sqs(args: argparse.Namespace) -> int:
    sqs = client(args, "sqs")
    url = args.queue if args.queue.startswith("http") else _aws_call(
        sqs.get_queue_url, QueueName=args.queue)["QueueUrl"]
    options: dict[str, Any] = {"QueueUrl": url, "MessageBody": args.body}
    if args.group_id:
        options["MessageGroupId"] = args.group_id
    sent = _aws_call(sqs.send_message, **options)
    return _done(args, {"queue": url, "messageId": sent["MessageId"]})


def run_emit_schedule(args: argparse.Namespace) -> int:
    rule = urllib.parse.quote(args.rule, safe="")
    result = simulator_call(args, f"schedules/{rule}/fire", method="POST")
    print_json(result)
    return 0


def run_emit_http(args: argparse.Namespace) -> int:
    path, _, query = args.path.lstrip("/").partition("?")
    try:
        api = str(_aws_call(api_id, cloudformation=client(args, "cloudformation"),
                            name=args.api))
    except AmbiguousLogicalId as error:
        fail(str(error))
    url = (f"{endpoint(args.endpoint)}/_simulator/http/{urllib.parse.quote(api, safe='')}/"
           f"{urllib.parse.quote(args.stage)}/{path}" + (f"?{query}" if query else ""))
    data = args.data.encode() if args.data is not None else None
    request = urllib.request.Request(url, data=data, method=args.method.upper())
    try:
        response = urllib.request.urlopen(request, timeout=120)
    except urllib.error.HTTPError as error:
        response = error
    except urllib.error.URLError as error:
        fail(f"no simulator answers at {endpoint(args.endpoint)}: {error.reason}")
    body = response.read().decode(errors="replace")
    if args.json:
        print_json({"status": response.status, "headers": dict(response.headers),
                    "body": _maybe_json(body)})
    else:
        console.print(f"[bold]{response.status}[/]")
        stdout.print(body, markup=False)
    return 0 if response.status < 400 else 1


def _done(args: argparse.Namespace, result: dict[str, Any]) -> int:
    if args.json:
        print_json(result)
    else:
        console.print("[green]sent[/] " + escape(" ".join(f"{k}={v}" for k, v in result.items())))
    return 0


def _maybe_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text
