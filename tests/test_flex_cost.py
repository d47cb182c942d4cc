"""Networking Flexible Cost Allocation policies, versions and associations through boto3,
in-process and against the server."""
from __future__ import annotations

import json
from typing import Any

from helpers import fails
from topology.network import flex_cost
from topology.provision import state

NAT_DOC = {"ReportingGranularity": ["vpc"], "Dimensions": ["data-transfer", "data-processing"]}


def policy(ec2: Any, kind: str = "natgw", **kwargs: Any) -> str:
    member = {"natgw": "NatFcaPolicyDocument", "ec2": "InstanceFcaPolicyDocument",
              "pcx": "PcxFcaPolicyDocument"}[kind]
    document = NAT_DOC if kind == "natgw" else {"ReportingGranularity": ["account"],
                                                "Dimensions": ["data-transfer"]}
    params = {"NetworkResourceType": kind, member: document, **kwargs}
    return ec2.create_networking_flex_cost_allocation_policy(**params)["FcaPolicyId"]


def nat_gateway(ec2: Any, subnet: str) -> str:
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    return ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip)["NatGateway"][
        "NatGatewayId"]


def test_create_and_describe(ec2):
    made = ec2.create_networking_flex_cost_allocation_policy(
        NetworkResourceType="natgw", NatFcaPolicyDocument=NAT_DOC, Description="shared NAT",
        TagSpecifications=[{"ResourceType": "fca-policy", "Tags": [{"Key": "team",
                                                                    "Value": "net"}]}])
    fcap = made["FcaPolicyId"]
    assert fcap.startswith("fcap-") and len(fcap) == 22
    assert made["FcaPolicyArn"] == f"arn:aws:ec2:us-east-1:123456789012:fca-policy/{fcap}"
    assert made["ExpectedEffectiveAt"] > made["CreatedAt"]
    assert made["ExpectedEffectiveAt"].minute == 0
    [shown] = ec2.describe_networking_flex_cost_allocation_policies(FcaPolicyIds=[fcap])[
        "FlexCostAllocationPolicies"]
    assert shown["NatFcaPolicyDocument"] == NAT_DOC
    assert (shown["ShowBackEnabled"], shown["LatestVersion"], shown["ManagedBy"]) == (
        True, 1, "account")
    assert shown["Description"] == "shared NAT"
    assert shown["Tags"] == [{"Key": "team", "Value": "net"}]


def test_documents_follow_the_resource_type(ec2):
    for params in (
            {"NetworkResourceType": "ec2", "NatFcaPolicyDocument": NAT_DOC},
            {"NetworkResourceType": "ec2", "InstanceFcaPolicyDocument": {
                "ReportingGranularity": ["vpc"], "Dimensions": ["data-processing"]}},
            {"NetworkResourceType": "natgw", "NatFcaPolicyDocument": {
                "ReportingGranularity": ["peering-id"], "Dimensions": ["data-transfer"]}},
            {"NetworkResourceType": "natgw", "NatFcaPolicyDocument": {
                "ReportingGranularity": ["cidr"], "Dimensions": ["data-transfer"]}},
            {"NetworkResourceType": "pcx", "PcxFcaPolicyDocument": {
                "ReportingGranularity": ["cidr"], "Dimensions": ["data-transfer"],
                "CidrRangeSpecifications": {"PrefixesType": "source-prefixes", "Prefixes": [
                    {"CidrRange": "10.0.0.0/8", "CidrLabel": "-bad"}]}}},
            {"NetworkResourceType": "pcx"}):
        code = fails(ec2.create_networking_flex_cost_allocation_policy, **params)[0]
        assert code in ("InvalidParameterCombination", "InvalidParameterValue",
                        "MissingParameter"), params
    assert ec2.describe_networking_flex_cost_allocation_policies()[
        "FlexCostAllocationPolicies"] == []
    cidr = ec2.create_networking_flex_cost_allocation_policy(
        NetworkResourceType="pcx", PcxFcaPolicyDocument={
            "ReportingGranularity": ["cidr"], "Dimensions": ["data-transfer"],
            "CidrRangeSpecifications": {"PrefixesType": "destination-prefixes", "Prefixes": [
                {"CidrRange": "10.0.0.0/8", "CidrLabel": "corp_net"}]}})["FcaPolicyId"]
    assert ec2.describe_networking_flex_cost_allocation_policies(Filters=[
        {"Name": "network-resource-type", "Values": ["pcx"]}])["FlexCostAllocationPolicies"][
        0]["FcaPolicyId"] == cidr


