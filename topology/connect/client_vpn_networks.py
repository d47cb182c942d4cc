"""What a Client VPN endpoint reaches: target networks, routes, authorization rules and the
client connections AWS reports.

* A target network association is an ASSOCIATED edge endpoint -> subnet carrying `id`
  (`cvpn-assoc-…`); the endpoint puts a requester-managed interface in the subnet
  (`eni -[ATTACHED]-> endpoint`, with the endpoint's security groups and a public IPv4),
  through which its clients' traffic enters the VPC, translated to that interface's address.
* A route is a ROUTE edge endpoint -> target subnet, discriminated by destination
  {DestinationCidr, Origin (`associate` for the VPC route an association adds, `add-route`),
  Type `Nat`, Description}.
* Authorization rules and connections are rows of the endpoint's `rules` and `connections`.

AWS's rules kept here: subnets of one VPC, one per Availability Zone, none twice, whose
blocks do not overlap the client range; associating adds the route to the VPC's block and
the endpoint becomes `available`; disassociating removes the routes through that subnet;
a route's target subnet must be associated; rules name a destination and either one access
group or all groups, none twice.
"""
from __future__ import annotations

from typing import Any

from netaddr import AddrFormatError, IPNetwork

from ..core import schema
from ..core.clock import now
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, LimitExceeded,
                           TopologyError)
from ..core.family import declare_actions
from ..core.filters import Filter
from ..core.world import Partition, World
from ..network import network_interfaces, subnets, vpc_blocks
from . import client_vpn
from .client_vpn import KIND, get, target_subnets

REQUESTER_ID = "389045016165"       # the account AWS shows as requester of its interfaces
MAX_ROUTES, MAX_RULES = 10, 50      # AWS's default quotas per endpoint
ORIGIN_ASSOCIATE, ORIGIN_ADDED = "associate", "add-route"


def cidr(text: str, member: str) -> str:
    try:
        net = IPNetwork(text)
        if net.version != 4 or "/" not in text:
            raise ValueError(text)
    except (AddrFormatError, ValueError):
        raise InvalidParameterValue(f"Value ({text}) for parameter {member} is invalid. "
                                    "Invalid CIDR block.") from None
    return str(net.cidr)


def _active(world: World, cvpn_id: str) -> None:
    if not target_subnets(world, cvpn_id):
        raise TopologyError(f"Client VPN endpoint {cvpn_id} is in pending-associate state. "
                            "Associate a target network first.",
                            "InvalidClientVpnActiveAssociationNotFound")


# -- target networks ---------------------------------------------------------------------------
def associate(world: World, part: Partition, client_vpn_endpoint_id: str,
              subnet_id: str | None) -> dict[str, Any]:
    """Associate a subnet: its `cvpn-assoc-…` id, `associating`."""
    cvpn_id = client_vpn_endpoint_id
    get(world, part, cvpn_id)
    if subnet_id is None:
        raise TopologyError("The request must contain the parameter SubnetId",
                            "MissingParameter")
    _check_subnet(world, part, cvpn_id, subnet_id)
    vpc_id = subnets.vpc_of(world, subnet_id)
    client_vpn.overlapping(world, world.graph.nodes[cvpn_id].get("ClientCidrBlock"), vpc_id)
    sgs = client_vpn.groups(world, cvpn_id)
    if client_vpn.vpc_of(world, cvpn_id) is None:
        sgs = client_vpn.apply_groups(world, part, cvpn_id, vpc_id, None)
    eni = network_interfaces.create(
        world, part, subnet_id, group_ids=sgs, ipv6_count=0,
        description="ClientVPN Endpoint resource", requester_managed=True,
        requester_id=REQUESTER_ID, service_attachment=True)
    world.link(eni, cvpn_id, schema.ATTACHED)
    # clients reach the endpoint at its interfaces' public addresses (its DNS name resolves
    # to them), which also carry its traffic to the internet through a public subnet
    network_interfaces.assign_public_ip(world, part, eni)
    assoc_id = world.new_id("cvpn-assoc")
    world.link(cvpn_id, subnet_id, schema.ASSOCIATED, id=assoc_id, eni=eni)
    block = str(vpc_blocks.blocks(world, vpc_id)[0])
    world.link(cvpn_id, subnet_id, schema.ROUTE, block, DestinationCidr=block,
               Origin=ORIGIN_ASSOCIATE, Description="Default Route")
    return {"AssociationId": assoc_id, "Status": {"Code": "associating"}}


