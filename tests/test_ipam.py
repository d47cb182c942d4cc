"""IPAM through boto3: IPAMs, scopes, pools, pool CIDRs, allocations, and VPCs and subnets
whose CIDRs come from a pool; in-process and against `ec2sim serve`."""
from __future__ import annotations

import json
import random
from typing import Any

import boto3
import pytest
from netaddr import IPNetwork

from api import mock_ec2
from helpers import fails
from topology.provision import state

MISSING_POOL = "ipam-pool-0123456789abcdef0"


def make_ipam(ec2: Any, **kwargs: Any) -> dict[str, Any]:
    return ec2.create_ipam(**kwargs)["Ipam"]


def make_pool(ec2: Any, scope: str, cidr: str | None = "10.0.0.0/8", **kwargs: Any) -> str:
    kwargs.setdefault("AddressFamily", "ipv4")
    pool = ec2.create_ipam_pool(IpamScopeId=scope, **kwargs)["IpamPool"]["IpamPoolId"]
    if cidr:
        ec2.provision_ipam_pool_cidr(IpamPoolId=pool, Cidr=cidr)
    return pool


@pytest.fixture
def ipam(ec2: Any) -> dict[str, Any]:
    return make_ipam(ec2, OperatingRegions=[{"RegionName": "us-west-2"}])


@pytest.fixture
def pool(ec2: Any, ipam: dict[str, Any]) -> str:
    """A pool of us-east-1 with 10.0.0.0/15 provisioned."""
    return make_pool(ec2, ipam["PrivateDefaultScopeId"], "10.0.0.0/15", Locale="us-east-1")


# -- IPAMs and scopes -------------------------------------------------------------------------
def test_create_ipam_makes_default_scopes_and_discovery(ec2):
    ipam = make_ipam(ec2, Description="corp", TagSpecifications=[
        {"ResourceType": "ipam", "Tags": [{"Key": "Name", "Value": "main"}]}])
    assert ipam["State"] == "create-in-progress"
    assert ipam["OperatingRegions"] == [{"RegionName": "us-east-1"}]
    assert (ipam["Tier"], ipam["ScopeCount"], ipam["IpamRegion"]) == ("advanced", 2, "us-east-1")
    assert ipam["IpamArn"] == f"arn:aws:ec2::123456789012:ipam/{ipam['IpamId']}"
    described = ec2.describe_ipams(IpamIds=[ipam["IpamId"]])["Ipams"][0]
    assert described["State"] == "create-complete"
    assert described["Tags"] == [{"Key": "Name", "Value": "main"}]
    scopes = {s["IpamScopeId"]: s for s in ec2.describe_ipam_scopes()["IpamScopes"]}
    assert scopes[ipam["PrivateDefaultScopeId"]]["IpamScopeType"] == "private"
    assert scopes[ipam["PublicDefaultScopeId"]]["IpamScopeType"] == "public"
    assert all(s["IsDefault"] and s["State"] == "create-complete" for s in scopes.values())
    disco = ec2.describe_ipam_resource_discoveries()["IpamResourceDiscoveries"]
    assert [d["IpamResourceDiscoveryId"] for d in disco] == [ipam["DefaultResourceDiscoveryId"]]
    assert disco[0]["IsDefault"]
    assoc = ec2.describe_ipam_resource_discovery_associations()[
        "IpamResourceDiscoveryAssociations"]
    assert assoc[0]["IpamResourceDiscoveryAssociationId"] == \
        ipam["DefaultResourceDiscoveryAssociationId"]
    assert (assoc[0]["IpamId"], assoc[0]["State"]) == (ipam["IpamId"], "associate-complete")


def test_operating_regions_must_exist_and_keep_the_home_region(ec2, ipam):
    assert fails(ec2.create_ipam, OperatingRegions=[{"RegionName": "mars-1"}])[0] == \
        "InvalidParameterValue"
    assert [r["RegionName"] for r in ipam["OperatingRegions"]] == ["us-east-1", "us-west-2"]
    code, _ = fails(ec2.modify_ipam, IpamId=ipam["IpamId"],
                    RemoveOperatingRegions=[{"RegionName": "us-east-1"}])
    assert code == "InvalidParameterValue"
    changed = ec2.modify_ipam(IpamId=ipam["IpamId"], Tier="free",
                              AddOperatingRegions=[{"RegionName": "eu-west-1"}],
                              RemoveOperatingRegions=[{"RegionName": "us-west-2"}])["Ipam"]
    assert changed["State"] == "modify-in-progress"
    assert [r["RegionName"] for r in changed["OperatingRegions"]] == ["us-east-1", "eu-west-1"]
    assert ec2.describe_ipams(Filters=[{"Name": "tier", "Values": ["free"]}])["Ipams"][0][
        "State"] == "modify-complete"
    disco = ec2.describe_ipam_resource_discoveries(
        IpamResourceDiscoveryIds=[ipam["DefaultResourceDiscoveryId"]])["IpamResourceDiscoveries"]
    assert [r["RegionName"] for r in disco[0]["OperatingRegions"]] == ["us-east-1", "eu-west-1"]


