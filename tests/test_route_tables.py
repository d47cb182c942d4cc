"""Route table operations through boto3, in-process and against the server.

Subnets come from the subnet family's domain function, and kinds that other families
create (network interfaces, NAT gateways) are planted in the world directly, so that
these tests exercise only the route table operations.
"""
from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from topology.core import schema
from topology.network import subnets
from helpers import error

ACCOUNT, REGION = "123456789012", "us-east-1"
MISSING = {"rtb": "rtb-0123456789abcdef0", "igw": "igw-0123456789abcdef0",
           "nat": "nat-0123456789abcdef0", "eni": "eni-0123456789abcdef0",
           "i": "i-0123456789abcdef0", "pcx": "pcx-0123456789abcdef0",
           "tgw": "tgw-0123456789abcdef0", "subnet": "subnet-0123456789abcdef0",
           "rtbassoc": "rtbassoc-0123456789abcdef0", "pl": "pl-0123456789abcdef0"}


class Net:
    """A VPC with an attached internet gateway, a custom route table and helpers."""

    def __init__(self, ec2: Any, mock: Any, cidr: str = "10.0.0.0/16") -> None:
        self.ec2, self.world = ec2, mock.world
        self.part = self.world.partition(ACCOUNT, REGION)
        self.vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        self.igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=self.igw, VpcId=self.vpc)
        self.rtb = ec2.create_route_table(VpcId=self.vpc)["RouteTable"]["RouteTableId"]
        self.main = self.table_where("association.main", "true")

    def table_where(self, name: str, value: str) -> str:
        found = self.ec2.describe_route_tables(Filters=[
            {"Name": "vpc-id", "Values": [self.vpc]}, {"Name": name, "Values": [value]}])
        return found["RouteTables"][0]["RouteTableId"]

    def subnet(self, cidr: str) -> str:
        return subnets.create(self.world, self.part, self.vpc, cidr, zone="us-east-1a")

    def plant(self, kind: str, rid: str, parent: str, **fields: Any) -> str:
        """A resource of a family not under test, contained by `parent`."""
        self.world.add(self.part, kind, rid, **fields)
        self.world.link(parent, rid, schema.CONTAINS)
        return rid

    def table(self, rtb: str | None = None) -> dict[str, Any]:
        return self.ec2.describe_route_tables(RouteTableIds=[rtb or self.rtb])["RouteTables"][0]

    def routes(self, rtb: str | None = None) -> dict[str, dict[str, Any]]:
        out = {}
        for route in self.table(rtb)["Routes"]:
            dest = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock") \
                or route["DestinationPrefixListId"]
            out[dest] = route
        return out


@pytest.fixture
def net(ec2, mock) -> Net:
    return Net(ec2, mock)


# -- tables ----------------------------------------------------------------------------------
def test_default_vpc_main_table(ec2):
    tables = ec2.describe_route_tables()["RouteTables"]
    assert len(tables) == 1
    table = tables[0]
    igw = ec2.describe_internet_gateways()["InternetGateways"][0]["InternetGatewayId"]
    assert table["Routes"] == [
        {"DestinationCidrBlock": "172.31.0.0/16", "GatewayId": "local",
         "Origin": "CreateRouteTable", "State": "active"},
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw, "Origin": "CreateRoute",
         "State": "active"}]
    [assoc] = table["Associations"]
    assert assoc["Main"] is True and "SubnetId" not in assoc and "GatewayId" not in assoc
    assert assoc["RouteTableAssociationId"].startswith("rtbassoc-")
    assert assoc["AssociationState"] == {"State": "associated"}
    assert table["PropagatingVgws"] == [] and table["OwnerId"] == ACCOUNT


def test_create_route_table(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    ipv6 = ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0][
        "Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    table = ec2.create_route_table(VpcId=vpc["VpcId"], TagSpecifications=[
        {"ResourceType": "route-table", "Tags": [{"Key": "Name", "Value": "public"}]}])[
        "RouteTable"]
    assert table["RouteTableId"].startswith("rtb-") and table["VpcId"] == vpc["VpcId"]
    assert table["Associations"] == [] and table["Tags"] == [{"Key": "Name", "Value": "public"}]
    assert table["Routes"] == [
        {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local",
         "Origin": "CreateRouteTable", "State": "active"},
        {"DestinationIpv6CidrBlock": ipv6, "GatewayId": "local",
         "Origin": "CreateRouteTable", "State": "active"}]


