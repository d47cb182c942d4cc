"""Security groups and their rules.

Each rule is a `security-group-rule` node (its id is AWS's `sgr-...`) that its group
CONTAINS; a rule naming another group or a prefix list has a REFERENCES edge to it, so
"who refers to this group" is an edge lookup. Describe calls see two shapes of the same
rules: `SecurityGroupRule` (one per node) and `IpPermission` (grouped by protocol and ports).
"""
from __future__ import annotations

from typing import Any

from . import schema
from .world import Partition, World

ALL = "-1"


def create(world: World, part: Partition, vpc_id: str, name: str, description: str, *,
           default: bool = False, tags: dict[str, str] | None = None) -> str:
    """A group in `vpc_id` with AWS's initial rules (the default group also admits itself)."""
    from . import vpcs

    sg_id = world.new_id("sg")
    world.add(part, "security-group", sg_id, GroupName=name, Description=description,
              IsDefault=default)
    world.link(vpc_id, sg_id, schema.CONTAINS)
    for key, value in (tags or {}).items():
        world.tag(sg_id, key, value)
    if default:
        add_rule(world, part, sg_id, egress=False, protocol=ALL, group=sg_id)
    add_rule(world, part, sg_id, egress=True, protocol=ALL, cidr4="0.0.0.0/0")
    if vpcs.blocks(world, vpc_id, version=6):
        add_rule(world, part, sg_id, egress=True, protocol=ALL, cidr6="::/0")
    return sg_id


def add_rule(world: World, part: Partition, sg_id: str, *, egress: bool, protocol: str,
             from_port: int = -1, to_port: int = -1, cidr4: str | None = None,
             cidr6: str | None = None, group: str | None = None, prefix_list: str | None = None,
             description: str | None = None, group_owner: str | None = None) -> str:
    """Add one rule (validation is the caller's); returns its `sgr-` id."""
    rule_id = world.new_id("sgr")
    fields: dict[str, Any] = {"IsEgress": egress, "IpProtocol": protocol,
                              "FromPort": from_port, "ToPort": to_port}
    if cidr4 is not None:
        fields["CidrIpv4"] = cidr4
    if cidr6 is not None:
        fields["CidrIpv6"] = cidr6
    if description is not None:
        fields["Description"] = description
    world.add(part, "security-group-rule", rule_id, **fields)
    world.link(sg_id, rule_id, schema.CONTAINS)
    target = group or prefix_list
    if target is not None:
        world.link(rule_id, target, schema.REFERENCES, UserId=group_owner or part.account)
    return rule_id


def rules(world: World, sg_id: str, *, egress: bool | None = None) -> list[str]:
    """The group's rule ids (one direction if `egress` is given), in creation order."""
    found = [(world.graph.nodes[r]["seq"], r) for r, _, _ in world.out(sg_id, schema.CONTAINS,
                                                                         "security-group-rule")]
    return [r for _, r in sorted(found)
            if egress is None or world.graph.nodes[r]["IsEgress"] == egress]


def group_of(world: World, rule_id: str) -> str:
    return world.into(rule_id, schema.CONTAINS, "security-group")[0][0]


def referenced(world: World, rule_id: str) -> tuple[str, dict[str, Any]] | None:
    """(group or prefix-list id, edge data) the rule names, if any."""
    found = world.out(rule_id, schema.REFERENCES)
    return (found[0][0], found[0][2]) if found else None


def vpc_of(world: World, sg_id: str) -> str:
    return world.into(sg_id, schema.CONTAINS, "vpc")[0][0]


def rule_view(world: World, rule_id: str) -> dict[str, Any]:
    """One rule as boto3's `SecurityGroupRule`."""
    node = world.graph.nodes[rule_id]
    group = group_of(world, rule_id)
    out: dict[str, Any] = {
        "SecurityGroupRuleId": rule_id,
        "GroupId": group,
        "GroupOwnerId": node["account"],
        "IsEgress": node["IsEgress"],
        "IpProtocol": node["IpProtocol"],
        "FromPort": node["FromPort"],
        "ToPort": node["ToPort"],
        "SecurityGroupRuleArn": f"arn:aws:ec2:{node['region']}:{node['account']}:"
                                f"security-group-rule/{rule_id}",
    }
    for key in ("CidrIpv4", "CidrIpv6", "Description"):
        if key in node:
            out[key] = node[key]
    ref = referenced(world, rule_id)
    if ref is not None:
        target, data = ref
        if target.startswith("pl-"):
            out["PrefixListId"] = target
        else:
            out["ReferencedGroupInfo"] = {"GroupId": target, "UserId": data["UserId"]}
    if node["tags"]:
        out["Tags"] = [{"Key": k, "Value": v} for k, v in node["tags"].items()]
    return out


def permissions(world: World, sg_id: str, *, egress: bool) -> list[dict[str, Any]]:
    """The group's rules in one direction as boto3's `IpPermission` list."""
    grouped: dict[tuple[str, int, int], dict[str, Any]] = {}
    for rule_id in rules(world, sg_id, egress=egress):
        node = world.graph.nodes[rule_id]
        key = (node["IpProtocol"], node["FromPort"], node["ToPort"])
        perm = grouped.get(key)
        if perm is None:
            perm = {"IpProtocol": key[0], "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [],
                    "UserIdGroupPairs": []}
            if key[0] != ALL:
                perm["FromPort"], perm["ToPort"] = key[1], key[2]
            grouped[key] = perm
        described = {"Description": node["Description"]} if "Description" in node else {}
        if "CidrIpv4" in node:
            perm["IpRanges"].append({"CidrIp": node["CidrIpv4"], **described})
        elif "CidrIpv6" in node:
            perm["Ipv6Ranges"].append({"CidrIpv6": node["CidrIpv6"], **described})
        else:
            ref = referenced(world, rule_id)
            if ref is None:
                continue
            target, data = ref
            if target.startswith("pl-"):
                perm["PrefixListIds"].append({"PrefixListId": target, **described})
            else:
                perm["UserIdGroupPairs"].append({"GroupId": target, "UserId": data["UserId"],
                                                 **described})
    return list(grouped.values())


def view(world: World, sg_id: str) -> dict[str, Any]:
    """The group as boto3's `SecurityGroup`."""
    node = world.graph.nodes[sg_id]
    out: dict[str, Any] = {
        "GroupId": sg_id,
        "GroupName": node["GroupName"],
        "Description": node["Description"],
        "OwnerId": node["account"],
        "VpcId": vpc_of(world, sg_id),
        "SecurityGroupArn": f"arn:aws:ec2:{node['region']}:{node['account']}:"
                            f"security-group/{sg_id}",
        "IpPermissions": permissions(world, sg_id, egress=False),
        "IpPermissionsEgress": permissions(world, sg_id, egress=True),
    }
    if node["tags"]:
        out["Tags"] = [{"Key": k, "Value": v} for k, v in node["tags"].items()]
    return out
