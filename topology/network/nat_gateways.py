"""NAT gateways: zonal public and private NAT gateways, their interface and addresses.

A live NAT gateway is a `nat-gateway` node its subnet CONTAINS. Its network interface is a
requester-managed ENI (InterfaceType `nat_gateway`, an `ela-attach-…` service attachment)
ATTACHED to it; the interface's private IPv4 addresses are the gateway's private addresses
(primary first), and a public gateway's Elastic IPs are ASSOCIATED with that interface, one
per private address (`elastic_ips`). `NatGatewayAddresses` is derived from those edges.

Fields: `State` (`available`, `failed`, `deleted`: the simulator provisions at once, so the
create call answers `pending` and delete has no `deleting` phase to observe),
`ConnectivityType`, `AvailabilityMode`, `CreateTime`, `DeleteTime`, `FailureCode`,
`FailureMessage`; internal `home` (subnet, VPC: a failed or deleted gateway, which no
longer holds its subnet, still names them) and `addresses` (the address set a failed or
deleted gateway keeps showing). The partition's value indexes `nat-gateway:subnet-id` and
`nat-gateway:vpc-id` answer the describe filters for every gateway, live or not, and
`nat-gateway:zone` counts the gateways toward the per-zone quota.

AWS's rules kept here: a public gateway needs an Elastic IP and a private one takes none;
an unknown subnet or allocation is refused at once, while what AWS finds out while
provisioning leaves the gateway `failed` with AWS's failure code: a VPC without an internet
gateway (`Gateway.NotAttached`), an Elastic IP already associated
(`Resource.AlreadyAssociated`), a full subnet (`InsufficientFreeAddressesInSubnet`). Five
gateways per zone (pending, available, deleting). Deleting releases the interface and
disassociates (never releases) the Elastic IPs; the deleted gateway stays visible, and
routes to it read `blackhole` (`routes.route_state` reads `State`). Deleting a deleted
gateway is not an error.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.described import Import, when, when_or_now
from ..core.errors import (IncorrectState, InvalidParameterCombination, InvalidParameterValue,
                           LimitExceeded, Malformed, MissingParameter, NotFound, TopologyError)
from ..core.family import Family, declare
from ..core.filters import Filter, ident
from ..core.world import Partition, World, is_id_of
from . import elastic_ips, interface_addresses
from . import network_interfaces as enis
from . import subnets

KIND = "nat-gateway"
INTERFACE_TYPE = "nat_gateway"
MAX_PER_ZONE = 5                           # AWS's default NAT gateways per Availability Zone
BY_SUBNET = "nat-gateway:subnet-id"        # value indexes (`World.claim`)
BY_VPC = "nat-gateway:vpc-id"
BY_ZONE = "nat-gateway:zone"               # gateways that count toward the zone quota
LIVE = "available"
# the address status a request answers with while AWS is still working on it
IN_PROGRESS = {"public": "associating", "private": "assigning"}


# -- lookups ----------------------------------------------------------------------------------
def get(world: World, part: Partition, nat_id: str) -> dict[str, Any]:
    """The NAT gateway `nat_id` of `part`, live or not; NatGatewayNotFound otherwise.

    NAT gateway calls use their own codes (`NatGatewayNotFound`, `NatGatewayMalformed`);
    routes naming a NAT gateway use the kind's `InvalidNatGatewayID.*` (`schema`).
    """
    node = world.node(nat_id)
    if node is not None and node["kind"] == KIND and \
            (node["account"], node["region"]) == (part.account, part.region):
        return node
    if not is_id_of("nat", nat_id):
        raise Malformed(f'Invalid id: "{nat_id}" (expecting "nat-...")', "NatGatewayMalformed")
    raise NotFound(f"NAT gateway {nat_id} was not found", "NatGatewayNotFound")


def interface_of(world: World, nat_id: str) -> str | None:
    """The gateway's network interface (None once it failed or was deleted)."""
    found = world.into(nat_id, schema.ATTACHED, enis.KIND)
    return found[0][0] if found else None


def subnet_of(world: World, nat_id: str) -> str:
    return world.graph.nodes[nat_id]["home"][0]


def vpc_of(world: World, nat_id: str) -> str:
    return world.graph.nodes[nat_id]["home"][1]


