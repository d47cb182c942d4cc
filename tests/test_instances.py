"""Instances through boto3: RunInstances and its rules, the lifecycle, describe calls and
their filters, attributes, monitoring, console output, metadata options and IAM instance
profile associations."""
from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from helpers import error

AMI = "ami-057c3ffbeeff55523"          # al2023 x86_64, public catalogue of us-east-1
ARM_AMI = "ami-346f9858c5cfba3fa"      # al2023 arm64
REASON = re.compile(r"User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)")


def run(ec2, **kwargs) -> list[dict[str, Any]]:
    args = {"ImageId": AMI, "MinCount": 1, "MaxCount": 1, "InstanceType": "t3.micro", **kwargs}
    return ec2.run_instances(**args)["Instances"]


def one(ec2, **kwargs) -> dict[str, Any]:
    return run(ec2, **kwargs)[0]


def described(ec2, instance_id: str) -> dict[str, Any]:
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


def instance_ids(ec2, **kwargs) -> list[str]:
    return [i["InstanceId"] for r in ec2.describe_instances(**kwargs)["Reservations"]
            for i in r["Instances"]]


def filtered(ec2, name: str, *values: Any) -> list[str]:
    return instance_ids(ec2, Filters=[{"Name": name, "Values": [str(v) for v in values]}])


def count_all(ec2) -> tuple[int, int, int]:
    """(instances, network interfaces, volumes): what a refused request must not change."""
    return (len(instance_ids(ec2)), len(ec2.describe_network_interfaces()["NetworkInterfaces"]),
            len(ec2.describe_volumes()["Volumes"]))


