"""VPC endpoints and endpoint services through boto3, in-process and against the server."""
from __future__ import annotations

import json
from dataclasses import dataclass

import boto3
import pytest

from helpers import fails

ACCOUNT, OTHER = "123456789012", "111122223333"
S3, EC2, SSM = ("com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.ec2",
                "com.amazonaws.us-east-1.ssm")
NLB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/web/0123456789abcdef"
GWLB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/gwy/fw/0123456789abcdef"


@dataclass
class Net:
    vpc: str
    subnet_a: str
    subnet_b: str
    subnet_a2: str
    main: str
    rtb: str


def network(ec2, cidr: str = "10.0.0.0/16", dns: bool = True) -> Net:
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    if dns:
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    prefix = cidr.rsplit(".", 2)[0]

    def subnet(third: int, zone: str) -> str:
        return ec2.create_subnet(VpcId=vpc, CidrBlock=f"{prefix}.{third}.0/24",
                                 AvailabilityZone=zone)["Subnet"]["SubnetId"]

    main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])[
        "RouteTables"][0]["RouteTableId"]
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    return Net(vpc, subnet("1", "us-east-1a"), subnet("2", "us-east-1b"),
               subnet("3", "us-east-1a"), main, rtb)


@pytest.fixture
def net(ec2) -> Net:
    return network(ec2)


def routes(ec2, rtb: str) -> dict[str, dict]:
    table = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]
    return {r.get("DestinationPrefixListId") or r.get("DestinationCidrBlock"): r
            for r in table["Routes"]}


def s3_list(ec2) -> str:
    return ec2.describe_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": [S3]}])[
        "PrefixLists"][0]["PrefixListId"]


def endpoint(ec2, vpce: str) -> dict:
    return ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"][0]


def gateway(ec2, net: Net, *tables: str, **kwargs) -> dict:
    return ec2.create_vpc_endpoint(VpcId=net.vpc, ServiceName=S3,
                                   RouteTableIds=list(tables), **kwargs)["VpcEndpoint"]


def interface(ec2, net: Net, *subnets: str, service: str = EC2, **kwargs) -> dict:
    return ec2.create_vpc_endpoint(VpcId=net.vpc, VpcEndpointType="Interface",
                                   ServiceName=service, SubnetIds=list(subnets),
                                   **kwargs)["VpcEndpoint"]


def count(ec2) -> int:
    return len(ec2.describe_vpc_endpoints()["VpcEndpoints"])


# -- AWS's services -------------------------------------------------------------------------------
def test_aws_services_of_the_region(ec2):
    out = ec2.describe_vpc_endpoint_services()
    names = out["ServiceNames"]
    for svc in ("s3", "dynamodb", "ec2", "ssm", "sts", "logs", "kms", "secretsmanager",
                "ecr.api", "ecr.dkr"):
        assert f"com.amazonaws.us-east-1.{svc}" in names
    assert names == sorted(names) and len(names) == len(set(names))
    s3 = [d for d in out["ServiceDetails"] if d["ServiceName"] == S3]
    assert sorted(d["ServiceType"][0]["ServiceType"] for d in s3) == ["Gateway", "Interface"]
    ec2_detail = next(d for d in out["ServiceDetails"] if d["ServiceName"] == EC2)
    assert ec2_detail["Owner"] == "amazon" and ec2_detail["AcceptanceRequired"] is False
    assert ec2_detail["PrivateDnsName"] == "ec2.us-east-1.amazonaws.com"
    assert ec2_detail["BaseEndpointDnsNames"] == ["ec2.us-east-1.vpce.amazonaws.com"]
    assert ec2_detail["AvailabilityZones"][:2] == ["us-east-1a", "us-east-1b"]
    assert ec2_detail["ServiceId"].startswith("vpce-svc-")
    dkr = next(d for d in out["ServiceDetails"]
               if d["ServiceName"] == "com.amazonaws.us-east-1.ecr.dkr")
    assert dkr["PrivateDnsName"] == "*.dkr.ecr.us-east-1.amazonaws.com"


def test_aws_services_are_per_region_and_stable(ec2):
    west = boto3.client("ec2", region_name="us-west-2")
    names = west.describe_vpc_endpoint_services()["ServiceNames"]
    assert "com.amazonaws.us-west-2.s3" in names and S3 not in names
    one = ec2.describe_vpc_endpoint_services(ServiceNames=[EC2])["ServiceDetails"][0]
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id=OTHER,
                         aws_secret_access_key="x")
    assert other.describe_vpc_endpoint_services(ServiceNames=[EC2])["ServiceDetails"][0][
        "ServiceId"] == one["ServiceId"]


@pytest.mark.parametrize("filters, expected", [
    ([{"Name": "service-type", "Values": ["Gateway"]}],
     ["com.amazonaws.us-east-1.dynamodb", S3]),
    ([{"Name": "service-name", "Values": ["*.ecr.*"]}],
     ["com.amazonaws.us-east-1.ecr.api", "com.amazonaws.us-east-1.ecr.dkr"]),
    ([{"Name": "service-name", "Values": [S3]}, {"Name": "service-type", "Values": ["Interface"]}],
     [S3]),
    ([{"Name": "owner", "Values": ["123456789012"]}], []),
    ([{"Name": "service-region", "Values": ["us-west-2"]}], []),
    ([{"Name": "supported-ip-address-types", "Values": ["ipv4"]},
      {"Name": "service-name", "Values": [SSM]}], [SSM]),
])
def test_service_filters(ec2, filters, expected):
    out = ec2.describe_vpc_endpoint_services(Filters=filters)
    assert [d["ServiceName"] for d in out["ServiceDetails"]] == expected
    assert out["ServiceNames"] == sorted(set(expected))


def test_unknown_service_name_and_filter(ec2):
    assert fails(ec2.describe_vpc_endpoint_services,
                 ServiceNames=["com.amazonaws.us-east-1.nope"]) == (
        "InvalidServiceName", "The Vpc Endpoint Service 'com.amazonaws.us-east-1.nope' does not "
                              "exist")
    assert fails(ec2.describe_vpc_endpoint_services,
                 Filters=[{"Name": "bogus", "Values": ["x"]}])[0] == "InvalidParameterValue"


