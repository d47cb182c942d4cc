"""VPCs, their CIDR block associations, attributes and (retired) ClassicLink settings.

A VPC node holds its own settings (tenancy, DNS attributes, default flag, ClassicLink); its
CIDR blocks are `vpc-cidr-assoc` nodes it CONTAINS (the first IPv4 one is the primary
block), and what lives in it (subnets, route tables, security groups, network ACLs) hangs off
CONTAINS edges. Creating a VPC creates what AWS creates with it: the main route table with
its local route, the default network ACL and the `default` security group.

AWS's CIDR rules: blocks are /16 to /28 and given in any form (`10.0.0.1/16` is taken as
`10.0.0.0/16`); at most five IPv4 blocks; a secondary block overlaps no block, obeys the
RFC 1918 restriction table, and is no larger than (nor equal to) a route destination of the
VPC's route tables; each block adds a `local` route to every route table. The primary block
and blocks with subnets in them cannot be disassociated.

ClassicLink belongs to EC2-Classic, which only the regions launched before December 2013
had; elsewhere AWS answers `UnsupportedOperation`. In those regions the setting is kept and
described as AWS documents it, including the rule that no route of the VPC may point into
10.0.0.0/8 other than the local routes of VPCs in 10.0.0.0/16 and 10.1.0.0/16.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from netaddr import IPNetwork

from ..core import addressing, regions, schema
from ..core import tags as tagging
from ..core.described import Import
from ..core.errors import (DependencyViolation, InvalidParameterValue, LimitExceeded,
                           MissingParameter, TopologyError)
from ..core.family import Attribute, Family, declare, field_of, set_field
from ..core.filters import Filter, field, ident, owner
from ..core.registry import Registry
from ..core.world import Partition, World
from . import (block_public_access, dhcp_options, encryption_controls, network_acls, route_tables,
               security_groups, subnets)
from .vpc_blocks import block_nodes, block_view, blocks, canonical

MAX_IPV4_BLOCKS = 5
# what a VPC CONTAINS that blocks its deletion (gateways block through their ATTACHED edge;
# interfaces and NAT gateways through their subnet)
DEPENDENTS = ("subnet", "vpc-endpoint")
# What deleting a VPC does to what joins it to other VPCs, by the joining kind (peering
# connections end, or refuse): answered by the families that join VPCs.
RELEASE: Registry[Callable[[World, str], None]] = Registry("what a VPC's deletion releases")
CLASSIC_RANGE = IPNetwork("10.0.0.0/8")
CLASSIC_LINK_OK = (IPNetwork("10.0.0.0/16"), IPNetwork("10.1.0.0/16"))
# RFC 1918 row of AWS's restriction table: a VPC whose blocks lie in 10.0.0.0/15 cannot add
# a block from 10.0.0.0/16 (the range ClassicLink kept for VPCs).
TEN_SLASH_15, TEN_SLASH_16 = IPNetwork("10.0.0.0/15"), IPNetwork("10.0.0.0/16")


def create(world: World, part: Partition, cidr: str, *, tenancy: str = "default",
           is_default: bool = False, ipv6: bool = False, border_group: str | None = None,
           tags: dict[str, str] | None = None) -> str:
    """Create a VPC with its main route table, default network ACL and default security group.

    Raises `InvalidParameterValue` for a malformed CIDR, `InvalidVpc.Range` for one outside
    /16../28, `UnsupportedTenancy` for `host`.
    """
    net = addressing.parse(canonical(cidr))
    addressing.check_vpc_block(net)
    if tenancy not in ("default", "dedicated"):
        raise TopologyError(f"The tenancy value {tenancy} is not supported.",
                            "UnsupportedTenancy")
    if ipv6:
        check_border_group(part, border_group)
    vpc_id = world.new_id("vpc")
    world.add(part, "vpc", vpc_id, State="available", InstanceTenancy=tenancy,
              IsDefault=is_default, EnableDnsSupport=True, EnableDnsHostnames=is_default,
              EnableNetworkAddressUsageMetrics=False, ClassicLinkEnabled=False,
              ClassicLinkDnsSupported=False)
    _add_block(world, part, vpc_id, CidrBlock=str(net))
    if ipv6:
        add_ipv6_block(world, part, vpc_id, border_group=border_group)
    tagging.apply(world, vpc_id, tags or {})
    dhcp_options.associate(world, part, vpc_id, dhcp_options.default_for(world, part))
    route_tables.create(world, part, vpc_id, main=True)
    network_acls.create(world, part, vpc_id, default=True)
    security_groups.create(world, part, vpc_id, "default", "default VPC security group",
                           default=True)
    return vpc_id


def check_border_group(part: Partition, border_group: str | None) -> None:
    """The only network border group of a region without Local Zones is the region itself."""
    if border_group is not None and border_group != part.region:
        raise InvalidParameterValue(
            f"The network border group '{border_group}' is invalid. Valid network border "
            f"groups are: {part.region}")


def _add_block(world: World, part: Partition, vpc_id: str, **fields: Any) -> str:
    assoc_id = world.new_id("vpc-cidr-assoc")
    state = "CidrBlockState" if "CidrBlock" in fields else "Ipv6CidrBlockState"
    world.add(part, "vpc-cidr-assoc", assoc_id, **fields, **{state: {"State": "associated"}})
    world.link(vpc_id, assoc_id, schema.CONTAINS)
    return assoc_id


def associate_ipv4(world: World, part: Partition, vpc_id: str, cidr: str) -> str:
    """Add a secondary IPv4 block, with AWS's overlap, quota, RFC 1918 and route rules."""
    net = addressing.parse(canonical(cidr))
    current = blocks(world, vpc_id)
    if len(current) >= MAX_IPV4_BLOCKS:
        raise LimitExceeded(
            f"This network {vpc_id} has met its maximum number of allowed CIDRs: "
            f"{MAX_IPV4_BLOCKS}", "CidrLimitExceeded")
    addressing.check_secondary(current[0], current, net)
    if net in TEN_SLASH_16 and any(b in TEN_SLASH_15 for b in current):
        raise _restricted(net)
    _check_routes(world, vpc_id, net)
    assoc_id = _add_block(world, part, vpc_id, CidrBlock=str(net))
    _local_routes(world, vpc_id, str(net), "DestinationCidrBlock")
    return assoc_id


