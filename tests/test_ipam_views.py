"""What IPAM sees, computed from the network at each request: resource CIDRs with their
compliance, management and overlap status; resource discoveries and what they discover;
address history; the organization's delegated IPAM administrator."""
from __future__ import annotations

from typing import Any

import boto3
import pytest

from helpers import fails

MEMBER = "444455556666"


@pytest.fixture
def ipam(ec2: Any) -> dict[str, Any]:
    return ec2.create_ipam()["Ipam"]


@pytest.fixture
def pool(ec2: Any, ipam: dict[str, Any]) -> str:
    pool = ec2.create_ipam_pool(IpamScopeId=ipam["PrivateDefaultScopeId"], AddressFamily="ipv4",
                                Locale="us-east-1")["IpamPool"]["IpamPoolId"]
    ec2.provision_ipam_pool_cidr(IpamPoolId=pool, Cidr="10.0.0.0/8")
    return pool


def rows(ec2: Any, scope: str, **kwargs: Any) -> dict[str, dict[str, Any]]:
    return {f"{r['ResourceId']} {r['ResourceCidr']}": r for r in ec2.get_ipam_resource_cidrs(
        IpamScopeId=scope, **kwargs)["IpamResourceCidrs"]}


def test_resource_cidrs_compliance_and_overlap(ec2, ipam, pool):
    scope = ipam["PrivateDefaultScopeId"]
    managed = ec2.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16, TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "app"}]}])["Vpc"]
    clash = ec2.create_vpc(CidrBlock=managed["CidrBlock"])["Vpc"]
    subnet = ec2.create_subnet(VpcId=managed["VpcId"], CidrBlock="10.0.0.0/24")["Subnet"]
    found = rows(ec2, scope)
    app = found[f"{managed['VpcId']} {managed['CidrBlock']}"]
    assert (app["IpamPoolId"], app["ManagementState"], app["ComplianceStatus"]) == (
        pool, "managed", "compliant")
    assert (app["ResourceName"], app["ResourceType"], app["OverlapStatus"]) == (
        "app", "vpc", "overlapping")
    assert app["IpUsage"] == pytest.approx(256 / 65536, abs=1e-4)
    other = found[f"{clash['VpcId']} {clash['CidrBlock']}"]
    assert (other["ManagementState"], other["ComplianceStatus"]) == ("unmanaged", "unmanaged")
    assert found[f"{subnet['SubnetId']} 10.0.0.0/24"]["VpcId"] == managed["VpcId"]
    default_vpc = next(r for r in found.values() if r["ResourceCidr"] == "172.31.0.0/16")
    assert default_vpc["OverlapStatus"] == "nonoverlapping"
    # a rule the VPC breaks now makes it noncompliant
    ec2.modify_ipam_pool(IpamPoolId=pool, AllocationMinNetmaskLength=20)
    assert rows(ec2, scope, IpamPoolId=pool)[f"{managed['VpcId']} {managed['CidrBlock']}"][
        "ComplianceStatus"] == "noncompliant"
    only = rows(ec2, scope, Filters=[{"Name": "management-state", "Values": ["managed"]}])
    assert list(only) == [f"{managed['VpcId']} {managed['CidrBlock']}"]
    assert rows(ec2, ipam["PublicDefaultScopeId"]) == {}