def test_service_pages(ec2):
    everything = ec2.describe_vpc_endpoint_services()["ServiceDetails"]
    seen, token = [], None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = ec2.describe_vpc_endpoint_services(MaxResults=5, **kwargs)
        assert len(page["ServiceDetails"]) <= 5
        seen += page["ServiceDetails"]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == everything


# -- gateway endpoints ----------------------------------------------------------------------------
def test_gateway_endpoint_routes_the_prefix_list(ec2, net):
    vpce = gateway(ec2, net, net.rtb, net.main,
                   TagSpecifications=[{"ResourceType": "vpc-endpoint",
                                       "Tags": [{"Key": "Name", "Value": "s3"}]}])
    assert vpce["VpcEndpointType"] == "Gateway" and vpce["State"] == "available"
    assert vpce["VpcId"] == net.vpc and vpce["ServiceName"] == S3
    assert sorted(vpce["RouteTableIds"]) == sorted([net.rtb, net.main])
    assert vpce["SubnetIds"] == [] and vpce["NetworkInterfaceIds"] == [] and vpce["Groups"] == []
    assert vpce["PrivateDnsEnabled"] is False and vpce["RequesterManaged"] is False
    assert vpce["OwnerId"] == ACCOUNT and vpce["Tags"] == [{"Key": "Name", "Value": "s3"}]
    assert json.loads(vpce["PolicyDocument"]) == {
        "Version": "2008-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
    pl = s3_list(ec2)
    assert pl == "pl-63a5400a"
    for rtb in (net.rtb, net.main):
        assert routes(ec2, rtb)[pl] == {"DestinationPrefixListId": pl,
                                        "GatewayId": vpce["VpcEndpointId"],
                                        "Origin": "CreateRoute", "State": "active"}
    assert endpoint(ec2, vpce["VpcEndpointId"])["RouteTableIds"] == vpce["RouteTableIds"]


def test_dynamodb_gateway_and_type_mismatch(ec2, net):
    vpce = ec2.create_vpc_endpoint(VpcId=net.vpc, ServiceName="com.amazonaws.us-east-1.dynamodb",
                                   RouteTableIds=[net.rtb])["VpcEndpoint"]
    assert list(routes(ec2, net.rtb))[-1] == "pl-02cd2c6b"
    assert fails(ec2.create_vpc_endpoint, VpcId=net.vpc, ServiceName=EC2,
                 RouteTableIds=[net.rtb]) == (
        "InvalidParameter",
        "Endpoint type (Gateway) does not match available service types ([Interface]).")
    assert fails(ec2.create_vpc_endpoint, VpcId=net.vpc, VpcEndpointType="Interface",
                 ServiceName="com.amazonaws.us-east-1.dynamodb", SubnetIds=[net.subnet_a]) == (
        "InvalidParameter",
        "Endpoint type (Interface) does not match available service types ([Gateway]).")
    assert count(ec2) == 1 and vpce["State"] == "available"


def test_one_endpoint_per_prefix_list_per_table(ec2, net):
    gateway(ec2, net, net.rtb)
    assert fails(ec2.create_vpc_endpoint, VpcId=net.vpc, ServiceName=S3,
                 RouteTableIds=[net.main, net.rtb]) == (
        "InvalidParameter",
        f"route table {net.rtb} already has a route with destination-prefix-list-id "
        "pl-63a5400a")
    assert count(ec2) == 1 and "pl-63a5400a" not in routes(ec2, net.main)
    second = gateway(ec2, net, net.main)        # another table: another endpoint is fine
    assert second["RouteTableIds"] == [net.main]


@pytest.mark.parametrize("kwargs, code, message", [
    ({"SubnetIds": ["subnet-0123456789abcdef0"]}, "InvalidParameter",
     "Subnet IDs are only supported for Interface and GatewayLoadBalancer type VPC Endpoints."),
    ({"ServiceName": "com.amazonaws.us-east-1.nope"}, "InvalidServiceName",
     "The Vpc Endpoint Service 'com.amazonaws.us-east-1.nope' does not exist"),
    ({"RouteTableIds": ["rtb-0123456789abcdef0"]}, "InvalidRouteTableID.NotFound",
     "The routeTable ID 'rtb-0123456789abcdef0' does not exist"),
    ({"PolicyDocument": "{not json"}, "InvalidPolicyDocument",
     "The specified policy document is not a valid JSON policy document."),
    ({"VpcId": "vpc-0123456789abcdef0"}, "InvalidVpcID.NotFound",
     "The vpc ID 'vpc-0123456789abcdef0' does not exist"),
])
def test_gateway_endpoint_errors(ec2, net, kwargs, code, message):
    args = {"VpcId": net.vpc, "ServiceName": S3, **kwargs}
    assert fails(ec2.create_vpc_endpoint, **args) == (code, message)
    assert count(ec2) == 0


def test_route_table_of_another_vpc(ec2, net):
    other = network(ec2, "10.1.0.0/16")
    assert fails(ec2.create_vpc_endpoint, VpcId=net.vpc, ServiceName=S3,
                 RouteTableIds=[other.rtb]) == (
        "InvalidParameter", f"The route table {other.rtb} does not belong to the VPC {net.vpc}.")


def test_custom_policy_and_reset(ec2, net):
    policy = json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*",
                                        "Action": "s3:GetObject", "Resource": "*"}]})
    vpce = gateway(ec2, net, net.rtb, PolicyDocument=policy)["VpcEndpointId"]
    assert endpoint(ec2, vpce)["PolicyDocument"] == policy
    ec2.modify_vpc_endpoint(VpcEndpointId=vpce, ResetPolicy=True)
    assert json.loads(endpoint(ec2, vpce)["PolicyDocument"])["Statement"][0]["Action"] == "*"
    assert ec2.modify_vpc_endpoint(VpcEndpointId=vpce, PolicyDocument=policy)["Return"] is True
    assert endpoint(ec2, vpce)["PolicyDocument"] == policy
    assert fails(ec2.modify_vpc_endpoint, VpcEndpointId=vpce, PolicyDocument="[1]")[0] == \
        "InvalidPolicyDocument"