def _restricted(net: IPNetwork) -> TopologyError:
    return TopologyError(
        f"The CIDR '{net}' is restricted. Use a CIDR from the same private address range "
        "as the current VPC CIDR, or use a publicly-routable CIDR.", "InvalidVpc.Range")


def _check_routes(world: World, vpc_id: str, net: IPNetwork) -> None:
    """A new block may not be the same as, or larger than, a route destination of the VPC."""
    for rtb, _, _ in world.out(vpc_id, schema.CONTAINS, "route-table"):
        for dest, target, data in route_tables.routes(world, rtb):
            if target != vpc_id and "DestinationCidrBlock" in data and IPNetwork(dest) in net:
                raise TopologyError(
                    f"The CIDR '{net}' conflicts with the route to '{dest}' in route table "
                    f"'{rtb}'. Use a CIDR that is smaller than the route's destination.",
                    "InvalidVpc.Range")


def add_ipv6_block(world: World, part: Partition, vpc_id: str, *, cidr: str | None = None,
                   border_group: str | None = None, source: dict[str, Any] | None = None) -> str:
    """Associate an IPv6 /56: Amazon-provided unless `cidr` is given. A block from an IPAM
    pool (`source`: its `Ipv6Pool`, `IpSource`, `Ipv6AddressAttribute`) is /44 to /60."""
    if blocks(world, vpc_id, version=6):
        raise LimitExceeded(
            f"This network '{vpc_id}' has met its maximum number of allowed IPv6 CIDRs: 1",
            "CidrLimitExceeded")
    net = addressing.parse(canonical(cidr, version=6), param="ipv6CidrBlock", version=6) \
        if cidr else addressing.next_ipv6_block(world.rng.getrandbits(28), _ipv6_taken(world))
    if cidr and source is None and net.prefixlen != 56:
        raise InvalidParameterValue(f"The IPv6 CIDR '{net}' is invalid. Use a /56.")
    if source is not None and (net.prefixlen not in range(44, 61, 4)):
        raise InvalidParameterValue(f"The IPv6 CIDR '{net}' is invalid. Use a netmask length "
                                    "from /44 to /60 in increments of /4.")
    origin = source or {"Ipv6Pool": "Amazon", "Ipv6AddressAttribute": "public",
                        "IpSource": "amazon"}
    assoc_id = _add_block(world, part, vpc_id, Ipv6CidrBlock=str(net),
                          Ipv6Pool=origin["Ipv6Pool"],
                          NetworkBorderGroup=border_group or part.region,
                          Ipv6AddressAttribute=origin["Ipv6AddressAttribute"],
                          IpSource=origin["IpSource"])
    _local_routes(world, vpc_id, str(net), "DestinationIpv6CidrBlock")
    network_acls.add_ipv6_defaults(world, vpc_id)
    return assoc_id


