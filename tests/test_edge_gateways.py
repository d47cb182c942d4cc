"""Virtual edge network gateways through boto3: gateways of virtual-edge secondary networks,
route tables, associations, static routes with their RIB and FIB, allowed advertisements and
route server peers, in-process and against `ec2sim serve`."""
from __future__ import annotations

from typing import Any

import pytest

from helpers import fails

ZONE = "us-east-1a"


def _network(ec2: Any, kind: str = "virtual-edge") -> str:
    params: dict[str, Any] = {"NetworkType": kind}
    if kind == "virtual-edge":
        params.update(VlanMode="access", AvailabilityZone=ZONE)
    else:
        params["Ipv4CidrBlock"] = "10.40.0.0/16"
    return ec2.create_secondary_network(**params)["SecondaryNetwork"]["SecondaryNetworkId"]


def _subnet(ec2: Any, sn: str, cidr: str) -> str:
    member = "Ipv6CidrBlock" if ":" in cidr else "Ipv4CidrBlock"
    return ec2.create_secondary_subnet(SecondaryNetworkId=sn, AvailabilityZone=ZONE,
                                       **{member: cidr})["SecondarySubnet"]["SecondarySubnetId"]


@pytest.fixture
def edge(ec2: Any) -> dict[str, str]:
    sn = _network(ec2)
    ss = _subnet(ec2, sn, "10.50.0.0/24")
    gw = ec2.create_virtual_edge_network_gateway(SecondaryNetworkId=sn)[
        "VirtualEdgeNetworkGateway"]["VirtualEdgeNetworkGatewayId"]
    table = ec2.create_virtual_edge_network_gateway_route_table(VirtualEdgeNetworkGatewayId=gw)[
        "VirtualEdgeNetworkGatewayRouteTable"]["VirtualEdgeNetworkGatewayRouteTableId"]
    return {"sn": sn, "ss": ss, "gw": gw, "table": table}


def _states(items: list[dict[str, Any]]) -> list[str]:
    return [i["State"] for i in items]


def test_gateway_lifecycle(ec2):
    sn = _network(ec2)
    request = dict(SecondaryNetworkId=sn, ClientToken="t-1", TagSpecifications=[
        {"ResourceType": "virtual-edge-network-gateway", "Tags": [{"Key": "k", "Value": "v"}]}])
    made = ec2.create_virtual_edge_network_gateway(**request)
    gateway = made["VirtualEdgeNetworkGateway"]
    assert (gateway["State"], gateway["AvailabilityZone"], made["ClientToken"]) == (
        "create-in-progress", ZONE, "t-1")
    gw = gateway["VirtualEdgeNetworkGatewayId"]
    assert gw.startswith("vegw-")
    again = ec2.create_virtual_edge_network_gateway(**request)     # a retry: the same gateway
    assert again["VirtualEdgeNetworkGateway"]["VirtualEdgeNetworkGatewayId"] == gw
    assert fails(ec2.create_virtual_edge_network_gateway, SecondaryNetworkId=sn)[0] == \
        "Resource.AlreadyAssociated"
    listed = ec2.describe_virtual_edge_network_gateways(Filters=[
        {"Name": "secondary-network-id", "Values": [sn]}, {"Name": "tag:k", "Values": ["v"]}])[
        "VirtualEdgeNetworkGateways"]
    assert [(g["VirtualEdgeNetworkGatewayId"], g["State"]) for g in listed] == [
        (gw, "create-complete")]
    gone = ec2.delete_virtual_edge_network_gateway(VirtualEdgeNetworkGatewayId=gw)
    assert gone["VirtualEdgeNetworkGateway"]["State"] == "delete-in-progress"
    assert _states(ec2.describe_virtual_edge_network_gateways(
        VirtualEdgeNetworkGatewayIds=[gw])["VirtualEdgeNetworkGateways"]) == ["delete-complete"]
    assert fails(ec2.delete_virtual_edge_network_gateway, VirtualEdgeNetworkGatewayId=gw)[0] == \
        "InvalidState"


def test_gateway_needs_a_virtual_edge_network(ec2):
    assert fails(ec2.create_virtual_edge_network_gateway,
                 SecondaryNetworkId=_network(ec2, "rdma"))[0] == "InvalidParameterValue"
    assert fails(ec2.create_virtual_edge_network_gateway,
                 SecondaryNetworkId="sn-0123456789abcdef0")[0] == \
        "InvalidSecondaryNetworkId.NotFound"
    assert fails(ec2.describe_virtual_edge_network_gateways,
                 VirtualEdgeNetworkGatewayIds=["vegw-0123456789abcdef0"])[0] == \
        "InvalidVirtualEdgeNetworkGatewayId.NotFound"
    assert ec2.describe_virtual_edge_network_gateways()["VirtualEdgeNetworkGateways"] == []


