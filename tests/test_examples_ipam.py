"""examples/ipam_organization.py: an IPAM-planned organization on a shared transit gateway."""
from __future__ import annotations

import netaddr

from api import mock_ec2
from helpers import load_example, run_example


def test_the_script_prints_the_plan_and_the_answers() -> None:
    lines = run_example("ipam_organization.py").splitlines()
    answers = {line.split(":")[0].strip(): line for line in lines if "→" in line.split(":")[0]}
    assert set(answers) == {"prod → network", "network → dev", "prod → dev", "dev → prod"}
    assert "reachable via" in answers["prod → network"]
    assert "(hub)" in answers["network → dev"]
    assert "blocked" in answers["prod → dev"] and "(spokes)" in answers["prod → dev"]


def test_each_account_draws_its_own_block_from_the_shared_pool() -> None:
    example = load_example("ipam_organization")
    with mock_ec2(seed=3) as mock:
        built = example.build(mock)
        cidrs = [netaddr.IPNetwork(c) for c in built["cidrs"].values()]
        assert all(c.prefixlen == 16 and c in netaddr.IPNetwork("10.16.0.0/12") for c in cidrs)
        assert netaddr.IPSet(cidrs).size == 3 * 2 ** 16      # no two overlap
        prod = example.client(example.ACCOUNTS["prod"])
        pools = prod.describe_ipam_pools()["IpamPools"]
        assert [p["IpamPoolId"] for p in pools] == [built["pool"]]
        assert pools[0]["OwnerId"] == example.ACCOUNTS["network"]
        net = example.client(example.ACCOUNTS["network"])
        allocations = net.get_ipam_pool_allocations(IpamPoolId=built["pool"])[
            "IpamPoolAllocations"]
        assert sorted((a["ResourceType"], a["ResourceId"], a["Cidr"]) for a in allocations) == \
            sorted(("vpc", built["vpcs"][n], built["cidrs"][n]) for n in built["vpcs"])
        attachments = net.describe_transit_gateway_attachments(
            TransitGatewayAttachmentIds=list(built["attachments"].values()))[
            "TransitGatewayAttachments"]
        assert {a["State"] for a in attachments} == {"available"}
        assert {a["ResourceOwnerId"] for a in attachments} == set(example.ACCOUNTS.values())


def test_the_answers_change_when_the_segmentation_goes() -> None:
    example = load_example("ipam_organization")
    with mock_ec2(seed=3) as mock:
        built = example.build(mock)
        net = example.client(example.ACCOUNTS["network"])
        net.enable_reachability_analyzer_organization_sharing()
        prod, dev = (example.arn(example.ACCOUNTS[n], built["servers"][n]) for n in ("prod", "dev"))
        before = example.reach(net, prod, dev, 443)
        assert not before["NetworkPathFound"]
        spokes = net.describe_transit_gateway_route_tables(Filters=[
            {"Name": "tag:Name", "Values": ["spokes"]}])["TransitGatewayRouteTables"][0]
        net.delete_transit_gateway_route(
            TransitGatewayRouteTableId=spokes["TransitGatewayRouteTableId"],
            DestinationCidrBlock=example.SUMMARY)
        net.enable_transit_gateway_route_table_propagation(
            TransitGatewayRouteTableId=spokes["TransitGatewayRouteTableId"],
            TransitGatewayAttachmentId=built["attachments"]["dev"])
        one_way = example.reach(net, prod, dev, 443)      # dev's answer has no way back
        assert not one_way["NetworkPathFound"]
        net.enable_transit_gateway_route_table_propagation(
            TransitGatewayRouteTableId=spokes["TransitGatewayRouteTableId"],
            TransitGatewayAttachmentId=built["attachments"]["prod"])
        after = example.reach(net, prod, dev, 443)
        assert after["NetworkPathFound"]
        assert not example.reach(net, prod, dev, 22)["NetworkPathFound"]   # the group says 443
