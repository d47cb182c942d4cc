"""Isolation between accounts and regions.

The account of a request is its 12-digit access key id (`dispatch.caller`), its region the
SigV4 scope's. One account must not see, change, delete, tag or reference another's
resources — a foreign id answers like an id that does not exist, and no filter leaks — except
where AWS shares on purpose: an accepted VPC peering (and its routes), a transit gateway
peering attachment, the public AMI catalogue and AMIs shared by launch permission. Regions
of one account are just as separate.
"""
from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

A, B = "111122223333", "444455556666"
REGION = "us-east-1"
AMI = "ami-057c3ffbeeff55523"          # al2023 x86_64, public catalogue of us-east-1


def client(account: str, region: str = REGION) -> Any:
    return boto3.client("ec2", region_name=region, aws_access_key_id=account,
                        aws_secret_access_key="secret")


def code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


@pytest.fixture
def accounts(mock: Any) -> tuple[Any, Any]:
    return client(A), client(B)


@pytest.fixture
def world_a(accounts: tuple[Any, Any]) -> dict[str, str]:
    """A small topology in account A: VPC, subnet, group, interface, gateway, EIP, route table."""
    a, _ = accounts
    vpc = a.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "a-vpc"}]}])["Vpc"]["VpcId"]
    subnet = a.create_subnet(VpcId=vpc, CidrBlock="10.1.0.0/24",
                             AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    sg = a.create_security_group(GroupName="a-sg", Description="a", VpcId=vpc)["GroupId"]
    eni = a.create_network_interface(SubnetId=subnet, Groups=[sg])["NetworkInterface"]
    igw = a.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    alloc = a.allocate_address(Domain="vpc")["AllocationId"]
    rtb = a.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    instance = a.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                               SubnetId=subnet)["Instances"][0]["InstanceId"]
    return {"vpc": vpc, "subnet": subnet, "sg": sg, "eni": eni["NetworkInterfaceId"],
            "ip": eni["PrivateIpAddress"], "igw": igw, "alloc": alloc, "rtb": rtb,
            "instance": instance}