def test_modify_gateway_route_tables(ec2, net):
    vpce = gateway(ec2, net, net.rtb)["VpcEndpointId"]
    ec2.modify_vpc_endpoint(VpcEndpointId=vpce, AddRouteTableIds=[net.main],
                            RemoveRouteTableIds=[net.rtb])
    assert endpoint(ec2, vpce)["RouteTableIds"] == [net.main]
    assert "pl-63a5400a" not in routes(ec2, net.rtb)
    assert routes(ec2, net.main)["pl-63a5400a"]["GatewayId"] == vpce
    assert fails(ec2.modify_vpc_endpoint, VpcEndpointId=vpce, AddSubnetIds=[net.subnet_a]) == (
        "InvalidParameter",
        "Subnet IDs are only supported for Interface and GatewayLoadBalancer type VPC Endpoints.")
    # a failed modify leaves everything as it was
    other = gateway(ec2, net, net.rtb)["VpcEndpointId"]
    assert fails(ec2.modify_vpc_endpoint, VpcEndpointId=other,
                 AddRouteTableIds=[net.main])[0] == "InvalidParameter"
    assert endpoint(ec2, other)["RouteTableIds"] == [net.rtb]


def test_route_table_calls_cannot_target_a_gateway_endpoint(ec2, net):
    vpce = gateway(ec2, net, net.rtb)["VpcEndpointId"]
    code, message = fails(ec2.create_route, RouteTableId=net.main,
                          DestinationCidrBlock="0.0.0.0/0", VpcEndpointId=vpce)
    assert code == "InvalidParameterValue" and vpce in message
    assert fails(ec2.create_route, RouteTableId=net.main, DestinationCidrBlock="0.0.0.0/0",
                 GatewayId=vpce)[0] == "InvalidParameterValue"


def test_aws_managed_list_as_route_destination(ec2, net):
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=net.vpc)
    ec2.create_route(RouteTableId=net.rtb, DestinationPrefixListId="pl-63a5400a", GatewayId=igw)
    assert routes(ec2, net.rtb)["pl-63a5400a"]["GatewayId"] == igw
    # the table now routes the list: an endpoint cannot take it over
    assert fails(ec2.create_vpc_endpoint, VpcId=net.vpc, ServiceName=S3,
                 RouteTableIds=[net.rtb])[0] == "InvalidParameter"


def test_delete_gateway_endpoint_removes_its_routes(ec2, net):
    vpce = gateway(ec2, net, net.rtb, net.main)["VpcEndpointId"]
    assert fails(ec2.delete_vpc, VpcId=net.vpc)[0] == "DependencyViolation"
    out = ec2.delete_vpc_endpoints(VpcEndpointIds=[vpce])
    assert out["Unsuccessful"] == []
    assert "pl-63a5400a" not in routes(ec2, net.rtb)
    assert "pl-63a5400a" not in routes(ec2, net.main)
    assert count(ec2) == 0


def test_delete_reports_unknown_ids(ec2, net):
    vpce = gateway(ec2, net, net.rtb)["VpcEndpointId"]
    out = ec2.delete_vpc_endpoints(VpcEndpointIds=["vpce-0123456789abcdef0", vpce])
    assert out["Unsuccessful"] == [{
        "Error": {"Code": "InvalidVpcEndpoint.NotFound",
                  "Message": "The Vpc Endpoint Id 'vpce-0123456789abcdef0' does not exist"},
        "ResourceId": "vpce-0123456789abcdef0"}]
    assert count(ec2) == 0


def test_describe_unknown_and_malformed_ids(ec2):
    assert fails(ec2.describe_vpc_endpoints, VpcEndpointIds=["vpce-0123456789abcdef0"]) == (
        "InvalidVpcEndpointId.NotFound",
        "The Vpc Endpoint Id 'vpce-0123456789abcdef0' does not exist")
    assert fails(ec2.describe_vpc_endpoints, VpcEndpointIds=["nope"])[0] == \
        "InvalidVpcEndpointId.Malformed"
    assert fails(ec2.modify_vpc_endpoint, VpcEndpointId="vpce-0123456789abcdef0",
                 ResetPolicy=True)[0] == "InvalidVpcEndpointId.NotFound"


def test_describe_filters(ec2, net):
    gw = gateway(ec2, net, net.rtb, TagSpecifications=[
        {"ResourceType": "vpc-endpoint", "Tags": [{"Key": "team", "Value": "data"}]}])
    ep = interface(ec2, net, net.subnet_a, PrivateDnsEnabled=False)
    other = network(ec2, "10.1.0.0/16")
    far = gateway(ec2, other, other.rtb)

    def ids(*filters):
        return {e["VpcEndpointId"] for e in ec2.describe_vpc_endpoints(
            Filters=list(filters))["VpcEndpoints"]}

    gw_id, ep_id, far_id = gw["VpcEndpointId"], ep["VpcEndpointId"], far["VpcEndpointId"]
    assert ids({"Name": "vpc-id", "Values": [net.vpc]}) == {gw_id, ep_id}
    assert ids({"Name": "vpc-endpoint-type", "Values": ["Gateway"]}) == {gw_id, far_id}
    assert ids({"Name": "service-name", "Values": [EC2]}) == {ep_id}
    assert ids({"Name": "vpc-endpoint-state", "Values": ["available"]}) == {gw_id, ep_id, far_id}
    assert ids({"Name": "vpc-endpoint-id", "Values": [far_id]}) == {far_id}
    assert ids({"Name": "tag:team", "Values": ["data"]}) == {gw_id}
    assert ids({"Name": "tag-key", "Values": ["team"]}) == {gw_id}
    assert ids({"Name": "ip-address-type", "Values": ["ipv4"]}) == {ep_id}
    assert ids({"Name": "service-region", "Values": ["us-east-1"]}) == {gw_id, ep_id, far_id}
    assert fails(ec2.describe_vpc_endpoints, Filters=[{"Name": "bogus", "Values": ["x"]}]) == (
        "InvalidParameterValue", "The filter 'bogus' is invalid")


