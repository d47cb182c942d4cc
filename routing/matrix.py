"""Reachability matrices: every pair of subnets, or of security groups, by forwarding class.

`matrix` answers `reachable?` for every ordered pair of subnets (or security groups) of a
scope. Asking the engine pair by pair would cost the number of pairs; instead the members are
grouped into *forwarding classes* — members the network cannot tell apart — each class pair
is evaluated once, and the answers are expanded to the member pairs. The cost follows the
number of distinct classes, not the number of subnets, instances or pairs.

What makes two subnets, or two interfaces, equivalent is `routing.classes`.

A class pair is evaluated with the engine's own parts. The network's verdict is a forward and
a return walk between *probe addresses* (free addresses of representative subnets, so no
interface and no security group is met), each in two parts: `forwarding.route_from` toward a
goal that is nothing, which stops where it would deliver — in the VPC holding the address —
and is shared by every destination of the same address signature (blocked there, it is
blocked for all of them); then `walk.cross`, the last subnet boundary, per class pair. The
groups' verdict comes from `policy.security_groups_allow` on representative interfaces, told
whether the sender's identity survived the path (group references do not cross a transit
gateway without referencing support).

Semantics: a subnet pair holds when a host of the first reaches a host of the second (and
the reply comes back) on the protocol and port, security groups aside; a subnet reaches
itself unless something between two of its own addresses blocks; subnets without an IPv4
block are left out. A security group pair holds when some member of the first reaches some
*other* member of the second over private addresses. `Matrix.blocked_by` names the
explanation code of what blocks a pair (for groups, a pair the groups refuse reads
`ENI_SG_RULES_MISMATCH` whatever the network would do).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from itertools import accumulate, chain, repeat
from operator import itemgetter
from typing import Any

from netaddr import IPAddress, IPNetwork

from topology.core.errors import InvalidParameterValue
from topology.core.world import World

from .analysis import any_protocol
from .classes import InterfaceClass, Prefix, Scope, SubnetClass, block_of, held_by
from .components import addresses, interface_holding
from .explanations import Blocked
from .forwarding import route_from
from .packet import ALL_PORTS, EPHEMERAL, ICMP, NAMES, PROTOCOLS, Packet, Ports, single
from .policy import Verdict, security_groups_allow
from .walk import SUBNET_MARK, UNGUARDED, Goal, Walk, cross

__all__ = ["Matrix", "forwarding_classes", "matrix"]

KINDS = ("subnet", "security-group")
Pair = tuple[str, str]
SENDER = "probe"     # stands for the sender's identity in a probe walk (cleared when lost)


class Matrix(dict[Pair, bool]):
    """`(source, destination) -> reachable`, with what the evaluation learnt on the side:
    `blocked_by[pair]`, the explanation code of what blocks an unreachable pair (when the
    engine names one); `classes`, the number of forwarding classes; `walks`, the number of
    engine walks it took."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked_by: dict[Pair, str] | RowCodes = {}
        self.classes = 0
        self.walks = 0


# -- the public functions ----------------------------------------------------------------------
def matrix(world: World, kind: str = "subnet", *, protocol: str = "tcp",
           port: int | None = None, account: str | None = None, region: str | None = None,
           vpc: str | None = None, ip_version: int = 4) -> Matrix:
    """Reachability between every ordered pair of subnets (or security groups) in scope.

    `port` is the destination port (None: any port); `account`, `region` and `vpc` narrow
    the scope (None: all); `ip_version` 6 asks over IPv6 (subnets with an IPv6 block,
    interfaces with an IPv6 address; ICMP is ICMPv6). Raises `InvalidParameterValue` for an
    unknown kind, protocol, family or port.

    >>> from topology.core.world import World
    >>> from topology.network import subnets, vpcs
    >>> world = World(seed=1)
    >>> part = world.partition("123456789012", "eu-west-1")
    >>> vpc = vpcs.create(world, part, "10.0.0.0/16")
    >>> a, b = (subnets.create(world, part, vpc, f"10.0.{n}.0/24") for n in (1, 2))
    >>> answer = matrix(world, port=443, vpc=vpc)
    >>> answer[(a, b)], answer.classes
    (True, 1)
    """
    _check(kind, port, ip_version)
    ports = single(port, ALL_PORTS)
    answers = []
    with world.lock:
        scope = Scope(world, account, region, vpc, ip_version)
        for number in _protocols(protocol, ip_version):   # all traffic: TCP, UDP or ICMP
            evaluator = _Evaluator(world, number, ports, ip_version)
            build = _subnet_matrix if kind == "subnet" else _group_matrix
            answer = build(scope, evaluator)
            answer.walks = evaluator.walks
            answers.append(answer)
    return _union(answers)


