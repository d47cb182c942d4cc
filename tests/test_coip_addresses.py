"""Customer-owned IP addresses through boto3: AllocateAddress from a CoIP pool of an Outpost's
`coip` local gateway route table, the address described, associated and released, the pool's
usage, and the pool's ranges kept while addresses are allocated from them; in-process and
against `ec2sim serve`."""
from __future__ import annotations

import json
import urllib.request
from typing import Any

import boto3
import pytest

from helpers import fails
from topology.provision import state

ZONE = "us-east-1a"
RANGE = "100.64.0.0/30"


def _pool(ec2: Any, table: str, cidr: str = RANGE) -> str:
    pool = ec2.create_coip_pool(LocalGatewayRouteTableId=table)["CoipPool"]["PoolId"]
    ec2.create_coip_cidr(CoipPoolId=pool, Cidr=cidr)
    return pool


@pytest.fixture
def site(mock: Any, ec2: Any) -> dict[str, Any]:
    """An Outpost whose default local gateway route table is in `coip` mode, a CoIP pool of
    it with four addresses, and a subnet of a VPC on the Outpost with an instance."""
    made = mock.outpost({"AvailabilityZone": ZONE, "RouteTableMode": "coip"})
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone=ZONE,
                               OutpostArn=made["OutpostArn"])["Subnet"]["SubnetId"]
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                                 SubnetId=subnet)["Instances"][0]["InstanceId"]
    pool = _pool(ec2, made["LocalGatewayRouteTableId"])
    return {**made, "pool": pool, "vpc": vpc, "instance": instance}


def test_allocate_from_the_pool(ec2, site):
    made = ec2.allocate_address(CustomerOwnedIpv4Pool=site["pool"], Domain="vpc",
                                TagSpecifications=[{"ResourceType": "elastic-ip",
                                                    "Tags": [{"Key": "k", "Value": "v"}]}])
    assert made["CustomerOwnedIp"] == "100.64.0.0"
    assert made["CustomerOwnedIpv4Pool"] == site["pool"]
    assert made["AllocationId"].startswith("eipalloc-")
    assert set(made) - {"ResponseMetadata"} == {"CustomerOwnedIp", "AllocationId",
                                                "CustomerOwnedIpv4Pool"}
    second = ec2.allocate_address(CustomerOwnedIpv4Pool=site["pool"])
    assert second["CustomerOwnedIp"] == "100.64.0.1"        # no address handed out twice
    chosen = ec2.allocate_address(CustomerOwnedIpv4Pool=site["pool"], Address="100.64.0.3")
    assert chosen["CustomerOwnedIp"] == "100.64.0.3"
    listed = ec2.describe_addresses(AllocationIds=[made["AllocationId"]])["Addresses"][0]
    assert listed["CustomerOwnedIp"] == "100.64.0.0"
    assert listed["CustomerOwnedIpv4Pool"] == site["pool"] and listed["Domain"] == "vpc"
    assert listed["Tags"] == [{"Key": "k", "Value": "v"}] and "PublicIp" not in listed
    by_tag = ec2.describe_addresses(Filters=[{"Name": "tag:k", "Values": ["v"]}])["Addresses"]
    assert [a["AllocationId"] for a in by_tag] == [made["AllocationId"]]


def test_usage_lists_the_allocations(ec2, site):
    first = ec2.allocate_address(CustomerOwnedIpv4Pool=site["pool"])["AllocationId"]
    second = ec2.allocate_address(CustomerOwnedIpv4Pool=site["pool"])["AllocationId"]
    usage = ec2.get_coip_pool_usage(PoolId=site["pool"])
    assert usage["CoipAddressUsages"] == [
        {"AllocationId": first, "AwsAccountId": "123456789012", "CoIp": "100.64.0.0"},
        {"AllocationId": second, "AwsAccountId": "123456789012", "CoIp": "100.64.0.1"}]
    assert usage["LocalGatewayRouteTableId"] == site["LocalGatewayRouteTableId"]
    picked = ec2.get_coip_pool_usage(PoolId=site["pool"], Filters=[
        {"Name": "coip-address-usage.co-ip", "Values": ["100.64.0.1"]}])["CoipAddressUsages"]
    assert [u["AllocationId"] for u in picked] == [second]
    ec2.release_address(AllocationId=first)
    assert [u["AllocationId"] for u in ec2.get_coip_pool_usage(PoolId=site["pool"])[
        "CoipAddressUsages"]] == [second]
    again = ec2.allocate_address(CustomerOwnedIpv4Pool=site["pool"])   # released: free again
    assert again["CustomerOwnedIp"] == "100.64.0.0"


