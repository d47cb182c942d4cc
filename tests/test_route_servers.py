"""VPC Route Server through boto3: route servers, associations, endpoints, peers, propagation
and the routing database, in-process and against the server."""
from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

import viz
from helpers import error, fails
from viz.snapshot import snapshot

AMI = "ami-057c3ffbeeff55523"
ADVERTISE = "ec2sim:advertise"


def route_server(ec2: Any, **kwargs: Any) -> str:
    return ec2.create_route_server(AmazonSideAsn=kwargs.pop("AmazonSideAsn", 65000),
                                   **kwargs)["RouteServer"]["RouteServerId"]


def appliance(ec2: Any, subnet: str) -> tuple[str, str]:
    """(interface, address) of a new instance: a BGP speaker."""
    eni = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                            SubnetId=subnet)["Instances"][0]["NetworkInterfaces"][0]
    return eni["NetworkInterfaceId"], eni["PrivateIpAddress"]


@pytest.fixture
def bgp(ec2: Any, vpc: str, subnet: str) -> dict[str, str]:
    """A route server associated with `vpc`, an endpoint in `subnet`, an appliance."""
    rs = route_server(ec2)
    ec2.associate_route_server(RouteServerId=rs, VpcId=vpc)
    rse = ec2.create_route_server_endpoint(RouteServerId=rs, SubnetId=subnet)[
        "RouteServerEndpoint"]["RouteServerEndpointId"]
    eni, ip = appliance(ec2, subnet)
    return {"rs": rs, "rse": rse, "eni": eni, "ip": ip, "vpc": vpc, "subnet": subnet}


def peer(ec2: Any, bgp: dict[str, str], address: str, prefixes: str = "", **options: Any
         ) -> str:
    tags = [{"ResourceType": "route-server-peer",
             "Tags": [{"Key": ADVERTISE, "Value": prefixes}]}] if prefixes else []
    return ec2.create_route_server_peer(
        RouteServerEndpointId=bgp["rse"], PeerAddress=address,
        BgpOptions={"PeerAsn": 65001, **options}, TagSpecifications=tags)[
        "RouteServerPeer"]["RouteServerPeerId"]


# -- route servers ---------------------------------------------------------------------------
def test_create_answers_pending_and_describe_available(ec2):
    made = ec2.create_route_server(AmazonSideAsn=4200000000, PersistRoutes="enable",
                                   SnsNotificationsEnabled=True, TagSpecifications=[
                                       {"ResourceType": "route-server",
                                        "Tags": [{"Key": "Name", "Value": "core"}]}])[
        "RouteServer"]
    assert made["RouteServerId"].startswith("rs-") and made["State"] == "pending"
    assert made["PersistRoutesState"] == "enabled" and made["PersistRoutesDuration"] == 1
    assert made["SnsTopicArn"].startswith("arn:aws:sns:us-east-1:123456789012:")
    found = ec2.describe_route_servers(Filters=[{"Name": "tag:Name", "Values": ["core"]}])[
        "RouteServers"]
    assert [(r["RouteServerId"], r["State"]) for r in found] == [
        (made["RouteServerId"], "available")]


@pytest.mark.parametrize("kwargs", [
    {"AmazonSideAsn": 0}, {"AmazonSideAsn": 4294967296},
    {"PersistRoutes": "enable", "PersistRoutesDuration": 6},
    {"PersistRoutes": "disable", "PersistRoutesDuration": 2},
    {"PersistRoutes": "reset"}])
def test_create_validation(ec2, kwargs):
    with pytest.raises(ClientError) as exc:
        route_server(ec2, **kwargs)
    assert error(exc)[0] == "InvalidParameterValue"
    assert ec2.describe_route_servers()["RouteServers"] == []


