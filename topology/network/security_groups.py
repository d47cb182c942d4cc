"""Security groups and their rules in the graph.

Each rule is a `security-group-rule` node (its id is AWS's `sgr-...`) that its group
CONTAINS; a rule naming another group or a prefix list has a REFERENCES edge to it (data:
`UserId`, the referenced group's account), so "who refers to this group" is an edge lookup.
Describe calls see two shapes of the same rules: `SecurityGroupRule` (one per node) and
`IpPermission` (grouped by protocol and ports). What a rule *is* (parsing, AWS's checks and
wording) lives in `security_group_rules`, how requests change a group's rules (authorize,
revoke, modify, the `SecurityGroupRule` view) in `group_rules`; this module holds the groups,
places rule nodes in them and reads them back.

AWS's rules kept here: group names are unique per VPC (case-insensitively), `default` is
reserved and `sg-` is no name's prefix; a request without a VPC goes to the default VPC, and
bare group names are looked up there; a new group allows all egress (IPv6 too when its VPC
has an IPv6 block); a group rejects a rule it already has, and holds at most 60 rules per
direction and address family (a group or prefix-list reference counts in both); a group
may only name groups of its own VPC or a peered one; the default group cannot be deleted,
nor can a group that another group's rule names or that anything (an ENI) uses.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.described import Import
from ..core.errors import (Conflict, DependencyViolation, InvalidParameterValue, LimitExceeded,
                           MissingParameter, NotFound, TopologyError)
from ..core.filters import Candidates, Filter, ident, owner
from ..core.lookups import default_vpc, vpc_of
from ..core.world import Partition, World, not_found
from . import security_group_rules as sgr
from . import vpc_blocks
from .security_group_rules import ALL, CIDR4, CIDR6, GROUP, PREFIX_LIST, Peer, Rule

DEFAULT_NAME = "default"
RULES_PER_DIRECTION = 60      # per address family; AWS's default quota
GROUPS_PER_REGION = 2500
MAX_TEXT = 255
DIRECTIONS = (False, True)    # IsEgress
Pick = Callable[[World, Rule], list[Any]]   # the values a rule gives a filter


# -- finding groups ----------------------------------------------------------------------
def get(world: World, part: Partition, sg_id: str) -> dict[str, Any]:
    """The live group `sg_id` of `part`.

    Raises `InvalidGroup.NotFound` ("The security group 'sg-1' does not exist") or
    `InvalidGroupId.Malformed` for an id that cannot be a group's.
    """
    node = world.node(sg_id)
    if node is not None and node["kind"] == "security-group" and \
            (node["account"], node["region"]) == (part.account, part.region):
        return node
    raise unknown(sg_id)


def unknown(sg_id: str) -> TopologyError:
    """AWS's error for a group id that names no group."""
    error = not_found("security-group", sg_id)
    if isinstance(error, NotFound):
        return NotFound(f"The security group '{sg_id}' does not exist", error.code)
    return error


def named(world: World, vpc_id: str, name: str) -> str | None:
    """The group of `vpc_id` called `name` (AWS compares names case-insensitively)."""
    wanted = name.lower()
    for sg_id, _, _ in world.out(vpc_id, schema.CONTAINS, "security-group"):
        if world.graph.nodes[sg_id]["GroupName"].lower() == wanted:
            return sg_id
    return None


def by_name(world: World, part: Partition, name: str) -> str:
    """The group called `name` in the default VPC, where AWS resolves bare group names."""
    vpc_id = default_vpc(world, part)
    found = named(world, vpc_id, name) if vpc_id else None
    if found is None:
        raise NotFound(f"The security group '{name}' does not exist in default VPC "
                       f"'{vpc_id or 'none'}'", "InvalidGroup.NotFound")
    return found


def resolve(world: World, part: Partition, group_id: str | None, group_name: str | None) -> str:
    """The group a request names by `GroupId` or (default VPC) `GroupName`."""
    if group_id:
        get(world, part, group_id)
        return group_id
    if group_name:
        return by_name(world, part, group_name)
    raise MissingParameter("The request must contain the parameter groupName or groupId")


