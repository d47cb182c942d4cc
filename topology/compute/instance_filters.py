"""DescribeInstances filters, every one AWS documents, answered from the graph.

Filters an index can answer give candidates, so a filtered describe costs the size of its
answer: `instance-id`; `instance-type`, `instance-state-name` and `reservation-id` (value
indexes the instance claims, exact); `subnet-id`, `vpc-id`, `network-interface.*` ids and
addresses (subnet or VPC -> network interfaces -> the instances they are ATTACHED to; the
"private-ip" and "public-ip" value indexes -> interface -> instance); security groups
(interfaces ASSOCIATED with the group); volumes, placement groups; `tag:K` (the tag index).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from ..core import schema
from ..core.filters import Filter, field, ident, owner
from ..core.world import Partition, World
from ..network import interface_views, network_interfaces
from . import placement_groups, volumes
from .capacity_reservation_launch import reservation_of
from .instance_view import network_views, primary_view
from .instances import (RESERVATION_INDEX, STATE_INDEX, TYPE_INDEX, interfaces, primary_interface,
                        profile_association, subnet_of, vpc_of)

Values = Callable[[World, str, dict[str, Any]], Any]


def iso(when: dt.datetime | None) -> str | None:
    """A time as AWS writes it in filter values: `2022-09-15T17:15:20.000Z`."""
    if when is None:
        return None
    when = when.astimezone(dt.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def nested(*path: str) -> Values:
    """A node field reached through nested dicts (`Placement`, `AvailabilityZone`)."""
    def get(world: World, rid: str, node: dict[str, Any]) -> Any:
        value: Any = node
        for key in path:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value
    return get


def _dig(item: Any, path: tuple[str, ...]) -> list[Any]:
    """Values at `path` in nested dicts and lists (lists fan out)."""
    items = [item]
    for key in path:
        nxt: list[Any] = []
        for it in items:
            value = it.get(key) if isinstance(it, dict) else None
            if isinstance(value, list):
                nxt.extend(value)
            elif value is not None:
                nxt.append(value)
        items = nxt
    return items


def in_nis(*path: str, convert: Callable[[Any], Any] = lambda v: v) -> Filter:
    """A filter on the instance's network interfaces (their `InstanceNetworkInterface`s)."""
    def get(world: World, rid: str, node: dict[str, Any]) -> list[Any]:
        return [convert(v) for ni in network_views(world, rid) for v in _dig(ni, path)]
    return Filter(get)


def on_primary(*path: str) -> Values:
    def get(world: World, rid: str, node: dict[str, Any]) -> list[Any]:
        primary = primary_view(network_views(world, rid))
        return _dig(primary, path) if primary else []
    return get


def in_mappings(*path: str, convert: Callable[[Any], Any] = lambda v: v) -> Values:
    def get(world: World, rid: str, node: dict[str, Any]) -> list[Any]:
        return [convert(v) for m in volumes.instance_mappings(world, rid) for v in _dig(m, path)]
    return get


# -- values that need the graph ---------------------------------------------------------------
def _private_ip(world: World, rid: str, node: dict[str, Any]) -> str | None:
    eni = primary_interface(world, rid)
    ips = world.graph.nodes[eni].get("ips") if eni else None
    return ips[0] if ips else None


def _public_ip(world: World, rid: str, node: dict[str, Any]) -> str | None:
    eni = primary_interface(world, rid)
    return network_interfaces.public_ip(world, eni) if eni else None


def _profile(key: str) -> Values:
    def get(world: World, rid: str, node: dict[str, Any]) -> str | None:
        assoc = profile_association(world, rid)
        return world.graph.nodes[assoc]["IamInstanceProfile"][key] if assoc else None
    return get


def _placement_group(world: World, rid: str, node: dict[str, Any]) -> str | None:
    found = placement_groups.of_instance(world, rid)
    return world.graph.nodes[found[0]]["GroupName"] if found else None


def _partition(world: World, rid: str, node: dict[str, Any]) -> int | None:
    found = placement_groups.of_instance(world, rid)
    return found[1].get("PartitionNumber") if found else None


