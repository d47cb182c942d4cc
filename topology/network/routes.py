"""Routes of a route table: destinations, targets, and AWS's rules for what may go where.

A route is an edge `rtb -[ROUTE, destination]-> target` whose data holds the destination
member (`DestinationCidrBlock`, `DestinationIpv6CidrBlock` or `DestinationPrefixListId`, in
AWS's canonical form) and `Origin`. The `local` route points at the VPC itself; a route
whose destination is one of the VPC's blocks *is* that block's local route whatever its
target, since ReplaceRoute may point a local route at a middlebox and LocalTarget back.
The Route member naming the target (`GatewayId`, `NatGatewayId`, ...) follows from the
target's kind. A route whose target was deleted (a tombstone node), is down, or is not
attached to this VPC reads `blackhole`.

Targets of kinds that other families create (NAT gateways, interfaces, instances, peering
connections, transit gateways, ...) are looked up generically by kind, so routes to them
work as soon as those kinds exist.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from netaddr import AddrFormatError, IPNetwork

from ..core import addressing, schema
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, MissingParameter,
                           NotFound, TopologyError)
from ..core.lookups import vpc_of
from ..core.registry import Registry
from ..core.world import Partition, World, not_found
from . import prefix_lists, subnets, vpc_blocks


@dataclass(frozen=True)
class RouteTarget:
    """How routes treat a target of a kind a higher layer defines (peering connections,
    transit gateways): CreateRoute's checks, and whether a route to it is active."""

    check: Callable[[World, str, str, str], None]   # (world, rtb, its VPC, target): raises
    usable: Callable[[World, str, str], bool]       # (world, target, the table's VPC)


TARGETS: Registry[RouteTarget] = Registry("how routes treat a target kind")
# target kind -> the Route member naming it
TARGET_MEMBER: dict[str, str] = {
    "vpc": "GatewayId",                       # the local route: GatewayId "local"
    "internet-gateway": "GatewayId",
    "vpn-gateway": "GatewayId",
    "vpc-endpoint": "GatewayId",
    "nat-gateway": "NatGatewayId",
    "vpc-peering-connection": "VpcPeeringConnectionId",
    "transit-gateway": "TransitGatewayId",
    "network-interface": "NetworkInterfaceId",
    "instance": "InstanceId",
    "egress-only-internet-gateway": "EgressOnlyInternetGatewayId",
    "carrier-gateway": "CarrierGatewayId",
    "local-gateway": "LocalGatewayId",
    "core-network": "CoreNetworkArn",
}
DESTINATION_MEMBERS = ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")
# destination member -> (request parameter name in messages, IP version, InvalidRoute wording)
DESTINATIONS: dict[str, tuple[str, int, str]] = {
    "DestinationCidrBlock": ("destinationCidrBlock", 4, "destination-cidr-block"),
    "DestinationIpv6CidrBlock": ("destinationIpv6CidrBlock", 6, "destination-ipv6-cidr-block"),
    "DestinationPrefixListId": ("destinationPrefixListId", 0, "destination-prefix-list-id"),
}
# CreateRoute/ReplaceRoute target parameter -> (kind it names, how AWS spells it in messages)
TARGET_PARAMS: dict[str, tuple[str | None, str]] = {
    "GatewayId": (None, "gatewayId"),          # igw-, vgw- or vpce-: kind from the prefix
    "NatGatewayId": ("nat-gateway", "natGatewayId"),
    "NetworkInterfaceId": ("network-interface", "networkInterfaceId"),
    "VpcPeeringConnectionId": ("vpc-peering-connection", "vpcPeeringConnectionId"),
    "EgressOnlyInternetGatewayId": ("egress-only-internet-gateway", "egressOnlyInternetGatewayId"),
    "TransitGatewayId": ("transit-gateway", "transitGatewayId"),
    "LocalGatewayId": ("local-gateway", "localGatewayId"),
    "CarrierGatewayId": ("carrier-gateway", "carrierGatewayId"),
    "VpcEndpointId": ("vpc-endpoint", "vpcEndpointId"),
    "CoreNetworkArn": ("core-network", "coreNetworkArn"),
    "OdbNetworkArn": (None, "odbNetworkArn"),
    "InstanceId": ("instance", "instanceId"),
}
GATEWAY_PREFIXES = {"igw": "internet-gateway", "vgw": "vpn-gateway", "vpce": "vpc-endpoint"}
# kinds that live outside the caller's partition (shared or cross-account): looked up globally
GLOBAL_KINDS = {"vpc-peering-connection", "transit-gateway", "core-network"}
# targets that must be attached to (or live in) the route table's VPC, and how AWS names them
SAME_NETWORK: dict[str, str] = {
    "internet-gateway": "network gateway",
    "vpn-gateway": "network gateway",
    "egress-only-internet-gateway": "network gateway",
    "carrier-gateway": "network gateway",
    "nat-gateway": "NAT gateway",
    "network-interface": "interface",
    "instance": "instance",
    "vpc-endpoint": "VPC endpoint",
}
# targets AWS accepts for routes inside the VPC's own blocks (middlebox routing)
MIDDLEBOX = {"network-interface", "instance", "nat-gateway", "vpc-endpoint"}
# targets a gateway route table (edge association) may hold besides `local`
EDGE_TARGETS = {"network-interface", "vpc-endpoint"}
EDGE_GATEWAYS = {"igw": "internet-gateway", "vgw": "vpn-gateway"}
IPV6_ONLY = {"egress-only-internet-gateway"}
IPV4_ONLY = {"carrier-gateway"}
RESERVED = {4: IPNetwork("169.254.168.0/22"), 6: IPNetwork("fd00:ec2::/32")}
PROPAGATED = "EnableVgwRoutePropagation"
# targets that stay visible once deleted (describe shows them `deleted`): no new route may
# name them, and CreateRoute answers as for an id that does not exist
GONE_STATES: dict[str, frozenset[str]] = {
    "nat-gateway": frozenset({"deleted"}),
    "carrier-gateway": frozenset({"deleted"}),
}
DOWN_STATES = {"deleted", "deleting", "failed", "rejected", "expired", "detached", "stopped",
               "stopping", "terminated", "shutting-down"}


