"""NAT gateway operations with logic of their own: create (zonal only, its members checked),
describe (its own not-found code, `Filter`), associating secondary Elastic IPs. Delete and the
other secondary address operations are bound from topology/network/nat_gateways.py."""
from __future__ import annotations

from typing import Any

from topology.core import tags
from topology.core.errors import InvalidParameterCombination, MissingParameter, TopologyError
from topology.network import nat_gateways

from ..binding import describe
from ..operations import Context, handler


@handler
def create_nat_gateway(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("AvailabilityMode") == "regional" or params.get("AvailabilityZoneAddresses"):
        raise TopologyError("Regional NAT gateways are not supported by ec2sim.",
                            "UnsupportedOperation")
    if params.get("VpcId"):
        raise InvalidParameterCombination(
            "The parameter VpcId is only valid for a regional NAT gateway.")
    subnet_id = params.get("SubnetId")
    if not subnet_id:
        raise MissingParameter("The request must contain the parameter SubnetId")
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "natgateway")
    nat_id = nat_gateways.create(
        ctx.world, ctx.part, subnet_id, connectivity=params.get("ConnectivityType", "public"),
        allocation_id=params.get("AllocationId"),
        secondary_allocations=params.get("SecondaryAllocationIds") or (),
        private_ip=params.get("PrivateIpAddress"),
        secondary_ips=params.get("SecondaryPrivateIpAddresses") or (),
        secondary_count=params.get("SecondaryPrivateIpAddressCount") or 0, tags=new_tags)
    return {"ClientToken": params.get("ClientToken"),
            "NatGateway": nat_gateways.created_view(ctx.world, nat_id)}


@handler
def describe_nat_gateways(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ids = params.get("NatGatewayIds")
    for nat_id in ids or ():   # NAT gateway calls have their own not-found code
        nat_gateways.get(ctx.world, ctx.part, nat_id)
    # this one call names its filters `Filter` (Filter.N on the wire, like the others)
    return describe(ctx, {**params, "Filters": params.get("Filter")}, kind=nat_gateways.KIND,
                    table=nat_gateways.FILTERS, view=nat_gateways.view, output="NatGateways",
                    ids=ids)


def _answer(params: dict[str, Any], found: list[dict[str, Any]]) -> dict[str, Any]:
    return {"NatGatewayId": params["NatGatewayId"], "NatGatewayAddresses": found}


@handler
def associate_nat_gateway_address(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("AvailabilityZone") or params.get("AvailabilityZoneId"):
        raise TopologyError("Regional NAT gateways are not supported by ec2sim.",
                            "UnsupportedOperation")
    return _answer(params, nat_gateways.associate_addresses(
        ctx.world, ctx.part, params["NatGatewayId"], params["AllocationIds"],
        params.get("PrivateIpAddresses")))
