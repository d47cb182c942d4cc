"""The two IPsec tunnels of a Site-to-Site VPN connection: their options as AWS validates
them, their addresses and keys, and the customer gateway configuration document.

Every connection has two tunnels. Each gets an outside address from the region's public
pool (claimed in the "public-ip" index like any public address), a /30 inside block from
169.254.0.0/16 (the gateway side takes the first host, the customer side the second) and a
pre-shared key, unless the request gives them. Generated values come from the world's
random generator, so a seeded world makes the same keys and addresses every run.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from netaddr import IPAddress, IPNetwork

from ..core import addressing
from ..core.errors import InvalidParameterCombination, InvalidParameterValue
from ..core.world import Partition, World

TUNNELS = 2
INSIDE_V4 = IPNetwork("169.254.0.0/16")
INSIDE_V6 = IPNetwork("fd00::/8")
RESERVED_INSIDE = frozenset(IPNetwork(c) for c in (
    "169.254.0.0/30", "169.254.1.0/30", "169.254.2.0/30", "169.254.3.0/30",
    "169.254.4.0/30", "169.254.5.0/30", "169.254.169.252/30"))
PSK = re.compile(r"[A-Za-z1-9._][A-Za-z0-9._]{7,63}")
PSK_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"
PSK_LENGTH = 32
PUBLIC_IP = "public-ip"        # the region-wide index of public addresses in use

# request member -> (response member, lowest, highest or None); the bounds are AWS's
NUMBERS: dict[str, tuple[str, int, int | None]] = {
    "Phase1LifetimeSeconds": ("Phase1LifetimeSeconds", 900, 28800),
    "Phase2LifetimeSeconds": ("Phase2LifetimeSeconds", 900, 3600),
    "RekeyMarginTimeSeconds": ("RekeyMarginTimeSeconds", 60, None),
    "RekeyFuzzPercentage": ("RekeyFuzzPercentage", 0, 100),
    "ReplayWindowSize": ("ReplayWindowSize", 64, 2048),
    "DPDTimeoutSeconds": ("DpdTimeoutSeconds", 30, None),
}
DEFAULT_PHASE1, DEFAULT_PHASE2 = 28800, 3600
# request member -> (response member, the values AWS accepts)
ALGORITHMS: dict[str, tuple[str, frozenset[Any]]] = {
    "Phase1EncryptionAlgorithms": ("Phase1EncryptionAlgorithms", frozenset(
        {"AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16"})),
    "Phase2EncryptionAlgorithms": ("Phase2EncryptionAlgorithms", frozenset(
        {"AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16"})),
    "Phase1IntegrityAlgorithms": ("Phase1IntegrityAlgorithms", frozenset(
        {"SHA1", "SHA2-256", "SHA2-384", "SHA2-512"})),
    "Phase2IntegrityAlgorithms": ("Phase2IntegrityAlgorithms", frozenset(
        {"SHA1", "SHA2-256", "SHA2-384", "SHA2-512"})),
    "Phase1DHGroupNumbers": ("Phase1DHGroupNumbers", frozenset(
        {2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24})),
    "Phase2DHGroupNumbers": ("Phase2DHGroupNumbers", frozenset(
        {2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24})),
    "IKEVersions": ("IkeVersions", frozenset({"ikev1", "ikev2"})),
}
CHOICES: dict[str, tuple[str, frozenset[str]]] = {
    "DPDTimeoutAction": ("DpdTimeoutAction", frozenset({"clear", "none", "restart"})),
    "StartupAction": ("StartupAction", frozenset({"add", "start"})),
}
PASSED = ("LogOptions", "EnableTunnelLifecycleControl")


def _bad(param: str, value: Any, why: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Value ({value}) for parameter {param} is invalid. {why}")


# -- validating a request's tunnel options ------------------------------------------------------
def parse(specs: list[dict[str, Any]] | None, *, version: str) -> list[dict[str, Any]]:
    """The two tunnels' requested options in boto3's `TunnelOption` shape (checked)."""
    specs = list(specs or [])
    if len(specs) > TUNNELS:
        raise InvalidParameterValue(
            f"A VPN connection has {TUNNELS} tunnels; {len(specs)} tunnel options were given.")
    tunnels = [_tunnel(spec, version) for spec in specs]
    tunnels += [{} for _ in range(TUNNELS - len(tunnels))]
    for key in ("TunnelInsideCidr", "TunnelInsideIpv6Cidr"):
        given = [t[key] for t in tunnels if key in t]
        if len(given) != len(set(given)):
            raise InvalidParameterValue(
                f"The inside CIDR {given[0]} is used by both tunnels; each tunnel needs its own.")
    return tunnels


def _tunnel(spec: dict[str, Any], version: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if spec.get("TunnelInsideCidr") is not None:
        if version != "ipv4":
            raise InvalidParameterCombination(
                "TunnelInsideCidr can only be used when TunnelInsideIpVersion is ipv4.")
        out["TunnelInsideCidr"] = str(_inside_v4(spec["TunnelInsideCidr"]))
    if spec.get("TunnelInsideIpv6Cidr") is not None:
        if version != "ipv6":
            raise InvalidParameterCombination(
                "TunnelInsideIpv6Cidr can only be used when TunnelInsideIpVersion is ipv6.")
        out["TunnelInsideIpv6Cidr"] = str(_inside_v6(spec["TunnelInsideIpv6Cidr"]))
    if spec.get("PreSharedKey") is not None:
        out["PreSharedKey"] = _psk(spec["PreSharedKey"])
    _numbers(spec, out)
    for member, (name, allowed) in ALGORITHMS.items():
        if spec.get(member):
            values = [item.get("Value") for item in spec[member]]
            for value in values:
                if value not in allowed:
                    raise _bad(member, value, "Valid values are: "
                               + ", ".join(str(v) for v in sorted(allowed, key=str)) + ".")
            out[name] = [{"Value": v} for v in values]
    for member, (name, allowed) in CHOICES.items():
        if spec.get(member) is not None:
            if spec[member] not in allowed:
                raise _bad(member, spec[member],
                           "Valid values are: " + ", ".join(sorted(allowed)) + ".")
            out[name] = spec[member]
    out.update({k: spec[k] for k in PASSED if spec.get(k) is not None})
    return out


def _numbers(spec: dict[str, Any], out: dict[str, Any]) -> None:
    for member, (name, low, high) in NUMBERS.items():
        value = spec.get(member)
        if value is None:
            continue
        if value < low or (high is not None and value > high):
            why = f"It must be between {low} and {high}." if high is not None else \
                f"It must be at least {low}."
            raise _bad(member, value, why)
        out[name] = value
    phase1 = out.get("Phase1LifetimeSeconds", DEFAULT_PHASE1)
    phase2 = out.get("Phase2LifetimeSeconds", DEFAULT_PHASE2)
    if "Phase2LifetimeSeconds" in out and phase2 >= phase1:
        raise _bad("Phase2LifetimeSeconds", phase2,
                   "It must be less than Phase1LifetimeSeconds.")
    margin = out.get("RekeyMarginTimeSeconds")
    if margin is not None and margin > phase2 // 2:
        raise _bad("RekeyMarginTimeSeconds", margin,
                   "It must be between 60 and half of Phase2LifetimeSeconds.")


def _inside_v4(text: str) -> IPNetwork:
    net = addressing.parse(text, param="TunnelInsideCidr")
    if net.prefixlen != 30 or net not in INSIDE_V4:
        raise _bad("TunnelInsideCidr", text, "The CIDR must be a /30 block of 169.254.0.0/16.")
    if net in RESERVED_INSIDE:
        raise _bad("TunnelInsideCidr", text, "The CIDR block is reserved and cannot be used.")
    return net


def _inside_v6(text: str) -> IPNetwork:
    net = addressing.parse(text, param="TunnelInsideIpv6Cidr", version=6)
    if net.prefixlen != 126 or net not in INSIDE_V6:
        raise _bad("TunnelInsideIpv6Cidr", text, "The CIDR must be a /126 block of fd00::/8.")
    return net


def _psk(key: str) -> str:
    if not PSK.fullmatch(key):
        raise InvalidParameterValue(
            "The pre-shared key must be between 8 and 64 characters long, contain only "
            "alphanumeric characters, periods (.) and underscores (_), and cannot start with "
            "zero (0).")
    return key


def check_unique_inside(tunnels: list[dict[str, Any]], taken: set[str]) -> None:
    """AWS wants each inside CIDR unique among the connections of one gateway."""
    for tunnel in tunnels:
        for key in ("TunnelInsideCidr", "TunnelInsideIpv6Cidr"):
            if tunnel.get(key) in taken:
                raise InvalidParameterValue(
                    f"The inside CIDR {tunnel[key]} is already used by another VPN connection "
                    "of this gateway.")


# -- filling in what the request left out ------------------------------------------------------
def complete(world: World, part: Partition, vpn_id: str, tunnels: list[dict[str, Any]],
             *, version: str, taken: set[str]) -> list[dict[str, Any]]:
    """The tunnels with outside addresses (claimed for `vpn_id`), inside blocks and keys."""
    out = []
    for tunnel in tunnels:
        ip = addressing.allocate_public(world, part)
        world.claim(part, PUBLIC_IP, ip, vpn_id)
        filled = {"OutsideIpAddress": ip, **tunnel}
        key = "TunnelInsideCidr" if version == "ipv4" else "TunnelInsideIpv6Cidr"
        if key not in filled:
            filled[key] = _free_inside(world, version, taken)
        taken.add(filled[key])
        filled.setdefault("PreSharedKey", new_psk(world))
        filled.setdefault("LogOptions", {"CloudWatchLogOptions": {"LogEnabled": False}})
        out.append(filled)
    return out


def _free_inside(world: World, version: str, taken: set[str]) -> str:
    """A random inside block nobody on the gateway uses (and not one AWS reserves)."""
    while True:
        if version == "ipv6":
            value = INSIDE_V6.first + (world.rng.getrandbits(118) << 2)
            text = f"{IPAddress(value, 6)}/126"
        else:
            net = IPNetwork(f"{IPAddress(INSIDE_V4.first + world.rng.randrange(1 << 14) * 4)}/30")
            if net in RESERVED_INSIDE:
                continue
            text = str(net)
        if text not in taken:
            return text


def new_psk(world: World) -> str:
    """A 32-character pre-shared key in AWS's alphabet, never starting with 0."""
    first = world.rng.choice(PSK_CHARS.replace("0", ""))
    return first + "".join(world.rng.choice(PSK_CHARS) for _ in range(PSK_LENGTH - 1))


