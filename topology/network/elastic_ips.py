"""Elastic IP addresses: allocation, association with interfaces, release and recovery.

An `elastic-ip` node (id `eipalloc-…`) holds `PublicIp`, `Domain`, `PublicIpv4Pool` and
`NetworkBorderGroup`, and claims its address in the partition's "public-ip" value index.
Its association is an ASSOCIATED edge elastic-ip -> network-interface with data
`{id: "eipassoc-…", PrivateIpAddress}`, from which `network_interfaces.public_ips` maps
that private address to the public one.

AWS's rules kept here: five addresses per region (AddressLimitExceeded); an association
needs an internet gateway on the interface's VPC; an instance named by id must have exactly
one interface; reassociation is automatic unless AllowReassociation is false; an address
replaces the one already on its target private address, and an auto-assigned public IPv4
leaves (coming back, fresh, when the Elastic IP goes, if the instance has one interface);
disassociation is idempotent; an associated address can be released only in the default
VPC (which disassociates it); a released address can be recovered while nobody holds it.
"""
from __future__ import annotations

from typing import Any

from netaddr import AddrFormatError, IPAddress

from ..core import addressing, schema
from ..core import tags as tagging
from ..core.described import Import
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, LimitExceeded,
                           MissingParameter, NotFound, TopologyError)
from ..core.filters import Filter, ident
from ..core.world import Partition, World, is_id_of
from . import network_interfaces as enis
from . import policy_addresses, public_ipv4_pools

KIND = "elastic-ip"
MAX_ADDRESSES = 5               # AWS's default Elastic IP quota per region
RELEASED = "released-public-ip"   # value index: addresses this account released (recoverable)
PAST_ASSOCIATIONS = "eip-past-association"   # association ids that are gone (idempotency)


# -- allocate / release -----------------------------------------------------------------------
def allocate(world: World, part: Partition, *, address: str | None = None,
             pool: str | None = None, border_group: str | None = None,
             tags: dict[str, str] | None = None) -> str:
    """Allocate an address from Amazon's pool (or recover `address`); the allocation id."""
    if border_group is not None and border_group != part.region:
        raise InvalidParameterValue(
            f"The network border group '{border_group}' is invalid. Valid network border "
            f"groups are: {part.region}")
    public = [a for a in part.ids(KIND) if world.graph.nodes[a].get("PublicIp")]
    if len(public) >= MAX_ADDRESSES:       # customer-owned addresses are not in the quota
        raise LimitExceeded("The maximum number of addresses has been reached.",
                            "AddressLimitExceeded")
    drawn = None
    if pool not in (None, "amazon"):      # a pool of addresses the account brought (BYOIP)
        ip = public_ipv4_pools.take(world, part, pool, address)
    elif address is not None:
        ip = _recoverable(world, part, address)
    else:                                 # the enabled IPAM policy's pools, else Amazon's
        drawn = policy_addresses.draw(world, part) if pool is None else None
        ip = drawn[0] if drawn else addressing.allocate_public(world, part)
    alloc_id = world.new_id("eipalloc")
    world.add(part, KIND, alloc_id, PublicIp=ip, Domain="vpc",
              PublicIpv4Pool=drawn[1] if drawn else pool or "amazon",
              NetworkBorderGroup=part.region)
    if drawn:
        policy_addresses.hold(world, part, drawn[1], ip, alloc_id)
    world.unclaim(part, RELEASED, ip, part.account)
    world.claim(part, enis.PUBLIC_IP, ip, alloc_id)
    tagging.apply(world, alloc_id, tags or {})
    return alloc_id


def allocate_customer_owned(world: World, part: Partition, ip: str, pool: str,
                            tags: dict[str, str] | None = None) -> str:
    """An address of the customer-owned (CoIP) pool `pool`, already chosen free by the
    pool's module: it names the pool (a REFERENCES edge) and holds no public address."""
    alloc_id = world.new_id("eipalloc")
    world.add(part, KIND, alloc_id, CustomerOwnedIp=ip, CustomerOwnedIpv4Pool=pool,
              Domain="vpc", NetworkBorderGroup=part.region, PublicIpv4Pool=None)
    world.link(alloc_id, pool, schema.REFERENCES)
    tagging.apply(world, alloc_id, tags or {})
    return alloc_id


def public_address(world: World, part: Partition, alloc_id: str) -> dict[str, Any]:
    """The address node, refused if it is customer-owned (for what only a public Elastic IP
    can do: NAT gateways, transfers, reverse DNS)."""
    node = world.get(part, KIND, alloc_id)
    if not node.get("PublicIp"):
        raise InvalidParameterValue(f"The allocation ID '{alloc_id}' is for a customer-owned "
                                    "IP address; a public Elastic IP address is required.")
    return node