def test_describe_pages(ec2, net):
    made = [gateway(ec2, net, net.rtb)["VpcEndpointId"]]
    made += [gateway(ec2, net, net.main)["VpcEndpointId"]]
    made += [interface(ec2, net, net.subnet_a, PrivateDnsEnabled=False)["VpcEndpointId"]]
    first = ec2.describe_vpc_endpoints(MaxResults=2)
    rest = ec2.describe_vpc_endpoints(MaxResults=2, NextToken=first["NextToken"])
    assert [e["VpcEndpointId"] for e in first["VpcEndpoints"] + rest["VpcEndpoints"]] == made
    assert "NextToken" not in rest


def test_dry_run_and_client_token(ec2, net):
    assert fails(ec2.create_vpc_endpoint, VpcId=net.vpc, ServiceName=S3,
                 RouteTableIds=[net.rtb], DryRun=True)[0] == "DryRunOperation"
    assert count(ec2) == 0 and "pl-63a5400a" not in routes(ec2, net.rtb)
    one = ec2.create_vpc_endpoint(VpcId=net.vpc, ServiceName=S3, RouteTableIds=[net.rtb],
                                  ClientToken="token-1")
    again = ec2.create_vpc_endpoint(VpcId=net.vpc, ServiceName=S3, RouteTableIds=[net.rtb],
                                    ClientToken="token-1")
    assert one["VpcEndpoint"]["VpcEndpointId"] == again["VpcEndpoint"]["VpcEndpointId"]
    assert one["ClientToken"] == "token-1" and count(ec2) == 1
    assert fails(ec2.create_vpc_endpoint, VpcId=net.vpc, ServiceName=S3,
                 RouteTableIds=[net.main], ClientToken="token-1")[0] == \
        "IdempotentParameterMismatch"


def test_unsupported_endpoint_types(ec2, net):
    assert fails(ec2.create_vpc_endpoint, VpcId=net.vpc, VpcEndpointType="Resource")[0] == \
        "MissingParameter"
    assert fails(ec2.create_vpc_endpoint, VpcId=net.vpc, VpcEndpointType="ServiceNetwork",
                 ServiceNetworkArn="arn:aws:vpc-lattice:us-east-1:123456789012:servicenetwork/"
                                   "sn-0123456789abcdef0")[0] == "InvalidServiceNetworkArn.NotFound"
    assert fails(ec2.create_vpc_endpoint, VpcId=net.vpc)[0] == "MissingParameter"


# -- interface endpoints --------------------------------------------------------------------------
def test_interface_endpoint_makes_an_interface_per_subnet(ec2, net):
    vpce = interface(ec2, net, net.subnet_a, net.subnet_b)
    assert vpce["State"] == "pending"           # AWS answers before the interfaces are up
    vpce_id = vpce["VpcEndpointId"]
    described = endpoint(ec2, vpce_id)
    assert described["State"] == "available" and described["VpcEndpointType"] == "Interface"
    assert described["SubnetIds"] == [net.subnet_a, net.subnet_b]
    assert described["PrivateDnsEnabled"] is True           # AWS's default for its services
    default_sg = ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [net.vpc]}, {"Name": "group-name", "Values": ["default"]}])[
        "SecurityGroups"][0]["GroupId"]
    assert described["Groups"] == [{"GroupId": default_sg, "GroupName": "default"}]
    assert described["IpAddressType"] == "ipv4"
    assert described["DnsOptions"] == {"DnsRecordIpType": "ipv4"}
    assert json.loads(described["PolicyDocument"])["Statement"][0]["Effect"] == "Allow"
    enis = ec2.describe_network_interfaces(
        NetworkInterfaceIds=described["NetworkInterfaceIds"])["NetworkInterfaces"]
    assert sorted(e["SubnetId"] for e in enis) == sorted([net.subnet_a, net.subnet_b])
    for eni in enis:
        assert eni["InterfaceType"] == "vpc_endpoint" and eni["RequesterManaged"] is True
        assert eni["Description"] == f"VPC Endpoint Interface {vpce_id}"
        assert eni["Status"] == "in-use" and eni["Groups"][0]["GroupId"] == default_sg
    names = [d["DnsName"] for d in described["DnsEntries"]]
    label = names[0].split(".")[0]
    assert label.startswith(f"{vpce_id}-") and len(label) == len(vpce_id) + 9
    assert names == [f"{label}.ec2.us-east-1.vpce.amazonaws.com",
                     f"{label}-us-east-1a.ec2.us-east-1.vpce.amazonaws.com",
                     f"{label}-us-east-1b.ec2.us-east-1.vpce.amazonaws.com",
                     "ec2.us-east-1.amazonaws.com"]
    assert described["DnsEntries"][0]["HostedZoneId"] == "Z7HUB22UULQXV"


def test_private_dns_needs_the_vpc_dns_attributes(ec2):
    plain = network(ec2, "10.5.0.0/16", dns=False)
    assert fails(ec2.create_vpc_endpoint, VpcId=plain.vpc, VpcEndpointType="Interface",
                 ServiceName=SSM, SubnetIds=[plain.subnet_a]) == (
        "InvalidParameter", "Enabling private DNS requires both enableDnsSupport and "
                            f"enableDnsHostnames VPC attributes set to true for {plain.vpc}")
    assert count(ec2) == 0
    assert ec2.describe_network_interfaces(Filters=[
        {"Name": "subnet-id", "Values": [plain.subnet_a]}])["NetworkInterfaces"] == []
    vpce = interface(ec2, plain, plain.subnet_a, service=SSM, PrivateDnsEnabled=False)
    assert vpce["PrivateDnsEnabled"] is False
    assert all(not d["DnsName"].startswith("ssm.") for d in vpce["DnsEntries"])


