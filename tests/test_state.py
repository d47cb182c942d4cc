"""State snapshots: a world saved as JSON and loaded back answers every call as before."""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from api import mock_ec2
from api.app import create_app
from topology.provision import state
from topology.core.world import World

REGION = "us-east-1"
ROOT = Path(__file__).resolve().parent.parent


def example(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"state_{name}", ROOT / "examples" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def client() -> Any:
    return boto3.client("ec2", region_name=REGION)


def roundtrip(world: World) -> World:
    """Through JSON text, as a file or an HTTP answer would carry it."""
    return state.load(json.loads(json.dumps(state.dump(world))))


DESCRIBES = ("describe_vpcs", "describe_subnets", "describe_instances", "describe_route_tables",
             "describe_security_groups", "describe_network_acls", "describe_network_interfaces",
             "describe_internet_gateways", "describe_volumes", "describe_transit_gateways",
             "describe_vpc_peering_connections", "describe_nat_gateways", "describe_tags")


def answers(world: World) -> dict[str, Any]:
    """What the describe calls return (request ids and metadata left out)."""
    with mock_ec2(world):
        ec2 = client()
        out = {}
        for name in DESCRIBES:
            reply = getattr(ec2, name)()
            reply.pop("ResponseMetadata")
            out[name] = reply
        return out


@pytest.fixture
def built() -> tuple[World, dict[str, Any]]:
    """The three-tier example plus a NAT gateway, a tagged ENI and a peering connection."""
    world = World(seed=5)
    with mock_ec2(world):
        ec2 = client()
        made = example("three_tier").build(ec2)
        web = made["subnets"]["web"][0]
        made["nat"] = ec2.create_nat_gateway(SubnetId=web, ConnectivityType="private")[
            "NatGateway"]["NatGatewayId"]
        made["eni"] = ec2.create_network_interface(SubnetId=web, TagSpecifications=[
            {"ResourceType": "network-interface", "Tags": [{"Key": "role", "Value": "spare"}]}])[
            "NetworkInterface"]["NetworkInterfaceId"]
        other = ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
        pcx = ec2.create_vpc_peering_connection(VpcId=made["vpc"], PeerVpcId=other)
        made["pcx"] = pcx["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=made["pcx"])
    return world, made


def test_a_loaded_world_answers_every_describe_as_the_saved_one(built):
    world, _ = built
    assert answers(roundtrip(world)) == answers(world)


def test_dump_of_a_loaded_world_is_the_same_snapshot(built):
    world, _ = built
    saved = json.loads(json.dumps(state.dump(world)))
    assert state.dump(state.load(saved)) == saved


def test_indexes_are_rebuilt_not_saved(built):
    world, made = built
    text = json.dumps(state.dump(world))
    assert "by_kind" not in text and "by_tag" not in text and "edge_ids" not in text
    copy = roundtrip(world)
    for old, new in zip(world.partitions(), copy.partitions()):
        assert (old.account, old.region) == (new.account, new.region)
        assert {k: list(v) for k, v in old.by_kind.items() if v} == \
            {k: list(v) for k, v in new.by_kind.items() if v}      # creation order kept
        assert old.by_tag == new.by_tag
        assert {k: v for k, v in old.by_value.items() if v} == \
            {k: v for k, v in new.by_value.items() if v}
    assert copy.edge_ids == world.edge_ids
    for kind in ("subnet", "route-table", "security-group", "network-acl"):
        assert copy.out(made["vpc"], "contains", kind) == world.out(made["vpc"], "contains", kind)
    assert copy.into(made["vpc"], "associated", "vpc-peering-connection") == \
        world.into(made["vpc"], "associated", "vpc-peering-connection")


def test_datetimes_come_back_as_aware_datetimes(built):
    world, made = built
    instance = made["instances"]["web"][0]
    copy = roundtrip(world)
    launched = copy.graph.nodes[instance]["LaunchTime"]
    assert isinstance(launched, dt.datetime) and launched.tzinfo is not None
    assert launched == world.graph.nodes[instance]["LaunchTime"]
    eni = copy.into(instance, "attached", "network-interface")[0]
    assert isinstance(eni[2]["AttachTime"], dt.datetime)
    text = json.dumps(state.dump(world))
    assert '{"$datetime": "' + launched.isoformat() + '"}' in text


def test_tuple_keys_and_tuples_survive(built):
    world, made = built
    copy = roundtrip(world)
    acl = next(a for a, _, _ in world.out(made["vpc"], "contains", "network-acl"))
    assert copy.graph.nodes[acl]["entries"] == world.graph.nodes[acl]["entries"]
    assert all(isinstance(k, tuple) for k in copy.graph.nodes[acl]["entries"])
    assert copy.graph.nodes[made["nat"]]["home"] == world.graph.nodes[made["nat"]]["home"]
    assert isinstance(copy.graph.nodes[made["nat"]]["home"], tuple)


def test_ids_and_creation_order_go_on_as_in_the_saved_world(built):
    world, _ = built
    copy = roundtrip(world)
    made = []
    for w in (world, copy):
        with mock_ec2(w):
            made.append(client().create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"])
    assert made[0] == made[1]
    assert copy.graph.nodes[made[1]]["seq"] == world.graph.nodes[made[0]]["seq"]


def test_a_page_token_from_the_saved_world_works_on_the_loaded_one(built):
    world, _ = built
    with mock_ec2(world):
        first = client().describe_subnets(MaxResults=5)
    with mock_ec2(roundtrip(world)):
        rest = client().describe_subnets(MaxResults=100, NextToken=first["NextToken"])["Subnets"]
    with mock_ec2(world):
        expected = client().describe_subnets(MaxResults=100, NextToken=first["NextToken"])
    assert rest == expected["Subnets"] and rest


def test_no_defaults_are_created_for_loaded_partitions():
    world = World(seed=2)
    with mock_ec2(world):
        ec2 = client()
        default = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        for subnet in ec2.describe_subnets()["Subnets"]:
            ec2.delete_subnet(SubnetId=subnet["SubnetId"])
        igw = ec2.describe_internet_gateways()["InternetGateways"][0]["InternetGatewayId"]
        ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=default)
        ec2.delete_internet_gateway(InternetGatewayId=igw)
        ec2.delete_vpc(VpcId=default)
    with mock_ec2(roundtrip(world)):
        assert client().describe_vpcs()["Vpcs"] == []


def test_tombstones_keep_their_routes_blackholed():
    world = World(seed=3)
    with mock_ec2(world):
        ec2 = client()
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        ec2.delete_internet_gateway(InternetGatewayId=igw)
    with mock_ec2(roundtrip(world)):
        routes = client().describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
    assert {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw, "Origin": "CreateRoute",
            "State": "blackhole"} in routes


def test_value_claims_still_guard_uniqueness(built):
    world, made = built
    taken = world.graph.nodes[made["eni"]]["ips"][0]
    with mock_ec2(roundtrip(world)):
        with pytest.raises(ClientError) as err:
            client().create_network_interface(SubnetId=made["subnets"]["web"][0],
                                              PrivateIpAddress=taken)
    assert err.value.response["Error"]["Code"] == "InvalidIPAddress.InUse"


def test_client_tokens_are_kept():
    world = World(seed=4)
    with mock_ec2(world):
        vpc = client().create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        first = client().create_route_table(VpcId=vpc, ClientToken="once")["RouteTable"]
    with mock_ec2(roundtrip(world)):
        again = client().create_route_table(VpcId=vpc, ClientToken="once")["RouteTable"]
        tables = client().describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])
    assert again["RouteTableId"] == first["RouteTableId"]
    assert len(tables["RouteTables"]) == 2          # the main table and the one made once


