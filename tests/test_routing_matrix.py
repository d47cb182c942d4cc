"""The reachability matrix equals the engine's pairwise answers, and moves with the world.

Small worlds built through boto3; every subnet gets interfaces in a group that admits and
sends anything, so the pairwise `reachability` between interfaces is the subnet-level answer
the matrix gives (the matrix leaves security groups aside for subnets).
"""
from __future__ import annotations

from typing import Any

import pytest

import routing
from routing.matrix import forwarding_classes
from topology.core.errors import InvalidParameterValue
from helpers import main_table


# -- building -------------------------------------------------------------------------------
def vpc(ec2: Any, cidr: str) -> str:
    return ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]


def subnet(ec2: Any, vpc_id: str, cidr: str, zone: str = "us-east-1a") -> str:
    return ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=zone)[
        "Subnet"]["SubnetId"]


def open_group(ec2: Any, vpc_id: str) -> str:
    group = ec2.create_security_group(GroupName="open", Description="open",
                                      VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return group


def interfaces(ec2: Any, subnet_id: str, groups: list[str], count: int = 2) -> list[str]:
    return [ec2.create_network_interface(SubnetId=subnet_id, Groups=groups)[
        "NetworkInterface"]["NetworkInterfaceId"] for _ in range(count)]


def acl_entry(ec2: Any, acl: str, rule: int, action: str, cidr: str, *, egress: bool = False,
              protocol: str = "6", ports: tuple[int, int] | None = (0, 65535)) -> None:
    extra = {"PortRange": {"From": ports[0], "To": ports[1]}} if ports else {}
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=rule, Protocol=protocol,
                                 RuleAction=action, Egress=egress, CidrBlock=cidr, **extra)


def use_acl(ec2: Any, subnet_id: str, acl: str) -> None:
    assoc = [a for a in ec2.describe_network_acls(Filters=[
        {"Name": "association.subnet-id", "Values": [subnet_id]}])["NetworkAcls"][0][
        "Associations"] if a["SubnetId"] == subnet_id][0]["NetworkAclAssociationId"]
    ec2.replace_network_acl_association(AssociationId=assoc, NetworkAclId=acl)


def strict_acl(ec2: Any, vpc_id: str, subnets: list[str]) -> str:
    """Admits TCP 443 from 10.1.0.0/16 (but 10.1.9.0/24) and replies from 10.0.0.0/8;
    sends anything."""
    acl = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    acl_entry(ec2, acl, 90, "deny", "10.1.9.0/24", ports=(443, 443))
    acl_entry(ec2, acl, 100, "allow", "10.1.0.0/16", ports=(443, 443))
    acl_entry(ec2, acl, 110, "allow", "10.0.0.0/8", ports=(1024, 65535))
    acl_entry(ec2, acl, 100, "allow", "0.0.0.0/0", egress=True, protocol="-1", ports=None)
    for sub in subnets:
        use_acl(ec2, sub, acl)
    return acl


def peered_world(ec2: Any) -> dict[str, Any]:
    """x (10.1/16: x1, x2 strict ACL, x3 like x1, x4 like x1 but named by x2's ACL) peered
    with y (10.2/16: y1 on the main table, y2 on a table without the peering route); z
    (10.3/16) stands alone."""
    x, y, z = vpc(ec2, "10.1.0.0/16"), vpc(ec2, "10.2.0.0/16"), vpc(ec2, "10.3.0.0/16")
    subnets = {"x1": subnet(ec2, x, "10.1.1.0/24"), "x2": subnet(ec2, x, "10.1.2.0/24"),
               "x3": subnet(ec2, x, "10.1.3.0/24", "us-east-1b"),
               "x4": subnet(ec2, x, "10.1.9.0/24"),
               "y1": subnet(ec2, y, "10.2.1.0/24"), "y2": subnet(ec2, y, "10.2.2.0/24"),
               "z1": subnet(ec2, z, "10.3.1.0/24")}
    pcx = ec2.create_vpc_peering_connection(VpcId=x, PeerVpcId=y)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=main_table(ec2, x), DestinationCidrBlock="10.2.0.0/16",
                     VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=main_table(ec2, y), DestinationCidrBlock="10.1.0.0/16",
                     VpcPeeringConnectionId=pcx)
    lonely = ec2.create_route_table(VpcId=y)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=lonely, SubnetId=subnets["y2"])
    acl = strict_acl(ec2, x, [subnets["x2"]])
    groups = {v: open_group(ec2, v) for v in (x, y, z)}
    owner = {"x": x, "y": y, "z": z}
    probes = {name: interfaces(ec2, sid, [groups[owner[name[0]]]])
              for name, sid in subnets.items()}
    return {"vpcs": owner, "subnets": subnets, "probes": probes, "acl": acl, "pcx": pcx,
            "groups": groups}


