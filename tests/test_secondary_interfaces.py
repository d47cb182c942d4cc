"""Secondary interfaces: RunInstances' `SecondaryInterfaces` in secondary subnets, as
DescribeInstances and DescribeSecondaryInterfaces show them, gone on termination; through
boto3 in-process and against the server."""
from __future__ import annotations

import json
from typing import Any

from netaddr import IPAddress, IPNetwork

from helpers import fails
from topology.compute import instance_view
from topology.network import secondary_interfaces
from topology.provision import state

AMI = "ami-057c3ffbeeff55523"
ZONE = "us-east-1a"


def rdma_subnet(ec2: Any, cidr: str = "10.8.1.0/28", zone: str = ZONE) -> str:
    sn = ec2.create_secondary_network(NetworkType="rdma", Ipv4CidrBlock="10.8.0.0/16")[
        "SecondaryNetwork"]["SecondaryNetworkId"]
    return ec2.create_secondary_subnet(SecondaryNetworkId=sn, Ipv4CidrBlock=cidr,
                                       AvailabilityZone=zone)["SecondarySubnet"][
        "SecondarySubnetId"]


def launch(ec2: Any, *interfaces: dict[str, Any], count: tuple[int, int] = (1, 1),
           **kwargs: Any) -> list[dict[str, Any]]:
    return ec2.run_instances(ImageId=AMI, MinCount=count[0], MaxCount=count[1],
                             InstanceType="m5.large", Placement={"AvailabilityZone": ZONE},
                             SecondaryInterfaces=list(interfaces), **kwargs)["Instances"]


def si(ss: str, device: int = 1, card: int = 1, **kwargs: Any) -> dict[str, Any]:
    return {"SecondarySubnetId": ss, "DeviceIndex": device, "NetworkCardIndex": card,
            **kwargs}


def interfaces(ec2: Any, **kwargs: Any) -> list[dict[str, Any]]:
    return ec2.describe_secondary_interfaces(**kwargs)["SecondaryInterfaces"]


def test_launch_attaches_secondary_interfaces_and_termination_deletes_them(ec2):
    ss = rdma_subnet(ec2)
    made = launch(ec2, si(ss, PrivateIpAddressCount=2, DeleteOnTermination=True),
                  count=(2, 2))
    shown = [i["SecondaryInterfaces"] for i in made]
    assert [len(s) for s in shown] == [1, 1]
    first = shown[0][0]
    assert first["SecondaryInterfaceId"].startswith("si-")
    assert first["Attachment"]["DeviceIndex"] == 1 and \
        first["Attachment"]["NetworkCardIndex"] == 1
    assert first["Attachment"]["Status"] == "attached"
    assert first["Attachment"]["DeleteOnTermination"] is True
    assert (first["Status"], first["InterfaceType"], first["SecondarySubnetId"]) == \
        ("in-use", "secondary", ss)
    # addresses from the block, past the four AWS keeps at its start, none twice
    ips = [a["PrivateIpAddress"] for s in shown for a in s[0]["PrivateIpAddresses"]]
    assert ips == ["10.8.1.4", "10.8.1.5", "10.8.1.6", "10.8.1.7"]
    iid = made[0]["InstanceId"]
    described = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert described["SecondaryInterfaces"] == shown[0]
    assert len(described["NetworkInterfaces"]) == 1    # the VPC side is untouched
    listed = interfaces(ec2, Filters=[{"Name": "attachment.instance-id", "Values": [iid]}])
    assert [x["SecondaryInterfaceId"] for x in listed] == [first["SecondaryInterfaceId"]]
    assert listed[0]["Attachment"]["InstanceId"] == iid
    assert listed[0]["SecondaryNetworkType"] == "rdma"
    assert listed[0]["AvailabilityZone"] == ZONE
    assert [x["SecondaryInterfaceId"] for x in interfaces(ec2, Filters=[
        {"Name": "private-ipv4-addresses.private-ip-address", "Values": ["10.8.1.7"]}])] == \
        [shown[1][0]["SecondaryInterfaceId"]]
    assert len(interfaces(ec2, Filters=[{"Name": "status", "Values": ["in-use"]}])) == 2
    code, message = fails(ec2.delete_secondary_subnet, SecondarySubnetId=ss)
    assert code == "DependencyViolation" and ss in message
    ec2.terminate_instances(InstanceIds=[iid])
    assert len(interfaces(ec2)) == 1
    gone = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert "SecondaryInterfaces" not in gone
    ec2.terminate_instances(InstanceIds=[made[1]["InstanceId"]])
    assert interfaces(ec2) == []
    assert ec2.delete_secondary_subnet(SecondarySubnetId=ss)["SecondarySubnet"]["State"] == \
        "delete-in-progress"