def release(world: World, part: Partition, vpn_id: str, tunnels: list[dict[str, Any]]) -> None:
    """Give the tunnels' outside addresses back to the region's pool."""
    for tunnel in tunnels:
        world.unclaim(part, PUBLIC_IP, tunnel["OutsideIpAddress"], vpn_id)


# -- the customer gateway configuration -------------------------------------------------------
def _sub(parent: ET.Element, tag: str, text: Any = None) -> ET.Element:
    child = ET.SubElement(parent, tag)
    if text is not None:
        child.text = str(text)
    return child


def _inside_address(parent: ET.Element, net: IPNetwork, host: int) -> None:
    inside = _sub(parent, "tunnel_inside_address")
    _sub(inside, "ip_address", IPAddress(net.first + host, net.version))
    if net.version == 4:
        _sub(inside, "network_mask", net.netmask)
    _sub(inside, "network_cidr", net.prefixlen)


def _side(parent: ET.Element, tag: str, outside: str | None, net: IPNetwork, host: int,
          asn: int | None) -> None:
    side = _sub(parent, tag)
    _sub(_sub(side, "tunnel_outside_address"), "ip_address", outside or "")
    _inside_address(side, net, host)
    if asn is not None:
        bgp = _sub(side, "bgp")
        _sub(bgp, "asn", asn)
        _sub(bgp, "hold_time", 30)


