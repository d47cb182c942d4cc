"""Virtual edge network gateways: the gateway of a `virtual-edge` secondary network, its
route tables, their associations with secondary subnets, and the CIDR blocks the gateway is
allowed to advertise.

* `virtual-edge-network-gateway` (`vegw-`) `-[ATTACHED]->` its secondary network; one live
  gateway a network, in the network's zone;
* `gateway -[CONTAINS]-> virtual-edge-network-gateway-route-table` (`vegw-rtb-`,
  `AddressType` ipv4 or ipv6; its static routes are `edge_gateway_routes`');
* a `virtual-edge-network-gateway-route-table-association` (`vegw-rtb-assoc-`) with
  `assoc -[ASSOCIATED, "table"]-> table` and `assoc -[ASSOCIATED, "subnet"]-> secondary
  subnet`, and its `BgpOptions`; a subnet has one live association, of its address family;
* the allowed advertisements are rows of the gateway's `advertisements` field, identified by
  their CIDR block (they have no id of their own).

States as AWS reports them (and the SDK waiters expect): a create answers
`create-in-progress`, a describe shows `create-complete`; a delete answers
`delete-in-progress` and the resource stays visible as `delete-complete`. A gateway with live
route tables or allowed advertisements, and a table with live associations, cannot be
deleted.
"""
from __future__ import annotations

from typing import Any

from netaddr import AddrFormatError, IPNetwork, IPSet

from ..core import lookups, paging, schema
from ..core import tags as tagging
from ..core.errors import (DependencyViolation, InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, NotFound, TopologyError)
from ..core.family import Family, declare
from ..core.filters import Filter, FilterTable, field, ident, owner, select_rows
from ..core.world import Partition, World
from ..network import ipam_allocations
from ..network import secondary_networks as secondary

GATEWAY = "virtual-edge-network-gateway"
TABLE = "virtual-edge-network-gateway-route-table"
ASSOC = "virtual-edge-network-gateway-route-table-association"
LIVE, DELETED = secondary.LIVE, "delete-complete"
MAX_PREFIX = {"ipv4": (12, 28), "ipv6": (44, 64)}
# where Amazon allocates an advertised block of a requested size (ec2sim's choice of range)
AMAZON_RANGES = {4: IPNetwork("18.97.0.0/16"), 6: IPNetwork("2600:1f70::/32")}
ADVERTISE_LIMITS = {4: 24, 6: 48}      # an IPAM block's prefix may be this long at most


arn = lookups.ec2_arn


# their states are the secondary networks' (create-complete / delete-complete)
live, is_live = secondary.live, secondary.is_live


def in_state(view: Any, state: str) -> Any:
    """A view function answering `state` (a create's or a delete's transient state)."""
    return lambda world, rid: {**view(world, rid), "State": state}


def _delete(world: World, rid: str, view: Any) -> dict[str, Any]:
    world.update(rid, State=DELETED)
    return {**view(world, rid), "State": "delete-in-progress"}


def _tags(node: dict[str, Any]) -> dict[str, Any]:
    return {"Tags": tagging.listed(node["tags"])} if node["tags"] else {}


# -- gateways ---------------------------------------------------------------------------------
def create_gateway(world: World, part: Partition, secondary_network_id: str, *,
                   tags: dict[str, str] | None = None) -> str:
    """CreateVirtualEdgeNetworkGateway in a `virtual-edge` secondary network."""
    sn = secondary_network_id
    network = secondary.live(world, part, secondary.NETWORK, sn)
    if network["Type"] != "virtual-edge":
        raise InvalidParameterValue(f"The secondary network {sn} is of type {network['Type']}; "
                                    "a virtual edge network gateway needs a virtual-edge "
                                    "network.")
    if any(is_live(world, g) for g, _, _ in world.into(sn, schema.ATTACHED, GATEWAY)):
        raise TopologyError(f"The secondary network {sn} already has a virtual edge network "
                            "gateway.", "Resource.AlreadyAssociated")
    gateway = world.new_id("vegw")
    world.add(part, GATEWAY, gateway, State=LIVE, AvailabilityZone=network["AvailabilityZone"],
              AvailabilityZoneId=network["AvailabilityZoneId"], advertisements=[])
    world.link(gateway, sn, schema.ATTACHED)
    tagging.apply(world, gateway, tags or {})
    return gateway


