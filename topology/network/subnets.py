"""Subnets: a block of one VPC block in one zone.

A subnet node is CONTAINED by its VPC; what holds addresses in it (network interfaces, NAT
gateways, endpoints) is CONTAINED by the subnet and lists its private IPv4 addresses in an
`ips` field, so `AvailableIpAddressCount` is the usable size less those, never a counter
that can drift. Its IPv6 block is a `subnet-cidr-assoc` node it CONTAINS. A new subnet is
associated with its VPC's default network ACL; deleting it takes its route table and ACL
associations with it (they are edges of the node).

AWS's rules: an IPv4 block is /16 to /28, given in any form (host bits are dropped), inside
one block of the VPC and overlapping no sibling; an IPv6 block is /44 to /64 inside the
VPC's IPv6 block; an IPv6-only subnet (`Ipv6Native`) has an IPv6 block and no IPv4 block;
AWS reserves the first four and the last address of the IPv4 block.
"""
from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import Any

from netaddr import IPNetwork

from ..catalogue.instance_type_catalogue import ZONE_LIMITS
from ..core import addressing, regions, schema
from ..core import tags as tagging
from ..core.described import Import
from ..core.errors import (DependencyViolation, InvalidParameterCombination, InvalidParameterValue,
                           LimitExceeded, MissingParameter, NotFound, TopologyError)
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident, owner
from ..core.lookups import vpc_of
from ..core.world import Partition, World
from . import block_public_access, network_acls, vpc_blocks

MAX_SUBNETS_PER_VPC = 200
# kinds whose edges into a subnet are the subnet's own furniture, not dependencies
NOT_DEPENDENTS = frozenset({"vpc", "route-table", "network-acl", "subnet-cidr-assoc"})
DISASSOCIATED = "disassociated"


def create(world: World, part: Partition, vpc_id: str, cidr: str | None, *,
           zone: str | None = None, zone_id: str | None = None, ipv6_cidr: str | None = None,
           ipv6_native: bool = False, default_for_az: bool = False,
           tags: dict[str, str] | None = None) -> str:
    """A subnet of `vpc_id`, associated with the VPC's default network ACL.

    Raises the VPC's NotFound, `InvalidSubnet.Range` for a block outside the VPC (or not
    /16../28), `InvalidSubnet.Conflict` for one overlapping a sibling,
    `InvalidParameterValue` for an unknown zone.
    """
    world.get(part, "vpc", vpc_id)
    siblings = sibling_blocks(world, vpc_id)
    block = _ipv4_block(world, vpc_id, cidr, ipv6_cidr, ipv6_native, siblings)
    net6 = _ipv6_block(world, vpc_id, ipv6_cidr) if ipv6_cidr is not None else None
    az = _zone(world, part, zone, zone_id)
    if len(siblings.spans) >= MAX_SUBNETS_PER_VPC:
        raise LimitExceeded("The maximum number of subnets has been reached.",
                            "SubnetLimitExceeded")
    subnet_id = world.new_id("subnet")
    fields: dict[str, Any] = {"CidrBlock": block} if block is not None else {}
    world.add(part, "subnet", subnet_id, **fields, AvailabilityZone=az["ZoneName"],
              AvailabilityZoneId=az["ZoneId"], State="available", DefaultForAz=default_for_az,
              MapPublicIpOnLaunch=default_for_az, AssignIpv6AddressOnCreation=ipv6_native,
              MapCustomerOwnedIpOnLaunch=False, EnableDns64=False, Ipv6Native=ipv6_native,
              PrivateDnsNameOptionsOnLaunch={
                  "HostnameType": "resource-name" if ipv6_native else "ip-name",
                  "EnableResourceNameDnsARecord": False,
                  "EnableResourceNameDnsAAAARecord": ipv6_native})
    world.link(vpc_id, subnet_id, schema.CONTAINS)
    acl = network_acls.default_acl(world, vpc_id)
    if acl is not None:
        network_acls.associate(world, acl, subnet_id)
    if net6 is not None:
        _add_ipv6(world, part, subnet_id, net6)
    if tags:
        tagging.apply(world, subnet_id, tags)
    return subnet_id


