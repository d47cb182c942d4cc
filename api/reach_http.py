"""`GET /_ec2sim/reach?from=&to=&protocol=&port=`: a reachability question over HTTP, in JSON.

The answer carries Reachability Analyzer's member names (`NetworkPathFound`,
`ForwardPathComponents`, `ReturnPathComponents`, `Explanations`), `reachable`, and the same
plain-words `summary` lines `ec2sim reach` prints. The optional `account` and `region`
parameters choose the partition (default: the default account in us-east-1). Bad input is a
400 with `{"error": {"code", "message"}}`; nothing in the world changes.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request

import api.reach as reach
from topology.core.errors import TopologyError
from topology.core.world import DEFAULT_ACCOUNT, World

PATH = "/_ec2sim/reach"


def register(app: Flask, world: World) -> None:
    """Serve `GET /_ec2sim/reach` for `world` from `app`."""
    blueprint = Blueprint("reach", __name__)

    @blueprint.get(PATH)
    def answer() -> tuple[Response, int]:
        try:
            question = _question(request.args)
            part = world.partition(question["account"], question["region"])
            result = reach.analyze_world(world, part, question["from"], question["to"],
                                         protocol=question["protocol"], port=question["port"])
        except TopologyError as err:
            return _error(err.code, err.message)
        summary = reach.describe(result, question["from"], question["to"],
                                 question["protocol"], question["port"])
        return jsonify(reachable=result["NetworkPathFound"], source=question["from"],
                       destination=question["to"], protocol=question["protocol"],
                       port=question["port"], summary=summary, **result), 200

    app.register_blueprint(blueprint)


def _question(args: Any) -> dict[str, Any]:
    """The query parameters, checked: `from` and `to` are required; `protocol` is tcp or
    udp; `port` is 0-65535."""
    for name in ("from", "to"):
        if not args.get(name):
            raise TopologyError(f"The request must contain the parameter {name}",
                                "MissingParameter")
    protocol = (args.get("protocol") or "tcp").lower()
    if protocol not in ("tcp", "udp"):
        raise TopologyError(f"Value ({protocol}) for parameter protocol is invalid. "
                            "Valid values: tcp, udp.", "InvalidParameterValue")
    port = args.get("port")
    if port not in (None, ""):
        if not port.isdigit() or int(port) > 65535:
            raise TopologyError(f"Value ({port}) for parameter port is invalid. Specify a port "
                                "from 0 to 65535.", "InvalidParameterValue")
        port = int(port)
    else:
        port = None
    return {"from": args["from"], "to": args["to"], "protocol": protocol, "port": port,
            "account": args.get("account") or DEFAULT_ACCOUNT,
            "region": args.get("region") or "us-east-1"}


def _error(code: str, message: str) -> tuple[Response, int]:
    return jsonify(error={"code": code, "message": message}), 400
