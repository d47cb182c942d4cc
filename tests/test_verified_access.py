"""AWS Verified Access through boto3, in-process and against the server: instances, trust
providers, groups, endpoints, policies, logging, client configuration, CIDR targets."""
from __future__ import annotations

import base64
import json
from typing import Any

import boto3
import pytest

import viz
from helpers import fails
from topology.connect import verified_access, verified_access_endpoints
from topology.provision import state

CERT = "arn:aws:acm:us-east-1:123456789012:certificate/eb065ea0-26f9-4e75-a6ce-0a1a7example"
POLICY = 'permit(principal,action,resource)\nwhen {\n    context.idc.groups.contains("eng")\n};'
IDP = "https://idp.example.com"
OIDC = {"Issuer": IDP, "AuthorizationEndpoint": f"{IDP}/a", "TokenEndpoint": f"{IDP}/t",
        "UserInfoEndpoint": f"{IDP}/u", "ClientId": "client", "ClientSecret": "secret",
        "Scope": "openid"}


def instance(ec2: Any, **kwargs: Any) -> str:
    return ec2.create_verified_access_instance(**kwargs)["VerifiedAccessInstance"][
        "VerifiedAccessInstanceId"]


def provider(ec2: Any, kind: str = "user", **kwargs: Any) -> str:
    params: dict[str, Any] = {"TrustProviderType": kind, "PolicyReferenceName": "idc"}
    if kind == "user":
        params["UserTrustProviderType"] = "iam-identity-center"
    else:
        params.update(DeviceTrustProviderType="jamf", DeviceOptions={"TenantId": "t1"})
    return ec2.create_verified_access_trust_provider(**{**params, **kwargs})[
        "VerifiedAccessTrustProvider"]["VerifiedAccessTrustProviderId"]


def group(ec2: Any, vai: str, **kwargs: Any) -> str:
    return ec2.create_verified_access_group(VerifiedAccessInstanceId=vai, **kwargs)[
        "VerifiedAccessGroup"]["VerifiedAccessGroupId"]


@pytest.fixture
def network(ec2: Any, vpc: str, subnet: str) -> dict[str, str]:
    sg = ec2.create_security_group(GroupName="va", Description="va", VpcId=vpc)["GroupId"]
    eni = ec2.create_network_interface(SubnetId=subnet, PrivateIpAddress="10.0.0.20")[
        "NetworkInterface"]["NetworkInterfaceId"]
    return {"vpc": vpc, "subnet": subnet, "sg": sg, "eni": eni}


def eni_endpoint(ec2: Any, vagr: str, net: dict[str, str], **kwargs: Any) -> dict[str, Any]:
    params = {"VerifiedAccessGroupId": vagr, "EndpointType": "network-interface",
              "AttachmentType": "vpc", "DomainCertificateArn": CERT,
              "ApplicationDomain": "app.example.com", "EndpointDomainPrefix": "app",
              "SecurityGroupIds": [net["sg"]],
              "NetworkInterfaceOptions": {"NetworkInterfaceId": net["eni"], "Protocol": "https",
                                          "Port": 443}}
    return ec2.create_verified_access_endpoint(**{**params, **kwargs})["VerifiedAccessEndpoint"]


def cidr_endpoint(ec2: Any, vagr: str, net: dict[str, str], cidr: str = "10.0.0.0/24"
                  ) -> dict[str, Any]:
    return ec2.create_verified_access_endpoint(
        VerifiedAccessGroupId=vagr, EndpointType="cidr", AttachmentType="vpc",
        SecurityGroupIds=[net["sg"]], CidrOptions={
            "Cidr": cidr, "Protocol": "tcp", "SubnetIds": [net["subnet"]],
            "PortRanges": [{"FromPort": 22, "ToPort": 22}]})["VerifiedAccessEndpoint"]


