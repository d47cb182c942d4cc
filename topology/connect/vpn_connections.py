"""Site-to-Site VPN connections between a customer gateway and a virtual private gateway or
a transit gateway, and their static routes.

A `vpn-connection` node holds `Type`, `Category`, `State`, `Options` (boto3's
`VpnConnectionOptions`, with the two tunnels), `VgwTelemetry`, the customer gateway
configuration document (`config`) and its static routes (`routes`: destination -> route
data, replaced copy-on-write). Its gateway is an ATTACHED edge vpn -> vgw; on a transit
gateway the TGW family's `create_vpn_attachment` makes the `tgw-attach` of type `vpn` that
carries it (vpn -[ATTACHED]-> tgw-attach -[ATTACHED]-> tgw); deleting the connection retires
that attachment. On a VPN concentrator (`VpnConcentratorId`) the connection is on the
concentrator's transit gateway with no attachment of its own: vpn -[ATTACHED]-> vcn, whose
`vpn-concentrator` attachment carries every site (BGP only). Its customer gateway is an
ASSOCIATED edge vpn -> cgw.

AWS's rules kept here: the same customer gateway and gateway a second time give back the
existing connection (CreateVpnConnection is idempotent); static routes need a connection
with `StaticRoutesOnly` on a virtual private gateway; a deleted connection stays visible with
`State` `deleted`, its edges gone (the ids it had stay on show) and without its configuration.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.addressing import parse
from ..core.errors import (IncorrectState, InvalidParameterValue, Malformed, MissingParameter,
                           NotFound, TopologyError)
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from ..network import vpcs, vpn_gateways
from . import customer_gateways, tgw_attachments, transit_gateways, vpn_concentrators, vpn_tunnels

KIND = "vpn-connection"
VPN_TYPE = "ipsec.1"
# CreateVpnConnection's gateway parameters -> (node kind, the VpnConnection member naming it)
GATEWAYS: dict[str, tuple[str, str]] = {
    "VpnGatewayId": ("vpn-gateway", "VpnGatewayId"),
    "TransitGatewayId": ("transit-gateway", "TransitGatewayId"),
}
GATEWAY_MEMBERS = {kind: member for kind, member in GATEWAYS.values()}
BY_GATEWAY = "vpn-by-gateway"          # value index: gateway id -> its connections (ever)
BY_CUSTOMER_GATEWAY = "vpn-by-cgw"     # value index: customer gateway id -> its connections
OUTSIDE_TYPES = ("PublicIpv4", "PrivateIpv4", "Ipv6")
PSK_STORAGE = ("Standard", "SecretsManager")
SHOWS_CONFIGURATION = ("pending", "available")


# -- the request -----------------------------------------------------------------------------
def _gateway_param(params: dict[str, Any]) -> tuple[str, str]:
    """(kind, id) of the one gateway the request names."""
    given = [p for p in GATEWAYS if params.get(p)]
    if not given:
        raise MissingParameter("The request must contain exactly one of VpnGatewayId or "
                               "TransitGatewayId.")
    if len(given) > 1:   # AWS's words (moto's aws_verified test_vpn_connections)
        first, second = (name[0].lower() + name[1:] for name in given[:2])
        raise InvalidParameterValue(
            f"The request must not contain both parameter {first} and {second}")
    return GATEWAYS[given[0]][0], params[given[0]]


def _concentrator(world: World, part: Partition, params: dict[str, Any]) -> str | None:
    """The concentrator the request names, if any. A concentrator is a transit gateway
    attachment: the connection is on its gateway, which the request need not name again
    (naming another, or a virtual private gateway, is refused)."""
    vcn = params.get("VpnConcentratorId")
    if not vcn:
        return None
    if params.get("VpnGatewayId"):
        raise InvalidParameterValue("The request must not contain both parameter vpnGatewayId "
                                    "and vpnConcentratorId")
    node = world.get(part, vpn_concentrators.KIND, vcn)
    tgw = vpn_concentrators.view(world, vcn)["TransitGatewayId"]
    if node["State"] != "available" or tgw is None:
        raise IncorrectState(f"The VPN concentrator {vcn} is not in the available state.",
                             "IncorrectState")
    if params.get("TransitGatewayId") and params["TransitGatewayId"] != tgw:
        raise InvalidParameterValue(f"The VPN concentrator {vcn} is attached to transit "
                                    f"gateway {tgw}, not {params['TransitGatewayId']}.")
    if (params.get("Options") or {}).get("StaticRoutesOnly"):
        # the concentrator's connections route with BGP only (Site-to-Site VPN guide)
        raise InvalidParameterValue("VPN connections on a VPN concentrator do not support "
                                    "static routing.")
    params["TransitGatewayId"] = tgw
    return vcn


def _gateway_node(world: World, part: Partition, kind: str, gw_id: str) -> dict[str, Any]:
    if kind == "vpn-gateway":
        return vpn_gateways.live(world, part, gw_id)
    try:
        return transit_gateways.get(world, part, gw_id)
    except (NotFound, Malformed):
        # CreateVpnConnection checks no id shape and words it its own way (aws_verified)
        raise NotFound(f"The transitGateway ID '{gw_id}' does not exist",
                       "InvalidTransitGatewayID.NotFound") from None


def _gateway_asn(node: dict[str, Any]) -> int:
    if "AmazonSideAsn" in node:
        return int(node["AmazonSideAsn"])
    return int((node.get("Options") or {}).get("AmazonSideAsn", vpn_gateways.DEFAULT_ASN))


def _options(spec: dict[str, Any], kind: str) -> dict[str, Any]:
    """The connection's options as boto3's `VpnConnectionOptions`, tunnels not yet filled."""
    on_tgw = kind == "transit-gateway"
    version = spec.get("TunnelInsideIpVersion") or "ipv4"
    if version == "ipv6" and not on_tgw:
        raise InvalidParameterValue("IPv6 inside tunnel addresses are supported only for VPN "
                                    "connections on a transit gateway.")
    if spec.get("EnableAcceleration") and not on_tgw:
        raise InvalidParameterValue("Acceleration is supported only for VPN connections on a "
                                    "transit gateway.")
    outside = spec.get("OutsideIpAddressType") or "PublicIpv4"
    if outside not in OUTSIDE_TYPES:
        raise InvalidParameterValue(
            f"Value ({outside}) for parameter outsideIpAddressType is invalid. Valid values "
            "are: " + ", ".join(OUTSIDE_TYPES) + ".")
    if outside == "PrivateIpv4" and not spec.get("TransportTransitGatewayAttachmentId"):
        raise MissingParameter("The request must contain the parameter "
                               "transportTransitGatewayAttachmentId")
    out: dict[str, Any] = {
        "EnableAcceleration": bool(spec.get("EnableAcceleration", False)),
        "StaticRoutesOnly": bool(spec.get("StaticRoutesOnly", False)),
        "OutsideIpAddressType": outside,
        "TunnelInsideIpVersion": version,
    }
    number = 4 if version == "ipv4" else 6
    family, default = ("Ipv4", "0.0.0.0/0") if number == 4 else ("Ipv6", "::/0")
    for side in ("Local", "Remote"):   # the traffic selectors, in the tunnels' IP version
        member = f"{side}{family}NetworkCidr"
        text = vpcs.canonical(spec.get(member) or default, version=number)
        out[member] = str(parse(text, param=member[0].lower() + member[1:], version=number))
    for member in ("TransportTransitGatewayAttachmentId", "TunnelBandwidth"):
        if spec.get(member):
            out[member] = spec[member]
    out["TunnelOptions"] = vpn_tunnels.parse(spec.get("TunnelOptions"), version=version)
    return out


def _inside_taken(world: World, part: Partition, gw_id: str) -> set[str]:
    """Inside CIDRs the gateway's live connections use."""
    taken: set[str] = set()
    for vpn in world.claimed(part, BY_GATEWAY, gw_id):
        node = world.graph.nodes[vpn]
        if node["State"] != "deleted":
            for tunnel in node["Options"]["TunnelOptions"]:
                taken.update(tunnel.get(k) for k in ("TunnelInsideCidr", "TunnelInsideIpv6Cidr")
                             if tunnel.get(k))
    return taken