def network_of(world: World, gateway: str) -> str:
    return str(world.out(gateway, schema.ATTACHED, secondary.NETWORK)[0][0])


def tables_of(world: World, gateway: str) -> list[str]:
    return [t for t, _, _ in world.out(gateway, schema.CONTAINS, TABLE)]


def delete_gateway(world: World, part: Partition, gateway: str) -> dict[str, Any]:
    """DeleteVirtualEdgeNetworkGateway: one with no live route tables or advertisements."""
    node = live(world, part, GATEWAY, gateway)
    if any(is_live(world, t) for t in tables_of(world, gateway)):
        raise DependencyViolation(f"The virtual edge network gateway {gateway} has route "
                                  "tables; delete them first.")
    if node["advertisements"]:
        raise DependencyViolation(f"The virtual edge network gateway {gateway} has allowed "
                                  "advertisements; delete them first.")
    return _delete(world, gateway, gateway_view)


def gateway_view(world: World, gateway: str) -> dict[str, Any]:
    """boto3's `VirtualEdgeNetworkGateway`."""
    node = world.graph.nodes[gateway]
    return {"VirtualEdgeNetworkGatewayId": gateway, "VirtualEdgeNetworkGatewayArn": arn(
        world, gateway), "OwnerId": node["account"], "SecondaryNetworkId": network_of(
        world, gateway), "AvailabilityZoneId": node["AvailabilityZoneId"],
        "AvailabilityZone": node["AvailabilityZone"], "State": node["State"], **_tags(node)}


# -- route tables -----------------------------------------------------------------------------
def create_table(world: World, part: Partition, virtual_edge_network_gateway_id: str,
                 address_type: str | None = None, *, tags: dict[str, str] | None = None) -> str:
    """CreateVirtualEdgeNetworkGatewayRouteTable (ipv4 unless `address_type` says ipv6)."""
    gateway = virtual_edge_network_gateway_id
    node = live(world, part, GATEWAY, gateway)
    table = world.new_id("vegw-rtb")
    world.add(part, TABLE, table, State=LIVE, AddressType=address_type or "ipv4",
              AvailabilityZone=node["AvailabilityZone"],
              AvailabilityZoneId=node["AvailabilityZoneId"], routes=[])
    world.link(gateway, table, schema.CONTAINS)
    tagging.apply(world, table, tags or {})
    return table


def gateway_of(world: World, table: str) -> str:
    return str(world.into(table, schema.CONTAINS, GATEWAY)[0][0])


def _table_associations(world: World, table: str) -> list[str]:
    return [a for a, _, _ in world.into(table, schema.ASSOCIATED, ASSOC) if is_live(world, a)]


def delete_table(world: World, part: Partition, table: str) -> dict[str, Any]:
    """DeleteVirtualEdgeNetworkGatewayRouteTable: one with no live associations (its routes
    go with it)."""
    live(world, part, TABLE, table)
    if _table_associations(world, table):
        raise DependencyViolation(f"The virtual edge network gateway route table {table} has "
                                  "associations; delete them first.")
    answer = _delete(world, table, table_view)
    world.update(table, routes=[])
    return answer


def table_view(world: World, table: str) -> dict[str, Any]:
    """boto3's `VirtualEdgeNetworkGatewayRouteTable`."""
    node = world.graph.nodes[table]
    return {"VirtualEdgeNetworkGatewayRouteTableId": table,
            "VirtualEdgeNetworkGatewayRouteTableArn": arn(world, table),
            "VirtualEdgeNetworkGatewayId": gateway_of(world, table), "OwnerId": node["account"],
            "AddressType": node["AddressType"], "AvailabilityZoneId": node["AvailabilityZoneId"],
            "AvailabilityZone": node["AvailabilityZone"], "State": node["State"], **_tags(node)}