def test_scopes_create_modify_delete(ec2, ipam):
    scope = ec2.create_ipam_scope(IpamId=ipam["IpamId"], Description="lab")["IpamScope"]
    assert (scope["IpamScopeType"], scope["IsDefault"], scope["State"]) == \
        ("private", False, "create-in-progress")
    assert ec2.modify_ipam_scope(IpamScopeId=scope["IpamScopeId"], Description="dev")[
        "IpamScope"]["Description"] == "dev"
    assert ec2.describe_ipams()["Ipams"][0]["ScopeCount"] == 3
    assert fails(ec2.delete_ipam_scope, IpamScopeId=ipam["PrivateDefaultScopeId"])[0] == \
        "InvalidParameterValue"
    make_pool(ec2, scope["IpamScopeId"], None)
    assert fails(ec2.delete_ipam_scope, IpamScopeId=scope["IpamScopeId"])[0] == \
        "DependencyViolation"
    assert fails(ec2.create_ipam_scope, IpamId="ipam-0123456789abcdef0") == (
        "InvalidIpamId.NotFound", "The ipam ID 'ipam-0123456789abcdef0' does not exist")


def test_delete_ipam_needs_cascade_for_pools(ec2, ipam, pool):
    code, message = fails(ec2.delete_ipam, IpamId=ipam["IpamId"])
    assert code == "DependencyViolation"
    ec2.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16)
    assert ec2.delete_ipam(IpamId=ipam["IpamId"], Cascade=True)["Ipam"]["State"] == \
        "delete-in-progress"
    assert ec2.describe_ipams()["Ipams"] == []
    assert ec2.describe_ipam_pools()["IpamPools"] == []
    assert ec2.describe_ipam_scopes()["IpamScopes"] == []
    assert ec2.describe_ipam_resource_discoveries()["IpamResourceDiscoveries"] == []
    assert ec2.describe_ipam_pool_allocations()["IpamPoolAllocations"] == []


# -- pools ------------------------------------------------------------------------------------
def test_pool_hierarchy(ec2, ipam):
    scope = ipam["PrivateDefaultScopeId"]
    top = make_pool(ec2, scope, "10.0.0.0/8", Description="top")
    region = ec2.create_ipam_pool(IpamScopeId=scope, AddressFamily="ipv4",
                                  SourceIpamPoolId=top, Locale="us-west-2",
                                  AllocationMinNetmaskLength=16,
                                  AllocationMaxNetmaskLength=24,
                                  AllocationDefaultNetmaskLength=20)["IpamPool"]
    assert (region["PoolDepth"], region["Locale"], region["State"]) == \
        (2, "us-west-2", "create-in-progress")
    assert region["SourceIpamPoolId"] == top
    provisioned = ec2.provision_ipam_pool_cidr(IpamPoolId=region["IpamPoolId"],
                                               NetmaskLength=12)["IpamPoolCidr"]
    assert (provisioned["Cidr"], provisioned["State"]) == ("10.0.0.0/12", "pending-provision")
    parent = ec2.get_ipam_pool_allocations(IpamPoolId=top)["IpamPoolAllocations"]
    assert [(a["Cidr"], a["ResourceType"], a["ResourceId"]) for a in parent] == [
        ("10.0.0.0/12", "ipam-pool", region["IpamPoolId"])]
    described = ec2.describe_ipam_pools(Filters=[{"Name": "locale",
                                                  "Values": ["us-west-2"]}])["IpamPools"]
    assert [p["IpamPoolId"] for p in described] == [region["IpamPoolId"]]
    assert described[0]["State"] == "create-complete"
    assert {p["Locale"] for p in ec2.describe_ipam_pools()["IpamPools"]} == {"None",
                                                                             "us-west-2"}


