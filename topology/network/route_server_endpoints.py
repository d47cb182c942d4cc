"""Route server endpoints: the AWS-managed interfaces a route server speaks BGP through.

A `route-server-endpoint` node holds `State`; its subnet CONTAINS it, it is ASSOCIATED with
its route server, and its interface (a service-owned `eni-`, like a NAT gateway's) is
ATTACHED to it. Peers (`route_server_peers`) are ASSOCIATED with the endpoint.

AWS's rules kept here: the route server must first be associated with the subnet's VPC;
an endpoint with peers cannot be deleted; deleting it releases its interface. Creates answer
`pending` (without the interface, not yet made), deletes `deleting`; then it is described
`deleted` with the members it had.
"""
from __future__ import annotations

from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.errors import IncorrectState, TopologyError
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import network_interfaces, route_servers, subnets

KIND = "route-server-endpoint"


def create(world: World, part: Partition, route_server_id: str, subnet_id: str, *,
           tags: dict[str, str] | None = None) -> str:
    """An endpoint of the route server in the subnet, with an interface of its own."""
    route_servers.live(world, part, route_servers.KIND, route_server_id)
    world.get(part, "subnet", subnet_id)
    vpc_id = subnets.vpc_of(world, subnet_id)
    if route_servers.associated_vpc(world, route_server_id) != vpc_id:
        raise TopologyError(f"Route server {route_server_id} is not associated with VPC "
                            f"{vpc_id}.", "InvalidRouteServerId.NotAssociated")
    rse_id = world.new_id("rse")
    eni_id = network_interfaces.create(
        world, part, subnet_id, description=f"Route Server Endpoint {rse_id}",
        requester_managed=True, requester_id="amazon-route-server", service_attachment=True)
    world.add(part, KIND, rse_id, State="available")
    world.link(subnet_id, rse_id, schema.CONTAINS)
    world.link(rse_id, route_server_id, schema.ASSOCIATED)
    world.link(eni_id, rse_id, schema.ATTACHED)
    tagging.apply(world, rse_id, tags or {})
    return rse_id


def server_of(world: World, rse_id: str) -> str:
    return world.out(rse_id, schema.ASSOCIATED, route_servers.KIND)[0][0]


def subnet_of(world: World, rse_id: str) -> str:
    return world.into(rse_id, schema.CONTAINS, "subnet")[0][0]


def interface_of(world: World, rse_id: str) -> str:
    return world.into(rse_id, schema.ATTACHED, "network-interface")[0][0]


def address_of(world: World, rse_id: str) -> str:
    return str(world.graph.nodes[interface_of(world, rse_id)]["ips"][0])


def endpoints_of(world: World, rs_id: str) -> list[str]:
    return [e for e, _, _ in world.into(rs_id, schema.ASSOCIATED, KIND)]


def delete(world: World, part: Partition, rse_id: str) -> dict[str, Any]:
    """Delete an endpoint no peer uses, with its interface; the answer shows `deleting`."""
    route_servers.live(world, part, KIND, rse_id)
    if world.into(rse_id, schema.ASSOCIATED, "route-server-peer"):     # deleted ones left
        raise IncorrectState(f"Route server endpoint {rse_id} has peers and cannot be "
                             "deleted.", "IncorrectState")
    answer = {**view(world, rse_id), "State": "deleting"}
    eni_id = interface_of(world, rse_id)
    route_servers.retire(world, rse_id, answer)
    network_interfaces.delete(world, part, eni_id, service=True)
    return answer


def _view(world: World, rse_id: str) -> dict[str, Any]:
    """The endpoint as boto3's `RouteServerEndpoint`."""
    node = world.graph.nodes[rse_id]
    subnet_id = subnet_of(world, rse_id)
    return {"RouteServerId": server_of(world, rse_id), "RouteServerEndpointId": rse_id,
            "VpcId": subnets.vpc_of(world, subnet_id), "SubnetId": subnet_id,
            "EniId": interface_of(world, rse_id), "EniAddress": address_of(world, rse_id),
            "State": node["State"], "Tags": tagging.listed(node["tags"])}


view = route_servers.settled(_view)


def _created(world: World, rse_id: str) -> dict[str, Any]:
    """The create answer: `pending`, its interface not yet there (Terraform reads EniId and
    EniAddress from the describe once the endpoint is available)."""
    out = {**view(world, rse_id), "State": "pending"}
    del out["EniId"], out["EniAddress"]
    return out

FILTERS: dict[str, Filter] = route_servers.settled_filters({
    "route-server-endpoint-id": ident(),
    "route-server-id": Filter(lambda w, rid, n: server_of(w, rid)),
    "vpc-id": Filter(lambda w, rid, n: subnets.vpc_of(w, subnet_of(w, rid))),
    "subnet-id": Filter(lambda w, rid, n: subnet_of(w, rid)),
    "eni-id": Filter(lambda w, rid, n: interface_of(w, rid)),
    "eni-address": Filter(lambda w, rid, n: address_of(w, rid)),
    "state": field("State"),
}, {"route-server-id": "RouteServerId", "vpc-id": "VpcId", "subnet-id": "SubnetId",
    "eni-id": "EniId", "eni-address": "EniAddress"})

FAMILY = declare(Family(
    KIND, view=view, filters=FILTERS, create=create, delete=delete,
    created_view=lambda world, rid: _created(world, rid)))
