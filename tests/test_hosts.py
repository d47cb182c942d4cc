"""Dedicated Hosts through boto3, in-process and against the server: allocation, capacity,
instances placed on hosts (RunInstances, StartInstances, ModifyInstancePlacement), modify,
release, Mac hosts and their modification tasks."""
from __future__ import annotations

import pytest

from helpers import fails

AMI = "ami-057c3ffbeeff55523"          # al2023 x86_64, public catalogue of us-east-1
MISSING = "h-0123456789abcdef0"


def allocate(ec2, **kwargs) -> list[str]:
    args = {"AvailabilityZone": "us-east-1a", "InstanceType": "m5.large", **kwargs}
    return ec2.allocate_hosts(**args)["HostIds"]


def host(ec2, host_id: str) -> dict:
    return ec2.describe_hosts(HostIds=[host_id])["Hosts"][0]


def launch(ec2, count: int = 1, **placement) -> list[dict]:
    return ec2.run_instances(ImageId=AMI, MinCount=count, MaxCount=count,
                             InstanceType=placement.pop("InstanceType", "m5.large"),
                             Placement={"AvailabilityZone": "us-east-1a", **placement})[
        "Instances"]


def test_allocate_describes_the_host_from_the_catalogue(ec2):
    [host_id] = allocate(ec2, TagSpecifications=[
        {"ResourceType": "dedicated-host", "Tags": [{"Key": "Name", "Value": "h1"}]}])
    found = host(ec2, host_id)
    assert host_id.startswith("h-") and len(host_id) == 19
    assert found["State"] == "available"
    assert found["HostProperties"] == {"Cores": 48, "InstanceType": "m5.large", "Sockets": 2,
                                       "TotalVCpus": 96}
    assert found["AvailableCapacity"] == {"AvailableInstanceCapacity": [
        {"AvailableCapacity": 48, "InstanceType": "m5.large", "TotalCapacity": 48}],
        "AvailableVCpus": 96}
    assert (found["AutoPlacement"], found["HostRecovery"], found["HostMaintenance"]) == \
        ("off", "off", "on")
    assert found["AllowsMultipleInstanceTypes"] == "off"
    assert found["AvailabilityZoneId"] == "use1-az1"
    assert found["Instances"] == [] and found["OwnerId"] == "123456789012"
    assert found["Tags"] == [{"Key": "Name", "Value": "h1"}]


def test_allocate_a_family_host_lists_every_size(ec2):
    [host_id] = ec2.allocate_hosts(AvailabilityZone="us-east-1b", InstanceFamily="c6g")[
        "HostIds"]
    found = host(ec2, host_id)
    assert found["HostProperties"] == {"Cores": 64, "InstanceFamily": "c6g", "Sockets": 1,
                                       "TotalVCpus": 64}
    assert found["AllowsMultipleInstanceTypes"] == "on"
    sizes = {c["InstanceType"]: c["TotalCapacity"]
             for c in found["AvailableCapacity"]["AvailableInstanceCapacity"]}
    assert sizes["c6g.medium"] == 64 and sizes["c6g.16xlarge"] == 1


def test_allocate_checks_its_parameters(ec2):
    assert fails(ec2.allocate_hosts, AvailabilityZone="us-east-1a")[0] == "MissingParameter"
    assert fails(ec2.allocate_hosts, InstanceType="m5.large")[0] == "MissingParameter"
    assert fails(ec2.allocate_hosts, AvailabilityZone="us-east-1a", InstanceType="m5.large",
                 InstanceFamily="m5")[0] == "InvalidParameterCombination"
    assert fails(ec2.allocate_hosts, AvailabilityZone="us-east-1a",
                 InstanceType="t2.micro")[0] == "InvalidParameterValue"
    assert fails(ec2.allocate_hosts, AvailabilityZone="us-east-1a",
                 InstanceFamily="nope")[0] == "InvalidParameterValue"
    assert fails(ec2.allocate_hosts, AvailabilityZone="us-east-9z",
                 InstanceType="m5.large")[0] == "InvalidParameterValue"
    assert fails(ec2.allocate_hosts, AvailabilityZone="us-east-1a", InstanceType="m5.large",
                 Quantity=0)[0] == "InvalidParameterValue"
    assert fails(ec2.allocate_hosts, AvailabilityZone="us-east-1e",        # offers no m5
                 InstanceFamily="m5")[0] == "Unsupported"
    assert fails(ec2.allocate_hosts, AvailabilityZone="us-east-1a", InstanceType="m5.large",
                 Quantity=51)[0] == "HostLimitExceeded"
    assert ec2.describe_hosts()["Hosts"] == []


