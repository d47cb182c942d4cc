"""Changing a Site-to-Site VPN connection after it is made: its gateways
(ModifyVpnConnection), its traffic selectors and bandwidth (ModifyVpnConnectionOptions), one
tunnel's options (ModifyVpnTunnelOptions, checked as CreateVpnConnection checks them), its
certificate, tunnel replacement and status, and the sample device configurations.

A tunnel is named by its outside address. Every change rewrites the customer gateway
configuration document, as AWS's download reflects the connection as it is now.
"""
from __future__ import annotations

from typing import Any

from ..core import addressing, clock, schema
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, TopologyError)
from ..core.family import declare_actions
from ..core.world import Partition, World
from ..network import vpcs, vpn_gateways
from . import customer_gateways, tgw_attachments, transit_gateways, vpn_connections, vpn_tunnels
from .vpn_connections import BY_CUSTOMER_GATEWAY, BY_GATEWAY, KIND

TARGETS = {"VpnGatewayId": "vpn-gateway", "TransitGatewayId": "transit-gateway"}
# AWS's sample configurations (GetVpnConnectionDeviceTypes): id -> (vendor, platform, software)
DEVICE_TYPES: dict[str, tuple[str, str, str]] = {
    "36ef5d04": ("Barracuda", "NextGen Firewall F-Series", "6.2+"),
    "9d9470de": ("Fortinet", "Fortigate 40+ Series", "FortiOS 5.0+"),
    "754a6372": ("Palo Alto Networks", "PA Series", "PANOS 4.1.2+"),
    "9612cbed": ("Palo Alto Networks", "PA Series", "PANOS 4.1.2+ (GUI)"),
    "5fb390ba": ("Palo Alto Networks", "PA Series", "PANOS 7.0+"),
}
IKE_VERSIONS = ("ikev1", "ikev2")


# -- helpers -------------------------------------------------------------------------------------
def _gateway_asn(world: World, gw_id: str) -> int:
    node = world.graph.nodes[gw_id]
    if "AmazonSideAsn" in node:
        return int(node["AmazonSideAsn"])
    return int((node.get("Options") or {}).get("AmazonSideAsn", vpn_gateways.DEFAULT_ASN))


def _reconfigure(world: World, vpn_id: str) -> None:
    """Rewrite the configuration document from the connection as it is now."""
    node = world.graph.nodes[vpn_id]
    link = vpn_connections.links(world, vpn_id)
    cgw = world.graph.nodes[link["customer_gateway"]]
    tag = "vpn_gateway_id" if link["kind"] == "vpn-gateway" else "transit_gateway_id"
    world.update(vpn_id, config=vpn_tunnels.configuration(
        vpn_id, customer_gateway=(link["customer_gateway"], cgw.get("IpAddress"),
                                  customer_gateways.asn(cgw)),
        gateway=(tag, link["gateway"], _gateway_asn(world, link["gateway"])),
        static=node["Options"]["StaticRoutesOnly"], tunnels=node["Options"]["TunnelOptions"]))


def tunnel_index(node: dict[str, Any], outside_ip: str) -> int:
    """The position of the tunnel whose outside address is `outside_ip`."""
    for n, tunnel in enumerate(node["Options"]["TunnelOptions"]):
        if tunnel["OutsideIpAddress"] == outside_ip:
            return n
    raise InvalidParameterValue(f"The VPN tunnel outside IP address {outside_ip} does not "
                                "belong to the VPN connection.")


def _taken(world: World, part: Partition, gw_id: str, vpn_id: str) -> set[str]:
    """Inside CIDRs of the gateway's other live connections."""
    taken: set[str] = set()
    for other in world.claimed(part, BY_GATEWAY, gw_id):
        node = world.graph.nodes[other]
        if other != vpn_id and node["State"] != "deleted":
            for tunnel in node["Options"]["TunnelOptions"]:
                taken.update(tunnel.get(k) for k in ("TunnelInsideCidr", "TunnelInsideIpv6Cidr")
                             if tunnel.get(k))
    return taken


