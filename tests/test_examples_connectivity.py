"""The connectivity examples run as scripts and build what they say they build."""
from __future__ import annotations

from helpers import load_example, run_example


def test_peering_triangle(ec2):
    """Three VPCs, three active connections, each VPC routing to both peers over the
    connection that joins them, and app groups naming each other across the peering."""
    lines = run_example("peering_triangle.py").splitlines()
    assert sum(line.endswith("active") and " <-> " in line for line in lines) == 3
    built = load_example("peering_triangle").build(ec2)
    nets, peerings = built["networks"], built["peerings"]
    assert sorted(peerings) == ["green-blue", "red-blue", "red-green"]
    found = {p["VpcPeeringConnectionId"]: p for p in ec2.describe_vpc_peering_connections(
        VpcPeeringConnectionIds=list(peerings.values()))["VpcPeeringConnections"]}
    for name, pcx in peerings.items():
        near, far = name.split("-")
        assert found[pcx]["Status"]["Code"] == "active"
        assert (found[pcx]["RequesterVpcInfo"]["VpcId"], found[pcx]["AccepterVpcInfo"]["VpcId"]) \
            == (nets[near]["vpc"], nets[far]["vpc"])
    cidr = {name: ec2.describe_vpcs(VpcIds=[net["vpc"]])["Vpcs"][0]["CidrBlock"]
            for name, net in nets.items()}
    for name, net in nets.items():
        table = ec2.describe_route_tables(RouteTableIds=[net["route_table"]])["RouteTables"][0]
        assert [a["SubnetId"] for a in table["Associations"]] == [net["subnet"]]
        routes = {r["DestinationCidrBlock"]: r for r in table["Routes"]}
        assert routes[cidr[name]]["GatewayId"] == "local"
        for other in nets:
            if other == name:
                continue
            pcx = peerings.get(f"{name}-{other}") or peerings[f"{other}-{name}"]
            assert routes[cidr[other]]["VpcPeeringConnectionId"] == pcx
            assert routes[cidr[other]]["State"] == "active"
        assert len(routes) == 3
        group = ec2.describe_security_groups(GroupIds=[net["group"]])["SecurityGroups"][0]
        named = {p["GroupId"] for perm in group["IpPermissions"]
                 for p in perm["UserIdGroupPairs"]}
        assert named == {nets[o]["group"] for o in nets if o != name}
        references = ec2.describe_security_group_references(GroupId=[net["group"]])[
            "SecurityGroupReferenceSet"]
        assert {r["ReferencingVpcId"] for r in references} == \
            {nets[o]["vpc"] for o in nets if o != name}


def test_hub_and_spoke(ec2):
    """Spokes reach shared services through the transit gateway but not each other: the
    transit gateway route tables, searched as AWS searches them, show the isolation."""
    lines = run_example("hub_and_spoke.py").splitlines()
    assert lines[0].startswith("transit gateway tgw-")
    assert sum(line.startswith("shared ") for line in lines) == 3
    example = load_example("hub_and_spoke")
    built = example.build(ec2)
    tables, attachments, vpcs = built["tables"], built["attachments"], built["vpcs"]
    spokes = ["spoke-a", "spoke-b", "spoke-c"]

    def search(table: str, *filters: tuple[str, list[str]]) -> list[dict]:
        return ec2.search_transit_gateway_routes(
            TransitGatewayRouteTableId=table,
            Filters=[{"Name": n, "Values": v} for n, v in filters])["Routes"]

    def via(route: dict) -> list[str]:
        return [a["TransitGatewayAttachmentId"] for a in route.get("TransitGatewayAttachments", [])]

    # the spokes' table: the only active route leads to shared services
    active = search(tables["spokes"], ("state", ["active"]))
    assert [(r["DestinationCidrBlock"], r["Type"], via(r)) for r in active] == [
        ("10.100.0.0/16", "propagated", [attachments["shared"]])]
    for spoke in spokes:      # nothing in the spokes' table leads back to any spoke
        assert search(tables["spokes"], ("attachment.resource-id", [vpcs[spoke]])) == []
    for address in ("10.1.0.10", "10.2.0.10", "10.3.0.10"):     # spoke to spoke: dropped
        found = search(tables["spokes"], ("route-search.longest-prefix-match", [address]))
        assert [(r["DestinationCidrBlock"], r["State"]) for r in found] == [
            ("10.0.0.0/8", "blackhole")]
    found = search(tables["spokes"], ("route-search.longest-prefix-match", ["10.100.0.10"]))
    assert [via(r) for r in found] == [[attachments["shared"]]]
    # the shared-services table reaches every spoke, each over its own attachment
    learnt = search(tables["shared"], ("type", ["propagated"]))
    assert [(r["DestinationCidrBlock"], via(r)) for r in learnt] == [
        (cidr, [attachments[name]]) for name, cidr in example.SPOKES.items()]
    assert search(tables["shared"], ("type", ["static"])) == []
    # associations: spokes on the spokes' table, shared services on its own
    for label, members in (("spokes", spokes), ("shared", ["shared"])):
        found = ec2.get_transit_gateway_route_table_associations(
            TransitGatewayRouteTableId=tables[label])["Associations"]
        assert sorted(a["TransitGatewayAttachmentId"] for a in found) == \
            sorted(attachments[m] for m in members)
    # every VPC sends 10.0.0.0/8 to the transit gateway
    for name, rtb in built["vpc_route_tables"].items():
        table = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]
        routes = {r["DestinationCidrBlock"]: r for r in table["Routes"]}
        assert routes["10.0.0.0/8"]["TransitGatewayId"] == built["tgw"]
        assert routes["10.0.0.0/8"]["State"] == "active"
