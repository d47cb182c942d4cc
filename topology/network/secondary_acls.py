"""Secondary network ACLs: stateless filtering for the secondary subnets of a virtual edge
network, their numbered entries and their subnet associations.

A `secondary-network-acl` node (`snacl-`) is CONTAINS-ed by its (virtual-edge) network and
keeps its entries in `entries` (direction, rule number, protocol, ports or ICMP type and
code, one CIDR of the ACL's address family, action). A
`secondary-network-acl-association` node (`snaclassoc-`) is ASSOCIATED with its ACL and
its subnet. Traffic that matches no entry is denied, and a subnet with no association denies
everything (AWS's documentation); `allows` answers that question for one packet.

AWS's rules kept here: rule numbers 1 to 32766, unique per direction; a port range for TCP
(6) and UDP (17) only, an ICMP type and code for ICMP (1) and ICMPv6 (58) only; the ACL and
the subnet share a network and an address family; a subnet has one live association; an
ACL with live associations cannot be deleted. States go as secondary_networks describes.
"""
from __future__ import annotations

from typing import Any

from netaddr import IPAddress

from ..core import addressing, paging, schema
from ..core import tags as tagging
from ..core.errors import (DependencyViolation, InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, TopologyError)
from ..core.filters import Filter, FilterTable, field, ident, owner, select_rows
from ..core.world import Partition, World
from .secondary_networks import (LIVE, NETWORK, SUBNET, address_family, arn, in_state, is_live,
                                 live, network_of)

ACL, ASSOC = "secondary-network-acl", "secondary-network-acl-association"
MAX_RULE = 32766
PORTED, ICMP = (6, 17), (1, 58)


# -- ACLs -------------------------------------------------------------------------------------
def create(world: World, part: Partition, secondary_network_id: str,
           address_type: str | None = None, *, tags: dict[str, str] | None = None) -> str:
    sn = secondary_network_id
    network = live(world, part, NETWORK, sn)
    if network["Type"] != "virtual-edge":
        raise InvalidParameterValue(f"Secondary network ACLs are supported only for "
                                    f"virtual-edge secondary networks; {sn} is "
                                    f"{network['Type']}.")
    acl = world.new_id("snacl")
    world.add(part, ACL, acl, State=LIVE, AddressType=address_type or "ipv4",
              AvailabilityZone=network["AvailabilityZone"],
              AvailabilityZoneId=network["AvailabilityZoneId"], entries=[])
    world.link(sn, acl, schema.CONTAINS)
    tagging.apply(world, acl, tags or {})
    return acl


def delete(world: World, part: Partition, acl: str) -> dict[str, Any]:
    live(world, part, ACL, acl)
    if any(is_live(world, a) for a, _, _ in world.into(acl, schema.ASSOCIATED, ASSOC)):
        raise DependencyViolation(f"The secondary network ACL {acl} has associations and "
                                  "cannot be deleted.")
    world.update(acl, State="delete-complete")
    return in_state(view(world, acl), "delete-in-progress", "")


def view(world: World, acl: str) -> dict[str, Any]:
    node = world.graph.nodes[acl]
    out: dict[str, Any] = {
        "SecondaryNetworkAclId": acl, "SecondaryNetworkAclArn": arn(world, acl),
        "SecondaryNetworkId": network_of(world, acl), "OwnerId": node["account"],
        "AvailabilityZoneId": node["AvailabilityZoneId"],
        "AvailabilityZone": node["AvailabilityZone"], "AddressType": node["AddressType"],
        "State": node["State"]}
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    return out


def created_view(world: World, rid: str) -> dict[str, Any]:
    return {**(view(world, rid) if world.graph.nodes[rid]["kind"] == ACL
               else association_view(world, rid)), "State": "create-in-progress"}


# -- entries ----------------------------------------------------------------------------------
def _required(entry: dict[str, Any], member: str) -> Any:
    if entry.get(member) is None:
        raise MissingParameter(f"The request must contain the parameter Entries.{member}")
    return entry[member]


