"""VPC endpoints: gateway endpoints (routes to an AWS-managed prefix list), interface and
Gateway Load Balancer endpoints (requester-managed network interfaces in subnets): create,
modify, delete. What other families read of an endpoint, its DNS names and its view are
`endpoint_views`'.

An endpoint is a `vpc-endpoint` node its VPC CONTAINS, ASSOCIATED with the service it
connects to (`endpoint_services`). Relationships, never copied into fields:

* gateway endpoint: ASSOCIATED with the service's prefix list, and one route per route table,
  `rtb -[ROUTE, pl-id]-> vpce` {DestinationPrefixListId, Origin CreateRoute}: its
  `RouteTableIds` are those route edges;
* interface / GWLB endpoint: one requester-managed interface per subnet (InterfaceType
  `vpc_endpoint` / `gateway_load_balancer_endpoint`), `eni -[ATTACHED]-> vpce`: its
  `SubnetIds` and `NetworkInterfaceIds` are those interfaces; an interface endpoint is
  ASSOCIATED with its security groups (which its interfaces carry too).

AWS's rules kept here: route tables only for gateway endpoints and subnets only for the
others; a route table routes a prefix list to one endpoint only; one subnet per zone, and one
subnet for a GWLB endpoint; an interface endpoint always has a security group (the VPC's
default one when none is given); private DNS needs the VPC's DNS support and hostnames, and
one endpoint per VPC may hold a service's private DNS name.
"""
from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable
from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.described import Import, when_or_now
from ..core.errors import InvalidParameterCombination, MissingParameter, NotFound, TopologyError
from ..core.family import declare_actions
from ..core.world import Partition, World, is_id_of
from ..network import network_interfaces, prefix_lists, routes, subnets
from . import endpoint_services as services
from .endpoint_views import (KIND, get, groups, interfaces, prefix_list_of, route_tables,
                             routing_tables, service_of, vpc_of)

REQUESTER_ID = "727180483921"       # the account AWS shows as requester of endpoint interfaces
INTERFACE_TYPES = {"Interface": "vpc_endpoint",
                   "GatewayLoadBalancer": "gateway_load_balancer_endpoint"}
GATEWAY_POLICY = ('{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*",'
                  '"Action":"*","Resource":"*"}]}')
INTERFACE_POLICY = ('{\n  "Statement": [\n    {\n      "Action": "*", \n      "Effect": '
                    '"Allow", \n      "Principal": "*", \n      "Resource": "*"\n    }\n  ]\n}')
DEFAULT_POLICY = {"Gateway": GATEWAY_POLICY, "Interface": INTERFACE_POLICY}
MAX_GROUPS = 5
UNSUPPORTED_TYPES = {"Resource": ("ResourceConfigurationArn", "resource configuration"),
                     "ServiceNetwork": ("ServiceNetworkArn", "service network")}


def _invalid(message: str) -> TopologyError:
    return TopologyError(message, "InvalidParameter")


NO_ROUTE_TABLES = "Route table IDs are only supported for Gateway type VPC Endpoint."
NO_SUBNETS = "Subnet IDs are only supported for Interface and GatewayLoadBalancer type VPC " \
             "Endpoints."
NO_GROUPS = "Security group IDs are only supported for Interface type VPC Endpoints."
NO_PRIVATE_DNS = "Private DNS can only be enabled for Interface type VPC Endpoints."
NO_POLICY = "Endpoint policies are not supported for GatewayLoadBalancer type VPC Endpoints."




# -- checks ----------------------------------------------------------------------------------------
def _route_tables(world: World, part: Partition, vpc_id: str, ids: Iterable[str],
                  pl_id: str, *, keep: Iterable[str] = ()) -> list[str]:
    """Route tables of `vpc_id` that may take a route to `pl_id` (none routes it yet)."""
    out = list(dict.fromkeys(ids))
    for rtb in out:
        world.get(part, "route-table", rtb)
        if routes.vpc_of(world, rtb) != vpc_id:
            raise _invalid(f"The route table {rtb} does not belong to the VPC {vpc_id}.")
        if rtb not in keep and routes.find_route(world, rtb, pl_id) is not None:
            raise _invalid(f"route table {rtb} already has a route with "
                           f"destination-prefix-list-id {pl_id}")
    return out