def _local_routes(world: World, vpc_id: str, block: str, member: str | None) -> None:
    """Give every route table of the VPC a local route for `block` (None: take it away)."""
    for rtb, _, _ in world.out(vpc_id, schema.CONTAINS, "route-table"):
        if member is None:
            if world.graph.has_edge(rtb, vpc_id, (schema.ROUTE, block)):
                world.unlink(rtb, vpc_id, schema.ROUTE, block)
        else:
            route_tables.add_local_route(world, rtb, vpc_id, block, member)


def _ipv6_taken(world: World) -> list[IPNetwork]:
    """Every VPC IPv6 block in use: Amazon's pool is shared by all accounts and regions."""
    nodes = world.graph.nodes
    return [IPNetwork(nodes[a]["Ipv6CidrBlock"]) for part in world.partitions()
            for a in part.ids("vpc-cidr-assoc") if "Ipv6CidrBlock" in nodes[a]]


def disassociate_block(world: World, part: Partition, association_id: str) -> dict[str, Any]:
    """Remove a CIDR association; the primary block and blocks in use stay. Returns
    DisassociateVpcCidrBlock's answer: the VPC and the association, `disassociating`."""
    node = world.get(part, "vpc-cidr-assoc", association_id)
    vpc_id = world.into(association_id, schema.CONTAINS, "vpc")[0][0]
    view = block_view(association_id, node)
    in_use = DependencyViolation(
        f"The vpc CIDR block with association ID {association_id} has dependencies and cannot "
        "be disassociated.")
    if "CidrBlock" in node:
        if block_nodes(world, vpc_id)[0] is node:
            raise TopologyError(
                f"The vpc CIDR block with association ID {association_id} may not be "
                "disassociated. It is the primary IPv4 CIDR block of the VPC", "OperationNotPermitted")
        block = IPNetwork(node["CidrBlock"])
        if any(net in block for s in subnets.subnet_ids(world, vpc_id)
               for net in subnets.ipv4_blocks(world, s)):
            raise in_use
    else:
        block = IPNetwork(node["Ipv6CidrBlock"])
        if any(net in block for s in subnets.subnet_ids(world, vpc_id)
               for net in subnets.ipv6_blocks(world, s)):
            raise in_use
    world.remove(association_id)
    _local_routes(world, vpc_id, str(block), None)
    ipv4 = "CidrBlock" in view
    view["CidrBlockState" if ipv4 else "Ipv6CidrBlockState"] = {"State": "disassociating"}
    return {"VpcId": vpc_id,
            ("CidrBlockAssociation" if ipv4 else "Ipv6CidrBlockAssociation"): view}


