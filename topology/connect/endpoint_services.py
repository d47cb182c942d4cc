"""VPC endpoint services: the AWS services of a region (the PrivateLink catalogue), and what
every service shares: who discovers it, what an endpoint names it by, how
DescribeVpcEndpointServices shows it. The services accounts offer through load balancers
are made and managed in `service_configurations`.

Where services live: AWS's own services are `vpc-endpoint-service` nodes of the region's
public partition (pseudo-account `amazon-services`, built on first use, like the public AMI
catalogue), their ids derived from region, name and type, so the same in every run. An
account's own services are nodes of its partition. Two value indexes of the public partition
make discovery cost the size of the answer: "endpoint-service-name" (service name -> ids;
`com.amazonaws.<region>.s3` names a Gateway and an Interface service) and
"endpoint-service-principal" (account id or `*` -> the customer services it may discover).

Who sees what, as on AWS: every account of the region sees AWS's services; an account sees
its own services and those whose allowed principals name it (or `*`). Endpoints connect to
a service with an edge `vpce -[ASSOCIATED]-> vpce-svc`, which is how a service finds its
connections.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ..core import regions, schema
from ..core import tags as tagging
from ..core.errors import TopologyError
from ..core.filters import Filter, select_rows
from ..core.world import Partition, World

KIND = "vpc-endpoint-service"
PUBLIC = "amazon-services"             # pseudo-account holding AWS's services of a region
NAME_INDEX = "endpoint-service-name"   # value index in PUBLIC: service name -> service ids
PRINCIPAL_INDEX = "endpoint-service-principal"   # account id / "*" -> customer services
AMAZON = "amazon"                      # the Owner AWS shows for its own services
LIVE_CONNECTIONS = ("available", "pendingAcceptance", "pending")


@dataclass(frozen=True)
class AwsService:
    """One AWS service of the catalogue; `{region}` in the names is the service's region."""

    name: str                 # after `com.amazonaws.<region>.`
    type: str                 # Gateway | Interface
    base: str                 # its base endpoint DNS name
    private_dns: str | None = None
    wildcard: bool = False    # endpoint DNS names are wildcards (S3 interface endpoints)


_VPCE = "{name}.{region}.vpce.amazonaws.com"
_PUBLIC_DNS = "{name}.{region}.amazonaws.com"


def _interface(name: str, *, private: str = _PUBLIC_DNS, base: str = _VPCE) -> AwsService:
    return AwsService(name, "Interface", base.format(name=name, region="{region}"),
                      private.format(name=name, region="{region}"))


CATALOGUE: tuple[AwsService, ...] = tuple(sorted((
    AwsService("dynamodb", "Gateway", "dynamodb.{region}.amazonaws.com"),
    AwsService("s3", "Gateway", "s3.{region}.amazonaws.com"),
    AwsService("s3", "Interface", "s3.{region}.vpce.amazonaws.com", wildcard=True),
    _interface("ec2"), _interface("ec2messages"), _interface("kms"), _interface("logs"),
    _interface("secretsmanager"), _interface("ssm"), _interface("ssmmessages"),
    _interface("sts"),
    _interface("ecr.api", private="api.ecr.{region}.amazonaws.com",
               base="api.ecr.{region}.vpce.amazonaws.com"),
    _interface("ecr.dkr", private="*.dkr.ecr.{region}.amazonaws.com",
               base="dkr.ecr.{region}.vpce.amazonaws.com"),
), key=lambda s: (s.name, s.type)))


def aws_service_name(region: str, name: str) -> str:
    return f"com.amazonaws.{region}.{name}"


def _hashed(prefix: str, *parts: str, length: int = 17) -> str:
    return f"{prefix}-{hashlib.sha256('/'.join(parts).encode()).hexdigest()[:length]}"


def install(world: World, part: Partition) -> None:
    """Add the catalogue to the public partition of `part.region` (its `setup`)."""
    region = part.region
    for svc in CATALOGUE:
        name = aws_service_name(region, svc.name)
        svc_id = _hashed("vpce-svc", region, svc.name, svc.type)
        fields: dict[str, Any] = {
            "ServiceName": name, "ServiceType": svc.type, "Owner": AMAZON,
            "ServiceState": "Available", "AcceptanceRequired": False,
            "ManagesVpcEndpoints": False, "VpcEndpointPolicySupported": True,
            "SupportedIpAddressTypes": ["ipv4"],
            "BaseEndpointDnsNames": [svc.base.format(region=region)], "wildcard": svc.wildcard}
        if svc.private_dns:
            fields["PrivateDnsName"] = svc.private_dns.format(region=region)
            fields["dns_state"] = "verified"
        world.add(part, KIND, svc_id, **fields)
        world.claim(part, NAME_INDEX, name, svc_id)


def public_partition(world: World, region: str) -> Partition:
    return world.partition(PUBLIC, region, setup=install)


def is_aws(node: dict[str, Any]) -> bool:
    return node["account"] == PUBLIC


# -- who sees what --------------------------------------------------------------------------------
def _allowed(node: dict[str, Any], account: str) -> bool:
    return any(p["account"] in (account, "*") for p in node.get("permissions", ()))


def sees(node: dict[str, Any], account: str, region: str) -> bool:
    """Whether `account` in `region` may discover and connect to the service `node`."""
    return node["region"] == region and (
        is_aws(node) or node["account"] == account or _allowed(node, account))