@pytest.fixture
def net(ec2) -> dict[str, str]:
    """A custom VPC with two subnets in two zones and a security group."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24",
                          AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24",
                          AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="web", Description="web",
                                   VpcId=vpc)["GroupId"]
    return {"vpc": vpc, "a": a, "b": b, "sg": sg}


# -- RunInstances: the answer and defaults ------------------------------------------------------
def test_run_answers_a_pending_reservation_then_describe_shows_running(ec2):
    answer = ec2.run_instances(ImageId=AMI, MinCount=3, MaxCount=3, InstanceType="t3.micro")
    assert answer["ReservationId"].startswith("r-")
    assert answer["OwnerId"] == "123456789012" and answer["Groups"] == []
    launched = answer["Instances"]
    assert [i["AmiLaunchIndex"] for i in launched] == [0, 1, 2]
    assert {i["State"]["Name"] for i in launched} == {"pending"}
    assert {i["State"]["Code"] for i in launched} == {0}
    reservations = ec2.describe_instances()["Reservations"]
    assert [r["ReservationId"] for r in reservations] == [answer["ReservationId"]]
    found = reservations[0]["Instances"]
    assert [i["InstanceId"] for i in found] == [i["InstanceId"] for i in launched]
    assert {(i["State"]["Code"], i["State"]["Name"]) for i in found} == {(16, "running")}
    assert {i["StateTransitionReason"] for i in found} == {""}


def test_run_answer_shows_volumes_and_interfaces_still_attaching(ec2):
    """As in AWS's documented RunInstances output: a pending instance has no block device
    mappings yet, its interface attachment is `attaching`, its StateReason `pending`; a
    describe afterwards shows the root volume and the interface attached."""
    launched = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1,
                                 InstanceType="t3.micro")["Instances"][0]
    assert launched["BlockDeviceMappings"] == []
    assert launched["StateReason"] == {"Code": "pending", "Message": "pending"}
    assert [n["Attachment"]["Status"] for n in launched["NetworkInterfaces"]] == ["attaching"]
    found = described(ec2, launched["InstanceId"])
    assert [m["Ebs"]["Status"] for m in found["BlockDeviceMappings"]] == ["attached"]
    assert [n["Attachment"]["Status"] for n in found["NetworkInterfaces"]] == ["attached"]
    assert "StateReason" not in found


def test_default_subnet_group_and_public_ip(ec2):
    inst = described(ec2, one(ec2)["InstanceId"])
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])
    assert inst["VpcId"] == default_vpc["Vpcs"][0]["VpcId"]
    subnet = ec2.describe_subnets(SubnetIds=[inst["SubnetId"]])["Subnets"][0]
    assert subnet["DefaultForAz"] and inst["Placement"]["AvailabilityZone"] == \
        subnet["AvailabilityZone"]
    assert [g["GroupName"] for g in inst["SecurityGroups"]] == ["default"]
    ip = inst["PrivateIpAddress"]
    assert inst["PrivateDnsName"] == f"ip-{ip.replace('.', '-')}.ec2.internal"
    public = inst["PublicIpAddress"]   # default subnets map public IPs on launch
    assert inst["PublicDnsName"] == f"ec2-{public.replace('.', '-')}.compute-1.amazonaws.com"
    assert inst["Placement"]["Tenancy"] == "default"
    assert inst["Placement"]["GroupName"] == ""
    assert inst["Monitoring"] == {"State": "disabled"}
    assert inst["RootDeviceName"] == "/dev/xvda" and inst["RootDeviceType"] == "ebs"
    assert inst["Architecture"] == "x86_64" and inst["Hypervisor"] == "xen"
    assert inst["SourceDestCheck"] is True
    assert inst["EbsOptimized"] is True
    assert inst["CpuOptions"] == {"CoreCount": 1, "ThreadsPerCore": 2}
    primary = inst["NetworkInterfaces"][0]
    assert primary["Attachment"]["DeviceIndex"] == 0
    assert primary["Attachment"]["DeleteOnTermination"] is True
    assert primary["PrivateIpAddress"] == ip
    root = inst["BlockDeviceMappings"][0]
    assert root["DeviceName"] == "/dev/xvda" and root["Ebs"]["DeleteOnTermination"] is True
    volume = ec2.describe_volumes(VolumeIds=[root["Ebs"]["VolumeId"]])["Volumes"][0]
    assert volume["State"] == "in-use" and volume["Attachments"][0]["InstanceId"] == \
        inst["InstanceId"]


def test_placement_zone_picks_that_zones_default_subnet(ec2):
    inst = one(ec2, Placement={"AvailabilityZone": "us-east-1c"})
    assert inst["Placement"]["AvailabilityZone"] == "us-east-1c"
    subnet = ec2.describe_subnets(SubnetIds=[inst["SubnetId"]])["Subnets"][0]
    assert subnet["AvailabilityZone"] == "us-east-1c" and subnet["DefaultForAz"]
    with pytest.raises(ClientError) as exc:
        one(ec2, Placement={"AvailabilityZone": "us-east-1z"})
    assert error(exc) == ("InvalidParameterValue", "Invalid availability zone: [us-east-1z]")


def test_custom_subnet_has_no_public_ip_unless_asked(ec2, net):
    inst = described(ec2, one(ec2, SubnetId=net["a"], SecurityGroupIds=[net["sg"]])["InstanceId"])
    assert inst["SubnetId"] == net["a"] and inst["VpcId"] == net["vpc"]
    assert inst["PrivateIpAddress"].startswith("10.0.1.")
    assert "PublicIpAddress" not in inst and inst["PublicDnsName"] == ""
    assert [g["GroupId"] for g in inst["SecurityGroups"]] == [net["sg"]]
    public = one(ec2, NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": net["a"],
                                          "AssociatePublicIpAddress": True}])
    assert described(ec2, public["InstanceId"])["PublicIpAddress"]
    quiet = one(ec2, NetworkInterfaces=[{"DeviceIndex": 0, "AssociatePublicIpAddress": False}])
    assert "PublicIpAddress" not in described(ec2, quiet["InstanceId"])


def test_addresses_are_taken_in_order_and_never_twice(ec2, net):
    first = run(ec2, SubnetId=net["a"], MinCount=3, MaxCount=3)
    assert [i["PrivateIpAddress"] for i in first] == ["10.0.1.4", "10.0.1.5", "10.0.1.6"]
    fixed = one(ec2, SubnetId=net["a"], PrivateIpAddress="10.0.1.50")
    assert fixed["PrivateIpAddress"] == "10.0.1.50"
    with pytest.raises(ClientError) as exc:
        one(ec2, SubnetId=net["a"], PrivateIpAddress="10.0.1.50")
    assert error(exc)[0] == "InvalidIPAddress.InUse"
    with pytest.raises(ClientError) as exc:
        run(ec2, SubnetId=net["a"], PrivateIpAddress="10.0.1.60", MinCount=2, MaxCount=2)
    assert error(exc) == ("InvalidParameterCombination", "Cannot specify a private IP address "
                          "when launching more than one instance.")
    subnet = ec2.describe_subnets(SubnetIds=[net["a"]])["Subnets"][0]
    assert subnet["AvailableIpAddressCount"] == 251 - 4


def test_ipv6_addresses_at_launch(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0][
        "Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    subnet = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.1.0.0/24",
                               Ipv6CidrBlock=block.replace("/56", "/64"),
                               AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    inst = described(ec2, one(ec2, SubnetId=subnet, Ipv6AddressCount=2)["InstanceId"])
    addresses = [a["Ipv6Address"] for a in inst["NetworkInterfaces"][0]["Ipv6Addresses"]]
    assert len(addresses) == 2
    assert filtered(ec2, "ipv6-address", addresses[1]) == [inst["InstanceId"]]
    assert filtered(ec2, "network-interface.ipv6-addresses.ipv6-address", addresses[0]) == \
        [inst["InstanceId"]]


def test_a_full_subnet_caps_the_launch(ec2, net):
    small = ec2.create_subnet(VpcId=net["vpc"], CidrBlock="10.0.9.0/28",
                              AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    before = count_all(ec2)
    with pytest.raises(ClientError) as exc:
        run(ec2, SubnetId=small, MinCount=12, MaxCount=20)
    assert error(exc) == ("InsufficientFreeAddressesInSubnet",
                          f"There are not enough free addresses in subnet '{small}' to "
                          "satisfy the requested number of instances.")
    assert count_all(ec2) == before
    launched = run(ec2, SubnetId=small, MinCount=5, MaxCount=20)
    assert len(launched) == 11        # a /28 holds 16 addresses, AWS keeps 5
    assert ec2.describe_subnets(SubnetIds=[small])["Subnets"][0]["AvailableIpAddressCount"] == 0


def test_instance_limit(ec2, mock):
    mock.world.partition("123456789012", "us-east-1").attributes["instance-limit"] = 3
    assert len(run(ec2, MinCount=1, MaxCount=5)) == 3
    with pytest.raises(ClientError) as exc:
        one(ec2)
    assert error(exc)[0] == "InstanceLimitExceeded"
    assert "current instance limit of 3" in error(exc)[1]


# -- RunInstances: refusals ------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, code, message", [
    ({"ImageId": "ami-12345678"}, "InvalidAMIID.NotFound",
     "The image id '[ami-12345678]' does not exist"),
    ({"ImageId": "nonsense"}, "InvalidAMIID.Malformed", 'Invalid id: "nonsense" (expecting "ami-...")'),
    ({"InstanceType": "t9.huge"}, "InvalidParameterValue", "Invalid value 't9.huge' for InstanceType."),
    ({"MinCount": 0}, "InvalidParameterValue",
     "Value (0) for parameter minCount is invalid. Expected a positive integer."),
    ({"MinCount": 3, "MaxCount": 2}, "InvalidParameterValue",
     "Value (2) for parameter maxCount is invalid. The maxCount must be equal to or greater "
     "than the minCount."),
    ({"KeyName": "missing"}, "InvalidKeyPair.NotFound", "The key pair 'missing' does not exist"),
    ({"SecurityGroups": ["nope"]}, "InvalidGroup.NotFound", None),
    ({"SecurityGroupIds": ["sg-12345678"]}, "InvalidGroup.NotFound",
     "The security group 'sg-12345678' does not exist"),
    ({"SubnetId": "subnet-12345678"}, "InvalidSubnetID.NotFound",
     "The subnet ID 'subnet-12345678' does not exist"),
    ({"InstanceType": "m5.large", "CreditSpecification": {"CpuCredits": "unlimited"}},
     "InvalidParameterCombination",
     "The parameter CreditSpecification is not supported for m5.large instances."),
    ({"InstanceType": "t2.micro", "EbsOptimized": True}, "InvalidParameterCombination",
     "EBS-optimized instances are not supported for your requested configuration. Please "
     "check the documentation for supported configurations."),
    ({"MetadataOptions": {"HttpPutResponseHopLimit": 65}}, "InvalidParameterValue",
     "The HttpPutResponseHopLimit value 65 is not valid. Specify a value between 1 and 64."),
    ({"TagSpecifications": [{"ResourceType": "vpc", "Tags": [{"Key": "a", "Value": "b"}]}]},
     "InvalidParameterValue", "'vpc' is not a valid taggable resource type for this operation."),
    ({"TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "a", "Value": "1"}]},
                            {"ResourceType": "instance", "Tags": [{"Key": "b", "Value": "2"}]}]},
     "InvalidParameterValue",
     "The same resource type may not be specified more than once in tag specifications"),
    ({"IamInstanceProfile": {"Arn": "not-an-arn"}}, "InvalidParameterValue",
     "Value (not-an-arn) for parameter iamInstanceProfile.arn is invalid. Invalid ARN"),
    ({"UserData": "x" * 16385}, "InvalidParameterValue", "User data is limited to 16384 bytes"),
])
def test_run_refusals_change_nothing(ec2, kwargs, code, message):
    before = count_all(ec2)
    with pytest.raises(ClientError) as exc:
        one(ec2, **kwargs)
    assert error(exc)[0] == code
    if message is not None:
        assert error(exc)[1] == message
    assert count_all(ec2) == before


def test_image_is_required(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.run_instances(MinCount=1, MaxCount=1)
    assert error(exc) == ("MissingParameter", "The request must contain the parameter ImageId")


def test_architecture_must_match(ec2):
    with pytest.raises(ClientError) as exc:
        one(ec2, ImageId=ARM_AMI, InstanceType="m5.large")
    code, message = error(exc)
    assert code == "InvalidParameterValue"
    assert message.startswith("The architecture 'x86_64' of the specified instance type does "
                              "not match the architecture 'arm64' of the specified AMI.")
    assert one(ec2, ImageId=ARM_AMI, InstanceType="t4g.micro")["Architecture"] == "arm64"


def test_instance_type_not_offered_in_zone(ec2):
    # us-east-1e offers t2 but not the Nitro generations
    with pytest.raises(ClientError) as exc:
        one(ec2, InstanceType="m5.large", Placement={"AvailabilityZone": "us-east-1e"})
    code, message = error(exc)
    assert code == "Unsupported"
    assert message.startswith("Your requested instance type (m5.large) is not supported in "
                              "your requested Availability Zone (us-east-1e).")


def test_security_groups_rules(ec2, net):
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default",
                                              "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    ec2.create_security_group(GroupName="legacy", Description="d", VpcId=default_vpc)
    inst = one(ec2, SecurityGroups=["legacy"])
    assert [g["GroupName"] for g in inst["SecurityGroups"]] == ["legacy"]
    with pytest.raises(ClientError) as exc:
        one(ec2, SubnetId=net["a"], SecurityGroups=["web"])
    assert error(exc) == ("InvalidParameterCombination",
                          "The parameter groupName cannot be used with the parameter subnet")
    with pytest.raises(ClientError) as exc:
        one(ec2, SecurityGroupIds=[net["sg"]])        # the default subnet is another VPC's
    assert error(exc)[0] == "InvalidParameter"
    assert error(exc)[1].startswith(f"Security group {net['sg']} and subnet subnet-")
    assert error(exc)[1].endswith("belong to different networks.")


def test_no_default_vpc(ec2):
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]]
    for subnet in subnets[1:]:
        ec2.delete_subnet(SubnetId=subnet)
    with pytest.raises(ClientError) as exc:
        one(ec2, Placement={"AvailabilityZone": "us-east-1f"})
    assert error(exc) == ("InvalidInput", "No default subnet for availability zone: 'us-east-1f'.")
    ec2.delete_subnet(SubnetId=subnets[0])
    with pytest.raises(ClientError) as exc:
        one(ec2)
    assert error(exc) == ("MissingInput", f"No subnets found for the default VPC '{vpc}'. "
                          "Please specify a subnet.")
    igw = ec2.describe_internet_gateways()["InternetGateways"][0]["InternetGatewayId"]
    ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ec2.delete_vpc(VpcId=vpc)
    with pytest.raises(ClientError) as exc:
        one(ec2)
    assert error(exc) == ("VPCIdNotSpecified", "No default VPC for this user.")


# -- network interfaces at launch -----------------------------------------------------------
@pytest.mark.parametrize("extra, text", [
    ({"SubnetId": "SUBNET"}, "subnet ID"),
    ({"SecurityGroupIds": ["SG"]}, "security groups"),
    ({"PrivateIpAddress": "10.0.1.9"}, "private IP address"),
])
def test_network_interfaces_exclude_instance_level_settings(ec2, net, extra, text):
    extra = {k: (net["a"] if v == "SUBNET" else [net["sg"]] if v == ["SG"] else v)
             for k, v in extra.items()}
    with pytest.raises(ClientError) as exc:
        one(ec2, NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": net["a"]}], **extra)
    assert error(exc) == ("InvalidParameterCombination", f"Network interfaces and an "
                          f"instance-level {text} may not be specified on the same request")


def test_two_interfaces_and_public_ip_rules(ec2, net):
    c = ec2.create_subnet(VpcId=net["vpc"], CidrBlock="10.0.3.0/24",
                          AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    with pytest.raises(ClientError) as exc:
        one(ec2, NetworkInterfaces=[
            {"DeviceIndex": 0, "SubnetId": net["a"], "AssociatePublicIpAddress": True},
            {"DeviceIndex": 1, "SubnetId": c}])
    assert error(exc) == ("InvalidParameterCombination", "The associatePublicIPAddress "
                          "parameter cannot be specified when launching with multiple network "
                          "interfaces.")
    inst = one(ec2, NetworkInterfaces=[
        {"DeviceIndex": 0, "SubnetId": net["a"], "Groups": [net["sg"]],
         "SecondaryPrivateIpAddressCount": 2, "Description": "front"},
        {"DeviceIndex": 1, "SubnetId": c, "DeleteOnTermination": False}])
    found = described(ec2, inst["InstanceId"])
    nis = sorted(found["NetworkInterfaces"], key=lambda n: n["Attachment"]["DeviceIndex"])
    assert [n["SubnetId"] for n in nis] == [net["a"], c]
    assert len(nis[0]["PrivateIpAddresses"]) == 3 and nis[0]["Description"] == "front"
    assert found["SubnetId"] == net["a"] and found["PrivateIpAddress"] == nis[0]["PrivateIpAddress"]
    ec2.terminate_instances(InstanceIds=[inst["InstanceId"]])
    left = ec2.describe_network_interfaces()["NetworkInterfaces"]
    assert [(n["NetworkInterfaceId"], n["Status"]) for n in left] == \
        [(nis[1]["NetworkInterfaceId"], "available")]


def test_across_zones_is_refused(ec2, net):
    with pytest.raises(ClientError) as exc:
        one(ec2, NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": net["a"]},
                                    {"DeviceIndex": 1, "SubnetId": net["b"]}])
    assert error(exc)[0] == "InvalidParameterCombination"


def test_launch_on_an_existing_interface(ec2, net):
    eni = ec2.create_network_interface(SubnetId=net["a"], PrivateIpAddress="10.0.1.77")
    eni_id = eni["NetworkInterface"]["NetworkInterfaceId"]
    with pytest.raises(ClientError) as exc:
        one(ec2, NetworkInterfaces=[{"DeviceIndex": 0, "NetworkInterfaceId": eni_id,
                                     "SubnetId": net["a"]}])
    assert error(exc) == ("InvalidParameterCombination", "A network interface may not specify "
                          "both a network interface ID and a subnet")
    inst = one(ec2, NetworkInterfaces=[{"DeviceIndex": 0, "NetworkInterfaceId": eni_id}])
    assert described(ec2, inst["InstanceId"])["PrivateIpAddress"] == "10.0.1.77"
    with pytest.raises(ClientError) as exc:
        one(ec2, NetworkInterfaces=[{"DeviceIndex": 0, "NetworkInterfaceId": eni_id}])
    assert error(exc) == ("InvalidNetworkInterface.InUse", f"Interface: [{eni_id}] in use.")
    ec2.terminate_instances(InstanceIds=[inst["InstanceId"]])
    kept = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"]
    assert kept[0]["Status"] == "available"     # not created at launch: DeleteOnTermination off


# -- block devices, tags, user data, profiles, options ------------------------------------------
def test_block_device_mappings_and_volume_tags(ec2):
    inst = one(ec2, BlockDeviceMappings=[
        {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 20, "VolumeType": "gp3"}},
        {"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 5, "DeleteOnTermination": False}}],
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "k", "Value": "v"}]},
                           {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "db"}]},
                           {"ResourceType": "network-interface",
                            "Tags": [{"Key": "nic", "Value": "1"}]}])
    found = described(ec2, inst["InstanceId"])
    assert found["Tags"] == [{"Key": "Name", "Value": "db"}]
    mappings = {m["DeviceName"]: m["Ebs"] for m in found["BlockDeviceMappings"]}
    assert set(mappings) == {"/dev/xvda", "/dev/sdf"}
    assert mappings["/dev/sdf"]["DeleteOnTermination"] is False
    volumes = {v["VolumeId"]: v for v in ec2.describe_volumes()["Volumes"]}
    root = volumes[mappings["/dev/xvda"]["VolumeId"]]
    assert (root["Size"], root["VolumeType"]) == (20, "gp3")
    assert {t["Key"]: t["Value"] for v in volumes.values() for t in v["Tags"]} == {"k": "v"}
    eni = ec2.describe_network_interfaces()["NetworkInterfaces"][0]
    assert eni["TagSet"] == [{"Key": "nic", "Value": "1"}]
    ec2.terminate_instances(InstanceIds=[inst["InstanceId"]])
    left = ec2.describe_volumes()["Volumes"]
    assert [(v["VolumeId"], v["State"]) for v in left] == [(mappings["/dev/sdf"]["VolumeId"],
                                                            "available")]


def test_the_root_device_cannot_be_suppressed(ec2):
    with pytest.raises(ClientError) as exc:
        one(ec2, BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "NoDevice": ""}])
    assert error(exc)[0] == "InvalidBlockDeviceMapping"


def test_a_new_ebs_device_needs_a_size_or_snapshot(ec2):
    """RunInstances' words, as AWS users quote them (CreateVolume words it "size/snapshot")."""
    with pytest.raises(ClientError) as exc:
        one(ec2, BlockDeviceMappings=[{"DeviceName": "/dev/sdf",
                                       "Ebs": {"VolumeType": "standard"}}])
    assert error(exc) == ("MissingParameter",
                          "The request must contain the parameter size or snapshotId")
    assert ec2.describe_volumes()["Volumes"] == []
    # the image's own device keeps the image's snapshot: a new type alone is enough
    inst = one(ec2, BlockDeviceMappings=[{"DeviceName": "/dev/xvda",
                                          "Ebs": {"VolumeType": "gp3"}}])
    root = described(ec2, inst["InstanceId"])["BlockDeviceMappings"][0]
    assert root["DeviceName"] == "/dev/xvda"


