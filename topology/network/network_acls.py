"""Network ACLs: numbered stateless rules on the node, subnet associations as edges.

Entries are the ACL's own rows (no ids), kept in `node["entries"]` keyed by
`(egress, rule number)` and replaced copy-on-write through `World.update` so that undo and
DryRun hold. Every subnet has exactly one association (`acl -[ASSOCIATED]-> subnet`, id
`aclassoc-...`); a new subnet gets its VPC's default ACL. The default ACL allows all (rule
100, and 101 for IPv6) in both directions; every ACL ends in the implicit `*` deny (32767
for IPv4, and 32768 for IPv6 once the VPC or the ACL speaks IPv6).

AWS's rules for an entry: rule numbers 1 to 32766, a protocol number (-1 for all; the
names `tcp`, `udp`, `icmp`, `icmpv6`, `all` are taken too and stored as numbers), exactly
one of an IPv4 or IPv6 CIDR (host bits are dropped, as AWS does), a port range for TCP and
UDP, an ICMP type and code for ICMP (and for ICMPv6 with an IPv6 CIDR). Ports and ICMP
fields that do not apply to the protocol are not kept, since AWS ignores them.
"""
from __future__ import annotations

from typing import Any

from netaddr import AddrFormatError, IPNetwork

from ..core import schema
from ..core import tags as tagging
from ..core.described import Import
from ..core.errors import (Conflict, DependencyViolation, InvalidParameterCombination,
                           InvalidParameterValue, LimitExceeded, MissingParameter, NotFound)
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident, owner
from ..core.lookups import vpc_of
from ..core.world import Partition, World, not_found
from . import vpc_blocks

LAST_RULE = 32767        # the implicit IPv4 `*` deny
LAST_RULE_V6 = 32768     # the implicit IPv6 `*` deny
MAX_RULE = 32766         # 32767..65535 are AWS's own
RULES_PER_ACL = 20       # per direction and address family, the `*` deny included
ACLS_PER_VPC = 200
PROTOCOL_NAMES = {"all": "-1", "icmp": "1", "tcp": "6", "udp": "17", "icmpv6": "58"}
NAME_OF_PROTOCOL = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "-1": "all"}
PORT_PROTOCOLS = ("6", "17")
Key = tuple[bool, int]


# -- the ACL -----------------------------------------------------------------------------
def create(world: World, part: Partition, vpc_id: str, *, default: bool = False,
           tags: dict[str, str] | None = None) -> str:
    """A network ACL in `vpc_id`: allow-all if `default`, else deny-all, no associations.

    Raises the VPC's NotFound for an unknown VPC, `NetworkAclLimitExceeded` past 200 ACLs.
    """
    world.get(part, "vpc", vpc_id)
    if len(world.out(vpc_id, schema.CONTAINS, "network-acl")) >= ACLS_PER_VPC:
        raise LimitExceeded("The maximum number of network ACLs has been reached.",
                            "NetworkAclLimitExceeded")
    entries: dict[Key, dict[str, Any]] = {}
    if default:
        for egress in (False, True):
            entries[(egress, 100)] = entry(100, "-1", "allow", egress, cidr="0.0.0.0/0")
            if vpc_blocks.blocks(world, vpc_id, version=6):
                entries[(egress, 101)] = entry(101, "-1", "allow", egress, ipv6_cidr="::/0")
    acl_id = world.new_id("acl")
    world.add(part, "network-acl", acl_id, IsDefault=default, entries=entries)
    world.link(vpc_id, acl_id, schema.CONTAINS)
    tagging.apply(world, acl_id, tags or {})
    return acl_id


def delete(world: World, part: Partition, acl_id: str) -> None:
    """Delete a non-default ACL that no subnet uses."""
    node = world.get(part, "network-acl", acl_id)
    if node["IsDefault"]:
        raise InvalidParameterValue(f"cannot delete default network ACL {acl_id}")
    if world.out(acl_id, schema.ASSOCIATED, "subnet"):
        raise DependencyViolation(
            f"The networkAcl '{acl_id}' has dependencies and cannot be deleted.")
    world.remove(acl_id)