def _entry(entry: dict[str, Any], address_type: str) -> dict[str, Any]:
    """One checked entry, as the ACL keeps it."""
    rule, protocol = _required(entry, "RuleNumber"), _required(entry, "Protocol")
    _required(entry, "Direction")
    _required(entry, "Action")
    if not 1 <= rule <= MAX_RULE:
        raise InvalidParameterValue(f"Value ({rule}) for parameter ruleNumber is invalid. "
                                    f"Valid values are from 1 to {MAX_RULE}.")
    if not (protocol == -1 or 0 <= protocol <= 255):
        raise InvalidParameterValue(f"Value ({protocol}) for parameter protocol is invalid. "
                                    "Specify -1 for all protocols, or 0 to 255.")
    out: dict[str, Any] = {"RuleNumber": rule, "Protocol": protocol,
                           "Direction": entry["Direction"], "Action": entry["Action"]}
    ports, icmp = entry.get("PortRange"), entry.get("IcmpTypeCode")
    if protocol in PORTED:
        out["PortRange"] = _port_range(ports)
    elif ports is not None:
        raise InvalidParameterCombination("A port range is accepted only for TCP (6) and "
                                          "UDP (17).")
    if protocol in ICMP:
        out["IcmpTypeCode"] = _icmp(icmp)
    elif icmp is not None:
        raise InvalidParameterCombination("An ICMP type and code is accepted only for ICMP "
                                          "(1) and ICMPv6 (58).")
    v4, v6 = entry.get("Ipv4CidrBlock"), entry.get("Ipv6CidrBlock")
    if (v4 is None) == (v6 is None):
        raise InvalidParameterCombination(
            "You must specify either Ipv4CidrBlock or Ipv6CidrBlock, but not both.")
    if (v4 is not None) != (address_type == "ipv4"):
        raise InvalidParameterCombination(f"The CIDR block must match the address family of "
                                          f"the secondary network ACL ({address_type}).")
    if v4 is not None:
        out["Ipv4CidrBlock"] = str(addressing.parse(v4, param="ipv4CidrBlock"))
    else:
        out["Ipv6CidrBlock"] = str(addressing.parse(v6, param="ipv6CidrBlock", version=6))
    return out


def _port_range(ports: dict[str, Any] | None) -> dict[str, int]:
    if not ports or ports.get("From") is None or ports.get("To") is None:
        raise MissingParameter("A port range (PortRange.From and PortRange.To) is required for "
                               "TCP (6) and UDP (17).")
    low, high = ports["From"], ports["To"]
    if not (0 <= low <= 65535 and 0 <= high <= 65535) or low > high:
        raise InvalidParameterValue(f"Value ({low}-{high}) for parameter portRange is invalid. "
                                    "Ports are 0 to 65535, From no greater than To.")
    return {"From": low, "To": high}


def _icmp(icmp: dict[str, Any] | None) -> dict[str, int]:
    if not icmp or icmp.get("Type") is None or icmp.get("Code") is None:
        raise MissingParameter("An ICMP type and code (IcmpTypeCode.Type and "
                               "IcmpTypeCode.Code) is required for ICMP (1) and ICMPv6 (58).")
    for member in ("Type", "Code"):
        if not (icmp[member] == -1 or 0 <= icmp[member] <= 255):
            raise InvalidParameterValue(f"Value ({icmp[member]}) for parameter icmpTypeCode."
                                        f"{member.lower()} is invalid.")
    return {"Code": icmp["Code"], "Type": icmp["Type"]}


