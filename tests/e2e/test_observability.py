"""Observability end to end: function logs through boto3's `logs` client and the AWS CLI,
logs kept across a restart, Lambda's metrics through boto3's `cloudwatch` client and
Prometheus, and the dashboard driven by headless Chromium."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from prometheus_client.parser import text_string_to_metric_families

from simulator.http_server import SimulatorServer
from tests.helpers import create_function, lambda_client, running_server

DOCS = Path(__file__).resolve().parents[2] / "docs"

LOGGING = """
def handler(event, context):
    print("said", event.get("say", "nothing"))
    if event.get("fail"):
        print("ERROR about to fail")
        raise ValueError("asked to fail")
    return {"ok": True}
"""


def aws_client(service: str, server: SimulatorServer) -> Any:
    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"total_max_attempts": 1}))


def say(client: Any, name: str, text: str, **extra: Any) -> dict[str, Any]:
    return client.invoke(FunctionName=name,  # type: ignore[no-any-return]
                         Payload=json.dumps({"say": text, **extra}))


def wait_for(condition: Any, timeout: float = 10.0, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s")
        time.sleep(interval)


def filtered(logs: Any, name: str, pattern: str = "") -> list[str]:
    events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}",
                                    filterPattern=pattern)["events"]
    return [event["message"] for event in events]


@pytest.fixture(scope="module")
def logged(server: SimulatorServer) -> str:
    """A function that has logged three invocations, one of them failed."""
    client = lambda_client(server.url)
    name = create_function(client, LOGGING)
    say(client, name, "first")
    say(client, name, "second", fail=True)
    say(client, name, "third")
    logs = aws_client("logs", server)
    wait_for(lambda: len(filtered(logs, name, "REPORT")) == 3, timeout=60)
    return name


# -- CloudWatch Logs ---------------------------------------------------------------------------

def test_describe_get_and_filter_through_boto3(server: SimulatorServer, logged: str) -> None:
    logs = aws_client("logs", server)
    group = f"/aws/lambda/{logged}"
    groups = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert [g["logGroupName"] for g in groups] == [group]
    [stream] = logs.describe_log_streams(logGroupName=group)["logStreams"]
    assert "[$LATEST]" in stream["logStreamName"]
    events = logs.get_log_events(logGroupName=group, logStreamName=stream["logStreamName"],
                                 startFromHead=True)["events"]
    lines = [e["message"] for e in events]
    assert lines[0].startswith("START RequestId:")
    assert any(line.startswith("said first") for line in lines)
    assert sum(line.startswith("REPORT RequestId:") for line in lines) == 3
    assert [m.strip() for m in filtered(logs, logged, "said -second")] == [
        "said first", "said third"]
    assert filtered(logs, logged, '"about to fail"') == ["ERROR about to fail\n"]
    assert len(filtered(logs, logged, "?first ?third")) == 2


def test_paginators_and_errors(server: SimulatorServer, logged: str) -> None:
    logs = aws_client("logs", server)
    pages = logs.get_paginator("filter_log_events").paginate(
        logGroupName=f"/aws/lambda/{logged}", PaginationConfig={"PageSize": 2})
    lines = [event["message"] for page in pages for event in page["events"]]
    assert len(lines) == len(filtered(logs, logged)) >= 12
    with pytest.raises(logs.exceptions.ResourceNotFoundException):
        logs.describe_log_streams(logGroupName="/aws/lambda/no-such-function")
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.filter_log_events(logGroupName=f"/aws/lambda/{logged}",
                               filterPattern='{ $.level = "ERROR" }')


def test_retention_policy(server: SimulatorServer, logged: str) -> None:
    logs = aws_client("logs", server)
    group = f"/aws/lambda/{logged}"
    logs.put_retention_policy(logGroupName=group, retentionInDays=7)
    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert described["retentionInDays"] == 7
    logs.delete_retention_policy(logGroupName=group)
    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert "retentionInDays" not in described


def cli_environment() -> dict[str, str]:
    return dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
                AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="", PYTHONUNBUFFERED="1")


def pip_aws_cli() -> str:
    """The AWS CLI of this Python (v1, from the test extra)."""
    beside = Path(sys.executable).with_name("aws")
    found = str(beside) if beside.exists() else shutil.which("aws")
    assert found, "the AWS CLI is missing: pip install -e '.[test]'"
    return found


def aws_cli_v2() -> str | None:
    """An AWS CLI v2 (`aws logs tail` exists only there), e.g. Debian's `awscli`."""
    for candidate in (shutil.which("aws"), "/usr/bin/aws", "/usr/local/bin/aws"):
        if not candidate or not Path(candidate).exists():
            continue
        version = subprocess.run([candidate, "--version"], capture_output=True, text=True,
                                 env=cli_environment(), timeout=60)
        if (version.stdout + version.stderr).startswith("aws-cli/2"):
            return candidate
    return None