def _recoverable(world: World, part: Partition, address: str) -> str:
    """`address` if this account released it and nobody in the region holds it now."""
    try:
        ip = str(IPAddress(address, 4))
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidParameterValue(
            f"Value ({address}) for parameter address is invalid. This is not a valid IP "
            "address.")
    held = any(world.claimed(p, enis.PUBLIC_IP, ip) for p in world.partitions()
               if p.region == part.region)
    if held or not world.claimed(part, RELEASED, ip):
        raise TopologyError(f"Address {ip} is not available for recovery.", "AuthFailure")
    return ip


def release(world: World, part: Partition, alloc_id: str, *,
            border_group: str | None = None) -> None:
    """Release an address: refused while associated outside the default VPC
    (InvalidIPAddress.InUse); in the default VPC the association goes with it."""
    node = world.get(part, KIND, alloc_id)
    if border_group is not None and border_group != node["NetworkBorderGroup"]:
        raise NotFound(f"Address '{node['PublicIp']}' not found.", "InvalidAddress.NotFound")
    found = associated_interface(world, alloc_id)
    if found is not None:
        eni_id, data = found
        vpc = world.graph.nodes[enis.vpc_of(world, eni_id)]
        if not vpc.get("IsDefault") or "ela" in world.graph.nodes[eni_id]:
            raise TopologyError(f"Address {_address(node)} is in use.",
                                "InvalidIPAddress.InUse")
        _disassociate(world, part, alloc_id, eni_id, data)
    world.remove(alloc_id)
    if node.get("PublicIp"):           # a customer-owned address goes back to its pool
        world.claim(part, RELEASED, node["PublicIp"], part.account)


def _address(node: dict[str, Any]) -> str:
    return node.get("PublicIp") or node["CustomerOwnedIp"]


# -- associate / disassociate -----------------------------------------------------------------
def associated_interface(world: World, alloc_id: str) -> tuple[str, dict[str, Any]] | None:
    """(ENI id, association data) if the address is associated."""
    found = world.out(alloc_id, schema.ASSOCIATED, enis.KIND)
    return (found[0][0], found[0][2]) if found else None


def associate(world: World, part: Partition, alloc_id: str, *, instance_id: str | None = None,
              eni_id: str | None = None, private_ip: str | None = None,
              allow_reassociation: bool | None = None, require_gateway: bool = True,
              service: bool = False) -> str:
    """Associate the address with an instance's only interface or with `eni_id` (at
    `private_ip`, else its primary address); the association id. Only the owning service
    (`service=True`, e.g. a NAT gateway) may touch a service-managed interface."""
    coip = "CustomerOwnedIp" in world.get(part, KIND, alloc_id)
    if instance_id is not None and eni_id is not None:
        raise InvalidParameterCombination(
            "You may specify either an instance ID or a network interface ID, but not both.")
    if instance_id is None and eni_id is None:   # moto's words (AWS's not on record)
        raise MissingParameter("Invalid request, expect InstanceId/NetworkId parameter.")
    if instance_id is not None:
        eni_id = _only_interface(world, part, instance_id)
    assert eni_id is not None
    eni = enis.permitted(world, part, eni_id, "EIP-ASSOCIATE")   # or granted to the caller
    if "ela" in eni and not service:
        raise _not_yours()
    target_ip = private_ip if private_ip is not None else (eni["ips"] or [None])[0]
    if target_ip is None or target_ip not in eni["ips"]:
        raise InvalidParameterValue(
            f"The private IP address {private_ip} is not assigned to the network interface "
            f"{eni_id}.")
    _check_instance_state(world, eni_id)
    current = associated_interface(world, alloc_id)
    if current is not None and current[0] == eni_id and \
            current[1]["PrivateIpAddress"] == target_ip:
        return current[1]["id"]                      # AWS: the call is idempotent
    occupant = enis.elastic_ip_on(world, eni_id, target_ip)
    if allow_reassociation is False:
        if current is not None:
            raise _already(alloc_id, current[1]["id"])
        if occupant is not None:
            raise _already(occupant[0], occupant[1]["id"])
    vpc_id = enis.vpc_of(world, eni_id)
    if require_gateway and not coip and \
            not world.into(vpc_id, schema.ATTACHED, "internet-gateway"):
        raise TopologyError(f"Network {vpc_id} is not attached to any internet gateway",
                            "Gateway.NotAttached")
    if current is not None:
        _disassociate(world, part, alloc_id, *current)
    if occupant is not None:
        _disassociate(world, part, occupant[0], eni_id, occupant[1])
    if eni["ips"] and target_ip == eni["ips"][0] and not coip:
        owner = world.partition(eni["account"], eni["region"])   # the interface's own
        enis.release_public_ip(world, owner, eni_id)   # AWS hands the automatic one back
    assoc_id = world.new_id("eipassoc")
    world.link(alloc_id, eni_id, schema.ASSOCIATED, id=assoc_id, PrivateIpAddress=target_ip)
    return assoc_id