def _ipv4_block(world: World, vpc_id: str, cidr: str | None, ipv6_cidr: str | None,
                ipv6_native: bool, siblings: SiblingBlocks) -> str | None:
    """The subnet's IPv4 block as AWS writes it, checked against the VPC and its siblings
    (None if IPv6-only)."""
    if ipv6_native:   # AWS checks the IPv6 block first (moto's AWS-verified tests show it)
        if ipv6_cidr is None:
            raise MissingParameter("Either 'ipv6CidrBlock' or 'ipv6IpamPoolId' should be "
                                   "provided.")
        if cidr is not None:
            raise InvalidParameterCombination(
                "When specifying ipv4 parameters, cidrBlock or ipv4IpamPoolId, you cannot set "
                "ipv6Native to true.")
        return None
    if cidr is None:
        raise MissingParameter("Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.")
    block = vpc_blocks.canonical(cidr)
    first, prefixlen = addressing.ipv4_block(block)
    addressing.check_subnet_range(
        [node["CidrBlock"] for node in vpc_blocks.block_nodes(world, vpc_id, ordered=False)
         if "CidrBlock" in node], block, first, prefixlen)
    if siblings.overlap(first, prefixlen):
        raise TopologyError(f"The CIDR '{block}' conflicts with another subnet",
                            "InvalidSubnet.Conflict")
    return block


class SiblingBlocks:
    """The IPv4 blocks of one VPC's subnets, for the overlap check of a new one without a
    scan of its (up to 200) siblings: CIDR blocks are aligned, so two overlap iff one holds
    the other; a block inside the new one starts within it (a bisection of the sorted
    starts), a block holding it is one of its few supernets (set lookups).

    Derived from the graph and checked against it at each use (`sibling_blocks`): the VPC's
    subnet ids are compared with those it was made from, and it follows what changed (a
    subnet's block never changes after it is made), so an undone request, a delete or a
    restore cannot leave it stale."""

    __slots__ = ("spans", "starts", "blocks", "shortest")

    def __init__(self) -> None:
        self.spans: dict[str, tuple[int, int] | None] = {}   # subnet id -> (start, prefixlen)
        self.starts: list[int] = []                           # sorted, one per IPv4 block
        self.blocks: dict[tuple[int, int], int] = {}          # (start, prefixlen) -> how many
        self.shortest = 32                                    # no block has a shorter prefix

    def follow(self, world: World, ids: AbstractSet[str]) -> None:
        """Take in the subnets of `ids` not yet read, drop those no longer there (a deleted
        subnet leaves its VPC's edges, tombstone or not, so the ids tell it all)."""
        spans = self.spans
        if len(ids) == len(spans) + 1:      # the usual change: one subnet made, linked last
            newest = next(reversed(ids))
            if newest not in spans:
                self._take(world, newest)
                if spans.keys() == ids:
                    return
        for gone in spans.keys() - ids:
            self._count(spans.pop(gone), -1)
        for new in ids - spans.keys():
            self._take(world, new)

    def _take(self, world: World, subnet_id: str) -> None:
        cidr = world.graph.nodes[subnet_id].get("CidrBlock")
        span = None
        if cidr:
            _, first, last = addressing.span(cidr)
            span = (first, 33 - (last - first + 1).bit_length())
        self.spans[subnet_id] = span
        self._count(span, +1)

    def _count(self, span: tuple[int, int] | None, delta: int) -> None:
        if span is None:
            return
        if delta > 0:
            insort(self.starts, span[0])
            self.blocks[span] = self.blocks.get(span, 0) + 1
            self.shortest = min(self.shortest, span[1])
            return
        del self.starts[bisect_left(self.starts, span[0])]
        if self.blocks[span] == 1:
            del self.blocks[span]
        else:
            self.blocks[span] -= 1

    def overlap(self, first: int, prefixlen: int) -> bool:
        """Whether the IPv4 block `first`/`prefixlen` shares an address with a sibling's."""
        last = first + (1 << (32 - prefixlen)) - 1
        starts = self.starts
        at = bisect_left(starts, first)
        if at < len(starts) and starts[at] <= last:      # one starts inside it
            return True
        return any((first >> (32 - p) << (32 - p), p) in self.blocks   # one holds it
                   for p in range(self.shortest, prefixlen))


