"""Virtual private gateways (VGWs), the VPC end of a Site-to-Site VPN, and the routes they
propagate into VPC route tables.

A `vpn-gateway` node holds `Type`, `AmazonSideAsn`, `State` and, when given,
`AvailabilityZone`. Its attachment is an ATTACHED edge vgw -> vpc `{State: "attached"}`:
a gateway attaches to one VPC at a time and a VPC takes one gateway. AWS keeps showing a
detached attachment (`VpcAttachments: [{State: "detached"}]`) until the gateway attaches
again, so the internal `detached` tuple remembers the VPC it left; a deleted gateway stays
visible with `State` `deleted`, as on AWS. Routes to a gateway that is not attached to the
table's VPC read `blackhole` (`routes.route_state`).

Route propagation is a PROPAGATES edge route-table -> vgw. The routes it brings are derived,
never stored: while the gateway is attached to the table's VPC, every static route of its
available VPN connections shows in the table with `Origin` `EnableVgwRoutePropagation`.
AWS lists them beside the table's own routes; for forwarding, a static route with the same
destination wins and a propagated route inside the VPC's own blocks never beats `local`
(`propagated_routes(..., effective=True)` gives the ones that carry traffic).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from netaddr import IPNetwork

from ..core import addressing, regions, schema
from ..core import tags as tagging
from ..core.errors import IncorrectState, InvalidParameterValue, NotFound, TopologyError
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import vpc_blocks
from .routes import PROPAGATED, is_gateway_table, table_routes, vpc_of

KIND = "vpn-gateway"
DEFAULT_ASN = 64512
# AWS's private ASN ranges for the Amazon side of a BGP session (16-bit and 32-bit)
AMAZON_ASN_RANGES = ((64512, 65534), (4200000000, 4294967294))
ATTACHED_STATE = "attached"
VPC_ATTACHMENTS = "vgw-vpc"        # value index: VPC id -> gateways it was (or is) attached to


# -- create / delete --------------------------------------------------------------------------
def check_asn(asn: int | None) -> int:
    """The Amazon side ASN, AWS's default when none is given."""
    if asn is None:
        return DEFAULT_ASN
    if not any(low <= asn <= high for low, high in AMAZON_ASN_RANGES):
        raise InvalidParameterValue(
            f"Value ({asn}) for parameter amazonSideAsn is invalid. The ASN must be in the "
            "private range of 64512-65534 or 4200000000-4294967294.")
    return asn


def _check_zone(part: Partition, zone: str | None) -> None:
    if zone is not None and regions.zone(part.region, zone) is None:
        raise InvalidParameterValue(f"Invalid availability zone: [{zone}]")


def create(world: World, part: Partition, *, gateway_type: str, asn: int | None = None,
           zone: str | None = None, tags: dict[str, str] | None = None) -> str:
    """A new gateway, attached to nothing."""
    amazon_asn = check_asn(asn)
    _check_zone(part, zone)
    vgw_id = world.new_id("vgw")
    fields: dict[str, Any] = {"Type": gateway_type, "AmazonSideAsn": amazon_asn,
                              "State": "available", "detached": ()}
    if zone is not None:
        fields["AvailabilityZone"] = zone
    world.add(part, KIND, vgw_id, **fields)
    tagging.apply(world, vgw_id, tags or {})
    return vgw_id


def live(world: World, part: Partition, vgw_id: str) -> dict[str, Any]:
    """The gateway, refusing one that is deleted (AWS's `InvalidVpnGatewayState`)."""
    node = world.get(part, KIND, vgw_id)
    if node["State"] != "available":
        raise TopologyError(f"The virtual private gateway {vgw_id} is not in an available "
                            "state.", "InvalidVpnGatewayState")
    return node


def connections(world: World, vgw_id: str) -> list[str]:
    """The live VPN connections that end on the gateway."""
    return [vpn for vpn, _, _ in world.into(vgw_id, schema.ATTACHED, "vpn-connection")]


def delete(world: World, part: Partition, vgw_id: str) -> None:
    """Delete a gateway: it must be detached and carry no VPN connection. Routes to it stay
    (blackhole); route tables stop propagating from it. Deleting twice changes nothing."""
    node = world.get(part, KIND, vgw_id)
    if node["State"] == "deleted":
        return
    if attached_vpc(world, vgw_id) is not None or connections(world, vgw_id):
        raise IncorrectState("The VPN gateway is in use.", "IncorrectState")
    for rtb, _, _ in world.into(vgw_id, schema.PROPAGATES, "route-table"):
        world.unlink(rtb, vgw_id, schema.PROPAGATES)
    world.update(vgw_id, State="deleted")


