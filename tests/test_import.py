"""`ec2sim import`: a topology read from a real `moto_server` (through boto3 paginators) or
from `describe-*.json` files reads back the same, and answers reachability the same, as the
topology built in ec2sim directly."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from api import mock_ec2
from routing import reachability
from topology.provision import importer, state
from topology.core.world import World
from helpers import ec2sim_cli, server_client

REGION = "us-east-1"


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    if shutil.which("moto_server") is None:
        pytest.skip("moto[server] is not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(["moto_server", "-p", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "/moto-api/", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def build(ec2: Any, image_id: str) -> dict[str, str]:
    """A public web tier: VPC, two subnets, a route table with an IGW route, two groups
    (web admits 443 from anywhere, db admits 5432 from web), an instance in each subnet."""
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "imported"}])
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24",
                               AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.2.0/24",
                                AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=rtb, SubnetId=public)
    web = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    db = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
         "UserIdGroupPairs": [{"GroupId": web}]}])
    front = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                              NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": public,
                                                  "Groups": [web],
                                                  "AssociatePublicIpAddress": True}]
                              )["Instances"][0]["InstanceId"]
    back = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                             SubnetId=private, SecurityGroupIds=[db])["Instances"][0]["InstanceId"]
    return {"vpc": vpc, "public": public, "private": private, "igw": igw, "rtb": rtb,
            "web": web, "db": db, "front": front, "back": back}


QUESTIONS = [("igw", "front", 443), ("igw", "front", 22), ("igw", "back", 5432),
             ("front", "back", 5432), ("front", "back", 22), ("back", "igw", 443)]


def answers(world: World, ids: dict[str, str]) -> list[bool]:
    return [reachability(world, ids[a], ids[b], destination_port=port).network_path_found
            for a, b, port in QUESTIONS]


def view(ec2: Any, ids: dict[str, str]) -> dict[str, Any]:
    """What moto and AWS agree on, field by field, for the topology's resources."""
    vpc = ec2.describe_vpcs(VpcIds=[ids["vpc"]])["Vpcs"][0]
    flt = [{"Name": "vpc-id", "Values": [ids["vpc"]]}]
    subnets = sorted(ec2.describe_subnets(Filters=flt)["Subnets"], key=lambda s: s["SubnetId"])
    tables = ec2.describe_route_tables(RouteTableIds=[ids["rtb"]])["RouteTables"][0]
    groups = sorted(ec2.describe_security_groups(Filters=flt)["SecurityGroups"],
                    key=lambda g: g["GroupId"])
    reservations = ec2.describe_instances(InstanceIds=[ids["front"], ids["back"]])["Reservations"]
    instances = sorted((i for r in reservations for i in r["Instances"]),
                       key=lambda i: i["InstanceId"])
    return {
        "vpc": (vpc["VpcId"], vpc["CidrBlock"], vpc["State"], vpc["IsDefault"],
                sorted((t["Key"], t["Value"]) for t in vpc.get("Tags", ())),
                [(a["AssociationId"], a["CidrBlock"]) for a in vpc["CidrBlockAssociationSet"]]),
        "subnets": [(s["SubnetId"], s["VpcId"], s["CidrBlock"], s["AvailabilityZone"],
                     s["MapPublicIpOnLaunch"]) for s in subnets],
        "routes": sorted((r["DestinationCidrBlock"], r.get("GatewayId"), r["State"])
                         for r in tables["Routes"]),
        "associations": sorted((a["RouteTableAssociationId"], a.get("SubnetId"))
                               for a in tables["Associations"]),
        "groups": [(g["GroupId"], g["GroupName"], g["Description"], g["VpcId"],
                    _perms(g["IpPermissions"])) for g in groups],
        "instances": [(i["InstanceId"], i["ImageId"], i["InstanceType"], i["State"]["Name"],
                       i["SubnetId"], i["VpcId"], i["PrivateIpAddress"],
                       i.get("PublicIpAddress"), i["Placement"]["AvailabilityZone"],
                       # not the instance's SecurityGroups: moto leaves them empty when the
                       # groups come with NetworkInterfaces; AWS shows the primary ENI's
                       [sorted(g["GroupId"] for g in n["Groups"]) for n in i["NetworkInterfaces"]],
                       [(n["NetworkInterfaceId"], n["Attachment"]["AttachmentId"],
                         n["PrivateIpAddress"]) for n in i["NetworkInterfaces"]])
                      for i in instances],
    }


