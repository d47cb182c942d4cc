"""DHCP options operations through boto3, in-process and against the server."""
from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from helpers import error


def sets(ec2: Any, **kwargs: Any) -> list[dict[str, Any]]:
    return ec2.describe_dhcp_options(**kwargs)["DhcpOptions"]


def ids(found: list[dict[str, Any]]) -> set[str]:
    return {d["DhcpOptionsId"] for d in found}


def create(ec2: Any, **options: list[str]) -> str:
    configs = [{"Key": key.replace("_", "-"), "Values": values} for key, values in options.items()]
    return ec2.create_dhcp_options(DhcpConfigurations=configs)["DhcpOptions"]["DhcpOptionsId"]


def vpc_options(ec2: Any, vpc_id: str) -> str:
    return ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["DhcpOptionsId"]


def expect(ec2: Any, call: str, code: str, message: str | None = None, **kwargs: Any) -> None:
    """`call` fails with `code` (and `message`) and leaves every set and VPC as it was."""
    before = sets(ec2), ec2.describe_vpcs()["Vpcs"]
    with pytest.raises(ClientError) as exc:
        getattr(ec2, call)(**kwargs)
    assert error(exc)[0] == code, error(exc)
    if message is not None:
        assert error(exc)[1] == message
    assert (sets(ec2), ec2.describe_vpcs()["Vpcs"]) == before


def test_fresh_region_has_the_default_set_on_the_default_vpc(ec2):
    [default] = sets(ec2)
    assert default["DhcpOptionsId"].startswith("dopt-")
    assert default["OwnerId"] == "123456789012"
    assert default["DhcpConfigurations"] == [
        {"Key": "domain-name", "Values": [{"Value": "ec2.internal"}]},
        {"Key": "domain-name-servers", "Values": [{"Value": "AmazonProvidedDNS"}]}]
    [vpc] = ec2.describe_vpcs()["Vpcs"]
    assert vpc["DhcpOptionsId"] == default["DhcpOptionsId"]
    new_vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    assert vpc_options(ec2, new_vpc) == default["DhcpOptionsId"]


def test_default_domain_depends_on_region(mock):
    west = boto3.client("ec2", region_name="us-west-2")
    [default] = sets(west)
    assert default["DhcpConfigurations"][0] == {
        "Key": "domain-name", "Values": [{"Value": "us-west-2.compute.internal"}]}


def test_create_dhcp_options_with_every_key_and_tags(ec2):
    made = ec2.create_dhcp_options(DhcpConfigurations=[
        {"Key": "ntp-servers", "Values": ["10.0.0.5", "2001:db8::1"]},
        {"Key": "domain-name-servers", "Values": ["10.2.5.1", "10.2.5.2"]},
        {"Key": "domain-name", "Values": ["example.com corp.example.com"]},
        {"Key": "netbios-name-servers", "Values": ["10.2.5.3"]},
        {"Key": "netbios-node-type", "Values": ["2"]},
        {"Key": "ipv6-address-preferred-lease-time", "Values": ["3600"]},
    ], TagSpecifications=[{"ResourceType": "dhcp-options",
                           "Tags": [{"Key": "Name", "Value": "corp"}]}])["DhcpOptions"]
    assert made["DhcpConfigurations"] == [
        {"Key": "domain-name", "Values": [{"Value": "example.com corp.example.com"}]},
        {"Key": "domain-name-servers", "Values": [{"Value": "10.2.5.1"}, {"Value": "10.2.5.2"}]},
        {"Key": "ntp-servers", "Values": [{"Value": "10.0.0.5"}, {"Value": "2001:db8::1"}]},
        {"Key": "netbios-name-servers", "Values": [{"Value": "10.2.5.3"}]},
        {"Key": "netbios-node-type", "Values": [{"Value": "2"}]},
        {"Key": "ipv6-address-preferred-lease-time", "Values": [{"Value": "3600"}]}]
    assert made["Tags"] == [{"Key": "Name", "Value": "corp"}]
    assert made["OwnerId"] == "123456789012"
    assert sets(ec2, DhcpOptionsIds=[made["DhcpOptionsId"]]) == [made]


def test_comma_separated_servers_become_separate_values(ec2):
    dopt = create(ec2, domain_name_servers=["10.2.5.1, 10.2.5.2", "AmazonProvidedDNS"])
    [found] = sets(ec2, DhcpOptionsIds=[dopt])
    assert found["DhcpConfigurations"] == [{"Key": "domain-name-servers", "Values": [
        {"Value": "10.2.5.1"}, {"Value": "10.2.5.2"}, {"Value": "AmazonProvidedDNS"}]}]


def test_unknown_key_is_refused(ec2):
    expect(ec2, "create_dhcp_options", "InvalidParameterValue",
           "Value (routers) for parameter name is invalid. Unknown DHCP option",
           DhcpConfigurations=[{"Key": "routers", "Values": ["10.0.0.1"]}])