@pytest.fixture
def world_b(accounts: tuple[Any, Any]) -> dict[str, str]:
    _, b = accounts
    vpc = b.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    subnet = b.create_subnet(VpcId=vpc, CidrBlock="10.2.0.0/24",
                             AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    sg = b.create_security_group(GroupName="b-sg", Description="b", VpcId=vpc)["GroupId"]
    rtb = b.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    alloc = b.allocate_address(Domain="vpc")["AllocationId"]
    eni = b.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    return {"vpc": vpc, "subnet": subnet, "sg": sg, "rtb": rtb, "alloc": alloc, "eni": eni}


# -- describe by id and filters ---------------------------------------------------------------
DESCRIBE_BY_ID = [
    ("describe_vpcs", "VpcIds", "vpc", "InvalidVpcID.NotFound"),
    ("describe_subnets", "SubnetIds", "subnet", "InvalidSubnetID.NotFound"),
    ("describe_security_groups", "GroupIds", "sg", "InvalidGroup.NotFound"),
    ("describe_network_interfaces", "NetworkInterfaceIds", "eni",
     "InvalidNetworkInterfaceID.NotFound"),
    ("describe_internet_gateways", "InternetGatewayIds", "igw",
     "InvalidInternetGatewayID.NotFound"),
    ("describe_route_tables", "RouteTableIds", "rtb", "InvalidRouteTableID.NotFound"),
    ("describe_addresses", "AllocationIds", "alloc", "InvalidAllocationID.NotFound"),
    ("describe_instances", "InstanceIds", "instance", "InvalidInstanceID.NotFound"),
]


@pytest.mark.parametrize(("op", "member", "key", "error"), DESCRIBE_BY_ID)
def test_describe_by_id_of_another_account_is_not_found(
        accounts: tuple[Any, Any], world_a: dict[str, str], op: str, member: str, key: str,
        error: str) -> None:
    a, b = accounts
    getattr(a, op)(**{member: [world_a[key]]})      # the owner sees it
    with pytest.raises(ClientError) as exc:
        getattr(b, op)(**{member: [world_a[key]]})
    assert code(exc) == error


FILTERS = [
    ("describe_vpcs", "Vpcs", [{"Name": "vpc-id", "Values": ["{vpc}"]}]),
    ("describe_vpcs", "Vpcs", [{"Name": "tag:Name", "Values": ["a-vpc"]}]),
    ("describe_vpcs", "Vpcs", [{"Name": "cidr", "Values": ["10.1.0.0/16"]}]),
    ("describe_subnets", "Subnets", [{"Name": "vpc-id", "Values": ["{vpc}"]}]),
    ("describe_security_groups", "SecurityGroups", [{"Name": "vpc-id", "Values": ["{vpc}"]}]),
    ("describe_security_groups", "SecurityGroups", [{"Name": "group-name", "Values": ["a-sg"]}]),
    ("describe_security_group_rules", "SecurityGroupRules",
     [{"Name": "group-id", "Values": ["{sg}"]}]),
    ("describe_network_interfaces", "NetworkInterfaces",
     [{"Name": "subnet-id", "Values": ["{subnet}"]}]),
    ("describe_network_interfaces", "NetworkInterfaces",
     [{"Name": "addresses.private-ip-address", "Values": ["{ip}"]}]),
    ("describe_route_tables", "RouteTables", [{"Name": "vpc-id", "Values": ["{vpc}"]}]),
    ("describe_network_acls", "NetworkAcls", [{"Name": "vpc-id", "Values": ["{vpc}"]}]),
    ("describe_instances", "Reservations", [{"Name": "vpc-id", "Values": ["{vpc}"]}]),
    ("describe_instances", "Reservations", [{"Name": "instance-id", "Values": ["{instance}"]}]),
    ("describe_tags", "Tags", [{"Name": "resource-id", "Values": ["{vpc}"]}]),
    ("describe_tags", "Tags", [{"Name": "value", "Values": ["a-vpc"]}]),
    ("describe_addresses", "Addresses", [{"Name": "allocation-id", "Values": ["{alloc}"]}]),
]


@pytest.mark.parametrize(("op", "key", "filters"), FILTERS)
def test_filters_never_leak_another_accounts_resources(
        accounts: tuple[Any, Any], world_a: dict[str, str], op: str, key: str,
        filters: list[dict[str, Any]]) -> None:
    a, b = accounts
    filled = [{"Name": f["Name"], "Values": [v.format(**world_a) for v in f["Values"]]}
              for f in filters]
    assert getattr(a, op)(Filters=filled)[key], "the owner's filter must match something"
    assert getattr(b, op)(Filters=filled)[key] == []


def test_unfiltered_describes_show_only_own_resources(
        accounts: tuple[Any, Any], world_a: dict[str, str], world_b: dict[str, str]) -> None:
    a, b = accounts
    seen = {v["VpcId"] for v in b.describe_vpcs()["Vpcs"]}
    assert world_b["vpc"] in seen and world_a["vpc"] not in seen
    assert all(v["OwnerId"] == B for v in b.describe_vpcs()["Vpcs"])
    enis = b.describe_network_interfaces()["NetworkInterfaces"]
    assert {e["OwnerId"] for e in enis} == {B}
    tags = b.describe_tags()["Tags"]
    assert world_a["vpc"] not in {t["ResourceId"] for t in tags}
    assert b.describe_instances()["Reservations"] == []


# -- change, delete, tag ----------------------------------------------------------------------
def _mutations(a: dict[str, str], b: dict[str, str]) -> list[tuple[str, dict[str, Any], str]]:
    return [
        ("delete_vpc", {"VpcId": a["vpc"]}, "InvalidVpcID.NotFound"),
        ("delete_subnet", {"SubnetId": a["subnet"]}, "InvalidSubnetID.NotFound"),
        ("delete_security_group", {"GroupId": a["sg"]}, "InvalidGroup.NotFound"),
        ("delete_network_interface", {"NetworkInterfaceId": a["eni"]},
         "InvalidNetworkInterfaceID.NotFound"),
        ("delete_internet_gateway", {"InternetGatewayId": a["igw"]},
         "InvalidInternetGatewayID.NotFound"),
        ("delete_route_table", {"RouteTableId": a["rtb"]}, "InvalidRouteTableID.NotFound"),
        ("release_address", {"AllocationId": a["alloc"]}, "InvalidAllocationID.NotFound"),
        ("terminate_instances", {"InstanceIds": [a["instance"]]}, "InvalidInstanceID.NotFound"),
        ("modify_vpc_attribute", {"VpcId": a["vpc"], "EnableDnsHostnames": {"Value": True}},
         "InvalidVpcID.NotFound"),
        ("create_tags", {"Resources": [a["vpc"]], "Tags": [{"Key": "Name", "Value": "b"}]},
         "InvalidVpcID.NotFound"),
        ("delete_tags", {"Resources": [a["vpc"]], "Tags": [{"Key": "Name"}]},
         "InvalidVpcID.NotFound"),
        ("authorize_security_group_ingress",
         {"GroupId": a["sg"], "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 1,
                                                 "ToPort": 1, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]},
         "InvalidGroup.NotFound"),
        # references from B's own resources to A's
        ("create_subnet", {"VpcId": a["vpc"], "CidrBlock": "10.1.9.0/24"},
         "InvalidVpcID.NotFound"),
        ("create_security_group", {"GroupName": "x", "Description": "x", "VpcId": a["vpc"]},
         "InvalidVpcID.NotFound"),
        ("create_route_table", {"VpcId": a["vpc"]}, "InvalidVpcID.NotFound"),
        ("create_network_interface", {"SubnetId": a["subnet"]}, "InvalidSubnetID.NotFound"),
        ("create_network_interface", {"SubnetId": b["subnet"], "Groups": [a["sg"]]},
         "InvalidGroup.NotFound"),
        ("authorize_security_group_ingress",
         {"GroupId": b["sg"], "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 1, "ToPort": 1,
                                                 "UserIdGroupPairs": [{"GroupId": a["sg"]}]}]},
         "InvalidGroup.NotFound"),
        ("run_instances", {"ImageId": AMI, "MinCount": 1, "MaxCount": 1,
                           "SubnetId": b["subnet"], "SecurityGroupIds": [a["sg"]]},
         "InvalidGroup.NotFound"),
        ("run_instances", {"ImageId": AMI, "MinCount": 1, "MaxCount": 1,
                           "SubnetId": a["subnet"]}, "InvalidSubnetID.NotFound"),
        ("create_route", {"RouteTableId": b["rtb"], "DestinationCidrBlock": "0.0.0.0/0",
                          "GatewayId": a["igw"]}, "InvalidGatewayID.NotFound"),
        ("create_route", {"RouteTableId": b["rtb"], "DestinationCidrBlock": "0.0.0.0/0",
                          "NetworkInterfaceId": a["eni"]}, "InvalidNetworkInterfaceID.NotFound"),
        ("create_route", {"RouteTableId": b["rtb"], "DestinationCidrBlock": "0.0.0.0/0",
                          "InstanceId": a["instance"]}, "InvalidInstanceID.NotFound"),
        ("create_route", {"RouteTableId": a["rtb"], "DestinationCidrBlock": "0.0.0.0/0",
                          "GatewayId": "local"}, "InvalidRouteTableID.NotFound"),
        ("attach_internet_gateway", {"InternetGatewayId": a["igw"], "VpcId": b["vpc"]},
         "InvalidInternetGatewayID.NotFound"),
        ("associate_route_table", {"RouteTableId": b["rtb"], "SubnetId": a["subnet"]},
         "InvalidSubnetID.NotFound"),
        ("associate_address", {"AllocationId": b["alloc"], "NetworkInterfaceId": a["eni"]},
         "InvalidNetworkInterfaceID.NotFound"),
        ("associate_address", {"AllocationId": a["alloc"], "NetworkInterfaceId": b["eni"]},
         "InvalidAllocationID.NotFound"),
        ("associate_address", {"AllocationId": b["alloc"], "InstanceId": a["instance"]},
         "InvalidInstanceID.NotFound"),
        ("modify_network_interface_attribute", {"NetworkInterfaceId": b["eni"],
                                                "Groups": [a["sg"]]}, "InvalidGroup.NotFound"),
        ("create_vpc_peering_connection", {"VpcId": a["vpc"], "PeerVpcId": b["vpc"]},
         "InvalidVpcID.NotFound"),
    ]


