"""`POST /_ec2sim/diff`: change impact over HTTP, answered in `ec2sim diff --format json`'s form.

The body is JSON: `{"before": SNAPSHOT, "after": SNAPSHOT}`; a side left out is the served
world (so `{"after": SNAPSHOT}` asks what a planned state would change). Optional members
`protocol` (default tcp), `port` or `ports` (a port, or a list of ports and ranges such as
`"1000-2000"`; default every port), `kind` (subnet, security-group, all; default all) and
`ip_version` (4 or 6; default 4). Bad input is a 400 with `{"error": {"code", "message"}}`; the world is only read.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request

import api.state_cli as state_cli
import routing
from routing.diff import KINDS, port_spans
from topology.core.errors import TopologyError
from topology.core.world import World

PATH = "/_ec2sim/diff"


def register(app: Flask, world: World) -> None:
    """Serve `POST /_ec2sim/diff` for `world` from `app`."""
    blueprint = Blueprint("diff", __name__)

    @blueprint.post(PATH)
    def answer() -> tuple[Response, int]:
        body = request.get_json(silent=True)
        try:
            question = _question(body)
            sides = [_side(world, body.get(name), name) for name in ("before", "after")]
            result = routing.diff(*sides, **question)
        except TopologyError as err:
            return jsonify(error={"code": err.code, "message": err.message}), 400
        return jsonify(result.as_dict()), 200

    app.register_blueprint(blueprint)


def _question(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or not ({"before", "after"} & set(body)):
        raise TopologyError("The body must be JSON with a before and/or an after snapshot.",
                            "MissingParameter")
    ports = body.get("ports")
    if ports is not None and not isinstance(ports, list):
        ports = [ports]
    port_spans(body.get("port"), ports)          # InvalidParameterValue before any work
    kind = body.get("kind", "all")
    if kind not in KINDS:
        raise TopologyError(f"Value ({kind}) for parameter kind is invalid. Valid values: "
                            f"{', '.join(KINDS)}.", "InvalidParameterValue")
    version = body.get("ip_version", 4)
    if version not in (4, 6) or isinstance(version, bool):
        raise TopologyError(f"Value ({version}) for parameter ip_version is invalid. Valid "
                            "values: 4, 6.", "InvalidParameterValue")
    return {"protocol": str(body.get("protocol", "tcp")), "port": body.get("port"),
            "ports": ports, "kind": kind, "ip_version": version}


def _side(world: World, data: Any, name: str) -> World:
    """The posted snapshot as a world of its own, or the served world when none is posted."""
    if data is None:
        return world
    return state_cli.world_of(data, name)
