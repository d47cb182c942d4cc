"""BYOIP CIDRs, public IPv4 and IPv6 pools, BYOASN and Elastic IP address transfers through
boto3, in-process and against the server."""
from __future__ import annotations

import boto3
import pytest

from helpers import fails
from test_routing_lab import codes, lab  # noqa: F401  (lab is a fixture)

ACCOUNT, OTHER = "123456789012", "111122223333"
V4, V6 = "185.42.40.0/24", "2a05:d000::/48"


def context(cidr: str, account: str = ACCOUNT, expiry: str = "20991231") -> dict[str, str]:
    return {"Message": f"1|aws|{account}|{cidr}|{expiry}|SHA256|RSAPSS", "Signature": "c2ln"}


def provision(ec2, cidr: str = V4, **kwargs) -> dict:
    return ec2.provision_byoip_cidr(Cidr=cidr, CidrAuthorizationContext=context(cidr),
                                    **kwargs)["ByoipCidr"]


def ranges(ec2) -> dict[str, dict]:
    return {r["Cidr"]: r for r in ec2.describe_byoip_cidrs(MaxResults=100)["ByoipCidrs"]}


def other_account(ec2):
    return boto3.client("ec2", region_name="us-east-1", aws_access_key_id=OTHER,
                        aws_secret_access_key="testing",
                        endpoint_url=ec2.meta.endpoint_url)


# -- provisioning -----------------------------------------------------------------------------
def test_provision_answers_pending_then_provisioned_with_a_pool(ec2):
    answer = provision(ec2, Description="office", PoolTagSpecifications=[
        {"ResourceType": "ipv4pool-ec2", "Tags": [{"Key": "team", "Value": "net"}]}])
    assert answer["State"] == "pending-provision"
    assert answer["PoolId"].startswith("ipv4pool-ec2-")
    described = ranges(ec2)[V4]
    assert described["State"] == "provisioned"
    assert described["Description"] == "office"
    pool = ec2.describe_public_ipv4_pools(PoolIds=[answer["PoolId"]])["PublicIpv4Pools"][0]
    assert pool["PoolAddressRanges"] == [{"FirstAddress": "185.42.40.0",
                                          "LastAddress": "185.42.40.255", "AddressCount": 256,
                                          "AvailableAddressCount": 256}]
    assert pool["TotalAvailableAddressCount"] == 256
    assert pool["Tags"] == [{"Key": "team", "Value": "net"}]


def test_ipv6_range_gets_an_ipv6_pool(ec2):
    answer = provision(ec2, V6)
    assert answer["PoolId"].startswith("ipv6pool-ec2-")
    pools = ec2.describe_ipv6_pools()["Ipv6Pools"]
    assert [(p["PoolId"], p["PoolCidrBlocks"]) for p in pools] == [
        (answer["PoolId"], [{"Cidr": V6}])]
    assert ec2.get_associated_ipv6_pool_cidrs(PoolId=answer["PoolId"])[
        "Ipv6CidrAssociations"] == []


def test_ipv6_not_advertisable_may_be_a_56(ec2):
    cidr = "2a05:d000:0:100::/56"
    assert fails(provision, ec2, cidr)[0] == "InvalidParameterValue"     # /48 at most
    provision(ec2, cidr, PubliclyAdvertisable=False)
    assert ranges(ec2)[cidr]["State"] == "provisioned-not-publicly-advertisable"
    assert fails(ec2.advertise_byoip_cidr, Cidr=cidr)[0] == "IncorrectState"


@pytest.mark.parametrize("cidr", ["185.42.40.0/25", "10.0.0.0/16", "185.42.40.1/24", "nope",
                                  "3.0.0.0/24"])
def test_provision_refuses_bad_ranges(ec2, cidr):
    code, _ = fails(ec2.provision_byoip_cidr, Cidr=cidr,
                    CidrAuthorizationContext=context(cidr))
    assert code == "InvalidParameterValue"
    assert ranges(ec2) == {}


