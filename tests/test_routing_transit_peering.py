"""Reachability across transit gateways peered between regions (each side's route table
sends the other side's CIDR to the peering attachment; a side whose table lacks the route
blocks the path, forward or return), and through a gateway shared with another account (its
attachment carries nothing until the owner accepts it)."""
from __future__ import annotations

from typing import Any

import boto3
import pytest

from test_routing_lab import Lab, codes, ids, lab  # noqa: F401  (fixture)
from test_routing_transit import gateway, table

EAST, WEST = "10.1.0.0/16", "10.2.0.0/16"
EVERYWHERE_AMI = "ami-03cf127a"   # one of moto's example images, in every region


class WestLab(Lab):
    """The lab in us-west-2 (the default AMI is us-east-1's)."""

    def instance(self, subnet: str, *groups: str, public: bool = False) -> tuple[str, str]:
        nic: dict[str, Any] = {"DeviceIndex": 0, "SubnetId": subnet}
        if groups:
            nic["Groups"] = list(groups)
        found = self.ec2.run_instances(ImageId=EVERYWHERE_AMI, MinCount=1, MaxCount=1,
                                       InstanceType="t3.micro", NetworkInterfaces=[nic])
        instance = found["Instances"][0]
        return instance["InstanceId"], instance["NetworkInterfaces"][0]["NetworkInterfaceId"]


def spoke(lab: Lab, tgw: str, cidr: str, zone: str = "us-east-1a") -> dict[str, str]:
    """A VPC with an app subnet and the attachment's subnet in `zone`, 10.0.0.0/8 routed to
    the gateway, and a group open to SSH from 10.0.0.0/8."""
    vpc = lab.vpc(cidr)
    prefix = cidr.rsplit(".", 2)[0]
    net = {"vpc": vpc, "app": lab.subnet(vpc, f"{prefix}.1.0/24", zone),
           "edge": lab.subnet(vpc, f"{prefix}.0.0/28", zone),
           "group": lab.group(vpc, "open", ("tcp", 22, "10.0.0.0/8"))}
    net["attachment"] = lab.ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[net["edge"]])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    lab.route(lab.main_table(vpc), "10.0.0.0/8", TransitGatewayId=tgw)
    return net


@pytest.fixture
def peered(lab: Lab, mock: Any) -> dict[str, Any]:
    """A gateway and spoke in us-east-1, another in us-west-2, peered and accepted."""
    west = WestLab(boto3.client("ec2", region_name="us-west-2"), mock.world)
    east_tgw, west_tgw = gateway(lab), gateway(west)
    east, far = spoke(lab, east_tgw, EAST), spoke(west, west_tgw, WEST, zone="us-west-2a")
    peering = lab.ec2.create_transit_gateway_peering_attachment(
        TransitGatewayId=east_tgw, PeerTransitGatewayId=west_tgw, PeerAccountId="123456789012",
        PeerRegion="us-west-2")["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
    west.ec2.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=peering)
    link = {"attachment": peering}
    east_rtb = table(lab, east_tgw, associate=[east, link], propagate=[east])
    west_rtb = table(west, west_tgw, associate=[far, link], propagate=[far])
    lab.ec2.create_transit_gateway_route(TransitGatewayRouteTableId=east_rtb,
                                         DestinationCidrBlock=WEST,
                                         TransitGatewayAttachmentId=peering)
    return {"west": west, "east": east, "far": far, "peering": peering, "east_tgw": east_tgw,
            "west_tgw": west_tgw, "east_rtb": east_rtb, "west_rtb": west_rtb}