def test_pool_rules_are_checked(ec2, ipam):
    scope = ipam["PrivateDefaultScopeId"]
    assert fails(ec2.create_ipam_pool, IpamScopeId=scope, AddressFamily="ipv4",
                 Locale="eu-west-1")[0] == "InvalidParameterValue"
    assert fails(ec2.create_ipam_pool, IpamScopeId=scope, AddressFamily="ipv4",
                 AllocationMinNetmaskLength=24, AllocationMaxNetmaskLength=16)[0] == \
        "InvalidParameterValue"
    assert fails(ec2.create_ipam_pool, IpamScopeId=scope, AddressFamily="ipv4",
                 AllocationMaxNetmaskLength=33)[0] == "InvalidParameterValue"
    assert fails(ec2.create_ipam_pool, IpamScopeId=scope, AddressFamily="ipv4",
                 PubliclyAdvertisable=True) == (
        "InvalidParameterCombination", "The request can only contain PubliclyAdvertisable if "
        "the AddressFamily is IPv6 and PublicIpSource is byoip.")
    v6 = make_pool(ec2, scope, None, AddressFamily="ipv6")
    assert fails(ec2.create_ipam_pool, IpamScopeId=scope, AddressFamily="ipv4",
                 SourceIpamPoolId=v6)[0] == "InvalidParameterValue"
    assert fails(ec2.create_ipam_pool, IpamScopeId="ipam-scope-0123456789abcdef0",
                 AddressFamily="ipv4")[0] == "InvalidIpamScopeId.NotFound"
    assert ec2.describe_ipam_pools()["IpamPools"][0]["IpamPoolId"] == v6


def test_modify_pool(ec2, pool):
    changed = ec2.modify_ipam_pool(IpamPoolId=pool, AllocationDefaultNetmaskLength=24,
                                   AddAllocationResourceTags=[{"Key": "env", "Value": "prod"}])
    assert changed["IpamPool"]["AllocationDefaultNetmaskLength"] == 24
    assert changed["IpamPool"]["AllocationResourceTags"] == [{"Key": "env", "Value": "prod"}]
    cleared = ec2.modify_ipam_pool(IpamPoolId=pool, ClearAllocationDefaultNetmaskLength=True,
                                   RemoveAllocationResourceTags=[{"Key": "env",
                                                                  "Value": "prod"}])["IpamPool"]
    assert "AllocationDefaultNetmaskLength" not in cleared
    assert cleared["AllocationResourceTags"] == []
    assert fails(ec2.modify_ipam_pool, IpamPoolId=pool) == (
        "InvalidParameterCombination", "The request must contain a modification to the ipam pool")


def test_delete_pool_with_cidrs_needs_cascade(ec2, pool):
    assert fails(ec2.delete_ipam_pool, IpamPoolId=pool) == (
        "DependencyViolation", f"The specified action is not valid for {pool}. There are one "
        "or more pool cidrs provisioned in the pool.")
    assert ec2.delete_ipam_pool(IpamPoolId=pool, Cascade=True)["IpamPool"]["State"] == \
        "delete-in-progress"
    assert fails(ec2.describe_ipam_pools, IpamPoolIds=[pool])[0] == "InvalidIpamPoolId.NotFound"


# -- pool CIDRs -------------------------------------------------------------------------------
def test_provision_and_deprovision(ec2, ipam):
    pool = make_pool(ec2, ipam["PrivateDefaultScopeId"], None, Locale="us-east-1")
    ec2.provision_ipam_pool_cidr(IpamPoolId=pool, Cidr="10.0.0.0/16")
    ec2.provision_ipam_pool_cidr(IpamPoolId=pool, Cidr="192.168.0.0/16")
    assert fails(ec2.provision_ipam_pool_cidr, IpamPoolId=pool, Cidr="10.0.128.0/17")[0] == \
        "InvalidParameterValue"
    assert fails(ec2.provision_ipam_pool_cidr, IpamPoolId=pool, Cidr="10.0.0.1/16")[0] == \
        "InvalidParameterValue"
    other = make_pool(ec2, ipam["PrivateDefaultScopeId"], None)
    assert fails(ec2.provision_ipam_pool_cidr, IpamPoolId=other, Cidr="10.0.0.0/8")[0] == \
        "InvalidParameterValue"   # overlaps a top-level pool of the same scope
    assert fails(ec2.provision_ipam_pool_cidr, IpamPoolId=other, NetmaskLength=16)[0] == \
        "InvalidParameterCombination"
    vpc = ec2.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16)["Vpc"]
    held = ec2.deprovision_ipam_pool_cidr(IpamPoolId=pool, Cidr=vpc["CidrBlock"])["IpamPoolCidr"]
    assert held["State"] == "pending-deprovision"      # accepted; it fails (allocations)
    failed = ec2.get_ipam_pool_cidrs(IpamPoolId=pool, Filters=[
        {"Name": "cidr", "Values": [vpc["CidrBlock"]]}])["IpamPoolCidrs"]
    assert [(c["State"], c["FailureReason"]["Message"]) for c in failed] == [
        ("failed-deprovision", "The CIDR has one or more allocations.")]
    answer = ec2.deprovision_ipam_pool_cidr(IpamPoolId=pool, Cidr="192.168.0.0/16" if
                                            vpc["CidrBlock"] == "10.0.0.0/16" else
                                            "10.0.0.0/16")["IpamPoolCidr"]
    assert answer["State"] == "pending-deprovision"
    states = {c["Cidr"]: c["State"] for c in ec2.get_ipam_pool_cidrs(IpamPoolId=pool)[
        "IpamPoolCidrs"]}
    assert sorted(states.values()) == ["deprovisioned", "failed-deprovision"]
    found = ec2.get_ipam_pool_cidrs(IpamPoolId=pool, Filters=[
        {"Name": "state", "Values": ["failed-deprovision"]}])["IpamPoolCidrs"]
    assert [c["Cidr"] for c in found] == [vpc["CidrBlock"]]
    ec2.delete_vpc(VpcId=vpc["VpcId"])      # the allocation gone, deprovisioning succeeds
    ec2.deprovision_ipam_pool_cidr(IpamPoolId=pool, Cidr=vpc["CidrBlock"])
    again = ec2.provision_ipam_pool_cidr(IpamPoolId=pool, Cidr=vpc["CidrBlock"])["IpamPoolCidr"]
    rows = ec2.get_ipam_pool_cidrs(IpamPoolId=pool, Filters=[
        {"Name": "cidr", "Values": [vpc["CidrBlock"]]}])["IpamPoolCidrs"]   # Terraform: one
    assert [(c["IpamPoolCidrId"], c["State"]) for c in rows] == [
        (again["IpamPoolCidrId"], "provisioned")]
    assert fails(ec2.get_ipam_pool_cidrs, IpamPoolId=MISSING_POOL)[0] == \
        "InvalidIpamPoolId.NotFound"


