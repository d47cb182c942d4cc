"""IPAM across accounts and as clients read it: shared pools and resource discoveries (RAM),
network interfaces among the discovered resource CIDRs, and the ids, filters, states and
error codes Terraform's AWS provider relies on; in-process and against `ec2sim serve`."""
from __future__ import annotations

import json
import urllib.request
from typing import Any

import boto3

from helpers import fails, server_client

OWNER, MEMBER = "123456789012", "444455556666"
ORG = "o-exampleorg01"


def member_client(endpoint: str | None = None) -> Any:
    return boto3.client("ec2", region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id=MEMBER, aws_secret_access_key="x")


def _post(url: str, path: str, body: dict[str, Any]) -> None:
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as reply:
        reply.read()


def _pool(ec2: Any, scope: str, cidr: str = "10.0.0.0/8") -> str:
    pool = ec2.create_ipam_pool(IpamScopeId=scope, AddressFamily="ipv4",
                                Locale="us-east-1")["IpamPool"]["IpamPoolId"]
    ec2.provision_ipam_pool_cidr(IpamPoolId=pool, Cidr=cidr)
    return pool


# -- shared pools: every filter of DescribeIpamPools sees them ----------------------------------
def test_filters_of_describe_ipam_pools_match_shared_pools(mock, ec2):
    ipam = ec2.create_ipam()["Ipam"]
    pool = _pool(ec2, ipam["PrivateDefaultScopeId"])
    member = member_client()
    mine = member.create_ipam()["Ipam"]
    own = _pool(member, mine["PrivateDefaultScopeId"], "172.16.0.0/12")
    mock.organization(ORG, [MEMBER], management=OWNER)
    mock.share(pool, [ORG])

    def ids(*filters: tuple[str, str]) -> list[str]:
        return [p["IpamPoolId"] for p in member.describe_ipam_pools(Filters=[
            {"Name": n, "Values": [v]} for n, v in filters])["IpamPools"]]
    assert ids(("ipam-scope-id", ipam["PrivateDefaultScopeId"])) == [pool]
    assert ids(("ipam-scope-id", mine["PrivateDefaultScopeId"])) == [own]
    assert ids(("owner-id", OWNER)) == [pool]
    assert ids(("ipam-id", ipam["IpamId"]), ("address-family", "ipv4")) == [pool]
    assert ids(("locale", "us-east-1")) == [own, pool]
    assert member.describe_ipam_pools(IpamPoolIds=[pool])["IpamPools"][0]["OwnerId"] == OWNER


# -- resource discoveries shared through RAM ---------------------------------------------------
def test_a_shared_resource_discovery_feeds_the_members_ipam(mock, ec2):
    disco = ec2.create_ipam_resource_discovery()["IpamResourceDiscovery"][
        "IpamResourceDiscoveryId"]
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    member = member_client()
    ipam = member.create_ipam(Tier="advanced")["Ipam"]
    assert member.describe_ipam_resource_discoveries(Filters=[
        {"Name": "owner-id", "Values": [OWNER]}])["IpamResourceDiscoveries"] == []
    assert fails(member.associate_ipam_resource_discovery, IpamId=ipam["IpamId"],
                 IpamResourceDiscoveryId=disco)[0] == "InvalidIpamResourceDiscoveryId.NotFound"
    mock.organization(ORG, [MEMBER], management=OWNER)
    mock.share(disco, [MEMBER])
    seen = member.describe_ipam_resource_discoveries(IpamResourceDiscoveryIds=[disco])[
        "IpamResourceDiscoveries"]
    assert [(d["IpamResourceDiscoveryId"], d["OwnerId"]) for d in seen] == [(disco, OWNER)]
    assoc = member.associate_ipam_resource_discovery(
        IpamId=ipam["IpamId"], IpamResourceDiscoveryId=disco)["IpamResourceDiscoveryAssociation"]
    assert (assoc["OwnerId"], assoc["IpamResourceDiscoveryId"]) == (MEMBER, disco)
    rows = member.get_ipam_resource_cidrs(IpamScopeId=ipam["PrivateDefaultScopeId"], Filters=[
        {"Name": "resource-id", "Values": [vpc]}])["IpamResourceCidrs"]
    assert [(r["ResourceCidr"], r["ResourceOwnerId"]) for r in rows] == [("10.9.0.0/16", OWNER)]
    found = member.get_ipam_discovered_resource_cidrs(
        IpamResourceDiscoveryId=disco, ResourceRegion="us-east-1")["IpamDiscoveredResourceCidrs"]
    assert vpc in {r["ResourceId"] for r in found}
    # only the owner changes or deletes it
    assert fails(member.delete_ipam_resource_discovery, IpamResourceDiscoveryId=disco)[0] == \
        "InvalidIpamResourceDiscoveryId.NotFound"
    member.disassociate_ipam_resource_discovery(
        IpamResourceDiscoveryAssociationId=assoc["IpamResourceDiscoveryAssociationId"])
    assert member.get_ipam_resource_cidrs(IpamScopeId=ipam["PrivateDefaultScopeId"], Filters=[
        {"Name": "resource-id", "Values": [vpc]}])["IpamResourceCidrs"] == []


