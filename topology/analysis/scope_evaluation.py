"""Evaluating a Network Access Scope over one account and region: its findings.

A finding is a reachable path that matches at least one `MatchPaths` entry and no
`ExcludePaths` entry (Network Access Analyzer guide). Evaluation enumerates candidate sources
and destinations from the graph (network interfaces, internet gateways, VPN gateways, and any
transit gateway attachment, VPC endpoint or peering connection the scope names), the packets
each path's header statements allow (protocols; destination ports — a range is probed at
its ends and at common service ports inside it), and asks the reachability engine about every
pair that can possibly connect. The engine is passed in (`reach`, `routing.reachability`'s
signature): `topology` does not import `routing`.

Work is bounded. Pairs that cannot connect are never asked (a gateway and an interface of
another VPC; two gateways); when the pairs still exceed the budget, interfaces with the same
subnet, security groups and public address are grouped and one representative pair per group
pair is asked first (the others only when it is reachable); past the budget the analysis
stops and says so in `WarningMessage`.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from netaddr import IPAddress, IPNetwork

from ..connect import endpoint_views, peering
from ..core import schema
from ..core.errors import TopologyError
from ..core.world import Partition, World
from ..network import internet_gateways, network_interfaces, prefix_lists, vpn_gateways
from . import access_scopes

log = logging.getLogger("ec2sim")
Reach = Callable[..., Any]
BUDGET = 2000                  # engine calls per analysis
COMMON_PORTS = (22, 80, 443, 3389, 3306, 5432, 1433, 6379, 8080, 8443)
ENI = "network-interface"
GATEWAYS = ("internet-gateway", "vpn-gateway")        # sources/destinations when none named
ENDPOINT_KINDS = frozenset({ENI, "internet-gateway", "vpn-gateway", "transit-gateway-attachment",
                            "vpc-endpoint", "vpc-peering-connection"})


@dataclass(frozen=True)
class Probe:
    """One packet to ask the engine about."""

    protocol: str
    port: int | None
    source_port: int | None = None


@dataclass
class Outcome:
    findings: list[dict[str, Any]] = field(default_factory=list)
    analyzed_enis: int = 0
    warning: str | None = None
    calls: int = 0
    errors: int = 0


def evaluate(world: World, part: Partition, scope_id: str, reach: Reach, *,
             budget: int = BUDGET) -> Outcome:
    """The findings of the scope over `part` (each `{FindingId, FindingComponents}`)."""
    node = world.graph.nodes[scope_id]
    outcome = Outcome(analyzed_enis=len(part.ids(ENI)))
    seen: set[tuple[str, str, str, int | None]] = set()
    for match in node["MatchPaths"]:
        if not _run_path(world, part, match, node["ExcludePaths"], reach, outcome, seen, budget):
            outcome.warning = (f"The analysis stopped after {budget} path evaluations; the "
                               "findings may be incomplete.")
            break
    return outcome


def _run_path(world: World, part: Partition, match: dict[str, Any],
              excludes: list[dict[str, Any]], reach: Reach, outcome: Outcome,
              seen: set[tuple[str, str, str, int | None]], budget: int) -> bool:
    """Evaluate one MatchPaths entry; False when the budget ran out."""
    headers = _headers(match)
    probes = _probes(headers)
    sources = _endpoints(world, part, match.get("Source"))
    dests = _endpoints(world, part, match.get("Destination"))
    pairs = [(s, d) for s in sources for d in dests if _may_connect(world, s, d)]
    grouped = len(pairs) * len(probes) > budget - outcome.calls
    for group in _group_pairs(world, pairs, grouped):
        for probe in probes:
            asked = 0
            for src, dst in group:
                addresses = _addresses(world, src, dst, headers)
                if addresses is None:       # the scope's addresses rule this pair out
                    continue
                if outcome.calls >= budget:
                    return False
                found = _ask(world, part, reach, src, dst, probe, addresses, outcome)
                asked += 1
                if found is None:
                    if grouped and asked == 1:
                        break         # the representative is unreachable: so is its group
                    continue
                key = (src, dst, probe.protocol, probe.port)
                if key in seen or _excluded(world, excludes, src, dst, probe, found):
                    continue
                if not _through(world, match.get("ThroughResources") or [], found):
                    continue
                seen.add(key)
                finding_id = str(uuid.UUID(int=world.rng.getrandbits(128), version=4))
                outcome.findings.append({"FindingId": finding_id, "FindingComponents": found})
    return True

def _ask(world: World, part: Partition, reach: Reach, src: str, dst: str, probe: Probe,
         addresses: tuple[str | None, str | None], outcome: Outcome
         ) -> list[dict[str, Any]] | None:
    """The forward path components if the engine finds `src` -> `dst` for the probe."""
    outcome.calls += 1
    try:
        result = reach(world, src, dst, protocol=probe.protocol, destination_port=probe.port,
                       source_port=probe.source_port, source_ip=addresses[0],
                       destination_ip=addresses[1], account=part.account, region=part.region)
    except TopologyError:
        return None
    except Exception:   # the engine's bug: one bad pair must not sink the analysis
        outcome.errors += 1
        log.exception("reachability engine failed on %s -> %s", src, dst)
        return None
    return list(result.forward_path) if result.network_path_found else None


# -- endpoints -------------------------------------------------------------------------------
def _endpoints(world: World, part: Partition, statement: dict[str, Any] | None) -> list[str]:
    """The sources (or destinations) a path statement selects, in creation order."""
    resources = (statement or {}).get("ResourceStatement")
    if resources is None:
        ids: list[str] = [e for e in part.ids(ENI) if _user_eni(world, e)]
        for kind in GATEWAYS:
            ids.extend(part.ids(kind))
        return ids
    return list(dict.fromkeys(_expand_statement(world, part, resources)))


def _expand_statement(world: World, part: Partition, resources: dict[str, Any]
                      ) -> Iterable[str]:
    for rtype in resources.get("ResourceTypes") or []:
        kind = access_scopes.RESOURCE_TYPES[rtype][0]
        if kind is None:
            continue
        for rid in part.ids(kind):
            yield from _expand(world, rid, named=False)
    for ref in resources.get("Resources") or []:
        rid = ref.rpartition("/")[2] if ref.startswith("arn:") else ref
        node = world.node(rid)
        if node is not None and node["region"] == part.region:
            yield from _expand(world, rid, named=True)


def _expand(world: World, rid: str, *, named: bool) -> list[str]:
    """The endpoints a resource stands for: an instance its interfaces, a subnet, VPC or
    security group the interfaces in it, an endpoint itself."""
    kind = world.graph.nodes[rid]["kind"]
    if kind == ENI:
        return [rid] if named or _user_eni(world, rid) else []
    if kind in ENDPOINT_KINDS:
        return [rid]
    if kind == "instance":
        enis = [e for e, _, _ in world.into(rid, schema.ATTACHED, ENI)]
    elif kind == "subnet":
        enis = [e for e, _, _ in world.out(rid, schema.CONTAINS, ENI)]
    elif kind == "vpc":
        enis = [e for s, _, _ in world.out(rid, schema.CONTAINS, "subnet")
                for e, _, _ in world.out(s, schema.CONTAINS, ENI)]
    elif kind == "security-group":
        enis = [e for e, _, _ in world.into(rid, schema.ASSOCIATED, ENI)]
    else:
        return []
    return [e for e in enis if _user_eni(world, e)]


def _user_eni(world: World, eni_id: str) -> bool:
    """Interfaces of the user's own: not those AWS manages for a NAT gateway or endpoint."""
    return not world.graph.nodes[eni_id].get("RequesterManaged")


