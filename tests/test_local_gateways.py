"""Outpost local gateways through boto3: the Outpost installed the ec2sim way, its local
gateway, LAGs and service link interfaces described; virtual interface groups and interfaces,
route tables, VPC and group associations, routes and CoIP pools made, described and deleted,
in-process and against `ec2sim serve`."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import boto3
import pytest

import viz
from helpers import fails
from topology.provision import state

ZONE = "us-east-1a"


@pytest.fixture
def outpost(mock: Any, ec2: Any) -> dict[str, Any]:
    return mock.outpost({"AvailabilityZone": ZONE, "Tags": {"Name": "rack-1"}})


def _post(url: str, body: Any) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url + "/_ec2sim/outposts", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"},
                                     method="POST")
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


# -- what the Outpost brings ------------------------------------------------------------------
def test_installed_outpost_is_described(ec2, outpost):
    lgw = ec2.describe_local_gateways()["LocalGateways"]
    assert lgw == [{"LocalGatewayId": outpost["LocalGatewayId"],
                    "OutpostArn": outpost["OutpostArn"], "OwnerId": "123456789012",
                    "State": "available", "Tags": [{"Key": "Name", "Value": "rack-1"}]}]
    assert outpost["OutpostArn"] == ("arn:aws:outposts:us-east-1:123456789012:outpost/"
                                     + outpost["OutpostId"])
    lag = ec2.describe_outpost_lags()["OutpostLags"][0]
    assert lag["LocalGatewayVirtualInterfaceIds"] == outpost["LocalGatewayVirtualInterfaceIds"]
    assert lag["ServiceLinkVirtualInterfaceIds"] == outpost["ServiceLinkVirtualInterfaceIds"]
    slvif = ec2.describe_service_link_virtual_interfaces()["ServiceLinkVirtualInterfaces"][0]
    assert slvif["OutpostId"] == outpost["OutpostId"]
    assert slvif["OutpostLagId"] == lag["OutpostLagId"]
    table = ec2.describe_local_gateway_route_tables()["LocalGatewayRouteTables"][0]
    assert table["Mode"] == "direct-vpc-routing" and table["State"] == "available"
    assoc = ec2.describe_local_gateway_route_table_virtual_interface_group_associations()[
        "LocalGatewayRouteTableVirtualInterfaceGroupAssociations"]
    assert [(a["LocalGatewayRouteTableId"], a["LocalGatewayVirtualInterfaceGroupId"],
             a["State"]) for a in assoc] == [(table["LocalGatewayRouteTableId"],
                                              outpost["LocalGatewayVirtualInterfaceGroupIds"][0],
                                              "associated")]


def test_filters(ec2, outpost, mock):
    other = mock.outpost({"AvailabilityZone": "us-east-1b"})
    by_arn = ec2.describe_local_gateways(Filters=[
        {"Name": "outpost-arn", "Values": [other["OutpostArn"]]}])["LocalGateways"]
    assert [g["LocalGatewayId"] for g in by_arn] == [other["LocalGatewayId"]]
    lags = ec2.describe_outpost_lags(Filters=[
        {"Name": "outpost-id", "Values": [outpost["OutpostId"]]}])["OutpostLags"]
    assert [x["OutpostLagId"] for x in lags] == outpost["OutpostLagIds"]
    vifs = ec2.describe_local_gateway_virtual_interfaces(Filters=[
        {"Name": "local-gateway-id", "Values": [other["LocalGatewayId"]]},
        {"Name": "vlan", "Values": ["2410"]}])["LocalGatewayVirtualInterfaces"]
    assert [v["LocalGatewayVirtualInterfaceId"] for v in vifs] == other[
        "LocalGatewayVirtualInterfaceIds"]
    assert fails(ec2.describe_local_gateways, Filters=[{"Name": "bogus", "Values": ["x"]}]) == (
        "InvalidParameterValue", "The filter 'bogus' is invalid")


def test_unknown_and_malformed_ids(ec2, outpost):
    assert fails(ec2.describe_local_gateways, LocalGatewayIds=["lgw-0123456789abcdef0"])[0] == \
        "InvalidLocalGatewayID.NotFound"
    assert fails(ec2.describe_local_gateway_route_tables,
                 LocalGatewayRouteTableIds=["rtb-1"])[0] == \
        "InvalidLocalGatewayRouteTableID.Malformed"
    assert fails(ec2.create_local_gateway_route_table,
                 LocalGatewayId="lgw-0123456789abcdef0")[0] == "InvalidLocalGatewayID.NotFound"


def test_bad_outpost_specs_change_nothing(mock, ec2):
    for spec, text in (({}, "AvailabilityZone"),
                       ({"AvailabilityZone": ZONE, "OutpostArn": "arn:nope"}, "not an Outpost"),
                       ({"AvailabilityZone": ZONE, "RouteTableMode": "x"}, "RouteTableMode"),
                       ({"AvailabilityZone": ZONE, "VirtualInterfaceGroups": [
                           {"LocalBgpAsn": 65010, "VirtualInterfaces": [{"Lag": 3}]}]}, "Lag")):
        with pytest.raises(Exception) as exc:
            mock.outpost(spec)
        assert text in str(exc.value)
    assert ec2.describe_local_gateways()["LocalGateways"] == []
    assert ec2.describe_outpost_lags()["OutpostLags"] == []


# -- route tables and associations -----------------------------------------------------------
def test_route_table_lifecycle(ec2, outpost):
    made = ec2.create_local_gateway_route_table(
        LocalGatewayId=outpost["LocalGatewayId"], Mode="coip", TagSpecifications=[
            {"ResourceType": "local-gateway-route-table", "Tags": [{"Key": "k", "Value": "v"}]}])[
        "LocalGatewayRouteTable"]
    assert made["State"] == "pending" and made["Mode"] == "coip"
    assert made["OutpostArn"] == outpost["OutpostArn"]
    table = made["LocalGatewayRouteTableId"]
    found = ec2.describe_local_gateway_route_tables(Filters=[
        {"Name": "tag:k", "Values": ["v"]}])["LocalGatewayRouteTables"]
    assert [(t["LocalGatewayRouteTableId"], t["State"]) for t in found] == [(table, "available")]
    gone = ec2.delete_local_gateway_route_table(LocalGatewayRouteTableId=table)
    assert gone["LocalGatewayRouteTable"]["State"] == "deleting"
    assert len(ec2.describe_local_gateway_route_tables()["LocalGatewayRouteTables"]) == 1


def test_table_with_associations_cannot_be_deleted(ec2, outpost):
    code, _ = fails(ec2.delete_local_gateway_route_table,
                    LocalGatewayRouteTableId=outpost["LocalGatewayRouteTableId"])
    assert code == "DependencyViolation"


def test_vpc_association(ec2, outpost, vpc):
    table = outpost["LocalGatewayRouteTableId"]
    made = ec2.create_local_gateway_route_table_vpc_association(
        LocalGatewayRouteTableId=table, VpcId=vpc)["LocalGatewayRouteTableVpcAssociation"]
    assert (made["VpcId"], made["State"], made["LocalGatewayId"]) == (
        vpc, "associated", outpost["LocalGatewayId"])
    assoc = made["LocalGatewayRouteTableVpcAssociationId"]
    assert assoc.startswith("lgw-vpc-assoc-")
    code, _ = fails(ec2.create_local_gateway_route_table_vpc_association,
                    LocalGatewayRouteTableId=table, VpcId=vpc)
    assert code == "Resource.AlreadyAssociated"
    listed = ec2.describe_local_gateway_route_table_vpc_associations(Filters=[
        {"Name": "vpc-id", "Values": [vpc]}])["LocalGatewayRouteTableVpcAssociations"]
    assert [a["LocalGatewayRouteTableVpcAssociationId"] for a in listed] == [assoc]
    gone = ec2.delete_local_gateway_route_table_vpc_association(
        LocalGatewayRouteTableVpcAssociationId=assoc)["LocalGatewayRouteTableVpcAssociation"]
    assert gone["State"] == "disassociating"
    assert ec2.describe_local_gateway_route_table_vpc_associations()[
        "LocalGatewayRouteTableVpcAssociations"] == []
    assert fails(ec2.delete_local_gateway_route_table_vpc_association,
                 LocalGatewayRouteTableVpcAssociationId=assoc)[0] == \
        "InvalidLocalGatewayRouteTableVpcAssociationID.NotFound"


def test_deleting_the_vpc_ends_its_association(ec2, outpost, vpc):
    ec2.create_local_gateway_route_table_vpc_association(
        LocalGatewayRouteTableId=outpost["LocalGatewayRouteTableId"], VpcId=vpc)
    ec2.delete_vpc(VpcId=vpc)
    assert ec2.describe_local_gateway_route_table_vpc_associations()[
        "LocalGatewayRouteTableVpcAssociations"] == []


# -- virtual interface groups and interfaces --------------------------------------------------
def test_group_and_interface_lifecycle(ec2, outpost):
    group = ec2.create_local_gateway_virtual_interface_group(
        LocalGatewayId=outpost["LocalGatewayId"], LocalBgpAsn=65020)[
        "LocalGatewayVirtualInterfaceGroup"]
    assert group["ConfigurationState"] == "pending"
    group_id = group["LocalGatewayVirtualInterfaceGroupId"]
    described = ec2.describe_local_gateway_virtual_interface_groups(
        LocalGatewayVirtualInterfaceGroupIds=[group_id])["LocalGatewayVirtualInterfaceGroups"][0]
    assert described["ConfigurationState"] == "incomplete"
    vif = ec2.create_local_gateway_virtual_interface(
        LocalGatewayVirtualInterfaceGroupId=group_id, OutpostLagId=outpost["OutpostLagIds"][0],
        Vlan=2411, LocalAddress="10.255.1.1/30", PeerAddress="10.255.1.2/30",
        PeerBgpAsn=65000)["LocalGatewayVirtualInterface"]
    assert (vif["LocalBgpAsn"], vif["PeerBgpAsn"], vif["ConfigurationState"]) == (
        65020, 65000, "pending")
    vif_id = vif["LocalGatewayVirtualInterfaceId"]
    described = ec2.describe_local_gateway_virtual_interface_groups(
        LocalGatewayVirtualInterfaceGroupIds=[group_id])["LocalGatewayVirtualInterfaceGroups"][0]
    assert described["LocalGatewayVirtualInterfaceIds"] == [vif_id]
    assert described["ConfigurationState"] == "available"
    assert fails(ec2.delete_local_gateway_virtual_interface_group,
                 LocalGatewayVirtualInterfaceGroupId=group_id)[0] == "DependencyViolation"
    gone = ec2.delete_local_gateway_virtual_interface(LocalGatewayVirtualInterfaceId=vif_id)
    assert gone["LocalGatewayVirtualInterface"]["ConfigurationState"] == "deleting"
    ec2.delete_local_gateway_virtual_interface_group(LocalGatewayVirtualInterfaceGroupId=group_id)
    assert fails(ec2.describe_local_gateway_virtual_interface_groups,
                 LocalGatewayVirtualInterfaceGroupIds=[group_id])[0] == \
        "InvalidLocalGatewayVirtualInterfaceGroupID.NotFound"


def test_interface_validation(ec2, outpost):
    group = outpost["LocalGatewayVirtualInterfaceGroupIds"][0]
    lag = outpost["OutpostLagIds"][0]
    base = dict(LocalGatewayVirtualInterfaceGroupId=group, OutpostLagId=lag,
                LocalAddress="10.255.1.1/30", PeerAddress="10.255.1.2/30", PeerBgpAsn=65000)
    assert fails(ec2.create_local_gateway_virtual_interface, **{**base, "Vlan": 2410}) == (
        "InvalidParameterValue", f"VLAN 2410 is already in use on LAG {lag}.")
    assert fails(ec2.create_local_gateway_virtual_interface, **{**base, "Vlan": 5000})[0] == \
        "InvalidParameterValue"
    assert fails(ec2.create_local_gateway_virtual_interface,
                 **{**base, "Vlan": 7, "PeerAddress": "2001:db8::1"})[0] == "InvalidParameterValue"
    assert fails(ec2.create_local_gateway_virtual_interface,
                 **{**base, "Vlan": 7, "PeerBgpAsnExtended": 4200000000})[0] == \
        "InvalidParameterCombination"
    assert fails(ec2.create_local_gateway_virtual_interface,
                 **{**base, "Vlan": 7, "OutpostLagId": "op-lag-0123456789abcdef0"})[0] == \
        "InvalidOutpostLagId.NotFound"
    assert fails(ec2.create_local_gateway_virtual_interface_group,
                 LocalGatewayId=outpost["LocalGatewayId"])[0] == "MissingParameter"
    assert len(ec2.describe_local_gateway_virtual_interfaces()[
        "LocalGatewayVirtualInterfaces"]) == 1


def test_group_association_rules(ec2, outpost, mock):
    table = ec2.create_local_gateway_route_table(LocalGatewayId=outpost["LocalGatewayId"])[
        "LocalGatewayRouteTable"]["LocalGatewayRouteTableId"]
    group = outpost["LocalGatewayVirtualInterfaceGroupIds"][0]
    assert fails(ec2.create_local_gateway_route_table_virtual_interface_group_association,
                 LocalGatewayRouteTableId=table, LocalGatewayVirtualInterfaceGroupId=group)[0] \
        == "Resource.AlreadyAssociated"
    other = mock.outpost({"AvailabilityZone": "us-east-1b"})
    assert fails(ec2.create_local_gateway_route_table_virtual_interface_group_association,
                 LocalGatewayRouteTableId=table,
                 LocalGatewayVirtualInterfaceGroupId=other[
                     "LocalGatewayVirtualInterfaceGroupIds"][0])[0] == "InvalidParameterValue"
    assoc = ec2.describe_local_gateway_route_table_virtual_interface_group_associations()[
        "LocalGatewayRouteTableVirtualInterfaceGroupAssociations"][0][
        "LocalGatewayRouteTableVirtualInterfaceGroupAssociationId"]
    gone = ec2.delete_local_gateway_route_table_virtual_interface_group_association(
        LocalGatewayRouteTableVirtualInterfaceGroupAssociationId=assoc)
    assert gone["LocalGatewayRouteTableVirtualInterfaceGroupAssociation"]["State"] == \
        "disassociating"
    made = ec2.create_local_gateway_route_table_virtual_interface_group_association(
        LocalGatewayRouteTableId=table, LocalGatewayVirtualInterfaceGroupId=group)[
        "LocalGatewayRouteTableVirtualInterfaceGroupAssociation"]
    assert (made["State"], made["LocalGatewayRouteTableId"]) == ("pending", table)


# -- routes ----------------------------------------------------------------------------------
def test_routes(ec2, outpost, subnet):
    table = outpost["LocalGatewayRouteTableId"]
    group = outpost["LocalGatewayVirtualInterfaceGroupIds"][0]
    made = ec2.create_local_gateway_route(LocalGatewayRouteTableId=table,
                                          DestinationCidrBlock="192.168.7.9/16",
                                          LocalGatewayVirtualInterfaceGroupId=group)["Route"]
    assert (made["DestinationCidrBlock"], made["Type"], made["State"]) == (
        "192.168.0.0/16", "static", "pending")
    assert fails(ec2.create_local_gateway_route, LocalGatewayRouteTableId=table,
                 DestinationCidrBlock="192.168.0.0/16",
                 LocalGatewayVirtualInterfaceGroupId=group)[0] == "RouteAlreadyExists"
    assert fails(ec2.create_local_gateway_route, LocalGatewayRouteTableId=table,
                 DestinationCidrBlock="172.16.0.0/12")[0] == "MissingParameter"
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    ec2.create_local_gateway_route(LocalGatewayRouteTableId=table,
                                   DestinationCidrBlock="172.16.0.0/12", NetworkInterfaceId=eni)
    found = ec2.search_local_gateway_routes(LocalGatewayRouteTableId=table, Filters=[
        {"Name": "route-search.longest-prefix-match", "Values": ["172.16.1.1"]}])["Routes"]
    assert [(r["DestinationCidrBlock"], r["NetworkInterfaceId"], r["SubnetId"])
            for r in found] == [("172.16.0.0/12", eni, subnet)]
    modified = ec2.modify_local_gateway_route(LocalGatewayRouteTableId=table,
                                              DestinationCidrBlock="172.16.0.0/12",
                                              LocalGatewayVirtualInterfaceGroupId=group)["Route"]
    assert modified["LocalGatewayVirtualInterfaceGroupId"] == group
    assert "NetworkInterfaceId" not in modified
    page = ec2.search_local_gateway_routes(LocalGatewayRouteTableId=table, MaxResults=1)
    rest = ec2.search_local_gateway_routes(LocalGatewayRouteTableId=table,
                                           NextToken=page["NextToken"])
    assert len(page["Routes"]) == len(rest["Routes"]) == 1
    assert "NextToken" not in rest
    gone = ec2.delete_local_gateway_route(LocalGatewayRouteTableId=table,
                                          DestinationCidrBlock="172.16.0.0/12")["Route"]
    assert gone["State"] == "deleted"
    assert fails(ec2.delete_local_gateway_route, LocalGatewayRouteTableId=table,
                 DestinationCidrBlock="172.16.0.0/12")[0] == "InvalidRoute.NotFound"
    assert [r["State"] for r in ec2.search_local_gateway_routes(
        LocalGatewayRouteTableId=table, Filters=[{"Name": "type", "Values": ["static"]}])[
        "Routes"]] == ["active"]


def test_route_to_an_interface_is_active_only_on_a_running_instance(ec2, outpost, subnet):
    table = outpost["LocalGatewayRouteTableId"]
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                                 SubnetId=subnet)["Instances"][0]
    eni = instance["NetworkInterfaces"][0]["NetworkInterfaceId"]
    loose = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"][
        "NetworkInterfaceId"]
    for cidr, target in (("10.0.0.10/32", eni), ("10.0.0.20/32", loose)):
        ec2.create_local_gateway_route(LocalGatewayRouteTableId=table,
                                       DestinationCidrBlock=cidr, NetworkInterfaceId=target)

    def states() -> dict[str, str]:
        return {r["DestinationCidrBlock"]: r["State"] for r in ec2.search_local_gateway_routes(
            LocalGatewayRouteTableId=table)["Routes"]}
    assert states() == {"10.0.0.10/32": "active", "10.0.0.20/32": "blackhole"}
    ec2.stop_instances(InstanceIds=[instance["InstanceId"]])
    assert states()["10.0.0.10/32"] == "blackhole"
    ec2.start_instances(InstanceIds=[instance["InstanceId"]])
    assert states()["10.0.0.10/32"] == "active"


def test_vpc_route_to_the_local_gateway_needs_the_association(ec2, outpost, vpc):
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    code, _ = fails(ec2.create_route, RouteTableId=rtb, DestinationCidrBlock="192.168.0.0/16",
                    LocalGatewayId=outpost["LocalGatewayId"])
    assert code == "InvalidParameterValue"
    ec2.create_local_gateway_route_table_vpc_association(
        LocalGatewayRouteTableId=outpost["LocalGatewayRouteTableId"], VpcId=vpc)
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="192.168.0.0/16",
                     LocalGatewayId=outpost["LocalGatewayId"])
    route = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"][-1]
    assert (route["LocalGatewayId"], route["State"]) == (outpost["LocalGatewayId"], "active")
    assert fails(ec2.create_route, RouteTableId=rtb, DestinationCidrBlock="172.16.0.0/12",
                 LocalGatewayId="lgw-0123456789abcdef0")[0] == "InvalidLocalGatewayID.NotFound"
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.replace_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0",
                      LocalGatewayId=outpost["LocalGatewayId"])
    routes = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
    assert [r["DestinationCidrBlock"] for r in routes if r.get("LocalGatewayId")] == [
        "192.168.0.0/16", "0.0.0.0/0"]


# -- CoIP pools ------------------------------------------------------------------------------
def test_coip_pools(ec2, outpost):
    assert fails(ec2.create_coip_pool,
                 LocalGatewayRouteTableId=outpost["LocalGatewayRouteTableId"])[0] == \
        "InvalidParameterValue"      # a direct-vpc-routing table has no CoIP pools
    table = ec2.create_local_gateway_route_table(LocalGatewayId=outpost["LocalGatewayId"],
                                                 Mode="coip")["LocalGatewayRouteTable"][
        "LocalGatewayRouteTableId"]
    pool = ec2.create_coip_pool(LocalGatewayRouteTableId=table)["CoipPool"]
    pool_id = pool["PoolId"]
    assert pool_id.startswith("ipv4pool-coip-")
    assert pool["PoolArn"].endswith(f":coip-pool/{pool_id}")
    cidr = ec2.create_coip_cidr(CoipPoolId=pool_id, Cidr="100.64.0.0/24")["CoipCidr"]
    assert cidr == {"Cidr": "100.64.0.0/24", "CoipPoolId": pool_id,
                    "LocalGatewayRouteTableId": table}
    assert fails(ec2.create_coip_cidr, CoipPoolId=pool_id, Cidr="100.64.0.128/25")[0] == \
        "InvalidParameterValue"
    assert fails(ec2.create_coip_cidr, CoipPoolId=pool_id, Cidr="nope")[0] == \
        "InvalidParameterValue"
    listed = ec2.describe_coip_pools(Filters=[
        {"Name": "coip-pool.local-gateway-route-table-id", "Values": [table]}])["CoipPools"]
    assert [(p["PoolId"], p["PoolCidrs"]) for p in listed] == [(pool_id, ["100.64.0.0/24"])]
    usage = ec2.get_coip_pool_usage(PoolId=pool_id)
    assert (usage["CoipPoolId"], usage["CoipAddressUsages"], usage["LocalGatewayRouteTableId"]) \
        == (pool_id, [], table)
    assert fails(ec2.delete_local_gateway_route_table, LocalGatewayRouteTableId=table)[0] == \
        "DependencyViolation"
    ec2.delete_coip_cidr(CoipPoolId=pool_id, Cidr="100.64.0.0/24")
    assert fails(ec2.delete_coip_cidr, CoipPoolId=pool_id, Cidr="100.64.0.0/24")[0] == \
        "InvalidCoipCidr.NotFound"
    assert ec2.delete_coip_pool(CoipPoolId=pool_id)["CoipPool"]["PoolId"] == pool_id
    assert fails(ec2.get_coip_pool_usage, PoolId=pool_id)[0] == "InvalidCoipPoolId.NotFound"


def test_dry_run_changes_nothing(ec2, outpost):
    code, _ = fails(ec2.create_local_gateway_route_table, LocalGatewayId=outpost[
        "LocalGatewayId"], DryRun=True)
    assert code == "DryRunOperation"
    assert len(ec2.describe_local_gateway_route_tables()["LocalGatewayRouteTables"]) == 1


# -- against the server ----------------------------------------------------------------------
def test_against_the_server(server_ec2, server_url):
    status, made = _post(server_url, {"AvailabilityZone": ZONE})
    assert status == 200
    lgw = server_ec2.describe_local_gateways()["LocalGateways"]
    assert [g["LocalGatewayId"] for g in lgw] == [made["LocalGatewayId"]]
    vpc = server_ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    assoc = server_ec2.create_local_gateway_route_table_vpc_association(
        LocalGatewayRouteTableId=made["LocalGatewayRouteTableId"], VpcId=vpc)[
        "LocalGatewayRouteTableVpcAssociation"]
    assert assoc["State"] == "associated"
    route = server_ec2.create_local_gateway_route(
        LocalGatewayRouteTableId=made["LocalGatewayRouteTableId"],
        DestinationCidrBlock="0.0.0.0/0",
        LocalGatewayVirtualInterfaceGroupId=made["LocalGatewayVirtualInterfaceGroupIds"][0])
    assert route["Route"]["DestinationCidrBlock"] == "0.0.0.0/0"
    status, bad = _post(server_url, {"AvailabilityZone": "mars-1a"})
    assert status == 400 and bad["error"]["code"] == "InvalidParameterValue"
    with urllib.request.urlopen(server_url + "/_ec2sim/outposts") as answer:
        listed = json.loads(answer.read())["Outposts"]
    assert [o["OutpostArn"] for o in listed] == [made["OutpostArn"]]


# -- subnets on the Outpost, and snapshots ---------------------------------------------------
def test_subnet_on_the_outpost(ec2, outpost, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.5.0/24", AvailabilityZone=ZONE,
                               OutpostArn=outpost["OutpostArn"])["Subnet"]
    assert subnet["OutpostArn"] == outpost["OutpostArn"]
    found = ec2.describe_subnets(Filters=[{"Name": "outpost-arn",
                                           "Values": [outpost["OutpostArn"]]}])["Subnets"]
    assert [s["SubnetId"] for s in found] == [subnet["SubnetId"]]
    assert fails(ec2.create_subnet, VpcId=vpc, CidrBlock="10.0.6.0/24",
                 AvailabilityZone="us-east-1b", OutpostArn=outpost["OutpostArn"])[0] == \
        "InvalidParameterValue"
    assert fails(ec2.create_subnet, VpcId=vpc, CidrBlock="10.0.6.0/24", AvailabilityZone=ZONE,
                 OutpostArn=outpost["OutpostArn"].replace("op-", "op-f"))[0] == \
        "InvalidParameterValue"
    assert fails(ec2.create_subnet, VpcId=vpc, CidrBlock="10.0.6.0/24",
                 OutpostArn=outpost["OutpostArn"])[0] == "MissingParameter"


def test_a_snapshot_keeps_the_outpost(ec2, outpost, mock):
    saved = state.dump(mock.world)
    mock.reset()
    assert ec2.describe_local_gateways()["LocalGateways"] == []
    state.load_into(mock.world, saved)
    assert [g["LocalGatewayId"] for g in ec2.describe_local_gateways()["LocalGateways"]] == [
        outpost["LocalGatewayId"]]
    assert ec2.describe_local_gateway_route_table_virtual_interface_group_associations()[
        "LocalGatewayRouteTableVirtualInterfaceGroupAssociations"][0]["State"] == "associated"
    with pytest.raises(Exception, match="already installed"):
        mock.outpost({"AvailabilityZone": ZONE, "OutpostArn": outpost["OutpostArn"]})


def test_the_diagram_draws_the_local_gateway(ec2, outpost, vpc, mock):
    ec2.create_local_gateway_route_table_vpc_association(
        LocalGatewayRouteTableId=outpost["LocalGatewayRouteTableId"], VpcId=vpc)
    scene = json.loads(viz.render(mock.world, "json"))
    drawn = [n for n in scene["nodes"] if n["kind"] == "local-gateway"]
    assert [(n["id"], n["parent"], n["role"], n["name"]) for n in drawn] == [
        (outpost["LocalGatewayId"], vpc, "border", "rack-1")]
    assert outpost["LocalGatewayId"] in viz.render(mock.world, "svg").decode()


def test_tables_and_pools_shared_through_ram(ec2, outpost, mock):
    participant = "111122223333"
    table = ec2.create_local_gateway_route_table(LocalGatewayId=outpost["LocalGatewayId"],
                                                 Mode="coip")["LocalGatewayRouteTable"][
        "LocalGatewayRouteTableId"]
    pool = ec2.create_coip_pool(LocalGatewayRouteTableId=table)["CoipPool"]["PoolId"]
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id=participant,
                         aws_secret_access_key="testing")
    vpc = other.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    assert other.describe_local_gateway_route_tables()["LocalGatewayRouteTables"] == []
    assert fails(other.create_local_gateway_route_table_vpc_association,
                 LocalGatewayRouteTableId=table, VpcId=vpc)[0] == \
        "InvalidLocalGatewayRouteTableID.NotFound"
    mock.share(table, [participant])
    mock.share(pool, [participant])
    seen = other.describe_local_gateway_route_tables()["LocalGatewayRouteTables"]
    assert [(t["LocalGatewayRouteTableId"], t["OwnerId"]) for t in seen] == [
        (table, "123456789012")]
    assert [p["PoolId"] for p in other.describe_coip_pools()["CoipPools"]] == [pool]
    assert other.get_coip_pool_usage(PoolId=pool)["LocalGatewayRouteTableId"] == table
    assoc = other.create_local_gateway_route_table_vpc_association(
        LocalGatewayRouteTableId=table, VpcId=vpc)["LocalGatewayRouteTableVpcAssociation"]
    assert (assoc["VpcId"], assoc["State"]) == (vpc, "associated")
    assert fails(other.create_local_gateway_route, LocalGatewayRouteTableId=table,
                 DestinationCidrBlock="0.0.0.0/0", LocalGatewayVirtualInterfaceGroupId=outpost[
                     "LocalGatewayVirtualInterfaceGroupIds"][0])[0] == \
        "InvalidLocalGatewayRouteTableID.NotFound"     # only the owner changes its routes