# -- create -----------------------------------------------------------------------------------
def create(world: World, part: Partition, subnet_id: str, *, connectivity: str = "public",
           allocation_id: str | None = None, secondary_allocations: Iterable[str] = (),
           private_ip: str | None = None, secondary_ips: Iterable[str] = (),
           secondary_count: int = 0, tags: dict[str, str] | None = None) -> str:
    """A new zonal NAT gateway in `subnet_id`; its id.

    Raises at once for what the request itself gets wrong; what AWS only discovers while
    provisioning leaves the gateway `failed` (`FailureCode`/`FailureMessage`).
    """
    subnet = world.get(part, "subnet", subnet_id)
    secondary_allocations, secondary_ips = list(secondary_allocations), list(secondary_ips)
    _check_request(connectivity, allocation_id, secondary_allocations, secondary_ips,
                   secondary_count)
    allocations = [a for a in [allocation_id, *secondary_allocations] if a]
    if len(set(allocations)) != len(allocations):
        raise InvalidParameterValue("Duplicate allocation IDs are not allowed in the request.")
    for alloc in allocations:
        elastic_ips.public_address(world, part, alloc)   # InvalidAllocationID.NotFound
    zone = subnet["AvailabilityZone"]
    if len(world.claimed(part, BY_ZONE, zone)) >= MAX_PER_ZONE:
        raise LimitExceeded("The maximum number of NAT Gateways has been reached.",
                            "NatGatewayLimitExceeded")
    vpc_id = subnets.vpc_of(world, subnet_id)
    if connectivity == "public" and not secondary_ips:
        secondary_count = len(secondary_allocations)
    failure = _provisioning_failure(world, subnet_id, vpc_id, connectivity, allocations,
                                    1 + len(secondary_ips) + secondary_count)
    nat_id = world.new_id("nat")
    eni_id = None
    if failure is None:   # the interface validates its addresses before anything changes
        eni_id = enis.create(world, part, subnet_id, private_ip=private_ip,
                             secondary_ips=secondary_ips, secondary_count=secondary_count,
                             group_ids=[], description=f"Interface for NAT Gateway {nat_id}",
                             interface_type=INTERFACE_TYPE, requester_managed=True,
                             source_dest_check=False, service_attachment=True)
    world.add(part, KIND, nat_id, State=LIVE, ConnectivityType=connectivity,
              AvailabilityMode="zonal", CreateTime=_now(), home=(subnet_id, vpc_id))
    world.claim(part, BY_SUBNET, subnet_id, nat_id)
    world.claim(part, BY_VPC, vpc_id, nat_id)
    tagging.apply(world, nat_id, tags or {})
    if failure is not None:
        code, message = failure
        world.update(nat_id, State="failed", FailureCode=code, FailureMessage=message,
                     addresses=[_pending_address(alloc, i == 0, "failed")
                                for i, alloc in enumerate(allocations)])
        return nat_id
    assert eni_id is not None
    world.link(subnet_id, nat_id, schema.CONTAINS)
    world.link(eni_id, nat_id, schema.ATTACHED)
    world.claim(part, BY_ZONE, zone, nat_id)
    ips = world.graph.nodes[eni_id]["ips"]
    for alloc, ip in zip(allocations, ips):
        elastic_ips.associate(world, part, alloc, eni_id=eni_id, private_ip=ip,
                              allow_reassociation=False, require_gateway=False,
                              service=True)
    return nat_id


def _check_request(connectivity: str, allocation_id: str | None, secondary_allocations: list[str],
                   secondary_ips: list[str], secondary_count: int) -> None:
    """The parameter rules of the two connectivity types."""
    if secondary_ips and secondary_count:
        raise InvalidParameterCombination(
            "You may specify secondaryPrivateIpAddressCount or specific secondary private IP "
            "addresses, but not both.")
    if connectivity == "private":
        if allocation_id or secondary_allocations:
            raise InvalidParameterCombination(
                "You cannot specify an Elastic IP address with a private NAT gateway.")
        return
    if not allocation_id:
        raise MissingParameter("The request must contain the parameter AllocationId")
    if secondary_count:
        raise InvalidParameterCombination(
            "The parameter SecondaryPrivateIpAddressCount is only valid for a private NAT "
            "gateway.")
    if secondary_ips and len(secondary_ips) != len(secondary_allocations):
        raise InvalidParameterValue(
            "The number of secondary private IP addresses must match the number of secondary "
            "allocation IDs.")