def _perms(perms: list[dict[str, Any]]) -> list[Any]:
    return sorted((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"),
                   sorted(r["CidrIp"] for r in p.get("IpRanges", ())),
                   sorted(g["GroupId"] for g in p.get("UserIdGroupPairs", ())))
                  for p in perms)


def test_an_import_from_moto_keeps_ids_fields_and_reachability(moto_url, tmp_path):
    ec2 = server_client(moto_url)
    ids = build(ec2, "ami-12c6146b")
    expected = view(ec2, ids)
    out = tmp_path / "imported.json"
    done = ec2sim_cli("import", "--endpoint-url", moto_url, "--region", REGION, "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "DescribeVpcs" in done.stderr and "imported" in done.stderr   # progress + report
    assert "not imported" in done.stderr        # moto's instance volumes and managed lists
    imported = state.read(out)
    with mock_ec2(imported):
        got = view(boto3.client("ec2", region_name=REGION), ids)
    for key in expected:
        assert got[key] == expected[key], key

    native = World(seed=1)
    with mock_ec2(native):
        own = boto3.client("ec2", region_name=REGION)
        image = own.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        built = build(own, image)
    assert answers(imported, ids) == answers(native, built)
    assert answers(imported, ids) == [True, False, False, True, False, False]


def test_import_into_a_running_server(moto_url, start_server):
    ec2 = server_client(moto_url)
    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    url = start_server()
    done = ec2sim_cli("import", "--endpoint-url", moto_url, "--into", url)
    assert done.returncode == 0, done.stderr
    assert server_client(url).describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["CidrBlock"] == "10.77.0.0/16"


CALLS = ("describe_vpcs", "describe_subnets", "describe_route_tables",
         "describe_security_groups", "describe_instances", "describe_network_interfaces",
         "describe_internet_gateways", "describe_network_acls", "describe_addresses",
         "describe_dhcp_options")


def test_from_json_files_of_our_own_describe_output(start_server, tmp_path):
    url = start_server("--seed", "9")
    ec2 = server_client(url)
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ids = build(ec2, image)
    alloc = ec2.allocate_address()
    ec2.associate_address(AllocationId=alloc["AllocationId"], InstanceId=ids["back"])
    expected = view(ec2, ids)
    files = tmp_path / "describes"
    files.mkdir()
    before = {}
    for call in CALLS:
        answer = ec2.__getattribute__(call)()
        answer.pop("ResponseMetadata")
        before[call] = answer
        (files / f"{call.replace('_', '-')}.json").write_text(json.dumps(answer, default=str))
    out = tmp_path / "snap.json"
    done = ec2sim_cli("import", "--from-json", str(files), "-o", str(out))
    assert done.returncode == 0, done.stderr
    with mock_ec2(state=out):
        again = boto3.client("ec2", region_name=REGION)
        assert view(again, ids) == expected
        for call in ("describe_vpcs", "describe_subnets", "describe_route_tables",
                     "describe_security_groups", "describe_internet_gateways",
                     "describe_network_acls", "describe_addresses"):
            answer = again.__getattribute__(call)()
            answer.pop("ResponseMetadata")
            assert _ids_of(answer) == _ids_of(before[call]), call


def _ids_of(answer: dict[str, Any]) -> list[str]:
    text = json.dumps(answer, default=str, sort_keys=True)
    import re

    return sorted(set(re.findall(r"\b(?:vpc|subnet|rtb|rtbassoc|igw|sg|acl|aclassoc|eipalloc|"
                                 r"eipassoc|eni|i)-[0-9a-f]{8,17}\b", text)))


def test_unknown_and_unmodelled_resources_are_counted_not_dropped():
    world, report = importer.build({
        "describe-vpn-connections": {"VpnConnections": [{"VpnConnectionId": "vpn-1"}]},
        "describe-flux-capacitors": {"FluxCapacitors": [{"Id": 1}, {"Id": 2}]},
        "DescribeSubnets": {"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-nope",
                                         "CidrBlock": "10.0.0.0/24"}]},
    })
    assert report.skipped == {
        "vpn-connection: not modelled by the importer yet": 1,
        "DescribeFluxCapacitors: describe call not understood by the importer": 2,
        "subnet: its VPC was not described": 1}
    assert "subnet-1" not in world.graph


