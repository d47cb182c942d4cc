"""VPC endpoint services: the AWS services of a region (the PrivateLink catalogue) and the
services accounts offer through Network or Gateway Load Balancers, with their permissions.

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

A service's permissions are its `permissions` field (a list of `{Principal, PrincipalType,
ServicePermissionId}`), replaced copy-on-write.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..core import regions, schema
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, NotFound,
    TopologyError)
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World, not_found

KIND = "vpc-endpoint-service"
PUBLIC = "amazon-services"             # pseudo-account holding AWS's services of a region
NAME_INDEX = "endpoint-service-name"   # value index in PUBLIC: service name -> service ids
PRINCIPAL_INDEX = "endpoint-service-principal"   # account id / "*" -> customer services
AMAZON = "amazon"                      # the Owner AWS shows for its own services
LIVE_CONNECTIONS = ("available", "pendingAcceptance", "pending")
IP_TYPES = ("ipv4", "ipv6")


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


# -- your own services ----------------------------------------------------------------------------
_NLB = re.compile(r"arn:aws[\w-]*:elasticloadbalancing:([a-z0-9-]+):(\d{12}):"
                  r"loadbalancer/(net|gwy)/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}")
_BALANCERS = {"NetworkLoadBalancerArns": ("net", "Network"),
              "GatewayLoadBalancerArns": ("gwy", "Gateway")}
_SERVICE_TYPES = {"NetworkLoadBalancerArns": "Interface",
                  "GatewayLoadBalancerArns": "GatewayLoadBalancer"}


def _balancers(part: Partition, member: str, arns: Iterable[str]) -> list[str]:
    """Well-formed load balancer ARNs of the caller's region (ec2sim has no ELB to ask)."""
    kind, label = _BALANCERS[member]
    out = []
    for arn in dict.fromkeys(arns):
        match = _NLB.fullmatch(arn)
        if match is None or match.group(3) != kind:
            raise TopologyError(f"The {label} Load Balancer ARN '{arn}' is malformed.",
                                f"Invalid{label}LoadBalancerArn.Malformed")
        if match.group(1) != part.region or match.group(2) != part.account:
            raise NotFound(f"The {label} Load Balancer ARN '{arn}' does not exist.",
                           f"Invalid{label}LoadBalancerArn.NotFound")
        out.append(arn)
    return out


def _ip_types(values: Iterable[str]) -> list[str]:
    out = list(dict.fromkeys(values))
    for value in out:
        if value not in IP_TYPES:
            raise InvalidParameterValue(
                f"The supported IP address type ({value}) is invalid. Valid values are: "
                f"{', '.join(IP_TYPES)}.")
    return out


def _regions(part: Partition, values: Iterable[str]) -> list[str]:
    out = list(dict.fromkeys(values))
    for value in out:
        if value not in regions.by_name():
            raise InvalidParameterValue(f"The region '{value}' is not a valid region.")
    return out


def _private_dns(name: str) -> str:
    if not re.fullmatch(r"(\*\.)?([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}", name) or len(name) > 255:
        raise InvalidParameterValue(f"The private DNS name '{name}' is invalid.")
    return name


def create_configuration(world: World, part: Partition, params: dict[str, Any],
                         tags: dict[str, str] | None = None) -> str:
    """CreateVpcEndpointServiceConfiguration: a service fronted by the given load balancers."""
    nlbs = _balancers(part, "NetworkLoadBalancerArns", params.get("NetworkLoadBalancerArns") or [])
    gwlbs = _balancers(part, "GatewayLoadBalancerArns", params.get("GatewayLoadBalancerArns") or [])
    if nlbs and gwlbs:
        raise InvalidParameterCombination(
            "You cannot specify both Network Load Balancers and Gateway Load Balancers for an "
            "endpoint service.")
    if not nlbs and not gwlbs:   # moto's words and code (AWS's not on record)
        raise TopologyError("exactly one of network_load_balancer_arn or "
                            "gateway_load_balancer_arn is a required member", "InvalidParameter")
    dns = params.get("PrivateDnsName")
    if dns is not None and gwlbs:
        raise TopologyError("Private DNS names are not supported for Gateway Load Balancer "
                            "endpoint services.", "InvalidParameter")
    ip_types = _ip_types(params.get("SupportedIpAddressTypes") or ["ipv4"])
    supported = _regions(part, params.get("SupportedRegions") or [])
    svc_id = world.new_id("vpce-svc")
    name = f"com.amazonaws.vpce.{part.region}.{svc_id}"
    world.add(part, KIND, svc_id, ServiceName=name,
              ServiceType="Interface" if nlbs else "GatewayLoadBalancer", Owner=part.account,
              ServiceState="Available", AcceptanceRequired=bool(params.get("AcceptanceRequired")),
              ManagesVpcEndpoints=False, VpcEndpointPolicySupported=False,
              NetworkLoadBalancerArns=nlbs, GatewayLoadBalancerArns=gwlbs,
              SupportedIpAddressTypes=ip_types,
              SupportedRegions=[r for r in supported if r != part.region],
              BaseEndpointDnsNames=[f"{svc_id}.{part.region}.vpce.amazonaws.com"],
              permissions=[])
    if dns is not None:
        _set_private_dns(world, svc_id, _private_dns(dns))
    world.claim(public_partition(world, part.region), NAME_INDEX, name, svc_id)
    for key, value in (tags or {}).items():
        world.tag(svc_id, key, value)
    return svc_id