def _check_subnet(world: World, part: Partition, cvpn_id: str, subnet_id: str) -> None:
    """The subnet may join the endpoint: the caller's, in its VPC, new, in a new zone."""
    node = world.node(subnet_id)
    if node is not None and node["kind"] == "subnet" and node["account"] != part.account:
        raise TopologyError(f"Subnet {subnet_id} belongs to a different account.",
                            "InvalidClientVpnSubnetId.DifferentAccount")
    subnet = world.get(part, "subnet", subnet_id)
    current = client_vpn.vpc_of(world, cvpn_id)
    if current is not None and subnets.vpc_of(world, subnet_id) != current:
        raise TopologyError(f"Subnet {subnet_id} cannot be found in VPC {current}, with which "
                            f"the Client VPN endpoint {cvpn_id} is associated.",
                            "InvalidClientVpnSubnetId.NotFound")
    for other in target_subnets(world, cvpn_id):
        if other == subnet_id:
            raise TopologyError(f"Subnet {subnet_id} is already associated with Client VPN "
                                f"endpoint {cvpn_id}.",
                                "InvalidClientVpnDuplicateAssociationException")
        if world.graph.nodes[other]["AvailabilityZone"] == subnet["AvailabilityZone"]:
            raise TopologyError(
                f"Subnet {other} of Availability Zone {subnet['AvailabilityZone']} is already "
                f"associated with Client VPN endpoint {cvpn_id}.",
                "InvalidClientVpnSubnetId.DuplicateAz")


def association(world: World, part: Partition, cvpn_id: str, assoc_id: str
                ) -> tuple[str, dict[str, Any]]:
    """(subnet, edge data) of the endpoint's association `assoc_id`."""
    found = world.edge(assoc_id)
    if found is None or found[0] != cvpn_id:
        raise TopologyError(f"Association ID {assoc_id} does not exist.",
                            "InvalidClientVpnAssociationIdNotFound")
    return found[1], found[2]


def disassociate(world: World, part: Partition, client_vpn_endpoint_id: str,
                 association_id: str) -> dict[str, Any]:
    """Remove an association, its interface and the routes through its subnet; its
    status, `disassociating`."""
    get(world, part, client_vpn_endpoint_id)
    subnet, data = association(world, part, client_vpn_endpoint_id, association_id)
    for _, _, key, _ in _routes(world, client_vpn_endpoint_id, subnet):
        world.unlink(client_vpn_endpoint_id, subnet, schema.ROUTE, key[1])
    world.unlink(client_vpn_endpoint_id, subnet, schema.ASSOCIATED)
    world.unlink(data["eni"], client_vpn_endpoint_id, schema.ATTACHED)
    network_interfaces.delete(world, part, data["eni"], service=True)
    return {"Code": "disassociating"}


def associations(world: World, cvpn_id: str) -> list[tuple[str, dict[str, Any]]]:
    return [(s, d) for s, _, d in world.out(cvpn_id, schema.ASSOCIATED, "subnet")]


def interface_of(world: World, cvpn_id: str, subnet_id: str) -> str | None:
    for subnet, data in associations(world, cvpn_id):
        if subnet == subnet_id:
            return str(data["eni"])
    return None


def apply_security_groups(world: World, part: Partition, client_vpn_endpoint_id: str,
                          vpc_id: str, security_group_ids: list[str]) -> list[str]:
    """ApplySecurityGroupsToClientVpnTargetNetwork: the groups now applied."""
    get(world, part, client_vpn_endpoint_id)
    world.get(part, "vpc", vpc_id)
    current = client_vpn.vpc_of(world, client_vpn_endpoint_id)
    if current is not None and current != vpc_id and target_subnets(
            world, client_vpn_endpoint_id):
        raise InvalidParameterValue(f"The VPC {vpc_id} is not the VPC {current} of the Client "
                                    "VPN endpoint's target networks.")
    return client_vpn.apply_groups(world, part, client_vpn_endpoint_id, vpc_id,
                                   security_group_ids)


