"""Transit gateway attachments decided by the gateway's owner, and the options of others:

* VPC attachments another account made on a shared gateway (`pendingAcceptance` until the
  owner accepts or rejects them, `tgw_vpc_attachments`);
* Client VPN attachments (`ResourceType` `client-vpn`, made by the Client VPN family through
  `create_client_vpn_attachment`) and SSE Connect attachments (`sse-connect`, made by the
  security service's account on a gateway shared with it): accept, reject, delete;
* network function attachments (`network-function`): a gateway joined to a Gateway Load
  Balancer endpoint service, `pendingAcceptance` while the service requires acceptance;
* ModifyTransitGatewayPeeringAttachment (multipath resilience, each side its own) and the
  NAT configuration of an attachment (NAT gateway support and its rules).

Only the gateway's owner accepts or rejects, and only while `pendingAcceptance`
(`IncorrectState` otherwise); accepting applies the gateway's default association and
propagation.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from netaddr import AddrFormatError, IPNetwork

from ..core import regions
from ..core.errors import (IncorrectState, InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, NotFound)
from ..core.family import Action, declare_actions
from ..core.filters import Filter, FilterTable, field, ident
from ..core.world import Partition, World
from . import endpoint_services
from . import transit_gateways as gateways
from .tgw_attachments import (GONE, KIND, PEERING_LABEL, RESOURCE_INDEX, TYPE_FILTER,
                              add_node, attachment_view, by_type, default_routing, gateway_of,
                              get, home, mine, on_gateway, retire, tag_list)
from .tgw_peering_attachments import is_accepter, peering_view
from .tgw_vpc_attachments import vpc_view

PENDING = "pendingAcceptance"
NF_LABEL = "Transit Gateway Network Function Attachment"
MAX_NAT_RULES = 50


# -- the owner's decision -------------------------------------------------------------------------
def _decided(world: World, part: Partition, attach_id: str, rtype: str, verb: str
             ) -> dict[str, Any]:
    """An attachment of `rtype` on the caller's gateway, waiting for the caller."""
    node = get(world, part, attach_id, rtype=rtype)
    tgw = gateway_of(world, attach_id)
    if tgw is None or home(world.graph.nodes[tgw]) != mine(part):
        raise InvalidParameterValue(
            f"Cannot {verb} {attach_id}: only the owner of the transit gateway can {verb} it.")
    if node["State"] != PENDING:
        raise IncorrectState(f"{attach_id} is in invalid state", "IncorrectState")
    return node


def accept(world: World, part: Partition, transit_gateway_attachment_id: str,
           rtype: str) -> None:
    attach_id = transit_gateway_attachment_id
    _decided(world, part, attach_id, rtype, "accept")
    world.update(attach_id, State="available")
    tgw = gateway_of(world, attach_id)
    assert tgw is not None
    default_routing(world, part, tgw, attach_id)


def reject(world: World, part: Partition, transit_gateway_attachment_id: str,
           rtype: str) -> None:
    node = _decided(world, part, transit_gateway_attachment_id, rtype, "reject")
    # its interfaces live with the attachment's account, not the gateway's
    retire(world, world.partition(*home(node)), transit_gateway_attachment_id, "rejected")


def accept_vpc(world: World, part: Partition, transit_gateway_attachment_id: str) -> None:
    accept(world, part, transit_gateway_attachment_id, "vpc")


def reject_vpc(world: World, part: Partition, transit_gateway_attachment_id: str) -> None:
    reject(world, part, transit_gateway_attachment_id, "vpc")


def accept_sse(world: World, part: Partition, transit_gateway_attachment_id: str) -> None:
    accept(world, part, transit_gateway_attachment_id, "sse-connect")


def reject_sse(world: World, part: Partition, transit_gateway_attachment_id: str) -> None:
    reject(world, part, transit_gateway_attachment_id, "sse-connect")