@pytest.mark.parametrize("key, values", [
    ("domain-name-servers", ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"]),
    ("domain-name-servers", ["not-an-ip"]),
    ("domain-name-servers", ["10.0.0"]),
    ("ntp-servers", ["AmazonProvidedDNS"]),
    ("ntp-servers", ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"]),
    ("netbios-name-servers", ["2001:db8::1"]),
    ("netbios-node-type", ["3"]),
    ("netbios-node-type", ["1", "4"]),
    ("ipv6-address-preferred-lease-time", ["139"]),
    ("ipv6-address-preferred-lease-time", ["2147483648"]),
    ("ipv6-address-preferred-lease-time", ["soon"]),
    ("domain-name", ["bad_domain!"]),
    ("domain-name", ["a.com", "b.com"]),
    ("domain-name", ["-lead.example.com"]),
])
def test_invalid_values_are_refused(ec2, key, values):
    valid = {"Key": "netbios-node-type", "Values": ["2"]} if key != "netbios-node-type" \
        else {"Key": "domain-name", "Values": ["ok.example.com"]}
    expect(ec2, "create_dhcp_options", "InvalidParameterValue",
           f"Value ({','.join(values)}) for parameter value is invalid. "
           "Invalid DHCP option value.",
           DhcpConfigurations=[valid, {"Key": key, "Values": values}])


def test_eight_ntp_servers_four_per_family_are_fine(ec2):
    v4 = [f"10.0.0.{i}" for i in range(1, 5)]
    v6 = [f"2001:db8::{i}" for i in range(1, 5)]
    dopt = create(ec2, ntp_servers=v4 + v6)
    [found] = sets(ec2, DhcpOptionsIds=[dopt])
    assert len(found["DhcpConfigurations"][0]["Values"]) == 8


def test_create_dry_run_and_bad_tags_change_nothing(ec2):
    config = [{"Key": "domain-name", "Values": ["example.com"]}]
    expect(ec2, "create_dhcp_options", "DryRunOperation",
           "Request would have succeeded, but DryRun flag is set.",
           DhcpConfigurations=config, DryRun=True)
    expect(ec2, "create_dhcp_options", "InvalidParameterValue",
           "'vpc' is not a valid taggable resource type for this operation.",
           DhcpConfigurations=config,
           TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "a", "Value": "b"}]}])