def test_aws_cli_reads_logs(server: SimulatorServer, logged: str) -> None:
    answer = subprocess.run(
        [pip_aws_cli(), "logs", "filter-log-events", "--log-group-name",
         f"/aws/lambda/{logged}", "--filter-pattern", "said", "--endpoint-url", server.url,
         "--output", "json"],
        capture_output=True, text=True, env=cli_environment(), timeout=60)
    assert answer.returncode == 0, answer.stderr
    messages = [e["message"].strip() for e in json.loads(answer.stdout)["events"]]
    assert messages == ["said first", "said second", "said third"]


def test_aws_logs_tail_follow(server: SimulatorServer, client: Any) -> None:
    cli = aws_cli_v2()
    if cli is None:
        reason = "no AWS CLI v2 (`aws logs tail`): apt-get install awscli"
        if os.environ.get("LAMBDA_SIM_REQUIRE_AWSCLI_V2") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    name = create_function(client, LOGGING)
    say(client, name, "before tail")
    tail = subprocess.Popen(
        [cli, "logs", "tail", f"/aws/lambda/{name}", "--follow", "--format", "short",
         "--endpoint-url", server.url],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=cli_environment())
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in tail.stdout or []],
                     daemon=True).start()

    def next_line_with(text: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while True:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if text in line:
                return line

    try:
        next_line_with("said before tail", 30)
        say(client, name, "after tail started")
        assert "said after tail started" in next_line_with("said after tail started", 20)
    finally:
        tail.kill()
        tail.wait()


def test_logs_survive_a_restart(tmp_path: Path) -> None:
    marker = f"kept-{uuid.uuid4().hex[:8]}"
    with running_server(tmp_path, "process") as first:
        client = lambda_client(first.url)
        name = create_function(client, LOGGING)
        say(client, name, marker)
    with running_server(tmp_path, "process") as second:
        logs = aws_client("logs", second)
        assert [line.strip() for line in filtered(logs, name, marker)] == [f"said {marker}"]
        [stream] = logs.describe_log_streams(logGroupName=f"/aws/lambda/{name}")["logStreams"]
        assert stream["lastEventTimestamp"] >= stream["firstEventTimestamp"]
        say(lambda_client(second.url), name, "after restart")
        assert [line.strip() for line in filtered(logs, name, "said")] == [
            f"said {marker}", "said after restart"]


# -- metrics -----------------------------------------------------------------------------------

def test_cloudwatch_metrics_count_exactly(server: SimulatorServer, client: Any) -> None:
    name = create_function(client, LOGGING)
    for text in ("one", "two", "three"):
        say(client, name, text)
    say(client, name, "four", fail=True)
    client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    once = aws_client("lambda", server)
    with pytest.raises(once.exceptions.TooManyRequestsException):
        say(once, name, "throttled")
    client.delete_function_concurrency(FunctionName=name)

    cloudwatch = aws_client("cloudwatch", server)
    now = datetime.now(tz=UTC)
    window = {"StartTime": now - timedelta(minutes=30), "EndTime": now + timedelta(minutes=30)}
    dimensions = [{"Name": "FunctionName", "Value": name}]

    def total(metric: str, statistic: str = "Sum") -> float:
        points = cloudwatch.get_metric_statistics(
            Namespace="AWS/Lambda", MetricName=metric, Dimensions=dimensions, Period=3600,
            Statistics=[statistic], **window)["Datapoints"]
        return sum(point[statistic] for point in points)

    assert total("Invocations") == 4
    assert total("Errors") == 1
    assert total("Throttles") == 1
    assert total("ColdStarts") == 1
    assert total("Duration", "SampleCount") == 4
    assert total("ConcurrentExecutions", "Maximum") == 1

    def query(query_id: str, metric: str, stat: str) -> dict[str, Any]:
        return {"Id": query_id, "MetricStat": {
            "Metric": {"Namespace": "AWS/Lambda", "MetricName": metric,
                       "Dimensions": dimensions},
            "Period": 3600, "Stat": stat}}

    results = cloudwatch.get_metric_data(MetricDataQueries=[
        query("invocations", "Invocations", "Sum"), query("errors", "Errors", "Sum"),
        query("p99", "Duration", "p99"),
        {"Id": "rate", "Expression": "100 * errors / invocations"},
    ], **window)["MetricDataResults"]
    values = {result["Id"]: result["Values"] for result in results}
    assert values["invocations"] == [4] and values["errors"] == [1]
    assert values["rate"] == [25]
    assert values["p99"][0] > 0
    listed = cloudwatch.list_metrics(Namespace="AWS/Lambda", Dimensions=dimensions)["Metrics"]
    assert {m["MetricName"] for m in listed} >= {"Invocations", "Errors", "Duration"}


def test_prometheus_text_parses(server: SimulatorServer, client: Any) -> None:
    name = create_function(client, LOGGING)
    say(client, name, "one")
    say(client, name, "two")
    with urllib.request.urlopen(f"{server.url}/_simulator/metrics", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/plain")
        text = response.read().decode()
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(text) for s in family.samples}
    label = (("function_name", name),)
    assert samples[("lambda_invocations_total", label)] == 2
    assert samples[("lambda_errors_total", label)] == 0
    assert samples[("lambda_duration_milliseconds_count", label)] == 2
    assert samples[("lambda_environments", (("function_name", name), ("state", "warm")))] == 1


# -- the dashboard -----------------------------------------------------------------------------

def test_dashboard_invokes_and_follows_the_log(server: SimulatorServer, client: Any,
                                               browser: Any, executor_name: str) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    name = create_function(client, LOGGING)
    say(client, name, "warming up")
    rule = f"nightly-{name}"
    events = aws_client("events", server)
    events.put_rule(Name=rule, ScheduleExpression="rate(1 day)")
    events.put_targets(Rule=rule, Targets=[
        {"Id": "dashboard", "Arn": client.get_function(FunctionName=name)
         ["Configuration"]["FunctionArn"]}])

    def choose(driver: Any) -> bool:
        """Pick the function in the form, once the page lists it (it redraws every second)."""
        select = Select(driver.find_element(By.ID, "test-function"))
        if name not in [option.get_attribute("value") for option in select.options]:
            return False
        select.select_by_value(name)
        return True

    browser.get(f"{server.url}/_simulator/ui")
    wait = WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,))
    wait.until(choose)
    marker = f"hello-from-the-browser-{uuid.uuid4().hex[:6]}"
    body = browser.find_element(By.ID, "event-body")
    body.clear()
    body.send_keys(json.dumps({"say": marker}))
    event_name = browser.find_element(By.ID, "event-name")
    event_name.clear()
    event_name.send_keys("greeting")
    browser.find_element(By.ID, "save-event").click()
    wait.until(lambda d: "greeting" in [o.get_attribute("value") for o in
                                        Select(d.find_element(By.ID, "saved-events")).options])
    saved = server.simulator.settings.state_dir / "test-events" / f"{name}.json"
    assert json.loads(saved.read_text()) == {"greeting": {"say": marker}}

    browser.find_element(By.ID, "invoke").click()
    wait.until(lambda d: marker in d.find_element(By.ID, "invoke-result").text)
    assert "200" in browser.find_element(By.ID, "invoke-status").text
    wait.until(lambda d: f"said {marker}" in d.find_element(By.ID, "log-lines").text)
    wait.until(lambda d: name in d.find_element(By.ID, "invocations").text
               and "Success" in d.find_element(By.ID, "invocations").text)
    wait.until(lambda d: name in d.find_element(By.ID, "environments").text)
    wait.until(lambda d: rule in d.find_element(By.ID, "schedules").text)
    assert "rate(1 day)" in browser.find_element(By.ID, "schedules").text
    if executor_name == "process":
        for _ in range(2):  # the whole page: grow the window until nothing scrolls
            height = browser.execute_script("return document.documentElement.scrollHeight")
            browser.set_window_size(1500, height + 200)
        DOCS.mkdir(exist_ok=True)
        browser.save_screenshot(str(DOCS / "dashboard.png"))