@pytest.mark.parametrize("mapping", [{"DeviceName": "/dev/sdf"},
                                     {"DeviceName": "/dev/sdf", "VirtualName": "disk0"}])
def test_a_mapping_needs_ebs_an_instance_store_or_no_device(ec2, mapping):
    """AWS's answer (moto PR #2949, tried on EC2; packer #5020 for a bad VirtualName)."""
    with pytest.raises(ClientError) as exc:
        one(ec2, BlockDeviceMappings=[mapping])
    assert error(exc) == ("MissingParameter", "The request must contain the parameter ebs")
    assert ec2.describe_instances()["Reservations"] == []
    inst = one(ec2, BlockDeviceMappings=[{"DeviceName": "/dev/sdb", "VirtualName": "ephemeral0"}])
    assert described(ec2, inst["InstanceId"])["State"]["Name"] in ("pending", "running")


def test_user_data_and_key_name(ec2):
    ec2.create_key_pair(KeyName="ops")
    inst = one(ec2, UserData="#!/bin/sh\necho hi\n", KeyName="ops")
    assert described(ec2, inst["InstanceId"])["KeyName"] == "ops"
    data = ec2.describe_instance_attribute(InstanceId=inst["InstanceId"], Attribute="userData")
    assert base64.b64decode(data["UserData"]["Value"]) == b"#!/bin/sh\necho hi\n"
    plain = one(ec2)
    data = ec2.describe_instance_attribute(InstanceId=plain["InstanceId"], Attribute="userData")
    assert data["UserData"] == {}
    assert filtered(ec2, "key-name", "ops") == [inst["InstanceId"]]


