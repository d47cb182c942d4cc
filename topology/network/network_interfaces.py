"""Elastic network interfaces: addresses, groups, attachments, public IPv4 mappings.

An ENI is a `network-interface` node its subnet CONTAINS. It is ASSOCIATED with its security
groups (edge order is group order), ATTACHED to an instance (edge data: `id` = the
`eni-attach-…` attachment id, `DeviceIndex`, `NetworkCardIndex`, `DeleteOnTermination`,
`AttachTime`, `Status`), and Elastic IPs are ASSOCIATED with it (`elastic_ips`).

Internal fields, the single truth for addresses:

* `ips`: its private IPv4 addresses, primary first (`subnets.available_count` reads them),
  each claimed in the partition's "private-ip" value index;
* `ipv6s`: its IPv6 addresses, each claimed in "ipv6";
* `auto_ip`: the auto-assigned public IPv4 of the primary address, if any (claimed in the
  partition's "public-ip" value index); `wants_public`: the interface was given one, so it
  gets a fresh one back when an Elastic IP leaves it (AWS's rule);
* `ela`: the attachment of an interface a service manages (`ela-attach-…`, owned by
  "amazon-aws"), which users may neither detach nor delete.

AWS's rules kept here: addresses come from the subnet, never its first four or last, never
twice; an explicit address must lie in the subnet and be free; groups belong to the
subnet's VPC (the default group when none is given, five at most); an attached interface
cannot be deleted, nor attached again; the interface at device index 0 cannot be detached;
interface and instance share a zone; a device index takes one interface.

This module holds the interface itself and the contract other families call; the address
operations live in `interface_addresses`, the views and filters in `interface_views`, the
address pool of a subnet in `interface_ips`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ..catalogue import instance_types
from ..core import addressing, schema
from ..core import tags as tagging
from ..core.described import Import, when
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, LimitExceeded,
                           MissingParameter, NotFound, TopologyError)
from ..core.lookups import group_usable_in
from ..core.world import Partition, World, is_id_of
from . import interface_ips, subnets
from .interface_ips import ADDRESS_IN_USE, IPV6, MAX_IPV4, PRIVATE_IP  # in the contract: __all__
from .security_groups import named

KIND: str = "network-interface"
# AWS's idle timeouts (seconds) of an interface's connection tracking, until one is set
CONNECTION_TRACKING = {"TcpEstablishedTimeout": 432000, "UdpStreamTimeout": 180, "UdpTimeout": 30}
PUBLIC_IP: str = "public-ip"
SERVICE_ATTACHMENT: str = "ela-attachment"   # value index: `ela-attach-…` id -> its ENI
SERVICE_OWNER: str = "amazon-aws"
MAX_GROUPS = 5                            # AWS's default security groups per interface


# -- reading ----------------------------------------------------------------------------------
def subnet_of(world: World, eni_id: str) -> str:
    return world.into(eni_id, schema.CONTAINS, "subnet")[0][0]


def vpc_of(world: World, eni_id: str) -> str:
    return subnets.vpc_of(world, subnet_of(world, eni_id))


def attachment(world: World, eni_id: str) -> tuple[str, dict[str, Any]] | None:
    """(instance id, attachment data) if the interface is attached to an instance."""
    found = world.out(eni_id, schema.ATTACHED, "instance")
    return (found[0][0], found[0][2]) if found else None


def in_use(world: World, eni_id: str) -> bool:
    return attachment(world, eni_id) is not None or "ela" in world.graph.nodes[eni_id]


def primary_of(world: World, instance_id: str) -> str | None:
    """The instance's primary interface (device index 0 of network card 0)."""
    for eni, _, data in world.into(instance_id, schema.ATTACHED, KIND):
        if data["DeviceIndex"] == 0 and data.get("NetworkCardIndex", 0) == 0:
            return eni
    return None


def groups(world: World, eni_id: str) -> list[str]:
    return [sg for sg, _, _ in world.out(eni_id, schema.ASSOCIATED, "security-group")]


