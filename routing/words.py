"""A reachability answer in plain words: the hops of a path, what blocks one, what an
explanation code means.

The answer is a dict in Reachability Analyzer's member names (`NetworkPathFound`,
`ForwardPathComponents`, `ReturnPathComponents`, `Explanations`); `describe` gives the lines
`ec2sim reach` prints, and `hop_detail`, `meaning`, `blocker` and `explain` the pieces the
web page shows next to its diagram.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from topology.core import schema

__all__ = ["MEANINGS", "blocker", "component", "describe", "explain", "hop_detail", "label",
           "meaning"]


def label(rid: str | None) -> str:
    """`eni-0abc (network interface)` from an id."""
    if not rid:
        return "?"
    kind = schema.KIND_BY_PREFIX.get(rid.rpartition("-")[0])
    return f"{rid} ({kind.name.replace('-', ' ')})" if kind else rid


def _ports(span: dict[str, Any] | None) -> str:
    if not span:
        return "all ports"
    low, high = span.get("From"), span.get("To")
    return f"port {low}" if low == high else f"ports {low}-{high}"


def hop_detail(hop: dict[str, Any]) -> str:
    """What a path component did to the packet, in a few words."""
    route = hop.get("RouteTableRoute")
    if route:
        dest = route.get("DestinationCidr") or route.get("DestinationPrefixListId") or "?"
        target = next((v for k, v in route.items() if k.endswith("Id") and k !=
                       "DestinationPrefixListId" and v), None) or route.get("Origin") or "local"
        return f"route {dest} -> {target}"
    rule = hop.get("SecurityGroupRule")
    if rule:
        peer = rule.get("Cidr") or rule.get("PrefixListId") or rule.get("SecurityGroupId") or ""
        protocol = rule.get("Protocol", "-1")
        what = "all traffic" if protocol in ("-1", "all") else \
            f"{protocol} {_ports(rule.get('PortRange'))}"
        return (f"{rule.get('Direction', '')} rule of {rule.get('SecurityGroupId', '?')} allows "
                f"{what} {'from' if rule.get('Direction') == 'ingress' else 'to'} "
                f"{peer}").strip()
    acl = hop.get("AclRule")
    if acl:
        return (f"network ACL rule {acl.get('RuleNumber')} "
                f"({'outbound' if acl.get('Egress') else 'inbound'}) {acl.get('RuleAction')}s "
                f"{acl.get('Cidr', '')}")
    return ""


def component(item: dict[str, Any]) -> str | None:
    """The id of a path component (`item["Component"]["Id"]`), if it has one."""
    inner = item.get("Component")
    return inner.get("Id") if isinstance(inner, dict) else None


# explanation code -> what it means, in words
MEANINGS = {
    "ENI_SG_RULES_MISMATCH": "no security group rule allows the traffic",
    "SG_HAS_NO_RULES": "the security group has no rules for this direction",
    "SUBNET_ACL_RESTRICTION": "the network ACL denies the traffic",
    "NO_ROUTE_TO_DESTINATION": "no route leads to the destination",
    "CANNOT_ROUTE": "the traffic cannot be routed",
    "BAD_STATE_ROUTE": "the route is not active (blackhole)",
    "BAD_STATE": "the component is not in a usable state",
    "BAD_STATE_ATTACHMENT": "the attachment is not in a usable state",
    "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS":
        "the interface has no public IP for the internet gateway",
    "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS":
        "the destination has no public IP behind the internet gateway",
    "IGW_EXPECTS_PUBLIC_ADDRESS": "the internet gateway expects a public address",
    "ENI_SOURCE_DEST_CHECK_RESTRICTION": "source/destination check drops the forwarded traffic",
    "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR":
        "the peering connection only carries addresses of the peer VPC",
    "NGW_REQUIRES_SOURCE_IN_VPC": "the NAT gateway only serves sources in its VPC",
    "TGW_RTB_CANNOT_ROUTE": "the transit gateway route table has no route to the destination",
    "TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT":
        "the transit gateway route table has no route to the attachment",
    "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION":
        "the transit gateway attachment has no route table association",
    "DISCONNECTED_VPCS": "the VPCs are not connected",
    "NO_PATH": "no path exists",
    "COMPONENT_FILTER_RESTRICTION": "the path cannot go through the required component",
}
# members of an Explanation that name the blocking component, most specific first
_BLOCKERS = ("SecurityGroup", "Acl", "RouteTable", "InternetGateway", "NatGateway",
             "VpcPeeringConnection", "TransitGatewayRouteTable", "TransitGatewayAttachment",
             "TransitGateway", "VpnGateway", "VpcEndpoint", "NetworkInterface", "Subnet",
             "Vpc", "Component")


def blocker(explanation: dict[str, Any]) -> str | None:
    """The id of the component an Explanation blames."""
    for member in _BLOCKERS:
        value = explanation.get(member)
        if member == "SecurityGroup" and not value:     # or the first of several groups
            value = (explanation.get("SecurityGroups") or [None])[0]
        if isinstance(value, dict) and value.get("Id"):
            return str(value["Id"])
    return None


def meaning(code: str) -> str:
    """What an explanation code means, in words (the code itself, lower case, for a code
    without a sentence of its own).

    >>> meaning("SUBNET_ACL_RESTRICTION"), meaning("VPCE_INTRA_VPC_TRAFFIC")
    ('the network ACL denies the traffic', 'vpce intra vpc traffic')
    """
    return MEANINGS.get(code, code.replace("_", " ").lower())


def explain(explanation: dict[str, Any]) -> str:
    """One Explanation in a line: where it is blocked, why, and the code with its details."""
    code = explanation.get("ExplanationCode", "UNKNOWN")
    who = blocker(explanation)
    where = f"blocked at {label(who)}: " if who else "blocked: "
    extra = []
    if isinstance(explanation.get("AclRule"), dict):
        extra.append(f"rule {explanation['AclRule'].get('RuleNumber')}")
    if explanation.get("Direction"):
        extra.append(str(explanation["Direction"]))
    return f"{where}{meaning(code)} [{code}{', ' + ', '.join(extra) if extra else ''}]"


def describe(result: dict[str, Any], source: str, destination: str, protocol: str,
             port: int | None) -> list[str]:
    """The answer in plain words: a headline, then the hops or the blockers."""
    what = f"{protocol}" + (f" port {port}" if port is not None else "")
    if result.get("NetworkPathFound"):
        lines = [f"reachable: {source} -> {destination} ({what})"]
        lines += _hops(result.get("ForwardPathComponents") or [])
        back = result.get("ReturnPathComponents") or []
        if back:
            lines.append("return path:")
            lines += _hops(back)
        return lines
    lines = [f"not reachable: {source} -> {destination} ({what})"]
    explanations = result.get("Explanations") or []
    lines += [f"  {explain(e)}" for e in explanations] or ["  blocked: no path was found"]
    return lines


def _hops(components: Iterable[dict[str, Any]]) -> list[str]:
    lines = []
    for n, hop in enumerate(components, 1):
        number = hop.get("SequenceNumber", n)
        detail = hop_detail(hop)
        lines.append(f"  {number}. {label(component(hop))}" + (f": {detail}" if detail else ""))
    return lines