def test_options_at_launch(ec2):
    inst = one(ec2, Monitoring={"Enabled": True}, DisableApiTermination=True,
               InstanceInitiatedShutdownBehavior="terminate", CpuOptions={"ThreadsPerCore": 1},
               MetadataOptions={"HttpTokens": "optional", "HttpPutResponseHopLimit": 5},
               HibernationOptions={"Configured": True}, EnclaveOptions={"Enabled": False})
    iid = inst["InstanceId"]
    found = described(ec2, iid)
    assert found["Monitoring"] == {"State": "enabled"}
    assert found["CpuOptions"] == {"CoreCount": 1, "ThreadsPerCore": 1}
    assert found["HibernationOptions"] == {"Configured": True}
    options = found["MetadataOptions"]
    assert (options["State"], options["HttpTokens"], options["HttpPutResponseHopLimit"]) == \
        ("applied", "optional", 5)
    assert inst["MetadataOptions"]["State"] == "pending"
    attr = ec2.describe_instance_attribute(InstanceId=iid, Attribute="disableApiTermination")
    assert attr["DisableApiTermination"] == {"Value": True}
    attr = ec2.describe_instance_attribute(InstanceId=iid,
                                           Attribute="instanceInitiatedShutdownBehavior")
    assert attr["InstanceInitiatedShutdownBehavior"] == {"Value": "terminate"}
    with pytest.raises(ClientError) as exc:
        one(ec2, CpuOptions={"CoreCount": 4})
    assert error(exc)[0] == "InvalidParameterValue"


def test_iam_instance_profile_at_launch(ec2):
    inst = one(ec2, IamInstanceProfile={"Name": "app"})
    found = described(ec2, inst["InstanceId"])
    arn = "arn:aws:iam::123456789012:instance-profile/app"
    assert found["IamInstanceProfile"]["Arn"] == arn
    assert found["IamInstanceProfile"]["Id"].startswith("AIPA")
    assocs = ec2.describe_iam_instance_profile_associations()["IamInstanceProfileAssociations"]
    assert [(a["InstanceId"], a["State"]) for a in assocs] == [(inst["InstanceId"], "associated")]
    assert filtered(ec2, "iam-instance-profile.arn", arn) == [inst["InstanceId"]]


def test_client_token_is_idempotent(ec2):
    first = ec2.run_instances(ImageId=AMI, MinCount=2, MaxCount=2, InstanceType="t3.micro",
                              ClientToken="tok-1")
    again = ec2.run_instances(ImageId=AMI, MinCount=2, MaxCount=2, InstanceType="t3.micro",
                              ClientToken="tok-1")
    assert again["ReservationId"] == first["ReservationId"]
    assert [i["InstanceId"] for i in again["Instances"]] == \
        [i["InstanceId"] for i in first["Instances"]]
    # a retry answers with updated information (AWS: "such as the current creation status")
    assert [i["State"]["Name"] for i in first["Instances"]] == ["pending"] * 2
    assert [i["State"]["Name"] for i in again["Instances"]] == ["running"] * 2
    assert len(instance_ids(ec2)) == 2
    assert filtered(ec2, "client-token", "tok-1") == [i["InstanceId"] for i in first["Instances"]]
    with pytest.raises(ClientError) as exc:
        ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                          ClientToken="tok-1")
    assert error(exc)[0] == "IdempotentParameterMismatch"


def test_launch_template_under_the_request(ec2):
    template = ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={
        "ImageId": AMI, "InstanceType": "t3.small", "DisableApiTermination": True,
        "TagSpecifications": [{"ResourceType": "instance",
                               "Tags": [{"Key": "from", "Value": "template"}]}]})
    lt_id = template["LaunchTemplate"]["LaunchTemplateId"]
    plain = ec2.run_instances(MinCount=1, MaxCount=1,
                              LaunchTemplate={"LaunchTemplateName": "web"})["Instances"][0]
    assert (plain["ImageId"], plain["InstanceType"]) == (AMI, "t3.small")
    assert {t["Key"]: t["Value"] for t in plain["Tags"]} == {
        "from": "template", "aws:ec2launchtemplate:id": lt_id,
        "aws:ec2launchtemplate:version": "1"}
    attr = ec2.describe_instance_attribute(InstanceId=plain["InstanceId"],
                                           Attribute="disableApiTermination")
    assert attr["DisableApiTermination"] == {"Value": True}
    mine = ec2.run_instances(MinCount=1, MaxCount=1, InstanceType="t3.micro",
                             LaunchTemplate={"LaunchTemplateId": lt_id, "Version": "$Latest"})
    assert mine["Instances"][0]["InstanceType"] == "t3.micro"     # the request wins


def test_dry_run(ec2):
    with pytest.raises(ClientError) as exc:
        one(ec2, DryRun=True)
    assert error(exc) == ("DryRunOperation",
                          "Request would have succeeded, but DryRun flag is set.")
    with pytest.raises(ClientError) as exc:
        one(ec2, DryRun=True, InstanceType="t9.huge")
    assert error(exc)[0] == "InvalidParameterValue"
    assert count_all(ec2) == (0, 0, 0)
    # a dry run takes no address: the first real launch gets the subnet's first one
    assert one(ec2, Placement={"AvailabilityZone": "us-east-1a"})["PrivateIpAddress"] == \
        "172.31.0.4"


def test_credit_specifications(ec2):
    t2 = one(ec2, InstanceType="t2.micro")["InstanceId"]
    t3 = one(ec2, InstanceType="t3.micro")["InstanceId"]
    m5 = one(ec2, InstanceType="m5.large")["InstanceId"]
    t2u = one(ec2, InstanceType="t2.micro", CreditSpecification={"CpuCredits": "unlimited"})
    listed = ec2.describe_instance_credit_specifications()["InstanceCreditSpecifications"]
    assert listed == [{"InstanceId": t3, "CpuCredits": "unlimited"},
                      {"InstanceId": t2u["InstanceId"], "CpuCredits": "unlimited"}]
    named = ec2.describe_instance_credit_specifications(InstanceIds=[t2, m5])
    # a type without credits answers `standard`, as AWS does (live reads quoted by awspec #404
    # and cdk-real-drift #1514), not the error its reference announces
    assert named["InstanceCreditSpecifications"] == [{"InstanceId": t2, "CpuCredits": "standard"},
                                                     {"InstanceId": m5, "CpuCredits": "standard"}]
    with pytest.raises(ClientError) as exc:
        ec2.describe_instance_credit_specifications(InstanceIds=[t2], MaxResults=5)
    assert error(exc)[0] == "InvalidParameterCombination"