# -- instances and trust providers ------------------------------------------------------------
def test_instance_create_describe_modify_delete(ec2):
    vai = instance(ec2, Description="first", FIPSEnabled=True, TagSpecifications=[
        {"ResourceType": "verified-access-instance", "Tags": [{"Key": "Name", "Value": "va"}]}])
    found = ec2.describe_verified_access_instances(VerifiedAccessInstanceIds=[vai])[
        "VerifiedAccessInstances"][0]
    assert found["Description"] == "first" and found["FipsEnabled"] is True
    assert found["VerifiedAccessTrustProviders"] == []
    assert found["Tags"] == [{"Key": "Name", "Value": "va"}]
    changed = ec2.modify_verified_access_instance(
        VerifiedAccessInstanceId=vai, Description="second",
        CidrEndpointsCustomSubDomain="apps.example.com")["VerifiedAccessInstance"]
    assert changed["Description"] == "second"
    assert changed["CidrEndpointsCustomSubDomain"]["SubDomain"] == "apps.example.com"
    gone = ec2.delete_verified_access_instance(VerifiedAccessInstanceId=vai)
    assert gone["VerifiedAccessInstance"]["VerifiedAccessInstanceId"] == vai
    assert fails(ec2.describe_verified_access_instances, VerifiedAccessInstanceIds=[vai])[0] \
        == "InvalidVerifiedAccessInstanceId.NotFound"


def test_user_provider_needs_its_type_and_oidc_options(ec2):
    assert fails(ec2.create_verified_access_trust_provider, TrustProviderType="user",
                 PolicyReferenceName="idc")[0] == "MissingParameter"
    assert fails(ec2.create_verified_access_trust_provider, TrustProviderType="user",
                 UserTrustProviderType="oidc", PolicyReferenceName="idp")[0] == \
        "MissingParameter"
    assert fails(ec2.create_verified_access_trust_provider, TrustProviderType="user",
                 UserTrustProviderType="iam-identity-center", PolicyReferenceName="idc",
                 DeviceTrustProviderType="jamf")[0] == "InvalidParameterCombination"
    vatp = provider(ec2, UserTrustProviderType="oidc", OidcOptions=OIDC,
                    PolicyReferenceName="idp")
    shown = ec2.describe_verified_access_trust_providers(
        VerifiedAccessTrustProviderIds=[vatp])["VerifiedAccessTrustProviders"][0]
    assert shown["OidcOptions"]["Issuer"] == "https://idp.example.com"
    assert "ClientSecret" not in shown["OidcOptions"]
    assert ec2.describe_verified_access_trust_providers()["VerifiedAccessTrustProviders"][0][
        "VerifiedAccessTrustProviderId"] == vatp


def test_device_provider_and_bad_reference_name(ec2):
    assert fails(ec2.create_verified_access_trust_provider, TrustProviderType="device",
                 DeviceTrustProviderType="jamf", PolicyReferenceName="jamf")[0] == \
        "MissingParameter"
    assert fails(ec2.create_verified_access_trust_provider, TrustProviderType="user",
                 UserTrustProviderType="iam-identity-center",
                 PolicyReferenceName="1-bad name")[0] == "InvalidParameterValue"
    vatp = provider(ec2, "device")
    shown = ec2.describe_verified_access_trust_providers(Filters=[
        {"Name": "trust-provider-type", "Values": ["device"]}])["VerifiedAccessTrustProviders"]
    assert [p["VerifiedAccessTrustProviderId"] for p in shown] == [vatp]
    assert shown[0]["DeviceOptions"] == {"TenantId": "t1"}
    assert ec2.describe_verified_access_trust_providers(Filters=[
        {"Name": "trust-provider-type", "Values": ["user"]}])["VerifiedAccessTrustProviders"] \
        == []