def _vpcs(world: World, rid: str) -> set[str] | None:
    """The VPCs an endpoint opens onto (None: not known, so any)."""
    kind = world.graph.nodes[rid]["kind"]
    if kind == ENI:
        return {network_interfaces.vpc_of(world, rid)}
    if kind == "internet-gateway":
        vpc = internet_gateways.attached_vpc(world, rid)
        return {vpc} if vpc else set()
    if kind == "vpn-gateway":
        vpc = vpn_gateways.attached_vpc(world, rid)
        return {vpc} if vpc else set()
    if kind == "vpc-peering-connection":
        return set(peering.vpcs_of(world, rid).values())
    if kind == "vpc-endpoint":
        return {endpoint_views.vpc_of(world, rid)}
    return None


def _may_connect(world: World, src: str, dst: str) -> bool:
    """Whether a path can exist at all: one end is an interface, and a gateway's VPC holds
    the interface at the other end."""
    if src == dst:
        return False
    kinds = world.graph.nodes[src]["kind"], world.graph.nodes[dst]["kind"]
    if ENI not in kinds:
        return False
    if kinds == (ENI, ENI):
        return True
    eni, other = (src, dst) if kinds[0] == ENI else (dst, src)
    vpcs = _vpcs(world, other)
    return vpcs is None or network_interfaces.vpc_of(world, eni) in vpcs