def test_modify(ec2):
    rs = route_server(ec2)
    changed = ec2.modify_route_server(RouteServerId=rs, PersistRoutes="enable",
                                      PersistRoutesDuration=3)["RouteServer"]
    assert changed["State"] == "modifying"
    assert (changed["PersistRoutesState"], changed["PersistRoutesDuration"]) == ("enabled", 3)
    changed = ec2.modify_route_server(RouteServerId=rs, PersistRoutes="disable",
                                      SnsNotificationsEnabled=True)["RouteServer"]
    assert changed["PersistRoutesState"] == "disabled" and "PersistRoutesDuration" not in changed
    assert changed["SnsNotificationsEnabled"] is True
    with pytest.raises(ClientError) as exc:
        ec2.modify_route_server(RouteServerId=rs, PersistRoutesDuration=2)
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        ec2.modify_route_server(RouteServerId="rs-0123456789abcdef0", PersistRoutes="enable")
    assert error(exc)[0] == "InvalidRouteServerId.NotFound"


def test_associations(ec2, vpc):
    rs = route_server(ec2)
    answer = ec2.associate_route_server(RouteServerId=rs, VpcId=vpc)["RouteServerAssociation"]
    assert answer == {"RouteServerId": rs, "VpcId": vpc, "State": "associating"}
    assert ec2.get_route_server_associations(RouteServerId=rs)["RouteServerAssociations"] == [
        {"RouteServerId": rs, "VpcId": vpc, "State": "associated"}]
    other = route_server(ec2, AmazonSideAsn=65010)
    with pytest.raises(ClientError) as exc:    # one route server a VPC
        ec2.associate_route_server(RouteServerId=other, VpcId=vpc)
    assert error(exc)[0] == "InvalidVpcId.AlreadyAssociated"
    with pytest.raises(ClientError) as exc:
        ec2.delete_route_server(RouteServerId=rs)
    assert error(exc)[0] == "IncorrectState"
    with pytest.raises(ClientError) as exc:
        ec2.disassociate_route_server(RouteServerId=other, VpcId=vpc)
    assert error(exc)[0] == "InvalidRouteServerId.NotAssociated"
    gone = ec2.disassociate_route_server(RouteServerId=rs, VpcId=vpc)["RouteServerAssociation"]
    assert gone["State"] == "disassociating"
    assert ec2.get_route_server_associations(RouteServerId=rs)["RouteServerAssociations"] == []
    deleted = ec2.delete_route_server(RouteServerId=rs)["RouteServer"]
    assert deleted["State"] == "deleting"
    # AWS goes on describing it, `deleted` (what Terraform's waiter and aws-nuke expect)
    [shown] = ec2.describe_route_servers(RouteServerIds=[rs])["RouteServers"]
    assert shown["State"] == "deleted"


# -- endpoints and peers ---------------------------------------------------------------------
def test_endpoint_needs_an_association(ec2, subnet):
    rs = route_server(ec2)
    with pytest.raises(ClientError) as exc:
        ec2.create_route_server_endpoint(RouteServerId=rs, SubnetId=subnet)
    assert error(exc)[0] == "InvalidRouteServerId.NotAssociated"
    assert ec2.describe_route_server_endpoints()["RouteServerEndpoints"] == []


def test_endpoint_create_answers_pending_without_its_interface(ec2, vpc, subnet):
    rs = route_server(ec2)
    ec2.associate_route_server(RouteServerId=rs, VpcId=vpc)
    made = ec2.create_route_server_endpoint(RouteServerId=rs, SubnetId=subnet)[
        "RouteServerEndpoint"]
    assert made["State"] == "pending" and "EniId" not in made and "EniAddress" not in made
    assert (made["RouteServerId"], made["SubnetId"], made["VpcId"]) == (rs, subnet, vpc)
    [found] = ec2.describe_route_server_endpoints(
        RouteServerEndpointIds=[made["RouteServerEndpointId"]])["RouteServerEndpoints"]
    assert found["State"] == "available" and found["EniId"].startswith("eni-")