def test_create_route_table_errors_change_nothing(ec2, net):
    before = ec2.describe_route_tables()["RouteTables"]
    with pytest.raises(ClientError) as exc:
        ec2.create_route_table(VpcId="vpc-0123456789abcdef0")
    assert error(exc) == ("InvalidVpcID.NotFound",
                          "The vpc ID 'vpc-0123456789abcdef0' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.create_route_table(VpcId=net.vpc, TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "a", "Value": "b"}]}])
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        ec2.create_route_table(VpcId=net.vpc, DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert ec2.describe_route_tables()["RouteTables"] == before


def test_create_route_table_client_token(ec2, net):
    first = ec2.create_route_table(VpcId=net.vpc, ClientToken="tok")
    again = ec2.create_route_table(VpcId=net.vpc, ClientToken="tok")
    assert first["RouteTable"]["RouteTableId"] == again["RouteTable"]["RouteTableId"]
    assert first["ClientToken"] == "tok"


def test_describe_unknown_table(ec2, net):
    with pytest.raises(ClientError) as exc:
        ec2.describe_route_tables(RouteTableIds=[net.rtb, MISSING["rtb"]])
    assert error(exc) == ("InvalidRouteTableID.NotFound",
                          f"The routeTable ID '{MISSING['rtb']}' does not exist")


def test_delete_route_table(ec2, net):
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=net.igw)
    ec2.delete_route_table(RouteTableId=net.rtb)     # routes do not hold a table back
    with pytest.raises(ClientError) as exc:
        ec2.describe_route_tables(RouteTableIds=[net.rtb])
    assert error(exc)[0] == "InvalidRouteTableID.NotFound"
    with pytest.raises(ClientError) as exc:
        ec2.delete_route_table(RouteTableId=net.rtb)
    assert error(exc) == ("InvalidRouteTableID.NotFound",
                          f"The routeTable ID '{net.rtb}' does not exist")


def test_main_and_associated_tables_cannot_be_deleted(ec2, net):
    for rtb in (net.main, net.rtb):
        if rtb == net.rtb:
            ec2.associate_route_table(RouteTableId=rtb, SubnetId=net.subnet("10.0.1.0/24"))
        with pytest.raises(ClientError) as exc:
            ec2.delete_route_table(RouteTableId=rtb)
        assert error(exc) == ("DependencyViolation",
                              f"The routeTable '{rtb}' has dependencies and cannot be deleted.")
        assert net.table(rtb)["RouteTableId"] == rtb


# -- create_route ----------------------------------------------------------------------------
def test_route_to_internet_gateway(ec2, net):
    assert ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0",
                            GatewayId=net.igw)["Return"] is True
    assert net.routes()["0.0.0.0/0"] == {"DestinationCidrBlock": "0.0.0.0/0",
                                         "GatewayId": net.igw, "Origin": "CreateRoute",
                                         "State": "active"}


def test_route_destination_is_canonicalised(ec2, net):
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="100.68.0.18/18",
                     GatewayId=net.igw)
    ec2.create_route(RouteTableId=net.rtb, DestinationIpv6CidrBlock="2001:DB8::1/32",
                     GatewayId=net.igw)
    assert {"100.68.0.0/18", "2001:db8::/32"} <= set(net.routes())
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="100.68.0.0/18",
                         GatewayId=net.igw)
    assert error(exc) == ("RouteAlreadyExists", "The route identified by 100.68.0.0/18 already exists.")


@pytest.mark.parametrize("member, value, param", [
    ("DestinationCidrBlock", "::/0", "destinationCidrBlock"),
    ("DestinationCidrBlock", "10.0.0.0", "destinationCidrBlock"),
    ("DestinationCidrBlock", "10.0.0/8", "destinationCidrBlock"),
    ("DestinationCidrBlock", "300.0.0.0/8", "destinationCidrBlock"),
    ("DestinationCidrBlock", "", "destinationCidrBlock"),
    ("DestinationIpv6CidrBlock", "0.0.0.0/0", "destinationIpv6CidrBlock"),
    ("DestinationIpv6CidrBlock", "2001:db8::/129", "destinationIpv6CidrBlock"),
])
def test_route_rejects_bad_destinations(ec2, net, member, value, param):
    before = net.routes()
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=net.rtb, GatewayId=net.igw, **{member: value})
    assert error(exc) == ("InvalidParameterValue",
                          f"Value ({value}) for parameter {param} is invalid. "
                          "This is not a valid CIDR block.")
    assert net.routes() == before


def test_route_needs_exactly_one_destination(ec2, net):
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=net.rtb, GatewayId=net.igw)
    assert error(exc)[0] == "MissingParameter"
    assert "destinationCidrBlock" in error(exc)[1]
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=net.rtb, GatewayId=net.igw,
                         DestinationCidrBlock="0.0.0.0/0", DestinationIpv6CidrBlock="::/0")
    assert error(exc)[0] == "InvalidParameterCombination"
    assert set(net.routes()) == {"10.0.0.0/16"}


def test_route_needs_exactly_one_target(ec2, net):
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0")
    code, message = error(exc)
    assert code == "MissingParameter"
    assert message.startswith("The request must contain exactly one of gatewayId, natGatewayId, "
                              "networkInterfaceId, vpcPeeringConnectionId")
    assert message.endswith(" or instanceId")
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0",
                         GatewayId=net.igw, NatGatewayId=MISSING["nat"])
    assert error(exc) == ("InvalidParameterCombination", message)
    assert set(net.routes()) == {"10.0.0.0/16"}


@pytest.mark.parametrize("param, value, code, message", [
    ("GatewayId", MISSING["igw"], "InvalidGatewayID.NotFound",
     f"The gateway ID '{MISSING['igw']}' does not exist"),
    ("GatewayId", "vgw-0123456789abcdef0", "InvalidGatewayID.NotFound",
     "The gateway ID 'vgw-0123456789abcdef0' does not exist"),
    ("GatewayId", MISSING["nat"], "InvalidParameterValue",
     f"invalid value for parameter gateway-id: {MISSING['nat']}"),
    ("NatGatewayId", MISSING["nat"], "InvalidNatGatewayID.NotFound",
     f"The natGateway ID '{MISSING['nat']}' does not exist"),
    ("NetworkInterfaceId", MISSING["eni"], "InvalidNetworkInterfaceID.NotFound",
     f"The networkInterface ID '{MISSING['eni']}' does not exist"),
    ("InstanceId", MISSING["i"], "InvalidInstanceID.NotFound",
     f"The instance ID '{MISSING['i']}' does not exist"),
    ("VpcPeeringConnectionId", MISSING["pcx"], "InvalidVpcPeeringConnectionID.NotFound",
     f"The vpcPeeringConnection ID '{MISSING['pcx']}' does not exist"),
    ("TransitGatewayId", MISSING["tgw"], "InvalidTransitGatewayID.NotFound",
     f"The transitGateway ID '{MISSING['tgw']}' does not exist."),
])
def test_route_target_must_exist(ec2, net, param, value, code, message):
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", **{param: value})
    assert error(exc) == (code, message)
    assert set(net.routes()) == {"10.0.0.0/16"}


