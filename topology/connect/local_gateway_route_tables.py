"""Local gateway route tables and what they are associated with: VPCs (whose route tables may
then route to the local gateway) and virtual interface groups (where the table's routes lead).

* `local-gateway -[CONTAINS]-> local-gateway-route-table` (`Mode`, `State`);
* a `local-gateway-route-table-vpc-association` node (`lgw-vpc-assoc-...`, `State`) with
  `assoc -[ASSOCIATED, "table"]-> table` and `assoc -[ASSOCIATED, "vpc"]-> vpc`;
* a `local-gateway-route-table-virtual-interface-group-association` node
  (`lgw-vif-grp-assoc-...`) with `assoc -[ASSOCIATED, "table"]-> table` and
  `assoc -[ASSOCIATED, "group"]-> virtual interface group`.

A table may be shared through AWS RAM (`core.sharing`): the accounts it is shared with see it
and associate their VPCs with it.

AWS's rules kept here: a VPC is associated with one table of a local gateway, and a virtual
interface group with one table; the group must be the table's gateway's; a table with
associations or a CoIP pool cannot be deleted; deleting a VPC ends its associations.
Create answers the table `pending` (a VPC association `associated`, a group association
`pending`); delete answers `deleting` / `disassociating`.
"""
from __future__ import annotations

from typing import Any

from ..core import schema, sharing
from ..core import tags as tagging
from ..core.errors import DependencyViolation, TopologyError
from ..core.family import Family, declare, removed
from ..core.filters import Filter, FilterTable, field, ident, owner
from ..core.world import Partition, World
from ..network import vpcs
from . import local_gateway_vifs as vifs
from . import outposts

KIND = "local-gateway-route-table"
VPC_ASSOC = "local-gateway-route-table-vpc-association"
GROUP_ASSOC = "local-gateway-route-table-virtual-interface-group-association"
MODES = ("direct-vpc-routing", "coip")


def add_table(world: World, part: Partition, lgw: str, mode: str,
              tags: dict[str, str] | None = None) -> str:
    table = world.new_id("lgw-rtb")
    world.add(part, KIND, table, Mode=mode, State="available")
    world.link(lgw, table, schema.CONTAINS)
    tagging.apply(world, table, tags or {})
    return table


def create(world: World, part: Partition, local_gateway_id: str, mode: str | None = None,
           *, tags: dict[str, str] | None = None) -> str:
    """CreateLocalGatewayRouteTable (answered `pending`)."""
    world.get(part, outposts.LGW, local_gateway_id)
    return add_table(world, part, local_gateway_id, mode or MODES[0], tags)


def gateway_of(world: World, table: str) -> str:
    return str(world.into(table, schema.CONTAINS, outposts.LGW)[0][0])


def _associations(world: World, table: str, kind: str) -> list[str]:
    return [a for a, _, _ in world.into(table, schema.ASSOCIATED, kind)]


def delete(world: World, part: Partition, table: str) -> dict[str, Any]:
    """DeleteLocalGatewayRouteTable: only a table with no associations and no CoIP pool."""
    world.get(part, KIND, table)
    if _associations(world, table, VPC_ASSOC) or _associations(world, table, GROUP_ASSOC):
        raise DependencyViolation(f"The local gateway route table {table} has associations "
                                  "and cannot be deleted.")
    if world.into(table, schema.ASSOCIATED, "coip-pool"):
        raise DependencyViolation(f"The local gateway route table {table} has a CoIP pool "
                                  "and cannot be deleted.")
    answer = {**view(world, table), "State": "deleting"}
    for target, dest, _ in list(world.out(table, schema.ROUTE)):
        world.unlink(table, target, schema.ROUTE, dest)
    world.remove(table)
    return answer


def view(world: World, table: str) -> dict[str, Any]:
    """The table as boto3's `LocalGatewayRouteTable`."""
    node = world.graph.nodes[table]
    lgw = gateway_of(world, table)
    return {"LocalGatewayRouteTableId": table,
            "LocalGatewayRouteTableArn": outposts.ec2_arn(world, table, KIND),
            "LocalGatewayId": lgw, "OutpostArn": outposts.arn_of(world, lgw),
            "OwnerId": node["account"], "State": node["State"],
            "Tags": tagging.listed(node["tags"]), "Mode": node["Mode"]}


