"""VPCs and their CIDR block associations.

A VPC node holds its own settings (tenancy, DNS attributes, default flag); its CIDR blocks
are `vpc-cidr-assoc` nodes it CONTAINS (the first IPv4 one is the primary block), and what
lives in it (subnets, route tables, security groups, network ACLs) hangs off CONTAINS edges.
Creating a VPC creates what AWS creates with it: the main route table with its local
route, the default network ACL and the `default` security group.
"""
from __future__ import annotations

from typing import Any

from netaddr import IPNetwork

from . import addressing, schema
from .errors import DependencyViolation, InvalidParameterValue, LimitExceeded, TopologyError
from .filters import Filter, field, ident
from .world import Partition, World

MAX_IPV4_BLOCKS = 5
DEPENDENTS = ("subnet", "internet-gateway", "egress-only-internet-gateway", "vpn-gateway",
              "nat-gateway", "vpc-endpoint", "network-interface")


def create(world: World, part: Partition, cidr: str, *, tenancy: str = "default",
           is_default: bool = False, ipv6: bool = False, tags: dict[str, str] | None = None
           ) -> str:
    """Create a VPC with its main route table, default network ACL and default security group.

    Raises `InvalidParameterValue` for a malformed CIDR, `TopologyError` (InvalidVpc.Range)
    for one outside /16../28.
    """
    from . import dhcp_options, network_acls, route_tables, security_groups

    net = addressing.parse(cidr)
    addressing.check_vpc_block(net)
    vpc_id = world.new_id("vpc")
    world.add(part, "vpc", vpc_id, State="available", InstanceTenancy=tenancy,
              IsDefault=is_default, EnableDnsSupport=True, EnableDnsHostnames=is_default,
              EnableNetworkAddressUsageMetrics=False)
    _add_block(world, part, vpc_id, CidrBlock=str(net))
    if ipv6:
        add_ipv6_block(world, part, vpc_id)
    for key, value in (tags or {}).items():
        world.tag(vpc_id, key, value)
    dhcp_options.associate(world, part, vpc_id, dhcp_options.default_for(world, part))
    route_tables.create(world, part, vpc_id, main=True)
    network_acls.create(world, part, vpc_id, default=True)
    security_groups.create(world, part, vpc_id, "default", "default VPC security group",
                           default=True)
    return vpc_id


def _add_block(world: World, part: Partition, vpc_id: str, **fields: Any) -> str:
    assoc_id = world.new_id("vpc-cidr-assoc")
    state = "CidrBlockState" if "CidrBlock" in fields else "Ipv6CidrBlockState"
    world.add(part, "vpc-cidr-assoc", assoc_id, **fields, **{state: {"State": "associated"}})
    world.link(vpc_id, assoc_id, schema.CONTAINS)
    return assoc_id


def blocks(world: World, vpc_id: str, *, version: int = 4) -> list[IPNetwork]:
    """The VPC's associated IPv4 (or IPv6) blocks, primary first."""
    key = "CidrBlock" if version == 4 else "Ipv6CidrBlock"
    return [IPNetwork(data[key]) for data in _block_nodes(world, vpc_id) if key in data]


def _block_nodes(world: World, vpc_id: str) -> list[dict[str, Any]]:
    nodes = [world.graph.nodes[v] for v, _, _ in world.out(vpc_id, schema.CONTAINS, "vpc-cidr-assoc")]
    return sorted(nodes, key=lambda n: n["seq"])


def associate_ipv4(world: World, part: Partition, vpc_id: str, cidr: str) -> str:
    """Add a secondary IPv4 block, with AWS's overlap, quota and RFC 1918 rules."""
    net = addressing.parse(cidr)
    current = blocks(world, vpc_id)
    if len(current) >= MAX_IPV4_BLOCKS:
        raise LimitExceeded(
            f"This network '{vpc_id}' has met its maximum number of allowed CIDRs: "
            f"{MAX_IPV4_BLOCKS}", "CidrLimitExceeded")
    addressing.check_secondary(current[0], current, net)
    assoc_id = _add_block(world, part, vpc_id, CidrBlock=str(net))
    _local_routes(world, vpc_id, str(net), "DestinationCidrBlock")
    return assoc_id


def add_ipv6_block(world: World, part: Partition, vpc_id: str, *, cidr: str | None = None,
                   border_group: str | None = None) -> str:
    """Associate an IPv6 /56: Amazon-provided unless `cidr` is given."""
    if blocks(world, vpc_id, version=6):
        raise TopologyError(f"The vpc {vpc_id} already has an IPv6 CIDR block associated.",
                            "InvalidParameterValue" if cidr else "CidrLimitExceeded")
    net = addressing.parse(cidr, param="ipv6CidrBlock", version=6) if cidr else \
        addressing.next_ipv6_block(world.rng.getrandbits(28), _ipv6_taken(world))
    if cidr and net.prefixlen != 56:
        raise InvalidParameterValue(f"The IPv6 CIDR '{net}' is invalid. Use a /56.")
    assoc_id = _add_block(world, part, vpc_id, Ipv6CidrBlock=str(net),
                          Ipv6Pool="Amazon", NetworkBorderGroup=border_group or part.region)
    _local_routes(world, vpc_id, str(net), "DestinationIpv6CidrBlock")
    return assoc_id


def _local_routes(world: World, vpc_id: str, block: str, member: str | None) -> None:
    """Give every route table of the VPC a local route for `block` (None: take it away)."""
    from . import route_tables

    for rtb, _, _ in world.out(vpc_id, schema.CONTAINS, "route-table"):
        if member is None:
            world.unlink(rtb, vpc_id, schema.ROUTE, block)
        else:
            route_tables.add_local_route(world, rtb, vpc_id, block, member)