def test_provision_checks_the_authorization_context(ec2):
    assert fails(ec2.provision_byoip_cidr, Cidr=V4)[0] == "MissingParameter"
    for bad in (context(V4, account=OTHER), context(V4, expiry="20200101"),
                context("185.42.41.0/24")):
        assert fails(ec2.provision_byoip_cidr, Cidr=V4,
                     CidrAuthorizationContext=bad)[0] == "InvalidParameterValue"
    assert ranges(ec2) == {} and ec2.describe_public_ipv4_pools()["PublicIpv4Pools"] == []


def test_overlapping_ranges_are_refused_across_accounts(ec2):
    provision(ec2)
    other = other_account(ec2)
    cidr = "185.42.40.0/23"
    code, message = fails(other.provision_byoip_cidr, Cidr=cidr,
                          CidrAuthorizationContext=context(cidr, OTHER))
    assert code == "InvalidParameterValue" and "overlaps" in message


def test_five_ranges_per_region(ec2):
    for n in range(5):
        provision(ec2, f"185.42.{n}.0/24")
    code, _ = fails(provision, ec2, "185.42.9.0/24")
    assert code == "ResourceLimitExceeded"


def test_dry_run_provisions_nothing(ec2):
    code, _ = fails(ec2.provision_byoip_cidr, Cidr=V4, CidrAuthorizationContext=context(V4),
                    DryRun=True)
    assert code == "DryRunOperation"
    assert ranges(ec2) == {}


# -- advertising and deprovisioning -----------------------------------------------------------
def test_advertise_withdraw_deprovision(ec2):
    provision(ec2)
    assert ec2.advertise_byoip_cidr(Cidr=V4)["ByoipCidr"]["State"] == "pending-advertising"
    assert ranges(ec2)[V4]["State"] == "advertised"
    assert fails(ec2.advertise_byoip_cidr, Cidr=V4)[0] == "IncorrectState"
    assert fails(ec2.deprovision_byoip_cidr, Cidr=V4)[0] == "IncorrectState"
    assert ec2.withdraw_byoip_cidr(Cidr=V4)["ByoipCidr"]["State"] == "pending-withdrawal"
    assert ranges(ec2)[V4]["State"] == "provisioned"
    assert fails(ec2.withdraw_byoip_cidr, Cidr=V4)[0] == "IncorrectState"
    assert ec2.deprovision_byoip_cidr(Cidr=V4)["ByoipCidr"]["State"] == "pending-deprovision"
    assert ranges(ec2) == {}
    assert ec2.describe_public_ipv4_pools()["PublicIpv4Pools"] == []


def test_unknown_range(ec2):
    code, message = fails(ec2.advertise_byoip_cidr, Cidr=V4)
    assert (code, message) == ("InvalidByoipCidr.NotFound", f"The CIDR '{V4}' does not exist")


def test_addresses_from_the_pool(ec2):
    pool = provision(ec2)["PoolId"]
    eip = ec2.allocate_address(PublicIpv4Pool=pool)
    assert eip["PublicIpv4Pool"] == pool and eip["PublicIp"].startswith("185.42.40.")
    chosen = ec2.allocate_address(PublicIpv4Pool=pool, Address="185.42.40.77")
    assert chosen["PublicIp"] == "185.42.40.77"
    assert fails(ec2.allocate_address, PublicIpv4Pool=pool,
                 Address="185.42.40.77")[0] == "InvalidAddress.InUse"
    assert fails(ec2.allocate_address, PublicIpv4Pool=pool,
                 Address="185.42.41.1")[0] == "InvalidParameterValue"
    described = ec2.describe_public_ipv4_pools(PoolIds=[pool])["PublicIpv4Pools"][0]
    assert described["TotalAvailableAddressCount"] == 254
    assert ec2.describe_addresses(Filters=[{"Name": "public-ipv4-pool", "Values": [pool]}])[
        "Addresses"][0]["PublicIpv4Pool"] == pool
    assert fails(ec2.deprovision_byoip_cidr, Cidr=V4)[0] == "InvalidByoipCidr.InUse"
    for address in (eip, chosen):
        ec2.release_address(AllocationId=address["AllocationId"])
    ec2.deprovision_byoip_cidr(Cidr=V4)