def test_attach_detach_and_attached_provider_is_not_deleted(ec2):
    vai, vatp, device = instance(ec2), provider(ec2), provider(ec2, "device")
    answer = ec2.attach_verified_access_trust_provider(
        VerifiedAccessInstanceId=vai, VerifiedAccessTrustProviderId=vatp)
    assert answer["VerifiedAccessTrustProvider"]["VerifiedAccessTrustProviderId"] == vatp
    assert answer["VerifiedAccessInstance"]["VerifiedAccessTrustProviders"] == [
        {"VerifiedAccessTrustProviderId": vatp, "Description": "", "TrustProviderType": "user",
         "UserTrustProviderType": "iam-identity-center"}]
    ec2.attach_verified_access_trust_provider(VerifiedAccessInstanceId=vai,
                                              VerifiedAccessTrustProviderId=device)
    second_user = provider(ec2, PolicyReferenceName="other")
    assert fails(ec2.attach_verified_access_trust_provider, VerifiedAccessInstanceId=vai,
                 VerifiedAccessTrustProviderId=second_user)[0] == "InvalidParameterValue"
    assert fails(ec2.delete_verified_access_trust_provider,
                 VerifiedAccessTrustProviderId=vatp)[0] == "InvalidState"
    ec2.detach_verified_access_trust_provider(VerifiedAccessInstanceId=vai,
                                              VerifiedAccessTrustProviderId=vatp)
    code, message = fails(ec2.detach_verified_access_trust_provider,
                          VerifiedAccessInstanceId=vai, VerifiedAccessTrustProviderId=vatp)
    # the words Terraform's detach looks for to treat the provider as already detached
    assert code == "InvalidParameterValue" and "is not attached to instance" in message
    ec2.delete_verified_access_trust_provider(VerifiedAccessTrustProviderId=vatp)
    left = ec2.describe_verified_access_instances()["VerifiedAccessInstances"][0]
    assert [p["VerifiedAccessTrustProviderId"] for p in left["VerifiedAccessTrustProviders"]] \
        == [device]


def test_modify_provider_options_of_its_own_type_only(ec2):
    vatp = provider(ec2)
    assert fails(ec2.modify_verified_access_trust_provider, VerifiedAccessTrustProviderId=vatp,
                 OidcOptions={"Scope": "email"})[0] == "InvalidParameterCombination"
    changed = ec2.modify_verified_access_trust_provider(
        VerifiedAccessTrustProviderId=vatp, Description="idc",
        SseSpecification={"CustomerManagedKeyEnabled": True,
                          "KmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/abc"})[
        "VerifiedAccessTrustProvider"]
    assert changed["Description"] == "idc"
    assert changed["SseSpecification"]["CustomerManagedKeyEnabled"] is True


# -- groups and policies ----------------------------------------------------------------------
def test_group_needs_an_instance_and_keeps_its_policy(ec2):
    assert fails(ec2.create_verified_access_group,
                 VerifiedAccessInstanceId="vai-0123456789abcdef0")[0] == \
        "InvalidVerifiedAccessInstanceId.NotFound"
    vai = instance(ec2)
    vagr = group(ec2, vai, PolicyDocument=POLICY, Description="eng")
    assert ec2.get_verified_access_group_policy(VerifiedAccessGroupId=vagr)[
        "PolicyDocument"] == POLICY
    shown = ec2.describe_verified_access_groups(VerifiedAccessInstanceId=vai)[
        "VerifiedAccessGroups"][0]
    assert shown["VerifiedAccessGroupArn"].endswith(f":verified-access-group/{vagr}")
    assert shown["Owner"] == "123456789012" and shown["Description"] == "eng"
    assert fails(ec2.modify_verified_access_group_policy, VerifiedAccessGroupId=vagr,
                 PolicyDocument="allow everything")[0] == "InvalidParameterValue"
    off = ec2.modify_verified_access_group_policy(VerifiedAccessGroupId=vagr,
                                                  PolicyEnabled=False)
    assert off["PolicyEnabled"] is False
    assert ec2.get_verified_access_group_policy(VerifiedAccessGroupId=vagr)[
        "PolicyEnabled"] is False
    assert ec2.modify_verified_access_group(VerifiedAccessGroupId=vagr, Description="ops")[
        "VerifiedAccessGroup"]["Description"] == "ops"


def test_instance_with_groups_cannot_be_deleted(ec2):
    vai = instance(ec2)
    vagr = group(ec2, vai)
    assert fails(ec2.delete_verified_access_instance, VerifiedAccessInstanceId=vai)[0] == \
        "DependencyViolation"
    assert "DeletionTime" in ec2.delete_verified_access_group(VerifiedAccessGroupId=vagr)[
        "VerifiedAccessGroup"]
    ec2.delete_verified_access_instance(VerifiedAccessInstanceId=vai)
    assert ec2.describe_verified_access_instances()["VerifiedAccessInstances"] == []