# -- ModifyVpnConnection -----------------------------------------------------------------------
def modify_connection(world: World, part: Partition, vpn_connection_id: str,
                      transit_gateway_id: str | None = None,
                      customer_gateway_id: str | None = None,
                      vpn_gateway_id: str | None = None) -> str:
    """Move the connection to another target gateway, or to another customer gateway."""
    node = vpn_connections.live(world, part, vpn_connection_id)
    given = {k: v for k, v in (("TransitGatewayId", transit_gateway_id),
                               ("CustomerGatewayId", customer_gateway_id),
                               ("VpnGatewayId", vpn_gateway_id)) if v}
    if not given:
        raise MissingParameter("The request must contain exactly one of TransitGatewayId, "
                               "CustomerGatewayId or VpnGatewayId.")
    if len(given) > 1:
        raise InvalidParameterCombination("The request must contain exactly one of "
                                          "TransitGatewayId, CustomerGatewayId or VpnGatewayId.")
    member, value = next(iter(given.items()))
    if member == "CustomerGatewayId":
        _move_customer_gateway(world, part, vpn_connection_id, value)
    else:
        _move_target(world, part, vpn_connection_id, node, TARGETS[member], value)
    _reconfigure(world, vpn_connection_id)
    return vpn_connection_id


def _move_customer_gateway(world: World, part: Partition, vpn_id: str, cgw_id: str) -> None:
    cgw = customer_gateways.live(world, part, cgw_id)
    link = vpn_connections.links(world, vpn_id)
    node = world.graph.nodes[vpn_id]
    if not node["Options"]["StaticRoutesOnly"] and \
            customer_gateways.asn(cgw) == _gateway_asn(world, link["gateway"]):
        raise InvalidParameterValue("The ASN of the specified customer gateway and the "
                                    "connection's gateway are the same.")
    old = link["customer_gateway"]
    world.unlink(vpn_id, old, schema.ASSOCIATED)
    world.unclaim(part, BY_CUSTOMER_GATEWAY, old, vpn_id)
    world.link(vpn_id, cgw_id, schema.ASSOCIATED)
    world.claim(part, BY_CUSTOMER_GATEWAY, cgw_id, vpn_id)


def _move_target(world: World, part: Partition, vpn_id: str, node: dict[str, Any], kind: str,
                 gw_id: str) -> None:
    if kind == "vpn-gateway":
        vpn_gateways.live(world, part, gw_id)
        options = node["Options"]
        if options["TunnelInsideIpVersion"] == "ipv6" or options["EnableAcceleration"]:
            raise InvalidParameterValue("A VPN connection with IPv6 inside addresses or "
                                        "acceleration can only use a transit gateway.")
    else:
        transit_gateways.get(world, part, gw_id)
        if node["routes"]:
            raise InvalidParameterValue("The VPN connection has static routes. Delete them "
                                        "before you migrate the connection to a transit "
                                        "gateway.")
    link = vpn_connections.links(world, vpn_id)
    if link["gateway"] == gw_id:
        raise InvalidParameterValue(f"The VPN connection {vpn_id} already uses gateway "
                                    f"{gw_id}.")
    cgw = world.graph.nodes[link["customer_gateway"]]
    if not node["Options"]["StaticRoutesOnly"] and \
            customer_gateways.asn(cgw) == _gateway_asn(world, gw_id):
        raise InvalidParameterValue("The ASN of the specified customer gateway and the new "
                                    "gateway are the same.")
    vpn_tunnels.check_unique_inside(node["Options"]["TunnelOptions"],
                                    _taken(world, part, gw_id, vpn_id))
    if link["kind"] == "vpn-gateway":
        world.unlink(vpn_id, link["gateway"], schema.ATTACHED)
    for attach in vpn_connections.tgw_attachments_of(world, vpn_id):
        tgw_attachments.delete_vpn_attachment(world, part, attach)
        world.unlink(vpn_id, attach, schema.ATTACHED)
    world.unclaim(part, BY_GATEWAY, link["gateway"], vpn_id)
    world.claim(part, BY_GATEWAY, gw_id, vpn_id)
    if kind == "vpn-gateway":
        world.link(vpn_id, gw_id, schema.ATTACHED)
    else:
        tgw_attachments.create_vpn_attachment(world, part, gw_id, vpn_id)


