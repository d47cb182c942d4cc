"""Reachability inside one VPC: subnets, security groups, network ACLs, route selection,
blackholes and middleboxes. Each rule is checked reachable and blocked."""
from __future__ import annotations

import pytest

import routing
from test_routing_lab import Lab, codes, ids, kinds, lab  # noqa: F401  (lab is a fixture)


@pytest.fixture
def net(lab: Lab) -> dict[str, str]:
    vpc = lab.vpc()
    return {"vpc": vpc, "a": lab.subnet(vpc, "10.0.1.0/24"), "b": lab.subnet(vpc, "10.0.2.0/24"),
            "c": lab.subnet(vpc, "10.0.3.0/24")}


# -- subnets and network ACLs ------------------------------------------------------------------
def test_same_subnet_reachable_without_acls(lab, net):
    one, _ = lab.instance(net["a"])
    two, _ = lab.instance(net["a"])
    answer = lab.reach(one, two, destination_port=22)
    assert answer.network_path_found
    assert "acl" not in kinds(answer.forward_path) + kinds(answer.return_path)
    assert ids(answer.forward_path)[0] == one and ids(answer.forward_path)[-1] == two
    assert ids(answer.return_path)[0] == two and ids(answer.return_path)[-1] == one


def test_acl_does_not_apply_between_interfaces_of_one_subnet(lab, net):
    one, _ = lab.instance(net["a"])
    two, _ = lab.instance(net["a"])
    lab.acl(net["vpc"], net["a"])                       # deny everything
    assert lab.reach(one, two, destination_port=22).network_path_found


def test_cross_subnet_reachable_through_both_acls(lab, net):
    one, eni = lab.instance(net["a"])
    two, _ = lab.instance(net["b"])
    answer = lab.reach(one, two, destination_port=22)
    assert answer.network_path_found
    path = answer.forward_path
    assert kinds(path) == ["i", "eni", "sg", "acl", "rtb", "acl", "sg", "eni", "i"]
    assert [s["AclRule"]["Egress"] for s in path if "AclRule" in s] == [True, False]
    assert path[4]["RouteTableRoute"]["GatewayId"] == "local"
    header = path[0]["OutboundHeader"]
    assert header["SourceAddresses"] == [lab.address_of(eni)]
    assert header["DestinationPortRanges"] == [{"From": 22, "To": 22}]
    assert header["Protocol"] == "6"
    back = answer.return_path
    assert kinds(back) == ["i", "eni", "acl", "rtb", "acl", "eni", "i"]   # no groups: stateful
    assert back[0]["OutboundHeader"]["SourcePortRanges"] == [{"From": 22, "To": 22}]


def test_acl_deny_blocks_with_the_denying_rule(lab, net):
    one, _ = lab.instance(net["a"])
    two, _ = lab.instance(net["b"])
    acl = lab.acl(net["vpc"], net["b"],
                  (100, False, "6", "deny", "10.0.1.0/24", 22, 22),
                  (200, False, "-1", "allow", "0.0.0.0/0", 0, 65535),
                  (100, True, "-1", "allow", "0.0.0.0/0", 0, 65535))
    answer = lab.reach(one, two, destination_port=22)
    assert codes(answer) == ["SUBNET_ACL_RESTRICTION"]
    found = answer.explanations[0]
    assert found["Acl"]["Id"] == acl and found["Direction"] == "ingress"
    assert found["AclRule"]["RuleNumber"] == 100 and found["AclRule"]["RuleAction"] == "deny"
    assert found["Subnet"]["Id"] == net["b"]
    assert lab.reach(one, two, destination_port=80).network_path_found


def test_acl_lowest_rule_number_wins(lab, net):
    one, _ = lab.instance(net["a"])
    two, _ = lab.instance(net["b"])
    lab.acl(net["vpc"], net["b"],
            (90, False, "-1", "deny", "0.0.0.0/0", 0, 65535),
            (100, False, "6", "allow", "0.0.0.0/0", 22, 22),
            (100, True, "-1", "allow", "0.0.0.0/0", 0, 65535))
    answer = lab.reach(one, two, destination_port=22)
    assert answer.explanations[0]["AclRule"]["RuleNumber"] == 90