def test_ignore_and_move_a_resource_cidr(ec2, ipam, pool):
    scope = ipam["PrivateDefaultScopeId"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
    ignored = ec2.modify_ipam_resource_cidr(
        ResourceId=vpc["VpcId"], ResourceCidr="10.0.0.0/16", ResourceRegion="us-east-1",
        CurrentIpamScopeId=scope, Monitored=False)["IpamResourceCidr"]
    assert (ignored["ManagementState"], ignored["ComplianceStatus"],
            ignored["OverlapStatus"]) == ("ignored", "ignored", "ignored")
    lab = ec2.create_ipam_scope(IpamId=ipam["IpamId"])["IpamScope"]["IpamScopeId"]
    moved = ec2.modify_ipam_resource_cidr(
        ResourceId=vpc["VpcId"], ResourceCidr="10.0.0.0/16", ResourceRegion="us-east-1",
        CurrentIpamScopeId=scope, DestinationIpamScopeId=lab, Monitored=True)[
        "IpamResourceCidr"]
    assert (moved["IpamScopeId"], moved["ManagementState"]) == (lab, "unmanaged")
    assert f"{vpc['VpcId']} 10.0.0.0/16" not in rows(ec2, scope)
    assert list(rows(ec2, lab)) == [f"{vpc['VpcId']} 10.0.0.0/16"]
    assert fails(ec2.modify_ipam_resource_cidr, ResourceId=vpc["VpcId"],
                 ResourceCidr="10.9.0.0/16", ResourceRegion="us-east-1",
                 CurrentIpamScopeId=lab, Monitored=False)[0] == "InvalidParameterValue"
    ec2.delete_ipam_scope(IpamScopeId=lab)     # the CIDR goes back to the default scope
    assert f"{vpc['VpcId']} 10.0.0.0/16" in rows(ec2, scope)


def test_resource_cidrs_page(ec2, ipam):
    first = ec2.get_ipam_resource_cidrs(IpamScopeId=ipam["PrivateDefaultScopeId"],
                                        MaxResults=3)
    assert len(first["IpamResourceCidrs"]) == 3
    rest = ec2.get_ipam_resource_cidrs(IpamScopeId=ipam["PrivateDefaultScopeId"],
                                       NextToken=first["NextToken"])
    assert len(rest["IpamResourceCidrs"]) == 4      # the default VPC and its six subnets
    assert "NextToken" not in rest
    assert fails(ec2.get_ipam_resource_cidrs, IpamScopeId=ipam["PrivateDefaultScopeId"],
                 NextToken="garbage")[0] == "InvalidPaginationToken"


def test_discovered_resource_cidrs_accounts_and_addresses(ec2, ipam):
    disco = ipam["DefaultResourceDiscoveryId"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
    address = ec2.allocate_address(Domain="vpc")
    cidrs = ec2.get_ipam_discovered_resource_cidrs(IpamResourceDiscoveryId=disco,
                                                   ResourceRegion="us-east-1")[
        "IpamDiscoveredResourceCidrs"]
    by_id = {c["ResourceId"]: c for c in cidrs}
    assert by_id[vpc["VpcId"]]["ResourceCidr"] == "10.0.0.0/16"
    assert by_id[address["AllocationId"]]["ResourceCidr"] == f"{address['PublicIp']}/32"
    assert by_id[address["AllocationId"]]["ResourceType"] == "eip"
    accounts = ec2.get_ipam_discovered_accounts(IpamResourceDiscoveryId=disco,
                                                DiscoveryRegion="us-east-1")[
        "IpamDiscoveredAccounts"]
    assert [a["AccountId"] for a in accounts] == ["123456789012"]
    public = ec2.get_ipam_discovered_public_addresses(IpamResourceDiscoveryId=disco,
                                                      AddressRegion="us-east-1")
    assert [(a["Address"], a["AssociationStatus"]) for a in public[
        "IpamDiscoveredPublicAddresses"]] == [(address["PublicIp"], "disassociated")]
    assert fails(ec2.get_ipam_discovered_resource_cidrs, IpamResourceDiscoveryId=disco,
                 ResourceRegion="eu-west-1")[0] == "InvalidParameterValue"
    assert fails(ec2.get_ipam_discovered_accounts,
                 IpamResourceDiscoveryId="ipam-res-disco-0123456789abcdef0",
                 DiscoveryRegion="us-east-1")[0] == "InvalidIpamResourceDiscoveryId.NotFound"


def test_address_history(ec2, ipam, pool):
    vpc = ec2.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=16)["Vpc"]
    ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24")
    records = ec2.get_ipam_address_history(Cidr="10.0.1.0/24",
                                           IpamScopeId=ipam["PrivateDefaultScopeId"])[
        "HistoryRecords"]
    assert sorted(r["ResourceType"] for r in records) == ["subnet", "vpc"]
    assert all("SampledEndTime" not in r for r in records)
    vpc_only = ec2.get_ipam_address_history(Cidr="10.0.0.0/8", VpcId=vpc["VpcId"],
                                            IpamScopeId=ipam["PrivateDefaultScopeId"])
    assert {r["VpcId"] for r in vpc_only["HistoryRecords"]} == {vpc["VpcId"]}


def test_resource_discoveries_and_associations(ec2, ipam):
    disco = ec2.create_ipam_resource_discovery(
        Description="lab", OperatingRegions=[{"RegionName": "us-west-2"}],
        TagSpecifications=[{"ResourceType": "ipam-resource-discovery",
                            "Tags": [{"Key": "team", "Value": "net"}]}])[
        "IpamResourceDiscovery"]
    assert (disco["State"], disco["IsDefault"]) == ("create-in-progress", False)
    disco_id = disco["IpamResourceDiscoveryId"]
    modified = ec2.modify_ipam_resource_discovery(
        IpamResourceDiscoveryId=disco_id, AddOperatingRegions=[{"RegionName": "eu-west-1"}])
    assert [r["RegionName"] for r in modified["IpamResourceDiscovery"]["OperatingRegions"]] == [
        "us-east-1", "us-west-2", "eu-west-1"]
    assoc = ec2.associate_ipam_resource_discovery(IpamId=ipam["IpamId"],
                                                  IpamResourceDiscoveryId=disco_id)[
        "IpamResourceDiscoveryAssociation"]
    assert assoc["State"] == "associate-in-progress"
    assert fails(ec2.associate_ipam_resource_discovery, IpamId=ipam["IpamId"],
                 IpamResourceDiscoveryId=disco_id)[0] == "InvalidParameterValue"
    assert ec2.describe_ipams()["Ipams"][0]["ResourceDiscoveryAssociationCount"] == 2
    assert fails(ec2.delete_ipam_resource_discovery, IpamResourceDiscoveryId=disco_id)[0] == \
        "InvalidParameterValue"
    assert fails(ec2.disassociate_ipam_resource_discovery,
                 IpamResourceDiscoveryAssociationId=ipam[
                     "DefaultResourceDiscoveryAssociationId"])[0] == "InvalidParameterValue"
    gone = ec2.disassociate_ipam_resource_discovery(
        IpamResourceDiscoveryAssociationId=assoc["IpamResourceDiscoveryAssociationId"])
    assert gone["IpamResourceDiscoveryAssociation"]["State"] == "disassociate-in-progress"
    assert ec2.delete_ipam_resource_discovery(IpamResourceDiscoveryId=disco_id)[
        "IpamResourceDiscovery"]["State"] == "delete-in-progress"
    found = ec2.describe_ipam_resource_discoveries(Filters=[
        {"Name": "is-default", "Values": ["false"]}])["IpamResourceDiscoveries"]
    assert found == []


def test_delegated_admin_sees_the_organization(mock, ec2):
    member = boto3.client("ec2", region_name="us-east-1", aws_access_key_id=MEMBER,
                          aws_secret_access_key="x")
    assert fails(ec2.enable_ipam_organization_admin_account,
                 DelegatedAdminAccountId=MEMBER)[0] == "UnauthorizedOperation"
    mock.organization("o-exampleorg01", [MEMBER], management="123456789012")
    assert ec2.enable_ipam_organization_admin_account(DelegatedAdminAccountId=MEMBER)["Success"]
    ipam = member.create_ipam()["Ipam"]
    mine = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]
    seen = rows(member, ipam["PrivateDefaultScopeId"])
    assert seen[f"{mine['VpcId']} 10.7.0.0/16"]["ResourceOwnerId"] == "123456789012"
    accounts = member.get_ipam_discovered_accounts(
        IpamResourceDiscoveryId=ipam["DefaultResourceDiscoveryId"],
        DiscoveryRegion="us-east-1")["IpamDiscoveredAccounts"]
    assert {a["AccountId"] for a in accounts} == {MEMBER, "123456789012"}
    assert ec2.disable_ipam_organization_admin_account(DelegatedAdminAccountId=MEMBER)[
        "Success"]
    assert all(r["ResourceOwnerId"] == MEMBER
               for r in rows(member, ipam["PrivateDefaultScopeId"]).values())
    assert fails(ec2.disable_ipam_organization_admin_account,
                 DelegatedAdminAccountId=MEMBER)[0] == "InvalidParameterValue"