def test_describe_hosts_filters_ids_and_pages(ec2):
    a, b = allocate(ec2, Quantity=2, AutoPlacement="on")
    [c] = allocate(ec2, AvailabilityZone="us-east-1b", InstanceType="c5.large")
    by = lambda name, *values: [h["HostId"] for h in ec2.describe_hosts(   # noqa: E731
        Filter=[{"Name": name, "Values": list(values)}])["Hosts"]]
    assert by("auto-placement", "on") == [a, b]
    assert by("availability-zone", "us-east-1b") == [c]
    assert by("instance-type", "c5.large") == [c]
    assert by("state", "available") == [a, b, c]
    code, message = fails(ec2.describe_hosts, HostIds=[MISSING])
    assert code == "InvalidHostID.NotFound" and MISSING in message
    assert fails(ec2.describe_hosts, HostIds=["h-xyz"])[0] == "InvalidHostID.Malformed"
    assert fails(ec2.describe_hosts, Filter=[{"Name": "bogus", "Values": ["x"]}])[0] == \
        "InvalidParameterValue"
    assert fails(ec2.describe_hosts, MaxResults=4)[0] == "InvalidParameterValue"
    assert fails(ec2.describe_hosts, MaxResults=501)[0] == "InvalidParameterValue"
    assert fails(ec2.describe_hosts, HostIds=[a], MaxResults=5)[0] == \
        "InvalidParameterCombination"
    allocate(ec2, Quantity=4)
    first = ec2.describe_hosts(MaxResults=5)
    second = ec2.describe_hosts(MaxResults=5, NextToken=first["NextToken"])
    assert len(first["Hosts"]) == 5 and len(second["Hosts"]) == 2
    assert "NextToken" not in second


def test_instances_launch_onto_a_named_host_and_use_its_capacity(ec2):
    [host_id] = allocate(ec2)
    instances = launch(ec2, 3, Tenancy="host", HostId=host_id)
    placement = instances[0]["Placement"]
    assert (placement["HostId"], placement["Tenancy"], placement["Affinity"]) == \
        (host_id, "host", "default")
    found = host(ec2, host_id)
    assert found["AvailableCapacity"]["AvailableVCpus"] == 90
    assert found["AvailableCapacity"]["AvailableInstanceCapacity"][0]["AvailableCapacity"] == 45
    assert sorted(i["InstanceId"] for i in found["Instances"]) == \
        sorted(i["InstanceId"] for i in instances)
    ids = [i["InstanceId"] for i in instances]
    assert ec2.describe_instances(Filters=[{"Name": "host-id", "Values": [host_id]}])[
        "Reservations"][0]["Instances"][0]["InstanceId"] in ids
    ec2.terminate_instances(InstanceIds=ids)
    assert host(ec2, host_id)["AvailableCapacity"]["AvailableVCpus"] == 96
    assert host(ec2, host_id)["Instances"] == []


def test_launch_onto_a_host_is_refused_as_aws_refuses_it(ec2):
    [host_id] = allocate(ec2, InstanceType="m5.12xlarge")
    assert fails(launch, ec2, 1, HostId=MISSING)[0] == "InvalidHostID.NotFound"
    assert fails(launch, ec2, 1, HostId=host_id, InstanceType="m5.large")[0] == \
        "InvalidParameterValue"
    assert fails(launch, ec2, 1, HostId=host_id, Tenancy="dedicated",
                 InstanceType="m5.12xlarge")[0] == "InvalidParameterCombination"
    assert fails(launch, ec2, 3, HostId=host_id, InstanceType="m5.12xlarge")[0] == \
        "InsufficientCapacityOnHost"
    # auto-placement is off: tenancy host without a host id finds no host
    assert fails(launch, ec2, 1, Tenancy="host", InstanceType="m5.12xlarge")[0] == \
        "InsufficientHostCapacity"
    assert ec2.describe_instances()["Reservations"] == []
    assert host(ec2, host_id)["AvailableCapacity"]["AvailableVCpus"] == 96