# -- network interfaces among the discovered resource CIDRs -------------------------------------
def test_discovered_resource_cidrs_list_network_interfaces(ec2):
    ipam = ec2.create_ipam()["Ipam"]
    vpc = ec2.create_vpc(CidrBlock="10.3.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    v6 = ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0][
        "Ipv6CidrBlock"]
    subnet = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.3.1.0/24",
                               Ipv6CidrBlock=v6.replace("/56", "/64"))["Subnet"]
    eni = ec2.create_network_interface(SubnetId=subnet["SubnetId"], PrivateIpAddress="10.3.1.10",
                                       SecondaryPrivateIpAddressCount=1, Ipv6AddressCount=1,
                                       TagSpecifications=[{"ResourceType": "network-interface",
                                                           "Tags": [{"Key": "k",
                                                                     "Value": "v"}]}]
                                       )["NetworkInterface"]
    found = ec2.get_ipam_discovered_resource_cidrs(
        IpamResourceDiscoveryId=ipam["DefaultResourceDiscoveryId"], ResourceRegion="us-east-1",
        Filters=[{"Name": "resource-type", "Values": ["eni"]}])["IpamDiscoveredResourceCidrs"]
    held = {a["PrivateIpAddress"] for a in eni["PrivateIpAddresses"]}
    v6s = {a["Ipv6Address"] for a in eni["Ipv6Addresses"]}
    assert {r["ResourceCidr"] for r in found} == {f"{a}/32" for a in held} | {
        f"{a}/128" for a in v6s}
    assert "10.3.1.10/32" in {r["ResourceCidr"] for r in found}
    for row in found:
        assert (row["ResourceId"], row["VpcId"], row["SubnetId"]) == (
            eni["NetworkInterfaceId"], vpc["VpcId"], subnet["SubnetId"])
        assert row["NetworkInterfaceAttachmentStatus"] == "available"
        assert row["IpSource"] == ("amazon" if row["ResourceCidr"].endswith("/128") else "none")
        assert row["ResourceTags"] == [{"Key": "k", "Value": "v"}]
        assert row["AvailabilityZoneId"] == subnet["AvailabilityZoneId"]
    ec2.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"])
    assert ec2.get_ipam_discovered_resource_cidrs(
        IpamResourceDiscoveryId=ipam["DefaultResourceDiscoveryId"], ResourceRegion="us-east-1",
        Filters=[{"Name": "resource-type", "Values": ["eni"]}])[
        "IpamDiscoveredResourceCidrs"] == []


def test_sharing_against_the_server(server_url, server_ec2):
    ipam = server_ec2.create_ipam()["Ipam"]
    pool = _pool(server_ec2, ipam["PrivateDefaultScopeId"])
    disco = server_ec2.create_ipam_resource_discovery()["IpamResourceDiscovery"][
        "IpamResourceDiscoveryId"]
    _post(server_url, "/_ec2sim/organizations",
          {"Id": ORG, "ManagementAccountId": OWNER, "Accounts": [MEMBER]})
    for rid in (pool, disco):
        _post(server_url, "/_ec2sim/shares", {"ResourceId": rid, "Principals": [ORG]})
    member = member_client(server_url)
    assert [p["IpamPoolId"] for p in member.describe_ipam_pools(Filters=[
        {"Name": "ipam-scope-id", "Values": [ipam["PrivateDefaultScopeId"]]}])[
        "IpamPools"]] == [pool]
    theirs = member.create_ipam(Tier="advanced")["Ipam"]
    assert member.associate_ipam_resource_discovery(
        IpamId=theirs["IpamId"], IpamResourceDiscoveryId=disco)[
        "IpamResourceDiscoveryAssociation"]["IpamResourceDiscoveryId"] == disco
    subnet = server_ec2.create_subnet(
        VpcId=server_ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"],
        CidrBlock="10.4.0.0/24")["Subnet"]["SubnetId"]
    eni = server_ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]
    rows = server_ec2.get_ipam_discovered_resource_cidrs(
        IpamResourceDiscoveryId=disco, ResourceRegion="us-east-1",
        Filters=[{"Name": "resource-id", "Values": [eni["NetworkInterfaceId"]]}])[
        "IpamDiscoveredResourceCidrs"]
    assert [(r["ResourceType"], r["ResourceCidr"]) for r in rows] == [
        ("eni", f"{eni['PrivateIpAddress']}/32")]
    assert server_client(server_url).describe_ipam_pools()["IpamPools"][0]["IpamPoolId"] == pool