def forwarding_classes(world: World, kind: str = "subnet", *, account: str | None = None,
                       region: str | None = None, vpc: str | None = None,
                       ip_version: int = 4) -> list[list[str]]:
    """The forwarding classes of the scope: lists of equivalent subnets (`subnet`) or of
    equivalent network interfaces (`security-group`), in creation order."""
    _check(kind, None, ip_version)
    with world.lock:
        scope = Scope(world, account, region, vpc, ip_version)
        if kind == "subnet":
            return [list(c.subnets) for c in scope.subnet_classes]
        return [list(c.members()) for c in scope.interface_classes()]


def _protocols(protocol: str, version: int = 4) -> tuple[str, ...]:
    text = str(protocol).lower()
    number = PROTOCOLS.get(text) or (text if text in NAMES else None)
    if number is None:
        raise InvalidParameterValue(
            f"Value ({protocol}) for parameter protocol is invalid. Valid values: tcp, udp, "
            "icmp, -1.")
    if number == ICMP[4]:
        number = ICMP[version]
    return any_protocol(version) if number == "-1" else (number,)


def _union(answers: list[Matrix]) -> Matrix:
    """Pairs any of the answers finds reachable (the first answer's explanations)."""
    out = answers[0]
    for other in answers[1:]:
        for pair, passed in other.items():
            if passed and not out[pair]:
                out[pair] = True
                out.blocked_by.pop(pair, None)
        out.walks += other.walks
    return out


def _check(kind: str, port: int | None, version: int = 4) -> None:
    if version not in (4, 6):
        raise InvalidParameterValue(
            f"Value ({version}) for parameter ip_version is invalid. Valid values: 4, 6.")
    if kind not in KINDS:
        raise InvalidParameterValue(
            f"Value ({kind}) for parameter kind is invalid. Valid values: {', '.join(KINDS)}.")
    if port is not None and not 0 <= port <= 65535:
        raise InvalidParameterValue(f"Value ({port}) for parameter port is invalid.")


# -- evaluation --------------------------------------------------------------------------------
@dataclass
class _Verdict:
    """What the network does between two probe addresses (no security groups)."""

    passed: bool
    code: str | None = None
    ports: Ports = ()            # forward destination ports that get through
    identity: bool = False       # the sender's identity reaches the receiver


@dataclass
class _Arrival:
    """A walk that got to the VPC holding its destination, before the last subnet boundary."""

    packet: Packet
    vpc: str
    from_subnet: str | None      # the subnet it is routed out of (None: from a gateway)
    conntrack: dict[str, str]


