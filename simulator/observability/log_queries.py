"""The CloudWatch Logs operations over the function logs: describe groups and streams, read
a stream, filter a group, set retention. Request and answer are the API's JSON shapes.

Paging tokens point at the store-wide sequence number of an event, so they stay valid while
new events arrive and old ones are dropped. GetLogEvents answers a token that found nothing
new with the same forward token, which is how SDK paginators and `aws logs tail` stop."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from simulator.observability.errors import LogsInvalidParameter, LogsResourceNotFound
from simulator.observability.filter_pattern import FilterPatternError, parse_filter_pattern
from simulator.observability.log_store import LogEvent, LogStore, StreamInfo

MAX_PAGE = 50
MAX_EVENTS = 10_000
RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                  2192, 2557, 2922, 3288, 3653)
GROUP_ARN = re.compile(r"^arn:aws[\w-]*:logs:[^:]*:[^:]*:log-group:(.+?)(?::\*)?$")
FORWARD_TOKEN = re.compile(r"^f/(\d+)$")
BACKWARD_TOKEN = re.compile(r"^b/(\d+)$")
FILTER_TOKEN = re.compile(r"^(\d+)/(\d+)$")

RetentionListener = Callable[[str, int | None], None]


class LogQueries:
    """`on_retention` is told each retention change (persistence)."""

    def __init__(self, store: LogStore, region: str, account_id: str,
                 on_retention: RetentionListener) -> None:
        self._store = store
        self._region = region
        self._account_id = account_id
        self._on_retention = on_retention

    def describe_log_groups(self, body: dict[str, Any]) -> dict[str, Any]:
        prefix = body.get("logGroupNamePrefix")
        pattern = body.get("logGroupNamePattern")
        if prefix and pattern:
            raise LogsInvalidParameter(
                "LogGroup name prefix and LogGroup name pattern are mutually exclusive "
                "parameters.")
        identifiers = {_group_name(i) for i in body.get("logGroupIdentifiers") or []}
        groups = sorted(self._store.describe_groups(), key=lambda g: g.name)
        chosen = [g for g in groups
                  if (not prefix or g.name.startswith(prefix))
                  and (not pattern or pattern.lower() in g.name.lower())
                  and (not identifiers or g.name in identifiers)]
        page, token = _page(chosen, body)
        rows = []
        for group in page:
            row: dict[str, Any] = {
                "logGroupName": group.name,
                "creationTime": group.created_ms,
                "metricFilterCount": 0,
                "arn": f"{self._group_arn(group.name)}:*",
                "storedBytes": group.stored_bytes,
                "logGroupClass": "STANDARD",
                "logGroupArn": self._group_arn(group.name),
            }
            if group.retention_days is not None:
                row["retentionInDays"] = group.retention_days
            rows.append(row)
        return {"logGroups": rows, **({"nextToken": token} if token else {})}

    def describe_log_streams(self, body: dict[str, Any]) -> dict[str, Any]:
        group = self._group_of(body)
        prefix = body.get("logStreamNamePrefix")
        order = body.get("orderBy") or "LogStreamName"
        if order not in ("LogStreamName", "LastEventTime"):
            raise LogsInvalidParameter(f"orderBy must be LogStreamName or LastEventTime, "
                                       f"not {order}")
        if prefix and order == "LastEventTime":
            raise LogsInvalidParameter(
                "Cannot order by LastEventTime with a logStreamNamePrefix.")
        streams = self._streams(group)
        chosen = [s for s in streams if not prefix or s.name.startswith(prefix)]
        if order == "LastEventTime":
            chosen.sort(key=lambda s: (s.last_event_ms or 0, s.name),
                        reverse=bool(body.get("descending")))
        else:
            chosen.sort(key=lambda s: s.name, reverse=bool(body.get("descending")))
        page, token = _page(chosen, body)
        rows = []
        for stream in page:
            row: dict[str, Any] = {
                "logStreamName": stream.name,
                "creationTime": stream.created_ms,
                "arn": f"{self._group_arn(group)}:log-stream:{stream.name}",
                "storedBytes": 0,
            }
            if stream.first_event_ms is not None:
                row["firstEventTimestamp"] = stream.first_event_ms
                row["lastEventTimestamp"] = stream.last_event_ms
                row["lastIngestionTime"] = stream.last_ingestion_ms
            rows.append(row)
        return {"logStreams": rows, **({"nextToken": token} if token else {})}

    def get_log_events(self, body: dict[str, Any]) -> dict[str, Any]:
        group = self._group_of(body)
        stream_name = body.get("logStreamName")
        if not stream_name:
            raise LogsInvalidParameter("logStreamName is required")
        events = self._store.stream_events(group, stream_name)
        if events is None:
            raise LogsResourceNotFound("The specified log stream does not exist.")
        start, end = body.get("startTime"), body.get("endTime")
        events = [e for e in events if (start is None or e.timestamp_ms >= start)
                  and (end is None or e.timestamp_ms < end)]
        limit = _limit(body, MAX_EVENTS, MAX_EVENTS)
        token = body.get("nextToken")
        forward = FORWARD_TOKEN.match(token) if token else None
        backward = BACKWARD_TOKEN.match(token) if token else None
        if token and forward is None and backward is None:
            raise LogsInvalidParameter("The specified nextToken is invalid.")
        if forward is not None:
            anchor = int(forward.group(1))
            page = [e for e in events if e.seq > anchor][:limit]
        elif backward is not None:
            anchor = int(backward.group(1))
            page = [e for e in events if e.seq < anchor][-limit:]
        elif body.get("startFromHead"):
            anchor, page = 0, events[:limit]
        else:
            anchor = events[-1].seq if events else 0
            page = events[-limit:]
        first = page[0].seq if page else anchor
        last = page[-1].seq if page else anchor
        return {
            "events": [{"timestamp": e.timestamp_ms, "message": e.message,
                        "ingestionTime": e.timestamp_ms} for e in page],
            "nextForwardToken": f"f/{last:056d}",
            "nextBackwardToken": f"b/{first:056d}",
        }

    def filter_log_events(self, body: dict[str, Any]) -> dict[str, Any]:
        group = self._group_of(body)
        names = body.get("logStreamNames")
        prefix = body.get("logStreamNamePrefix")
        if names and prefix:
            raise LogsInvalidParameter(
                "Cannot specify both logStreamNames and logStreamNamePrefix.")
        try:
            pattern = parse_filter_pattern(body.get("filterPattern"))
        except FilterPatternError as error:
            raise LogsInvalidParameter(str(error)) from None
        streams = [s.name for s in self._streams(group)]
        if names:
            chosen = set(names) & set(streams)
        elif prefix:
            chosen = {name for name in streams if name.startswith(prefix)}
        else:
            chosen = set(streams)
        start, end = body.get("startTime"), body.get("endTime")
        after = _filter_position(body.get("nextToken"))
        limit = _limit(body, MAX_EVENTS, MAX_EVENTS)
        matched: list[tuple[str, LogEvent]] = []
        more = False
        for stream_name, event in self._store.group_events(group, chosen):
            if (after is not None and (event.timestamp_ms, event.seq) <= after) or (
                    start is not None and event.timestamp_ms < start) or (
                    end is not None and event.timestamp_ms > end) or (
                    not pattern.matches(event.message)):
                continue
            if len(matched) == limit:
                more = True
                break
            matched.append((stream_name, event))
        result: dict[str, Any] = {
            "events": [{"logStreamName": stream_name, "timestamp": e.timestamp_ms,
                        "message": e.message, "ingestionTime": e.timestamp_ms,
                        "eventId": f"{e.seq:056d}"} for stream_name, e in matched],
            "searchedLogStreams": [{"logStreamName": name, "searchedCompletely": not more}
                                   for name in sorted(chosen)],
        }
        if more:
            last = matched[-1][1]
            result["nextToken"] = f"{last.timestamp_ms}/{last.seq}"
        return result

    def put_retention_policy(self, body: dict[str, Any]) -> dict[str, Any]:
        days = body.get("retentionInDays")
        if days not in RETENTION_DAYS:
            raise LogsInvalidParameter(
                f"1 validation error detected: Value '{days}' at 'retentionInDays' failed to "
                "satisfy constraint: Member must satisfy enum value set: "
                f"[{', '.join(str(d) for d in RETENTION_DAYS)}]")
        self._set_retention(self._group_of(body), days)
        return {}

    def delete_retention_policy(self, body: dict[str, Any]) -> dict[str, Any]:
        self._set_retention(self._group_of(body), None)
        return {}

    # -- helpers ----------------------------------------------------------------------------

    def _set_retention(self, group: str, days: int | None) -> None:
        if not self._store.set_retention(group, days):
            raise LogsResourceNotFound("The specified log group does not exist.")
        self._on_retention(group, days)

    def _group_of(self, body: dict[str, Any]) -> str:
        """The group a request names (by name or identifier), which must exist."""
        name = body.get("logGroupName")
        identifier = body.get("logGroupIdentifier")
        if name and identifier:
            raise LogsInvalidParameter(
                "LogGroup name and LogGroup ARN are mutually exclusive parameters.")
        if identifier:
            name = _group_name(identifier)
        if not name:
            raise LogsInvalidParameter("Either logGroupName or logGroupIdentifier is required.")
        group = str(name)
        if self._store.describe_streams(group) is None:
            raise LogsResourceNotFound("The specified log group does not exist.")
        return group

    def _streams(self, group: str) -> list[StreamInfo]:
        return self._store.describe_streams(group) or []

    def _group_arn(self, group: str) -> str:
        return f"arn:aws:logs:{self._region}:{self._account_id}:log-group:{group}"


def _group_name(identifier: str) -> str:
    match = GROUP_ARN.match(identifier)
    return match.group(1) if match else identifier


def _limit(body: dict[str, Any], default: int, maximum: int) -> int:
    limit = body.get("limit", default)
    if not isinstance(limit, int) or not 1 <= limit <= maximum:
        raise LogsInvalidParameter(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            f"constraint: Member must have value between 1 and {maximum}")
    return limit


def _page(items: list[Any], body: dict[str, Any]) -> tuple[list[Any], str | None]:
    """A page of a sorted listing; the token is the position after the page."""
    limit = _limit(body, MAX_PAGE, MAX_PAGE)
    token = body.get("nextToken")
    start = 0
    if token:
        if not token.isdigit():
            raise LogsInvalidParameter("The specified nextToken is invalid.")
        start = int(token)
    page = items[start:start + limit]
    return page, str(start + limit) if start + limit < len(items) else None


def _filter_position(token: str | None) -> tuple[int, int] | None:
    if not token:
        return None
    match = FILTER_TOKEN.match(token)
    if match is None:
        raise LogsInvalidParameter("The specified nextToken is invalid.")
    return int(match.group(1)), int(match.group(2))
