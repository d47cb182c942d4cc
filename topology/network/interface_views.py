"""What describe calls show of a network interface, and the filters that find it.

`view` is boto3's `NetworkInterface`, `instance_view` the `InstanceNetworkInterface` inside
describe_instances. DNS names follow AWS: `ip-10-0-0-5.ec2.internal` in us-east-1 and
`ip-10-0-0-5.<region>.compute.internal` elsewhere; a public address gets
`ec2-3-80-1-2.compute-1.amazonaws.com` (`ec2-….<region>.compute.amazonaws.com`) when the
VPC has DNS hostnames, else an empty name. Filters that an index can answer (addresses,
attachment and association ids, instance, group, subnet, VPC) name their candidates.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.family import Attribute, Family, declare, field_of
from ..core.filters import Filter, ident, owner
from ..core.world import Partition, World
from . import subnets
from .network_interfaces import (IPV6, KIND, PRIVATE_IP, PUBLIC_IP, SERVICE_OWNER, attachment,
                                 delete, elastic_ip_on, enable_primary_ipv6, groups, in_use,
                                 modify_attachment, public_ips, set_connection_tracking,
                                 set_description, set_groups, set_public_wish,
                                 set_source_dest_check, subnet_of, vpc_of)


# -- views ----------------------------------------------------------------------------------
def _dashed(ip: str) -> str:
    return ip.replace(".", "-")


def private_dns_name(region: str, ip: str) -> str:
    """AWS's private DNS name of an address: `ip-10-0-0-5.ec2.internal` in us-east-1,
    `ip-10-0-0-5.<region>.compute.internal` elsewhere.

    >>> private_dns_name("eu-west-1", "10.0.0.5")
    'ip-10-0-0-5.eu-west-1.compute.internal'
    """
    if region == "us-east-1":
        return f"ip-{_dashed(ip)}.ec2.internal"
    return f"ip-{_dashed(ip)}.{region}.compute.internal"


def public_dns_name(region: str, ip: str) -> str:
    """AWS's public DNS name of a public IPv4 address.

    >>> public_dns_name("us-east-1", "3.80.1.2")
    'ec2-3-80-1-2.compute-1.amazonaws.com'
    >>> public_dns_name("us-west-2", "34.208.1.2")
    'ec2-34-208-1-2.us-west-2.compute.amazonaws.com'
    """
    if region == "us-east-1":
        return f"ec2-{_dashed(ip)}.compute-1.amazonaws.com"
    return f"ec2-{_dashed(ip)}.{region}.compute.amazonaws.com"


def _hostnames(world: World, eni_id: str) -> bool:
    return bool(world.graph.nodes[vpc_of(world, eni_id)].get("EnableDnsHostnames"))


def association(world: World, eni_id: str, private_ip: str, *, full: bool = True
                ) -> dict[str, Any] | None:
    """The public IPv4 mapped to `private_ip` as boto3's `NetworkInterfaceAssociation`
    (`full`) or `InstanceNetworkInterfaceAssociation`."""
    node = world.graph.nodes[eni_id]
    public = public_ips(world, eni_id).get(private_ip)
    if public is None:
        return _customer_owned(world, eni_id, private_ip, full=full)
    dns = public_dns_name(node["region"], public) if _hostnames(world, eni_id) else ""
    out: dict[str, Any] = {"IpOwnerId": "amazon", "PublicDnsName": dns, "PublicIp": public}
    eip = elastic_ip_on(world, eni_id, private_ip)
    if eip is not None:
        alloc, data = eip
        out["IpOwnerId"] = world.graph.nodes[alloc]["account"]
        if full:
            out.update(AllocationId=alloc, AssociationId=data["id"])
    return out


def _customer_owned(world: World, eni_id: str, private_ip: str, *, full: bool
                    ) -> dict[str, Any] | None:
    """The customer-owned (Outpost CoIP) address associated with `private_ip`, if any."""
    eip = elastic_ip_on(world, eni_id, private_ip)
    node = world.graph.nodes[eip[0]] if eip is not None else {}
    if eip is None or not node.get("CustomerOwnedIp"):
        return None
    out: dict[str, Any] = {"IpOwnerId": node["account"], "CustomerOwnedIp": node["CustomerOwnedIp"]}
    if full:
        out.update(AllocationId=eip[0], AssociationId=eip[1]["id"])
    return out


def _group_views(world: World, eni_id: str) -> list[dict[str, str]]:
    nodes = world.graph.nodes
    return [{"GroupId": sg, "GroupName": nodes[sg]["GroupName"]} for sg in groups(world, eni_id)]


def _private_ips(world: World, eni_id: str, *, full: bool) -> list[dict[str, Any]]:
    node = world.graph.nodes[eni_id]
    out = []
    for position, ip in enumerate(node["ips"]):
        item: dict[str, Any] = {"Primary": position == 0,
                                "PrivateDnsName": private_dns_name(node["region"], ip),
                                "PrivateIpAddress": ip}
        assoc = association(world, eni_id, ip, full=full)
        if assoc is not None:
            item["Association"] = assoc
        out.append(item)
    return out


def _ipv6_views(node: dict[str, Any]) -> list[dict[str, Any]]:
    primary = node.get("EnablePrimaryIpv6", False)
    return [{"Ipv6Address": ip, "IsPrimaryIpv6": primary and i == 0}
            for i, ip in enumerate(node["ipv6s"])]


def attachment_view(world: World, eni_id: str, *, full: bool = True) -> dict[str, Any] | None:
    """The interface's attachment as boto3's `NetworkInterfaceAttachment` (`full`) or
    `InstanceNetworkInterfaceAttachment`."""
    node = world.graph.nodes[eni_id]
    found = attachment(world, eni_id)
    if found is None:
        ela = node.get("ela")
        if ela is None:
            return None
        return {"AttachTime": ela["AttachTime"], "AttachmentId": ela["AttachmentId"],
                "DeleteOnTermination": False, "DeviceIndex": 1, "NetworkCardIndex": 0,
                "InstanceOwnerId": SERVICE_OWNER, "Status": "attached"}
    instance_id, data = found
    out: dict[str, Any] = {"AttachTime": data["AttachTime"], "AttachmentId": data["id"],
                           "DeleteOnTermination": data["DeleteOnTermination"],
                           "DeviceIndex": data["DeviceIndex"],
                           "NetworkCardIndex": data.get("NetworkCardIndex", 0),
                           "Status": data["Status"]}
    if full:
        out.update(InstanceId=instance_id,
                   InstanceOwnerId=world.graph.nodes[instance_id]["account"])
    return out


def status(world: World, eni_id: str) -> str:
    return "in-use" if in_use(world, eni_id) else "available"


def view(world: World, eni_id: str) -> dict[str, Any]:
    """The interface as boto3's `NetworkInterface`."""
    node = world.graph.nodes[eni_id]
    subnet_id = subnet_of(world, eni_id)
    ips = node["ips"]
    out: dict[str, Any] = {
        "AvailabilityZone": node["AvailabilityZone"],
        "AvailabilityZoneId": node["AvailabilityZoneId"],
        "Description": node["Description"],
        "Groups": _group_views(world, eni_id),
        "InterfaceType": node["InterfaceType"],
        "Ipv6Addresses": _ipv6_views(node),
        "MacAddress": node["MacAddress"],
        "NetworkInterfaceId": eni_id,
        "OwnerId": node["account"],
        "PrivateIpAddresses": _private_ips(world, eni_id, full=True),
        "RequesterManaged": node["RequesterManaged"],
        "SourceDestCheck": node["SourceDestCheck"],
        "Status": status(world, eni_id),
        "SubnetId": subnet_id,
        "TagSet": tagging.listed(node["tags"]),
        "VpcId": subnets.vpc_of(world, subnet_id),
        "Ipv6Native": bool(world.graph.nodes[subnet_id].get("Ipv6Native")),
        "Operator": {"Managed": False},
    }
    if ips:
        out["PrivateIpAddress"] = ips[0]
        out["PrivateDnsName"] = private_dns_name(node["region"], ips[0])
        assoc = association(world, eni_id, ips[0])
        if assoc is not None:
            out["Association"] = assoc
    if node.get("EnablePrimaryIpv6") and node["ipv6s"]:
        out["Ipv6Address"] = node["ipv6s"][0]
    for key in ("RequesterId", "ConnectionTrackingConfiguration"):
        if key in node:
            out[key] = node[key]
    if node.get("public_dns_type"):         # ModifyPublicIpDnsNameOptions (public_dns_names)
        out["PublicIpDnsNameOptions"] = _public_dns_options(world, eni_id, node)
    found = attachment_view(world, eni_id)
    if found is not None:
        out["Attachment"] = found
    return out