def _eni_nodes(world: World, rid: str) -> list[tuple[str, dict[str, Any]]]:
    return [(eni, world.graph.nodes[eni]) for eni, _ in interfaces(world, rid)]


def _eni_field(key: str) -> Values:
    def get(world: World, rid: str, node: dict[str, Any]) -> list[Any]:
        return [interface_views.view(world, eni).get(key) for eni, _ in interfaces(world, rid)]
    return get


def _eni_tags(part: str) -> Values:
    def get(world: World, rid: str, node: dict[str, Any]) -> list[str]:
        return [k if part == "key" else v for _, n in _eni_nodes(world, rid)
                for k, v in n["tags"].items()]
    return get


def _eip(key: str) -> Values:
    """Elastic IP allocation or association ids on the instance's interfaces."""
    def get(world: World, rid: str, node: dict[str, Any]) -> list[str]:
        out = []
        for eni, _ in interfaces(world, rid):
            for eip, _, data in world.into(eni, schema.ASSOCIATED, "elastic-ip"):
                out.append(eip if key == "allocation" else data.get("id"))
        return out
    return get


def _eni_zone(world: World, rid: str, node: dict[str, Any]) -> list[str]:
    out = []
    for eni, _ in interfaces(world, rid):
        subnet = world.into(eni, schema.CONTAINS, "subnet")
        if subnet:
            out.append(world.graph.nodes[subnet[0][0]]["AvailabilityZone"])
    return out


def _eni_subnet_field(key: str) -> Values:
    def get(world: World, rid: str, node: dict[str, Any]) -> list[Any]:
        out = []
        for eni, _ in interfaces(world, rid):
            subnet = world.into(eni, schema.CONTAINS, "subnet")
            if subnet:
                out.append(world.graph.nodes[subnet[0][0]].get(key))
        return out
    return get


# -- candidates: from an index to the instances -----------------------------------------------
def _attached(world: World, enis: Iterable[str]) -> list[str]:
    return [i for eni in enis for i, _, _ in world.out(eni, schema.ATTACHED, "instance")]


def _claimed(index: str):
    return lambda w, part, value: w.claimed(part, index, value)


def _in_subnet(world: World, part: Partition, value: str) -> list[str]:
    return _attached(world, (e for e, _, _ in world.out(value, schema.CONTAINS,
                                                       "network-interface")))


def _in_vpc(world: World, part: Partition, value: str) -> list[str]:
    return [i for s, _, _ in world.out(value, schema.CONTAINS, "subnet")
            for i in _in_subnet(world, part, s)]


def _by_private_ip(world: World, part: Partition, value: str) -> list[str]:
    holders = world.claimed(part, "private-ip", value)
    return _attached(world, (h for h in holders
                             if world.graph.nodes[h]["kind"] == "network-interface"))


def _by_public_ip(world: World, part: Partition, value: str) -> list[str]:
    enis = []
    for holder in world.claimed(part, "public-ip", value):
        kind = world.graph.nodes[holder]["kind"]
        if kind == "network-interface":
            enis.append(holder)
        elif kind == "elastic-ip":
            enis += [e for e, _, _ in world.out(holder, schema.ASSOCIATED, "network-interface")]
    return _attached(world, enis)


def _by_eni(world: World, part: Partition, value: str) -> list[str]:
    return _attached(world, [value])


def _by_group(world: World, part: Partition, value: str) -> list[str]:
    return _attached(world, (e for e, _, _ in world.into(value, schema.ASSOCIATED,
                                                        "network-interface")))


def _by_volume(world: World, part: Partition, value: str) -> list[str]:
    return [i for i, _, _ in world.out(value, schema.ATTACHED, "instance")]


def _by_placement_group(world: World, part: Partition, value: str) -> list[str]:
    return [i for pg in world.claimed(part, placement_groups.NAME_INDEX, value)
            for i, _, _ in world.into(pg, schema.ASSOCIATED, "instance")]


def _nothing() -> Filter:
    """A filter AWS documents for something ec2sim never has (hosts, Outposts, ...)."""
    return Filter(lambda w, rid, n: None)