def test_route_table_must_exist(ec2, net):
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=MISSING["rtb"], DestinationCidrBlock="0.0.0.0/0",
                         GatewayId=net.igw)
    assert error(exc) == ("InvalidRouteTableID.NotFound",
                          f"The routeTable ID '{MISSING['rtb']}' does not exist")


def test_prefix_list_destination_must_exist(ec2, net):
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=net.rtb, DestinationPrefixListId=MISSING["pl"],
                         GatewayId=net.igw)
    assert error(exc)[0] == "InvalidPrefixListID.NotFound"


def test_gateway_must_be_attached_to_the_tables_vpc(ec2, net):
    other = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=other)
    assert error(exc) == ("InvalidParameterValue",
                          f"route table {net.rtb} and network gateway {other} belong to "
                          "different networks")
    default_igw = ec2.describe_internet_gateways(Filters=[
        {"Name": "attachment.vpc-id", "Values": [ec2.describe_vpcs(Filters=[
            {"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]]}])[
        "InternetGateways"][0]["InternetGatewayId"]
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0",
                         GatewayId=default_igw)
    assert error(exc)[0] == "InvalidParameterValue"
    assert set(net.routes()) == {"10.0.0.0/16"}


@pytest.mark.parametrize("dest", ["10.0.0.0/16", "10.0.1.0/24", "10.0.0.0/17"])
def test_gateway_routes_cannot_cover_the_vpc(ec2, net, dest):
    net.subnet("10.0.1.0/24")
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock=dest, GatewayId=net.igw)
    assert error(exc) == ("InvalidParameterValue",
                          f"The destination CIDR block {dest} is equal to or more specific than "
                          "one of this VPC's CIDR blocks. This route can target only an "
                          "interface or an instance.")
    assert net.routes()["10.0.0.0/16"]["GatewayId"] == "local"


def test_route_wider_than_the_vpc_is_fine(ec2, net):
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="10.0.0.0/8", GatewayId=net.igw)
    assert net.routes()["10.0.0.0/8"]["GatewayId"] == net.igw


def test_reserved_ranges_cannot_be_routed(ec2, net):
    for dest in ("169.254.168.0/22", "169.254.169.0/24"):
        with pytest.raises(ClientError) as exc:
            ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock=dest, GatewayId=net.igw)
        assert error(exc)[0] == "InvalidParameterValue"
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="169.254.0.0/16",
                     GatewayId=net.igw)                 # larger but overlapping is allowed
    assert "169.254.0.0/16" in net.routes()


def test_ipv6_default_route(ec2, net):
    ec2.create_route(RouteTableId=net.rtb, DestinationIpv6CidrBlock="::/0", GatewayId=net.igw)
    assert net.routes()["::/0"] == {"DestinationIpv6CidrBlock": "::/0", "GatewayId": net.igw,
                                    "Origin": "CreateRoute", "State": "active"}


def test_dry_run_create_route(ec2, net):
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0",
                         GatewayId=net.igw, DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert set(net.routes()) == {"10.0.0.0/16"}


# -- middlebox routes (targets from other families, planted) ---------------------------------
def test_middlebox_route_to_a_subnet(ec2, net):
    subnet = net.subnet("10.0.1.0/24")
    eni = net.plant("network-interface", MISSING["eni"], subnet, Status="in-use")
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="10.0.1.0/24",
                     NetworkInterfaceId=eni)
    assert net.routes()["10.0.1.0/24"] == {"DestinationCidrBlock": "10.0.1.0/24",
                                           "NetworkInterfaceId": eni, "Origin": "CreateRoute",
                                           "State": "active"}
    with pytest.raises(ClientError) as exc:      # inside the VPC but not a subnet's block
        ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="10.0.2.0/24",
                         NetworkInterfaceId=eni)
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:      # the local route itself: use ReplaceRoute
        ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="10.0.0.0/16",
                         NetworkInterfaceId=eni)
    assert error(exc) == ("RouteAlreadyExists",
                          "The route identified by 10.0.0.0/16 already exists.")


def test_interface_in_another_vpc_is_refused(ec2, mock, net):
    other = Net(ec2, mock, "10.1.0.0/16")
    eni = other.plant("network-interface", MISSING["eni"], other.subnet("10.1.1.0/24"),
                      Status="in-use")
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0",
                         NetworkInterfaceId=eni)
    assert error(exc) == ("InvalidParameterValue",
                          f"route table {net.rtb} and interface {eni} belong to different networks")


def test_route_to_a_detached_interface_is_a_blackhole(ec2, net):
    eni = net.plant("network-interface", MISSING["eni"], net.subnet("10.0.1.0/24"),
                    Status="available")
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="192.168.0.0/16",
                     NetworkInterfaceId=eni)
    assert net.routes()["192.168.0.0/16"]["State"] == "blackhole"
    net.world.update(eni, Status="in-use")
    assert net.routes()["192.168.0.0/16"]["State"] == "active"


def test_route_to_an_instance_goes_to_its_interface(ec2, net):
    subnet = net.subnet("10.0.1.0/24")
    instance = net.plant("instance", MISSING["i"], subnet, State={"Name": "running"})
    eni = net.plant("network-interface", MISSING["eni"], subnet, Status="in-use")
    net.world.link(eni, instance, schema.ATTACHED)
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", InstanceId=instance)
    assert net.routes()["0.0.0.0/0"] == {
        "DestinationCidrBlock": "0.0.0.0/0", "NetworkInterfaceId": eni, "InstanceId": instance,
        "InstanceOwnerId": ACCOUNT, "Origin": "CreateRoute", "State": "active"}
    found = ec2.describe_route_tables(Filters=[{"Name": "route.instance-id",
                                                "Values": [instance]}])["RouteTables"]
    assert [t["RouteTableId"] for t in found] == [net.rtb]
    net.world.update(instance, State={"Name": "stopped"})
    assert net.routes()["0.0.0.0/0"]["State"] == "blackhole"