def test_versions_grow_with_document_and_showback_only(ec2):
    fcap = policy(ec2, Description="v1")
    described = ec2.modify_networking_flex_cost_allocation_policy(FcaPolicyId=fcap,
                                                                  Description="renamed")
    assert described["Version"] == 1
    showback = ec2.modify_networking_flex_cost_allocation_policy(FcaPolicyId=fcap,
                                                                 ShowBackEnabled=False)
    assert showback["Version"] == 2
    document = ec2.modify_networking_flex_cost_allocation_policy(
        FcaPolicyId=fcap, NatFcaPolicyDocument={"ReportingGranularity": ["subnet"],
                                                "Dimensions": ["data-transfer"]})
    assert document["Version"] == 3
    assert fails(ec2.modify_networking_flex_cost_allocation_policy, FcaPolicyId=fcap,
                 InstanceFcaPolicyDocument=NAT_DOC)[0] == "InvalidParameterCombination"
    assert fails(ec2.modify_networking_flex_cost_allocation_policy,
                 FcaPolicyId=fcap)[0] == "MissingParameter"
    versions = ec2.get_networking_flex_cost_allocation_policy_versions(FcaPolicyId=fcap)[
        "FcaPolicyVersions"]
    assert [(v["Version"], v["ShowBackEnabled"], v["NatFcaPolicyDocument"][
        "ReportingGranularity"]) for v in versions] == [
        (1, True, ["vpc"]), (2, False, ["vpc"]), (3, False, ["subnet"])]
    only = ec2.get_networking_flex_cost_allocation_policy_versions(
        FcaPolicyId=fcap, VersionsToInclude=[2])["FcaPolicyVersions"]
    assert [v["Version"] for v in only] == [2]
    shown = ec2.describe_networking_flex_cost_allocation_policies(Filters=[
        {"Name": "showback-enabled", "Values": ["false"]}])["FlexCostAllocationPolicies"]
    assert [(p["FcaPolicyId"], p["LatestVersion"], p["Description"]) for p in shown] == [
        (fcap, 3, "renamed")]


def test_associate_direct_and_scope_with_failures(ec2, vpc, subnet):
    fcap = policy(ec2)
    nat = nat_gateway(ec2, subnet)
    answer = ec2.associate_networking_flex_cost_allocation_policy(
        FcaPolicyId=fcap, NetworkResourceIds=[nat, "nat-0123456789abcdef0", vpc],
        NetworkResourceScope={"ResourceType": "account", "ResourceIds": ["123456789012",
                                                                         "210987654321"]})
    made = answer["FcaPolicyAssociations"]
    assert [(a["NetworkResourceId"], a["AssociationMode"]) for a in made] == [
        (nat, "direct"), ("123456789012", "scope")]
    assert made[0]["FcaPolicyAssociationId"].startswith("fcapassoc-")
    assert {f["ResourceId"]: f["FailureCode"] for f in answer["FcaPolicyAssociationFailures"]} \
        == {"nat-0123456789abcdef0": "InvalidResource", vpc: "InvalidResource",
            "210987654321": "InvalidResource"}
    other = policy(ec2)
    again = ec2.associate_networking_flex_cost_allocation_policy(FcaPolicyId=other,
                                                                NetworkResourceIds=[nat])
    assert again["FcaPolicyAssociations"] == []
    assert again["FcaPolicyAssociationFailures"][0]["FailureCode"] == \
        "ResourceAlreadyAssociated"
    assert fails(ec2.associate_networking_flex_cost_allocation_policy,
                 FcaPolicyId=fcap)[0] == "MissingParameter"
    listed = ec2.describe_networking_flex_cost_allocation_policy_associations(Filters=[
        {"Name": "resource-id", "Values": [nat]}])["FcaPolicyAssociations"]
    assert [a["FcaPolicyId"] for a in listed] == [fcap]