def test_cross_region_peering_reachable_both_ways(lab, peered):
    west = peered["west"]
    west.ec2.create_transit_gateway_route(TransitGatewayRouteTableId=peered["west_rtb"],
                                          DestinationCidrBlock=EAST,
                                          TransitGatewayAttachmentId=peered["peering"])
    one, _ = lab.instance(peered["east"]["app"])
    two, _ = west.instance(peered["far"]["app"], peered["far"]["group"])
    answer = lab.reach(one, two, destination_port=22)
    assert answer.network_path_found, codes(answer)
    path = ids(answer.forward_path)
    assert path.index(peered["east_tgw"]) < path.index(peered["east_rtb"]) \
        < path.index(peered["peering"]) < path.index(peered["west_tgw"]) \
        < path.index(peered["west_rtb"]) < path.index(peered["far"]["attachment"])
    back = ids(answer.return_path)
    assert back.index(peered["west_rtb"]) < back.index(peered["east_rtb"])
    # and from the west side too
    assert west.reach(two, one, destination_port=22).network_path_found is False  # east sg
    three, _ = lab.instance(peered["east"]["app"], peered["east"]["group"])
    assert west.reach(two, three, destination_port=22).network_path_found


def test_cross_region_peering_blocked_without_return_route(lab, peered):
    west = peered["west"]
    one, _ = lab.instance(peered["east"]["app"])
    two, _ = west.instance(peered["far"]["app"], peered["far"]["group"])
    answer = lab.reach(one, two, destination_port=22)
    assert not answer.network_path_found
    assert codes(answer) == ["NO_ROUTE_TO_DESTINATION"]
    assert answer.explanations[0]["TransitGatewayRouteTable"]["Id"] == peered["west_rtb"]


def test_cross_region_peering_blocked_without_forward_route(lab, peered):
    lab.ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=peered["east_rtb"],
                                         DestinationCidrBlock=WEST)
    one, _ = lab.instance(peered["east"]["app"])
    two, _ = peered["west"].instance(peered["far"]["app"], peered["far"]["group"])
    answer = lab.reach(one, two, destination_port=22)
    assert codes(answer) == ["NO_ROUTE_TO_DESTINATION"]
    assert answer.explanations[0]["TransitGatewayRouteTable"]["Id"] == peered["east_rtb"]


# -- a gateway shared with another account ---------------------------------------------------------
PARTICIPANT = "111122223333"


@pytest.fixture
def shared(lab: Lab, mock: Any) -> dict[str, Any]:
    """The owner's gateway (default tables) and spoke; a participant's spoke attached to the
    shared gateway, waiting for the owner."""
    tgw = gateway(lab, defaults=True)
    mock.share(tgw, [PARTICIPANT])
    other = Lab(boto3.client("ec2", region_name="us-east-1", aws_access_key_id=PARTICIPANT,
                             aws_secret_access_key="testing"), mock.world)
    return {"tgw": tgw, "other": other, "home": spoke(lab, tgw, EAST),
            "away": spoke(other, tgw, WEST)}


def test_shared_gateway_carries_traffic_once_accepted(lab, shared):
    lab.ec2.accept_transit_gateway_vpc_attachment(
        TransitGatewayAttachmentId=shared["away"]["attachment"])
    one, _ = shared["other"].instance(shared["away"]["app"])
    two, _ = lab.instance(shared["home"]["app"], shared["home"]["group"])
    answer = shared["other"].reach(one, two, destination_port=22, account=PARTICIPANT)
    assert answer.network_path_found, codes(answer)
    path = ids(answer.forward_path)
    assert path.index(shared["away"]["attachment"]) < path.index(shared["tgw"]) \
        < path.index(shared["home"]["attachment"])


def test_shared_gateway_attachment_pending_acceptance_is_blocked(lab, shared):
    one, _ = shared["other"].instance(shared["away"]["app"])
    two, _ = lab.instance(shared["home"]["app"], shared["home"]["group"])
    answer = shared["other"].reach(one, two, destination_port=22, account=PARTICIPANT)
    assert codes(answer) == ["BAD_STATE_ATTACHMENT"]
    assert answer.explanations[0]["TransitGateway"]["Id"] == shared["tgw"]