def add_ipv6_defaults(world: World, vpc_id: str) -> None:
    """Give the VPC's default ACL its allow-all IPv6 rule 101, for a VPC that just got an
    IPv6 block: per direction, only while that direction still holds just AWS's rule 100
    (AWS leaves a direction you have modified alone)."""
    acl_id = default_acl(world, vpc_id)
    if acl_id is None:
        return
    entries = dict(world.graph.nodes[acl_id]["entries"])
    for egress in (False, True):
        mine = {rule: e for (eg, rule), e in entries.items() if eg == egress}
        if mine == {100: entry(100, "-1", "allow", egress, cidr="0.0.0.0/0")}:
            entries[(egress, 101)] = entry(101, "-1", "allow", egress, ipv6_cidr="::/0")
    if entries != world.graph.nodes[acl_id]["entries"]:
        world.update(acl_id, entries=entries)


def default_acl(world: World, vpc_id: str) -> str | None:
    for acl, _, _ in world.out(vpc_id, schema.CONTAINS, "network-acl"):
        if world.graph.nodes[acl]["IsDefault"]:
            return acl
    return None


# -- associations ------------------------------------------------------------------------
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


def replace_association(world: World, part: Partition, association_id: str,
                        network_acl_id: str) -> str:
    """Move the subnet of association `association_id` to `network_acl_id` (same VPC); the
    new association's id."""
    subnet_id = _association_subnet(world, part, association_id)
    world.get(part, "network-acl", network_acl_id)
    if vpc_of(world, subnet_id) != vpc_of(world, network_acl_id):
        raise InvalidParameterValue(
            f"Network ACL {network_acl_id} and subnet {subnet_id} belong to different networks")
    return associate(world, network_acl_id, subnet_id)


def _association_subnet(world: World, part: Partition, assoc_id: str) -> str:
    found = world.edge(assoc_id)
    if found is not None:
        acl, subnet, _ = found
        node = world.node(acl)
        if node is not None and node["kind"] == "network-acl" \
                and (node["account"], node["region"]) == (part.account, part.region):
            return subnet
    raise not_found("network-acl-assoc", assoc_id)


# -- entries -----------------------------------------------------------------------------
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


def parse_entry(spec: dict[str, Any]) -> dict[str, Any]:
    """A validated, canonical entry from boto3's CreateNetworkAclEntry parameters.

    Raises `InvalidParameterValue` (rule number, protocol, CIDR, ports, ICMP values),
    `MissingParameter` (no CIDR, no port range for TCP/UDP, no ICMP type/code for ICMP),
    `InvalidParameterCombination` (both CIDRs).

    >>> parse_entry({"RuleNumber": 10, "Protocol": "tcp", "RuleAction": "allow",
    ...              "Egress": False, "CidrBlock": "10.0.0.9/8",
    ...              "PortRange": {"From": 22, "To": 22}})["CidrBlock"]
    '10.0.0.0/8'
    """
    rule = check_rule_number(spec["RuleNumber"])
    protocol = _protocol(spec["Protocol"])
    cidr, ipv6 = spec.get("CidrBlock"), spec.get("Ipv6CidrBlock")
    if cidr is None and ipv6 is None:
        raise MissingParameter("The request must contain the parameter cidrBlock or ipv6CidrBlock")
    if cidr is not None and ipv6 is not None:
        raise InvalidParameterCombination(
            "Only one of cidrBlock or ipv6CidrBlock may be specified.")
    cidr = _cidr(cidr, 4) if cidr is not None else None
    ipv6 = _cidr(ipv6, 6) if ipv6 is not None else None
    ports = _ports(spec.get("PortRange")) if protocol in PORT_PROTOCOLS else None
    wants_icmp = protocol == "1" or (protocol == "58" and ipv6 is not None)
    icmp = _icmp(spec.get("IcmpTypeCode")) if wants_icmp else None
    return entry(rule, protocol, spec["RuleAction"], bool(spec["Egress"]), cidr=cidr,
                 ipv6_cidr=ipv6, port_range=ports, icmp=icmp)