class _Evaluator:
    """Class-pair verdicts, memoized for one matrix over an unchanging world.

    A verdict is a forward and a return walk. Each walk runs in two parts: up to the VPC
    holding its destination (`_approach`, shared by every destination of the same address
    signature, and blocked there for all of them when it is blocked before), then across
    the last subnet boundary into the destination's subnet (`_land`, per class pair).
    """

    def __init__(self, world: World, protocol: str, ports: Ports, version: int = 4) -> None:
        self.world, self.protocol, self.ports, self.version = world, protocol, ports, version
        self.walks = 0
        self._network: dict[tuple[Any, ...], _Verdict | None] = {}
        self._approaches: dict[tuple[Any, ...], _Arrival | _Verdict] = {}
        self._probes: dict[tuple[str, tuple[Prefix, ...]], list[str]] = {}
        self._groups: dict[tuple[Any, ...], Verdict] = {}

    # -- the network --------------------------------------------------------------------------
    def between(self, src: SubnetClass, dst: SubnetClass, src_hold: tuple[Prefix, ...] = (),
                dst_hold: tuple[Prefix, ...] = (), *, same: bool = False) -> _Verdict | None:
        """The network's verdict from a subnet of `src` to another of `dst` (`same`: to
        another address of the same subnet); None when no probe address is free."""
        key = (src.index, src_hold, dst.index, dst_hold, same)
        if key not in self._network:
            self._network[key] = self._verdict(src, src_hold, dst, dst_hold, same)
        return self._network[key]

    def _verdict(self, src: SubnetClass, src_hold: tuple[Prefix, ...], dst: SubnetClass,
                 dst_hold: tuple[Prefix, ...], same: bool) -> _Verdict | None:
        a = src.subnets[0]
        b = a if same else (dst.subnets[1] if src is dst else dst.subnets[0])
        sources = self.probes(src, a, src_hold)[:1]
        targets = [ip for ip in self.probes(dst, b, dst_hold) if ip not in sources][:1]
        if not sources or not targets:
            return None
        src_ip, dst_ip = sources[0], targets[0]
        packet = Packet(self.protocol, src_ip, dst_ip, EPHEMERAL, self.ports, SENDER, None)
        there = self._approach(a, packet, (dst.vpc, dst.signature[0], dst_hold), {}, False)
        forward = self._land(there, packet, dst.vpc, b)
        if not isinstance(forward, Packet):
            return forward
        reply = forward.swapped()
        back = self._approach(b, reply, (src.vpc, src.signature[0], src_hold),
                              there.conntrack if isinstance(there, _Arrival) else {}, True)
        returned = self._land(back, reply, src.vpc, a)
        if not isinstance(returned, Packet):
            return returned
        return _Verdict(True, None, forward.dst_ports, forward.src_eni is not None)

    def _approach(self, start: str, packet: Packet, toward: tuple[Any, ...],
                  conntrack: dict[str, str], reply: bool) -> _Arrival | _Verdict:
        """Route `packet` from subnet `start` to the VPC holding its destination (whose
        address signature is `toward`)."""
        key = (start, toward, packet.src_ports, packet.dst_ports, packet.src_eni is None,
               tuple(sorted(conntrack.items())), reply)
        found = self._approaches.get(key)
        if found is None:
            found = self._approaches[key] = self._walk(start, packet, conntrack, reply)
        return found

    def _walk(self, start: str, packet: Packet, conntrack: dict[str, str], reply: bool
              ) -> _Arrival | _Verdict:
        self.walks += 1
        # a goal that is nothing: the walk stops where it would deliver, before the boundary
        walk = Walk(self.world, replace(packet), Goal(), reply=reply, conntrack=dict(conntrack))
        try:
            route_from(walk, start)
        except Blocked as blocked:
            found = blocked.explanations[0]
            if _at_delivery(found):
                last = walk.steps[-1] if walk.steps else {}
                return _Arrival(walk.packet, found["Vpc"]["Id"], last.get(SUBNET_MARK),
                                walk.conntrack)
            return _Verdict(False, found["ExplanationCode"])
        return _Verdict(False)       # it ended elsewhere (never, with a goal that is nothing)

    def _land(self, there: _Arrival | _Verdict, packet: Packet, vpc: str, subnet: str
              ) -> Packet | _Verdict:
        """Across the last boundary into `subnet`: the packet that arrives, or the block."""
        if isinstance(there, _Verdict):
            return there
        if there.vpc != vpc:              # delivered into another VPC of the same block
            return _Verdict(False, "NO_POSSIBLE_DESTINATION")
        walk = Walk(self.world, replace(there.packet, src=packet.src, dst=packet.dst), Goal(),
                    conntrack=dict(there.conntrack))
        try:
            cross(walk, there.from_subnet, subnet)
        except Blocked as blocked:
            return _Verdict(False, blocked.explanations[0]["ExplanationCode"])
        return walk.packet

    def probes(self, cls: SubnetClass, subnet: str, holding: tuple[Prefix, ...]) -> list[str]:
        """Two addresses of the subnet that no interface holds, inside exactly the split
        prefixes `holding` (usable addresses from the top, then AWS's reserved ones)."""
        key = (subnet, holding)
        found = self._probes.get(key)
        if found is None:
            found = self._probes[key] = self._find_probes(cls, subnet, holding)
        return found

    def _find_probes(self, cls: SubnetClass, subnet: str, holding: tuple[Prefix, ...]
                     ) -> list[str]:
        net = IPNetwork(block_of(self.world, subnet, self.version) or "")
        split, vpc = cls.signature[1], cls.vpc
        found: list[str] = []
        for value in chain(range(net.last - 1, net.first + 3, -1),
                           (net.first + 3, net.first + 2, net.first + 1)):
            if held_by(split, value, self.version) != holding:
                continue
            ip = str(IPAddress(value, self.version))
            if interface_holding(self.world, vpc, ip) is None:
                found.append(ip)
                if len(found) == 2:
                    break
        return found

    # -- security groups ----------------------------------------------------------------------
    def groups_allow(self, eni: str, cls: InterfaceClass, remote: InterfaceClass,
                     remote_eni: str | None, *, egress: bool) -> Verdict:
        """What `eni`'s groups let through toward (egress) or from (ingress) `remote`'s
        members; `remote_eni` None when the sender's identity is lost on the way."""
        node = self.world.graph.nodes[eni]
        if node.get("InterfaceType") in UNGUARDED:
            return Verdict(self.ports)
        remote_groups = remote.groups if remote_eni is not None else None
        key = (cls.groups, egress, remote.subnet_class.vpc, remote.subnet_class.signature[0],
               remote.holding, remote_groups)
        found = self._groups.get(key)
        if found is None:
            mine = addresses(self.world, eni, self.version)[0]
            theirs = addresses(self.world, remote.first, self.version)[0]
            packet = Packet(self.protocol, mine, theirs, EPHEMERAL, self.ports, eni, remote_eni)
            if not egress:      # the packet comes in: from the remote member to this one
                packet = Packet(self.protocol, theirs, mine, EPHEMERAL, self.ports,
                                remote_eni, eni)
            found = self._groups[key] = security_groups_allow(self.world, eni, packet,
                                                                     egress=egress)
        return found