def test_a_run_instances_token_survives_a_round_trip() -> None:
    """RunInstances keeps its reservation and instance ids for the token; after a save and
    load the retry answers the same instances, launched once."""
    world = World(seed=4)
    with mock_ec2(world):
        image = client().describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        first = client().run_instances(ImageId=image, MinCount=2, MaxCount=2,
                                       InstanceType="t3.micro", ClientToken="launch-once")
    with mock_ec2(roundtrip(world)):
        again = client().run_instances(ImageId=image, MinCount=2, MaxCount=2,
                                       InstanceType="t3.micro", ClientToken="launch-once")
        running = client().describe_instances()["Reservations"]
    assert again["ReservationId"] == first["ReservationId"]
    assert [i["InstanceId"] for i in again["Instances"]] == \
        [i["InstanceId"] for i in first["Instances"]]
    assert sum(len(r["Instances"]) for r in running) == 2


def test_a_loaded_world_still_undoes_failed_requests(built):
    world, made = built
    copy = roundtrip(world)
    before = state.dump(copy)
    with mock_ec2(copy):
        with pytest.raises(ClientError):
            client().create_subnet(VpcId=made["vpc"], CidrBlock="10.20.0.0/24")   # taken
        with pytest.raises(ClientError) as dry:
            client().create_vpc(CidrBlock="10.8.0.0/16", DryRun=True)
    assert dry.value.response["Error"]["Code"] == "DryRunOperation"
    after = state.dump(copy)
    assert {k: v for k, v in after.items() if k != "rng"} == \
        {k: v for k, v in before.items() if k != "rng"}     # ids drawn are not given back


