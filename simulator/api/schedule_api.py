"""Scheduled rules seen and fired by hand: `GET /_simulator/schedules` lists them with their
next fire time, `POST /_simulator/schedules/<rule>/fire` delivers a rule's event now (what
`lambda-sim emit schedule` calls), so nobody waits for a cron to come round."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from simulator.events.schedules import Scheduler

schedule_api = Blueprint("schedule_api", __name__, url_prefix="/_simulator/schedules")


def scheduler() -> Scheduler:
    return current_app.extensions["scheduler"]  # type: ignore[no-any-return]


@schedule_api.get("")
def schedules() -> Response:
    return jsonify({"schedules": scheduler().listing()})


@schedule_api.post("/<rule_name>/fire")
def fire(rule_name: str) -> Response:
    return jsonify(scheduler().fire(rule_name))
