"""Network ACLs: numbered stateless rules on the node, subnet associations as edges.

Entries are the ACL's own rows (no ids), kept in `node["entries"]` keyed by
`(egress, rule number)` and replaced copy-on-write through `World.update` so that undo and
DryRun hold. Every subnet has exactly one association (`acl -[ASSOCIATED]-> subnet`, id
`aclassoc-...`); a new subnet gets its VPC's default ACL. The default ACL allows all (rule
100, and 101 for IPv6) in both directions; every ACL ends in the implicit `*` deny (32767).
"""
from __future__ import annotations

from typing import Any

from . import schema
from .world import Partition, World

LAST_RULE = 32767


def create(world: World, part: Partition, vpc_id: str, *, default: bool = False,
           tags: dict[str, str] | None = None) -> str:
    """A network ACL in `vpc_id`: allow-all if `default`, else deny-all."""
    from . import vpcs

    acl_id = world.new_id("acl")
    entries: dict[tuple[bool, int], dict[str, Any]] = {}
    if default:
        for egress in (False, True):
            entries[(egress, 100)] = entry(100, "-1", "allow", egress, cidr="0.0.0.0/0")
            if vpcs.blocks(world, vpc_id, version=6):
                entries[(egress, 101)] = entry(101, "-1", "allow", egress, ipv6_cidr="::/0")
    world.add(part, "network-acl", acl_id, IsDefault=default, entries=entries)
    world.link(vpc_id, acl_id, schema.CONTAINS)
    for key, value in (tags or {}).items():
        world.tag(acl_id, key, value)
    return acl_id


def entry(rule: int, protocol: str, action: str, egress: bool, *, cidr: str | None = None,
          ipv6_cidr: str | None = None, port_range: dict[str, int] | None = None,
          icmp: dict[str, int] | None = None) -> dict[str, Any]:
    """One rule in boto3's `NetworkAclEntry` shape."""
    out: dict[str, Any] = {"RuleNumber": rule, "Protocol": protocol, "RuleAction": action,
                           "Egress": egress}
    if cidr is not None:
        out["CidrBlock"] = cidr
    if ipv6_cidr is not None:
        out["Ipv6CidrBlock"] = ipv6_cidr
    if port_range is not None:
        out["PortRange"] = port_range
    if icmp is not None:
        out["IcmpTypeCode"] = icmp
    return out


def default_acl(world: World, vpc_id: str) -> str | None:
    for acl, _, _ in world.out(vpc_id, schema.CONTAINS, "network-acl"):
        if world.graph.nodes[acl]["IsDefault"]:
            return acl
    return None


def associate(world: World, acl_id: str, subnet_id: str) -> str:
    """Point the subnet at `acl_id`, replacing its current association; returns the new id."""
    for old, _, _ in world.into(subnet_id, schema.ASSOCIATED, "network-acl"):
        world.unlink(old, subnet_id, schema.ASSOCIATED)
    assoc_id = world.new_id("aclassoc")
    world.link(acl_id, subnet_id, schema.ASSOCIATED, id=assoc_id)
    return assoc_id


def acl_for_subnet(world: World, subnet_id: str) -> str | None:
    found = world.into(subnet_id, schema.ASSOCIATED, "network-acl")
    return found[0][0] if found else None


def ordered_entries(node: dict[str, Any], *, egress: bool) -> list[dict[str, Any]]:
    """The ACL's rules for one direction, lowest number first, ending in the `*` deny."""
    rows = sorted((e for (eg, _), e in node["entries"].items() if eg == egress),
                  key=lambda e: e["RuleNumber"])
    rows.append(entry(LAST_RULE, "-1", "deny", egress, cidr="0.0.0.0/0"))
    return rows


def view(world: World, acl_id: str) -> dict[str, Any]:
    """The ACL as boto3's `NetworkAcl`."""
    node = world.graph.nodes[acl_id]
    entries = ordered_entries(node, egress=True) + ordered_entries(node, egress=False)
    if any("Ipv6CidrBlock" in e for e in node["entries"].values()):
        entries += [entry(LAST_RULE, "-1", "deny", eg, ipv6_cidr="::/0") for eg in (True, False)]
    out: dict[str, Any] = {
        "NetworkAclId": acl_id,
        "VpcId": world.into(acl_id, schema.CONTAINS, "vpc")[0][0],
        "IsDefault": node["IsDefault"],
        "OwnerId": node["account"],
        "Entries": entries,
        "Associations": [{"NetworkAclAssociationId": data["id"], "NetworkAclId": acl_id,
                          "SubnetId": subnet}
                         for subnet, _, data in world.out(acl_id, schema.ASSOCIATED, "subnet")],
    }
    if node["tags"]:
        out["Tags"] = [{"Key": k, "Value": v} for k, v in node["tags"].items()]
    return out
