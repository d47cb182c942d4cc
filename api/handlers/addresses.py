"""Elastic IP operations with logic of their own: allocate, associate, disassociate, release
(AllocationId or the deprecated PublicIp), describe, and DescribeAddressesAttribute. Modify
and reset of the reverse DNS attribute are bound from topology/network/address_attributes.py."""
from __future__ import annotations

from typing import Any

from topology.core import tags
from topology.core.errors import (InvalidParameterCombination, InvalidParameterValue,
                                  MissingParameter, NotFound)
from topology.connect import coip_pools
from topology.network import address_attributes, elastic_ips

from ..binding import describe
from ..operations import Context, handler


@handler
def allocate_address(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("IpamPoolId"):   # ec2sim's IPAM pools hand out no Elastic IPs
        raise NotFound(f"The pool ID '{params['IpamPoolId']}' does not exist",
                       "InvalidIpamPoolId.NotFound")
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "elastic-ip")
    coip = params.get("CustomerOwnedIpv4Pool")
    if coip and params.get("PublicIpv4Pool"):
        raise InvalidParameterCombination("The parameters CustomerOwnedIpv4Pool and "
                                          "PublicIpv4Pool cannot be used together.")
    if coip:
        alloc_id = coip_pools.allocate_address(ctx.world, ctx.part, coip,
                                               params.get("Address"), new_tags)
    else:
        alloc_id = elastic_ips.allocate(
            ctx.world, ctx.part, address=params.get("Address"),
            pool=params.get("PublicIpv4Pool"), border_group=params.get("NetworkBorderGroup"),
            tags=new_tags)
    view = elastic_ips.view(ctx.world, alloc_id)
    keys = ("CustomerOwnedIp", "AllocationId", "CustomerOwnedIpv4Pool") if coip else \
        ("PublicIp", "AllocationId", "PublicIpv4Pool", "NetworkBorderGroup", "Domain")
    return {k: view[k] for k in keys}       # the Outposts guide's answer for a CoIP pool


def _allocation(ctx: Context, params: dict[str, Any], verb: str) -> str:
    """The allocation a request names: AllocationId, or (deprecated) PublicIp."""
    alloc_id, public_ip = params.get("AllocationId"), params.get("PublicIp")
    if alloc_id and public_ip:
        raise InvalidParameterCombination(
            "You may specify public IP or allocation id, but not both in the same call")
    if alloc_id:
        return alloc_id
    if public_ip:
        elastic_ips.by_public_ip(ctx.world, ctx.part, public_ip)
        raise InvalidParameterValue(f"You must specify an allocation id when {verb} a VPC "
                                    "elastic IP address")
    raise MissingParameter("The request must contain the parameter AllocationId")


@handler
def associate_address(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    alloc_id = _allocation(ctx, params, "mapping")
    assoc_id = elastic_ips.associate(
        ctx.world, ctx.part, alloc_id, instance_id=params.get("InstanceId"),
        eni_id=params.get("NetworkInterfaceId"), private_ip=params.get("PrivateIpAddress"),
        allow_reassociation=params.get("AllowReassociation"))
    return {"AssociationId": assoc_id}


@handler
def disassociate_address(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    assoc_id, public_ip = params.get("AssociationId"), params.get("PublicIp")
    if assoc_id and public_ip:
        raise InvalidParameterCombination(
            "You may specify public IP or association id, but not both in the same call")
    if public_ip and not assoc_id:
        elastic_ips.by_public_ip(ctx.world, ctx.part, public_ip)
        raise InvalidParameterValue("You must specify an association id when unmapping an "
                                    "address from a VPC instance")
    if not assoc_id:
        raise MissingParameter("The request must contain the parameter AssociationId")
    elastic_ips.disassociate(ctx.world, ctx.part, assoc_id)
    return {}


@handler
def release_address(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    alloc_id = _allocation(ctx, params, "releasing")
    elastic_ips.release(ctx.world, ctx.part, alloc_id,
                        border_group=params.get("NetworkBorderGroup"))
    return {}


@handler
def describe_addresses(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ids = list(params.get("AllocationIds") or [])
    for ip in params.get("PublicIps") or []:
        ids.append(elastic_ips.by_public_ip(ctx.world, ctx.part, ip))
    out = describe(ctx, {**params, "MaxResults": None, "NextToken": None},
                   kind=elastic_ips.KIND, table=elastic_ips.FILTERS, view=elastic_ips.view,
                   output="Addresses", ids=ids or None)
    return {"Addresses": out["Addresses"]}


@handler
def describe_addresses_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    attribute = params.get("Attribute", address_attributes.ATTRIBUTE)
    if attribute != address_attributes.ATTRIBUTE:
        raise InvalidParameterValue(f"Value ({attribute}) for parameter attribute is invalid.")
    found, token = address_attributes.describe(
        ctx.world, ctx.part, params.get("AllocationIds"), params.get("MaxResults"),
        params.get("NextToken"))
    return {"Addresses": found, "NextToken": token}