# -- attachment -------------------------------------------------------------------------------
def attached_vpc(world: World, vgw_id: str) -> str | None:
    found = world.out(vgw_id, schema.ATTACHED, "vpc")
    return found[0][0] if found else None


def attached_gateway(world: World, vpc_id: str) -> str | None:
    """The virtual private gateway attached to the VPC, if any."""
    found = world.into(vpc_id, schema.ATTACHED, KIND)
    return found[0][0] if found else None


def attach(world: World, part: Partition, vpn_gateway_id: str, vpc_id: str) -> dict[str, str]:
    """Attach the gateway to `vpc_id` (again: nothing changes); the `VpcAttachment`."""
    live(world, part, vpn_gateway_id)
    world.get(part, "vpc", vpc_id)
    current = attached_vpc(world, vpn_gateway_id)
    if current == vpc_id:
        return {"VpcId": vpc_id, "State": ATTACHED_STATE}
    if current is not None:
        raise TopologyError("The maximum number of virtual private gateway attachments has "
                            "been reached.", "VpnGatewayAttachmentLimitExceeded")
    other = attached_gateway(world, vpc_id)
    if other is not None:
        raise TopologyError(f"VPC {vpc_id} is currently attached to the Virtual Private "
                            "Gateway.", "InvalidVpcState")
    world.link(vpn_gateway_id, vpc_id, schema.ATTACHED, State=ATTACHED_STATE)
    # the new attachment replaces the detached one: AWS then lists only `attached`
    # attachments (Ansible's ec2_vpc_vgw waits for all of them to read so when it moves a
    # gateway to another VPC)
    for old in world.graph.nodes[vpn_gateway_id]["detached"]:
        if old != vpc_id:
            world.unclaim(part, VPC_ATTACHMENTS, old, vpn_gateway_id)
    if vpc_id not in world.graph.nodes[vpn_gateway_id]["detached"]:
        world.claim(part, VPC_ATTACHMENTS, vpc_id, vpn_gateway_id)
    world.update(vpn_gateway_id, detached=())
    return {"VpcId": vpc_id, "State": "attaching"}


def detach(world: World, part: Partition, vpn_gateway_id: str, vpc_id: str) -> None:
    """Detach from `vpc_id`; the attachment stays on show as `detached`. AWS does not look
    the VPC up: an unknown VPC is just an attachment that does not exist."""
    world.get(part, KIND, vpn_gateway_id)
    if attached_vpc(world, vpn_gateway_id) != vpc_id:
        raise NotFound(f"The attachment with vpn gateway ID '{vpn_gateway_id}' and vpc ID "
                       f"'{vpc_id}' does not exist", "InvalidVpnGatewayAttachment.NotFound")
    world.unlink(vpn_gateway_id, vpc_id, schema.ATTACHED)
    world.update(vpn_gateway_id, detached=(*world.graph.nodes[vpn_gateway_id]["detached"], vpc_id))


# -- route propagation ------------------------------------------------------------------------
def propagating(world: World, rtb_id: str) -> list[str]:
    """The gateways the route table propagates routes from."""
    return [vgw for vgw, _, _ in world.out(rtb_id, schema.PROPAGATES, KIND)]


def enable_propagation(world: World, part: Partition, route_table_id: str,
                       gateway_id: str) -> None:
    """Let the gateway propagate routes into the table: it must be attached to the table's
    VPC. Enabling twice changes nothing."""
    world.get(part, "route-table", route_table_id)
    world.get(part, KIND, gateway_id)
    vpc_id = vpc_of(world, route_table_id)
    if attached_vpc(world, gateway_id) != vpc_id:
        raise TopologyError(f"resource {gateway_id} is not attached to network {vpc_id}",
                            "Gateway.NotAttached")
    if is_gateway_table(world, route_table_id):
        raise InvalidParameterValue(
            f"Route table {route_table_id} is associated with a gateway; route propagation is not "
            "supported for a gateway route table.")
    if gateway_id not in propagating(world, route_table_id):
        world.link(route_table_id, gateway_id, schema.PROPAGATES)


def disable_propagation(world: World, part: Partition, route_table_id: str,
                        gateway_id: str) -> None:
    """Stop the gateway propagating into the table (a table that does not: nothing)."""
    world.get(part, "route-table", route_table_id)
    world.get(part, KIND, gateway_id)
    if gateway_id in propagating(world, route_table_id):
        world.unlink(route_table_id, gateway_id, schema.PROPAGATES)