# -- allocations ------------------------------------------------------------------------------
def test_allocations_are_smallest_fit_and_never_overlap(ec2, ipam):
    pool = make_pool(ec2, ipam["PrivateDefaultScopeId"], "10.0.0.0/16")
    ec2.provision_ipam_pool_cidr(IpamPoolId=pool, Cidr="10.9.0.0/24")
    first = ec2.allocate_ipam_pool_cidr(IpamPoolId=pool, NetmaskLength=24, Description="a",
                                        TagSpecifications=[{
                                            "ResourceType": "ipam-pool-allocation",
                                            "Tags": [{"Key": "k", "Value": "v"}]}])[
        "IpamPoolAllocation"]
    assert first["Cidr"] == "10.9.0.0/24"           # the small block goes first
    assert (first["ResourceType"], first["Tags"]) == ("custom", [{"Key": "k", "Value": "v"}])
    cidrs = [ec2.allocate_ipam_pool_cidr(IpamPoolId=pool, NetmaskLength=n)[
        "IpamPoolAllocation"]["Cidr"] for n in (20, 24, 18, 24)]
    nets = [IPNetwork(c) for c in [first["Cidr"], *cidrs]]
    assert all(a == b or not (a in b or b in a) for a in nets for b in nets)
    preview = ec2.allocate_ipam_pool_cidr(IpamPoolId=pool, NetmaskLength=24,
                                          PreviewNextCidr=True)["IpamPoolAllocation"]
    assert "IpamPoolAllocationId" not in preview
    assert len(ec2.get_ipam_pool_allocations(IpamPoolId=pool)["IpamPoolAllocations"]) == 5
    avoided = ec2.allocate_ipam_pool_cidr(IpamPoolId=pool, NetmaskLength=24,
                                          DisallowedCidrs=[preview["Cidr"]])[
        "IpamPoolAllocation"]["Cidr"]
    assert avoided != preview["Cidr"]
    exact = ec2.allocate_ipam_pool_cidr(IpamPoolId=pool, Cidr="10.0.255.0/24")[
        "IpamPoolAllocation"]
    assert fails(ec2.allocate_ipam_pool_cidr, IpamPoolId=pool, Cidr="10.0.255.128/25")[0] == \
        "InvalidParameterValue"
    assert ec2.release_ipam_pool_allocation(IpamPoolId=pool, Cidr=exact["Cidr"],
                                            IpamPoolAllocationId=exact[
                                                "IpamPoolAllocationId"])["Success"]
    again = ec2.allocate_ipam_pool_cidr(IpamPoolId=pool, Cidr="10.0.255.128/25")
    assert again["IpamPoolAllocation"]["Cidr"] == "10.0.255.128/25"