def _subnets(world: World, part: Partition, vpc_id: str, ids: Iterable[str],
             taken: dict[str, str] | None = None) -> list[str]:
    """Subnets of `vpc_id`, one per zone (`taken`: zone -> subnet the endpoint already has)."""
    zones = dict(taken or {})
    out = list(dict.fromkeys(ids))
    for subnet in out:
        node = world.get(part, "subnet", subnet)
        if subnets.vpc_of(world, subnet) != vpc_id:
            raise _invalid(f"The subnet ID '{subnet}' does not belong to the VPC {vpc_id}.")
        zone = node["AvailabilityZone"]
        if zone in zones:
            raise TopologyError(
                f"Found another VPC endpoint subnet in the availability zone of {subnet}. VPC "
                "endpoint subnets should be in different availability zones supported by the "
                "VPC endpoint service.", "DuplicateSubnetsInSameZone")
        zones[zone] = subnet
    return out


def _groups(world: World, part: Partition, vpc_id: str, ids: list[str] | None) -> list[str]:
    chosen = network_interfaces.check_groups(world, part, vpc_id, ids)
    if not chosen:
        raise _invalid("An Interface VPC Endpoint must always have at least one Security Group")
    return chosen


def _check_private_dns(world: World, part: Partition, vpc_id: str, svc_id: str,
                       vpce_id: str | None = None) -> None:
    """Private DNS needs the VPC's DNS attributes, a service name, and no other endpoint of
    the VPC holding that name."""
    vpc = world.graph.nodes[vpc_id]
    svc = world.graph.nodes[svc_id]
    if not (vpc.get("EnableDnsSupport") and vpc.get("EnableDnsHostnames")):
        raise _invalid("Enabling private DNS requires both enableDnsSupport and "
                       f"enableDnsHostnames VPC attributes set to true for {vpc_id}")
    name = svc.get("PrivateDnsName")
    if not name:
        raise _invalid(f"Private DNS can't be enabled because the service "
                       f"{svc['ServiceName']} does not provide a private DNS name.")
    if svc.get("dns_state") != "verified":
        raise _invalid(f"Private DNS can't be enabled because the private DNS name {name} of "
                       f"the service {svc['ServiceName']} has not been verified.")
    for other, _, _ in world.out(vpc_id, schema.CONTAINS, KIND):
        node = world.graph.nodes[other]
        if other != vpce_id and node.get("PrivateDnsEnabled") and \
                world.graph.nodes[service_of(world, other)].get("PrivateDnsName") == name:
            raise _invalid("private-dns-enabled cannot be set because there is already a "
                           f"conflicting DNS domain for {name} in the VPC {vpc_id}")


def _ip_type(svc: dict[str, Any], value: str | None) -> str:
    chosen = value or "ipv4"
    offered = set(svc.get("SupportedIpAddressTypes") or ["ipv4"])
    needs = {"ipv4": {"ipv4"}, "ipv6": {"ipv6"}, "dualstack": {"ipv4", "ipv6"}}[chosen]
    if not needs <= offered:
        raise _invalid(f"The VPC endpoint service {svc['ServiceName']} does not support the IP "
                       f"address type {chosen}.")
    return chosen


def _dns_options(ip_type: str, options: dict[str, Any] | None) -> dict[str, Any]:
    record = (options or {}).get("DnsRecordIpType") or ip_type
    allowed = {"ipv4": {"ipv4", "service-defined"}, "ipv6": {"ipv6", "service-defined"},
               "dualstack": {"ipv4", "ipv6", "dualstack", "service-defined"}}[ip_type]
    if record not in allowed:
        raise _invalid(f"DnsRecordIpType {record} is not supported for IpAddressType "
                       f"{ip_type}.")
    out: dict[str, Any] = {"DnsRecordIpType": record}
    if (options or {}).get("PrivateDnsOnlyForInboundResolverEndpoint") is not None:
        out["PrivateDnsOnlyForInboundResolverEndpoint"] = bool(
            options["PrivateDnsOnlyForInboundResolverEndpoint"])
    return out


