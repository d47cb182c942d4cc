"""Managed resource visibility, zone-group opt-in and instance topology through boto3,
in-process and against the server."""
from __future__ import annotations

from helpers import fails

AMI = "ami-12c6146b"
SUPPORTED = "p3dn.24xlarge"     # on AWS's list of instance types with a topology
MISSING_INSTANCE = "i-0123456789abcdef0"


def run(ec2, count: int = 1, instance_type: str = SUPPORTED, **kwargs) -> list[str]:
    found = ec2.run_instances(ImageId=AMI, MinCount=count, MaxCount=count,
                              InstanceType=instance_type, **kwargs)["Instances"]
    return [i["InstanceId"] for i in found]


def topology(ec2, **kwargs) -> dict[str, dict]:
    return {i["InstanceId"]: i for i in ec2.describe_instance_topology(**kwargs)["Instances"]}


# -- managed resource visibility -------------------------------------------------------------
def test_visibility_defaults_to_visible_and_is_kept(ec2):
    assert ec2.get_managed_resource_visibility()["Visibility"] == {
        "DefaultVisibility": "visible"}
    answer = ec2.modify_managed_resource_visibility(DefaultVisibility="hidden")
    assert answer["Visibility"] == {"DefaultVisibility": "hidden"}
    assert ec2.get_managed_resource_visibility()["Visibility"]["DefaultVisibility"] == "hidden"


def test_hiding_managed_resources_keeps_requester_managed_interfaces(ec2):
    """A NAT gateway's interface is requester-managed, not operated by a service provider:
    hiding managed resources does not hide it."""
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)
    ec2.modify_managed_resource_visibility(DefaultVisibility="hidden")
    found = ec2.describe_network_interfaces()["NetworkInterfaces"]
    managed = [n for n in found if n["RequesterManaged"]]
    assert len(managed) == 1 and managed[0]["InterfaceType"] == "nat_gateway"
    included = ec2.describe_network_interfaces(IncludeManagedResources=True)
    assert len(included["NetworkInterfaces"]) == len(found)


def test_visibility_refuses_other_values_and_honours_dry_run(ec2):
    code, _ = fails(ec2.modify_managed_resource_visibility, DefaultVisibility="shown")
    assert code == "InvalidParameterValue"
    code, _ = fails(ec2.modify_managed_resource_visibility, DefaultVisibility="hidden",
                    DryRun=True)
    assert code == "DryRunOperation"
    assert ec2.get_managed_resource_visibility()["Visibility"]["DefaultVisibility"] == "visible"


def test_settings_against_server(server_ec2):
    server_ec2.modify_managed_resource_visibility(DefaultVisibility="hidden")
    assert server_ec2.get_managed_resource_visibility()["Visibility"] == {
        "DefaultVisibility": "hidden"}
    group = server_ec2.describe_availability_zones()["AvailabilityZones"][0]["GroupName"]
    assert server_ec2.modify_availability_zone_group(GroupName=group,
                                                     OptInStatus="opted-in")["Return"]
    assert fails(server_ec2.modify_availability_zone_group, GroupName=group,
                 OptInStatus="not-opted-in")[0] == "InvalidOptInStatus"


# -- zone groups ----------------------------------------------------------------------------
def test_opting_in_to_the_region_group_changes_nothing(ec2):
    zone = ec2.describe_availability_zones()["AvailabilityZones"][0]
    assert ec2.modify_availability_zone_group(GroupName=zone["GroupName"],
                                              OptInStatus="opted-in")["Return"] is True
    again = ec2.describe_availability_zones()["AvailabilityZones"][0]
    assert again["OptInStatus"] == "opt-in-not-required"


def test_opting_out_and_unknown_groups_are_refused(ec2):
    group = ec2.describe_availability_zones()["AvailabilityZones"][0]["GroupName"]
    code, message = fails(ec2.modify_availability_zone_group, GroupName=group,
                          OptInStatus="not-opted-in")
    assert code == "InvalidOptInStatus" and "Contact AWS Support" in message
    code, message = fails(ec2.modify_availability_zone_group, GroupName="us-west-2-lax-1",
                          OptInStatus="opted-in")
    assert code == "InvalidParameterValue" and "us-west-2-lax-1" in message
    code, _ = fails(ec2.modify_availability_zone_group, GroupName=group,
                    OptInStatus="maybe")
    assert code == "InvalidParameterValue"