def test_group_moves_to_another_instance(ec2):
    first, second = instance(ec2), instance(ec2)
    vagr = group(ec2, first)
    moved = ec2.modify_verified_access_group(VerifiedAccessGroupId=vagr,
                                             VerifiedAccessInstanceId=second)
    assert moved["VerifiedAccessGroup"]["VerifiedAccessInstanceId"] == second
    assert ec2.describe_verified_access_groups(VerifiedAccessInstanceId=first)[
        "VerifiedAccessGroups"] == []


# -- endpoints --------------------------------------------------------------------------------
def test_network_interface_endpoint_pending_then_active(ec2, network):
    vai = instance(ec2)
    vagr = group(ec2, vai)
    made = eni_endpoint(ec2, vagr, network)
    assert made["Status"] == {"Code": "pending"}
    assert made["EndpointDomain"].startswith("app.edge-")
    assert made["EndpointDomain"].endswith(f".{vai}.prod.verified-access.us-east-1.amazonaws.com")
    assert made["NetworkInterfaceOptions"] == {"NetworkInterfaceId": network["eni"],
                                               "Protocol": "https", "Port": 443}
    shown = ec2.describe_verified_access_endpoints(VerifiedAccessInstanceId=vai)[
        "VerifiedAccessEndpoints"]
    assert [e["Status"]["Code"] for e in shown] == ["active"]
    assert shown[0]["SecurityGroupIds"] == [network["sg"]]


def test_endpoint_type_options_are_checked(ec2, network):
    vagr = group(ec2, instance(ec2))
    assert fails(eni_endpoint, ec2, vagr, network, EndpointType="load-balancer")[0] == \
        "InvalidParameterCombination"
    assert fails(ec2.create_verified_access_endpoint, VerifiedAccessGroupId=vagr,
                 EndpointType="network-interface", AttachmentType="vpc",
                 SecurityGroupIds=[network["sg"]], NetworkInterfaceOptions={
                     "NetworkInterfaceId": network["eni"], "Protocol": "https",
                     "Port": 443})[0] == "MissingParameter"
    assert fails(ec2.create_verified_access_endpoint, VerifiedAccessGroupId=vagr,
                 EndpointType="load-balancer", AttachmentType="vpc",
                 SecurityGroupIds=[network["sg"]], LoadBalancerOptions={
                     "LoadBalancerArn": "not-an-arn", "Protocol": "tcp", "Port": 80,
                     "SubnetIds": [network["subnet"]]})[0] == "InvalidParameterValue"
    other = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    foreign = ec2.create_security_group(GroupName="x", Description="x", VpcId=other)["GroupId"]
    assert fails(eni_endpoint, ec2, vagr, network, SecurityGroupIds=[foreign])[0] == \
        "InvalidParameterCombination"
    assert fails(ec2.create_verified_access_endpoint, VerifiedAccessGroupId=vagr,
                 EndpointType="cidr", AttachmentType="vpc", SecurityGroupIds=[network["sg"]],
                 CidrOptions={"Cidr": "10.0.0.0/24", "Protocol": "tcp",
                              "SubnetIds": [network["subnet"]],
                              "PortRanges": [{"FromPort": 30, "ToPort": 20}]})[0] == \
        "InvalidParameterValue"
    assert ec2.describe_verified_access_endpoints()["VerifiedAccessEndpoints"] == []


def test_load_balancer_and_rds_endpoints(ec2, network):
    vagr = group(ec2, instance(ec2))
    lb = ec2.create_verified_access_endpoint(
        VerifiedAccessGroupId=vagr, EndpointType="load-balancer", AttachmentType="vpc",
        SecurityGroupIds=[network["sg"]], LoadBalancerOptions={
            "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
                               "loadbalancer/net/web/0123456789abcdef",
            "Protocol": "tcp", "PortRanges": [{"FromPort": 80, "ToPort": 81}],
            "SubnetIds": [network["subnet"]]})["VerifiedAccessEndpoint"]
    assert lb["LoadBalancerOptions"]["SubnetIds"] == [network["subnet"]]
    assert fails(ec2.create_verified_access_endpoint, VerifiedAccessGroupId=vagr,
                 EndpointType="rds", AttachmentType="vpc", SecurityGroupIds=[network["sg"]],
                 RdsOptions={"Protocol": "tcp", "Port": 5432, "SubnetIds": [network["subnet"]],
                             "RdsDbInstanceArn": "arn:aws:rds:us-east-1:123456789012:db:pg",
                             "RdsDbClusterArn": "arn:aws:rds:us-east-1:123456789012:cluster:c"}
                 )[0] == "InvalidParameterCombination"
    rds = ec2.create_verified_access_endpoint(
        VerifiedAccessGroupId=vagr, EndpointType="rds", AttachmentType="vpc",
        SecurityGroupIds=[network["sg"]], RdsOptions={
            "Protocol": "tcp", "Port": 5432, "SubnetIds": [network["subnet"]],
            "RdsDbInstanceArn": "arn:aws:rds:us-east-1:123456789012:db:pg"})[
        "VerifiedAccessEndpoint"]
    assert rds["RdsOptions"]["RdsDbInstanceArn"].endswith(":db:pg")
    types = ec2.describe_verified_access_endpoints(Filters=[
        {"Name": "endpoint-type", "Values": ["rds"]}])["VerifiedAccessEndpoints"]
    assert [e["VerifiedAccessEndpointId"] for e in types] == [rds["VerifiedAccessEndpointId"]]