def _existing(world: World, part: Partition, cgw_id: str, gw_id: str,
              vcn: str | None = None) -> str | None:
    for vpn in world.claimed(part, BY_CUSTOMER_GATEWAY, cgw_id):
        link = links(world, vpn)
        if world.graph.nodes[vpn]["State"] != "deleted" and link.get("gateway") == gw_id \
                and link.get("concentrator") == vcn:
            return vpn
    return None


# -- create / delete --------------------------------------------------------------------------
def create(world: World, part: Partition, params: dict[str, Any], *,
           tags: dict[str, str] | None = None) -> tuple[str, bool]:
    """(id, whether new) of a VPN connection: a new one, or the existing one between the
    same two gateways."""
    if params["Type"] != VPN_TYPE:
        raise InvalidParameterValue(
            f"Value ({params['Type']}) for parameter type is invalid. Valid values: {VPN_TYPE}")
    params = dict(params)
    vcn = _concentrator(world, part, params)
    kind, gw_id = _gateway_param(params)
    cgw = customer_gateways.live(world, part, params["CustomerGatewayId"])
    gateway = _gateway_node(world, part, kind, gw_id)
    existing = _existing(world, part, params["CustomerGatewayId"], gw_id, vcn)
    if existing is not None:
        return existing, False
    options = _options(params.get("Options") or {}, kind)
    if not options["StaticRoutesOnly"] and customer_gateways.asn(cgw) == _gateway_asn(gateway):
        label = "virtual private gateway" if kind == "vpn-gateway" else "transit gateway"
        raise InvalidParameterValue(   # BGP needs two autonomous systems
            f"The ASN of the specified customer gateway and {label} are the same.")
    storage = params.get("PreSharedKeyStorage")
    if storage is not None and storage not in PSK_STORAGE:
        raise InvalidParameterValue(
            f"Value ({storage}) for parameter preSharedKeyStorage is invalid. Valid values are: "
            + ", ".join(PSK_STORAGE) + ".")
    taken = _inside_taken(world, part, gw_id)
    vpn_tunnels.check_unique_inside(options["TunnelOptions"], taken)
    return _build(world, part, params, kind, gw_id, options, taken, tags or {}, vcn), True


