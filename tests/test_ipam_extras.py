"""IPAM beyond pools: verification tokens, internet registry associations and ROAs, route
protection and discovered routes, IPAM policies, prefix list resolvers and their targets,
public IPv4 pools fed by IPAM, MoveByoipCidrToIpam and Reachability Analyzer organization
sharing, through boto3 in-process and against the server."""
from __future__ import annotations

import json

import boto3
import pytest

from api import mock_ec2
from helpers import fails
from topology.provision import state

ACCOUNT, OTHER = "123456789012", "111122223333"
ORG = "o-exampleorg01"
V4 = "185.42.40.0/24"
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"


def context(cidr: str) -> dict[str, str]:
    return {"Message": f"1|aws|{ACCOUNT}|{cidr}|20991231|SHA256|RSAPSS", "Signature": "c2ln"}


@pytest.fixture
def ipam(ec2) -> dict:
    return ec2.create_ipam(OperatingRegions=[{"RegionName": "us-east-1"}])["Ipam"]


def advertised(ec2, cidr: str = V4) -> None:
    ec2.provision_byoip_cidr(Cidr=cidr, CidrAuthorizationContext=context(cidr))
    ec2.advertise_byoip_cidr(Cidr=cidr)


def registry(ec2, ipam_id: str, enable: bool = True) -> str:
    rid = ec2.create_ipam_internet_registry_association(
        IpamId=ipam_id, Rir="ripe", OrganizationHandle="ORG-EX1-RIPE")[
        "IpamInternetRegistryAssociation"]["IpamInternetRegistryAssociationId"]
    if enable:
        ec2.enable_ipam_internet_registry_association(
            IpamInternetRegistryAssociationId=rid, RpkiVersion="1",
            ServiceUri="https://rpki.example.net/up-down/", ChildHandle="child",
            ParentHandle="parent", ParentBpkiTa=PEM)
    return rid


# -- verification tokens ----------------------------------------------------------------------
def test_verification_token_lifecycle(ec2, ipam):
    token = ec2.create_ipam_external_resource_verification_token(
        IpamId=ipam["IpamId"], TagSpecifications=[{
            "ResourceType": "ipam-external-resource-verification-token",
            "Tags": [{"Key": "for", "Value": "byoip"}]}])["IpamExternalResourceVerificationToken"]
    assert token["State"] == "create-in-progress" and token["Status"] == "valid"
    assert token["IpamArn"] == ipam["IpamArn"] and len(token["TokenValue"]) == 64
    token_id = token["IpamExternalResourceVerificationTokenId"]
    found = ec2.describe_ipam_external_resource_verification_tokens(Filters=[
        {"Name": "ipam-id", "Values": [ipam["IpamId"]]},
        {"Name": "status", "Values": ["valid"]}])["IpamExternalResourceVerificationTokens"]
    assert [(t["IpamExternalResourceVerificationTokenId"], t["State"]) for t in found] == [
        (token_id, "create-complete")]
    gone = ec2.delete_ipam_external_resource_verification_token(
        IpamExternalResourceVerificationTokenId=token_id)["IpamExternalResourceVerificationToken"]
    assert gone["State"] == "delete-in-progress"
    assert fails(ec2.delete_ipam_external_resource_verification_token,
                 IpamExternalResourceVerificationTokenId=token_id)[0] == \
        "InvalidIpamExternalResourceVerificationTokenId.NotFound"


def test_token_needs_an_ipam_and_goes_with_it(ec2, ipam):
    assert fails(ec2.create_ipam_external_resource_verification_token,
                 IpamId="ipam-0123456789abcdef0")[0] == "InvalidIpamId.NotFound"
    ec2.create_ipam_external_resource_verification_token(IpamId=ipam["IpamId"])
    ec2.delete_ipam(IpamId=ipam["IpamId"], Cascade=True)
    assert ec2.describe_ipam_external_resource_verification_tokens()[
        "IpamExternalResourceVerificationTokens"] == []