def test_unknown_pool_for_an_address(ec2):
    code, _ = fails(ec2.allocate_address, PublicIpv4Pool="ipv4pool-ec2-0123456789abcdef0")
    assert code == "InvalidPublicIpv4PoolID.NotFound"


# -- public IPv4 pools made for IPAM ----------------------------------------------------------
def test_create_and_delete_public_ipv4_pool(ec2):
    pool = ec2.create_public_ipv4_pool(TagSpecifications=[
        {"ResourceType": "ipv4pool-ec2", "Tags": [{"Key": "Name", "Value": "p"}]}])["PoolId"]
    described = ec2.describe_public_ipv4_pools(
        Filters=[{"Name": "tag:Name", "Values": ["p"]}])["PublicIpv4Pools"]
    assert [(p["PoolId"], p["TotalAddressCount"], p["NetworkBorderGroup"])
            for p in described] == [(pool, 0, "us-east-1")]
    assert ec2.delete_public_ipv4_pool(PoolId=pool)["ReturnValue"] is True
    assert fails(ec2.delete_public_ipv4_pool, PoolId=pool)[0] == \
        "InvalidPublicIpv4PoolID.NotFound"
    assert fails(ec2.describe_public_ipv4_pools, PoolIds=["ipv4pool-ec2-zz"])[0] == \
        "InvalidPublicIpv4PoolID.Malformed"


def test_a_byoip_pool_is_deleted_by_deprovisioning(ec2):
    pool = provision(ec2)["PoolId"]
    assert fails(ec2.delete_public_ipv4_pool, PoolId=pool)[0] == \
        "InvalidPublicIpv4PoolID.InUse"


# -- BYOASN -----------------------------------------------------------------------------------
def asn_context(asn: str) -> dict[str, str]:
    return {"Message": f"1|aws|{ACCOUNT}|{asn}|20991231|SHA256|RSAPSS", "Signature": "c2ln"}


def test_byoasn_provision_associate_advertise(ec2):
    ipam = ec2.create_ipam()["Ipam"]["IpamId"]
    answer = ec2.provision_ipam_byoasn(IpamId=ipam, Asn="396982",
                                       AsnAuthorizationContext=asn_context("396982"))
    assert answer["Byoasn"] == {"Asn": "396982", "IpamId": ipam, "State": "pending-provision"}
    assert ec2.describe_ipam_byoasn()["Byoasns"] == [
        {"Asn": "396982", "IpamId": ipam, "State": "provisioned"}]
    provision(ec2)
    assert fails(ec2.advertise_byoip_cidr, Cidr=V4, Asn="396982")[0] == "InvalidParameterValue"
    association = ec2.associate_ipam_byoasn(Asn="396982", Cidr=V4)["AsnAssociation"]
    assert association == {"Asn": "396982", "Cidr": V4, "State": "pending-association"}
    assert ranges(ec2)[V4]["AsnAssociations"] == [
        {"Asn": "396982", "Cidr": V4, "State": "associated"}]
    ec2.advertise_byoip_cidr(Cidr=V4, Asn="396982")
    assert fails(ec2.disassociate_ipam_byoasn, Asn="396982", Cidr=V4)[0] == "IncorrectState"
    assert fails(ec2.deprovision_ipam_byoasn, IpamId=ipam, Asn="396982")[0] == \
        "InvalidAsn.InUse"
    ec2.withdraw_byoip_cidr(Cidr=V4)
    assert ec2.disassociate_ipam_byoasn(Asn="396982", Cidr=V4)["AsnAssociation"][
        "State"] == "pending-disassociation"
    assert ec2.deprovision_ipam_byoasn(IpamId=ipam, Asn="396982")["Byoasn"][
        "State"] == "pending-deprovision"
    assert ec2.describe_ipam_byoasn()["Byoasns"] == []