def test_tables_and_associations(ec2, edge):
    v6 = ec2.create_virtual_edge_network_gateway_route_table(
        VirtualEdgeNetworkGatewayId=edge["gw"], AddressType="ipv6")[
        "VirtualEdgeNetworkGatewayRouteTable"]
    assert v6["AddressType"] == "ipv6"
    assert fails(ec2.create_virtual_edge_network_gateway_route_table_association,
                 VirtualEdgeNetworkGatewayRouteTableId=v6["VirtualEdgeNetworkGatewayRouteTableId"],
                 SecondarySubnetId=edge["ss"])[0] == "InvalidParameterValue"
    assert fails(ec2.create_virtual_edge_network_gateway_route_table_association,
                 VirtualEdgeNetworkGatewayRouteTableId=edge["table"], SecondarySubnetId=edge[
                     "ss"], BgpOptions={"RouteFilter": {"MaxPrefixLength": 40}})[0] == \
        "InvalidParameterValue"
    made = ec2.create_virtual_edge_network_gateway_route_table_association(
        VirtualEdgeNetworkGatewayRouteTableId=edge["table"], SecondarySubnetId=edge["ss"],
        BgpOptions={"RoutePropagationEnabled": False})[
        "VirtualEdgeNetworkGatewayRouteTableAssociation"]
    assert made["BgpOptions"] == {"RoutePropagationEnabled": False}
    assert made["State"] == "create-in-progress"
    assoc = made["VirtualEdgeNetworkGatewayRouteTableAssociationId"]
    assert fails(ec2.create_virtual_edge_network_gateway_route_table_association,
                 VirtualEdgeNetworkGatewayRouteTableId=edge["table"],
                 SecondarySubnetId=edge["ss"])[0] == "Resource.AlreadyAssociated"
    found = ec2.describe_virtual_edge_network_gateway_route_table_associations(Filters=[
        {"Name": "bgp-options.route-propagation-enabled", "Values": ["false"]}])[
        "VirtualEdgeNetworkGatewayRouteTableAssociations"]
    assert [a["VirtualEdgeNetworkGatewayRouteTableAssociationId"] for a in found] == [assoc]
    assert fails(ec2.delete_virtual_edge_network_gateway_route_table,
                 VirtualEdgeNetworkGatewayRouteTableId=edge["table"])[0] == "DependencyViolation"
    gone = ec2.delete_virtual_edge_network_gateway_route_table_association(
        VirtualEdgeNetworkGatewayRouteTableAssociationId=assoc)
    assert gone["VirtualEdgeNetworkGatewayRouteTableAssociation"]["State"] == \
        "delete-in-progress"
    ec2.delete_virtual_edge_network_gateway_route_table(
        VirtualEdgeNetworkGatewayRouteTableId=edge["table"])
    assert _states(ec2.describe_virtual_edge_network_gateway_route_tables(
        VirtualEdgeNetworkGatewayRouteTableIds=[edge["table"]])[
        "VirtualEdgeNetworkGatewayRouteTables"]) == ["delete-complete"]