def test_another_account_cannot_change_delete_tag_or_reference(
        accounts: tuple[Any, Any], world_a: dict[str, str], world_b: dict[str, str]) -> None:
    a, b = accounts
    before = _snapshot(a)
    wrong = []
    for op, args, error in _mutations(world_a, world_b):
        try:
            getattr(b, op)(**args)
            wrong.append(f"{op}{args}: succeeded")
        except ClientError as err:
            if err.response["Error"]["Code"] != error:
                wrong.append(f"{op}: {err.response['Error']['Code']} (expected {error})")
    assert wrong == []
    assert _snapshot(a) == before


def _snapshot(ec2: Any) -> dict[str, Any]:
    return {"vpcs": ec2.describe_vpcs()["Vpcs"], "subnets": ec2.describe_subnets()["Subnets"],
            "groups": ec2.describe_security_groups()["SecurityGroups"],
            "enis": ec2.describe_network_interfaces()["NetworkInterfaces"],
            "tags": ec2.describe_tags()["Tags"], "addresses": ec2.describe_addresses()["Addresses"],
            "instances": ec2.describe_instances()["Reservations"]}


# -- what AWS shares on purpose ---------------------------------------------------------------
def test_accepted_peering_is_shared_and_routable(
        accounts: tuple[Any, Any], world_a: dict[str, str], world_b: dict[str, str]) -> None:
    a, b = accounts
    pcx = b.create_vpc_peering_connection(VpcId=world_b["vpc"], PeerVpcId=world_a["vpc"],
                                          PeerOwnerId=A)["VpcPeeringConnection"]
    pcx_id = pcx["VpcPeeringConnectionId"]
    assert pcx["AccepterVpcInfo"]["OwnerId"] == A
    seen = a.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx_id])
    assert seen["VpcPeeringConnections"][0]["Status"]["Code"] == "pending-acceptance"
    with pytest.raises(ClientError) as exc:       # only the accepter's account accepts
        b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
    assert code(exc) in ("OperationNotPermitted", "InvalidStateTransition")
    a.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
    for ec2, rtb, cidr in ((a, world_a["rtb"], "10.2.0.0/16"), (b, world_b["rtb"], "10.1.0.0/16")):
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock=cidr, VpcPeeringConnectionId=pcx_id)
    # a third account sees none of it
    c = client("777788889999")
    with pytest.raises(ClientError) as exc:
        c.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx_id])
    assert code(exc) == "InvalidVpcPeeringConnectionID.NotFound"
    # but the peering shares no other resource
    with pytest.raises(ClientError) as exc:
        b.describe_subnets(SubnetIds=[world_a["subnet"]])
    assert code(exc) == "InvalidSubnetID.NotFound"