# -- groups ------------------------------------------------------------------------------
def create_group(world: World, part: Partition, name: str, description: str, *,
                 vpc_id: str | None = None, tags: dict[str, str] | None = None) -> str:
    """A user's new group, after AWS's checks on its name, description and VPC."""
    _check_text(name, "GroupName", "name")
    _check_text(description, "GroupDescription", "description")
    if name.startswith("sg-"):
        raise InvalidParameterValue(f"Value ({name}) for parameter GroupName is invalid. "
                                    "Group names may not be in the format sg-*.")
    if name == DEFAULT_NAME:
        raise InvalidParameterValue("Cannot use reserved security group name: default")
    if vpc_id is None:
        vpc_id = default_vpc(world, part)
        if vpc_id is None:
            raise TopologyError("No default VPC for this user", "VPCIdNotSpecified")
    world.get(part, "vpc", vpc_id)
    if named(world, vpc_id, name) is not None:
        raise Conflict(f"The security group '{name}' already exists for VPC '{vpc_id}'",
                       "InvalidGroup.Duplicate")
    if len(part.ids("security-group")) >= GROUPS_PER_REGION:
        raise LimitExceeded("The maximum number of security groups has been reached.",
                            "SecurityGroupLimitExceeded")
    return create(world, part, vpc_id, name, description, tags=tags)


def _check_text(text: str, param: str, what: str) -> None:
    if not text:
        raise MissingParameter(f"The request must contain the parameter {param}")
    if not text.isascii():
        raise InvalidParameterValue(f"Value ({text}) for parameter {param} is invalid. "
                                    "Character sets beyond ASCII are not supported.")
    if len(text) > MAX_TEXT or not set(text) <= sgr.VALID_CHARS:
        raise InvalidParameterValue(
            f"Invalid security group {what}. Valid {what}s are strings less than 256 "
            f"characters from the following set:  {sgr.CHARSET_TEXT}")


def create(world: World, part: Partition, vpc_id: str, name: str, description: str, *,
           default: bool = False, tags: dict[str, str] | None = None) -> str:
    """A group in `vpc_id` with AWS's initial rules (the default group also admits itself)."""
    sg_id = world.new_id("sg")
    world.add(part, "security-group", sg_id, GroupName=name, Description=description,
              IsDefault=default)
    world.link(vpc_id, sg_id, schema.CONTAINS)
    tagging.apply(world, sg_id, tags or {})
    if default:
        add(world, part, sg_id, Rule(ALL, -1, -1, Peer(GROUP, sg_id, part.account)),
            egress=False)
    add(world, part, sg_id, Rule(ALL, -1, -1, Peer(CIDR4, "0.0.0.0/0")), egress=True)
    if vpc_blocks.blocks(world, vpc_id, version=6):
        add(world, part, sg_id, Rule(ALL, -1, -1, Peer(CIDR6, "::/0")), egress=True)
    return sg_id


def delete(world: World, part: Partition, sg_id: str) -> None:
    """Delete a group and its rules; never the default group, nor one in use."""
    node = get(world, part, sg_id)
    if node["IsDefault"]:
        raise TopologyError(f'the specified group: "{sg_id}" name: "default" cannot be '
                            "deleted by a user", "CannotDelete")
    own = set(rules(world, sg_id))
    if any(r not in own for r, _, _ in world.into(sg_id, schema.REFERENCES)) or \
            _in_use(world, sg_id):
        raise DependencyViolation(f"resource {sg_id} has a dependent object")
    for rule_id in own:
        world.remove(rule_id)
    world.remove(sg_id)


def _in_use(world: World, sg_id: str) -> bool:
    """Whether anything besides its VPC, its rules and rules naming it is tied to the group
    (an ENI, an endpoint, ...)."""
    graph = world.graph
    inbound = any(key[0] not in (schema.CONTAINS, schema.REFERENCES)
                  and not graph.nodes[u].get("deleted")
                  for u, _, key in graph.in_edges(sg_id, keys=True))
    return inbound or any(key[0] != schema.CONTAINS and not graph.nodes[v].get("deleted")
                          for _, v, key in graph.out_edges(sg_id, keys=True))


# -- rules: reading ----------------------------------------------------------------------
def rules(world: World, sg_id: str, *, egress: bool | None = None) -> list[str]:
    """The group's rule ids (one direction if `egress` is given), in creation order."""
    found = [(world.graph.nodes[r]["seq"], r)
             for r, _, _ in world.out(sg_id, schema.CONTAINS, "security-group-rule")]
    return [r for _, r in sorted(found)
            if egress is None or world.graph.nodes[r]["IsEgress"] == egress]


def group_of(world: World, rule_id: str) -> str:
    return world.into(rule_id, schema.CONTAINS, "security-group")[0][0]


def referenced(world: World, rule_id: str) -> tuple[str, dict[str, Any]] | None:
    """(group or prefix-list id, edge data) the rule names, if any."""
    found = world.out(rule_id, schema.REFERENCES)
    return (found[0][0], found[0][2]) if found else None