def _at_delivery(found: dict[str, Any]) -> bool:
    """Whether a walk toward no goal stopped where it would deliver: in the VPC holding the
    address, with no interface holding it (a probe address)."""
    return found["ExplanationCode"] == "NO_POSSIBLE_DESTINATION" and "Vpc" in found \
        and "Subnet" in found and found.get("Component", {}).get("Id") == found["Vpc"]["Id"]


# -- subnet matrix -----------------------------------------------------------------------------
def _subnet_matrix(scope: Scope, ev: _Evaluator) -> Matrix:
    answer = Matrix()
    classes = scope.subnet_classes
    answer.classes = len(classes)
    for src in classes:
        for dst in classes:
            if src is dst:
                _expand_within(answer, ev, src)
                continue
            verdict = ev.between(src, dst)
            for a in src.subnets:
                for b in dst.subnets:
                    _put(answer, (a, b), verdict)
    return answer


def _expand_within(answer: Matrix, ev: _Evaluator, cls: SubnetClass) -> None:
    """One class with itself: each subnet to itself, and to the class's other subnets."""
    same = ev.between(cls, cls, same=True)
    other = ev.between(cls, cls) if len(cls.subnets) > 1 else None
    for a in cls.subnets:
        for b in cls.subnets:
            _put(answer, (a, b), same if a == b else other)