def test_allocation_errors(ec2, ipam):
    pool = make_pool(ec2, ipam["PrivateDefaultScopeId"], "10.0.0.0/24",
                     AllocationMinNetmaskLength=25, AllocationMaxNetmaskLength=28)
    assert fails(ec2.allocate_ipam_pool_cidr, IpamPoolId=pool) == (
        "InvalidParameterCombination", "The request cannot contain empty CIDR and Netmask "
        "Length for a pool with no default allocation netmask length set. Exactly one of them "
        "should be provided.")
    assert fails(ec2.allocate_ipam_pool_cidr, IpamPoolId=pool, NetmaskLength=24) == (
        "InvalidParameterValue", "The allocation size is too big for the pool.")
    assert fails(ec2.allocate_ipam_pool_cidr, IpamPoolId=pool, NetmaskLength=29)[0] == \
        "InvalidParameterValue"
    ec2.allocate_ipam_pool_cidr(IpamPoolId=pool, NetmaskLength=25)
    ec2.allocate_ipam_pool_cidr(IpamPoolId=pool, NetmaskLength=25)
    assert fails(ec2.allocate_ipam_pool_cidr, IpamPoolId=pool, NetmaskLength=28) == (
        "InvalidParameterValue", "The allocation size is too big for the pool.")
    assert fails(ec2.allocate_ipam_pool_cidr, IpamPoolId=MISSING_POOL, NetmaskLength=28) == (
        "InvalidIpamPoolId.NotFound", f"The ipam-pool ID '{MISSING_POOL}' does not exist")
    code, message = fails(ec2.release_ipam_pool_allocation, IpamPoolId=pool, Cidr="10.0.0.0/25",
                          IpamPoolAllocationId="ipam-pool-alloc-0123456789abcdef0")
    # what Terraform's aws_vpc_ipam_pool_cidr_allocation takes for an allocation gone
    assert (code, message.startswith("No allocation found")) == (
        "InvalidParameterCombination", True)


def test_modify_and_describe_allocations(ec2, pool):
    alloc = ec2.allocate_ipam_pool_cidr(IpamPoolId=pool, NetmaskLength=20)["IpamPoolAllocation"]
    changed = ec2.modify_ipam_pool_allocation(IpamPoolAllocationId=alloc["IpamPoolAllocationId"],
                                              Description="reserved")["IpamPoolAllocation"]
    assert changed["Description"] == "reserved"
    found = ec2.describe_ipam_pool_allocations(Filters=[
        {"Name": "description", "Values": ["reserved"]}])["IpamPoolAllocations"]
    assert [a["IpamPoolAllocationId"] for a in found] == [alloc["IpamPoolAllocationId"]]


# -- VPCs and subnets from a pool ------------------------------------------------------------
def test_vpcs_from_a_pool_get_distinct_cidrs_and_give_them_back(ec2, pool):
    one = ec2.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16)["Vpc"]
    two = ec2.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16)["Vpc"]
    assert {one["CidrBlock"], two["CidrBlock"]} == {"10.0.0.0/16", "10.1.0.0/16"}
    assert fails(ec2.create_vpc, Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16) == (
        "InvalidParameterValue", "The allocation size is too big for the pool.")
    held = ec2.get_ipam_pool_allocations(IpamPoolId=pool)["IpamPoolAllocations"]
    assert {(a["ResourceType"], a["ResourceId"], a["ResourceRegion"]) for a in held} == {
        ("vpc", one["VpcId"], "us-east-1"), ("vpc", two["VpcId"], "us-east-1")}
    ec2.delete_vpc(VpcId=one["VpcId"])
    assert [a["ResourceId"] for a in ec2.get_ipam_pool_allocations(IpamPoolId=pool)[
        "IpamPoolAllocations"]] == [two["VpcId"]]
    three = ec2.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16)["Vpc"]
    assert three["CidrBlock"] == one["CidrBlock"]


def test_vpc_from_pool_checks(ec2, ipam, pool):
    assert fails(ec2.create_vpc, Ipv4IpamPoolId=MISSING_POOL, Ipv4NetmaskLength=16) == (
        "InvalidIpamPoolId.NotFound", f"The ipam-pool ID '{MISSING_POOL}' does not exist")
    assert fails(ec2.create_vpc, Ipv4IpamPoolId=pool)[0] == "InvalidParameterCombination"
    assert fails(ec2.create_vpc, CidrBlock="10.0.0.0/16", Ipv4NetmaskLength=16)[0] == \
        "InvalidParameterCombination"
    west = make_pool(ec2, ipam["PrivateDefaultScopeId"], "172.16.0.0/12", Locale="us-west-2")
    assert fails(ec2.create_vpc, Ipv4IpamPoolId=west, Ipv4NetmaskLength=16)[0] == \
        "InvalidParameterValue"
    tagged = make_pool(ec2, ipam["PrivateDefaultScopeId"], "192.168.0.0/16",
                       Locale="us-east-1",
                       AllocationResourceTags=[{"Key": "env", "Value": "prod"}])
    assert fails(ec2.create_vpc, Ipv4IpamPoolId=tagged, Ipv4NetmaskLength=20) == (
        "InvalidParameterValue",
        "The resource is missing one or more of the resource tags required by the IPAM pool.")
    vpc = ec2.create_vpc(Ipv4IpamPoolId=tagged, Ipv4NetmaskLength=20, TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "env", "Value": "prod"}]}])["Vpc"]
    assert vpc["CidrBlock"] == "192.168.0.0/20"
    explicit = ec2.create_vpc(Ipv4IpamPoolId=pool, CidrBlock="10.1.0.0/16")["Vpc"]
    assert explicit["CidrBlock"] == "10.1.0.0/16"
    assert len(ec2.describe_vpcs()["Vpcs"]) == 3      # the default one, and those two