def _build(world: World, part: Partition, params: dict[str, Any], kind: str, gw_id: str,
           options: dict[str, Any], taken: set[str], tags: dict[str, str],
           vcn: str | None = None) -> str:
    vpn_id = world.new_id("vpn")
    cgw_id = params["CustomerGatewayId"]
    world.add(part, KIND, vpn_id, Type=VPN_TYPE, Category="VPN", State="available",
              routes={})
    tunnels = vpn_tunnels.complete(world, part, vpn_id, options["TunnelOptions"],
                                   version=options["TunnelInsideIpVersion"], taken=taken)
    fields: dict[str, Any] = {"Options": {**options, "TunnelOptions": tunnels},
                              "VgwTelemetry": _telemetry(tunnels)}
    if params.get("PreSharedKeyStorage") == "SecretsManager":
        fields["PreSharedKeyArn"] = (f"arn:aws:secretsmanager:{part.region}:{part.account}:"
                                     f"secret:vpn/{vpn_id}")
    cgw = world.graph.nodes[cgw_id]
    gateway = world.graph.nodes[gw_id]
    fields["config"] = vpn_tunnels.configuration(
        vpn_id, customer_gateway=(cgw_id, cgw.get("IpAddress"), customer_gateways.asn(cgw)),
        gateway=("vpn_gateway_id" if kind == "vpn-gateway" else "transit_gateway_id", gw_id,
                 _gateway_asn(gateway)),
        static=options["StaticRoutesOnly"], tunnels=tunnels)
    world.update(vpn_id, **fields)
    world.link(vpn_id, cgw_id, schema.ASSOCIATED)
    world.claim(part, BY_CUSTOMER_GATEWAY, cgw_id, vpn_id)
    world.claim(part, BY_GATEWAY, gw_id, vpn_id)
    if kind == "vpn-gateway":
        world.link(vpn_id, gw_id, schema.ATTACHED)
    elif vcn is not None:   # carried by the concentrator's attachment: vpn -> vcn -> tgw-attach
        world.link(vpn_id, vcn, schema.ATTACHED)
    else:   # the TGW family makes the attachment: vpn -[ATTACHED]-> tgw-attach -> tgw
        tgw_attachments.create_vpn_attachment(world, part, gw_id, vpn_id)
    tagging.apply(world, vpn_id, tags)
    return vpn_id