def test_modify_endpoint_answers_updating_and_policy(ec2, network):
    vagr = group(ec2, instance(ec2))
    vae = eni_endpoint(ec2, vagr, network)["VerifiedAccessEndpointId"]
    changed = ec2.modify_verified_access_endpoint(
        VerifiedAccessEndpointId=vae, Description="v2",
        NetworkInterfaceOptions={"Port": 8443})["VerifiedAccessEndpoint"]
    assert changed["Status"] == {"Code": "updating"}
    assert changed["NetworkInterfaceOptions"]["Port"] == 8443
    assert fails(ec2.modify_verified_access_endpoint, VerifiedAccessEndpointId=vae,
                 CidrOptions={"PortRanges": [{"FromPort": 1, "ToPort": 2}]})[0] == \
        "InvalidParameterCombination"
    assert ec2.get_verified_access_endpoint_policy(VerifiedAccessEndpointId=vae)[
        "PolicyEnabled"] is False
    on = ec2.modify_verified_access_endpoint_policy(VerifiedAccessEndpointId=vae,
                                                    PolicyEnabled=True, PolicyDocument=POLICY)
    assert on["PolicyEnabled"] is True and on["PolicyDocument"] == POLICY
    assert fails(ec2.modify_verified_access_endpoint_policy, VerifiedAccessEndpointId=vae,
                 PolicyEnabled=True, PolicyDocument="")[0] == "MissingParameter"


def test_group_with_endpoints_cannot_be_deleted(ec2, network):
    vagr = group(ec2, instance(ec2))
    vae = eni_endpoint(ec2, vagr, network)["VerifiedAccessEndpointId"]
    assert fails(ec2.delete_verified_access_group, VerifiedAccessGroupId=vagr)[0] == \
        "DependencyViolation"
    gone = ec2.delete_verified_access_endpoint(VerifiedAccessEndpointId=vae)[
        "VerifiedAccessEndpoint"]
    assert gone["Status"] == {"Code": "deleting"}
    assert fails(ec2.get_verified_access_endpoint_policy, VerifiedAccessEndpointId=vae)[0] == \
        "InvalidVerifiedAccessEndpointId.NotFound"
    ec2.delete_verified_access_group(VerifiedAccessGroupId=vagr)


def test_cidr_endpoint_targets_come_from_interfaces(ec2, network):
    vai = instance(ec2, CidrEndpointsCustomSubDomain="apps.example.com")
    vagr = group(ec2, vai)
    vae = cidr_endpoint(ec2, vagr, network, "10.0.0.16/28")["VerifiedAccessEndpointId"]
    ec2.create_network_interface(SubnetId=network["subnet"], PrivateIpAddress="10.0.0.200")
    targets = ec2.get_verified_access_endpoint_targets(VerifiedAccessEndpointId=vae)[
        "VerifiedAccessEndpointTargets"]
    assert targets == [{"VerifiedAccessEndpointId": vae,
                        "VerifiedAccessEndpointTargetIpAddress": "10.0.0.20",
                        "VerifiedAccessEndpointTargetDns": "ip-10-0-0-20.apps.example.com"}]
    eni = eni_endpoint(ec2, vagr, network)["VerifiedAccessEndpointId"]
    assert fails(ec2.get_verified_access_endpoint_targets, VerifiedAccessEndpointId=eni)[0] \
        == "InvalidParameterValue"


