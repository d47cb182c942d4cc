"""Verified Access endpoints: where an application sits behind a Verified Access group.

A `verified-access-endpoint` node (`vae-`) is CONTAINS-ed by its group and ASSOCIATED with
its security groups, subnets and (type `network-interface`) its network interface; the
node keeps its type's protocol and ports, its policy and `Status`.

AWS's rules kept here: each type names its own options (`load-balancer`:
LoadBalancerOptions, `network-interface`: NetworkInterfaceOptions, `rds`: RdsOptions,
`cidr`: CidrOptions) and no other type's; the group is the account's own or shared with it
through AWS RAM; HTTP(S) endpoints of the first two types need an
application domain, its ACM certificate and a domain prefix; security groups, subnets and
interface must exist and share one VPC; a port range runs low to high. The endpoint answers
`pending` when created, `updating` when modified and `deleting` when deleted; describes show
it `active`. GetVerifiedAccessEndpointTargets reads a `cidr` endpoint's targets from the
graph: the private addresses of the interfaces in its subnets that fall in its CIDR.
"""
from __future__ import annotations

import re
from typing import Any

from netaddr import IPAddress

from ..core import addressing, paging, schema, sharing
from ..core import tags as tagging
from ..core.errors import InvalidParameterCombination, InvalidParameterValue, MissingParameter
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from .verified_access import sse, stamp
from .verified_access_groups import GROUP, instance_of, policy_answer, policy_fields

ENDPOINT = "verified-access-endpoint"
OPTIONS = {"load-balancer": "LoadBalancerOptions",
           "network-interface": "NetworkInterfaceOptions",
           "rds": "RdsOptions", "cidr": "CidrOptions"}
_LB = re.compile(r"^arn:aws[\w-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:"
                 r"loadbalancer/(app|net)/[\w-]+/[0-9a-f]+$")
_ACM = re.compile(r"^arn:aws[\w-]*:acm:[a-z0-9-]+:\d{12}:certificate/[\w-]+$")
_RDS = re.compile(r"^arn:aws[\w-]*:rds:[a-z0-9-]+:\d{12}:(db|cluster|db-proxy):[\w-]+$")
_PREFIX = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                     r"[A-Za-z]{2,63}$")
_ARNS = {"RdsDbInstanceArn": "db", "RdsDbClusterArn": "cluster", "RdsDbProxyArn": "db-proxy"}