def test_one_private_dns_name_per_vpc(ec2, net):
    interface(ec2, net, net.subnet_a, service=SSM)
    assert fails(ec2.create_vpc_endpoint, VpcId=net.vpc, VpcEndpointType="Interface",
                 ServiceName=SSM, SubnetIds=[net.subnet_b]) == (
        "InvalidParameter", "private-dns-enabled cannot be set because there is already a "
                            f"conflicting DNS domain for ssm.us-east-1.amazonaws.com in the VPC "
                            f"{net.vpc}")
    second = interface(ec2, net, net.subnet_b, service=SSM, PrivateDnsEnabled=False)
    assert fails(ec2.modify_vpc_endpoint, VpcEndpointId=second["VpcEndpointId"],
                 PrivateDnsEnabled=True)[0] == "InvalidParameter"


def test_s3_interface_endpoint_has_wildcard_names(ec2, net):
    vpce = interface(ec2, net, net.subnet_a, service=S3)
    assert vpce["PrivateDnsEnabled"] is False     # S3's interface service has no private name
    assert vpce["DnsEntries"][0]["DnsName"].startswith(f"*.{vpce['VpcEndpointId']}-")
    assert vpce["DnsEntries"][0]["DnsName"].endswith(".s3.us-east-1.vpce.amazonaws.com")


@pytest.mark.parametrize("kwargs, code, message", [
    ({"RouteTableIds": ["rtb-0123456789abcdef0"]}, "InvalidParameter",
     "Route table IDs are only supported for Gateway type VPC Endpoint."),
    ({"SecurityGroupIds": ["sg-0123456789abcdef0"]}, "InvalidGroup.NotFound",
     "The security group 'sg-0123456789abcdef0' does not exist"),
    ({"SubnetIds": ["subnet-0123456789abcdef0"]}, "InvalidSubnetID.NotFound",
     "The subnet ID 'subnet-0123456789abcdef0' does not exist"),
    ({"IpAddressType": "dualstack"}, "InvalidParameter",
     f"The VPC endpoint service {EC2} does not support the IP address type dualstack."),
])
def test_interface_endpoint_errors(ec2, net, kwargs, code, message):
    args = {"VpcId": net.vpc, "VpcEndpointType": "Interface", "ServiceName": EC2,
            "SubnetIds": [net.subnet_a], **kwargs}
    assert fails(ec2.create_vpc_endpoint, **args) == (code, message)
    assert count(ec2) == 0


def test_one_subnet_per_zone(ec2, net):
    assert fails(ec2.create_vpc_endpoint, VpcId=net.vpc, VpcEndpointType="Interface",
                 ServiceName=EC2, SubnetIds=[net.subnet_a, net.subnet_a2]) == (
        "DuplicateSubnetsInSameZone",
        f"Found another VPC endpoint subnet in the availability zone of {net.subnet_a2}. VPC "
        "endpoint subnets should be in different availability zones supported by the VPC "
        "endpoint service.")
    other = network(ec2, "10.1.0.0/16")
    assert fails(ec2.create_vpc_endpoint, VpcId=net.vpc, VpcEndpointType="Interface",
                 ServiceName=EC2, SubnetIds=[other.subnet_a]) == (
        "InvalidParameter", f"The subnet ID '{other.subnet_a}' does not belong to the VPC "
                            f"{net.vpc}.")
    assert count(ec2) == 0


def test_modify_interface_subnets_and_groups(ec2, net):
    vpce = interface(ec2, net, net.subnet_a)["VpcEndpointId"]
    web = ec2.create_security_group(VpcId=net.vpc, GroupName="web",
                                    Description="web")["GroupId"]
    ec2.modify_vpc_endpoint(VpcEndpointId=vpce, AddSubnetIds=[net.subnet_b],
                            AddSecurityGroupIds=[web])
    described = endpoint(ec2, vpce)
    assert described["SubnetIds"] == [net.subnet_a, net.subnet_b]
    assert [g["GroupName"] for g in described["Groups"]] == ["default", "web"]
    for eni in ec2.describe_network_interfaces(
            NetworkInterfaceIds=described["NetworkInterfaceIds"])["NetworkInterfaces"]:
        assert {g["GroupId"] for g in eni["Groups"]} == {g["GroupId"] for g in described["Groups"]}
    default = described["Groups"][0]["GroupId"]
    ec2.modify_vpc_endpoint(VpcEndpointId=vpce, RemoveSubnetIds=[net.subnet_a],
                            RemoveSecurityGroupIds=[default])
    described = endpoint(ec2, vpce)
    assert described["SubnetIds"] == [net.subnet_b]
    assert described["Groups"] == [{"GroupId": web, "GroupName": "web"}]
    assert ec2.describe_network_interfaces(Filters=[
        {"Name": "subnet-id", "Values": [net.subnet_a]}])["NetworkInterfaces"] == []
    assert fails(ec2.modify_vpc_endpoint, VpcEndpointId=vpce, RemoveSecurityGroupIds=[web]) == (
        "InvalidParameter", "An Interface VPC Endpoint must always have at least one Security "
                            "Group")
    assert fails(ec2.modify_vpc_endpoint, VpcEndpointId=vpce, AddSubnetIds=[
        net.subnet_a, net.subnet_a2])[0] == "DuplicateSubnetsInSameZone"
    assert endpoint(ec2, vpce)["SubnetIds"] == [net.subnet_b]
    assert fails(ec2.modify_vpc_endpoint, VpcEndpointId=vpce,
                 AddRouteTableIds=[net.rtb]) == (
        "InvalidParameter", "Route table IDs are only supported for Gateway type VPC Endpoint.")