def test_group_shared_through_ram_takes_the_other_accounts_endpoints(mock, ec2):
    vai = instance(ec2)
    vagr = group(ec2, vai)
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="444455556666",
                         aws_secret_access_key="x")
    assert other.describe_verified_access_groups()["VerifiedAccessGroups"] == []
    mock.share(vagr, ["444455556666"])
    [seen] = other.describe_verified_access_groups()["VerifiedAccessGroups"]
    assert (seen["VerifiedAccessGroupId"], seen["Owner"]) == (vagr, "123456789012")
    assert other.describe_verified_access_groups(VerifiedAccessInstanceId=vai)[
        "VerifiedAccessGroups"][0]["VerifiedAccessGroupId"] == vagr
    vpc = other.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    sub = other.create_subnet(VpcId=vpc, CidrBlock="10.5.0.0/24")["Subnet"]["SubnetId"]
    sg = other.create_security_group(GroupName="va", Description="va", VpcId=vpc)["GroupId"]
    vae = cidr_endpoint(other, vagr, {"sg": sg, "subnet": sub}, "10.5.0.0/24")[
        "VerifiedAccessEndpointId"]
    assert other.describe_verified_access_endpoints(VerifiedAccessGroupId=vagr)[
        "VerifiedAccessEndpoints"][0]["VerifiedAccessEndpointId"] == vae
    assert fails(other.modify_verified_access_group, VerifiedAccessGroupId=vagr,
                 Description="mine")[0] == "InvalidVerifiedAccessGroupId.NotFound"
    assert fails(ec2.delete_verified_access_group, VerifiedAccessGroupId=vagr)[0] == \
        "DependencyViolation"


# -- logging and client configuration ---------------------------------------------------------
def test_logging_configuration(ec2):
    vai = instance(ec2)
    default = ec2.describe_verified_access_instance_logging_configurations(
        VerifiedAccessInstanceIds=[vai])["LoggingConfigurations"][0]["AccessLogs"]
    assert default["S3"] == {"Enabled": False} and default["LogVersion"] == "ocsf-0.1"
    assert fails(ec2.modify_verified_access_instance_logging_configuration,
                 VerifiedAccessInstanceId=vai,
                 AccessLogs={"S3": {"Enabled": True}})[0] == "MissingParameter"
    assert fails(ec2.modify_verified_access_instance_logging_configuration,
                 VerifiedAccessInstanceId=vai, AccessLogs={"LogVersion": "v9"})[0] == \
        "InvalidParameterValue"
    logs = ec2.modify_verified_access_instance_logging_configuration(
        VerifiedAccessInstanceId=vai, AccessLogs={
            "CloudWatchLogs": {"Enabled": True, "LogGroup": "va-logs"},
            "LogVersion": "ocsf-1.0.0-rc.2", "IncludeTrustContext": True})[
        "LoggingConfiguration"]["AccessLogs"]
    assert logs["CloudWatchLogs"] == {"Enabled": True, "DeliveryStatus": {"Code": "success"},
                                      "LogGroup": "va-logs"}
    assert logs["IncludeTrustContext"] is True
    page = ec2.describe_verified_access_instance_logging_configurations(MaxResults=1)
    assert len(page["LoggingConfigurations"]) == 1


def test_client_configuration_reads_providers_and_cidr_endpoints(ec2, network):
    vai = instance(ec2)
    user = provider(ec2, UserTrustProviderType="oidc", OidcOptions=OIDC,
                    PolicyReferenceName="idp")
    device = provider(ec2, "device")
    for vatp in (user, device):
        ec2.attach_verified_access_trust_provider(VerifiedAccessInstanceId=vai,
                                                  VerifiedAccessTrustProviderId=vatp)
    cidr_endpoint(ec2, group(ec2, vai), network)
    config = ec2.export_verified_access_instance_client_configuration(
        VerifiedAccessInstanceId=vai)
    assert config["VerifiedAccessInstanceId"] == vai and config["Region"] == "us-east-1"
    assert config["DeviceTrustProviders"] == ["jamf"]
    assert config["UserTrustProvider"]["Type"] == "oidc"
    assert config["UserTrustProvider"]["Issuer"] == "https://idp.example.com"
    [vpn] = config["OpenVpnConfigurations"]
    assert vpn["Routes"] == [{"Cidr": "10.0.0.0/24"}]
    assert "route 10.0.0.0 255.255.255.0" in base64.b64decode(vpn["Config"]).decode()