def _provisioning_failure(world: World, subnet_id: str, vpc_id: str, connectivity: str,
                          allocations: list[str], addresses: int) -> tuple[str, str] | None:
    """(FailureCode, FailureMessage) of what makes AWS fail the gateway while provisioning."""
    if connectivity == "public" and not world.into(vpc_id, schema.ATTACHED, "internet-gateway"):
        return "Gateway.NotAttached", f"Network {vpc_id} has no Internet gateway attached"
    for alloc in allocations:
        if elastic_ips.associated_interface(world, alloc) is not None:
            return ("Resource.AlreadyAssociated",
                    f"Elastic IP address [{alloc}] is already associated")
    if subnets.ipv4_blocks(world, subnet_id) and \
            subnets.available_count(world, subnet_id) < addresses:
        return ("InsufficientFreeAddressesInSubnet",
                "Subnet has insufficient free addresses to create this NAT gateway")
    return None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


# -- delete -----------------------------------------------------------------------------------
def delete(world: World, part: Partition, nat_id: str) -> None:
    """Delete a gateway: its interface goes, its Elastic IPs are disassociated (kept in the
    account), and it stays visible as `deleted` (again: nothing to do)."""
    node = get(world, part, nat_id)
    if node["State"] == "deleted":
        return
    final = [{k: v for k, v in a.items() if k != "AssociationId"}
             for a in addresses(world, nat_id)]
    eni_id = interface_of(world, nat_id)
    if eni_id is not None:   # a live gateway (a failed one holds nothing)
        for _alloc, data in enis.elastic_ips(world, eni_id):
            elastic_ips.disassociate(world, part, data["id"], service=True)
        enis.delete(world, part, eni_id, service=True)
        subnet_id = subnet_of(world, nat_id)
        world.unlink(subnet_id, nat_id, schema.CONTAINS)
        world.unclaim(part, BY_ZONE, world.graph.nodes[subnet_id]["AvailabilityZone"], nat_id)
    world.update(nat_id, State="deleted", DeleteTime=_now(), addresses=final)


# -- addresses --------------------------------------------------------------------------------
def _pending_address(alloc: str | None, primary: bool, status: str) -> dict[str, Any]:
    out: dict[str, Any] = {"IsPrimary": primary, "Status": status}
    if alloc:
        out["AllocationId"] = alloc
    return out


def address(world: World, eni_id: str, ip: str, primary: bool, status: str) -> dict[str, Any]:
    """One private address of the gateway's interface as boto3's `NatGatewayAddress`."""
    out: dict[str, Any] = {"NetworkInterfaceId": eni_id, "PrivateIp": ip, "IsPrimary": primary,
                           "Status": status}
    found = enis.elastic_ip_on(world, eni_id, ip)
    if found is not None:
        alloc, data = found
        out.update(AllocationId=alloc, PublicIp=world.graph.nodes[alloc]["PublicIp"],
                   AssociationId=data["id"])
    return out


def addresses(world: World, nat_id: str, status: str = "succeeded") -> list[dict[str, Any]]:
    """The gateway's `NatGatewayAddresses`: its interface's addresses, primary first (a
    failed or deleted gateway shows the set it was left with)."""
    eni_id = interface_of(world, nat_id)
    if eni_id is None:
        return [dict(a) for a in world.graph.nodes[nat_id].get("addresses", [])]
    ips = world.graph.nodes[eni_id]["ips"]
    return [address(world, eni_id, ip, i == 0, status) for i, ip in enumerate(ips)]


def _live(world: World, part: Partition, nat_id: str, connectivity: str) -> str:
    """The interface of an available gateway of `connectivity`, for the address calls."""
    node = get(world, part, nat_id)
    if node["State"] != LIVE:
        raise IncorrectState(f"The NAT gateway {nat_id} is not in a valid state for this "
                             "operation.", "IncorrectState")
    if node["ConnectivityType"] != connectivity:
        raise InvalidParameterValue(
            f"This operation is only valid for a {connectivity} NAT gateway; {nat_id} is a "
            f"{node['ConnectivityType']} NAT gateway.")
    eni_id = interface_of(world, nat_id)
    assert eni_id is not None
    return eni_id