def network_rows(world: World, cvpn_id: str) -> list[dict[str, Any]]:
    """DescribeClientVpnTargetNetworks' items."""
    vpc_id = client_vpn.vpc_of(world, cvpn_id)
    sgs = client_vpn.groups(world, cvpn_id)
    rows = []
    for subnet, data in associations(world, cvpn_id):
        node = world.graph.nodes[subnet]
        rows.append({"AssociationId": data["id"], "VpcId": vpc_id, "TargetNetworkId": subnet,
                     "ClientVpnEndpointId": cvpn_id, "Status": {"Code": "associated"},
                     "SecurityGroups": sgs, "AvailabilityZones": [node["AvailabilityZone"]],
                     "AvailabilityZoneIds": [node["AvailabilityZoneId"]]})
    return rows


NETWORK_FILTERS: dict[str, Filter] = {
    "association-id": Filter(lambda w, rid, row: row["AssociationId"]),
    "target-network-id": Filter(lambda w, rid, row: row["TargetNetworkId"]),
    "vpc-id": Filter(lambda w, rid, row: row["VpcId"]),
}


# -- routes ------------------------------------------------------------------------------------
def _routes(world: World, cvpn_id: str, subnet: str | None = None
            ) -> list[tuple[str, str, tuple[str, Any], dict[str, Any]]]:
    return [(cvpn_id, v, k, d) for _, v, k, d in world.graph.out_edges(cvpn_id, keys=True,
                                                                      data=True)
            if k[0] == schema.ROUTE and (subnet is None or v == subnet)]


