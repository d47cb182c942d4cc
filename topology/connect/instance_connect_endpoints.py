"""EC2 Instance Connect Endpoints: private SSH/RDP entry points into a VPC.

An `instance-connect-endpoint` node (`eice-…`) holds `PreserveClientIp`, `IpAddressType`,
`CreatedAt`; its subnet is where its requester-managed interface lives
(`eni -[ATTACHED]-> eice`, InterfaceType `ec2_instance_connect_endpoint`); its security
groups are that interface's.

AWS's rules kept here: the groups belong to the subnet's VPC (the default group when none is
given); one endpoint per VPC; `PreserveClientIp` only for IPv4 endpoints; the IP address type
follows the subnet's blocks unless given, and needs the blocks it names. AWS answers a create
with `create-in-progress` and a delete with `delete-in-progress`; describes show
`create-complete`; a deleted endpoint is gone.
"""
from __future__ import annotations

from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.clock import now
from ..core.errors import InvalidParameterCombination, InvalidParameterValue, TopologyError
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from ..network import network_interfaces, subnets

KIND = "instance-connect-endpoint"
INTERFACE_TYPE = "ec2_instance_connect_endpoint"
REQUESTER_ID = "amazon-aws"


def _address_type(world: World, subnet_id: str, wanted: str | None) -> str:
    has4 = bool(subnets.ipv4_blocks(world, subnet_id))
    has6 = bool(subnets.ipv6_blocks(world, subnet_id))
    if wanted is None:
        return "dualstack" if has4 and has6 else ("ipv6" if has6 else "ipv4")
    if (wanted in ("ipv4", "dualstack") and not has4) or \
            (wanted in ("ipv6", "dualstack") and not has6):
        raise InvalidParameterValue(f"IpAddressType {wanted} is not supported by subnet "
                                    f"{subnet_id}.")
    return wanted


def _preserve(value: bool, address_type: str) -> bool:
    if value and address_type != "ipv4":
        raise InvalidParameterCombination("PreserveClientIp is only supported on IPv4 EC2 "
                                          "Instance Connect Endpoints.")
    return value


def interface_of(world: World, eice_id: str) -> str:
    return str(world.into(eice_id, schema.ATTACHED, "network-interface")[0][0])


def create(world: World, part: Partition, subnet_id: str,
           security_group_ids: list[str] | None = None, preserve_client_ip: bool | None = None,
           ip_address_type: str | None = None, *, tags: dict[str, str] | None = None) -> str:
    """A new endpoint and its interface in `subnet_id`."""
    world.get(part, "subnet", subnet_id)
    vpc_id = subnets.vpc_of(world, subnet_id)
    sgs = network_interfaces.check_groups(world, part, vpc_id, security_group_ids or None)
    kind = _address_type(world, subnet_id, ip_address_type)
    preserve = _preserve(bool(preserve_client_ip), kind)
    for other in world.ids(part, KIND):
        if subnets.vpc_of(world, world.graph.nodes[other]["subnet"]) == vpc_id:
            raise TopologyError(f"An EC2 Instance Connect Endpoint already exists in VPC "
                                f"{vpc_id}. You can create only one per VPC.",
                                "ResourceLimitExceeded")
    eice_id = world.new_id("eice")
    eni = network_interfaces.create(
        world, part, subnet_id, group_ids=sgs, ipv6_count=0,
        description=f"EC2 Instance Connect Endpoint {eice_id}", interface_type=INTERFACE_TYPE,
        requester_managed=True, requester_id=REQUESTER_ID, service_attachment=True)
    world.add(part, KIND, eice_id, subnet=subnet_id, PreserveClientIp=preserve,
              IpAddressType=kind, CreatedAt=now(), State="create-complete")
    world.link(eni, eice_id, schema.ATTACHED)
    tagging.apply(world, eice_id, tags or {})
    return eice_id


