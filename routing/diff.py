"""Change impact: the flows one world lets through and another does not.

`diff(before, after)` compares two `matrix` answers pair by pair, port class by port class.
Pairs are keyed by ids, so a subnet or group present in both worlds is compared with itself;
one present in only one world counts as unreachable in the other (its flows open or close
with it). Ports: the matrix answers one port (or any) at a time, and only security group rules
and network ACL entries look at ports, so the asked range is cut at every rule edge of both
worlds (`routing.ports`) and one port answers for each interval; the intervals where a pair
changed the same way (same side, same explanation code) are merged back into ranges.

Each changed flow carries, from the side where it is closed, the explanation code the matrix
names, and from a witness walk (`reachability` between interfaces of the two ends, when both
hold one) the blocking component or the open path's components. Flows are grouped by the
*class* of each end in the world where the flow is open — for subnets their forwarding class
(`routing.classes`), labelled by what defines it for a reader (VPC, route table, network ACL,
the tags all its subnets share); for security groups the group's VPC and tags — then by
protocol and port range.

The internet is an end too, for security groups: `internet -> sg` holds when the internet
reaches some member interface of the group through its VPC's internet gateway (on its
public address, or its IPv6 one), `sg -> internet` when some member reaches an internet
address; up to `MEMBERS` members are tried, each one engine walk per port class. So opening
tcp/22 to 0.0.0.0/0 on a lone public instance's group is a change, although no group pair
changed.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from netaddr import IPAddress, IPNetwork

from topology.core import schema
from topology.core.errors import InvalidParameterValue
from topology.core.lookups import vpc_of
from topology.core.world import World
from topology.network import network_acls, route_tables
from topology.network import network_interfaces as enis
from topology.network import subnets
from topology.provision import state

from .analysis import reachability
from .classes import block_of
from .components import addresses
from .matrix import Matrix, forwarding_classes, matrix
from .packet import union
from .places import INTERNET as INTERNET_ADDRESS
from .ports import MAX_PORT, PortRange, edges, intervals, label, parse_range

__all__ = ["Diff", "Flow", "INTERNET", "diff", "port_spans"]

INTERNET = "internet"          # the internet as one end of a security-group flow
MEMBERS = 3                    # member interfaces tried per group for an internet flow

KINDS = ("subnet", "security-group", "all")
Holders = dict[tuple[int, str, int], dict[str, Any]]   # (id(world), kind, family) -> end -> ENI
Change = tuple[str, str, str, bool, "str | None"]  # kind, source, destination, opened, code
# members of an Explanation naming what blocks, most specific first
_BLOCKERS = ("SecurityGroup", "Acl", "RouteTable", "InternetGateway", "NatGateway",
             "VpcPeeringConnection", "TransitGatewayRouteTable", "TransitGatewayAttachment",
             "TransitGateway", "NetworkInterface", "Subnet", "Vpc", "Component")
UNPORTED = ("icmp", "1", "icmpv6", "58")       # protocols whose answer no port changes


@dataclass
class Flow:
    """One flow whose reachability changed: `opened` (closed before, open after) or not."""

    source: str
    destination: str
    kind: str                      # subnet | security-group
    protocol: str
    ports: str                     # "22", "1000-2000", "all"
    opened: bool
    source_class: str              # the label of each end's class, in the world it is open
    destination_class: str
    code: str | None = None        # explanation code on the closed side
    blocker: str | None = None     # the component that blocks, on the closed side
    path: list[str] = field(default_factory=list)   # components on the open side
    port_range: PortRange = (0, MAX_PORT)
    ip_version: int = 4
    source_name: str | None = None         # a group's name, a subnet's Name tag
    destination_name: str | None = None

    @property
    def group(self) -> tuple[str, str, str, str, str]:
        return (self.kind, self.source_class, self.destination_class, self.protocol,
                self.ports)

    def as_dict(self) -> dict[str, Any]:
        out = {**asdict(self), "change": "opened" if self.opened else "closed"}
        out["from_port"], out["to_port"] = out.pop("port_range")
        return out


@dataclass
class Diff:
    """The changed flows, in a stable order (kind, classes, ports, ids)."""

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
         ports: Iterable[Any] | None = None, kind: str = "subnet", ip_version: int = 4
         ) -> Diff:
    """The flows reachable in one world and not in the other (`kind` "all": subnets and
    security groups), on the destination ports `ports` (ports or ranges: `22`, `"20-25"`,
    `(20, 25)`) or `port`; neither: every port. `ip_version` 6 compares over IPv6 (as
    `matrix` does). Raises `InvalidParameterValue` for a bad range, and as `matrix` does.

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
    >>> {f.ports for f in diff(before, after).flows}
    {'all'}
    """
    kinds = ("subnet", "security-group") if kind == "all" else (kind,)
    spans = port_spans(port, ports)
    changes: dict[Change, list[PortRange]] = {}
    if _same(world_a, world_b):      # still refuse bad input, on an empty scope (vpc "")
        matrix(world_a, kinds[0], protocol=protocol, ip_version=ip_version, vpc="")
        return Diff()
    holders: Holders = {}
    for one in kinds:
        for low, high, probe in _port_classes(world_a, world_b, one, protocol, spans):
            before = matrix(world_a, one, protocol=protocol, port=probe, ip_version=ip_version)
            after = matrix(world_b, one, protocol=protocol, port=probe, ip_version=ip_version)
            if one == "security-group":
                for answer, world in ((before, world_a), (after, world_b)):
                    _add_internet(answer, world, protocol, probe, ip_version, holders)
            for change in _changed(before, after, one):
                changes.setdefault(change, []).append((low, high))
    flows = _flows(world_a, world_b, changes, protocol, ip_version, holders)
    flows.sort(key=lambda f: (f.group[:3], f.port_range, f.source, f.destination))
    return Diff(flows)


def _same(world_a: World, world_b: World) -> bool:
    """Whether the two are one state (a CI run where nothing changed): no flow can differ."""
    return world_a is world_b or bool(state.dump(world_a) == state.dump(world_b))


def port_spans(port: int | None = None, ports: Iterable[Any] | None = None
               ) -> list[PortRange]:
    """The asked ports as merged ranges (none asked: every port); `InvalidParameterValue`
    for one that is not a port or a range of them."""
    asked = [*([] if port is None else [port]), *(ports or ())]
    if not asked:
        return [(0, MAX_PORT)]
    found: list[PortRange] = []
    for value in asked:
        try:
            found.append(parse_range(value))
        except ValueError:
            raise InvalidParameterValue(
                f"Value ({value}) for parameter port is invalid. Specify a port or a range "
                "LOW-HIGH from 0 to 65535.") from None
    return list(union((), tuple(found)))


def _port_classes(world_a: World, world_b: World, kind: str, protocol: str,
                  spans: list[PortRange]) -> list[tuple[int, int, int | None]]:
    """(low, high, the port that answers for them) per port class of the asked spans: cut
    at the rule edges of both worlds (network ACLs only for subnets: their matrix leaves
    security groups aside). A protocol without ports answers once for every port."""
    if str(protocol).lower() in UNPORTED:
        return [(0, MAX_PORT, None)]
    groups = kind == "security-group"
    cuts = edges(world_a, protocol, groups=groups) | edges(world_b, protocol, groups=groups)
    return [(low, high, low) for span in spans for low, high in intervals(cuts, *span)]


def _changed(before: Matrix, after: Matrix, kind: str) -> Iterable[Change]:
    for pair in set(before) | set(after):
        was, now = before.get(pair, False), after.get(pair, False)
        if was != now:
            shut = after if was else before
            code = shut.blocked_by.get(pair) or (None if pair in shut else "ABSENT")
            yield kind, pair[0], pair[1], now, code


def _add_internet(answer: Matrix, world: World, protocol: str, port: int | None,
                  version: int, holders: Holders) -> None:
    """Put `(internet, sg)` and `(sg, internet)` into a group matrix: the first of a group's
    member interfaces that gets through (else the first one's code)."""
    members: dict[str, list[str]] = {}
    for eni, groups in _members(world, version, holders).items():
        for group in groups:
            members.setdefault(group, []).append(eni)
    with world.lock:
        for group, found in members.items():
            for pair, walk in (((INTERNET, group), _from_internet), ((group, INTERNET), _out)):
                codes = [walk(world, eni, protocol, port, version) for eni in found[:MEMBERS]]
                answer[pair] = None in codes
                if not answer[pair] and codes[0]:
                    answer.blocked_by[pair] = codes[0]


def _members(world: World, version: int, holders: Holders) -> dict[str, list[str]]:
    """Live instance interfaces with an address of the family -> their groups (once per
    world and family for one diff)."""
    key = (id(world), "members", version)
    if key not in holders:
        holders[key] = {
            str(eni): enis.groups(world, eni) for eni, data in world.graph.nodes(data=True)
            if data.get("kind") == enis.KIND and not data.get("deleted")
            and addresses(world, eni, version)
            and world.out(eni, schema.ATTACHED, "instance")}
    return holders[key]


def _from_internet(world: World, eni: str, protocol: str, port: int | None, version: int
                   ) -> str | None:
    """None when the internet reaches `eni` through an internet gateway of its VPC, else
    the first explanation code."""
    gateways = [g for g, _, _ in world.into(enis.vpc_of(world, eni), schema.ATTACHED,
                                           "internet-gateway")]
    if not gateways:
        return "NO_ROUTE_TO_DESTINATION"
    answer = reachability(world, gateways[0], eni, protocol=protocol, destination_port=port,
                          ip_version=version)
    return None if answer.network_path_found else _code(answer)


def _out(world: World, eni: str, protocol: str, port: int | None, version: int) -> str | None:
    answer = reachability(world, eni, destination_ip=INTERNET_ADDRESS[version],
                          protocol=protocol, destination_port=port, ip_version=version)
    return None if answer.network_path_found else _code(answer)


def _code(answer: Any) -> str | None:
    return answer.explanations[0].get("ExplanationCode") if answer.explanations else None


def _flows(world_a: World, world_b: World, changes: dict[Change, list[PortRange]],
           protocol: str, version: int, holders: Holders) -> list[Flow]:
    """One flow per change and merged range, labelled and witnessed."""
    flows: list[Flow] = []
    labels = _Labels()
    ported = str(protocol).lower() not in UNPORTED
    for (kind, src, dst, now, code), found in changes.items():
        open_world, shut_world = (world_b, world_a) if now else (world_a, world_b)
        for span in union((), tuple(found)):
            flow = Flow(src, dst, kind, protocol, label(span), now,
                        labels.of(open_world, src, kind, version),
                        labels.of(open_world, dst, kind, version),
                        code=code, port_range=span, ip_version=version,
                        source_name=_name(open_world, src),
                        destination_name=_name(open_world, dst))
            _witness(flow, open_world, shut_world, span[0] if ported else None, holders)
            flows.append(flow)
    return flows


# -- class labels ------------------------------------------------------------------------------
class _Labels:
    """Each end's class label, computed once per world and kind for one diff."""

    def __init__(self) -> None:
        self._tables: dict[tuple[int, str, int], dict[str, str]] = {}

    def of(self, world: World, rid: str, kind: str, version: int = 4) -> str:
        key = (id(world), kind, version)
        table = self._tables.get(key)
        if table is None:
            table = self._tables[key] = (subnet_labels(world, version) if kind == "subnet"
                                         else group_labels(world))
        return table.get(rid, rid)


def subnet_labels(world: World, version: int = 4) -> dict[str, str]:
    """subnet -> the label of its forwarding class: `VPC/ROUTE-TABLE/ACL`, then the tags
    every subnet of the class carries (`[tier=web]`); a class whose VPC, table and ACL
    another class shares (it hosts a gateway, or a route or rule names part of it) adds
    its first subnet (`@subnet-…`)."""
    classes = forwarding_classes(world, "subnet", ip_version=version)
    bases = [_subnet_base(world, members) for members in classes]
    out: dict[str, str] = {}
    for members, base in zip(classes, bases):
        text = base if bases.count(base) == 1 else f"{base}@{members[0]}"
        out.update((m, text + _tags(world, members)) for m in members)
    return out


def _subnet_base(world: World, members: list[str]) -> str:
    first = members[0]
    return "/".join(str(x or "-") for x in (
        subnets.vpc_of(world, first), route_tables.table_for_subnet(world, first),
        network_acls.acl_for_subnet(world, first)))


def group_labels(world: World) -> dict[str, str]:
    """security group -> its VPC, then its tags (`vpc-…[tier=web]`)."""
    return {rid: f"{vpc_of(world, rid) or '?'}{_tags(world, [rid])}"
            for rid, data in world.graph.nodes(data=True)
            if data.get("kind") == "security-group" and not data.get("deleted")}


def _name(world: World, rid: str) -> str | None:
    """What a reader calls a subnet or group: its `Name` tag, else a group's name."""
    node = world.node(rid)
    if node is None:
        return None
    return world.tags(rid).get("Name") or node.get("GroupName")


def _tags(world: World, members: list[str]) -> str:
    """` [k=v,…]`: the tags (not `aws:` ones) all members carry, or nothing."""
    common = dict(world.tags(members[0]))
    for other in members[1:]:
        theirs = world.tags(other)
        common = {k: v for k, v in common.items() if theirs.get(k) == v}
    shown = sorted((k, v) for k, v in common.items() if not k.startswith("aws:"))
    return f" [{','.join(f'{k}={v}' for k, v in shown)}]" if shown else ""


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
    source = _interface(world, flow.source, flow.kind, flow.ip_version, holders)
    destination = _interface(world, flow.destination, flow.kind, flow.ip_version, holders)
    if INTERNET in (flow.source, flow.destination):
        return _analyse_internet(world, flow, port, source or destination)
    address = None
    if destination is None and flow.kind == "subnet" and flow.destination in world.graph:
        block = block_of(world, flow.destination, flow.ip_version)
        address = str(IPAddress(IPNetwork(block).last - 1)) if block else None
    if source is None or source == destination or (destination or address) is None:
        return None
    with world.lock:
        return reachability(world, source, destination, protocol=flow.protocol,
                            destination_port=port, destination_ip=address,
                            ip_version=flow.ip_version)


def _analyse_internet(world: World, flow: Flow, port: int | None, eni: str | None) -> Any:
    """The walk of a flow with the internet at one end, through the group's member."""
    if eni is None:
        return None
    inbound = flow.source == INTERNET
    gateways = [g for g, _, _ in world.into(enis.vpc_of(world, eni), schema.ATTACHED,
                                           "internet-gateway")]
    if inbound and not gateways:
        return None
    with world.lock:
        if inbound:
            return reachability(world, gateways[0], eni, protocol=flow.protocol,
                                destination_port=port, ip_version=flow.ip_version)
        return reachability(world, eni, destination_ip=INTERNET_ADDRESS[flow.ip_version],
                            protocol=flow.protocol, destination_port=port,
                            ip_version=flow.ip_version)


def _interface(world: World, rid: str, kind: str, version: int, holders: Holders
               ) -> str | None:
    """An interface (with an address of the family) in the subnet or holding the group, in
    the given world (indexed once per world, kind and family for one diff: it is asked for
    every changed flow)."""
    key = (id(world), kind, version)
    if key not in holders:
        found: dict[str, str] = {}
        for eni, data in world.graph.nodes(data=True):
            if data.get("kind") != enis.KIND or data.get("deleted") \
                    or not addresses(world, eni, version):
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
