"""One walk of a packet along its path: its state, the path components it leaves behind, and
the checks every hop shares (security groups at interfaces, network ACLs at subnet
boundaries).

A walk goes one way. The forward walk starts at the source; the return walk starts where the
forward one ended, with the reply (`Packet.swapped`) in `reply` mode: security groups are
stateful, so a reply passes them unchecked, and NAT gateways undo the translations the
forward walk recorded (`conntrack`). A walk that cannot go on raises `Blocked` with AWS's
explanation; one that arrives sets `end`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from topology.core.world import World
from topology.network import network_interfaces as enis

from .components import component, owner_of, subnet_of, vpc_of, vpc_of_subnet
from .explanations import Blocked, explanation
from .packet import NAMES, Header, Packet, port_ranges
from .policy import acl_allows, security_groups_allow

MAX_HOPS = 32
# interfaces that services own and that carry no security groups of their own
UNGUARDED = frozenset({"nat_gateway", "transit_gateway", "gateway_load_balancer_endpoint"})
SUBNET_MARK = "_departs"        # internal: the subnet a route table step routes out of

# members of Explanation that are AnalysisComponents (given as ids to `Walk.blocked`)
COMPONENT_MEMBERS = frozenset({
    "Acl", "AttachedTo", "Component", "CustomerGateway", "Destination", "DestinationVpc",
    "IngressRouteTable", "InternetGateway", "NatGateway", "NetworkInterface", "PrefixList",
    "RouteTable", "SecurityGroup", "SourceVpc", "Subnet", "SubnetRouteTable", "Vpc",
    "VpcEndpoint", "VpcPeeringConnection", "VpnConnection", "VpnGateway", "TransitGateway",
    "TransitGatewayRouteTable", "TransitGatewayAttachment"})


@dataclass
class Goal:
    """Where a walk must arrive: an interface, a gateway (or endpoint, connection) it reaches
    or leaves through, or whatever holds the destination address (`anywhere`)."""

    eni: str | None = None
    gateway: str | None = None
    anywhere: bool = False


@dataclass
class End:
    """How a walk arrived: at an interface, out through a gateway, into a transit gateway."""

    kind: str                    # "eni", "internet-gateway", "vpn-gateway", "transit-gateway",
    rid: str                     # "vpc-peering-connection", "vpc-endpoint", "subnet"
    attachment: str | None = None  # the transit gateway attachment the packet came through
    zone: str | None = None


@dataclass(frozen=True)
class Onward:
    """Where a gateway hands the packet back to forwarding inside a VPC: routed by `subnet`'s
    route table, or by the edge route `table` of the gateway it came in through, else
    delivered to whatever holds the destination address in `vpc`. Gateways return it rather
    than call forwarding, which dispatches to them (`forwarding.HOPS`, `forwarding.follow`)."""

    vpc: str = ""
    subnet: str | None = None
    table: str | None = None


@dataclass
class Walk:
    world: World
    packet: Packet
    goal: Goal
    reply: bool = False
    conntrack: dict[str, str] = field(default_factory=dict)   # NAT gateway -> original source
    steps: list[dict[str, Any]] = field(default_factory=list)
    via: list[str] = field(default_factory=list)              # kinds of gateways crossed
    end: End | None = None
    hops: int = 0

    # -- recording ---------------------------------------------------------------------------
    def header(self) -> Header:
        return Header(self.packet.src, self.packet.dst)

    def add(self, rid: str, **members: Any) -> dict[str, Any]:
        """Append the path component for `rid` (None members are left out)."""
        step = {"Component": component(self.world, rid),
                **{k: v for k, v in members.items() if v is not None}}
        self.steps.append(step)
        return step

    def comp(self, rid: str | None) -> dict[str, str] | None:
        return None if rid is None else component(self.world, rid)

    def blocked(self, code: str, **members: Any) -> Blocked:
        members = {k: v for k, v in members.items() if v is not None}
        for key, value in list(members.items()):
            if isinstance(value, str) and key in COMPONENT_MEMBERS:
                members[key] = component(self.world, value)
        return Blocked(explanation(code, **members))

    def hop(self) -> None:
        self.hops += 1
        if self.hops > MAX_HOPS:          # a routing loop (middleboxes routing to each other)
            raise Blocked(explanation("CANNOT_ROUTE", Address=self.packet.dst))

    def reached(self, kind: str, rid: str, **extra: Any) -> None:
        self.end = End(kind, rid, **extra)

    # -- goals -------------------------------------------------------------------------------
    def wants_interface(self, eni: str) -> bool:
        """Whether arriving at `eni` is arriving at the goal."""
        if self.goal.eni == eni:
            return True
        owner = owner_of(self.world, eni)
        return owner is not None and owner == self.goal.gateway

    def wants_gateway(self, rid: str) -> bool:
        return self.goal.gateway == rid


# -- checks every hop shares ------------------------------------------------------------------
def check_acl(w: Walk, subnet: str, *, egress: bool) -> None:
    """The subnet's network ACL in one direction: narrows the ports or blocks."""
    verdict = acl_allows(w.world, subnet, w.packet, egress=egress)
    vpc = vpc_of_subnet(w.world, subnet)
    if not verdict.passed:
        raise w.blocked("SUBNET_ACL_RESTRICTION", Component=verdict.owner, Acl=verdict.owner,
                        AclRule=verdict.deny, Direction="egress" if egress else "ingress",
                        Subnet=subnet, Vpc=vpc, Protocols=[_protocol(w)],
                        PortRanges=port_ranges(w.packet.dst_ports) if w.packet.ported else None,
                        Addresses=[w.packet.dst if egress else w.packet.src])
    if w.packet.ported:
        w.packet.dst_ports = verdict.ports
    if verdict.owner is None:
        return
    step = {"Component": component(w.world, verdict.owner), "AclRule": verdict.rule,
            "Subnet": component(w.world, subnet), "Vpc": component(w.world, vpc)}
    last = w.steps[-1] if w.steps else None
    if egress and last is not None and last.get(SUBNET_MARK) == subnet:
        w.steps.insert(len(w.steps) - 1, step)     # AWS lists the ACL before the route table
    else:
        w.steps.append(step)