def test_trace_header_reaches_the_function(server: SimulatorServer, client: Any) -> None:
    name = create_function(client, """
import os
def handler(event, context):
    return {"trace": os.environ.get("_X_AMZN_TRACE_ID")}
""")
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    request = urllib.request.Request(
        f"{server.url}/2015-03-31/functions/{name}/invocations", data=b"{}", method="POST",
        headers={"X-Amzn-Trace-Id": trace, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        seen = json.loads(response.read())["trace"]
    # the caller's trace and decision, under the function segment Lambda records for it
    # (then the lineage that counts the function, for recursive-loop detection)
    root, parent, sampled, lineage = seen.split(";")
    assert re.fullmatch(r"Lineage=[0-9a-f]{8}:1", lineage), lineage
    assert (root, sampled) == ("Root=1-5759e988-bd862e3fe1be46a994272793", "Sampled=1")
    assert parent.startswith("Parent=") and parent != "Parent=53995c3f42cd8ad8"


def test_dashboard_opens_a_traced_invocations_waterfall(server: SimulatorServer, client: Any,
                                                        browser: Any) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    name = create_function(client, LOGGING, TracingConfig={"Mode": "Active"})
    say(client, name, "traced")
    browser.get(f"{server.url}/_simulator/ui")
    wait = WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,))

    def trace_link(driver: Any) -> Any:
        for row in driver.find_elements(By.CSS_SELECTOR, "#invocations tbody tr"):
            if name in row.text:
                links = row.find_elements(By.CSS_SELECTOR, "a.trace-link")
                return links[0] if links else False
        return False

    def open_trace(driver: Any) -> bool:
        """Found and clicked in one go: the table's refresh redraws its rows."""
        link = trace_link(driver)
        if link:
            link.click()
        return bool(link)

    wait.until(open_trace)
    wait.until(lambda d: d.find_element(By.ID, "trace-section").is_displayed())

    def waterfall(driver: Any) -> Any:
        """Its rows' names and bar widths, read in one go: a refresh of the page redraws
        them (the wait reads again when one went stale meanwhile)."""
        rows = [row.find_element(By.CSS_SELECTOR, ".trace-name").text
                for row in driver.find_elements(By.CSS_SELECTOR, ".trace-row")]
        widths = [bar.size["width"] for bar in driver.find_elements(By.CSS_SELECTOR, ".trace-bar")]
        return (rows, widths) if len(rows) >= 5 else False

    rows, widths = wait.until(waterfall)
    assert rows[:2] == [name, name]  # the Lambda service's segment, then the function's
    assert {"Initialization", "Invocation", "Overhead"} <= set(rows)
    assert all(width > 0 for width in widths)

    # the functions table prices each function, and the total shows the free tier apart
    def cost_of(driver: Any) -> str:
        cells = driver.find_elements(By.CSS_SELECTOR, f'tr[data-function="{name}"] td.cost')
        return str(cells[0].text) if cells else ""

    wait.until(lambda d: cost_of(d).startswith("$0.0000"))
    total = browser.find_element(By.ID, "cost-total").text
    assert "This month on AWS: $" in total and "free tier −$" in total


