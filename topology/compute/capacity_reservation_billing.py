"""Who pays for a shared capacity reservation's unused capacity: billing ownership requests.

The owner of a reservation shared (through RAM, `core.sharing`) with another account of its
AWS Organization asks that account to pay for the unused capacity
(AssociateCapacityReservationBillingOwner: `pending`); the consumer accepts (then it is the
reservation's `UnusedReservationBillingOwnerId`) or rejects; the owner withdraws a pending
request (`cancelled`) or an accepted one (`revoked`). The requests are the reservation's
`billing` field, newest last; DescribeCapacityReservationBillingRequests lists them by role.
"""
from __future__ import annotations

from typing import Any

from ..core import filters as filtering
from ..core import paging, sharing
from ..core.clock import now
from ..core.errors import InvalidParameterValue, TopologyError
from ..core.family import declare_actions
from ..core.filters import FilterTable, field
from ..core.world import Partition, World
from .capacity_reservations import KIND

OPEN = ("pending", "accepted")


def _requests(world: World, cr_id: str) -> list[dict[str, Any]]:
    return list(world.graph.nodes[cr_id].get("billing") or [])


def _current(world: World, cr_id: str) -> dict[str, Any] | None:
    return next((r for r in reversed(_requests(world, cr_id)) if r["Status"] in OPEN), None)


def _set(world: World, cr_id: str, request: dict[str, Any], status: str) -> None:
    """Move `request` to `status`; the billing owner follows an accepted request."""
    rows = [dict(r, Status=status, LastUpdateTime=now()) if r is request else r
            for r in _requests(world, cr_id)]
    owner = request["UnusedReservationBillingOwnerId"] if status == "accepted" else None
    world.update(cr_id, billing=rows, UnusedReservationBillingOwnerId=owner)


def associate(world: World, part: Partition, capacity_reservation_id: str,
              unused_reservation_billing_owner_id: str) -> None:
    cr_id, consumer = capacity_reservation_id, unused_reservation_billing_owner_id
    world.get(part, KIND, cr_id)
    org = sharing.organization_of(world, part.account)
    if consumer == part.account or org is None or sharing.organization_of(world, consumer) != org:
        raise InvalidParameterValue(
            f"The account {consumer} must be another account of your AWS Organization.")
    granted = world.graph.nodes[cr_id].get("SharedWith") or ()
    if consumer not in granted and org not in granted:
        raise InvalidParameterValue(
            f"Capacity Reservation {cr_id} is not shared with account {consumer}.")
    if _current(world, cr_id) is not None:
        raise TopologyError(f"Capacity Reservation {cr_id} already has a pending or accepted "
                            "billing ownership request.", "IncorrectState")
    row = {"CapacityReservationId": cr_id, "RequestedBy": part.account,
           "UnusedReservationBillingOwnerId": consumer, "LastUpdateTime": now(),
           "Status": "pending", "StatusMessage": ""}
    world.update(cr_id, billing=[*_requests(world, cr_id), row])


def _pending_for(world: World, part: Partition, cr_id: str) -> dict[str, Any]:
    sharing.usable(world, part, KIND, cr_id)
    request = _current(world, cr_id)
    if request is None or request["Status"] != "pending" or \
            request["UnusedReservationBillingOwnerId"] != part.account:
        raise TopologyError(f"There is no pending billing ownership request for Capacity "
                            f"Reservation {cr_id} to account {part.account}.", "IncorrectState")
    return request


def accept(world: World, part: Partition, capacity_reservation_id: str) -> None:
    request = _pending_for(world, part, capacity_reservation_id)
    _set(world, capacity_reservation_id, request, "accepted")


def reject(world: World, part: Partition, capacity_reservation_id: str) -> None:
    request = _pending_for(world, part, capacity_reservation_id)
    _set(world, capacity_reservation_id, request, "rejected")


def disassociate(world: World, part: Partition, capacity_reservation_id: str,
                 unused_reservation_billing_owner_id: str) -> None:
    cr_id = capacity_reservation_id
    world.get(part, KIND, cr_id)
    request = _current(world, cr_id)
    if request is None or \
            request["UnusedReservationBillingOwnerId"] != unused_reservation_billing_owner_id:
        raise TopologyError(f"Capacity Reservation {cr_id} has no pending or accepted billing "
                            f"ownership request to account {unused_reservation_billing_owner_id}.",
                            "IncorrectState")
    _set(world, cr_id, request, "cancelled" if request["Status"] == "pending" else "revoked")


FILTERS: FilterTable = {
    "status": field("Status"),
    "requested-by": field("RequestedBy"),
    "unused-reservation-billing-owner": field("UnusedReservationBillingOwnerId"),
}
_ROLE_FIELD = {"odcr-owner": "RequestedBy",
               "unused-reservation-billing-owner": "UnusedReservationBillingOwnerId"}
_ROLE_FILTER = {"odcr-owner": "requested-by",
                "unused-reservation-billing-owner": "unused-reservation-billing-owner"}


def describe(world: World, part: Partition, role: str,
             capacity_reservation_ids: list[str] | None = None,
             filters: list[dict[str, Any]] | None = None, max_results: int | None = None,
             next_token: str | None = None) -> dict[str, Any]:
    """The billing requests the caller made (`odcr-owner`) or received."""
    if any(f.get("Name") == _ROLE_FILTER[role] for f in filters or []):
        raise InvalidParameterValue(f"The filter '{_ROLE_FILTER[role]}' is not supported "
                                    f"with role '{role}'.")
    if max_results is not None and not 1 <= max_results <= 1000:
        raise InvalidParameterValue(f"Value ( {max_results} ) for parameter maxResults is "
                                    "invalid. Expecting a value between 1 and 1000.")
    wanted = set(capacity_reservation_ids or [])
    ids = [*part.ids(KIND), *sharing.shared_into(world, part, KIND)]
    rows = [_row(world, r) for cr_id in ids if not wanted or cr_id in wanted
            for r in _requests(world, cr_id) if r[_ROLE_FIELD[role]] == part.account]
    rows = filtering.select_rows(FILTERS, filters, rows, taggable=False)
    page, token = paging.rows(rows, f"billing:{role}", max_results, next_token)
    return {"CapacityReservationBillingRequests": page, "NextToken": token}


def _row(world: World, request: dict[str, Any]) -> dict[str, Any]:
    node = world.graph.nodes[request["CapacityReservationId"]]
    info = {k: node[k] for k in ("InstanceType", "AvailabilityZone", "Tenancy",
                                 "AvailabilityZoneId")}
    return {**request, "CapacityReservationInfo": info}


declare_actions(KIND, {
    "AssociateCapacityReservationBillingOwner": associate,
    "AcceptCapacityReservationBillingOwnership": accept,
    "RejectCapacityReservationBillingOwnership": reject,
    "DisassociateCapacityReservationBillingOwner": disassociate,
    "DescribeCapacityReservationBillingRequests": describe,
})