# -- ModifyVpnConnectionOptions ----------------------------------------------------------------
def modify_options(world: World, part: Partition, vpn_connection_id: str,
                   local_ipv4_network_cidr: str | None = None,
                   remote_ipv4_network_cidr: str | None = None,
                   local_ipv6_network_cidr: str | None = None,
                   remote_ipv6_network_cidr: str | None = None,
                   tunnel_bandwidth: str | None = None) -> str:
    node = vpn_connections.live(world, part, vpn_connection_id)
    options = dict(node["Options"])
    version = options["TunnelInsideIpVersion"]
    given = {"LocalIpv4NetworkCidr": local_ipv4_network_cidr,
             "RemoteIpv4NetworkCidr": remote_ipv4_network_cidr,
             "LocalIpv6NetworkCidr": local_ipv6_network_cidr,
             "RemoteIpv6NetworkCidr": remote_ipv6_network_cidr}
    for member, text in given.items():
        if text is None:
            continue
        number = 4 if "Ipv4" in member else 6
        if (number == 4) != (version == "ipv4"):
            raise InvalidParameterCombination(
                f"{member} cannot be used with a VPN connection whose tunnel inside IP "
                f"version is {version}.")
        canonical = vpcs.canonical(text, version=number)
        options[member] = str(addressing.parse(canonical, version=number,
                                               param=member[0].lower() + member[1:]))
    if tunnel_bandwidth is not None:
        if tunnel_bandwidth == "large" and \
                vpn_connections.links(world, vpn_connection_id).get("kind") != "transit-gateway":
            raise InvalidParameterValue("Large bandwidth is only available for VPN connections "
                                        "attached to a transit gateway.")
        options["TunnelBandwidth"] = tunnel_bandwidth
    if not any(v is not None for v in given.values()) and tunnel_bandwidth is None:
        raise MissingParameter("The request must contain at least one option to modify.")
    world.update(vpn_connection_id, Options=options)
    return vpn_connection_id


# -- ModifyVpnTunnelOptions ---------------------------------------------------------------------
def modify_tunnel(world: World, part: Partition, vpn_connection_id: str,
                  vpn_tunnel_outside_ip_address: str, tunnel_options: dict[str, Any],
                  skip_tunnel_replacement: bool | None = None,
                  pre_shared_key_storage: str | None = None) -> str:
    """Change one tunnel's options, checked as CreateVpnConnection checks them (and the
    inside CIDR unique among the gateway's connections and the other tunnel)."""
    node = vpn_connections.live(world, part, vpn_connection_id)
    index = tunnel_index(node, vpn_tunnel_outside_ip_address)
    options = node["Options"]
    changes = vpn_tunnels.parse([tunnel_options], version=options["TunnelInsideIpVersion"])[0]
    for key in ("Phase1AdditionalKeyExchanges", "Phase2AdditionalKeyExchanges"):
        if tunnel_options.get(key):
            changes[key] = tunnel_options[key]
    if not changes:
        raise MissingParameter("The request must contain at least one tunnel option.")
    if skip_tunnel_replacement is not None and "EnableTunnelLifecycleControl" not in changes:
        raise InvalidParameterCombination("SkipTunnelReplacement applies only when "
                                          "EnableTunnelLifecycleControl is changed.")
    if pre_shared_key_storage not in (None, *vpn_connections.PSK_STORAGE):
        raise InvalidParameterValue(
            f"Value ({pre_shared_key_storage}) for parameter preSharedKeyStorage is invalid. "
            "Valid values are: " + ", ".join(vpn_connections.PSK_STORAGE) + ".")
    gateway = vpn_connections.links(world, vpn_connection_id)["gateway"]
    taken = _taken(world, part, gateway, vpn_connection_id)
    tunnels = [dict(t) for t in options["TunnelOptions"]]
    other = tunnels[1 - index] if len(tunnels) == 2 else {}
    taken.update(other.get(k) for k in ("TunnelInsideCidr", "TunnelInsideIpv6Cidr")
                 if other.get(k))
    vpn_tunnels.check_unique_inside([changes], taken)
    _check_lifetimes({**tunnels[index], **changes})
    tunnels[index].update(changes)
    fields: dict[str, Any] = {"Options": {**options, "TunnelOptions": tunnels}}
    if pre_shared_key_storage == "SecretsManager" and not node.get("PreSharedKeyArn"):
        fields["PreSharedKeyArn"] = (f"arn:aws:secretsmanager:{part.region}:{part.account}:"
                                     f"secret:vpn/{vpn_connection_id}")
    elif pre_shared_key_storage == "Standard":
        fields["PreSharedKeyArn"] = None
    if not skip_tunnel_replacement:
        fields["maintenance"] = {**node.get("maintenance", {}),
                                 vpn_tunnel_outside_ip_address: clock.now()}
    world.update(vpn_connection_id, **fields)
    _reconfigure(world, vpn_connection_id)
    return vpn_connection_id