def delete(world: World, part: Partition, vpc_id: str) -> None:
    """Delete a VPC and what AWS deletes with it; DependencyViolation while anything else
    (subnets, attached gateways, non-default route tables, groups and ACLs) remains."""
    world.get(part, "vpc", vpc_id)
    if any(world.into(vpc_id, schema.ATTACHED)) or any(
            world.out(vpc_id, schema.CONTAINS, kind) for kind in DEPENDENTS):
        raise _in_use(vpc_id)
    contained = world.out(vpc_id, schema.CONTAINS)
    for child, _, _ in contained:
        node = world.graph.nodes[child]
        if node["kind"] == "route-table" and not _is_main(world, child, vpc_id):
            raise _in_use(vpc_id)
        if node["kind"] in ("security-group", "network-acl") and not node.get("IsDefault"):
            raise _in_use(vpc_id)
    for _, release in RELEASE.items():   # what joins the VPC to others ends (or AWS refuses)
        release(world, vpc_id)
    for child, _, _ in contained:
        for grandchild, _, _ in world.out(child, schema.CONTAINS):
            world.remove(grandchild)
        world.remove(child)
    world.remove(vpc_id)


def _is_main(world: World, rtb_id: str, vpc_id: str) -> bool:
    return any(v == vpc_id for v, _, data in world.out(rtb_id, schema.ASSOCIATED)
               if data.get("Main"))


def _in_use(vpc_id: str) -> DependencyViolation:
    return DependencyViolation(
        f"The vpc '{vpc_id}' has dependencies and cannot be deleted.")


def dhcp_options_id(world: World, vpc_id: str) -> str:
    found = world.into(vpc_id, schema.ASSOCIATED, "dhcp-options")
    return found[0][0] if found else "default"


# -- ClassicLink ------------------------------------------------------------------------------
def require_classic_region(part: Partition) -> None:
    """ClassicLink calls exist only in the regions that had EC2-Classic."""
    if not regions.region(part.region).classic:
        raise TopologyError("The functionality you requested is not available in this region.",
                            "UnsupportedOperation")


def classic_link_vpc(world: World, part: Partition, vpc_id: str | None) -> dict[str, Any]:
    """The VPC a ClassicLink call names, in a region that has ClassicLink."""
    require_classic_region(part)
    if not vpc_id:
        raise MissingParameter("The request must contain the parameter VpcId")
    return world.get(part, "vpc", vpc_id)


def enable_classic_link(world: World, part: Partition, vpc_id: str) -> None:
    """Enable ClassicLink; refused while a route of the VPC points into 10.0.0.0/8 (other
    than the local routes of VPCs in 10.0.0.0/16 and 10.1.0.0/16)."""
    classic_link_vpc(world, part, vpc_id)
    for rtb, _, _ in world.out(vpc_id, schema.CONTAINS, "route-table"):
        for dest, target, data in route_tables.routes(world, rtb):
            if "DestinationCidrBlock" not in data or IPNetwork(dest) not in CLASSIC_RANGE:
                continue
            if target == vpc_id and any(IPNetwork(dest) in ok for ok in CLASSIC_LINK_OK):
                continue
            raise TopologyError(
                f"ClassicLink cannot be enabled for the VPC '{vpc_id}': route table '{rtb}' "
                f"has a route to '{dest}', which is within the EC2-Classic range 10.0.0.0/8.",
                "InvalidParameterValue")
    world.update(vpc_id, ClassicLinkEnabled=True)


def disable_classic_link(world: World, part: Partition, vpc_id: str) -> None:
    classic_link_vpc(world, part, vpc_id)
    world.update(vpc_id, ClassicLinkEnabled=False)


def enable_classic_link_dns(world: World, part: Partition, vpc_id: str | None) -> None:
    classic_link_vpc(world, part, vpc_id)   # VpcId is optional in the model, not on AWS
    world.update(vpc_id, ClassicLinkDnsSupported=True)


def disable_classic_link_dns(world: World, part: Partition, vpc_id: str | None) -> None:
    classic_link_vpc(world, part, vpc_id)
    world.update(vpc_id, ClassicLinkDnsSupported=False)


def modify_tenancy(world: World, part: Partition, vpc_id: str, instance_tenancy: str) -> None:
    """ModifyVpcTenancy: the model's enum allows only `default`."""
    world.get(part, "vpc", vpc_id)
    world.update(vpc_id, InstanceTenancy=instance_tenancy)