# -- internet registry associations, ROAs, route protection -----------------------------------
def test_registry_association_must_be_enabled_to_publish(ec2, ipam):
    rid = registry(ec2, ipam["IpamId"], enable=False)
    described = ec2.describe_ipam_internet_registry_associations(
        IpamInternetRegistryAssociationIds=[rid])["IpamInternetRegistryAssociations"][0]
    assert described["State"] == "pending-enable"
    assert "child_request" in described["ChildRequestXml"]
    assert fails(ec2.create_ipam_routing_policy_registration,
                 IpamInternetRegistryAssociationId=rid, Cidr=V4, Asns=["16509"])[0] == \
        "IncorrectState"
    assert fails(ec2.enable_ipam_internet_registry_association,
                 IpamInternetRegistryAssociationId=rid, RpkiVersion="1", ServiceUri="ftp://x",
                 ChildHandle="c", ParentHandle="p", ParentBpkiTa=PEM)[0] == \
        "InvalidParameterValue"
    answer = ec2.enable_ipam_internet_registry_association(
        IpamInternetRegistryAssociationId=rid, RpkiVersion="1",
        ServiceUri="https://rpki.example.net/", ChildHandle="c", ParentHandle="p",
        ParentBpkiTa=PEM)["IpamInternetRegistryAssociation"]
    assert answer["State"] == "enable-in-progress"
    assert ec2.describe_ipam_internet_registry_associations(Filters=[
        {"Name": "state", "Values": ["enable-complete"]}])[
        "IpamInternetRegistryAssociations"][0]["IpamInternetRegistryAssociationId"] == rid


def test_registrations_roas_and_deltas(ec2, ipam):
    rid = registry(ec2, ipam["IpamId"])
    delta = ec2.create_ipam_routing_policy_registration(
        IpamInternetRegistryAssociationId=rid, Cidr=V4, Asns=["16509", "14618"],
        MaxLength=24)["IpamRoutingPolicyRegistrationDelta"]
    assert delta["State"] == "pending"
    roas = ec2.get_ipam_route_origin_authorizations(IpamInternetRegistryAssociationId=rid)[
        "IpamRouteOriginAuthorizations"]
    assert roas == [{"Cidr": V4, "Asn": "16509", "MaxLength": 24},
                    {"Cidr": V4, "Asn": "14618", "MaxLength": 24}]
    assert fails(ec2.create_ipam_routing_policy_registration,
                 IpamInternetRegistryAssociationId=rid, Cidr=V4, Asns=["16509"])[0] == \
        "InvalidParameterValue"          # one registration per prefix
    assert fails(ec2.create_ipam_routing_policy_registration,
                 IpamInternetRegistryAssociationId=rid, Cidr="185.42.41.0/24",
                 Asns=["16509"], MaxLength=20)[0] == "InvalidParameterValue"
    batch = json.dumps([{"Action": "update", "Cidr": V4, "Asns": ["16509"]},
                        {"Action": "create", "Cidr": "185.42.41.0/24", "Asns": ["16509"]}])
    ec2.batch_modify_ipam_routing_policy_registrations(IpamInternetRegistryAssociationId=rid,
                                                       DeltaJson=batch)
    regs = ec2.get_ipam_routing_policy_registrations(IpamInternetRegistryAssociationId=rid)[
        "IpamRoutingPolicyRegistrations"]
    assert [(r["Cidr"], r["Asns"]) for r in regs] == [(V4, ["16509"]),
                                                      ("185.42.41.0/24", ["16509"])]
    ec2.delete_ipam_routing_policy_registration(IpamInternetRegistryAssociationId=rid,
                                                Cidr="185.42.41.0/24")
    deltas = ec2.get_ipam_routing_policy_registration_deltas(
        IpamInternetRegistryAssociationId=rid, ChronologicalOrder="reverse")[
        "IpamRoutingPolicyRegistrationDeltas"]
    assert [d["State"] for d in deltas] == ["published"] * 3
    assert json.loads(deltas[0]["DeltaJson"])[0]["Action"] == "delete"
    assert fails(ec2.batch_modify_ipam_routing_policy_registrations,
                 IpamInternetRegistryAssociationId=rid, DeltaJson="{nope")[0] == \
        "InvalidParameterValue"


def test_route_protection_follows_the_roas(ec2, ipam):
    advertised(ec2)
    rid = registry(ec2, ipam["IpamId"])

    def status() -> str:
        found = ec2.get_ipam_route_protection_findings(IpamId=ipam["IpamId"])
        assert found["IpamId"] == ipam["IpamId"]
        return found["RouteProtectionFindings"][0]["RpkiStatus"]
    assert status() == "unknown"               # no ROA covers the prefix
    ec2.create_ipam_routing_policy_registration(IpamInternetRegistryAssociationId=rid,
                                                Cidr="185.42.0.0/16", Asns=["16509"])
    assert status() == "invalid"               # covered, but /24 is longer than max /16
    ec2.modify_ipam_routing_policy_registration(IpamInternetRegistryAssociationId=rid,
                                                Cidr="185.42.0.0/16", Asns=["16509"],
                                                MaxLength=24)
    assert status() == "valid"
    roas = ec2.get_ipam_route_protection_findings(IpamId=ipam["IpamId"])[
        "RouteProtectionFindings"][0]["Roas"]
    assert [(r["Prefix"], r["Asn"], r["Match"]) for r in roas] == [("185.42.0.0/16", "16509",
                                                                     True)]


