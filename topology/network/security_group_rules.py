"""Security group rules as values: AWS's reading of `IpPermission`, its checks, its wording.

An `IpPermission` (boto3's request shape) names one protocol and port range and any number of
peers (IPv4 and IPv6 ranges, prefix lists, groups); AWS stores one rule per peer, so a
permission fans out into `Rule`s here. The graph (`topology.security_groups`) keeps each rule
as a `security-group-rule` node; this module knows nothing of the graph.

AWS's rules, as its API reference and its error messages state them:

* protocols `tcp`, `udp`, `icmp`, `icmpv6` (any case) or a number 0-255, `-1` for all; the
  numbers of the four named ones read back as their names (`6` is `tcp`); `all` is refused;
* TCP and UDP need both ports, 0-65535, from <= to; ICMP and ICMPv6 need a type and a code,
  -1..255 (-1 for all; all types means all codes); any other protocol covers every port, so
  ports given with it are ignored (stored and shown as -1);
* CIDRs are canonicalised (`100.68.0.18/18` is `100.68.0.0/18`) and must be of the range's
  family; a description has at most 255 characters from AWS's set.

>>> rules = from_permission({"IpProtocol": "6", "FromPort": 22, "ToPort": 22,
...                          "IpRanges": [{"CidrIp": "10.1.2.3/16"}]})
>>> rules[0].protocol, rules[0].peer
('tcp', Peer(kind='CidrIpv4', value='10.1.0.0/16', owner=None))
>>> duplicate(rules[0]).message
'the specified rule "peer: 10.1.0.0/16, TCP, from port: 22, to port: 22, ALLOW" already exists'
"""
from __future__ import annotations

import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from netaddr import AddrFormatError, IPNetwork

from ..core.errors import (Conflict, InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, TopologyError)

ALL = "-1"
NUMBERS = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58}
NAMES = {number: name for name, number in NUMBERS.items()}
PORT_PROTOCOLS = ("tcp", "udp")
ICMP_PROTOCOLS = {"icmp": "ICMP", "icmpv6": "ICMPv6"}
MAX_PORT = 65535
MAX_ICMP = 255
MAX_DESCRIPTION = 255
VALID_CHARS = frozenset(string.ascii_letters + string.digits + " ._-:/()#,@[]+=&;{}!$*")
CHARSET_TEXT = "a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*"

# peer kinds, named like `SecurityGroupRule`'s members
CIDR4, CIDR6, PREFIX_LIST, GROUP = "CidrIpv4", "CidrIpv6", "PrefixListId", "ReferencedGroupId"


@dataclass(frozen=True)
class Peer:
    """Who a rule admits (ingress) or reaches (egress)."""

    kind: str                # CIDR4 | CIDR6 | PREFIX_LIST | GROUP
    value: str               # the canonical CIDR, prefix list id or group id
    owner: str | None = None  # the referenced group's account (GROUP only)


@dataclass(frozen=True)
class Rule:
    """One security group rule, without its direction or id."""

    protocol: str
    from_port: int
    to_port: int
    peer: Peer
    description: str | None = None

    def key(self) -> tuple[str, int, int, str, str]:
        """What makes two rules the same rule (the description does not)."""
        return (self.protocol, self.from_port, self.to_port, self.peer.kind, self.peer.value)

    def counts(self) -> tuple[int, int]:
        """(IPv4, IPv6) rule quota use: a group or prefix list reference counts in both."""
        return (int(self.peer.kind != CIDR6), int(self.peer.kind != CIDR4))


PairResolver = Callable[[dict[str, Any]], tuple[str, str]]
PrefixListCheck = Callable[[str], None]


# -- reading requests ----------------------------------------------------------------------
def protocol(value: str | None) -> str:
    """AWS's canonical form of an `IpProtocol`.

    >>> [protocol(p) for p in ("TCP", "17", "-1", "50", "58")]
    ['tcp', 'udp', '-1', '50', 'icmpv6']
    """
    if value is None or value == "":
        raise InvalidParameterValue("Invalid value 'null' for protocol. VPC security group "
                                    "rules must specify protocols explicitly.")
    text = value.strip().lower()
    if text in NUMBERS:
        return text
    digits = text[1:] if text.startswith("-") else text
    if digits.isdigit() and digits.isascii():
        number = int(text)
        if number == -1:
            return ALL
        if 0 <= number <= MAX_ICMP:
            return NAMES.get(number, str(number))
    raise InvalidParameterValue(f"Invalid value '{value}' for IP protocol. Unknown protocol.")