def classic_link_view(world: World, vpc_id: str) -> dict[str, Any]:
    """The VPC as boto3's `VpcClassicLink`."""
    node = world.graph.nodes[vpc_id]
    out: dict[str, Any] = {"VpcId": vpc_id, "ClassicLinkEnabled": bool(node.get("ClassicLinkEnabled"))}
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    return out


def classic_link_dns_view(world: World, vpc_id: str) -> dict[str, Any]:
    """The VPC as boto3's `ClassicLinkDnsSupport`."""
    node = world.graph.nodes[vpc_id]
    return {"VpcId": vpc_id, "ClassicLinkDnsSupported": bool(node.get("ClassicLinkDnsSupported"))}


CLASSIC_LINK_FILTERS: dict[str, Filter] = {
    "is-classic-link-enabled": Filter(lambda w, rid, n: bool(n.get("ClassicLinkEnabled"))),
}


# -- views and filters ------------------------------------------------------------------------
def view(world: World, vpc_id: str) -> dict[str, Any]:
    """The VPC as boto3's `Vpc`."""
    node = world.graph.nodes[vpc_id]
    assocs = [(v, world.graph.nodes[v]) for v, _, _ in world.out(vpc_id, schema.CONTAINS, "vpc-cidr-assoc")]
    assocs.sort(key=lambda pair: pair[1]["seq"])
    v4 = [block_view(a, n) for a, n in assocs if "CidrBlock" in n]
    v6 = [block_view(a, n) for a, n in assocs if "Ipv6CidrBlock" in n]
    out: dict[str, Any] = {
        "VpcId": vpc_id,
        "OwnerId": node["account"],
        "InstanceTenancy": node["InstanceTenancy"],
        "CidrBlock": v4[0]["CidrBlock"],
        "CidrBlockAssociationSet": v4,
        "IsDefault": node["IsDefault"],
        "State": node["State"],
        "DhcpOptionsId": dhcp_options_id(world, vpc_id),
        "BlockPublicAccessStates": block_public_access.states(world, vpc_id),
    }
    control = encryption_controls.control_of(world, vpc_id)
    if control is not None:
        out["EncryptionControl"] = encryption_controls.view(world, control)
    if v6:
        out["Ipv6CidrBlockAssociationSet"] = v6
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    return out


def _assoc_values(world: World, vpc_id: str, key: str, sub: str | None = None) -> list[Any]:
    """`key` (or `key`.`sub`) of each CIDR association of the VPC that has `key`."""
    out = []
    for node in block_nodes(world, vpc_id):
        value = node.get(key)
        if isinstance(value, dict) and sub:
            value = value.get(sub)
        if value is not None:
            out.append(value)
    return out


def _assoc_ids(world: World, vpc_id: str, key: str) -> list[str]:
    return [v for v, _, _ in world.out(vpc_id, schema.CONTAINS, "vpc-cidr-assoc")
            if key in world.graph.nodes[v]]


def _assoc_states(world: World, vpc_id: str, key: str) -> list[str]:
    return [n[key]["State"] for n in block_nodes(world, vpc_id) if key in n]


FILTERS: dict[str, Filter] = {
    "vpc-id": ident(),
    "cidr": Filter(lambda w, rid, n: [str(b) for b in blocks(w, rid)][:1]),
    # not on the reference page, but AWS takes it (Ansible's ec2_vpc_net looks VPCs up by it)
    "cidr-block": Filter(lambda w, rid, n: [str(b) for b in blocks(w, rid)][:1]),
    "cidr-block-association.cidr-block": Filter(lambda w, rid, n: _assoc_values(w, rid, "CidrBlock")),
    "cidr-block-association.association-id": Filter(lambda w, rid, n: _assoc_ids(w, rid, "CidrBlock")),
    "cidr-block-association.state": Filter(lambda w, rid, n: _assoc_states(w, rid, "CidrBlockState")),
    "dhcp-options-id": Filter(lambda w, rid, n: dhcp_options_id(w, rid)),
    "ipv6-cidr-block-association.ipv6-cidr-block": Filter(
        lambda w, rid, n: _assoc_values(w, rid, "Ipv6CidrBlock")),
    "ipv6-cidr-block-association.ipv6-pool": Filter(lambda w, rid, n: _assoc_values(w, rid, "Ipv6Pool")),
    "ipv6-cidr-block-association.association-id": Filter(
        lambda w, rid, n: _assoc_ids(w, rid, "Ipv6CidrBlock")),
    "ipv6-cidr-block-association.state": Filter(
        lambda w, rid, n: _assoc_states(w, rid, "Ipv6CidrBlockState")),
    "is-default": field("IsDefault", index=True),
    "owner-id": owner(),
    "state": field("State", index=True),
}