def _pending(world: World, table: str) -> dict[str, Any]:
    return {**view(world, table), "State": "pending"}


# -- VPC associations -------------------------------------------------------------------------
def _end(world: World, assoc: str, disc: str) -> str | None:
    for v, key, _ in world.out(assoc, schema.ASSOCIATED):
        if key == disc:
            return str(v)
    return None


def table_of(world: World, assoc: str) -> str:
    return str(_end(world, assoc, "table"))


def vpc_tables(world: World, vpc: str) -> list[str]:
    """The local gateway route tables `vpc` is associated with."""
    return [table_of(world, a) for a, _, _ in world.into(vpc, schema.ASSOCIATED, VPC_ASSOC)]


def associate_vpc(world: World, part: Partition, local_gateway_route_table_id: str,
                  vpc_id: str, *, tags: dict[str, str] | None = None) -> str:
    """CreateLocalGatewayRouteTableVpcAssociation."""
    table = local_gateway_route_table_id
    sharing.usable(world, part, KIND, table)      # the owner's, or one shared through RAM
    world.get(part, "vpc", vpc_id)
    lgw = gateway_of(world, table)
    for other in vpc_tables(world, vpc_id):
        if gateway_of(world, other) == lgw:
            raise TopologyError(f"The VPC {vpc_id} is already associated with local gateway "
                                f"route table {other}.", "Resource.AlreadyAssociated")
    assoc = world.new_id("lgw-vpc-assoc")
    world.add(part, VPC_ASSOC, assoc, State="associated")
    world.link(assoc, table, schema.ASSOCIATED, "table")
    world.link(assoc, vpc_id, schema.ASSOCIATED, "vpc")
    tagging.apply(world, assoc, tags or {})
    return assoc


def disassociate_vpc(world: World, part: Partition, assoc: str) -> dict[str, Any]:
    """DeleteLocalGatewayRouteTableVpcAssociation (answered `disassociating`)."""
    world.get(part, VPC_ASSOC, assoc)
    return removed(world, assoc, vpc_association_view, "disassociating")


def vpc_association_view(world: World, assoc: str) -> dict[str, Any]:
    """boto3's `LocalGatewayRouteTableVpcAssociation`."""
    node = world.graph.nodes[assoc]
    table = table_of(world, assoc)
    return {"LocalGatewayRouteTableVpcAssociationId": assoc,
            "LocalGatewayRouteTableId": table,
            "LocalGatewayRouteTableArn": outposts.ec2_arn(world, table, KIND),
            "LocalGatewayId": gateway_of(world, table), "VpcId": _end(world, assoc, "vpc"),
            "OwnerId": node["account"], "State": node["State"],
            "Tags": tagging.listed(node["tags"])}


@vpcs.RELEASE.register(VPC_ASSOC)
def release_vpc(world: World, vpc_id: str) -> None:
    """Deleting a VPC ends its local gateway route table associations."""
    for assoc, _, _ in list(world.into(vpc_id, schema.ASSOCIATED, VPC_ASSOC)):
        world.remove(assoc)


# -- virtual interface group associations -----------------------------------------------------
def associate_group(world: World, part: Partition, local_gateway_route_table_id: str,
                    local_gateway_virtual_interface_group_id: str, *,
                    tags: dict[str, str] | None = None) -> str:
    """CreateLocalGatewayRouteTableVirtualInterfaceGroupAssociation (answered `pending`)."""
    table, group = local_gateway_route_table_id, local_gateway_virtual_interface_group_id
    world.get(part, KIND, table)
    world.get(part, vifs.GROUP, group)
    if vifs.gateway_of(world, group) != gateway_of(world, table):
        raise TopologyError(f"The virtual interface group {group} and local gateway route "
                            f"table {table} belong to different local gateways.",
                            "InvalidParameterValue")
    existing = world.into(group, schema.ASSOCIATED, GROUP_ASSOC)
    if existing:
        raise TopologyError(f"The virtual interface group {group} is already associated with "
                            f"local gateway route table {table_of(world, existing[0][0])}.",
                            "Resource.AlreadyAssociated")
    assoc = world.new_id("lgw-vif-grp-assoc")
    world.add(part, GROUP_ASSOC, assoc, State="associated")
    world.link(assoc, table, schema.ASSOCIATED, "table")
    world.link(assoc, group, schema.ASSOCIATED, "group")
    tagging.apply(world, assoc, tags or {})
    return assoc


