"""VPC operations through boto3, in-process and against the server."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from helpers import error


def test_fresh_region_has_one_default_vpc(ec2):
    vpcs = ec2.describe_vpcs()["Vpcs"]
    assert [(v["CidrBlock"], v["IsDefault"]) for v in vpcs] == [("172.31.0.0/16", True)]


def test_create_vpc_is_described_with_tags(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "a&b<c>"}]}])["Vpc"]
    found = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["a&b*"]}])["Vpcs"]
    assert [v["VpcId"] for v in found] == [vpc["VpcId"]]
    assert found[0]["Tags"] == [{"Key": "Name", "Value": "a&b<c>"}]


@pytest.mark.parametrize("cidr, code, message", [
    ("10.0.0.0/8", "InvalidVpc.Range", "The CIDR '10.0.0.0/8' is invalid."),
    ("10.0.0.0/29", "InvalidVpc.Range", "The CIDR '10.0.0.0/29' is invalid."),
    ("nonsense", "InvalidParameterValue",
     "Value (nonsense) for parameter cidrBlock is invalid. This is not a valid CIDR block."),
    ("10/16", "InvalidParameterValue",
     "Value (10/16) for parameter cidrBlock is invalid. This is not a valid CIDR block."),
])
def test_create_vpc_rejects_bad_blocks(ec2, cidr, code, message):
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(CidrBlock=cidr)
    assert error(exc) == (code, message)
    assert len(ec2.describe_vpcs()["Vpcs"]) == 1


def test_create_vpc_takes_the_canonical_block(ec2):
    # AWS: "if you specify 100.68.0.18/18, we modify it to 100.68.0.0/18"
    vpc = ec2.create_vpc(CidrBlock="100.68.0.18/18")["Vpc"]
    assert vpc["CidrBlock"] == "100.68.0.0/18"
    assert vpc["CidrBlockAssociationSet"][0]["CidrBlock"] == "100.68.0.0/18"


def test_dry_run_validates_and_changes_nothing(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(CidrBlock="10.1.0.0/16", DryRun=True)
    assert error(exc) == ("DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(CidrBlock="10.0.0.0/8", DryRun=True)
    assert error(exc)[0] == "InvalidVpc.Range"
    assert len(ec2.describe_vpcs()["Vpcs"]) == 1


def test_unknown_vpc_and_filter(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.describe_vpcs(VpcIds=["vpc-12345678"])
    assert error(exc) == ("InvalidVpcID.NotFound", "The vpc ID 'vpc-12345678' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.describe_vpcs(Filters=[{"Name": "bogus", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'bogus' is invalid")


def test_delete_vpc(ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.delete_vpc(VpcId=vpc_id)
    assert [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]] != [vpc_id]
    assert len(ec2.describe_vpcs()["Vpcs"]) == 1


def test_vpc_round_trip_against_server(server_ec2):
    vpc_id = server_ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    found = server_ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    assert found[0]["CidrBlock"] == "10.9.0.0/16"


# -- create ---------------------------------------------------------------------------------
def test_create_vpc_shape_and_defaults(ec2, mock):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
    assert vpc["State"] == "pending"
    assert (vpc["InstanceTenancy"], vpc["IsDefault"], vpc["OwnerId"]) == \
        ("default", False, "123456789012")
    assert vpc["DhcpOptionsId"].startswith("dopt-")
    [assoc] = vpc["CidrBlockAssociationSet"]
    assert assoc["CidrBlockState"] == {"State": "associated"}
    assert "Ipv6CidrBlockAssociationSet" not in vpc
    described = ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0]
    assert described["State"] == "available"
    assert {k: v for k, v in described.items() if k != "State"} == \
        {k: v for k, v in vpc.items() if k not in ("State", "ResponseMetadata")}
    for attribute, expected in (("enableDnsSupport", True), ("enableDnsHostnames", False),
                                ("enableNetworkAddressUsageMetrics", False)):
        out = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute=attribute)
        member = attribute[0].upper() + attribute[1:]
        assert out[member] == {"Value": expected}
    # what AWS creates with every VPC
    children = {mock.world.graph.nodes[c]["kind"] for c, _, _ in
                mock.world.out(vpc["VpcId"], "contains")}
    assert {"route-table", "network-acl", "security-group", "vpc-cidr-assoc"} <= children


def test_create_vpc_dedicated_and_host_tenancy(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", InstanceTenancy="dedicated")["Vpc"]
    assert vpc["InstanceTenancy"] == "dedicated"
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(CidrBlock="10.1.0.0/16", InstanceTenancy="host")
    assert error(exc) == ("UnsupportedTenancy", "The tenancy value host is not supported.")
    assert ec2.modify_vpc_tenancy(VpcId=vpc["VpcId"], InstanceTenancy="default")["ReturnValue"]
    assert ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0]["InstanceTenancy"] == "default"
    with pytest.raises(ClientError) as exc:
        ec2.modify_vpc_tenancy(VpcId="vpc-0123456789abcdef0", InstanceTenancy="default")
    assert error(exc)[0] == "InvalidVpcID.NotFound"


def test_create_vpc_with_amazon_ipv6(ec2, mock):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    [assoc] = vpc["Ipv6CidrBlockAssociationSet"]
    assert assoc["Ipv6CidrBlock"].endswith("::/56")
    assert (assoc["Ipv6Pool"], assoc["NetworkBorderGroup"]) == ("Amazon", "us-east-1")
    assert assoc["Ipv6CidrBlockState"] == {"State": "associating"}
    assert ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0][
        "Ipv6CidrBlockState"] == {"State": "associated"}
    other = ec2.create_vpc(CidrBlock="10.1.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    assert other["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"] != assoc["Ipv6CidrBlock"]
    # the main route table routes the /56 locally
    rtb = [c for c, _, _ in mock.world.out(vpc["VpcId"], "contains")
           if mock.world.graph.nodes[c]["kind"] == "route-table"][0]
    assert ("route", assoc["Ipv6CidrBlock"]) in {
        k for _, _, k in mock.world.graph.out_edges(rtb, keys=True)}
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(CidrBlock="10.0.0.0/16", Ipv6CidrBlock="2600:1f00::/56")
    assert error(exc) == ("MissingParameter", "The request must contain the parameter Ipv6Pool")
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(CidrBlock="10.0.0.0/16", Ipv6CidrBlockNetworkBorderGroup="us-east-1")
    assert error(exc)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True,
                       Ipv6CidrBlockNetworkBorderGroup="us-west-2")
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(Ipv4IpamPoolId="ipam-pool-0123456789abcdef0")
    assert error(exc) == ("InvalidIpamPoolId.NotFound",
                          "The ipam-pool ID 'ipam-pool-0123456789abcdef0' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc()
    assert error(exc) == ("MissingParameter",
                          "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.")
    assert len(ec2.describe_vpcs()["Vpcs"]) == 3


# -- describe filters -----------------------------------------------------------------------
@pytest.fixture
def two(ec2) -> dict[str, str]:
    a = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True, TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "team", "Value": "red"}]}])["Vpc"]
    b = ec2.create_vpc(CidrBlock="192.168.0.0/20", InstanceTenancy="dedicated")["Vpc"]
    second = ec2.associate_vpc_cidr_block(VpcId=b["VpcId"], CidrBlock="192.168.16.0/20")
    default = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    return {"a": a["VpcId"], "b": b["VpcId"], "default": default["VpcId"],
            "a6": a["Ipv6CidrBlockAssociationSet"][0]["AssociationId"],
            "a6block": a["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"],
            "b2": second["CidrBlockAssociation"]["AssociationId"],
            "dopt": a["DhcpOptionsId"]}


def vpc_ids(ec2, name: str, *values: str) -> set[str]:
    return {v["VpcId"] for v in ec2.describe_vpcs(
        Filters=[{"Name": name, "Values": list(values)}])["Vpcs"]}


def test_describe_vpc_filters(ec2, two):
    a, b, default = two["a"], two["b"], two["default"]
    assert vpc_ids(ec2, "vpc-id", a) == {a}
    assert vpc_ids(ec2, "cidr", "192.168.0.0/20") == {b}
    assert vpc_ids(ec2, "cidr", "192.168.16.0/20") == set()        # the primary block only
    assert vpc_ids(ec2, "cidr-block-association.cidr-block", "192.168.16.0/20") == {b}
    assert vpc_ids(ec2, "cidr-block-association.association-id", two["b2"]) == {b}
    assert vpc_ids(ec2, "cidr-block-association.state", "associated") == {a, b, default}
    assert vpc_ids(ec2, "dhcp-options-id", two["dopt"]) == {a, b, default}
    assert vpc_ids(ec2, "ipv6-cidr-block-association.ipv6-cidr-block", two["a6block"]) == {a}
    assert vpc_ids(ec2, "ipv6-cidr-block-association.ipv6-pool", "Amazon") == {a}
    assert vpc_ids(ec2, "ipv6-cidr-block-association.association-id", two["a6"]) == {a}
    assert vpc_ids(ec2, "ipv6-cidr-block-association.state", "associated") == {a}
    assert vpc_ids(ec2, "is-default", "true") == {default}
    assert vpc_ids(ec2, "is-default", "false") == {a, b}
    assert vpc_ids(ec2, "owner-id", "123456789012") == {a, b, default}
    assert vpc_ids(ec2, "state", "available") == {a, b, default}
    assert vpc_ids(ec2, "tag:team", "red") == {a}
    assert vpc_ids(ec2, "tag-key", "team") == {a}
    assert vpc_ids(ec2, "tag-value", "r*") == {a}
    assert vpc_ids(ec2, "cidr", "10.*", "192.168.0.0/20") == {a, b}


# -- secondary CIDR blocks ------------------------------------------------------------------
def test_secondary_blocks_add_and_remove_local_routes(ec2, mock):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    out = ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.1.0.0/16")
    assoc = out["CidrBlockAssociation"]
    assert out["VpcId"] == vpc
    assert (assoc["CidrBlock"], assoc["CidrBlockState"]["State"]) == ("10.1.0.0/16", "associating")
    world = mock.world
    rtbs = [c for c, _, _ in world.out(vpc, "contains") if world.graph.nodes[c]["kind"] == "route-table"]

    def local(block: str) -> bool:
        return all(world.graph.has_edge(r, vpc, ("route", block)) for r in rtbs)
    assert local("10.1.0.0/16")
    described = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]
    assert [c["CidrBlock"] for c in described["CidrBlockAssociationSet"]] == \
        ["10.0.0.0/16", "10.1.0.0/16"]
    assert described["CidrBlock"] == "10.0.0.0/16"
    out = ec2.disassociate_vpc_cidr_block(AssociationId=assoc["AssociationId"])
    assert out["CidrBlockAssociation"]["CidrBlockState"]["State"] == "disassociating"
    assert not local("10.1.0.0/16") and local("10.0.0.0/16")
    assert [c["CidrBlock"] for c in ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0][
        "CidrBlockAssociationSet"]] == ["10.0.0.0/16"]


@pytest.mark.parametrize("primary, secondary, allowed", [
    ("10.0.0.0/16", "10.2.0.0/16", True),
    ("10.0.0.0/16", "100.64.0.0/16", True),
    ("10.0.0.0/16", "52.0.0.0/16", True),
    ("10.0.0.0/16", "172.16.0.0/16", False),
    ("10.0.0.0/16", "192.168.0.0/16", False),
    ("10.0.0.0/16", "198.19.0.0/16", False),
    ("10.1.0.0/16", "10.0.0.0/16", False),          # 10.0.0.0/15 primary: no 10.0.0.0/16 blocks
    ("10.2.0.0/16", "10.0.0.0/16", True),
    ("172.31.0.0/16", "172.30.0.0/16", True),
    ("172.31.0.0/16", "10.0.0.0/16", False),
    ("192.168.0.0/20", "192.168.16.0/20", True),
    ("192.168.0.0/20", "10.0.0.0/16", False),
    ("198.19.0.0/16", "10.0.0.0/16", False),
    ("198.19.0.0/16", "100.64.0.0/16", True),
    ("100.64.0.0/16", "10.0.0.0/16", False),
    ("100.64.0.0/16", "198.19.0.0/16", False),
    ("100.64.0.0/16", "100.65.0.0/16", True),
])
def test_rfc1918_restriction_table(ec2, primary, secondary, allowed):
    vpc = ec2.create_vpc(CidrBlock=primary)["Vpc"]["VpcId"]
    if allowed:
        ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock=secondary)
        return
    with pytest.raises(ClientError) as exc:
        ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock=secondary)
    assert error(exc) == (
        "InvalidVpc.Range",
        f"The CIDR '{secondary}' is restricted. Use a CIDR from the same private address range "
        "as the current VPC CIDR, or use a publicly-routable CIDR.")
    assert len(ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["CidrBlockAssociationSet"]) == 1


def test_secondary_block_rules(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    for cidr in ("10.0.0.0/16", "10.0.128.0/17", "10.0.0.0/15"):
        with pytest.raises(ClientError) as exc:
            ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock=cidr)
        assert error(exc)[0] in ("CidrConflict", "InvalidVpc.Range")
    with pytest.raises(ClientError) as exc:
        ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.9.0.0/29")
    assert error(exc) == ("InvalidVpc.Range", "The CIDR '10.9.0.0/29' is invalid.")
    for i in range(2, 6):
        ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock=f"10.{i}.0.0/16")
    with pytest.raises(ClientError) as exc:
        ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.9.0.0/16")
    assert error(exc) == ("CidrLimitExceeded",
                          f"This network {vpc} has met its maximum number of allowed CIDRs: 5")
    with pytest.raises(ClientError) as exc:
        ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.9.0.0/16",
                                     AmazonProvidedIpv6CidrBlock=True)
    assert error(exc)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as exc:
        ec2.associate_vpc_cidr_block(VpcId=vpc)
    assert error(exc)[0] == "MissingParameter"
    with pytest.raises(ClientError) as exc:
        ec2.associate_vpc_cidr_block(VpcId="vpc-0123456789abcdef0", CidrBlock="10.9.0.0/16")
    assert error(exc)[0] == "InvalidVpcID.NotFound"


def test_secondary_block_may_not_cover_a_route(ec2, mock):
    from topology.network import route_tables

    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    world = mock.world
    rtb = route_tables.main_table(world, vpc)
    part = world.partition("123456789012", "us-east-1")
    with world.request():   # a route to 10.5.0.0/24 through some gateway of the VPC
        world.add(part, "vpn-gateway", "vgw-0123456789abcdef0")
        route_tables.add_route(world, rtb, "vgw-0123456789abcdef0", "10.5.0.0/24",
                               "DestinationCidrBlock")
    for cidr in ("10.5.0.0/24", "10.5.0.0/16"):
        with pytest.raises(ClientError) as exc:
            ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock=cidr)
        assert error(exc)[0] == "InvalidVpc.Range"
    ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.5.0.0/25")   # smaller is fine
    ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.6.0.0/16")


def test_disassociate_rules(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    vpc_id = vpc["VpcId"]
    primary = vpc["CidrBlockAssociationSet"][0]["AssociationId"]
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_vpc_cidr_block(AssociationId=primary)
    assert error(exc) == (
        "OperationNotPermitted",
        f"The vpc CIDR block with association ID {primary} may not be disassociated. It is the "
        "primary IPv4 CIDR block of the VPC")
    second = ec2.associate_vpc_cidr_block(VpcId=vpc_id, CidrBlock="10.1.0.0/16")[
        "CidrBlockAssociation"]["AssociationId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.1.2.0/24")["Subnet"]["SubnetId"]
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_vpc_cidr_block(AssociationId=second)
    assert error(exc) == ("DependencyViolation",
                          f"The vpc CIDR block with association ID {second} has dependencies "
                          "and cannot be disassociated.")
    ec2.delete_subnet(SubnetId=subnet)
    ec2.disassociate_vpc_cidr_block(AssociationId=second)
    v6 = vpc["Ipv6CidrBlockAssociationSet"][0]
    v6_subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24",
                                  Ipv6CidrBlock=v6["Ipv6CidrBlock"].replace("/56", "/64"))
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_vpc_cidr_block(AssociationId=v6["AssociationId"])
    assert error(exc)[0] == "DependencyViolation"
    ec2.delete_subnet(SubnetId=v6_subnet["Subnet"]["SubnetId"])
    out = ec2.disassociate_vpc_cidr_block(AssociationId=v6["AssociationId"])
    assert out["Ipv6CidrBlockAssociation"]["Ipv6CidrBlockState"]["State"] == "disassociating"
    assert "Ipv6CidrBlockAssociationSet" not in ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_vpc_cidr_block(AssociationId=v6["AssociationId"])
    assert error(exc)[0] == "InvalidVpcCidrBlockAssociationID.NotFound"
    again = ec2.associate_vpc_cidr_block(VpcId=vpc_id, AmazonProvidedIpv6CidrBlock=True)
    assert again["Ipv6CidrBlockAssociation"]["Ipv6CidrBlockState"]["State"] == "associating"
    with pytest.raises(ClientError) as exc:
        ec2.associate_vpc_cidr_block(VpcId=vpc_id, AmazonProvidedIpv6CidrBlock=True)
    assert error(exc)[0] == "CidrLimitExceeded"


# -- attributes -----------------------------------------------------------------------------
def test_modify_vpc_attribute(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    assert ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsHostnames")[
        "EnableDnsHostnames"] == {"Value": True}
    ec2.modify_vpc_attribute(VpcId=vpc, EnableNetworkAddressUsageMetrics={"Value": True})
    assert ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableNetworkAddressUsageMetrics")[
        "EnableNetworkAddressUsageMetrics"] == {"Value": True}
    with pytest.raises(ClientError) as exc:
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": False},
                                 EnableDnsHostnames={"Value": False})
    assert error(exc)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as exc:
        ec2.modify_vpc_attribute(VpcId=vpc)
    assert error(exc)[0] == "MissingParameter"
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": False})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": False})
    with pytest.raises(ClientError) as exc:
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    assert error(exc)[0] == "InvalidParameterValue"
    assert ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsHostnames")[
        "EnableDnsHostnames"] == {"Value": False}
    with pytest.raises(ClientError) as exc:
        ec2.describe_vpc_attribute(VpcId="vpc-0123456789abcdef0", Attribute="enableDnsSupport")
    assert error(exc)[0] == "InvalidVpcID.NotFound"


def test_default_vpc_has_dns_hostnames(ec2):
    default = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    assert ec2.describe_vpc_attribute(VpcId=default["VpcId"], Attribute="enableDnsHostnames")[
        "EnableDnsHostnames"] == {"Value": True}


# -- default VPC ----------------------------------------------------------------------------
def test_create_default_vpc(ec2, mock):
    with pytest.raises(ClientError) as exc:
        ec2.create_default_vpc()
    assert error(exc) == ("DefaultVpcAlreadyExists",
                          "A Default VPC already exists for this account in this region.")
    assert len(ec2.describe_vpcs()["Vpcs"]) == 1
    default = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    with mock.world.request():        # as if it had been deleted
        mock.world.update(default, IsDefault=False)
    vpc = ec2.create_default_vpc()["Vpc"]
    assert (vpc["CidrBlock"], vpc["IsDefault"], vpc["State"]) == ("172.31.0.0/16", True, "pending")
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    assert len(subnets) == 6 and all(s["DefaultForAz"] for s in subnets)


def test_delete_vpc_dependencies(ec2):
    default = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    with pytest.raises(ClientError) as exc:
        ec2.delete_vpc(VpcId=default)
    assert error(exc) == ("DependencyViolation",
                          f"The vpc '{default}' has dependencies and cannot be deleted.")
    with pytest.raises(ClientError) as exc:
        ec2.delete_vpc(VpcId="vpc-0123456789abcdef0")
    assert error(exc)[0] == "InvalidVpcID.NotFound"
    with pytest.raises(ClientError) as exc:
        ec2.delete_vpc(VpcId="vpc-0123")
    assert error(exc)[0] == "InvalidVpcID.Malformed"


# -- ClassicLink ----------------------------------------------------------------------------
def test_classic_link_round_trip(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "n", "Value": "1"}]}])["Vpc"]["VpcId"]

    def linked() -> dict[str, bool]:
        return {v["VpcId"]: v["ClassicLinkEnabled"]
                for v in ec2.describe_vpc_classic_link(VpcIds=[vpc])["Vpcs"]}
    assert linked() == {vpc: False}
    assert ec2.enable_vpc_classic_link(VpcId=vpc)["Return"] is True
    assert linked() == {vpc: True}
    out = ec2.describe_vpc_classic_link(Filters=[
        {"Name": "is-classic-link-enabled", "Values": ["true"]}])["Vpcs"]
    assert out == [{"VpcId": vpc, "ClassicLinkEnabled": True, "Tags": [{"Key": "n", "Value": "1"}]}]
    assert ec2.describe_vpc_classic_link(Filters=[{"Name": "tag:n", "Values": ["1"]}])[
        "Vpcs"][0]["VpcId"] == vpc
    assert ec2.disable_vpc_classic_link(VpcId=vpc)["Return"] is True
    assert linked() == {vpc: False}
    assert ec2.enable_vpc_classic_link_dns_support(VpcId=vpc)["Return"] is True
    dns = ec2.describe_vpc_classic_link_dns_support(VpcIds=[vpc])["Vpcs"]
    assert dns == [{"VpcId": vpc, "ClassicLinkDnsSupported": True}]
    assert ec2.disable_vpc_classic_link_dns_support(VpcId=vpc)["Return"] is True
    assert ec2.describe_vpc_classic_link_dns_support(VpcIds=[vpc])["Vpcs"][0][
        "ClassicLinkDnsSupported"] is False


def test_classic_link_refuses_vpcs_routing_into_ten_slash_eight(ec2):
    ok = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ec2.enable_vpc_classic_link(VpcId=ok)
    bad = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    with pytest.raises(ClientError) as exc:
        ec2.enable_vpc_classic_link(VpcId=bad)
    assert error(exc)[0] == "InvalidParameterValue"
    assert ec2.describe_vpc_classic_link(VpcIds=[bad])["Vpcs"][0]["ClassicLinkEnabled"] is False
    public = ec2.create_vpc(CidrBlock="172.20.0.0/16")["Vpc"]["VpcId"]
    assert ec2.enable_vpc_classic_link(VpcId=public)["Return"] is True


def test_classic_link_errors(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.enable_vpc_classic_link(VpcId="vpc-0123456789abcdef0")
    assert error(exc)[0] == "InvalidVpcID.NotFound"
    with pytest.raises(ClientError) as exc:
        ec2.enable_vpc_classic_link_dns_support()
    assert error(exc) == ("MissingParameter", "The request must contain the parameter VpcId")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    with pytest.raises(ClientError) as exc:
        ec2.enable_vpc_classic_link(VpcId=vpc, DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert ec2.describe_vpc_classic_link(VpcIds=[vpc])["Vpcs"][0]["ClassicLinkEnabled"] is False


def test_classic_link_exists_only_where_ec2_classic_did(mock):
    import boto3

    frankfurt = boto3.client("ec2", region_name="eu-central-1")
    vpc = frankfurt.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    calls = [lambda: frankfurt.enable_vpc_classic_link(VpcId=vpc),
             lambda: frankfurt.disable_vpc_classic_link(VpcId=vpc),
             lambda: frankfurt.enable_vpc_classic_link_dns_support(VpcId=vpc),
             lambda: frankfurt.describe_vpc_classic_link(),
             lambda: frankfurt.describe_vpc_classic_link_dns_support()]
    for call in calls:
        with pytest.raises(ClientError) as exc:
            call()
        assert error(exc) == ("UnsupportedOperation",
                              "The functionality you requested is not available in this region.")


def test_classic_link_and_attributes_against_server(server_ec2):
    vpc = server_ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    assert server_ec2.enable_vpc_classic_link(VpcId=vpc)["Return"] is True
    server_ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    assert server_ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsHostnames")[
        "EnableDnsHostnames"]["Value"] is True
    assoc = server_ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.1.0.0/16")
    server_ec2.disassociate_vpc_cidr_block(
        AssociationId=assoc["CidrBlockAssociation"]["AssociationId"])
    assert len(server_ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["CidrBlockAssociationSet"]) == 1


def test_delete_and_recreate_the_default_vpc(ec2):
    default = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    vpc_id = default["VpcId"]
    for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]:
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    [igw] = ec2.describe_internet_gateways(Filters=[
        {"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]
    with pytest.raises(ClientError) as exc:        # the attached gateway still holds it
        ec2.delete_vpc(VpcId=vpc_id)
    assert error(exc)[0] == "DependencyViolation"
    ec2.detach_internet_gateway(InternetGatewayId=igw["InternetGatewayId"], VpcId=vpc_id)
    ec2.delete_internet_gateway(InternetGatewayId=igw["InternetGatewayId"])
    ec2.delete_vpc(VpcId=vpc_id)
    assert ec2.describe_vpcs()["Vpcs"] == []
    attrs = ec2.describe_account_attributes(AttributeNames=["default-vpc"])["AccountAttributes"]
    assert attrs[0]["AttributeValues"] == [{"AttributeValue": "none"}]
    with pytest.raises(ClientError) as exc:
        ec2.create_default_subnet(AvailabilityZone="us-east-1a")
    assert error(exc)[0] == "DefaultVpcDoesNotExist"
    new = ec2.create_default_vpc()["Vpc"]
    assert (new["CidrBlock"], new["IsDefault"]) == ("172.31.0.0/16", True)
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [new["VpcId"]]}])["Subnets"]
    assert sorted(s["AvailabilityZone"] for s in subnets) == [f"us-east-1{c}" for c in "abcdef"]
    [gateway] = ec2.describe_internet_gateways(Filters=[
        {"Name": "attachment.vpc-id", "Values": [new["VpcId"]]}])["InternetGateways"]
    [main] = ec2.describe_route_tables(Filters=[
        {"Name": "vpc-id", "Values": [new["VpcId"]]}])["RouteTables"]
    assert {(r.get("DestinationCidrBlock"), r["GatewayId"]) for r in main["Routes"]} == {
        ("172.31.0.0/16", "local"), ("0.0.0.0/0", gateway["InternetGatewayId"])}