@pytest.mark.parametrize("asn", ["64512", "0", "23456", "abc", "4294967296"])
def test_byoasn_must_be_public(ec2, asn):
    ipam = ec2.create_ipam()["Ipam"]["IpamId"]
    assert fails(ec2.provision_ipam_byoasn, IpamId=ipam, Asn=asn,
                 AsnAuthorizationContext=asn_context(asn))[0] == "InvalidParameterValue"


def test_byoasn_needs_an_ipam(ec2):
    assert fails(ec2.provision_ipam_byoasn, IpamId="ipam-0123456789abcdef0", Asn="396982",
                 AsnAuthorizationContext=asn_context("396982"))[0] == "InvalidIpamId.NotFound"


# -- Elastic IP address transfers -------------------------------------------------------------
def test_transfer_moves_the_address_to_the_accepting_account(ec2):
    other = other_account(ec2)
    eip = ec2.allocate_address()
    offer = ec2.enable_address_transfer(AllocationId=eip["AllocationId"],
                                        TransferAccountId=OTHER)["AddressTransfer"]
    assert (offer["AddressTransferStatus"], offer["TransferAccountId"]) == ("pending", OTHER)
    pending = ec2.describe_address_transfers()["AddressTransfers"]
    assert [t["AllocationId"] for t in pending] == [eip["AllocationId"]]
    accepted = other.accept_address_transfer(Address=eip["PublicIp"], TagSpecifications=[
        {"ResourceType": "elastic-ip", "Tags": [{"Key": "from", "Value": "a"}]}])[
        "AddressTransfer"]
    assert accepted["AddressTransferStatus"] == "accepted"
    mine = other.describe_addresses()["Addresses"]
    assert [(a["PublicIp"], a["AllocationId"], a["Tags"]) for a in mine] == [
        (eip["PublicIp"], accepted["AllocationId"], [{"Key": "from", "Value": "a"}])]
    assert ec2.describe_addresses()["Addresses"] == []
    seen = ec2.describe_address_transfers(AllocationIds=[eip["AllocationId"]])[
        "AddressTransfers"]
    assert [t["AddressTransferStatus"] for t in seen] == ["accepted"]


def test_transfer_refusals(ec2, vpc):
    other = other_account(ec2)
    eip = ec2.allocate_address()
    alloc = eip["AllocationId"]
    assert fails(ec2.enable_address_transfer, AllocationId=alloc,
                 TransferAccountId=ACCOUNT)[0] == "InvalidParameterValue"
    assert fails(ec2.enable_address_transfer, AllocationId="eipalloc-0123456789abcdef0",
                 TransferAccountId=OTHER)[0] == "InvalidAllocationID.NotFound"
    assert fails(other.accept_address_transfer, Address=eip["PublicIp"])[0] == \
        "InvalidAddress.NotFound"            # nothing offered yet
    assert fails(ec2.disable_address_transfer, AllocationId=alloc)[0] == \
        "InvalidTransferStatus"
    ec2.enable_address_transfer(AllocationId=alloc, TransferAccountId=OTHER)
    disabled = ec2.disable_address_transfer(AllocationId=alloc)["AddressTransfer"]
    assert disabled["AddressTransferStatus"] == "disabled"
    assert fails(other.accept_address_transfer, Address=eip["PublicIp"])[0] == \
        "InvalidAddress.NotFound"
    assert ec2.describe_address_transfers()["AddressTransfers"] == []


def test_transfer_of_an_associated_address_is_refused(ec2, subnet, vpc):
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    alloc = ec2.allocate_address()["AllocationId"]
    ec2.associate_address(AllocationId=alloc, NetworkInterfaceId=eni)
    assert fails(ec2.enable_address_transfer, AllocationId=alloc,
                 TransferAccountId=OTHER)[0] == "InvalidIPAddress.InUse"


