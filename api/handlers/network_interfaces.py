"""Network interface operations: create/delete/describe, attach/detach, attributes, and the
private IPv4 and IPv6 addresses of an interface."""
from __future__ import annotations

from typing import Any

from topology.core import tags
from topology.core.errors import (InvalidParameterCombination, InvalidParameterValue,
                                  MissingParameter, TopologyError)
from topology.network import interface_addresses, interface_views
from topology.network import network_interfaces as enis

from ..operations import Context, handler

# describe_network_interface_attribute's Attribute -> the output member it fills
ATTRIBUTES = {"description": "Description", "groupSet": "Groups",
              "sourceDestCheck": "SourceDestCheck", "attachment": "Attachment",
              "associatePublicIpAddress": "AssociatePublicIpAddress"}
# modify_network_interface_attribute members, each one attribute (AWS takes one per call)
MODIFIABLE = ("Description", "SourceDestCheck", "Groups", "Attachment",
              "AssociatePublicIpAddress", "EnablePrimaryIpv6", "ConnectionTrackingSpecification",
              "EnaSrdSpecification", "AssociatedSubnetIds")
CONNECTION_TRACKING = {"TcpEstablishedTimeout": 432000, "UdpStreamTimeout": 180, "UdpTimeout": 30}
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
            **CONNECTION_TRACKING, **params["ConnectionTrackingSpecification"]}
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
def describe_network_interface_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    eni_id = params["NetworkInterfaceId"]
    attribute = params.get("Attribute")
    if attribute is None:
        raise InvalidParameterCombination("No attributes specified.")
    node = ctx.world.get(ctx.part, enis.KIND, eni_id)
    out: dict[str, Any] = {"NetworkInterfaceId": eni_id}
    if attribute == "description":
        out["Description"] = {"Value": node["Description"]}
    elif attribute == "sourceDestCheck":
        out["SourceDestCheck"] = {"Value": node["SourceDestCheck"]}
    elif attribute == "groupSet":
        out["Groups"] = interface_views.view(ctx.world, eni_id)["Groups"]
    elif attribute == "attachment":
        found = interface_views.attachment_view(ctx.world, eni_id)
        if found is not None:
            out["Attachment"] = found
    else:                                # the protocol layer enforces the enum
        out["AssociatePublicIpAddress"] = bool(node.get("wants_public"))
    return out


def _given(params: dict[str, Any]) -> list[str]:
    """The attributes a modify request sets (a value structure without Value sets nothing)."""
    given = []
    for member in MODIFIABLE:
        value = params.get(member)
        if value is None or (member in ("Description", "SourceDestCheck")
                             and value.get("Value") is None):
            continue
        given.append(member)
    return given


@handler
def modify_network_interface_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, part, eni_id = ctx.world, ctx.part, params["NetworkInterfaceId"]
    node = world.get(part, enis.KIND, eni_id)
    given = _given(params)
    if not given:
        raise InvalidParameterCombination("No attributes specified.")
    if len(given) > 1:
        raise InvalidParameterCombination(
            "Fields for multiple attribute types specified: "
            + ", ".join(m[0].lower() + m[1:] for m in given))
    member = given[0]
    value = params[member]
    if member == "Description":
        enis.set_description(world, part, eni_id, value["Value"])
    elif member == "SourceDestCheck":
        enis.set_source_dest_check(world, part, eni_id, value["Value"])
    elif member == "Groups":
        enis.set_groups(world, part, eni_id, value)
    elif member == "Attachment":
        _modify_attachment(ctx, eni_id, value)
    elif member == "AssociatePublicIpAddress":
        enis.set_public_wish(world, part, eni_id, bool(value))
    elif member == "EnablePrimaryIpv6":
        if value:
            world.update(eni_id, EnablePrimaryIpv6=True)
    elif member == "ConnectionTrackingSpecification":
        current = node.get("ConnectionTrackingConfiguration") or CONNECTION_TRACKING
        world.update(eni_id, ConnectionTrackingConfiguration={**current, **value})
    else:
        raise TopologyError(f"The parameter {member} is not supported by ec2sim.",
                            "UnsupportedOperation")
    return {}


def _modify_attachment(ctx: Context, eni_id: str, changes: dict[str, Any]) -> None:
    if not changes.get("AttachmentId"):
        raise MissingParameter("The request must contain the parameter attachment.attachmentId")
    if changes.get("DeleteOnTermination") is None:
        raise MissingParameter(
            "The request must contain the parameter attachment.deleteOnTermination")
    enis.set_delete_on_termination(ctx.world, ctx.part, eni_id, changes["AttachmentId"],
                                   changes["DeleteOnTermination"])


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