def test_registry_sees_the_accounts_byoip(ec2, ipam):
    rid = registry(ec2, ipam["IpamId"])
    assert ec2.get_ipam_internet_registry_association_cidrs(
        IpamInternetRegistryAssociationId=rid)["IpamInternetRegistryAssociationCidrs"] == []
    advertised(ec2)
    cidrs = ec2.get_ipam_internet_registry_association_cidrs(
        IpamInternetRegistryAssociationId=rid)["IpamInternetRegistryAssociationCidrs"]
    assert [c["Cidr"] for c in cidrs] == [V4]
    assert ec2.get_ipam_internet_registry_association_asns(
        IpamInternetRegistryAssociationId=rid)["IpamInternetRegistryAssociationAsns"] == []


def test_discovered_routes(ec2, ipam):
    disco = ipam["DefaultResourceDiscoveryId"]
    assert ec2.get_ipam_discovered_routes(IpamResourceDiscoveryId=disco,
                                          ResourceRegion="us-east-1")[
        "IpamDiscoveredRoutes"] == []
    ec2.provision_byoip_cidr(Cidr=V4, CidrAuthorizationContext=context(V4))
    assert ec2.get_ipam_discovered_routes(IpamResourceDiscoveryId=disco,
                                          ResourceRegion="us-east-1")[
        "IpamDiscoveredRoutes"] == []          # provisioned is not advertised
    ec2.advertise_byoip_cidr(Cidr=V4)
    routes = ec2.get_ipam_discovered_routes(IpamResourceDiscoveryId=disco,
                                            ResourceRegion="us-east-1")["IpamDiscoveredRoutes"]
    assert [(r["Cidr"], r["Asn"], r["State"], r["ResourceOwnerId"]) for r in routes] == [
        (V4, "16509", "advertised", ACCOUNT)]
    assert fails(ec2.get_ipam_discovered_routes, IpamResourceDiscoveryId=disco,
                 ResourceRegion="eu-west-1")[0] == "InvalidParameterValue"


# -- IPAM policies ----------------------------------------------------------------------------
def public_pool(ec2, ipam: dict) -> str:
    return ec2.create_ipam_pool(IpamScopeId=ipam["PublicDefaultScopeId"], AddressFamily="ipv4",
                                Locale="us-east-1", AwsService="ec2")["IpamPool"]["IpamPoolId"]


def test_policy_rules_and_enabling(ec2, ipam):
    policy = ec2.create_ipam_policy(IpamId=ipam["IpamId"])["IpamPolicy"]
    assert policy["State"] == "create-in-progress"
    pid = policy["IpamPolicyId"]
    pool = public_pool(ec2, ipam)
    document = ec2.modify_ipam_policy_allocation_rules(
        IpamPolicyId=pid, Locale="us-east-1", ResourceType="eip",
        AllocationRules=[{"SourceIpamPoolId": pool}])["IpamPolicyDocument"]
    assert document["AllocationRules"] == [{"SourceIpamPoolId": pool}]
    assert ec2.get_ipam_policy_allocation_rules(IpamPolicyId=pid, ResourceType="eip")[
        "IpamPolicyDocuments"] == [document]
    assert ec2.get_ipam_policy_allocation_rules(IpamPolicyId=pid, ResourceType="alb")[
        "IpamPolicyDocuments"] == []
    private = ec2.create_ipam_pool(IpamScopeId=ipam["PrivateDefaultScopeId"],
                                   AddressFamily="ipv4")["IpamPool"]["IpamPoolId"]
    assert fails(ec2.modify_ipam_policy_allocation_rules, IpamPolicyId=pid, Locale="us-east-1",
                 ResourceType="eip", AllocationRules=[{"SourceIpamPoolId": private}])[0] == \
        "InvalidParameterValue"
    assert fails(ec2.modify_ipam_policy_allocation_rules, IpamPolicyId=pid, Locale="mars-1",
                 ResourceType="eip", AllocationRules=[])[0] == "InvalidParameterValue"
    assert ec2.get_enabled_ipam_policy()["IpamPolicyEnabled"] is False
    assert ec2.enable_ipam_policy(IpamPolicyId=pid)["IpamPolicyId"] == pid
    assert ec2.get_enabled_ipam_policy() | {"ResponseMetadata": None} == {
        "IpamPolicyEnabled": True, "IpamPolicyId": pid, "ManagedBy": "account",
        "ResponseMetadata": None}
    assert fails(ec2.delete_ipam_policy, IpamPolicyId=pid)[0] == "IncorrectState"
    assert ec2.disable_ipam_policy(IpamPolicyId=pid)["Return"] is True
    assert ec2.delete_ipam_policy(IpamPolicyId=pid)["IpamPolicy"]["State"] == \
        "delete-in-progress"
    assert ec2.describe_ipam_policies()["IpamPolicies"] == []


