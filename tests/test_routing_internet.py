"""Reachability to and from the internet: internet gateways, public addresses, Elastic IPs,
NAT gateways and gateway route tables."""
from __future__ import annotations

import pytest

from test_routing_lab import Lab, codes, ids, lab  # noqa: F401  (lab is a fixture)


@pytest.fixture
def net(lab: Lab) -> dict[str, str]:
    """A VPC with a public subnet (default route to the internet gateway) and a private one."""
    vpc = lab.vpc()
    public, private = lab.subnet(vpc, "10.0.1.0/24"), lab.subnet(vpc, "10.0.2.0/24")
    igw = lab.igw(vpc)
    rtb = lab.table(vpc, public)
    lab.route(rtb, "0.0.0.0/0", GatewayId=igw)
    web = lab.group(vpc, "web", ("tcp", 22, "0.0.0.0/0"), ("tcp", 443, "0.0.0.0/0"))
    return {"vpc": vpc, "public": public, "private": private, "igw": igw, "public_rtb": rtb,
            "web": web}


def nat_gateway(lab: Lab, net: dict[str, str], *, connectivity: str = "public") -> dict:
    kwargs = {"ConnectivityType": connectivity}
    if connectivity == "public":
        kwargs["AllocationId"] = lab.ec2.allocate_address(Domain="vpc")["AllocationId"]
    found = lab.ec2.create_nat_gateway(SubnetId=net["public"], **kwargs)["NatGateway"]
    return lab.ec2.describe_nat_gateways(
        NatGatewayIds=[found["NatGatewayId"]])["NatGateways"][0]


def test_internet_egress_with_a_public_address(lab, net):
    web, eni = lab.instance(net["public"], net["web"], public=True)
    public = lab.ec2.describe_instances(InstanceIds=[web])["Reservations"][0]["Instances"][0][
        "PublicIpAddress"]
    answer = lab.reach(web, net["igw"], destination_port=443)
    assert answer.network_path_found
    gateway = next(s for s in answer.forward_path if s["Component"]["Id"] == net["igw"])
    assert gateway["InboundHeader"]["SourceAddresses"] == [lab.address_of(eni)]
    assert gateway["OutboundHeader"]["SourceAddresses"] == [public]
    assert gateway["OutboundHeader"]["DestinationAddresses"] == ["8.8.8.8"]
    assert ids(answer.return_path)[0] == net["igw"] and ids(answer.return_path)[-1] == web
    assert lab.reach(web, destination_ip="1.1.1.1").network_path_found


def test_internet_egress_without_a_public_address(lab, net):
    web, eni = lab.instance(net["public"], net["web"])
    answer = lab.reach(web, net["igw"], destination_port=443)
    assert codes(answer) == ["IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"]
    assert answer.explanations[0]["InternetGateway"]["Id"] == net["igw"]
    assert answer.explanations[0]["Address"] == lab.address_of(eni)


def test_internet_ingress_to_an_elastic_ip(lab, net):
    web, eni = lab.instance(net["public"], net["web"])
    assert codes(lab.reach(net["igw"], web, destination_port=22)) == [
        "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"]
    eip = lab.ec2.allocate_address(Domain="vpc")
    lab.ec2.associate_address(AllocationId=eip["AllocationId"], InstanceId=web)
    answer = lab.reach(net["igw"], web, destination_port=22)
    assert answer.network_path_found
    first = answer.forward_path[0]
    assert first["Component"]["Id"] == net["igw"]
    assert first["InboundHeader"]["DestinationAddresses"] == [eip["PublicIp"]]
    assert first["OutboundHeader"]["DestinationAddresses"] == [lab.address_of(eni)]
    assert ids(answer.return_path)[-1] == net["igw"]
    back = answer.return_path[-1]
    assert back["OutboundHeader"]["SourceAddresses"] == [eip["PublicIp"]]
    assert codes(lab.reach(net["igw"], web, destination_port=80)) == ["ENI_SG_RULES_MISMATCH"]


def test_internet_ingress_needs_the_route_back(lab, net):
    web, _ = lab.instance(net["private"], net["web"])
    eip = lab.ec2.allocate_address(Domain="vpc")
    lab.ec2.associate_address(AllocationId=eip["AllocationId"], InstanceId=web)
    answer = lab.reach(net["igw"], web, destination_port=22)
    assert not answer.network_path_found
    assert ids(answer.forward_path)[-1] == web
    assert codes(answer) == ["NO_ROUTE_TO_DESTINATION"]


def test_internet_source_addresses_follow_the_groups(lab, net):
    office = lab.group(net["vpc"], "office", ("tcp", 22, "203.0.113.0/24"))
    web, _ = lab.instance(net["public"], office, public=True)
    answer = lab.reach(net["igw"], web, destination_port=22)
    assert answer.network_path_found
    assert answer.forward_path[0]["InboundHeader"]["SourceAddresses"] == ["203.0.113.1"]
    assert codes(lab.reach(net["igw"], web, destination_port=22, source_ip="8.8.8.8")) == [
        "ENI_SG_RULES_MISMATCH"]


