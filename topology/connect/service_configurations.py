"""Endpoint services of an account's own (PrivateLink): the services it offers through
Network or Gateway Load Balancers (CreateVpcEndpointServiceConfiguration and the calls that
modify, delete and describe them), their allowed principals, private DNS name verification,
and the endpoints connected to them as their owner sees and decides them (Accept/Reject,
DescribeVpcEndpointConnections).

A service is a `vpc-endpoint-service` node of its owner's partition; `endpoint_services`
keeps what both kinds of service share (the name and principal indexes of the region's
public partition, discovery, DescribeVpcEndpointServices). Its permissions are its
`permissions` field (a list of `{Principal, PrincipalType, ServicePermissionId}`), replaced
copy-on-write, with each principal's account claimed in the principal index.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from ..core import regions
from ..core import tags as tagging
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, NotFound,
                           TopologyError)
from ..core.family import declare_actions
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World, not_found
from .endpoint_services import (KIND, LIVE_CONNECTIONS, NAME_INDEX, PRINCIPAL_INDEX, connections,
                                public_partition, row_field, zones)
from .endpoint_views import dns_entries

IP_TYPES = ("ipv4", "ipv6")


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
    tagging.apply(world, svc_id, tags or {})
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


def delete_configurations(world: World, part: Partition, service_ids: list[str]
                          ) -> list[dict[str, Any]]:
    """DeleteVpcEndpointServiceConfigurations; the Unsuccessful items (never an error)."""
    failed = []
    pub = public_partition(world, part.region)
    for svc_id in dict.fromkeys(service_ids):
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


def modify_configuration(world: World, part: Partition, service_id: str,
                         params: dict[str, Any]) -> None:
    """ModifyVpcEndpointServiceConfiguration."""
    node = get_own(world, part, service_id)
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
                    f"The load balancer {arn} is not associated with the service "
                    f"{service_id}.")
        new = [a for a in node[key] if a not in removes] + [a for a in adds
                                                              if a not in node[key]]
        if not new:
            raise InvalidParameterValue(
                f"The endpoint service {service_id} must have at least one load balancer.")
        if removes and any(world.graph.nodes[e].get("State") in LIVE_CONNECTIONS
                           for e in connections(world, service_id)):
            raise TopologyError(
                f"Service {service_id} has existing active VPC Endpoint connections!",
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
    world.update(service_id, **fields)
    if dns is not None:
        _set_private_dns(world, service_id, dns)
    elif params.get("RemovePrivateDnsName"):
        _set_private_dns(world, service_id, None)


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


def modify_permissions(world: World, part: Partition, service_id: str,
                       add_allowed_principals: list[str] | None = None,
                       remove_allowed_principals: list[str] | None = None
                       ) -> list[dict[str, Any]]:
    """ModifyVpcEndpointServicePermissions; the principals it added (as AddedPrincipal)."""
    adds, removes = add_allowed_principals or [], remove_allowed_principals or []
    node = get_own(world, part, service_id)
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
    world.update(service_id, permissions=kept)
    _reindex_principals(world, part, service_id, current, kept)
    return [permission_view(service_id, p) for p in added]


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


# -- views ---------------------------------------------------------------------------------------
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
        "Tags": tagging.listed(node["tags"]),
        "SupportedRegions": [{"Region": r, "ServiceState": "Available"}
                             for r in [node["region"], *node["SupportedRegions"]]],
        "RemoteAccessEnabled": bool(node["SupportedRegions"]),
        "PrivateDnsNameConfiguration": {}}
    if node.get("PrivateDnsName"):
        out["PrivateDnsName"] = node["PrivateDnsName"]
        out["PrivateDnsNameConfiguration"] = {"State": node["dns_state"],
                                              **node["dns_record"]}
    return out


CONFIG_FILTERS: dict[str, Filter] = {
    "service-name": field("ServiceName"),
    "service-id": ident(),
    "service-state": field("ServiceState"),
    "supported-ip-address-types": field("SupportedIpAddressTypes"),
}


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


def accept(world: World, part: Partition, service_id: str,
           vpc_endpoint_ids: list[str]) -> list[dict[str, Any]]:
    """AcceptVpcEndpointConnections: pending endpoints become available."""
    return _decide(world, part, service_id, vpc_endpoint_ids, "available",
                   ("pendingAcceptance",), "accepted")


def reject(world: World, part: Partition, service_id: str,
           vpc_endpoint_ids: list[str]) -> list[dict[str, Any]]:
    """RejectVpcEndpointConnections: pending or available endpoints become rejected."""
    return _decide(world, part, service_id, vpc_endpoint_ids, "rejected",
                   ("pendingAcceptance", "available"), "rejected")


def connection_rows(world: World, part: Partition) -> list[dict[str, Any]]:
    """DescribeVpcEndpointConnections' rows: the endpoints connected to the caller's services."""
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
    "ip-address-type": row_field("IpAddressType"),
    "service-id": row_field("ServiceId"),
    "vpc-endpoint-owner": row_field("VpcEndpointOwner"),
    "vpc-endpoint-region": row_field("VpcEndpointRegion"),
    "vpc-endpoint-state": row_field("VpcEndpointState"),
    "vpc-endpoint-id": row_field("VpcEndpointId"),
}


def verify_private_dns(world: World, part: Partition, service_id: str) -> None:
    """StartVpcEndpointServicePrivateDnsVerification: ec2sim has no DNS to look the TXT record
    up in, so the domain verifies at once."""
    node = get_own(world, part, service_id)
    if not node.get("PrivateDnsName"):
        raise TopologyError(f"The service {service_id} does not have a private DNS name.",
                            "InvalidParameter")
    world.update(service_id, dns_state="verified")


# these operations are bound from the functions above (docs/families.md)
declare_actions("vpc-endpoint-service", {
    "DeleteVpcEndpointServiceConfigurations": delete_configurations,
    "ModifyVpcEndpointServiceConfiguration": modify_configuration,
    "ModifyVpcEndpointServicePermissions": modify_permissions,
    "StartVpcEndpointServicePrivateDnsVerification": verify_private_dns,
    "AcceptVpcEndpointConnections": accept, "RejectVpcEndpointConnections": reject})
