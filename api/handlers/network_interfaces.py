"""Network interface operations with logic of their own: create (its addresses and options
checked), attach (the card index echoed), detach (Force ignored), and the private IPv4 and
IPv6 addresses of an interface (no prefix delegation). Delete, describe and the attributes
are bound from the family (topology/network/interface_views.py)."""
from __future__ import annotations

from typing import Any

from topology.core import tags
from topology.core.errors import (InvalidParameterCombination, InvalidParameterValue,
                                  MissingParameter, TopologyError)
from topology.network import interface_addresses, interface_views
from topology.network import network_interfaces as enis

from ..operations import Context, handler

PREFIXES = ("Ipv4Prefixes", "Ipv4PrefixCount", "Ipv6Prefixes", "Ipv6PrefixCount")


def _no_prefixes(params: dict[str, Any]) -> None:
    """ec2sim has no prefix delegation: say so rather than ignore the request."""
    for member in PREFIXES:
        if params.get(member):
            raise TopologyError(f"The parameter {member} is not supported by ec2sim.",
                                "UnsupportedOperation")


def _private_ips(params: dict[str, Any]) -> tuple[str | None, list[str]]:
    """(primary, secondaries) from PrivateIpAddress and PrivateIpAddresses (with Primary
    flags; when none is marked, the first listed address is the primary)."""
    listed = params.get("PrivateIpAddresses") or []
    primary = params.get("PrivateIpAddress")
    marked = [p.get("PrivateIpAddress") for p in listed if p.get("Primary")]
    if len(marked) > 1:
        raise InvalidParameterValue("Only one primary private IP address may be specified.")
    if marked and primary is not None and marked[0] != primary:
        raise InvalidParameterCombination(
            "The primary private IP address may be specified either with privateIpAddress or "
            "as the primary address of privateIpAddresses, not both.")
    addresses = [p.get("PrivateIpAddress") for p in listed]
    if any(a is None for a in addresses):
        raise MissingParameter("The request must contain the parameter "
                               "PrivateIpAddresses.privateIpAddress")
    if len(addresses) > 1 and params.get("SecondaryPrivateIpAddressCount"):
        raise InvalidParameterCombination(
            "You may specify secondaryPrivateIpAddressCount or more than one private IP "
            "address in privateIpAddresses, but not both.")
    primary = primary or (marked[0] if marked else None)
    if primary is None and addresses and not params.get("SecondaryPrivateIpAddressCount"):
        primary = addresses[0]
    return primary, [a for a in addresses if a != primary]


@handler
def create_network_interface(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.get(ctx.part, "subnet", params["SubnetId"])
    _no_prefixes(params)
    primary, secondaries = _private_ips(params)
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "network-interface")
    eni_id = enis.create(
        ctx.world, ctx.part, params["SubnetId"], private_ip=primary, secondary_ips=secondaries,
        secondary_count=params.get("SecondaryPrivateIpAddressCount") or 0,
        ipv6_ips=[a.get("Ipv6Address") for a in params.get("Ipv6Addresses") or []],
        ipv6_count=params.get("Ipv6AddressCount"), group_ids=params.get("Groups"),
        description=params.get("Description", ""),
        interface_type=params.get("InterfaceType", "interface"), tags=new_tags,
        ip_in_use="The specified address is already in use.")
    extra: dict[str, Any] = {}
    if params.get("EnablePrimaryIpv6"):
        extra["EnablePrimaryIpv6"] = True
    if params.get("ConnectionTrackingSpecification"):
        extra["ConnectionTrackingConfiguration"] = {
            **enis.CONNECTION_TRACKING, **params["ConnectionTrackingSpecification"]}
    if extra:
        ctx.world.update(eni_id, **extra)
    view = interface_views.view(ctx.world, eni_id)
    view["Status"] = "pending"          # AWS answers a create before the interface is ready
    out: dict[str, Any] = {"NetworkInterface": view}
    if params.get("ClientToken"):
        out["ClientToken"] = params["ClientToken"]
    return out


@handler
def attach_network_interface(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    card = params.get("NetworkCardIndex", 0)
    attachment_id = enis.attach(ctx.world, ctx.part, params["NetworkInterfaceId"],
                                params["InstanceId"], params["DeviceIndex"],
                                network_card_index=card)
    return {"AttachmentId": attachment_id, "NetworkCardIndex": card}


@handler
def detach_network_interface(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    # Force matters for a failed instance only; it never takes off the primary interface
    enis.detach(ctx.world, ctx.part, params["AttachmentId"])
    return {}


@handler
def assign_private_ip_addresses(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    _no_prefixes(params)
    eni_id = params["NetworkInterfaceId"]
    new = interface_addresses.assign_private_ips(ctx.world, ctx.part, eni_id,
                                  ips=params.get("PrivateIpAddresses") or [],
                                  count=params.get("SecondaryPrivateIpAddressCount") or 0,
                                  allow_reassignment=bool(params.get("AllowReassignment")))
    return {"NetworkInterfaceId": eni_id,
            "AssignedPrivateIpAddresses": [{"PrivateIpAddress": ip} for ip in new],
            "AssignedIpv4Prefixes": []}


@handler
def unassign_private_ip_addresses(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    _no_prefixes(params)
    interface_addresses.unassign_private_ips(ctx.world, ctx.part, params["NetworkInterfaceId"],
                              params.get("PrivateIpAddresses") or [])
    return {}


@handler
def assign_ipv6_addresses(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    _no_prefixes(params)
    eni_id = params["NetworkInterfaceId"]
    new = interface_addresses.assign_ipv6(ctx.world, ctx.part, eni_id, ips=params.get("Ipv6Addresses") or [],
                           count=params.get("Ipv6AddressCount") or 0)
    return {"NetworkInterfaceId": eni_id, "AssignedIpv6Addresses": new,
            "AssignedIpv6Prefixes": []}


@handler
def unassign_ipv6_addresses(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    _no_prefixes(params)
    eni_id = params["NetworkInterfaceId"]
    gone = interface_addresses.unassign_ipv6(ctx.world, ctx.part, eni_id, params.get("Ipv6Addresses") or [])
    return {"NetworkInterfaceId": eni_id, "UnassignedIpv6Addresses": gone,
            "UnassignedIpv6Prefixes": []}
