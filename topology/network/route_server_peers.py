"""Route server peers: the BGP sessions between an endpoint and a device in the VPC.

A `route-server-peer` node holds `PeerAddress`, `BgpOptions` (`PeerAsn`,
`PeerLivenessDetection`) and `State`; it is ASSOCIATED with its endpoint.

ec2sim speaks no BGP, so the session is modelled from the graph: it is `up` while an
interface in the VPC holds the peer address and is not on a stopped instance (BFD, when
asked for, follows BGP). What the device advertises over it is read from the peer's tags
(documented in `route_server_routes`): `ec2sim:advertise` lists its prefixes and
`ec2sim:med` its Multi-Exit Discriminator.

AWS's rules kept here: the peer address is an IPv4 address in the VPC, not the endpoint's
own, and unique on the endpoint; the peer ASN is 1-4294967295; liveness detection defaults
to `bgp-keepalive`. Creates answer `pending`, deletes `deleting`; a deleted peer is described
`deleted` with the members it had, and advertises nothing.
"""
from __future__ import annotations

import ipaddress
from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.errors import InvalidParameterValue
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import route_server_endpoints as endpoints
from . import route_servers
from . import subnets, vpc_blocks
from .interface_ips import PRIVATE_IP

KIND = "route-server-peer"
MAX_ASN = 4294967295
DOWN = {"stopped", "stopping", "terminated", "shutting-down"}


def _address(world: World, rse_id: str, text: str) -> str:
    try:
        ip = ipaddress.IPv4Address(text)
    except ValueError:
        raise InvalidParameterValue(
            f"Value ({text}) for parameter peerAddress is invalid. The peer address must be a "
            "valid IPv4 address.")
    vpc_id = subnets.vpc_of(world, endpoints.subnet_of(world, rse_id))
    if not any(b.first <= int(ip) <= b.last for b in vpc_blocks.blocks(world, vpc_id)):
        raise InvalidParameterValue(
            f"The peer address {text} is not within the CIDR blocks of VPC {vpc_id}.")
    if str(ip) == endpoints.address_of(world, rse_id):
        raise InvalidParameterValue(
            f"The peer address {text} is the address of route server endpoint {rse_id}.")
    if any(world.graph.nodes[p]["PeerAddress"] == str(ip) for p in peers_of(world, rse_id)):
        raise InvalidParameterValue(
            f"Route server endpoint {rse_id} already has a peer with address {text}.")
    return str(ip)


def _bgp(options: dict[str, Any]) -> dict[str, Any]:
    asn = options["PeerAsn"]
    if not 1 <= asn <= MAX_ASN:
        raise InvalidParameterValue(
            f"Value ({asn}) for parameter peerAsn is invalid. The ASN must be between 1 and "
            f"{MAX_ASN}.")
    return {"PeerAsn": asn,
            "PeerLivenessDetection": options.get("PeerLivenessDetection") or "bgp-keepalive"}


def create(world: World, part: Partition, route_server_endpoint_id: str, peer_address: str,
           bgp_options: dict[str, Any], *, tags: dict[str, str] | None = None) -> str:
    """A BGP peer of the endpoint at `peer_address`; its id."""
    route_servers.live(world, part, endpoints.KIND, route_server_endpoint_id)
    address = _address(world, route_server_endpoint_id, peer_address)
    options = _bgp(bgp_options)
    rsp_id = world.new_id("rsp")
    world.add(part, KIND, rsp_id, PeerAddress=address, BgpOptions=options, State="available")
    world.link(rsp_id, route_server_endpoint_id, schema.ASSOCIATED)
    tagging.apply(world, rsp_id, tags or {})
    return rsp_id


def peers_of(world: World, rse_id: str) -> list[str]:
    return [p for p, _, _ in world.into(rse_id, schema.ASSOCIATED, KIND)]


def endpoint_of(world: World, rsp_id: str) -> str:
    return world.out(rsp_id, schema.ASSOCIATED, endpoints.KIND)[0][0]


