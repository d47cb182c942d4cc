"""Reachability through virtual private gateways (static and propagated routes) and VPC
endpoints (gateway endpoints through prefix-list routes, interface endpoints)."""
from __future__ import annotations

import pytest

from test_routing_lab import Lab, codes, ids, lab  # noqa: F401  (lab is a fixture)

S3 = "com.amazonaws.us-east-1.s3"
EC2 = "com.amazonaws.us-east-1.ec2"


@pytest.fixture
def net(lab: Lab) -> dict[str, str]:
    vpc = lab.vpc()
    subnet = lab.subnet(vpc, "10.0.1.0/24")
    return {"vpc": vpc, "subnet": subnet, "rtb": lab.table(vpc, subnet),
            "group": lab.group(vpc, "open", ("tcp", 22, "0.0.0.0/0"))}


def vpn_gateway(lab: Lab, vpc: str, *, routes: tuple[str, ...] = ()) -> str:
    vgw = lab.ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    lab.ec2.attach_vpn_gateway(VpnGatewayId=vgw, VpcId=vpc)
    if routes:
        cgw = lab.ec2.create_customer_gateway(Type="ipsec.1", IpAddress="198.51.100.7")[
            "CustomerGateway"]["CustomerGatewayId"]
        vpn = lab.ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw,
                                            VpnGatewayId=vgw,
                                            Options={"StaticRoutesOnly": True})["VpnConnection"]
        for cidr in routes:
            lab.ec2.create_vpn_connection_route(VpnConnectionId=vpn["VpnConnectionId"],
                                                DestinationCidrBlock=cidr)
    return vgw


# -- virtual private gateways ------------------------------------------------------------------
def test_static_route_to_the_vpn_gateway(lab, net):
    vgw = vpn_gateway(lab, net["vpc"])
    lab.route(net["rtb"], "192.168.0.0/16", GatewayId=vgw)
    one, _ = lab.instance(net["subnet"])
    answer = lab.reach(one, vgw, destination_port=22)
    assert answer.network_path_found
    assert ids(answer.forward_path)[-1] == vgw
    assert answer.forward_path[-1]["OutboundHeader"]["DestinationAddresses"] == ["192.168.0.1"]
    assert codes(lab.reach(one, destination_ip="192.168.5.5")) == ["BAD_STATE_VPN"]


def test_vpn_gateway_needs_its_route(lab, net):
    vgw = vpn_gateway(lab, net["vpc"])
    one, _ = lab.instance(net["subnet"])
    assert codes(lab.reach(one, vgw, destination_port=22)) == ["NO_ROUTE_TO_DESTINATION"]


def test_propagated_route_to_the_vpn(lab, net):
    vgw = vpn_gateway(lab, net["vpc"], routes=("172.16.0.0/16",))
    one, _ = lab.instance(net["subnet"])
    assert codes(lab.reach(one, destination_ip="172.16.1.1")) == ["NO_ROUTE_TO_DESTINATION"]
    lab.ec2.enable_vgw_route_propagation(RouteTableId=net["rtb"], GatewayId=vgw)
    answer = lab.reach(one, destination_ip="172.16.1.1", destination_port=443)
    assert answer.network_path_found
    route = next(s for s in answer.forward_path if s["Component"]["Id"] == net["rtb"])[
        "RouteTableRoute"]
    assert route == {"DestinationCidr": "172.16.0.0/16", "GatewayId": vgw,
                     "Origin": "EnableVgwRoutePropagation", "State": "active"}


def test_static_route_beats_a_propagated_one_of_the_same_prefix(lab, net):
    vgw = vpn_gateway(lab, net["vpc"], routes=("172.16.0.0/16",))
    lab.ec2.enable_vgw_route_propagation(RouteTableId=net["rtb"], GatewayId=vgw)
    igw = lab.igw(net["vpc"])
    lab.route(net["rtb"], "172.16.0.0/16", GatewayId=igw)
    one, _ = lab.instance(net["subnet"], public=True)
    answer = lab.reach(one, destination_ip="172.16.1.1", destination_port=443)
    assert codes(answer) == ["IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"]


def test_propagated_route_never_beats_local(lab, net):
    vgw = vpn_gateway(lab, net["vpc"], routes=("10.0.2.0/24",))
    lab.ec2.enable_vgw_route_propagation(RouteTableId=net["rtb"], GatewayId=vgw)
    other = lab.subnet(net["vpc"], "10.0.2.0/24")
    one, _ = lab.instance(net["subnet"])
    two, _ = lab.instance(other, net["group"])
    answer = lab.reach(one, two, destination_port=22)
    assert answer.network_path_found
    assert vgw not in ids(answer.forward_path)
    route = next(s for s in answer.forward_path if s["Component"]["Id"] == net["rtb"])[
        "RouteTableRoute"]
    assert route["GatewayId"] == "local"