def _put(answer: Matrix, pair: Pair, verdict: _Verdict | None) -> None:
    passed = verdict is not None and verdict.passed
    answer[pair] = passed
    if not passed and verdict is not None and verdict.code is not None:
        answer.blocked_by[pair] = verdict.code


# -- security group matrix ---------------------------------------------------------------------
def _group_matrix(scope: Scope, ev: _Evaluator) -> Matrix:
    answer = Matrix()
    classes = scope.interface_classes()
    answer.classes = len(classes)
    holders: dict[str, list[InterfaceClass]] = {}
    for cls in classes:
        for group in cls.groups:
            holders.setdefault(group, []).append(cls)
    pairs: dict[tuple[int, int], _Verdict] = {}
    groups = scope.groups()
    for a in groups:
        for b in groups:
            verdict = _first_passing(ev, holders.get(a, ()), holders.get(b, ()), pairs)
            _put(answer, (a, b), verdict)
    return answer


def _first_passing(ev: _Evaluator, sources: Iterable[InterfaceClass],
                   targets: Iterable[InterfaceClass], memo: dict[tuple[int, int], _Verdict]
                   ) -> _Verdict | None:
    """The verdict of the first class pair that gets through, else of the first tried."""
    first: _Verdict | None = None
    for src in sources:
        for dst in targets:
            key = (src.index, dst.index)
            verdict = memo.get(key)
            if verdict is None:
                verdict = memo[key] = _interfaces(ev, src, dst)
            if verdict.passed:
                return verdict
            first = first or verdict
    return first


def _interfaces(ev: _Evaluator, src: InterfaceClass, dst: InterfaceClass) -> _Verdict:
    """Some member of `src` to some other member of `dst`: groups out, the network, groups
    in (checked cheapest first; the groups only ever narrow what the network passes)."""
    same_region = _region(ev, src.first) == _region(ev, dst.first)
    a, b = src.first, dst.first
    out = ev.groups_allow(a, src, dst, b if same_region else None, egress=True)
    if not out.passed:
        return _Verdict(False, "ENI_SG_RULES_MISMATCH")
    inward = ev.groups_allow(b, dst, src, a, egress=False)
    if not inward.passed:
        return _Verdict(False, "ENI_SG_RULES_MISMATCH")
    first: _Verdict | None = None
    for same in _layouts(src, dst):
        net = ev.between(src.subnet_class, dst.subnet_class, src.holding, dst.holding,
                         same=same)
        if net is None:
            continue
        admitted = inward if net.identity else ev.groups_allow(b, dst, src, None, egress=False)
        ports = _common(net.ports, out.ports, admitted.ports) if net.passed else ()
        verdict = _Verdict(bool(ports), net.code if not net.passed else (
            None if ports else "ENI_SG_RULES_MISMATCH"), ports)
        if verdict.passed:
            return verdict
        first = first or verdict
    return first or _Verdict(False)


def _layouts(src: InterfaceClass, dst: InterfaceClass) -> list[bool]:
    """Whether distinct members of the two classes can share a subnet (True) and whether
    they can sit in different subnets (False)."""
    found = []
    shared = set(src.by_subnet) & set(dst.by_subnet)
    if any(src is not dst or len(src.by_subnet[s]) > 1 for s in shared):
        found.append(True)
    if any(s != t for s in src.by_subnet for t in dst.by_subnet):
        found.append(False)
    return found


def _common(*sets: Ports) -> Ports:
    out = sets[0]
    for other in sets[1:]:
        out = tuple((max(a, c), min(b, d)) for a, b in out for c, d in other
                    if max(a, c) <= min(b, d))
    return out


def _region(ev: _Evaluator, rid: str) -> str:
    return str(ev.world.graph.nodes[rid]["region"])


