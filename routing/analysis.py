"""`reachability`: can a packet get from a source to a destination, and can the reply get
back? The answer in Reachability Analyzer's terms (`Analysis`).

The forward walk follows the packet from the source; if it arrives, the return walk follows
the reply from where it arrived, with addresses and ports exchanged, through the same kind of
checks (network ACLs again, security groups not: they are stateful; NAT gateways undo their
translations). The path is found when both arrive.

A path is IPv4 unless an address given is IPv6 or `ip_version=6` is asked: then the ends'
IPv6 addresses are used, IPv6 routes, rules and gateways (an egress-only internet gateway
among them) apply, and ICMP means ICMPv6.

When the request leaves something open (the protocol `-1`, a gateway's addresses, an
instance's private or public address) the engine tries a few concrete candidates and answers
with the first that gets through, else with the first one's explanations.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from topology.core.errors import InvalidParameterValue
from topology.core.world import World

from .explanations import Blocked, explanation
from .packet import (ALL_PORTS, EPHEMERAL, ICMP, PROTOCOLS, Packet, address, family, is_ip, single,
                     text_of)
from .places import (Endpoint, Place, destinations, goal_of, resolve, same_region, sources, start,
                     start_return)
from .walk import Walk, render

ANY_PROTOCOL = ("6", "17", "1")     # what "-1" (all traffic) tries: TCP, UDP, ICMP
MAX_SCENARIOS = 12


def any_protocol(version: int = 4) -> tuple[str, ...]:
    """What "-1" (all traffic) tries in the family: TCP, UDP and its ICMP."""
    return ANY_PROTOCOL[:2] + (ICMP[version],)


@dataclass
class Analysis:
    """A reachability answer: whether a path was found, its forward and return path
    components (boto3's `PathComponent`; up to the blocking hop when none was found) and the
    explanations (boto3's `Explanation`) of why not."""

    network_path_found: bool
    forward_path: list[dict[str, Any]] = field(default_factory=list)
    return_path: list[dict[str, Any]] = field(default_factory=list)
    explanations: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class _Scenario:
    protocol: str
    source: Place
    destination: Place | None
    src: Endpoint
    dst: Endpoint


def reachability(world: World, source: str, destination: str | None = None, *,
                 protocol: str = "tcp", destination_port: int | None = None,
                 source_ip: str | None = None, destination_ip: str | None = None,
                 source_port: int | None = None, account: str | None = None,
                 region: str | None = None, ip_version: int | None = None) -> Analysis:
    """Analyse the path from `source` to `destination` (or to `destination_ip`).

    `source` and `destination` are ids of instances, network interfaces, internet gateways,
    VPC endpoints, transit gateways, virtual private gateways or peering connections;
    `protocol` is `tcp`, `udp`, `icmp` or `-1`; ports and addresses narrow the packet as
    Reachability Analyzer's path filters do. `account`/`region` say whose source it is (a
    peering connection or transit gateway is seen by other accounts too); the destination
    may be another account's. `ip_version` (4 or 6) picks the family; None: IPv6 when an
    address given is one, else IPv4.
    Reads the world only.

    Raises `InvalidParameterValue` for a protocol, address, family or port that cannot be one.
    """
    source_ip, destination_ip = _address("source_ip", source_ip), \
        _address("destination_ip", destination_ip)
    version = _version(ip_version, source_ip, destination_ip)
    number = _protocol(protocol)
    if number == ICMP[4]:
        number = ICMP[version]
    for name, port in (("source_port", source_port), ("destination_port", destination_port)):
        if port is not None and not 0 <= port <= 65535:
            raise InvalidParameterValue(f"Value ({port}) for parameter {name} is invalid.")
    with world.lock:
        try:
            scenarios = _scenarios(world, number, source, destination, source_ip,
                                   destination_ip, account, region, version)
        except Blocked as blocked:
            return Analysis(False, explanations=blocked.explanations)
        first: Analysis | None = None
        for scenario in itertools.islice(scenarios, MAX_SCENARIOS):
            answer = _analyse(world, scenario, source_port, destination_port)
            if answer.network_path_found:
                return answer
            first = first or answer
    assert first is not None
    return first


def _address(name: str, ip: str | None) -> str | None:
    """An address in its canonical text (IPv6 compressed, as interfaces hold it)."""
    if ip is None:
        return None
    if not is_ip(ip):
        raise InvalidParameterValue(f"Value ({ip}) for parameter {name} is invalid.")
    return text_of(address(ip))


def _version(asked: int | None, *ips: str | None) -> int:
    """The family of the walk: as asked, else that of the addresses given (they must agree)."""
    found = {family(ip) for ip in ips if ip is not None}
    if asked is not None and asked not in (4, 6):
        raise InvalidParameterValue(f"Value ({asked}) for parameter ip_version is invalid. "
                                    "Valid values: 4, 6.")
    if len(found | ({asked} if asked else set())) > 1:
        raise InvalidParameterValue("The source and destination addresses must be of one "
                                    "family (IPv4 or IPv6).")
    return asked or (found.pop() if found else 4)


def _protocol(protocol: str) -> str:
    number = PROTOCOLS.get(str(protocol).lower()) or {"6": "6", "17": "17", "1": "1",
                                                       "58": "58"}.get(str(protocol))
    if number is None:
        raise InvalidParameterValue(
            f"Value ({protocol}) for parameter protocol is invalid. Valid values: tcp, udp, "
            "icmp, -1.")
    return number


def _scenarios(world: World, number: str, source: str, destination: str | None,
               source_ip: str | None, destination_ip: str | None, account: str | None,
               region: str | None, version: int) -> list[_Scenario]:
    src_place = resolve(world, source, account, region)
    # the destination may belong to another account (AWS: one of the same organization)
    dst_place = resolve(world, destination, None, None) if destination else None
    if dst_place is None and destination_ip is None:
        raise Blocked(explanation("NO_SOURCE_OR_DESTINATION"))
    toward = dst_place.interfaces[0] if dst_place and dst_place.interfaces else None
    if dst_place is None and destination_ip is not None:
        toward = destinations(world, None, destination_ip, src_place, None, version)[0][0]
    found = []
    protocols = any_protocol(version) if number == "-1" else (number,)
    for src in sources(world, src_place, source_ip, toward, version):
        for dst in destinations(world, dst_place, destination_ip, src_place, src[0], version):
            found += [_Scenario(p, src_place, dst_place, src, dst) for p in protocols]
    return found


def _analyse(world: World, scenario: _Scenario, source_port: int | None,
             destination_port: int | None) -> Analysis:
    (src_eni, src), (dst_eni, dst) = scenario.src, scenario.dst
    packet = Packet(scenario.protocol, src, dst, single(source_port, EPHEMERAL),
                    single(destination_port, ALL_PORTS), src_eni,
                    dst_eni if same_region(world, src_eni, dst_eni) else None)
    forward = Walk(world, packet, goal_of(scenario.destination, dst_eni))
    try:
        start(forward, scenario.source, src_eni)
    except Blocked as blocked:
        steps = render(forward.steps, scenario.protocol, packet.src_ports, packet.dst_ports)
        return Analysis(False, steps, [], blocked.explanations)
    assert forward.end is not None
    back = Walk(world, forward.packet.swapped(), goal_of(scenario.source, src_eni),
                reply=True, conntrack=dict(forward.conntrack))
    try:
        start_return(back, forward.end)
        found, explanations = True, []
    except Blocked as blocked:
        found, explanations = False, blocked.explanations
    src_ports, dst_ports = back.packet.dst_ports, forward.packet.dst_ports
    return Analysis(found, render(forward.steps, scenario.protocol, src_ports, dst_ports),
                    render(back.steps, scenario.protocol, dst_ports, src_ports), explanations)