def check_rule_number(rule: int) -> int:
    if not 1 <= rule <= MAX_RULE:
        raise InvalidParameterValue(
            f"Value ({rule}) for parameter ruleNumber is invalid. "
            f"Rule number must be between 1 and {MAX_RULE}.")
    return rule


def _protocol(raw: str) -> str:
    text = PROTOCOL_NAMES.get(raw.strip().lower(), raw.strip())
    try:
        number = int(text)
    except ValueError:
        number = None
    if number is None or not -1 <= number <= 255:
        raise InvalidParameterValue(f"Invalid value '{raw}' for IP protocol. Unknown protocol.")
    return str(number)


def _cidr(text: str, version: int) -> str:
    # AWS keeps the canonical block: 100.68.0.18/18 becomes 100.68.0.0/18.
    try:
        if "/" not in text or (version == 4 and text.partition("/")[0].count(".") != 3):
            raise AddrFormatError(text)
        net = IPNetwork(text)
        if net.version != version:
            raise AddrFormatError(text)
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidParameterValue(f"CIDR block {text} is malformed")
    return str(net.cidr)


def _ports(given: dict[str, Any] | None) -> dict[str, int]:
    given = given or {}
    for side, member in (("from", "From"), ("to", "To")):
        if given.get(member) is None:
            raise MissingParameter(f"The request must contain the parameter portRange.{side}")
        if not 0 <= given[member] <= 65535:
            raise InvalidParameterValue(
                f"Value ({given[member]}) for parameter portRange.{side} is invalid. "
                "Ports must be between 0 and 65535.")
    if given["From"] > given["To"]:
        raise InvalidParameterValue(
            f"Invalid port range {given['From']}-{given['To']}: the start of the range is "
            "greater than its end.")
    return {"From": given["From"], "To": given["To"]}


def _icmp(given: dict[str, Any] | None) -> dict[str, int]:
    given = given or {}
    for side, member in (("type", "Type"), ("code", "Code")):
        if given.get(member) is None:
            raise MissingParameter(f"The request must contain the parameter icmpTypeCode.{side}")
        if not -1 <= given[member] <= 255:
            raise InvalidParameterValue(
                f"Value ({given[member]}) for parameter icmpTypeCode.{side} is invalid. "
                "It must be between -1 and 255.")
    return {"Code": given["Code"], "Type": given["Type"]}


def add_entry(world: World, part: Partition, network_acl_id: str, params: dict[str, Any], *,
              replace: bool = False) -> None:
    """Create (or, with `replace`, replace) the entry `params` describes."""
    new = parse_entry(params)
    node = world.get(part, "network-acl", network_acl_id)
    key = (new["Egress"], new["RuleNumber"])
    entries = dict(node["entries"])
    if replace and key not in entries:
        raise _entry_not_found(*key)
    if not replace and key in entries:
        raise Conflict(f"The network acl entry identified by {key[1]} already exists.",
                       "NetworkAclEntryAlreadyExists")
    entries[key] = new
    _check_quota(entries, new)
    world.update(network_acl_id, entries=entries)


def replace_entry(world: World, part: Partition, network_acl_id: str,
                  params: dict[str, Any]) -> None:
    """ReplaceNetworkAclEntry: the entry with that rule number and direction must exist."""
    add_entry(world, part, network_acl_id, params, replace=True)