def _check_kind_params(etype: str, params: dict[str, Any], *, modifying: bool = False) -> None:
    """The parameters each endpoint type refuses."""
    prefix = "Add" if modifying else ""
    tables = params.get(f"{prefix}RouteTableIds") or params.get("RemoveRouteTableIds")
    subnets = params.get(f"{prefix}SubnetIds") or params.get("RemoveSubnetIds")
    sgs = params.get(f"{prefix}SecurityGroupIds") or params.get("RemoveSecurityGroupIds")
    if etype != "Gateway" and tables:
        raise _invalid(NO_ROUTE_TABLES)
    if etype == "Gateway" and (subnets or params.get("SubnetConfigurations")):
        raise _invalid(NO_SUBNETS)
    if etype != "Interface" and sgs:
        raise _invalid(NO_GROUPS)
    if etype != "Interface" and params.get("PrivateDnsEnabled"):
        raise _invalid(NO_PRIVATE_DNS)
    if etype == "GatewayLoadBalancer" and (params.get("PolicyDocument") is not None
                                           or params.get("ResetPolicy")):
        raise _invalid(NO_POLICY)
    if etype == "Gateway" and (params.get("IpAddressType") not in (None, "ipv4")
                               or params.get("DnsOptions")):
        raise _invalid("IpAddressType and DnsOptions are only supported for Interface and "
                       "GatewayLoadBalancer type VPC Endpoints.")


# -- create --------------------------------------------------------------------------------------
def create(world: World, part: Partition, params: dict[str, Any],
           tags: dict[str, str] | None = None) -> str:
    """CreateVpcEndpoint; the new endpoint's id. Everything is checked before anything
    changes, so errors and DryRun leave the world as it was."""
    etype = params.get("VpcEndpointType") or "Gateway"
    if etype in UNSUPPORTED_TYPES:
        member, label = UNSUPPORTED_TYPES[etype]
        if not params.get(member):
            raise MissingParameter(f"The request must contain the parameter {member}")
        raise NotFound(f"The {label} '{params[member]}' does not exist.",
                       f"Invalid{member}.NotFound")
    vpc_id = params["VpcId"]
    world.get(part, "vpc", vpc_id)
    name = params.get("ServiceName")
    if not name:
        raise MissingParameter("The request must contain the parameter ServiceName")
    region = params.get("ServiceRegion")
    if region is not None and region != part.region:
        raise _invalid(f"The service region {region} is not supported for the service {name}.")
    svc_id = services.resolve(world, part, name, etype)
    svc = world.graph.nodes[svc_id]
    _check_kind_params(etype, params)
    policy = _policy(etype, params.get("PolicyDocument"))
    fields: dict[str, Any] = {
        "VpcEndpointType": etype, "ServiceName": svc["ServiceName"],
        "ServiceRegion": part.region, "CreationTimestamp": _now(),
        "State": "pendingAcceptance" if svc["AcceptanceRequired"] else "available",
        "PrivateDnsEnabled": False, "dns_label": _label(world)}
    if not services.is_aws(svc):      # the owner sees the connection under its own id
        fields["connection_id"] = world.new_id("vpce-con")
    if policy is not None:
        fields["PolicyDocument"] = policy
    if etype == "Gateway":
        pl_id = prefix_lists.aws_managed(world, part.region, svc["ServiceName"])
        assert pl_id is not None, svc["ServiceName"]
        tables = _route_tables(world, part, vpc_id, params.get("RouteTableIds") or [], pl_id)
        return _create_gateway(world, part, vpc_id, svc_id, pl_id, tables, fields, tags)
    subnets, sgs, extra = _interface_settings(world, part, vpc_id, svc_id, etype, params)
    return _create_interface(world, part, vpc_id, svc_id, subnets, sgs, {**fields, **extra},
                             tags)


def _interface_settings(world: World, part: Partition, vpc_id: str, svc_id: str, etype: str,
                        params: dict[str, Any]) -> tuple[list[str], list[str], dict[str, Any]]:
    """(subnets, security groups, fields) of a new interface or GWLB endpoint, checked."""
    svc = world.graph.nodes[svc_id]
    subnets = _subnets(world, part, vpc_id, _subnet_ids(params))
    if etype == "GatewayLoadBalancer" and len(subnets) != 1:
        raise _invalid("For a Gateway Load Balancer endpoint, you must specify exactly one "
                       "subnet.")
    sgs = _groups(world, part, vpc_id, params.get("SecurityGroupIds")) \
        if etype == "Interface" else []
    private = params.get("PrivateDnsEnabled")
    if private is None:    # AWS turns private DNS on for services that offer a verified name
        private = etype == "Interface" and svc.get("dns_state") == "verified"
    if private:
        _check_private_dns(world, part, vpc_id, svc_id)
    ip_type = _ip_type(svc, params.get("IpAddressType"))
    fields: dict[str, Any] = {"PrivateDnsEnabled": bool(private), "IpAddressType": ip_type}
    if etype == "Interface":
        fields["DnsOptions"] = _dns_options(ip_type, params.get("DnsOptions"))
    return subnets, sgs, fields


