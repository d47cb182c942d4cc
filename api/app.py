"""The Flask app: EC2 Query requests at `/`, moto-compatible reset, and a health answer.

`create_app(world)` wires the state in explicitly; nothing is built at import time.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from flask import Flask, Response, jsonify, request

from topology.world import World

from . import dispatch


def create_app(world: World | None = None, config: dict[str, Any] | None = None) -> Flask:
    """A Flask app serving `world` (a fresh one if not given)."""
    app = Flask("ec2sim")
    app.config.update(config or {})
    world = world if world is not None else World()
    app.extensions["ec2sim.world"] = world

    @app.route("/", methods=["GET", "POST"])
    @app.route("/<path:_path>", methods=["GET", "POST"])
    def query(_path: str = "") -> Response:
        form = _form()
        if "Action" not in form:
            if request.method == "GET":
                return jsonify(service="ec2sim", status="running")
            form["Action"] = ""
        reply = dispatch.handle(world, form, request.headers)
        return Response(reply.body, status=reply.status, headers=reply.headers)

    @app.post("/moto-api/reset")
    @app.post("/_ec2sim/reset")
    def reset() -> Response:
        world.reset()
        return jsonify(status="ok")

    return app


def _form() -> dict[str, str]:
    """The Query fields of a request: the query string, then the form body over it."""
    fields = dict(parse_qsl(request.query_string.decode("utf-8"), keep_blank_values=True))
    body = request.get_data(cache=False, as_text=True)
    if body:
        fields.update(parse_qsl(body, keep_blank_values=True))
    return fields