def test_endpoint_interfaces_belong_to_the_endpoint(ec2, net):
    vpce = interface(ec2, net, net.subnet_a, PrivateDnsEnabled=False)
    eni = vpce["NetworkInterfaceIds"][0]
    code, _ = fails(ec2.delete_network_interface, NetworkInterfaceId=eni)
    assert code == "InvalidParameterValue"
    assert fails(ec2.delete_subnet, SubnetId=net.subnet_a)[0] == "DependencyViolation"
    group = vpce["Groups"][0]["GroupId"]
    web = ec2.create_security_group(VpcId=net.vpc, GroupName="web", Description="w")["GroupId"]
    ec2.modify_vpc_endpoint(VpcEndpointId=vpce["VpcEndpointId"], AddSecurityGroupIds=[web],
                            RemoveSecurityGroupIds=[group])
    assert fails(ec2.delete_security_group, GroupId=web)[0] == "DependencyViolation"
    ec2.delete_vpc_endpoints(VpcEndpointIds=[vpce["VpcEndpointId"]])
    assert ec2.describe_network_interfaces(Filters=[
        {"Name": "subnet-id", "Values": [net.subnet_a]}])["NetworkInterfaces"] == []
    ec2.delete_security_group(GroupId=web)
    ec2.delete_subnet(SubnetId=net.subnet_a)


def test_failed_interface_endpoint_leaves_no_interfaces(ec2, net):
    # the second subnet is in the first one's zone: nothing may remain of the first
    before = len(ec2.describe_network_interfaces()["NetworkInterfaces"])
    fails(ec2.create_vpc_endpoint, VpcId=net.vpc, VpcEndpointType="Interface",
          ServiceName=EC2, SubnetIds=[net.subnet_a, net.subnet_a2], PrivateDnsEnabled=False)
    assert len(ec2.describe_network_interfaces()["NetworkInterfaces"]) == before


# -- your own services ----------------------------------------------------------------------------
def service(ec2, **kwargs) -> dict:
    args = {"NetworkLoadBalancerArns": [NLB], **kwargs}
    return ec2.create_vpc_endpoint_service_configuration(**args)["ServiceConfiguration"]


@pytest.fixture
def other_ec2(mock):
    return boto3.client("ec2", region_name="us-east-1", aws_access_key_id=OTHER,
                        aws_secret_access_key="x")


def test_service_configuration(ec2):
    svc = service(ec2, AcceptanceRequired=True, PrivateDnsName="api.example.com",
                  TagSpecifications=[{"ResourceType": "vpc-endpoint-service",
                                      "Tags": [{"Key": "Name", "Value": "api"}]}])
    svc_id = svc["ServiceId"]
    assert svc_id.startswith("vpce-svc-")
    assert svc["ServiceName"] == f"com.amazonaws.vpce.us-east-1.{svc_id}"
    assert svc["ServiceType"] == [{"ServiceType": "Interface"}]
    assert svc["ServiceState"] == "Available" and svc["AcceptanceRequired"] is True
    assert svc["NetworkLoadBalancerArns"] == [NLB] and svc["GatewayLoadBalancerArns"] == []
    assert svc["BaseEndpointDnsNames"] == [f"{svc_id}.us-east-1.vpce.amazonaws.com"]
    assert svc["PrivateDnsName"] == "api.example.com"
    config = svc["PrivateDnsNameConfiguration"]
    assert config["State"] == "pendingVerification" and config["Type"] == "TXT"
    assert config["Value"].startswith("vpce:") and config["Name"].startswith("_")
    assert svc["Tags"] == [{"Key": "Name", "Value": "api"}]
    assert svc["SupportedIpAddressTypes"] == ["ipv4"]
    described = ec2.describe_vpc_endpoint_service_configurations(ServiceIds=[svc_id])[
        "ServiceConfigurations"][0]
    assert described == svc
    mine = ec2.describe_vpc_endpoint_services(ServiceNames=[svc["ServiceName"]])[
        "ServiceDetails"][0]
    assert mine["Owner"] == ACCOUNT and mine["AcceptanceRequired"] is True
    assert mine["PrivateDnsNameVerificationState"] == "pendingVerification"


@pytest.mark.parametrize("kwargs, code", [
    ({"NetworkLoadBalancerArns": ["arn:aws:elasticloadbalancing:nope"]},
     "InvalidNetworkLoadBalancerArn.Malformed"),
    ({"NetworkLoadBalancerArns": [GWLB]}, "InvalidNetworkLoadBalancerArn.Malformed"),
    ({"NetworkLoadBalancerArns": [NLB.replace("us-east-1", "us-west-2")]},
     "InvalidNetworkLoadBalancerArn.NotFound"),
    ({"NetworkLoadBalancerArns": [NLB], "GatewayLoadBalancerArns": [GWLB]},
     "InvalidParameterCombination"),
    ({"NetworkLoadBalancerArns": []}, "InvalidParameter"),   # as moto answers it
    ({"GatewayLoadBalancerArns": [GWLB], "PrivateDnsName": "x.example.com"}, "InvalidParameter"),
    ({"NetworkLoadBalancerArns": [NLB], "SupportedIpAddressTypes": ["ipv5"]},
     "InvalidParameterValue"),
])
def test_service_configuration_errors(ec2, kwargs, code):
    assert fails(ec2.create_vpc_endpoint_service_configuration, **kwargs)[0] == code
    assert ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"] == []