def test_route_to_an_instance_with_several_interfaces_is_refused(ec2, net):
    subnet = net.subnet("10.0.1.0/24")
    instance = net.plant("instance", MISSING["i"], subnet, State={"Name": "running"})
    for eni in ("eni-0123456789abcdef0", "eni-0123456789abcdef1"):
        net.plant("network-interface", eni, subnet, Status="in-use")
        net.world.link(eni, instance, schema.ATTACHED)
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0",
                         InstanceId=instance)
    assert error(exc) == ("InvalidInstanceID",
                          f"There are multiple interfaces attached to instance '{instance}'. "
                          "Please specify an interface ID for the operation instead.")
    assert set(net.routes()) == {"10.0.0.0/16"}


def test_replace_the_local_route_target_and_restore_it(ec2, net):
    eni = net.plant("network-interface", MISSING["eni"], net.subnet("10.0.1.0/24"),
                    Status="in-use")
    ec2.replace_route(RouteTableId=net.rtb, DestinationCidrBlock="10.0.0.0/16",
                      NetworkInterfaceId=eni)
    assert net.routes()["10.0.0.0/16"] == {"DestinationCidrBlock": "10.0.0.0/16",
                                           "NetworkInterfaceId": eni,
                                           "Origin": "CreateRouteTable", "State": "active"}
    with pytest.raises(ClientError) as exc:      # still the local route
        ec2.delete_route(RouteTableId=net.rtb, DestinationCidrBlock="10.0.0.0/16")
    assert error(exc) == ("InvalidParameterValue",
                          f"cannot remove local route 10.0.0.0/16 in route table {net.rtb}")
    ec2.replace_route(RouteTableId=net.rtb, DestinationCidrBlock="10.0.0.0/16", LocalTarget=True)
    assert net.routes()["10.0.0.0/16"] == {"DestinationCidrBlock": "10.0.0.0/16",
                                           "GatewayId": "local", "Origin": "CreateRouteTable",
                                           "State": "active"}


def test_gateway_id_local_restores_the_local_target(ec2, net):
    eni = net.plant("network-interface", MISSING["eni"], net.subnet("10.0.1.0/24"),
                    Status="in-use")
    ec2.replace_route(RouteTableId=net.rtb, DestinationCidrBlock="10.0.0.0/16",
                      NetworkInterfaceId=eni)
    ec2.replace_route(RouteTableId=net.rtb, DestinationCidrBlock="10.0.0.0/16", GatewayId="local")
    assert net.routes()["10.0.0.0/16"]["GatewayId"] == "local"
    with pytest.raises(ClientError) as exc:      # CreateRoute has no local target
        ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId="local")
    assert error(exc) == ("InvalidGatewayID.NotFound", "The gateway ID 'local' does not exist")


def test_prefix_list_destination(ec2, net):
    net.world.add(net.part, "prefix-list", MISSING["pl"])     # prefix lists are another family
    ec2.create_route(RouteTableId=net.rtb, DestinationPrefixListId=MISSING["pl"],
                     GatewayId=net.igw)
    assert net.routes()[MISSING["pl"]] == {"DestinationPrefixListId": MISSING["pl"],
                                           "GatewayId": net.igw, "Origin": "CreateRoute",
                                           "State": "active"}
    found = ec2.describe_route_tables(Filters=[{"Name": "route.destination-prefix-list-id",
                                                "Values": [MISSING["pl"]]}])["RouteTables"]
    assert [t["RouteTableId"] for t in found] == [net.rtb]
    with pytest.raises(ClientError) as exc:
        ec2.create_route(RouteTableId=net.rtb, DestinationPrefixListId=MISSING["pl"],
                         GatewayId=net.igw)
    assert error(exc) == ("RouteAlreadyExists",
                          f"The route identified by {MISSING['pl']} already exists.")
    ec2.delete_route(RouteTableId=net.rtb, DestinationPrefixListId=MISSING["pl"])
    assert MISSING["pl"] not in net.routes()


def test_local_route_target_cannot_be_a_gateway(ec2, net):
    with pytest.raises(ClientError) as exc:
        ec2.replace_route(RouteTableId=net.rtb, DestinationCidrBlock="10.0.0.0/16",
                          GatewayId=net.igw)
    assert error(exc)[0] == "InvalidParameterValue"
    assert net.routes()["10.0.0.0/16"]["GatewayId"] == "local"


def test_local_target_only_for_local_routes(ec2, net):
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=net.igw)
    with pytest.raises(ClientError) as exc:
        ec2.replace_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0",
                          LocalTarget=True)
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        ec2.replace_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0",
                          LocalTarget=True, GatewayId=net.igw)
    assert error(exc)[0] == "InvalidParameterCombination"
    assert net.routes()["0.0.0.0/0"]["GatewayId"] == net.igw


# -- blackholes ------------------------------------------------------------------------------
def test_detached_gateway_routes_are_blackholes(ec2, net):
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=net.igw)
    ec2.detach_internet_gateway(InternetGatewayId=net.igw, VpcId=net.vpc)
    assert net.routes()["0.0.0.0/0"]["State"] == "blackhole"
    assert [t["RouteTableId"] for t in ec2.describe_route_tables(Filters=[
        {"Name": "route.state", "Values": ["blackhole"]}])["RouteTables"]] == [net.rtb]
    ec2.attach_internet_gateway(InternetGatewayId=net.igw, VpcId=net.vpc)
    assert net.routes()["0.0.0.0/0"]["State"] == "active"