def test_a_directory_without_describe_files_is_an_error(tmp_path):
    done = ec2sim_cli("import", "--from-json", str(tmp_path), "-o", str(tmp_path / "x.json"))
    assert done.returncode == 2 and "holds no describe-*.json files" in done.stderr


# -- round trips through describe-*.json files, family by family ------------------------------
def _dump(ec2: Any, folder: Any) -> None:
    """Every call the importer reads, as its endpoint reader gets them, one file a call."""
    from api.importing import _snake, read_endpoint

    pages, failed = read_endpoint(ec2, log=lambda text: None)
    assert not failed
    for call, got in pages.items():
        (folder / f"{_snake(call).replace('_', '-')}.json").write_text(
            json.dumps(got, default=str))


def _plain(answer: dict[str, Any]) -> Any:
    answer = dict(answer)
    answer.pop("ResponseMetadata", None)
    return json.loads(json.dumps(answer, default=str))


def roundtrip(tmp_path: Any, setup: Any, reads: dict[str, Any],
              keep: dict[str, Any] | None = None) -> tuple[Any, Any, Any]:
    """Build with `setup(ec2)` in one world, import its describe files into another; the
    `reads` (name -> f(ec2, ids)) of both, and the import's report (`keep` receives both
    worlds and the ids)."""
    source = World(seed=5)
    with mock_ec2(source):
        ec2 = boto3.client("ec2", region_name=REGION)
        ids = setup(ec2)
        expected = {name: _plain(read(ec2, ids)) for name, read in reads.items()}
        files = tmp_path / "describes"
        files.mkdir()
        _dump(ec2, files)
    from api.importing import read_directory

    world, report = importer.build(read_directory(str(files)), region=REGION)
    if keep is not None:
        keep.update(source=source, world=world, ids=ids)
    with mock_ec2(world):
        ec2 = boto3.client("ec2", region_name=REGION)
        got = {name: _plain(read(ec2, ids)) for name, read in reads.items()}
    return expected, got, report


def _network(ec2: Any) -> dict[str, str]:
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.30.1.0/24",
                               AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    return {"vpc": vpc, "subnet": subnet, "igw": igw, "rtb": rtb}


def _assert_same(expected: dict[str, Any], got: dict[str, Any]) -> None:
    for name in expected:
        assert got[name] == expected[name], name


def test_nat_gateways_are_built_with_their_interface_and_address(tmp_path):
    def setup(ec2: Any) -> dict[str, str]:
        ids = _network(ec2)
        alloc = ec2.allocate_address(Domain="vpc")["AllocationId"]
        ids["nat"] = ec2.create_nat_gateway(
            SubnetId=ids["subnet"], AllocationId=alloc,
            TagSpecifications=[{"ResourceType": "natgateway",
                                "Tags": [{"Key": "Name", "Value": "out"}]}]
        )["NatGateway"]["NatGatewayId"]
        ids["private"] = ec2.create_nat_gateway(SubnetId=ids["subnet"],
                                                ConnectivityType="private")["NatGateway"][
            "NatGatewayId"]
        gone = ec2.create_nat_gateway(SubnetId=ids["subnet"], ConnectivityType="private")
        ec2.delete_nat_gateway(NatGatewayId=gone["NatGateway"]["NatGatewayId"])
        ec2.create_route(RouteTableId=ids["rtb"], DestinationCidrBlock="0.0.0.0/0",
                         NatGatewayId=ids["nat"])
        return ids

    expected, got, report = roundtrip(tmp_path, setup, {
        "nats": lambda ec2, ids: ec2.describe_nat_gateways(),
        "by_subnet": lambda ec2, ids: ec2.describe_nat_gateways(
            Filters=[{"Name": "subnet-id", "Values": [ids["subnet"]]}]),
        "enis": lambda ec2, ids: ec2.describe_network_interfaces(
            Filters=[{"Name": "subnet-id", "Values": [ids["subnet"]]}]),
        "addresses": lambda ec2, ids: ec2.describe_addresses(),
        "routes": lambda ec2, ids: ec2.describe_route_tables(RouteTableIds=[ids["rtb"]]),
    })
    assert len(expected["nats"]["NatGateways"]) == 3
    _assert_same(expected, got)
    assert report.built["nat-gateway"] == 3
    assert not any(k.startswith("nat-gateway") for k in report.skipped)