def _telemetry(tunnels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`VgwTelemetry`: both tunnels down until a customer device brings them up (AWS's
    words for that, as the CLI's describe-vpn-connections example shows)."""
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    return [{"AcceptedRouteCount": 0, "LastStatusChange": now,
             "OutsideIpAddress": t["OutsideIpAddress"], "Status": "DOWN",
             "StatusMessage": "IPSEC IS DOWN"}
            for t in tunnels]


def delete(world: World, part: Partition, vpn_id: str) -> None:
    """Delete a connection: it leaves its gateways (keeping their ids on show), gives back
    its outside addresses and stops propagating routes. Deleting twice changes nothing."""
    node = world.get(part, KIND, vpn_id)
    if node["State"] == "deleted":
        return
    former = links(world, vpn_id)
    vpn_tunnels.release(world, part, vpn_id, node["Options"]["TunnelOptions"])
    for attach in tgw_attachments_of(world, vpn_id):
        tgw_attachments.delete_vpn_attachment(world, part, attach)
    for etype in (schema.ATTACHED, schema.ASSOCIATED):
        for target, disc, _ in world.out(vpn_id, etype):
            world.unlink(vpn_id, target, etype, disc)
    world.update(vpn_id, State="deleted", former=former)


def live(world: World, part: Partition, vpn_id: str) -> dict[str, Any]:
    """The connection, refusing one that is not available."""
    node = world.get(part, KIND, vpn_id)
    if node["State"] != "available":
        raise TopologyError("The VPN connection must be in the available state to complete "
                            "the request.", "InvalidVpnConnection.InvalidState")
    return node


# -- the gateways it joins --------------------------------------------------------------------
def links(world: World, vpn_id: str) -> dict[str, str]:
    """{"customer_gateway", "gateway", "kind"} of the connection (a deleted one: what it had)."""
    node = world.graph.nodes[vpn_id]
    if node.get("former"):
        return node["former"]
    out: dict[str, str] = {}
    for cgw, _, _ in world.out(vpn_id, schema.ASSOCIATED, "customer-gateway"):
        out["customer_gateway"] = cgw
    for vgw, _, _ in world.out(vpn_id, schema.ATTACHED, "vpn-gateway"):
        out["gateway"], out["kind"] = vgw, "vpn-gateway"
    for vcn, _, _ in world.out(vpn_id, schema.ATTACHED, vpn_concentrators.KIND):
        out["concentrator"] = vcn
    tgw = _transit_gateway(world, vpn_id)
    if tgw is not None:
        out["gateway"], out["kind"] = tgw, "transit-gateway"
    return out


def tgw_attachments_of(world: World, vpn_id: str) -> list[str]:
    """The connection's own transit gateway attachment (none on a VGW or a concentrator)."""
    return [a for a, _, _ in world.out(vpn_id, schema.ATTACHED, "transit-gateway-attachment")]


def _transit_gateway(world: World, vpn_id: str) -> str | None:
    """The transit gateway behind the connection's attachment or its concentrator's."""
    carriers = tgw_attachments_of(world, vpn_id) + [
        a for vcn, _, _ in world.out(vpn_id, schema.ATTACHED, vpn_concentrators.KIND)
        for a in [vpn_concentrators.attachment_of(world, vcn)] if a is not None]
    for attach in carriers:
        for tgw, _, _ in world.out(attach, schema.ATTACHED, "transit-gateway"):
            return tgw
    return None


def static_routes(world: World, vpn_id: str) -> list[str]:
    """The connection's static route destinations (what a VGW propagates from it)."""
    return list(world.graph.nodes[vpn_id].get("routes", {}))


# -- static routes ----------------------------------------------------------------------------
def _route_destination(text: str) -> str:
    return str(parse(vpcs.canonical(text), param="destinationCidrBlock"))


def create_route(world: World, part: Partition, vpn_connection_id: str,
                 destination_cidr_block: str) -> None:
    """Add a static route (a route already there: nothing changes)."""
    node = live(world, part, vpn_connection_id)
    dest = _route_destination(destination_cidr_block)
    if links(world, vpn_connection_id).get("kind") != "vpn-gateway" or \
            not node["Options"]["StaticRoutesOnly"]:
        raise TopologyError("The specified VPN connection does not support static routes.",
                            "InvalidVpnConnection.InvalidType")
    if dest not in node["routes"]:
        world.update(vpn_connection_id, routes={**node["routes"],
                                     dest: {"Source": "Static", "State": "available"}})


def delete_route(world: World, part: Partition, vpn_connection_id: str,
                 destination_cidr_block: str) -> None:
    node = live(world, part, vpn_connection_id)
    dest = _route_destination(destination_cidr_block)
    if dest not in node["routes"]:
        raise NotFound(f"The specified route {dest} does not exist", "InvalidRoute.NotFound")
    world.update(vpn_connection_id, routes={k: v for k, v in node["routes"].items() if k != dest})


# -- views and filters -----------------------------------------------------------------------
def route_views(node: dict[str, Any]) -> list[dict[str, str]]:
    deleted = node["State"] == "deleted"
    return [{"DestinationCidrBlock": dest, "Source": data["Source"],
             "State": "deleted" if deleted else data["State"]}
            for dest, data in node["routes"].items()]


def view(world: World, vpn_id: str) -> dict[str, Any]:
    """The connection as boto3's `VpnConnection`."""
    node = world.graph.nodes[vpn_id]
    link = links(world, vpn_id)
    out: dict[str, Any] = {
        "VpnConnectionId": vpn_id,
        "State": node["State"],
        "Type": node["Type"],
        "Category": node["Category"],
        "CustomerGatewayId": link.get("customer_gateway"),
        "Options": node["Options"],
        "Routes": route_views(node),
        "VgwTelemetry": node["VgwTelemetry"],
        "GatewayAssociationState": "not-associated" if node["State"] == "deleted"
        else "associated",
    }
    if "gateway" in link:
        out[GATEWAY_MEMBERS[link["kind"]]] = link["gateway"]
    if "concentrator" in link:
        out["VpnConcentratorId"] = link["concentrator"]
    if node["State"] in SHOWS_CONFIGURATION:
        out["CustomerGatewayConfiguration"] = node["config"]
    if node.get("PreSharedKeyArn"):
        out["PreSharedKeyArn"] = node["PreSharedKeyArn"]
        out["Options"] = {**node["Options"], "TunnelOptions": [
            {k: v for k, v in t.items() if k != "PreSharedKey"}
            for t in node["Options"]["TunnelOptions"]]}
    # AWS lists an empty tag set (the CLI's create-vpn-connection examples)
    out["Tags"] = tagging.listed(node["tags"])
    return out


def created_view(world: World, vpn_id: str) -> dict[str, Any]:
    """What CreateVpnConnection answers: the connection still `pending`."""
    return {**view(world, vpn_id), "State": "pending"}


def _indexed(name: str):
    def candidates(world: World, part: Partition, value: str) -> Iterable[str]:
        return world.claimed(part, name, value)
    return candidates


def _link(key: str, kind: str | None = None):
    def values(world: World, rid: str, node: dict[str, Any]) -> str | None:
        link = links(world, rid)
        return link.get(key) if kind is None or link.get("kind") == kind else None
    return values


def _bgp_asn(world: World, rid: str, node: dict[str, Any]) -> str | None:
    cgw = links(world, rid).get("customer_gateway")
    if cgw is None:
        return None
    found = world.graph.nodes[cgw]
    return found.get("BgpAsn") or found.get("BgpAsnExtended")


FILTERS: dict[str, Filter] = {
    "customer-gateway-configuration": Filter(
        lambda w, rid, n: n["config"] if n["State"] in SHOWS_CONFIGURATION else None),
    "customer-gateway-id": Filter(_link("customer_gateway"), _indexed(BY_CUSTOMER_GATEWAY)),
    "state": field("State"),
    "option.static-routes-only": Filter(lambda w, rid, n: n["Options"]["StaticRoutesOnly"]),
    "route.destination-cidr-block": Filter(lambda w, rid, n: list(n["routes"])),
    "bgp-asn": Filter(_bgp_asn),
    "type": field("Type"),
    "vpn-connection-id": ident(),
    "vpn-gateway-id": Filter(_link("gateway", "vpn-gateway"), _indexed(BY_GATEWAY)),
    "transit-gateway-id": Filter(_link("gateway", "transit-gateway"), _indexed(BY_GATEWAY)),
}


# -- the family: its plain Create/Delete/Describe operations are bound from this (docs/families.md)
FAMILY = declare(Family(KIND, view=view, filters=FILTERS, delete=delete,
                        actions={"CreateVpnConnectionRoute": create_route,
                                 "DeleteVpnConnectionRoute": delete_route}))