def test_deleted_gateway_routes_stay_as_blackholes(ec2, net):
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=net.igw)
    ec2.detach_internet_gateway(InternetGatewayId=net.igw, VpcId=net.vpc)
    ec2.delete_internet_gateway(InternetGatewayId=net.igw)
    assert net.routes()["0.0.0.0/0"] == {"DestinationCidrBlock": "0.0.0.0/0",
                                         "GatewayId": net.igw, "Origin": "CreateRoute",
                                         "State": "blackhole"}
    found = ec2.describe_route_tables(Filters=[{"Name": "route.gateway-id", "Values": [net.igw]}])
    assert [t["RouteTableId"] for t in found["RouteTables"]] == [net.rtb]
    with pytest.raises(ClientError) as exc:      # the gateway itself is gone
        ec2.describe_internet_gateways(InternetGatewayIds=[net.igw])
    assert error(exc)[0] == "InvalidInternetGatewayID.NotFound"
    with pytest.raises(ClientError) as exc:      # and cannot take new routes
        ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="1.0.0.0/8", GatewayId=net.igw)
    assert error(exc)[0] == "InvalidGatewayID.NotFound"
    ec2.delete_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0")
    assert net.igw not in net.world.graph                       # the tombstone went with it
    assert ec2.describe_route_tables(Filters=[
        {"Name": "route.gateway-id", "Values": [net.igw]}])["RouteTables"] == []


def test_deleting_the_table_drops_the_tombstone(ec2, net):
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=net.igw)
    ec2.detach_internet_gateway(InternetGatewayId=net.igw, VpcId=net.vpc)
    ec2.delete_internet_gateway(InternetGatewayId=net.igw)
    assert net.world.graph.nodes[net.igw]["deleted"] is True
    ec2.delete_route_table(RouteTableId=net.rtb)
    assert net.igw not in net.world.graph


def test_replacing_a_blackhole_route_revives_it(ec2, mock, net):
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=net.igw)
    ec2.detach_internet_gateway(InternetGatewayId=net.igw, VpcId=net.vpc)
    ec2.delete_internet_gateway(InternetGatewayId=net.igw)
    fresh = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=fresh, VpcId=net.vpc)
    ec2.replace_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=fresh)
    assert net.routes()["0.0.0.0/0"]["State"] == "active"
    assert net.routes()["0.0.0.0/0"]["GatewayId"] == fresh
    assert net.igw not in net.world.graph


# -- delete_route / replace_route ------------------------------------------------------------
def test_delete_route(ec2, net):
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=net.igw)
    ec2.delete_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0")
    assert set(net.routes()) == {"10.0.0.0/16"}
    with pytest.raises(ClientError) as exc:
        ec2.delete_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0")
    assert error(exc) == ("InvalidRoute.NotFound",
                          f"no route with destination-cidr-block 0.0.0.0/0 in route table {net.rtb}")
    with pytest.raises(ClientError) as exc:
        ec2.delete_route(RouteTableId=net.rtb, DestinationIpv6CidrBlock="::/0")
    assert error(exc) == ("InvalidRoute.NotFound",
                          f"no route with destination-ipv6-cidr-block ::/0 in route table {net.rtb}")


def test_local_route_cannot_be_deleted(ec2, net):
    with pytest.raises(ClientError) as exc:
        ec2.delete_route(RouteTableId=net.rtb, DestinationCidrBlock="10.0.0.0/16")
    assert error(exc) == ("InvalidParameterValue",
                          f"cannot remove local route 10.0.0.0/16 in route table {net.rtb}")
    assert net.routes()["10.0.0.0/16"]["GatewayId"] == "local"


def test_delete_route_dry_run(ec2, net):
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=net.igw)
    with pytest.raises(ClientError) as exc:
        ec2.delete_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert "0.0.0.0/0" in net.routes()


def test_replace_route(ec2, net):
    subnet = net.subnet("10.0.1.0/24")
    nat = net.plant("nat-gateway", MISSING["nat"], subnet, State="available")
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=net.igw)
    ec2.replace_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    assert net.routes()["0.0.0.0/0"] == {"DestinationCidrBlock": "0.0.0.0/0",
                                         "NatGatewayId": nat, "Origin": "CreateRoute",
                                         "State": "active"}
    net.world.update(nat, State="deleted")
    assert net.routes()["0.0.0.0/0"]["State"] == "blackhole"


def test_replace_missing_route(ec2, net):
    with pytest.raises(ClientError) as exc:
        ec2.replace_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0",
                          GatewayId=net.igw)
    assert error(exc) == ("InvalidParameterValue",
                          "There is no route defined for '0.0.0.0/0' in the route table. "
                          "Use CreateRoute instead.")
    assert set(net.routes()) == {"10.0.0.0/16"}


def test_replace_route_validates_the_new_target(ec2, net):
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=net.igw)
    with pytest.raises(ClientError) as exc:
        ec2.replace_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0",
                          NatGatewayId=MISSING["nat"])
    assert error(exc)[0] == "InvalidNatGatewayID.NotFound"
    with pytest.raises(ClientError) as exc:
        ec2.replace_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0")
    assert error(exc)[0] == "MissingParameter"
    assert error(exc)[1].endswith("or instanceId, or must have localTarget set to true")
    assert net.routes()["0.0.0.0/0"]["GatewayId"] == net.igw