def _set_private_dns(world: World, svc_id: str, name: str | None) -> None:
    """A new private DNS name waits for its domain to be verified (a TXT record)."""
    if name is None:
        world.update(svc_id, PrivateDnsName=None, dns_state=None, dns_record=None)
        return
    token = hashlib.sha256(f"{svc_id}/{name}".encode()).hexdigest()
    world.update(svc_id, PrivateDnsName=name, dns_state="pendingVerification",
                 dns_record={"Type": "TXT", "Value": f"vpce:{token[:20]}",
                             "Name": f"_{token[20:34]}"})


def get_own(world: World, part: Partition, svc_id: str) -> dict[str, Any]:
    return world.get(part, KIND, svc_id)


def delete_configurations(world: World, part: Partition, ids: list[str]
                          ) -> list[dict[str, Any]]:
    """DeleteVpcEndpointServiceConfigurations; the Unsuccessful items (never an error)."""
    failed = []
    pub = public_partition(world, part.region)
    for svc_id in dict.fromkeys(ids):
        node = world.node(svc_id)
        if node is None or node["kind"] != KIND or (node["account"], node["region"]) != (
                part.account, part.region):
            err = not_found(KIND, svc_id)
            failed.append(_unsuccessful(svc_id, err.code, err.message))
            continue
        live = [e for e in connections(world, svc_id)
                if world.graph.nodes[e].get("State") in LIVE_CONNECTIONS]
        if live:
            failed.append(_unsuccessful(
                svc_id, "ExistingVpcEndpointConnections",
                f"Service {svc_id} has existing active VPC Endpoint connections!"))
            continue
        world.unclaim(pub, NAME_INDEX, node["ServiceName"], svc_id)
        for principal in {p["account"] for p in node.get("permissions", ())}:
            world.unclaim(pub, PRINCIPAL_INDEX, principal, svc_id)
        world.remove(svc_id)
    return failed


def _unsuccessful(rid: str, code: str, message: str) -> dict[str, Any]:
    return {"Error": {"Code": code, "Message": message}, "ResourceId": rid}