def test_enabled_policy_gives_elastic_ips_from_its_pools(ec2, ipam):
    pool = public_pool(ec2, ipam)
    ec2.provision_ipam_pool_cidr(IpamPoolId=pool, Cidr="185.42.40.0/31",
                                 CidrAuthorizationContext=context("185.42.40.0/31"))
    pid = ec2.create_ipam_policy(IpamId=ipam["IpamId"])["IpamPolicy"]["IpamPolicyId"]
    ec2.modify_ipam_policy_allocation_rules(IpamPolicyId=pid, Locale="us-east-1",
                                            ResourceType="eip",
                                            AllocationRules=[{"SourceIpamPoolId": pool}])
    assert not ec2.allocate_address()["PublicIp"].startswith("185.42.40.")   # not enabled yet
    ec2.enable_ipam_policy(IpamPolicyId=pid)
    first, second = ec2.allocate_address(), ec2.allocate_address()
    assert (first["PublicIp"], second["PublicIp"]) == ("185.42.40.0", "185.42.40.1")
    assert first["PublicIpv4Pool"] == pool
    held = ec2.get_ipam_pool_allocations(IpamPoolId=pool)["IpamPoolAllocations"]
    assert [(a["Cidr"], a["ResourceType"], a["ResourceId"]) for a in held] == [
        ("185.42.40.0/32", "eip", first["AllocationId"]),
        ("185.42.40.1/32", "eip", second["AllocationId"])]
    third = ec2.allocate_address()                  # the pool is spent: Amazon's address
    assert third["PublicIpv4Pool"] == "amazon"
    ec2.release_address(AllocationId=first["AllocationId"])
    assert len(ec2.get_ipam_pool_allocations(IpamPoolId=pool)["IpamPoolAllocations"]) == 1


def test_policy_organization_targets(ec2, mock, ipam):
    pid = ec2.create_ipam_policy(IpamId=ipam["IpamId"])["IpamPolicy"]["IpamPolicyId"]
    assert fails(ec2.enable_ipam_policy, IpamPolicyId=pid,
                 OrganizationTargetId=OTHER)[0] == "InvalidParameterValue"
    mock.organization(ORG, [ACCOUNT, OTHER], ACCOUNT)
    ec2.enable_ipam_policy(IpamPolicyId=pid, OrganizationTargetId=OTHER)
    assert ec2.get_ipam_policy_organization_targets(IpamPolicyId=pid)[
        "OrganizationTargets"] == [{"OrganizationTargetId": OTHER}]
    member = boto3.client("ec2", region_name="us-east-1", aws_access_key_id=OTHER,
                          aws_secret_access_key="testing")
    enabled = member.get_enabled_ipam_policy()
    assert (enabled["IpamPolicyId"], enabled["ManagedBy"]) == (
        pid, "delegated-administrator-for-ipam")
    ec2.disable_ipam_policy(IpamPolicyId=pid, OrganizationTargetId=OTHER)
    assert member.get_enabled_ipam_policy()["IpamPolicyEnabled"] is False


# -- prefix list resolvers --------------------------------------------------------------------
def prod_vpc(ec2, cidr: str) -> str:
    return ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[{
        "ResourceType": "vpc", "Tags": [{"Key": "env", "Value": "prod"}]}])["Vpc"]["VpcId"]


def entries(ec2, pl: str) -> list[str]:
    return [e["Cidr"] for e in ec2.get_managed_prefix_list_entries(PrefixListId=pl)["Entries"]]


