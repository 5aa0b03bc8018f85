"""A SAM template's EventBridgeRule and CloudWatchEvent events are rules in EventBridge,
on the bus the template declares, with the permission SAM adds, delivering the events that
match their pattern."""

from __future__ import annotations

import json
from pathlib import Path

from simulator.http_server import SimulatorServer
from tests.e2e.test_notifications import RECORDER, aws, recorded_events
from tests.helpers import lambda_client, unique_name


def test_rule_events_of_a_template_deliver_matching_events(
        server: SimulatorServer, tmp_path: Path) -> None:
    prefix = unique_name("orders")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(RECORDER)
    template = tmp_path / "template.yaml"
    template.write_text(f"""
Transform: AWS::Serverless-2016-10-31
Resources:
  Bus:
    Type: AWS::Events::EventBus
    Properties:
      Name: {prefix}-bus
  Recorder:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: {prefix}-recorder
      Runtime: python3.11
      Handler: app.handler
      CodeUri: src/
      Events:
        Placed:
          Type: EventBridgeRule
          Properties:
            EventBusName: {prefix}-bus
            Pattern:
              source: [shop]
              detail-type: [Order Placed]
        Legacy:
          Type: CloudWatchEvent
          Properties:
            Pattern:
              source: [warehouse]
""")
    events = aws(server, "events")
    server.simulator.load_template(template)
    name = f"{prefix}-recorder"

    events.put_events(Entries=[
        {"Source": "shop", "DetailType": "Order Placed", "Detail": json.dumps({"id": 1}),
         "EventBusName": f"{prefix}-bus"},
        {"Source": "shop", "DetailType": "Order Cancelled", "Detail": "{}",
         "EventBusName": f"{prefix}-bus"},
        {"Source": "warehouse", "DetailType": "Shipped", "Detail": json.dumps({"id": 2})},
    ])

    received = recorded_events(server, name, 2)
    assert sorted((e["source"], e["detail"]["id"]) for e in received) == [
        ("shop", 1), ("warehouse", 2)]
    rules = events.list_rules(EventBusName=f"{prefix}-bus")["Rules"]
    assert [json.loads(r["EventPattern"]) for r in rules] == [
        {"source": ["shop"], "detail-type": ["Order Placed"]}]
    policy = json.loads(lambda_client(server.url).get_policy(FunctionName=name)["Policy"])
    # Each statement's id is its permission's physical id: <stack>-<LogicalId>-<suffix>.
    assert sorted(s["Sid"].split("-")[-2] for s in policy["Statement"]) == [
        "RecorderLegacyPermission", "RecorderPlacedPermission"]
