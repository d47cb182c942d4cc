"""VPC endpoint operations with logic of their own: create and describe endpoints, the
services a caller may connect to, the configurations it offers (create, describe) and their
permissions and connections as described. Delete/modify of endpoints and of configurations,
permissions, private DNS verification, accept/reject are bound from topology/connect."""
from __future__ import annotations

from typing import Any

from topology.connect import endpoint_services as services
from topology.connect import endpoint_views, endpoints
from topology.connect import service_configurations as configurations
from topology.core import filters, tags
from topology.network import prefix_lists

from ..binding import bounded, describe
from ..operations import Context, handler

MOST_RESULTS = 1000          # "If the value is greater than 1,000, we return only 1,000 items."
CONFIG_RESULTS = (5, 1000)   # DescribeVpcEndpointServiceConfigurations / ...Permissions


def _capped(params: dict[str, Any]) -> dict[str, Any]:
    limit = params.get("MaxResults")
    return params if limit is None else {**params, "MaxResults": min(limit, MOST_RESULTS)}


# -- endpoints ------------------------------------------------------------------------------------
@handler
def create_vpc_endpoint(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "vpc-endpoint")
    vpce_id = endpoints.create(ctx.world, ctx.part, params, new_tags)
    view = endpoint_views.view(ctx.world, vpce_id)
    if view["VpcEndpointType"] != "Gateway" and view["State"] == "available":
        view["State"] = "pending"    # interfaces come up after the call returns
    return {"VpcEndpoint": view, "ClientToken": params.get("ClientToken")}


@handler
def describe_vpc_endpoints(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe(ctx, _capped(params), kind=endpoint_views.KIND, table=endpoint_views.FILTERS,
                    view=endpoint_views.view, output="VpcEndpoints",
                    ids=params.get("VpcEndpointIds"))


# -- the services a caller may use ----------------------------------------------------------------
@handler
def describe_vpc_endpoint_services(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    rows = services.details(ctx.world, ctx.part, params.get("ServiceNames"),
                            params.get("Filters"), params.get("ServiceRegions"))
    limit = params.get("MaxResults")
    page, token = prefix_lists.page_rows(
        rows, None if limit is None else min(limit, MOST_RESULTS), params.get("NextToken"))
    return {"ServiceNames": list(dict.fromkeys(r["ServiceName"] for r in page)),
            "ServiceDetails": page, "NextToken": token}


# -- the services a caller offers -----------------------------------------------------------------
@handler
def create_vpc_endpoint_service_configuration(ctx: Context, params: dict[str, Any]
                                              ) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "vpc-endpoint-service")
    svc_id = configurations.create_configuration(ctx.world, ctx.part, params, new_tags)
    return {"ServiceConfiguration": configurations.configuration_view(ctx.world, svc_id),
            "ClientToken": params.get("ClientToken")}


@handler
def describe_vpc_endpoint_service_configurations(ctx: Context, params: dict[str, Any]
                                                 ) -> dict[str, Any]:
    return describe(ctx, bounded(params, CONFIG_RESULTS), kind=services.KIND,
                    table=configurations.CONFIG_FILTERS, view=configurations.configuration_view,
                    output="ServiceConfigurations", ids=params.get("ServiceIds"))


@handler
def describe_vpc_endpoint_service_permissions(ctx: Context, params: dict[str, Any]
                                              ) -> dict[str, Any]:
    params = bounded(params, CONFIG_RESULTS)
    rows = configurations.permissions(ctx.world, ctx.part, params["ServiceId"])
    rows = filters.select_rows(configurations.PERMISSION_FILTERS, params.get("Filters"), rows)
    page, token = prefix_lists.page_rows(rows, params.get("MaxResults"), params.get("NextToken"))
    return {"AllowedPrincipals": page, "NextToken": token}


# -- connections to the services a caller offers ------------------------------------------------------
@handler
def describe_vpc_endpoint_connections(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    rows = filters.select_rows(configurations.CONNECTION_FILTERS, params.get("Filters"),
                               configurations.connection_rows(ctx.world, ctx.part))
    limit = params.get("MaxResults")
    page, token = prefix_lists.page_rows(
        rows, None if limit is None else min(limit, MOST_RESULTS), params.get("NextToken"))
    return {"VpcEndpointConnections": page, "NextToken": token}
