"""VPC Block Public Access: the account's options, exclusions, and what they do to
reachability through the internet gateway."""
from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

import viz
from helpers import error, fails
from test_routing_internet import nat_gateway, net  # noqa: F401  (net is a fixture)
from test_routing_lab import Lab, codes, lab  # noqa: F401  (lab is a fixture)


def options(ec2) -> dict:
    return ec2.describe_vpc_block_public_access_options()["VpcBlockPublicAccessOptions"]


def exclude(ec2, mode: str = "allow-bidirectional", **target) -> dict:
    return ec2.create_vpc_block_public_access_exclusion(
        InternetGatewayExclusionMode=mode, **target)["VpcBlockPublicAccessExclusion"]


def exclusions(ec2, **kwargs) -> list[dict]:
    return ec2.describe_vpc_block_public_access_exclusions(**kwargs)[
        "VpcBlockPublicAccessExclusions"]


# -- options ------------------------------------------------------------------------------------
def test_fresh_account_is_off_in_default_state(ec2):
    found = options(ec2)
    assert found["AwsAccountId"] == "123456789012" and found["AwsRegion"] == "us-east-1"
    assert found["State"] == "default-state"
    assert found["InternetGatewayBlockMode"] == "off"
    assert found["ExclusionsAllowed"] == "allowed" and found["ManagedBy"] == "account"
    assert "LastUpdateTimestamp" not in found


def test_modify_answers_in_progress_then_completes(ec2):
    answer = ec2.modify_vpc_block_public_access_options(
        InternetGatewayBlockMode="block-bidirectional")["VpcBlockPublicAccessOptions"]
    assert answer["State"] == "update-in-progress"
    assert answer["InternetGatewayBlockMode"] == "block-bidirectional"
    found = options(ec2)
    assert found["State"] == "update-complete"
    assert found["InternetGatewayBlockMode"] == "block-bidirectional"
    assert "LastUpdateTimestamp" in found


def test_modify_refuses_an_unknown_mode_and_dry_run_changes_nothing(ec2):
    assert fails(ec2.modify_vpc_block_public_access_options,
                 InternetGatewayBlockMode="block-everything")[0] == "InvalidParameterValue"
    assert fails(ec2.modify_vpc_block_public_access_options, DryRun=True,
                 InternetGatewayBlockMode="block-ingress")[0] == "DryRunOperation"
    assert options(ec2)["InternetGatewayBlockMode"] == "off"


def test_options_are_per_region(ec2):
    ec2.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-ingress")
    west = boto3.client("ec2", region_name="us-west-2")
    assert options(west)["InternetGatewayBlockMode"] == "off"


# -- exclusions ---------------------------------------------------------------------------------
def test_create_exclusion_for_a_vpc(ec2, vpc):
    made = ec2.create_vpc_block_public_access_exclusion(
        VpcId=vpc, InternetGatewayExclusionMode="allow-egress",
        TagSpecifications=[{"ResourceType": "vpc-block-public-access-exclusion",
                            "Tags": [{"Key": "team", "Value": "edge"}]}])[
        "VpcBlockPublicAccessExclusion"]
    assert made["ExclusionId"].startswith("vpcbpa-exclude-")
    assert len(made["ExclusionId"]) == len("vpcbpa-exclude-") + 17
    assert made["State"] == "create-in-progress"
    assert made["ResourceArn"] == f"arn:aws:ec2:us-east-1:123456789012:vpc/{vpc}"
    assert made["Tags"] == [{"Key": "team", "Value": "edge"}]
    found = exclusions(ec2, ExclusionIds=[made["ExclusionId"]])
    assert [e["State"] for e in found] == ["create-complete"]
    assert found[0]["InternetGatewayExclusionMode"] == "allow-egress"


def test_create_exclusion_for_a_subnet(ec2, subnet):
    made = exclude(ec2, SubnetId=subnet)
    assert made["ResourceArn"].endswith(f":subnet/{subnet}")


def test_create_exclusion_needs_exactly_one_resource(ec2, vpc, subnet):
    assert fails(ec2.create_vpc_block_public_access_exclusion,
                 InternetGatewayExclusionMode="allow-egress")[0] == "MissingParameter"
    assert fails(ec2.create_vpc_block_public_access_exclusion, VpcId=vpc, SubnetId=subnet,
                 InternetGatewayExclusionMode="allow-egress")[0] == \
        "InvalidParameterCombination"
    assert fails(ec2.create_vpc_block_public_access_exclusion,
                 VpcId="vpc-0123456789abcdef0",
                 InternetGatewayExclusionMode="allow-egress")[0] == "InvalidVpcID.NotFound"
    assert exclusions(ec2) == []