def _signature(world: World, rid: str) -> tuple[Any, ...]:
    if world.graph.nodes[rid]["kind"] != ENI:
        return (rid,)
    return (network_interfaces.subnet_of(world, rid),
            frozenset(network_interfaces.groups(world, rid)),
            network_interfaces.public_ip(world, rid) is not None)


def _group_pairs(world: World, pairs: list[tuple[str, str]], grouped: bool
                 ) -> list[list[tuple[str, str]]]:
    """The pairs, each alone, or (over budget) grouped by both ends' signatures."""
    if not grouped:
        return [[pair] for pair in pairs]
    groups: dict[tuple[Any, ...], list[tuple[str, str]]] = {}
    for src, dst in pairs:
        groups.setdefault((_signature(world, src), _signature(world, dst)), []).append((src, dst))
    return list(groups.values())


# -- packets ---------------------------------------------------------------------------------
def _headers(path: dict[str, Any]) -> list[dict[str, Any]]:
    """The packet header statements a path's packets must satisfy (source and destination)."""
    return [path[role]["PacketHeaderStatement"] for role in ("Source", "Destination")
            if (path.get(role) or {}).get("PacketHeaderStatement")]


def _span(text: str) -> tuple[int, int]:
    low, sep, high = text.partition("-")
    return int(low), int(high) if sep else int(low)


def _in_spans(port: int | None, specs: list[str]) -> bool:
    return port is not None and any(lo <= port <= hi for lo, hi in map(_span, specs))


def _probes(headers: list[dict[str, Any]]) -> list[Probe]:
    protocols = ["tcp", "udp"]
    ports: list[int | None] = []
    source_port: int | None = None
    for header in headers:
        if header.get("Protocols"):
            protocols = [p for p in protocols if p in header["Protocols"]]
        for spec in header.get("DestinationPorts") or []:
            low, high = _span(spec)
            ports.extend([low, high, *(p for p in COMMON_PORTS if low < p < high)])
        if header.get("SourcePorts") and source_port is None:
            source_port = _span(header["SourcePorts"][0])[0]
    ports = [p for p in dict.fromkeys(ports)
             if all(_in_spans(p, h["DestinationPorts"]) for h in headers
                    if h.get("DestinationPorts"))] or [None]
    return [Probe(proto, port, source_port) for proto in protocols for port in ports]


def _constraints(world: World, headers: list[dict[str, Any]], side: str) -> list[list[IPNetwork]]:
    """Per header statement, the networks the `side` ("Source"/"Destination") address must
    lie in (addresses, or a prefix list's CIDRs)."""
    found = []
    for header in headers:
        nets = [IPNetwork(a) for a in header.get(f"{side}Addresses") or []]
        for ref in header.get(f"{side}PrefixLists") or []:
            pl_id = ref.rpartition("/")[2]
            if world.node(pl_id) is not None:
                nets.extend(IPNetwork(c) for c in prefix_lists.cidrs(world, pl_id))
        if header.get(f"{side}Addresses") or header.get(f"{side}PrefixLists"):
            found.append(nets)
    return found