def _check_lifetimes(tunnel: dict[str, Any]) -> None:
    """Phase 2 shorter than phase 1, as the tunnel will have them (not just the request)."""
    phase1 = tunnel.get("Phase1LifetimeSeconds", vpn_tunnels.DEFAULT_PHASE1)
    phase2 = tunnel.get("Phase2LifetimeSeconds", vpn_tunnels.DEFAULT_PHASE2)
    if phase2 >= phase1:
        raise InvalidParameterValue(f"Value ({phase2}) for parameter Phase2LifetimeSeconds is "
                                    "invalid. It must be less than Phase1LifetimeSeconds.")


def modify_certificate(world: World, part: Partition, vpn_connection_id: str,
                       vpn_tunnel_outside_ip_address: str) -> str:
    """Rotate the tunnel's endpoint certificate: only for certificate-authenticated
    connections (a customer gateway with a certificate)."""
    node = vpn_connections.live(world, part, vpn_connection_id)
    tunnel_index(node, vpn_tunnel_outside_ip_address)
    cgw = world.graph.nodes[vpn_connections.links(world, vpn_connection_id)["customer_gateway"]]
    if not cgw.get("CertificateArn"):
        raise TopologyError("The VPN connection does not use certificate-based "
                            "authentication.", "InvalidParameterValue")
    world.update(vpn_connection_id, maintenance={**node.get("maintenance", {}),
                                                 vpn_tunnel_outside_ip_address: clock.now()})
    return vpn_connection_id


# -- replacement and status ---------------------------------------------------------------------
def replace_tunnel(world: World, part: Partition, vpn_connection_id: str,
                   vpn_tunnel_outside_ip_address: str,
                   apply_pending_maintenance: bool | None = None) -> None:
    node = vpn_connections.live(world, part, vpn_connection_id)
    tunnel_index(node, vpn_tunnel_outside_ip_address)
    world.update(vpn_connection_id, maintenance={**node.get("maintenance", {}),
                                                 vpn_tunnel_outside_ip_address: clock.now()})


def replacement_status(world: World, part: Partition, vpn_connection_id: str,
                       vpn_tunnel_outside_ip_address: str) -> dict[str, Any]:
    node = vpn_connections.live(world, part, vpn_connection_id)
    tunnel_index(node, vpn_tunnel_outside_ip_address)
    link = vpn_connections.links(world, vpn_connection_id)
    out: dict[str, Any] = {"VpnConnectionId": vpn_connection_id,
                           "CustomerGatewayId": link["customer_gateway"],
                           vpn_connections.GATEWAY_MEMBERS[link["kind"]]: link["gateway"],
                           "VpnTunnelOutsideIpAddress": vpn_tunnel_outside_ip_address}
    details: dict[str, Any] = {}
    last = node.get("maintenance", {}).get(vpn_tunnel_outside_ip_address)
    if last is not None:
        details["LastMaintenanceApplied"] = last
    out["MaintenanceDetails"] = details
    return out


