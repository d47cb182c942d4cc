"""Elastic IP address transfers: moving an Amazon-provided address to another account of
the same Region, in a two-step handshake.

The source account offers the address (EnableAddressTransfer); the offer is the address
node's internal `transfer` field `{TransferAccountId, TransferOfferExpirationTimestamp}`.
The transfer account accepts it within seven days (AcceptAddressTransfer, naming the address
itself): the address leaves the source's partition and becomes an Elastic IP of the
accepting account (a new allocation id, the same public address). The source keeps seeing
the accepted transfer for 14 days, as an `address-transfer` record node in its partition.
An offer past its seven days has expired: it is no longer shown or acceptable, and the
address stays the source's. DisableAddressTransfer withdraws a pending offer.

AWS's rules kept here: only an address AWS provided (not one of a BYOIP pool) and not
associated may be offered; the transfer account is another 12-digit account; the accepting
account's Elastic IP quota applies.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..core import clock, paging
from ..core import tags as tagging
from ..core.errors import InvalidParameterValue, LimitExceeded, NotFound, TopologyError
from ..core.family import declare_actions
from ..core.world import Partition, World
from . import elastic_ips
from . import network_interfaces as enis

KIND = elastic_ips.KIND
RECORD = "address-transfer"        # an accepted transfer as its source account sees it
OFFER_DAYS, SHOWN_DAYS = 7, 14
_ACCOUNT = re.compile(r"\d{12}")


def _pending(node: dict[str, Any]) -> dict[str, Any] | None:
    """The address's offer if it is still open."""
    offer = node.get("transfer")
    if offer is None or offer["TransferOfferExpirationTimestamp"] <= clock.now():
        return None
    return dict(offer)


def _answer(node: dict[str, Any], alloc_id: str, status: str, **more: Any) -> dict[str, Any]:
    return {"PublicIp": node["PublicIp"], "AllocationId": alloc_id, **more,
            "AddressTransferStatus": status}


def enable(world: World, part: Partition, allocation_id: str,
           transfer_account_id: str) -> dict[str, Any]:
    """EnableAddressTransfer: offer the address to `transfer_account_id` for seven days."""
    node = elastic_ips.public_address(world, part, allocation_id)
    if not _ACCOUNT.fullmatch(transfer_account_id) or transfer_account_id == part.account:
        raise InvalidParameterValue(
            f"Value ({transfer_account_id}) for parameter transferAccountId is invalid. "
            "Specify the 12-digit ID of another AWS account.")
    if node["PublicIpv4Pool"] != "amazon":
        raise InvalidParameterValue(f"The address {node['PublicIp']} is from the pool "
                                    f"{node['PublicIpv4Pool']}: only Amazon-provided "
                                    "addresses can be transferred.")
    if elastic_ips.associated_interface(world, allocation_id) is not None:
        raise TopologyError(f"Address {node['PublicIp']} is in use.", "InvalidIPAddress.InUse")
    offer = {"TransferAccountId": transfer_account_id,
             "TransferOfferExpirationTimestamp": clock.now() + dt.timedelta(days=OFFER_DAYS)}
    world.update(allocation_id, transfer=offer)
    return _answer(node, allocation_id, "pending", **offer)


def disable(world: World, part: Partition, allocation_id: str) -> dict[str, Any]:
    """DisableAddressTransfer: withdraw the pending offer."""
    node = world.get(part, KIND, allocation_id)
    offer = _pending(node)
    if offer is None:
        raise TopologyError(f"The address {node['PublicIp']} has no pending transfer.",
                            "InvalidTransferStatus")   # sic: ec2sim's word, AWS's unrecorded
    world.update(allocation_id, transfer=None)
    return _answer(node, allocation_id, "disabled", TransferAccountId=offer["TransferAccountId"])