def _pick(world: World, rid: str, constraints: list[list[IPNetwork]]) -> tuple[bool, str | None]:
    """(possible, address to use) for an endpoint under address constraints: an interface
    uses one of its own addresses; a gateway a representative address of the constraint."""
    if not constraints:
        return True, None
    node = world.graph.nodes[rid]
    if node["kind"] == ENI:
        own = list(node.get("ips") or [])
        public = network_interfaces.public_ip(world, rid)
        own += [public] if public else []
        for ip in own:
            if all(any(IPAddress(ip) in net for net in nets) for nets in constraints):
                return True, ip
        return False, None
    net = constraints[0][0] if constraints[0] else None
    if net is None:
        return False, None
    if net.prefixlen == 0:
        return True, None
    return True, str(net[0] if net.size <= 2 else net[1])


def _addresses(world: World, src: str, dst: str, headers: list[dict[str, Any]]
               ) -> tuple[str | None, str | None] | None:
    ok_src, src_ip = _pick(world, src, _constraints(world, headers, "Source"))
    ok_dst, dst_ip = _pick(world, dst, _constraints(world, headers, "Destination"))
    return (src_ip, dst_ip) if ok_src and ok_dst else None


# -- matching found paths ----------------------------------------------------------------------
def _component_ids(components: list[dict[str, Any]]) -> list[str]:
    return [c["Component"]["Id"] for c in components
            if isinstance(c.get("Component"), dict) and c["Component"].get("Id")]


def _selects(world: World, resources: dict[str, Any], rid: str) -> bool:
    """Whether a resource statement names `rid` (by id or ARN, by containing resource, or by
    type)."""
    node = world.node(rid)
    if node is None:
        return False
    for rtype in resources.get("ResourceTypes") or []:
        kind = access_scopes.RESOURCE_TYPES[rtype][0]
        if kind == node["kind"] or (node["kind"] == ENI and kind in ("subnet", "vpc",
                                                                      "security-group")):
            return True
        if node["kind"] == ENI and kind == "instance" and \
                network_interfaces.attachment(world, rid) is not None:
            return True
    for ref in resources.get("Resources") or []:
        named = ref.rpartition("/")[2] if ref.startswith("arn:") else ref
        if named == rid or (world.node(named) is not None
                            and rid in _expand(world, named, named=True)):
            return True
    return False


def _through(world: World, statements: list[dict[str, Any]], found: list[dict[str, Any]]
             ) -> bool:
    """Every ThroughResources statement names some component of the path."""
    ids = _component_ids(found)
    for statement in statements:
        resources = statement["ResourceStatement"]
        if not any(_selects(world, resources, rid) for rid in ids):
            return False
    return True


def _header_admits(world: World, header: dict[str, Any], probe: Probe, src: str, dst: str
                   ) -> bool:
    if header.get("Protocols") and probe.protocol not in header["Protocols"]:
        return False
    if header.get("DestinationPorts") and not _in_spans(probe.port, header["DestinationPorts"]):
        return False
    for side, rid in (("Source", src), ("Destination", dst)):
        constraints = _constraints(world, [header], side)
        if constraints and not _pick(world, rid, constraints)[0]:
            return False
    return True


def _excluded(world: World, excludes: list[dict[str, Any]], src: str, dst: str,
              probe: Probe, found: list[dict[str, Any]]) -> bool:
    """Whether an ExcludePaths entry matches the finding (a missing statement matches all)."""
    for path in excludes:
        ends = ((path.get("Source"), src), (path.get("Destination"), dst))
        if any(s and s.get("ResourceStatement")
               and not _selects(world, s["ResourceStatement"], rid) for s, rid in ends):
            continue
        if not all(_header_admits(world, h, probe, src, dst) for h in _headers(path)):
            continue
        if _through(world, path.get("ThroughResources") or [], found):
            return True
    return False