def delete_entry(world: World, part: Partition, network_acl_id: str, rule_number: int,
                 egress: bool) -> None:
    check_rule_number(rule_number)
    node = world.get(part, "network-acl", network_acl_id)
    entries = dict(node["entries"])
    if entries.pop((egress, rule_number), None) is None:
        raise _entry_not_found(egress, rule_number)
    world.update(network_acl_id, entries=entries)


def _entry_not_found(egress: bool, rule: int) -> NotFound:
    direction = "egress" if egress else "ingress"
    return NotFound(f"no {direction} entry with number {rule}",
                    "InvalidNetworkAclEntry.NotFound")


def _check_quota(entries: dict[Key, dict[str, Any]], new: dict[str, Any]) -> None:
    family = "Ipv6CidrBlock" in new
    same = [e for (eg, _), e in entries.items()
            if eg == new["Egress"] and ("Ipv6CidrBlock" in e) == family]
    if len(same) + 1 > RULES_PER_ACL:  # the `*` deny counts against the quota
        raise LimitExceeded("The maximum number of network ACL entries has been reached.",
                            "NetworkAclEntryLimitExceeded")


def speaks_ipv6(world: World, acl_id: str) -> bool:
    """Whether the ACL shows the IPv6 `*` deny: its VPC has an IPv6 block or it has IPv6 rules."""
    node = world.graph.nodes[acl_id]
    return any("Ipv6CidrBlock" in e for e in node["entries"].values()) or \
        bool(vpc_blocks.blocks(world, vpc_of(world, acl_id), version=6))


def ordered_entries(node: dict[str, Any], *, egress: bool, ipv6: bool = False
                    ) -> list[dict[str, Any]]:
    """The ACL's rules for one direction, lowest number first, ending in the `*` denies."""
    rows = sorted((e for (eg, _), e in node["entries"].items() if eg == egress),
                  key=lambda e: e["RuleNumber"])
    rows.append(entry(LAST_RULE, "-1", "deny", egress, cidr="0.0.0.0/0"))
    if ipv6 or any("Ipv6CidrBlock" in e for e in rows):
        rows.append(entry(LAST_RULE_V6, "-1", "deny", egress, ipv6_cidr="::/0"))
    return rows


def all_entries(world: World, acl_id: str) -> list[dict[str, Any]]:
    """Every entry as describe shows them: egress first, then ingress."""
    node = world.graph.nodes[acl_id]
    ipv6 = speaks_ipv6(world, acl_id)
    return ordered_entries(node, egress=True, ipv6=ipv6) + \
        ordered_entries(node, egress=False, ipv6=ipv6)


# -- views and filters -------------------------------------------------------------------
def associations(world: World, acl_id: str) -> list[dict[str, str]]:
    return [{"NetworkAclAssociationId": data["id"], "NetworkAclId": acl_id, "SubnetId": subnet}
            for subnet, _, data in world.out(acl_id, schema.ASSOCIATED, "subnet")]


def view(world: World, acl_id: str) -> dict[str, Any]:
    """The ACL as boto3's `NetworkAcl`."""
    node = world.graph.nodes[acl_id]
    return {
        "NetworkAclId": acl_id,
        "VpcId": vpc_of(world, acl_id),
        "IsDefault": node["IsDefault"],
        "OwnerId": node["account"],
        "Entries": all_entries(world, acl_id),
        "Associations": associations(world, acl_id),
        "Tags": tagging.listed(node["tags"]),
    }


def _entry_values(get: Any) -> Filter:
    return Filter(lambda w, rid, n: [v for e in all_entries(w, rid) for v in get(e)])


def _protocol_values(e: dict[str, Any]) -> list[str]:
    name = NAME_OF_PROTOCOL.get(e["Protocol"])
    return [e["Protocol"]] + ([name] if name else [])


def _sub(member: str, sub: str) -> Any:
    return lambda e: [e[member][sub]] if member in e else []


def _assoc_candidates(world: World, part: Partition, value: str) -> list[str]:
    found = world.edge(value)
    return [found[0]] if found is not None else []