def create_entries(world: World, part: Partition, secondary_network_acl_id: str,
                   entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    acl = secondary_network_acl_id
    node = live(world, part, ACL, acl)
    keys = {(e["Direction"], e["RuleNumber"]) for e in node["entries"]}
    made = []
    for entry in entries:
        checked = _entry(entry, node["AddressType"])
        key = (checked["Direction"], checked["RuleNumber"])
        if key in keys:
            raise TopologyError(f"The network acl entry identified by {key[1]} already exists.",
                                "NetworkAclEntryAlreadyExists")
        keys.add(key)
        made.append(checked)
    world.update(acl, entries=sorted(node["entries"] + made,
                                     key=lambda e: (e["Direction"], e["RuleNumber"])))
    return [entry_view(world, acl, e) for e in made]


def delete_entries(world: World, part: Partition, secondary_network_acl_id: str,
                   entries: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    acl = secondary_network_acl_id
    node = live(world, part, ACL, acl)
    if not entries:
        raise MissingParameter("The request must contain the parameter Entries")
    by_key = {(e["Direction"], e["RuleNumber"]): e for e in node["entries"]}
    gone = []
    for entry in entries:
        key = (_required(entry, "Direction"), _required(entry, "RuleNumber"))
        if key not in by_key:
            raise TopologyError(f"The {key[0]} entry with rule number {key[1]} does not exist "
                                f"in secondary network ACL {acl}.",
                                "InvalidNetworkAclEntry.NotFound")
        gone.append(by_key.pop(key))
    world.update(acl, entries=list(by_key.values()))
    return [entry_view(world, acl, e) for e in gone]


def entry_view(world: World, acl: str, entry: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"SecondaryNetworkAclId": acl, "RuleNumber": entry["RuleNumber"],
                           "Protocol": entry["Protocol"],
                           "PortRange": entry.get("PortRange", {"From": -1, "To": -1})}
    if "IcmpTypeCode" in entry:
        out["IcmpTypeCode"] = dict(entry["IcmpTypeCode"])
    for key in ("Ipv4CidrBlock", "Ipv6CidrBlock"):
        if key in entry:
            out[key] = entry[key]
    out.update({"Direction": entry["Direction"], "Action": entry["Action"],
                "OwnerId": world.graph.nodes[acl]["account"]})
    return out


ENTRY_FILTERS: FilterTable = {
    "action": field("Action"), "direction": field("Direction"),
    "ipv4-cidr-block": field("Ipv4CidrBlock"), "ipv6-cidr-block": field("Ipv6CidrBlock"),
    "owner-id": field("OwnerId"),
    "port-range.from": Filter(lambda w, rid, n: n["PortRange"]["From"]),
    "port-range.to": Filter(lambda w, rid, n: n["PortRange"]["To"]),
    "protocol": field("Protocol"), "rule-number": field("RuleNumber"),
    "secondary-network-acl-id": field("SecondaryNetworkAclId"),
}


def describe_entries(world: World, part: Partition, filters: list[dict[str, Any]] | None,
                     max_results: int | None, token: str | None) -> dict[str, Any]:
    """Every entry of the partition's live ACLs that passes the filters, paged."""
    rows = [entry_view(world, acl, e) for acl in world.ids(part, ACL) if is_live(world, acl)
            for e in world.graph.nodes[acl]["entries"]]
    rows = select_rows(ENTRY_FILTERS, filters, rows, taggable=False)
    start = paging.decode(token, "secondary-acl-entries",
                          lambda p: isinstance(p, int) and p >= 0) if token else 0
    end = start + max_results if max_results else len(rows)
    return {"SecondaryNetworkAclEntries": rows[start:end],
            "NextToken": paging.encode("secondary-acl-entries", end) if end < len(rows)
            else None}


def allows(world: World, subnet: str, direction: str, protocol: int, address: str,
           port: int | None = None) -> bool:
    """Whether the subnet's ACL lets one packet through in `direction` (no ACL: no)."""
    for assoc, _, _ in world.into(subnet, schema.ASSOCIATED, ASSOC):
        if not is_live(world, assoc):
            continue
        acl = acl_of(world, assoc)
        for e in world.graph.nodes[acl]["entries"]:
            if e["Direction"] == direction and _matches(e, protocol, address, port):
                return e["Action"] == "allow"
        return False
    return False


def _matches(entry: dict[str, Any], protocol: int, address: str, port: int | None) -> bool:
    if entry["Protocol"] not in (-1, protocol):
        return False
    block = entry.get("Ipv4CidrBlock") or entry["Ipv6CidrBlock"]
    if IPAddress(address) not in addressing.network(block):
        return False
    ports = entry.get("PortRange")
    return ports is None or port is None or ports["From"] <= port <= ports["To"]


# -- associations -----------------------------------------------------------------------------
def associate(world: World, part: Partition, secondary_network_acl_id: str,
              secondary_subnet_id: str, *, tags: dict[str, str] | None = None) -> str:
    acl, ss = secondary_network_acl_id, secondary_subnet_id
    node = live(world, part, ACL, acl)
    live(world, part, SUBNET, ss)
    if network_of(world, acl) != network_of(world, ss):
        raise InvalidParameterCombination(f"The secondary network ACL {acl} and the secondary "
                                          f"subnet {ss} belong to different secondary "
                                          "networks.")
    if address_family(world, ss) != node["AddressType"]:
        raise InvalidParameterCombination(
            f"The address family of secondary network ACL {acl} ({node['AddressType']}) does "
            f"not match the CIDR block of secondary subnet {ss}.")
    current = [a for a, _, _ in world.into(ss, schema.ASSOCIATED, ASSOC) if is_live(world, a)]
    if current:
        raise TopologyError(f"The secondary subnet {ss} is already associated with secondary "
                            f"network ACL {acl_of(world, current[0])} ({current[0]}).",
                            "Resource.AlreadyAssociated")
    assoc = world.new_id("snaclassoc")
    world.add(part, ASSOC, assoc, State=LIVE, AvailabilityZone=node["AvailabilityZone"],
              AvailabilityZoneId=node["AvailabilityZoneId"])
    world.link(assoc, acl, schema.ASSOCIATED, "acl")
    world.link(assoc, ss, schema.ASSOCIATED, "subnet")
    tagging.apply(world, assoc, tags or {})
    return assoc


def disassociate(world: World, part: Partition, assoc: str) -> dict[str, Any]:
    live(world, part, ASSOC, assoc)
    world.update(assoc, State="delete-complete")
    return {**association_view(world, assoc), "State": "delete-in-progress"}


def acl_of(world: World, assoc: str) -> str:
    return world.out(assoc, schema.ASSOCIATED, ACL)[0][0]


def subnet_of(world: World, assoc: str) -> str:
    return world.out(assoc, schema.ASSOCIATED, SUBNET)[0][0]


def association_view(world: World, assoc: str) -> dict[str, Any]:
    node = world.graph.nodes[assoc]
    out: dict[str, Any] = {
        "SecondaryNetworkAclAssociationId": assoc,
        "SecondaryNetworkAclAssociationArn": arn(world, assoc),
        "SecondaryNetworkAclId": acl_of(world, assoc),
        "SecondarySubnetId": subnet_of(world, assoc), "OwnerId": node["account"],
        "AvailabilityZoneId": node["AvailabilityZoneId"],
        "AvailabilityZone": node["AvailabilityZone"], "State": node["State"]}
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    return out


# -- filters and the families -----------------------------------------------------------------
def _arn() -> Filter:
    return Filter(lambda w, rid, n: arn(w, rid))


ACL_FILTERS: dict[str, Filter] = {
    "address-type": field("AddressType"),
    "owner-id": owner(),
    "secondary-network-acl-arn": _arn(),
    "secondary-network-acl-id": ident(),
    "secondary-network-id": Filter(lambda w, rid, n: network_of(w, rid)),
    "state": field("State"),
}
ASSOCIATION_FILTERS: dict[str, Filter] = {
    "owner-id": owner(),
    "secondary-network-acl-association-arn": _arn(),
    "secondary-network-acl-association-id": ident(),
    "secondary-network-acl-id": Filter(lambda w, rid, n: acl_of(w, rid)),
    "secondary-subnet-id": Filter(lambda w, rid, n: subnet_of(w, rid)),
    "state": field("State"),
}

from ..core.family import Family, declare  # noqa: E402  (kept beside the declaration)

FAMILY = declare(Family(
    ACL, view=view, filters=ACL_FILTERS, create=create, created_view=created_view,
    delete=delete, max_results=(5, 1000),
    actions={"CreateSecondaryNetworkAclEntries": create_entries,
             "DeleteSecondaryNetworkAclEntries": delete_entries}))
ASSOCIATION_FAMILY = declare(Family(
    ASSOC, view=association_view, filters=ASSOCIATION_FILTERS,
    noun="SecondaryNetworkAclAssociation",
    create=associate, created_view=created_view, delete=disassociate, max_results=(5, 1000)))