def test_peering_connections_keep_their_sides_and_status(tmp_path):
    def setup(ec2: Any) -> dict[str, str]:
        ids = _network(ec2)
        ids["peer"] = ec2.create_vpc(CidrBlock="10.31.0.0/16")["Vpc"]["VpcId"]
        ids["third"] = ec2.create_vpc(CidrBlock="10.32.0.0/16")["Vpc"]["VpcId"]
        ids["pcx"] = ec2.create_vpc_peering_connection(
            VpcId=ids["vpc"], PeerVpcId=ids["peer"],
            TagSpecifications=[{"ResourceType": "vpc-peering-connection",
                                "Tags": [{"Key": "Name", "Value": "p"}]}]
        )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=ids["pcx"])
        ec2.modify_vpc_peering_connection_options(
            VpcPeeringConnectionId=ids["pcx"],
            RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": False})
        ec2.create_vpc_peering_connection(VpcId=ids["vpc"], PeerVpcId=ids["third"])
        ec2.create_route(RouteTableId=ids["rtb"], DestinationCidrBlock="10.31.0.0/16",
                         VpcPeeringConnectionId=ids["pcx"])
        return ids

    expected, got, report = roundtrip(tmp_path, setup, {
        "pcxs": lambda ec2, ids: ec2.describe_vpc_peering_connections(),
        "active": lambda ec2, ids: ec2.describe_vpc_peering_connections(Filters=[
            {"Name": "status-code", "Values": ["active"]},
            {"Name": "accepter-vpc-info.vpc-id", "Values": [ids["peer"]]}]),
        "routes": lambda ec2, ids: ec2.describe_route_tables(RouteTableIds=[ids["rtb"]]),
    })
    codes = sorted(p["Status"]["Code"] for p in expected["pcxs"]["VpcPeeringConnections"])
    assert codes == ["active", "pending-acceptance"]
    assert len(expected["active"]["VpcPeeringConnections"]) == 1
    _assert_same(expected, got)
    assert report.built["vpc-peering-connection"] == 2


def test_prefix_lists_keep_their_entries_and_version(tmp_path):
    def setup(ec2: Any) -> dict[str, str]:
        ids = _network(ec2)
        made = ec2.create_managed_prefix_list(
            PrefixListName="offices", AddressFamily="IPv4", MaxEntries=5,
            Entries=[{"Cidr": "192.0.2.0/24", "Description": "hq"}, {"Cidr": "198.51.100.0/24"}],
            TagSpecifications=[{"ResourceType": "prefix-list",
                                "Tags": [{"Key": "team", "Value": "net"}]}])["PrefixList"]
        ids["pl"] = made["PrefixListId"]
        ec2.modify_managed_prefix_list(PrefixListId=ids["pl"], CurrentVersion=1,
                                       AddEntries=[{"Cidr": "203.0.113.0/24"}])
        ids["v6"] = ec2.create_managed_prefix_list(
            PrefixListName="v6", AddressFamily="IPv6", MaxEntries=2)["PrefixList"]["PrefixListId"]
        sg = ec2.create_security_group(GroupName="office", Description="o", VpcId=ids["vpc"])
        ids["sg"] = sg["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=ids["sg"], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
             "PrefixListIds": [{"PrefixListId": ids["pl"]}]}])
        return ids

    expected, got, report = roundtrip(tmp_path, setup, {
        "lists": lambda ec2, ids: ec2.describe_managed_prefix_lists(
            PrefixListIds=[ids["pl"], ids["v6"]]),
        "entries": lambda ec2, ids: ec2.get_managed_prefix_list_entries(PrefixListId=ids["pl"]),
        "none": lambda ec2, ids: ec2.get_managed_prefix_list_entries(PrefixListId=ids["v6"]),
        "rule": lambda ec2, ids: ec2.describe_security_groups(GroupIds=[ids["sg"]]),
    })
    assert expected["lists"]["PrefixLists"][0]["Version"] == 2
    assert len(expected["entries"]["Entries"]) == 3
    _assert_same(expected, got)
    assert report.built["prefix-list"] == 2