# -- Client VPN and SSE Connect attachments (made by other families and services) ------------------
def create_client_vpn_attachment(world: World, part: Partition, tgw_id: str,
                                 endpoint_id: str) -> str:
    """The contract the Client VPN family calls when an endpoint names a gateway: the
    attachment lives with the endpoint's account and waits for the gateway's owner (a
    gateway of its own account or shared with it)."""
    tgw = gateways.usable(world, part, tgw_id)
    waits = tgw["account"] != part.account
    attach_id = add_node(world, part, tgw_id, "client-vpn",
                         state=PENDING if waits else "available", ResourceId=endpoint_id)
    world.claim(part, RESOURCE_INDEX, endpoint_id, attach_id)
    if not waits:
        default_routing(world, part, tgw_id, attach_id)
    return attach_id


def create_sse_attachment(world: World, part: Partition, tgw_id: str, resource_id: str) -> str:
    """An SSE Connect attachment as the security service's account makes it on a gateway
    shared with it: waiting for the gateway's owner."""
    gateways.usable(world, part, tgw_id)
    attach_id = add_node(world, part, tgw_id, "sse-connect", state=PENDING,
                         ResourceId=resource_id)
    world.claim(part, RESOURCE_INDEX, resource_id, attach_id)
    return attach_id


CLIENT_VPN_STATES = {PENDING: "pending-acceptance"}


def client_vpn_view(world: World, attach_id: str) -> dict[str, Any]:
    """boto3's `TransitGatewayClientVpnAttachment` (its states are spelt with hyphens and
    its creation time is a string)."""
    node = world.graph.nodes[attach_id]
    out: dict[str, Any] = {"TransitGatewayAttachmentId": attach_id}
    tgw = gateway_of(world, attach_id)
    if tgw is not None:
        out["TransitGatewayId"] = tgw
    out.update(ClientVpnEndpointId=node.get("ResourceId"), ClientVpnOwnerId=node["account"],
               State=CLIENT_VPN_STATES.get(node["State"], node["State"]))
    when: dt.datetime = node["CreationTime"]
    out["CreationTime"] = when.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return out


def accept_client_vpn(world: World, part: Partition, transit_gateway_attachment_id: str) -> None:
    accept(world, part, transit_gateway_attachment_id, "client-vpn")


def reject_client_vpn(world: World, part: Partition, transit_gateway_attachment_id: str) -> None:
    reject(world, part, transit_gateway_attachment_id, "client-vpn")


def delete_client_vpn(world: World, part: Partition, transit_gateway_attachment_id: str) -> None:
    """Either the gateway's owner or the endpoint's deletes it."""
    node = get(world, part, transit_gateway_attachment_id, rtype="client-vpn")
    retire(world, world.partition(*home(node)), transit_gateway_attachment_id)


def sse_view(world: World, attach_id: str) -> dict[str, Any]:
    """The generic `TransitGatewayAttachment`, from the gateway owner's side."""
    tgw = gateway_of(world, attach_id)
    owner = world.partition(*home(world.graph.nodes[tgw])) if tgw else None
    if owner is None:
        return {"TransitGatewayAttachmentId": attach_id}
    return attachment_view(world, owner, attach_id)


# -- network function attachments ------------------------------------------------------------------
def _service(world: World, part: Partition, name: str) -> dict[str, Any]:
    """The Gateway Load Balancer endpoint service named `name` in the caller's region."""
    public = endpoint_services.public_partition(world, part.region)
    for svc_id in world.claimed(public, endpoint_services.NAME_INDEX, name):
        node = world.node(svc_id)
        if node is not None and node.get("ServiceType") == "GatewayLoadBalancer":
            return node
    raise NotFound(f"The Vpc Endpoint Service '{name}' does not exist", "InvalidServiceName")


def _zones(part: Partition, names: list[str] | None, ids: list[str] | None
           ) -> list[dict[str, str]]:
    chosen: dict[str, dict[str, str]] = {}
    for name in names or []:
        found = regions.zone(part.region, zone_name=name)
        if found is None:
            raise InvalidParameterValue(
                f"Value ({name}) for parameter availabilityZones is invalid. The Availability "
                "Zone is not valid.")
        chosen[found["ZoneName"]] = found
    for zone_id in ids or []:
        found = regions.zone(part.region, zone_id=zone_id)
        if found is None:
            raise InvalidParameterValue(
                f"Value ({zone_id}) for parameter availabilityZoneIds is invalid. The "
                "Availability Zone is not valid.")
        chosen[found["ZoneName"]] = found
    return list(chosen.values())