def modify_configuration(world: World, part: Partition, svc_id: str,
                         params: dict[str, Any]) -> None:
    """ModifyVpcEndpointServiceConfiguration."""
    node = get_own(world, part, svc_id)
    fields: dict[str, Any] = {}
    for key, (_, label) in _BALANCERS.items():
        adds = _balancers(part, key, params.get(f"Add{key}") or [])
        removes = list(dict.fromkeys(params.get(f"Remove{key}") or []))
        if not adds and not removes:
            continue
        if adds and node["ServiceType"] != _SERVICE_TYPES[key]:
            raise InvalidParameterCombination(
                f"You cannot add {label} Load Balancers to a service of type "
                f"{node['ServiceType']}.")
        for arn in removes:
            if arn not in node[key]:
                raise InvalidParameterValue(
                    f"The load balancer {arn} is not associated with the service {svc_id}.")
        new = [a for a in node[key] if a not in removes] + [a for a in adds
                                                              if a not in node[key]]
        if not new:
            raise InvalidParameterValue(
                f"The endpoint service {svc_id} must have at least one load balancer.")
        if removes and any(world.graph.nodes[e].get("State") in LIVE_CONNECTIONS
                           for e in connections(world, svc_id)):
            raise TopologyError(
                f"Service {svc_id} has existing active VPC Endpoint connections!",
                "ExistingVpcEndpointConnections")
        fields[key] = new
    if params.get("PrivateDnsName") is not None and params.get("RemovePrivateDnsName"):
        raise InvalidParameterCombination(
            "You cannot specify both PrivateDnsName and RemovePrivateDnsName.")
    if params.get("PrivateDnsName") is not None and node["ServiceType"] != "Interface":
        raise TopologyError("Private DNS names are not supported for Gateway Load Balancer "
                            "endpoint services.", "InvalidParameter")
    dns = _private_dns(params["PrivateDnsName"]) if params.get("PrivateDnsName") is not None \
        else None
    ip_types = _changed_list(node.get("SupportedIpAddressTypes", []),
                             _ip_types(params.get("AddSupportedIpAddressTypes") or []),
                             _ip_types(params.get("RemoveSupportedIpAddressTypes") or []))
    if not ip_types:
        raise InvalidParameterValue("The endpoint service must support at least one IP "
                                    "address type.")
    supported = _changed_list(node.get("SupportedRegions", []),
                              _regions(part, params.get("AddSupportedRegions") or []),
                              _regions(part, params.get("RemoveSupportedRegions") or []))
    if params.get("AcceptanceRequired") is not None:
        fields["AcceptanceRequired"] = bool(params["AcceptanceRequired"])
    fields["SupportedIpAddressTypes"] = ip_types
    fields["SupportedRegions"] = [r for r in supported if r != part.region]
    world.update(svc_id, **fields)
    if dns is not None:
        _set_private_dns(world, svc_id, dns)
    elif params.get("RemovePrivateDnsName"):
        _set_private_dns(world, svc_id, None)


def _changed_list(current: list[str], adds: list[str], removes: list[str]) -> list[str]:
    return [v for v in current if v not in removes] + [v for v in adds
                                                      if v not in current and v not in removes]


# -- permissions ----------------------------------------------------------------------------------
_ACCOUNT = r"(\d{12})"
_PRINCIPALS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("All", re.compile(r"\*")),
    ("Account", re.compile(rf"arn:aws[\w-]*:iam::{_ACCOUNT}:root")),
    ("User", re.compile(rf"arn:aws[\w-]*:iam::{_ACCOUNT}:user/[\w+=,.@-]+")),
    ("Role", re.compile(rf"arn:aws[\w-]*:iam::{_ACCOUNT}:role/[\w+=,.@-]+")),
    ("OrganizationUnit", re.compile(
        rf"arn:aws[\w-]*:organizations::{_ACCOUNT}:ou/o-[a-z0-9]+/ou-[a-z0-9-]+")),
    ("Service", re.compile(r"[a-z0-9.-]+\.amazonaws\.com")),
)


def principal(text: str) -> tuple[str, str]:
    """(PrincipalType, account it lets discover the service: an id, `*`, or "") of a
    principal ARN; ARNs with paths are refused, as on AWS."""
    for ptype, pattern in _PRINCIPALS:
        match = pattern.fullmatch(text)
        if match is not None:
            account = "*" if ptype == "All" else (
                match.group(1) if ptype in ("Account", "User", "Role") else "")
            return ptype, account
    raise InvalidParameterValue(f"The principal '{text}' is invalid.")


def modify_permissions(world: World, part: Partition, svc_id: str, adds: list[str],
                       removes: list[str]) -> list[dict[str, Any]]:
    """ModifyVpcEndpointServicePermissions; the principals it added (as AddedPrincipal)."""
    node = get_own(world, part, svc_id)
    parsed_adds = [(p, *principal(p)) for p in dict.fromkeys(adds)]
    for p in dict.fromkeys(removes):
        principal(p)
    current = list(node.get("permissions", []))
    kept = [p for p in current if p["Principal"] not in removes]
    added = []
    for text, ptype, account in parsed_adds:
        existing = next((p for p in kept if p["Principal"] == text), None)
        if existing is None:
            existing = {"Principal": text, "PrincipalType": ptype, "account": account,
                        "ServicePermissionId": world.new_id("vpce-svc-perm")}
            kept.append(existing)
        added.append(existing)
    world.update(svc_id, permissions=kept)
    _reindex_principals(world, part, svc_id, current, kept)
    return [permission_view(svc_id, p) for p in added]


