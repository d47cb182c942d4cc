"""VPC operations: create/delete/describe, CIDR blocks, attributes, tenancy, default VPC."""
from __future__ import annotations

from typing import Any

from topology import defaults, tags, vpcs
from topology.errors import InvalidParameterCombination, InvalidParameterValue, MissingParameter

from ..dispatch import Context, handler
from ._describe import describe

ATTRIBUTES = {  # describe_vpc_attribute's Attribute -> node field
    "enableDnsSupport": "EnableDnsSupport",
    "enableDnsHostnames": "EnableDnsHostnames",
    "enableNetworkAddressUsageMetrics": "EnableNetworkAddressUsageMetrics",
}


@handler
def create_vpc(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    cidr = params.get("CidrBlock")
    if cidr is None:
        raise MissingParameter("Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.")
    if params.get("Ipv6CidrBlock") and not params.get("Ipv6Pool"):
        raise MissingParameter("The request must contain the parameter Ipv6Pool")
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "vpc")
    vpc_id = vpcs.create(ctx.world, ctx.part, cidr,
                         tenancy=params.get("InstanceTenancy", "default"),
                         ipv6=bool(params.get("AmazonProvidedIpv6CidrBlock")), tags=new_tags)
    return {"Vpc": {**vpcs.view(ctx.world, vpc_id), "State": "pending"}}


@handler
def create_default_vpc(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    vpc_id = defaults.create_default_vpc(ctx.world, ctx.part)
    return {"Vpc": {**vpcs.view(ctx.world, vpc_id), "State": "pending"}}


@handler
def delete_vpc(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    vpcs.delete(ctx.world, ctx.part, params["VpcId"])
    return {}


@handler
def describe_vpcs(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe(ctx, params, kind="vpc", table=vpcs.FILTERS, view=vpcs.view,
                    output="Vpcs", ids=params.get("VpcIds"))


@handler
def associate_vpc_cidr_block(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    vpc_id = params["VpcId"]
    ctx.world.get(ctx.part, "vpc", vpc_id)
    ipv4, ipv6 = params.get("CidrBlock"), params.get("AmazonProvidedIpv6CidrBlock")
    if ipv4 and (ipv6 or params.get("Ipv6CidrBlock")):
        raise InvalidParameterCombination(
            "Only one of cidrBlock, amazonProvidedIpv6CidrBlock or ipv6CidrBlock may be set.")
    if ipv4:
        assoc = vpcs.associate_ipv4(ctx.world, ctx.part, vpc_id, ipv4)
        out_member = "CidrBlockAssociation"
    elif ipv6 or params.get("Ipv6CidrBlock"):
        assoc = vpcs.add_ipv6_block(ctx.world, ctx.part, vpc_id, cidr=params.get("Ipv6CidrBlock"),
                                    border_group=params.get("Ipv6CidrBlockNetworkBorderGroup"))
        out_member = "Ipv6CidrBlockAssociation"
    else:
        raise MissingParameter(
            "Either 'cidrBlock', 'amazonProvidedIpv6CidrBlock' or 'ipv6CidrBlock' should be "
            "provided.")
    view = vpcs.block_view(assoc, ctx.world.graph.nodes[assoc])
    state = "CidrBlockState" if ipv4 else "Ipv6CidrBlockState"
    view[state] = {"State": "associating"}
    return {"VpcId": vpc_id, out_member: view}


@handler
def disassociate_vpc_cidr_block(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    vpc_id, view = vpcs.disassociate_block(ctx.world, ctx.part, params["AssociationId"])
    member = "CidrBlockAssociation" if "CidrBlock" in view else "Ipv6CidrBlockAssociation"
    return {"VpcId": vpc_id, member: view}


@handler
def describe_vpc_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    node = ctx.world.get(ctx.part, "vpc", params["VpcId"])
    attribute = params["Attribute"]
    name = ATTRIBUTES.get(attribute)
    if name is None:
        raise InvalidParameterValue(f"Value ({attribute}) for parameter attribute is invalid.")
    return {"VpcId": params["VpcId"], name: {"Value": node[name]}}


@handler
def modify_vpc_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    vpc_id = params["VpcId"]
    node = ctx.world.get(ctx.part, "vpc", vpc_id)
    given = {name: params[name]["Value"] for name in ATTRIBUTES.values()
             if name in params and "Value" in params[name]}
    if not given:
        raise MissingParameter("The request must contain the parameter "
                               "EnableDnsSupport, EnableDnsHostnames or "
                               "EnableNetworkAddressUsageMetrics")
    if len(given) > 1:
        raise InvalidParameterCombination(
            "Fields for multiple attribute types specified: "
            + ", ".join(k[0].lower() + k[1:] for k in given))
    dns_support = given.get("EnableDnsSupport", node["EnableDnsSupport"])
    if given.get("EnableDnsHostnames") and not dns_support:
        raise InvalidParameterValue(
            "Cannot enable DNS hostnames when DNS support is disabled for the VPC.")
    ctx.world.update(vpc_id, **given)
    return {}


@handler
def modify_vpc_tenancy(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    vpc_id = params["VpcId"]
    ctx.world.get(ctx.part, "vpc", vpc_id)
    if params["InstanceTenancy"] != "default":
        raise InvalidParameterValue(
            f"Value ({params['InstanceTenancy']}) for parameter InstanceTenancy is invalid. "
            "The only supported value is default.")
    ctx.world.update(vpc_id, InstanceTenancy="default")
    return {"ReturnValue": True}