DURABLE_IN_ONE_INVOCATION = """
import json
def handler(event, context):
    # what the durable-execution SDK answers when the whole execution ran in one invocation
    return {"Status": "SUCCEEDED", "Result": json.dumps("fine")}
"""


def test_dashboard_lists_durable_executions_with_their_timeline(
        server: SimulatorServer, client: Any, browser: Any) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    name = create_function(client, DURABLE_IN_ONE_INVOCATION,
                           DurableConfig={"ExecutionTimeout": 60})
    response = client.invoke(FunctionName=f"{name}:$LATEST",
                             DurableExecutionName="shown-in-the-dashboard")
    assert json.loads(response["Payload"].read()) == "fine"
    browser.get(f"{server.url}/_simulator/ui")
    wait = WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,))

    def row(driver: Any) -> Any:
        for found in driver.find_elements(By.CSS_SELECTOR, "#durable-executions tr.durable-row"):
            if name in found.text and "SUCCEEDED" in found.text:
                return found
        return False

    wait.until(row).click()
    wait.until(lambda d: "shown-in-the-dashboard: SUCCEEDED" in d.find_element(
        By.ID, "durable-timeline").text)
    assert "execution" in browser.find_element(By.ID, "durable-timeline").text


def test_dashboard_shows_resources_and_draws_timelines_to_one_scale(
        browser: Any, tmp_path: Path) -> None:
    """On a server of its own: the view shows a few of each kind, and the session's shared
    server holds the resources of every test before this one."""
    with running_server(tmp_path / "state", "process") as server:
        resources_and_timelines(server, lambda_client(server.url), browser)