# -- the lifecycle ------------------------------------------------------------------------------
def test_terminating_nothing(ec2, server_ec2):
    """An empty id list sends no InstanceId at all; AWS answers TerminateInstances so (its
    answer as cloud-nuke #731 quotes it), not with MissingParameter."""
    for client in (ec2, server_ec2):
        with pytest.raises(ClientError) as exc:
            client.terminate_instances(InstanceIds=[])
        assert error(exc) == ("InvalidParameterCombination", "No instances specified")


def test_stop_start_terminate(ec2):
    iid = one(ec2)["InstanceId"]
    public = described(ec2, iid)["PublicIpAddress"]
    stopping = ec2.stop_instances(InstanceIds=[iid])["StoppingInstances"]
    assert stopping == [{"InstanceId": iid, "CurrentState": {"Code": 64, "Name": "stopping"},
                         "PreviousState": {"Code": 16, "Name": "running"}}]
    stopped = described(ec2, iid)
    assert stopped["State"] == {"Code": 80, "Name": "stopped"}
    assert REASON.fullmatch(stopped["StateTransitionReason"])
    assert stopped["StateReason"] == {"Code": "Client.UserInitiatedShutdown",
                                      "Message": "Client.UserInitiatedShutdown: User initiated "
                                                 "shutdown"}
    assert "PublicIpAddress" not in stopped             # the auto-assigned address is released
    again = ec2.stop_instances(InstanceIds=[iid])["StoppingInstances"][0]
    assert (again["PreviousState"]["Name"], again["CurrentState"]["Name"]) == ("stopped",
                                                                              "stopped")
    starting = ec2.start_instances(InstanceIds=[iid])["StartingInstances"][0]
    assert (starting["PreviousState"], starting["CurrentState"]) == (
        {"Code": 80, "Name": "stopped"}, {"Code": 0, "Name": "pending"})
    running = described(ec2, iid)
    assert running["State"]["Name"] == "running" and running["StateTransitionReason"] == ""
    assert "StateReason" not in running
    assert running["PublicIpAddress"] and running["PublicIpAddress"] != public
    gone = ec2.terminate_instances(InstanceIds=[iid])["TerminatingInstances"][0]
    assert (gone["PreviousState"]["Name"], gone["CurrentState"]) == (
        "running", {"Code": 32, "Name": "shutting-down"})
    dead = described(ec2, iid)
    assert dead["State"] == {"Code": 48, "Name": "terminated"}
    assert dead["NetworkInterfaces"] == [] and dead["BlockDeviceMappings"] == []
    assert "SubnetId" not in dead and "PrivateIpAddress" not in dead
    assert dead["PrivateDnsName"] == "" and dead["SecurityGroups"] == []
    assert ec2.describe_network_interfaces()["NetworkInterfaces"] == []
    assert ec2.describe_volumes()["Volumes"] == []
    twice = ec2.terminate_instances(InstanceIds=[iid])["TerminatingInstances"][0]
    assert (twice["PreviousState"]["Name"], twice["CurrentState"]["Name"]) == ("terminated",
                                                                              "terminated")
    with pytest.raises(ClientError) as exc:
        ec2.start_instances(InstanceIds=[iid])
    assert error(exc) == ("IncorrectInstanceState", f"The instance '{iid}' is not in a state "
                          "from which it can be started.")
    with pytest.raises(ClientError) as exc:
        ec2.stop_instances(InstanceIds=[iid])
    assert error(exc) == ("IncorrectInstanceState", f"The instance '{iid}' is not in a state "
                          "from which it can be stopped.")
    with pytest.raises(ClientError) as exc:
        ec2.reboot_instances(InstanceIds=[iid])
    assert error(exc)[0] == "IncorrectInstanceState"


def test_terminate_frees_the_address(ec2, net):
    iid = one(ec2, SubnetId=net["a"], PrivateIpAddress="10.0.1.20")["InstanceId"]
    ec2.terminate_instances(InstanceIds=[iid])
    assert one(ec2, SubnetId=net["a"], PrivateIpAddress="10.0.1.20")["PrivateIpAddress"] == \
        "10.0.1.20"


def test_an_elastic_ip_stays_through_stop(ec2):
    iid = one(ec2)["InstanceId"]
    eip = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=eip["AllocationId"], InstanceId=iid)
    assert described(ec2, iid)["PublicIpAddress"] == eip["PublicIp"]
    ec2.stop_instances(InstanceIds=[iid])
    assert described(ec2, iid)["PublicIpAddress"] == eip["PublicIp"]
    ec2.start_instances(InstanceIds=[iid])
    assert described(ec2, iid)["PublicIpAddress"] == eip["PublicIp"]
    assert filtered(ec2, "ip-address", eip["PublicIp"]) == [iid]
    assert filtered(ec2, "network-interface.association.allocation-id",
                    eip["AllocationId"]) == [iid]


def test_termination_and_stop_protection(ec2):
    guarded = one(ec2, DisableApiTermination=True)["InstanceId"]
    free = one(ec2)["InstanceId"]
    with pytest.raises(ClientError) as exc:
        ec2.terminate_instances(InstanceIds=[free, guarded])
    assert error(exc) == ("OperationNotPermitted", f"The instance '{guarded}' may not be "
                          "terminated. Modify its 'disableApiTermination' instance attribute "
                          "and try again.")
    assert described(ec2, free)["State"]["Name"] == "running"      # nothing happened
    ec2.modify_instance_attribute(InstanceId=guarded, DisableApiTermination={"Value": False})
    ec2.terminate_instances(InstanceIds=[guarded])
    no_stop = one(ec2, DisableApiStop=True)["InstanceId"]
    with pytest.raises(ClientError) as exc:
        ec2.stop_instances(InstanceIds=[no_stop])
    assert error(exc)[0] == "OperationNotPermitted"
    with pytest.raises(ClientError) as exc:
        ec2.stop_instances(InstanceIds=[free], Hibernate=True)
    assert error(exc)[0] == "UnsupportedHibernationConfiguration"


def test_reboot(ec2):
    iid = one(ec2)["InstanceId"]
    ec2.reboot_instances(InstanceIds=[iid])
    assert described(ec2, iid)["State"]["Name"] == "running"


