"""Secondary networks and their secondary subnets (RDMA and virtual edge networks).

A `secondary-network` node (`sn-`) is of type `rdma` (an IPv4 block, /12 to /28, with its
`sn-cidr-assoc-` association) or `virtual-edge` (a zone, a VLAN mode and a default native
VLAN, no block). A `secondary-subnet` node (`ss-`) is CONTAINS-ed by its network; in an
`rdma` network its IPv4 block (/12 to /28) lies in the network's block, in a `virtual-edge`
network it has an IPv4 block or an IPv6 one (/44 to /64) and the network's zone. Blocks of
one network's subnets never overlap (netaddr `IPSet`).

States as AWS reports them: a create answers `create-in-progress` (blocks `associating`),
a describe shows `create-complete` (`associated`); a delete answers `delete-in-progress`
(`disassociating`) and the resource stays visible as `delete-complete` (`disassociated`), as
the SDK waiters `SecondaryNetworkDeleteComplete`/`SecondarySubnetDeleteComplete` expect.
A deleted resource cannot be changed again (`InvalidState`); a network with live subnets,
ACLs or a virtual edge network gateway cannot be deleted, nor a subnet with secondary
interfaces or a live association (ACL, gateway route table) or route server peer.
"""
from __future__ import annotations

from typing import Any

from netaddr import IPNetwork, IPSet

from ..core import addressing, lookups, regions, schema
from ..core import tags as tagging
from ..core.errors import (DependencyViolation, IncorrectState, InvalidParameterCombination,
                           InvalidParameterValue, MissingParameter, TopologyError)
from ..core.filters import Filter, field, ident, owner
from ..core.world import Partition, World

NETWORK, SUBNET = "secondary-network", "secondary-subnet"
LIVE = "create-complete"
V4_SIZES, V6_SIZES = (12, 28), (44, 64)
# the kinds inside a network or a subnet that keep it from being deleted
NETWORK_PARTS = ("secondary-subnet", "secondary-network-acl")


arn = lookups.ec2_arn


def live(world: World, part: Partition, kind: str, rid: str) -> dict[str, Any]:
    """The resource, refusing one being or already deleted."""
    node = world.get(part, kind, rid)
    if node["State"] != LIVE:
        raise IncorrectState(f"The {schema.KINDS[kind].label} {rid} is not in a modifiable "
                             "state.", "InvalidState")
    return node


def is_live(world: World, rid: str) -> bool:
    return world.graph.nodes[rid]["State"] == LIVE


def _holders(world: World, rid: str, etype: str) -> list[str]:
    """The kinds of the live resources (ACL and route table associations, gateways, peers:
    whatever keeps `State` as these families do) with an `etype` edge to `rid`."""
    nodes = world.graph.nodes
    return [nodes[u]["kind"] for u, _, _ in world.into(rid, etype)
            if not nodes[u].get("deleted") and nodes[u].get("State") == LIVE]


def _block(text: str, member: str, sizes: tuple[int, int], version: int) -> IPNetwork:
    net = addressing.parse(text, param=member, version=version)
    low, high = sizes
    if not low <= net.prefixlen <= high:
        raise InvalidParameterValue(
            f"Value ({text}) for parameter {member} is invalid. The CIDR block size must be "
            f"between /{low} and /{high}.")
    return net


def _zone(region: str, zone: str | None, zone_id: str | None) -> dict[str, str]:
    if (zone is None) == (zone_id is None):
        raise InvalidParameterCombination(
            "You must specify either AvailabilityZone or AvailabilityZoneId, but not both.")
    found = regions.zone(region, zone, zone_id)
    if found is None:
        if zone is not None:
            raise InvalidParameterValue(f"Value ({zone}) for parameter availabilityZone is "
                                        "invalid. Subnets can currently only be created in "
                                        f"the following availability zones: "
                                        + ", ".join(z["ZoneName"] for z in regions.zones(region)))
        raise InvalidParameterValue(f"Value ({zone_id}) for parameter availabilityZoneId is "
                                    "invalid.")
    return found


def _association(world: World, prefix: str, member: str, cidr: str) -> dict[str, str]:
    return {"AssociationId": world.new_id(prefix), member: cidr}


