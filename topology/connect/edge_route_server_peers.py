"""Virtual edge network route server peers: who may open BGP sessions with the route server
endpoints (`endpoint-1`, `endpoint-2`) of a secondary subnet of a virtual edge network.

A `virtual-edge-network-route-server-peer` node (`vegw-rsp-`) holds `AmazonSideAsn`, its peer
address range (`Ipv4PeerAddressRange` or `Ipv6PeerAddressRange`, of the subnet's address
family and inside its block), `BgpOptions` (`PeerAsn`, `PeerLivenessDetection`, and the
`BfdConfiguration` of a `bfd` peer) and `RouteServerEndpoint`; `peer -[ASSOCIATED]-> secondary
subnet`. Both ASNs are private (64512-65534 or 4200000000-4294967294). States as the other
virtual edge resources: `create-in-progress` / `create-complete`, `delete-in-progress` /
`delete-complete` (still visible).
"""
from __future__ import annotations

from typing import Any

from netaddr import AddrFormatError, IPNetwork

from ..core import schema
from ..core import tags as tagging
from ..core.errors import InvalidParameterCombination, InvalidParameterValue
from ..core.family import Family, declare
from ..core.filters import Filter, FilterTable, field, ident, owner
from ..core.world import Partition, World
from ..network import secondary_networks as secondary
from .edge_gateways import LIVE, arn, in_state, live

KIND = "virtual-edge-network-route-server-peer"
PRIVATE_ASNS = ((64512, 65534), (4200000000, 4294967294))
BFD_LIMITS = {"Duration": (100, 30000, 100), "Multiplier": (3, 10, 3)}


def _asn(value: int, name: str) -> int:
    if not any(low <= value <= high for low, high in PRIVATE_ASNS):
        raise InvalidParameterValue(f"Value ({value}) for parameter {name} is invalid. The ASN "
                                    "must be a private ASN in the range 64512-65534 or "
                                    "4200000000-4294967294.")
    return value


def _bgp_options(given: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"PeerAsn": _asn(given["PeerAsn"], "PeerAsn"),
                           "PeerLivenessDetection": given.get("PeerLivenessDetection",
                                                              "bgp-keepalive")}
    bfd = given.get("BfdConfiguration")
    if bfd is not None and out["PeerLivenessDetection"] != "bfd":
        raise InvalidParameterCombination("BfdConfiguration can be specified only when "
                                          "PeerLivenessDetection is bfd.")
    if out["PeerLivenessDetection"] == "bfd":
        config = {}
        for member, (low, high, default) in BFD_LIMITS.items():
            value = (bfd or {}).get(member, default)
            if not low <= value <= high:
                raise InvalidParameterValue(f"Value ({value}) for parameter {member} is invalid. "
                                            f"Valid values are from {low} to {high}.")
            config[member] = value
        out["BfdConfiguration"] = config
    return out


def _range(world: World, ss: str, v4: str | None, v6: str | None) -> tuple[str, str]:
    """(member, range) of the peer address range: the subnet's family, inside its block."""
    if (v4 is None) == (v6 is None):
        raise InvalidParameterCombination("Specify Ipv4PeerAddressRange or Ipv6PeerAddressRange, "
                                          "but not both.")
    member = "Ipv4PeerAddressRange" if v4 is not None else "Ipv6PeerAddressRange"
    family = secondary.address_family(world, ss)
    if member != ("Ipv4PeerAddressRange" if family == "ipv4" else "Ipv6PeerAddressRange"):
        raise InvalidParameterValue(f"The secondary subnet {ss} is {family}: specify "
                                    f"{'Ipv4' if family == 'ipv4' else 'Ipv6'}PeerAddressRange.")
    text = str(v4 or v6)
    try:
        net = IPNetwork(text)
        if "/" not in text:
            raise ValueError(text)
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidParameterValue(f"Value ({text}) for parameter {member} is invalid. This is "
                                    "not a valid CIDR block.")
    node = world.graph.nodes[ss]
    blocks = [IPNetwork(b.get("CidrBlock") or b["Ipv6CidrBlock"]) for b in [*node["v4"],
                                                                           *node["v6"]]]
    if not any(net in b for b in blocks):
        raise InvalidParameterValue(f"The range {net.cidr} is not within the CIDR block of "
                                    f"secondary subnet {ss}.")
    return member, str(net.cidr)