def test_resolver_versions_follow_the_network(ec2, ipam):
    prod_vpc(ec2, "10.1.0.0/16")
    ec2.create_vpc(CidrBlock="10.2.0.0/16")
    resolver = ec2.create_ipam_prefix_list_resolver(
        IpamId=ipam["IpamId"], AddressFamily="ipv4", Description="prod", Rules=[
            {"RuleType": "static-cidr", "StaticCidr": "192.168.0.0/24"},
            {"RuleType": "ipam-resource-cidr", "IpamScopeId": ipam["PrivateDefaultScopeId"],
             "ResourceType": "vpc", "Conditions": [
                 {"Operation": "equals", "ResourceTag": {"Key": "env", "Value": "prod"}}]}])[
        "IpamPrefixListResolver"]
    assert resolver["State"] == "create-in-progress"
    rid = resolver["IpamPrefixListResolverId"]

    def version_entries(n: int) -> list[str]:
        return [e["Cidr"] for e in ec2.get_ipam_prefix_list_resolver_version_entries(
            IpamPrefixListResolverId=rid, IpamPrefixListResolverVersion=n)["Entries"]]
    assert version_entries(1) == ["10.1.0.0/16", "192.168.0.0/24"]
    pl = ec2.create_managed_prefix_list(PrefixListName="prod", MaxEntries=5,
                                        AddressFamily="IPv4")["PrefixList"]["PrefixListId"]
    target = ec2.create_ipam_prefix_list_resolver_target(
        IpamPrefixListResolverId=rid, PrefixListId=pl, PrefixListRegion="us-east-1",
        TrackLatestVersion=True)["IpamPrefixListResolverTarget"]
    assert target["State"] == "create-in-progress"
    assert entries(ec2, pl) == ["10.1.0.0/16", "192.168.0.0/24"]
    assert fails(ec2.modify_managed_prefix_list, PrefixListId=pl,
                 AddEntries=[{"Cidr": "10.9.0.0/16"}])[0] == "InvalidPrefixListModification"
    prod_vpc(ec2, "10.3.0.0/16")
    assert entries(ec2, pl) == ["10.1.0.0/16", "10.3.0.0/16", "192.168.0.0/24"]
    versions = ec2.get_ipam_prefix_list_resolver_versions(IpamPrefixListResolverId=rid)[
        "IpamPrefixListResolverVersions"]
    assert versions == [{"Version": 1}, {"Version": 2}]
    tid = target["IpamPrefixListResolverTargetId"]
    described = ec2.describe_ipam_prefix_list_resolver_targets(IpamPrefixListResolverId=rid)[
        "IpamPrefixListResolverTargets"]
    assert [(t["IpamPrefixListResolverTargetId"], t["LastSyncedVersion"]) for t in
            described] == [(tid, 2)]
    pinned = ec2.modify_ipam_prefix_list_resolver_target(
        IpamPrefixListResolverTargetId=tid, DesiredVersion=1)["IpamPrefixListResolverTarget"]
    assert (pinned["State"], pinned["TrackLatestVersion"]) == ("modify-in-progress", False)
    assert entries(ec2, pl) == ["10.1.0.0/16", "192.168.0.0/24"]
    assert fails(ec2.delete_ipam_prefix_list_resolver, IpamPrefixListResolverId=rid)[0] == \
        "DependencyViolation"
    ec2.delete_ipam_prefix_list_resolver_target(IpamPrefixListResolverTargetId=tid)
    assert entries(ec2, pl) == ["10.1.0.0/16", "192.168.0.0/24"]   # the list keeps them
    ec2.delete_ipam_prefix_list_resolver(IpamPrefixListResolverId=rid)


def test_resolver_rules_are_checked(ec2, ipam):
    scope = ipam["PrivateDefaultScopeId"]
    for rules in ([{"RuleType": "static-cidr"}],
                  [{"RuleType": "static-cidr", "StaticCidr": "2001:db8::/32"}],
                  [{"RuleType": "ipam-resource-cidr", "IpamScopeId": scope}],
                  [{"RuleType": "ipam-pool-cidr", "IpamScopeId": scope, "ResourceType": "vpc"}],
                  [{"RuleType": "ipam-pool-cidr", "IpamScopeId": scope, "Conditions": [
                      {"Operation": "subnet-of", "ResourceId": "vpc-1"}]}]):
        assert fails(ec2.create_ipam_prefix_list_resolver, IpamId=ipam["IpamId"],
                     AddressFamily="ipv4", Rules=rules)[0] == "InvalidParameterValue", rules
    assert ec2.describe_ipam_prefix_list_resolvers()["IpamPrefixListResolvers"] == []