def test_describe_and_modify_configurations(ec2):
    one, two = service(ec2)["ServiceId"], service(ec2, AcceptanceRequired=True)["ServiceId"]
    assert [s["ServiceId"] for s in ec2.describe_vpc_endpoint_service_configurations(Filters=[
        {"Name": "service-id", "Values": [two]}])["ServiceConfigurations"]] == [two]
    assert len(ec2.describe_vpc_endpoint_service_configurations(Filters=[
        {"Name": "service-state", "Values": ["Available"]}])["ServiceConfigurations"]) == 2
    assert fails(ec2.describe_vpc_endpoint_service_configurations,
                 ServiceIds=["vpce-svc-0123456789abcdef0"]) == (
        "InvalidVpcEndpointServiceId.NotFound",
        "The Vpc Endpoint Service Id 'vpce-svc-0123456789abcdef0' does not exist")
    second = NLB.replace("web", "api").replace("0123456789abcdef", "fedcba9876543210")
    ec2.modify_vpc_endpoint_service_configuration(
        ServiceId=one, AcceptanceRequired=True, AddNetworkLoadBalancerArns=[second],
        RemoveNetworkLoadBalancerArns=[NLB], PrivateDnsName="svc.example.com",
        AddSupportedIpAddressTypes=["ipv6"])
    got = ec2.describe_vpc_endpoint_service_configurations(ServiceIds=[one])[
        "ServiceConfigurations"][0]
    assert got["AcceptanceRequired"] is True and got["NetworkLoadBalancerArns"] == [second]
    assert got["PrivateDnsName"] == "svc.example.com"
    assert got["SupportedIpAddressTypes"] == ["ipv4", "ipv6"]
    assert fails(ec2.modify_vpc_endpoint_service_configuration, ServiceId=one,
                 RemoveNetworkLoadBalancerArns=[second])[0] == "InvalidParameterValue"
    ec2.modify_vpc_endpoint_service_configuration(ServiceId=one, RemovePrivateDnsName=True)
    got = ec2.describe_vpc_endpoint_service_configurations(ServiceIds=[one])[
        "ServiceConfigurations"][0]
    assert "PrivateDnsName" not in got and got["PrivateDnsNameConfiguration"] == {}


def test_permissions_make_a_service_visible(ec2, other_ec2):
    svc = service(ec2)
    name, svc_id = svc["ServiceName"], svc["ServiceId"]
    assert fails(other_ec2.describe_vpc_endpoint_services, ServiceNames=[name])[0] == \
        "InvalidServiceName"
    out = ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=svc_id, AddAllowedPrincipals=[f"arn:aws:iam::{OTHER}:root",
                                                f"arn:aws:iam::{OTHER}:role/app"])
    assert out["ReturnValue"] is True
    assert [(p["PrincipalType"], p["Principal"]) for p in out["AddedPrincipals"]] == [
        ("Account", f"arn:aws:iam::{OTHER}:root"), ("Role", f"arn:aws:iam::{OTHER}:role/app")]
    assert all(p["ServicePermissionId"].startswith("vpce-svc-perm-") and p["ServiceId"] == svc_id
               for p in out["AddedPrincipals"])
    seen = other_ec2.describe_vpc_endpoint_services(ServiceNames=[name])["ServiceDetails"][0]
    assert seen["Owner"] == ACCOUNT and seen["ServiceId"] == svc_id
    assert name in other_ec2.describe_vpc_endpoint_services()["ServiceNames"]
    allowed = ec2.describe_vpc_endpoint_service_permissions(ServiceId=svc_id)["AllowedPrincipals"]
    assert len(allowed) == 2
    only_roles = ec2.describe_vpc_endpoint_service_permissions(
        ServiceId=svc_id, Filters=[{"Name": "principal-type", "Values": ["Role"]}])
    assert [p["Principal"] for p in only_roles["AllowedPrincipals"]] == [
        f"arn:aws:iam::{OTHER}:role/app"]
    ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=svc_id, RemoveAllowedPrincipals=[f"arn:aws:iam::{OTHER}:root",
                                                   f"arn:aws:iam::{OTHER}:role/app"])
    assert fails(other_ec2.describe_vpc_endpoint_services, ServiceNames=[name])[0] == \
        "InvalidServiceName"
    assert fails(ec2.modify_vpc_endpoint_service_permissions, ServiceId=svc_id,
                 AddAllowedPrincipals=["arn:aws:iam::123:user/x"])[0] == "InvalidParameterValue"
    everyone = ec2.modify_vpc_endpoint_service_permissions(ServiceId=svc_id,
                                                           AddAllowedPrincipals=["*"])
    assert everyone["AddedPrincipals"][0]["PrincipalType"] == "All"
    assert name in other_ec2.describe_vpc_endpoint_services()["ServiceNames"]
    assert fails(other_ec2.describe_vpc_endpoint_service_permissions, ServiceId=svc_id)[0] == \
        "InvalidVpcEndpointServiceId.NotFound"


def test_cross_account_endpoint_waits_for_acceptance(ec2, other_ec2):
    svc = service(ec2, AcceptanceRequired=True)
    ec2.modify_vpc_endpoint_service_permissions(ServiceId=svc["ServiceId"],
                                                AddAllowedPrincipals=["*"])
    theirs = network(other_ec2, "10.7.0.0/16")
    vpce = other_ec2.create_vpc_endpoint(VpcId=theirs.vpc, VpcEndpointType="Interface",
                                         ServiceName=svc["ServiceName"],
                                         SubnetIds=[theirs.subnet_a])["VpcEndpoint"]
    assert vpce["State"] == "pendingAcceptance" and vpce["PrivateDnsEnabled"] is False
    assert vpce["DnsEntries"][0]["DnsName"].endswith(
        f".{svc['ServiceId']}.us-east-1.vpce.amazonaws.com")
    out = ec2.delete_vpc_endpoint_service_configurations(ServiceIds=[svc["ServiceId"]])
    assert out["Unsuccessful"][0]["Error"]["Code"] == "ExistingVpcEndpointConnections"
    other_ec2.delete_vpc_endpoints(VpcEndpointIds=[vpce["VpcEndpointId"]])
    out = ec2.delete_vpc_endpoint_service_configurations(
        ServiceIds=[svc["ServiceId"], "vpce-svc-0123456789abcdef0"])
    assert out["Unsuccessful"] == [{
        "Error": {"Code": "InvalidVpcEndpointServiceId.NotFound",
                  "Message": "The Vpc Endpoint Service Id 'vpce-svc-0123456789abcdef0' does "
                             "not exist"},
        "ResourceId": "vpce-svc-0123456789abcdef0"}]
    assert fails(other_ec2.describe_vpc_endpoint_services,
                 ServiceNames=[svc["ServiceName"]])[0] == "InvalidServiceName"