def delete(world: World, part: Partition, rsp_id: str) -> dict[str, Any]:
    route_servers.live(world, part, KIND, rsp_id)
    answer = {**view(world, rsp_id), "State": "deleting"}
    route_servers.retire(world, rsp_id, answer)
    return answer


def device(world: World, rsp_id: str) -> str | None:
    """The interface in the endpoint's VPC that holds the peer address, if any."""
    node = world.graph.nodes[rsp_id]
    vpc_id = subnets.vpc_of(world, endpoints.subnet_of(world, endpoint_of(world, rsp_id)))
    part = world.partition(node["account"], node["region"])
    for eni in sorted(world.claimed(part, PRIVATE_IP, node["PeerAddress"])):
        holders = world.into(eni, schema.CONTAINS, "subnet")
        if holders and subnets.vpc_of(world, holders[0][0]) == vpc_id:
            return eni
    return None


def is_up(world: World, rsp_id: str) -> bool:
    """Whether the BGP session is up: a device holds the address and is running."""
    eni = device(world, rsp_id)
    if eni is None:
        return False
    for instance, _, _ in world.out(eni, schema.ATTACHED, "instance"):
        if world.graph.nodes[instance].get("State", {}).get("Name") in DOWN:
            return False
    return True


def _view(world: World, rsp_id: str) -> dict[str, Any]:
    """The peer as boto3's `RouteServerPeer`."""
    node = world.graph.nodes[rsp_id]
    rse_id = endpoint_of(world, rsp_id)
    subnet_id = endpoints.subnet_of(world, rse_id)
    status = {"Status": "up" if is_up(world, rsp_id) else "down"}
    out: dict[str, Any] = {
        "RouteServerPeerId": rsp_id, "RouteServerEndpointId": rse_id,
        "RouteServerId": endpoints.server_of(world, rse_id),
        "VpcId": subnets.vpc_of(world, subnet_id), "SubnetId": subnet_id,
        "State": node["State"], "EndpointEniId": endpoints.interface_of(world, rse_id),
        "EndpointEniAddress": endpoints.address_of(world, rse_id),
        "PeerAddress": node["PeerAddress"], "BgpOptions": dict(node["BgpOptions"]),
        "BgpStatus": status}
    if node["BgpOptions"]["PeerLivenessDetection"] == "bfd":
        out["BfdStatus"] = dict(status)
    out["Tags"] = tagging.listed(node["tags"])
    return out


def _endpoint_field(read: Any) -> Filter:
    return Filter(lambda w, rid, n: read(w, endpoint_of(w, rid)))


view = route_servers.settled(_view)

FILTERS: dict[str, Filter] = route_servers.settled_filters({
    "route-server-peer-id": ident(),
    "route-server-endpoint-id": Filter(lambda w, rid, n: endpoint_of(w, rid)),
    "route-server-id": _endpoint_field(endpoints.server_of),
    "vpc-id": _endpoint_field(lambda w, e: subnets.vpc_of(w, endpoints.subnet_of(w, e))),
    "subnet-id": _endpoint_field(endpoints.subnet_of),
    "endpoint-eni-id": _endpoint_field(endpoints.interface_of),
    "endpoint-eni-address": _endpoint_field(endpoints.address_of),
    "peer-address": field("PeerAddress"),
    "state": field("State"),
    "bgp-options.peer-asn": Filter(lambda w, rid, n: n["BgpOptions"]["PeerAsn"]),
    "bgp-options.peer-liveness-detection": Filter(
        lambda w, rid, n: n["BgpOptions"]["PeerLivenessDetection"]),
    "bgp-status.status": Filter(lambda w, rid, n: "up" if is_up(w, rid) else "down"),
}, {"route-server-endpoint-id": "RouteServerEndpointId", "route-server-id": "RouteServerId",
    "vpc-id": "VpcId", "subnet-id": "SubnetId", "endpoint-eni-id": "EndpointEniId",
    "endpoint-eni-address": "EndpointEniAddress"})

FAMILY = declare(Family(
    KIND, view=view, filters=FILTERS, create=create, delete=delete,
    created_view=lambda world, rid: {**view(world, rid), "State": "pending"}))