def sibling_blocks(world: World, vpc_id: str) -> SiblingBlocks:
    """The VPC's `SiblingBlocks`, brought up to date with its subnets."""
    key = ("subnet-blocks", vpc_id)
    found = world.derived.pop(key, None)     # put back last: the dict keeps the recent ones
    if found is None:
        found = SiblingBlocks()
        if len(world.derived) >= _DERIVED_KEPT:
            del world.derived[next(iter(world.derived))]
    world.derived[key] = found
    ids = world.peer_ids(vpc_id, schema.CONTAINS, "subnet")
    if found.spans.keys() != ids:
        found.follow(world, ids)
    return found


_DERIVED_KEPT = 1024     # VPCs whose SiblingBlocks are kept (a deleted VPC's go in time)


def _ipv6_block(world: World, vpc_id: str, cidr: str) -> IPNetwork:
    """A subnet IPv6 block, inside the VPC's IPv6 block and overlapping no sibling's."""
    net = addressing.parse(vpc_blocks.canonical(cidr, version=6), param="ipv6CidrBlock", version=6)
    blocks = [b for s in subnet_ids(world, vpc_id) for b in ipv6_blocks(world, s)]
    addressing.check_ipv6_subnet_block(vpc_blocks.blocks(world, vpc_id, version=6), blocks, net)
    return net


def _zone(world: World, part: Partition, name: str | None, zone_id: str | None) -> dict[str, str]:
    """The zone a request names (by name, id or both), or one AWS picks."""
    if name is None and zone_id is None:
        full = _full_zones(part.region)
        return dict(full[world.rng.randrange(len(full))])
    zones = regions.zones(part.region)
    by_name = regions.zone(part.region, zone_name=name) if name is not None else None
    by_id = regions.zone(part.region, zone_id=zone_id) if zone_id is not None else None
    if name is not None and by_name is None:
        raise _bad_zone("availabilityZone", name, [z["ZoneName"] for z in zones])
    if zone_id is not None and by_id is None:
        raise _bad_zone("availabilityZoneId", zone_id, [z["ZoneId"] for z in zones])
    if by_name is not None and by_id is not None and by_name != by_id:
        raise InvalidParameterCombination(
            f"The Availability Zone '{name}' and the Availability Zone ID '{zone_id}' do not "
            "refer to the same zone.")
    found = by_name or by_id
    assert found is not None
    return found


@lru_cache(maxsize=None)
def _full_zones(region: str) -> tuple[dict[str, str], ...]:
    """The zones AWS may pick for a subnet: we pick among those that offer every instance
    family, so that a test's launch into the subnet does not hinge on the draw (us-east-1e,
    which has few families, is a zone you choose, not one you are given). Read-only."""
    zones = regions.zones(region)
    return tuple([z for z in zones if not ZONE_LIMITS.get(z["ZoneName"])] or zones)


def _bad_zone(param: str, value: str, valid: list[str]) -> InvalidParameterValue:
    return InvalidParameterValue(
        f"Value ({value}) for parameter {param} is invalid. Subnets can currently only be "
        f"created in the following availability zones: {', '.join(valid)}.")


def subnet_ids(world: World, vpc_id: str) -> list[str]:
    return list(world.peers(vpc_id, schema.CONTAINS, "subnet"))


def ipv4_blocks(world: World, subnet_id: str) -> list[IPNetwork]:
    """The subnet's IPv4 block as a list (empty for an IPv6-only subnet)."""
    cidr = world.graph.nodes[subnet_id].get("CidrBlock")
    return [addressing.network(cidr)] if cidr else []


def ipv6_blocks(world: World, subnet_id: str) -> list[IPNetwork]:
    """The subnet's IPv6 block as a list (a disassociated block no longer counts)."""
    return [addressing.network(world.graph.nodes[a]["Ipv6CidrBlock"])
            for a in _ipv6_assocs(world, subnet_id, live=True)]


def _ipv6_assocs(world: World, subnet_id: str, *, live: bool) -> list[str]:
    """The subnet's IPv6 block associations: the live ones, or the disassociated ones."""
    return [a for a, _, _ in world.out(subnet_id, schema.CONTAINS, "subnet-cidr-assoc")
            if (world.graph.nodes[a]["Ipv6CidrBlockState"]["State"] != DISASSOCIATED) == live]


