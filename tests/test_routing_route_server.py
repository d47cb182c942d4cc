"""Reachability through routes a VPC Route Server propagates: an appliance advertises a
peered VPC's block over BGP (ec2sim's `ec2sim:advertise` tag on its peer), the route server
installs it in the client subnet's table, and packets follow it through the appliance."""
from __future__ import annotations

from typing import Any

import pytest

from test_routing_lab import Lab, codes, ids, lab  # noqa: F401  (lab is a fixture)

REMOTE = "10.1.0.0/16"


@pytest.fixture
def net(lab: Lab) -> dict[str, Any]:
    """VPC a (client and appliance subnets, a route server) peered with VPC b; the
    appliance's subnet routes b's block to the peering connection."""
    ec2 = lab.ec2
    a, b = lab.vpc("10.0.0.0/16"), lab.vpc(REMOTE)
    client_net, box_net = lab.subnet(a, "10.0.1.0/24"), lab.subnet(a, "10.0.2.0/24")
    far_net = lab.subnet(b, "10.1.1.0/24")
    client_rtb, box_rtb, far_rtb = (lab.table(a, client_net), lab.table(a, box_net),
                                    lab.table(b, far_net))
    pcx = ec2.create_vpc_peering_connection(VpcId=a, PeerVpcId=b)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    lab.route(box_rtb, REMOTE, VpcPeeringConnectionId=pcx)
    lab.route(far_rtb, "10.0.0.0/16", VpcPeeringConnectionId=pcx)
    open_a = lab.group(a, "open", ("tcp", 22, "10.0.0.0/8"))
    client, _ = lab.instance(client_net)
    _, box = lab.instance(box_net, open_a)
    ec2.modify_network_interface_attribute(NetworkInterfaceId=box,
                                           SourceDestCheck={"Value": False})
    far, _ = lab.instance(far_net, lab.group(b, "open", ("tcp", 22, "10.0.0.0/8")))
    rs = ec2.create_route_server(AmazonSideAsn=65000)["RouteServer"]["RouteServerId"]
    ec2.associate_route_server(RouteServerId=rs, VpcId=a)
    rse = ec2.create_route_server_endpoint(RouteServerId=rs, SubnetId=box_net)[
        "RouteServerEndpoint"]["RouteServerEndpointId"]
    ec2.create_route_server_peer(
        RouteServerEndpointId=rse, PeerAddress=lab.address_of(box),
        BgpOptions={"PeerAsn": 65001}, TagSpecifications=[{
            "ResourceType": "route-server-peer",
            "Tags": [{"Key": "ec2sim:advertise", "Value": REMOTE}]}])
    return {"rs": rs, "client": client, "far": far, "box": box, "pcx": pcx,
            "client_rtb": client_rtb}


def test_reachable_through_a_propagated_route(lab, net):
    lab.ec2.enable_route_server_propagation(RouteServerId=net["rs"],
                                            RouteTableId=net["client_rtb"])
    answer = lab.reach(net["client"], net["far"], destination_port=22)
    assert answer.network_path_found
    path = ids(answer.forward_path)
    assert path.index(net["client_rtb"]) < path.index(net["box"]) < path.index(net["pcx"])
    hop = next(s for s in answer.forward_path if s["Component"]["Id"] == net["client_rtb"])
    assert hop["RouteTableRoute"] == {"DestinationCidr": REMOTE,
                                      "NetworkInterfaceId": net["box"],
                                      "Origin": "Advertisement", "State": "active"}


def test_blocked_when_propagation_is_disabled(lab, net):
    lab.ec2.enable_route_server_propagation(RouteServerId=net["rs"],
                                            RouteTableId=net["client_rtb"])
    lab.ec2.disable_route_server_propagation(RouteServerId=net["rs"],
                                             RouteTableId=net["client_rtb"])
    answer = lab.reach(net["client"], net["far"], destination_port=22)
    assert not answer.network_path_found
    assert codes(answer) == ["NO_ROUTE_TO_DESTINATION"]
    assert answer.explanations[0]["RouteTable"]["Id"] == net["client_rtb"]


def test_blocked_when_the_peer_withdraws(lab, net):
    lab.ec2.enable_route_server_propagation(RouteServerId=net["rs"],
                                            RouteTableId=net["client_rtb"])
    peer = lab.ec2.describe_route_server_peers()["RouteServerPeers"][0]["RouteServerPeerId"]
    lab.ec2.delete_tags(Resources=[peer], Tags=[{"Key": "ec2sim:advertise"}])
    answer = lab.reach(net["client"], net["far"], destination_port=22)
    assert codes(answer) == ["NO_ROUTE_TO_DESTINATION"]


def test_a_persisted_route_to_a_stopped_appliance_is_a_blackhole(lab, net):
    lab.ec2.modify_route_server(RouteServerId=net["rs"], PersistRoutes="enable")
    lab.ec2.enable_route_server_propagation(RouteServerId=net["rs"],
                                            RouteTableId=net["client_rtb"])
    box = lab.ec2.describe_network_interfaces(NetworkInterfaceIds=[net["box"]])[
        "NetworkInterfaces"][0]["Attachment"]["InstanceId"]
    lab.ec2.stop_instances(InstanceIds=[box])
    answer = lab.reach(net["client"], net["far"], destination_port=22)
    assert codes(answer) == ["BAD_STATE_ROUTE"]
    assert answer.explanations[0]["RouteTableRoute"]["Origin"] == "Advertisement"