# -- networks ---------------------------------------------------------------------------------
def create_network(world: World, part: Partition, network_type: str,
                   ipv4_cidr_block: str | None = None, vlan_mode: str | None = None,
                   availability_zone: str | None = None, availability_zone_id: str | None = None,
                   default_native_vlan: int | None = None, *,
                   tags: dict[str, str] | None = None) -> str:
    """A secondary network of `network_type`; returns its id."""
    fields: dict[str, Any] = {"Type": network_type, "State": LIVE}
    edge_only = {"VlanMode": vlan_mode, "AvailabilityZone": availability_zone,
                 "AvailabilityZoneId": availability_zone_id,
                 "DefaultNativeVlan": default_native_vlan}
    if network_type == "rdma":
        if ipv4_cidr_block is None:
            raise MissingParameter("The request must contain the parameter Ipv4CidrBlock")
        given = [k for k, v in edge_only.items() if v is not None]
        if given:
            raise InvalidParameterCombination(f"{given[0]} is not supported for rdma secondary "
                                              "networks.")
        net = _block(ipv4_cidr_block, "Ipv4CidrBlock", V4_SIZES, 4)
        fields["blocks"] = [_association(world, "sn-cidr-assoc", "CidrBlock", str(net))]
    else:
        if ipv4_cidr_block is not None:
            raise InvalidParameterCombination(
                "Ipv4CidrBlock is not supported for virtual-edge secondary networks.")
        if vlan_mode is None:
            raise MissingParameter("The request must contain the parameter VlanMode")
        vlan = 1 if default_native_vlan is None else default_native_vlan
        if not 1 <= vlan <= 4094:
            raise InvalidParameterValue(f"Value ({vlan}) for parameter DefaultNativeVlan is "
                                        "invalid. Valid values are from 1 to 4094.")
        zone = _zone(part.region, availability_zone, availability_zone_id)
        fields.update(VlanMode=vlan_mode, AvailabilityZone=zone["ZoneName"],
                      AvailabilityZoneId=zone["ZoneId"], DefaultNativeVlan=vlan, blocks=[])
    sn = world.new_id("sn")
    world.add(part, NETWORK, sn, **fields)
    tagging.apply(world, sn, tags or {})
    return sn


def delete_network(world: World, part: Partition, sn: str) -> dict[str, Any]:
    """Delete a network with no live subnets or ACLs; the answer is `delete-in-progress`."""
    live(world, part, NETWORK, sn)
    held = [world.graph.nodes[rid]["kind"] for kind in NETWORK_PARTS
            for rid, _, _ in world.out(sn, schema.CONTAINS, kind) if is_live(world, rid)]
    held += _holders(world, sn, schema.ATTACHED)      # a virtual edge network gateway
    if held:
        raise DependencyViolation(f"The secondary network {sn} has dependencies ({held[0]}) "
                                  "and cannot be deleted.")
    world.update(sn, State="delete-complete")
    return in_state(network_view(world, sn), "delete-in-progress", "disassociating")


def in_state(item: dict[str, Any], state: str, block_state: str) -> dict[str, Any]:
    """An item with its `State` and its blocks' states as an answer shows them."""
    out = {**item, "State": state}
    for member in ("Ipv4CidrBlockAssociations", "Ipv6CidrBlockAssociations"):
        if member in out:
            out[member] = [{**b, "State": block_state} for b in out[member]]
    return out


def _block_state(state: str) -> str:
    return "disassociated" if state == "delete-complete" else "associated"


def network_view(world: World, sn: str) -> dict[str, Any]:
    node = world.graph.nodes[sn]
    out: dict[str, Any] = {"SecondaryNetworkId": sn, "SecondaryNetworkArn": arn(world, sn),
                           "OwnerId": node["account"], "Type": node["Type"]}
    if node.get("VlanMode"):
        out["VlanMode"] = node["VlanMode"]
    out["State"] = node["State"]
    if node["Type"] == "rdma":
        out["Ipv4CidrBlockAssociations"] = [
            {**b, "State": _block_state(node["State"])} for b in node["blocks"]]
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    for key in ("AvailabilityZone", "AvailabilityZoneId", "DefaultNativeVlan"):
        if key in node:
            out[key] = node[key]
    return out