def elastic_ips(world: World, eni_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(allocation id, association data) of the Elastic IPs associated with the interface."""
    return [(alloc, data) for alloc, _, data in world.into(eni_id, schema.ASSOCIATED, "elastic-ip")]


def elastic_ip_on(world: World, eni_id: str, private_ip: str) -> tuple[str, dict[str, Any]] | None:
    for alloc, data in elastic_ips(world, eni_id):
        if data["PrivateIpAddress"] == private_ip:
            return alloc, data
    return None


def public_ips(world: World, eni_id: str) -> dict[str, str]:
    """Private IPv4 -> the public IPv4 it answers to: the automatic one (`auto_ip`) on the
    primary address, and each associated Elastic IP's on its private address (derived from
    the association edges, never stored)."""
    node = world.graph.nodes[eni_id]
    auto, ips = node.get("auto_ip"), node.get("ips")
    found = {ips[0]: auto} if auto and ips else {}
    for alloc, _, data in world.into(eni_id, schema.ASSOCIATED, "elastic-ip"):
        if world.graph.nodes[alloc].get("PublicIp"):   # a customer-owned one is not public
            found[data["PrivateIpAddress"]] = world.graph.nodes[alloc]["PublicIp"]
    return found


def public_ip(world: World, eni_id: str) -> str | None:
    """The public IPv4 of the interface: the one mapped to its primary private address."""
    ips = world.graph.nodes[eni_id]["ips"]
    return public_ips(world, eni_id).get(ips[0]) if ips else None


# -- create ------------------------------------------------------------------------------------
def create(world: World, part: Partition, subnet_id: str, *, private_ip: str | None = None,
           secondary_ips: Iterable[str] = (), secondary_count: int = 0,
           ipv6_ips: Iterable[str] = (), ipv6_count: int | None = None,
           group_ids: Iterable[str] | None = None, description: str = "",
           interface_type: str = "interface", requester_managed: bool = False,
           requester_id: str | None = None, source_dest_check: bool = True,
           service_attachment: bool = False, tags: dict[str, str] | None = None,
           ip_in_use: str = ADDRESS_IN_USE) -> str:
    """A new interface in `subnet_id`; its id.

    `private_ip` is the primary address (else the subnet picks one), `secondary_ips` and
    `secondary_count` add secondary addresses; `ipv6_count` None follows the subnet's
    AssignIpv6AddressOnCreation. `group_ids` None means the VPC's default group.
    `service_attachment` marks an interface a service owns (NAT gateways, endpoints): it
    shows an `ela-attach-…` attachment and refuses users' detach and delete. Raises AWS's
    errors (InvalidSubnetID.*, InvalidParameterValue, InvalidIPAddress.InUse,
    InsufficientFreeAddressesInSubnet, InvalidGroup.NotFound, ...) before changing anything.
    """
    subnet = world.get(part, "subnet", subnet_id)
    secondary_ips = list(secondary_ips)
    ipv6_ips = list(ipv6_ips)
    if secondary_ips and secondary_count:
        raise InvalidParameterCombination(
            "You may specify secondaryPrivateIpAddressCount or specific secondary private IP "
            "addresses, but not both.")
    if ipv6_ips and ipv6_count:
        raise InvalidParameterCombination(
            "You may specify ipv6AddressCount or specific IPv6 addresses, but not both.")
    if interface_type == "efa-only" and (private_ip or secondary_ips or secondary_count
                                         or ipv6_ips or ipv6_count):
        raise InvalidParameterValue("EFA-only network interfaces do not support IP addresses.")
    vpc_id = subnets.vpc_of(world, subnet_id)
    sgs = check_groups(world, part, vpc_id, group_ids)
    wanted = [] if interface_type == "efa-only" else [private_ip, *secondary_ips]
    ips, picked = interface_ips.new_ipv4(world, part, subnet_id, wanted, secondary_count, ip_in_use)
    if ipv6_count is None:
        ipv6_count = 1 if subnet["AssignIpv6AddressOnCreation"] and not ipv6_ips \
            and interface_type != "efa-only" else 0
    v6 = interface_ips.new_ipv6(world, part, subnet_id, ipv6_ips, ipv6_count) \
        if ipv6_ips or ipv6_count else []
    eni_id = world.new_id("eni")
    fields: dict[str, Any] = {
        "Description": description, "InterfaceType": interface_type,
        "RequesterManaged": requester_managed, "SourceDestCheck": source_dest_check,
        "MacAddress": _mac(world), "AvailabilityZone": subnet["AvailabilityZone"],
        "AvailabilityZoneId": subnet["AvailabilityZoneId"], "ips": ips, "ipv6s": v6}
    if requester_id:
        fields["RequesterId"] = requester_id
    world.add(part, KIND, eni_id, **fields)
    world.link(subnet_id, eni_id, schema.CONTAINS)
    interface_ips.claim_ipv4(world, part, subnet_id, eni_id, ips, picked)
    for ip in v6:
        world.claim(part, IPV6, ip, eni_id)
    for sg in sgs:
        world.link(eni_id, sg, schema.ASSOCIATED)
    if service_attachment:
        ela_id = world.new_id("ela-attach")
        world.update(eni_id, ela={"AttachmentId": ela_id, "AttachTime": _now()})
        world.claim(part, SERVICE_ATTACHMENT, ela_id, eni_id)
    tagging.apply(world, eni_id, tags or {})
    return eni_id


def check_groups(world: World, part: Partition, vpc_id: str, group_ids: Iterable[str] | None
                 ) -> list[str]:
    """The security groups an interface of `vpc_id` gets (deduplicated, in order)."""
    if group_ids is None:
        default = named(world, vpc_id, "default")
        return [default] if default else []
    ids = list(dict.fromkeys(group_ids))
    for sg in ids:
        node = world.node(sg)
        if node is None or node["kind"] != "security-group" or \
                (node["account"], node["region"]) != (part.account, part.region):
            raise NotFound(f"The security group '{sg}' does not exist", "InvalidGroup.NotFound")
        if not group_usable_in(world, sg, vpc_id):
            raise NotFound(f"The security group '{sg}' does not exist in this VPC.",
                           "InvalidGroup.NotFound")
    if len(ids) > MAX_GROUPS:
        raise LimitExceeded("The maximum number of security groups per network interface has "
                            "been reached.", "SecurityGroupsPerInterfaceLimitExceeded")
    return ids


def _mac(world: World) -> str:
    """A unicast, locally administered MAC address, as AWS's are (`0e:…`, `12:…`)."""
    octets = [world.rng.getrandbits(8) for _ in range(6)]
    octets[0] = (octets[0] & 0xFC) | 0x02
    return ":".join(f"{o:02x}" for o in octets)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