def ports(proto: str, from_port: int | None, to_port: int | None) -> tuple[int, int]:
    """The (from, to) pair AWS stores for `proto`, after AWS's checks."""
    if proto in PORT_PROTOCOLS:
        if from_port is None or to_port is None:
            raise InvalidParameterValue(   # AWS's words, as an SDK error shows them
                "Invalid value for portRange. Must specify both from and to ports with TCP/UDP.")
        for end, port in (("from", from_port), ("to", to_port)):
            if not 0 <= port <= MAX_PORT:
                raise InvalidParameterValue(f"TCP/UDP ({end}) port ({port}) out of range")
        if from_port > to_port:
            raise InvalidParameterValue(f"Invalid TCP/UDP port range ({from_port}:{to_port})")
        return from_port, to_port
    label = ICMP_PROTOCOLS.get(proto)
    if label is None:
        return -1, -1            # all ports: AWS ignores any given
    if from_port is None or to_port is None:
        raise InvalidParameterValue(
            f"Invalid value for portRange. Must specify both from and to ports with {label}.")
    for what, value in (("type", from_port), ("code", to_port)):
        if not -1 <= value <= MAX_ICMP:
            raise InvalidParameterValue(f"{label} {what} ({value}) out of range")
    if from_port == -1 and to_port != -1:
        raise InvalidParameterValue(
            f"Invalid value for portRange. If you specify all {label} types, "
            f"you must specify all {label} codes.")
    return from_port, to_port


def cidr(text: str | None, version: int) -> str:
    """`text` as a canonical CIDR of `version` (host bits dropped, as AWS does)."""
    try:
        if not text or "/" not in text:
            raise ValueError(text)
        net = IPNetwork(text)
        if net.version != version:
            raise ValueError(text)
        return str(net.cidr)
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidParameterValue(f"CIDR block {text} is malformed")


def description(text: str | None) -> str | None:
    """A rule description after AWS's length and character checks ("" is none)."""
    if not text:
        return None
    if len(text) > MAX_DESCRIPTION or not set(text) <= VALID_CHARS:
        raise InvalidParameterValue(
            "Invalid rule description. Valid descriptions are strings less than 256 "
            f"characters from the following set:  {CHARSET_TEXT}")
    return text


def from_permission(perm: dict[str, Any], *, pair: PairResolver | None = None,
                    prefix_list: PrefixListCheck | None = None) -> list[Rule]:
    """The rules an `IpPermission` stands for, one per peer, in request order.

    `pair` turns a `UserIdGroupPair` into `(group id, owner account)` (raising AWS's error
    for an unknown group); `prefix_list` raises for an unknown prefix list.
    """
    proto = protocol(perm.get("IpProtocol"))
    low, high = ports(proto, perm.get("FromPort"), perm.get("ToPort"))

    def rule(peer: Peer, item: dict[str, Any]) -> Rule:
        return Rule(proto, low, high, peer, description(item.get("Description")))

    out = [rule(Peer(CIDR4, cidr(r.get("CidrIp"), 4)), r) for r in perm.get("IpRanges") or []]
    out += [rule(Peer(CIDR6, cidr(r.get("CidrIpv6"), 6)), r)
            for r in perm.get("Ipv6Ranges") or []]
    for item in perm.get("PrefixListIds") or []:
        pl_id = item.get("PrefixListId") or ""
        if prefix_list is not None:
            prefix_list(pl_id)
        out.append(rule(Peer(PREFIX_LIST, pl_id), item))
    for item in perm.get("UserIdGroupPairs") or []:
        if pair is None:
            raise InvalidParameterValue("Security group references are not supported here.")
        group_id, owner = pair(item)
        out.append(rule(Peer(GROUP, group_id, owner), item))
    return out


