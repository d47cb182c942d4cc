"""Customer gateways: what AWS knows of the device at the customer's end of a VPN.

A `customer-gateway` node holds `Type`, `IpAddress`, the BGP ASN (`BgpAsn` up to
2,147,483,647, `BgpAsnExtended` beyond, both strings as AWS shows them), `State` and,
when given, `DeviceName` and `CertificateArn`. VPN connections name it through an
ASSOCIATED edge vpn-connection -> customer-gateway.

AWS's rules kept here: the IP address is required unless a certificate authenticates the
device; an identical request (type, address, ASN, device name, certificate) returns the
existing gateway instead of creating another; a gateway a VPN connection uses cannot be
deleted; a deleted gateway stays visible with `State` `deleted`.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.errors import (IncorrectState, InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, TopologyError)
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World

KIND = "customer-gateway"
DEFAULT_ASN = 65000
MAX_ASN, MAX_EXTENDED_ASN = 2147483647, 4294967295
IDENTITY = "customer-gateway"       # value index: identical-request key -> live gateway
ADDRESS = "customer-gateway-ip"     # value index: IP address -> gateways (for ip-address)


def _address(params: dict[str, Any]) -> str | None:
    """The device's outside address (`IpAddress`, or the deprecated `PublicIp`)."""
    ip, public = params.get("IpAddress"), params.get("PublicIp")
    if ip is not None and public is not None and ip != public:
        raise InvalidParameterCombination(
            "The parameters ipAddress and publicIp cannot both be specified with different "
            "values.")
    text = ip if ip is not None else public
    if text is None:
        if params.get("CertificateArn"):
            return None
        raise MissingParameter("The request must contain the parameter ipAddress")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise InvalidParameterValue(
            f"Value ({text}) for parameter ipAddress is invalid. Invalid IP address format.")


def _asn(params: dict[str, Any]) -> tuple[str, str]:
    """("BgpAsn" or "BgpAsnExtended", the ASN as text)."""
    asn, extended = params.get("BgpAsn"), params.get("BgpAsnExtended")
    if asn is not None and extended is not None:
        raise InvalidParameterCombination(
            "The parameters bgpAsn and bgpAsnExtended cannot both be specified.")
    if extended is not None:
        if not MAX_ASN < extended <= MAX_EXTENDED_ASN:
            raise InvalidParameterValue(
                f"Value ({extended}) for parameter bgpAsnExtended is invalid. The ASN must be "
                f"between {MAX_ASN + 1} and {MAX_EXTENDED_ASN}.")
        return "BgpAsnExtended", str(extended)
    asn = DEFAULT_ASN if asn is None else asn
    if not 1 <= asn <= MAX_ASN:
        raise InvalidParameterValue(
            f"Value ({asn}) for parameter bgpAsn is invalid. The ASN must be between 1 and "
            f"{MAX_ASN}; use bgpAsnExtended for a larger ASN.")
    return "BgpAsn", str(asn)


def _certificate(arn: str | None) -> str | None:
    if arn is not None and not (arn.startswith("arn:") and ":acm" in arn):
        raise InvalidParameterValue(
            f"Value ({arn}) for parameter certificateArn is invalid. The ARN is not a valid "
            "ACM certificate ARN.")
    return arn


def create(world: World, part: Partition, params: dict[str, Any], *,
           tags: dict[str, str] | None = None) -> str:
    """A customer gateway, or the existing one an identical request made."""
    ip = _address(params)
    member, asn = _asn(params)
    certificate = _certificate(params.get("CertificateArn"))
    device = params.get("DeviceName")
    identity = (params["Type"], ip, asn, device, certificate)
    existing = world.claimed(part, IDENTITY, identity)
    if existing:
        return next(iter(existing))
    cgw_id = world.new_id("cgw")
    fields: dict[str, Any] = {"Type": params["Type"], "State": "available", member: asn}
    optional = {"IpAddress": ip, "DeviceName": device, "CertificateArn": certificate}
    fields.update({k: v for k, v in optional.items() if v is not None})
    world.add(part, KIND, cgw_id, **fields)
    world.claim(part, IDENTITY, identity, cgw_id)
    if ip is not None:
        world.claim(part, ADDRESS, ip, cgw_id)
    tagging.apply(world, cgw_id, tags or {})
    return cgw_id


def live(world: World, part: Partition, cgw_id: str) -> dict[str, Any]:
    """The gateway, refusing a deleted one (AWS's `InvalidCustomerGatewayState`)."""
    node = world.get(part, KIND, cgw_id)
    if node["State"] != "available":
        raise TopologyError(f"The customer gateway {cgw_id} is not in the available state, "
                            "and therefore cannot be used.", "InvalidCustomerGatewayState")
    return node


def asn(node: dict[str, Any]) -> int:
    return int(node.get("BgpAsn") or node["BgpAsnExtended"])


def delete(world: World, part: Partition, cgw_id: str) -> None:
    """Delete a gateway no VPN connection uses; it stays visible as `deleted`."""
    node = world.get(part, KIND, cgw_id)
    if node["State"] == "deleted":
        return
    if world.into(cgw_id, schema.ASSOCIATED, "vpn-connection"):
        raise IncorrectState("The customer gateway is in use.", "IncorrectState")
    for name, value in list(part.claims_of.get(cgw_id, ())):
        if name == IDENTITY:
            world.unclaim(part, name, value, cgw_id)   # a new identical request creates anew
    world.update(cgw_id, State="deleted")


# -- views and filters -----------------------------------------------------------------------
MEMBERS = ("BgpAsn", "BgpAsnExtended", "IpAddress", "CertificateArn", "DeviceName", "State",
           "Type")


def view(world: World, cgw_id: str) -> dict[str, Any]:
    """The gateway as boto3's `CustomerGateway`."""
    node = world.graph.nodes[cgw_id]
    out: dict[str, Any] = {"CustomerGatewayId": cgw_id}
    out.update({k: node[k] for k in MEMBERS if k in node})
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    return out


def _by_address(world: World, part: Partition, value: str) -> Iterable[str]:
    return world.claimed(part, ADDRESS, value)


FILTERS: dict[str, Filter] = {
    "bgp-asn": Filter(lambda w, rid, n: n.get("BgpAsn") or n.get("BgpAsnExtended")),
    "customer-gateway-id": ident(),
    "ip-address": Filter(lambda w, rid, n: n.get("IpAddress"), _by_address),
    "state": field("State"),
    "type": field("Type"),
}


# -- the family: its plain Create/Delete/Describe operations are bound from this (docs/families.md)
FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create, delete=delete))