# -- associations -----------------------------------------------------------------------------
def _bgp_options(given: dict[str, Any] | None, family: str) -> dict[str, Any]:
    given = given or {}
    out: dict[str, Any] = {"RoutePropagationEnabled": given.get("RoutePropagationEnabled", True)}
    length = (given.get("RouteFilter") or {}).get("MaxPrefixLength")
    if length is not None:
        low, high = MAX_PREFIX[family]
        if not low <= length <= high:
            raise InvalidParameterValue(
                f"Value ({length}) for parameter MaxPrefixLength is invalid. For an {family} "
                f"route table, valid values are from {low} to {high}.")
        out["RouteFilter"] = {"MaxPrefixLength": length}
    return out


def associate(world: World, part: Partition, virtual_edge_network_gateway_route_table_id: str,
              secondary_subnet_id: str, bgp_options: dict[str, Any] | None = None, *,
              tags: dict[str, str] | None = None) -> str:
    """CreateVirtualEdgeNetworkGatewayRouteTableAssociation."""
    table, ss = virtual_edge_network_gateway_route_table_id, secondary_subnet_id
    table_node = live(world, part, TABLE, table)
    subnet = secondary.live(world, part, secondary.SUBNET, ss)
    if secondary.network_of(world, ss) != network_of(world, gateway_of(world, table)):
        raise InvalidParameterValue(f"The secondary subnet {ss} is not in the secondary network "
                                    f"of route table {table}.")
    family = secondary.address_family(world, ss)
    if family != table_node["AddressType"]:
        raise InvalidParameterValue(f"The address family of route table {table} "
                                    f"({table_node['AddressType']}) does not match the CIDR "
                                    f"block of secondary subnet {ss} ({family}).")
    for other, _, _ in world.into(ss, schema.ASSOCIATED, ASSOC):
        if is_live(world, other):
            raise TopologyError(f"The secondary subnet {ss} is already associated with a route "
                                f"table ({other}).", "Resource.AlreadyAssociated")
    assoc = world.new_id("vegw-rtb-assoc")
    world.add(part, ASSOC, assoc, State=LIVE, AvailabilityZone=subnet["AvailabilityZone"],
              AvailabilityZoneId=subnet["AvailabilityZoneId"],
              BgpOptions=_bgp_options(bgp_options, family))
    world.link(assoc, table, schema.ASSOCIATED, "table")
    world.link(assoc, ss, schema.ASSOCIATED, "subnet")
    tagging.apply(world, assoc, tags or {})
    return assoc


def _end(world: World, assoc: str, disc: str) -> str:
    return next(str(v) for v, key, _ in world.out(assoc, schema.ASSOCIATED) if key == disc)


def disassociate(world: World, part: Partition, assoc: str) -> dict[str, Any]:
    """DeleteVirtualEdgeNetworkGatewayRouteTableAssociation."""
    live(world, part, ASSOC, assoc)
    return _delete(world, assoc, association_view)


def association_view(world: World, assoc: str) -> dict[str, Any]:
    """boto3's `VirtualEdgeNetworkGatewayRouteTableAssociation`."""
    node = world.graph.nodes[assoc]
    return {"VirtualEdgeNetworkGatewayRouteTableAssociationId": assoc,
            "VirtualEdgeNetworkGatewayRouteTableAssociationArn": arn(world, assoc),
            "VirtualEdgeNetworkGatewayRouteTableId": _end(world, assoc, "table"),
            "SecondarySubnetId": _end(world, assoc, "subnet"), "OwnerId": node["account"],
            "AvailabilityZoneId": node["AvailabilityZoneId"],
            "AvailabilityZone": node["AvailabilityZone"], "BgpOptions": node["BgpOptions"],
            "State": node["State"], **_tags(node)}