def test_acl_default_deny_of_a_new_acl(lab, net):
    one, _ = lab.instance(net["a"])
    two, _ = lab.instance(net["b"])
    lab.acl(net["vpc"], net["a"])
    answer = lab.reach(one, two, destination_port=22)
    assert codes(answer) == ["SUBNET_ACL_RESTRICTION"]
    assert answer.explanations[0]["Direction"] == "egress"
    assert answer.explanations[0]["AclRule"]["RuleNumber"] == 32767


def test_asymmetric_acl_blocks_the_return_without_ephemeral_ports(lab, net):
    one, _ = lab.instance(net["a"])
    two, _ = lab.instance(net["b"])
    lab.acl(net["vpc"], net["b"],
            (100, False, "6", "allow", "0.0.0.0/0", 22, 22),
            (100, True, "6", "allow", "0.0.0.0/0", 22, 22))      # replies need 1024-65535
    answer = lab.reach(one, two, destination_port=22)
    assert not answer.network_path_found
    assert ids(answer.forward_path)[-1] == two                  # the request got there
    assert codes(answer) == ["SUBNET_ACL_RESTRICTION"]
    assert answer.explanations[0]["Direction"] == "egress"
    assert answer.explanations[0]["Subnet"]["Id"] == net["b"]
    assert ids(answer.return_path)[0] == two


def test_ephemeral_range_narrows_the_source_ports(lab, net):
    one, _ = lab.instance(net["a"])
    two, _ = lab.instance(net["b"])
    lab.acl(net["vpc"], net["b"],
            (100, False, "6", "allow", "0.0.0.0/0", 22, 22),
            (100, True, "6", "allow", "0.0.0.0/0", 32768, 65535))
    answer = lab.reach(one, two, destination_port=22)
    assert answer.network_path_found
    assert answer.forward_path[0]["OutboundHeader"]["SourcePortRanges"] == [
        {"From": 32768, "To": 65535}]
    assert answer.return_path[-1]["InboundHeader"]["DestinationPortRanges"] == [
        {"From": 32768, "To": 65535}]
    blocked = lab.reach(one, two, destination_port=22, source_port=2000)
    assert codes(blocked) == ["SUBNET_ACL_RESTRICTION"]


# -- security groups ---------------------------------------------------------------------------
def test_missing_ingress_rule(lab, net):
    web = lab.group(net["vpc"], "web", ("tcp", 443, "10.0.0.0/16"))
    one, _ = lab.instance(net["a"])
    two, eni = lab.instance(net["b"], web)
    answer = lab.reach(one, two, destination_port=22)
    assert codes(answer) == ["ENI_SG_RULES_MISMATCH"]
    found = answer.explanations[0]
    assert found["Direction"] == "ingress" and found["NetworkInterface"]["Id"] == eni
    assert [g["Id"] for g in found["SecurityGroups"]] == [web]
    assert lab.reach(one, two, destination_port=443).network_path_found


def test_group_rules_narrow_the_destination_ports(lab, net):
    web = lab.group(net["vpc"], "web", ("tcp", 443, "0.0.0.0/0"))
    one, _ = lab.instance(net["a"])
    two, _ = lab.instance(net["b"], web)
    answer = lab.reach(one, two)
    assert answer.network_path_found
    assert answer.forward_path[-1]["InboundHeader"]["DestinationPortRanges"] == [
        {"From": 443, "To": 443}]
    rule = next(s["SecurityGroupRule"] for s in answer.forward_path
                if s.get("SecurityGroupRule", {}).get("Direction") == "ingress")
    assert rule == {"Direction": "ingress", "SecurityGroupId": web, "Protocol": "tcp",
                    "Cidr": "0.0.0.0/0", "PortRange": {"From": 443, "To": 443}}


def test_missing_egress_rule(lab, net):
    closed = lab.group(net["vpc"], "closed", ("tcp", 22, "0.0.0.0/0"),
                       egress=[("tcp", 443, "0.0.0.0/0")])
    opened = lab.group(net["vpc"], "open", ("tcp", 22, "0.0.0.0/0"), ("tcp", 443, "0.0.0.0/0"))
    one, eni = lab.instance(net["a"], closed)
    two, _ = lab.instance(net["b"], opened)
    answer = lab.reach(one, two, destination_port=22)
    assert codes(answer) == ["ENI_SG_RULES_MISMATCH"]
    assert answer.explanations[0]["Direction"] == "egress"
    assert answer.explanations[0]["Component"]["Id"] == eni
    assert lab.reach(one, two, destination_port=443).network_path_found