def stored(world: World, rule_id: str) -> Rule:
    """The rule node `rule_id` as a `Rule` value."""
    node = world.graph.nodes[rule_id]
    if CIDR4 in node or CIDR6 in node:
        kind = CIDR4 if CIDR4 in node else CIDR6
        peer = Peer(kind, node[kind])
    else:
        ref = referenced(world, rule_id)
        assert ref is not None, rule_id
        target, data = ref
        if world.graph.nodes[target]["kind"] == "prefix-list":
            peer = Peer(PREFIX_LIST, target)
        else:
            peer = Peer(GROUP, target, data["UserId"])
    return Rule(node["IpProtocol"], node["FromPort"], node["ToPort"], peer,
                node.get("Description"))


def add(world: World, part: Partition, sg_id: str, rule: Rule, *, egress: bool,
        tags: dict[str, str] | None = None) -> str:
    """Add one rule (its checks are the caller's); returns its `sgr-` id."""
    rule_id = world.new_id("sgr")
    fields: dict[str, Any] = {"IsEgress": egress, "IpProtocol": rule.protocol,
                              "FromPort": rule.from_port, "ToPort": rule.to_port}
    if rule.peer.kind in (CIDR4, CIDR6):
        fields[rule.peer.kind] = rule.peer.value
    if rule.description:
        fields["Description"] = rule.description
    world.add(part, "security-group-rule", rule_id, **fields)
    world.link(sg_id, rule_id, schema.CONTAINS)
    if rule.peer.kind in (GROUP, PREFIX_LIST):
        world.link(rule_id, rule.peer.value, schema.REFERENCES,
                   UserId=rule.peer.owner or part.account)
    tagging.apply(world, rule_id, tags or {})
    return rule_id


def _stored_rules(world: World, sg_id: str, egress: bool) -> list[Rule]:
    return [stored(world, r) for r in rules(world, sg_id, egress=egress)]


# -- views -------------------------------------------------------------------------------
def arn(node: dict[str, Any], resource: str, rid: str) -> str:
    return f"arn:aws:ec2:{node['region']}:{node['account']}:{resource}/{rid}"


def permissions(world: World, sg_id: str, *, egress: bool) -> list[dict[str, Any]]:
    """The group's rules in one direction as boto3's `IpPermission` list."""
    return sgr.permissions(_stored_rules(world, sg_id, egress))


def view(world: World, sg_id: str) -> dict[str, Any]:
    """The group as boto3's `SecurityGroup`."""
    node = world.graph.nodes[sg_id]
    out: dict[str, Any] = {
        "GroupId": sg_id,
        "GroupName": node["GroupName"],
        "Description": node["Description"],
        "OwnerId": node["account"],
        "VpcId": vpc_of(world, sg_id),
        "SecurityGroupArn": arn(node, "security-group", sg_id),
        "IpPermissions": permissions(world, sg_id, egress=False),
        "IpPermissionsEgress": permissions(world, sg_id, egress=True),
    }
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    return out


# -- filters -----------------------------------------------------------------------------
def _rule_values(egress: bool, pick: Pick) -> Filter:
    """A filter on one value of each of the group's rules in one direction."""
    return Filter(lambda w, rid, n: [v for rule in _stored_rules(w, rid, egress)
                                     for v in pick(w, rule)])


def _peers(kind: str) -> Pick:
    return lambda w, rule: [rule.peer.value] if rule.peer.kind == kind else []


def _protocol(w: World, rule: Rule) -> list[str]:
    number = sgr.NUMBERS.get(rule.protocol)   # `6` finds tcp rules as well as `tcp`
    return [rule.protocol] + ([str(number)] if number is not None else [])


def _group_names(w: World, rule: Rule) -> list[str]:
    """The referenced group's name, which a rule carries in the default VPC only.

    botocore's `UserIdGroupPair.GroupName`: "[Default VPC] ... For a security group in a
    nondefault VPC, use the security group ID"; moto's note on its test of this filter: AWS
    does not find a nondefault VPC's group by the name of a group its rule references.
    """
    if rule.peer.kind != GROUP or w.node(rule.peer.value) is None:
        return []
    if not w.graph.nodes[vpc_of(w, rule.peer.value)]["IsDefault"]:
        return []
    return [w.graph.nodes[rule.peer.value]["GroupName"]]


def _referencing(egress: bool) -> Candidates:
    """Candidates for `*.group-id`: the groups whose rules name the group (an edge lookup)."""
    def candidates(world: World, part: Partition, value: str) -> list[str]:
        return [group_of(world, r) for r, _, _ in
                world.into(value, schema.REFERENCES, "security-group-rule")
                if world.graph.nodes[r]["IsEgress"] == egress]
    return candidates


