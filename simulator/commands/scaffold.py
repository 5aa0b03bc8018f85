"""`lambda-sim init`: a hello-world project to start from: a SAM template, a handler, a test."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.markup import escape

from simulator.commands.console import console, fail

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Description: {name}, served locally by `lambda-sim serve --template template.yaml`

Globals:
  Function:
    Runtime: python3.11
    Timeout: 10
    MemorySize: 128

Resources:
  HelloFunction:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: hello
      CodeUri: hello/
      Handler: app.handler
      Environment:
        Variables:
          GREETING: Hello
      Events:
        Hello:
          Type: HttpApi
          Properties:
            Path: /hello
            Method: GET
"""

HANDLER = '''\
import json
import os


def handler(event, context):
    name = (event.get("queryStringParameters") or {}).get("name", "world")
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"message": f"{os.environ['GREETING']}, {name}!"}),
    }
'''

TEST = '''\
"""Runs with `pytest`: the lambda_sim fixture comes with lambda-simulator."""

import json
from pathlib import Path


def test_hello(lambda_sim):
    lambda_sim.deploy_folder("hello", Path(__file__).parent.parent / "hello",
                             Environment={"Variables": {"GREETING": "Hi"}})
    response = lambda_sim.client("lambda").invoke(
        FunctionName="hello",
        Payload=json.dumps({"queryStringParameters": {"name": "tests"}}),
    )
    body = json.loads(json.loads(response["Payload"].read())["body"])
    assert body == {"message": "Hi, tests!"}
'''

README = """\
# {name}

    lambda-sim serve --template template.yaml       # serve, with hot reload
    lambda-sim invoke hello                          # or boto3 / the AWS CLI on :4570
    lambda-sim emit http GET /hello?name=you         # through the HttpApi route
    pytest                                           # the tests

Edit `hello/app.py` and invoke again: the new code answers, warm.
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    init = commands.add_parser("init", help="scaffold a hello-world project")
    init.add_argument("directory", type=Path, nargs="?", default=Path("hello-lambda"))
    init.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root: Path = args.directory
    if root.exists() and any(root.iterdir()):
        fail(f"{root} exists and is not empty")
    files = {
        "template.yaml": TEMPLATE.format(name=root.name),
        "hello/app.py": HANDLER,
        "tests/test_hello.py": TEST,
        "README.md": README.format(name=root.name),
    }
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    console.print(f"[green]created[/] {escape(str(root))}: " + escape(", ".join(files)))
    console.print(f"next: cd {escape(str(root))} && lambda-sim serve --template template.yaml")
    return 0