def test_transit_gateway_peering_attachment_across_accounts(accounts: tuple[Any, Any]) -> None:
    a, b = accounts
    tgw_a = a.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    tgw_b = b.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    with pytest.raises(ClientError) as exc:       # B's gateway is not A's to attach to
        a.describe_transit_gateways(TransitGatewayIds=[tgw_b])
    assert code(exc) == "InvalidTransitGatewayID.NotFound"
    att = a.create_transit_gateway_peering_attachment(
        TransitGatewayId=tgw_a, PeerTransitGatewayId=tgw_b, PeerAccountId=B,
        PeerRegion=REGION)["TransitGatewayPeeringAttachment"]
    att_id = att["TransitGatewayAttachmentId"]
    seen = b.describe_transit_gateway_peering_attachments(TransitGatewayAttachmentIds=[att_id])
    assert seen["TransitGatewayPeeringAttachments"][0]["AccepterTgwInfo"]["OwnerId"] == B
    b.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=att_id)


def test_public_amis_for_everyone_shared_amis_for_whom_they_are_shared(
        accounts: tuple[Any, Any], world_a: dict[str, str]) -> None:
    a, b = accounts
    assert b.describe_images(ImageIds=[AMI])["Images"][0]["Public"] is True
    image = a.create_image(InstanceId=world_a["instance"], Name="a-private")["ImageId"]
    # AWS answers a named image the caller may not see with an empty list, not an error
    assert b.describe_images(ImageIds=[image])["Images"] == []
    assert b.describe_images(Filters=[{"Name": "name", "Values": ["a-private"]}])["Images"] == []
    with pytest.raises(ClientError) as exc:       # nor may B share or launch it
        b.modify_image_attribute(ImageId=image, LaunchPermission={"Add": [{"UserId": B}]})
    assert code(exc) == "InvalidAMIID.NotFound"
    a.modify_image_attribute(ImageId=image, LaunchPermission={"Add": [{"UserId": B}]})
    assert b.describe_images(ImageIds=[image])["Images"][0]["OwnerId"] == A
    assert [i["ImageId"] for i in b.describe_images(ExecutableUsers=["self"])["Images"]] == [image]
    with pytest.raises(ClientError) as exc:       # shared to launch, not to change
        b.deregister_image(ImageId=image)
    assert code(exc) in ("InvalidAMIID.NotFound", "AuthFailure", "UnauthorizedOperation")
    assert a.describe_images(ImageIds=[image])["Images"]