def _public_dns_options(world: World, eni_id: str, node: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"DnsHostnameType": node["public_dns_type"]}
    assoc = association(world, eni_id, node["ips"][0]) if node["ips"] else None
    if assoc is not None and assoc.get("PublicDnsName"):
        out["PublicIpv4DnsName"] = assoc["PublicDnsName"]
    return out


def instance_view(world: World, eni_id: str) -> dict[str, Any]:
    """The interface as boto3's `InstanceNetworkInterface` (inside describe_instances)."""
    node = world.graph.nodes[eni_id]
    subnet_id = subnet_of(world, eni_id)
    ips = node["ips"]
    out: dict[str, Any] = {
        "Description": node["Description"],
        "Groups": _group_views(world, eni_id),
        "Ipv6Addresses": _ipv6_views(node),
        "MacAddress": node["MacAddress"],
        "NetworkInterfaceId": eni_id,
        "OwnerId": node["account"],
        "PrivateIpAddresses": _private_ips(world, eni_id, full=False),
        "SourceDestCheck": node["SourceDestCheck"],
        "Status": status(world, eni_id),
        "SubnetId": subnet_id,
        "VpcId": subnets.vpc_of(world, subnet_id),
        "InterfaceType": node["InterfaceType"],
        "Operator": {"Managed": False},
    }
    if ips:
        out["PrivateIpAddress"] = ips[0]
        out["PrivateDnsName"] = private_dns_name(node["region"], ips[0])
        assoc = association(world, eni_id, ips[0], full=False)
        if assoc is not None:
            out["Association"] = assoc
    found = attachment_view(world, eni_id, full=False)
    if found is not None:
        out["Attachment"] = found
    return out