def test_endpoint_has_a_managed_interface(ec2, bgp):
    found = ec2.describe_route_server_endpoints(RouteServerEndpointIds=[bgp["rse"]])[
        "RouteServerEndpoints"][0]
    assert found["State"] == "available" and found["VpcId"] == bgp["vpc"]
    eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[found["EniId"]])[
        "NetworkInterfaces"][0]
    assert eni["PrivateIpAddress"] == found["EniAddress"] and eni["RequesterManaged"]
    with pytest.raises(ClientError):             # the service's interface, not the user's
        ec2.delete_network_interface(NetworkInterfaceId=found["EniId"])
    with pytest.raises(ClientError) as exc:      # endpoints first
        ec2.disassociate_route_server(RouteServerId=bgp["rs"], VpcId=bgp["vpc"])
    assert error(exc)[0] == "IncorrectState"
    assert ec2.describe_route_server_endpoints(Filters=[
        {"Name": "route-server-id", "Values": [bgp["rs"]]}])["RouteServerEndpoints"][0][
        "RouteServerEndpointId"] == bgp["rse"]


def test_peer_view_and_bgp_status(ec2, bgp):
    up = peer(ec2, bgp, bgp["ip"], PeerLivenessDetection="bfd")
    down = peer(ec2, bgp, "10.0.0.200")          # nothing holds that address
    made = {p["RouteServerPeerId"]: p for p in ec2.describe_route_server_peers()[
        "RouteServerPeers"]}
    assert made[up]["BgpStatus"] == {"Status": "up"} and made[up]["BfdStatus"] == {
        "Status": "up"}
    assert made[up]["BgpOptions"] == {"PeerAsn": 65001, "PeerLivenessDetection": "bfd"}
    assert made[down]["BgpStatus"] == {"Status": "down"} and "BfdStatus" not in made[down]
    assert made[down]["BgpOptions"]["PeerLivenessDetection"] == "bgp-keepalive"
    assert made[up]["RouteServerId"] == bgp["rs"] and made[up]["SubnetId"] == bgp["subnet"]
    assert [p["RouteServerPeerId"] for p in ec2.describe_route_server_peers(Filters=[
        {"Name": "bgp-status.status", "Values": ["down"]}])["RouteServerPeers"]] == [down]
    with pytest.raises(ClientError) as exc:
        ec2.delete_route_server_endpoint(RouteServerEndpointId=bgp["rse"])
    assert error(exc)[0] == "IncorrectState"
    assert ec2.delete_route_server_peer(RouteServerPeerId=down)["RouteServerPeer"][
        "State"] == "deleting"


def test_peer_as_terraform_makes_it(ec2, bgp):
    """Terraform's acceptance test: a peer at an address no interface holds, outside the
    endpoint's subnet; the create answer carries every member Terraform keeps."""
    made = ec2.create_route_server_peer(RouteServerEndpointId=bgp["rse"],
                                        PeerAddress="10.0.1.250",
                                        BgpOptions={"PeerAsn": 65000})["RouteServerPeer"]
    assert made["State"] == "pending" and made["BgpOptions"] == {
        "PeerAsn": 65000, "PeerLivenessDetection": "bgp-keepalive"}
    assert all(made[k] for k in ("EndpointEniId", "EndpointEniAddress", "RouteServerId",
                                 "SubnetId", "VpcId"))
    [found] = ec2.describe_route_server_peers(
        RouteServerPeerIds=[made["RouteServerPeerId"]])["RouteServerPeers"]
    assert found["State"] == "available" and found["BgpStatus"] == {"Status": "down"}


@pytest.mark.parametrize("address, options", [
    ("300.1.1.1", {}), ("192.168.1.1", {}), ("10.0.0.5", {"PeerAsn": 0}),
    ("10.0.0.5", {"PeerAsn": 4294967296})])
def test_peer_validation(ec2, bgp, address, options):
    with pytest.raises(ClientError) as exc:
        peer(ec2, bgp, address, **options)
    assert error(exc)[0] == "InvalidParameterValue"