def group_tables(world: World, group: str) -> list[str]:
    return [table_of(world, a) for a, _, _ in world.into(group, schema.ASSOCIATED, GROUP_ASSOC)]


def disassociate_group(world: World, part: Partition, assoc: str) -> dict[str, Any]:
    """DeleteLocalGatewayRouteTableVirtualInterfaceGroupAssociation (`disassociating`)."""
    world.get(part, GROUP_ASSOC, assoc)
    return removed(world, assoc, group_association_view, "disassociating")


def group_association_view(world: World, assoc: str) -> dict[str, Any]:
    """boto3's `LocalGatewayRouteTableVirtualInterfaceGroupAssociation`."""
    node = world.graph.nodes[assoc]
    table = table_of(world, assoc)
    return {"LocalGatewayRouteTableVirtualInterfaceGroupAssociationId": assoc,
            "LocalGatewayVirtualInterfaceGroupId": _end(world, assoc, "group"),
            "LocalGatewayId": gateway_of(world, table), "LocalGatewayRouteTableId": table,
            "LocalGatewayRouteTableArn": outposts.ec2_arn(world, table, KIND),
            "OwnerId": node["account"], "State": node["State"],
            "Tags": tagging.listed(node["tags"])}


def _pending_group_association(world: World, assoc: str) -> dict[str, Any]:
    return {**group_association_view(world, assoc), "State": "pending"}


# -- filters ----------------------------------------------------------------------------------

def _assoc_table(read: Any) -> Filter:
    return Filter(lambda w, rid, n: read(w, table_of(w, rid)))


FILTERS: FilterTable = {
    "local-gateway-id": Filter(lambda w, rid, n: gateway_of(w, rid)),
    "local-gateway-route-table-arn": Filter(lambda w, rid, n: outposts.ec2_arn(w, rid, KIND)),
    "local-gateway-route-table-id": ident(),
    "outpost-arn": Filter(lambda w, rid, n: outposts.arn_of(w, gateway_of(w, rid))),
    "owner-id": owner(),
    "state": field("State"),
}
_COMMON: FilterTable = {
    "local-gateway-id": _assoc_table(gateway_of),
    "local-gateway-route-table-arn": _assoc_table(lambda w, t: outposts.ec2_arn(w, t, KIND)),
    "local-gateway-route-table-id": _assoc_table(lambda w, t: t),
    "owner-id": owner(),
    "state": field("State"),
}
VPC_FILTERS: FilterTable = {
    **_COMMON, "local-gateway-route-table-vpc-association-id": ident(),
    "vpc-id": Filter(lambda w, rid, n: _end(w, rid, "vpc")),
}
GROUP_FILTERS: FilterTable = {
    **_COMMON, "local-gateway-route-table-virtual-interface-group-association-id": ident(),
    "local-gateway-route-table-virtual-interface-group-id": Filter(
        lambda w, rid, n: _end(w, rid, "group")),
}


# -- the families (docs/families.md) ----------------------------------------------------------
FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create, created_view=_pending,
                        delete=delete, shared=True))
VPC_FAMILY = declare(Family(VPC_ASSOC, view=vpc_association_view, filters=VPC_FILTERS,
                            create=associate_vpc, delete=disassociate_vpc))
GROUP_FAMILY = declare(Family(GROUP_ASSOC, view=group_association_view, filters=GROUP_FILTERS,
                              create=associate_group, created_view=_pending_group_association,
                              delete=disassociate_group))