def test_resolver_rules_modify_and_get(ec2, ipam):
    rid = ec2.create_ipam_prefix_list_resolver(IpamId=ipam["IpamId"], AddressFamily="ipv4")[
        "IpamPrefixListResolver"]["IpamPrefixListResolverId"]
    assert ec2.get_ipam_prefix_list_resolver_rules(IpamPrefixListResolverId=rid)["Rules"] == []
    answer = ec2.modify_ipam_prefix_list_resolver(
        IpamPrefixListResolverId=rid, Rules=[{"RuleType": "static-cidr",
                                              "StaticCidr": "172.16.0.0/12"}])
    assert answer["IpamPrefixListResolver"]["State"] == "modify-in-progress"
    rules = ec2.get_ipam_prefix_list_resolver_rules(
        IpamPrefixListResolverId=rid, Filters=[{"Name": "rule-type",
                                                "Values": ["static-cidr"]}])["Rules"]
    assert rules == [{"RuleType": "static-cidr", "StaticCidr": "172.16.0.0/12"}]
    assert fails(ec2.get_ipam_prefix_list_resolver_version_entries,
                 IpamPrefixListResolverId=rid, IpamPrefixListResolverVersion=9)[0] == \
        "InvalidParameterValue"


def test_target_checks(ec2, ipam):
    rid = ec2.create_ipam_prefix_list_resolver(IpamId=ipam["IpamId"], AddressFamily="ipv4")[
        "IpamPrefixListResolver"]["IpamPrefixListResolverId"]
    v6 = ec2.create_managed_prefix_list(PrefixListName="v6", MaxEntries=2,
                                        AddressFamily="IPv6")["PrefixList"]["PrefixListId"]
    assert fails(ec2.create_ipam_prefix_list_resolver_target, IpamPrefixListResolverId=rid,
                 PrefixListId=v6, PrefixListRegion="us-east-1",
                 TrackLatestVersion=True)[0] == "InvalidParameterValue"
    v4 = ec2.create_managed_prefix_list(PrefixListName="v4", MaxEntries=2,
                                        AddressFamily="IPv4")["PrefixList"]["PrefixListId"]
    assert fails(ec2.create_ipam_prefix_list_resolver_target, IpamPrefixListResolverId=rid,
                 PrefixListId=v4, PrefixListRegion="us-east-1", TrackLatestVersion=True,
                 DesiredVersion=1)[0] == "InvalidParameterCombination"
    assert fails(ec2.create_ipam_prefix_list_resolver_target, IpamPrefixListResolverId=rid,
                 PrefixListId=v4, PrefixListRegion="us-east-1",
                 TrackLatestVersion=False)[0] == "InvalidParameterCombination"
    assert fails(ec2.create_ipam_prefix_list_resolver_target, IpamPrefixListResolverId=rid,
                 PrefixListId="pl-0123456789abcdef0", PrefixListRegion="us-east-1",
                 TrackLatestVersion=True)[0] == "InvalidPrefixListID.NotFound"
    ec2.create_ipam_prefix_list_resolver_target(
        IpamPrefixListResolverId=rid, PrefixListId=v4, PrefixListRegion="us-east-1",
        TrackLatestVersion=True)
    assert fails(ec2.create_ipam_prefix_list_resolver_target, IpamPrefixListResolverId=rid,
                 PrefixListId=v4, PrefixListRegion="us-east-1",
                 TrackLatestVersion=True)[0] == "InvalidParameterValue"   # one target a list