def associate_addresses(world: World, part: Partition, nat_id: str, allocation_ids: list[str],
                        private_ips: list[str] | None = None) -> list[dict[str, Any]]:
    """Associate secondary Elastic IPs with a public gateway, each on a new secondary private
    address (given, or chosen from the subnet); their `NatGatewayAddress`es."""
    eni_id = _live(world, part, nat_id, "public")
    allocation_ids = list(dict.fromkeys(allocation_ids))
    if private_ips and len(private_ips) != len(allocation_ids):
        raise InvalidParameterValue(
            "The number of private IP addresses must match the number of allocation IDs.")
    for alloc in allocation_ids:
        elastic_ips.public_address(world, part, alloc)
        found = elastic_ips.associated_interface(world, alloc)
        if found is not None:
            raise TopologyError(f"resource {alloc} is already associated with associate-id "
                                f"{found[1]['id']}", "Resource.AlreadyAssociated")
    if private_ips:
        new = interface_addresses.assign_private_ips(world, part, eni_id, ips=private_ips)
    else:
        new = interface_addresses.assign_private_ips(world, part, eni_id, count=len(allocation_ids))
    for alloc, ip in zip(allocation_ids, new):
        elastic_ips.associate(world, part, alloc, eni_id=eni_id, private_ip=ip,
                              allow_reassociation=False, require_gateway=False,
                              service=True)
    return [address(world, eni_id, ip, False, "associating") for ip in new]


def disassociate_addresses(world: World, part: Partition, nat_gateway_id: str,
                           association_ids: list[str]) -> list[dict[str, Any]]:
    """Disassociate secondary Elastic IPs (never the primary) from a public gateway; their
    private addresses go with them."""
    eni_id = _live(world, part, nat_gateway_id, "public")
    primary = world.graph.nodes[eni_id]["ips"][0]
    by_association = {data["id"]: (alloc, data) for alloc, data in enis.elastic_ips(world, eni_id)}
    chosen = []
    for assoc_id in dict.fromkeys(association_ids):
        found = by_association.get(assoc_id)
        if found is None:
            raise NotFound(f"The association ID '{assoc_id}' does not exist",
                           "InvalidAssociationID.NotFound")
        if found[1]["PrivateIpAddress"] == primary:
            raise InvalidParameterValue(
                f"The association {assoc_id} is the primary Elastic IP address association of "
                f"NAT gateway {nat_gateway_id} and cannot be disassociated.")
        chosen.append((assoc_id, found[1]["PrivateIpAddress"]))
    out = [address(world, eni_id, ip, False, "disassociating") for _, ip in chosen]
    for assoc_id, _ip in chosen:
        elastic_ips.disassociate(world, part, assoc_id, service=True)
    interface_addresses.unassign_private_ips(world, part, eni_id, [ip for _, ip in chosen])
    return out


def assign_private_addresses(world: World, part: Partition, nat_gateway_id: str, *,
                             private_ip_addresses: list[str] | None = None,
                             private_ip_address_count: int | None = None
                             ) -> list[dict[str, Any]]:
    """Add secondary private addresses to a private gateway."""
    eni_id = _live(world, part, nat_gateway_id, "private")
    if private_ip_addresses and private_ip_address_count:
        raise InvalidParameterCombination(
            "You may specify PrivateIpAddressCount or specific private IP addresses, but not "
            "both.")
    if not private_ip_addresses and not private_ip_address_count:
        raise MissingParameter("The request must contain the parameter PrivateIpAddresses or "
                               "PrivateIpAddressCount")
    new = interface_addresses.assign_private_ips(world, part, eni_id,
                                                 ips=private_ip_addresses or (),
                                                 count=private_ip_address_count or 0)
    return [address(world, eni_id, ip, False, "assigning") for ip in new]


def unassign_private_addresses(world: World, part: Partition, nat_gateway_id: str,
                               private_ip_addresses: list[str]
                               ) -> list[dict[str, Any]]:
    """Remove secondary private addresses (never the primary) from a private gateway."""
    eni_id = _live(world, part, nat_gateway_id, "private")
    held = world.graph.nodes[eni_id]["ips"]
    private_ip_addresses = list(dict.fromkeys(private_ip_addresses))
    for ip in private_ip_addresses:
        if ip == held[0]:
            raise InvalidParameterValue(
                f"The private IP address {ip} is the primary address of NAT gateway "
                f"{nat_gateway_id} "
                "and cannot be unassigned.")
        if ip not in held:
            raise InvalidParameterValue(
                f"The private IP address {ip} is not assigned to NAT gateway {nat_gateway_id}.")
    out = [address(world, eni_id, ip, False, "unassigning") for ip in private_ip_addresses]
    interface_addresses.unassign_private_ips(world, part, eni_id, private_ip_addresses)
    return out


