"""The event source mapping operations of the Lambda API: routes and wire details only."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from simulator.api.lambda_api import answer, json_body, tags
from simulator.events.mappings import EventSourceMappings
from simulator.functions.validation import validate_tags

event_source_api = Blueprint("event_source_api", __name__)


def mappings() -> EventSourceMappings:
    return current_app.extensions["event_source_mappings"]  # type: ignore[no-any-return]


@event_source_api.post("/2015-03-31/event-source-mappings")
@event_source_api.post("/2015-03-31/event-source-mappings/")
def create_event_source_mapping() -> Response:
    """Tags given on create are the mapping's from the start, as AWS keeps them."""
    body = json_body()
    if "Tags" in body:
        validate_tags(body["Tags"])
    created = mappings().create(body)
    if body.get("Tags"):
        tags().tag(created["EventSourceMappingArn"], {"Tags": body["Tags"]})
    return answer(created, 202)


@event_source_api.get("/2015-03-31/event-source-mappings")
@event_source_api.get("/2015-03-31/event-source-mappings/")
def list_event_source_mappings() -> Response:
    return answer(mappings().list(
        request.args.get("FunctionName"),
        request.args.get("EventSourceArn"),
        request.args.get("Marker"),
        request.args.get("MaxItems"),
    ))


@event_source_api.get("/2015-03-31/event-source-mappings/<mapping_id>")
def get_event_source_mapping(mapping_id: str) -> Response:
    return answer(mappings().get(mapping_id))


@event_source_api.put("/2015-03-31/event-source-mappings/<mapping_id>")
def update_event_source_mapping(mapping_id: str) -> Response:
    return answer(mappings().update(mapping_id, json_body()), 202)


@event_source_api.delete("/2015-03-31/event-source-mappings/<mapping_id>")
def delete_event_source_mapping(mapping_id: str) -> Response:
    deleted = mappings().delete(mapping_id)
    tags().forget(deleted["EventSourceMappingArn"])
    return answer(deleted, 202)