def network_created(world: World, sn: str) -> dict[str, Any]:
    return in_state(network_view(world, sn), "create-in-progress", "associating")


# -- subnets ----------------------------------------------------------------------------------
def _siblings(world: World, sn: str) -> IPSet:
    blocks = IPSet()
    for ss, _, _ in world.out(sn, schema.CONTAINS, SUBNET):
        node = world.graph.nodes[ss]
        if node["State"] == LIVE:
            for b in node["v4"] + node["v6"]:
                blocks.add(IPNetwork(b.get("CidrBlock") or b["Ipv6CidrBlock"]))
    return blocks


def create_subnet(world: World, part: Partition, secondary_network_id: str,
                  ipv4_cidr_block: str | None = None, ipv6_cidr_block: str | None = None,
                  availability_zone: str | None = None, availability_zone_id: str | None = None,
                  *, tags: dict[str, str] | None = None) -> str:
    """A secondary subnet of the network; returns its id."""
    sn = secondary_network_id
    network = live(world, part, NETWORK, sn)
    zone = _zone(part.region, availability_zone, availability_zone_id)
    if network["Type"] == "virtual-edge" and zone["ZoneId"] != network["AvailabilityZoneId"]:
        raise InvalidParameterValue(
            f"The secondary subnet must be in the Availability Zone of secondary network {sn} "
            f"({network['AvailabilityZone']}).")
    if network["Type"] == "rdma" and ipv6_cidr_block is not None:
        raise InvalidParameterCombination(
            "Ipv6CidrBlock is supported only for virtual-edge secondary networks.")
    if (ipv4_cidr_block is None) == (ipv6_cidr_block is None):
        if ipv4_cidr_block is None:
            raise MissingParameter("The request must contain the parameter Ipv4CidrBlock")
        raise InvalidParameterCombination(
            "You must specify either Ipv4CidrBlock or Ipv6CidrBlock, but not both.")
    if ipv4_cidr_block is not None:
        net = _block(ipv4_cidr_block, "Ipv4CidrBlock", V4_SIZES, 4)
    else:
        net = _block(ipv6_cidr_block, "Ipv6CidrBlock", V6_SIZES, 6)
    if network["blocks"] and not any(net in IPNetwork(b["CidrBlock"])
                                     for b in network["blocks"]):
        raise TopologyError(f"The CIDR '{net}' is not within the CIDR block of secondary "
                            f"network {sn}.", "InvalidSecondarySubnet.Range")
    if IPSet([net]) & _siblings(world, sn):
        raise TopologyError(f"The CIDR '{net}' conflicts with another secondary subnet.",
                            "InvalidSecondarySubnet.Conflict")
    v4 = [_association(world, "ss-cidr-assoc", "CidrBlock", str(net))] if net.version == 4 \
        else []
    v6 = [_association(world, "ss-cidr-assoc", "Ipv6CidrBlock", str(net))] \
        if net.version == 6 else []
    ss = world.new_id("ss")
    world.add(part, SUBNET, ss, State=LIVE, AvailabilityZone=zone["ZoneName"],
              AvailabilityZoneId=zone["ZoneId"], v4=v4, v6=v6)
    world.link(sn, ss, schema.CONTAINS)
    tagging.apply(world, ss, tags or {})
    return ss


def network_of(world: World, rid: str) -> str:
    return world.into(rid, schema.CONTAINS, NETWORK)[0][0]


def delete_subnet(world: World, part: Partition, ss: str) -> dict[str, Any]:
    """Delete a subnet with no interfaces or live ACL association."""
    live(world, part, SUBNET, ss)
    if world.out(ss, schema.CONTAINS, "secondary-interface"):
        raise DependencyViolation(f"The secondary subnet {ss} has secondary interfaces and "
                                  "cannot be deleted.")
    held = _holders(world, ss, schema.ASSOCIATED)   # ACL or route table associations, peers
    if held:
        raise DependencyViolation(f"The secondary subnet {ss} has dependencies ({held[0]}) "
                                  "and cannot be deleted.")
    world.update(ss, State="delete-complete")
    return in_state(subnet_view(world, ss), "delete-in-progress", "disassociating")