def test_save_and_read_give_the_same_bytes_for_the_same_state(built, tmp_path):
    world, _ = built
    state.save(world, tmp_path / "a.json")
    state.save(state.read(tmp_path / "a.json"), tmp_path / "b.json")
    state.save(world, tmp_path / "c.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes() == \
        (tmp_path / "c.json").read_bytes()


def test_the_server_route_serves_a_loadable_snapshot(built):
    world, _ = built
    answer = create_app(world).test_client().get("/_ec2sim/state")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answers(state.load(answer.get_json())) == answers(world)


def test_the_state_route_changes_nothing():
    world = World(seed=1)
    create_app(world).test_client().get("/_ec2sim/state")
    assert world.partitions() == []


@pytest.mark.parametrize("data, message", [
    ({"format": "something-else"}, "not an ec2sim state snapshot"),
    ([1, 2], "not an ec2sim state snapshot"),
    ({"format": "ec2sim-state", "version": 99}, "unsupported ec2sim state version 99"),
])
def test_foreign_data_is_refused(data, message):
    with pytest.raises(state.StateError, match=message):
        state.load(data)


def test_an_unknown_edge_type_is_refused():
    data = state.dump(World(seed=1))
    data["partitions"] = [{"account": "123456789012", "region": REGION}]
    data["nodes"] = [{"id": "vpc-1", "data": {"kind": "vpc", "account": "123456789012",
                                              "region": REGION, "seq": 0, "tags": {}}}]
    data["edges"] = [{"from": "vpc-1", "to": "vpc-1", "type": "teleports"}]
    with pytest.raises(state.StateError, match="unknown edge type 'teleports'"):
        state.load(data)


def test_reading_a_file_that_is_not_json_says_so(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(state.StateError, match="not JSON"):
        state.read(path)


def test_values_json_cannot_carry_are_refused_by_name():
    world = World(seed=1)
    part = world.partition("123456789012", REGION)
    vpc = world.ids(part, "vpc")[0]
    world.graph.nodes[vpc]["odd"] = object()
    with pytest.raises(TypeError, match="cannot save a object"):
        state.dump(world)


def test_dollar_keys_and_odd_values_round_trip():
    world = World(seed=1)
    part = world.partition("123456789012", REGION)
    vpc = world.ids(part, "vpc")[0]
    odd = {"$datetime": "not a date", "n": {1, 2}, "b": b"\x00\xff", "d": dt.date(2024, 5, 1),
           "nested": [(1, "a"), {("x", 2): None}]}
    world.update(vpc, extra=odd)
    assert roundtrip(world).graph.nodes[vpc]["extra"] == odd


def test_a_stale_public_map_in_an_older_snapshot_is_dropped() -> None:
    """Interfaces once stored their public IPv4s in a `public` field; they are derived now
    (Elastic IP association edges, the automatic address), so a loaded field is dropped."""
    world = World(seed=9)
    with mock_ec2(world):
        ec2 = client()
        image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1,
                                     InstanceType="t3.micro")["Instances"][0]
        eni = instance["NetworkInterfaces"][0]["NetworkInterfaceId"]
        private = instance["PrivateIpAddress"]
        eip = ec2.allocate_address(Domain="vpc")
        ec2.associate_address(AllocationId=eip["AllocationId"], NetworkInterfaceId=eni)
    saved = json.loads(json.dumps(state.dump(world)))
    node = next(n for n in saved["nodes"] if n["id"] == eni)
    node["data"]["public"] = {private: "192.0.2.99"}           # what an older file holds
    with mock_ec2(state.load(saved)) as mock:
        found = client().describe_network_interfaces(NetworkInterfaceIds=[eni])
        assert "public" not in mock.world.graph.nodes[eni]
    assert found["NetworkInterfaces"][0]["Association"]["PublicIp"] == eip["PublicIp"]
