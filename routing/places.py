"""Sources and destinations: what an id names, which addresses stand for it, and where a walk
starts from it or ends at it.

A path runs between instances, network interfaces, internet gateways, VPC endpoints, transit
gateways, virtual private gateways and peering connections, or to a bare IP address. Things
with interfaces send and receive with their own addresses; a gateway stands for addresses
beyond it, so when no address is given the engine picks *representative* ones: addresses of
the routes that lead to the gateway (not taken by a more specific route), the internet's
`INTERNET` address, the peer VPC's blocks. Several candidates may be tried (`analysis`): the
path exists if one of them gets through.

A walk is IPv4 or IPv6 (`version`): the addresses picked are of that family (an interface's
IPv6 address is its own public one), and representatives come from the routes, rules and
blocks of that family.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from netaddr import IPSet

from topology.compute import instances
from topology.connect import endpoint_views, instance_connect_endpoints
from topology.connect import peering as peerings
from topology.connect import tgw_attachments
from topology.core.world import World
from topology.network import network_interfaces as enis
from topology.network import egress_gateways, prefix_lists, security_groups, vpc_blocks

from .client_vpn import client_address
from .client_vpn import ingress as client_vpn_ingress
from .client_vpn import interfaces as client_vpn_interfaces
from .components import addresses, component, interfaces_holding, public_of, subnet_of, vpc_of
from .explanations import Blocked, explanation
from .forwarding import follow, leave, route_from
from .gateways import eigw_ingress, endpoint_ingress, igw_ingress, peering_ingress, vgw_ingress
from .local_gateways import customer_owned
from .local_gateways import ingress as lgw_ingress
from .packet import family
from .selection import free_part, subnet_table, targets_of
from .transit import exit_to_vpc
from .transit import ingress as tgw_ingress
from .transit import through
from .walk import End, Goal, Onward, Walk

SUPPORTED = frozenset({"instance", "network-interface", "internet-gateway", "vpc-endpoint",
                       "transit-gateway", "vpn-gateway", "vpc-peering-connection",
                       "local-gateway", "client-vpn-endpoint", "instance-connect-endpoint"})
SHARED = frozenset({"vpc-peering-connection", "transit-gateway"})   # seen across accounts
# per family: a host on the internet and one beyond a VPN or transit gateway, when none is
# named; the addresses that are not the internet's
INTERNET = {4: "8.8.8.8", 6: "2001:4860:4860::8888"}
ELSEWHERE = {4: "192.0.2.10", 6: "fd00:ec2::10"}
NOT_INTERNET = IPSet(["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
                      "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/3",
                      "::/96", "fc00::/7", "fe80::/10", "ff00::/8"])
MAX_REPRESENTATIVES = 3


@dataclass(frozen=True)
class Place:
    """A resolved source or destination."""

    rid: str
    kind: str
    interfaces: tuple[str, ...] = ()     # its network interfaces, primary first


Endpoint = tuple["str | None", str]      # (interface or None, address)


def resolve(world: World, rid: str, account: str | None, region: str | None) -> Place:
    """The source or destination `rid` names; `Blocked` for what cannot be one."""
    node = world.node(rid)
    if node is None or (node["kind"] not in SHARED and (
            (account is not None and node["account"] != account)
            or (region is not None and node["region"] != region))):
        raise Blocked(explanation("UNKNOWN_RESOURCE", Component={"Id": rid}))
    kind = node["kind"]
    if kind not in SUPPORTED:
        raise Blocked(explanation("UNSUPPORTED_COMPONENT", Component=component(world, rid)))
    if kind == "instance":
        found = tuple(eni for eni, _ in instances.interfaces(world, rid))
        if not found:
            raise Blocked(explanation("BAD_STATE", Component=component(world, rid),
                                      State=node["State"]["Name"]))
        return Place(rid, kind, found)
    if kind == "network-interface":
        return Place(rid, kind, (rid,))
    if kind == "vpc-endpoint" and node.get("VpcEndpointType") != "Gateway":
        found = tuple(endpoint_views.interfaces(world, rid))
        if not found:
            raise Blocked(explanation("BAD_STATE", Component=component(world, rid)))
        return Place(rid, kind, found)
    if kind == "client-vpn-endpoint":
        client_vpn_interfaces(world, rid)      # Blocked while it has no target network
    if kind == "instance-connect-endpoint":    # sends from its interface's own address
        return Place(rid, kind, (instance_connect_endpoints.interface_of(world, rid),))
    return Place(rid, kind)


# -- addresses ---------------------------------------------------------------------------------
def sources(world: World, place: Place, source_ip: str | None, toward: str | None,
            version: int = 4) -> list[Endpoint]:
    """The (interface, address) pairs that stand for the source; `toward` is the destination's
    interface (its route table tells which addresses a gateway's traffic comes from)."""
    if place.interfaces:
        return [_own_address(world, place, source_ip, _nearest(world, place, toward), version)]
    if place.kind == "client-vpn-endpoint":
        return [(None, client_address(world, place.rid, source_ip))]
    if source_ip is not None:
        return [(None, source_ip)]
    found = _representatives(world, place, toward, version)
    if place.kind == "internet-gateway":
        found = _public_peers(world, toward, version) + found + [INTERNET[version]]
    elif place.kind == "vpc-endpoint":
        found = _prefix_list_addresses(world, place.rid, version) + found
    return [(None, ip) for ip in _unique(found or [ELSEWHERE[version]])]


def destinations(world: World, place: Place | None, destination_ip: str | None,
                 source: Place, src_eni: str | None, version: int = 4) -> list[Endpoint]:
    """The (interface, address) pairs that stand for the destination."""
    if place is None:
        assert destination_ip is not None
        return [(_holder(world, destination_ip, src_eni), destination_ip)]
    if place.interfaces:
        if destination_ip is not None:
            return [_named_address(world, place, destination_ip)]
        return _interface_addresses(world, place, source, src_eni, version)
    if destination_ip is not None:
        return [(None, destination_ip)]
    found = _representatives(world, place, src_eni, version)
    if place.kind == "internet-gateway":
        found.append(INTERNET[version])
    elif place.kind == "vpc-endpoint":
        found = found or _prefix_list_addresses(world, place.rid, version)
    elif place.kind == "vpc-peering-connection" and not found:
        found = _peer_block_addresses(world, place.rid, src_eni, version)
    return [(None, ip) for ip in _unique(found or [ELSEWHERE[version]])]


def _interface_addresses(world: World, place: Place, source: Place, src_eni: str | None,
                         version: int) -> list[Endpoint]:
    """An interface's private address; its public one from the internet, or (second
    choice) from another VPC (an IPv6 address is both)."""
    eni = _nearest(world, place, src_eni)
    own = addresses(world, eni, version)
    if not own:
        raise Blocked(explanation("ENI_ADDRESS_RESTRICTION", Component=component(world, eni)))
    private = own[0]
    public = public_of(world, eni, private)
    if public == private:
        return [(eni, private)]
    if source.kind == "internet-gateway":
        return [(eni, public or private)]
    if source.kind == "local-gateway":        # on-premises knows it by its CoIP address
        return [(eni, customer_owned(world, eni, private) or private)]
    found: list[Endpoint] = [(eni, private)]
    if public is not None and (src_eni is None or vpc_of(world, src_eni) != vpc_of(world, eni)):
        found.append((eni, public))
    return found


def _own_address(world: World, place: Place, ip: str | None, preferred: str,
                 version: int) -> Endpoint:
    if ip is None:
        ips = addresses(world, preferred, version)
        if not ips:
            raise Blocked(explanation("ENI_ADDRESS_RESTRICTION",
                                      Component=component(world, preferred)))
        return preferred, ips[0]
    for eni in place.interfaces:
        if ip in addresses(world, eni, family(ip)):
            return eni, ip
    raise Blocked(explanation("ENI_ADDRESS_RESTRICTION", Component=component(world, place.rid),
                              Address=ip))


def _named_address(world: World, place: Place, ip: str) -> Endpoint:
    for eni in place.interfaces:
        node = world.graph.nodes[eni]
        if ip in node["ips"] or ip in enis.public_ips(world, eni).values() \
                or ip in node.get("ipv6s", ()):
            return eni, ip
    raise Blocked(explanation("ENI_ADDRESS_RESTRICTION", Component=component(world, place.rid),
                              Address=ip))


def _nearest(world: World, place: Place, other: str | None) -> str:
    """The place's interface in the other end's zone (an interface endpoint has one per
    zone), else its primary one."""
    if other is not None and len(place.interfaces) > 1 and place.kind == "vpc-endpoint":
        zone = world.graph.nodes[other].get("AvailabilityZone")
        for eni in place.interfaces:
            if world.graph.nodes[eni].get("AvailabilityZone") == zone:
                return eni
    return place.interfaces[0]


def _holder(world: World, ip: str, near: str | None) -> str | None:
    """The interface holding a private address: in the source's VPC first."""
    found = interfaces_holding(world, ip)
    if near is not None:
        home = vpc_of(world, near)
        for eni in found:
            if vpc_of(world, eni) == home:
                return eni
    return found[0] if found else None


def _representatives(world: World, place: Place, eni: str | None, version: int) -> list[str]:
    """Addresses of the family that the routes of `eni`'s subnet send to the gateway."""
    if eni is None:
        return []
    rtb = subnet_table(world, subnet_of(world, eni))
    if rtb is None:
        return []
    keep = _peer_blocks(world, place.rid, eni, version) \
        if place.kind == "vpc-peering-connection" else None
    found: list[str] = []
    for cidr in targets_of(world, rtb, place.rid):
        if family(cidr.split("/")[0]) != version:
            continue
        free = free_part(world, rtb, cidr)
        if keep is not None:
            free &= keep
        if place.kind == "internet-gateway":
            free -= NOT_INTERNET
        picked = _pick(free, INTERNET[version] if place.kind == "internet-gateway" else None)
        if picked is not None:
            found.append(picked)
    return found[:MAX_REPRESENTATIVES]


def _pick(addresses: IPSet, preferred: str | None) -> str | None:
    if preferred is not None and preferred in addresses:
        return preferred
    for cidr in addresses.iter_cidrs():
        return str(cidr[1] if cidr.size > 2 else cidr[0])
    return None


def _peer_blocks(world: World, pcx: str, eni: str, version: int) -> IPSet:
    home = vpc_of(world, eni)
    return IPSet(str(b) for v in peerings.vpcs_of(world, pcx).values() if v != home
                 for b in vpc_blocks.blocks(world, v, version=version))


def _peer_block_addresses(world: World, pcx: str, eni: str | None, version: int) -> list[str]:
    if eni is None:
        return []
    picked = _pick(_peer_blocks(world, pcx, eni, version), None)
    return [picked] if picked else []


def _prefix_list_addresses(world: World, vpce: str, version: int) -> list[str]:
    pl = endpoint_views.prefix_list_of(world, vpce)
    if pl is None or world.node(pl) is None:
        return []
    cidrs = [c for c in prefix_lists.cidrs(world, pl) if family(c.split("/")[0]) == version]
    picked = _pick(IPSet(cidrs), None)
    return [picked] if picked else []


def _public_peers(world: World, eni: str | None, version: int) -> list[str]:
    """Internet addresses the destination's security groups admit (the first address of
    each public range of the family in an ingress rule): someone there may connect."""
    if eni is None:
        return []
    member = "CidrIpv4" if version == 4 else "CidrIpv6"
    found: list[str] = []
    for sg in enis.groups(world, eni):
        for rule_id in security_groups.rules(world, sg, egress=False):
            cidr = world.graph.nodes[rule_id].get(member)
            if cidr is not None:
                picked = _pick(IPSet([cidr]) - NOT_INTERNET, INTERNET[version])
                if picked is not None:
                    found.append(picked)
    return found[:MAX_REPRESENTATIVES]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


# -- goals and starts --------------------------------------------------------------------------
def goal_of(place: Place | None, eni: str | None) -> Goal:
    """Where a walk toward `place` (reached through `eni`) must arrive."""
    if place is None:
        return Goal(anywhere=True)
    if place.kind in ("instance", "network-interface"):
        return Goal(eni=eni)
    return Goal(gateway=place.rid)


# a walk from a gateway: into the VPC behind it, where forwarding takes over (`follow`)
STARTS: dict[str, Callable[[Walk, str], Onward | None]] = {
    "internet-gateway": igw_ingress,
    egress_gateways.EGRESS_ONLY: eigw_ingress,     # a return walk's start: replies only
    "vpn-gateway": vgw_ingress,
    "transit-gateway": tgw_ingress,
    "vpc-peering-connection": peering_ingress,
    "vpc-endpoint": endpoint_ingress,
    "local-gateway": lgw_ingress,
    "client-vpn-endpoint": client_vpn_ingress,     # leaves through its interface itself
}


def start(w: Walk, place: Place, eni: str | None) -> None:
    """The forward walk from the source."""
    if eni is not None:
        leave(w, eni)
    else:
        follow(w, STARTS[place.kind](w, place.rid))


def start_return(w: Walk, end: End) -> None:
    """The return walk, from where the forward walk arrived."""
    if end.kind == "eni":
        leave(w, end.rid)
    elif end.kind == "subnet":
        route_from(w, end.rid)
    elif end.kind == "transit-gateway":
        assert end.attachment is not None
        follow(w, exit_to_vpc(w, end.rid, end.attachment, end.zone))
    elif end.kind == "transit-gateway-attachment":
        tgw = tgw_attachments.gateway_of(w.world, end.rid)
        assert tgw is not None
        follow(w, through(w, tgw, end.rid, end.zone))
    else:
        follow(w, STARTS[end.kind](w, end.rid))


def same_region(world: World, one: str | None, other: str | None) -> bool:
    if one is None or other is None:
        return False
    return bool(world.graph.nodes[one]["region"] == world.graph.nodes[other]["region"])