# -- reading and writing routes --------------------------------------------------------------
def is_gateway_table(world: World, rtb_id: str) -> bool:
    """Whether the table has an edge association (with an internet or virtual private gateway)."""
    return any(world.graph.nodes[v]["kind"] in EDGE_GATEWAYS.values()
               for v, _, _ in world.out(rtb_id, schema.ASSOCIATED))


def add_local_route(world: World, rtb_id: str, vpc_id: str, destination: str, member: str) -> None:
    world.link(rtb_id, vpc_id, schema.ROUTE, destination, **{member: destination},
               Origin="CreateRouteTable")


def add_route(world: World, rtb_id: str, target_id: str, destination: str, member: str,
              *, origin: str = "CreateRoute") -> None:
    """Add the route `destination -> target_id` (validation is the caller's)."""
    world.link(rtb_id, target_id, schema.ROUTE, destination, **{member: destination},
               Origin=origin)


def table_routes(world: World, rtb_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(destination, target id, edge data) for each route of the table."""
    return [(dest, target, data) for target, dest, data in world.out(rtb_id, schema.ROUTE)]


def find_route(world: World, rtb_id: str, destination: str) -> tuple[str, dict[str, Any]] | None:
    """(target, data) of the table's static (non-propagated) route for `destination`."""
    for dest, target, data in table_routes(world, rtb_id):
        if dest == destination and data.get("Origin") != PROPAGATED:
            return target, data
    return None


# -- parsing requests ------------------------------------------------------------------------
def parse_destination_for(world: World, part: Partition, rtb_id: str, params: dict[str, Any]
                          ) -> tuple[str, str, IPNetwork | None]:
    """Check the table exists, then parse the request's destination."""
    world.get(part, "route-table", rtb_id)
    return parse_destination(world, part, params)


def parse_destination(world: World, part: Partition, params: dict[str, Any]
                      ) -> tuple[str, str, IPNetwork | None]:
    """(member, canonical destination, network or None for a prefix list) of a request.

    AWS keeps destinations in canonical form (`100.68.0.18/18` becomes `100.68.0.0/18`).
    """
    given = [m for m in DESTINATION_MEMBERS if params.get(m) is not None]
    if not given:
        raise MissingParameter("The request must contain the parameter destinationCidrBlock, "
                               "destinationIpv6CidrBlock or destinationPrefixListId")
    if len(given) > 1:
        raise InvalidParameterCombination(
            "Only one of destinationCidrBlock, destinationIpv6CidrBlock or "
            "destinationPrefixListId may be specified.")
    member = given[0]
    text = str(params[member])
    param, version, _ = DESTINATIONS[member]
    if version == 0:   # the caller's own lists and the region's AWS-managed ones
        prefix_lists.find(world, part, text)
        return member, text, None
    net = _canonical(text, param, version)
    return member, str(net), net


def _canonical(text: str, param: str, version: int) -> IPNetwork:
    try:
        address = text.partition("/")[0]
        if "/" not in text or (version == 4 and address.count(".") != 3):
            raise AddrFormatError(text)
        net = IPNetwork(text)
        if net.version != version:
            raise AddrFormatError(text)
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidParameterValue(
            f"Value ({text}) for parameter {param} is invalid. This is not a valid CIDR block.")
    return addressing.parse(str(net.cidr), param=param, version=version)


def parse_target(world: World, part: Partition, params: dict[str, Any], *,
                 replacing: bool = False) -> str | None:
    """The id of the one target a CreateRoute/ReplaceRoute request names (None: the local
    target, which ReplaceRoute takes as `LocalTarget` or, as AWS long did, `GatewayId=local`).

    Raises MissingParameter for none, InvalidParameterCombination for several, the
    target kind's NotFound for one that does not exist.
    """
    given = [p for p in TARGET_PARAMS if params.get(p) is not None]
    local_target = replacing and (bool(params.get("LocalTarget"))
                                  or params.get("GatewayId") == "local")
    if local_target and params.get("GatewayId") == "local":
        given.remove("GatewayId")
    count = len(given) + (1 if local_target else 0)
    if count != 1:
        names = [TARGET_PARAMS[p][1] for p in TARGET_PARAMS]
        message = ("The request must contain exactly one of " + ", ".join(names[:-1])
                   + f" or {names[-1]}")
        if replacing:
            message += ", or must have localTarget set to true"
        raise (MissingParameter if count == 0 else InvalidParameterCombination)(message)
    if local_target:
        return None
    param = given[0]
    return _resolve_target(world, part, param, str(params[param]))


def _resolve_target(world: World, part: Partition, param: str, value: str) -> str:
    kind = TARGET_PARAMS[param][0]
    if param == "GatewayId":
        return _gateway(world, part, value)
    if param == "OdbNetworkArn":
        raise NotFound(f"The ODB network '{value}' does not exist", "InvalidOdbNetworkArn.NotFound")
    assert kind is not None
    if param == "CoreNetworkArn":
        value = value.rpartition("/")[2]     # arn:aws:networkmanager::acct:core-network/<id>
    if kind in GLOBAL_KINDS:
        node = world.find(kind, value)
    else:
        node = world.get(part, kind, value)
    if node.get("State") in GONE_STATES.get(kind, ()):
        raise not_found(kind, value)
    if kind == "vpc-endpoint":
        _check_endpoint_target(node, value)
    if kind == "instance":
        return _instance_interface(world, value) or value
    return value


def _gateway(world: World, part: Partition, value: str) -> str:
    """A `GatewayId`: an internet gateway, virtual private gateway or VPC endpoint."""
    prefix = value.rpartition("-")[0]
    kind = GATEWAY_PREFIXES.get(prefix)
    if kind is None and prefix in schema.KIND_BY_PREFIX:
        raise InvalidParameterValue(f"invalid value for parameter gateway-id: {value}")
    node = world.node(value) if kind is not None else None
    if node is None or node["kind"] != kind or (node["account"], node["region"]) != (
            part.account, part.region):
        raise NotFound(f"The gateway ID '{value}' does not exist", "InvalidGatewayID.NotFound")
    if kind == "vpc-endpoint":
        _check_endpoint_target(node, value)
    return value


def _check_endpoint_target(node: dict[str, Any], value: str) -> None:
    """Only a Gateway Load Balancer endpoint is a route target; a gateway endpoint's routes
    are made by the endpoint itself (ModifyVpcEndpoint), never by the route table calls."""
    if node.get("VpcEndpointType", "GatewayLoadBalancer") != "GatewayLoadBalancer":
        raise InvalidParameterValue(
            f"Route target {value} is not supported. Only Gateway Load Balancer endpoints "
            "can be route targets.")


def _instance_interface(world: World, instance_id: str) -> str | None:
    """The one network interface of an instance (AWS routes to the interface)."""
    enis = [e for e, _, _ in world.into(instance_id, schema.ATTACHED, "network-interface")]
    if len(enis) > 1:
        raise TopologyError(
            f"There are multiple interfaces attached to instance '{instance_id}'. Please "
            "specify an interface ID for the operation instead.", "InvalidInstanceID")
    return enis[0] if enis else None


# -- AWS's routing rules --------------------------------------------------------------------
def home_vpc(world: World, rid: str) -> str | None:
    """The VPC a resource belongs to: up its CONTAINS chain, its attachment, or `VpcId`."""
    current = rid
    for _ in range(4):
        node = world.graph.nodes[current]
        if node["kind"] == "vpc":
            return current
        parents = world.into(current, schema.CONTAINS)
        if not parents:
            break
        current = parents[0][0]
    attached = world.out(rid, schema.ATTACHED, "vpc")
    if attached:
        return attached[0][0]
    node = world.graph.nodes[rid]
    if node["kind"] == "instance":
        enis = world.into(rid, schema.ATTACHED, "network-interface")
        if enis:
            return home_vpc(world, enis[0][0])
    vpc = node.get("VpcId")
    return vpc if isinstance(vpc, str) else None


def _check_network(world: World, rtb_id: str, vpc_id: str, target: str) -> None:
    kind = world.graph.nodes[target]["kind"]
    label = SAME_NETWORK.get(kind)
    answer = TARGETS.get(kind)
    if answer is not None:
        answer.check(world, rtb_id, vpc_id, target)
        return
    if label is None:
        return
    home = home_vpc(world, target)
    # a gateway must be attached to this VPC; for others an unknown home is not checked
    if home != vpc_id and (home is not None or label == "network gateway"):
        raise InvalidParameterValue(
            f"route table {rtb_id} and {label} {target} belong to different networks")


def _blocks(world: World, vpc_id: str, version: int) -> list[IPNetwork]:
    return vpc_blocks.blocks(world, vpc_id, version=version)


def _subnet_blocks(world: World, vpc_id: str, version: int) -> list[IPNetwork]:
    out: list[IPNetwork] = []
    for subnet in subnets.subnet_ids(world, vpc_id):
        if version == 4:
            out.append(IPNetwork(world.graph.nodes[subnet]["CidrBlock"]))
        else:
            out.extend(subnets.ipv6_blocks(world, subnet))
    return out


def is_local_destination(world: World, vpc_id: str, destination: str) -> bool:
    """Whether `destination` is one of the VPC's blocks, i.e. names a local route."""
    try:
        net = IPNetwork(destination)
    except (AddrFormatError, ValueError):
        return False
    return any(net == b for b in _blocks(world, vpc_id, net.version))


def _check_destination(world: World, rtb_id: str, vpc_id: str, net: IPNetwork | None,
                       target: str | None, dest: str) -> None:
    """AWS's rules on what a route may point where (target None: the local target)."""
    kind = world.graph.nodes[target]["kind"] if target is not None else "vpc"
    if net is not None and (net in RESERVED[net.version]):
        raise InvalidParameterValue(
            f"The destination CIDR block {dest} is reserved for use by AWS services and cannot "
            "be routed.")
    if net is not None and kind in IPV6_ONLY and net.version != 6:
        raise InvalidParameterValue(
            f"The destination CIDR block {dest} is not an IPv6 CIDR block. An egress-only "
            "internet gateway supports IPv6 traffic only.")
    if net is not None and kind in IPV4_ONLY and net.version != 4:
        raise InvalidParameterValue(
            f"The destination CIDR block {dest} is not an IPv4 CIDR block. A carrier gateway "
            "supports IPv4 traffic only.")
    if is_gateway_table(world, rtb_id):
        _check_edge_route(world, rtb_id, vpc_id, net, kind, dest)
    if net is None or kind == "vpc":
        return
    blocks = _blocks(world, vpc_id, net.version)
    if not any(net in b for b in blocks):
        return
    if kind not in MIDDLEBOX:
        raise InvalidParameterValue(
            f"The destination CIDR block {dest} is equal to or more specific than one of this "
            "VPC's CIDR blocks. This route can target only an interface or an instance.")
    if not any(net == b for b in blocks) and net not in _subnet_blocks(world, vpc_id, net.version):
        raise InvalidParameterValue(
            f"The destination CIDR block {dest} is more specific than one of this VPC's CIDR "
            "blocks but does not match the CIDR block of a subnet in this VPC.")


def refusal(world: World, rtb_id: str, destination: str, target: str) -> str | None:
    """Why CreateRoute would refuse the route `destination -> target` in the table, if it
    would (routes a route server installs follow the same rules)."""
    try:
        _check_destination(world, rtb_id, vpc_of(world, rtb_id), IPNetwork(destination),
                           target, destination)
    except TopologyError as refused:
        return refused.message
    return None


def _check_edge_route(world: World, rtb_id: str, vpc_id: str, net: IPNetwork | None, kind: str,
                      dest: str) -> None:
    """A gateway route table routes only into the VPC, to interfaces and GWLB endpoints."""
    if net is None:
        raise InvalidParameterValue(
            f"Route table {rtb_id} is associated with a gateway; prefix list destinations are "
            "not supported in a gateway route table.")
    if kind != "vpc" and kind not in EDGE_TARGETS:
        raise InvalidParameterValue(
            f"Route table {rtb_id} is associated with a gateway; its routes can target only a "
            "network interface or a Gateway Load Balancer endpoint.")
    if not any(net in b for b in _blocks(world, vpc_id, net.version)):
        raise InvalidParameterValue(
            f"Route table {rtb_id} is associated with a gateway; the destination CIDR block "
            f"{dest} must be within the CIDR blocks of the VPC.")


# -- operations ------------------------------------------------------------------------------
def create_route(world: World, part: Partition, route_table_id: str, params: dict[str,
                 Any]) -> None:
    """CreateRoute: validate destination, target and AWS's routing rules, then add the edge."""
    member, dest, net = parse_destination_for(world, part, route_table_id, params)
    target = parse_target(world, part, params)
    assert target is not None
    vpc_id = vpc_of(world, route_table_id)
    _check_network(world, route_table_id, vpc_id, target)
    _check_destination(world, route_table_id, vpc_id, net, target, dest)
    if find_route(world, route_table_id, dest) is not None:
        raise TopologyError(f"The route identified by {dest} already exists.", "RouteAlreadyExists")
    add_route(world, route_table_id, target, dest, member)


def replace_route(world: World, part: Partition, route_table_id: str, params: dict[str,
                  Any]) -> None:
    """ReplaceRoute: point an existing route at a new target (LocalTarget: back to `local`)."""
    member, dest, net = parse_destination_for(world, part, route_table_id, params)
    target = parse_target(world, part, params, replacing=True)
    local_target = target is None
    vpc_id = vpc_of(world, route_table_id)
    current = find_route(world, route_table_id, dest)
    if current is None:
        raise InvalidParameterValue(
            f"There is no route defined for '{dest}' in the route table. Use CreateRoute instead.")
    local = is_local_destination(world, vpc_id, dest)
    if local_target and not local:
        raise InvalidParameterValue(
            f"The local target can be used only for a local route; {dest} is not a CIDR block "
            "of the VPC.")
    if target is not None:
        _check_network(world, route_table_id, vpc_id, target)
        _check_destination(world, route_table_id, vpc_id, net, target, dest)
    new_target = vpc_id if target is None else target
    origin = "CreateRouteTable" if local else current[1]["Origin"]
    if origin == PROPAGATED:
        origin = "CreateRoute"
    world.unlink(route_table_id, current[0], schema.ROUTE, dest)
    add_route(world, route_table_id, new_target, dest, member, origin=origin)


def delete_route(world: World, part: Partition, route_table_id: str, params: dict[str,
                 Any]) -> None:
    """DeleteRoute: the route must exist and must not be a local route."""
    member, dest, _ = parse_destination_for(world, part, route_table_id, params)
    current = find_route(world, route_table_id, dest)
    if current is None:
        raise NotFound(f"no route with {DESTINATIONS[member][2]} {dest} in route table "
                       f"{route_table_id}", "InvalidRoute.NotFound")
    if is_local_destination(world, vpc_of(world, route_table_id), dest):
        raise InvalidParameterValue(
            f"cannot remove local route {dest} in route table {route_table_id}")
    world.unlink(route_table_id, current[0], schema.ROUTE, dest)


# -- state and views -------------------------------------------------------------------------
def route_state(world: World, rtb_id: str, target: str) -> str:
    """`active`, or `blackhole` when the target is gone, down or not usable from this VPC."""
    node = world.graph.nodes[target]
    if node.get("deleted"):
        return "blackhole"
    kind = node["kind"]
    if kind in ("internet-gateway", "vpn-gateway"):
        vpc = vpc_of(world, rtb_id)
        return "active" if any(v == vpc and data.get("State") not in DOWN_STATES
                               for v, _, data in world.out(target, schema.ATTACHED)) \
            else "blackhole"
    answer = TARGETS.get(kind)   # a peering connection must be active, a transit gateway
    if answer is not None and not answer.usable(world, target, vpc_of(world, rtb_id)):
        return "blackhole"       # must still have the VPC attached
    if _state_name(node) in DOWN_STATES:
        return "blackhole"
    if kind == "network-interface":
        return _interface_state(world, target, node)
    return "active"


def _interface_state(world: World, eni_id: str, node: dict[str, Any]) -> str:
    """A route to an interface is down while the interface is detached or its instance stopped."""
    if node.get("Status") == "available":
        return "blackhole"
    for instance, _, _ in world.out(eni_id, schema.ATTACHED, "instance"):
        if _state_name(world.graph.nodes[instance]) in DOWN_STATES:
            return "blackhole"
    return "active"


def _state_name(node: dict[str, Any]) -> str | None:
    state = node.get("State", node.get("Status"))
    if isinstance(state, dict):
        state = state.get("Name", state.get("Code"))
    return state if isinstance(state, str) else None


def route_view(world: World, rtb_id: str, destination: str, target: str,
               data: dict[str, Any]) -> dict[str, Any]:
    node = world.graph.nodes[target]
    out = {k: data[k] for k in DESTINATION_MEMBERS if k in data}
    member = TARGET_MEMBER[node["kind"]]
    if node["kind"] == "vpc":
        out[member] = "local"
    else:
        out[member] = node.get("Arn", target) if member == "CoreNetworkArn" else target
    if node["kind"] == "network-interface" and not node.get("deleted"):
        attached = world.out(target, schema.ATTACHED, "instance")
        if attached:
            out["InstanceId"] = attached[0][0]
            out["InstanceOwnerId"] = world.graph.nodes[attached[0][0]]["account"]
    if node["kind"] == "instance":
        out["InstanceOwnerId"] = node["account"]
    out["Origin"] = data["Origin"]
    out["State"] = route_state(world, rtb_id, target)
    return out


def route_views(world: World, rtb_id: str) -> list[dict[str, Any]]:
    return [route_view(world, rtb_id, d, t, data) for d, t, data in table_routes(world, rtb_id)]