def cross(w: Walk, from_subnet: str | None, to_subnet: str | None) -> None:
    """A subnet boundary: the sender's subnet egress rules, then the receiver's ingress rules
    (nothing between two interfaces of one subnet)."""
    if from_subnet is not None and from_subnet == to_subnet:
        return
    if from_subnet is not None:
        check_acl(w, from_subnet, egress=True)
    if to_subnet is not None:
        check_acl(w, to_subnet, egress=False)


def check_groups(w: Walk, eni: str, *, egress: bool) -> None:
    """The interface's security groups (not on replies: they are stateful)."""
    node = w.world.graph.nodes[eni]
    if w.reply or node.get("InterfaceType") in UNGUARDED:
        return
    verdict = security_groups_allow(w.world, eni, w.packet, egress=egress)
    subnet = subnet_of(w.world, eni)
    if not verdict.passed:
        groups = [component(w.world, sg) for sg in enis.groups(w.world, eni)]
        raise w.blocked("ENI_SG_RULES_MISMATCH", Component=eni, NetworkInterface=eni,
                        SecurityGroups=groups, Direction="egress" if egress else "ingress",
                        Subnet=subnet, Vpc=vpc_of_subnet(w.world, subnet),
                        Protocols=[_protocol(w)],
                        PortRanges=port_ranges(w.packet.dst_ports) if w.packet.ported else None)
    if w.packet.ported:
        w.packet.dst_ports = verdict.ports
    assert verdict.owner is not None
    w.add(verdict.owner, SecurityGroupRule=verdict.rule,
          Vpc=component(w.world, vpc_of_subnet(w.world, subnet)))


def interface_steps(w: Walk, eni: str, *, inbound: bool) -> None:
    """The interface (and the instance it is attached to) as path components."""
    world = w.world
    subnet = subnet_of(world, eni)
    where = {"Subnet": component(world, subnet), "Vpc": component(world, vpc_of(world, eni))}
    key = "InboundHeader" if inbound else "OutboundHeader"
    owner = owner_of(world, eni)
    instance = owner if owner is not None and world.graph.nodes[owner]["kind"] == "instance" \
        else None
    if instance is not None and not inbound:
        w.add(instance, **{key: w.header()}, **where)
    w.add(eni, AttachedTo=w.comp(owner), **{key: w.header()}, **where)
    if instance is not None and inbound:
        w.add(instance, **{key: w.header()}, **where)


def _protocol(w: Walk) -> str:
    return NAMES.get(w.packet.protocol, w.packet.protocol)


# -- rendering ---------------------------------------------------------------------------------
def render(steps: list[dict[str, Any]], protocol: str, src_ports: Any, dst_ports: Any
           ) -> list[dict[str, Any]]:
    """The steps as boto3's `PathComponent` list: numbered, headers filled in with the final
    port sets, internal marks dropped."""
    out = []
    for number, step in enumerate(steps, 1):
        shown: dict[str, Any] = {"SequenceNumber": number}
        for key, value in step.items():
            if key.startswith("_"):
                continue
            shown[key] = value.render(protocol, src_ports, dst_ports) \
                if isinstance(value, Header) else value
        out.append(shown)
    return out