# -- against the server -----------------------------------------------------------------------
def test_server_byoip_and_transfer(server_ec2):
    pool = provision(server_ec2)["PoolId"]
    eip = server_ec2.allocate_address(PublicIpv4Pool=pool)
    assert eip["PublicIp"].startswith("185.42.40.")
    assert ranges(server_ec2)[V4]["State"] == "provisioned"
    assert fails(server_ec2.advertise_byoip_cidr, Cidr="185.42.99.0/24")[0] == \
        "InvalidByoipCidr.NotFound"
    amazon = server_ec2.allocate_address()
    server_ec2.enable_address_transfer(AllocationId=amazon["AllocationId"],
                                       TransferAccountId=OTHER)
    other = other_account(server_ec2)
    other.accept_address_transfer(Address=amazon["PublicIp"])
    assert [a["PublicIp"] for a in other.describe_addresses()["Addresses"]] == [
        amazon["PublicIp"]]


# -- VPC blocks from a BYOIP IPv6 pool --------------------------------------------------------
def test_vpc_ipv6_block_from_a_byoip_pool(ec2):
    pool = provision(ec2, V6)["PoolId"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", Ipv6Pool=pool)["Vpc"]
    block = vpc["Ipv6CidrBlockAssociationSet"][0]
    assert (block["Ipv6CidrBlock"], block["Ipv6Pool"]) == ("2a05:d000::/56", pool)
    other = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    assert fails(ec2.associate_vpc_cidr_block, VpcId=other, Ipv6Pool=pool,
                 Ipv6CidrBlock="2a05:d000::/56")[0] == "InvalidVpc.Range"
    chosen = ec2.associate_vpc_cidr_block(VpcId=other, Ipv6Pool=pool,
                                          Ipv6CidrBlock="2a05:d000:0:300::/56")
    assert chosen["Ipv6CidrBlockAssociation"]["Ipv6CidrBlock"] == "2a05:d000:0:300::/56"
    associated = ec2.get_associated_ipv6_pool_cidrs(PoolId=pool)["Ipv6CidrAssociations"]
    assert associated == [{"Ipv6Cidr": "2a05:d000::/56", "AssociatedResource": vpc["VpcId"]},
                          {"Ipv6Cidr": "2a05:d000:0:300::/56", "AssociatedResource": other}]
    assert fails(ec2.create_vpc, CidrBlock="10.2.0.0/16",
                 Ipv6Pool="ipv6pool-ec2-0123456789abcdef0")[0] == "InvalidIpv6PoolID.NotFound"
    assert fails(ec2.deprovision_byoip_cidr, Cidr=V6)[0] == "InvalidByoipCidr.InUse"


# -- reachability through an address of a BYOIP range ------------------------------------------
def test_internet_reaches_an_instance_on_a_byoip_address(lab):
    ec2 = lab.ec2
    pool = provision(ec2)["PoolId"]
    ec2.advertise_byoip_cidr(Cidr=V4)
    vpc = lab.vpc()
    subnet = lab.subnet(vpc, "10.0.1.0/24")
    igw = lab.igw(vpc)
    lab.route(lab.table(vpc, subnet), "0.0.0.0/0", GatewayId=igw)
    web, _ = lab.instance(subnet, lab.group(vpc, "web", ("tcp", 443, "0.0.0.0/0")))
    eip = ec2.allocate_address(PublicIpv4Pool=pool)
    ec2.associate_address(AllocationId=eip["AllocationId"], InstanceId=web)
    answer = lab.reach(igw, web, destination_port=443)
    assert answer.network_path_found
    assert answer.forward_path[0]["InboundHeader"]["DestinationAddresses"] == [eip["PublicIp"]]
    ec2.disassociate_address(AssociationId=ec2.describe_addresses(
        AllocationIds=[eip["AllocationId"]])["Addresses"][0]["AssociationId"])
    assert codes(lab.reach(igw, web, destination_port=443)) == [
        "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"]