def test_traffic_from_the_vpn(lab, net):
    vgw = vpn_gateway(lab, net["vpc"], routes=("192.168.0.0/16",))
    lab.ec2.enable_vgw_route_propagation(RouteTableId=net["rtb"], GatewayId=vgw)
    server, _ = lab.instance(net["subnet"], net["group"])
    answer = lab.reach(vgw, server, destination_port=22)
    assert answer.network_path_found
    assert answer.forward_path[0]["InboundHeader"]["SourceAddresses"] == ["192.168.0.1"]
    assert ids(answer.return_path)[-1] == vgw


def test_detached_vpn_gateway_route_is_a_blackhole(lab, net):
    vgw = vpn_gateway(lab, net["vpc"])
    lab.route(net["rtb"], "192.168.0.0/16", GatewayId=vgw)
    lab.ec2.detach_vpn_gateway(VpnGatewayId=vgw, VpcId=net["vpc"])
    one, _ = lab.instance(net["subnet"])
    answer = lab.reach(one, destination_ip="192.168.1.1")
    assert codes(answer) == ["BAD_STATE_ROUTE"]
    assert answer.explanations[0]["VpnGateway"]["Id"] == vgw


# -- VPC endpoints -----------------------------------------------------------------------------
def gateway_endpoint(lab: Lab, net: dict[str, str], *tables: str) -> dict:
    return lab.ec2.create_vpc_endpoint(VpcId=net["vpc"], ServiceName=S3,
                                       RouteTableIds=list(tables))["VpcEndpoint"]


def test_gateway_endpoint_through_its_prefix_list(lab, net):
    one, _ = lab.instance(net["subnet"])
    endpoint = gateway_endpoint(lab, net)
    assert codes(lab.reach(one, endpoint["VpcEndpointId"], destination_port=443)) == [
        "NO_ROUTE_TO_DESTINATION"]
    lab.ec2.modify_vpc_endpoint(VpcEndpointId=endpoint["VpcEndpointId"],
                                AddRouteTableIds=[net["rtb"]])
    answer = lab.reach(one, endpoint["VpcEndpointId"], destination_port=443)
    assert answer.network_path_found
    prefix_list = lab.ec2.describe_prefix_lists(Filters=[
        {"Name": "prefix-list-name", "Values": [S3]}])["PrefixLists"][0]
    route = next(s for s in answer.forward_path if s["Component"]["Id"] == net["rtb"])[
        "RouteTableRoute"]
    assert route["DestinationPrefixListId"] == prefix_list["PrefixListId"]
    assert route["GatewayId"] == endpoint["VpcEndpointId"]
    last = answer.forward_path[-1]
    assert last["Component"]["Id"] == endpoint["VpcEndpointId"] and last["ServiceName"] == S3
    address = last["OutboundHeader"]["DestinationAddresses"][0]
    assert lab.reach(one, destination_ip=address, destination_port=443).network_path_found
    assert ids(answer.return_path)[0] == endpoint["VpcEndpointId"]


def test_gateway_endpoint_is_tcp_only(lab, net):
    one, _ = lab.instance(net["subnet"])
    endpoint = gateway_endpoint(lab, net, net["rtb"])
    answer = lab.reach(one, endpoint["VpcEndpointId"], protocol="udp")
    assert codes(answer) == ["VPCE_GATEWAY_PROTOCOL_RESTRICTION"]


def test_static_route_beats_a_prefix_list_route_of_the_same_prefix(lab, net):
    one, _ = lab.instance(net["subnet"])
    endpoint = gateway_endpoint(lab, net, net["rtb"])
    prefix_list = lab.ec2.describe_prefix_lists(Filters=[
        {"Name": "prefix-list-name", "Values": [S3]}])["PrefixLists"][0]
    cidr = prefix_list["Cidrs"][0]
    assert lab.reach(one, endpoint["VpcEndpointId"], destination_port=443).network_path_found
    lab.route(net["rtb"], cidr, GatewayId=lab.igw(net["vpc"]))
    host = cidr.split("/")[0].rsplit(".", 1)[0] + ".9"
    answer = lab.reach(one, destination_ip=host, destination_port=443)
    assert codes(answer) == ["IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"]


def test_interface_endpoint_is_its_interfaces(lab, net):
    guard = lab.group(net["vpc"], "https", ("tcp", 443, "10.0.0.0/16"))
    endpoint = lab.ec2.create_vpc_endpoint(VpcId=net["vpc"], ServiceName=EC2,
                                           VpcEndpointType="Interface",
                                           SubnetIds=[net["subnet"]],
                                           SecurityGroupIds=[guard],
                                           PrivateDnsEnabled=False)["VpcEndpoint"]
    one, _ = lab.instance(net["subnet"])
    answer = lab.reach(one, endpoint["VpcEndpointId"], destination_port=443)
    assert answer.network_path_found
    assert ids(answer.forward_path)[-1] == endpoint["NetworkInterfaceIds"][0]
    blocked = lab.reach(one, endpoint["VpcEndpointId"], destination_port=22)
    assert codes(blocked) == ["ENI_SG_RULES_MISMATCH"]