def _ipv6_taken(world: World) -> list[IPNetwork]:
    # Only consulted on IPv6 association, which is rare; AWS's pool is global.
    return [IPNetwork(n["Ipv6CidrBlock"]) for _, n in world.graph.nodes(data=True)
            if n["kind"] == "vpc-cidr-assoc" and "Ipv6CidrBlock" in n and not n.get("deleted")]


def disassociate_block(world: World, part: Partition, assoc_id: str) -> tuple[str, dict[str, Any]]:
    """Remove a CIDR association; the primary block and blocks in use stay. Returns (vpc, view)."""
    node = world.get(part, "vpc-cidr-assoc", assoc_id)
    vpc_id = world.into(assoc_id, schema.CONTAINS, "vpc")[0][0]
    view = block_view(assoc_id, node)
    if "CidrBlock" in node:
        if _block_nodes(world, vpc_id)[0] is node:
            raise TopologyError(
                f"The vpc CIDR block with association ID {assoc_id} may not be disassociated. "
                "It is the primary IPv4 CIDR block of the VPC", "OperationNotPermitted")
        block = IPNetwork(node["CidrBlock"])
        if any(IPNetwork(world.graph.nodes[s]["CidrBlock"]) in block
               for s, _, _ in world.out(vpc_id, schema.CONTAINS, "subnet")):
            raise DependencyViolation(
                f"The vpc CIDR block with association ID {assoc_id} has dependencies "
                "and cannot be disassociated.")
    else:
        if any(world.out(s, schema.CONTAINS, "subnet-cidr-assoc")
               for s, _, _ in world.out(vpc_id, schema.CONTAINS, "subnet")):
            raise DependencyViolation(
                f"The vpc CIDR block with association ID {assoc_id} has dependencies "
                "and cannot be disassociated.")
    world.remove(assoc_id)
    _local_routes(world, vpc_id, view.get("CidrBlock") or view["Ipv6CidrBlock"], None)
    state = "CidrBlockState" if "CidrBlock" in view else "Ipv6CidrBlockState"
    view[state] = {"State": "disassociating"}
    return vpc_id, view


def block_view(assoc_id: str, node: dict[str, Any]) -> dict[str, Any]:
    keys = ("CidrBlock", "CidrBlockState", "Ipv6CidrBlock", "Ipv6CidrBlockState", "Ipv6Pool",
            "NetworkBorderGroup")
    return {"AssociationId": assoc_id, **{k: node[k] for k in keys if k in node}}


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
        if node["kind"] in ("security-group", "network-acl") and not node.get("IsDefault", node.get("default")):
            raise _in_use(vpc_id)
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
        "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"},
    }
    if v6:
        out["Ipv6CidrBlockAssociationSet"] = v6
    if node["tags"]:
        out["Tags"] = [{"Key": k, "Value": v} for k, v in node["tags"].items()]
    return out


def in_vpc(kind: str):
    """Candidates for a `vpc-id` filter on a kind that the VPC CONTAINS."""
    def candidates(world: World, part: Partition, value: str) -> list[str]:
        return [v for v, _, _ in world.out(value, schema.CONTAINS, kind)]
    return candidates


def _blocks_of(world: World, rid: str, key: str, sub: str | None = None) -> list[Any]:
    nodes = [world.graph.nodes[v] for v, _, _ in world.out(rid, schema.CONTAINS)
             if world.graph.nodes[v]["kind"].endswith("cidr-assoc")]
    values = []
    for n in nodes:
        if key == "AssociationId":
            continue
        value = n.get(key)
        if isinstance(value, dict) and sub:
            value = value.get(sub)
        values.append(value)
    return values


def _assoc_ids(world: World, rid: str, key: str) -> list[str]:
    return [v for v, _, _ in world.out(rid, schema.CONTAINS)
            if world.graph.nodes[v]["kind"].endswith("cidr-assoc") and key in world.graph.nodes[v]]


FILTERS: dict[str, Filter] = {
    "vpc-id": ident(),
    "cidr": Filter(lambda w, rid, n: [str(b) for b in blocks(w, rid)][:1]),
    "cidr-block-association.cidr-block": Filter(lambda w, rid, n: _blocks_of(w, rid, "CidrBlock")),
    "cidr-block-association.association-id": Filter(lambda w, rid, n: _assoc_ids(w, rid, "CidrBlock")),
    "cidr-block-association.state": Filter(
        lambda w, rid, n: [s for s in _blocks_of(w, rid, "CidrBlockState", "State") if s]),
    "dhcp-options-id": Filter(lambda w, rid, n: dhcp_options_id(w, rid)),
    "ipv6-cidr-block-association.ipv6-cidr-block": Filter(
        lambda w, rid, n: _blocks_of(w, rid, "Ipv6CidrBlock")),
    "ipv6-cidr-block-association.ipv6-pool": Filter(lambda w, rid, n: _blocks_of(w, rid, "Ipv6Pool")),
    "ipv6-cidr-block-association.association-id": Filter(
        lambda w, rid, n: _assoc_ids(w, rid, "Ipv6CidrBlock")),
    "ipv6-cidr-block-association.state": Filter(
        lambda w, rid, n: [s for s in _blocks_of(w, rid, "Ipv6CidrBlockState", "State") if s]),
    "is-default": field("IsDefault"),
    "owner-id": Filter(lambda w, rid, n: n["account"]),
    "state": field("State"),
}