# -- regions ----------------------------------------------------------------------------------
def test_regions_are_separate(accounts: tuple[Any, Any], world_a: dict[str, str]) -> None:
    west = client(A, "us-west-2")
    assert world_a["vpc"] not in {v["VpcId"] for v in west.describe_vpcs()["Vpcs"]}
    with pytest.raises(ClientError) as exc:
        west.describe_vpcs(VpcIds=[world_a["vpc"]])
    assert code(exc) == "InvalidVpcID.NotFound"
    with pytest.raises(ClientError) as exc:
        west.create_subnet(VpcId=world_a["vpc"], CidrBlock="10.1.5.0/24")
    assert code(exc) == "InvalidVpcID.NotFound"
    with pytest.raises(ClientError) as exc:
        west.create_tags(Resources=[world_a["sg"]], Tags=[{"Key": "k", "Value": "v"}])
    assert code(exc) == "InvalidGroup.NotFound"
    assert west.describe_tags(Filters=[{"Name": "resource-id",
                                        "Values": [world_a["vpc"]]}])["Tags"] == []
    with pytest.raises(ClientError) as exc:       # the public catalogue is per region too
        west.describe_images(ImageIds=[AMI])
    assert code(exc) == "InvalidAMIID.NotFound"


def test_accounts_are_isolated_through_the_server(server_url: str) -> None:
    """The same over HTTP: the account comes from the access key id in the signature."""
    import urllib.request
    with urllib.request.urlopen(urllib.request.Request(server_url + "/_ec2sim/reset",
                                                       method="POST")) as answer:
        answer.read()

    def remote(account: str) -> Any:
        return boto3.client("ec2", region_name=REGION, endpoint_url=server_url,
                            aws_access_key_id=account, aws_secret_access_key="secret")
    a, b = remote(A), remote(B)
    vpc = a.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]
    assert vpc["OwnerId"] == A
    with pytest.raises(ClientError) as exc:
        b.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.9.0.0/24")
    assert code(exc) == "InvalidVpcID.NotFound"
    assert vpc["VpcId"] not in {v["VpcId"] for v in b.describe_vpcs()["Vpcs"]}