def _subnet_ids(params: dict[str, Any]) -> list[str]:
    """SubnetIds, or the subnets that SubnetConfigurations name."""
    ids = list(params.get("SubnetIds") or [])
    for config in params.get("SubnetConfigurations") or []:
        if config.get("SubnetId") and config["SubnetId"] not in ids:
            ids.append(config["SubnetId"])
    return ids


def _policy(etype: str, document: str | None) -> str | None:
    if etype == "GatewayLoadBalancer":
        return None
    if document is None:
        return DEFAULT_POLICY[etype]
    return services.policy_text(document)


def _create_gateway(world: World, part: Partition, vpc_id: str, svc_id: str, pl_id: str,
                    tables: list[str], fields: dict[str, Any],
                    tags: dict[str, str] | None) -> str:
    vpce_id = world.new_id("vpce")
    world.add(part, KIND, vpce_id, **fields)
    _link(world, vpc_id, vpce_id, svc_id, tags)
    world.link(vpce_id, pl_id, schema.ASSOCIATED)
    for rtb in tables:
        routes.add_route(world, rtb, vpce_id, pl_id, "DestinationPrefixListId")
    return vpce_id


def _create_interface(world: World, part: Partition, vpc_id: str, svc_id: str,
                      subnets: list[str], sgs: list[str], fields: dict[str, Any],
                      tags: dict[str, str] | None) -> str:
    vpce_id = world.new_id("vpce")
    world.add(part, KIND, vpce_id, **fields)
    _link(world, vpc_id, vpce_id, svc_id, tags)
    for sg in sgs:
        world.link(vpce_id, sg, schema.ASSOCIATED)
    for subnet in subnets:
        _add_interface(world, part, vpce_id, subnet, sgs)
    return vpce_id


def _link(world: World, vpc_id: str, vpce_id: str, svc_id: str,
          tags: dict[str, str] | None) -> None:
    world.link(vpc_id, vpce_id, schema.CONTAINS)
    world.link(vpce_id, svc_id, schema.ASSOCIATED)
    tagging.apply(world, vpce_id, tags or {})


def _add_interface(world: World, part: Partition, vpce_id: str, subnet: str,
                   sgs: list[str]) -> str:
    etype = world.graph.nodes[vpce_id]["VpcEndpointType"]
    eni = network_interfaces.create(
        world, part, subnet, group_ids=sgs, ipv6_count=0,
        description=f"VPC Endpoint Interface {vpce_id}", interface_type=INTERFACE_TYPES[etype],
        requester_managed=True, requester_id=REQUESTER_ID, source_dest_check=True,
        service_attachment=True)
    world.link(eni, vpce_id, schema.ATTACHED)
    return eni


def _label(world: World) -> str:
    """The random part AWS puts in an endpoint's DNS names (`vpce-…-9hnenorg`)."""
    alphabet = string.ascii_lowercase + string.digits
    return "".join(alphabet[world.rng.randrange(len(alphabet))] for _ in range(8))


def _now() -> dt.datetime:
    now = dt.datetime.now(dt.timezone.utc)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


# -- modify ---------------------------------------------------------------------------------------
def modify(world: World, part: Partition, vpc_endpoint_id: str, params: dict[str, Any]) -> None:
    """ModifyVpcEndpoint: route tables (gateway), subnets and groups (interface), policy,
    private DNS, IP address type."""
    node = get(world, part, vpc_endpoint_id)
    etype, vpc_id = node["VpcEndpointType"], vpc_of(world, vpc_endpoint_id)
    svc_id = service_of(world, vpc_endpoint_id)
    _check_kind_params(etype, params, modifying=True)
    if params.get("ResetPolicy") and params.get("PolicyDocument") is not None:
        raise InvalidParameterCombination(
            "You cannot specify both PolicyDocument and ResetPolicy.")
    policy = services.policy_text(params["PolicyDocument"]) \
        if params.get("PolicyDocument") is not None else None
    if etype == "Gateway":
        _modify_gateway(world, part, vpc_endpoint_id, vpc_id, params)
    else:
        _modify_interfaces(world, part, vpc_endpoint_id, vpc_id, svc_id, params)
    if policy is not None:
        world.update(vpc_endpoint_id, PolicyDocument=policy)
    elif params.get("ResetPolicy"):
        world.update(vpc_endpoint_id, PolicyDocument=DEFAULT_POLICY[etype])


