"""Client VPN endpoints as the source of a path: a remote user's packet, from an address of
the endpoint's client range, into the VPC.

The endpoint lets the packet in only if an authorization rule covers its destination and
one of its routes does (longest prefix first); the route's target subnet is associated, and
the endpoint's interface there translates the source to its own address (Client VPN's
source NAT) and sends the packet as any interface would: the endpoint's security groups
(the interface's), the subnet's network ACL and route table. A reply comes back to that
interface, which the return walk's goal names through the endpoint (`walk.Goal.gateway`).

AWS's Reachability Analyzer does not take Client VPN endpoints; its codes are used where
they say what happened: `BAD_STATE` (no target network: `pending-associate`),
`UNSUPPORTED_COMPONENT` (an endpoint that reaches its networks through a transit gateway),
`FILTER_AT_SOURCE_SOURCE_ADDRESS` (a source address outside the client range),
`NO_PATH` (no authorization rule admits the destination: the source cannot initiate the
traffic), `NO_ROUTE_TO_DESTINATION` (no route of the endpoint covers it).
"""
from __future__ import annotations

from netaddr import IPAddress, IPNetwork

from topology.connect import client_vpn
from topology.connect import client_vpn_networks as networks
from topology.core.world import World

from .components import component, subnet_of, vpc_of
from .explanations import Blocked, explanation
from .forwarding import leave
from .walk import Onward, Walk

KIND = client_vpn.KIND


def interfaces(world: World, cvpn_id: str) -> tuple[str, ...]:
    """The endpoint's interfaces in its target subnets; `Blocked` while it has none."""
    found = tuple(eni for _, data in networks.associations(world, cvpn_id)
                  for eni in [data["eni"]])
    if not found:
        state = client_vpn.status(world, cvpn_id)
        if state == "available":               # through a transit gateway: not followed
            raise Blocked(explanation("UNSUPPORTED_COMPONENT",
                                      Component=component(world, cvpn_id)))
        raise Blocked(explanation("BAD_STATE", Component=component(world, cvpn_id),
                                  State=state))
    return found


def client_address(world: World, cvpn_id: str, source_ip: str | None) -> str:
    """The client's address: the one asked for (inside the client range), else the range's
    first host."""
    cidr = world.graph.nodes[cvpn_id].get("ClientCidrBlock")
    if cidr is None:                       # IPv6 clients only: the analysis is IPv4's
        raise Blocked(explanation("NO_PATH", Component=component(world, cvpn_id)))
    if source_ip is None:
        return networks.client_address(world, cvpn_id)
    block = IPNetwork(cidr)
    if IPAddress(source_ip) not in block:
        raise Blocked(explanation("FILTER_AT_SOURCE_SOURCE_ADDRESS", Address=source_ip,
                                  Component=component(world, cvpn_id)))
    return source_ip


def authorized(world: World, cvpn_id: str, destination: str) -> bool:
    """Whether an authorization rule admits the destination (any group's rule: the analysis
    does not know the user's groups)."""
    address = IPAddress(destination)
    return any(address in IPNetwork(rule["DestinationCidr"])
               for rule in world.graph.nodes[cvpn_id]["rules"])


def route_to(world: World, cvpn_id: str, destination: str) -> tuple[str, str] | None:
    """(destination CIDR, target subnet) of the endpoint's most specific route covering the
    destination."""
    address = IPAddress(destination)
    found = [(IPNetwork(data["DestinationCidr"]).prefixlen, data["DestinationCidr"], subnet)
             for subnet, data in networks.routes(world, cvpn_id)
             if address in IPNetwork(data["DestinationCidr"])]
    if not found:
        return None
    _, cidr, subnet = max(found, key=lambda f: (f[0], f[2]))
    return cidr, subnet


def ingress(w: Walk, cvpn_id: str) -> Onward | None:
    """The client's packet enters through the endpoint and leaves its interface in the
    route's target subnet (forwarding carries it on from there: nothing is handed back)."""
    world, dst = w.world, w.packet.dst
    if not authorized(world, cvpn_id, dst):
        raise w.blocked("NO_PATH", Component=cvpn_id, Address=dst)
    chosen = route_to(world, cvpn_id, dst)
    if chosen is None:
        raise w.blocked("NO_ROUTE_TO_DESTINATION", Component=cvpn_id, Address=dst)
    cidr, subnet = chosen
    eni = networks.interface_of(world, cvpn_id, subnet)
    assert eni is not None
    before = w.header()
    w.conntrack[cvpn_id] = w.packet.src
    w.packet.src = world.graph.nodes[eni]["ips"][0]
    w.packet.src_eni = eni            # the endpoint's groups are its interface's
    w.add(cvpn_id, InboundHeader=before, OutboundHeader=w.header(),
          Subnet=w.comp(subnet_of(world, eni)), Vpc=w.comp(vpc_of(world, eni)))
    leave(w, eni)
    return None