def test_routes_rib_and_fib(ec2, edge):
    table = edge["table"]
    made = ec2.create_virtual_edge_network_gateway_routes(
        VirtualEdgeNetworkGatewayRouteTableId=table, Routes=[
            {"Ipv4DestinationCidrBlock": "0.0.0.0/0", "TargetType": "internet"},
            {"Ipv4DestinationCidrBlock": "10.60.1.7/16", "TargetType": "subnet",
             "Targets": [{"SecondarySubnetId": edge["ss"]}], "ReachabilityScopes": ["internet"],
             "RoutePreference": 5}])["VirtualEdgeNetworkGatewayRoutes"]
    assert [(r["Ipv4DestinationCidrBlock"], r["Mtu"], r["RoutePreference"]) for r in made] == [
        ("0.0.0.0/0", 1500, 1), ("10.60.0.0/16", 8500, 5)]
    assert made[1]["Targets"] == [{"SecondarySubnetId": edge["ss"], "Weight": 1}]
    # all or nothing: one bad route leaves the table as it was
    code, _ = fails(ec2.create_virtual_edge_network_gateway_routes,
                    VirtualEdgeNetworkGatewayRouteTableId=table, Routes=[
                        {"Ipv4DestinationCidrBlock": "10.70.0.0/16", "TargetType": "blackhole"},
                        {"Ipv4DestinationCidrBlock": "0.0.0.0/0", "TargetType": "internet"}])
    assert code == "RouteAlreadyExists"
    for bad in ({"Ipv4DestinationCidrBlock": "10.71.0.0/16", "TargetType": "subnet"},
                {"Ipv4DestinationCidrBlock": "10.71.0.0/16", "TargetType": "blackhole",
                 "Targets": [{"Ipv4Address": "10.50.0.9"}]},
                {"Ipv6DestinationCidrBlock": "2001:db8::/32", "TargetType": "blackhole"},
                {"Ipv4DestinationCidrBlock": "10.71.0.0/16", "TargetType": "internet",
                 "ReachabilityScopes": ["internet"]}):
        assert fails(ec2.create_virtual_edge_network_gateway_routes,
                     VirtualEdgeNetworkGatewayRouteTableId=table, Routes=[bad])[0] in (
            "MissingParameter", "InvalidParameterCombination", "InvalidParameterValue")
    listed = ec2.describe_virtual_edge_network_gateway_routes(Filters=[
        {"Name": "virtual-edge-network-gateway-route-table-id", "Values": [table]}])[
        "VirtualEdgeNetworkGatewayRoutes"]
    assert len(listed) == 2
    rib = ec2.describe_virtual_edge_network_gateway_route_table_rib(
        VirtualEdgeNetworkGatewayRouteTableId=table, Filters=[
            {"Name": "announcement-target", "Values": ["internet"]}])[
        "VirtualEdgeNetworkGatewayRoutes"]
    assert [(r["Ipv4DestinationCidrBlock"], r["Origin"], r["Filtered"]) for r in rib] == [
        ("10.60.0.0/16", "create-virtual-edge-network-gateway-route", False)]
    fib = ec2.describe_virtual_edge_network_gateway_route_table_fib(
        VirtualEdgeNetworkGatewayRouteTableId=table, MaxResults=5)
    assert [r["Ipv4DestinationCidrBlock"] for r in fib["VirtualEdgeNetworkGatewayRoutes"]] == [
        "0.0.0.0/0", "10.60.0.0/16"]
    gone = ec2.delete_virtual_edge_network_gateway_routes(
        VirtualEdgeNetworkGatewayRouteTableId=table, Ipv4DestinationCidrBlocks=["0.0.0.0/0"])
    assert [r["TargetType"] for r in gone["VirtualEdgeNetworkGatewayRoutes"]] == ["internet"]
    assert fails(ec2.delete_virtual_edge_network_gateway_routes,
                 VirtualEdgeNetworkGatewayRouteTableId=table,
                 Ipv4DestinationCidrBlocks=["0.0.0.0/0"])[0] == "InvalidRoute.NotFound"


def test_allowed_advertisements(ec2, edge):
    gw = edge["gw"]
    made = ec2.create_virtual_edge_network_gateway_allowed_advertisement(
        VirtualEdgeNetworkGatewayId=gw, Ipv4NetmaskLength=29)[
        "VirtualEdgeNetworkGatewayAllowedAdvertisement"]
    assert made["State"] == "create-in-progress" and made["Types"] == ["internet"]
    block = made["Ipv4CidrBlock"]
    assert block.endswith("/29")
    second = ec2.create_virtual_edge_network_gateway_allowed_advertisement(
        VirtualEdgeNetworkGatewayId=gw, Ipv4NetmaskLength=29)[
        "VirtualEdgeNetworkGatewayAllowedAdvertisement"]["Ipv4CidrBlock"]
    assert second != block
    for bad in ({"Ipv4NetmaskLength": 24}, {"Ipv4NetmaskLength": 29, "Ipv6NetmaskLength": 60},
                {"Ipv4CidrBlock": "203.0.113.0/24"},
                {"Ipv4NetmaskLength": 29, "Types": ["aws-global-network"]}):
        assert fails(ec2.create_virtual_edge_network_gateway_allowed_advertisement,
                     VirtualEdgeNetworkGatewayId=gw, **bad)[0] in (
            "InvalidParameterValue", "InvalidParameterCombination", "MissingParameter")
    listed = ec2.describe_virtual_edge_network_gateway_allowed_advertisements(Filters=[
        {"Name": "ipv4-cidr-block", "Values": [block]}])[
        "VirtualEdgeNetworkGatewayAllowedAdvertisements"]
    assert [(a["Ipv4CidrBlock"], a["State"]) for a in listed] == [(block, "create-complete")]
    assert fails(ec2.delete_virtual_edge_network_gateway, VirtualEdgeNetworkGatewayId=gw)[0] == \
        "DependencyViolation"
    gone = ec2.delete_virtual_edge_network_gateway_allowed_advertisement(
        VirtualEdgeNetworkGatewayId=gw, Ipv4CidrBlock=block)[
        "VirtualEdgeNetworkGatewayAllowedAdvertisement"]
    assert gone["State"] == "delete-in-progress"
    assert fails(ec2.delete_virtual_edge_network_gateway_allowed_advertisement,
                 VirtualEdgeNetworkGatewayId=gw, Ipv4CidrBlock=block)[0] == \
        "InvalidAllowedAdvertisement.NotFound"