def used_addresses(world: World, subnet_id: str) -> list[str]:
    """Private IPv4 addresses held in the subnet by what it contains."""
    return [ip for child, _, _ in world.out(subnet_id, schema.CONTAINS)
            for ip in world.graph.nodes[child].get("ips", ())]


def available_count(world: World, subnet_id: str) -> int:
    """Usable IPv4 addresses left: the block less AWS's five and those in use."""
    cidr = world.graph.nodes[subnet_id].get("CidrBlock")
    if not cidr:
        return 0
    return addressing.usable_count(cidr) - len(used_addresses(world, subnet_id))


# -- delete -------------------------------------------------------------------------------
def dependencies(world: World, subnet_id: str) -> list[str]:
    """What keeps the subnet from being deleted: anything it holds or that attaches to it."""
    held = [c for c, _, _ in world.out(subnet_id, schema.CONTAINS)
            if world.graph.nodes[c]["kind"] not in NOT_DEPENDENTS]
    attached = [u for u, _, _ in world.into(subnet_id, schema.ATTACHED)]
    attached += [u for u, _, _ in world.into(subnet_id, schema.CONTAINS)
                 if world.graph.nodes[u]["kind"] not in NOT_DEPENDENTS]
    return held + attached


def delete(world: World, part: Partition, subnet_id: str) -> None:
    """Delete a subnet (and its IPv6 block association, route table and ACL associations);
    DependencyViolation while anything is in it."""
    world.get(part, "subnet", subnet_id)
    if dependencies(world, subnet_id):
        raise DependencyViolation(
            f"The subnet '{subnet_id}' has dependencies and cannot be deleted.")
    for assoc, _, _ in world.out(subnet_id, schema.CONTAINS, "subnet-cidr-assoc"):
        world.remove(assoc)
    world.remove(subnet_id)


# -- IPv6 blocks ----------------------------------------------------------------------------
def associate_ipv6(world: World, part: Partition, subnet_id: str, cidr: str) -> str:
    """Add the subnet's IPv6 block (one per subnet, inside the VPC's IPv6 block)."""
    world.get(part, "subnet", subnet_id)
    if ipv6_blocks(world, subnet_id):
        raise TopologyError(
            f"The subnet {subnet_id} already has an IPv6 CIDR block associated. You can "
            "associate only one IPv6 CIDR block with a subnet.", "CidrLimitExceeded")
    net = _ipv6_block(world, vpc_of(world, subnet_id), cidr)
    return _add_ipv6(world, part, subnet_id, net)


def _add_ipv6(world: World, part: Partition, subnet_id: str, net: IPNetwork) -> str:
    for old in _ipv6_assocs(world, subnet_id, live=False):
        world.remove(old)       # the previous block's record gives way to the new block
    assoc_id = world.new_id("subnet-cidr-assoc")
    world.add(part, "subnet-cidr-assoc", assoc_id, Ipv6CidrBlock=str(net),
              Ipv6CidrBlockState={"State": "associated"}, Ipv6AddressAttribute="public",
              IpSource="amazon")
    world.link(subnet_id, assoc_id, schema.CONTAINS)
    return assoc_id


def disassociate_ipv6(world: World, part: Partition, association_id: str) -> dict[str, Any]:
    """Remove a subnet's IPv6 block; returns DisassociateSubnetCidrBlock's answer: the subnet
    id and the association as `disassociating`.

    Refused for an IPv6-only subnet's block and while the subnet assigns IPv6 addresses on
    creation (`InvalidCidrBlock.InUse`). The association stays listed as `disassociated`
    (AWS lists it so for a while: Ansible's ec2_vpc_subnet waits for that state) until the
    subnet gets a new block.
    """
    node = world.node(association_id)
    if node is None or node["kind"] != "subnet-cidr-assoc" or node["account"] != part.account \
            or node["region"] != part.region \
            or node["Ipv6CidrBlockState"]["State"] == DISASSOCIATED:
        raise NotFound(f"The subnet CIDR block with association ID '{association_id}' does not "
                       "exist",
                       "InvalidSubnetCidrBlockAssociationID.NotFound")
    subnet_id = world.into(association_id, schema.CONTAINS, "subnet")[0][0]
    subnet = world.graph.nodes[subnet_id]
    if subnet["Ipv6Native"]:
        raise InvalidParameterValue(
            f"The IPv6 CIDR block with association ID {association_id} cannot be disassociated "
            f"from the IPv6-only subnet {subnet_id}.")
    if subnet["AssignIpv6AddressOnCreation"]:
        raise TopologyError(
            f"The subnet IPv6 CIDR block with association ID {association_id} may not be "
            "disassociated, because its subnet has assign-ipv6-address-on-creation set to "
            "true.", "InvalidCidrBlock.InUse")
    view = ipv6_view(association_id, node)
    world.update(association_id, Ipv6CidrBlockState={"State": DISASSOCIATED})
    for allocation, _, _ in world.into(association_id, schema.ASSOCIATED,
                                       "ipam-pool-allocation"):
        world.remove(allocation)      # the block's CIDR goes back to its IPAM pool
    view["Ipv6CidrBlockState"] = {"State": "disassociating"}
    return {"SubnetId": subnet_id, "Ipv6CidrBlockAssociation": view}