def _reindex_principals(world: World, part: Partition, svc_id: str,
                        old: list[dict[str, Any]], new: list[dict[str, Any]]) -> None:
    pub = public_partition(world, part.region)
    before = {p["account"] for p in old if p["account"]}
    after = {p["account"] for p in new if p["account"]}
    for account in before - after:
        world.unclaim(pub, PRINCIPAL_INDEX, account, svc_id)
    for account in after - before:
        world.claim(pub, PRINCIPAL_INDEX, account, svc_id)


def permission_view(svc_id: str, perm: dict[str, Any]) -> dict[str, Any]:
    return {"PrincipalType": perm["PrincipalType"], "Principal": perm["Principal"],
            "ServicePermissionId": perm["ServicePermissionId"], "ServiceId": svc_id}


def permissions(world: World, part: Partition, svc_id: str) -> list[dict[str, Any]]:
    """The allowed principals of one of the caller's services (AllowedPrincipal rows)."""
    node = get_own(world, part, svc_id)
    return [{**permission_view(svc_id, p), "Tags": []} for p in node.get("permissions", ())]


PERMISSION_FILTERS: dict[str, Filter] = {
    "principal": Filter(lambda w, rid, row: row["Principal"]),
    "principal-type": Filter(lambda w, rid, row: row["PrincipalType"]),
}


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
        "Tags": [{"Key": k, "Value": v} for k, v in node["tags"].items()]
        if node["account"] == account else [],
        "SupportedIpAddressTypes": list(node["SupportedIpAddressTypes"])}
    if node.get("PrivateDnsName"):
        out["PrivateDnsName"] = node["PrivateDnsName"]
        out["PrivateDnsNames"] = [{"PrivateDnsName": node["PrivateDnsName"]}]
        out["PrivateDnsNameVerificationState"] = node["dns_state"]
    if not is_aws(node):
        out["PayerResponsibility"] = "ServiceOwner"
    return out


def configuration_view(world: World, svc_id: str) -> dict[str, Any]:
    """One of the caller's services as boto3's `ServiceConfiguration`."""
    node = world.graph.nodes[svc_id]
    names, ids = zones(node["region"])
    out: dict[str, Any] = {
        "ServiceType": [{"ServiceType": node["ServiceType"]}], "ServiceId": svc_id,
        "ServiceName": node["ServiceName"], "ServiceState": node["ServiceState"],
        "AvailabilityZoneIds": ids, "AvailabilityZones": names,
        "AcceptanceRequired": node["AcceptanceRequired"],
        "ManagesVpcEndpoints": node["ManagesVpcEndpoints"],
        "NetworkLoadBalancerArns": list(node["NetworkLoadBalancerArns"]),
        "GatewayLoadBalancerArns": list(node["GatewayLoadBalancerArns"]),
        "SupportedIpAddressTypes": list(node["SupportedIpAddressTypes"]),
        "BaseEndpointDnsNames": list(node["BaseEndpointDnsNames"]),
        "PayerResponsibility": "ServiceOwner",
        "Tags": [{"Key": k, "Value": v} for k, v in node["tags"].items()],
        "SupportedRegions": [{"Region": r, "ServiceState": "Available"}
                             for r in [node["region"], *node["SupportedRegions"]]],
        "RemoteAccessEnabled": bool(node["SupportedRegions"]),
        "PrivateDnsNameConfiguration": {}}
    if node.get("PrivateDnsName"):
        out["PrivateDnsName"] = node["PrivateDnsName"]
        out["PrivateDnsNameConfiguration"] = {"State": node["dns_state"],
                                              **node["dns_record"]}
    return out


def _rows(key: str) -> Filter:
    return Filter(lambda w, rid, row: row[key])


DETAIL_FILTERS: dict[str, Filter] = {
    "owner": _rows("Owner"),
    "service-name": _rows("ServiceName"),
    "service-region": _rows("ServiceRegion"),
    "service-type": Filter(lambda w, rid, row: [t["ServiceType"] for t in row["ServiceType"]]),
    "supported-ip-address-types": _rows("SupportedIpAddressTypes"),
}