def test_secondary_interfaces_page(ec2):
    ss = rdma_subnet(ec2, "10.8.2.0/24")
    launch(ec2, si(ss), count=(7, 7))
    first = ec2.describe_secondary_interfaces(MaxResults=5)
    assert len(first["SecondaryInterfaces"]) == 5
    rest = ec2.describe_secondary_interfaces(MaxResults=5, NextToken=first["NextToken"])
    assert len(rest["SecondaryInterfaces"]) == 2 and "NextToken" not in rest
    ids = {x["SecondaryInterfaceId"] for x in first["SecondaryInterfaces"]
           + rest["SecondaryInterfaces"]}
    assert len(ids) == 7
    one = sorted(ids)[0]
    assert [x["SecondaryInterfaceId"] for x in interfaces(ec2, SecondaryInterfaceIds=[one])] \
        == [one]


def test_explicit_addresses(ec2):
    ss = rdma_subnet(ec2)
    [made] = launch(ec2, si(ss, PrivateIpAddresses=[{"PrivateIpAddress": "10.8.1.9"},
                                                    {"PrivateIpAddress": "10.8.1.12"}]))
    assert [a["PrivateIpAddress"] for a in made["SecondaryInterfaces"][0][
        "PrivateIpAddresses"]] == ["10.8.1.9", "10.8.1.12"]
    cases = [
        ({"PrivateIpAddresses": [{"PrivateIpAddress": "10.8.1.9"}]}, "InvalidIPAddress.InUse"),
        ({"PrivateIpAddresses": [{"PrivateIpAddress": "10.8.2.9"}]}, "InvalidParameterValue"),
        ({"PrivateIpAddresses": [{"PrivateIpAddress": "10.8.1.2"}]}, "InvalidParameterValue"),
        ({"PrivateIpAddresses": [{"PrivateIpAddress": "10.8.1.15"}]}, "InvalidParameterValue"),
        ({"PrivateIpAddresses": [{"PrivateIpAddress": "10.8.1.10"}],
          "PrivateIpAddressCount": 2}, "InvalidParameterCombination"),
        ({"PrivateIpAddressCount": 0}, "InvalidParameterValue"),
    ]
    for extra, code in cases:
        assert fails(launch, ec2, si(ss, **extra))[0] == code, extra
    assert fails(launch, ec2, si(ss, PrivateIpAddresses=[{"PrivateIpAddress": "10.8.1.10"}]),
                 count=(1, 2))[0] == "InvalidParameterCombination"
    assert len(interfaces(ec2)) == 1
    assert len(ec2.describe_instances()["Reservations"]) == 1


def test_refused_requests_create_nothing(ec2):
    ss = rdma_subnet(ec2)
    other = rdma_subnet(ec2, "10.8.9.0/24", zone="us-east-1b")
    cases = [
        ({"DeviceIndex": 1}, "MissingParameter"),
        ({"SecondarySubnetId": ss}, "MissingParameter"),
        (si("ss-0123456789abcdef0"), "InvalidSecondarySubnetId.NotFound"),
        (si("ss-nothex"), "InvalidSecondarySubnetId.Malformed"),
        (si(other), "InvalidParameterCombination"),
        (si(ss, DeleteOnTermination=False), "InvalidParameterValue"),
        (si(ss, device=0, card=0), "InvalidParameterValue"),     # the primary ENI's slot
        (si(ss, VlanMode="access"), "InvalidParameterCombination"),   # rdma: no VLAN mode
        (si(ss, EnaQueueCount=2), "InvalidParameterCombination"),
        (si(ss, Ipv6AddressCount=1), "InvalidParameterCombination"),
    ]
    for spec, code in cases:
        assert fails(launch, ec2, spec)[0] == code, spec
    assert fails(launch, ec2, si(ss), si(ss))[0] == "InvalidParameterValue"   # same slot
    assert fails(launch, ec2, si(ss), DryRun=True)[0] == "DryRunOperation"
    assert interfaces(ec2) == []
    assert ec2.describe_instances()["Reservations"] == []