def resources_and_timelines(server: SimulatorServer, client: Any, browser: Any) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    bucket, queue_name = f"view-{uuid.uuid4().hex[:8]}", f"view-{uuid.uuid4().hex[:8]}"
    s3, sqs = aws_client("s3", server), aws_client("sqs", server)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="report.csv", Body=b"a,b\n")
    url = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    for body in ("one", "two", "three"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    name = create_function(client, LOGGING)
    say(client, name, "cold")  # a cold start, then a warm invoke
    say(client, name, "warm")

    browser.get(f"{server.url}/_simulator/ui")
    # The page redraws as it polls: an element read may be gone by the next line.
    wait = WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,))
    wait.until(lambda d: bucket in d.find_element(By.ID, "buckets").text)
    assert "report.csv (4 B)" in browser.find_element(By.ID, "buckets").text
    visible = wait.until(lambda d: next(
        (row.find_elements(By.TAG_NAME, "td")[1].text
         for row in d.find_elements(By.CSS_SELECTOR, "#queues tbody tr")
         if queue_name in row.text), None))
    assert visible == "3"

    def bar_widths(driver: Any) -> dict[str, float] | None:
        """The width of each of this function's timeline bars, by cold or warm."""
        widths = {}
        for row in driver.find_elements(By.CSS_SELECTOR, "#invocations tbody tr"):
            cells = row.find_elements(By.TAG_NAME, "td")
            if len(cells) > 7 and cells[1].text == name:
                spans = cells[7].find_elements(By.CSS_SELECTOR, ".timeline span")
                widths[cells[4].text] = sum(span.size["width"] for span in spans)
        return widths if {"cold", "warm"} <= set(widths) else None

    widths = wait.until(bar_widths)
    # One scale: the warm invoke's bar is shorter than the cold one's, not stretched to it.
    assert widths["warm"] < widths["cold"]
    assert "full width =" in browser.find_element(By.ID, "timeline-scale").text