def test_route_server_peers(ec2, edge):
    base = dict(SecondarySubnetId=edge["ss"], AmazonSideAsn=64512,
                BgpOptions={"PeerAsn": 65001})
    made = ec2.create_virtual_edge_network_route_server_peer(
        **base, Ipv4PeerAddressRange="10.50.0.0/28", RouteServerEndpoint="endpoint-2")[
        "VirtualEdgeNetworkRouteServerPeer"]
    assert made["BgpOptions"] == {"PeerAsn": 65001, "PeerLivenessDetection": "bgp-keepalive"}
    assert (made["RouteServerEndpoint"], made["State"]) == ("endpoint-2", "create-in-progress")
    peer = made["VirtualEdgeNetworkRouteServerPeerId"]
    for bad in ({**base, "AmazonSideAsn": 100, "Ipv4PeerAddressRange": "10.50.0.0/28"},
                {**base, "Ipv4PeerAddressRange": "10.99.0.0/28"},
                {**base, "Ipv6PeerAddressRange": "2001:db8::/64"},
                {**base, "BgpOptions": {"PeerAsn": 65001, "BfdConfiguration": {"Duration": 200}},
                 "Ipv4PeerAddressRange": "10.50.0.0/28"},
                {**base, "BgpOptions": {"PeerAsn": 65001, "PeerLivenessDetection": "bfd",
                                        "BfdConfiguration": {"Multiplier": 11}},
                 "Ipv4PeerAddressRange": "10.50.0.0/28"}):
        assert fails(ec2.create_virtual_edge_network_route_server_peer, **bad)[0] in (
            "InvalidParameterValue", "InvalidParameterCombination")
    found = ec2.describe_virtual_edge_network_route_server_peers(Filters=[
        {"Name": "bgp-options.peer-asn", "Values": ["65001"]}])[
        "VirtualEdgeNetworkRouteServerPeers"]
    assert [p["VirtualEdgeNetworkRouteServerPeerId"] for p in found] == [peer]
    ec2.delete_virtual_edge_network_route_server_peer(VirtualEdgeNetworkRouteServerPeerId=peer)
    assert _states(ec2.describe_virtual_edge_network_route_server_peers()[
        "VirtualEdgeNetworkRouteServerPeers"]) == ["delete-complete"]


def test_dry_run_changes_nothing(ec2, edge):
    assert fails(ec2.create_virtual_edge_network_gateway_route_table,
                 VirtualEdgeNetworkGatewayId=edge["gw"], DryRun=True)[0] == "DryRunOperation"
    assert len(ec2.describe_virtual_edge_network_gateway_route_tables()[
        "VirtualEdgeNetworkGatewayRouteTables"]) == 1


def test_against_the_server(server_ec2):
    sn = _network(server_ec2)
    ss = _subnet(server_ec2, sn, "10.50.0.0/24")
    gw = server_ec2.create_virtual_edge_network_gateway(SecondaryNetworkId=sn)[
        "VirtualEdgeNetworkGateway"]["VirtualEdgeNetworkGatewayId"]
    table = server_ec2.create_virtual_edge_network_gateway_route_table(
        VirtualEdgeNetworkGatewayId=gw)["VirtualEdgeNetworkGatewayRouteTable"][
        "VirtualEdgeNetworkGatewayRouteTableId"]
    server_ec2.create_virtual_edge_network_gateway_routes(
        VirtualEdgeNetworkGatewayRouteTableId=table, Routes=[
            {"Ipv4DestinationCidrBlock": "10.60.0.0/16", "TargetType": "subnet",
             "Targets": [{"SecondarySubnetId": ss, "Weight": 0}]}])
    fib = server_ec2.describe_virtual_edge_network_gateway_route_table_fib(
        VirtualEdgeNetworkGatewayRouteTableId=table)["VirtualEdgeNetworkGatewayRoutes"]
    assert fib[0]["Targets"] == [{"SecondarySubnetId": ss, "Weight": 0}]
    assert fails(server_ec2.delete_virtual_edge_network_gateway,
                 VirtualEdgeNetworkGatewayId=gw)[0] == "DependencyViolation"
