"""Internet gateways: an ATTACHED edge igw -> vpc is the attachment (one VPC at most).

AWS's rules: a gateway attaches to one VPC and a VPC takes one internet gateway; detaching
needs the gateway attached to that very VPC and no public addresses mapped in the VPC; an
attached gateway cannot be deleted. Routes to a detached or deleted gateway stay, reading
`blackhole` (see `route_tables.route_state`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.described import Import
from ..core.errors import DependencyViolation, InvalidParameterValue, TopologyError
from ..core.family import Family, declare
from ..core.filters import Filter, ident, owner
from ..core.world import Partition, World
from . import network_interfaces as enis

ATTACHMENT_STATE = "available"   # what DescribeInternetGateways shows for an attached VPC


def create(world: World, part: Partition, *, tags: dict[str, str] | None = None) -> str:
    igw_id = world.new_id("igw")
    world.add(part, "internet-gateway", igw_id)
    tagging.apply(world, igw_id, tags or {})
    return igw_id


def attached_vpc(world: World, igw_id: str) -> str | None:
    found = world.out(igw_id, schema.ATTACHED, "vpc")
    return found[0][0] if found else None


def attach(world: World, part: Partition, internet_gateway_id: str, vpc_id: str) -> None:
    """Attach to `vpc_id`; AWS refuses a second attachment of either side."""
    world.get(part, "internet-gateway", internet_gateway_id)
    world.get(part, "vpc", vpc_id)
    current = attached_vpc(world, internet_gateway_id)
    if current is not None:
        raise TopologyError(
            f"resource {internet_gateway_id} is already attached to network {current}",
            "Resource.AlreadyAssociated")
    if world.into(vpc_id, schema.ATTACHED, "internet-gateway"):
        raise InvalidParameterValue(f"Network {vpc_id} already has an internet gateway attached")
    world.link(internet_gateway_id, vpc_id, schema.ATTACHED, State=ATTACHMENT_STATE)


def detach(world: World, part: Partition, internet_gateway_id: str, vpc_id: str) -> None:
    """Detach from `vpc_id`: it must be attached there, with no public address in use."""
    world.get(part, "internet-gateway", internet_gateway_id)
    world.get(part, "vpc", vpc_id)
    if attached_vpc(world, internet_gateway_id) != vpc_id:
        raise TopologyError(
            f"resource {internet_gateway_id} is not attached to network {vpc_id}",
            "Gateway.NotAttached")
    if any(public_addresses(world, vpc_id)):
        raise DependencyViolation(
            f"Network {vpc_id} has some mapped public address(es). Please unmap those public "
            "address(es) before detaching the gateway.")
    world.unlink(internet_gateway_id, vpc_id, schema.ATTACHED)


def delete(world: World, part: Partition, igw_id: str) -> None:
    world.get(part, "internet-gateway", igw_id)
    if attached_vpc(world, igw_id) is not None:
        raise DependencyViolation(f"The internetGateway '{igw_id}' has dependencies and "
                                  "cannot be deleted.")
    world.remove(igw_id)


# -- public addresses: the hook detach consults -----------------------------------------------
# kind of a node a subnet CONTAINS -> the public IPv4 addresses it holds (boto3 shapes: an
# ENI's `Association`/`PrivateIpAddresses[].Association`, a NAT gateway's addresses). Kinds
# that later families add only need a row here.
PublicAddresses = Callable[[World, str, dict[str, Any]], Iterable[str]]


def _interface_public(node: dict[str, Any]) -> Iterable[str]:
    found = [node.get("Association") or {}]
    found += [p.get("Association") or {} for p in node.get("PrivateIpAddresses") or []]
    return [a["PublicIp"] for a in found if a.get("PublicIp")]


PUBLIC_ADDRESSES: dict[str, PublicAddresses] = {
    # an ENI's public IPv4s (Elastic IPs and the auto-assigned one, `network_interfaces`);
    # nodes shaped like boto3's NetworkInterface (tests plant such) still count
    "network-interface": lambda world, rid, node: [*enis.public_ips(world, rid).values(),
                                                   *_interface_public(node)],
    # a NAT gateway's Elastic IPs are mapped on its interface, which its subnet also
    # CONTAINS (`nat_gateways`), so the interface row already counts them
    "nat-gateway": lambda world, rid, node: (),
}


def public_addresses(world: World, vpc_id: str) -> Iterable[str]:
    """Public IPv4 addresses mapped to resources in the VPC's subnets (lazily)."""
    for subnet, _, _ in world.out(vpc_id, schema.CONTAINS, "subnet"):
        for child, _, _ in world.out(subnet, schema.CONTAINS):
            node = world.graph.nodes[child]
            extract = PUBLIC_ADDRESSES.get(node["kind"])
            if extract is not None and not node.get("deleted"):
                yield from extract(world, child, node)


# -- views and filters -----------------------------------------------------------------------
def view(world: World, igw_id: str) -> dict[str, Any]:
    """The gateway as boto3's `InternetGateway`."""
    node = world.graph.nodes[igw_id]
    out: dict[str, Any] = {
        "InternetGatewayId": igw_id,
        "OwnerId": node["account"],
        "Attachments": [{"State": data["State"], "VpcId": vpc}
                        for vpc, _, data in world.out(igw_id, schema.ATTACHED, "vpc")],
    }
    # AWS lists an empty tag set (Ansible's ec2_vpc_igw reads it after removing every tag)
    out["Tags"] = tagging.listed(node["tags"])
    return out


def _attached_to(world: World, part: Partition, vpc_id: str) -> list[str]:
    return [u for u, _, _ in world.into(vpc_id, schema.ATTACHED, "internet-gateway")]


FILTERS: dict[str, Filter] = {
    "attachment.state": Filter(lambda w, rid, n: [d["State"] for _, _, d in
                                                  w.out(rid, schema.ATTACHED, "vpc")]),
    "attachment.vpc-id": Filter(lambda w, rid, n: [v for v, _, _ in
                                                   w.out(rid, schema.ATTACHED, "vpc")],
                                _attached_to),
    "internet-gateway-id": ident(),
    "owner-id": owner(),
}


# -- import: one described item into the graph (topology/provision/importer.py) -------------
def imported(imp: Import, item: dict[str, Any]) -> None:
    """A described gateway ATTACHED to the VPC it names."""
    imp.gateway("internet-gateway", item["InternetGatewayId"], item)


# -- the family: its plain Create/Delete/Describe operations are bound from this (docs/families.md)
FAMILY = declare(Family("internet-gateway", view=view, filters=FILTERS, create=create,
                        delete=delete, actions={"AttachInternetGateway": attach,
                                                "DetachInternetGateway": detach}))