def table_of_subnet(world: World, ss: str) -> str | None:
    """The route table a secondary subnet is (live) associated with."""
    for assoc, _, _ in world.into(ss, schema.ASSOCIATED, ASSOC):
        if is_live(world, assoc):
            return _end(world, assoc, "table")
    return None


# -- allowed advertisements -------------------------------------------------------------------
def _net(text: str, member: str, version: int) -> IPNetwork:
    try:
        net = IPNetwork(text)
        if net.version != version or "/" not in text:
            raise ValueError(text)
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidParameterValue(
            f"Value ({text}) for parameter {member} is invalid. This is not a valid CIDR block.")
    return net.cidr


def _allocate(node: dict[str, Any], version: int, length: int) -> IPNetwork:
    """Amazon's block of `length` for the gateway: the first one no advertisement uses."""
    used = IPSet(a.get("Ipv4CidrBlock") or a["Ipv6CidrBlock"] for a in node["advertisements"])
    for block in AMAZON_RANGES[version].subnet(length):
        if not used & IPSet([block]):
            return block
    raise TopologyError("Amazon has no free block of that size.", "InsufficientCidrBlocks")


def _advertised(world: World, part: Partition, node: dict[str, Any],
                params: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The advertisement a request asks for: ({member: block, IpamPoolId?}, types)."""
    pool, v4, v6 = params.get("IpamPoolId"), params.get("Ipv4CidrBlock"), params.get(
        "Ipv6CidrBlock")
    l4, l6 = params.get("Ipv4NetmaskLength"), params.get("Ipv6NetmaskLength")
    types = list(params.get("Types") or ["internet"])
    if len(set(types)) != len(types) or {"internet", "aws-global-network"} <= set(types):
        raise InvalidParameterCombination("internet includes aws-global-network: specify one.")
    if pool is not None:
        if (v4 is None) == (v6 is None) or l4 is not None or l6 is not None:
            raise InvalidParameterCombination(
                "With IpamPoolId, specify exactly one of Ipv4CidrBlock or Ipv6CidrBlock.")
        version, member = (4, "Ipv4CidrBlock") if v4 is not None else (6, "Ipv6CidrBlock")
        net = _net(str(v4 or v6), member, version)
        if net.prefixlen > ADVERTISE_LIMITS[version]:
            raise InvalidParameterValue(f"The prefix length of {net} must be /"
                                        f"{ADVERTISE_LIMITS[version]} or shorter.")
        world.get(part, "ipam-pool", pool)
        if not any(net in IPNetwork(world.graph.nodes[c]["Cidr"])
                   for c in ipam_allocations.provisioned(world, pool)):
            raise InvalidParameterValue(f"The CIDR {net} is not within a CIDR provisioned to "
                                        f"IPAM pool {pool}.")
        return {"IpamPoolId": pool, member: str(net)}, types
    if v4 is not None or v6 is not None:
        raise MissingParameter("The request must contain the parameter IpamPoolId")
    if (l4 is None) == (l6 is None):
        raise InvalidParameterCombination(
            "Specify exactly one of Ipv4NetmaskLength or Ipv6NetmaskLength.")
    if types != ["internet"]:
        raise InvalidParameterValue("With a netmask length, the only supported type is "
                                    "internet.")
    version, length, (low, high) = (4, l4, (28, 30)) if l4 is not None else (6, l6, (52, 64))
    if not low <= length <= high:
        raise InvalidParameterValue(f"Value ({length}) for parameter Ipv{version}NetmaskLength "
                                    f"is invalid. Valid values are from {low} to {high}.")
    return {f"Ipv{version}CidrBlock": str(_allocate(node, version, length))}, types


def advertise(world: World, part: Partition, virtual_edge_network_gateway_id: str,
              params: dict[str, Any]) -> dict[str, Any]:
    """CreateVirtualEdgeNetworkGatewayAllowedAdvertisement."""
    gateway = virtual_edge_network_gateway_id
    node = live(world, part, GATEWAY, gateway)
    row, types = _advertised(world, part, node, params)
    net = IPNetwork(row.get("Ipv4CidrBlock") or row["Ipv6CidrBlock"])
    for other in node["advertisements"]:
        if IPSet([net]) & IPSet([other.get("Ipv4CidrBlock") or other["Ipv6CidrBlock"]]):
            raise InvalidParameterValue(f"The CIDR {net} overlaps an allowed advertisement of "
                                        f"gateway {gateway}.")
    world.update(gateway, advertisements=[*node["advertisements"], {**row, "Types": types}])
    return {**advertisement_view(world, gateway, {**row, "Types": types}),
            "State": "create-in-progress"}


def withdraw(world: World, part: Partition, virtual_edge_network_gateway_id: str,
             ipv4_cidr_block: str | None = None, ipv6_cidr_block: str | None = None
             ) -> dict[str, Any]:
    """DeleteVirtualEdgeNetworkGatewayAllowedAdvertisement, by its CIDR block."""
    gateway = virtual_edge_network_gateway_id
    node = live(world, part, GATEWAY, gateway)
    if (ipv4_cidr_block is None) == (ipv6_cidr_block is None):
        raise InvalidParameterCombination("Specify either Ipv4CidrBlock or Ipv6CidrBlock, but "
                                          "not both.")
    member = "Ipv4CidrBlock" if ipv4_cidr_block is not None else "Ipv6CidrBlock"
    net = _net(str(ipv4_cidr_block or ipv6_cidr_block), member, 4 if ipv4_cidr_block else 6)
    row = next((a for a in node["advertisements"] if a.get(member) == str(net)), None)
    if row is None:
        raise NotFound(f"The allowed advertisement {net} does not exist for virtual edge "
                       f"network gateway {gateway}.", "InvalidAllowedAdvertisement.NotFound")
    if _in_use(world, gateway, net):
        raise DependencyViolation(f"The allowed advertisement {net} is used by a secondary "
                                  "subnet or covers an advertised route.")
    world.update(gateway, advertisements=[a for a in node["advertisements"] if a is not row])
    return {**advertisement_view(world, gateway, row), "State": "delete-in-progress"}


def _in_use(world: World, gateway: str, net: IPNetwork) -> bool:
    """A live subnet of the gateway's network inside `net`, or an advertised route in it."""
    for ss, _, _ in world.out(network_of(world, gateway), schema.CONTAINS, secondary.SUBNET):
        node = world.graph.nodes[ss]
        if node["State"] == secondary.LIVE and any(
                IPNetwork(b.get("CidrBlock") or b["Ipv6CidrBlock"]) in net
                for b in [*node["v4"], *node["v6"]]):
            return True
    for table in tables_of(world, gateway):
        for route in world.graph.nodes[table]["routes"]:
            dest = route.get("Ipv4DestinationCidrBlock") or route["Ipv6DestinationCidrBlock"]
            if route.get("ReachabilityScopes") and IPNetwork(dest) in net:
                return True
    return False


def advertisement_view(world: World, gateway: str, row: dict[str, Any]) -> dict[str, Any]:
    """boto3's `VirtualEdgeNetworkGatewayAllowedAdvertisement`."""
    return {"VirtualEdgeNetworkGatewayId": gateway, **{k: row[k] for k in (
        "IpamPoolId", "Ipv4CidrBlock", "Ipv6CidrBlock") if k in row},
        "OwnerId": world.graph.nodes[gateway]["account"], "State": LIVE,
        "Types": list(row["Types"])}


def _row(name: str) -> Filter:
    return Filter(lambda w, rid, row: row.get(name))


ADVERTISEMENT_FILTERS: FilterTable = {
    "ipam-pool-id": _row("IpamPoolId"), "ipv4-cidr-block": _row("Ipv4CidrBlock"),
    "ipv6-cidr-block": _row("Ipv6CidrBlock"), "owner-id": _row("OwnerId"),
    "state": _row("State"), "types": _row("Types"),
    "virtual-edge-network-gateway-id": _row("VirtualEdgeNetworkGatewayId"),
}


def advertisements(world: World, part: Partition, filters: list[dict[str, Any]] | None = None,
                   max_results: int | None = None, next_token: str | None = None
                   ) -> dict[str, Any]:
    """DescribeVirtualEdgeNetworkGatewayAllowedAdvertisements: the live gateways' rows."""
    rows = [advertisement_view(world, g, row) for g in part.ids(GATEWAY)
            if is_live(world, g) for row in world.graph.nodes[g]["advertisements"]]
    rows = select_rows(ADVERTISEMENT_FILTERS, filters, rows, taggable=False)
    return page_rows(rows, max_results, next_token, "vegw-advertisements",
                     "VirtualEdgeNetworkGatewayAllowedAdvertisements")


def page_rows(rows: list[dict[str, Any]], max_results: int | None, token: str | None,
              scope: str, member: str) -> dict[str, Any]:
    """One page of plain rows: `member` and the `NextToken` of the rest."""
    start = paging.decode(token, scope, lambda p: isinstance(p, int) and p >= 0) if token else 0
    end = start + max_results if max_results else len(rows)
    return {member: rows[start:end],
            "NextToken": paging.encode(scope, end) if end < len(rows) else None}


# -- filters and the families (docs/families.md) ----------------------------------------------

def _arn() -> Filter:
    return Filter(lambda w, rid, n: arn(w, rid))


GATEWAY_FILTERS: FilterTable = {
    "owner-id": owner(), "secondary-network-id": Filter(lambda w, rid, n: network_of(w, rid)),
    "state": field("State"), "virtual-edge-network-gateway-arn": _arn(),
    "virtual-edge-network-gateway-id": ident(),
}
TABLE_FILTERS: FilterTable = {
    "owner-id": owner(), "state": field("State"),
    "virtual-edge-network-gateway-id": Filter(lambda w, rid, n: gateway_of(w, rid)),
    "virtual-edge-network-gateway-route-table-arn": _arn(),
    "virtual-edge-network-gateway-route-table-id": ident(),
}
ASSOC_FILTERS: FilterTable = {
    "bgp-options.route-filter.max-prefix-length": Filter(
        lambda w, rid, n: (n["BgpOptions"].get("RouteFilter") or {}).get("MaxPrefixLength")),
    "bgp-options.route-propagation-enabled": Filter(
        lambda w, rid, n: n["BgpOptions"]["RoutePropagationEnabled"]),
    "owner-id": owner(), "secondary-subnet-id": Filter(lambda w, rid, n: _end(w, rid, "subnet")),
    "state": field("State"),
    "virtual-edge-network-gateway-route-table-association-arn": _arn(),
    "virtual-edge-network-gateway-route-table-association-id": ident(),
    "virtual-edge-network-gateway-route-table-id": Filter(
        lambda w, rid, n: _end(w, rid, "table")),
}

GATEWAY_FAMILY = declare(Family(
    GATEWAY, view=gateway_view, filters=GATEWAY_FILTERS, create=create_gateway,
    created_view=in_state(gateway_view, "create-in-progress"), delete=delete_gateway,
    actions={"CreateVirtualEdgeNetworkGatewayAllowedAdvertisement": advertise,
             "DeleteVirtualEdgeNetworkGatewayAllowedAdvertisement": withdraw,
             "DescribeVirtualEdgeNetworkGatewayAllowedAdvertisements": advertisements}))
TABLE_FAMILY = declare(Family(
    TABLE, view=table_view, filters=TABLE_FILTERS, create=create_table,
    created_view=in_state(table_view, "create-in-progress"), delete=delete_table))
ASSOC_FAMILY = declare(Family(
    ASSOC, view=association_view, filters=ASSOC_FILTERS, create=associate,
    created_view=in_state(association_view, "create-in-progress"), delete=disassociate))