def hub_world(ec2: Any) -> dict[str, Any]:
    """Three VPCs on a transit gateway (default tables); `c`'s block is blackholed there, and
    `b` has two more subnets: one in the attachment's zone, one in a zone it does not cover.
    `b`'s attachment subnet and the one beside it share an ACL refusing HTTPS from `b`
    itself, which a packet from the attachment subnet never crosses."""
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    names = {"a": "10.11.0.0/16", "b": "10.12.0.0/16", "c": "10.13.0.0/16"}
    vpcs, subnets, probes = {}, {}, {}
    for name, cidr in names.items():
        vpcs[name] = vpc(ec2, cidr)
        subnets[name] = subnet(ec2, vpcs[name], cidr.replace("0.0/16", "1.0/24"))
        ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpcs[name],
                                                  SubnetIds=[subnets[name]])
        ec2.create_route(RouteTableId=main_table(ec2, vpcs[name]),
                         DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=tgw)
    subnets["b-far"] = subnet(ec2, vpcs["b"], "10.12.2.0/24", "us-east-1b")
    subnets["b-near"] = subnet(ec2, vpcs["b"], "10.12.5.0/24")
    guarded = ec2.create_network_acl(VpcId=vpcs["b"])["NetworkAcl"]["NetworkAclId"]
    acl_entry(ec2, guarded, 50, "deny", "10.12.0.0/16", ports=(443, 443))
    acl_entry(ec2, guarded, 100, "allow", "0.0.0.0/0", protocol="-1", ports=None)
    acl_entry(ec2, guarded, 100, "allow", "0.0.0.0/0", egress=True, protocol="-1", ports=None)
    for name in ("b", "b-near"):
        use_acl(ec2, subnets[name], guarded)
    table = ec2.describe_transit_gateway_route_tables(Filters=[
        {"Name": "transit-gateway-id", "Values": [tgw]}])["TransitGatewayRouteTables"][0][
        "TransitGatewayRouteTableId"]
    ec2.create_transit_gateway_route(TransitGatewayRouteTableId=table,
                                     DestinationCidrBlock="10.13.0.0/16", Blackhole=True)
    groups = {name: open_group(ec2, v) for name, v in vpcs.items()}
    for name, sid in subnets.items():
        probes[name] = interfaces(ec2, sid, [groups[name.split("-")[0]]])
    return {"tgw": tgw, "vpcs": vpcs, "subnets": subnets, "probes": probes, "guarded": guarded}


# -- the engine, pair by pair ---------------------------------------------------------------
def pairwise(world: Any, built: dict[str, Any], *, protocol: str = "tcp",
             port: int | None = None) -> dict[tuple[str, str], tuple[bool, str | None]]:
    """(reachable, first explanation code) for every ordered pair of the built subnets,
    from one interface of the first to another interface of the second."""
    out = {}
    for a, src in built["probes"].items():
        for b, dst in built["probes"].items():
            answer = routing.reachability(world, src[0], dst[1] if a == b else dst[0],
                                          protocol=protocol, destination_port=port)
            code = answer.explanations[0]["ExplanationCode"] if answer.explanations else None
            out[(built["subnets"][a], built["subnets"][b])] = (answer.network_path_found, code)
    return out


def restricted(answer: dict, built: dict[str, Any]) -> dict:
    mine = set(built["subnets"].values())
    return {pair: passed for pair, passed in answer.items() if set(pair) <= mine}


# -- the matrix equals the engine -----------------------------------------------------------
@pytest.mark.parametrize("protocol, port", [("tcp", 443), ("tcp", 22), ("udp", 53),
                                            ("tcp", None), ("-1", None)])
def test_subnet_matrix_equals_pairwise_reachability(ec2, mock, protocol, port):
    built = peered_world(ec2)
    expected = pairwise(mock.world, built, protocol=protocol, port=port)
    answer = routing.matrix(mock.world, "subnet", protocol=protocol, port=port)
    assert restricted(answer, built) == {pair: found for pair, (found, _) in expected.items()}


