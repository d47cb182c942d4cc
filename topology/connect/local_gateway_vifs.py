"""Local gateway virtual interface groups and virtual interfaces: the BGP sessions between an
Outpost's local gateway and the on-premises network, over the Outpost's LAGs.

* `local-gateway -[CONTAINS]-> local-gateway-virtual-interface-group` (`LocalBgpAsn` or
  `LocalBgpAsnExtended`, `ConfigurationState`);
* `group -[CONTAINS]-> local-gateway-virtual-interface` (`Vlan`, `LocalAddress`,
  `PeerAddress`, `PeerBgpAsn` or `PeerBgpAsnExtended`, `ConfigurationState`), and
  `interface -[ATTACHED]-> outpost-lag`.

AWS's rules kept here: a group takes one local ASN (`LocalBgpAsn` up to 2,147,483,647, or
`LocalBgpAsnExtended` beyond); an interface names an existing LAG of the same Outpost, a VLAN
from 1 to 4094 that no other interface of that LAG uses, IPv4 local and peer addresses and
one peer ASN; a group with interfaces, or associated with a route table, cannot be deleted.
Create answers `pending`, delete `deleting`; a group without interfaces is `incomplete`.
"""
from __future__ import annotations

import ipaddress
from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.errors import (DependencyViolation, InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter)
from ..core.family import Family, declare
from ..core.filters import Filter, FilterTable, field, ident, owner
from ..core.world import Partition, World
from . import outposts

GROUP, VIF = "local-gateway-virtual-interface-group", "local-gateway-virtual-interface"
MAX_ASN, MAX_EXTENDED_ASN = 2147483647, 4294967295


def _asn(value: int | None, extended: int | None, name: str) -> tuple[str, int]:
    """(member, ASN) of a request's ASN pair `name` / `nameExtended`: exactly one."""
    if value is not None and extended is not None:
        raise InvalidParameterCombination(
            f"The parameters {name} and {name}Extended cannot both be specified.")
    if extended is not None:
        if not MAX_ASN < extended <= MAX_EXTENDED_ASN:
            raise InvalidParameterValue(
                f"Value ({extended}) for parameter {name}Extended is invalid. The ASN must be "
                f"between {MAX_ASN + 1} and {MAX_EXTENDED_ASN}.")
        return name[0].upper() + name[1:] + "Extended", extended
    if value is None:
        raise MissingParameter(f"The request must contain the parameter {name} or "
                               f"{name}Extended")
    if not 1 <= value <= MAX_ASN:
        raise InvalidParameterValue(
            f"Value ({value}) for parameter {name} is invalid. The ASN must be between 1 and "
            f"{MAX_ASN}; use {name}Extended for a larger ASN.")
    return name[0].upper() + name[1:], value


def _ipv4(text: str, name: str) -> str:
    """An IPv4 address, alone or with its prefix length (AWS shows what was given)."""
    try:
        ipaddress.IPv4Interface(text)
    except ValueError:
        raise InvalidParameterValue(
            f"Value ({text}) for parameter {name} is invalid. Only IPv4 is supported.")
    return text


# -- groups -----------------------------------------------------------------------------------
def create_group(world: World, part: Partition, local_gateway_id: str,
                 local_bgp_asn: int | None = None, local_bgp_asn_extended: int | None = None,
                 *, tags: dict[str, str] | None = None) -> str:
    """CreateLocalGatewayVirtualInterfaceGroup."""
    world.get(part, outposts.LGW, local_gateway_id)
    member, asn = _asn(local_bgp_asn, local_bgp_asn_extended, "localBgpAsn")
    group = world.new_id("lgw-vif-grp")
    world.add(part, GROUP, group, **{member: asn})
    world.link(local_gateway_id, group, schema.CONTAINS)
    tagging.apply(world, group, tags or {})
    return group


def delete_group(world: World, part: Partition, group_id: str) -> dict[str, Any]:
    """DeleteLocalGatewayVirtualInterfaceGroup: only an empty group no table uses."""
    world.get(part, GROUP, group_id)
    if interfaces(world, group_id):
        raise DependencyViolation(f"The local gateway virtual interface group {group_id} has "
                                  "virtual interfaces; delete them first.")
    if world.into(group_id, schema.ASSOCIATED):
        raise DependencyViolation(f"The local gateway virtual interface group {group_id} is "
                                  "associated with a local gateway route table.")
    answer = {**group_view(world, group_id), "ConfigurationState": "deleting"}
    world.remove(group_id)
    return answer


def interfaces(world: World, group_id: str) -> list[str]:
    return [v for v, _, _ in world.out(group_id, schema.CONTAINS, VIF)]


def gateway_of(world: World, rid: str) -> str:
    """The local gateway of a group (or of an interface's group)."""
    node = world.graph.nodes[rid]
    if node["kind"] == VIF:
        rid = world.into(rid, schema.CONTAINS, GROUP)[0][0]
    return str(world.into(rid, schema.CONTAINS, outposts.LGW)[0][0])


def group_state(world: World, group_id: str) -> str:
    return "available" if interfaces(world, group_id) else "incomplete"


def group_view(world: World, group_id: str) -> dict[str, Any]:
    """The group as boto3's `LocalGatewayVirtualInterfaceGroup`."""
    node = world.graph.nodes[group_id]
    out: dict[str, Any] = {
        "LocalGatewayVirtualInterfaceGroupId": group_id,
        "LocalGatewayVirtualInterfaceIds": interfaces(world, group_id),
        "LocalGatewayId": gateway_of(world, group_id), "OwnerId": node["account"]}
    for member in ("LocalBgpAsn", "LocalBgpAsnExtended"):
        if member in node:
            out[member] = node[member]
    out["LocalGatewayVirtualInterfaceGroupArn"] = outposts.ec2_arn(
        world, group_id, "local-gateway-virtual-interface-group")
    out["Tags"] = tagging.listed(node["tags"])
    out["ConfigurationState"] = group_state(world, group_id)
    return out