def test_gateway_load_balancer_endpoint_is_a_route_target(ec2, net):
    svc = service(ec2, NetworkLoadBalancerArns=[], GatewayLoadBalancerArns=[GWLB])
    assert svc["ServiceType"] == [{"ServiceType": "GatewayLoadBalancer"}]
    assert fails(ec2.create_vpc_endpoint, VpcId=net.vpc, VpcEndpointType="GatewayLoadBalancer",
                 ServiceName=svc["ServiceName"],
                 SubnetIds=[net.subnet_a, net.subnet_b])[0] == "InvalidParameter"
    vpce = ec2.create_vpc_endpoint(VpcId=net.vpc, VpcEndpointType="GatewayLoadBalancer",
                                   ServiceName=svc["ServiceName"],
                                   SubnetIds=[net.subnet_a])["VpcEndpoint"]
    vpce_id = vpce["VpcEndpointId"]
    assert "PolicyDocument" not in vpce and vpce["Groups"] == []
    eni = ec2.describe_network_interfaces(NetworkInterfaceIds=vpce["NetworkInterfaceIds"])[
        "NetworkInterfaces"][0]
    assert eni["InterfaceType"] == "gateway_load_balancer_endpoint"
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0",
                     VpcEndpointId=vpce_id)
    assert routes(ec2, net.rtb)["0.0.0.0/0"]["GatewayId"] == vpce_id
    out = ec2.delete_vpc_endpoints(VpcEndpointIds=[vpce_id])
    assert out["Unsuccessful"][0]["Error"]["Code"] == "DependencyViolation"
    ec2.delete_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0")
    assert ec2.delete_vpc_endpoints(VpcEndpointIds=[vpce_id])["Unsuccessful"] == []


def test_accept_and_reject_connections(ec2, other_ec2):
    svc = service(ec2, AcceptanceRequired=True)
    svc_id = svc["ServiceId"]
    ec2.modify_vpc_endpoint_service_permissions(ServiceId=svc_id,
                                                AddAllowedPrincipals=[f"arn:aws:iam::{OTHER}:root"])
    theirs = network(other_ec2, "10.7.0.0/16")

    def connect() -> str:
        return other_ec2.create_vpc_endpoint(
            VpcId=theirs.vpc, VpcEndpointType="Interface", ServiceName=svc["ServiceName"],
            SubnetIds=[theirs.subnet_a])["VpcEndpoint"]["VpcEndpointId"]

    first, second = connect(), connect()
    rows = ec2.describe_vpc_endpoint_connections()["VpcEndpointConnections"]
    assert [(r["VpcEndpointId"], r["VpcEndpointOwner"], r["VpcEndpointState"]) for r in rows] == [
        (first, OTHER, "pendingAcceptance"), (second, OTHER, "pendingAcceptance")]
    assert rows[0]["ServiceId"] == svc_id and rows[0]["NetworkLoadBalancerArns"] == [NLB]
    assert rows[0]["VpcEndpointConnectionId"].startswith("vpce-con-")
    out = ec2.accept_vpc_endpoint_connections(ServiceId=svc_id,
                                              VpcEndpointIds=[first, "vpce-0123456789abcdef0"])
    assert [u["ResourceId"] for u in out["Unsuccessful"]] == ["vpce-0123456789abcdef0"]
    assert endpoint(other_ec2, first)["State"] == "available"
    ec2.reject_vpc_endpoint_connections(ServiceId=svc_id, VpcEndpointIds=[second])
    assert endpoint(other_ec2, second)["State"] == "rejected"
    again = ec2.accept_vpc_endpoint_connections(ServiceId=svc_id, VpcEndpointIds=[second])
    assert again["Unsuccessful"][0]["Error"]["Code"] == "IncorrectState"
    pending = ec2.describe_vpc_endpoint_connections(Filters=[
        {"Name": "vpc-endpoint-state", "Values": ["rejected"]}])["VpcEndpointConnections"]
    assert [r["VpcEndpointId"] for r in pending] == [second]
    assert other_ec2.describe_vpc_endpoint_connections()["VpcEndpointConnections"] == []


def test_private_dns_of_your_service_after_verification(ec2):
    net = network(ec2, "10.9.0.0/16")
    svc = service(ec2, PrivateDnsName="api.example.com")
    unverified = interface(ec2, net, net.subnet_a, service=svc["ServiceName"])
    assert unverified["PrivateDnsEnabled"] is False
    assert fails(ec2.modify_vpc_endpoint, VpcEndpointId=unverified["VpcEndpointId"],
                 PrivateDnsEnabled=True)[0] == "InvalidParameter"
    assert ec2.start_vpc_endpoint_service_private_dns_verification(
        ServiceId=svc["ServiceId"])["ReturnValue"] is True
    ec2.modify_vpc_endpoint(VpcEndpointId=unverified["VpcEndpointId"], PrivateDnsEnabled=True)
    got = endpoint(ec2, unverified["VpcEndpointId"])
    assert got["PrivateDnsEnabled"] is True
    assert got["DnsEntries"][-1]["DnsName"] == "api.example.com"
    detail = ec2.describe_vpc_endpoint_services(ServiceNames=[svc["ServiceName"]])[
        "ServiceDetails"][0]
    assert detail["PrivateDnsNameVerificationState"] == "verified"


# -- against the server ---------------------------------------------------------------------------
def test_endpoints_against_server(server_ec2):
    net = network(server_ec2)
    vpce = gateway(server_ec2, net, net.rtb)
    assert routes(server_ec2, net.rtb)["pl-63a5400a"]["GatewayId"] == vpce["VpcEndpointId"]
    ep = interface(server_ec2, net, net.subnet_a)
    assert endpoint(server_ec2, ep["VpcEndpointId"])["State"] == "available"
    out = server_ec2.delete_vpc_endpoints(
        VpcEndpointIds=[vpce["VpcEndpointId"], ep["VpcEndpointId"], "vpce-0123456789abcdef0"])
    assert [u["ResourceId"] for u in out["Unsuccessful"]] == ["vpce-0123456789abcdef0"]
    assert server_ec2.describe_vpc_endpoints()["VpcEndpoints"] == []
    assert "com.amazonaws.us-east-1.s3" in server_ec2.describe_vpc_endpoint_services()[
        "ServiceNames"]