def _ni_filters() -> dict[str, Filter]:
    addr = ("PrivateIpAddresses",)
    return {
        "network-interface.addresses.association.allocation-id": Filter(_eip("allocation")),
        "network-interface.addresses.association.association-id": Filter(_eip("association")),
        "network-interface.addresses.association.carrier-ip": in_nis(*addr, "Association",
                                                                     "CarrierIp"),
        "network-interface.addresses.association.customer-owned-ip": in_nis(
            *addr, "Association", "CustomerOwnedIp"),
        "network-interface.addresses.association.ip-owner-id": in_nis(*addr, "Association",
                                                                      "IpOwnerId"),
        "network-interface.addresses.association.public-dns-name": in_nis(
            *addr, "Association", "PublicDnsName"),
        "network-interface.addresses.association.public-ip": Filter(
            in_nis(*addr, "Association", "PublicIp").values, _by_public_ip),
        "network-interface.addresses.primary": in_nis(*addr, "Primary"),
        "network-interface.addresses.private-dns-name": in_nis(*addr, "PrivateDnsName"),
        "network-interface.addresses.private-ip-address": Filter(
            in_nis(*addr, "PrivateIpAddress").values, _by_private_ip),
        "network-interface.association.allocation-id": Filter(_eip("allocation")),
        "network-interface.association.association-id": Filter(_eip("association")),
        "network-interface.association.carrier-ip": in_nis("Association", "CarrierIp"),
        "network-interface.association.customer-owned-ip": in_nis("Association",
                                                                  "CustomerOwnedIp"),
        "network-interface.association.ip-owner-id": in_nis("Association", "IpOwnerId"),
        "network-interface.association.public-dns-name": in_nis("Association", "PublicDnsName"),
        "network-interface.association.public-ip": Filter(
            in_nis("Association", "PublicIp").values, _by_public_ip),
        "network-interface.attachment.attach-time": in_nis("Attachment", "AttachTime",
                                                           convert=iso),
        "network-interface.attachment.attachment-id": in_nis("Attachment", "AttachmentId"),
        "network-interface.attachment.delete-on-termination": in_nis(
            "Attachment", "DeleteOnTermination"),
        "network-interface.attachment.device-index": in_nis("Attachment", "DeviceIndex"),
        "network-interface.attachment.instance-id": Filter(
            lambda w, rid, n: [rid] if interfaces(w, rid) else []),
        "network-interface.attachment.instance-owner-id": Filter(
            lambda w, rid, n: [n["account"]] if interfaces(w, rid) else []),
        "network-interface.attachment.network-card-index": in_nis("Attachment",
                                                                  "NetworkCardIndex"),
        "network-interface.attachment.status": in_nis("Attachment", "Status"),
        "network-interface.availability-zone": Filter(_eni_zone),
        "network-interface.deny-all-igw-traffic": _nothing(),
        "network-interface.description": in_nis("Description"),
        "network-interface.group-id": Filter(in_nis("Groups", "GroupId").values, _by_group),
        "network-interface.group-name": in_nis("Groups", "GroupName"),
        "network-interface.ipv4-prefixes.ipv4-prefix": in_nis("Ipv4Prefixes", "Ipv4Prefix"),
        "network-interface.ipv6-address": in_nis("Ipv6Addresses", "Ipv6Address"),
        "network-interface.ipv6-addresses.ipv6-address": in_nis("Ipv6Addresses",
                                                                "Ipv6Address"),
        "network-interface.ipv6-addresses.is-primary-ipv6": in_nis("Ipv6Addresses",
                                                                   "IsPrimaryIpv6"),
        "network-interface.ipv6-native": Filter(_eni_subnet_field("Ipv6Native")),
        "network-interface.ipv6-prefixes.ipv6-prefix": in_nis("Ipv6Prefixes", "Ipv6Prefix"),
        "network-interface.mac-address": in_nis("MacAddress"),
        "network-interface.network-interface-id": Filter(in_nis("NetworkInterfaceId").values,
                                                         _by_eni),
        "network-interface.operator.managed": in_nis("Operator", "Managed"),
        "network-interface.operator.principal": in_nis("Operator", "Principal"),
        "network-interface.outpost-arn": _nothing(),
        "network-interface.owner-id": in_nis("OwnerId"),
        "network-interface.private-dns-name": in_nis("PrivateDnsName"),
        "network-interface.private-ip-address": Filter(in_nis("PrivateIpAddress").values,
                                                       _by_private_ip),
        "network-interface.public-dns-name": in_nis("Association", "PublicDnsName"),
        "network-interface.requester-id": Filter(_eni_field("RequesterId")),
        "network-interface.requester-managed": Filter(_eni_field("RequesterManaged")),
        "network-interface.status": in_nis("Status"),
        "network-interface.source-dest-check": in_nis("SourceDestCheck"),
        "network-interface.subnet-id": Filter(in_nis("SubnetId").values, _in_subnet),
        "network-interface.tag-key": Filter(_eni_tags("key")),
        "network-interface.tag-value": Filter(_eni_tags("value")),
        "network-interface.vpc-id": Filter(in_nis("VpcId").values, _in_vpc),
    }