# -- public IPv4 -------------------------------------------------------------------------------
def assign_public_ip(world: World, part: Partition, eni_id: str) -> str:
    """Give the interface an auto-assigned public IPv4 on its primary address; the public
    address it now answers to (an Elastic IP already there stays, and no address is drawn)."""
    node = world.get(part, KIND, eni_id)
    if not node["ips"]:
        raise InvalidParameterValue(
            f"The network interface '{eni_id}' has no private IPv4 address to map a public "
            "IPv4 address to.")
    if not node.get("wants_public"):
        world.update(eni_id, wants_public=True)
    current = public_ip(world, eni_id)
    if current is not None:
        return current
    ip = addressing.allocate_public(world, part)
    world.claim(part, PUBLIC_IP, ip, eni_id)
    world.update(eni_id, auto_ip=ip)
    return ip


def release_public_ip(world: World, part: Partition, eni_id: str) -> None:
    """Return the auto-assigned public IPv4 to the pool (an instance stops, an Elastic IP
    arrives); the interface still wants one back (`wants_public`)."""
    node = world.get(part, KIND, eni_id)
    ip = node.get("auto_ip")
    if ip is None:
        return
    world.unclaim(part, PUBLIC_IP, ip, eni_id)
    world.update(eni_id, auto_ip=None)


