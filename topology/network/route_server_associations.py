"""Route server associations: which VPC a route server serves (an ASSOCIATED edge
route-server -> vpc, read by `route_servers.associated_vpc`).

AWS's rules kept here: a route server is associated with one VPC and a VPC with one route
server; an association with endpoints in the VPC cannot be removed, and removing it ends the
route server's propagations into the VPC's route tables; a VPC with a route server
associated cannot be deleted. Associate answers `associating`, disassociate
`disassociating`, GetRouteServerAssociations `associated`.
"""
from __future__ import annotations

from typing import Any

from ..core import schema
from ..core.errors import DependencyViolation, IncorrectState, TopologyError
from ..core.family import declare_actions
from ..core.world import Partition, World
from . import route_servers, vpcs


def _association(rs_id: str, vpc_id: str, state: str) -> dict[str, Any]:
    return {"RouteServerId": rs_id, "VpcId": vpc_id, "State": state}


def associate(world: World, part: Partition, route_server_id: str, vpc_id: str
              ) -> dict[str, Any]:
    route_servers.live(world, part, route_servers.KIND, route_server_id)
    world.get(part, "vpc", vpc_id)
    current = route_servers.associated_vpc(world, route_server_id)
    if current is not None:
        raise TopologyError(f"Route server {route_server_id} is already associated with VPC "
                            f"{current}.", "InvalidRouteServerId.AlreadyAssociated")
    other = route_servers.server_of_vpc(world, vpc_id)
    if other is not None:
        raise TopologyError(f"VPC {vpc_id} is already associated with route server {other}.",
                            "InvalidVpcId.AlreadyAssociated")
    world.link(route_server_id, vpc_id, schema.ASSOCIATED)
    return _association(route_server_id, vpc_id, "associating")


def disassociate(world: World, part: Partition, route_server_id: str, vpc_id: str
                 ) -> dict[str, Any]:
    """End the association; refused while the route server has endpoints in the VPC.
    Its propagations into the VPC's route tables end with it."""
    world.get(part, route_servers.KIND, route_server_id)
    world.get(part, "vpc", vpc_id)
    if route_servers.associated_vpc(world, route_server_id) != vpc_id:
        raise TopologyError(f"Route server {route_server_id} is not associated with VPC "
                            f"{vpc_id}.", "InvalidRouteServerId.NotAssociated")
    if world.into(route_server_id, schema.ASSOCIATED, "route-server-endpoint"):
        raise IncorrectState(f"Route server {route_server_id} has endpoints in VPC {vpc_id}; "
                             "delete them first.", "IncorrectState")
    for rtb in route_servers.propagating_tables(world, route_server_id):
        world.unlink(rtb, route_server_id, schema.PROPAGATES)
    world.unlink(route_server_id, vpc_id, schema.ASSOCIATED)
    return _association(route_server_id, vpc_id, "disassociating")


def associations(world: World, part: Partition, route_server_id: str) -> list[dict[str, Any]]:
    world.get(part, route_servers.KIND, route_server_id)
    vpc_id = route_servers.associated_vpc(world, route_server_id)
    return [_association(route_server_id, vpc_id, "associated")] if vpc_id else []


@vpcs.RELEASE.register(route_servers.KIND)
def _refuse_vpc_deletion(world: World, vpc_id: str) -> None:
    """A VPC a route server is associated with cannot be deleted."""
    if route_servers.server_of_vpc(world, vpc_id):
        raise DependencyViolation(f"The vpc '{vpc_id}' has dependencies and cannot be deleted.")


declare_actions(route_servers.KIND, {"AssociateRouteServer": associate,
                                     "DisassociateRouteServer": disassociate,
                                     "GetRouteServerAssociations": associations})