def test_security_groups_are_stateful(lab, net):
    inbound_only = lab.group(net["vpc"], "in", ("tcp", 22, "0.0.0.0/0"), egress=[])
    one, _ = lab.instance(net["a"])
    two, _ = lab.instance(net["b"], inbound_only)
    assert lab.reach(one, two, destination_port=22).network_path_found


def test_group_reference_matches_member_interfaces(lab, net):
    app = lab.group(net["vpc"], "app")
    db = lab.group(net["vpc"], "db", ("tcp", 5432, app))
    client, _ = lab.instance(net["a"], app)
    stranger, _ = lab.instance(net["a"])
    server, _ = lab.instance(net["b"], db)
    assert lab.reach(client, server, destination_port=5432).network_path_found
    answer = lab.reach(stranger, server, destination_port=5432)
    assert codes(answer) == ["ENI_SG_RULES_MISMATCH"]


def test_prefix_list_rule(lab, net):
    pl = lab.ec2.create_managed_prefix_list(
        PrefixListName="office", MaxEntries=5, AddressFamily="IPv4",
        Entries=[{"Cidr": "10.0.1.0/24"}])["PrefixList"]["PrefixListId"]
    db = lab.group(net["vpc"], "db", ("tcp", 5432, pl))
    near, _ = lab.instance(net["a"])
    far, _ = lab.instance(net["c"])
    server, _ = lab.instance(net["b"], db)
    assert lab.reach(near, server, destination_port=5432).network_path_found
    assert codes(lab.reach(far, server, destination_port=5432)) == ["ENI_SG_RULES_MISMATCH"]


# -- routes ------------------------------------------------------------------------------------
def test_no_route_to_destination(lab, net):
    one, _ = lab.instance(net["a"])
    answer = lab.reach(one, destination_ip="172.20.0.5", destination_port=443)
    assert codes(answer) == ["NO_ROUTE_TO_DESTINATION"]
    assert answer.explanations[0]["RouteTable"]["Id"] == lab.main_table(net["vpc"])
    assert answer.explanations[0]["Address"] == "172.20.0.5"


def test_explicit_association_beats_the_main_table(lab, net):
    one, _ = lab.instance(net["a"], lab.group(net["vpc"], "g"))
    rtb = lab.table(net["vpc"], net["a"])
    igw = lab.igw(net["vpc"])
    lab.route(lab.main_table(net["vpc"]), "0.0.0.0/0", GatewayId=igw)
    answer = lab.reach(one, destination_ip="8.8.8.8", destination_port=443)
    assert codes(answer) == ["NO_ROUTE_TO_DESTINATION"]
    assert answer.explanations[0]["RouteTable"]["Id"] == rtb


def test_blackhole_drops_without_falling_back(lab, net):
    igw = lab.igw(net["vpc"])
    one, _ = lab.instance(net["a"], public=True)
    rtb = lab.main_table(net["vpc"])
    lab.route(rtb, "0.0.0.0/0", GatewayId=igw)
    alloc = lab.ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = lab.ec2.create_nat_gateway(SubnetId=net["c"], AllocationId=alloc)["NatGateway"]
    lab.route(rtb, "8.8.8.0/24", NatGatewayId=nat["NatGatewayId"])
    assert lab.reach(one, destination_ip="8.8.4.4", destination_port=443).network_path_found
    lab.ec2.delete_nat_gateway(NatGatewayId=nat["NatGatewayId"])
    answer = lab.reach(one, destination_ip="8.8.8.8", destination_port=443)
    assert codes(answer) == ["BAD_STATE_ROUTE"]
    found = answer.explanations[0]
    assert found["RouteTableRoute"]["State"] == "blackhole"
    assert found["RouteTableRoute"]["DestinationCidr"] == "8.8.8.0/24"
    assert found["NatGateway"]["Id"] == nat["NatGatewayId"]


def test_longest_prefix_wins(lab, net):
    igw = lab.igw(net["vpc"])
    one, _ = lab.instance(net["a"], public=True)
    rtb = lab.main_table(net["vpc"])
    lab.route(rtb, "0.0.0.0/0", GatewayId=igw)
    alloc = lab.ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = lab.ec2.create_nat_gateway(SubnetId=net["c"], AllocationId=alloc)["NatGateway"]
    lab.route(rtb, "8.8.8.0/24", NatGatewayId=nat["NatGatewayId"])
    through_nat = lab.reach(one, destination_ip="8.8.8.8", destination_port=443)
    assert nat["NatGatewayId"] in ids(through_nat.forward_path)
    direct = lab.reach(one, destination_ip="9.9.9.9", destination_port=443)
    assert direct.network_path_found
    assert nat["NatGatewayId"] not in ids(direct.forward_path)