# -- what Terraform's AWS provider reads, waits for and takes for "gone" ------------------------
def _terraform_flow(ec2: Any) -> None:
    """The calls aws_vpc_ipam, _pool, _pool_cidr, _pool_cidr_allocation and aws_vpc make,
    with the answers their finders and waiters rely on."""
    ipam = ec2.create_ipam(OperatingRegions=[{"RegionName": "us-east-1"}])["Ipam"]
    assert ec2.describe_ipams(IpamIds=[ipam["IpamId"]])["Ipams"][0]["State"] == \
        "create-complete"
    ec2.modify_ipam(IpamId=ipam["IpamId"], Description="tf")
    assert ec2.describe_ipams(IpamIds=[ipam["IpamId"]])["Ipams"][0]["State"] == \
        "modify-complete"
    pool = ec2.create_ipam_pool(IpamScopeId=ipam["PrivateDefaultScopeId"],
                                AddressFamily="ipv4", Locale="us-east-1")["IpamPool"][
        "IpamPoolId"]
    provisioned = ec2.provision_ipam_pool_cidr(IpamPoolId=pool, Cidr="10.0.0.0/16")[
        "IpamPoolCidr"]

    def by_cidr(cidr: str) -> list[dict[str, Any]]:          # findIPAMPoolCIDRByTwoPartKey
        return ec2.get_ipam_pool_cidrs(IpamPoolId=pool, Filters=[
            {"Name": "cidr", "Values": [cidr]}])["IpamPoolCidrs"]
    assert [c["State"] for c in by_cidr("10.0.0.0/16")] == ["provisioned"]
    assert [c["Cidr"] for c in ec2.get_ipam_pool_cidrs(IpamPoolId=pool, Filters=[
        {"Name": "ipam-pool-cidr-id", "Values": [provisioned["IpamPoolCidrId"]]}])[
        "IpamPoolCidrs"]] == ["10.0.0.0/16"]
    alloc = ec2.allocate_ipam_pool_cidr(IpamPoolId=pool, NetmaskLength=24, Description="tf")[
        "IpamPoolAllocation"]
    found = ec2.get_ipam_pool_allocations(IpamPoolId=pool,
                                          IpamPoolAllocationId=alloc["IpamPoolAllocationId"])
    assert [(a["Cidr"], a["ResourceType"]) for a in found["IpamPoolAllocations"]] == [
        (alloc["Cidr"], "custom")]
    vpc = ec2.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=20)["Vpc"]
    for_vpc = [a for a in ec2.get_ipam_pool_allocations(IpamPoolId=pool)["IpamPoolAllocations"]
               if a["ResourceType"] == "vpc" and a["ResourceId"] == vpc["VpcId"]]
    assert [a["Cidr"] for a in for_vpc] == [vpc["CidrBlock"]]
    # destroying the pool CIDR first: AWS accepts, and the CIDR fails to deprovision
    assert ec2.deprovision_ipam_pool_cidr(IpamPoolId=pool, Cidr="10.0.0.0/16")[
        "IpamPoolCidr"]["State"] == "pending-deprovision"
    failed = by_cidr("10.0.0.0/16")
    assert [(c["State"], c["FailureReason"]["Message"]) for c in failed] == [
        ("failed-deprovision", "The CIDR has one or more allocations.")]
    assert ec2.create_vpc(Ipv4IpamPoolId=pool, Ipv4NetmaskLength=20)["Vpc"]["CidrBlock"] not in \
        (vpc["CidrBlock"], alloc["Cidr"])               # still held, still serving
    # the allocation released, then released again: "No allocation found" (gone)
    assert ec2.release_ipam_pool_allocation(IpamPoolId=pool, Cidr=alloc["Cidr"],
                                            IpamPoolAllocationId=alloc["IpamPoolAllocationId"])[
        "Success"]
    code, message = fails(ec2.release_ipam_pool_allocation, IpamPoolId=pool, Cidr=alloc["Cidr"],
                          IpamPoolAllocationId=alloc["IpamPoolAllocationId"])
    assert code == "InvalidParameterCombination" and "No allocation found" in message
    assert fails(ec2.get_ipam_pool_allocations, IpamPoolId=pool,
                 IpamPoolAllocationId=alloc["IpamPoolAllocationId"])[0] == \
        "InvalidIpamPoolAllocationId.NotFound"
    # the not-found codes Terraform's finders treat as gone
    for call, kwargs, code in (
            (ec2.describe_ipams, {"IpamIds": ["ipam-0123456789abcdef0"]}, "InvalidIpamId.NotFound"),
            (ec2.describe_ipam_scopes, {"IpamScopeIds": ["ipam-scope-0123456789abcdef0"]},
             "InvalidIpamScopeId.NotFound"),
            (ec2.describe_ipam_pools, {"IpamPoolIds": ["ipam-pool-0123456789abcdef0"]},
             "InvalidIpamPoolId.NotFound"),
            (ec2.get_ipam_pool_cidrs, {"IpamPoolId": "ipam-pool-0123456789abcdef0"},
             "InvalidIpamPoolId.NotFound"),
            (ec2.describe_ipam_resource_discoveries,
             {"IpamResourceDiscoveryIds": ["ipam-res-disco-0123456789abcdef0"]},
             "InvalidIpamResourceDiscoveryId.NotFound"),
            (ec2.describe_ipam_resource_discovery_associations,
             {"IpamResourceDiscoveryAssociationIds": ["ipam-res-disco-assoc-0123456789abcdef0"]},
             "InvalidIpamResourceDiscoveryAssociationId.NotFound")):
        assert fails(call, **kwargs)[0] == code