def test_peer_address_is_unique_on_the_endpoint(ec2, bgp):
    peer(ec2, bgp, bgp["ip"])
    with pytest.raises(ClientError) as exc:
        peer(ec2, bgp, bgp["ip"])
    assert error(exc)[0] == "InvalidParameterValue"
    endpoint_ip = ec2.describe_route_server_endpoints()["RouteServerEndpoints"][0]["EniAddress"]
    with pytest.raises(ClientError) as exc:
        peer(ec2, bgp, endpoint_ip)
    assert error(exc)[0] == "InvalidParameterValue"


# -- propagation and the routing database ----------------------------------------------------
def test_propagation_installs_the_best_routes(ec2, bgp):
    rtb = ec2.create_route_table(VpcId=bgp["vpc"])["RouteTable"]["RouteTableId"]
    first = peer(ec2, bgp, bgp["ip"], "192.168.0.0/24, 172.16.0.0/16")
    second_eni, second_ip = appliance(ec2, bgp["subnet"])
    second = peer(ec2, bgp, second_ip, "192.168.0.0/24 10.0.200.0/24 10.0.0.0/16")
    ec2.create_tags(Resources=[first], Tags=[{"Key": "ec2sim:med", "Value": "50"}])
    answer = ec2.enable_route_server_propagation(RouteServerId=bgp["rs"], RouteTableId=rtb)
    assert answer["RouteServerPropagation"] == {"RouteServerId": bgp["rs"],
                                                "RouteTableId": rtb, "State": "pending"}
    routes = {r["DestinationCidrBlock"]: r for r in ec2.describe_route_tables(
        RouteTableIds=[rtb])["RouteTables"][0]["Routes"]}
    instance = ec2.describe_network_interfaces(NetworkInterfaceIds=[second_eni])[
        "NetworkInterfaces"][0]["Attachment"]["InstanceId"]
    assert routes["192.168.0.0/24"] == {   # the lower MED wins
        "DestinationCidrBlock": "192.168.0.0/24", "NetworkInterfaceId": second_eni,
        "InstanceId": instance, "InstanceOwnerId": "123456789012", "Origin": "Advertisement",
        "State": "active", "IpAddress": second_ip}
    assert routes["172.16.0.0/16"]["NetworkInterfaceId"] == bgp["eni"]
    assert routes["10.0.0.0/16"]["GatewayId"] == "local"     # the local route stays
    assert "10.0.200.0/24" not in routes        # inside the VPC: a subnet's block only
    database = ec2.get_route_server_routing_database(RouteServerId=bgp["rs"])
    assert database["AreRoutesPersisted"] is False
    rows = {(r["Prefix"], r["RouteServerPeerId"]): r for r in database["Routes"]}
    assert rows[("192.168.0.0/24", second)]["RouteStatus"] == "in-fib"
    assert rows[("192.168.0.0/24", first)]["RouteStatus"] == "in-rib"
    assert rows[("192.168.0.0/24", first)]["Med"] == 50
    assert rows[("192.168.0.0/24", second)]["AsPaths"] == ["65001"]
    for prefix in ("10.0.200.0/24", "10.0.0.0/16"):
        detail = rows[(prefix, second)]["RouteInstallationDetails"][0]
        assert detail["RouteInstallationStatus"] == "rejected"
        assert detail["RouteInstallationStatusReason"]
    assert rows[("172.16.0.0/16", first)]["RouteInstallationDetails"] == [
        {"RouteTableId": rtb, "RouteInstallationStatus": "installed"}]
    paged = ec2.get_route_server_routing_database(RouteServerId=bgp["rs"], MaxResults=5,
                                                  Filters=[{"Name": "route-status",
                                                            "Values": ["in-fib"]}])
    assert {r["Prefix"] for r in paged["Routes"]} == {"192.168.0.0/24", "172.16.0.0/16",
                                                      "10.0.200.0/24", "10.0.0.0/16"}
    assert ec2.get_route_server_propagations(RouteServerId=bgp["rs"])[
        "RouteServerPropagations"] == [{"RouteServerId": bgp["rs"], "RouteTableId": rtb,
                                        "State": "available"}]