def test_survives_a_state_round_trip(mock, ec2, network):
    vai = instance(ec2)
    ec2.attach_verified_access_trust_provider(VerifiedAccessInstanceId=vai,
                                              VerifiedAccessTrustProviderId=provider(ec2))
    vae = eni_endpoint(ec2, group(ec2, vai, PolicyDocument=POLICY), network)[
        "VerifiedAccessEndpointId"]
    loaded = state.load(json.loads(json.dumps(state.dump(mock.world))))
    for world in (mock.world, loaded):
        assert verified_access.instance_view(world, vai) == \
            ec2.describe_verified_access_instances()["VerifiedAccessInstances"][0]
        assert verified_access_endpoints.view(world, vae) == \
            ec2.describe_verified_access_endpoints()["VerifiedAccessEndpoints"][0]


# -- the diagram ------------------------------------------------------------------------------
def test_endpoints_are_drawn_in_their_first_subnet(mock, ec2, network):
    vagr = group(ec2, instance(ec2))
    second = ec2.create_subnet(VpcId=network["vpc"], CidrBlock="10.0.1.0/24",
                               AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    eni_vae = eni_endpoint(ec2, vagr, network)["VerifiedAccessEndpointId"]
    lb_vae = ec2.create_verified_access_endpoint(
        VerifiedAccessGroupId=vagr, EndpointType="load-balancer", AttachmentType="vpc",
        SecurityGroupIds=[network["sg"]], LoadBalancerOptions={
            "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
                               "loadbalancer/app/web/0123456789abcdef",
            "Protocol": "tcp", "Port": 80, "SubnetIds": [second, network["subnet"]]})[
        "VerifiedAccessEndpoint"]["VerifiedAccessEndpointId"]
    scene = viz.snapshot(mock.world)
    drawn = {n.id: n for n in scene.nodes.values() if n.kind == "verified-access-endpoint"}
    assert drawn[eni_vae].parent == network["subnet"]
    assert drawn[eni_vae].detail == ("network-interface",)
    assert drawn[lb_vae].parent == min(second, network["subnet"])
    assert drawn[lb_vae].lines()[0] == "Verified Access endpoint"


# -- against the server -----------------------------------------------------------------------
def test_server_instance_group_and_errors(server_ec2):
    vai = instance(server_ec2, Description="srv")
    vagr = group(server_ec2, vai, PolicyDocument=POLICY)
    assert server_ec2.describe_verified_access_groups(VerifiedAccessGroupIds=[vagr])[
        "VerifiedAccessGroups"][0]["VerifiedAccessInstanceId"] == vai
    assert server_ec2.get_verified_access_group_policy(VerifiedAccessGroupId=vagr)[
        "PolicyDocument"] == POLICY
    assert fails(server_ec2.delete_verified_access_instance, VerifiedAccessInstanceId=vai)[0] \
        == "DependencyViolation"
    assert fails(server_ec2.describe_verified_access_endpoints,
                 VerifiedAccessEndpointIds=["vae-bad"])[0] == \
        "InvalidVerifiedAccessEndpointId.Malformed"
    assert fails(server_ec2.create_verified_access_group, VerifiedAccessInstanceId=vai,
                 DryRun=True)[0] == "DryRunOperation"


def test_endpoint_pages_stop_at_200(ec2):
    """AWS refuses MaxResults above 200 for DescribeVerifiedAccessEndpoints, though its model
    says 1000 (Steampipe's aws_vpc_verified_access_endpoint table records the answer)."""
    code, message = fails(ec2.describe_verified_access_endpoints, MaxResults=1000)
    assert (code, message) == ("InvalidParameterValue",
                               "The parameter MaxResults must be between 5 and 200")
    assert ec2.describe_verified_access_endpoints(MaxResults=200)[
        "VerifiedAccessEndpoints"] == []