def _not_yours() -> TopologyError:
    """AWS's answer when a user touches an address a service manages (a NAT gateway's)."""
    return TopologyError("You do not have permission to access the specified resource.",
                         "AuthFailure")


def _already(resource: str, assoc_id: str) -> TopologyError:
    return TopologyError(f"resource {resource} is already associated with associate-id "
                         f"{assoc_id}", "Resource.AlreadyAssociated")


def _only_interface(world: World, part: Partition, instance_id: str) -> str:
    world.get(part, "instance", instance_id)
    attached = [eni for eni, _, _ in world.into(instance_id, schema.ATTACHED, enis.KIND)]
    if len(attached) > 1:
        raise TopologyError(
            f"There are multiple interfaces attached to instance '{instance_id}'. Please "
            "specify an interface ID for the operation instead.", "InvalidInstanceID")
    if not attached:
        raise TopologyError(f"The instance '{instance_id}' is not in a valid state for this "
                            "operation.", "IncorrectInstanceState")
    return attached[0]


def _check_instance_state(world: World, eni_id: str) -> None:
    """An interface attached to an instance that is pending or going away takes no address."""
    found = enis.attachment(world, eni_id)
    if found is None:
        return
    instance_id = found[0]
    if enis.instance_state(world, instance_id) in ("pending", "shutting-down", "terminated"):
        raise TopologyError(f"The instance '{instance_id}' is not in a valid state for this "
                            "operation.", "IncorrectInstanceState")


def disassociate(world: World, part: Partition, assoc_id: str, *, service: bool = False
                 ) -> None:
    """Disassociate by association id (again is fine: AWS's call is idempotent)."""
    found = world.edge(assoc_id)
    if found is not None:
        alloc_id, eni_id, data = found
        if "ela" in world.graph.nodes[eni_id] and not service:
            raise _not_yours()
        node = world.node(alloc_id)
        if node is not None and node["kind"] == KIND and \
                (node["account"], node["region"]) == (part.account, part.region):
            _disassociate(world, part, alloc_id, eni_id, data)
            return
    if world.claimed(part, PAST_ASSOCIATIONS, assoc_id):
        return
    if not is_id_of("eipassoc", assoc_id):
        raise TopologyError(f'Invalid id: "{assoc_id}" (expecting "eipassoc-...")',
                            "InvalidAssociationID.Malformed")
    raise NotFound(f"The association ID '{assoc_id}' does not exist",
                   "InvalidAssociationID.NotFound")


def _disassociate(world: World, part: Partition, alloc_id: str, eni_id: str,
                  data: dict[str, Any]) -> None:
    """Remove an association; a lone primary interface that had an automatic public IPv4
    gets a fresh one (AWS: "it receives a new public IP address")."""
    world.unlink(alloc_id, eni_id, schema.ASSOCIATED)
    world.claim(part, PAST_ASSOCIATIONS, data["id"], alloc_id)
    private_ip = data["PrivateIpAddress"]
    eni = world.graph.nodes[eni_id]
    if world.graph.nodes[alloc_id].get("CustomerOwnedIp"):
        return                         # the automatic public address never left
    if not eni.get("wants_public") or not eni["ips"] or private_ip != eni["ips"][0]:
        return
    found = enis.attachment(world, eni_id)
    if found is None or found[1]["DeviceIndex"] != 0:
        return
    instance_id = found[0]
    alone = len(world.into(instance_id, schema.ATTACHED, enis.KIND)) == 1
    if alone and enis.instance_state(world, instance_id) == "running":
        enis.assign_public_ip(world, part, eni_id)


def by_public_ip(world: World, part: Partition, ip: str) -> str:
    """The allocation holding public address `ip` in `part`."""
    for holder in world.claimed(part, enis.PUBLIC_IP, ip):
        if world.graph.nodes[holder]["kind"] == KIND:
            return holder
    raise NotFound(f"Address '{ip}' not found.", "InvalidAddress.NotFound")