# -- interfaces -------------------------------------------------------------------------------
def create_interface(world: World, part: Partition, local_gateway_virtual_interface_group_id: str,
                     outpost_lag_id: str, vlan: int, local_address: str, peer_address: str,
                     peer_bgp_asn: int | None = None, peer_bgp_asn_extended: int | None = None,
                     *, tags: dict[str, str] | None = None) -> str:
    """CreateLocalGatewayVirtualInterface."""
    group = local_gateway_virtual_interface_group_id
    world.get(part, GROUP, group)
    world.get(part, outposts.LAG, outpost_lag_id)
    lgw = gateway_of(world, group)
    if outposts.outpost_of(world, lgw) != outposts.outpost_of(world, outpost_lag_id):
        raise InvalidParameterValue(f"The LAG {outpost_lag_id} is not on the Outpost of local "
                                    f"gateway {lgw}.")
    check_vlan(world, outpost_lag_id, vlan)
    local, peer = _ipv4(local_address, "LocalAddress"), _ipv4(peer_address, "PeerAddress")
    member, asn = _asn(peer_bgp_asn, peer_bgp_asn_extended, "peerBgpAsn")
    vif = world.new_id("lgw-vif")
    world.add(part, VIF, vif, Vlan=vlan, LocalAddress=local, PeerAddress=peer,
              ConfigurationState="available", **{member: asn})
    world.link(group, vif, schema.CONTAINS)
    world.link(vif, outpost_lag_id, schema.ATTACHED)
    tagging.apply(world, vif, tags or {})
    return vif


def check_vlan(world: World, lag: str, vlan: int) -> None:
    """A VLAN from 1 to 4094 that no interface on the LAG uses yet."""
    if not 1 <= vlan <= 4094:
        raise InvalidParameterValue(f"Value ({vlan}) for parameter Vlan is invalid. The VLAN "
                                    "must be between 1 and 4094.")
    for used, _, _ in world.into(lag, schema.ATTACHED):
        if world.graph.nodes[used].get("Vlan") == vlan:
            raise InvalidParameterValue(f"VLAN {vlan} is already in use on LAG {lag}.")


def delete_interface(world: World, part: Partition, vif: str) -> dict[str, Any]:
    """DeleteLocalGatewayVirtualInterface: answered `deleting`."""
    world.get(part, VIF, vif)
    answer = {**interface_view(world, vif), "ConfigurationState": "deleting"}
    world.remove(vif)
    return answer


def interface_view(world: World, vif: str) -> dict[str, Any]:
    """The interface as boto3's `LocalGatewayVirtualInterface`."""
    node = world.graph.nodes[vif]
    group = world.into(vif, schema.CONTAINS, GROUP)
    lag = world.out(vif, schema.ATTACHED, outposts.LAG)
    group_node = world.graph.nodes[group[0][0]] if group else {}
    out: dict[str, Any] = {
        "LocalGatewayVirtualInterfaceId": vif,
        "LocalGatewayId": gateway_of(world, vif) if group else None,
        "LocalGatewayVirtualInterfaceGroupId": group[0][0] if group else None,
        "LocalGatewayVirtualInterfaceArn": outposts.ec2_arn(
            world, vif, "local-gateway-virtual-interface"),
        "OutpostLagId": lag[0][0] if lag else None,
        "Vlan": node["Vlan"], "LocalAddress": node["LocalAddress"],
        "PeerAddress": node["PeerAddress"],
        "LocalBgpAsn": group_node.get("LocalBgpAsn"),
        "PeerBgpAsn": node.get("PeerBgpAsn"), "PeerBgpAsnExtended": node.get("PeerBgpAsnExtended"),
        "OwnerId": node["account"], "Tags": tagging.listed(node["tags"]),
        "ConfigurationState": node["ConfigurationState"]}
    return {k: v for k, v in out.items() if v is not None}


# -- filters ----------------------------------------------------------------------------------

GROUP_FILTERS: FilterTable = {
    "local-gateway-id": Filter(lambda w, rid, n: gateway_of(w, rid)),
    "local-gateway-virtual-interface-group-id": ident(),
    "local-gateway-virtual-interface-id": Filter(lambda w, rid, n: interfaces(w, rid)),
    "owner-id": owner(),
}
VIF_FILTERS: FilterTable = {
    "local-address": field("LocalAddress"),
    "local-bgp-asn": Filter(lambda w, rid, n: interface_view(w, rid).get("LocalBgpAsn")),
    "local-gateway-id": Filter(lambda w, rid, n: gateway_of(w, rid)),
    "local-gateway-virtual-interface-id": ident(),
    "owner-id": owner(),
    "peer-address": field("PeerAddress"),
    "peer-bgp-asn": Filter(lambda w, rid, n: n.get("PeerBgpAsn", n.get("PeerBgpAsnExtended"))),
    "vlan": field("Vlan"),
}


def _pending_group(world: World, group_id: str) -> dict[str, Any]:
    return {**group_view(world, group_id), "ConfigurationState": "pending"}


def _pending_interface(world: World, vif: str) -> dict[str, Any]:
    return {**interface_view(world, vif), "ConfigurationState": "pending"}


# -- the families (docs/families.md) ----------------------------------------------------------
GROUP_FAMILY = declare(Family(GROUP, view=group_view, filters=GROUP_FILTERS, create=create_group,
                              created_view=_pending_group, delete=delete_group))
VIF_FAMILY = declare(Family(VIF, view=interface_view, filters=VIF_FILTERS,
                            create=create_interface, created_view=_pending_interface,
                            delete=delete_interface))