def test_auto_placement_fills_hosts_that_accept_it(ec2):
    a, b = allocate(ec2, InstanceType="m5.24xlarge", Quantity=2, AutoPlacement="on")
    placed = {launch(ec2, 1, Tenancy="host", InstanceType="m5.24xlarge")[0]["Placement"][
        "HostId"] for _ in range(2)}
    assert placed == {a, b}
    assert fails(launch, ec2, 1, Tenancy="host", InstanceType="m5.24xlarge")[0] == \
        "InsufficientHostCapacity"


def test_stopped_instances_free_capacity_and_start_where_there_is_room(ec2):
    a, b = allocate(ec2, InstanceType="m5.24xlarge", Quantity=2, AutoPlacement="on")
    [first] = launch(ec2, 1, HostId=a, Affinity="host", InstanceType="m5.24xlarge")
    ec2.stop_instances(InstanceIds=[first["InstanceId"]])
    assert host(ec2, a)["AvailableCapacity"]["AvailableVCpus"] == 96
    launch(ec2, 1, HostId=a, InstanceType="m5.24xlarge")          # takes its place
    code, _ = fails(ec2.start_instances, InstanceIds=[first["InstanceId"]])
    assert code == "InsufficientCapacityOnHost"       # affinity host: its host or nowhere
    ec2.modify_instance_placement(InstanceId=first["InstanceId"], Affinity="default")
    ec2.start_instances(InstanceIds=[first["InstanceId"]])
    moved = ec2.describe_instances(InstanceIds=[first["InstanceId"]])["Reservations"][0][
        "Instances"][0]["Placement"]
    assert moved["HostId"] == b and moved["Affinity"] == "default"


def test_modify_instance_placement(ec2):
    a, b = allocate(ec2, InstanceType="m5.large", Quantity=2)
    [inst] = launch(ec2, 1, HostId=a)
    iid = inst["InstanceId"]
    assert fails(ec2.modify_instance_placement, InstanceId=iid, HostId=b)[0] == \
        "IncorrectInstanceState"
    ec2.stop_instances(InstanceIds=[iid])
    assert fails(ec2.modify_instance_placement, InstanceId=iid)[0] == \
        "InvalidParameterCombination"
    assert fails(ec2.modify_instance_placement, InstanceId=iid, HostId=MISSING)[0] == \
        "InvalidHostID.NotFound"
    assert fails(ec2.modify_instance_placement, InstanceId=iid, Tenancy="default")[0] == \
        "InvalidParameterValue"
    assert fails(ec2.modify_instance_placement, InstanceId="i-0123456789abcdef0",
                 HostId=b)[0] == "InvalidInstanceID.NotFound"
    assert ec2.modify_instance_placement(InstanceId=iid, HostId=b, Affinity="host")["Return"]
    placement = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0][
        "Placement"]
    assert (placement["HostId"], placement["Affinity"], placement["Tenancy"]) == \
        (b, "host", "host")
    ec2.modify_instance_placement(InstanceId=iid, Tenancy="dedicated")
    placement = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0][
        "Placement"]
    assert placement["Tenancy"] == "dedicated" and "HostId" not in placement


def test_modify_instance_placement_into_a_placement_group(ec2):
    ec2.create_placement_group(GroupName="parts", Strategy="partition", PartitionCount=3)
    [inst] = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m5.large")[
        "Instances"]
    iid = inst["InstanceId"]
    ec2.stop_instances(InstanceIds=[iid])
    assert fails(ec2.modify_instance_placement, InstanceId=iid, GroupName="nope")[0] == \
        "InvalidPlacementGroup.Unknown"
    assert fails(ec2.modify_instance_placement, InstanceId=iid, GroupName="parts",
                 PartitionNumber=9)[0] == "InvalidParameterValue"
    ec2.modify_instance_placement(InstanceId=iid, GroupName="parts", PartitionNumber=2)
    placement = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0][
        "Placement"]
    assert (placement["GroupName"], placement["PartitionNumber"]) == ("parts", 2)
    ec2.modify_instance_placement(InstanceId=iid, GroupName="")
    placement = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0][
        "Placement"]
    assert placement["GroupName"] == ""