def routes(world: World, cvpn_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(target subnet, route data) of every route of the endpoint."""
    return [(v, d) for _, v, _, d in _routes(world, cvpn_id)]


def create_route(world: World, part: Partition, client_vpn_endpoint_id: str,
                 destination_cidr_block: str, target_vpc_subnet_id: str | None,
                 description: str | None = None) -> dict[str, Any]:
    cvpn_id = client_vpn_endpoint_id
    get(world, part, cvpn_id)
    destination = cidr(destination_cidr_block, "destinationCidrBlock")
    if target_vpc_subnet_id is None:
        raise TopologyError("The request must contain the parameter TargetVpcSubnetId",
                            "MissingParameter")
    _active(world, cvpn_id)
    if target_vpc_subnet_id not in target_subnets(world, cvpn_id):
        world.get(part, "subnet", target_vpc_subnet_id)
        raise TopologyError(f"Subnet {target_vpc_subnet_id} is not associated with Client "
                            f"VPN endpoint {cvpn_id}.",
                            "InvalidClientVpnActiveAssociationNotFound")
    if world.graph.has_edge(cvpn_id, target_vpc_subnet_id, (schema.ROUTE, destination)):
        raise TopologyError(f"Route {destination} through {target_vpc_subnet_id} already "
                            f"exists on Client VPN endpoint {cvpn_id}.",
                            "InvalidClientVpnDuplicateRoute")
    if len(routes(world, cvpn_id)) >= MAX_ROUTES:
        raise LimitExceeded(f"You have reached the limit of {MAX_ROUTES} routes for Client VPN "
                            f"endpoint {cvpn_id}.", "ClientVpnRouteLimitExceeded")
    world.link(cvpn_id, target_vpc_subnet_id, schema.ROUTE, destination,
               DestinationCidr=destination, Origin=ORIGIN_ADDED,
               **({"Description": description} if description else {}))
    return {"Code": "creating"}


def delete_route(world: World, part: Partition, client_vpn_endpoint_id: str,
                 destination_cidr_block: str, target_vpc_subnet_id: str | None = None
                 ) -> dict[str, Any]:
    cvpn_id = client_vpn_endpoint_id
    get(world, part, cvpn_id)
    destination = cidr(destination_cidr_block, "destinationCidrBlock")
    found = [v for v, d in routes(world, cvpn_id) if d["DestinationCidr"] == destination
             and (target_vpc_subnet_id is None or v == target_vpc_subnet_id)]
    if not found:
        raise TopologyError(f"Route {destination} does not exist on Client VPN endpoint "
                            f"{cvpn_id}.", "InvalidClientVpnRouteNotFound")
    data = world.graph.edges[cvpn_id, found[0], (schema.ROUTE, destination)]
    if data["Origin"] == ORIGIN_ASSOCIATE:
        raise InvalidParameterValue("The route was added by a target network association; "
                                    "disassociate the target network to remove it.")
    world.unlink(cvpn_id, found[0], schema.ROUTE, destination)
    return {"Code": "deleting"}


def route_rows(world: World, cvpn_id: str) -> list[dict[str, Any]]:
    return [{"ClientVpnEndpointId": cvpn_id, "DestinationCidr": d["DestinationCidr"],
             "TargetSubnet": v, "Type": "Nat", "Origin": d["Origin"],
             "Status": {"Code": "active"},
             **({"Description": d["Description"]} if d.get("Description") else {})}
            for v, d in routes(world, cvpn_id)]


ROUTE_FILTERS: dict[str, Filter] = {
    "destination-cidr": Filter(lambda w, rid, row: row["DestinationCidr"]),
    "origin": Filter(lambda w, rid, row: row["Origin"]),
    "target-subnet": Filter(lambda w, rid, row: row["TargetSubnet"]),
}


# -- authorization rules ----------------------------------------------------------------------
def _rule_group(access_group_id: str | None, all_groups: bool | None, verb: str
                ) -> str | None:
    if access_group_id and all_groups:
        raise InvalidParameterCombination(
            f"You cannot specify both AccessGroupId and {verb}AllGroups.")
    if not access_group_id and not all_groups:
        raise InvalidParameterCombination(
            f"You must specify either AccessGroupId or {verb}AllGroups.")
    return access_group_id or None


def authorize(world: World, part: Partition, client_vpn_endpoint_id: str,
              target_network_cidr: str, access_group_id: str | None = None,
              authorize_all_groups: bool | None = None, description: str | None = None
              ) -> dict[str, Any]:
    cvpn_id = client_vpn_endpoint_id
    node = get(world, part, cvpn_id)
    destination = cidr(target_network_cidr, "targetNetworkCidr")
    group = _rule_group(access_group_id, authorize_all_groups, "Authorize")
    if any(r["DestinationCidr"] == destination and (r["GroupId"] or None) == group
           for r in node["rules"]):
        raise TopologyError(f"Authorization rule for {destination} already exists on Client "
                            f"VPN endpoint {cvpn_id}.",
                            "InvalidClientVpnDuplicateAuthorizationRule")
    if len(node["rules"]) >= MAX_RULES:
        raise LimitExceeded(f"You have reached the limit of {MAX_RULES} authorization rules "
                            f"for Client VPN endpoint {cvpn_id}.",
                            "ClientVpnAuthorizationRuleLimitExceeded")
    rule: dict[str, Any] = {"DestinationCidr": destination, "AccessAll": group is None,
                            "GroupId": group or "", "Description": description or ""}
    world.update(cvpn_id, rules=[*node["rules"], rule])
    return {"Code": "authorizing"}


def revoke(world: World, part: Partition, client_vpn_endpoint_id: str,
           target_network_cidr: str, access_group_id: str | None = None,
           revoke_all_groups: bool | None = None) -> dict[str, Any]:
    cvpn_id = client_vpn_endpoint_id
    node = get(world, part, cvpn_id)
    destination = cidr(target_network_cidr, "targetNetworkCidr")
    group = access_group_id or None
    if revoke_all_groups:
        kept = [r for r in node["rules"] if r["DestinationCidr"] != destination]
    else:
        _rule_group(access_group_id, revoke_all_groups, "Revoke")
        kept = [r for r in node["rules"] if not (
            r["DestinationCidr"] == destination and r["GroupId"] == group)]
    if len(kept) == len(node["rules"]):
        raise TopologyError(f"No authorization rule for {destination} exists on Client VPN "
                            f"endpoint {cvpn_id}.",
                            "InvalidClientVpnEndpointAuthorizationRuleNotFound")
    world.update(cvpn_id, rules=kept)
    return {"Code": "revoking"}


def rule_rows(world: World, cvpn_id: str) -> list[dict[str, Any]]:
    return [{"ClientVpnEndpointId": cvpn_id, **r, "Status": {"Code": "active"}}
            for r in world.graph.nodes[cvpn_id]["rules"]]


RULE_FILTERS: dict[str, Filter] = {
    "description": Filter(lambda w, rid, row: row["Description"]),
    "destination-cidr": Filter(lambda w, rid, row: row["DestinationCidr"]),
    "group-id": Filter(lambda w, rid, row: row["GroupId"]),
}


# -- connections ------------------------------------------------------------------------------
def connection_rows(world: World, cvpn_id: str) -> list[dict[str, Any]]:
    return [{"ClientVpnEndpointId": cvpn_id, **c}
            for c in world.graph.nodes[cvpn_id]["connections"]]


CONNECTION_FILTERS: dict[str, Filter] = {
    "connection-id": Filter(lambda w, rid, row: row["ConnectionId"]),
    "username": Filter(lambda w, rid, row: row.get("Username")),
}


def terminate(world: World, part: Partition, client_vpn_endpoint_id: str,
              connection_id: str | None = None, username: str | None = None
              ) -> list[dict[str, Any]]:
    """TerminateClientVpnConnections: by connection or by user (one of the two); the
    connections' statuses."""
    cvpn_id = client_vpn_endpoint_id
    node = get(world, part, cvpn_id)
    if (connection_id is None) == (username is None):
        raise InvalidParameterCombination("You must specify either ConnectionId or Username, "
                                          "but not both.")
    chosen = [c for c in node["connections"] if c["Status"]["Code"] == "active" and (
        c["ConnectionId"] == connection_id or (username and c.get("Username") == username))]
    if not chosen:
        if connection_id is not None:
            raise TopologyError(f"Connection {connection_id} does not exist.",
                                "InvalidClientVpnConnection.IdNotFound")
        raise TopologyError(f"User {username} has no active connection.",
                            "InvalidClientVpnConnection.UserNotFound")
    ids = {c["ConnectionId"] for c in chosen}
    world.update(cvpn_id, connections=[
        {**c, "Status": {"Code": "terminated"}} if c["ConnectionId"] in ids else c
        for c in node["connections"]])
    return [{"ConnectionId": c["ConnectionId"], "PreviousStatus": {"Code": "active"},
             "CurrentStatus": {"Code": "terminating"}} for c in chosen]


def connect(world: World, part: Partition, cvpn_id: str, *, username: str,
            client_ip: str | None = None, common_name: str = "") -> str:
    """Simulate a client connecting (no API does this: clients do); its connection id."""
    node = get(world, part, cvpn_id)
    _active(world, cvpn_id)
    if not node.get("ClientCidrBlock"):
        raise InvalidParameterValue(f"Client VPN endpoint {cvpn_id} has no IPv4 client range.")
    block = IPNetwork(node["ClientCidrBlock"])
    used = {c["ClientIp"] for c in node["connections"] if c["Status"]["Code"] == "active"}
    ip = client_ip or next(str(a) for a in block.iter_hosts() if str(a) not in used)
    conn_id = world.new_id("cvpn-connection")
    stamp = client_vpn.timestamp(now())
    row = {"Timestamp": stamp, "ConnectionId": conn_id, "Username": username,
           "ConnectionEstablishedTime": stamp, "IngressBytes": "0", "EgressBytes": "0",
           "IngressPackets": "0", "EgressPackets": "0", "ClientIp": ip,
           "CommonName": common_name, "Status": {"Code": "active"}, "ConnectionEndTime": "-"}
    world.update(cvpn_id, connections=[*node["connections"], row])
    return conn_id


def client_address(world: World, cvpn_id: str) -> str:
    """An address a client of the endpoint gets (the first of the client range's hosts)."""
    return str(next(IPNetwork(world.graph.nodes[cvpn_id]["ClientCidrBlock"]).iter_hosts()))



# -- the endpoint family's further operations (docs/families.md) ------------------------------
declare_actions(KIND, {
    "AssociateClientVpnTargetNetwork": associate,
    "DisassociateClientVpnTargetNetwork": disassociate,
    "ApplySecurityGroupsToClientVpnTargetNetwork": apply_security_groups,
    "CreateClientVpnRoute": create_route,
    "DeleteClientVpnRoute": delete_route,
    "AuthorizeClientVpnIngress": authorize,
    "RevokeClientVpnIngress": revoke,
    "TerminateClientVpnConnections": terminate,
})
