"""What a diagram shows (`viz.snapshot`), the web index (`viz.index`) and zoom levels
(`viz.collapse`): read from worlds built through boto3."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

import viz
from api import mock_ec2
from topology.provision import state
from topology.core.world import World

ACCOUNT = "123456789012"
REGION = "us-east-1"
WEST = "us-west-2"
AMI = "ami-057c3ffbeeff55523"          # al2023 x86_64 in us-east-1's public catalogue


def named(kind: str, name: str, **more: str) -> list[dict[str, Any]]:
    tags = [{"Key": "Name", "Value": name}] + [{"Key": k, "Value": v} for k, v in more.items()]
    return [{"ResourceType": kind, "Tags": tags}]


def network(ec2: Any, west: Any) -> dict[str, Any]:
    """Two VPCs in us-east-1 (`app` with everything, `db` small), peered and both on one
    transit gateway; `west` in us-west-2 peered with `app`; a VPN to a customer gateway."""
    ids: dict[str, Any] = {}
    app = ids["app"] = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=named(
        "vpc", "app", env="prod"))["Vpc"]["VpcId"]
    ids["public"] = ec2.create_subnet(
        VpcId=app, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a",
        TagSpecifications=named("subnet", "public-a"))["Subnet"]["SubnetId"]
    ids["private"] = ec2.create_subnet(VpcId=app, CidrBlock="10.0.2.0/24",
                                       AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    ids["igw"] = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=ids["igw"], VpcId=app)
    rtb = ec2.create_route_table(VpcId=app)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=ids["igw"])
    ec2.associate_route_table(RouteTableId=rtb, SubnetId=ids["public"])
    ids["eigw"] = ec2.create_egress_only_internet_gateway(VpcId=app)[
        "EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"]
    ids["web"] = [i["InstanceId"] for i in ec2.run_instances(
        ImageId=AMI, MinCount=3, MaxCount=3, InstanceType="t3.micro", SubnetId=ids["public"],
        TagSpecifications=named("instance", "web"))["Instances"]]
    ids["worker"] = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.small",
                                      SubnetId=ids["private"])["Instances"][0]["InstanceId"]
    ids["nat"] = ec2.create_nat_gateway(SubnetId=ids["public"], ConnectivityType="private")[
        "NatGateway"]["NatGatewayId"]
    ids["s3"] = ec2.create_vpc_endpoint(VpcId=app, ServiceName="com.amazonaws.us-east-1.s3",
                                        VpcEndpointType="Gateway")["VpcEndpoint"]["VpcEndpointId"]
    ids["ec2e"] = ec2.create_vpc_endpoint(
        VpcId=app, ServiceName="com.amazonaws.us-east-1.ec2", VpcEndpointType="Interface",
        SubnetIds=[ids["public"], ids["private"]], PrivateDnsEnabled=False)[
        "VpcEndpoint"]["VpcEndpointId"]
    ids["spare"] = ec2.create_network_interface(SubnetId=ids["private"])[
        "NetworkInterface"]["NetworkInterfaceId"]
    ids["second"] = ec2.create_network_interface(SubnetId=ids["public"])[
        "NetworkInterface"]["NetworkInterfaceId"]
    ec2.attach_network_interface(NetworkInterfaceId=ids["second"], InstanceId=ids["web"][0],
                                 DeviceIndex=1)
    ids["vgw"] = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpnGatewayId=ids["vgw"], VpcId=app)
    ids["cgw"] = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="203.0.113.9", BgpAsn=65000)[
        "CustomerGateway"]["CustomerGatewayId"]
    ids["vpn"] = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=ids["cgw"],
                                           VpnGatewayId=ids["vgw"])["VpnConnection"][
        "VpnConnectionId"]
    db = ids["db"] = ec2.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=named("vpc", "db"))[
        "Vpc"]["VpcId"]
    ids["db_subnet"] = ec2.create_subnet(VpcId=db, CidrBlock="10.1.0.0/24",
                                         AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    ids["pcx"] = ec2.create_vpc_peering_connection(VpcId=app, PeerVpcId=db, TagSpecifications=named(
        "vpc-peering-connection", "app-db"))["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=ids["pcx"])
    ids["tgw"] = ec2.create_transit_gateway(TagSpecifications=named("transit-gateway", "hub"))[
        "TransitGateway"]["TransitGatewayId"]
    ids["attach"] = {vpc: ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=ids["tgw"], VpcId=vpc, SubnetIds=[subnet])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        for vpc, subnet in ((app, ids["private"]), (db, ids["db_subnet"]))}
    ids["west"] = west.create_vpc(CidrBlock="10.2.0.0/16", TagSpecifications=named("vpc", "west"))[
        "Vpc"]["VpcId"]
    ids["west_pcx"] = ec2.create_vpc_peering_connection(VpcId=app, PeerVpcId=ids["west"],
                                                        PeerRegion=WEST)[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    west.accept_vpc_peering_connection(VpcPeeringConnectionId=ids["west_pcx"])
    ids["default"] = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])[
        "Vpcs"][0]["VpcId"]
    return ids


@pytest.fixture
def world() -> Iterator[World]:
    world = World(seed=9)
    with mock_ec2(world):
        yield world


@pytest.fixture
def ids(world: World) -> dict[str, Any]:
    return network(boto3.client("ec2", region_name=REGION), boto3.client("ec2", region_name=WEST))


def parents(scene: viz.Scene) -> dict[str, str | None]:
    return {n.id: n.parent for n in scene.nodes.values()}


# -- containment ----------------------------------------------------------------------------------
def test_regions_vpcs_zones_subnets_and_resources_nest(world, ids):
    scene = viz.snapshot(world)
    up = parents(scene)
    region = f"region.{ACCOUNT}.{REGION}"
    assert up[region] is None and up[f"region.{ACCOUNT}.{WEST}"] is None
    assert up[ids["app"]] == up[ids["db"]] == up[ids["default"]] == region
    assert up[ids["public"]] == f"az.{ids['app']}.us-east-1a"
    assert up[ids["private"]] == f"az.{ids['app']}.us-east-1b"
    assert up[f"az.{ids['app']}.us-east-1a"] == ids["app"]
    for instance in ids["web"]:
        assert up[instance] == ids["public"]
    assert up[ids["worker"]] == ids["private"]
    assert up[ids["nat"]] == ids["public"]
    assert up[ids["spare"]] == ids["private"]
    assert up[ids["west"]] == f"region.{ACCOUNT}.{WEST}"


def test_gateways_sit_on_the_vpc_border(world, ids):
    scene = viz.snapshot(world)
    for gateway, kind in ((ids["igw"], "internet-gateway"), (ids["vgw"], "vpn-gateway"),
                          (ids["eigw"], "egress-only-internet-gateway"),
                          (ids["s3"], "gateway-endpoint"),
                          (ids["attach"][ids["app"]], "transit-gateway-attachment")):
        node = scene.nodes[gateway]
        assert (node.parent, node.kind, node.role) == (ids["app"], kind, "border")


def test_transit_gateway_is_a_bus_its_attachments_tap(world, ids):
    scene = viz.snapshot(world)
    tgw = scene.nodes[ids["tgw"]]
    assert (tgw.kind, tgw.role, tgw.parent, tgw.name) == (
        "transit-gateway", "bus", f"region.{ACCOUNT}.{REGION}", "hub")
    taps = {(e.source, e.target) for e in scene.edges if e.kind == "tap"}
    assert taps == {(a, ids["tgw"]) for a in ids["attach"].values()}


def test_interface_endpoint_appears_in_each_of_its_subnets(world, ids):
    scene = viz.snapshot(world)
    shown = [n for n in scene.nodes.values() if n.kind == "vpc-endpoint"]
    assert sorted(n.parent for n in shown) == sorted([ids["public"], ids["private"]])
    first = min(ids["public"], ids["private"])
    assert scene.nodes[ids["ec2e"]].parent == first         # its own id in the first subnet
    other = next(n for n in shown if n.id != ids["ec2e"])
    assert other.id.startswith("eni-") and ids["ec2e"] in other.detail
    assert scene.resolve(other.id) == other.id


def test_primary_interfaces_stand_behind_their_instances(world, ids):
    scene = viz.snapshot(world)
    enis = {n.id for n in scene.nodes.values() if n.kind == "network-interface"}
    assert enis == {ids["spare"], ids["second"]}          # instances' primaries are not drawn
    primary = world.into(ids["worker"], "attached", "network-interface")[0][0]
    assert scene.resolve(primary) == ids["worker"]
    assert any(e.kind == "interface" and (e.source, e.target) == (ids["web"][0], ids["second"])
               for e in scene.edges)


def test_service_interfaces_are_their_services(world, ids):
    scene = viz.snapshot(world)
    nat_eni = world.into(ids["nat"], "attached", "network-interface")[0][0]
    tgw_eni = world.into(ids["attach"][ids["app"]], "attached", "network-interface")[0][0]
    assert nat_eni not in scene.nodes and scene.resolve(nat_eni) == ids["nat"]
    assert tgw_eni not in scene.nodes and scene.resolve(tgw_eni) == ids["attach"][ids["app"]]


def test_hidden_resources_resolve_to_their_vpc(world, ids):
    scene = viz.snapshot(world)
    for kind in ("route-table", "network-acl", "security-group"):
        hidden = world.out(ids["app"], "contains", kind)[0][0]
        assert scene.resolve(hidden) == ids["app"]
    assert scene.resolve("sg-does-not-exist") is None


def test_labels_carry_ids_names_and_cidrs(world, ids):
    scene = viz.snapshot(world)
    assert scene.nodes[ids["app"]].lines()[:3] == ["app", ids["app"], "10.0.0.0/16"]
    assert scene.nodes[ids["public"]].lines()[:3] == ["public-a", ids["public"], "10.0.1.0/24"]
    web = scene.nodes[ids["web"][1]].lines()
    assert web[0] == "web" and web[1] == ids["web"][1] and "t3.micro" in web[2]
    assert scene.nodes[ids["private"]].lines()[0] == "Subnet"         # no Name: the kind
    assert scene.nodes[ids["s3"]].detail == ("s3",)


def test_subnets_are_public_when_routed_to_an_internet_gateway(world, ids):
    scene = viz.snapshot(world)
    assert scene.nodes[ids["public"]].flags == ("public",)
    assert scene.nodes[ids["private"]].flags == ("private",)
    assert scene.nodes[ids["default"]].flags == ("default",)


def test_peering_links_vpc_borders_across_regions(world, ids):
    scene = viz.snapshot(world)
    peerings = {e.id: e for e in scene.edges if e.kind == "peering"}
    assert set(peerings) == {ids["pcx"], ids["west_pcx"]}
    assert (peerings[ids["pcx"]].source, peerings[ids["pcx"]].target) == (ids["app"], ids["db"])
    assert peerings[ids["pcx"]].name == "app-db" and peerings[ids["pcx"]].state == "active"
    assert {peerings[ids["west_pcx"]].source, peerings[ids["west_pcx"]].target} == {
        ids["app"], ids["west"]}


def test_a_peer_outside_the_picture_gets_a_stub(world, ids):
    scene = viz.snapshot(world, region=REGION)
    stub = f"external.{ids['west']}"
    assert scene.nodes[stub].kind == "external"
    assert scene.nodes[stub].parent == f"region.{ACCOUNT}.{REGION}"
    assert ids["west"] in scene.nodes[stub].detail
    edge = next(e for e in scene.edges if e.id == ids["west_pcx"])
    assert {edge.source, edge.target} == {ids["app"], stub}


def test_vpn_connection_links_gateway_and_customer_gateway(world, ids):
    scene = viz.snapshot(world)
    assert scene.nodes[ids["cgw"]].parent == f"region.{ACCOUNT}.{REGION}"
    vpn = next(e for e in scene.edges if e.kind == "vpn")
    assert (vpn.id, vpn.source, vpn.target) == (ids["vpn"], ids["vgw"], ids["cgw"])


def test_deleted_and_terminated_resources_are_left_out(world, ids):
    ec2 = boto3.client("ec2", region_name=REGION)
    ec2.terminate_instances(InstanceIds=[ids["worker"]])
    ec2.delete_nat_gateway(NatGatewayId=ids["nat"])
    ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=ids["pcx"])
    scene = viz.snapshot(world)
    assert ids["worker"] not in scene.nodes and ids["nat"] not in scene.nodes
    assert ids["pcx"] not in {e.id for e in scene.edges}


def test_same_state_same_scene(world, ids):
    first = viz.snapshot(world)
    again = viz.snapshot(state.load(state.dump(world)))
    assert list(first.nodes.items()) == list(again.nodes.items())
    assert first.edges == again.edges and first.aliases == again.aliases


def test_siblings_come_in_a_fixed_order(world, ids):
    scene = viz.snapshot(world)
    region = scene.kids(f"region.{ACCOUNT}.{REGION}")
    vpcs = [k for k in region if scene.nodes[k].kind == "vpc"]
    assert vpcs == [ids["app"], ids["db"], ids["default"]]       # named first, default last
    kinds = [scene.nodes[k].kind for k in scene.kids(ids["public"])]
    assert kinds == sorted(kinds, key=["nat-gateway", "vpc-endpoint", "instance",
                                       "network-interface"].index)
    subnets = scene.kids(f"az.{ids['default']}.us-east-1a")
    assert len(subnets) == 1


# -- filters --------------------------------------------------------------------------------------
def test_region_filter(world, ids):
    scene = viz.snapshot(world, region=WEST)
    assert scene.roots() == [f"region.{ACCOUNT}.{WEST}"]
    assert ids["app"] not in scene.nodes and ids["west"] in scene.nodes


def test_account_filter(world, ids):
    assert viz.snapshot(world, account="999999999999").nodes == {}
    assert ids["app"] in viz.snapshot(world, account=ACCOUNT).nodes


def test_vpc_filter_keeps_its_companions(world, ids):
    scene = viz.snapshot(world, vpc=ids["app"])
    vpcs = {n.id for n in scene.nodes.values() if n.kind == "vpc"}
    assert vpcs == {ids["app"]}
    assert ids["tgw"] in scene.nodes and ids["cgw"] in scene.nodes     # it attaches/connects
    assert f"external.{ids['db']}" in scene.nodes                      # its peer, as a stub
    assert f"region.{ACCOUNT}.{WEST}" not in scene.nodes
    assert scene.filters == {"vpc": [ids["app"]]}


def test_vpc_filter_takes_several(world, ids):
    scene = viz.snapshot(world, vpc=[ids["db"], ids["west"]])
    assert {n.id for n in scene.nodes.values() if n.kind == "vpc"} == {ids["db"], ids["west"]}
    assert ids["cgw"] not in scene.nodes                 # nothing of db's reaches it


def test_tag_filter(world, ids):
    assert {n.id for n in viz.snapshot(world, tags={"env": "prod"}).nodes.values()
            if n.kind == "vpc"} == {ids["app"]}
    assert {n.id for n in viz.snapshot(world, tags={"Name": None}).nodes.values()
            if n.kind == "vpc"} == {ids["app"], ids["db"], ids["west"]}
    assert viz.snapshot(world, tags={"env": "dev"}).nodes == {}


def test_snapshot_never_creates_state():
    world = World(seed=1)
    assert viz.snapshot(world).nodes == {} and world.partitions() == []
    world.partition(ACCOUNT, REGION)
    before = state.dump(world)
    viz.snapshot(world, vpc="vpc-0123456789abcdef0")
    viz.index(world)
    assert state.dump(world) == before
    assert all("transit-gateway" not in p.by_kind for p in world.partitions())


# -- the web index --------------------------------------------------------------------------------
def test_index_lists_regions_and_vpcs_with_counts(world, ids):
    entries = viz.index(world)
    assert [(e["account"], e["region"]) for e in entries] == [(ACCOUNT, REGION), (ACCOUNT, WEST)]
    east = {v["id"]: v for v in entries[0]["vpcs"]}
    assert [v["id"] for v in entries[0]["vpcs"]] == [ids["app"], ids["db"], ids["default"]]
    app = east[ids["app"]]
    assert (app["name"], app["cidr"], app["default"]) == ("app", "10.0.0.0/16", False)
    assert app["counts"] == {"subnets": 2, "instances": 4, "NAT gateways": 1, "endpoints": 2}
    assert east[ids["default"]]["name"] == "" and east[ids["default"]]["default"] is True
    assert east[ids["db"]]["counts"] == {"subnets": 1, "instances": 0}


def test_index_of_an_empty_world_is_empty():
    assert viz.index(World()) == []


# -- zoom levels ----------------------------------------------------------------------------------
def test_within_budget_nothing_folds(world, ids):
    scene = viz.snapshot(world)
    assert viz.collapse(scene, budget=len(scene.nodes)) is scene
    assert scene.zoom == "instance"


def test_over_budget_the_fullest_subnet_folds_first(world, ids):
    scene = viz.snapshot(world)
    shown = viz.collapse(scene, budget=len(scene.nodes) - 1)
    assert shown.zoom == "subnet"
    group = f"instances.{ids['public']}"
    assert shown.nodes[group].counts == (("instance", 3), ("network-interface", 1))
    assert shown.nodes[group].lines() == ["3 instances, 1 ENI"]
    assert ids["worker"] in shown.nodes                  # the other subnet keeps its instance
    assert shown.resolve(ids["web"][0]) == group
    assert ids["nat"] in shown.nodes                     # NAT gateways and endpoints stay
    assert not any(e.kind == "interface" for e in shown.edges)   # now inside one node
    assert len(shown.nodes) <= len(scene.nodes) - 1


def test_vpc_level_keeps_borders_and_counts_the_rest(world, ids):
    scene = viz.snapshot(world)
    shown = viz.collapse(scene, zoom="vpc")
    app = shown.nodes[ids["app"]]
    assert dict(app.counts) == {"subnet": 2, "instance": 4, "network-interface": 2,
                                "nat-gateway": 1, "vpc-endpoint": 2}
    assert ids["igw"] in shown.nodes and ids["attach"][ids["app"]] in shown.nodes
    assert ids["public"] not in shown.nodes and shown.resolve(ids["public"]) == ids["app"]
    assert shown.resolve(ids["web"][0]) == ids["app"]
    assert {e.id for e in shown.edges if e.kind == "peering"} == {ids["pcx"], ids["west_pcx"]}


def test_account_level_counts_per_region(world, ids):
    shown = viz.collapse(viz.snapshot(world), zoom="account")
    assert list(shown.nodes) == [f"region.{ACCOUNT}.{REGION}", f"region.{ACCOUNT}.{WEST}"]
    west = dict(shown.nodes[f"region.{ACCOUNT}.{WEST}"].counts)
    assert west["vpc"] == 2                              # the west VPC and its default VPC
    east = dict(shown.nodes[f"region.{ACCOUNT}.{REGION}"].counts)
    assert east["instance"] == 4 and east["transit-gateway"] == 1
    peering = [e for e in shown.edges if e.kind == "peering"]
    assert [(e.source, e.target) for e in peering] == [
        (f"region.{ACCOUNT}.{REGION}", f"region.{ACCOUNT}.{WEST}")]


def test_budget_walks_down_the_levels(world, ids):
    scene = viz.snapshot(world)
    vpc_level = viz.collapse(scene, zoom="vpc")
    assert viz.collapse(scene, budget=len(vpc_level.nodes)).zoom == "vpc"
    assert viz.collapse(scene, budget=len(vpc_level.nodes) - 1).zoom == "account"
    assert viz.collapse(scene, budget=1).zoom == "account"


def test_unknown_zoom_level_is_refused(world, ids):
    with pytest.raises(viz.ZoomError, match="unknown zoom level 'street'"):
        viz.collapse(viz.snapshot(world), zoom="street")