def set_public_wish(world: World, part: Partition, eni_id: str, wanted: bool) -> None:
    """ModifyNetworkInterfaceAttribute AssociatePublicIpAddress: the wish, applied at once to
    the primary interface of a running instance."""
    world.get(part, KIND, eni_id)
    world.update(eni_id, wants_public=wanted)
    found = attachment(world, eni_id)
    if not wanted:
        release_public_ip(world, part, eni_id)
    elif found is not None and found[1]["DeviceIndex"] == 0 \
            and instance_state(world, found[0]) == "running":
        assign_public_ip(world, part, eni_id)


def instance_state(world: World, instance_id: str) -> str:
    """The state name of the instance an interface is attached to (read from its node: the
    instance family sits above this one)."""
    return world.graph.nodes[instance_id]["State"]["Name"]


# -- attach / detach / delete ---------------------------------------------------------------------
def _instance_zone(world: World, instance_id: str) -> str | None:
    placement = world.graph.nodes[instance_id].get("Placement") or {}
    if placement.get("AvailabilityZone"):
        return placement["AvailabilityZone"]
    primary = primary_of(world, instance_id)
    return world.graph.nodes[primary]["AvailabilityZone"] if primary else None


def attach(world: World, part: Partition, eni_id: str, instance_id: str, device_index: int, *,
           delete_on_termination: bool = False, network_card_index: int = 0,
           launching: bool = False) -> str:
    """Attach the interface at `device_index`; the attachment id.

    `launching` is RunInstances' cold attach (the instance is still being built, so its
    state and type limits are the launcher's business).
    """
    node = permitted(world, part, eni_id, "INSTANCE-ATTACH")
    instance = world.get(part, "instance", instance_id)
    if in_use(world, eni_id):
        raise TopologyError(f"Interface: [{eni_id}] in use.", "InvalidNetworkInterface.InUse")
    if not launching and instance_state(world, instance_id) in ("shutting-down", "terminated"):
        raise TopologyError(f"The instance '{instance_id}' is not in a valid state for this "
                            "operation.", "IncorrectInstanceState")
    zone = _instance_zone(world, instance_id)
    if zone is not None and zone != node["AvailabilityZone"]:
        raise InvalidParameterValue(
            f"The network interface '{eni_id}' and the instance '{instance_id}' are in "
            "different availability zones.")
    if device_index < 0:
        raise InvalidParameterValue(f"Invalid value '{device_index}' for deviceIndex.")
    if network_card_index != 0:
        raise InvalidParameterValue(
            f"Network card index {network_card_index} is not valid for instance "
            f"'{instance_id}'. The instance type has 1 network card.")
    attached = world.into(instance_id, schema.ATTACHED, KIND)
    # a secondary interface (RunInstances' SecondaryInterfaces) holds its slot too
    secondary = [world.graph.nodes[si]["attachment"]
                 for si, _, _ in world.into(instance_id, schema.ATTACHED, "secondary-interface")]
    if any(d["DeviceIndex"] == device_index and d.get("NetworkCardIndex", 0) == network_card_index
           for d in [d for _, _, d in attached] + secondary):
        raise InvalidParameterValue(f"Instance '{instance_id}' already has an interface "
                                    f"attached at device index '{device_index}'.")
    if not launching:
        _check_type_limits(world, instance, node, len(attached))
    attachment_id = world.new_id("eni-attach")
    world.link(eni_id, instance_id, schema.ATTACHED, id=attachment_id, DeviceIndex=device_index,
               NetworkCardIndex=network_card_index, DeleteOnTermination=delete_on_termination,
               AttachTime=_now(), Status="attached")
    return attachment_id