# -- filters --------------------------------------------------------------------------------
def _primary_assoc(key: str) -> Filter:
    def values(w: World, rid: str, node: dict[str, Any]) -> Any:
        ips = node["ips"]
        assoc = association(w, rid, ips[0]) if ips else None
        return assoc.get(key) if assoc else None
    return Filter(values)


def _each_assoc(key: str) -> Filter:
    def values(w: World, rid: str, node: dict[str, Any]) -> list[Any]:
        found = (association(w, rid, ip) for ip in node["ips"])
        return [a[key] for a in found if a]
    return Filter(values)


def _attached(key: str, *, time: bool = False) -> Filter:
    def values(w: World, rid: str, node: dict[str, Any]) -> Any:
        found = attachment_view(w, rid)
        value = found.get(key) if found else None
        if time and isinstance(value, dt.datetime):
            return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return value
    return Filter(values)


def _by_value(index: str):
    def candidates(world: World, part: Partition, value: str) -> list[str]:
        return list(world.claimed(part, index, value))
    return candidates


def _by_public_ip(world: World, part: Partition, value: str) -> list[str]:
    """Interfaces mapping public IPv4 `value`: their own auto-assigned address, or the
    interface an Elastic IP holding it is associated with."""
    found = []
    for holder in world.claimed(part, PUBLIC_IP, value):
        if world.graph.nodes[holder]["kind"] == KIND:
            found.append(holder)
        else:
            found += [eni for eni, _, _ in world.out(holder, schema.ASSOCIATED, KIND)]
    return found


def _by_edge_id(world: World, part: Partition, value: str) -> list[str]:
    """The interface an attachment or Elastic IP association id belongs to."""
    found = world.edge(value)
    if found is None:
        return []
    u, v, _ = found
    return [u if world.graph.nodes[u]["kind"] == KIND else v]


def _linked(etype: str, outgoing: bool) -> Callable[[World, Partition, str], list[str]]:
    """An index lookup: the interfaces joined to the named resource by `etype` edges (from
    it if `outgoing`, else into it); none if it does not exist."""
    def lookup(world: World, part: Partition, value: str) -> list[str]:
        if world.node(value) is None:
            return []
        edges = world.out if outgoing else world.into
        return [eni for eni, _, _ in edges(value, etype, KIND)]
    return lookup


_by_allocation = _linked(schema.ASSOCIATED, outgoing=True)    # elastic-ip -> interface
_by_instance = _linked(schema.ATTACHED, outgoing=False)       # interface -> instance
_by_group = _linked(schema.ASSOCIATED, outgoing=False)        # interface -> security group
_by_subnet = _linked(schema.CONTAINS, outgoing=True)          # subnet -> interface


def _by_vpc(world: World, part: Partition, value: str) -> list[str]:
    if world.node(value) is None:
        return []
    return [eni for s in subnets.subnet_ids(world, value)
            for eni, _, _ in world.out(s, schema.CONTAINS, KIND)]


_PRIVATE = Filter(lambda w, rid, n: n["ips"], _by_value(PRIVATE_IP), exact=True)
_ATTACH_TIME = _attached("AttachTime", time=True)