def _offered(world: World, part: Partition, address: str) -> str:
    """The allocation (in another account of the Region) that offers `address` to `part`."""
    for other in world.partitions():
        if other.region != part.region or other.account == part.account:
            continue
        for rid in world.claimed(other, enis.PUBLIC_IP, address):
            node = world.graph.nodes[rid]
            offer = _pending(node) if node["kind"] == KIND else None
            if offer is not None and offer["TransferAccountId"] == part.account:
                return rid
    raise NotFound(f"Address '{address}' not found.", "InvalidAddress.NotFound")


def accept(world: World, part: Partition, address: str, *,
           tags: dict[str, str] | None = None) -> dict[str, Any]:
    """AcceptAddressTransfer: the offered address becomes this account's Elastic IP."""
    source_id = _offered(world, part, address)
    source = world.graph.nodes[source_id]
    if len(part.ids(KIND)) >= elastic_ips.MAX_ADDRESSES:
        raise LimitExceeded("The maximum number of addresses has been reached.",
                            "AddressLimitExceeded")
    offer, home = source["transfer"], world.partition(source["account"], source["region"])
    accepted = clock.now()
    record = world.new_id("eiptransfer")
    world.add(home, RECORD, record, PublicIp=address, AllocationId=source_id,
              TransferAccountId=part.account, AcceptedAt=accepted,
              TransferOfferExpirationTimestamp=offer["TransferOfferExpirationTimestamp"])
    world.remove(source_id)
    alloc_id = world.new_id("eipalloc")
    world.add(part, KIND, alloc_id, PublicIp=address, Domain="vpc", PublicIpv4Pool="amazon",
              NetworkBorderGroup=part.region)
    world.claim(part, enis.PUBLIC_IP, address, alloc_id)
    tagging.apply(world, alloc_id, tags or {})
    return {"PublicIp": address, "AllocationId": alloc_id, "TransferAccountId": part.account,
            "TransferOfferAcceptedTimestamp": accepted, "AddressTransferStatus": "accepted"}


# -- DescribeAddressTransfers -----------------------------------------------------------------
def _row(world: World, rid: str) -> dict[str, Any] | None:
    """A transfer as the source account sees it, if it is still shown."""
    node = world.graph.nodes[rid]
    if node["kind"] == RECORD:
        if node["AcceptedAt"] + dt.timedelta(days=SHOWN_DAYS) <= clock.now():
            return None
        return _answer(node, node["AllocationId"], "accepted",
                       TransferAccountId=node["TransferAccountId"],
                       TransferOfferExpirationTimestamp=node["TransferOfferExpirationTimestamp"],
                       TransferOfferAcceptedTimestamp=node["AcceptedAt"])
    offer = _pending(node)
    return None if offer is None else _answer(node, rid, "pending", **offer)


def describe(world: World, part: Partition, *, allocation_ids: list[str] | None = None,
             max_results: int | None = None, next_token: str | None = None) -> dict[str, Any]:
    """DescribeAddressTransfers: the account's pending offers and recently accepted ones."""
    nodes = world.graph.nodes
    records = list(part.ids(RECORD))
    if allocation_ids:
        wanted = set(allocation_ids)
        for alloc_id in wanted:
            if not any(nodes[r]["AllocationId"] == alloc_id for r in records):
                world.get(part, KIND, alloc_id)        # unknown: InvalidAllocationID.*
        candidates = [r for r in records if nodes[r]["AllocationId"] in wanted] + \
            [a for a in part.ids(KIND) if a in wanted]
    else:
        candidates = records + list(part.ids(KIND))
    shown = [rid for rid in candidates if _row(world, rid) is not None]
    chosen, token = paging.page(world, shown, max_results, next_token)
    return {"AddressTransfers": [_row(world, rid) for rid in chosen], "NextToken": token}


declare_actions(KIND, {"EnableAddressTransfer": enable, "DisableAddressTransfer": disable,
                       "AcceptAddressTransfer": accept,
                       "DescribeAddressTransfers": describe})