def test_terraform_flow_in_process(ec2):
    _terraform_flow(ec2)


def test_terraform_flow_against_the_server(server_ec2):
    _terraform_flow(server_ec2)


# -- auto-import as AWS documents it ------------------------------------------------------------
def _auto_import(ec2: Any) -> None:
    ipam = ec2.create_ipam()["Ipam"]
    pool = ec2.create_ipam_pool(IpamScopeId=ipam["PrivateDefaultScopeId"], AddressFamily="ipv4",
                                Locale="us-east-1", AutoImport=True,
                                AllocationMaxNetmaskLength=16)["IpamPool"]["IpamPoolId"]
    ec2.provision_ipam_pool_cidr(IpamPoolId=pool, Cidr="10.0.0.0/14")
    custom = ec2.allocate_ipam_pool_cidr(IpamPoolId=pool, Cidr="10.2.0.0/16")[
        "IpamPoolAllocation"]

    def vpc(cidr: str) -> str:
        return ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    small = vpc("10.0.0.0/20")          # outside the pool's netmask rules: imported anyway
    inner = vpc("10.1.0.0/20")          # overlaps a larger block: only the larger is imported
    outer = vpc("10.1.0.0/16")
    vpc("10.2.0.0/16")                  # over space already allocated: not imported
    listed = ec2.get_ipam_pool_allocations(IpamPoolId=pool)["IpamPoolAllocations"]
    assert sorted((a["ResourceId"], a["Cidr"]) for a in listed if a["ResourceType"] == "vpc") == \
        sorted([(small, "10.0.0.0/20"), (outer, "10.1.0.0/16")])
    assert [a["IpamPoolAllocationId"] for a in listed if a["ResourceType"] == "custom"] == [
        custom["IpamPoolAllocationId"]]
    rows = {r["ResourceId"]: r for r in ec2.get_ipam_resource_cidrs(
        IpamScopeId=ipam["PrivateDefaultScopeId"], IpamPoolId=pool)["IpamResourceCidrs"]}
    assert (rows[small]["ManagementState"], rows[small]["ComplianceStatus"]) == (
        "managed", "noncompliant")
    assert rows[outer]["ComplianceStatus"] == "compliant" and inner not in rows
    ec2.delete_vpc(VpcId=outer)         # the larger gone, the smaller one is imported
    assert inner in {a.get("ResourceId") for a in ec2.get_ipam_pool_allocations(
        IpamPoolId=pool)["IpamPoolAllocations"]}


def test_auto_import_as_documented(ec2):
    _auto_import(ec2)


def test_auto_import_against_the_server(server_ec2):
    _auto_import(server_ec2)
