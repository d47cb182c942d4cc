"""VPC endpoints as the other families read them: the VPC, service, prefix list, route
tables, interfaces and groups of an endpoint (all graph edges, see `endpoints`), its DNS
names, its boto3 view and the DescribeVpcEndpoints filters.

DNS names: an interface endpoint has a regional name and one per zone under each of its
service's base names (`vpce-…-label.<base>`, `*.` first for a wildcard service such as S3's),
in the `vpce.amazonaws.com` hosted zone of its region, plus the service's private name when
private DNS is on (in a private zone of the endpoint's own).
"""
from __future__ import annotations

import hashlib
from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from ..network import network_interfaces, prefix_lists
from ..network.vpc_blocks import in_vpc
from . import endpoint_services as services

KIND = "vpc-endpoint"
VPCE_ZONES = {"us-east-1": "Z7HUB22UULQXV"}   # the vpce.amazonaws.com hosted zone per region


def vpc_of(world: World, vpce_id: str) -> str:
    return world.into(vpce_id, schema.CONTAINS, "vpc")[0][0]


def service_of(world: World, vpce_id: str) -> str:
    return world.out(vpce_id, schema.ASSOCIATED, services.KIND)[0][0]


def prefix_list_of(world: World, vpce_id: str) -> str | None:
    found = world.out(vpce_id, schema.ASSOCIATED, prefix_lists.KIND)
    return found[0][0] if found else None


def route_tables(world: World, vpce_id: str) -> list[str]:
    """The tables a gateway endpoint routes its prefix list in (its `RouteTableIds`)."""
    pl_id = prefix_list_of(world, vpce_id)
    return [u for u, disc, _ in world.into(vpce_id, schema.ROUTE, "route-table")
            if pl_id is not None and disc == pl_id]


def routing_tables(world: World, vpce_id: str) -> list[str]:
    """Every table with a route to the endpoint (a GWLB endpoint is an ordinary target)."""
    return list(dict.fromkeys(u for u, _, _ in world.into(vpce_id, schema.ROUTE, "route-table")))


def interfaces(world: World, vpce_id: str) -> list[str]:
    """The endpoint's network interfaces, in creation order."""
    nodes = world.graph.nodes
    return sorted((u for u, _, _ in world.into(vpce_id, schema.ATTACHED,
                                               network_interfaces.KIND)),
                  key=lambda e: nodes[e]["seq"])


def groups(world: World, vpce_id: str) -> list[str]:
    return [sg for sg, _, _ in world.out(vpce_id, schema.ASSOCIATED, "security-group")]


def get(world: World, part: Partition, vpce_id: str) -> dict[str, Any]:
    return world.get(part, KIND, vpce_id)


def _zone_id(region: str) -> str:
    """The hosted zone id of `vpce.amazonaws.com` names in `region` (AWS's, where known)."""
    known = VPCE_ZONES.get(region)
    if known:
        return known
    digest = hashlib.sha256(f"vpce/{region}".encode()).hexdigest().upper()
    return "Z" + "".join(c for c in digest if c.isalnum())[:12]


def _private_zone(vpce_id: str) -> str:
    return "Z" + hashlib.sha256(f"private/{vpce_id}".encode()).hexdigest().upper()[:20]


def dns_entries(world: World, vpce_id: str) -> list[dict[str, str]]:
    """The endpoint's regional and zonal names (and the service's private name, if on)."""
    node = world.graph.nodes[vpce_id]
    if node["VpcEndpointType"] != "Interface":
        return []
    svc = world.graph.nodes[service_of(world, vpce_id)]
    label = f"{vpce_id}-{node['dns_label']}"
    wild = "*." if svc.get("wildcard") else ""
    zone = _zone_id(node["region"])
    out = []
    for base in svc.get("BaseEndpointDnsNames", []):
        out.append({"DnsName": f"{wild}{label}.{base}", "HostedZoneId": zone})
        for eni in interfaces(world, vpce_id):
            az = world.graph.nodes[eni]["AvailabilityZone"]
            out.append({"DnsName": f"{wild}{label}-{az}.{base}", "HostedZoneId": zone})
    if node.get("PrivateDnsEnabled") and svc.get("PrivateDnsName"):
        out.append({"DnsName": svc["PrivateDnsName"], "HostedZoneId": _private_zone(vpce_id)})
    return out


def view(world: World, vpce_id: str) -> dict[str, Any]:
    """The endpoint as boto3's `VpcEndpoint`."""
    node = world.graph.nodes[vpce_id]
    etype = node["VpcEndpointType"]
    enis = interfaces(world, vpce_id)
    out: dict[str, Any] = {
        "VpcEndpointId": vpce_id, "VpcEndpointType": etype, "VpcId": vpc_of(world, vpce_id),
        "ServiceName": node["ServiceName"], "State": node["State"]}
    if node.get("PolicyDocument") is not None:
        out["PolicyDocument"] = node["PolicyDocument"]
    out["RouteTableIds"] = route_tables(world, vpce_id)
    out["SubnetIds"] = [network_interfaces.subnet_of(world, e) for e in enis]
    out["Groups"] = [{"GroupId": sg, "GroupName": world.graph.nodes[sg]["GroupName"]}
                     for sg in groups(world, vpce_id)]
    if node.get("IpAddressType"):
        out["IpAddressType"] = node["IpAddressType"]
    if node.get("DnsOptions"):
        out["DnsOptions"] = dict(node["DnsOptions"])
    out.update(PrivateDnsEnabled=node["PrivateDnsEnabled"], RequesterManaged=False,
               NetworkInterfaceIds=enis, DnsEntries=dns_entries(world, vpce_id),
               CreationTimestamp=node["CreationTimestamp"])
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    out.update(OwnerId=node["account"], ServiceRegion=node["ServiceRegion"])
    return out


FILTERS: dict[str, Filter] = {
    "ip-address-type": field("IpAddressType"),
    "service-name": field("ServiceName"),
    "service-region": field("ServiceRegion"),
    "vpc-id": Filter(lambda w, rid, n: vpc_of(w, rid), in_vpc(KIND), exact=True),
    "vpc-endpoint-id": ident(),
    "vpc-endpoint-state": field("State"),
    "vpc-endpoint-type": field("VpcEndpointType"),
}