# -- public IPv4 pools fed by IPAM; BYOIP moved to IPAM ---------------------------------------
def test_public_pool_cidr_from_ipam(ec2, ipam):
    top = ec2.create_ipam_pool(IpamScopeId=ipam["PublicDefaultScopeId"], AddressFamily="ipv4",
                               AwsService="ec2")["IpamPool"]["IpamPoolId"]
    ec2.provision_ipam_pool_cidr(IpamPoolId=top, Cidr=V4, CidrAuthorizationContext=context(V4))
    regional = ec2.create_ipam_pool(IpamScopeId=ipam["PublicDefaultScopeId"],
                                    AddressFamily="ipv4", Locale="us-east-1", AwsService="ec2",
                                    SourceIpamPoolId=top)["IpamPool"]["IpamPoolId"]
    ec2.provision_ipam_pool_cidr(IpamPoolId=regional, Cidr=V4)
    pool = ec2.create_public_ipv4_pool()["PoolId"]
    assert fails(ec2.provision_public_ipv4_pool_cidr, IpamPoolId=regional, PoolId=pool,
                 NetmaskLength=23)[0] == "InvalidParameterValue"
    answer = ec2.provision_public_ipv4_pool_cidr(IpamPoolId=regional, PoolId=pool,
                                                 NetmaskLength=25)
    assert answer["PoolAddressRange"]["AddressCount"] == 128
    allocations = ec2.get_ipam_pool_allocations(IpamPoolId=regional)["IpamPoolAllocations"]
    assert [(a["Cidr"], a["ResourceId"]) for a in allocations] == [("185.42.40.0/25", pool)]
    eip = ec2.allocate_address(PublicIpv4Pool=pool)
    assert eip["PublicIp"].startswith("185.42.40.")
    assert fails(ec2.deprovision_public_ipv4_pool_cidr, PoolId=pool,
                 Cidr="185.42.40.0/25")[0] == "InvalidPublicIpv4Pool.InUse"
    ec2.release_address(AllocationId=eip["AllocationId"])
    assert ec2.deprovision_public_ipv4_pool_cidr(PoolId=pool, Cidr="185.42.40.0/25")[
        "DeprovisionedAddresses"] == ["185.42.40.0/25"]
    assert ec2.get_ipam_pool_allocations(IpamPoolId=regional)["IpamPoolAllocations"] == []


def test_byoip_to_ipam_ranges_are_advertised_as_byoip(ec2, ipam):
    scope = ipam["PublicDefaultScopeId"]
    top = ec2.create_ipam_pool(IpamScopeId=scope, AddressFamily="ipv4")["IpamPool"]["IpamPoolId"]
    ec2.provision_ipam_pool_cidr(IpamPoolId=top, Cidr=V4, CidrAuthorizationContext=context(V4))
    assert ec2.describe_byoip_cidrs(MaxResults=10)["ByoipCidrs"] == []   # no Region yet
    regional = ec2.create_ipam_pool(IpamScopeId=scope, AddressFamily="ipv4", Locale="us-east-1",
                                    SourceIpamPoolId=top, AwsService="ec2")["IpamPool"][
        "IpamPoolId"]
    ec2.provision_ipam_pool_cidr(IpamPoolId=regional, Cidr=V4)
    found = ec2.describe_byoip_cidrs(MaxResults=10)["ByoipCidrs"]
    assert [(r["Cidr"], r["State"], r["IpamPoolId"]) for r in found] == [
        (V4, "provisioned", regional)]
    assert ec2.advertise_byoip_cidr(Cidr=V4)["ByoipCidr"]["State"] == "pending-advertising"
    routes = ec2.get_ipam_discovered_routes(IpamResourceDiscoveryId=ipam[
        "DefaultResourceDiscoveryId"], ResourceRegion="us-east-1")["IpamDiscoveredRoutes"]
    assert [(r["Cidr"], r["IpamPoolId"]) for r in routes] == [(V4, regional)]
    assert fails(ec2.deprovision_byoip_cidr, Cidr=V4)[0] == "InvalidParameterValue"
    ec2.withdraw_byoip_cidr(Cidr=V4)
    ec2.deprovision_ipam_pool_cidr(IpamPoolId=regional, Cidr=V4)
    assert ec2.describe_byoip_cidrs(MaxResults=10)["ByoipCidrs"] == []


def test_move_byoip_cidr_to_ipam(ec2, ipam):
    ec2.provision_byoip_cidr(Cidr=V4, CidrAuthorizationContext=context(V4))
    top = ec2.create_ipam_pool(IpamScopeId=ipam["PublicDefaultScopeId"],
                               AddressFamily="ipv4")["IpamPool"]["IpamPoolId"]
    assert fails(ec2.move_byoip_cidr_to_ipam, Cidr=V4, IpamPoolId=top,
                 IpamPoolOwner=OTHER)[0] == "InvalidIpamPoolId.NotFound"
    moved = ec2.move_byoip_cidr_to_ipam(Cidr=V4, IpamPoolId=top, IpamPoolOwner=ACCOUNT)[
        "ByoipCidr"]
    assert moved["IpamPoolId"] == top
    cidrs = ec2.get_ipam_pool_cidrs(IpamPoolId=top)["IpamPoolCidrs"]
    assert [c["Cidr"] for c in cidrs] == [V4]
    assert fails(ec2.move_byoip_cidr_to_ipam, Cidr=V4, IpamPoolId=top,
                 IpamPoolOwner=ACCOUNT)[0] == "InvalidParameterValue"