def test_peered_world_answers_as_designed(ec2, mock):
    """Guards the comparison above against a world where everything (or nothing) passes."""
    built = peered_world(ec2)
    s = built["subnets"]
    answer = routing.matrix(mock.world, "subnet", port=443)
    assert answer[(s["x1"], s["y1"])] and answer[(s["y1"], s["x1"])]
    assert answer[(s["x1"], s["x2"])] and not answer[(s["y1"], s["x2"])]   # 443 from x only
    assert answer.blocked_by[(s["y1"], s["x2"])] == "SUBNET_ACL_RESTRICTION"
    assert not answer[(s["x1"], s["y2"])]         # y2 has no route back to x
    assert answer[(s["x4"], s["x1"])] and not answer[(s["x4"], s["x2"])]
    assert answer.blocked_by[(s["x4"], s["x2"])] == "SUBNET_ACL_RESTRICTION"
    assert not answer[(s["x1"], s["z1"])]
    assert answer.blocked_by[(s["x1"], s["z1"])] == "NO_ROUTE_TO_DESTINATION"
    answer = routing.matrix(mock.world, "subnet", port=22)
    assert not answer[(s["x1"], s["x2"])] and answer[(s["x2"], s["x2"])]
    assert answer.blocked_by[(s["x1"], s["x2"])] == "SUBNET_ACL_RESTRICTION"


@pytest.mark.parametrize("port", [443, None])
def test_transit_gateway_matrix_equals_pairwise_reachability_and_codes(ec2, mock, port):
    built = hub_world(ec2)
    expected = pairwise(mock.world, built, port=port)
    answer = routing.matrix(mock.world, "subnet", port=port)
    assert restricted(answer, built) == {pair: found for pair, (found, _) in expected.items()}
    codes = {pair: code for pair, (found, code) in expected.items() if not found}
    assert {pair: answer.blocked_by.get(pair) for pair in codes} == codes
    s = built["subnets"]
    assert answer[(s["a"], s["b"])] and not answer[(s["a"], s["c"])]
    assert answer.blocked_by[(s["b-far"], s["a"])] == "TGW_ATTACH_VPC_AZ_RESTRICTION"
    assert answer[(s["b"], s["a"])]
    assert answer[(s["b-near"], s["a"])] == (port is None)      # HTTPS stops at the attachment


def group_world(ec2: Any) -> dict[str, Any]:
    """The peered world's subnets with tiered groups: web (443 from anywhere), app (8080 from
    web), db (5432 from app), partner in y (443 from x's block); some interfaces hold two."""
    built = peered_world(ec2)
    x, y = built["vpcs"]["x"], built["vpcs"]["y"]
    made = {name: ec2.create_security_group(GroupName=name, Description=name, VpcId=v)[
        "GroupId"] for name, v in (("web", x), ("app", x), ("db", x), ("partner", y))}

    def allow(group: str, port: int, **peer: Any) -> None:
        ec2.authorize_security_group_ingress(GroupId=made[group], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **peer}])

    allow("web", 443, IpRanges=[{"CidrIp": "0.0.0.0/0"}])
    allow("app", 8080, UserIdGroupPairs=[{"GroupId": made["web"]}])
    allow("db", 5432, UserIdGroupPairs=[{"GroupId": made["app"]}])
    allow("partner", 443, IpRanges=[{"CidrIp": "10.1.0.0/16"}])
    s = built["subnets"]
    placed = {"web": [(s["x1"], ["web"]), (s["x3"], ["web", "app"])],
              "app": [(s["x2"], ["app"]), (s["x2"], ["app"])],
              "db": [(s["x3"], ["db"])], "partner": [(s["y1"], ["partner"])]}
    members: dict[str, list[str]] = {}
    for where, names in (p for group in placed.values() for p in group):
        eni = interfaces(ec2, where, [made[n] for n in names], count=1)[0]
        for name in names:
            members.setdefault(made[name], []).append(eni)
    built.update(made=made, members=members)
    return built


@pytest.mark.parametrize("port", [443, 8080, 5432, None])
def test_group_matrix_equals_pairwise_reachability(ec2, mock, port):
    built = group_world(ec2)
    world = mock.world
    members = {g: list(dict.fromkeys(e)) for g, e in built["members"].items()}
    for group in built["groups"].values():        # the open groups of the probes
        members[group] = [eni for found in built["probes"].values() for eni in found
                          if group in [g["GroupId"] for g in _groups(world, eni)]]
    answer = routing.matrix(world, "security-group", port=port)
    for a, sources in members.items():
        for b, targets in members.items():
            expected = any(routing.reachability(world, s, t, destination_port=port)
                           .network_path_found for s in sources for t in targets if s != t)
            assert answer[(a, b)] == expected, (a, b)


def _groups(world: Any, eni: str) -> list[dict[str, str]]:
    from topology.network import network_interfaces

    return [{"GroupId": g} for g in network_interfaces.groups(world, eni)]


