"""Organizations and RAM shares, the ec2sim way (RAM and Organizations are other services):

* `POST /_ec2sim/organizations` `{"Id": "o-...", "ManagementAccountId": "...",
  "Accounts": ["...", ...]}` — make the accounts members of the organization;
  `GET /_ec2sim/organizations` lists them.
* `POST /_ec2sim/shares` `{"ResourceId": "tgw-...", "Principals": ["444455556666",
  "o-...", "arn:aws:organizations::...:organization/o-..."]}` — the owner (the resource's
  account) shares it, as a RAM resource share inside an organization does (accepted at once);
  `DELETE /_ec2sim/shares` with the same body stops sharing; `GET /_ec2sim/shares?resource=`
  says with whom a resource is shared.

The same from Python: `mock_ec2().organization(...)` / `.share(...)`, or `organize(world,
body)` / `grant(world, body)` here. Bad input is a 400 `{"error": {"code", "message"}}` and
changes nothing. docs/sharing.md says what each family does with a share.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request

from topology.core import sharing
from topology.core.errors import MissingParameter, TopologyError
from topology.core.world import World

ORGS_PATH, SHARES_PATH = "/_ec2sim/organizations", "/_ec2sim/shares"


def organize(world: World, body: dict[str, Any]) -> dict[str, Any]:
    """Make `body`'s accounts members of its organization; the organization as it stands."""
    org_id, management = _required(body, "Id"), _required(body, "ManagementAccountId")
    with world.request():
        sharing.join(world, org_id, list(body.get("Accounts") or []), management)
    return next(o for o in sharing.organizations(world) if o["Id"] == org_id)


def grant(world: World, body: dict[str, Any], *, revoke: bool = False) -> dict[str, Any]:
    """Share `body["ResourceId"]` with `body["Principals"]` (or stop, with `revoke`)."""
    rid, principals = _required(body, "ResourceId"), list(body.get("Principals") or [])
    node = world.node(rid)
    if node is None or not node["account"].isdigit():
        raise TopologyError(f"The resource {rid} does not exist.", "InvalidParameterValue")
    with world.request():
        owner = world.partition(node["account"], node["region"])
        (sharing.unshare if revoke else sharing.share)(world, owner, rid, principals)
    return {"ResourceId": rid, "OwnerId": node["account"],
            "Principals": sharing.shared_with(world, rid)}


def _required(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise MissingParameter(f"The request must contain the parameter {name}")
    return value


def register(app: Flask, world: World) -> None:
    """Serve the organization and share endpoints for `world` from `app`."""
    blueprint = Blueprint("shares", __name__)

    @blueprint.get(ORGS_PATH)
    def list_organizations() -> tuple[Response, int]:
        return jsonify(Organizations=sharing.organizations(world)), 200

    @blueprint.post(ORGS_PATH)
    def post_organization() -> tuple[Response, int]:
        return _answer(lambda body: organize(world, body))

    @blueprint.get(SHARES_PATH)
    def list_shares() -> tuple[Response, int]:
        rid = request.args.get("resource") or ""
        node = world.node(rid)
        if node is None:
            return _error("InvalidParameterValue", f"The resource {rid} does not exist.")
        return jsonify(ResourceId=rid, OwnerId=node["account"],
                       Principals=sharing.shared_with(world, rid)), 200

    @blueprint.post(SHARES_PATH)
    def post_share() -> tuple[Response, int]:
        return _answer(lambda body: grant(world, body))

    @blueprint.delete(SHARES_PATH)
    def delete_share() -> tuple[Response, int]:
        return _answer(lambda body: grant(world, body, revoke=True))

    app.register_blueprint(blueprint)


def _answer(act: Any) -> tuple[Response, int]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error("InvalidParameterValue", "The body must be a JSON object.")
    try:
        return jsonify(act(body)), 200
    except TopologyError as err:
        return _error(err.code, err.message)


def _error(code: str, message: str) -> tuple[Response, int]:
    return jsonify(error={"code": code, "message": message}), 400