def permitted(world: World, part: Partition, eni_id: str, permission: str) -> dict[str, Any]:
    """The caller's interface `eni_id`, or another account's of the region that granted the
    caller `permission` (CreateNetworkInterfacePermission's nodes, ASSOCIATED with it)."""
    node = world.node(eni_id)
    if node is not None and node["kind"] == KIND and node["region"] == part.region and \
            node["account"] != part.account and any(
                world.graph.nodes[p].get("Permission") == permission
                and world.graph.nodes[p].get("AwsAccountId") == part.account
                for p, _, _ in world.into(eni_id, schema.ASSOCIATED,
                                          "network-interface-permission")):
        return node
    return world.get(part, KIND, eni_id)


def _check_type_limits(world: World, instance: dict[str, Any], node: dict[str, Any],
                       attached: int) -> None:
    name = instance.get("InstanceType")
    info = (instance_types.get(name) if name else None) or {}
    network = info.get("NetworkInfo") or {}
    most = network.get("MaximumNetworkInterfaces")
    if most is not None and attached + 1 > most:
        raise LimitExceeded(f"Interface count {attached + 1} exceeds the limit for {name}",
                            "AttachmentLimitExceeded")
    per = network.get("Ipv4AddressesPerInterface")
    if per is not None and len(node["ips"]) > per:
        raise interface_ips.ipv4_limit()


def find_attachment(world: World, part: Partition, attachment_id: str
                    ) -> tuple[str, str, dict[str, Any]]:
    """(ENI id, instance id, data) of attachment `attachment_id` in `part`.

    Raises OperationNotPermitted for a service's `ela-attach-…` attachment,
    InvalidNetworkInterfaceAttachmentId.Malformed or InvalidAttachmentID.NotFound.
    """
    if attachment_id.startswith("ela-attach-") and world.claimed(part, SERVICE_ATTACHMENT,
                                                                  attachment_id):
        raise TopologyError("You are not allowed to manage 'ela-attach' attachments.",
                            "OperationNotPermitted")
    if not is_id_of("eni-attach", attachment_id):
        raise TopologyError(f'Invalid id: "{attachment_id}" (expecting "eni-attach-...")',
                            "InvalidNetworkInterfaceAttachmentId.Malformed")
    found = world.edge(attachment_id)
    if found is not None:
        eni_id, instance_id, data = found
        node = world.node(eni_id)
        if node is not None and node["kind"] == KIND and \
                (node["account"], node["region"]) == (part.account, part.region):
            return eni_id, instance_id, data
    raise NotFound(f"The attachment ID '{attachment_id}' does not exist",
                   "InvalidAttachmentID.NotFound")


def detach(world: World, part: Partition, attachment_id: str, *, force: bool = False) -> str:
    """Detach an interface; its id. Only `force` (an instance terminating: AWS's own
    doing, never a user's Force flag) takes the primary interface off."""
    eni_id, instance_id, data = find_attachment(world, part, attachment_id)
    if data["DeviceIndex"] == 0 and data.get("NetworkCardIndex", 0) == 0 and not force:
        raise TopologyError("The network interface at device index 0 and networkCard index 0 "
                            "cannot be detached.", "OperationNotPermitted")
    world.unlink(eni_id, instance_id, schema.ATTACHED)
    return eni_id


def delete(world: World, part: Partition, eni_id: str, *, service: bool = False) -> None:
    """Delete an interface, releasing its addresses and Elastic IP associations.

    Refused while attached (and for a service's interface unless `service` deletes it).
    """
    node = world.get(part, KIND, eni_id)
    if attachment(world, eni_id) is not None or ("ela" in node and not service):
        raise InvalidParameterValue(f"Network interface '{eni_id}' is currently in use.")
    world.remove(eni_id)   # its claims, group and Elastic IP edges go with it


