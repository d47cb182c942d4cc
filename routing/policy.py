"""Security groups and network ACLs: which of a packet's destination ports they let through.

Security groups (on interfaces) allow only, and are stateful: the walk checks the sender's
egress and the receiver's ingress rules on the way out and none on the way back. A rule
matches by protocol, by peer (an IPv4 or IPv6 range — each matches only its own family's
packets —, a prefix list's CIDRs, or a referenced group,
which matches the *interfaces* in that group while the packet still carries their identity)
and by port range; the packet keeps the union of the matching rules' ports.

Network ACLs (on subnets) are stateless and ordered: lowest rule number first, the first rule
that matches a port decides it, the `*` rule denies the rest. Both directions are checked at
every subnet boundary, replies included (hence the ephemeral ports).

Both evaluations return a `Verdict`: the ports that pass (empty: blocked) and the rule to
show in the path component (or, for a block, the ACL rule that denied).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from topology.core.world import World
from topology.network import network_acls
from topology.network import network_interfaces as enis
from topology.network import prefix_lists, security_groups
from topology.network.security_group_rules import CIDR4, CIDR6, GROUP, PREFIX_LIST, Peer, Rule

from .packet import ALL_PORTS, NAMES, Packet, Ports, address, intersect, subtract, union, within


@dataclass
class Verdict:
    """What a security group set or an ACL does to a packet."""

    ports: Ports                        # destination ports that pass
    rule: dict[str, Any] | None = None  # the allowing rule, as AWS shows it
    owner: str | None = None            # the group or ACL holding that rule
    deny: dict[str, Any] | None = None  # the ACL rule that denied (when nothing passes)

    @property
    def passed(self) -> bool:
        return bool(self.ports)


def _ports_of(packet: Packet) -> Ports:
    return packet.dst_ports if packet.ported else ALL_PORTS


# -- security groups ---------------------------------------------------------------------------
def security_groups_allow(world: World, eni: str, packet: Packet, *, egress: bool) -> Verdict:
    """The union of what the interface's groups allow in one direction."""
    remote_ip = packet.dst if egress else packet.src
    remote_eni = packet.dst_eni if egress else packet.src_eni
    wanted = _ports_of(packet)
    allowed: Ports = ()
    first: tuple[str, Rule] | None = None
    for sg in enis.groups(world, eni):
        for rule_id in security_groups.rules(world, sg, egress=egress):
            rule = security_groups.stored(world, rule_id)
            if not _protocol_matches(rule.protocol, packet.protocol):
                continue
            if not _peer_matches(world, rule.peer, remote_ip, remote_eni):
                continue
            hit = _rule_ports(rule, packet, wanted)
            if hit:
                allowed = union(allowed, hit)
                first = first or (sg, rule)
    verdict = Verdict(allowed)
    if first is not None:
        verdict.owner = first[0]
        verdict.rule = sg_rule_view(first[0], first[1], egress=egress)
    return verdict


def _protocol_matches(rule_protocol: str, protocol: str) -> bool:
    return rule_protocol == "-1" or rule_protocol == NAMES.get(protocol, protocol) \
        or rule_protocol == protocol


def _rule_ports(rule: Rule, packet: Packet, wanted: Ports) -> Ports:
    if not packet.ported or rule.protocol == "-1":
        return wanted
    return intersect(wanted, rule.from_port, rule.to_port)


def _peer_matches(world: World, peer: Peer, remote_ip: str, remote_eni: str | None) -> bool:
    if peer.kind in (CIDR4, CIDR6):
        return within(address(remote_ip), peer.value)
    if peer.kind == PREFIX_LIST:
        if world.node(peer.value) is None:
            return False
        addr = address(remote_ip)
        return any(within(addr, cidr) for cidr in prefix_lists.cidrs(world, peer.value))
    if peer.kind == GROUP:
        return remote_eni is not None and world.node(remote_eni) is not None \
            and peer.value in enis.groups(world, remote_eni)
    return False


def sg_rule_view(sg: str, rule: Rule, *, egress: bool) -> dict[str, Any]:
    """A rule as boto3's `AnalysisSecurityGroupRule`."""
    out: dict[str, Any] = {"Direction": "egress" if egress else "ingress",
                           "SecurityGroupId": sg, "Protocol": rule.protocol}
    if rule.peer.kind in (CIDR4, CIDR6):
        out["Cidr"] = rule.peer.value
    elif rule.peer.kind == PREFIX_LIST:
        out["PrefixListId"] = rule.peer.value
    if rule.protocol in ("tcp", "udp"):
        out["PortRange"] = {"From": rule.from_port, "To": rule.to_port}
    return out


# -- network ACLs ------------------------------------------------------------------------------
def acl_allows(world: World, subnet: str, packet: Packet, *, egress: bool) -> Verdict:
    """What the subnet's network ACL lets through in one direction (first match wins)."""
    acl = network_acls.acl_for_subnet(world, subnet)
    if acl is None:
        return Verdict(_ports_of(packet))
    remote = address(packet.dst if egress else packet.src)
    remaining = _ports_of(packet)
    verdict = Verdict((), owner=acl)
    for entry in network_acls.ordered_entries(world.graph.nodes[acl], egress=egress):
        if not _entry_matches(entry, packet.protocol, remote):
            continue
        hit = remaining
        port_range = entry.get("PortRange")
        if packet.ported and port_range is not None and entry["Protocol"] != "-1":
            hit = intersect(remaining, port_range["From"], port_range["To"])
        if not hit:
            continue
        if entry["RuleAction"] == "allow":
            verdict.ports = union(verdict.ports, hit)
            verdict.rule = verdict.rule or acl_rule_view(entry)
        else:
            verdict.deny = verdict.deny or acl_rule_view(entry)
        for low, high in hit:
            remaining = subtract(remaining, low, high)
        if not remaining:
            break
    return verdict


def _entry_matches(entry: dict[str, Any], protocol: str, remote: int) -> bool:
    cidr = entry.get("CidrBlock") or entry.get("Ipv6CidrBlock")   # each its own family's
    return cidr is not None and entry["Protocol"] in ("-1", protocol) and within(remote, cidr)


def acl_rule_view(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry as boto3's `AnalysisAclRule`."""
    out: dict[str, Any] = {"Cidr": entry.get("CidrBlock") or entry.get("Ipv6CidrBlock"),
                           "Egress": entry["Egress"],
                           "Protocol": entry["Protocol"], "RuleAction": entry["RuleAction"],
                           "RuleNumber": entry["RuleNumber"]}
    if "PortRange" in entry:
        out["PortRange"] = {"From": entry["PortRange"]["From"], "To": entry["PortRange"]["To"]}
    return out