# -- Reachability Analyzer and Organizations --------------------------------------------------
def test_reachability_analyzer_organization_sharing(ec2, mock):
    assert fails(ec2.enable_reachability_analyzer_organization_sharing)[0] == \
        "UnauthorizedOperation"
    mock.organization(ORG, [ACCOUNT, OTHER], ACCOUNT)
    assert ec2.enable_reachability_analyzer_organization_sharing()["ReturnValue"] is True
    member = boto3.client("ec2", region_name="us-east-1", aws_access_key_id=OTHER,
                          aws_secret_access_key="testing")
    assert fails(member.enable_reachability_analyzer_organization_sharing)[0] == \
        "UnauthorizedOperation"


# -- against the server -----------------------------------------------------------------------
def test_server_registry_policy_and_resolver(server_ec2):
    ipam = server_ec2.create_ipam(OperatingRegions=[{"RegionName": "us-east-1"}])["Ipam"]
    rid = registry(server_ec2, ipam["IpamId"])
    server_ec2.create_ipam_routing_policy_registration(IpamInternetRegistryAssociationId=rid,
                                                       Cidr=V4, Asns=["16509"])
    assert len(server_ec2.get_ipam_route_origin_authorizations(
        IpamInternetRegistryAssociationId=rid)["IpamRouteOriginAuthorizations"]) == 1
    pid = server_ec2.create_ipam_policy(IpamId=ipam["IpamId"])["IpamPolicy"]["IpamPolicyId"]
    server_ec2.enable_ipam_policy(IpamPolicyId=pid)
    assert server_ec2.get_enabled_ipam_policy()["IpamPolicyId"] == pid
    resolver = server_ec2.create_ipam_prefix_list_resolver(
        IpamId=ipam["IpamId"], AddressFamily="ipv4",
        Rules=[{"RuleType": "static-cidr", "StaticCidr": "192.168.0.0/24"}])[
        "IpamPrefixListResolver"]["IpamPrefixListResolverId"]
    assert server_ec2.get_ipam_prefix_list_resolver_version_entries(
        IpamPrefixListResolverId=resolver, IpamPrefixListResolverVersion=1)["Entries"] == [
        {"Cidr": "192.168.0.0/24"}]
    assert fails(server_ec2.describe_ipam_policies,
                 IpamPolicyIds=["ipam-policy-0123456789abcdef0"])[0] == \
        "InvalidIpamPolicyId.NotFound"


# -- a state snapshot keeps all of it ---------------------------------------------------------
def test_state_snapshot_round_trip(ec2, mock, ipam):
    advertised(ec2)
    rid = registry(ec2, ipam["IpamId"])
    ec2.create_ipam_routing_policy_registration(IpamInternetRegistryAssociationId=rid,
                                                Cidr=V4, Asns=["16509"])
    resolver = ec2.create_ipam_prefix_list_resolver(
        IpamId=ipam["IpamId"], AddressFamily="ipv4",
        Rules=[{"RuleType": "static-cidr", "StaticCidr": "192.168.0.0/24"}])[
        "IpamPrefixListResolver"]["IpamPrefixListResolverId"]
    eip = ec2.allocate_address()
    ec2.enable_address_transfer(AllocationId=eip["AllocationId"], TransferAccountId=OTHER)
    snapshot = json.loads(json.dumps(state.dump(mock.world)))

    def seen(client) -> tuple:
        return (client.describe_byoip_cidrs(MaxResults=10)["ByoipCidrs"],
                client.get_ipam_route_protection_findings(IpamId=ipam["IpamId"])[
                    "RouteProtectionFindings"][0]["RpkiStatus"],
                client.get_ipam_prefix_list_resolver_versions(
                    IpamPrefixListResolverId=resolver)["IpamPrefixListResolverVersions"],
                [t["AddressTransferStatus"] for t in
                 client.describe_address_transfers()["AddressTransfers"]])
    before = seen(ec2)
    with mock_ec2(state=snapshot):
        again = boto3.client("ec2", region_name="us-east-1")
        assert seen(again) == before