def test_disable_propagation_withdraws_the_routes(ec2, bgp):
    rtb = ec2.create_route_table(VpcId=bgp["vpc"])["RouteTable"]["RouteTableId"]
    peer(ec2, bgp, bgp["ip"], "192.168.0.0/24")
    ec2.enable_route_server_propagation(RouteServerId=bgp["rs"], RouteTableId=rtb)
    answer = ec2.disable_route_server_propagation(RouteServerId=bgp["rs"], RouteTableId=rtb)
    assert answer["RouteServerPropagation"]["State"] == "deleting"
    routes = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
    assert [r["DestinationCidrBlock"] for r in routes] == ["10.0.0.0/16"]
    with pytest.raises(ClientError) as exc:
        ec2.disable_route_server_propagation(RouteServerId=bgp["rs"], RouteTableId=rtb)
    assert error(exc)[0] == "InvalidRouteServerId.NotPropagated"


def test_propagation_needs_the_tables_vpc(ec2, bgp):
    other = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    rtb = ec2.create_route_table(VpcId=other)["RouteTable"]["RouteTableId"]
    with pytest.raises(ClientError) as exc:
        ec2.enable_route_server_propagation(RouteServerId=bgp["rs"], RouteTableId=rtb)
    assert error(exc)[0] == "InvalidRouteServerId.NotAssociated"
    with pytest.raises(ClientError) as exc:
        ec2.enable_route_server_propagation(RouteServerId=bgp["rs"],
                                            RouteTableId="rtb-0123456789abcdef0")
    assert error(exc)[0] == "InvalidRouteTableID.NotFound"


def test_static_route_wins_and_a_stopped_peer_withdraws(ec2, bgp):
    rtb = ec2.create_route_table(VpcId=bgp["vpc"])["RouteTable"]["RouteTableId"]
    peer(ec2, bgp, bgp["ip"], "192.168.0.0/24, 172.16.0.0/16")
    ec2.enable_route_server_propagation(RouteServerId=bgp["rs"], RouteTableId=rtb)
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=bgp["vpc"])
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="172.16.0.0/16", GatewayId=igw)
    routes = {r["DestinationCidrBlock"]: r for r in ec2.describe_route_tables(
        RouteTableIds=[rtb])["RouteTables"][0]["Routes"]}
    assert routes["172.16.0.0/16"]["GatewayId"] == igw
    assert routes["192.168.0.0/24"]["Origin"] == "Advertisement"
    instance = ec2.describe_network_interfaces(NetworkInterfaceIds=[bgp["eni"]])[
        "NetworkInterfaces"][0]["Attachment"]["InstanceId"]
    ec2.stop_instances(InstanceIds=[instance])
    routes = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
    assert {r["Origin"] for r in routes} == {"CreateRouteTable", "CreateRoute"}
    assert ec2.get_route_server_routing_database(RouteServerId=bgp["rs"])["Routes"] == []


def test_over_the_wire(server_ec2):
    vpc = server_ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = server_ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    rs = route_server(server_ec2, AmazonSideAsn=64512)
    server_ec2.associate_route_server(RouteServerId=rs, VpcId=vpc)
    rse = server_ec2.create_route_server_endpoint(RouteServerId=rs, SubnetId=subnet)[
        "RouteServerEndpoint"]["RouteServerEndpointId"]
    eni, ip = appliance(server_ec2, subnet)
    peer(server_ec2, {"rse": rse}, ip, "192.168.7.0/24")
    rtb = server_ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    server_ec2.enable_route_server_propagation(RouteServerId=rs, RouteTableId=rtb)
    routes = server_ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
    assert routes[-1]["Origin"] == "Advertisement" and routes[-1]["NetworkInterfaceId"] == eni
    assert routes[-1]["IpAddress"] == ip
    database = server_ec2.get_route_server_routing_database(RouteServerId=rs)
    assert [r["Prefix"] for r in database["Routes"]] == ["192.168.7.0/24"]
    with pytest.raises(ClientError) as exc:
        server_ec2.get_route_server_routing_database(RouteServerId="rs-0123456789abcdef0")
    assert error(exc)[0] == "InvalidRouteServerId.NotFound"


