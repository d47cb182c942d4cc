"""Subnet CIDR reservations: ranges of a subnet that AWS keeps out of automatic address
assignment (`explicit`: only addresses you name; `prefix`: for prefixes delegated to
interfaces).

A `subnet-cidr-reservation` node (`Cidr`, `ReservationType`, `Description`) is ASSOCIATED
with its subnet and goes with it (`lives_on`). AWS's rules kept here: the CIDR lies within
the subnet's IPv4 or IPv6 block, in the same family, and overlaps no other reservation of
the subnet. `interface_ips.pick` skips reserved addresses when it assigns one.
"""
from __future__ import annotations

from typing import Any

from netaddr import AddrFormatError, IPNetwork

from ..core import addressing, schema
from ..core import tags as tagging
from ..core.errors import InvalidParameterValue
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import subnets

KIND = "subnet-cidr-reservation"


def reservations(world: World, subnet_id: str) -> list[str]:
    return [r for r, _, _ in world.into(subnet_id, schema.ASSOCIATED, KIND)]


def _cidr(text: str) -> IPNetwork:
    """The reservation's block, IPv4 or IPv6 (host bits cleared, as AWS takes it)."""
    version = 6 if ":" in text else 4
    address, _, length = text.partition("/")
    try:
        start = IPNetwork(f"{address}/{length}").cidr if length else None
    except (ValueError, TypeError, AddrFormatError):
        start = None
    return addressing.parse(str(start) if start is not None else text, param="cidr",
                            version=version)


def create(world: World, part: Partition, subnet_id: str, cidr: str, reservation_type: str,
           description: str | None = None, *, tags: dict[str, str] | None = None) -> str:
    world.get(part, "subnet", subnet_id)
    net = _cidr(cidr)
    blocks = (subnets.ipv4_blocks(world, subnet_id) if net.version == 4
              else subnets.ipv6_blocks(world, subnet_id))
    if not any(net in block for block in blocks):
        raise InvalidParameterValue(f"The CIDR '{net}' is not within the CIDR range of subnet "
                                    f"'{subnet_id}'.")
    for other in reservations(world, subnet_id):
        if _overlaps(IPNetwork(world.graph.nodes[other]["Cidr"]), net):
            raise InvalidParameterValue(f"The CIDR '{net}' overlaps with the existing subnet CIDR "
                                        f"reservation '{other}'.")
    rid = world.new_id("scr")
    fields: dict[str, Any] = {"Cidr": str(net), "ReservationType": reservation_type}
    if description is not None:
        fields["Description"] = description
    world.add(part, KIND, rid, **fields)
    world.link(rid, subnet_id, schema.ASSOCIATED)
    tagging.apply(world, rid, tags or {})
    return rid


def _overlaps(a: IPNetwork, b: IPNetwork) -> bool:
    return a.version == b.version and a.first <= b.last and b.first <= a.last


def delete(world: World, part: Partition, subnet_cidr_reservation_id: str) -> dict[str, Any]:
    world.get(part, KIND, subnet_cidr_reservation_id)
    answer = view(world, subnet_cidr_reservation_id)
    world.remove(subnet_cidr_reservation_id)
    return answer


def subnet_of(world: World, rid: str) -> str | None:
    found = world.out(rid, schema.ASSOCIATED, "subnet")
    return found[0][0] if found else None


def view(world: World, rid: str) -> dict[str, Any]:
    node = world.graph.nodes[rid]
    out: dict[str, Any] = {"SubnetCidrReservationId": rid, "SubnetId": subnet_of(world, rid),
                           "Cidr": node["Cidr"], "ReservationType": node["ReservationType"],
                           "OwnerId": node["account"]}
    if "Description" in node:
        out["Description"] = node["Description"]
    out["Tags"] = tagging.listed(node["tags"])
    return out


def reserved_ranges(world: World, subnet_id: str) -> list[IPNetwork]:
    """The subnet's reserved ranges (automatic assignment keeps out of them)."""
    return [IPNetwork(world.graph.nodes[r]["Cidr"]) for r in reservations(world, subnet_id)]


FILTERS: dict[str, Filter] = {
    "reservationType": field("ReservationType"),
    "subnet-id": Filter(lambda w, rid, n: subnet_of(w, rid)),
    "subnet-cidr-reservation-id": ident(),
}

# GetSubnetCidrReservations splits IPv4 and IPv6: its handler is in api/handlers/vpc_controls.py
FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create, delete=delete))