def _modify_gateway(world: World, part: Partition, vpce_id: str, vpc_id: str,
                    params: dict[str, Any]) -> None:
    pl_id = prefix_list_of(world, vpce_id)
    assert pl_id is not None
    current = route_tables(world, vpce_id)
    removes = list(dict.fromkeys(params.get("RemoveRouteTableIds") or []))
    for rtb in removes:
        world.get(part, "route-table", rtb)
    adds = [r for r in _route_tables(world, part, vpc_id, params.get("AddRouteTableIds") or [],
                                     pl_id, keep=current) if r not in current]
    for rtb in removes:
        if rtb in current:
            world.unlink(rtb, vpce_id, schema.ROUTE, pl_id)
    for rtb in adds:
        routes.add_route(world, rtb, vpce_id, pl_id, "DestinationPrefixListId")


def _modify_interfaces(world: World, part: Partition, vpce_id: str, vpc_id: str, svc_id: str,
                       params: dict[str, Any]) -> None:
    node = world.graph.nodes[vpce_id]
    etype = node["VpcEndpointType"]
    enis = {network_interfaces.subnet_of(world, e): e for e in interfaces(world, vpce_id)}
    removes = list(dict.fromkeys(params.get("RemoveSubnetIds") or []))
    for subnet in removes:
        world.get(part, "subnet", subnet)
    kept = {world.graph.nodes[s]["AvailabilityZone"]: s for s in enis if s not in removes}
    adds = [s for s in _subnets(world, part, vpc_id, [
        s for s in params.get("AddSubnetIds") or [] if s not in enis], kept)]
    if etype == "GatewayLoadBalancer" and len(kept) + len(adds) > 1:
        raise _invalid("For a Gateway Load Balancer endpoint, you can specify only one subnet.")
    sgs = groups(world, vpce_id)
    add_sgs, remove_sgs = params.get("AddSecurityGroupIds"), params.get("RemoveSecurityGroupIds")
    if add_sgs or remove_sgs:
        wanted = [g for g in sgs if g not in (remove_sgs or [])] + list(add_sgs or [])
        sgs = _groups(world, part, vpc_id, list(dict.fromkeys(wanted)))
        if len(sgs) > MAX_GROUPS:
            raise TopologyError("The maximum number of security groups per network interface "
                                "has been reached.", "SecurityGroupsPerInterfaceLimitExceeded")
    fields: dict[str, Any] = {}
    if params.get("PrivateDnsEnabled") is not None:
        if params["PrivateDnsEnabled"] and not node.get("PrivateDnsEnabled"):
            _check_private_dns(world, part, vpc_id, svc_id, vpce_id)
        fields["PrivateDnsEnabled"] = bool(params["PrivateDnsEnabled"])
    svc = world.graph.nodes[svc_id]
    if params.get("IpAddressType") is not None or params.get("DnsOptions"):
        ip_type = _ip_type(svc, params.get("IpAddressType") or node.get("IpAddressType"))
        fields["IpAddressType"] = ip_type
        if etype == "Interface":
            fields["DnsOptions"] = _dns_options(ip_type, params.get("DnsOptions"))
    # checks done: change the world
    if fields:
        world.update(vpce_id, **fields)
    for subnet in removes:
        if subnet in enis:
            network_interfaces.delete(world, part, enis[subnet], service=True)
    if add_sgs or remove_sgs:
        for sg in groups(world, vpce_id):
            world.unlink(vpce_id, sg, schema.ASSOCIATED)
        for sg in sgs:
            world.link(vpce_id, sg, schema.ASSOCIATED)
        for eni in interfaces(world, vpce_id):
            network_interfaces.set_groups(world, part, eni, sgs)
    for subnet in adds:
        _add_interface(world, part, vpce_id, subnet, sgs if etype == "Interface" else [])