# -- associations ----------------------------------------------------------------------------
def test_associate_subnet(ec2, net):
    subnet = net.subnet("10.0.1.0/24")
    answer = ec2.associate_route_table(RouteTableId=net.rtb, SubnetId=subnet)
    assoc = answer["AssociationId"]
    assert assoc.startswith("rtbassoc-") and answer["AssociationState"] == {"State": "associated"}
    assert net.table()["Associations"] == [{
        "Main": False, "RouteTableAssociationId": assoc, "RouteTableId": net.rtb,
        "SubnetId": subnet, "AssociationState": {"State": "associated"}}]
    found = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id",
                                                "Values": [subnet]}])["RouteTables"]
    assert [t["RouteTableId"] for t in found] == [net.rtb]


def test_subnet_takes_one_explicit_table(ec2, net):
    subnet = net.subnet("10.0.1.0/24")
    ec2.associate_route_table(RouteTableId=net.rtb, SubnetId=subnet)
    for rtb in (net.rtb, net.main):
        with pytest.raises(ClientError) as exc:
            ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
        assert error(exc) == ("Resource.AlreadyAssociated",
                              f"the specified association for route table {rtb} conflicts "
                              "with an existing association")
    assert len(net.table()["Associations"]) == 1
    assert len(net.table(net.main)["Associations"]) == 1


def test_subnet_may_be_explicitly_associated_with_the_main_table(ec2, net):
    subnet = net.subnet("10.0.1.0/24")
    ec2.associate_route_table(RouteTableId=net.main, SubnetId=subnet)
    assocs = net.table(net.main)["Associations"]
    assert sorted(a["Main"] for a in assocs) == [False, True]


def test_associate_errors(ec2, mock, net):
    other = Net(ec2, mock, "10.1.0.0/16")
    foreign = other.subnet("10.1.1.0/24")
    with pytest.raises(ClientError) as exc:
        ec2.associate_route_table(RouteTableId=net.rtb, SubnetId=foreign)
    assert error(exc) == ("InvalidParameterValue",
                          f"route table {net.rtb} and subnet {foreign} belong to different networks")
    with pytest.raises(ClientError) as exc:
        ec2.associate_route_table(RouteTableId=net.rtb, SubnetId=MISSING["subnet"])
    assert error(exc) == ("InvalidSubnetID.NotFound",
                          f"The subnet ID '{MISSING['subnet']}' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.associate_route_table(RouteTableId=MISSING["rtb"], SubnetId=foreign)
    assert error(exc)[0] == "InvalidRouteTableID.NotFound"
    with pytest.raises(ClientError) as exc:
        ec2.associate_route_table(RouteTableId=net.rtb)
    assert error(exc)[0] == "MissingParameter"
    with pytest.raises(ClientError) as exc:
        ec2.associate_route_table(RouteTableId=net.rtb, SubnetId=foreign, GatewayId=net.igw)
    assert error(exc)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as exc:
        ec2.associate_route_table(RouteTableId=net.rtb, SubnetId=net.subnet("10.0.1.0/24"),
                                  DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert net.table()["Associations"] == []


def test_gateway_association(ec2, net):
    answer = ec2.associate_route_table(RouteTableId=net.rtb, GatewayId=net.igw)
    assert net.table()["Associations"] == [{
        "Main": False, "RouteTableAssociationId": answer["AssociationId"],
        "RouteTableId": net.rtb, "GatewayId": net.igw,
        "AssociationState": {"State": "associated"}}]
    found = ec2.describe_route_tables(Filters=[{"Name": "association.gateway-id",
                                                "Values": [net.igw]}])["RouteTables"]
    assert [t["RouteTableId"] for t in found] == [net.rtb]
    other = ec2.create_route_table(VpcId=net.vpc)["RouteTable"]["RouteTableId"]
    with pytest.raises(ClientError) as exc:      # one table per gateway
        ec2.associate_route_table(RouteTableId=other, GatewayId=net.igw)
    assert error(exc)[0] == "Resource.AlreadyAssociated"


def test_gateway_route_table_rules(ec2, net):
    ec2.associate_route_table(RouteTableId=net.rtb, GatewayId=net.igw)
    eni = net.plant("network-interface", MISSING["eni"], net.subnet("10.0.1.0/24"),
                    Status="in-use")
    with pytest.raises(ClientError) as exc:      # only interfaces and GWLB endpoints
        ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0",
                         GatewayId=net.igw)
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:      # only destinations inside the VPC
        ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0",
                         NetworkInterfaceId=eni)
    assert error(exc)[0] == "InvalidParameterValue"
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="10.0.1.0/24",
                     NetworkInterfaceId=eni)
    assert net.routes()["10.0.1.0/24"]["NetworkInterfaceId"] == eni


def test_gateway_association_needs_a_suitable_table(ec2, net):
    with pytest.raises(ClientError) as exc:      # the main table cannot be a gateway table
        ec2.associate_route_table(RouteTableId=net.main, GatewayId=net.igw)
    assert error(exc)[0] == "InvalidParameterValue"
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=net.igw)
    with pytest.raises(ClientError) as exc:      # a route to the internet gateway
        ec2.associate_route_table(RouteTableId=net.rtb, GatewayId=net.igw)
    assert error(exc)[0] == "InvalidParameterValue"
    detached = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    spare = ec2.create_route_table(VpcId=net.vpc)["RouteTable"]["RouteTableId"]
    with pytest.raises(ClientError) as exc:
        ec2.associate_route_table(RouteTableId=spare, GatewayId=detached)
    assert error(exc) == ("InvalidParameterValue",
                          f"route table {spare} and network gateway {detached} belong to "
                          "different networks")
    with pytest.raises(ClientError) as exc:
        ec2.associate_route_table(RouteTableId=spare, GatewayId=MISSING["igw"])
    assert error(exc)[0] == "InvalidInternetGatewayID.NotFound"
    assert net.table()["Associations"] == [] and net.table(spare)["Associations"] == []


