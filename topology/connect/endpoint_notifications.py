"""VPC endpoint connection notifications, and who pays for an endpoint.

A `vpc-endpoint-connection-notification` node (`vpce-nfn-…`) holds the SNS topic
(`ConnectionNotificationArn`), the `ConnectionEvents`, its type (`Topic`) and state
(`Enabled`); it is ASSOCIATED with the interface endpoint or the caller's endpoint service it
watches, and goes with it (`schema.Kind.lives_on`).

AWS's rules kept here: exactly one of an endpoint or a service; endpoints of interface type
only; the topic is an SNS ARN; events are `Accept`, `Connect`, `Delete`, `Reject` (an
endpoint's: `Accept`, `Delete`, `Reject`); a delete of several ids reports the unknown ones
as `Unsuccessful`, never an error.

The payer operations: ModifyVpcEndpointServicePayerResponsibility sets `ServiceOwner` on the
caller's service (AWS allows no way back); ModifyVpcEndpointPayerResponsibility records, per
scope of charges, which account pays for an endpoint.
"""
from __future__ import annotations

import re
from typing import Any

from ..core import schema
from ..core.errors import InvalidParameterCombination, InvalidParameterValue, TopologyError
from ..core.family import Family, declare, declare_actions
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import endpoint_services as services
from . import endpoint_views, service_configurations

KIND = "vpc-endpoint-connection-notification"
EVENTS = ("Accept", "Connect", "Delete", "Reject")
ENDPOINT_EVENTS = ("Accept", "Delete", "Reject")
SNS_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$")


def _topic(arn: str) -> str:
    if not SNS_ARN.match(arn):
        raise InvalidParameterValue(f"Value ({arn}) for parameter connectionNotificationArn is "
                                    "invalid. It must be an SNS topic ARN.")
    return arn


def _events(events: list[str], allowed: tuple[str, ...]) -> list[str]:
    if not events:
        raise InvalidParameterValue("At least one connection event must be specified.")
    for event in events:
        if event not in allowed:
            raise InvalidParameterValue(
                f"Value ({event}) for parameter connectionEvents is invalid. Valid values "
                f"are {', '.join(allowed)}.")
    return list(dict.fromkeys(events))


def _watched(world: World, part: Partition, service_id: str | None,
             vpc_endpoint_id: str | None) -> tuple[str, tuple[str, ...]]:
    """The endpoint or service watched and the events it may report."""
    if (service_id is None) == (vpc_endpoint_id is None):
        raise InvalidParameterCombination("Either ServiceId or VpcEndpointId must be "
                                          "specified, but not both.")
    if vpc_endpoint_id is not None:
        node = endpoint_views.get(world, part, vpc_endpoint_id)
        if node["VpcEndpointType"] != "Interface":
            raise InvalidParameterValue("Connection notifications are supported only for "
                                        "Interface type VPC endpoints.")
        return vpc_endpoint_id, ENDPOINT_EVENTS
    assert service_id is not None
    service_configurations.get_own(world, part, service_id)
    return service_id, EVENTS


def create(world: World, part: Partition, connection_notification_arn: str,
           connection_events: list[str], service_id: str | None = None,
           vpc_endpoint_id: str | None = None) -> str:
    watched, allowed = _watched(world, part, service_id, vpc_endpoint_id)
    fields = {"ConnectionNotificationArn": _topic(connection_notification_arn),
              "ConnectionEvents": _events(connection_events, allowed),
              "ConnectionNotificationType": "Topic", "ConnectionNotificationState": "Enabled"}
    nfn_id = world.new_id("vpce-nfn")
    world.add(part, KIND, nfn_id, **fields)
    world.link(nfn_id, watched, schema.ASSOCIATED)
    return nfn_id


def modify(world: World, part: Partition, connection_notification_id: str,
           connection_notification_arn: str | None = None,
           connection_events: list[str] | None = None) -> None:
    world.get(part, KIND, connection_notification_id)
    changes: dict[str, Any] = {}
    if connection_notification_arn is not None:
        changes["ConnectionNotificationArn"] = _topic(connection_notification_arn)
    if connection_events is not None:
        watched = _watched_of(world, connection_notification_id)
        allowed = EVENTS if world.graph.nodes[watched]["kind"] == services.KIND \
            else ENDPOINT_EVENTS
        changes["ConnectionEvents"] = _events(connection_events, allowed)
    world.update(connection_notification_id, **changes)