def create_network_function(world: World, part: Partition, transit_gateway_id: str,
                            service_name: str, *, availability_zones: list[str] | None = None,
                            availability_zone_ids: list[str] | None = None,
                            tags: dict[str, str] | None = None) -> str:
    """A network function attachment: one per gateway and endpoint service."""
    gateways.get(world, part, transit_gateway_id)
    service = _service(world, part, service_name)
    zones = _zones(part, availability_zones, availability_zone_ids)
    if not zones:
        raise MissingParameter("You must specify at least one Availability Zone, using "
                               "AvailabilityZones, AvailabilityZoneIds, or both.")
    nodes = world.graph.nodes
    for other in gateways.live_attachments(world, transit_gateway_id):
        if nodes[other].get("ResourceType") == "network-function" and \
                nodes[other].get("ResourceId") == service_name:
            raise InvalidParameterValue(
                f"{transit_gateway_id} already has a network function attachment to "
                f"{service_name}.", "DuplicateTransitGatewayAttachment")
    waits = bool(service.get("AcceptanceRequired")) and service["account"] != part.account
    attach_id = add_node(world, part, transit_gateway_id, "network-function",
                         state=PENDING if waits else "available", tags=tags,
                         ResourceId=service_name, ServiceOwner=service["account"],
                         Zones=[z["ZoneName"] for z in zones])
    world.claim(part, RESOURCE_INDEX, service_name, attach_id)
    if not waits:
        default_routing(world, part, transit_gateway_id, attach_id)
    return attach_id


def modify_network_function(world: World, part: Partition, transit_gateway_attachment_id: str,
                            *, add_availability_zones: list[str] | None = None,
                            add_availability_zone_ids: list[str] | None = None,
                            remove_availability_zones: list[str] | None = None,
                            remove_availability_zone_ids: list[str] | None = None) -> None:
    attach_id = transit_gateway_attachment_id
    node = get(world, part, attach_id, rtype="network-function", label=NF_LABEL)
    if node["State"] not in ("available", PENDING, "modifying"):
        raise IncorrectState(f"{attach_id} is in invalid state", "IncorrectState")
    zones = list(node["Zones"])
    for zone in _zones(part, remove_availability_zones, remove_availability_zone_ids):
        if zone["ZoneName"] not in zones:
            raise InvalidParameterValue(
                f"The Availability Zone {zone['ZoneName']} is not used by {attach_id}.")
        zones.remove(zone["ZoneName"])
    for zone in _zones(part, add_availability_zones, add_availability_zone_ids):
        if zone["ZoneName"] not in zones:
            zones.append(zone["ZoneName"])
    if not zones:
        raise InvalidParameterValue(
            "A network function attachment needs at least one Availability Zone.")
    world.update(attach_id, Zones=zones)


def delete_network_function(world: World, part: Partition,
                            transit_gateway_attachment_id: str) -> None:
    get(world, part, transit_gateway_attachment_id, rtype="network-function", label=NF_LABEL)
    retire(world, part, transit_gateway_attachment_id)


def network_function_view(world: World, attach_id: str) -> dict[str, Any]:
    """boto3's `TransitGatewayNetworkFunctionAttachment`."""
    node = world.graph.nodes[attach_id]
    tgw = gateway_of(world, attach_id)
    out: dict[str, Any] = {"TransitGatewayAttachmentId": attach_id}
    if tgw is not None:
        out.update(TransitGatewayId=tgw, TransitGatewayOwnerId=world.graph.nodes[tgw]["account"])
    out.update(ResourceOwnerId=node.get("ServiceOwner", node["account"]),
               ResourceId=node["ResourceId"], AvailabilityZones=list(node["Zones"]),
               AvailabilityZoneIds=[regions.zone(node["region"], zone_name=z)["ZoneId"]
                                    for z in node["Zones"]],
               State=node["State"], CreationTime=node["CreationTime"], Tags=tag_list(node))
    return out