# -- a matrix in parts (routing.distributed) ---------------------------------------------------
Cell = bool | str | None       # a pair's answer: True, or blocked with a code (str) or without


class Rows:
    """One matrix evaluated by rows: the rows of any group of sources (subnet forwarding
    classes, or security groups for the `security-group` kind) answer on their own against
    the same world, and `assemble` puts rows into the `Matrix` that `matrix` gives. A row is
    a `Cell` per destination class (subnets; at its own class a pair: to itself, to its
    class's other subnets) or per destination group; `walks` counts this object's walks."""

    def __init__(self, world: World, kind: str = "subnet", *, protocol: str = "tcp",
                 port: int | None = None, account: str | None = None,
                 region: str | None = None, vpc: str | None = None,
                 ip_version: int = 4) -> None:
        _check(kind, port, ip_version)
        ports = single(port, ALL_PORTS)
        self.world, self.kind = world, kind
        self.evaluators = [_Evaluator(world, number, ports, ip_version)
                           for number in _protocols(protocol, ip_version)]
        self._memos: list[dict[tuple[int, int], _Verdict]] = [{} for _ in self.evaluators]
        with world.lock:
            self.scope = Scope(world, account, region, vpc, ip_version)
            self.interface_classes = [] if kind == "subnet" else self.scope.interface_classes()
            self.groups = [] if kind == "subnet" else self.scope.groups()
        self.holders: dict[str, list[InterfaceClass]] = {}
        for cls in self.interface_classes:
            for group in cls.groups:
                self.holders.setdefault(group, []).append(cls)

    @property
    def count(self) -> int:
        """The number of rows (source classes, or groups)."""
        return len(self.scope.subnet_classes) if self.kind == "subnet" else len(self.groups)

    @property
    def classes(self) -> int:
        return len(self.scope.subnet_classes if self.kind == "subnet"
                   else self.interface_classes)

    @property
    def walks(self) -> int:
        return sum(ev.walks for ev in self.evaluators)

    def evaluate(self, sources: Iterable[int]) -> list[list[Any]]:
        """The rows of the sources numbered `sources`."""
        with self.world.lock:
            if self.kind == "subnet":
                return [self._subnet_row(i) for i in sources]
            return [self._group_row(i) for i in sources]

    def _subnet_row(self, i: int) -> list[Any]:
        classes = self.scope.subnet_classes
        src, row = classes[i], []
        for dst in classes:
            if dst is src:
                other = _cell([ev.between(src, src) for ev in self.evaluators]) \
                    if len(src.subnets) > 1 else None
                row.append((_cell([ev.between(src, src, same=True) for ev in self.evaluators]),
                            other))
            else:
                row.append(_cell([ev.between(src, dst) for ev in self.evaluators]))
        return row

    def _group_row(self, i: int) -> list[Cell]:
        sources = self.holders.get(self.groups[i], ())
        return [_cell([_first_passing(ev, sources, self.holders.get(b, ()), memo)
                       for ev, memo in zip(self.evaluators, self._memos)])
                for b in self.groups]

    def assemble(self, rows: list[list[Any]]) -> Matrix:
        """The matrix of all the rows, in source order (`rows[i]` is source i's); pairs in
        the order `matrix` puts them."""
        answer = Matrix()
        answer.classes = self.classes
        if self.kind == "subnet":
            layout = _Layout(self.scope.subnet_classes)
            layout.fill(answer, rows)
            answer.blocked_by = RowCodes(layout, rows, answer)
        else:
            for a, row in zip(self.groups, rows):
                _put_row(answer, [(a, b) for b in self.groups], list(row))
        return answer