def test_group_matrix_answers_as_designed(ec2, mock):
    built = group_world(ec2)
    g = built["made"]
    x_default = ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [built["vpcs"]["x"]]},
        {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
    on_app = routing.matrix(mock.world, "security-group", port=8080)
    assert on_app[(g["web"], g["app"])] and not on_app[(g["db"], g["app"])]
    assert on_app.blocked_by[(g["db"], g["app"])] == "ENI_SG_RULES_MISMATCH"
    on_db = routing.matrix(mock.world, "security-group", port=5432)
    assert on_db[(g["app"], g["db"])] and not on_db[(g["db"], g["web"])]
    # web reaches db through the member that is in app too
    assert on_db[(g["web"], g["db"])]
    on_https = routing.matrix(mock.world, "security-group", port=443)
    assert on_https[(g["web"], g["partner"])] and on_https[(g["partner"], g["web"])]
    assert not on_https[(g["partner"], g["db"])]
    # a group without members reaches nothing, and nothing reaches it
    assert not any(passed for (a, b), passed in on_https.items() if x_default in (a, b))
    # x1+x3 (alike subnets), x2, x4, y1, y2, z1 for the open probes; web, web+app, app, db,
    # partner
    assert on_https.classes == 11


# -- the matrix moves with the world --------------------------------------------------------
def test_one_nacl_entry_flips_exactly_the_expected_pairs(ec2, mock):
    built = peered_world(ec2)
    s = built["subnets"]
    use_acl(ec2, s["x3"], built["acl"])            # x3 shares x2's strict ACL from now on
    before = routing.matrix(mock.world, "subnet", port=443)
    acl_entry(ec2, built["acl"], 50, "deny", "10.1.1.0/24", ports=(443, 443))
    after = routing.matrix(mock.world, "subnet", port=443)
    flipped = {pair for pair in before if before[pair] != after[pair]}
    assert flipped == {(s["x1"], s["x2"]), (s["x1"], s["x3"])}
    assert all(before[pair] and not after[pair] for pair in flipped)
    assert after.blocked_by[(s["x1"], s["x2"])] == "SUBNET_ACL_RESTRICTION"
    found = routing.reachability(mock.world, built["probes"]["x1"][0],
                                 built["probes"]["x2"][0], destination_port=443)
    assert not found.network_path_found


def test_alike_subnets_share_a_class_until_a_rule_names_one(ec2, mock):
    built = peered_world(ec2)
    s = built["subnets"]
    x = built["vpcs"]["x"]
    other = subnet(ec2, x, "10.1.4.0/24", "us-east-1b")    # main table, default ACL
    classes = forwarding_classes(mock.world, "subnet", vpc=x)
    assert sorted(map(sorted, classes)) == sorted(map(sorted, [[s["x1"], s["x3"], other],
                                                               [s["x2"]], [s["x4"]]]))
    default = ec2.describe_network_acls(Filters=[
        {"Name": "vpc-id", "Values": [x]}, {"Name": "default", "Values": ["true"]}])[
        "NetworkAcls"][0]["NetworkAclId"]
    acl_entry(ec2, default, 50, "deny", "10.1.4.0/24", ports=(22, 22))
    classes = forwarding_classes(mock.world, "subnet", vpc=x)
    assert len(classes) == 4 and [other] in classes
    answer = routing.matrix(mock.world, "subnet", port=443, vpc=x)
    assert answer.classes == 4 and len(answer) == 25


def test_zone_and_attachment_split_classes_only_when_a_transit_gateway_attaches(ec2, mock):
    built = hub_world(ec2)
    b = built["vpcs"]["b"]
    near = subnet(ec2, b, "10.12.3.0/24")           # zone a, not the attachment's subnet
    use_acl(ec2, near, built["guarded"])
    far = subnet(ec2, b, "10.12.4.0/24", "us-east-1b")
    classes = forwarding_classes(mock.world, "subnet", vpc=b)
    assert sorted(map(sorted, classes)) == sorted(map(sorted, [
        [built["subnets"]["b"]], [built["subnets"]["b-near"], near],
        [built["subnets"]["b-far"], far]]))


def test_matrix_covers_every_ordered_pair_of_its_scope(ec2, mock):
    built = peered_world(ec2)
    x = built["vpcs"]["x"]
    answer = routing.matrix(mock.world, "subnet", port=443, vpc=x)
    mine = [built["subnets"][n] for n in ("x1", "x2", "x3", "x4")]
    assert set(answer) == {(a, b) for a in mine for b in mine}
    everywhere = routing.matrix(mock.world, "subnet", port=443, region="us-east-1")
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]]
    assert set(everywhere) == {(a, b) for a in subnets for b in subnets}
    assert routing.matrix(mock.world, "subnet", region="eu-west-3") == {}