NETWORK_FUNCTION_FILTERS: FilterTable = {
    "service-name": field("ResourceId"),
    "state": field("State"),
    "transit-gateway-attachment-id": ident(),
    "transit-gateway-id": Filter(lambda w, rid, n: gateway_of(w, rid), on_gateway, exact=True),
    TYPE_FILTER: by_type(),
}


# -- peering attachment options --------------------------------------------------------------------
def modify_peering(world: World, part: Partition, transit_gateway_attachment_id: str, *,
                   options: dict[str, Any] | None = None) -> None:
    """Multipath resilience, set by each side for itself; on when both sides allow it."""
    attach_id = transit_gateway_attachment_id
    node = get(world, part, attach_id, rtype="peering", label=PEERING_LABEL)
    if node["State"] in GONE or node["State"] in ("rejected", "failed"):
        raise IncorrectState(f"{attach_id} is in invalid state", "IncorrectState")
    wanted = options or {}
    side = "Accepter" if is_accepter(world, part, attach_id) else "Requester"
    opts = dict(node["Options"])
    if "AllowMultipathResilience" in wanted:
        opts[f"{side}AllowMultipathResilience"] = bool(wanted["AllowMultipathResilience"])
    if "MultipathResilienceMode" in wanted:
        opts[f"{side}MultipathResilienceMode"] = wanted["MultipathResilienceMode"]
    if any(k.endswith("AllowMultipathResilience") for k in opts):
        both = opts.get("RequesterAllowMultipathResilience") and \
            opts.get("AccepterAllowMultipathResilience")
        opts["MultipathResilienceStatus"] = "enabled" if both else "disabled"
    world.update(attach_id, Options=opts)


# -- NAT configuration -----------------------------------------------------------------------------
def _nat(node: dict[str, Any]) -> dict[str, Any]:
    return node.get("nat") or {"NatGatewaySupport": "disabled", "Rules": []}


def _nat_rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(rules) > MAX_NAT_RULES:
        raise InvalidParameterValue(f"An attachment can have at most {MAX_NAT_RULES} NAT "
                                    "gateway rules.")
    checked, numbers = [], set()
    for rule in rules:
        number = rule.get("RuleNumber")
        if number is None or number in numbers:
            raise InvalidParameterValue(f"Value ({number}) for parameter ruleNumber is invalid. "
                                        "Each rule needs a distinct rule number.")
        numbers.add(number)
        nets = []
        for member in ("MatchSourceCidr", "NatCidr"):
            try:
                nets.append(IPNetwork(rule[member]).cidr)
            except (KeyError, AddrFormatError, ValueError, TypeError):
                raise InvalidParameterValue(
                    f"Value ({rule.get(member)}) for parameter {member[0].lower()}{member[1:]} "
                    "is invalid. This is not a valid CIDR block.")
        if nets[0].size != nets[1].size:
            raise InvalidParameterValue(
                f"The NAT CIDR {nets[1]} must be the same size as the source CIDR {nets[0]}.")
        checked.append({"RuleNumber": int(number), "MatchSourceCidr": str(nets[0]),
                        "NatCidr": str(nets[1])})
    return sorted(checked, key=lambda r: r["RuleNumber"])