def test_per_resource_files_name_their_resource(tmp_path):
    (tmp_path / "describe-managed-prefix-lists.json").write_text(json.dumps({"PrefixLists": [
        {"PrefixListId": "pl-0123456789abcdef0", "PrefixListName": "x", "AddressFamily": "IPv4",
         "MaxEntries": 3, "Version": 4, "State": "modify-complete", "OwnerId": "111122223333"}]}))
    (tmp_path / "get-managed-prefix-list-entries.pl-0123456789abcdef0.json").write_text(
        json.dumps({"Entries": [{"Cidr": "10.9.0.0/16"}]}))
    from api.importing import read_directory

    world, report = importer.build(read_directory(str(tmp_path)))
    node = world.graph.nodes["pl-0123456789abcdef0"]
    assert (node["Version"], node["versions"]) == (4, {4: (("10.9.0.0/16", None),)})
    assert not report.skipped


def test_endpoints_keep_their_routes_interfaces_and_groups(tmp_path):
    def setup(ec2: Any) -> dict[str, str]:
        ids = _network(ec2)
        ec2.modify_vpc_attribute(VpcId=ids["vpc"], EnableDnsHostnames={"Value": True})
        ids["gw"] = ec2.create_vpc_endpoint(
            VpcId=ids["vpc"], ServiceName=f"com.amazonaws.{REGION}.s3",
            RouteTableIds=[ids["rtb"]])["VpcEndpoint"]["VpcEndpointId"]
        sg = ec2.create_security_group(GroupName="vpce", Description="e", VpcId=ids["vpc"])
        ids["if"] = ec2.create_vpc_endpoint(
            VpcId=ids["vpc"], VpcEndpointType="Interface", SubnetIds=[ids["subnet"]],
            SecurityGroupIds=[sg["GroupId"]], ServiceName=f"com.amazonaws.{REGION}.kms",
            TagSpecifications=[{"ResourceType": "vpc-endpoint",
                                "Tags": [{"Key": "Name", "Value": "q"}]}]
        )["VpcEndpoint"]["VpcEndpointId"]
        return ids

    expected, got, report = roundtrip(tmp_path, setup, {
        "endpoints": lambda ec2, ids: ec2.describe_vpc_endpoints(),
        "routes": lambda ec2, ids: ec2.describe_route_tables(RouteTableIds=[ids["rtb"]]),
        "enis": lambda ec2, ids: ec2.describe_network_interfaces(
            Filters=[{"Name": "subnet-id", "Values": [ids["subnet"]]}]),
    })
    found = {e["VpcEndpointType"]: e for e in expected["endpoints"]["VpcEndpoints"]}
    assert found["Gateway"]["RouteTableIds"] and found["Interface"]["NetworkInterfaceIds"]
    _assert_same(expected, got)
    assert report.built["vpc-endpoint"] == 2