def test_modify_hosts(ec2):
    [host_id] = allocate(ec2)
    answer = ec2.modify_hosts(HostIds=[host_id, MISSING], AutoPlacement="on",
                              HostRecovery="on")
    assert answer["Successful"] == [host_id]
    assert answer["Unsuccessful"][0]["ResourceId"] == MISSING
    assert answer["Unsuccessful"][0]["Error"]["Code"] == "Client.InvalidHostID.NotFound"
    found = host(ec2, host_id)
    assert (found["AutoPlacement"], found["HostRecovery"]) == ("on", "on")
    assert fails(ec2.modify_hosts, HostIds=[host_id])[0] == "MissingParameter"
    assert ec2.modify_hosts(HostIds=[host_id], InstanceFamily="m5")["Successful"] == [host_id]
    assert host(ec2, host_id)["HostProperties"]["InstanceFamily"] == "m5"
    launch(ec2, 1, HostId=host_id, InstanceType="m5.xlarge")
    answer = ec2.modify_hosts(HostIds=[host_id], InstanceType="m5.large")
    assert answer["Successful"] == [] and answer["Unsuccessful"][0]["Error"]["Code"] == \
        "Client.InvalidHostState"


def test_release_hosts(ec2):
    a, b = allocate(ec2, Quantity=2)
    [inst] = launch(ec2, 1, HostId=a)
    answer = ec2.release_hosts(HostIds=[a, b, MISSING])
    assert answer["Successful"] == [b]
    codes = {u["ResourceId"]: u["Error"]["Code"] for u in answer["Unsuccessful"]}
    assert codes[MISSING] == "Client.InvalidHostID.NotFound"
    assert a in codes                          # running instances keep it
    released = host(ec2, b)
    assert released["State"] == "released" and "ReleaseTime" in released
    assert ec2.release_hosts(HostIds=[b])["Unsuccessful"][0]["Error"]["Code"] == \
        "Client.InvalidHostState"
    assert fails(launch, ec2, 1, HostId=b)[0] == "InvalidHostState"
    ec2.stop_instances(InstanceIds=[inst["InstanceId"]])
    assert ec2.release_hosts(HostIds=[a])["Successful"] == [a]


def test_mac_hosts_and_tasks(ec2):
    [mac] = allocate(ec2, InstanceType="mac2.metal")
    allocate(ec2)
    assert host(ec2, mac)["HostProperties"] == {"Cores": 8, "InstanceType": "mac2.metal",
                                                "Sockets": 1, "TotalVCpus": 8}
    macs = ec2.describe_mac_hosts()["MacHosts"]
    assert [m["HostId"] for m in macs] == [mac]
    assert macs[0]["MacOSLatestSupportedVersions"][0] == "15.5"
    assert ec2.describe_mac_hosts(Filters=[{"Name": "instance-type",
                                            "Values": ["mac1.metal"]}])["MacHosts"] == []
    assert fails(ec2.allocate_hosts, AvailabilityZone="us-east-1a", InstanceType="mac1.metal",
                 HostRecovery="on")[0] == "InvalidParameterValue"
    # a Mac host is held at least 24 hours
    assert ec2.release_hosts(HostIds=[mac])["Unsuccessful"][0]["ResourceId"] == mac
    [inst] = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro")[
        "Instances"]
    code, _ = fails(ec2.create_mac_system_integrity_protection_modification_task,
                    InstanceId=inst["InstanceId"], MacSystemIntegrityProtectionStatus="disabled")
    assert code == "InvalidParameterValue"
    assert fails(ec2.create_delegate_mac_volume_ownership_task,
                 InstanceId="i-0123456789abcdef0", MacCredentials="{}")[0] == \
        "InvalidInstanceID.NotFound"
    assert ec2.describe_mac_modification_tasks()["MacModificationTasks"] == []