def test_one_exclusion_per_resource(ec2, vpc):
    exclude(ec2, VpcId=vpc)
    assert fails(ec2.create_vpc_block_public_access_exclusion, VpcId=vpc,
                 InternetGatewayExclusionMode="allow-egress")[0] == "InvalidParameterValue"
    assert len(exclusions(ec2)) == 1


def test_modify_and_delete_exclusion(ec2, vpc):
    made = exclude(ec2, VpcId=vpc)
    eid = made["ExclusionId"]
    changed = ec2.modify_vpc_block_public_access_exclusion(
        ExclusionId=eid, InternetGatewayExclusionMode="allow-egress")[
        "VpcBlockPublicAccessExclusion"]
    assert changed["State"] == "update-in-progress"
    assert changed["InternetGatewayExclusionMode"] == "allow-egress"
    assert exclusions(ec2)[0]["State"] == "update-complete"
    gone = ec2.delete_vpc_block_public_access_exclusion(ExclusionId=eid)[
        "VpcBlockPublicAccessExclusion"]
    assert gone["State"] == "delete-in-progress"
    after = exclusions(ec2, ExclusionIds=[eid])[0]
    assert after["State"] == "delete-complete" and "DeletionTimestamp" in after
    code, message = fails(ec2.delete_vpc_block_public_access_exclusion, ExclusionId=eid)
    # the words Terraform's exclusion resource takes for "already gone"
    assert code == "InvalidParameterValue"
    assert "is in delete-complete state and cannot be deleted" in message
    exclude(ec2, VpcId=vpc)      # a deleted exclusion no longer holds the VPC


def test_exclusion_filters_and_errors(ec2, vpc, subnet):
    a = exclude(ec2, VpcId=vpc)["ExclusionId"]
    b = exclude(ec2, "allow-egress", SubnetId=subnet)["ExclusionId"]
    by_mode = exclusions(ec2, Filters=[{"Name": "internet-gateway-exclusion-mode",
                                        "Values": ["allow-egress"]}])
    assert [e["ExclusionId"] for e in by_mode] == [b]
    by_arn = exclusions(ec2, Filters=[{"Name": "resource-arn", "Values": ["*:vpc/*"]}])
    assert [e["ExclusionId"] for e in by_arn] == [a]
    assert len(exclusions(ec2, Filters=[{"Name": "state", "Values": ["create-complete"]}])) == 2
    assert fails(ec2.describe_vpc_block_public_access_exclusions,
                 ExclusionIds=["vpcbpa-exclude-0123456789abcdef0"])[0] == \
        "InvalidVpcBlockPublicAccessExclusionId.NotFound"
    assert fails(ec2.modify_vpc_block_public_access_exclusion,
                 ExclusionId="vpcbpa-exclude-0123456789abcdef0",
                 InternetGatewayExclusionMode="allow-egress")[0] == \
        "InvalidVpcBlockPublicAccessExclusionId.NotFound"
    page = ec2.describe_vpc_block_public_access_exclusions(MaxResults=5)
    assert len(page["VpcBlockPublicAccessExclusions"]) == 2


def test_exclusions_over_the_server(server_ec2):
    vpc = server_ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    made = exclude(server_ec2, VpcId=vpc)
    assert made["State"] == "create-in-progress"
    assert exclusions(server_ec2)[0]["ExclusionId"] == made["ExclusionId"]
    server_ec2.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-ingress")
    assert options(server_ec2)["InternetGatewayBlockMode"] == "block-ingress"
    with pytest.raises(ClientError) as exc:
        server_ec2.delete_vpc_block_public_access_exclusion(
            ExclusionId="vpcbpa-exclude-0123456789abcdef0")
    assert error(exc)[0] == "InvalidVpcBlockPublicAccessExclusionId.NotFound"


# -- reachability -------------------------------------------------------------------------------
def _block(lab: Lab, mode: str) -> None:
    lab.ec2.modify_vpc_block_public_access_options(InternetGatewayBlockMode=mode)


def _public_web(lab: Lab, net: dict) -> str:
    web, _ = lab.instance(net["public"], net["web"], public=True)
    return web


def test_bidirectional_blocks_internet_both_ways(lab, net):
    web = _public_web(lab, net)
    assert lab.reach(web, net["igw"], destination_port=443).network_path_found
    assert lab.reach(net["igw"], web, destination_port=22).network_path_found
    _block(lab, "block-bidirectional")
    out = lab.reach(web, net["igw"], destination_port=443)
    assert codes(out) == ["VPC_BLOCK_PUBLIC_ACCESS_ENABLED"]
    assert out.explanations[0]["InternetGateway"]["Id"] == net["igw"]
    assert out.explanations[0]["Subnet"]["Id"] == net["public"]
    assert codes(lab.reach(net["igw"], web, destination_port=22)) == [
        "VPC_BLOCK_PUBLIC_ACCESS_ENABLED"]