def test_secondary_block_and_subnet_from_pools(ec2, ipam, pool):
    vpc = ec2.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16)["Vpc"]
    added = ec2.associate_vpc_cidr_block(VpcId=vpc["VpcId"], Ipv4IpamPoolId=pool,
                                         Ipv4NetmaskLength=16)["CidrBlockAssociation"]
    assert added["CidrBlock"] == "10.1.0.0/16"
    ec2.disassociate_vpc_cidr_block(AssociationId=added["AssociationId"])
    assert [a["Cidr"] for a in ec2.get_ipam_pool_allocations(IpamPoolId=pool)[
        "IpamPoolAllocations"]] == [vpc["CidrBlock"]]
    subnets = make_pool(ec2, ipam["PrivateDefaultScopeId"], None, Locale="us-east-1",
                        SourceIpamPoolId=pool)
    ec2.provision_ipam_pool_cidr(IpamPoolId=subnets, Cidr="10.1.0.0/16")
    ec2.associate_vpc_cidr_block(VpcId=vpc["VpcId"], CidrBlock="10.1.0.0/16")
    subnet = ec2.create_subnet(VpcId=vpc["VpcId"], Ipv4IpamPoolId=subnets,
                               Ipv4NetmaskLength=24)["Subnet"]
    assert subnet["CidrBlock"] == "10.1.0.0/24"
    held = ec2.get_ipam_pool_allocations(IpamPoolId=subnets)["IpamPoolAllocations"]
    assert [(a["ResourceType"], a["ResourceId"]) for a in held] == [
        ("subnet", subnet["SubnetId"])]
    ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    assert ec2.get_ipam_pool_allocations(IpamPoolId=subnets)["IpamPoolAllocations"] == []


def test_ipv6_vpc_from_a_pool(ec2, ipam):
    pool = make_pool(ec2, ipam["PrivateDefaultScopeId"], "fd00:ec2::/48",
                     AddressFamily="ipv6", Locale="us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", Ipv6IpamPoolId=pool,
                         Ipv6NetmaskLength=56)["Vpc"]
    block = ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0][
        "Ipv6CidrBlockAssociationSet"][0]
    assert block["Ipv6CidrBlock"] == "fd00:ec2::/56"
    assert (block["Ipv6Pool"], block["Ipv6AddressAttribute"]) == ("IPAM Managed", "private")
    ec2.delete_vpc(VpcId=vpc["VpcId"])
    assert ec2.get_ipam_pool_allocations(IpamPoolId=pool)["IpamPoolAllocations"] == []


def test_a_shared_pool_serves_another_account_of_the_organization(mock, ec2, ipam, pool):
    mock.organization("o-exampleorg01", ["444455556666"], management="123456789012")
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="444455556666",
                         aws_secret_access_key="x")
    assert other.describe_ipam_pools()["IpamPools"] == []
    assert fails(other.create_vpc, Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16)[0] == \
        "InvalidIpamPoolId.NotFound"
    mock.share(pool, ["o-exampleorg01"])
    seen = other.describe_ipam_pools()["IpamPools"]
    assert [(p["IpamPoolId"], p["OwnerId"]) for p in seen] == [(pool, "123456789012")]
    theirs = other.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16)["Vpc"]
    mine = ec2.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16)["Vpc"]
    assert theirs["CidrBlock"] != mine["CidrBlock"]
    held = ec2.get_ipam_pool_allocations(IpamPoolId=pool)["IpamPoolAllocations"]
    assert {a["ResourceOwner"] for a in held} == {"123456789012", "444455556666"}
    assert fails(other.delete_ipam_pool, IpamPoolId=pool)[0] == "InvalidIpamPoolId.NotFound"


def test_ipam_against_the_server(server_ec2):
    ipam = make_ipam(server_ec2)
    pool = make_pool(server_ec2, ipam["PrivateDefaultScopeId"], "10.0.0.0/15",
                     Locale="us-east-1")
    cidrs = {server_ec2.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16)["Vpc"][
        "CidrBlock"] for _ in range(2)}
    assert cidrs == {"10.0.0.0/16", "10.1.0.0/16"}
    assert fails(server_ec2.create_vpc, Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16)[0] == \
        "InvalidParameterValue"
    assert fails(server_ec2.describe_ipams, IpamIds=["ipam-zz"])[0] == "InvalidIpamId.Malformed"
    assert server_ec2.get_ipam_pool_cidrs(IpamPoolId=pool)["IpamPoolCidrs"][0]["State"] == \
        "provisioned"