def ipv6_view(assoc_id: str, node: dict[str, Any]) -> dict[str, Any]:
    """An IPv6 block association as boto3's `SubnetIpv6CidrBlockAssociation`."""
    keys = ("Ipv6CidrBlock", "Ipv6CidrBlockState", "Ipv6AddressAttribute", "IpSource")
    return {"AssociationId": assoc_id, **{k: node[k] for k in keys if k in node}}


# -- attributes ---------------------------------------------------------------------------
# ModifySubnetAttribute member -> how it is stored: (node field, sub-field of that field)
ATTRIBUTES: dict[str, tuple[str, str | None]] = {
    "MapPublicIpOnLaunch": ("MapPublicIpOnLaunch", None),
    "AssignIpv6AddressOnCreation": ("AssignIpv6AddressOnCreation", None),
    "MapCustomerOwnedIpOnLaunch": ("MapCustomerOwnedIpOnLaunch", None),
    "EnableDns64": ("EnableDns64", None),
    "PrivateDnsHostnameTypeOnLaunch": ("PrivateDnsNameOptionsOnLaunch", "HostnameType"),
    "EnableResourceNameDnsARecordOnLaunch": ("PrivateDnsNameOptionsOnLaunch",
                                             "EnableResourceNameDnsARecord"),
    "EnableResourceNameDnsAAAARecordOnLaunch": ("PrivateDnsNameOptionsOnLaunch",
                                                "EnableResourceNameDnsAAAARecord"),
    "EnableLniAtDeviceIndex": ("EnableLniAtDeviceIndex", None),
    "DisableLniAtDeviceIndex": ("EnableLniAtDeviceIndex", None),
}


def _wire(member: str) -> str:
    return member[0].lower() + member[1:]


def _kebab(member: str) -> str:
    return "".join("-" + c.lower() if c.isupper() else c for c in member).lstrip("-")


def modify_attribute(world: World, part: Partition, subnet_id: str,
                     params: dict[str, Any]) -> None:
    """Change one attribute of a subnet (AWS allows one per call), with AWS's rules."""
    node = world.get(part, "subnet", subnet_id)
    given = {m: params[m] for m in ATTRIBUTES if m in params}
    if "CustomerOwnedIpv4Pool" in params and "MapCustomerOwnedIpOnLaunch" not in given:
        given["CustomerOwnedIpv4Pool"] = params["CustomerOwnedIpv4Pool"]
    if not given:
        raise MissingParameter("The request must contain exactly one attribute to modify.")
    if len(given) > 1:
        raise InvalidParameterCombination(
            "Fields for multiple attribute types specified: " + ", ".join(map(_wire, given)))
    member, raw = next(iter(given.items()))
    if member == "CustomerOwnedIpv4Pool":
        raise MissingParameter("The request must contain the parameter "
                               "MapCustomerOwnedIpOnLaunch")
    value = raw["Value"] if isinstance(raw, dict) else raw
    _check_attribute(world, subnet_id, node, member, value, params)
    name, sub = ATTRIBUTES[member]
    if member == "DisableLniAtDeviceIndex":
        if value:
            world.update(subnet_id, EnableLniAtDeviceIndex=None)
    elif sub is None:
        world.update(subnet_id, **{name: value})
    else:
        world.update(subnet_id, **{name: {**node[name], sub: value}})
    if member == "MapCustomerOwnedIpOnLaunch":
        world.update(subnet_id, CustomerOwnedIpv4Pool=params.get("CustomerOwnedIpv4Pool")
                     if value else None)