def test_vpc_with_a_route_server_cannot_be_deleted(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    rs = route_server(ec2)
    ec2.associate_route_server(RouteServerId=rs, VpcId=vpc)
    with pytest.raises(ClientError) as exc:
        ec2.delete_vpc(VpcId=vpc)
    assert error(exc)[0] == "DependencyViolation"
    ec2.disassociate_route_server(RouteServerId=rs, VpcId=vpc)
    ec2.delete_vpc(VpcId=vpc)
    assert ec2.get_route_server_associations(RouteServerId=rs)["RouteServerAssociations"] == []


def test_the_diagram_draws_endpoints_and_bgp_sessions(ec2, mock, bgp):
    rsp = peer(ec2, bgp, bgp["ip"])
    instance = ec2.describe_network_interfaces(NetworkInterfaceIds=[bgp["eni"]])[
        "NetworkInterfaces"][0]["Attachment"]["InstanceId"]
    scene = snapshot(mock.world, vpc=bgp["vpc"])
    node = scene.nodes[bgp["rse"]]
    assert node.kind == "route-server-endpoint" and node.parent == bgp["subnet"]
    assert bgp["rs"] in node.lines()
    assert [(e.kind, e.source, e.target) for e in scene.edges if e.id == rsp] == [
        ("bgp", bgp["rse"], instance)]
    assert bgp["rse"] in viz.render(mock.world, "svg").decode()


def test_a_deleted_peer_withdraws_its_routes(ec2, bgp):
    rtb = ec2.create_route_table(VpcId=bgp["vpc"])["RouteTable"]["RouteTableId"]
    rsp = peer(ec2, bgp, bgp["ip"], "192.168.0.0/24")
    ec2.enable_route_server_propagation(RouteServerId=bgp["rs"], RouteTableId=rtb)

    def advertised() -> list[str]:
        return [r["DestinationCidrBlock"] for r in ec2.describe_route_tables(
            RouteTableIds=[rtb])["RouteTables"][0]["Routes"] if r["Origin"] == "Advertisement"]
    assert advertised() == ["192.168.0.0/24"]
    ec2.delete_route_server_peer(RouteServerPeerId=rsp)
    assert advertised() == []
    assert ec2.get_route_server_routing_database(RouteServerId=bgp["rs"])["Routes"] == []
    peer(ec2, bgp, bgp["ip"])            # its address is free on the endpoint again


def test_the_diagram_leaves_out_deleted_peers(ec2, mock, bgp):
    rsp = peer(ec2, bgp, bgp["ip"])
    ec2.delete_route_server_peer(RouteServerPeerId=rsp)
    scene = snapshot(mock.world, vpc=bgp["vpc"])
    assert bgp["rse"] in scene.nodes and not [e for e in scene.edges if e.id == rsp]


def test_routing_database_pages(ec2, bgp):
    prefixes = ", ".join(f"192.168.{n}.0/24" for n in range(7))
    peer(ec2, bgp, bgp["ip"], prefixes)
    first = ec2.get_route_server_routing_database(RouteServerId=bgp["rs"], MaxResults=5)
    assert len(first["Routes"]) == 5 and first["NextToken"]
    rest = ec2.get_route_server_routing_database(RouteServerId=bgp["rs"], MaxResults=5,
                                                 NextToken=first["NextToken"])
    assert [r["Prefix"] for r in first["Routes"] + rest["Routes"]] == [
        f"192.168.{n}.0/24" for n in range(7)]
    assert "NextToken" not in rest
    with pytest.raises(ClientError) as exc:
        ec2.get_route_server_routing_database(RouteServerId=bgp["rs"], NextToken="garbage")
    assert error(exc)[0] == "InvalidPaginationToken"
    with pytest.raises(ClientError) as exc:
        ec2.get_route_server_routing_database(RouteServerId=bgp["rs"], Filters=[
            {"Name": "nonsense", "Values": ["x"]}])
    assert error(exc)[0] == "InvalidParameterValue"


def test_a_subnets_block_is_installed_as_a_middlebox_route(ec2, bgp):
    """Inside the VPC a route server installs what CreateRoute would take: a subnet's block,
    to the appliance, in the table of another subnet (and not a block no subnet has)."""
    other = ec2.create_subnet(VpcId=bgp["vpc"], CidrBlock="10.0.5.0/24")["Subnet"]["SubnetId"]
    rtb = ec2.create_route_table(VpcId=bgp["vpc"])["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=rtb, SubnetId=bgp["subnet"])
    peer(ec2, bgp, bgp["ip"], "10.0.5.0/24, 10.0.6.0/24")
    ec2.enable_route_server_propagation(RouteServerId=bgp["rs"], RouteTableId=rtb)
    routes = {r["DestinationCidrBlock"]: r for r in ec2.describe_route_tables(
        RouteTableIds=[rtb])["RouteTables"][0]["Routes"]}
    assert routes["10.0.5.0/24"]["NetworkInterfaceId"] == bgp["eni"]
    assert "10.0.6.0/24" not in routes
    assert other


def test_gateway_route_table_takes_routes_into_the_vpc(ec2, bgp):
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=bgp["vpc"])
    edge = ec2.create_route_table(VpcId=bgp["vpc"])["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=edge, GatewayId=igw)
    peer(ec2, bgp, bgp["ip"], "10.0.0.0/24, 192.168.0.0/24")
    ec2.enable_route_server_propagation(RouteServerId=bgp["rs"], RouteTableId=edge)
    routes = {r["DestinationCidrBlock"]: r for r in ec2.describe_route_tables(
        RouteTableIds=[edge])["RouteTables"][0]["Routes"]}
    assert routes["10.0.0.0/24"]["NetworkInterfaceId"] == bgp["eni"]
    assert "192.168.0.0/24" not in routes       # a gateway table routes into the VPC only
    rows = {r["Prefix"]: r for r in ec2.get_route_server_routing_database(
        RouteServerId=bgp["rs"])["Routes"]}
    assert rows["192.168.0.0/24"]["RouteInstallationDetails"][0][
        "RouteInstallationStatus"] == "rejected"


def test_persisted_routes_stay_when_every_session_is_down(ec2, bgp):
    ec2.modify_route_server(RouteServerId=bgp["rs"], PersistRoutes="enable",
                            PersistRoutesDuration=2)
    rtb = ec2.create_route_table(VpcId=bgp["vpc"])["RouteTable"]["RouteTableId"]
    peer(ec2, bgp, bgp["ip"], "192.168.0.0/24")
    ec2.enable_route_server_propagation(RouteServerId=bgp["rs"], RouteTableId=rtb)
    assert ec2.get_route_server_routing_database(RouteServerId=bgp["rs"])[
        "AreRoutesPersisted"] is False
    instance = ec2.describe_network_interfaces(NetworkInterfaceIds=[bgp["eni"]])[
        "NetworkInterfaces"][0]["Attachment"]["InstanceId"]
    ec2.stop_instances(InstanceIds=[instance])
    database = ec2.get_route_server_routing_database(RouteServerId=bgp["rs"])
    assert database["AreRoutesPersisted"] is True
    assert [r["Prefix"] for r in database["Routes"]] == ["192.168.0.0/24"]
    route = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"][-1]
    assert (route["Origin"], route["State"]) == ("Advertisement", "blackhole")
    ec2.modify_route_server(RouteServerId=bgp["rs"], PersistRoutes="disable")
    assert ec2.get_route_server_routing_database(RouteServerId=bgp["rs"])["Routes"] == []


# -- deleted resources stay visible, `deleted` (Terraform's finders skip them) ----------------
def deleted_chain(ec2: Any, vpc: str, subnet: str) -> dict[str, str]:
    """A route server, endpoint and peer, each deleted in turn; their ids."""
    rs = route_server(ec2)
    ec2.associate_route_server(RouteServerId=rs, VpcId=vpc)
    rse = ec2.create_route_server_endpoint(RouteServerId=rs, SubnetId=subnet)[
        "RouteServerEndpoint"]
    rse = ec2.describe_route_server_endpoints(
        RouteServerEndpointIds=[rse["RouteServerEndpointId"]])["RouteServerEndpoints"][0]
    rsp = ec2.create_route_server_peer(
        RouteServerEndpointId=rse["RouteServerEndpointId"], PeerAddress="10.0.1.50",
        BgpOptions={"PeerAsn": 65001})["RouteServerPeer"]["RouteServerPeerId"]
    assert ec2.delete_route_server_peer(RouteServerPeerId=rsp)["RouteServerPeer"][
        "State"] == "deleting"
    ec2.delete_route_server_endpoint(RouteServerEndpointId=rse["RouteServerEndpointId"])
    ec2.disassociate_route_server(RouteServerId=rs, VpcId=vpc)
    ec2.delete_route_server(RouteServerId=rs)
    return {"rs": rs, "rse": rse["RouteServerEndpointId"], "rsp": rsp, "eni": rse["EniId"]}


def check_deleted_chain(ec2: Any, vpc: str, subnet: str) -> None:
    ids = deleted_chain(ec2, vpc, subnet)
    [peer_seen] = ec2.describe_route_server_peers(RouteServerPeerIds=[ids["rsp"]])[
        "RouteServerPeers"]
    assert (peer_seen["State"], peer_seen["RouteServerEndpointId"], peer_seen["SubnetId"],
            peer_seen["PeerAddress"]) == ("deleted", ids["rse"], subnet, "10.0.1.50")
    by_server = ec2.describe_route_server_peers(
        Filters=[{"Name": "route-server-id", "Values": [ids["rs"]]}])["RouteServerPeers"]
    assert [p["RouteServerPeerId"] for p in by_server] == [ids["rsp"]]
    [endpoint_seen] = ec2.describe_route_server_endpoints(
        RouteServerEndpointIds=[ids["rse"]])["RouteServerEndpoints"]
    assert (endpoint_seen["State"], endpoint_seen["RouteServerId"]) == ("deleted", ids["rs"])
    [server_seen] = ec2.describe_route_servers(RouteServerIds=[ids["rs"]])["RouteServers"]
    assert server_seen["State"] == "deleted"
    # the endpoint's interface is released; a deleted one is acted on no more
    assert fails(ec2.describe_network_interfaces, NetworkInterfaceIds=[ids["eni"]])[0] == \
        "InvalidNetworkInterfaceID.NotFound"
    for call, kwargs in [(ec2.delete_route_server_peer, {"RouteServerPeerId": ids["rsp"]}),
                         (ec2.delete_route_server_endpoint,
                          {"RouteServerEndpointId": ids["rse"]}),
                         (ec2.delete_route_server, {"RouteServerId": ids["rs"]}),
                         (ec2.associate_route_server, {"RouteServerId": ids["rs"], "VpcId": vpc}),
                         (ec2.create_route_server_peer,
                          {"RouteServerEndpointId": ids["rse"], "PeerAddress": "10.0.1.51",
                           "BgpOptions": {"PeerAsn": 65001}})]:
        assert fails(call, **kwargs)[0] == "IncorrectState"
    assert ec2.get_route_server_associations(RouteServerId=ids["rs"])[
        "RouteServerAssociations"] == []
    ec2.delete_subnet(SubnetId=subnet)          # nothing left holds the subnet or VPC
    ec2.delete_vpc(VpcId=vpc)


def test_deleted_resources_stay_visible(ec2, vpc, subnet):
    check_deleted_chain(ec2, vpc, subnet)


def test_deleted_resources_stay_visible_over_the_wire(server_ec2):
    vpc = server_ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = server_ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    check_deleted_chain(server_ec2, vpc, subnet)