def test_bad_allocations(ec2, site):
    assert fails(ec2.allocate_address, CustomerOwnedIpv4Pool="ipv4pool-coip-0123456789abcdef0"
                 )[0] == "InvalidCoipPoolId.NotFound"
    assert fails(ec2.allocate_address, CustomerOwnedIpv4Pool=site["pool"],
                 Address="100.64.1.1")[0] == "InvalidParameterValue"
    assert fails(ec2.allocate_address, CustomerOwnedIpv4Pool=site["pool"],
                 Address="nope")[0] == "InvalidParameterValue"
    assert fails(ec2.allocate_address, CustomerOwnedIpv4Pool=site["pool"],
                 PublicIpv4Pool="amazon")[0] == "InvalidParameterCombination"
    assert fails(ec2.allocate_address, CustomerOwnedIpv4Pool=site["pool"], DryRun=True)[0] == \
        "DryRunOperation"
    assert ec2.describe_addresses()["Addresses"] == []
    ec2.allocate_address(CustomerOwnedIpv4Pool=site["pool"], Address="100.64.0.2")
    assert fails(ec2.allocate_address, CustomerOwnedIpv4Pool=site["pool"],
                 Address="100.64.0.2")[0] == "InvalidAddress.InUse"
    for _ in range(3):
        ec2.allocate_address(CustomerOwnedIpv4Pool=site["pool"])
    assert fails(ec2.allocate_address, CustomerOwnedIpv4Pool=site["pool"])[0] == \
        "InsufficientAddressCapacity"
    assert len(ec2.describe_addresses()["Addresses"]) == 4


def test_customer_owned_addresses_are_not_in_the_elastic_ip_quota(ec2, site):
    ec2.create_coip_cidr(CoipPoolId=site["pool"], Cidr="100.64.1.0/29")
    for _ in range(6):
        ec2.allocate_address(CustomerOwnedIpv4Pool=site["pool"])
    for _ in range(5):
        assert ec2.allocate_address(Domain="vpc")["PublicIp"]


def test_associate_and_release(ec2, site):
    alloc = ec2.allocate_address(CustomerOwnedIpv4Pool=site["pool"])["AllocationId"]
    assoc = ec2.associate_address(AllocationId=alloc, InstanceId=site["instance"])[
        "AssociationId"]      # no internet gateway needed: the address is on-premises
    listed = ec2.describe_addresses(AllocationIds=[alloc])["Addresses"][0]
    assert listed["AssociationId"] == assoc and listed["InstanceId"] == site["instance"]
    assert listed["CustomerOwnedIp"] == "100.64.0.0" and "PublicIp" not in listed
    found = ec2.describe_addresses(Filters=[{"Name": "instance-id",
                                             "Values": [site["instance"]]}])["Addresses"]
    assert [a["AllocationId"] for a in found] == [alloc]
    instance = ec2.describe_instances(InstanceIds=[site["instance"]])["Reservations"][0][
        "Instances"][0]
    assert "PublicIpAddress" not in instance     # a customer-owned address is not public
    eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[listed["NetworkInterfaceId"]])[
        "NetworkInterfaces"][0]
    assert eni["Association"] == {"IpOwnerId": "123456789012", "CustomerOwnedIp": "100.64.0.0",
                                  "AllocationId": alloc, "AssociationId": assoc}
    assert instance["NetworkInterfaces"][0]["Association"] == {
        "IpOwnerId": "123456789012", "CustomerOwnedIp": "100.64.0.0"}
    assert fails(ec2.release_address, AllocationId=alloc)[0] == "InvalidIPAddress.InUse"
    ec2.disassociate_address(AssociationId=assoc)
    assert "AssociationId" not in ec2.describe_addresses(AllocationIds=[alloc])["Addresses"][0]
    ec2.release_address(AllocationId=alloc)
    assert ec2.describe_addresses()["Addresses"] == []
    assert ec2.get_coip_pool_usage(PoolId=site["pool"])["CoipAddressUsages"] == []


def test_ranges_and_pools_kept_while_addresses_are_allocated(ec2, site):
    ec2.create_coip_cidr(CoipPoolId=site["pool"], Cidr="100.64.2.0/30")
    alloc = ec2.allocate_address(CustomerOwnedIpv4Pool=site["pool"])["AllocationId"]
    assert fails(ec2.delete_coip_cidr, CoipPoolId=site["pool"], Cidr=RANGE)[0] == \
        "DependencyViolation"
    ec2.delete_coip_cidr(CoipPoolId=site["pool"], Cidr="100.64.2.0/30")   # none from it
    assert fails(ec2.delete_coip_pool, CoipPoolId=site["pool"])[0] == "DependencyViolation"
    pool = ec2.describe_coip_pools(PoolIds=[site["pool"]])["CoipPools"][0]
    assert pool["PoolCidrs"] == [RANGE]
    ec2.release_address(AllocationId=alloc)
    ec2.delete_coip_cidr(CoipPoolId=site["pool"], Cidr=RANGE)
    assert ec2.delete_coip_pool(CoipPoolId=site["pool"])["CoipPool"]["PoolId"] == site["pool"]


