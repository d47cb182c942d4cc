"""Egress-only internet gateways and carrier gateways: gateways created for one VPC.

Both are ATTACHED to their VPC from birth (edge data `State: attached` for an egress-only
internet gateway), which is what keeps the VPC from being deleted (`vpcs.delete`) and what
`routes` checks a route's table against.

* An egress-only internet gateway has no state of its own. Deleting it removes it (a
  tombstone while routes point at it, so they read `blackhole`); routes to it take IPv6
  destinations only (`routes.IPV6_ONLY`).
* A carrier gateway has a `State`: its create call answers `pending`, its delete call
  `deleting`; afterwards it is `available`, then `deleted` and still visible, with its VPC
  remembered in the internal `vpc` field and in the partition's `carrier-gateway:vpc-id`
  value index (which answers the `vpc-id` filter for live and deleted gateways alike).
  Routes to it take IPv4 destinations only and read `blackhole` once it is deleted.
  AWS offers carrier gateways to accounts opted in to a Wavelength Zone; ec2sim has no
  Wavelength Zones and takes the call on any VPC, as AWS's API reference documents it.
"""
from __future__ import annotations

from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.described import Import
from ..core.errors import Malformed, NotFound
from ..core.family import Family, declare
from ..core.filters import Filter, ident, owner
from ..core.world import Partition, World, is_id_of

EGRESS_ONLY = "egress-only-internet-gateway"
CARRIER = "carrier-gateway"
CARRIER_BY_VPC = "carrier-gateway:vpc-id"   # value index (`World.claim`)


def _tag(world: World, rid: str, tags: dict[str, str] | None) -> None:
    tagging.apply(world, rid, tags or {})


# -- egress-only internet gateways ------------------------------------------------------------
def create_egress_only(world: World, part: Partition, vpc_id: str, *,
                       tags: dict[str, str] | None = None) -> str:
    """A new egress-only internet gateway attached to `vpc_id`; its id."""
    if not is_id_of("vpc", vpc_id):   # this operation's own code and words (AWS, 2022)
        raise Malformed(f"The vpc ID {vpc_id} is malformed", "InvalidVpcId.Malformed")
    world.get(part, "vpc", vpc_id)
    eigw_id = world.new_id("eigw")
    world.add(part, EGRESS_ONLY, eigw_id)
    world.link(eigw_id, vpc_id, schema.ATTACHED, State="attached")
    _tag(world, eigw_id, tags)
    return eigw_id


def delete_egress_only(world: World, part: Partition, eigw_id: str) -> None:
    """Delete a gateway; an unknown one is AWS's generic `InvalidGatewayID.NotFound`.

    (The code Terraform's and amazon.aws's delete calls take for "already gone".)
    """
    try:
        world.get(part, EGRESS_ONLY, eigw_id)
    except NotFound:
        raise NotFound(f"The gateway ID '{eigw_id}' does not exist",
                       "InvalidGatewayID.NotFound") from None
    world.remove(eigw_id)   # its attachment goes with it; routes keep a tombstone


def egress_only_vpc(world: World, eigw_id: str) -> str | None:
    """The VPC a (live) egress-only internet gateway is attached to."""
    found = world.out(eigw_id, schema.ATTACHED, "vpc")
    return found[0][0] if found else None


def egress_only_of(world: World, vpc_id: str) -> list[str]:
    """The VPC's egress-only internet gateways."""
    return [g for g, _, _ in world.into(vpc_id, schema.ATTACHED, EGRESS_ONLY)]


def egress_only_view(world: World, eigw_id: str) -> dict[str, Any]:
    """The gateway as boto3's `EgressOnlyInternetGateway`."""
    node = world.graph.nodes[eigw_id]
    out: dict[str, Any] = {
        "Attachments": [{"State": data["State"], "VpcId": vpc}
                        for vpc, _, data in world.out(eigw_id, schema.ATTACHED, "vpc")],
        "EgressOnlyInternetGatewayId": eigw_id,
    }
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    return out


# AWS documents only the tag filters (`tag:<key>`, `tag-key`), which the engine provides.
EGRESS_ONLY_FILTERS: dict[str, Filter] = {}


# -- carrier gateways --------------------------------------------------------------------------
def create_carrier(world: World, part: Partition, vpc_id: str, *,
                   tags: dict[str, str] | None = None) -> str:
    """A new carrier gateway for `vpc_id`; its id."""
    world.get(part, "vpc", vpc_id)
    cagw_id = world.new_id("cagw")
    world.add(part, CARRIER, cagw_id, State="available", vpc=vpc_id)
    world.link(cagw_id, vpc_id, schema.ATTACHED)
    world.claim(part, CARRIER_BY_VPC, vpc_id, cagw_id)
    _tag(world, cagw_id, tags)
    return cagw_id


def delete_carrier(world: World, part: Partition, cagw_id: str) -> dict[str, Any]:
    """Delete a carrier gateway: it lets go of its VPC and stays visible as `deleted`.
    Returns what DeleteCarrierGateway answers: the gateway `deleting` (or `deleted` when it
    already was)."""
    node = world.get(part, CARRIER, cagw_id)
    if node["State"] == "deleted":
        return carrier_view(world, cagw_id)
    for vpc, _, _ in world.out(cagw_id, schema.ATTACHED, "vpc"):
        world.unlink(cagw_id, vpc, schema.ATTACHED)
    world.update(cagw_id, State="deleted")
    return {**carrier_view(world, cagw_id), "State": "deleting"}


def carrier_view(world: World, cagw_id: str) -> dict[str, Any]:
    """The gateway as boto3's `CarrierGateway`."""
    node = world.graph.nodes[cagw_id]
    out: dict[str, Any] = {
        "CarrierGatewayId": cagw_id,
        "VpcId": node["vpc"],
        "State": node["State"],
        "OwnerId": node["account"],
    }
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    return out


CARRIER_FILTERS: dict[str, Filter] = {
    "carrier-gateway-id": ident(),
    "state": Filter(lambda w, rid, n: n["State"]),
    "owner-id": owner(),
    "vpc-id": Filter(lambda w, rid, n: n["vpc"],
                     lambda w, part, value: w.claimed(part, CARRIER_BY_VPC, value), exact=True),
}


# -- import: one described item into the graph (topology/provision/importer.py) -------------
def imported(imp: Import, item: dict[str, Any]) -> None:
    """A described gateway ATTACHED to the VPC it names."""
    imp.gateway("egress-only-internet-gateway", item["EgressOnlyInternetGatewayId"], item)


# -- the family: its plain Create/Delete/Describe operations are bound from this (docs/families.md)
EGRESS_ONLY_FAMILY = declare(Family(
    EGRESS_ONLY, view=egress_only_view, filters=EGRESS_ONLY_FILTERS, create=create_egress_only,
    delete=delete_egress_only, unknown_ids_ok=True))
CARRIER_FAMILY = declare(Family(
    CARRIER, view=carrier_view, filters=CARRIER_FILTERS, create=create_carrier,
    created_view=lambda world, rid: {**carrier_view(world, rid), "State": "pending"},
    delete=delete_carrier))