def test_unknown_instances(ec2):
    iid = one(ec2)["InstanceId"]
    with pytest.raises(ClientError) as exc:
        ec2.stop_instances(InstanceIds=["i-0123456789abcdef0"])
    assert error(exc) == ("InvalidInstanceID.NotFound",
                          "The instance ID 'i-0123456789abcdef0' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.terminate_instances(InstanceIds=[iid, "i-0123456789abcdef0", "i-0123456789abcdef1"])
    assert error(exc) == ("InvalidInstanceID.NotFound", "The instance IDs 'i-0123456789abcdef0, "
                          "i-0123456789abcdef1' do not exist")
    assert described(ec2, iid)["State"]["Name"] == "running"
    with pytest.raises(ClientError) as exc:
        ec2.describe_instances(InstanceIds=["bogus"])
    assert error(exc) == ("InvalidInstanceID.Malformed", 'Invalid id: "bogus" (expecting "i-...")')


# -- describe_instances ---------------------------------------------------------------------
def test_reservations_and_pagination(ec2):
    first = ec2.run_instances(ImageId=AMI, MinCount=7, MaxCount=7, InstanceType="t3.micro")
    second = ec2.run_instances(ImageId=AMI, MinCount=5, MaxCount=5, InstanceType="t3.micro")
    pages, token, seen = [], None, []
    while True:
        kwargs = {"MaxResults": 5, **({"NextToken": token} if token else {})}
        page = ec2.describe_instances(**kwargs)
        pages.append([(r["ReservationId"], len(r["Instances"])) for r in page["Reservations"]])
        seen += [i["InstanceId"] for r in page["Reservations"] for i in r["Instances"]]
        token = page.get("NextToken")
        if not token:
            break
    r1, r2 = first["ReservationId"], second["ReservationId"]
    assert pages == [[(r1, 5)], [(r1, 2), (r2, 3)], [(r2, 2)]]
    assert seen == [i["InstanceId"] for i in first["Instances"] + second["Instances"]]
    with pytest.raises(ClientError) as exc:
        ec2.describe_instances(MaxResults=4)
    assert error(exc) == ("InvalidParameterValue", "Value ( 4 ) for parameter maxResults is "
                          "invalid. Expecting a value greater than 5.")
    with pytest.raises(ClientError) as exc:
        ec2.describe_instances(InstanceIds=[seen[0]], MaxResults=5)
    assert error(exc) == ("InvalidParameterCombination", "The parameter instancesSet cannot be "
                          "used with the parameter maxResults")


def test_filters(ec2, net):
    web = one(ec2, SubnetId=net["a"], SecurityGroupIds=[net["sg"]], InstanceType="t3.small",
              TagSpecifications=[{"ResourceType": "instance",
                                  "Tags": [{"Key": "tier", "Value": "web"}]}])
    app = one(ec2, SubnetId=net["b"], TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "tier", "Value": "app"}]}])
    default = one(ec2)
    w, a, d = web["InstanceId"], app["InstanceId"], default["InstanceId"]
    ec2.stop_instances(InstanceIds=[a])
    web_full = described(ec2, w)
    assert filtered(ec2, "instance-id", w, d) == [w, d]
    assert filtered(ec2, "instance-type", "t3.small") == [w]
    assert filtered(ec2, "instance-state-name", "stopped") == [a]
    assert filtered(ec2, "instance-state-code", 16) == [w, d]
    assert filtered(ec2, "subnet-id", net["a"], net["b"]) == [w, a]
    assert filtered(ec2, "vpc-id", net["vpc"]) == [w, a]
    assert filtered(ec2, "private-ip-address", web["PrivateIpAddress"]) == [w]
    assert filtered(ec2, "network-interface.addresses.private-ip-address",
                    web["PrivateIpAddress"]) == [w]
    assert filtered(ec2, "ip-address", described(ec2, d)["PublicIpAddress"]) == [d]
    assert filtered(ec2, "tag:tier", "web", "app") == [w, a]
    assert filtered(ec2, "tag:tier", "w*") == [w]
    assert filtered(ec2, "tag-key", "tier") == [w, a]
    assert filtered(ec2, "tag-value", "app") == [a]
    assert filtered(ec2, "instance.group-id", net["sg"]) == [w]
    assert filtered(ec2, "instance.group-name", "web") == [w]
    assert filtered(ec2, "network-interface.group-id", net["sg"]) == [w]
    eni = web_full["NetworkInterfaces"][0]["NetworkInterfaceId"]
    assert filtered(ec2, "network-interface.network-interface-id", eni) == [w]
    assert filtered(ec2, "network-interface.subnet-id", net["b"]) == [a]
    assert filtered(ec2, "availability-zone", "us-east-1b") == [a]
    assert filtered(ec2, "image-id", AMI) == [w, a, d]
    assert filtered(ec2, "reservation-id", described(ec2, a)["InstanceId"]) == []
    reservation = ec2.describe_instances(InstanceIds=[a])["Reservations"][0]["ReservationId"]
    assert filtered(ec2, "reservation-id", reservation) == [a]
    volume = web_full["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    assert filtered(ec2, "block-device-mapping.volume-id", volume) == [w]
    assert filtered(ec2, "block-device-mapping.device-name", "/dev/xvda") == [w, a, d]
    assert filtered(ec2, "owner-id", "123456789012") == [w, a, d]
    assert filtered(ec2, "private-dns-name", web_full["PrivateDnsName"]) == [w]
    assert filtered(ec2, "dns-name", described(ec2, d)["PublicDnsName"]) == [d]
    assert filtered(ec2, "reason", "User initiated*") == [a]
    assert filtered(ec2, "state-reason-code", "Client.UserInitiatedShutdown") == [a]
    assert filtered(ec2, "state-reason-code", "") == [w, d]   # "": those without a reason
    assert filtered(ec2, "launch-index", 0) == [w, a, d]
    assert filtered(ec2, "monitoring-state", "disabled") == [w, a, d]
    assert filtered(ec2, "root-device-type", "ebs") == [w, a, d]
    assert filtered(ec2, "architecture", "x86_64") == [w, a, d]
    assert filtered(ec2, "tenancy", "default") == [w, a, d]
    assert filtered(ec2, "source-dest-check", "true") == [w, a, d]
    assert filtered(ec2, "network-interface.attachment.device-index", 0) == [w, a, d]
    assert filtered(ec2, "metadata-options.http-tokens", "required") == [w, a, d]
    assert instance_ids(ec2, Filters=[{"Name": "subnet-id", "Values": [net["a"], net["b"]]},
                                      {"Name": "instance-state-name",
                                       "Values": ["running"]}]) == [w]
    with pytest.raises(ClientError) as exc:
        filtered(ec2, "bogus", "x")
    assert error(exc) == ("InvalidParameterValue", "The filter 'bogus' is invalid")


def test_terminated_instances_stay_visible_to_filters(ec2, net):
    iid = one(ec2, SubnetId=net["a"])["InstanceId"]
    ec2.terminate_instances(InstanceIds=[iid])
    assert filtered(ec2, "instance-state-name", "terminated") == [iid]
    assert filtered(ec2, "instance-type", "t3.micro") == [iid]
    assert filtered(ec2, "subnet-id", net["a"]) == []     # its network went with it


def test_describe_instance_status(ec2):
    up = one(ec2)["InstanceId"]
    down = one(ec2)["InstanceId"]
    ec2.stop_instances(InstanceIds=[down])
    statuses = ec2.describe_instance_status()["InstanceStatuses"]
    assert [s["InstanceId"] for s in statuses] == [up]
    status = statuses[0]
    assert status["InstanceState"] == {"Code": 16, "Name": "running"}
    assert status["InstanceStatus"] == {"Status": "ok", "Details": [
        {"Name": "reachability", "Status": "passed"}]}
    assert status["SystemStatus"]["Status"] == "ok" and status["Events"] == []
    every = ec2.describe_instance_status(IncludeAllInstances=True)["InstanceStatuses"]
    assert [(s["InstanceId"], s["InstanceStatus"]["Status"]) for s in every] == [
        (up, "ok"), (down, "not-applicable")]
    named = ec2.describe_instance_status(InstanceIds=[down], IncludeAllInstances=True)
    assert [s["InstanceId"] for s in named["InstanceStatuses"]] == [down]
    chosen = ec2.describe_instance_status(IncludeAllInstances=True, Filters=[
        {"Name": "instance-state-name", "Values": ["stopped"]}])["InstanceStatuses"]
    assert [s["InstanceId"] for s in chosen] == [down]
    ok = ec2.describe_instance_status(Filters=[{"Name": "instance-status.status",
                                                "Values": ["ok"]}])
    assert [s["InstanceId"] for s in ok["InstanceStatuses"]] == [up]
    with pytest.raises(ClientError) as exc:
        ec2.describe_instance_status(InstanceIds=[up], MaxResults=5)
    assert error(exc)[0] == "InvalidParameterCombination"


# -- attributes --------------------------------------------------------------------------------
def test_describe_every_attribute(ec2):
    iid = one(ec2)["InstanceId"]
    expect = {
        "instanceType": ("InstanceType", {"Value": "t3.micro"}),
        "kernel": ("KernelId", {}),
        "ramdisk": ("RamdiskId", {}),
        "disableApiTermination": ("DisableApiTermination", {"Value": False}),
        "disableApiStop": ("DisableApiStop", {"Value": False}),
        "instanceInitiatedShutdownBehavior": ("InstanceInitiatedShutdownBehavior",
                                              {"Value": "stop"}),
        "rootDeviceName": ("RootDeviceName", {"Value": "/dev/xvda"}),
        "productCodes": ("ProductCodes", []),
        "sourceDestCheck": ("SourceDestCheck", {"Value": True}),
        "ebsOptimized": ("EbsOptimized", {"Value": True}),
        "sriovNetSupport": ("SriovNetSupport", {"Value": "simple"}),
        "enaSupport": ("EnaSupport", {"Value": True}),
        "enclaveOptions": ("EnclaveOptions", {"Enabled": False}),
    }
    for attribute, (member, value) in expect.items():
        answer = ec2.describe_instance_attribute(InstanceId=iid, Attribute=attribute)
        assert answer["InstanceId"] == iid and answer[member] == value, attribute
    groups = ec2.describe_instance_attribute(InstanceId=iid, Attribute="groupSet")["Groups"]
    assert [g["GroupName"] for g in groups] == ["default"]
    mappings = ec2.describe_instance_attribute(InstanceId=iid,
                                               Attribute="blockDeviceMapping")
    assert [m["DeviceName"] for m in mappings["BlockDeviceMappings"]] == ["/dev/xvda"]


def test_unknown_attribute_is_named_as_aws_names_it(ec2, server_ec2):
    """AWS's own words for an attribute it does not know (not the generic enum message),
    checked before the instance; names are taken in their own case only."""
    for client in (ec2, server_ec2):
        iid = one(client)["InstanceId"]
        for instance, name in ((iid, "abc"), ("i-0123456789abcdef0", "abc"), (iid, "Kernel"),
                               (iid, "iNsTaNcEtYpE")):
            with pytest.raises(ClientError) as exc:
                client.describe_instance_attribute(InstanceId=instance, Attribute=name)
            assert error(exc) == ("InvalidParameterValue", f"Value ({name}) for parameter "
                                  "attribute is invalid. Unknown attribute.")
        with pytest.raises(ClientError) as exc:
            client.modify_instance_attribute(InstanceId=iid, Attribute="abc", Value="x")
        assert error(exc)[1] == "Value (abc) for parameter attribute is invalid. " \
            "Unknown attribute."


def test_modify_attributes(ec2, net):
    iid = one(ec2, SubnetId=net["a"])["InstanceId"]
    with pytest.raises(ClientError) as exc:
        ec2.modify_instance_attribute(InstanceId=iid, InstanceType={"Value": "t3.large"})
    assert error(exc) == ("IncorrectInstanceState",
                          f"The instance '{iid}' is not in the 'stopped' state.")
    with pytest.raises(ClientError) as exc:
        ec2.modify_instance_attribute(InstanceId=iid, UserData={"Value": b"x"})
    assert error(exc)[0] == "IncorrectInstanceState"
    ec2.stop_instances(InstanceIds=[iid])
    ec2.modify_instance_attribute(InstanceId=iid, InstanceType={"Value": "t3.large"})
    assert described(ec2, iid)["InstanceType"] == "t3.large"
    assert filtered(ec2, "instance-type", "t3.large") == [iid]
    assert filtered(ec2, "instance-type", "t3.micro") == []
    with pytest.raises(ClientError) as exc:
        ec2.modify_instance_attribute(InstanceId=iid, InstanceType={"Value": "t9.huge"})
    # the code botocore's ModifyInstanceAttribute documentation names
    assert error(exc) == ("InvalidInstanceAttributeValue",
                          "Invalid value 't9.huge' for InstanceType.")
    ec2.modify_instance_attribute(InstanceId=iid, Attribute="instanceType", Value="t3.medium")
    assert described(ec2, iid)["InstanceType"] == "t3.medium"
    ec2.modify_instance_attribute(InstanceId=iid, UserData={"Value": b"new data"})
    data = ec2.describe_instance_attribute(InstanceId=iid, Attribute="userData")["UserData"]
    assert base64.b64decode(data["Value"]) == b"new data"
    ec2.modify_instance_attribute(InstanceId=iid, SourceDestCheck={"Value": False})
    assert described(ec2, iid)["SourceDestCheck"] is False
    assert described(ec2, iid)["NetworkInterfaces"][0]["SourceDestCheck"] is False
    other = ec2.create_security_group(GroupName="other", Description="o",
                                      VpcId=net["vpc"])["GroupId"]
    ec2.modify_instance_attribute(InstanceId=iid, Groups=[net["sg"], other])
    assert [g["GroupId"] for g in described(ec2, iid)["SecurityGroups"]] == [net["sg"], other]
    ec2.modify_instance_attribute(InstanceId=iid,
                                  InstanceInitiatedShutdownBehavior={"Value": "terminate"})
    with pytest.raises(ClientError) as exc:
        ec2.modify_instance_attribute(InstanceId=iid,
                                      InstanceInitiatedShutdownBehavior={"Value": "explode"})
    assert error(exc)[0] == "InvalidParameterValue"
    ec2.modify_instance_attribute(InstanceId=iid, BlockDeviceMappings=[
        {"DeviceName": "/dev/xvda", "Ebs": {"DeleteOnTermination": False}}])
    assert described(ec2, iid)["BlockDeviceMappings"][0]["Ebs"]["DeleteOnTermination"] is False
    with pytest.raises(ClientError) as exc:
        ec2.modify_instance_attribute(InstanceId=iid, BlockDeviceMappings=[
            {"DeviceName": "/dev/sdz", "Ebs": {"DeleteOnTermination": True}}])
    assert error(exc) == ("InvalidInstanceAttributeValue", "No device is currently mapped at "
                          "/dev/sdz")
    with pytest.raises(ClientError) as exc:
        ec2.modify_instance_attribute(InstanceId=iid, SourceDestCheck={"Value": True},
                                      DisableApiStop={"Value": True})
    assert error(exc)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as exc:
        ec2.modify_instance_attribute(InstanceId=iid, Attribute="rootDeviceName",
                                      Value="/dev/sda1")
    assert error(exc)[0] == "InvalidParameterValue"
    ec2.terminate_instances(InstanceIds=[iid])
    assert len(ec2.describe_volumes()["Volumes"]) == 1      # the root was kept


# -- monitoring, console output, metadata ------------------------------------------------------
def test_monitoring(ec2):
    iid = one(ec2)["InstanceId"]
    on = ec2.monitor_instances(InstanceIds=[iid])["InstanceMonitorings"]
    assert on == [{"InstanceId": iid, "Monitoring": {"State": "pending"}}]
    assert described(ec2, iid)["Monitoring"] == {"State": "enabled"}
    assert filtered(ec2, "monitoring-state", "enabled") == [iid]
    off = ec2.unmonitor_instances(InstanceIds=[iid])["InstanceMonitorings"]
    assert off == [{"InstanceId": iid, "Monitoring": {"State": "disabling"}}]
    assert described(ec2, iid)["Monitoring"] == {"State": "disabled"}
    with pytest.raises(ClientError) as exc:
        ec2.monitor_instances(InstanceIds=["i-0123456789abcdef0"])
    assert error(exc)[0] == "InvalidInstanceID.NotFound"


def test_console_output_is_deterministic_base64(ec2):
    iid = one(ec2)["InstanceId"]
    first = ec2.get_console_output(InstanceId=iid)
    second = ec2.get_console_output(InstanceId=iid)
    assert first["InstanceId"] == iid and first["Output"] == second["Output"]
    text = first["Output"]        # botocore decodes the base64 AWS sends
    assert iid in text and "t3.micro" in text


def test_metadata_options(ec2):
    iid = one(ec2)["InstanceId"]
    answer = ec2.modify_instance_metadata_options(InstanceId=iid, HttpTokens="optional",
                                                  HttpPutResponseHopLimit=3,
                                                  InstanceMetadataTags="enabled")
    options = answer["InstanceMetadataOptions"]
    assert answer["InstanceId"] == iid and options["State"] == "pending"
    assert (options["HttpTokens"], options["HttpPutResponseHopLimit"]) == ("optional", 3)
    found = described(ec2, iid)["MetadataOptions"]
    assert found["State"] == "applied" and found["InstanceMetadataTags"] == "enabled"
    assert filtered(ec2, "metadata-options.http-put-response-hop-limit", 3) == [iid]
    with pytest.raises(ClientError) as exc:
        ec2.modify_instance_metadata_options(InstanceId=iid, HttpPutResponseHopLimit=0)
    assert error(exc)[0] == "InvalidParameterValue"
    assert described(ec2, iid)["MetadataOptions"]["HttpPutResponseHopLimit"] == 3


def test_instances_of_one_launch_change_alone(ec2):
    """The instances of one RunInstances share their launch's settings until one changes:
    a change (or an answer the caller edits) reaches that instance only."""
    launched = run(ec2, MinCount=3, MaxCount=3)
    first, second, third = (i["InstanceId"] for i in launched)
    hops = launched[1]["MetadataOptions"]["HttpPutResponseHopLimit"]
    launched[0]["Placement"]["Tenancy"] = "dedicated"        # the caller's copy only
    launched[0]["MetadataOptions"]["HttpTokens"] = "changed"
    ec2.modify_instance_metadata_options(InstanceId=first, HttpPutResponseHopLimit=5)
    ec2.modify_instance_maintenance_options(InstanceId=second, AutoRecovery="disabled")
    ec2.stop_instances(InstanceIds=[third])
    with pytest.raises(ClientError):        # refused: changes nothing
        ec2.modify_instance_metadata_options(InstanceId=second, HttpPutResponseHopLimit=0)
    seen = {iid: described(ec2, iid) for iid in (first, second, third)}
    assert [seen[i]["MetadataOptions"]["HttpPutResponseHopLimit"]
            for i in (first, second, third)] == [5, hops, hops]
    assert [seen[i]["MaintenanceOptions"]["AutoRecovery"]
            for i in (first, second, third)] == ["default", "disabled", "default"]
    assert [seen[i]["State"]["Name"] for i in (first, second, third)] == [
        "running", "running", "stopped"]
    assert {seen[i]["Placement"]["Tenancy"] for i in seen} == {"default"}
    assert {seen[i]["MetadataOptions"]["HttpTokens"] for i in seen} == {
        launched[1]["MetadataOptions"]["HttpTokens"]}
    assert seen[first]["LaunchTime"] == seen[first]["UsageOperationUpdateTime"]


# -- IAM instance profile associations -------------------------------------------------------
def test_iam_instance_profile_associations(ec2):
    iid = one(ec2)["InstanceId"]
    other = one(ec2)["InstanceId"]
    assoc = ec2.associate_iam_instance_profile(
        InstanceId=iid, IamInstanceProfile={"Name": "reader"})["IamInstanceProfileAssociation"]
    assert assoc["State"] == "associating" and assoc["InstanceId"] == iid
    assert assoc["AssociationId"].startswith("iip-assoc-")
    assert assoc["IamInstanceProfile"]["Arn"] == \
        "arn:aws:iam::123456789012:instance-profile/reader"
    with pytest.raises(ClientError) as exc:
        ec2.associate_iam_instance_profile(InstanceId=iid, IamInstanceProfile={"Name": "x"})
    assert error(exc) == ("IncorrectState", f"There is an existing association for instance {iid}")
    arn = "arn:aws:iam::123456789012:instance-profile/path/writer"
    replaced = ec2.replace_iam_instance_profile_association(
        AssociationId=assoc["AssociationId"],
        IamInstanceProfile={"Arn": arn})["IamInstanceProfileAssociation"]
    assert replaced["State"] == "associating" and replaced["AssociationId"] != \
        assoc["AssociationId"]
    assert described(ec2, iid)["IamInstanceProfile"]["Arn"] == arn
    ec2.associate_iam_instance_profile(InstanceId=other, IamInstanceProfile={"Name": "x"})
    listed = ec2.describe_iam_instance_profile_associations()["IamInstanceProfileAssociations"]
    assert [a["InstanceId"] for a in listed] == [iid, other]
    by_instance = ec2.describe_iam_instance_profile_associations(
        Filters=[{"Name": "instance-id", "Values": [other]}])["IamInstanceProfileAssociations"]
    assert [a["InstanceId"] for a in by_instance] == [other]
    by_id = ec2.describe_iam_instance_profile_associations(
        AssociationIds=[replaced["AssociationId"]])["IamInstanceProfileAssociations"]
    assert [a["IamInstanceProfile"]["Arn"] for a in by_id] == [arn]
    with pytest.raises(ClientError) as exc:
        ec2.describe_iam_instance_profile_associations(
            AssociationIds=[assoc["AssociationId"]])
    assert error(exc) == ("InvalidAssociationID.NotFound",
                          f"An association with ID {assoc['AssociationId']} could not be found.")
    gone = ec2.disassociate_iam_instance_profile(
        AssociationId=replaced["AssociationId"])["IamInstanceProfileAssociation"]
    assert gone["State"] == "disassociating"
    assert "IamInstanceProfile" not in described(ec2, iid)
    ec2.stop_instances(InstanceIds=[other])
    stopped_assoc = listed[1]["AssociationId"]
    with pytest.raises(ClientError) as exc:
        ec2.replace_iam_instance_profile_association(AssociationId=stopped_assoc,
                                                     IamInstanceProfile={"Name": "y"})
    assert error(exc) == ("IncorrectState", f"The association {stopped_assoc} is not the active "
                          "association")
    ec2.terminate_instances(InstanceIds=[other])
    assert ec2.describe_iam_instance_profile_associations()["IamInstanceProfileAssociations"] == []


# -- against a real server -------------------------------------------------------------------
def test_lifecycle_against_server(server_ec2):
    reservation = server_ec2.run_instances(ImageId=AMI, MinCount=2, MaxCount=2,
                                           InstanceType="t3.micro", UserData="boot")
    ids = [i["InstanceId"] for i in reservation["Instances"]]
    found = server_ec2.describe_instances(Filters=[{"Name": "instance-state-name",
                                                    "Values": ["running"]}])
    assert [i["InstanceId"] for r in found["Reservations"] for i in r["Instances"]] == ids
    data = server_ec2.describe_instance_attribute(InstanceId=ids[0], Attribute="userData")
    assert base64.b64decode(data["UserData"]["Value"]) == b"boot"
    changes = server_ec2.terminate_instances(InstanceIds=ids)["TerminatingInstances"]
    assert {c["CurrentState"]["Name"] for c in changes} == {"shutting-down"}
    with pytest.raises(ClientError) as exc:
        server_ec2.start_instances(InstanceIds=ids)
    assert error(exc)[0] == "IncorrectInstanceState"


def test_profile_and_status_against_server(server_ec2):
    iid = server_ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1,
                                   InstanceType="t3.micro")["Instances"][0]["InstanceId"]
    server_ec2.associate_iam_instance_profile(InstanceId=iid,
                                              IamInstanceProfile={"Name": "srv"})
    assocs = server_ec2.describe_iam_instance_profile_associations()
    assert [a["InstanceId"] for a in assocs["IamInstanceProfileAssociations"]] == [iid]
    statuses = server_ec2.describe_instance_status()["InstanceStatuses"]
    assert [s["InstanceStatus"]["Status"] for s in statuses] == ["ok"]