def test_transit_gateways_keep_attachments_tables_and_routes(tmp_path):
    def setup(ec2: Any) -> dict[str, str]:
        ids = {}
        for name, cidr in (("a", "10.40.0.0/16"), ("b", "10.41.0.0/16")):
            ids[name] = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
            ids[f"{name}-sub"] = ec2.create_subnet(
                VpcId=ids[name], CidrBlock=cidr.replace("0.0/16", "1.0/24"),
                AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
            ids[f"{name}-rtb"] = ec2.create_route_table(VpcId=ids[name])["RouteTable"][
                "RouteTableId"]
            ec2.associate_route_table(RouteTableId=ids[f"{name}-rtb"], SubnetId=ids[f"{name}-sub"])
            ids[f"{name}-sg"] = ec2.create_security_group(
                GroupName="all", Description="all", VpcId=ids[name])["GroupId"]
            ec2.authorize_security_group_ingress(GroupId=ids[f"{name}-sg"], IpPermissions=[
                {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
        ids["tgw"] = ec2.create_transit_gateway(
            Description="hub", Options={"DefaultRouteTablePropagation": "disable"},
            TagSpecifications=[{"ResourceType": "transit-gateway",
                                "Tags": [{"Key": "Name", "Value": "hub"}]}]
        )["TransitGateway"]["TransitGatewayId"]
        for name in ("a", "b"):
            ids[f"{name}-att"] = ec2.create_transit_gateway_vpc_attachment(
                TransitGatewayId=ids["tgw"], VpcId=ids[name], SubnetIds=[ids[f"{name}-sub"]]
            )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        ids["custom"] = ec2.create_transit_gateway_route_table(
            TransitGatewayId=ids["tgw"], TagSpecifications=[
                {"ResourceType": "transit-gateway-route-table",
                 "Tags": [{"Key": "Name", "Value": "custom"}]}]
        )["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
        default = ec2.describe_transit_gateways(TransitGatewayIds=[ids["tgw"]])[
            "TransitGateways"][0]["Options"]["AssociationDefaultRouteTableId"]
        ids["default"] = default
        ec2.disassociate_transit_gateway_route_table(
            TransitGatewayRouteTableId=default, TransitGatewayAttachmentId=ids["b-att"])
        ec2.associate_transit_gateway_route_table(
            TransitGatewayRouteTableId=ids["custom"], TransitGatewayAttachmentId=ids["b-att"])
        ec2.enable_transit_gateway_route_table_propagation(
            TransitGatewayRouteTableId=ids["custom"], TransitGatewayAttachmentId=ids["a-att"])
        ec2.create_transit_gateway_route(TransitGatewayRouteTableId=default,
                                         DestinationCidrBlock="10.41.0.0/16",
                                         TransitGatewayAttachmentId=ids["b-att"])
        ec2.create_transit_gateway_route(TransitGatewayRouteTableId=default,
                                         DestinationCidrBlock="192.0.2.0/24", Blackhole=True)
        for here, there in (("a", "10.41.0.0/16"), ("b", "10.40.0.0/16")):
            ec2.create_route(RouteTableId=ids[f"{here}-rtb"], DestinationCidrBlock=there,
                             TransitGatewayId=ids["tgw"])
        ids["a-i"], ids["b-i"] = (ec2.run_instances(
            ImageId=ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"],
            MinCount=1, MaxCount=1, SubnetId=ids[f"{name}-sub"],
            SecurityGroupIds=[ids[f"{name}-sg"]])["Instances"][0]["InstanceId"]
            for name in ("a", "b"))
        return ids

    def routes(ec2: Any, ids: dict[str, str]) -> dict[str, Any]:
        return {table: ec2.search_transit_gateway_routes(
            TransitGatewayRouteTableId=ids[table],
            Filters=[{"Name": "state", "Values": ["active", "blackhole"]}])["Routes"]
            for table in ("default", "custom")}

    worlds: dict[str, Any] = {}
    expected, got, report = roundtrip(tmp_path, setup, {
        "gateways": lambda ec2, ids: ec2.describe_transit_gateways(),
        "vpc attachments": lambda ec2, ids: ec2.describe_transit_gateway_vpc_attachments(),
        "attachments": lambda ec2, ids: ec2.describe_transit_gateway_attachments(),
        "tables": lambda ec2, ids: ec2.describe_transit_gateway_route_tables(),
        "routes": routes,
        "associations": lambda ec2, ids: ec2.get_transit_gateway_route_table_associations(
            TransitGatewayRouteTableId=ids["custom"]),
        "propagations": lambda ec2, ids: ec2.get_transit_gateway_route_table_propagations(
            TransitGatewayRouteTableId=ids["custom"]),
        "vpc route tables": lambda ec2, ids: ec2.describe_route_tables(
            RouteTableIds=[ids["a-rtb"], ids["b-rtb"]]),
        "enis": lambda ec2, ids: ec2.describe_network_interfaces(
            Filters=[{"Name": "interface-type", "Values": ["transit_gateway"]}]),
    }, keep=worlds)
    table = expected["routes"]["default"]
    assert {(r["DestinationCidrBlock"], r["Type"], r["State"]) for r in table} >= {
        ("10.41.0.0/16", "static", "active"), ("192.0.2.0/24", "static", "blackhole")}
    assert expected["routes"]["custom"] and expected["associations"]["Associations"]
    assert len(expected["enis"]["NetworkInterfaces"]) == 2
    _assert_same(expected, got)
    assert report.built["transit-gateway-attachment"] == 2
    assert report.built["transit-gateway-route-table"] == 2
    ids = worlds["ids"]
    questions = [("a-i", "b-i", 22), ("b-i", "a-i", 443)]
    found = {name: [reachability(world, ids[a], ids[b], destination_port=port)
                    .network_path_found for a, b, port in questions]
             for name, world in (("source", worlds["source"]), ("imported", worlds["world"]))}
    assert found["source"] == found["imported"] == [True, True]


def test_tgw_per_table_files_and_peering_between_imported_gateways(tmp_path):
    files = {
        "describe-transit-gateways.json": {"TransitGateways": [
            {"TransitGatewayId": "tgw-0000000000000000a", "State": "available",
             "Options": {"AmazonSideAsn": 64513, "DefaultRouteTableAssociation": "disable",
                         "DefaultRouteTablePropagation": "disable"}},
            {"TransitGatewayId": "tgw-0000000000000000b", "State": "available"}]},
        "describe-transit-gateway-attachments.json": {"TransitGatewayAttachments": [
            {"TransitGatewayAttachmentId": "tgw-attach-0000000000000000c",
             "TransitGatewayId": "tgw-0000000000000000a", "ResourceType": "peering",
             "ResourceId": "tgw-0000000000000000b", "State": "available"},
            {"TransitGatewayAttachmentId": "tgw-attach-0000000000000000d",
             "TransitGatewayId": "tgw-0000000000000000a", "ResourceType": "vpn",
             "ResourceId": "vpn-1", "State": "available"}]},
        "describe-transit-gateway-route-tables.json": {"TransitGatewayRouteTables": [
            {"TransitGatewayRouteTableId": "tgw-rtb-0000000000000000e",
             "TransitGatewayId": "tgw-0000000000000000a", "State": "available",
             "DefaultAssociationRouteTable": False, "DefaultPropagationRouteTable": False}]},
        "get-transit-gateway-route-table-associations.tgw-rtb-0000000000000000e.json": {
            "Associations": [{"TransitGatewayAttachmentId": "tgw-attach-0000000000000000c",
                              "State": "associated"}]},
        "search-transit-gateway-routes.tgw-rtb-0000000000000000e.json": {"Routes": [
            {"DestinationCidrBlock": "10.9.0.0/16", "Type": "static", "State": "active",
             "TransitGatewayAttachments": [
                 {"TransitGatewayAttachmentId": "tgw-attach-0000000000000000c"}]}]},
    }
    for name, body in files.items():
        (tmp_path / name).write_text(json.dumps(body))
    from api.importing import read_directory

    world, report = importer.build(read_directory(str(tmp_path)))
    att, rtb = "tgw-attach-0000000000000000c", "tgw-rtb-0000000000000000e"
    assert [(v, d) for v, d, _ in world.out(att, "associated")] == [
        ("tgw-0000000000000000b", "peer")]
    assert [v for v, _, _ in world.out(att, "attached")] == ["tgw-0000000000000000a"]
    assert [v for v, _, _ in world.out(rtb, "associated")] == [att]
    assert [(v, d) for v, d, _ in world.out(rtb, "route")] == [(att, "10.9.0.0/16")]
    assert world.graph.nodes["tgw-0000000000000000a"]["Options"]["AmazonSideAsn"] == 64513
    assert report.skipped == {
        "transit-gateway-attachment: vpn attachments are not modelled by the importer yet": 1}