def test_hosts_over_http(server_ec2):
    [host_id] = allocate(server_ec2, AutoPlacement="on")
    [inst] = launch(server_ec2, 1, Tenancy="host")
    assert inst["Placement"]["HostId"] == host_id
    assert host(server_ec2, host_id)["AvailableCapacity"]["AvailableVCpus"] == 94
    assert fails(server_ec2.describe_hosts, HostIds=[MISSING])[0] == "InvalidHostID.NotFound"
    answer = server_ec2.release_hosts(HostIds=[host_id])
    assert answer["Unsuccessful"][0]["ResourceId"] == host_id
    server_ec2.terminate_instances(InstanceIds=[inst["InstanceId"]])
    assert server_ec2.release_hosts(HostIds=[host_id])["Successful"] == [host_id]
    with pytest.raises(Exception):
        server_ec2.modify_instance_placement(InstanceId=inst["InstanceId"], HostId=host_id)


def test_a_launch_naming_only_a_host_goes_to_its_zone(ec2):
    [host_id] = allocate(ec2, AvailabilityZone="us-east-1c")
    [inst] = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m5.large",
                               Placement={"HostId": host_id})["Instances"]
    assert inst["Placement"]["AvailabilityZone"] == "us-east-1c"
    assert inst["Placement"]["HostId"] == host_id
    subnet = ec2.describe_subnets(SubnetIds=[inst["SubnetId"]])["Subnets"][0]
    assert subnet["AvailabilityZone"] == "us-east-1c"


def test_instances_started_together_share_a_host_s_room(ec2):
    [host_id] = allocate(ec2, InstanceType="m5.24xlarge", AutoPlacement="on")
    launched = launch(ec2, 1, HostId=host_id, InstanceType="m5.24xlarge")
    ec2.stop_instances(InstanceIds=[launched[0]["InstanceId"]])
    ec2.modify_instance_placement(InstanceId=launched[0]["InstanceId"], Affinity="host")
    [other] = allocate(ec2, InstanceType="m5.24xlarge")
    second = launch(ec2, 1, HostId=other, InstanceType="m5.24xlarge", Affinity="host")
    ec2.stop_instances(InstanceIds=[second[0]["InstanceId"]])
    ec2.modify_instance_placement(InstanceId=second[0]["InstanceId"], HostId=host_id)
    ids = [launched[0]["InstanceId"], second[0]["InstanceId"]]
    # one host of room for two instances bound to it: the request fails whole
    assert fails(ec2.start_instances, InstanceIds=ids)[0] == "InsufficientCapacityOnHost"
    states = {i["InstanceId"]: i["State"]["Name"] for r in ec2.describe_instances(
        InstanceIds=ids)["Reservations"] for i in r["Instances"]}
    assert set(states.values()) == {"stopped"}


def test_host_lifecycle_as_terraform_drives_it(ec2):
    """aws_ec2_host: AllocateHosts (Quantity 1, tags), wait for `available`, read by id;
    ModifyHosts then wait again; ReleaseHosts (any Unsuccessful item is an error), then the
    finder reads `released` as gone. aws_instance with host_id launches with tenancy host."""
    [host_id] = ec2.allocate_hosts(
        AvailabilityZone="us-east-1a", InstanceFamily="m5", AutoPlacement="on",
        HostRecovery="on", Quantity=1,
        TagSpecifications=[{"ResourceType": "dedicated-host",
                            "Tags": [{"Key": "Name", "Value": "tf"}]}])["HostIds"]
    assert host(ec2, host_id)["State"] == "available"
    answer = ec2.modify_hosts(HostIds=[host_id], AutoPlacement="off", HostMaintenance="off")
    assert answer["Unsuccessful"] == [] and host(ec2, host_id)["HostMaintenance"] == "off"
    [inst] = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m5.large",
                               Placement={"HostId": host_id, "Tenancy": "host"})["Instances"]
    read = ec2.describe_instances(InstanceIds=[inst["InstanceId"]])["Reservations"][0][
        "Instances"][0]["Placement"]
    assert (read["HostId"], read["Tenancy"]) == (host_id, "host")
    data = ec2.describe_hosts(Filter=[{"Name": "auto-placement", "Values": ["off"]},
                                      {"Name": "tag:Name", "Values": ["tf"]}])["Hosts"]
    assert [h["HostId"] for h in data] == [host_id]
    ec2.terminate_instances(InstanceIds=[inst["InstanceId"]])
    assert ec2.release_hosts(HostIds=[host_id])["Unsuccessful"] == []
    assert host(ec2, host_id)["State"] == "released"