def visible(world: World, part: Partition) -> list[str]:
    """Every service the caller sees: AWS's, its own, and those shared with it."""
    pub = public_partition(world, part.region)
    found = dict.fromkeys(pub.ids(KIND))
    found.update(dict.fromkeys(part.ids(KIND)))
    for principal in (part.account, "*"):
        found.update(dict.fromkeys(world.claimed(pub, PRINCIPAL_INDEX, principal)))
    return [rid for rid in found if world.node(rid) is not None]


def named(world: World, part: Partition, name: str) -> list[str]:
    """The services called `name` that the caller sees (two for S3: Gateway, Interface)."""
    pub = public_partition(world, part.region)
    nodes = world.graph.nodes
    return sorted((rid for rid in world.claimed(pub, NAME_INDEX, name)
                   if world.node(rid) is not None
                   and sees(nodes[rid], part.account, part.region)),
                  key=lambda rid: nodes[rid]["seq"])


def unknown_name(name: str) -> TopologyError:
    return TopologyError(f"The Vpc Endpoint Service '{name}' does not exist",
                         "InvalidServiceName")


def resolve(world: World, part: Partition, name: str, endpoint_type: str) -> str:
    """The service an endpoint of `endpoint_type` to `name` connects to.

    Raises InvalidServiceName for a name the caller does not see, InvalidParameter when the
    service offers no endpoint of that type.
    """
    found = named(world, part, name)
    if not found:
        raise unknown_name(name)
    nodes = world.graph.nodes
    for svc_id in found:
        if nodes[svc_id]["ServiceType"] == endpoint_type:
            return svc_id
    types = ", ".join(nodes[s]["ServiceType"] for s in found)
    raise TopologyError(f"Endpoint type ({endpoint_type}) does not match available service "
                        f"types ([{types}]).", "InvalidParameter")


def connections(world: World, svc_id: str) -> list[str]:
    """The endpoints connected to the service (any account)."""
    return [v for v, _, _ in world.into(svc_id, schema.ASSOCIATED, "vpc-endpoint")]


# -- views and filters ----------------------------------------------------------------------------
def zones(region: str) -> tuple[list[str], list[str]]:
    found = regions.zones(region)
    return [z["ZoneName"] for z in found], [z["ZoneId"] for z in found]


def detail_view(world: World, svc_id: str, account: str) -> dict[str, Any]:
    """The service as boto3's `ServiceDetail` (DescribeVpcEndpointServices), as `account`
    sees it: tags are the owner's own."""
    node = world.graph.nodes[svc_id]
    names, ids = zones(node["region"])
    out: dict[str, Any] = {
        "ServiceName": node["ServiceName"], "ServiceId": svc_id,
        "ServiceType": [{"ServiceType": node["ServiceType"]}], "ServiceRegion": node["region"],
        "AvailabilityZoneIds": ids, "AvailabilityZones": names, "Owner": node["Owner"],
        "BaseEndpointDnsNames": list(node.get("BaseEndpointDnsNames", [])),
        "VpcEndpointPolicySupported": node["VpcEndpointPolicySupported"],
        "AcceptanceRequired": node["AcceptanceRequired"],
        "ManagesVpcEndpoints": node["ManagesVpcEndpoints"],
        "Tags": tagging.listed(node["tags"])
        if node["account"] == account else [],
        "SupportedIpAddressTypes": list(node["SupportedIpAddressTypes"])}
    if node.get("PrivateDnsName"):
        out["PrivateDnsName"] = node["PrivateDnsName"]
        out["PrivateDnsNames"] = [{"PrivateDnsName": node["PrivateDnsName"]}]
        out["PrivateDnsNameVerificationState"] = node["dns_state"]
    if not is_aws(node):
        out["PayerResponsibility"] = "ServiceOwner"
    return out


def row_field(key: str) -> Filter:
    return Filter(lambda w, rid, row: row[key])


DETAIL_FILTERS: dict[str, Filter] = {
    "owner": row_field("Owner"),
    "service-name": row_field("ServiceName"),
    "service-region": row_field("ServiceRegion"),
    "service-type": Filter(lambda w, rid, row: [t["ServiceType"] for t in row["ServiceType"]]),
    "supported-ip-address-types": row_field("SupportedIpAddressTypes"),
}

def details(world: World, part: Partition, names: list[str] | None,
            specs: list[dict[str, Any]] | None, service_regions: list[str] | None = None
            ) -> list[dict[str, Any]]:
    """DescribeVpcEndpointServices' ServiceDetails, by name then type, before paging.

    Named services must exist for the caller (InvalidServiceName otherwise).
    """
    if names:
        chosen: list[str] = []
        for name in dict.fromkeys(names):
            found = named(world, part, name)
            if not found:
                raise unknown_name(name)
            chosen.extend(found)
    else:
        chosen = visible(world, part)
    rows = [{**detail_view(world, rid, part.account),
             "tags": dict(world.graph.nodes[rid]["tags"])
             if world.graph.nodes[rid]["account"] == part.account else {}}
            for rid in chosen]
    if service_regions:
        rows = [r for r in rows if r["ServiceRegion"] in service_regions]
    rows = select_rows(DETAIL_FILTERS, specs, rows)
    rows.sort(key=lambda r: (r["ServiceName"], r["ServiceType"][0]["ServiceType"]))
    return [{k: v for k, v in row.items() if k != "tags"} for row in rows]


def policy_text(document: Any) -> str:
    """A policy document as given, once it parses as a JSON object."""
    try:
        parsed = json.loads(document)
    except (TypeError, ValueError):
        parsed = None
    if not isinstance(parsed, dict):
        raise TopologyError("The specified policy document is not a valid JSON policy "
                            "document.", "InvalidPolicyDocument")
    return str(document)
