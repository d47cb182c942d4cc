"""Reverse DNS of Elastic IP addresses: the `domain-name` address attribute.

An Elastic IP answers reverse lookups with AWS's name for it
(`ec2-3-80-1-2.compute-1.amazonaws.com.`) until its owner sets a PTR record of its own
(ModifyAddressAttribute), which the address node keeps as `ptr` (fully qualified, with the
final dot) until ResetAddressAttribute removes it. DescribeAddressesAttribute lists only
addresses with a record of their own, as AWS does.

AWS applies an update asynchronously: the modify and reset calls answer the record in force
and the update `PENDING`; ec2sim has no clock, so the update is in force at once and later
describes show the new record with no update pending. AWS also checks that a forward (A)
record of the name points at the address; ec2sim resolves no names and takes any well-formed
one.
"""
from __future__ import annotations

import re
from typing import Any

from ..core import paging
from ..core.errors import InvalidParameterValue, MissingParameter
from ..core.family import declare_actions
from ..core.world import Partition, World
from .elastic_ips import KIND, public_address
from .interface_views import public_dns_name

ATTRIBUTE = "domain-name"
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def describe(world: World, part: Partition, alloc_ids: list[str] | None,
             max_results: int | None = None, token: str | None = None
             ) -> tuple[list[dict[str, Any]], str | None]:
    """The addresses (all, or those named, which must exist) that carry a PTR record of
    their own, as boto3's `AddressAttribute`s, and the next page's token."""
    named = list(dict.fromkeys(alloc_ids or []))
    for alloc_id in named:
        world.get(part, KIND, alloc_id)
    nodes = world.graph.nodes
    chosen = [a for a in (named or part.ids(KIND)) if nodes[a].get("ptr")]
    page, next_token = paging.page(world, chosen, max_results, token)
    return [view(world, a) for a in page], next_token


def modify(world: World, part: Partition, allocation_id: str,
           domain_name: str | None) -> dict[str, Any]:
    """Set the address's PTR record to `domain_name`; answers the record in force and the
    update."""
    public_address(world, part, allocation_id)
    if not domain_name:
        raise MissingParameter("The request must contain the parameter DomainName")
    record = _qualified(domain_name)
    before = view(world, allocation_id)
    world.update(allocation_id, ptr=record)
    return {**before, "PtrRecordUpdate": {"Value": record, "Status": "PENDING"}}


def reset(world: World, part: Partition, allocation_id: str, attribute: str) -> dict[str, Any]:
    """Remove the address's own PTR record (AWS's name answers again)."""
    public_address(world, part, allocation_id)
    if attribute != ATTRIBUTE:
        raise InvalidParameterValue(
            f"Value ({attribute}) for parameter attribute is invalid. Valid values: {ATTRIBUTE}")
    before = view(world, allocation_id)
    if world.graph.nodes[allocation_id].get("ptr") is None:
        return before
    world.update(allocation_id, ptr=None)
    return {**before, "PtrRecordUpdate": {"Value": _default(world, allocation_id),
                                          "Status": "PENDING"}}


def view(world: World, alloc_id: str) -> dict[str, Any]:
    """The address's `AddressAttribute`: its PTR record in force."""
    node = world.graph.nodes[alloc_id]
    return {"PublicIp": node["PublicIp"], "AllocationId": alloc_id,
            "PtrRecord": node.get("ptr") or _default(world, alloc_id)}


def _default(world: World, alloc_id: str) -> str:
    node = world.graph.nodes[alloc_id]
    return public_dns_name(node["region"], node["PublicIp"]) + "."


def _qualified(domain: str) -> str:
    """`domain` as a fully qualified name (final dot), checked label by label."""
    name = domain[:-1] if domain.endswith(".") else domain
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in name.split(".")):
        raise InvalidParameterValue(f"Value ({domain}) for parameter domainName is invalid.")
    return name + "."

# these operations are bound from the functions above (docs/families.md)
declare_actions("elastic-ip", {"ModifyAddressAttribute": modify, "ResetAddressAttribute": reset})