def _check_attribute(world: World, subnet_id: str, node: dict[str, Any], member: str,
                     value: Any, params: dict[str, Any]) -> None:
    """AWS's preconditions for one attribute change."""
    has_v6, native = bool(ipv6_blocks(world, subnet_id)), node["Ipv6Native"]
    refuse = None
    if member == "AssignIpv6AddressOnCreation" and value and not has_v6:
        refuse = (f"Cannot set {_kebab(member)} to true unless the subnet ({subnet_id}) has "
                  "an IPv6 CIDR block associated with it.")
    elif member == "MapPublicIpOnLaunch" and value and native:
        refuse = f"Cannot set {_kebab(member)} to true for the IPv6-only subnet ({subnet_id})."
    elif member == "PrivateDnsHostnameTypeOnLaunch" and value == "ip-name" and native:
        refuse = (f"The hostname type of the IPv6-only subnet ({subnet_id}) must be "
                  "resource-name.")
    elif member == "EnableLniAtDeviceIndex" and value < 1:
        refuse = "A local network interface cannot be the primary network interface (eth0)."
    elif member == "MapCustomerOwnedIpOnLaunch" and value and not params.get("CustomerOwnedIpv4Pool"):
        raise MissingParameter("The request must contain the parameter CustomerOwnedIpv4Pool")
    if refuse is not None:
        shown = str(value).lower() if isinstance(value, bool) else value
        raise InvalidParameterValue(
            f"Invalid value '{shown}' for {_kebab(member)}. {refuse}")


# -- views and filters ----------------------------------------------------------------------
def view(world: World, subnet_id: str) -> dict[str, Any]:
    """The subnet as boto3's `Subnet`."""
    node = world.graph.nodes[subnet_id]
    out: dict[str, Any] = {k: node[k] for k in _FIELDS if k in node}
    out["SubnetId"] = subnet_id
    out["OwnerId"] = node["account"]
    out["SubnetArn"] = arn(node, subnet_id)
    out["VpcId"] = vpc_of(world, subnet_id)
    out["AvailableIpAddressCount"] = available_count(world, subnet_id)
    out["Ipv6CidrBlockAssociationSet"] = [
        ipv6_view(a, world.graph.nodes[a])
        for a, _, _ in world.out(subnet_id, schema.CONTAINS, "subnet-cidr-assoc")]
    out["BlockPublicAccessStates"] = block_public_access.states(world, subnet_id)
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    return out


# the node's own fields in the view (the rest are computed)
_FIELDS = ("CidrBlock", "AvailabilityZone", "AvailabilityZoneId", "State", "DefaultForAz",
           "MapPublicIpOnLaunch", "AssignIpv6AddressOnCreation", "MapCustomerOwnedIpOnLaunch",
           "CustomerOwnedIpv4Pool", "EnableLniAtDeviceIndex", "OutpostArn", "EnableDns64",
           "Ipv6Native", "PrivateDnsNameOptionsOnLaunch")


def arn(node: dict[str, Any], subnet_id: str) -> str:
    return f"arn:aws:ec2:{node['region']}:{node['account']}:subnet/{subnet_id}"


def _v6(world: World, subnet_id: str, key: str) -> list[Any]:
    out = []
    for a, _, _ in world.out(subnet_id, schema.CONTAINS, "subnet-cidr-assoc"):
        node = world.graph.nodes[a]
        out.append(a if key == "AssociationId" else
                   node[key]["State"] if key == "Ipv6CidrBlockState" else node[key])
    return out


def _dns(sub: str) -> Filter:
    return Filter(lambda w, rid, n: n["PrivateDnsNameOptionsOnLaunch"][sub])


def _vpc_candidates(world: World, part: Partition, value: str) -> list[str]:
    return [s for s, _, _ in world.out(value, schema.CONTAINS, "subnet")]


_ZONE = field("AvailabilityZone", index=True)
_ZONE_ID = field("AvailabilityZoneId", index=True)
_CIDR, _DEFAULT = field("CidrBlock", index=True), field("DefaultForAz", index=True)

