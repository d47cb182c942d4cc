"""Change impact: the flows one world lets through and another does not.

`diff(before, after)` compares two `matrix` answers pair by pair. Pairs are keyed by ids, so
a subnet or group present in both worlds is compared with itself; one present in only one
world counts as unreachable in the other (its flows open or close with it). Each changed flow
carries, from the side where it is closed, the explanation code the matrix names, and from a
witness walk (`reachability` between interfaces of the two ends, when both hold one) the
blocking component or the open path's components. Flows are grouped by the VPCs of their
ends, protocol and port range, the classes an engineer reviews a change by.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from netaddr import IPAddress, IPNetwork

from topology.core.world import World
from topology.network import network_interfaces as enis
from topology.network import security_groups, subnets

from .analysis import reachability
from .matrix import Matrix, matrix

__all__ = ["Diff", "Flow", "diff"]

KINDS = ("subnet", "security-group", "all")
Holders = dict[tuple[int, str], dict[str, str]]   # (id(world), kind) -> end -> interface
# members of an Explanation naming what blocks, most specific first
_BLOCKERS = ("SecurityGroup", "Acl", "RouteTable", "InternetGateway", "NatGateway",
             "VpcPeeringConnection", "TransitGatewayRouteTable", "TransitGatewayAttachment",
             "TransitGateway", "NetworkInterface", "Subnet", "Vpc", "Component")


@dataclass
class Flow:
    """One flow whose reachability changed: `opened` (closed before, open after) or not."""

    source: str
    destination: str
    kind: str                      # subnet | security-group
    protocol: str
    ports: str                     # "22", "all"
    opened: bool
    source_class: str              # the VPC of each end (the world that holds it)
    destination_class: str
    code: str | None = None        # explanation code on the closed side
    blocker: str | None = None     # the component that blocks, on the closed side
    path: list[str] = field(default_factory=list)   # components on the open side

    @property
    def group(self) -> tuple[str, str, str, str, str]:
        return (self.kind, self.source_class, self.destination_class, self.protocol,
                self.ports)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "change": "opened" if self.opened else "closed"}


@dataclass
class Diff:
    """The changed flows, in a stable order (kind, classes, ids)."""

    flows: list[Flow] = field(default_factory=list)

    @property
    def opened(self) -> list[Flow]:
        return [f for f in self.flows if f.opened]

    @property
    def closed(self) -> list[Flow]:
        return [f for f in self.flows if not f.opened]

    def groups(self) -> dict[tuple[str, str, str, str, str], list[Flow]]:
        out: dict[tuple[str, str, str, str, str], list[Flow]] = {}
        for flow in self.flows:
            out.setdefault(flow.group, []).append(flow)
        return out

    def __bool__(self) -> bool:
        return bool(self.flows)

    def as_dict(self) -> dict[str, Any]:
        return {"changed": bool(self.flows), "opened": len(self.opened),
                "closed": len(self.closed),
                "groups": [{"kind": k[0], "source_class": k[1], "destination_class": k[2],
                            "protocol": k[3], "ports": k[4],
                            "flows": [f.as_dict() for f in flows]}
                           for k, flows in self.groups().items()]}


def diff(world_a: World, world_b: World, *, protocol: str = "tcp", port: int | None = None,
         kind: str = "subnet") -> Diff:
    """The flows reachable in one world and not in the other (`kind` "all": subnets and
    security groups). Raises `InvalidParameterValue` as `matrix` does.

    >>> from topology.core.world import World
    >>> from topology.network import subnets, vpcs
    >>> from topology.provision import state
    >>> before = World(seed=1)
    >>> part = before.partition("123456789012", "eu-west-1")
    >>> vpc = vpcs.create(before, part, "10.0.0.0/16")
    >>> a = subnets.create(before, part, vpc, "10.0.1.0/24")
    >>> after = state.load(state.dump(before))
    >>> b = subnets.create(after, after.partition("123456789012", "eu-west-1"), vpc,
    ...                    "10.0.2.0/24")
    >>> answer = diff(before, after, port=443)
    >>> len(answer.opened), len(answer.closed), {f.code for f in answer.flows}
    (3, 0, {'ABSENT'})
    """
    kinds = ("subnet", "security-group") if kind == "all" else (kind,)
    flows: list[Flow] = []
    holders: Holders = {}
    for one in kinds:
        before = matrix(world_a, one, protocol=protocol, port=port)
        after = matrix(world_b, one, protocol=protocol, port=port)
        flows += _changed(world_a, world_b, before, after, one, protocol, port, holders)
    flows.sort(key=lambda f: (f.group, f.source, f.destination))
    return Diff(flows)


def _changed(world_a: World, world_b: World, before: Matrix, after: Matrix, kind: str,
             protocol: str, port: int | None, holders: Holders) -> list[Flow]:
    flows = []
    ports = "all" if port is None else str(port)
    for pair in sorted(set(before) | set(after)):
        was, now = before.get(pair, False), after.get(pair, False)
        if was == now:
            continue
        open_world, shut_world = (world_b, world_a) if now else (world_a, world_b)
        shut = after if was else before
        flow = Flow(pair[0], pair[1], kind, protocol, ports, now,
                    _vpc(open_world, pair[0], kind), _vpc(open_world, pair[1], kind),
                    code=shut.blocked_by.get(pair) or (None if pair in shut else "ABSENT"))
        _witness(flow, open_world, shut_world, port, holders)
        flows.append(flow)
    return flows


def _vpc(world: World, rid: str, kind: str) -> str:
    """The VPC holding a subnet or group (why flows group by it: a change is reviewed per
    VPC pair)."""
    if kind == "subnet":
        return str(subnets.vpc_of(world, rid))
    return str(security_groups.view(world, rid).get("VpcId") or "?")


# -- witnesses ---------------------------------------------------------------------------------
def _witness(flow: Flow, open_world: World, shut_world: World, port: int | None,
             holders: Holders) -> None:
    """Fill the open path and the blocker from the engine, from an interface of the source
    to one of the destination (or, for a subnet, to its last address); left empty when the
    source holds no interface, or when the walk disagrees with the matrix (the subnet
    matrix leaves security groups aside, the walk does not)."""
    opened = _analyse(open_world, flow, port, holders)
    if opened is not None and opened.network_path_found:
        flow.path = [c["Component"]["Id"] for c in opened.forward_path
                     if isinstance(c.get("Component"), dict)]
    shut = _analyse(shut_world, flow, port, holders)
    if shut is None or shut.network_path_found or not shut.explanations:
        return
    code = shut.explanations[0].get("ExplanationCode")
    if flow.code in (None, "ABSENT", code):
        flow.blocker = _blocker(shut.explanations[0])
        flow.code = flow.code or code


def _analyse(world: World, flow: Flow, port: int | None, holders: Holders) -> Any:
    source = _interface(world, flow.source, flow.kind, holders)
    destination = _interface(world, flow.destination, flow.kind, holders)
    address = None
    if destination is None and flow.kind == "subnet" and flow.destination in world.graph:
        address = str(IPAddress(IPNetwork(world.graph.nodes[flow.destination]["CidrBlock"])
                                .last - 1))
    if source is None or source == destination or (destination or address) is None:
        return None
    with world.lock:
        return reachability(world, source, destination, protocol=flow.protocol,
                            destination_port=port, destination_ip=address)


def _interface(world: World, rid: str, kind: str, holders: Holders) -> str | None:
    """An interface in the subnet or holding the group, in the given world (indexed once
    per world and kind for one diff: it is asked for every changed flow)."""
    key = (id(world), kind)
    if key not in holders:
        found: dict[str, str] = {}
        for eni, data in world.graph.nodes(data=True):
            if data.get("kind") != enis.KIND or data.get("deleted"):
                continue
            ends = [enis.subnet_of(world, eni)] if kind == "subnet" else enis.groups(world, eni)
            for end in ends:
                found.setdefault(end, str(eni))
        holders[key] = found
    return holders[key].get(rid)


def _blocker(explanation: dict[str, Any]) -> str | None:
    for member in _BLOCKERS:
        value = explanation.get(member)
        if member == "SecurityGroup" and not value:
            value = (explanation.get("SecurityGroups") or [None])[0]
        if isinstance(value, dict) and value.get("Id"):
            return str(value["Id"])
    return None