def test_bidirectional_exclusions(lab, net):
    web = _public_web(lab, net)
    _block(lab, "block-bidirectional")
    eid = exclude(lab.ec2, "allow-egress", SubnetId=net["public"])["ExclusionId"]
    assert lab.reach(web, net["igw"], destination_port=443).network_path_found
    assert codes(lab.reach(net["igw"], web, destination_port=22)) == [
        "VPC_BLOCK_PUBLIC_ACCESS_ENABLED"]
    lab.ec2.modify_vpc_block_public_access_exclusion(
        ExclusionId=eid, InternetGatewayExclusionMode="allow-bidirectional")
    assert lab.reach(net["igw"], web, destination_port=22).network_path_found
    lab.ec2.delete_vpc_block_public_access_exclusion(ExclusionId=eid)
    assert not lab.reach(web, net["igw"], destination_port=443).network_path_found


def test_vpc_exclusion_covers_its_subnets(lab, net):
    web = _public_web(lab, net)
    _block(lab, "block-bidirectional")
    exclude(lab.ec2, VpcId=net["vpc"])
    assert lab.reach(web, net["igw"], destination_port=443).network_path_found
    assert lab.reach(net["igw"], web, destination_port=22).network_path_found


def test_ingress_mode_blocks_inbound_and_direct_egress_but_not_nat(lab, net):
    web = _public_web(lab, net)
    _block(lab, "block-ingress")
    assert codes(lab.reach(net["igw"], web, destination_port=22)) == [
        "VPC_BLOCK_PUBLIC_ACCESS_ENABLED"]
    assert codes(lab.reach(web, net["igw"], destination_port=443)) == [
        "VPC_BLOCK_PUBLIC_ACCESS_ENABLED"]
    nat = nat_gateway(lab, net)
    rtb = lab.table(net["vpc"], net["private"])
    lab.route(rtb, "0.0.0.0/0", NatGatewayId=nat["NatGatewayId"])
    app, _ = lab.instance(net["private"], net["web"])
    assert lab.reach(app, net["igw"], destination_port=443).network_path_found


def test_ingress_mode_allow_egress_exclusion_changes_nothing(lab, net):
    web = _public_web(lab, net)
    _block(lab, "block-ingress")
    exclude(lab.ec2, "allow-egress", SubnetId=net["public"])
    assert not lab.reach(net["igw"], web, destination_port=22).network_path_found
    exclude(lab.ec2, VpcId=net["vpc"])     # the subnet's own exclusion wins
    assert not lab.reach(net["igw"], web, destination_port=22).network_path_found


def test_vpcs_and_subnets_show_the_mode_that_applies(ec2, vpc, subnet):
    def vpc_mode():
        return ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["BlockPublicAccessStates"]

    def subnet_mode():
        return ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["BlockPublicAccessStates"]
    assert vpc_mode() == {"InternetGatewayBlockMode": "off"}
    ec2.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-bidirectional")
    assert vpc_mode() == subnet_mode() == {"InternetGatewayBlockMode": "block-bidirectional"}
    exclude(ec2, "allow-egress", VpcId=vpc)
    assert vpc_mode() == subnet_mode() == {"InternetGatewayBlockMode": "block-ingress"}
    exclude(ec2, SubnetId=subnet)
    assert subnet_mode() == {"InternetGatewayBlockMode": "off"}
    assert vpc_mode() == {"InternetGatewayBlockMode": "block-ingress"}


def test_diagram_shows_the_mode(lab, net):
    lab.ec2.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-ingress")
    exclude(lab.ec2, SubnetId=net["private"])
    scene = viz.snapshot(lab.world)
    assert "BPA block-ingress" in scene.nodes[net["vpc"]].detail
    assert scene.nodes[net["public"]].detail == ("BPA block-ingress",)
    assert scene.nodes[net["private"]].detail == ()


def test_exclusion_goes_with_its_vpc(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    eid = exclude(ec2, VpcId=vpc)["ExclusionId"]
    ec2.delete_vpc(VpcId=vpc)
    assert exclusions(ec2, ExclusionIds=[eid])[0]["State"] == "delete-complete"
    assert exclusions(ec2, Filters=[{"Name": "state", "Values": ["create-complete"]}]) == []