def subnet_view(world: World, ss: str) -> dict[str, Any]:
    node = world.graph.nodes[ss]
    sn = network_of(world, ss)
    state = _block_state(node["State"])
    out: dict[str, Any] = {
        "SecondarySubnetId": ss, "SecondarySubnetArn": arn(world, ss),
        "SecondaryNetworkId": sn, "SecondaryNetworkType": world.graph.nodes[sn]["Type"],
        "OwnerId": node["account"], "AvailabilityZoneId": node["AvailabilityZoneId"],
        "AvailabilityZone": node["AvailabilityZone"],
        "Ipv4CidrBlockAssociations": [{**b, "State": state} for b in node["v4"]],
        "State": node["State"]}
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    if node["v6"]:
        out["Ipv6CidrBlockAssociations"] = [{**b, "State": state} for b in node["v6"]]
    return out


def subnet_created(world: World, ss: str) -> dict[str, Any]:
    return in_state(subnet_view(world, ss), "create-in-progress", "associating")


def address_family(world: World, ss: str) -> str:
    return "ipv6" if world.graph.nodes[ss]["v6"] else "ipv4"


# -- filters and the families -----------------------------------------------------------------
def _blocks(member: str, key: str, state: bool = False) -> Filter:
    def values(world: World, rid: str, node: dict[str, Any]) -> list[str]:
        if state:
            return [_block_state(node["State"])] if node[member] else []
        return [b[key] for b in node[member]]
    return Filter(values)


def _by_network(world: World, part: Partition, value: str) -> list[str]:
    node = world.node(value)
    if node is None or node["kind"] != NETWORK:
        return []
    return [ss for ss, _, _ in world.out(value, schema.CONTAINS, SUBNET)]


NETWORK_FILTERS: dict[str, Filter] = {
    "availability-zone": field("AvailabilityZone"),
    "availability-zone-id": field("AvailabilityZoneId"),
    "default-native-vlan": field("DefaultNativeVlan"),
    "ipv4-cidr-block-association.association-id": _blocks("blocks", "AssociationId"),
    "ipv4-cidr-block-association.cidr-block": _blocks("blocks", "CidrBlock"),
    "ipv4-cidr-block-association.state": _blocks("blocks", "", state=True),
    "owner-id": owner(),
    "secondary-network-id": ident(),
    "secondary-network-arn": Filter(lambda w, rid, n: arn(w, rid)),
    "state": field("State"),
    "type": field("Type"),
    "vlan-mode": field("VlanMode"),
}
SUBNET_FILTERS: dict[str, Filter] = {
    "ipv4-cidr-block-association.association-id": _blocks("v4", "AssociationId"),
    "ipv4-cidr-block-association.cidr-block": _blocks("v4", "CidrBlock"),
    "ipv4-cidr-block-association.state": _blocks("v4", "", state=True),
    "ipv6-cidr-block-association.association-id": _blocks("v6", "AssociationId"),
    "ipv6-cidr-block-association.ipv6-cidr-block": _blocks("v6", "Ipv6CidrBlock"),
    "ipv6-cidr-block-association.state": _blocks("v6", "", state=True),
    "owner-id": owner(),
    "secondary-network-id": Filter(lambda w, rid, n: network_of(w, rid), _by_network,
                                   exact=True),
    "secondary-network-type": Filter(lambda w, rid, n: w.graph.nodes[network_of(w, rid)][
        "Type"]),
    "secondary-subnet-id": ident(),
    "secondary-subnet-arn": Filter(lambda w, rid, n: arn(w, rid)),
    "state": field("State"),
}

from ..core.family import Family, declare  # noqa: E402  (kept beside the declaration)

NETWORK_FAMILY = declare(Family(
    NETWORK, view=network_view, filters=NETWORK_FILTERS, create=create_network,
    created_view=network_created, delete=delete_network, max_results=(5, 1000)))
SUBNET_FAMILY = declare(Family(
    SUBNET, view=subnet_view, filters=SUBNET_FILTERS, create=create_subnet,
    created_view=subnet_created, delete=delete_subnet, max_results=(5, 1000)))