def test_ipam_survives_a_snapshot(mock, ec2, pool):
    vpc = ec2.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16)["Vpc"]
    world = state.load(json.loads(json.dumps(state.dump(mock.world))))
    with mock_ec2(world):
        again = boto3.client("ec2", region_name="us-east-1")
        held = again.get_ipam_pool_allocations(IpamPoolId=pool)["IpamPoolAllocations"]
        assert [(a["ResourceId"], a["Cidr"]) for a in held] == [(vpc["VpcId"],
                                                                 vpc["CidrBlock"])]
        assert again.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16)["Vpc"][
            "CidrBlock"] != vpc["CidrBlock"]
        again.delete_vpc(VpcId=vpc["VpcId"])
        assert len(again.get_ipam_pool_allocations(IpamPoolId=pool)["IpamPoolAllocations"]) == 1


def test_a_pool_serves_the_region_of_its_locale(ec2, ipam):
    pool = make_pool(ec2, ipam["PrivateDefaultScopeId"], "172.16.0.0/12", Locale="us-west-2")
    west = boto3.client("ec2", region_name="us-west-2")
    vpc = west.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=20)["Vpc"]
    assert vpc["CidrBlock"] == "172.16.0.0/20"
    held = ec2.get_ipam_pool_allocations(IpamPoolId=pool)["IpamPoolAllocations"]
    assert [(a["ResourceId"], a["ResourceRegion"]) for a in held] == [(vpc["VpcId"],
                                                                       "us-west-2")]
    west.delete_vpc(VpcId=vpc["VpcId"])
    assert ec2.get_ipam_pool_allocations(IpamPoolId=pool)["IpamPoolAllocations"] == []


def test_amazon_ipv6_public_pool(ec2, ipam):
    pool = ec2.create_ipam_pool(IpamScopeId=ipam["PublicDefaultScopeId"], AddressFamily="ipv6",
                                Locale="us-east-1", AwsService="ec2",
                                PublicIpSource="amazon")["IpamPool"]
    assert (pool["PubliclyAdvertisable"], pool["IpamScopeType"]) == (False, "public")
    block = ec2.provision_ipam_pool_cidr(IpamPoolId=pool["IpamPoolId"], NetmaskLength=52)[
        "IpamPoolCidr"]["Cidr"]
    assert IPNetwork(block).prefixlen == 52
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", Ipv6IpamPoolId=pool["IpamPoolId"],
                         Ipv6NetmaskLength=56)["Vpc"]["VpcId"]
    assoc = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]
    assert IPNetwork(assoc["Ipv6CidrBlock"]) in IPNetwork(block)
    assert (assoc["IpSource"], assoc["Ipv6AddressAttribute"]) == ("amazon", "public")
    public = ec2.get_ipam_resource_cidrs(IpamScopeId=ipam["PublicDefaultScopeId"])[
        "IpamResourceCidrs"]
    assert [(r["ResourceId"], r["ManagementState"]) for r in public] == [(vpc, "managed")]
    v4 = ec2.create_ipam_pool(IpamScopeId=ipam["PublicDefaultScopeId"],
                              AddressFamily="ipv4")["IpamPool"]["IpamPoolId"]
    assert fails(ec2.provision_ipam_pool_cidr, IpamPoolId=v4, Cidr="198.51.100.0/24") == (
        "InvalidParameterCombination", "The request must contain a CIDR Authorization Context.")


def test_random_allocations_never_overlap(ec2, ipam):
    rng = random.Random(7)
    pool = make_pool(ec2, ipam["PrivateDefaultScopeId"], "10.0.0.0/16")
    held: dict[str, str] = {}
    for _ in range(120):
        if held and rng.random() < 0.35:
            alloc_id = rng.choice(sorted(held))
            ec2.release_ipam_pool_allocation(IpamPoolId=pool, Cidr=held.pop(alloc_id),
                                             IpamPoolAllocationId=alloc_id)
            continue
        try:
            alloc = ec2.allocate_ipam_pool_cidr(IpamPoolId=pool,
                                                NetmaskLength=rng.choice([20, 22, 24, 26, 28]))
        except ec2.exceptions.ClientError as exc:
            assert exc.response["Error"]["Message"] == \
                "The allocation size is too big for the pool."
            continue
        held[alloc["IpamPoolAllocation"]["IpamPoolAllocationId"]] = \
            alloc["IpamPoolAllocation"]["Cidr"]
    nets = sorted(IPNetwork(c) for c in held.values())
    assert all(a.last < b.first for a, b in zip(nets, nets[1:]))
    assert all(n in IPNetwork("10.0.0.0/16") for n in nets)
    listed = ec2.get_ipam_pool_allocations(IpamPoolId=pool)["IpamPoolAllocations"]
    assert {a["IpamPoolAllocationId"]: a["Cidr"] for a in listed} == held