def test_views_against_the_server(server_ec2):
    ipam = server_ec2.create_ipam()["Ipam"]
    server_ec2.create_vpc(CidrBlock="10.0.0.0/16")
    found = server_ec2.get_ipam_resource_cidrs(IpamScopeId=ipam["PrivateDefaultScopeId"],
                                               Filters=[{"Name": "resource-cidr",
                                                         "Values": ["10.0.0.0/16"]}])
    assert [r["ComplianceStatus"] for r in found["IpamResourceCidrs"]] == ["unmanaged"]
    discovered = server_ec2.get_ipam_discovered_resource_cidrs(
        IpamResourceDiscoveryId=ipam["DefaultResourceDiscoveryId"], ResourceRegion="us-east-1")
    assert "10.0.0.0/16" in {c["ResourceCidr"] for c in discovered["IpamDiscoveredResourceCidrs"]}


def test_address_history_names_interfaces_and_instances(ec2, ipam):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    instance = ec2.run_instances(ImageId="ami-057c3ffbeeff55523", MinCount=1, MaxCount=1,
                                 InstanceType="t3.micro", SubnetId=subnet)["Instances"][0]
    address = instance["PrivateIpAddress"]
    records = ec2.get_ipam_address_history(Cidr=f"{address}/32",
                                           IpamScopeId=ipam["PrivateDefaultScopeId"])[
        "HistoryRecords"]
    found = {(r["ResourceType"], r["ResourceId"]) for r in records}
    assert ("instance", instance["InstanceId"]) in found
    assert ("network-interface", instance["NetworkInterfaces"][0]["NetworkInterfaceId"]) in found
    assert {r["ResourceCidr"] for r in records if r["ResourceType"] == "instance"} == {
        f"{address}/32"}