# -- instance topology -----------------------------------------------------------------------
def test_topology_lists_supported_running_instances_only(ec2):
    [supported] = run(ec2)
    [small] = run(ec2, instance_type="t3.micro")
    [stopped] = run(ec2)
    ec2.stop_instances(InstanceIds=[stopped])
    found = topology(ec2)
    assert list(found) == [supported]
    item = found[supported]
    assert item["InstanceType"] == SUPPORTED
    assert item["AvailabilityZone"] == "us-east-1a" and item["ZoneId"] == "use1-az1"
    assert len(item["NetworkNodes"]) == 3
    assert all(n.startswith("nn-") and len(n) == 20 for n in item["NetworkNodes"])
    assert "GroupName" not in item
    assert small not in topology(ec2, InstanceIds=[small])


def test_a_cluster_group_shares_its_nodes(ec2):
    ec2.create_placement_group(GroupName="hpc", Strategy="cluster")
    pair = run(ec2, 2, Placement={"GroupName": "hpc"})
    [alone] = run(ec2)
    found = topology(ec2)
    first, second = (found[i]["NetworkNodes"] for i in pair)
    assert first == second
    assert found[pair[0]]["GroupName"] == "hpc"
    other = found[alone]["NetworkNodes"]
    assert other[0] == first[0] and other[1:] != first[1:] and other[2] != first[2]
    assert list(topology(ec2, GroupNames=["hpc"])) == pair
    assert topology(ec2) == found    # deterministic


def test_topology_filters_and_pages(ec2):
    ids = run(ec2, 3)
    assert list(topology(ec2, Filters=[{"Name": "instance-type", "Values": ["p3dn*"]}])) == ids
    assert topology(ec2, Filters=[{"Name": "zone-id", "Values": ["use1-az2"]}]) == {}
    assert list(topology(ec2, Filters=[{"Name": "availability-zone",
                                        "Values": ["us-east-1a"]}])) == ids
    first = ec2.describe_instance_topology(MaxResults=2)
    assert [i["InstanceId"] for i in first["Instances"]] == ids[:2]
    rest = ec2.describe_instance_topology(MaxResults=2, NextToken=first["NextToken"])
    assert [i["InstanceId"] for i in rest["Instances"]] == ids[2:]
    assert not rest.get("NextToken")


def test_topology_errors(ec2):
    [iid] = run(ec2)
    assert fails(ec2.describe_instance_topology, InstanceIds=[MISSING_INSTANCE])[0] == \
        "InvalidInstanceID.NotFound"
    assert fails(ec2.describe_instance_topology, InstanceIds=["i-bad"])[0] == \
        "InvalidInstanceID.Malformed"
    assert fails(ec2.describe_instance_topology, GroupNames=["nope"])[0] == \
        "InvalidPlacementGroup.Unknown"
    assert fails(ec2.describe_instance_topology, InstanceIds=[iid], MaxResults=5)[0] == \
        "InvalidParameterCombination"
    assert fails(ec2.describe_instance_topology, MaxResults=101)[0] == "InvalidParameterValue"
    assert fails(ec2.describe_instance_topology,
                 Filters=[{"Name": "vpc-id", "Values": ["x"]}])[0] == "InvalidParameterValue"
    assert fails(ec2.describe_instance_topology, NextToken="garbage")[0] == \
        "InvalidPaginationToken"
    assert fails(ec2.describe_instance_topology, DryRun=True)[0] == "DryRunOperation"


def test_topology_against_server(server_ec2):
    server_ec2.create_placement_group(GroupName="tight", Strategy="cluster")
    ids = run(server_ec2, 2, Placement={"GroupName": "tight"})
    found = topology(server_ec2, InstanceIds=ids)
    assert sorted(found) == sorted(ids)
    assert len({tuple(i["NetworkNodes"]) for i in found.values()}) == 1