def _subnet_candidates(world: World, part: Partition, value: str) -> list[str]:
    return [u for u, _, _ in world.into(value, schema.ASSOCIATED, "network-acl")]


def _vpc_candidates(world: World, part: Partition, value: str) -> list[str]:
    return [v for v, _, _ in world.out(value, schema.CONTAINS, "network-acl")]


FILTERS: dict[str, Filter] = {
    "association.association-id": Filter(
        lambda w, rid, n: [a["NetworkAclAssociationId"] for a in associations(w, rid)],
        _assoc_candidates),
    "association.network-acl-id": Filter(
        lambda w, rid, n: rid if associations(w, rid) else None, lambda w, p, v: [v]),
    "association.subnet-id": Filter(
        lambda w, rid, n: [a["SubnetId"] for a in associations(w, rid)], _subnet_candidates),
    "default": field("IsDefault"),
    "entry.cidr": _entry_values(lambda e: [e["CidrBlock"]] if "CidrBlock" in e else []),
    "entry.icmp.code": _entry_values(_sub("IcmpTypeCode", "Code")),
    "entry.icmp.type": _entry_values(_sub("IcmpTypeCode", "Type")),
    "entry.ipv6-cidr": _entry_values(
        lambda e: [e["Ipv6CidrBlock"]] if "Ipv6CidrBlock" in e else []),
    "entry.port-range.from": _entry_values(_sub("PortRange", "From")),
    "entry.port-range.to": _entry_values(_sub("PortRange", "To")),
    "entry.protocol": _entry_values(_protocol_values),
    "entry.rule-action": _entry_values(lambda e: [e["RuleAction"]]),
    "entry.egress": _entry_values(lambda e: [e["Egress"]]),
    "entry.rule-number": _entry_values(lambda e: [e["RuleNumber"]]),
    "network-acl-id": ident(),
    "owner-id": owner(),
    "vpc-id": Filter(lambda w, rid, n: vpc_of(w, rid), _vpc_candidates, exact=True),
}


# -- import: one described item into the graph (topology/provision/importer.py) -------------
def imported(imp: Import, item: dict[str, Any]) -> None:
    """A described ACL its VPC CONTAINS, with its numbered entries and associations."""
    acl_id, vpc_id = item["NetworkAclId"], item.get("VpcId", "")
    if not imp.has(vpc_id, "vpc"):
        imp.skip("network-acl", "its VPC was not described")
        return
    entries: dict[tuple[bool, int], dict[str, Any]] = {}
    for entry in item.get("Entries") or []:
        number, egress = int(entry["RuleNumber"]), bool(entry.get("Egress"))
        if number == 32767:
            continue        # the implicit deny-all every ACL ends with; views add it
        entries[(egress, number)] = {k: entry[k] for k in (
            "RuleNumber", "Protocol", "RuleAction", "Egress", "CidrBlock", "Ipv6CidrBlock",
            "IcmpTypeCode", "PortRange") if k in entry}
    if not imp.add("network-acl", acl_id, item, IsDefault=bool(item.get("IsDefault")),
                   entries=entries):
        return
    imp.world.link(vpc_id, acl_id, schema.CONTAINS)
    for assoc in item.get("Associations") or []:
        imp.link(acl_id, assoc["SubnetId"], schema.ASSOCIATED, what="network ACL association",
                 id=assoc["NetworkAclAssociationId"])


# -- the family: its plain Create/Delete/Describe operations are bound from this (docs/families.md)
FAMILY = declare(Family("network-acl", view=view, filters=FILTERS, create=create,
                        delete=delete, actions={
                            "CreateNetworkAclEntry": add_entry,
                            "ReplaceNetworkAclEntry": replace_entry,
                            "DeleteNetworkAclEntry": delete_entry,
                            "ReplaceNetworkAclAssociation": replace_association}))