FILTERS: dict[str, Filter] = {
    "availability-zone": _ZONE,
    "availabilityZone": _ZONE,
    "availability-zone-id": _ZONE_ID,
    "availabilityZoneId": _ZONE_ID,
    "available-ip-address-count": Filter(lambda w, rid, n: available_count(w, rid)),
    "cidr-block": _CIDR,
    "cidr": _CIDR,
    "cidrBlock": _CIDR,
    "customer-owned-ipv4-pool": field("CustomerOwnedIpv4Pool"),
    "default-for-az": _DEFAULT,
    "defaultForAz": _DEFAULT,
    "enable-dns64": field("EnableDns64"),
    "enable-lni-at-device-index": field("EnableLniAtDeviceIndex"),
    "ipv6-cidr-block-association.ipv6-cidr-block": Filter(
        lambda w, rid, n: _v6(w, rid, "Ipv6CidrBlock")),
    "ipv6-cidr-block-association.association-id": Filter(
        lambda w, rid, n: _v6(w, rid, "AssociationId")),
    "ipv6-cidr-block-association.state": Filter(
        lambda w, rid, n: _v6(w, rid, "Ipv6CidrBlockState")),
    "ipv6-native": field("Ipv6Native"),
    "map-customer-owned-ip-on-launch": field("MapCustomerOwnedIpOnLaunch"),
    "map-public-ip-on-launch": field("MapPublicIpOnLaunch"),
    "outpost-arn": field("OutpostArn"),
    "owner-id": owner(),
    "private-dns-name-options-on-launch.hostname-type": _dns("HostnameType"),
    "private-dns-name-options-on-launch.enable-resource-name-dns-a-record":
        _dns("EnableResourceNameDnsARecord"),
    "private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record":
        _dns("EnableResourceNameDnsAAAARecord"),
    "state": field("State", index=True),
    "subnet-arn": Filter(lambda w, rid, n: arn(n, rid)),
    "subnet-id": ident(),
    "vpc-id": Filter(lambda w, rid, n: vpc_of(w, rid), _vpc_candidates, exact=True),
}


# -- import: one described item into the graph (topology/provision/importer.py) -------------
_IMPORT_DEFAULTS: dict[str, Any] = {
    "State": "available", "DefaultForAz": False, "MapPublicIpOnLaunch": False,
    "AssignIpv6AddressOnCreation": False, "MapCustomerOwnedIpOnLaunch": False,
    "EnableDns64": False, "Ipv6Native": False,
    "PrivateDnsNameOptionsOnLaunch": {"HostnameType": "ip-name",
                                      "EnableResourceNameDnsARecord": False,
                                      "EnableResourceNameDnsAAAARecord": False}}


def imported(imp: Import, item: dict[str, Any]) -> None:
    """A described subnet its VPC CONTAINS, with its IPv6 blocks."""
    subnet_id, vpc_id = item["SubnetId"], item.get("VpcId", "")
    if not imp.has(vpc_id, "vpc"):
        imp.skip("subnet", "its VPC was not described")
        return
    fields: dict[str, Any] = {k: item[k] for k in (
        "CidrBlock", "AvailabilityZone", "AvailabilityZoneId", "State", "DefaultForAz",
        "MapPublicIpOnLaunch", "AssignIpv6AddressOnCreation", "MapCustomerOwnedIpOnLaunch",
        "EnableDns64", "Ipv6Native", "PrivateDnsNameOptionsOnLaunch") if k in item}
    if "AvailabilityZoneId" not in fields:
        found = regions.zone(imp.part.region, item.get("AvailabilityZone"))
        fields["AvailabilityZoneId"] = found["ZoneId"] if found else ""
    if not imp.add("subnet", subnet_id, item, **{**_IMPORT_DEFAULTS, **fields}):
        return
    imp.world.link(vpc_id, subnet_id, schema.CONTAINS)
    for block in item.get("Ipv6CidrBlockAssociationSet") or []:
        imp.cidr_block(subnet_id, block, "Ipv6CidrBlock", "Ipv6CidrBlockState",
                       kind="subnet-cidr-assoc")


# -- the family: its plain Create/Delete/Describe operations are bound from this (docs/families.md)
FAMILY = declare(Family("subnet", view=view, filters=FILTERS, delete=delete, actions={
    "ModifySubnetAttribute": modify_attribute, "DisassociateSubnetCidrBlock": disassociate_ipv6}))