def test_disassociate(ec2, net):
    subnet = net.subnet("10.0.1.0/24")
    assoc = ec2.associate_route_table(RouteTableId=net.rtb, SubnetId=subnet)["AssociationId"]
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_route_table(AssociationId=assoc, DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    ec2.disassociate_route_table(AssociationId=assoc)
    assert net.table()["Associations"] == []
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_route_table(AssociationId=assoc)
    assert error(exc) == ("InvalidAssociationID.NotFound",
                          f"The association ID '{assoc}' does not exist")
    ec2.delete_route_table(RouteTableId=net.rtb)     # nothing holds it now


def test_main_association_cannot_be_disassociated(ec2, net):
    main_assoc = net.table(net.main)["Associations"][0]["RouteTableAssociationId"]
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_route_table(AssociationId=main_assoc)
    assert error(exc) == ("InvalidParameterValue",
                          f"cannot disassociate the main route table association {main_assoc}")
    assert net.table(net.main)["Associations"][0]["Main"] is True


def test_replace_subnet_association(ec2, net):
    subnet = net.subnet("10.0.1.0/24")
    old = ec2.associate_route_table(RouteTableId=net.main, SubnetId=subnet)["AssociationId"]
    answer = ec2.replace_route_table_association(AssociationId=old, RouteTableId=net.rtb)
    new = answer["NewAssociationId"]
    assert new != old and answer["AssociationState"] == {"State": "associated"}
    assert [(a["RouteTableAssociationId"], a["SubnetId"]) for a in net.table()["Associations"]] \
        == [(new, subnet)]
    assert [a["Main"] for a in net.table(net.main)["Associations"]] == [True]
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_route_table(AssociationId=old)
    assert error(exc)[0] == "InvalidAssociationID.NotFound"


def test_replace_association_with_its_own_table_keeps_it(ec2, net):
    # no AWS evidence either way; moto answers the same association, and so does ec2sim
    subnet = net.subnet("10.0.1.0/24")
    assoc = ec2.associate_route_table(RouteTableId=net.rtb, SubnetId=subnet)["AssociationId"]
    assert ec2.replace_route_table_association(
        AssociationId=assoc, RouteTableId=net.rtb)["NewAssociationId"] == assoc
    assert [a["RouteTableAssociationId"] for a in net.table()["Associations"]] == [assoc]


def test_replace_main_association(ec2, net):
    main_assoc = net.table(net.main)["Associations"][0]["RouteTableAssociationId"]
    new = ec2.replace_route_table_association(AssociationId=main_assoc,
                                              RouteTableId=net.rtb)["NewAssociationId"]
    assert net.table()["Associations"] == [{
        "Main": True, "RouteTableAssociationId": new, "RouteTableId": net.rtb,
        "AssociationState": {"State": "associated"}}]
    assert net.table(net.main)["Associations"] == []
    assert net.table_where("association.main", "true") == net.rtb
    ec2.delete_route_table(RouteTableId=net.main)    # the old main table is free now
    with pytest.raises(ClientError) as exc:
        ec2.delete_route_table(RouteTableId=net.rtb)
    assert error(exc)[0] == "DependencyViolation"


def test_replace_gateway_association(ec2, net):
    assoc = ec2.associate_route_table(RouteTableId=net.rtb, GatewayId=net.igw)["AssociationId"]
    busy = ec2.create_route_table(VpcId=net.vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=busy, DestinationCidrBlock="0.0.0.0/0", GatewayId=net.igw)
    with pytest.raises(ClientError) as exc:      # not fit to be a gateway route table
        ec2.replace_route_table_association(AssociationId=assoc, RouteTableId=busy)
    assert error(exc)[0] == "InvalidParameterValue"
    main_assoc = net.table(net.main)["Associations"][0]["RouteTableAssociationId"]
    with pytest.raises(ClientError) as exc:      # a gateway route table cannot be main
        ec2.replace_route_table_association(AssociationId=main_assoc, RouteTableId=net.rtb)
    assert error(exc)[0] == "InvalidParameterValue"
    clean = ec2.create_route_table(VpcId=net.vpc)["RouteTable"]["RouteTableId"]
    new = ec2.replace_route_table_association(AssociationId=assoc,
                                              RouteTableId=clean)["NewAssociationId"]
    assert [(a["RouteTableAssociationId"], a["GatewayId"])
            for a in net.table(clean)["Associations"]] == [(new, net.igw)]
    assert net.table()["Associations"] == []


def test_replace_association_errors(ec2, mock, net):
    subnet = net.subnet("10.0.1.0/24")
    assoc = ec2.associate_route_table(RouteTableId=net.rtb, SubnetId=subnet)["AssociationId"]
    other = Net(ec2, mock, "10.1.0.0/16")
    with pytest.raises(ClientError) as exc:
        ec2.replace_route_table_association(AssociationId=assoc, RouteTableId=other.rtb)
    assert error(exc) == ("InvalidParameterValue",
                          f"route table {other.rtb} and subnet {subnet} belong to different "
                          "networks")
    with pytest.raises(ClientError) as exc:
        ec2.replace_route_table_association(AssociationId=MISSING["rtbassoc"],
                                            RouteTableId=net.rtb)
    assert error(exc) == ("InvalidAssociationID.NotFound",
                          f"The association ID '{MISSING['rtbassoc']}' does not exist")
    with pytest.raises(ClientError) as exc:
        ec2.replace_route_table_association(AssociationId=assoc, RouteTableId=MISSING["rtb"])
    assert error(exc)[0] == "InvalidRouteTableID.NotFound"
    assert net.table()["Associations"][0]["RouteTableAssociationId"] == assoc


# -- describe --------------------------------------------------------------------------------
@pytest.fixture
def described(ec2, net):
    """`net.rtb` with a subnet association, an IGW route and tags; the main table bare."""
    subnet = net.subnet("10.0.1.0/24")
    assoc = ec2.associate_route_table(RouteTableId=net.rtb, SubnetId=subnet)["AssociationId"]
    ec2.create_route(RouteTableId=net.rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=net.igw)
    ec2.create_route(RouteTableId=net.rtb, DestinationIpv6CidrBlock="::/0", GatewayId=net.igw)
    net.world.tag(net.rtb, "tier", "public")      # create_tags is another family's
    return {"subnet": subnet, "assoc": assoc}


@pytest.mark.parametrize("name, value, want", [
    ("association.main", "true", "main"),
    ("association.main", "false", "rtb"),
    ("association.route-table-id", "{rtb}", "rtb"),
    ("association.route-table-association-id", "{assoc}", "rtb"),
    ("association.subnet-id", "{subnet}", "rtb"),
    ("route-table-id", "{rtb}", "rtb"),
    ("route.destination-cidr-block", "0.0.0.0/0", "rtb"),
    ("route.destination-cidr-block", "10.0.0.0/16", "both"),
    ("route.destination-ipv6-cidr-block", "::/0", "rtb"),
    ("route.gateway-id", "{igw}", "rtb"),
    ("route.gateway-id", "local", "both"),
    ("route.origin", "CreateRoute", "rtb"),
    ("route.origin", "CreateRouteTable", "both"),
    ("route.state", "active", "both"),
    ("route.state", "blackhole", "none"),
    ("route.nat-gateway-id", MISSING["nat"], "none"),
    ("route.transit-gateway-id", MISSING["tgw"], "none"),
    ("route.vpc-peering-connection-id", MISSING["pcx"], "none"),
    ("route.egress-only-internet-gateway-id", "eigw-0123456789abcdef0", "none"),
    ("route.instance-id", MISSING["i"], "none"),
    ("route.destination-prefix-list-id", MISSING["pl"], "none"),
    ("owner-id", ACCOUNT, "both"),
    ("tag:tier", "public", "rtb"),
    ("tag:tier", "pub*", "rtb"),
    ("tag-key", "tier", "rtb"),
    ("tag-value", "public", "rtb"),
])
def test_describe_filters(ec2, net, described, name, value, want):
    value = value.format(rtb=net.rtb, igw=net.igw, **described)
    found = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [net.vpc]},
                                               {"Name": name, "Values": [value]}])["RouteTables"]
    expected = {"main": [net.main], "rtb": [net.rtb], "both": [net.main, net.rtb],
                "none": []}[want]
    assert sorted(t["RouteTableId"] for t in found) == sorted(expected)