# -- views and filters ------------------------------------------------------------------------
def view(world: World, alloc_id: str) -> dict[str, Any]:
    """The address as boto3's `Address`."""
    node = world.graph.nodes[alloc_id]
    out: dict[str, Any] = {
        "AllocationId": alloc_id,
        "Domain": node["Domain"],
        "NetworkBorderGroup": node["NetworkBorderGroup"],
    }
    for key in ("PublicIp", "PublicIpv4Pool", "CustomerOwnedIp", "CustomerOwnedIpv4Pool"):
        if node.get(key) is not None:  # an address is public or customer-owned
            out[key] = node[key]
    found = associated_interface(world, alloc_id)
    if found is not None:
        eni_id, data = found
        out.update(AssociationId=data["id"], NetworkInterfaceId=eni_id,
                   NetworkInterfaceOwnerId=world.graph.nodes[eni_id]["account"],
                   PrivateIpAddress=data["PrivateIpAddress"])
        attached = enis.attachment(world, eni_id)
        if attached is not None:
            out["InstanceId"] = attached[0]
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    return out


def _association(key: str) -> Filter:
    def values(w: World, rid: str, node: dict[str, Any]) -> Any:
        found = associated_interface(w, rid)
        if found is None:
            return None
        eni_id, data = found
        if key == "instance-id":
            attached = enis.attachment(w, eni_id)
            return attached[0] if attached else None
        return {"association-id": data["id"], "network-interface-id": eni_id,
                "private-ip-address": data["PrivateIpAddress"],
                "network-interface-owner-id": w.graph.nodes[eni_id]["account"]}[key]
    return Filter(values)


def _by_public_ip(world: World, part: Partition, value: str) -> list[str]:
    return list(world.claimed(part, enis.PUBLIC_IP, value))


def _by_association(world: World, part: Partition, value: str) -> list[str]:
    found = world.edge(value)
    return [found[0]] if found is not None else []


def _by_interface(world: World, part: Partition, value: str) -> list[str]:
    if world.node(value) is None:
        return []
    return [alloc for alloc, _ in enis.elastic_ips(world, value)]


def _by_instance(world: World, part: Partition, value: str) -> list[str]:
    if world.node(value) is None:
        return []
    return [alloc for eni, _, _ in world.into(value, schema.ATTACHED, enis.KIND)
            for alloc, _ in enis.elastic_ips(world, eni)]


FILTERS: dict[str, Filter] = {
    "allocation-id": ident(),
    "association-id": Filter(_association("association-id").values, _by_association, exact=True),
    "domain": Filter(lambda w, rid, n: n["Domain"]),
    "instance-id": Filter(_association("instance-id").values, _by_instance, exact=True),
    "network-border-group": Filter(lambda w, rid, n: n["NetworkBorderGroup"]),
    "network-interface-id": Filter(_association("network-interface-id").values, _by_interface,
                                   exact=True),
    "network-interface-owner-id": _association("network-interface-owner-id"),
    "private-ip-address": _association("private-ip-address"),
    "public-ip": Filter(lambda w, rid, n: n.get("PublicIp"), _by_public_ip, exact=True),
    "public-ipv4-pool": Filter(lambda w, rid, n: n.get("PublicIpv4Pool")),
}


# -- import: one described item into the graph (topology/provision/importer.py) -------------
def imported(imp: Import, item: dict[str, Any]) -> None:
    """A described address (claiming its public IP from any interface that took it as
    auto-assigned), ASSOCIATED with the interface it is mapped to."""
    world, part = imp.world, imp.part
    alloc_id = item.get("AllocationId")
    if not alloc_id:
        imp.skip(KIND, "EC2-Classic address without an allocation id")
        return
    if item.get("CustomerOwnedIp") and not item.get("PublicIp"):
        imp.skip(KIND, "customer-owned (CoIP) address: CoIP pools are not imported")
        return
    if not imp.add(KIND, alloc_id, item, PublicIp=item["PublicIp"], Domain="vpc",
                   PublicIpv4Pool=item.get("PublicIpv4Pool", "amazon"),
                   NetworkBorderGroup=item.get("NetworkBorderGroup", part.region)):
        return
    eni_id = item.get("NetworkInterfaceId")
    for rid in list(world.claimed(part, enis.PUBLIC_IP, item["PublicIp"])):
        world.unclaim(part, enis.PUBLIC_IP, item["PublicIp"], rid)
        world.update(rid, auto_ip=None, wants_public=None)
    world.claim(part, enis.PUBLIC_IP, item["PublicIp"], alloc_id)
    if eni_id and item.get("AssociationId"):
        if not imp.has(eni_id, "network-interface"):
            imp.skip("elastic IP association", f"{eni_id} was not described")
            return
        private = item.get("PrivateIpAddress") or world.graph.nodes[eni_id]["ips"][0]
        world.link(alloc_id, eni_id, schema.ASSOCIATED, id=item["AssociationId"],
                   PrivateIpAddress=private)