def delete_many(world: World, part: Partition, ids: list[str]) -> list[dict[str, Any]]:
    """DeleteVpcEndpointConnectionNotifications: the `Unsuccessful` items."""
    failed = []
    for nfn_id in dict.fromkeys(ids):
        try:
            world.get(part, KIND, nfn_id)
        except TopologyError as error:
            failed.append({"Error": {"Code": error.code, "Message": error.message},
                           "ResourceId": nfn_id})
            continue
        world.remove(nfn_id)
    return failed


def _watched_of(world: World, nfn_id: str) -> str:
    return str(world.out(nfn_id, schema.ASSOCIATED)[0][0])


def view(world: World, nfn_id: str) -> dict[str, Any]:
    """The notification as boto3's `ConnectionNotification`."""
    node = world.graph.nodes[nfn_id]
    watched = _watched_of(world, nfn_id)
    out: dict[str, Any] = {"ConnectionNotificationId": nfn_id}
    if world.graph.nodes[watched]["kind"] == services.KIND:
        out["ServiceId"] = watched
    else:
        out["VpcEndpointId"] = watched
    out.update({k: node[k] for k in ("ConnectionNotificationType", "ConnectionNotificationArn",
                                     "ConnectionEvents", "ConnectionNotificationState")})
    out["ServiceRegion"] = node["region"]
    return out


def _watched_kind(kind: str) -> Filter:
    return Filter(lambda w, rid, n: _watched_of(w, rid)
                  if w.graph.nodes[_watched_of(w, rid)]["kind"] == kind else None)


FILTERS: dict[str, Filter] = {
    "connection-notification-arn": field("ConnectionNotificationArn"),
    "connection-notification-id": ident(),
    "connection-notification-state": field("ConnectionNotificationState"),
    "connection-notification-type": field("ConnectionNotificationType"),
    "service-id": _watched_kind(services.KIND),
    "vpc-endpoint-id": _watched_kind(endpoint_views.KIND),
}


# -- who pays -------------------------------------------------------------------------------------
SCOPES = {"vpc-endpoint-charges": ("vpc-endpoint-account", "vpc-endpoint-service-account"),
          "resource-gateway-charges": ("resource-gateway-account", "vpc-endpoint-account")}


def modify_endpoint_payer(world: World, part: Partition, vpc_endpoint_id: str,
                          payer_responsibility: str, scope: str,
                          service_id: str | None = None) -> list[dict[str, Any]]:
    """ModifyVpcEndpointPayerResponsibility: the endpoint's payers, by scope."""
    node = endpoint_views.get(world, part, vpc_endpoint_id)
    if service_id is not None and service_id != endpoint_views.service_of(world,
                                                                          vpc_endpoint_id):
        raise InvalidParameterValue(f"The VPC endpoint {vpc_endpoint_id} is not connected to "
                                    f"the service {service_id}.")
    if payer_responsibility not in SCOPES[scope]:
        raise InvalidParameterValue(f"The payer responsibility {payer_responsibility} is not "
                                    f"valid for the scope {scope}.")
    payers = {**(node.get("payers") or {}), scope: payer_responsibility}
    world.update(vpc_endpoint_id, payers=payers)
    return [{"Scope": s, "PayerResponsibilityType": p} for s, p in sorted(payers.items())]


def modify_service_payer(world: World, part: Partition, service_id: str,
                         payer_responsibility: str) -> None:
    """ModifyVpcEndpointServicePayerResponsibility: the service owner pays (for good)."""
    service_configurations.get_own(world, part, service_id)
    world.update(service_id, PayerResponsibility=payer_responsibility)


FAMILY = declare(Family(
    KIND, view=view, filters=FILTERS, noun="VpcEndpointConnectionNotification", create=create,
    actions={"ModifyVpcEndpointConnectionNotification": modify}))
declare_actions(endpoint_views.KIND, {
    "ModifyVpcEndpointPayerResponsibility": modify_endpoint_payer})
declare_actions(services.KIND, {
    "ModifyVpcEndpointServicePayerResponsibility": modify_service_payer})