def test_matrix_reads_only(ec2, mock):
    built = peered_world(ec2)
    world = mock.world
    nodes, edges = world.graph.number_of_nodes(), world.graph.number_of_edges()
    state = world.rng.getstate()
    routing.matrix(world, "subnet", port=443)
    routing.matrix(world, "security-group", port=443)
    assert (world.graph.number_of_nodes(), world.graph.number_of_edges()) == (nodes, edges)
    assert world.rng.getstate() == state
    assert built["subnets"]["x1"] in world.graph


def test_matrix_grows_with_classes_not_members(ec2, mock):
    """Adding subnets alike to existing ones adds pairs, not walks."""
    built = peered_world(ec2)
    x = built["vpcs"]["x"]
    first = routing.matrix(mock.world, "subnet", port=443)
    for n in range(20, 30):
        subnet(ec2, x, f"10.1.{n}.0/24", "us-east-1b")
    second = routing.matrix(mock.world, "subnet", port=443)
    assert len(second) > len(first) and second.classes == first.classes
    assert second.walks == first.walks


@pytest.mark.parametrize("kwargs, message", [
    ({"kind": "vpc"}, "Value (vpc) for parameter kind is invalid. Valid values: subnet, "
                      "security-group."),
    ({"protocol": "gre"}, "Value (gre) for parameter protocol is invalid. Valid values: tcp, "
                          "udp, icmp, -1."),
    ({"port": 70000}, "Value (70000) for parameter port is invalid."),
])
def test_bad_arguments_are_refused(mock, kwargs, message):
    with pytest.raises(InvalidParameterValue) as err:
        routing.matrix(mock.world, **kwargs)
    assert err.value.message == message


def test_a_rule_inside_a_subnet_splits_its_interfaces(ec2, mock):
    """x2's ACL refuses HTTPS from 10.5.1.0/28, a corner of s1: members there are cut off,
    members elsewhere in s1 are not; the subnet matrix answers for s1's other addresses."""
    v = vpc(ec2, "10.5.0.0/16")
    s1, s2 = subnet(ec2, v, "10.5.1.0/24"), subnet(ec2, v, "10.5.2.0/24")
    acl = ec2.create_network_acl(VpcId=v)["NetworkAcl"]["NetworkAclId"]
    acl_entry(ec2, acl, 50, "deny", "10.5.1.0/28", ports=(443, 443))
    acl_entry(ec2, acl, 100, "allow", "0.0.0.0/0", protocol="-1", ports=None)
    acl_entry(ec2, acl, 100, "allow", "0.0.0.0/0", egress=True, protocol="-1", ports=None)
    use_acl(ec2, s2, acl)
    made = {name: ec2.create_security_group(GroupName=name, Description=name, VpcId=v)[
        "GroupId"] for name in ("inner", "outer", "target")}
    ec2.authorize_security_group_ingress(GroupId=made["target"], IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    eni = {}
    for name, where, ip in (("inner", s1, "10.5.1.6"), ("outer", s1, "10.5.1.100"),
                            ("target", s2, "10.5.2.10")):
        eni[name] = ec2.create_network_interface(SubnetId=where, Groups=[made[name]],
                                                 PrivateIpAddress=ip)[
            "NetworkInterface"]["NetworkInterfaceId"]
    groups = routing.matrix(mock.world, "security-group", port=443, vpc=v)
    for src in ("inner", "outer"):
        found = routing.reachability(mock.world, eni[src], eni["target"], destination_port=443)
        assert groups[(made[src], made["target"])] == found.network_path_found
    assert groups[(made["outer"], made["target"])]
    assert not groups[(made["inner"], made["target"])]
    assert groups.blocked_by[(made["inner"], made["target"])] == "SUBNET_ACL_RESTRICTION"
    assert [s1] in forwarding_classes(mock.world, "subnet", vpc=v)
    assert sorted(forwarding_classes(mock.world, "security-group", vpc=v)) == sorted(
        [[eni["inner"]], [eni["outer"]], [eni["target"]]])
    assert routing.matrix(mock.world, "subnet", port=443, vpc=v)[(s1, s2)]


def test_matrix_doctest():
    import doctest
    import sys

    failed, tried = doctest.testmod(sys.modules["routing.matrix"])
    assert tried and not failed