@pytest.mark.parametrize("auto", [True, False])
def test_auto_import_takes_existing_vpcs(ec2, ipam, auto):
    existing = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    pool = make_pool(ec2, ipam["PrivateDefaultScopeId"], "10.0.0.0/15", Locale="us-east-1",
                     AutoImport=auto)
    drawn = ec2.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16)["Vpc"]
    listed = ec2.get_ipam_pool_allocations(IpamPoolId=pool)["IpamPoolAllocations"]
    managed = {r["ResourceId"] for r in ec2.get_ipam_resource_cidrs(
        IpamScopeId=ipam["PrivateDefaultScopeId"], IpamPoolId=pool)["IpamResourceCidrs"]}
    if not auto:   # AWS hands out space an unmanaged VPC already uses
        assert drawn["CidrBlock"] == "10.0.0.0/16"
        assert [a["ResourceId"] for a in listed] == [drawn["VpcId"]]
        assert managed == {drawn["VpcId"]}
        return
    assert drawn["CidrBlock"] == "10.1.0.0/16"
    assert {(a["ResourceId"], a["Cidr"]) for a in listed} == {
        (existing, "10.0.0.0/16"), (drawn["VpcId"], "10.1.0.0/16")}
    imported = next(a for a in listed if a["ResourceId"] == existing)
    again = ec2.get_ipam_pool_allocations(IpamPoolId=pool, IpamPoolAllocationId=imported[
        "IpamPoolAllocationId"])["IpamPoolAllocations"]
    assert again == [imported]
    assert managed == {existing, drawn["VpcId"]}
    ec2.delete_vpc(VpcId=existing)
    assert [a["ResourceId"] for a in ec2.get_ipam_pool_allocations(IpamPoolId=pool)[
        "IpamPoolAllocations"]] == [drawn["VpcId"]]


def test_free_tier_limits(ec2, ipam):
    free = make_ipam(ec2, Tier="free")
    assert fails(ec2.create_ipam_pool, IpamScopeId=free["PrivateDefaultScopeId"],
                 AddressFamily="ipv4")[0] == "UnsupportedOperation"
    assert fails(ec2.create_ipam_scope, IpamId=free["IpamId"])[0] == "UnsupportedOperation"
    public = ec2.create_ipam_pool(IpamScopeId=free["PublicDefaultScopeId"], AddressFamily="ipv6",
                                  Locale="us-east-1", AwsService="ec2",
                                  PublicIpSource="amazon")["IpamPool"]
    assert public["IpamScopeType"] == "public"
    make_pool(ec2, ipam["PrivateDefaultScopeId"], None)
    assert fails(ec2.modify_ipam, IpamId=ipam["IpamId"], Tier="free")[0] == \
        "UnsupportedOperation"
    assert ec2.describe_ipams(IpamIds=[ipam["IpamId"]])["Ipams"][0]["Tier"] == "advanced"


def test_resource_planning_pool_plans_a_vpcs_subnets(ec2, ipam, pool):
    vpc = ec2.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16)["Vpc"]
    planning = ec2.create_ipam_pool(
        IpamScopeId=ipam["PrivateDefaultScopeId"], AddressFamily="ipv4",
        SourceResource={"ResourceId": vpc["VpcId"], "ResourceType": "vpc",
                        "ResourceRegion": "us-east-1", "ResourceOwner": "123456789012"},
        AllocationDefaultNetmaskLength=24)["IpamPool"]
    assert planning["Locale"] == "us-east-1"
    assert planning["SourceResource"]["ResourceId"] == vpc["VpcId"]
    assert fails(ec2.provision_ipam_pool_cidr, IpamPoolId=planning["IpamPoolId"],
                 Cidr="192.168.0.0/24")[0] == "InvalidParameterValue"
    ec2.provision_ipam_pool_cidr(IpamPoolId=planning["IpamPoolId"], Cidr=vpc["CidrBlock"])
    first = ec2.create_subnet(VpcId=vpc["VpcId"], Ipv4IpamPoolId=planning["IpamPoolId"],
                              Ipv4NetmaskLength=24)["Subnet"]["CidrBlock"]
    second = ec2.create_subnet(VpcId=vpc["VpcId"], Ipv4IpamPoolId=planning["IpamPoolId"],
                               Ipv4NetmaskLength=24)["Subnet"]["CidrBlock"]
    assert {first, second} == {"10.0.0.0/24", "10.0.1.0/24"}
    assert fails(ec2.create_ipam_pool, IpamScopeId=ipam["PrivateDefaultScopeId"],
                 AddressFamily="ipv4", SourceResource={
                     "ResourceId": "vpc-0123456789abcdef0", "ResourceType": "vpc"})[0] == \
        "InvalidVpcID.NotFound"