# -- against the server ----------------------------------------------------------------------
def test_against_the_server(server_ec2, server_url):
    request = urllib.request.Request(
        server_url + "/_ec2sim/outposts", method="POST",
        data=json.dumps({"AvailabilityZone": ZONE, "RouteTableMode": "coip"}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        made = json.loads(answer.read())
    pool = _pool(server_ec2, made["LocalGatewayRouteTableId"], "100.64.0.0/31")
    first = server_ec2.allocate_address(CustomerOwnedIpv4Pool=pool)
    assert (first["CustomerOwnedIp"], first["CustomerOwnedIpv4Pool"]) == ("100.64.0.0", pool)
    server_ec2.allocate_address(CustomerOwnedIpv4Pool=pool)
    assert fails(server_ec2.allocate_address, CustomerOwnedIpv4Pool=pool)[0] == \
        "InsufficientAddressCapacity"
    usage = server_ec2.get_coip_pool_usage(PoolId=pool)["CoipAddressUsages"]
    assert [u["CoIp"] for u in usage] == ["100.64.0.0", "100.64.0.1"]
    assert fails(server_ec2.delete_coip_pool, CoipPoolId=pool)[0] == "DependencyViolation"
    server_ec2.release_address(AllocationId=first["AllocationId"])
    listed = server_ec2.describe_addresses()["Addresses"]
    assert [a["CustomerOwnedIp"] for a in listed] == ["100.64.0.1"]


def test_a_participant_allocates_from_a_shared_pool(ec2, site, mock):
    participant = "111122223333"
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id=participant,
                         aws_secret_access_key="testing")
    assert fails(other.allocate_address, CustomerOwnedIpv4Pool=site["pool"])[0] == \
        "InvalidCoipPoolId.NotFound"
    mock.share(site["pool"], [participant])
    theirs = other.allocate_address(CustomerOwnedIpv4Pool=site["pool"])["AllocationId"]
    mine = ec2.allocate_address(CustomerOwnedIpv4Pool=site["pool"])["AllocationId"]
    usage = ec2.get_coip_pool_usage(PoolId=site["pool"])["CoipAddressUsages"]
    assert [(u["AllocationId"], u["AwsAccountId"], u["CoIp"]) for u in usage] == [
        (theirs, participant, "100.64.0.0"), (mine, "123456789012", "100.64.0.1")]
    assert [a["AllocationId"] for a in other.describe_addresses()["Addresses"]] == [theirs]
    assert fails(ec2.delete_coip_pool, CoipPoolId=site["pool"])[0] == "DependencyViolation"
    other.release_address(AllocationId=theirs)
    assert [u["AllocationId"] for u in ec2.get_coip_pool_usage(PoolId=site["pool"])[
        "CoipAddressUsages"]] == [mine]


def test_a_snapshot_keeps_the_allocations(ec2, site, mock):
    alloc = ec2.allocate_address(CustomerOwnedIpv4Pool=site["pool"])["AllocationId"]
    ec2.associate_address(AllocationId=alloc, InstanceId=site["instance"])
    saved = state.dump(mock.world)
    mock.reset()
    state.load_into(mock.world, saved)
    listed = ec2.describe_addresses()["Addresses"]
    assert [(a["AllocationId"], a["CustomerOwnedIp"], a["InstanceId"]) for a in listed] == [
        (alloc, "100.64.0.0", site["instance"])]
    assert ec2.allocate_address(CustomerOwnedIpv4Pool=site["pool"])["CustomerOwnedIp"] == \
        "100.64.0.1"
    assert [u["AllocationId"] for u in ec2.get_coip_pool_usage(PoolId=site["pool"])[
        "CoipAddressUsages"]][0] == alloc


def test_only_public_addresses_serve_nat_gateways_transfers_and_reverse_dns(ec2, site):
    alloc = ec2.allocate_address(CustomerOwnedIpv4Pool=site["pool"])["AllocationId"]
    subnet = ec2.create_subnet(VpcId=site["vpc"], CidrBlock="10.0.2.0/24",
                               AvailabilityZone=ZONE)["Subnet"]["SubnetId"]
    assert fails(ec2.create_nat_gateway, SubnetId=subnet, AllocationId=alloc)[0] == \
        "InvalidParameterValue"
    assert ec2.describe_nat_gateways()["NatGateways"] == []
    assert fails(ec2.enable_address_transfer, AllocationId=alloc,
                 TransferAccountId="111122223333")[0] == "InvalidParameterValue"
    assert fails(ec2.modify_address_attribute, AllocationId=alloc,
                 DomainName="www.example.com")[0] == "InvalidParameterValue"
    assert ec2.describe_addresses_attribute(Attribute="domain-name")["Addresses"] == []