def test_a_full_secondary_subnet_caps_the_launch(ec2):
    ss = rdma_subnet(ec2)        # a /28: 16 addresses less AWS's five
    usable = IPNetwork("10.8.1.0/28").size - 5
    assert fails(launch, ec2, si(ss, PrivateIpAddressCount=2), count=(6, 10))[0] == \
        "InsufficientFreeAddressesInSubnet"
    made = launch(ec2, si(ss, PrivateIpAddressCount=2), count=(1, 10))
    assert len(made) == usable // 2
    ips = {a["PrivateIpAddress"] for x in interfaces(ec2) for a in x["PrivateIpv4Addresses"]}
    assert len(ips) == 2 * (usable // 2)
    assert all(IPAddress(ip) in IPNetwork("10.8.1.4/30") or
               IPAddress(ip) in IPNetwork("10.8.1.8/30") or
               IPAddress(ip) in IPNetwork("10.8.1.12/31") for ip in ips)


def test_virtual_edge_interfaces(ec2):
    sn = ec2.create_secondary_network(NetworkType="virtual-edge", VlanMode="access",
                                      AvailabilityZone=ZONE)["SecondaryNetwork"][
        "SecondaryNetworkId"]
    ss6 = ec2.create_secondary_subnet(SecondaryNetworkId=sn, Ipv6CidrBlock="2600:1f18::/64",
                                      AvailabilityZone=ZONE)["SecondarySubnet"][
        "SecondarySubnetId"]
    assert fails(launch, ec2, si(ss6))[0] == "MissingParameter"          # VlanMode required
    assert fails(launch, ec2, si(ss6, VlanMode="access", EnaQueueCount=3))[0] == \
        "InvalidParameterValue"
    assert fails(launch, ec2, si(ss6, VlanMode="access", PrivateIpAddressCount=1))[0] == \
        "InvalidParameterCombination"                                   # IPv6-only subnet
    [made] = launch(ec2, si(ss6, VlanMode="access", EnaQueueCount=4, Ipv6AddressCount=2))
    [shown] = made["SecondaryInterfaces"]
    assert shown["PrivateIpAddresses"] == []
    assert [a["Ipv6Address"] for a in shown["Ipv6Addresses"]] == ["2600:1f18::4",
                                                                   "2600:1f18::5"]
    assert (shown["VlanMode"], shown["Attachment"]["EnaQueueCount"]) == ("access", 4)
    [listed] = interfaces(ec2, Filters=[{"Name": "vlan-mode", "Values": ["access"]},
                                        {"Name": "secondary-network-type",
                                         "Values": ["virtual-edge"]}])
    assert listed["Ipv6Addresses"] == shown["Ipv6Addresses"]


def test_launch_template_carries_secondary_interfaces(ec2):
    ss = rdma_subnet(ec2)
    ec2.create_launch_template(LaunchTemplateName="rdma-nodes", LaunchTemplateData={
        "ImageId": AMI, "InstanceType": "m5.large", "Placement": {"AvailabilityZone": ZONE},
        "SecondaryInterfaces": [si(ss, PrivateIpAddresses=[{"PrivateIpAddress": "10.8.1.9"}])]})
    [made] = ec2.run_instances(MinCount=1, MaxCount=1,
                               LaunchTemplate={"LaunchTemplateName": "rdma-nodes"})["Instances"]
    [shown] = made["SecondaryInterfaces"]
    assert shown["PrivateIpAddresses"] == [{"PrivateIpAddress": "10.8.1.9"}]
    # the template's address is taken now: a second launch from it is refused
    assert fails(ec2.run_instances, MinCount=1, MaxCount=1,
                 LaunchTemplate={"LaunchTemplateName": "rdma-nodes"})[0] == \
        "InvalidIPAddress.InUse"


def test_survives_a_state_round_trip(mock, ec2):
    ss = rdma_subnet(ec2)
    [made] = launch(ec2, si(ss, PrivateIpAddressCount=2))
    loaded = state.load(json.loads(json.dumps(state.dump(mock.world))))
    iid = made["InstanceId"]
    for world in (mock.world, loaded):
        assert instance_view.view(world, iid)["SecondaryInterfaces"][0][
            "PrivateIpAddresses"] == made["SecondaryInterfaces"][0]["PrivateIpAddresses"]
        assert secondary_interfaces.taken_in(world, ss) == {"10.8.1.4", "10.8.1.5"}


def test_server_launch_and_describe(server_ec2):
    ss = rdma_subnet(server_ec2)
    [made] = launch(server_ec2, si(ss, PrivateIpAddressCount=3))
    [shown] = made["SecondaryInterfaces"]
    assert len(shown["PrivateIpAddresses"]) == 3
    [listed] = interfaces(server_ec2, Filters=[{"Name": "secondary-subnet-id",
                                                "Values": [ss]}])
    assert listed["SecondaryInterfaceId"] == shown["SecondaryInterfaceId"]
    assert fails(server_ec2.delete_secondary_subnet, SecondarySubnetId=ss)[0] == \
        "DependencyViolation"
    assert fails(launch, server_ec2, si(ss, DeleteOnTermination=False))[0] == \
        "InvalidParameterValue"
    server_ec2.terminate_instances(InstanceIds=[made["InstanceId"]])
    assert interfaces(server_ec2) == []


def test_an_interface_cannot_take_a_secondary_interfaces_slot(ec2):
    ss = rdma_subnet(ec2)
    [made] = launch(ec2, si(ss, device=1, card=0))
    subnet = ec2.describe_subnets(Filters=[{"Name": "availability-zone", "Values": [ZONE]}])[
        "Subnets"][0]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    assert fails(ec2.attach_network_interface, NetworkInterfaceId=eni,
                 InstanceId=made["InstanceId"], DeviceIndex=1)[0] == "InvalidParameterValue"
    ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=made["InstanceId"],
                                 DeviceIndex=2)