def _invalid(member: str, value: Any, why: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Value ({value}) for parameter {member} is invalid. {why}")


# -- checking a request ------------------------------------------------------------------------
def _port_ranges(ranges: list[dict[str, Any]] | None, member: str) -> list[dict[str, int]]:
    for r in ranges or []:
        if r.get("FromPort") is None or r.get("ToPort") is None:
            raise MissingParameter(f"The request must contain {member}.FromPort and "
                                   f"{member}.ToPort")
        if r["FromPort"] > r["ToPort"]:
            raise _invalid(member, f"{r['FromPort']}-{r['ToPort']}",
                           "FromPort must be less than or equal to ToPort.")
    return [{"FromPort": r["FromPort"], "ToPort": r["ToPort"]} for r in ranges or []]


def _ports(options: dict[str, Any], member: str) -> dict[str, Any]:
    """Port or PortRanges (not both), checked."""
    if options.get("Port") is not None and options.get("PortRanges"):
        raise InvalidParameterCombination(
            f"{member}.Port and {member}.PortRanges cannot both be specified.")
    out: dict[str, Any] = {}
    if options.get("Port") is not None:
        out["Port"] = options["Port"]
    if options.get("PortRanges"):
        out["PortRanges"] = _port_ranges(options["PortRanges"], f"{member}.PortRanges")
    return out


def _vpc_of(world: World, rid: str, kind: str) -> str:
    if kind == "network-interface":
        rid = world.into(rid, schema.CONTAINS, "subnet")[0][0]
    return world.into(rid, schema.CONTAINS, "vpc")[0][0]


def _one_vpc(world: World, part: Partition, links: list[tuple[str, str]]) -> None:
    """Every linked resource exists, and all of them sit in one VPC."""
    vpcs = set()
    for rid, kind in links:
        world.get(part, kind, rid)
        vpcs.add(_vpc_of(world, rid, kind))
    if len(vpcs) > 1:
        raise InvalidParameterCombination(
            "The security groups, subnets and network interface of a Verified Access endpoint "
            "must belong to the same VPC.")


def _subnets(world: World, part: Partition, ids: list[str] | None, member: str) -> list[str]:
    zones: dict[str, str] = {}
    for subnet in dict.fromkeys(ids or []):
        zone = world.get(part, "subnet", subnet)["AvailabilityZone"]
        if zone in zones:
            raise InvalidParameterValue(f"The subnets {zones[zone]} and {subnet} of {member} are "
                                        "in the same Availability Zone: specify one subnet per "
                                        "Availability Zone.")
        zones[zone] = subnet
    return list(zones.values())


def _type_options(world: World, part: Partition, kind: str, options: dict[str, Any]
                  ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A type's stored options and what it links to (id, kind)."""
    member = OPTIONS[kind]
    stored: dict[str, Any] = {"Protocol": options.get("Protocol")}
    if stored["Protocol"] is None:
        raise MissingParameter(f"The request must contain the parameter {member}.Protocol")
    links: list[tuple[str, str]] = []
    if kind == "network-interface":
        eni = options.get("NetworkInterfaceId")
        if not eni:
            raise MissingParameter(f"The request must contain the parameter "
                                   f"{member}.NetworkInterfaceId")
        links.append((eni, "network-interface"))
    if kind == "load-balancer":
        lb = options.get("LoadBalancerArn")
        if not lb or not _LB.match(lb):
            raise _invalid(f"{member}.LoadBalancerArn", lb,
                           "It must be the ARN of an Application or Network Load Balancer.")
        stored["LoadBalancerArn"] = lb
    if kind == "rds":
        stored.update(_rds(options))
    if kind == "cidr":
        cidr = options.get("Cidr")
        if not cidr:
            raise MissingParameter(f"The request must contain the parameter {member}.Cidr")
        stored["Cidr"] = str(addressing.parse(cidr, param=f"{member}.Cidr"))
    if kind != "network-interface":
        subnets = _subnets(world, part, options.get("SubnetIds"), f"{member}.SubnetIds")
        if not subnets:
            raise MissingParameter(f"The request must contain the parameter {member}.SubnetIds")
        links += [(s, "subnet") for s in subnets]
    stored.update(_ports(options, member))
    if "Port" not in stored and "PortRanges" not in stored:
        raise MissingParameter(f"The request must contain {member}.Port or {member}.PortRanges")
    return stored, links


def _rds(options: dict[str, Any]) -> dict[str, Any]:
    given = {k: options[k] for k in (*_ARNS, "RdsEndpoint") if options.get(k)}
    arns = [k for k in _ARNS if k in given]
    if len(arns) != 1:
        raise InvalidParameterCombination(
            "Specify exactly one of RdsDbInstanceArn, RdsDbClusterArn and RdsDbProxyArn.")
    if not _RDS.match(given[arns[0]]) or f":{_ARNS[arns[0]]}:" not in given[arns[0]]:
        raise _invalid(f"RdsOptions.{arns[0]}", given[arns[0]], "It is not a valid RDS ARN.")
    return given


def _http_fields(params: dict[str, Any], kind: str, protocol: str) -> dict[str, Any]:
    """The application domain, certificate and domain prefix an HTTP(S) endpoint needs."""
    domain, certificate = params.get("ApplicationDomain"), params.get("DomainCertificateArn")
    prefix = params.get("EndpointDomainPrefix")
    if kind in ("load-balancer", "network-interface") and protocol != "tcp":
        for member, value in (("ApplicationDomain", domain), ("DomainCertificateArn",
                                                              certificate),
                              ("EndpointDomainPrefix", prefix)):
            if not value:
                raise MissingParameter(f"The request must contain the parameter {member}")
    if domain and not _DOMAIN.match(domain):
        raise _invalid("ApplicationDomain", domain, "It must be a valid domain name.")
    if certificate and not _ACM.match(certificate):
        raise _invalid("DomainCertificateArn", certificate, "It is not a valid ACM certificate "
                       "ARN.")
    if prefix and not _PREFIX.match(prefix):
        raise _invalid("EndpointDomainPrefix", prefix, "It must be lowercase letters, digits "
                       "and hyphens.")
    out = {"ApplicationDomain": domain, "DomainCertificateArn": certificate, "prefix": prefix}
    return {k: v for k, v in out.items() if v}


# -- create, modify, delete --------------------------------------------------------------------
def create(world: World, part: Partition, params: dict[str, Any], *,
           tags: dict[str, str] | None = None) -> str:
    """An endpoint in its group; returns its id (it answers `pending`)."""
    vagr = params["VerifiedAccessGroupId"]
    sharing.usable(world, part, GROUP, vagr)        # the account's own, or shared with it
    kind = params["EndpointType"]
    member = OPTIONS[kind]
    others = [m for m in OPTIONS.values() if m != member and params.get(m) is not None]
    if others:
        raise InvalidParameterCombination(f"{others[0]} cannot be specified for an endpoint of "
                                          f"type {kind}.")
    if params.get(member) is None:
        raise MissingParameter(f"The request must contain the parameter {member} for an "
                               f"endpoint of type {kind}.")
    options, links = _type_options(world, part, kind, params[member])
    groups = list(dict.fromkeys(params.get("SecurityGroupIds") or []))
    if not groups:
        raise MissingParameter("The request must contain the parameter SecurityGroupIds")
    _one_vpc(world, part, links + [(g, "security-group") for g in groups])
    http = _http_fields(params, kind, options["Protocol"])
    policy = policy_fields(params.get("PolicyDocument"), None, {"PolicyEnabled": False})
    encryption = sse(params.get("SseSpecification"))
    vae = world.new_id("vae")
    now = stamp()
    world.add(part, ENDPOINT, vae, EndpointType=kind, AttachmentType=params["AttachmentType"],
              Description=params.get("Description") or "", CreationTime=now,
              LastUpdatedTime=now, options=options, policy=policy,
              SseSpecification=encryption, edge=world.new_id("edge")[5:], **http)
    world.link(vagr, vae, schema.CONTAINS)
    for rid, link_kind in links + [(g, "security-group") for g in groups]:
        world.link(vae, rid, schema.ASSOCIATED, link_kind)
    tagging.apply(world, vae, tags or {})
    return vae


def modify(world: World, part: Partition, verified_access_endpoint_id: str,
           params: dict[str, Any]) -> dict[str, Any]:
    """Change an endpoint's group, description, ports or subnets (its type's options); it
    answers `updating`."""
    vae = verified_access_endpoint_id
    node = world.get(part, ENDPOINT, vae)
    member = OPTIONS[node["EndpointType"]]
    others = [m for m in OPTIONS.values() if m != member and params.get(m) is not None]
    if others:
        raise InvalidParameterCombination(f"{others[0]} cannot be modified for an endpoint of "
                                          f"type {node['EndpointType']}.")
    changes: dict[str, Any] = {"LastUpdatedTime": stamp()}
    given = params.get(member) or {}
    options = {**node["options"]}
    for key in ("Protocol", "RdsEndpoint"):
        if given.get(key) is not None:
            options[key] = given[key]
    if given.get("Port") is not None or given.get("PortRanges"):
        options.pop("Port", None)
        options.pop("PortRanges", None)
        options.update(_ports(given, member))
    changes["options"] = options
    subnets = (_subnets(world, part, given["SubnetIds"], f"{member}.SubnetIds")
               if given.get("SubnetIds") else None)
    if subnets is not None:
        _one_vpc(world, part, [(s, "subnet") for s in subnets]
                 + [(g, "security-group") for g in _linked(world, vae, "security-group")])
    group = params.get("VerifiedAccessGroupId")
    if group is not None:
        sharing.usable(world, part, GROUP, group)
        if instance_of(world, group) != instance_of(world, _group_of(world, vae)):
            raise InvalidParameterValue(f"The Verified Access group {group} belongs to another "
                                        "Verified Access instance.")
    if params.get("Description") is not None:
        changes["Description"] = params["Description"]
    if subnets is not None:
        for old in _linked(world, vae, "subnet"):
            world.unlink(vae, old, schema.ASSOCIATED, "subnet")
        for subnet in subnets:
            world.link(vae, subnet, schema.ASSOCIATED, "subnet")
    if group is not None and group != _group_of(world, vae):
        world.unlink(_group_of(world, vae), vae, schema.CONTAINS)
        world.link(group, vae, schema.CONTAINS)
    world.update(vae, **changes)
    return {**view(world, vae), "Status": {"Code": "updating"}}


def delete(world: World, part: Partition, vae: str) -> dict[str, Any]:
    world.get(part, ENDPOINT, vae)
    answer = {**view(world, vae), "Status": {"Code": "deleting"}, "DeletionTime": stamp()}
    world.remove(vae)
    return answer


# -- the endpoint's policy and targets ---------------------------------------------------------
def get_policy(world: World, part: Partition, verified_access_endpoint_id: str
               ) -> dict[str, Any]:
    return policy_answer(world.get(part, ENDPOINT, verified_access_endpoint_id))


def modify_policy(world: World, part: Partition, verified_access_endpoint_id: str,
                  policy_enabled: bool | None = None, policy_document: str | None = None,
                  sse_specification: dict[str, Any] | None = None) -> dict[str, Any]:
    node = world.get(part, ENDPOINT, verified_access_endpoint_id)
    policy = policy_fields(policy_document, policy_enabled, node["policy"])
    changes: dict[str, Any] = {"policy": policy, "LastUpdatedTime": stamp()}
    if sse_specification is not None:
        changes["SseSpecification"] = sse(sse_specification)
    world.update(verified_access_endpoint_id, **changes)
    return {**policy_answer(node), "SseSpecification": dict(node["SseSpecification"])}


def targets(world: World, part: Partition, verified_access_endpoint_id: str,
            max_results: int | None = None, next_token: str | None = None) -> dict[str, Any]:
    """A `cidr` endpoint's targets: the interface addresses in its subnets and CIDR."""
    vae = verified_access_endpoint_id
    node = world.get(part, ENDPOINT, vae)
    if node["EndpointType"] != "cidr":
        raise InvalidParameterValue(f"The Verified Access endpoint {vae} is not a network CIDR "
                                    "endpoint.")
    rows = target_rows(world, vae)
    start = paging.decode(next_token, f"targets:{vae}", _is_offset) if next_token else 0
    limit = max_results or len(rows) or 1
    page = rows[start:start + limit]
    token = (paging.encode(f"targets:{vae}", start + limit)
             if start + limit < len(rows) else None)
    return {"VerifiedAccessEndpointTargets": page, "NextToken": token}


def _is_offset(position: Any) -> bool:
    return isinstance(position, int) and position >= 0


def target_rows(world: World, vae: str) -> list[dict[str, Any]]:
    node = world.graph.nodes[vae]
    cidr = addressing.network(node["options"]["Cidr"])
    sub_domain = world.graph.nodes[instance_of(world, _group_of(world, vae))].get("sub_domain")
    rows = []
    for subnet in _linked(world, vae, "subnet"):
        for eni, _, _ in world.out(subnet, schema.CONTAINS, "network-interface"):
            for ip in world.graph.nodes[eni].get("ips", []):
                if IPAddress(ip) in cidr:
                    row = {"VerifiedAccessEndpointId": vae,
                           "VerifiedAccessEndpointTargetIpAddress": ip}
                    if sub_domain:
                        row["VerifiedAccessEndpointTargetDns"] = (
                            f"ip-{ip.replace('.', '-')}.{sub_domain}")
                    rows.append(row)
    return rows


# -- views and filters -------------------------------------------------------------------------
def _linked(world: World, vae: str, kind: str) -> list[str]:
    return [rid for rid, disc, _ in world.out(vae, schema.ASSOCIATED, kind) if disc == kind]


def _group_of(world: World, vae: str) -> str:
    return world.into(vae, schema.CONTAINS, GROUP)[0][0]


def _options_view(world: World, vae: str, node: dict[str, Any]) -> dict[str, Any]:
    options = {k: v for k, v in node["options"].items() if v is not None}
    if node["EndpointType"] == "network-interface":
        eni = _linked(world, vae, "network-interface")
        return {"NetworkInterfaceId": eni[0], **options} if eni else options
    return {**options, "SubnetIds": _linked(world, vae, "subnet")}


def view(world: World, vae: str) -> dict[str, Any]:
    node = world.graph.nodes[vae]
    vagr = _group_of(world, vae)
    vai = instance_of(world, vagr)
    out: dict[str, Any] = {"VerifiedAccessInstanceId": vai, "VerifiedAccessGroupId": vagr,
                           "VerifiedAccessEndpointId": vae}
    if node.get("ApplicationDomain"):
        out["ApplicationDomain"] = node["ApplicationDomain"]
    out.update({"EndpointType": node["EndpointType"], "AttachmentType": node["AttachmentType"]})
    if node.get("DomainCertificateArn"):
        out["DomainCertificateArn"] = node["DomainCertificateArn"]
    if node.get("prefix"):
        out["EndpointDomain"] = (f"{node['prefix']}.edge-{node['edge']}.{vai}.prod."
                                 f"verified-access.{node['region']}.amazonaws.com")
    out["SecurityGroupIds"] = _linked(world, vae, "security-group")
    out[OPTIONS[node["EndpointType"]]] = _options_view(world, vae, node)
    out.update({"Status": {"Code": "active"}, "Description": node["Description"],
                "CreationTime": node["CreationTime"],
                "LastUpdatedTime": node["LastUpdatedTime"]})
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    out["SseSpecification"] = dict(node["SseSpecification"])
    return out


def created_view(world: World, vae: str) -> dict[str, Any]:
    return {**view(world, vae), "Status": {"Code": "pending"}}


def _by_group(world: World, part: Partition, value: str) -> list[str]:
    node = world.node(value)
    if node is None or node["kind"] != GROUP:
        return []
    return [e for e, _, _ in world.out(value, schema.CONTAINS, ENDPOINT)]


FILTERS: dict[str, Filter] = {
    "verified-access-endpoint-id": ident(),
    "verified-access-group-id": Filter(lambda w, rid, n: _group_of(w, rid), _by_group,
                                       exact=True),
    "verified-access-instance-id": Filter(lambda w, rid, n: instance_of(w, _group_of(w, rid))),
    "endpoint-type": field("EndpointType"),
    "application-domain": field("ApplicationDomain"),
    "description": field("Description"),
}

from ..core.family import Family, declare  # noqa: E402  (kept beside the declaration)

FAMILY = declare(Family(
    ENDPOINT, view=view, filters=FILTERS, create=create, created_view=created_view,
    delete=delete, max_results=(5, 1000),
    actions={"ModifyVerifiedAccessEndpoint": modify,
             "GetVerifiedAccessEndpointPolicy": get_policy,
             "ModifyVerifiedAccessEndpointPolicy": modify_policy,
             "GetVerifiedAccessEndpointTargets": targets}))