def create(world: World, part: Partition, secondary_subnet_id: str, amazon_side_asn: int,
           bgp_options: dict[str, Any], ipv4_peer_address_range: str | None = None,
           ipv6_peer_address_range: str | None = None, route_server_endpoint: str | None = None,
           *, tags: dict[str, str] | None = None) -> str:
    """CreateVirtualEdgeNetworkRouteServerPeer."""
    ss = secondary_subnet_id
    subnet = secondary.live(world, part, secondary.SUBNET, ss)
    if world.graph.nodes[secondary.network_of(world, ss)]["Type"] != "virtual-edge":
        raise InvalidParameterValue(f"The secondary subnet {ss} is not in a virtual-edge "
                                    "secondary network.")
    asn = _asn(amazon_side_asn, "AmazonSideAsn")
    options = _bgp_options(bgp_options)
    member, cidr = _range(world, ss, ipv4_peer_address_range, ipv6_peer_address_range)
    peer = world.new_id("vegw-rsp")
    world.add(part, KIND, peer, State=LIVE, AmazonSideAsn=asn, BgpOptions=options,
              RouteServerEndpoint=route_server_endpoint or "endpoint-1",
              AvailabilityZone=subnet["AvailabilityZone"],
              AvailabilityZoneId=subnet["AvailabilityZoneId"], **{member: cidr})
    world.link(peer, ss, schema.ASSOCIATED)
    tagging.apply(world, peer, tags or {})
    return peer


def delete(world: World, part: Partition, peer: str) -> dict[str, Any]:
    """DeleteVirtualEdgeNetworkRouteServerPeer (it stays visible as `delete-complete`)."""
    live(world, part, KIND, peer)
    world.update(peer, State="delete-complete")
    return {**view(world, peer), "State": "delete-in-progress"}


def subnet_of(world: World, peer: str) -> str:
    return str(world.out(peer, schema.ASSOCIATED, secondary.SUBNET)[0][0])


def view(world: World, peer: str) -> dict[str, Any]:
    """boto3's `VirtualEdgeNetworkRouteServerPeer`."""
    node = world.graph.nodes[peer]
    out: dict[str, Any] = {
        "VirtualEdgeNetworkRouteServerPeerId": peer,
        "VirtualEdgeNetworkRouteServerPeerArn": arn(world, peer),
        "SecondarySubnetId": subnet_of(world, peer), "OwnerId": node["account"],
        "AvailabilityZoneId": node["AvailabilityZoneId"],
        "AvailabilityZone": node["AvailabilityZone"], "AmazonSideAsn": node["AmazonSideAsn"]}
    for member in ("Ipv4PeerAddressRange", "Ipv6PeerAddressRange"):
        if member in node:
            out[member] = node[member]
    out.update(BgpOptions=node["BgpOptions"], State=node["State"])
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    out["RouteServerEndpoint"] = node["RouteServerEndpoint"]
    return out


def _bfd(name: str) -> Filter:
    return Filter(lambda w, rid, n: (n["BgpOptions"].get("BfdConfiguration") or {}).get(name))


FILTERS: FilterTable = {
    "amazon-side-asn": field("AmazonSideAsn"),
    "bgp-options.bfd-configuration.duration": _bfd("Duration"),
    "bgp-options.bfd-configuration.multiplier": _bfd("Multiplier"),
    "bgp-options.peer-asn": Filter(lambda w, rid, n: n["BgpOptions"]["PeerAsn"]),
    "bgp-options.peer-liveness-detection": Filter(
        lambda w, rid, n: n["BgpOptions"]["PeerLivenessDetection"]),
    "owner-id": owner(),
    "secondary-subnet-id": Filter(lambda w, rid, n: subnet_of(w, rid)),
    "state": field("State"),
    "virtual-edge-network-route-server-peer-arn": Filter(lambda w, rid, n: arn(w, rid)),
    "virtual-edge-network-route-server-peer-id": ident(),
}

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create,
                        created_view=in_state(view, "create-in-progress"), delete=delete))