CONFIG_FILTERS: dict[str, Filter] = {
    "service-name": field("ServiceName"),
    "service-id": ident(),
    "service-state": field("ServiceState"),
    "supported-ip-address-types": field("SupportedIpAddressTypes"),
}


def details(world: World, part: Partition, names: list[str] | None,
            specs: list[dict[str, Any]] | None, service_regions: list[str] | None = None
            ) -> list[dict[str, Any]]:
    """DescribeVpcEndpointServices' ServiceDetails, by name then type, before paging.

    Named services must exist for the caller (InvalidServiceName otherwise).
    """
    from ..core.filters import select_rows

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



# -- connections (the endpoints of a service, as its owner sees them) ---------------------------------
def _decide(world: World, part: Partition, svc_id: str, ids: list[str], state: str,
            allowed: tuple[str, ...], verb: str) -> list[dict[str, Any]]:
    """Move connected endpoints to `state` (from one of `allowed`); the Unsuccessful items."""
    get_own(world, part, svc_id)
    connected = set(connections(world, svc_id))
    failed = []
    for vpce_id in dict.fromkeys(ids):
        if vpce_id not in connected:
            failed.append(_unsuccessful(vpce_id, "InvalidVpcEndpoint.NotFound",
                                        f"The Vpc Endpoint Id '{vpce_id}' does not exist"))
            continue
        current = world.graph.nodes[vpce_id]["State"]
        if current not in allowed:
            failed.append(_unsuccessful(
                vpce_id, "IncorrectState",
                f"The VPC endpoint {vpce_id} is in the {current} state and cannot be {verb}."))
            continue
        world.update(vpce_id, State=state)
    return failed


def accept(world: World, part: Partition, svc_id: str, ids: list[str]) -> list[dict[str, Any]]:
    """AcceptVpcEndpointConnections: pending endpoints become available."""
    return _decide(world, part, svc_id, ids, "available", ("pendingAcceptance",), "accepted")


def reject(world: World, part: Partition, svc_id: str, ids: list[str]) -> list[dict[str, Any]]:
    """RejectVpcEndpointConnections: pending or available endpoints become rejected."""
    return _decide(world, part, svc_id, ids, "rejected", ("pendingAcceptance", "available"),
                   "rejected")


def connection_rows(world: World, part: Partition) -> list[dict[str, Any]]:
    """DescribeVpcEndpointConnections' rows: the endpoints connected to the caller's services."""
    from .endpoints import dns_entries

    nodes = world.graph.nodes
    rows = []
    for svc_id in part.ids(KIND):
        svc = nodes[svc_id]
        for vpce_id in sorted(connections(world, svc_id), key=lambda e: nodes[e]["seq"]):
            node = nodes[vpce_id]
            rows.append({
                "ServiceId": svc_id, "VpcEndpointId": vpce_id,
                "VpcEndpointOwner": node["account"], "VpcEndpointState": node["State"],
                "CreationTimestamp": node["CreationTimestamp"],
                "DnsEntries": dns_entries(world, vpce_id),
                "NetworkLoadBalancerArns": list(svc["NetworkLoadBalancerArns"]),
                "GatewayLoadBalancerArns": list(svc["GatewayLoadBalancerArns"]),
                "IpAddressType": node.get("IpAddressType", "ipv4"),
                "VpcEndpointConnectionId": node.get("connection_id", ""),
                "Tags": [], "VpcEndpointRegion": node["region"]})
    return rows


CONNECTION_FILTERS: dict[str, Filter] = {
    "ip-address-type": _rows("IpAddressType"),
    "service-id": _rows("ServiceId"),
    "vpc-endpoint-owner": _rows("VpcEndpointOwner"),
    "vpc-endpoint-region": _rows("VpcEndpointRegion"),
    "vpc-endpoint-state": _rows("VpcEndpointState"),
    "vpc-endpoint-id": _rows("VpcEndpointId"),
}


def verify_private_dns(world: World, part: Partition, svc_id: str) -> None:
    """StartVpcEndpointServicePrivateDnsVerification: ec2sim has no DNS to look the TXT record
    up in, so the domain verifies at once."""
    node = get_own(world, part, svc_id)
    if not node.get("PrivateDnsName"):
        raise TopologyError(f"The service {svc_id} does not have a private DNS name.",
                            "InvalidParameter")
    world.update(svc_id, dns_state="verified")