def from_request(request: dict[str, Any], *, pair: PairResolver | None = None,
                 prefix_list: PrefixListCheck | None = None) -> Rule:
    """The rule a `SecurityGroupRuleRequest` (modify_security_group_rules) describes."""
    targets = [(kind, request[kind]) for kind in (CIDR4, CIDR6, PREFIX_LIST, GROUP)
               if request.get(kind)]
    if not targets:   # AWS's words (moto's aws_verified test_modify_security_group_rules)
        raise MissingParameter("The request must contain exactly one of: cidrIp, cidrIpv6, "
                               "prefixListId, or referencedGroupId")
    if len(targets) > 1:
        raise InvalidParameterCombination("Only one of cidrIp, cidrIpv6, prefixListId, or "
                                          "referencedGroupId can be specified")
    kind, value = targets[0]
    perm: dict[str, Any] = {"IpProtocol": request.get("IpProtocol"),
                            "FromPort": request.get("FromPort"), "ToPort": request.get("ToPort")}
    item = {"Description": request.get("Description")}
    if kind == CIDR4:
        perm["IpRanges"] = [{**item, "CidrIp": value}]
    elif kind == CIDR6:
        perm["Ipv6Ranges"] = [{**item, "CidrIpv6": value}]
    elif kind == PREFIX_LIST:
        perm["PrefixListIds"] = [{**item, "PrefixListId": value}]
    else:
        perm["UserIdGroupPairs"] = [{**item, "GroupId": value}]
    return from_permission(perm, pair=pair, prefix_list=prefix_list)[0]


# -- AWS's words -------------------------------------------------------------------------
def _shown(rule: Rule) -> str:
    """How AWS's messages spell a rule: `peer: 0.0.0.0/0, TCP, from port: 22, to port: 22`."""
    if rule.protocol == ALL:
        what = "ALL"
    elif rule.protocol in PORT_PROTOCOLS or rule.protocol in ICMP_PROTOCOLS:
        name = ICMP_PROTOCOLS.get(rule.protocol, rule.protocol.upper())
        what = f"{name}, from port: {rule.from_port}, to port: {rule.to_port}"
    else:
        what = rule.protocol
    return f"peer: {rule.peer.value}, {what}, ALLOW"


def duplicate(rule: Rule) -> Conflict:
    """`InvalidPermission.Duplicate` for `rule`, worded as AWS words it."""
    return Conflict(f'the specified rule "{_shown(rule)}" already exists',
                    "InvalidPermission.Duplicate")


def not_found() -> TopologyError:
    """`InvalidPermission.NotFound`: a revoked or described rule the group does not have."""
    return TopologyError("The specified rule does not exist in this security group.",
                         "InvalidPermission.NotFound")


# -- boto3's shapes ------------------------------------------------------------------------
def has_ports(proto: str) -> bool:
    return proto in PORT_PROTOCOLS or proto in ICMP_PROTOCOLS


def permissions(rules: Iterable[Rule]) -> list[dict[str, Any]]:
    """`rules` as boto3's `IpPermission` list: grouped by protocol and ports, peers in order."""
    grouped: dict[tuple[str, int, int], dict[str, Any]] = {}
    for rule in rules:
        key = (rule.protocol, rule.from_port, rule.to_port)
        perm = grouped.get(key)
        if perm is None:
            perm = {"IpProtocol": rule.protocol, "IpRanges": [], "Ipv6Ranges": [],
                    "PrefixListIds": [], "UserIdGroupPairs": []}
            if has_ports(rule.protocol):
                perm["FromPort"], perm["ToPort"] = rule.from_port, rule.to_port
            grouped[key] = perm
        described = {"Description": rule.description} if rule.description else {}
        peer = rule.peer
        if peer.kind == CIDR4:
            perm["IpRanges"].append({"CidrIp": peer.value, **described})
        elif peer.kind == CIDR6:
            perm["Ipv6Ranges"].append({"CidrIpv6": peer.value, **described})
        elif peer.kind == PREFIX_LIST:
            perm["PrefixListIds"].append({"PrefixListId": peer.value, **described})
        else:
            perm["UserIdGroupPairs"].append({"GroupId": peer.value, "UserId": peer.owner,
                                             **described})
    return list(grouped.values())