# -- delete ---------------------------------------------------------------------------------------
def delete(world: World, part: Partition, vpc_endpoint_ids: list[str]) -> list[dict[str, Any]]:
    """DeleteVpcEndpoints; the Unsuccessful items (an unknown id is one, never an error).
    A gateway endpoint takes its routes with it, an interface endpoint its interfaces."""
    failed = []
    for vpce_id in dict.fromkeys(vpc_endpoint_ids):
        node = world.node(vpce_id)
        if node is None or node["kind"] != KIND or (node["account"], node["region"]) != (
                part.account, part.region):
            code = "InvalidVpcEndpoint.NotFound" if is_id_of("vpce", vpce_id) \
                else "InvalidVpcEndpointId.Malformed"
            failed.append(_unsuccessful(vpce_id, code,
                                        f"The Vpc Endpoint Id '{vpce_id}' does not exist"))
            continue
        if node["VpcEndpointType"] == "GatewayLoadBalancer" and routing_tables(world, vpce_id):
            tables = ", ".join(routing_tables(world, vpce_id))
            failed.append(_unsuccessful(
                vpce_id, "DependencyViolation",
                f"The VPC endpoint {vpce_id} is the target of routes in {tables}; delete "
                "those routes first."))
            continue
        remove(world, part, vpce_id)
    return failed


def remove(world: World, part: Partition, vpce_id: str) -> None:
    """Take an endpoint away with its routes (gateway) or interfaces."""
    pl_id = prefix_list_of(world, vpce_id)
    for rtb in route_tables(world, vpce_id):
        world.unlink(rtb, vpce_id, schema.ROUTE, pl_id)
    for eni in interfaces(world, vpce_id):
        network_interfaces.delete(world, part, eni, service=True)
    world.remove(vpce_id)


def _unsuccessful(rid: str, code: str, message: str) -> dict[str, Any]:
    return {"Error": {"Code": code, "Message": message}, "ResourceId": rid}




# -- import (topology/provision/importer.py) -------------------------------------------------
def imported(imp: Import, item: dict[str, Any]) -> None:
    """A described endpoint to one of AWS's services: its VPC CONTAINS it, it is ASSOCIATED
    with the service (a gateway one with the service's prefix list, an interface one with
    its groups), its interfaces are ATTACHED to it. A gateway endpoint's routes come with
    the route tables (`GatewayId` vpce-…)."""
    world = imp.world
    vpce_id, vpc_id = item["VpcEndpointId"], item.get("VpcId", "")
    etype = item.get("VpcEndpointType", "Gateway")
    if not imp.has(vpc_id, "vpc"):
        imp.skip(KIND, "its VPC was not described")
        return
    try:
        svc_id = services.resolve(world, imp.part, item.get("ServiceName", ""), etype)
    except TopologyError:
        imp.skip(KIND, "its service is not one of ec2sim's AWS services")
        return
    enis = list(item.get("NetworkInterfaceIds") or [])
    if any(not imp.has(e, "network-interface") for e in enis):
        imp.skip(KIND, "its network interfaces were not described")
        return
    label = next((e["DnsName"].split(".")[0][len(vpce_id) + 1:]
                  for e in item.get("DnsEntries") or []
                  if e.get("DnsName", "").startswith(f"{vpce_id}-")), "")
    fields: dict[str, Any] = {
        "VpcEndpointType": etype, "ServiceName": item.get("ServiceName"),
        "ServiceRegion": item.get("ServiceRegion", imp.part.region),
        "CreationTimestamp": when_or_now(item.get("CreationTimestamp")),
        "State": item.get("State", "available"),
        "PrivateDnsEnabled": bool(item.get("PrivateDnsEnabled")), "dns_label": label}
    fields.update({k: item[k] for k in ("PolicyDocument", "IpAddressType", "DnsOptions")
                   if k in item})
    if not imp.add(KIND, vpce_id, item, **fields):
        return
    world.link(vpc_id, vpce_id, schema.CONTAINS)
    world.link(vpce_id, svc_id, schema.ASSOCIATED)
    if etype == "Gateway":
        pl_id = prefix_lists.aws_managed(world, imp.part.region,
                                         world.graph.nodes[svc_id]["ServiceName"])
        if pl_id is not None:
            world.link(vpce_id, pl_id, schema.ASSOCIATED)
    for group in item.get("Groups") or []:
        imp.link(vpce_id, group["GroupId"], schema.ASSOCIATED, what="endpoint's group")
    for eni in enis:
        world.link(eni, vpce_id, schema.ATTACHED)


# these operations are bound from the functions above (docs/families.md)
declare_actions(KIND, {"ModifyVpcEndpoint": modify, "DeleteVpcEndpoints": delete})