def _permission_filters(prefix: str, egress: bool) -> dict[str, Filter]:
    def values(pick: Pick) -> Filter:
        return _rule_values(egress, pick)
    return {
        f"{prefix}.cidr": values(_peers(CIDR4)),
        f"{prefix}.ipv6-cidr": values(_peers(CIDR6)),
        f"{prefix}.prefix-list-id": values(_peers(PREFIX_LIST)),
        f"{prefix}.group-id": Filter(values(_peers(GROUP)).values, _referencing(egress)),
        f"{prefix}.group-name": values(_group_names),
        f"{prefix}.user-id": values(lambda w, r: [r.peer.owner] if r.peer.kind == GROUP else []),
        f"{prefix}.protocol": values(_protocol),
        f"{prefix}.from-port": values(lambda w, r: [r.from_port]),
        f"{prefix}.to-port": values(lambda w, r: [r.to_port]),
    }


def _in_vpc(world: World, part: Partition, value: str) -> list[str]:
    return [v for v, _, _ in world.out(value, schema.CONTAINS, "security-group")]


FILTERS: dict[str, Filter] = {
    "description": Filter(lambda w, rid, n: n["Description"]),
    "group-id": ident(),
    "group-name": Filter(lambda w, rid, n: n["GroupName"]),
    "owner-id": owner(),
    "vpc-id": Filter(lambda w, rid, n: vpc_of(w, rid), _in_vpc, exact=True),
    **_permission_filters("ip-permission", False),
    **_permission_filters("egress.ip-permission", True),
}

# -- import: one described item into the graph (topology/provision/importer.py) -------------
_PROTOCOL_NAMES = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


def imported(imp: Import, item: dict[str, Any]) -> None:
    """A described group its VPC CONTAINS; its rules come once every group exists
    (`imported_rules`), so a rule may name any of them."""
    sg_id, vpc_id = item["GroupId"], item.get("VpcId", "")
    if not imp.has(vpc_id, "vpc"):
        imp.skip("security-group", "its VPC was not described")
        return
    if imp.add("security-group", sg_id, item, GroupName=item["GroupName"],
               Description=item.get("Description", ""),
               IsDefault=item["GroupName"] == "default"):
        imp.world.link(vpc_id, sg_id, schema.CONTAINS)


def imported_rules(imp: Import, item: dict[str, Any]) -> None:
    """A described group's permissions as rules, one per peer, that the group CONTAINS."""
    if not imp.has(item["GroupId"], "security-group"):
        return
    for egress, member in ((False, "IpPermissions"), (True, "IpPermissionsEgress")):
        for perm in item.get(member) or []:
            _imported_permission(imp, item["GroupId"], perm, egress)


def _imported_permission(imp: Import, sg_id: str, perm: dict[str, Any], egress: bool) -> None:
    proto = str(perm.get("IpProtocol", "-1"))
    proto = _PROTOCOL_NAMES.get(proto, proto)
    ports = {"FromPort": perm.get("FromPort", -1), "ToPort": perm.get("ToPort", -1)}
    if proto == "-1":
        ports = {"FromPort": -1, "ToPort": -1}
    base = {"IsEgress": egress, "IpProtocol": proto, **ports}
    for member, peer in (("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6")):
        for entry in perm.get(member) or []:
            key = "CidrIpv4" if peer == "CidrIp" else "CidrIpv6"
            _imported_rule(imp, sg_id, {**base, key: entry[peer]}, entry)
    for entry in perm.get("UserIdGroupPairs") or []:
        _imported_rule(imp, sg_id, base, entry, entry.get("GroupId"), entry.get("UserId"))
    for entry in perm.get("PrefixListIds") or []:
        _imported_rule(imp, sg_id, base, entry, entry.get("PrefixListId"))


def _imported_rule(imp: Import, sg_id: str, fields: dict[str, Any], entry: dict[str, Any],
                   peer: str | None = None, owner: str | None = None) -> None:
    if peer is not None and not imp.has(peer):
        imp.skip("security-group-rule", "it names a group or prefix list that was not "
                 "described")
        return
    if entry.get("Description"):
        fields = {**fields, "Description": entry["Description"]}
    rule_id = imp.world.new_id("sgr")
    imp.add("security-group-rule", rule_id, None, **fields)
    imp.world.link(sg_id, rule_id, schema.CONTAINS)
    if peer is not None:
        imp.world.link(rule_id, peer, schema.REFERENCES, UserId=owner or imp.part.account)