# -- views and filters ------------------------------------------------------------------------
def view(world: World, nat_id: str) -> dict[str, Any]:
    """The gateway as boto3's `NatGateway`."""
    node = world.graph.nodes[nat_id]
    subnet_id, vpc_id = node["home"]
    out: dict[str, Any] = {
        "CreateTime": node["CreateTime"],
        "NatGatewayAddresses": addresses(world, nat_id),
        "NatGatewayId": nat_id,
        "State": node["State"],
        "SubnetId": subnet_id,
        "VpcId": vpc_id,
        "ConnectivityType": node["ConnectivityType"],
        "AvailabilityMode": node["AvailabilityMode"],
    }
    for key in ("DeleteTime", "FailureCode", "FailureMessage"):
        if key in node:
            out[key] = node[key]
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    return out


def created_view(world: World, nat_id: str) -> dict[str, Any]:
    """The gateway as CreateNatGateway answers: `pending`, its addresses still in progress
    (a public one's Elastic IPs not yet mapped), no failure known yet."""
    node = world.graph.nodes[nat_id]
    out = {k: v for k, v in view(world, nat_id).items()
           if k not in ("FailureCode", "FailureMessage")}
    status = IN_PROGRESS[node["ConnectivityType"]]
    pending = []
    for item in out["NatGatewayAddresses"]:
        item = {k: v for k, v in item.items() if k not in ("PublicIp", "AssociationId")}
        pending.append({**item, "Status": status})
    out.update(State="pending", NatGatewayAddresses=pending)
    return out


def _claims(name: str) -> Filter:
    key = {BY_SUBNET: 0, BY_VPC: 1}[name]
    return Filter(lambda w, rid, n: n["home"][key],
                  lambda w, part, value: w.claimed(part, name, value), exact=True)


FILTERS: dict[str, Filter] = {
    "nat-gateway-id": ident(),
    "state": Filter(lambda w, rid, n: n["State"]),
    "subnet-id": _claims(BY_SUBNET),
    "vpc-id": _claims(BY_VPC),
}


# -- import: one described item into the graph (topology/provision/importer.py) -------------
def imported(imp: Import, item: dict[str, Any]) -> None:
    """A described gateway: its subnet CONTAINS a live one, its interface is ATTACHED to it;
    a failed or deleted one keeps its home and its last address set."""
    world, part = imp.world, imp.part
    nat_id, subnet_id = item["NatGatewayId"], item.get("SubnetId", "")
    vpc_id = item.get("VpcId", "")
    state = item.get("State", LIVE)
    live = state in ("pending", "available", "deleting")
    eni_id = next((a["NetworkInterfaceId"] for a in item.get("NatGatewayAddresses") or []
                   if a.get("NetworkInterfaceId")), None)
    if live and not (imp.has(subnet_id, "subnet") and imp.has(eni_id, "network-interface")):
        imp.skip(KIND, "its subnet or interface was not described")
        return
    fields: dict[str, Any] = {
        "State": "available" if state == "pending" else state,
        "ConnectivityType": item.get("ConnectivityType", "public"),
        "AvailabilityMode": item.get("AvailabilityMode", "zonal"),
        "CreateTime": when_or_now(item.get("CreateTime")), "home": (subnet_id, vpc_id)}
    fields.update({k: when(item[k]) if k == "DeleteTime" else item[k]
                   for k in ("DeleteTime", "FailureCode", "FailureMessage") if k in item})
    if not live:
        fields["addresses"] = [{k: v for k, v in a.items() if k != "AssociationId"}
                               for a in item.get("NatGatewayAddresses") or []]
    if not imp.add(KIND, nat_id, item, **fields):
        return
    world.claim(part, BY_SUBNET, subnet_id, nat_id)
    world.claim(part, BY_VPC, vpc_id, nat_id)
    if live:
        assert eni_id is not None
        world.link(subnet_id, nat_id, schema.CONTAINS)
        world.link(eni_id, nat_id, schema.ATTACHED)
        world.claim(part, BY_ZONE, world.graph.nodes[subnet_id]["AvailabilityZone"], nat_id)


# -- the family: its plain Create/Delete/Describe operations are bound from this (docs/families.md)
FAMILY = declare(Family(KIND, view=view, filters=FILTERS, delete=delete, actions={
    "DisassociateNatGatewayAddress": disassociate_addresses,
    "AssignPrivateNatGatewayAddress": assign_private_addresses,
    "UnassignPrivateNatGatewayAddress": unassign_private_addresses}))