def modify_nat(world: World, part: Partition, transit_gateway_attachment_id: str, *,
               nat_gateway_support: str | None = None,
               nat_system_route_support: str | None = None,
               nat_gateway_rules: list[dict[str, Any]] | None = None,
               reset_nat_gateway_rules: bool | None = None) -> dict[str, Any]:
    """ModifyTransitGatewayAttachmentNatConfiguration (the gateway's owner only)."""
    attach_id = transit_gateway_attachment_id
    node = get(world, part, attach_id)
    tgw = gateway_of(world, attach_id)
    if tgw is None or home(world.graph.nodes[tgw]) != mine(part):
        raise InvalidParameterValue(
            "Only the owner of the transit gateway can modify the NAT configuration.")
    if nat_gateway_rules is not None and reset_nat_gateway_rules:
        raise InvalidParameterCombination(
            "The parameters NatGatewayRules and ResetNatGatewayRules cannot be used together.")
    current = _nat(node)
    rules = current["Rules"]
    if nat_gateway_rules is not None:
        rules = _nat_rules(nat_gateway_rules)
    if reset_nat_gateway_rules:
        rules = []
    support = current["NatGatewaySupport"]
    if nat_gateway_support is not None:
        support = "enabled" if nat_gateway_support == "enable" else "disabled"
    if support == "enabled" and not rules:
        raise InvalidParameterValue(
            "NAT gateway support needs at least one NAT gateway rule.")
    system = current.get("NatSystemRouteSupport")
    if nat_system_route_support is not None:
        if node.get("ResourceType") not in ("vpn", "direct-connect-gateway"):
            raise InvalidParameterValue(
                "NatSystemRouteSupport can be set only for Direct Connect gateway and "
                "Site-to-Site VPN attachments.")
        system = nat_system_route_support
    changed = {"NatGatewaySupport": support, "Rules": rules}
    if system is not None:
        changed["NatSystemRouteSupport"] = system
    world.update(attach_id, nat=changed)
    answer = nat_configuration(world, part, attach_id)
    if support != current["NatGatewaySupport"]:
        answer["NatGatewaySupport"] = "enabling" if support == "enabled" else "disabling"
    return answer


def nat_configuration(world: World, part: Partition, transit_gateway_attachment_id: str
                      ) -> dict[str, Any]:
    """GetTransitGatewayAttachmentNatConfiguration."""
    node = get(world, part, transit_gateway_attachment_id)
    nat = _nat(node)
    out: dict[str, Any] = {"TransitGatewayAttachmentId": transit_gateway_attachment_id,
                           "NatGatewaySupport": nat["NatGatewaySupport"]}
    if node.get("ResourceType") == "vpc":
        out["NatSystemRouteSupport"] = "enable"
    elif nat.get("NatSystemRouteSupport") or node.get("ResourceType") in (
            "vpn", "direct-connect-gateway"):
        out["NatSystemRouteSupport"] = nat.get("NatSystemRouteSupport", "enable")
    out["NatGatewayRules"] = [{**r, "State": "activated" if nat["NatGatewaySupport"] == "enabled"
                               else "deactivated"} for r in nat["Rules"]]
    return out


declare_actions(KIND, {
    "AcceptTransitGatewayVpcAttachment": Action(accept_vpc, state="pending", view=vpc_view),
    "RejectTransitGatewayVpcAttachment": Action(reject_vpc, state="rejecting", view=vpc_view),
    "AcceptTransitGatewaySseConnectAttachment": Action(accept_sse, state="pending",
                                                       view=sse_view),
    "RejectTransitGatewaySseConnectAttachment": Action(reject_sse, state="rejecting",
                                                       view=sse_view),
    "AcceptTransitGatewayClientVpnAttachment": Action(accept_client_vpn, state="pending",
                                                      view=client_vpn_view),
    "RejectTransitGatewayClientVpnAttachment": Action(reject_client_vpn, state="rejected",
                                                      view=client_vpn_view),
    "DeleteTransitGatewayClientVpnAttachment": Action(delete_client_vpn, state="deleting",
                                                      view=client_vpn_view),
    "CreateTransitGatewayNetworkFunctionAttachment": Action(
        create_network_function, state="pending", view=network_function_view),
    "ModifyTransitGatewayNetworkFunctionAttachment": Action(
        modify_network_function, state="modifying", view=network_function_view),
    "DeleteTransitGatewayNetworkFunctionAttachment": Action(
        delete_network_function, state="deleting", view=network_function_view),
    "ModifyTransitGatewayPeeringAttachment": Action(modify_peering, state="modifying",
                                                    view=peering_view),
    "GetTransitGatewayAttachmentNatConfiguration": nat_configuration,
})
