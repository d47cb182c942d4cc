"""Outposts, the ec2sim way (the EC2 API cannot create an Outpost; AWS installs the rack):

* `POST /_ec2sim/outposts` with the spec `topology.connect.outpost_install` documents
  (`{"AvailabilityZone": "us-east-1a", ...}`; optional `account` and `region` choose the
  partition, default the default account in us-east-1) — install an Outpost with its local
  gateway, default route table, LAGs, service link and local gateway virtual interfaces.
  Answers the ids made.
* `GET /_ec2sim/outposts` lists the installed Outposts of every partition.

The same from Python: `mock_ec2().outpost(spec)` or `install(world, spec)` here. Bad input is
a 400 `{"error": {"code", "message"}}` and changes nothing. docs/outposts.md has the details.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request

from topology.connect import outpost_install, outposts
from topology.core.errors import TopologyError
from topology.core.world import DEFAULT_ACCOUNT, World

PATH = "/_ec2sim/outposts"


def install(world: World, spec: dict[str, Any]) -> dict[str, Any]:
    """Install the Outpost `spec` describes (in its `account`/`region`); the ids made."""
    if not isinstance(spec, dict):
        raise TopologyError("The body must be a JSON object.", "InvalidParameterValue")
    body = dict(spec)
    account = str(body.pop("account", None) or DEFAULT_ACCOUNT)
    region = str(body.pop("region", None) or "us-east-1")
    with world.request():
        part = world.partition(account, region)
        return outpost_install.install(world, part, body)


def listing(world: World) -> list[dict[str, Any]]:
    """Every installed Outpost: its ARN, zone, account, region and local gateway."""
    found = []
    for part in world.partitions():
        for outpost in part.ids(outposts.OUTPOST):
            node = world.graph.nodes[outpost]
            found.append({"OutpostId": outpost, "OutpostArn": node["OutpostArn"],
                          "AvailabilityZone": node["AvailabilityZone"],
                          "OwnerId": part.account, "Region": part.region,
                          "LocalGatewayId": outposts.lgw_of_outpost(world, outpost)})
    return found


def register(app: Flask, world: World) -> None:
    """Serve `/_ec2sim/outposts` for `world` from `app`."""
    blueprint = Blueprint("outposts", __name__)

    @blueprint.get(PATH)
    def list_outposts() -> tuple[Response, int]:
        return jsonify(Outposts=listing(world)), 200

    @blueprint.post(PATH)
    def post_outpost() -> tuple[Response, int]:
        body = request.get_json(silent=True)
        try:
            return jsonify(install(world, body)), 200
        except TopologyError as err:
            return jsonify(error={"code": err.code, "message": err.message}), 400

    app.register_blueprint(blueprint)