# -- attributes -------------------------------------------------------------------------------
def set_groups(world: World, part: Partition, eni_id: str, group_ids: list[str]) -> None:
    world.get(part, KIND, eni_id)
    wanted = check_groups(world, part, vpc_of(world, eni_id), group_ids)
    for sg in groups(world, eni_id):
        world.unlink(eni_id, sg, schema.ASSOCIATED)
    for sg in wanted:
        world.link(eni_id, sg, schema.ASSOCIATED)


def set_description(world: World, part: Partition, eni_id: str, value: str) -> None:
    world.get(part, KIND, eni_id)
    world.update(eni_id, Description=value)


def set_source_dest_check(world: World, part: Partition, eni_id: str, value: bool) -> None:
    world.get(part, KIND, eni_id)
    world.update(eni_id, SourceDestCheck=value)


def modify_attachment(world: World, part: Partition, eni_id: str,
                      changes: dict[str, Any]) -> None:
    """ModifyNetworkInterfaceAttribute Attachment: its DeleteOnTermination, by attachment id."""
    if not changes.get("AttachmentId"):
        raise MissingParameter("The request must contain the parameter attachment.attachmentId")
    if changes.get("DeleteOnTermination") is None:
        raise MissingParameter(
            "The request must contain the parameter attachment.deleteOnTermination")
    set_delete_on_termination(world, part, eni_id, changes["AttachmentId"],
                              changes["DeleteOnTermination"])


def enable_primary_ipv6(world: World, part: Partition, eni_id: str, enabled: bool) -> None:
    """EnablePrimaryIpv6: once on, it stays on (false changes nothing)."""
    if enabled:
        world.update(eni_id, EnablePrimaryIpv6=True)


def set_connection_tracking(world: World, part: Partition, eni_id: str,
                            changes: dict[str, Any]) -> None:
    """ConnectionTrackingSpecification: the timeouts given, the others as they were."""
    current = world.graph.nodes[eni_id].get("ConnectionTrackingConfiguration") \
        or CONNECTION_TRACKING
    world.update(eni_id, ConnectionTrackingConfiguration={**current, **changes})


def set_delete_on_termination(world: World, part: Partition, eni_id: str, attachment_id: str,
                              value: bool) -> None:
    world.get(part, KIND, eni_id)
    found = attachment(world, eni_id)
    if found is None or found[1]["id"] != attachment_id:
        raise NotFound(f"The attachment ID '{attachment_id}' does not exist",
                       "InvalidAttachmentID.NotFound")
    instance_id, data = found
    world.link(eni_id, instance_id, schema.ATTACHED, **{**data, "DeleteOnTermination": value})


__all__ = ["ADDRESS_IN_USE", "IPV6", "KIND", "MAX_IPV4", "PRIVATE_IP", "PUBLIC_IP",
           "SERVICE_ATTACHMENT", "SERVICE_OWNER", "assign_public_ip", "attach", "attachment",
           "check_groups", "create", "delete", "detach", "elastic_ip_on", "elastic_ips",
           "find_attachment", "groups", "in_use", "instance_state", "permitted", "primary_of",
           "public_ip",
           "public_ips", "release_public_ip", "set_delete_on_termination", "set_description",
           "set_groups", "set_public_wish", "set_source_dest_check", "subnet_of", "vpc_of"]


