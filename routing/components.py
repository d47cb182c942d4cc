"""Resources as Reachability Analyzer names them: boto3's `AnalysisComponent` ({Id, Arn, Name}),
and the few graph lookups every part of the engine shares (an interface's subnet, VPC and
instance; a node's partition; the interface that holds an address).
"""
from __future__ import annotations

from typing import Any

from netaddr import IPAddress, IPNetwork

from topology.core import schema
from topology.core.world import Partition, World
from topology.network import network_interfaces as enis
from topology.network import subnets

from .packet import family

# node kind -> the resource type in its ARN (`arn:aws:ec2:<region>:<account>:<type>/<id>`)
ARN_TYPES: dict[str, str] = {
    "nat-gateway": "natgateway",
    "elastic-ip": "elastic-ip",
}
PUBLIC_OWNER = "aws"       # how the ARNs of AWS-managed resources name their owner


def arn(node: dict[str, Any], rid: str) -> str:
    account = node["account"] if node["account"].isdigit() else PUBLIC_OWNER
    kind = ARN_TYPES.get(node["kind"], node["kind"])
    return f"arn:aws:ec2:{node['region']}:{account}:{kind}/{rid}"


def component(world: World, rid: str) -> dict[str, str]:
    """boto3's `AnalysisComponent` for a resource (its Name tag as `Name`)."""
    node = world.graph.nodes.get(rid)
    if node is None:
        return {"Id": rid}
    out = {"Id": rid, "Arn": arn(node, rid)}
    name = node.get("tags", {}).get("Name")
    if name:
        out["Name"] = name
    return out


def kind_of(world: World, rid: str) -> str | None:
    node = world.graph.nodes.get(rid)
    return None if node is None else node["kind"]


def partition_of(world: World, rid: str) -> Partition | None:
    """The partition a node lives in (never creates one: reachability only reads)."""
    node = world.graph.nodes[rid]
    key = (node["account"], node["region"])
    for part in world.partitions():
        if (part.account, part.region) == key:
            return part
    return None


# -- interfaces --------------------------------------------------------------------------------
def subnet_of(world: World, eni: str) -> str:
    return enis.subnet_of(world, eni)


def vpc_of_subnet(world: World, subnet: str) -> str:
    return subnets.vpc_of(world, subnet)


def vpc_of(world: World, eni: str) -> str:
    return enis.vpc_of(world, eni)


def owner_of(world: World, eni: str) -> str | None:
    """What the interface is attached to: an instance, a NAT gateway, an endpoint, a transit
    gateway attachment (None when detached)."""
    found = world.out(eni, schema.ATTACHED)
    for target, _, _ in found:
        if not world.graph.nodes[target].get("deleted"):
            return target
    return None


def addresses(world: World, eni: str, version: int = 4) -> list[str]:
    """The interface's private IPv4 addresses (primary first), or its IPv6 addresses."""
    node = world.graph.nodes[eni]
    return list(node["ips"] if version == 4 else node.get("ipv6s") or ())


def _index(ip: str) -> str:
    """The partition value index holding interfaces' addresses of the address's family."""
    return enis.PRIVATE_IP if family(ip) == 4 else enis.IPV6


def interface_holding(world: World, vpc: str, ip: str) -> str | None:
    """The live interface of `vpc` whose private IPv4 (or IPv6) addresses include `ip`."""
    part = partition_of(world, vpc)
    if part is None:
        return None
    for eni in sorted(world.claimed(part, _index(ip), ip)):
        node = world.node(eni)
        if node is not None and node["kind"] == enis.KIND and vpc_of(world, eni) == vpc:
            return eni
    return None


def interfaces_holding(world: World, ip: str) -> list[str]:
    """Every live interface, in any partition, with the private address (or IPv6) `ip`."""
    found: list[str] = []
    for part in world.partitions():
        for eni in sorted(world.claimed(part, _index(ip), ip)):
            node = world.node(eni)
            if node is not None and node["kind"] == enis.KIND:
                found.append(eni)
    return found


def public_holder(world: World, public_ip: str) -> tuple[str, str] | None:
    """(interface, private address) a public address maps to, searching every partition: a
    public IPv4's Elastic IP association or automatic public address; an IPv6 address is
    its own public one (no translation), when it is a global one."""
    if family(public_ip) == 6:
        if not is_global(public_ip):
            return None
        holders = interfaces_holding(world, public_ip)
        return (holders[0], public_ip) if holders else None
    for part in world.partitions():
        for holder in sorted(world.claimed(part, enis.PUBLIC_IP, public_ip)):
            node = world.node(holder)
            if node is None:
                continue
            if node["kind"] == enis.KIND:
                for private, public in enis.public_ips(world, holder).items():
                    if public == public_ip:
                        return holder, private
            elif node["kind"] == "elastic-ip":
                assoc = world.out(holder, schema.ASSOCIATED, enis.KIND)
                if assoc:
                    return assoc[0][0], assoc[0][2]["PrivateIpAddress"]
    return None


def public_of(world: World, eni: str, private_ip: str) -> str | None:
    """The public address of one of the interface's addresses: the public IPv4 mapped to a
    private one; a global IPv6 address itself."""
    if family(private_ip) == 6:
        return private_ip if is_global(private_ip) else None
    return enis.public_ips(world, eni).get(private_ip)


def is_global(ip: str) -> bool:
    """Whether an IPv6 address is reachable on the internet: not unique-local (fc00::/7, the
    private IPv6 blocks VPCs may use), link-local or multicast."""
    return not any(IPAddress(ip) in net for net in NOT_GLOBAL6)


NOT_GLOBAL6 = (IPNetwork("fc00::/7"), IPNetwork("fe80::/10"), IPNetwork("ff00::/8"),
               IPNetwork("::/96"))