def test_describe_filter_by_vpc(ec2, net):
    found = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [net.vpc]}])
    assert sorted(t["RouteTableId"] for t in found["RouteTables"]) == sorted([net.main, net.rtb])
    assert len(ec2.describe_route_tables()["RouteTables"]) == 3


def test_describe_rejects_unknown_filter(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.describe_route_tables(Filters=[{"Name": "route.bogus", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'route.bogus' is invalid")


def test_describe_pages(ec2, net):
    made = [ec2.create_route_table(VpcId=net.vpc)["RouteTable"]["RouteTableId"] for _ in range(5)]
    first = ec2.describe_route_tables(MaxResults=5)
    assert len(first["RouteTables"]) == 5 and first["NextToken"]
    rest = ec2.describe_route_tables(MaxResults=5, NextToken=first["NextToken"])
    seen = [t["RouteTableId"] for t in first["RouteTables"] + rest["RouteTables"]]
    assert len(seen) == 8 == len(set(seen)) and set(made) <= set(seen)
    assert "NextToken" not in rest
    unchecked = boto3.client("ec2", region_name=REGION, config=Config(parameter_validation=False))
    for bad in (4, 101):
        with pytest.raises(ClientError) as exc:
            unchecked.describe_route_tables(MaxResults=bad)
        assert error(exc)[0] == "InvalidParameterValue"


def test_route_tables_are_per_account_and_region(ec2, net):
    other = boto3.client("ec2", region_name="eu-west-1")
    assert len(other.describe_route_tables()["RouteTables"]) == 1
    with pytest.raises(ClientError) as exc:
        other.describe_route_tables(RouteTableIds=[net.rtb])
    assert error(exc)[0] == "InvalidRouteTableID.NotFound"


# -- against the server ----------------------------------------------------------------------
def test_route_table_round_trip_against_server(server_ec2):
    vpc = server_ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    igw = server_ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    server_ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rtb = server_ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    server_ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    with pytest.raises(ClientError) as exc:
        server_ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    assert error(exc) == ("RouteAlreadyExists", "The route identified by 0.0.0.0/0 already exists.")
    server_ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = server_ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]
    assert [r["State"] for r in table["Routes"]] == ["active", "blackhole"]
    main = server_ec2.describe_route_tables(Filters=[
        {"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}])
    main_assoc = main["RouteTables"][0]["Associations"][0]["RouteTableAssociationId"]
    new = server_ec2.replace_route_table_association(AssociationId=main_assoc, RouteTableId=rtb)
    assert new["NewAssociationId"].startswith("rtbassoc-")
    with pytest.raises(ClientError) as exc:
        server_ec2.delete_route_table(RouteTableId=rtb)
    assert error(exc)[0] == "DependencyViolation"