# -- import: one described item into the graph (topology/provision/importer.py) -------------
def imported(imp: Import, item: dict[str, Any]) -> None:
    """A described interface its subnet CONTAINS, with its addresses (claimed), groups, an
    auto-assigned public IPv4 and its attachment; one an instance listed (`imp.pending`)
    may come again from DescribeNetworkInterfaces, which may add its attachment."""
    world, part = imp.world, imp.part
    eni_id, subnet_id = item["NetworkInterfaceId"], item.get("SubnetId", "")
    if imp.has(eni_id):
        _imported_attachment(imp, eni_id, item)
        return
    if not imp.has(subnet_id, "subnet"):
        imp.skip(KIND, "its subnet was not described")
        return
    subnet = world.graph.nodes[subnet_id]
    addresses = sorted(item.get("PrivateIpAddresses") or [], key=lambda a: not a.get("Primary"))
    ips = [a["PrivateIpAddress"] for a in addresses] or (
        [item["PrivateIpAddress"]] if item.get("PrivateIpAddress") else [])
    v6 = [a["Ipv6Address"] for a in item.get("Ipv6Addresses") or []]
    imp.add(KIND, eni_id, {"Tags": item.get("TagSet") or item.get("Tags")},
            Description=item.get("Description", ""),
            InterfaceType=item.get("InterfaceType", "interface"),
            RequesterManaged=bool(item.get("RequesterManaged")),
            SourceDestCheck=item.get("SourceDestCheck", True),
            MacAddress=item.get("MacAddress", ""), AvailabilityZone=subnet["AvailabilityZone"],
            AvailabilityZoneId=subnet["AvailabilityZoneId"], ips=ips, ipv6s=v6)
    world.link(subnet_id, eni_id, schema.CONTAINS)
    if item.get("RequesterId"):
        world.update(eni_id, RequesterId=item["RequesterId"])
    _imported_service_attachment(imp, eni_id, item.get("Attachment") or {})
    for ip in ips:
        world.claim(part, PRIVATE_IP, ip, eni_id)
    for ip in v6:
        world.claim(part, IPV6, ip, eni_id)
    for group in item.get("Groups") or []:
        imp.link(eni_id, group["GroupId"], schema.ASSOCIATED, what="interface's group")
    public = {a["PrivateIpAddress"]: a["Association"]["PublicIp"] for a in addresses
              if (a.get("Association") or {}).get("PublicIp")}
    if not public and (item.get("Association") or {}).get("PublicIp") and ips:
        public = {ips[0]: item["Association"]["PublicIp"]}
    primary_public = public.get(ips[0]) if ips else None
    # taken as auto-assigned; `elastic_ips.imported` moves it to its Elastic IP if one owns
    # it (the secondary addresses' public IPv4s are Elastic IPs: their associations carry them)
    if primary_public:
        world.update(eni_id, wants_public=True, auto_ip=primary_public)
        world.claim(part, PUBLIC_IP, primary_public, eni_id)
    _imported_attachment(imp, eni_id, item)


def _imported_service_attachment(imp: Import, eni_id: str, attachment: dict[str, Any]) -> None:
    """An `ela-attach-…` attachment: the interface belongs to a service (NAT gateway,
    endpoint), which the ENI records in `ela` rather than as an edge."""
    ela_id = attachment.get("AttachmentId") or ""
    if not ela_id.startswith("ela-attach-"):
        return
    imp.world.update(eni_id, ela={"AttachmentId": ela_id,
                                  "AttachTime": when(attachment.get("AttachTime"))})
    imp.world.claim(imp.part, SERVICE_ATTACHMENT, ela_id, eni_id)


def _imported_attachment(imp: Import, eni_id: str, item: dict[str, Any]) -> None:
    """The interface ATTACHED to the described instance its attachment names."""
    attachment = item.get("Attachment") or {}
    instance_id = attachment.get("InstanceId")
    if not instance_id or not attachment.get("AttachmentId"):
        return
    if not imp.has(instance_id, "instance"):
        imp.skip("network interface attachment", f"{instance_id} was not described")
        return
    if imp.world.out(eni_id, schema.ATTACHED, "instance"):
        return
    data = {"id": attachment["AttachmentId"], "DeviceIndex": attachment.get("DeviceIndex", 0),
            "NetworkCardIndex": attachment.get("NetworkCardIndex", 0),
            "DeleteOnTermination": attachment.get("DeleteOnTermination", True),
            "Status": attachment.get("Status", "attached")}
    if attachment.get("AttachTime") is not None:
        data["AttachTime"] = when(attachment["AttachTime"])
    imp.world.link(eni_id, instance_id, schema.ATTACHED, **data)


__all__ += ["imported"]