def modify(world: World, part: Partition, instance_connect_endpoint_id: str,
           ip_address_type: str | None = None, security_group_ids: list[str] | None = None,
           preserve_client_ip: bool | None = None) -> None:
    eice_id = instance_connect_endpoint_id
    node = world.get(part, KIND, eice_id)
    if ip_address_type is None and security_group_ids is None and preserve_client_ip is None:
        raise TopologyError("The request must contain at least one of IpAddressType, "
                            "SecurityGroupIds or PreserveClientIp.", "MissingParameter")
    kind = _address_type(world, node["subnet"], ip_address_type or node["IpAddressType"])
    preserve = _preserve(node["PreserveClientIp"] if preserve_client_ip is None
                         else preserve_client_ip, kind)
    eni = interface_of(world, eice_id)
    if security_group_ids is not None:
        if not security_group_ids:
            raise InvalidParameterValue("You must specify at least one security group.")
        network_interfaces.set_groups(world, part, eni, security_group_ids)
    world.update(eice_id, IpAddressType=kind, PreserveClientIp=preserve)


def delete(world: World, part: Partition, eice_id: str) -> dict[str, Any]:
    """Delete the endpoint and its interface; the endpoint as AWS answers,
    `delete-in-progress`."""
    world.get(part, KIND, eice_id)
    answer = {**view(world, eice_id), "State": "delete-in-progress"}
    eni = interface_of(world, eice_id)
    world.unlink(eni, eice_id, schema.ATTACHED)
    network_interfaces.delete(world, part, eni, service=True)
    world.remove(eice_id)
    return answer


# -- views and filters ---------------------------------------------------------------------------
def view(world: World, eice_id: str) -> dict[str, Any]:
    """The endpoint as boto3's `Ec2InstanceConnectEndpoint`."""
    node = world.graph.nodes[eice_id]
    subnet = world.graph.nodes[node["subnet"]]
    region = node["region"]
    dns = f"{eice_id}.{subnet['AvailabilityZoneId'][:4]}.ec2-instance-connect-endpoint." \
          f"{region}.amazonaws.com"
    fips = dns.replace(".ec2-instance-connect-endpoint.",
                       ".fips.ec2-instance-connect-endpoint.")
    eni = world.into(eice_id, schema.ATTACHED, "network-interface")
    out: dict[str, Any] = {
        "OwnerId": node["account"], "InstanceConnectEndpointId": eice_id,
        "InstanceConnectEndpointArn":
            f"arn:aws:ec2:{region}:{node['account']}:instance-connect-endpoint/{eice_id}",
        "State": node["State"], "StateMessage": "", "DnsName": dns, "FipsDnsName": fips,
        "NetworkInterfaceIds": [e for e, _, _ in eni],
        "VpcId": subnets.vpc_of(world, node["subnet"]),
        "AvailabilityZone": subnet["AvailabilityZone"], "CreatedAt": node["CreatedAt"],
        "SubnetId": node["subnet"], "PreserveClientIp": node["PreserveClientIp"],
        "SecurityGroupIds": network_interfaces.groups(world, eni[0][0]) if eni else [],
        "Tags": tagging.listed(node["tags"]), "IpAddressType": node["IpAddressType"],
        "PublicDnsNames": {"Ipv4": {"DnsName": dns, "FipsDnsName": fips}},
        "AvailabilityZoneId": subnet["AvailabilityZoneId"]}
    return out


def _in_state(state: str) -> Any:
    return lambda world, eice_id: {**view(world, eice_id), "State": state}


FILTERS: dict[str, Filter] = {
    "instance-connect-endpoint-id": ident(),
    "state": field("State"),
    "subnet-id": field("subnet"),
    "vpc-id": Filter(lambda w, rid, n: subnets.vpc_of(w, n["subnet"])),
}


FAMILY = declare(Family(
    KIND, view=view, filters=FILTERS, create=create,
    created_view=_in_state("create-in-progress"), delete=delete,
    actions={"ModifyInstanceConnectEndpoint": modify}))