def configuration(vpn_id: str, *, customer_gateway: tuple[str, str | None, int],
                  gateway: tuple[str, str, int], static: bool,
                  tunnels: list[dict[str, Any]]) -> str:
    """The `CustomerGatewayConfiguration` XML document (AWS's generic device format).

    `customer_gateway` is (id, outside address, ASN); `gateway` is (member tag, id, ASN).
    """
    cgw_id, cgw_ip, cgw_asn = customer_gateway
    gw_tag, gw_id, gw_asn = gateway
    root = ET.Element("vpn_connection", id=vpn_id)
    _sub(root, "customer_gateway_id", cgw_id)
    _sub(root, gw_tag, gw_id)
    _sub(root, "vpn_connection_type", "ipsec.1")
    _sub(root, "vpn_connection_attributes", "NoBGPVPNConnection" if static else "BGPVPNConnection")
    for tunnel in tunnels:
        net = IPNetwork(tunnel.get("TunnelInsideCidr") or tunnel["TunnelInsideIpv6Cidr"])
        ipsec_tunnel = _sub(root, "ipsec_tunnel")
        _side(ipsec_tunnel, "customer_gateway", cgw_ip, net, 2, None if static else cgw_asn)
        _side(ipsec_tunnel, "vpn_gateway", tunnel["OutsideIpAddress"], net, 1,
              None if static else gw_asn)
        _ike(ipsec_tunnel, tunnel)
        _ipsec(ipsec_tunnel, tunnel)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _ike(parent: ET.Element, tunnel: dict[str, Any]) -> None:
    ike = _sub(parent, "ike")
    _sub(ike, "authentication_protocol", "sha1")
    _sub(ike, "encryption_protocol", "aes-128-cbc")
    _sub(ike, "lifetime", tunnel.get("Phase1LifetimeSeconds", DEFAULT_PHASE1))
    _sub(ike, "perfect_forward_secrecy", "group2")
    _sub(ike, "mode", "main")
    _sub(ike, "pre_shared_key", tunnel.get("PreSharedKey", ""))


def _ipsec(parent: ET.Element, tunnel: dict[str, Any]) -> None:
    ipsec = _sub(parent, "ipsec")
    _sub(ipsec, "protocol", "esp")
    _sub(ipsec, "authentication_protocol", "hmac-sha1-96")
    _sub(ipsec, "encryption_protocol", "aes-128-cbc")
    _sub(ipsec, "lifetime", tunnel.get("Phase2LifetimeSeconds", DEFAULT_PHASE2))
    _sub(ipsec, "perfect_forward_secrecy", "group2")
    _sub(ipsec, "mode", "tunnel")
    _sub(ipsec, "clear_df_bit", "true")
    _sub(ipsec, "fragmentation_before_encryption", "true")
    _sub(ipsec, "tcp_mss_adjustment", 1379)
    dpd = _sub(ipsec, "dead_peer_detection")
    _sub(dpd, "delay", 10)
    _sub(dpd, "retry", 3)