FILTERS: dict[str, Filter] = {
    "affinity": Filter(nested("Placement", "Affinity")),
    "architecture": field("Architecture"),
    "availability-zone": Filter(nested("Placement", "AvailabilityZone")),
    "availability-zone-id": Filter(nested("Placement", "AvailabilityZoneId")),
    "block-device-mapping.attach-time": Filter(in_mappings("Ebs", "AttachTime", convert=iso)),
    "block-device-mapping.delete-on-termination": Filter(in_mappings("Ebs",
                                                                     "DeleteOnTermination")),
    "block-device-mapping.device-name": Filter(in_mappings("DeviceName")),
    "block-device-mapping.status": Filter(in_mappings("Ebs", "Status")),
    "block-device-mapping.volume-id": Filter(in_mappings("Ebs", "VolumeId"), _by_volume),
    "boot-mode": field("BootMode"),
    "capacity-reservation-id": Filter(lambda w, rid, n: reservation_of(w, rid)),
    "capacity-reservation-specification.capacity-reservation-preference": Filter(
        nested("CapacityReservationSpecification", "CapacityReservationPreference")),
    "capacity-reservation-specification.capacity-reservation-target.capacity-reservation-id":
        Filter(nested("CapacityReservationSpecification", "CapacityReservationTarget",
                      "CapacityReservationId")),
    "capacity-reservation-specification.capacity-reservation-target."
    "capacity-reservation-resource-group-arn": Filter(nested(
        "CapacityReservationSpecification", "CapacityReservationTarget",
        "CapacityReservationResourceGroupArn")),
    "client-token": field("ClientToken"),
    "current-instance-boot-mode": field("CurrentInstanceBootMode"),
    "dns-name": Filter(on_primary("Association", "PublicDnsName")),
    "ebs-optimized": field("EbsOptimized"),
    "ena-support": field("EnaSupport"),
    "enclave-options.enabled": Filter(nested("EnclaveOptions", "Enabled")),
    "hibernation-options.configured": Filter(nested("HibernationOptions", "Configured")),
    "host-id": Filter(nested("Placement", "HostId")),
    "hypervisor": field("Hypervisor"),
    "iam-instance-profile.arn": Filter(_profile("Arn")),
    "iam-instance-profile.id": Filter(_profile("Id")),
    "image-id": field("ImageId"),
    "instance-id": ident(),
    "instance-lifecycle": field("InstanceLifecycle"),
    "instance-state-code": Filter(nested("State", "Code")),
    "instance-state-name": Filter(nested("State", "Name"), _claimed(STATE_INDEX), exact=True),
    "instance-type": Filter(lambda w, rid, n: n["InstanceType"], _claimed(TYPE_INDEX),
                            exact=True),
    "instance.group-id": Filter(on_primary("Groups", "GroupId"), _by_group),
    "instance.group-name": Filter(on_primary("Groups", "GroupName")),
    "ip-address": Filter(_public_ip, _by_public_ip),
    "ipv6-address": in_nis("Ipv6Addresses", "Ipv6Address"),
    "kernel-id": field("KernelId"),
    "key-name": field("KeyName"),
    "launch-index": field("AmiLaunchIndex"),
    "launch-time": Filter(lambda w, rid, n: iso(n.get("LaunchTime"))),
    "maintenance-options.auto-recovery": Filter(nested("MaintenanceOptions", "AutoRecovery")),
    "metadata-options.http-endpoint": Filter(nested("MetadataOptions", "HttpEndpoint")),
    "metadata-options.http-protocol-ipv4": Filter(lambda w, rid, n: "enabled"),
    "metadata-options.http-protocol-ipv6": Filter(nested("MetadataOptions",
                                                         "HttpProtocolIpv6")),
    "metadata-options.http-put-response-hop-limit": Filter(
        nested("MetadataOptions", "HttpPutResponseHopLimit")),
    "metadata-options.http-tokens": Filter(nested("MetadataOptions", "HttpTokens")),
    "metadata-options.instance-metadata-tags": Filter(nested("MetadataOptions",
                                                             "InstanceMetadataTags")),
    "metadata-options.state": Filter(nested("MetadataOptions", "State")),
    "monitoring-state": Filter(nested("Monitoring", "State")),
    **_ni_filters(),
    "network-performance-options.bandwidth-weighting": Filter(
        nested("NetworkPerformanceOptions", "BandwidthWeighting")),
    "operator.managed": Filter(nested("Operator", "Managed")),
    "operator.principal": Filter(nested("Operator", "Principal")),
    "outpost-arn": _nothing(),
    "owner-id": owner(),
    "placement-group-name": Filter(_placement_group, _by_placement_group),
    "placement-partition-number": Filter(_partition),
    "platform": field("Platform"),
    "platform-details": field("PlatformDetails"),
    "private-dns-name": Filter(on_primary("PrivateDnsName")),
    "private-dns-name-options.enable-resource-name-dns-a-record": Filter(
        nested("PrivateDnsNameOptions", "EnableResourceNameDnsARecord")),
    "private-dns-name-options.enable-resource-name-dns-aaaa-record": Filter(
        nested("PrivateDnsNameOptions", "EnableResourceNameDnsAAAARecord")),
    "private-dns-name-options.hostname-type": Filter(nested("PrivateDnsNameOptions",
                                                            "HostnameType")),
    "private-ip-address": Filter(_private_ip, _by_private_ip),
    "product-code": Filter(lambda w, rid, n: [c.get("ProductCodeId")
                                              for c in n.get("ProductCodes") or []]),
    "product-code.type": Filter(lambda w, rid, n: [c.get("ProductCodeType")
                                                   for c in n.get("ProductCodes") or []]),
    "ramdisk-id": field("RamdiskId"),
    "reason": field("StateTransitionReason"),
    "requester-id": _nothing(),
    "reservation-id": Filter(lambda w, rid, n: n["reservation"], _claimed(RESERVATION_INDEX),
                             exact=True),
    "root-device-name": field("RootDeviceName"),
    "root-device-type": field("RootDeviceType"),
    "source-dest-check": Filter(on_primary("SourceDestCheck")),
    "spot-instance-request-id": field("SpotInstanceRequestId"),
    # no evidence how AWS matches "" here; moto's "" for no reason, so code written for it runs
    "state-reason-code": Filter(lambda w, rid, n: (n.get("StateReason") or {}).get("Code", "")),
    "state-reason-message": Filter(nested("StateReason", "Message")),
    "subnet-id": Filter(lambda w, rid, n: subnet_of(w, rid), _in_subnet),
    "tenancy": Filter(nested("Placement", "Tenancy")),
    "tpm-support": field("TpmSupport"),
    "usage-operation": field("UsageOperation"),
    "usage-operation-update-time": Filter(lambda w, rid, n: iso(n.get(
        "UsageOperationUpdateTime"))),
    "virtualization-type": field("VirtualizationType"),
    "vpc-id": Filter(lambda w, rid, n: vpc_of(w, rid), _in_vpc),
}