def _advertised(world: World, vgw_id: str) -> Iterator[str]:
    """The destinations the gateway learns from its VPN connections (static routes)."""
    for vpn in connections(world, vgw_id):
        node = world.graph.nodes[vpn]
        if node.get("State") == "available":
            yield from node.get("routes", {})


def propagated_routes(world: World, rtb_id: str, *, effective: bool = False
                      ) -> list[tuple[str, str, dict[str, Any]]]:
    """(destination, gateway, route data) of the routes propagated into the table.

    With `effective`, only those that carry traffic: AWS prefers a static route with the
    same destination, and the `local` route over any propagated route inside the VPC.
    """
    vpc_id = vpc_of(world, rtb_id)
    seen: set[str] = set()
    found: list[tuple[str, str, dict[str, Any]]] = []
    for vgw in propagating(world, rtb_id):
        if attached_vpc(world, vgw) != vpc_id:
            continue   # a detached gateway learns nothing for this VPC
        for dest in _advertised(world, vgw):
            if dest not in seen:
                seen.add(dest)
                found.append((dest, vgw, {"DestinationCidrBlock": dest, "Origin": PROPAGATED}))
    if effective and found:
        static = {dest for dest, _, _ in table_routes(world, rtb_id)}
        blocks = vpc_blocks.blocks(world, vpc_id)
        found = [r for r in found if r[0] not in static
                 and not _within(addressing.network(r[0]), blocks)]
    return found


def _within(net: IPNetwork, blocks: Iterable[IPNetwork]) -> bool:
    return any(b.version == net.version and net in b for b in blocks)


def propagated_route_views(world: World, rtb_id: str) -> list[dict[str, Any]]:
    """The propagated routes as boto3's `Route` (active: the gateway is attached)."""
    return [{**data, "GatewayId": vgw, "State": "active"}
            for _, vgw, data in propagated_routes(world, rtb_id)]


# -- views and filters -----------------------------------------------------------------------
def attachments(world: World, vgw_id: str) -> list[dict[str, str]]:
    """`VpcAttachments`: the current attachment, then the VPCs the gateway left."""
    out = [{"VpcId": vpc, "State": data["State"]}
           for vpc, _, data in world.out(vgw_id, schema.ATTACHED, "vpc")]
    out += [{"VpcId": vpc, "State": "detached"}
            for vpc in world.graph.nodes[vgw_id]["detached"]]
    return out


def view(world: World, vgw_id: str) -> dict[str, Any]:
    """The gateway as boto3's `VpnGateway`."""
    node = world.graph.nodes[vgw_id]
    out: dict[str, Any] = {
        "VpnGatewayId": vgw_id,
        "State": node["State"],
        "Type": node["Type"],
        "VpcAttachments": attachments(world, vgw_id),
        "AmazonSideAsn": node["AmazonSideAsn"],
    }
    if node.get("AvailabilityZone"):
        out["AvailabilityZone"] = node["AvailabilityZone"]
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    return out


def created_view(world: World, vgw_id: str) -> dict[str, Any]:
    """What CreateVpnGateway answers: the gateway still `pending`."""
    return {**view(world, vgw_id), "State": "pending"}


def _by_vpc(world: World, part: Partition, vpc_id: str) -> Iterable[str]:
    return world.claimed(part, VPC_ATTACHMENTS, vpc_id)


FILTERS: dict[str, Filter] = {
    "amazon-side-asn": field("AmazonSideAsn"),
    "attachment.state": Filter(lambda w, rid, n: [a["State"] for a in attachments(w, rid)]),
    "attachment.vpc-id": Filter(lambda w, rid, n: [a["VpcId"] for a in attachments(w, rid)],
                                _by_vpc),
    "availability-zone": field("AvailabilityZone"),
    "state": field("State"),
    "type": field("Type"),
    "vpn-gateway-id": ident(),
}


# -- the family: its plain Create/Delete/Describe operations are bound from this (docs/families.md)
FAMILY = declare(Family(
    KIND, view=view, filters=FILTERS, create=create, created_view=created_view, delete=delete,
    arguments={"gateway_type": "Type", "asn": "AmazonSideAsn", "zone": "AvailabilityZone"},
    actions={"AttachVpnGateway": attach, "DetachVpnGateway": detach,
             "EnableVgwRoutePropagation": enable_propagation,
             "DisableVgwRoutePropagation": disable_propagation}))