def test_middlebox_route_overrides_local(lab, net):
    one, _ = lab.instance(net["a"])
    two, _ = lab.instance(net["b"])
    _, appliance = lab.instance(net["c"])
    rtb = lab.table(net["vpc"], net["a"])
    lab.route(rtb, "10.0.2.0/24", NetworkInterfaceId=appliance)
    answer = lab.reach(one, two, destination_port=22)
    assert codes(answer) == ["ENI_SOURCE_DEST_CHECK_RESTRICTION"]
    assert answer.explanations[0]["NetworkInterface"]["Id"] == appliance
    lab.ec2.modify_network_interface_attribute(NetworkInterfaceId=appliance,
                                               SourceDestCheck={"Value": False})
    answer = lab.reach(one, two, destination_port=22)
    assert answer.network_path_found
    assert appliance in ids(answer.forward_path)
    assert appliance not in ids(answer.return_path)     # the reply takes the local route


def test_middlebox_security_groups_apply(lab, net):
    one, _ = lab.instance(net["a"])
    two, _ = lab.instance(net["b"])
    guarded = lab.group(net["vpc"], "guarded", ("tcp", 443, "0.0.0.0/0"))
    _, appliance = lab.instance(net["c"], guarded)
    lab.ec2.modify_network_interface_attribute(NetworkInterfaceId=appliance,
                                               SourceDestCheck={"Value": False})
    lab.route(lab.table(net["vpc"], net["a"]), "10.0.2.0/24", NetworkInterfaceId=appliance)
    assert codes(lab.reach(one, two, destination_port=22)) == ["ENI_SG_RULES_MISMATCH"]
    assert lab.reach(one, two, destination_port=443).network_path_found


def test_destination_ip_of_an_instance(lab, net):
    one, _ = lab.instance(net["a"])
    two, eni = lab.instance(net["b"])
    answer = lab.reach(one, destination_ip=lab.address_of(eni), destination_port=22)
    assert answer.network_path_found and ids(answer.forward_path)[-1] == two


def test_wrong_address_for_the_source(lab, net):
    one, _ = lab.instance(net["a"])
    two, _ = lab.instance(net["b"])
    answer = lab.reach(one, two, source_ip="10.0.9.9")
    assert codes(answer) == ["ENI_ADDRESS_RESTRICTION"]


def test_unknown_and_unsupported_ids(lab, net):
    one, _ = lab.instance(net["a"])
    assert codes(lab.reach(one, "i-0123456789abcdef0")) == ["UNKNOWN_RESOURCE"]
    assert codes(lab.reach(one, net["b"])) == ["UNSUPPORTED_COMPONENT"]
    assert codes(lab.reach(one)) == ["NO_SOURCE_OR_DESTINATION"]


def test_bad_protocol_is_a_client_error(lab, net):
    one, _ = lab.instance(net["a"])
    with pytest.raises(routing.analysis.InvalidParameterValue):
        routing.reachability(lab.world, one, one, protocol="sctp")


def test_all_protocols_finds_the_open_one(lab, net):
    pinged = lab.group(net["vpc"], "ping", ("icmp", -1, "0.0.0.0/0"))
    one, _ = lab.instance(net["a"])
    two, _ = lab.instance(net["b"], pinged)
    answer = lab.reach(one, two, protocol="-1")
    assert answer.network_path_found
    assert answer.forward_path[0]["OutboundHeader"]["Protocol"] == "1"
    assert "DestinationPortRanges" not in answer.forward_path[0]["OutboundHeader"]
    assert codes(lab.reach(one, two, protocol="udp")) == ["ENI_SG_RULES_MISMATCH"]


def test_the_world_is_not_changed(lab, net):
    one, _ = lab.instance(net["a"])
    two, _ = lab.instance(net["b"])
    before = (lab.world.graph.number_of_nodes(), lab.world.graph.number_of_edges(),
              len(lab.world.partitions()))
    lab.reach(one, two)
    lab.reach(one, destination_ip="8.8.8.8")
    assert (lab.world.graph.number_of_nodes(), lab.world.graph.number_of_edges(),
            len(lab.world.partitions())) == before