def test_associate_and_delete(ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    default = vpc_options(ec2, vpc_id)
    dopt = create(ec2, domain_name=["corp.example.com"])
    ec2.associate_dhcp_options(DhcpOptionsId=dopt, VpcId=vpc_id)
    assert vpc_options(ec2, vpc_id) == dopt
    expect(ec2, "delete_dhcp_options", "DependencyViolation",
           f"The dhcpOptions '{dopt}' has dependencies and cannot be deleted.",
           DhcpOptionsId=dopt)
    ec2.associate_dhcp_options(DhcpOptionsId="default", VpcId=vpc_id)
    assert vpc_options(ec2, vpc_id) == "default"
    assert ec2.describe_vpcs(Filters=[{"Name": "dhcp-options-id",
                                       "Values": ["default"]}])["Vpcs"][0]["VpcId"] == vpc_id
    ec2.delete_dhcp_options(DhcpOptionsId=dopt)
    assert dopt not in ids(sets(ec2))
    ec2.associate_dhcp_options(DhcpOptionsId=default, VpcId=vpc_id)
    assert vpc_options(ec2, vpc_id) == default


def test_associating_again_is_harmless(ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    dopt = create(ec2, domain_name=["corp.example.com"])
    ec2.associate_dhcp_options(DhcpOptionsId=dopt, VpcId=vpc_id)
    ec2.associate_dhcp_options(DhcpOptionsId=dopt, VpcId=vpc_id)
    assert vpc_options(ec2, vpc_id) == dopt


def test_association_errors_change_nothing(ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    dopt = create(ec2, domain_name=["corp.example.com"])
    expect(ec2, "associate_dhcp_options", "InvalidDhcpOptionID.NotFound",
           "The dhcpOption ID 'dopt-12345678' does not exist",
           DhcpOptionsId="dopt-12345678", VpcId=vpc_id)
    expect(ec2, "associate_dhcp_options", "InvalidVpcID.NotFound",
           "The vpc ID 'vpc-12345678' does not exist", DhcpOptionsId=dopt, VpcId="vpc-12345678")
    expect(ec2, "associate_dhcp_options", "DryRunOperation", DhcpOptionsId=dopt, VpcId=vpc_id,
           DryRun=True)


def test_delete_errors(ec2):
    expect(ec2, "delete_dhcp_options", "InvalidDhcpOptionID.NotFound",
           "The dhcpOption ID 'dopt-12345678' does not exist", DhcpOptionsId="dopt-12345678")
    default = sets(ec2)[0]["DhcpOptionsId"]
    expect(ec2, "delete_dhcp_options", "DependencyViolation",
           f"The dhcpOptions '{default}' has dependencies and cannot be deleted.",
           DhcpOptionsId=default)
    dopt = create(ec2, domain_name=["corp.example.com"])
    expect(ec2, "delete_dhcp_options", "DryRunOperation", DhcpOptionsId=dopt, DryRun=True)


def test_describe_filters(ec2):
    default = sets(ec2)[0]["DhcpOptionsId"]
    corp = ec2.create_dhcp_options(
        DhcpConfigurations=[{"Key": "domain-name", "Values": ["corp.example.com"]},
                            {"Key": "ntp-servers", "Values": ["10.0.0.5"]}],
        TagSpecifications=[{"ResourceType": "dhcp-options",
                            "Tags": [{"Key": "env", "Value": "prod"}]}],
    )["DhcpOptions"]["DhcpOptionsId"]
    lab = create(ec2, domain_name_servers=["10.9.9.9"])

    def f(name: str, *values: str) -> set[str]:
        return ids(sets(ec2, Filters=[{"Name": name, "Values": list(values)}]))

    assert f("dhcp-options-id", corp, lab) == {corp, lab}
    assert f("key", "ntp-servers") == {corp}
    assert f("key", "domain-name") == {default, corp}
    assert f("value", "AmazonProvidedDNS") == {default}
    assert f("value", "*.example.com") == {corp}
    assert f("value", "10.9.9.9", "10.0.0.5") == {corp, lab}
    assert f("owner-id", "123456789012") == {default, corp, lab}
    assert f("tag:env", "prod") == {corp}
    assert f("tag-key", "env") == {corp}
    assert f("tag-value", "prod") == {corp}
    assert ids(sets(ec2, Filters=[{"Name": "key", "Values": ["domain-name"]},
                                  {"Name": "value", "Values": ["corp*"]}])) == {corp}
    with pytest.raises(ClientError) as exc:
        sets(ec2, Filters=[{"Name": "bogus", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'bogus' is invalid")
    with pytest.raises(ClientError) as exc:
        sets(ec2, DhcpOptionsIds=[corp, "dopt-12345678"])
    assert error(exc) == ("InvalidDhcpOptionID.NotFound",
                          "The dhcpOption ID 'dopt-12345678' does not exist")


def test_describe_pages(ec2):
    for i in range(6):
        create(ec2, domain_name=[f"n{i}.example.com"])
    everything = [d["DhcpOptionsId"] for d in sets(ec2)]
    assert len(everything) == 7
    first = ec2.describe_dhcp_options(MaxResults=5)
    rest = ec2.describe_dhcp_options(MaxResults=5, NextToken=first["NextToken"])
    assert [d["DhcpOptionsId"] for d in first["DhcpOptions"] + rest["DhcpOptions"]] == everything
    assert "NextToken" not in rest
    unchecked = boto3.client("ec2", region_name="us-east-1",
                             config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as exc:
        unchecked.describe_dhcp_options(MaxResults=1001)
    assert error(exc)[0] == "InvalidParameterValue"


def test_accounts_are_isolated(mock):
    ours = boto3.client("ec2", region_name="us-east-1")
    theirs = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="111122223333",
                          aws_secret_access_key="x")
    dopt = create(ours, domain_name=["corp.example.com"])
    their_vpc = theirs.describe_vpcs()["Vpcs"][0]["VpcId"]
    with pytest.raises(ClientError) as exc:
        theirs.associate_dhcp_options(DhcpOptionsId=dopt, VpcId=their_vpc)
    assert error(exc)[0] == "InvalidDhcpOptionID.NotFound"
    assert dopt not in ids(sets(theirs))


@pytest.mark.server
def test_dhcp_options_round_trip_against_server(server_ec2):
    dopt = create(server_ec2, domain_name=["corp.example.com"],
                  domain_name_servers=["10.0.0.2"])
    vpc_id = server_ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    server_ec2.associate_dhcp_options(DhcpOptionsId=dopt, VpcId=vpc_id)
    assert vpc_options(server_ec2, vpc_id) == dopt
    with pytest.raises(ClientError) as exc:
        server_ec2.delete_dhcp_options(DhcpOptionsId=dopt)
    assert error(exc)[0] == "DependencyViolation"
    server_ec2.associate_dhcp_options(DhcpOptionsId="default", VpcId=vpc_id)
    server_ec2.delete_dhcp_options(DhcpOptionsId=dopt)
    with pytest.raises(ClientError) as exc:
        sets(server_ec2, DhcpOptionsIds=[dopt])
    assert error(exc) == ("InvalidDhcpOptionID.NotFound",
                          f"The dhcpOption ID '{dopt}' does not exist")


def test_malformed_id_has_aws_code(ec2):
    """AWS's error-code list spells this one `InvalidDhcpOptionsId.Malformed`."""
    for call in (lambda: ec2.delete_dhcp_options(DhcpOptionsId="foo-abcd1234"),
                 lambda: ec2.describe_dhcp_options(DhcpOptionsIds=["foo-abcd1234"])):
        with pytest.raises(ClientError) as exc:
            call()
        assert error(exc)[0] == "InvalidDhcpOptionsId.Malformed"
    with pytest.raises(ClientError) as exc:
        ec2.delete_dhcp_options(DhcpOptionsId="dopt-abcd1234")
    assert error(exc)[0] == "InvalidDhcpOptionID.NotFound"