def test_subnet_ipv6_block_from_a_pool_goes_back_on_disassociation(ec2, ipam):
    pool = ec2.create_ipam_pool(IpamScopeId=ipam["PrivateDefaultScopeId"], AddressFamily="ipv6",
                                Locale="us-east-1")["IpamPool"]["IpamPoolId"]
    ec2.provision_ipam_pool_cidr(IpamPoolId=pool, Cidr="fd00:ec2::/52")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", Ipv6IpamPoolId=pool,
                         Ipv6NetmaskLength=56)["Vpc"]["VpcId"]
    block = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0][
        "Ipv6CidrBlock"]
    subnets = ec2.create_ipam_pool(IpamScopeId=ipam["PrivateDefaultScopeId"],
                                   AddressFamily="ipv6", Locale="us-east-1",
                                   SourceIpamPoolId=pool)["IpamPool"]["IpamPoolId"]
    # the VPC holds its /56 of the parent; the child pool is given another /56 to plan subnets
    assert fails(ec2.provision_ipam_pool_cidr, IpamPoolId=subnets, Cidr=block)[0] == \
        "InvalidParameterValue"
    child = ec2.provision_ipam_pool_cidr(IpamPoolId=subnets, NetmaskLength=56)[
        "IpamPoolCidr"]["Cidr"]
    assert child != block
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    assert fails(ec2.associate_subnet_cidr_block, SubnetId=subnet, Ipv6IpamPoolId=subnets,
                 Ipv6NetmaskLength=64)[0] == "InvalidSubnet.Range"     # not in the VPC's /56
    ec2.deprovision_ipam_pool_cidr(IpamPoolId=subnets, Cidr=child)
    free = ec2.allocate_ipam_pool_cidr(IpamPoolId=pool, Cidr=child)["IpamPoolAllocation"]
    assert free["Cidr"] == child      # the child pool gave its /56 back to the parent
    # a pool of another scope that plans the VPC's own /56 gives the subnet its /64
    plan = ec2.create_ipam_scope(IpamId=ipam["IpamId"])["IpamScope"]["IpamScopeId"]
    planned = ec2.create_ipam_pool(IpamScopeId=plan, AddressFamily="ipv6",
                                   Locale="us-east-1")["IpamPool"]["IpamPoolId"]
    ec2.provision_ipam_pool_cidr(IpamPoolId=planned, Cidr=block)
    assoc = ec2.associate_subnet_cidr_block(SubnetId=subnet, Ipv6IpamPoolId=planned,
                                            Ipv6NetmaskLength=64)["Ipv6CidrBlockAssociation"]
    assert assoc["Ipv6CidrBlock"] == block.replace("/56", "/64")
    held = ec2.get_ipam_pool_allocations(IpamPoolId=planned)["IpamPoolAllocations"]
    assert [(a["ResourceType"], a["ResourceId"]) for a in held] == [("subnet", subnet)]
    ec2.disassociate_subnet_cidr_block(AssociationId=assoc["AssociationId"])
    assert ec2.get_ipam_pool_allocations(IpamPoolId=planned)["IpamPoolAllocations"] == []