def test_delete_and_disassociate_report_per_item(ec2, subnet):
    fcap = policy(ec2)
    nat = nat_gateway(ec2, subnet)
    assoc = ec2.associate_networking_flex_cost_allocation_policy(
        FcaPolicyId=fcap, NetworkResourceIds=[nat])["FcaPolicyAssociations"][0][
        "FcaPolicyAssociationId"]
    blocked = ec2.delete_networking_flex_cost_allocation_policies(
        FcaPolicyIds=[fcap, "fcap-0123456789abcdef0"])
    assert blocked["Successful"] == []
    assert {f["ResourceId"]: f["FailureCode"] for f in blocked["Failed"]} == {
        fcap: "InvalidResourceState", "fcap-0123456789abcdef0": "ResourceNotFound"}
    out = ec2.disassociate_networking_flex_cost_allocation_policy(
        FcaPolicyAssociationIds=[assoc, "fcapassoc-0123456789abcdef0"])
    assert out["FcaPolicyDisassociations"] == [assoc]
    assert out["FcaPolicyDisassociationFailures"][0]["FailureCode"] == "InvalidResource"
    assert ec2.delete_networking_flex_cost_allocation_policies(FcaPolicyIds=[fcap])[
        "Successful"] == [fcap]
    assert fails(ec2.get_networking_flex_cost_allocation_policy_versions,
                 FcaPolicyId=fcap)[0] == "InvalidFcaPolicyId.NotFound"


def test_pages_of_policies(ec2):
    made = [policy(ec2) for _ in range(7)]
    first = ec2.describe_networking_flex_cost_allocation_policies(MaxResults=5)
    rest = ec2.describe_networking_flex_cost_allocation_policies(
        MaxResults=5, NextToken=first["NextToken"])
    assert [p["FcaPolicyId"] for p in first["FlexCostAllocationPolicies"]
            + rest["FlexCostAllocationPolicies"]] == made
    assert "NextToken" not in rest


def test_survives_a_state_round_trip(mock, ec2):
    fcap = policy(ec2)
    ec2.modify_networking_flex_cost_allocation_policy(FcaPolicyId=fcap, ShowBackEnabled=False)
    loaded = state.load(json.loads(json.dumps(state.dump(mock.world))))
    assert flex_cost.view(loaded, fcap) == flex_cost.view(mock.world, fcap)
    assert [v["Version"] for v in flex_cost.versions(
        loaded, loaded.partition("123456789012", "us-east-1"), fcap)] == [1, 2]


def test_server_policy_round_trip(server_ec2):
    fcap = policy(server_ec2, "ec2")
    assert server_ec2.modify_networking_flex_cost_allocation_policy(
        FcaPolicyId=fcap, ShowBackEnabled=False)["Version"] == 2
    assert [v["Version"] for v in server_ec2.get_networking_flex_cost_allocation_policy_versions(
        FcaPolicyId=fcap)["FcaPolicyVersions"]] == [1, 2]
    assert fails(server_ec2.create_networking_flex_cost_allocation_policy,
                 NetworkResourceType="ec2", NatFcaPolicyDocument=NAT_DOC)[0] == \
        "InvalidParameterCombination"
    assert fails(server_ec2.create_networking_flex_cost_allocation_policy,
                 NetworkResourceType="natgw", NatFcaPolicyDocument=NAT_DOC,
                 DryRun=True)[0] == "DryRunOperation"
    assert server_ec2.delete_networking_flex_cost_allocation_policies(FcaPolicyIds=[fcap])[
        "Successful"] == [fcap]