def test_nat_gateway_outbound(lab, net):
    nat = nat_gateway(lab, net)
    lab.route(lab.table(net["vpc"], net["private"]), "0.0.0.0/0",
              NatGatewayId=nat["NatGatewayId"])
    app, eni = lab.instance(net["private"], net["web"])
    answer = lab.reach(app, net["igw"], destination_port=443)
    assert answer.network_path_found
    path = {s["Component"]["Id"]: s for s in answer.forward_path}
    address = nat["NatGatewayAddresses"][0]
    assert path[nat["NatGatewayId"]]["InboundHeader"]["SourceAddresses"] == [lab.address_of(eni)]
    assert path[nat["NatGatewayId"]]["OutboundHeader"]["SourceAddresses"] == [
        address["PrivateIp"]]
    assert path[net["igw"]]["OutboundHeader"]["SourceAddresses"] == [address["PublicIp"]]
    back = ids(answer.return_path)
    assert back[0] == net["igw"] and nat["NatGatewayId"] in back and back[-1] == app
    assert lab.reach(app, destination_ip="1.1.1.1", destination_port=443).network_path_found


def test_nat_gateway_subnet_needs_the_internet_route(lab, net):
    nat = nat_gateway(lab, net)
    lab.ec2.delete_route(RouteTableId=net["public_rtb"], DestinationCidrBlock="0.0.0.0/0")
    lab.route(lab.table(net["vpc"], net["private"]), "0.0.0.0/0",
              NatGatewayId=nat["NatGatewayId"])
    app, _ = lab.instance(net["private"], net["web"])
    answer = lab.reach(app, destination_ip="1.1.1.1", destination_port=443)
    assert codes(answer) == ["NO_ROUTE_TO_DESTINATION"]
    assert answer.explanations[0]["RouteTable"]["Id"] == net["public_rtb"]


def test_nat_gateway_is_not_inbound(lab, net):
    nat = nat_gateway(lab, net)
    lab.route(lab.table(net["vpc"], net["private"]), "0.0.0.0/0",
              NatGatewayId=nat["NatGatewayId"])
    app, _ = lab.instance(net["private"], net["web"])
    assert codes(lab.reach(net["igw"], app, destination_port=22)) == [
        "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"]
    public = nat["NatGatewayAddresses"][0]["PublicIp"]
    answer = lab.reach(net["igw"], destination_ip=public, destination_port=22)
    assert codes(answer) == ["NO_POSSIBLE_DESTINATION"]
    assert answer.explanations[0]["NatGateway"]["Id"] == nat["NatGatewayId"]


def test_private_nat_gateway_cannot_reach_the_internet(lab, net):
    nat = nat_gateway(lab, net, connectivity="private")
    lab.route(lab.table(net["vpc"], net["private"]), "0.0.0.0/0",
              NatGatewayId=nat["NatGatewayId"])
    app, _ = lab.instance(net["private"], net["web"])
    answer = lab.reach(app, destination_ip="1.1.1.1", destination_port=443)
    assert codes(answer) == ["IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"]


def test_internet_gateway_does_not_take_private_destinations(lab, net):
    web, _ = lab.instance(net["public"], net["web"], public=True)
    answer = lab.reach(web, destination_ip="192.168.1.1", destination_port=443)
    assert codes(answer) == ["IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"]


def test_from_one_vpc_to_another_over_the_internet(lab, net):
    client, _ = lab.instance(net["public"], net["web"], public=True)
    other = lab.vpc("10.9.0.0/16")
    subnet = lab.subnet(other, "10.9.1.0/24")
    igw = lab.igw(other)
    lab.route(lab.table(other, subnet), "0.0.0.0/0", GatewayId=igw)
    server, _ = lab.instance(subnet, lab.group(other, "web", ("tcp", 443, "0.0.0.0/0")),
                             public=True)
    answer = lab.reach(client, server, destination_port=443)
    assert answer.network_path_found
    assert [i for i in ids(answer.forward_path) if i.startswith("igw-")] == [net["igw"], igw]


def test_gateway_route_table_sends_ingress_to_an_appliance(lab, net):
    web, _ = lab.instance(net["public"], net["web"], public=True)
    inspect = lab.subnet(net["vpc"], "10.0.3.0/24")
    appliance_group = lab.group(net["vpc"], "appliance", ("-1", 0, "0.0.0.0/0"))
    _, appliance = lab.instance(inspect, appliance_group)
    lab.ec2.modify_network_interface_attribute(NetworkInterfaceId=appliance,
                                               SourceDestCheck={"Value": False})
    edge = lab.table(net["vpc"])
    lab.ec2.associate_route_table(RouteTableId=edge, GatewayId=net["igw"])
    lab.route(edge, "10.0.1.0/24", NetworkInterfaceId=appliance)
    answer = lab.reach(net["igw"], web, destination_port=22)
    assert answer.network_path_found
    assert ids(answer.forward_path)[:3] == [net["igw"], edge, appliance] or \
        appliance in ids(answer.forward_path)
    assert edge in ids(answer.forward_path)