# -- import: one described item into the graph (topology/provision/importer.py) -------------
def imported(imp: Import, item: dict[str, Any]) -> None:
    """A described VPC with its CIDR blocks, ASSOCIATED with its DHCP options."""
    vpc_id = item["VpcId"]
    default = bool(item.get("IsDefault"))
    if not imp.add("vpc", vpc_id, item, State=item.get("State", "available"),
                   InstanceTenancy=item.get("InstanceTenancy", "default"), IsDefault=default,
                   EnableDnsSupport=True, EnableDnsHostnames=default,
                   EnableNetworkAddressUsageMetrics=False, ClassicLinkEnabled=False,
                   ClassicLinkDnsSupported=False):
        return
    blocks = list(item.get("CidrBlockAssociationSet") or [])
    if not blocks and item.get("CidrBlock"):
        blocks = [{"AssociationId": imp.world.new_id("vpc-cidr-assoc"),
                   "CidrBlock": item["CidrBlock"]}]
    for block in blocks:
        imp.cidr_block(vpc_id, block, "CidrBlock", "CidrBlockState")
    for block in item.get("Ipv6CidrBlockAssociationSet") or []:
        imp.cidr_block(vpc_id, block, "Ipv6CidrBlock", "Ipv6CidrBlockState",
                       extra=("Ipv6Pool", "NetworkBorderGroup"))
    dopt = item.get("DhcpOptionsId")
    if dopt and dopt != "default":
        imp.link(dopt, vpc_id, schema.ASSOCIATED, what="VPC's DHCP options")


def set_dns_hostnames(world: World, part: Partition, vpc_id: str, enabled: bool) -> None:
    """ModifyVpcAttribute EnableDnsHostnames: only where the VPC resolves DNS."""
    if enabled and not world.graph.nodes[vpc_id]["EnableDnsSupport"]:
        raise InvalidParameterValue(
            "Cannot enable DNS hostnames when DNS support is disabled for the VPC.")
    world.update(vpc_id, EnableDnsHostnames=enabled)


ATTRIBUTES = tuple(Attribute(member, member[0].lower() + member[1:], field_of(member), change)
                   for member, change in (
                       ("EnableDnsSupport", set_field("EnableDnsSupport")),
                       ("EnableDnsHostnames", set_dns_hostnames),
                       ("EnableNetworkAddressUsageMetrics",
                        set_field("EnableNetworkAddressUsageMetrics"))))


def _no_attribute() -> TopologyError:
    return MissingParameter("The request must contain the parameter EnableDnsSupport, "
                            "EnableDnsHostnames or EnableNetworkAddressUsageMetrics")


# -- the family: its plain Create/Delete/Describe operations and its attributes are bound
# from this (docs/families.md)
FAMILY = declare(Family("vpc", view=view, filters=FILTERS, delete=delete,
                        attributes=ATTRIBUTES, no_attribute=_no_attribute, actions={
                            "ModifyVpcTenancy": modify_tenancy,
                            "DisassociateVpcCidrBlock": disassociate_block,
                            "EnableVpcClassicLink": enable_classic_link,
                            "DisableVpcClassicLink": disable_classic_link,
                            "EnableVpcClassicLinkDnsSupport": enable_classic_link_dns,
                            "DisableVpcClassicLinkDnsSupport": disable_classic_link_dns}))
