"""What an instance's state does to a reachability answer (docs/reachability.md).

Reachability Analyzer analyses configuration, not packets: a stopped instance keeps its
network interfaces, private IPv4 and IPv6 addresses, groups and routes, so paths to and from
it are analysed as configured. Stopping releases its automatic public IPv4 address (an Elastic
IP stays), so the internet no longer reaches it over IPv4; a terminated instance has no
interface left and is `BAD_STATE`.
"""
from __future__ import annotations

from typing import Any

import routing
from test_routing_ipv6 import Net, analyse, build, codes, ids


def _open_v4(ec2: Any, net: Net) -> None:
    for sg in (net.web_sg, net.worker_sg):
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])


def _public_web(ec2: Any, net: Net) -> str:
    """Give the web instance's interface an automatic public IPv4, a default IPv4 route."""
    rtb = ec2.describe_route_tables(Filters=[
        {"Name": "association.subnet-id", "Values": [net.public]}])["RouteTables"][0]
    ec2.create_route(RouteTableId=rtb["RouteTableId"], DestinationCidrBlock="0.0.0.0/0",
                     GatewayId=net.igw)
    ec2.modify_subnet_attribute(SubnetId=net.public, MapPublicIpOnLaunch={"Value": True})
    ec2.terminate_instances(InstanceIds=[net.web])
    inst = ec2.run_instances(ImageId="ami-057c3ffbeeff55523", MinCount=1, MaxCount=1,
                             SubnetId=net.public, SecurityGroupIds=[net.web_sg],
                             Ipv6AddressCount=1)["Instances"][0]
    net.web = inst["InstanceId"]
    net.web_ip6 = inst["NetworkInterfaces"][0]["Ipv6Addresses"][0]["Ipv6Address"]
    return str(inst["PublicIpAddress"])


def test_a_stopped_instance_is_analysed_as_configured(ec2: Any, mock: Any) -> None:
    net = build(ec2)
    _open_v4(ec2, net)
    ec2.stop_instances(InstanceIds=[net.worker])
    assert ec2.describe_instances(InstanceIds=[net.worker])["Reservations"][0]["Instances"][0][
        "State"]["Name"] == "stopped"
    private = analyse(ec2, net.web, net.worker, DestinationPort=443)
    assert private["NetworkPathFound"] is True, codes(private)
    assert net.worker in ids(private["ForwardPathComponents"])
    # and as a source
    assert routing.reachability(mock.world, net.worker, net.web,
                                destination_port=443).network_path_found


def test_stopping_releases_the_public_ipv4_but_not_ipv6(ec2: Any, mock: Any) -> None:
    net = build(ec2)
    _open_v4(ec2, net)
    public = _public_web(ec2, net)
    assert analyse(ec2, net.igw, net.web, DestinationPort=443)["NetworkPathFound"] is True
    ec2.stop_instances(InstanceIds=[net.web])
    over4 = analyse(ec2, net.igw, net.web, DestinationPort=443)
    assert over4["NetworkPathFound"] is False
    assert codes(over4) == ["IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"]
    assert public not in str(over4)
    over6 = analyse(ec2, net.igw, net.web, DestinationPort=443, DestinationIp=net.web_ip6)
    assert over6["NetworkPathFound"] is True, codes(over6)


def test_a_terminated_instance_is_bad_state(ec2: Any, mock: Any) -> None:
    net = build(ec2)
    ec2.terminate_instances(InstanceIds=[net.worker])
    out = routing.reachability(mock.world, net.web, net.worker, destination_port=443)
    assert not out.network_path_found
    assert out.explanations[0]["ExplanationCode"] == "BAD_STATE"
    assert out.explanations[0]["State"] == "terminated"
    assert out.explanations[0]["Component"]["Id"] == net.worker