def active_status(world: World, part: Partition, vpn_connection_id: str,
                  vpn_tunnel_outside_ip_address: str) -> dict[str, Any]:
    """What the tunnel would negotiate: the strongest of its permitted choices (AWS's
    defaults permit all)."""
    node = vpn_connections.live(world, part, vpn_connection_id)
    tunnel = node["Options"]["TunnelOptions"][tunnel_index(node, vpn_tunnel_outside_ip_address)]

    def first(key: str, default: Any) -> Any:
        values = [v["Value"] for v in tunnel.get(key) or []]
        return values[0] if values else default
    return {"Phase1EncryptionAlgorithm": first("Phase1EncryptionAlgorithms", "AES256"),
            "Phase2EncryptionAlgorithm": first("Phase2EncryptionAlgorithms", "AES256"),
            "Phase1IntegrityAlgorithm": first("Phase1IntegrityAlgorithms", "SHA2-256"),
            "Phase2IntegrityAlgorithm": first("Phase2IntegrityAlgorithms", "SHA2-256"),
            "Phase1DHGroup": first("Phase1DHGroupNumbers", 14),
            "Phase2DHGroup": first("Phase2DHGroupNumbers", 14),
            "IkeVersion": first("IkeVersions", "ikev2"),
            "ProvisioningStatus": "available"}


# -- sample configurations ----------------------------------------------------------------------
def device_types() -> list[dict[str, str]]:
    return [{"VpnConnectionDeviceTypeId": rid, "Vendor": vendor, "Platform": platform,
             "Software": software}
            for rid, (vendor, platform, software) in DEVICE_TYPES.items()]


def sample_configuration(world: World, part: Partition, vpn_connection_id: str,
                         vpn_connection_device_type_id: str,
                         internet_key_exchange_version: str | None = None,
                         sample_type: str | None = None) -> str:
    node = world.get(part, KIND, vpn_connection_id)
    device = DEVICE_TYPES.get(vpn_connection_device_type_id)
    if device is None:
        raise InvalidParameterValue(f"The VPN connection device type ID "
                                    f"{vpn_connection_device_type_id} does not exist.")
    ike = internet_key_exchange_version or "ikev1"
    if ike not in IKE_VERSIONS:
        raise InvalidParameterValue(f"Value ({ike}) for parameter internetKeyExchangeVersion "
                                    "is invalid. Valid values are: ikev1, ikev2.")
    vendor, platform, software = device
    lines = [f"! Amazon Web Services Site-to-Site VPN connection {vpn_connection_id}",
             f"! Device: {vendor} {platform} {software} ({ike})", "!"]
    for n, tunnel in enumerate(node["Options"]["TunnelOptions"], start=1):
        inside = tunnel.get("TunnelInsideCidr") or tunnel.get("TunnelInsideIpv6Cidr")
        lines += [f"! IPSec Tunnel #{n}", f"!   Virtual Private Gateway : "
                  f"{tunnel['OutsideIpAddress']}", f"!   Inside CIDR             : {inside}",
                  f"!   Pre-Shared Key          : {tunnel.get('PreSharedKey', '')}",
                  f"!   Phase 1 lifetime        : "
                  f"{tunnel.get('Phase1LifetimeSeconds', vpn_tunnels.DEFAULT_PHASE1)}",
                  f"!   Phase 2 lifetime        : "
                  f"{tunnel.get('Phase2LifetimeSeconds', vpn_tunnels.DEFAULT_PHASE2)}", "!"]
    return "\n".join(lines) + "\n"


declare_actions(KIND, {
    "ModifyVpnConnection": modify_connection,
    "ModifyVpnConnectionOptions": modify_options,
    "ModifyVpnTunnelOptions": modify_tunnel,
    "ModifyVpnTunnelCertificate": modify_certificate,
    "ReplaceVpnTunnel": replace_tunnel,
    "GetVpnTunnelReplacementStatus": replacement_status,
    "GetActiveVpnTunnelStatus": active_status,
    "GetVpnConnectionDeviceSampleConfiguration": sample_configuration})
