"""VPC operations with logic of their own: create (IPv6 and pool members checked, answered
`pending`), the default VPC, associating a CIDR block, and describing the (retired,
region-bound) ClassicLink settings. Delete, describe, the attributes, tenancy, disassociating
a block and the ClassicLink changes are bound from topology/network/vpcs.py."""
from __future__ import annotations

from typing import Any

from topology.core import tags
from topology.core.errors import InvalidParameterCombination, MissingParameter
from topology.network import ipam_resources, public_ipv4_pools, vpcs
from topology.provision import defaults

from ..binding import describe
from ..operations import Context, handler

def _byoip_block(ctx: Context, params: dict[str, Any]) -> str | None:
    """The /56 a request draws from a BYOIP IPv6 pool (`Ipv6Pool`), if it names one (IPAM
    pools are `ipam_resources`')."""
    if not params.get("Ipv6Pool"):
        return None
    return public_ipv4_pools.ipv6_block(ctx.world, ctx.part, params["Ipv6Pool"],
                                        params.get("Ipv6CidrBlock"))


def _add_byoip_block(ctx: Context, vpc_id: str, pool_id: str, cidr: str) -> str:
    return vpcs.add_ipv6_block(ctx.world, ctx.part, vpc_id, cidr=cidr, source={
        "Ipv6Pool": pool_id, "Ipv6AddressAttribute": "public", "IpSource": "byoip"})


def _hold(ctx: Context, draw: ipam_resources.Draw, vpc_id: str) -> None:
    """Give the VPC its IPv6 block from the pool and record what it drew from IPAM."""
    if draw.ipv6 is not None:
        vpcs.add_ipv6_block(ctx.world, ctx.part, vpc_id, cidr=draw.ipv6_cidr,
                            source=ipam_resources.pool_view(ctx.world, draw.ipv6[0]))
    ipam_resources.hold(ctx.world, ctx.part, draw, resource_type="vpc", resource_id=vpc_id,
                        holders={"ipv4": ipam_resources.block_holding(ctx.world, vpc_id,
                                                                      draw.ipv4_cidr),
                                 "ipv6": ipam_resources.block_holding(ctx.world, vpc_id,
                                                                      draw.ipv6_cidr)})


def _ipv6_request(params: dict[str, Any]) -> bool:
    """Whether the request asks for an Amazon-provided IPv6 block (checking its companions)."""
    if params.get("Ipv6CidrBlock") and not params.get("Ipv6Pool") \
            and not params.get("Ipv6IpamPoolId"):
        raise MissingParameter("The request must contain the parameter Ipv6Pool")
    amazon = bool(params.get("AmazonProvidedIpv6CidrBlock"))
    if params.get("Ipv6CidrBlockNetworkBorderGroup") and not amazon:
        raise InvalidParameterCombination(
            "The parameter Ipv6CidrBlockNetworkBorderGroup requires "
            "AmazonProvidedIpv6CidrBlock to be set to true.")
    return amazon


@handler
def create_vpc(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ipv6 = _ipv6_request(params)
    byoip6 = _byoip_block(ctx, params)
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "vpc")
    draw = ipam_resources.plan(ctx.world, ctx.part, params, new_tags)
    cidr = draw.ipv4_cidr or params.get("CidrBlock")
    if cidr is None:
        raise MissingParameter("Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.")
    vpc_id = vpcs.create(ctx.world, ctx.part, cidr,
                         tenancy=params.get("InstanceTenancy", "default"), ipv6=ipv6,
                         border_group=params.get("Ipv6CidrBlockNetworkBorderGroup"),
                         tags=new_tags)
    _hold(ctx, draw, vpc_id)
    if byoip6 is not None:
        _add_byoip_block(ctx, vpc_id, params["Ipv6Pool"], byoip6)
    return {"Vpc": _pending(vpcs.view(ctx.world, vpc_id))}


def _pending(view: dict[str, Any]) -> dict[str, Any]:
    """A VPC as its create call answers: `pending`, its IPv6 block still `associating`."""
    v6 = [{**a, "Ipv6CidrBlockState": {"State": "associating"}}
          for a in view.get("Ipv6CidrBlockAssociationSet", [])]
    return {**view, "State": "pending", **({"Ipv6CidrBlockAssociationSet": v6} if v6 else {})}


@handler
def create_default_vpc(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    vpc_id = defaults.create_default_vpc(ctx.world, ctx.part)
    return {"Vpc": _pending(vpcs.view(ctx.world, vpc_id))}


@handler
def associate_vpc_cidr_block(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    vpc_id = params["VpcId"]
    ctx.world.get(ctx.part, "vpc", vpc_id)
    ipv6 = _ipv6_request(params)
    if params.get("Ipv4IpamPoolId") and params.get("Ipv6IpamPoolId"):
        raise InvalidParameterCombination(
            "Only one of ipv4IpamPoolId or ipv6IpamPoolId may be set.")
    byoip6 = _byoip_block(ctx, params)
    draw = ipam_resources.plan(ctx.world, ctx.part, params, ctx.world.tags(vpc_id))
    ipv4 = draw.ipv4_cidr or params.get("CidrBlock")
    if ipv4 and (ipv6 or params.get("Ipv6CidrBlock") or params.get("Ipv6Pool")):
        raise InvalidParameterCombination(
            "Only one of cidrBlock, amazonProvidedIpv6CidrBlock or ipv6CidrBlock may be set.")
    if draw.ipv6 is not None:
        _hold(ctx, draw, vpc_id)
        assoc = ipam_resources.block_holding(ctx.world, vpc_id, draw.ipv6_cidr)
        assert assoc is not None
        member, state = "Ipv6CidrBlockAssociation", "Ipv6CidrBlockState"
    elif byoip6 is not None:
        assoc = _add_byoip_block(ctx, vpc_id, params["Ipv6Pool"], byoip6)
        member, state = "Ipv6CidrBlockAssociation", "Ipv6CidrBlockState"
    elif ipv4:
        assoc = vpcs.associate_ipv4(ctx.world, ctx.part, vpc_id, ipv4)
        _hold(ctx, draw, vpc_id)
        member, state = "CidrBlockAssociation", "CidrBlockState"
    elif ipv6:
        border = params.get("Ipv6CidrBlockNetworkBorderGroup")
        vpcs.check_border_group(ctx.part, border)
        assoc = vpcs.add_ipv6_block(ctx.world, ctx.part, vpc_id, border_group=border)
        member, state = "Ipv6CidrBlockAssociation", "Ipv6CidrBlockState"
    else:
        raise MissingParameter(
            "Either 'cidrBlock', 'amazonProvidedIpv6CidrBlock', 'ipv6Pool', "
            "'ipv4IpamPoolId' or 'ipv6IpamPoolId' should be provided.")
    view = vpcs.block_view(assoc, ctx.world.graph.nodes[assoc])
    view[state] = {"State": "associating"}
    return {"VpcId": vpc_id, member: view}


# -- ClassicLink ------------------------------------------------------------------------------
@handler
def describe_vpc_classic_link(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    vpcs.require_classic_region(ctx.part)
    out = describe(ctx, params, kind="vpc", table=vpcs.CLASSIC_LINK_FILTERS,
                   view=vpcs.classic_link_view, output="Vpcs", ids=params.get("VpcIds"))
    return {"Vpcs": out["Vpcs"]}


@handler
def describe_vpc_classic_link_dns_support(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    vpcs.require_classic_region(ctx.part)
    return describe(ctx, {**params, "Filters": None}, kind="vpc", table={},
                    view=vpcs.classic_link_dns_view, output="Vpcs", ids=params.get("VpcIds"))