class _Layout:
    """Where a subnet matrix's pairs go. A source class's pairs are made subnet by subnet
    against every destination subnet at once (loops in C, not one per class pair), then
    put in `matrix`'s order — destination class by destination class — by a permutation
    that depends only on the source class's size."""

    def __init__(self, classes: list[SubnetClass]) -> None:
        self.classes = classes
        self.subnets = [s for c in classes for s in c.subnets]
        self.owner = [k for k, c in enumerate(classes) for _ in c.subnets]
        self.start = list(accumulate((len(c.subnets) for c in classes), initial=0))
        self._orders: dict[int, itemgetter[Any]] = {}
        self._index: dict[str, int] | None = None

    def order(self, size: int) -> itemgetter[Any]:
        found = self._orders.get(size)
        if found is None:
            n, start = len(self.subnets), self.start
            found = self._orders[size] = itemgetter(*[
                i * n + j for k in range(len(self.classes)) for i in range(size)
                for j in range(start[k], start[k + 1])])
        return found

    def fill(self, answer: Matrix, rows: list[list[Any]]) -> None:
        """Every pair's reachability (the codes stay in the rows: `RowCodes`)."""
        for k, (src, row) in enumerate(zip(self.classes, rows)):
            passed = [row[c] is True for c in self.owner]   # per destination subnet
            lo, hi = self.start[k], self.start[k + 1]
            same, other = (cell is True for cell in row[k])
            pairs: list[Any] = []
            values: list[bool] = []
            for a in src.subnets:
                pairs += zip(repeat(a), self.subnets)
                passed[lo:hi] = [same if b == a else other for b in src.subnets]
                values += passed
            if len(src.subnets) > 1:
                order = self.order(len(src.subnets))
                pairs, values = list(order(pairs)), list(order(values))
            answer.update(zip(pairs, values))

    def cell(self, rows: list[list[Any]], a: str, b: str) -> Cell:
        """The cell of one pair (KeyError for a subnet not in the matrix)."""
        ka, kb = self.class_index[a], self.class_index[b]
        found = rows[ka][kb]
        return (found[0] if a == b else found[1]) if ka == kb else found

    @property
    def class_index(self) -> dict[str, int]:
        if self._index is None:
            self._index = {s: k for k, c in enumerate(self.classes) for s in c.subnets}
        return self._index


class RowCodes(Mapping[Pair, str]):
    """`Matrix.blocked_by` of a subnet matrix assembled from rows: a pair's code is read from
    its classes' cell when asked instead of being stored per pair (an organisation's
    matrix has tens of millions of blocked pairs; storing them was most of the assembly).
    Codes put in afterwards are kept on the side."""

    def __init__(self, layout: _Layout, rows: list[list[Any]], pairs: Iterable[Pair]) -> None:
        self.layout, self.rows, self.pairs = layout, rows, pairs     # `pairs`: in order
        self.extra: dict[Pair, str] = {}

    def __getitem__(self, pair: Pair) -> str:
        if pair in self.extra:
            return self.extra[pair]
        found = self.layout.cell(self.rows, *pair)
        if found.__class__ is not str:
            raise KeyError(pair)
        return str(found)

    def __setitem__(self, pair: Pair, code: str) -> None:
        self.extra[pair] = code

    def pop(self, pair: Pair, default: Any = None) -> Any:
        return self.extra.pop(pair, default)

    def __iter__(self) -> Iterator[Pair]:
        index = self.layout.class_index
        yield from (pair for pair in self.pairs if pair in self)
        yield from (pair for pair in self.extra if pair[0] not in index or pair[1] not in index)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _cell(verdicts: list[_Verdict | None]) -> Cell:
    """One pair's answer over the protocols' verdicts: reachable if any protocol gets
    through, else the first protocol's code (as `_union` unites whole matrices)."""
    if any(v is not None and v.passed for v in verdicts):
        return True
    return verdicts[0].code if verdicts[0] is not None else None


def _put_row(answer: Matrix, pairs: list[Pair], cells: list[Cell]) -> None:
    answer.update(zip(pairs, [cell is True for cell in cells]))
    answer.blocked_by.update((pair, cell) for pair, cell in zip(pairs, cells)
                             if cell.__class__ is str)