FILTERS: dict[str, Filter] = {
    "addresses.private-ip-address": _PRIVATE,
    "addresses.primary": Filter(lambda w, rid, n: [i == 0 for i in range(len(n["ips"]))]),
    "addresses.association.public-ip": Filter(_each_assoc("PublicIp").values, _by_public_ip),
    "addresses.association.owner-id": _each_assoc("IpOwnerId"),
    "association.association-id": Filter(_primary_assoc("AssociationId").values, _by_edge_id),
    "association.allocation-id": Filter(_primary_assoc("AllocationId").values, _by_allocation),
    "association.ip-owner-id": _primary_assoc("IpOwnerId"),
    "association.public-ip": Filter(_primary_assoc("PublicIp").values, _by_public_ip),
    "association.public-dns-name": _primary_assoc("PublicDnsName"),
    "attachment.attachment-id": Filter(_attached("AttachmentId").values, _by_edge_id),
    "attachment.attach-time": _ATTACH_TIME,
    "attachment.attach.time": _ATTACH_TIME,
    "attachment.delete-on-termination": _attached("DeleteOnTermination"),
    "attachment.device-index": _attached("DeviceIndex"),
    "attachment.instance-id": Filter(_attached("InstanceId").values, _by_instance, exact=True),
    "attachment.instance-owner-id": _attached("InstanceOwnerId"),
    "attachment.status": _attached("Status"),
    "availability-zone": Filter(lambda w, rid, n: n["AvailabilityZone"]),
    "availability-zone-id": Filter(lambda w, rid, n: n["AvailabilityZoneId"]),
    "description": Filter(lambda w, rid, n: n["Description"]),
    "group-id": Filter(lambda w, rid, n: groups(w, rid), _by_group, exact=True),
    "group-name": Filter(lambda w, rid, n: [w.graph.nodes[sg]["GroupName"]
                                           for sg in groups(w, rid)]),
    "ipv6-addresses.ipv6-address": Filter(lambda w, rid, n: n["ipv6s"], _by_value(IPV6),
                                          exact=True),
    "interface-type": Filter(lambda w, rid, n: n["InterfaceType"]),
    "mac-address": Filter(lambda w, rid, n: n["MacAddress"]),
    "network-interface-id": ident(),
    "operator.managed": Filter(lambda w, rid, n: False),
    "operator.principal": Filter(lambda w, rid, n: None),
    "owner-id": owner(),
    "private-dns-name": Filter(lambda w, rid, n: [private_dns_name(n["region"], ip)
                                                 for ip in n["ips"][:1]]),
    "private-ip-address": _PRIVATE,
    "requester-id": Filter(lambda w, rid, n: n.get("RequesterId")),
    "requester-managed": Filter(lambda w, rid, n: n["RequesterManaged"]),
    "source-dest-check": Filter(lambda w, rid, n: n["SourceDestCheck"]),
    "status": Filter(lambda w, rid, n: status(w, rid)),
    "subnet-id": Filter(lambda w, rid, n: subnet_of(w, rid), _by_subnet, exact=True),
    "vpc-id": Filter(lambda w, rid, n: vpc_of(w, rid), _by_vpc, exact=True),
}


# Describe/ModifyNetworkInterfaceAttribute, in AWS's order; ec2sim has no ENA Express and no
# associated subnets (their modify is UnsupportedOperation)
ATTRIBUTES = (
    Attribute("Description", "description", field_of("Description"), set_description),
    Attribute("SourceDestCheck", "sourceDestCheck", field_of("SourceDestCheck"),
              set_source_dest_check),
    Attribute("Groups", "groupSet", lambda world, rid: view(world, rid)["Groups"], set_groups),
    Attribute("Attachment", "attachment", attachment_view, modify_attachment),
    Attribute("AssociatePublicIpAddress", "associatePublicIpAddress",
              lambda world, rid: bool(world.graph.nodes[rid].get("wants_public")),
              set_public_wish),
    Attribute("EnablePrimaryIpv6", modify=enable_primary_ipv6),
    Attribute("ConnectionTrackingSpecification", modify=set_connection_tracking),
    Attribute("EnaSrdSpecification"),
    Attribute("AssociatedSubnetIds"),
)


# -- the family: its plain Create/Delete/Describe operations and its attributes are bound
# from this (docs/families.md)
FAMILY = declare(Family(KIND, view=view, filters=FILTERS, delete=delete, ids_exclude_max=True,
                        attributes=ATTRIBUTES))
