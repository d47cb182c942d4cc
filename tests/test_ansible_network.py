"""Ansible's amazon.aws network modules against `ec2sim serve`.

Each playbook runs every module the same way: a check-mode create first (so the real create
reporting a change shows check mode made nothing), the create, an idempotent re-run, an
update, the `_info` module, and the delete. The tests assert what the modules return and
what boto3 then sees on the server.
"""
from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.server, pytest.mark.ansible]


def changes(out: dict[str, Any], *names: str) -> list[bool]:
    return [out[name]["changed"] for name in names]


def lifecycle(out: dict[str, Any], prefix: str) -> None:
    """check mode, create, re-run and update report changed, changed, unchanged, changed."""
    assert changes(out, f"create {prefix} in check mode", f"create {prefix}",
                   f"create {prefix} again", f"update {prefix}") == [True, True, False, True]


def test_subnet_gateways_and_route_tables(playbook: Any, server_ec2: Any) -> None:
    out = playbook("network.yml")
    vpc_id = out["create vpc"]["vpc"]["id"]
    for prefix in ("subnet", "igw", "egress igw", "route table"):
        lifecycle(out, prefix)

    subnet = out["update subnet"]["subnet"]
    assert subnet["id"] == out["create subnet"]["subnet"]["id"]
    assert (subnet["cidr_block"], subnet["availability_zone"], subnet["vpc_id"]) == \
        ("10.20.1.0/24", "us-east-1a", vpc_id)
    assert subnet["map_public_ip_on_launch"] and subnet["assign_ipv6_address_on_creation"]
    assert subnet["ipv6_cidr_block"].endswith("::/64")
    assert subnet["tags"] == {"Name": "ansible-subnet", "tier": "public"}
    assert [s["id"] for s in out["subnet info"]["subnets"]] == [subnet["id"]]
    assert out["subnet info"]["subnets"][0]["ipv6_cidr_block_association_set"][0][
        "ipv6_cidr_block_state"] == {"state": "associated"}
    v4 = out["remove subnet ipv6"]    # the module waits to see the block disassociated
    assert v4["changed"] and v4["subnet"]["ipv6_cidr_block"] == ""
    assert not v4["subnet"]["assign_ipv6_address_on_creation"]

    igw_id = out["create igw"]["gateway_id"]
    assert out["update igw"]["tags"] == {"Name": "ansible-igw", "env": "test"}
    [igw] = out["igw info"]["internet_gateways"]
    assert igw["internet_gateway_id"] == igw_id
    assert igw["attachments"] == [{"state": "available", "vpc_id": vpc_id}]

    eigw_id = out["create egress igw"]["gateway_id"]
    assert eigw_id.startswith("eigw-") and out["create egress igw again"]["gateway_id"] == eigw_id
    [eigw] = out["egress igw info"]["egress_only_internet_gateways"]
    assert eigw["attachments"] == [{"state": "attached", "vpc_id": vpc_id}]
    assert eigw["tags"] == {"Name": "ansible-eigw", "env": "test"}

    table = out["update route table"]["route_table"]
    assert out["update route table again"]["changed"] is False
    routes = {r.get("destination_cidr_block") or r["destination_ipv6_cidr_block"]: r
              for r in table["routes"]}
    assert routes["10.20.0.0/16"]["gateway_id"] == "local"
    assert routes["0.0.0.0/0"]["gateway_id"] == igw_id
    assert routes["192.168.0.0/24"]["gateway_id"] == igw_id
    assert routes["::/0"]["egress_only_internet_gateway_id"] == eigw_id
    assert all(r["state"] == "active" for r in table["routes"])
    assert [a["subnet_id"] for a in table["associations"]] == [subnet["id"]]
    edge = out["associate igw as edge gateway"]["route_table"]
    assert [a["gateway_id"] for a in edge["associations"]] == [igw_id]
    [info] = out["route table info"]["route_tables"]
    assert info["id"] == table["id"] and info["tags"] == {"Name": "ansible-public"}

    assert out["delete route table in check mode"]["changed"] is True
    assert all(r["changed"] for r in out["delete route tables"]["results"])
    assert changes(out, "delete egress igw", "delete igw", "delete subnet",
                   "delete subnet again") == [True, True, True, False]
    # what is left: the VPC and its main route table, nothing the check-mode tasks made
    assert server_ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])[
        "Subnets"] == []
    assert [t["Associations"][0]["Main"] for t in server_ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]] == [True]
    assert server_ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"] == []
    assert server_ec2.describe_egress_only_internet_gateways()[
        "EgressOnlyInternetGateways"] == []


def test_network_acls_security_groups_and_dhcp_options(playbook: Any, server_ec2: Any) -> None:
    out = playbook("policy.yml")
    vpc_id = out["create vpc"]["vpc"]["id"]
    subnet_ids = [r["subnet"]["id"] for r in out["create subnets"]["results"]]
    for prefix in ("nacl", "security group", "dhcp options"):
        lifecycle(out, prefix)

    nacl_id = out["create nacl"]["nacl_id"]
    assert out["update nacl"]["nacl_id"] == nacl_id
    assert out["update nacl again"]["changed"] is False
    [nacl] = out["nacl info"]["nacls"]
    assert nacl["nacl_id"] == nacl_id and nacl["vpc_id"] == vpc_id
    assert sorted(nacl["subnets"]) == sorted(subnet_ids)
    assert nacl["ingress"] == [[100, "tcp", "allow", "0.0.0.0/0", None, None, 443, 443],
                               [150, "udp", "deny", "10.0.0.0/8", None, None, 53, 53]]
    assert nacl["egress"] == [[100, "all", "allow", "0.0.0.0/0", None, None, 0, 65535]]
    assert nacl["tags"] == {"Name": "ansible-nacl", "env": "prod"}

    group = out["update security group"]
    assert group["group_id"] == out["create security group"]["group_id"]
    assert out["update security group again"]["changed"] is False
    assert (group["group_name"], group["vpc_id"], group["tags"]) == \
        ("ansible-sg", vpc_id, {"env": "prod"})
    ingress = {(p["ip_protocol"], p["from_port"], p["to_port"]): p for p in group["ip_permissions"]}
    assert sorted(r["cidr_ip"] for r in ingress["tcp", 443, 443]["ip_ranges"]) == \
        ["10.0.0.0/8", "192.168.0.0/16"]
    assert [p["group_id"] for p in ingress["tcp", 8000, 8100]["user_id_group_pairs"]] == \
        [group["group_id"]]
    assert ingress["icmp", 8, -1]["ipv6_ranges"] == [{"cidr_ipv6": "::/0"}]
    assert [(p["ip_protocol"], p["from_port"], p["ip_ranges"]) for p in
            group["ip_permissions_egress"]] == [("tcp", 443, [{"cidr_ip": "0.0.0.0/0"}])]
    [info] = out["security group info"]["security_groups"]
    assert info["group_id"] == group["group_id"]
    assert info["ip_permissions"] == group["ip_permissions"]

    created = out["create dhcp options"]
    assert out["create dhcp options again"]["dhcp_options_id"] == created["dhcp_options_id"]
    assert created["dhcp_config"] == {
        "domain-name": ["example.internal"], "domain-name-servers": ["10.30.0.2", "10.30.0.3"],
        "ntp-servers": ["10.30.0.4"], "netbios-name-servers": ["10.30.0.5"]}
    updated = out["update dhcp options"]
    assert updated["dhcp_options_id"] != created["dhcp_options_id"]
    # inherit_existing keeps the options the update does not name
    assert updated["dhcp_config"]["domain-name-servers"] == ["AmazonProvidedDNS"]
    assert updated["dhcp_config"]["ntp-servers"] == ["10.30.0.4"]
    assert [d["dhcp_options_id"] for d in out["dhcp options info"]["dhcp_options"]] == \
        [updated["dhcp_options_id"]]   # delete_old removed the set the VPC had
    assert out["dhcp options info"]["dhcp_options"][0]["tags"] == {"Name": "ansible-dhcp"}

    assert changes(out, "give the vpc its first dhcp options back", "delete dhcp options",
                   "delete security group in check mode", "delete security group",
                   "delete nacl", "delete nacl again") == [True, True, True, True, True, False]
    [vpc] = server_ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    assert vpc["DhcpOptionsId"] == out["create vpc"]["vpc"]["dhcp_options_id"]
    assert [g["GroupName"] for g in server_ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]] == ["default"]
    [acl] = server_ec2.describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkAcls"]
    assert acl["IsDefault"] and len(acl["Associations"]) == 2   # subnets back on the default
    assert server_ec2.describe_dhcp_options(
        Filters=[{"Name": "tag:Name", "Values": ["ansible-dhcp"]}])["DhcpOptions"] == []


def test_nat_gateways_peering_vgw_and_vpn(playbook: Any, server_ec2: Any) -> None:
    out = playbook("gateways.yml")
    left, right = (r["vpc"]["id"] for r in out["create vpcs"]["results"])
    subnet_id = out["create subnet"]["subnet"]["id"]
    for prefix in ("nat gateway", "vgw", "vpn"):
        lifecycle(out, prefix)
    assert changes(out, "create peering in check mode", "create peering",
                   "create peering again", "accept peering") == [True, True, False, True]

    nat = out["update nat gateway"]
    assert nat["nat_gateway_id"] == out["create nat gateway"]["nat_gateway_id"]
    assert (nat["state"], nat["subnet_id"], nat["vpc_id"], nat["connectivity_type"]) == \
        ("available", subnet_id, left, "public")
    [address] = nat["nat_gateway_addresses"]
    assert address["allocation_id"].startswith("eipalloc-") and address["public_ip"]
    assert nat["tags"] == {"Name": "ansible-nat", "env": "test"}
    private = out["create private nat gateway"]
    assert private["connectivity_type"] == "private"
    assert "public_ip" not in private["nat_gateway_addresses"][0]
    assert sorted(g["nat_gateway_id"] for g in out["nat gateway info"]["result"]) == \
        sorted([nat["nat_gateway_id"], private["nat_gateway_id"]])

    peering = out["create peering"]   # the module waited to see it pending acceptance
    assert peering["vpc_peering_connection"]["status"]["code"] in \
        ("initiating-request", "pending-acceptance")
    accepted = out["accept peering"]["vpc_peering_connection"]
    assert accepted["status"]["code"] == "active"
    assert accepted["requester_vpc_info"]["vpc_id"] == left
    assert accepted["accepter_vpc_info"]["cidr_block"] == "10.41.0.0/16"
    [info] = out["peering info"]["vpc_peering_connections"]
    assert info["vpc_peering_connection_id"] == peering["peering_id"]
    assert info["tags"] == {"Name": "ansible-peer", "env": "test"}

    vgw = out["update vgw"]["vgw"]
    assert vgw["id"] == out["create vgw"]["vgw"]["id"]
    assert (vgw["state"], vgw["type"], vgw["vpc_id"]) == ("available", "ipsec.1", right)
    assert vgw["tags"] == {"Name": "ansible-vgw", "env": "prod"}
    [vgw_info] = out["vgw info"]["virtual_gateways"]
    assert vgw_info["vpc_attachments"] == [{"state": "attached", "vpc_id": right}]
    moved = out["move vgw"]
    assert moved["changed"] and moved["vgw"]["vpc_id"] == left

    vpn_id = out["create vpn"]["vpn_connection_id"]
    [vpn] = out["vpn info"]["vpn_connections"]
    assert vpn["vpn_connection_id"] == vpn_id and vpn["state"] == "available"
    assert (vpn["vpn_gateway_id"], vpn["type"]) == (vgw["id"], "ipsec.1")
    assert vpn["options"]["static_routes_only"] is True
    assert vpn["routes"] == [{"destination_cidr_block": "192.168.20.0/24", "source": "Static",
                              "state": "available"}]
    assert vpn["tags"] == {"Name": "ansible-vpn", "env": "test"}
    assert len(vpn["vgw_telemetry"]) == 2

    table = out["route to gateways"]["route_table"]
    assert out["route to gateways again"]["changed"] is False
    routes = {r["destination_cidr_block"]: r for r in table["routes"]}
    assert routes["0.0.0.0/0"]["nat_gateway_id"] == nat["nat_gateway_id"]
    assert routes["10.41.0.0/16"]["vpc_peering_connection_id"] == peering["peering_id"]
    assert [a["subnet_id"] for a in table["associations"]] == [subnet_id]
    assert table["propagating_vgws"] == [{"gateway_id": vgw["id"]}]
    [vpn_route] = [r for r in table["routes"] if r["origin"] == "EnableVgwRoutePropagation"]
    assert (vpn_route["destination_cidr_block"], vpn_route["gateway_id"]) == \
        ("192.168.20.0/24", vgw["id"])

    assert changes(out, "delete route table", "delete vpn", "delete vgw", "delete peering",
                   "delete nat gateways") == [True] * 5
    assert {r["state"] for r in out["delete nat gateways"]["results"]} == {"deleted"}
    # one of each, all deleted: the check-mode tasks made nothing
    assert [(v["VpnConnectionId"], v["State"]) for v in
            server_ec2.describe_vpn_connections()["VpnConnections"]] == [(vpn_id, "deleted")]
    assert [(g["VpnGatewayId"], g["State"]) for g in
            server_ec2.describe_vpn_gateways()["VpnGateways"]] == [(vgw["id"], "deleted")]
    assert [(p["VpcPeeringConnectionId"], p["Status"]["Code"]) for p in
            server_ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]] == \
        [(peering["peering_id"], "deleted")]
    # release_eip gave the public NAT gateway's address back; check mode made no gateway
    assert server_ec2.describe_addresses()["Addresses"] == []
    assert len(server_ec2.describe_nat_gateways()["NatGateways"]) == 2


def test_transit_gateways_and_vpc_endpoints(playbook: Any, server_ec2: Any) -> None:
    out = playbook("transit.yml")
    vpc_id = out["create vpc"]["vpc"]["id"]
    subnet_ids = [r["subnet"]["id"] for r in out["create subnets"]["results"]]
    lifecycle(out, "transit gateway")
    lifecycle(out, "gateway endpoint")
    assert changes(out, "attach vpc in check mode", "attach vpc", "attach vpc again",
                   "update attachment") == [True, True, False, True]

    tgw = out["update transit gateway"]["transit_gateway"]
    tgw_id = tgw["transit_gateway_id"]
    assert out["create transit gateway"]["transit_gateway"]["transit_gateway_id"] == tgw_id
    assert (tgw["state"], tgw["description"]) == ("available", "ansible transit gateway")
    assert tgw["options"]["amazon_side_asn"] == 64520
    assert tgw["options"]["default_route_table_association"] == "enable"
    assert tgw["options"]["default_route_table_propagation"] == "disable"
    assert tgw["tags"] == {"Name": "ansible-tgw", "env": "test"}
    [tgw_info] = out["transit gateway info"]["transit_gateways"]
    assert tgw_info["transit_gateway_id"] == tgw_id and tgw_info["tags"] == tgw["tags"]

    [attachment] = out["update attachment"]["attachments"]
    assert attachment["transit_gateway_attachment_id"] == \
        out["attach vpc"]["attachments"][0]["transit_gateway_attachment_id"]
    assert (attachment["state"], attachment["vpc_id"], attachment["transit_gateway_id"]) == \
        ("available", vpc_id, tgw_id)
    assert sorted(attachment["subnet_ids"]) == sorted(subnet_ids)
    assert attachment["options"]["appliance_mode_support"] == "enable"
    assert attachment["options"]["dns_support"] == "enable"
    assert attachment["tags"] == {"Name": "ansible-attachment", "env": "test"}
    assert out["attachment info"]["attachments"] == out["update attachment"]["attachments"]

    services = {(s["service_name"], s["service_type"][0]["service_type"])
                for s in out["endpoint service info"]["service_details"]}
    assert {("com.amazonaws.us-east-1.s3", "Gateway"),
            ("com.amazonaws.us-east-1.ssm", "Interface")} <= services

    gateway = out["update gateway endpoint"]["result"]
    assert gateway["vpc_endpoint_id"] == out["create gateway endpoint"]["result"]["vpc_endpoint_id"]
    assert (gateway["state"], gateway["vpc_endpoint_type"], gateway["vpc_id"]) == \
        ("available", "Gateway", vpc_id)
    assert gateway["route_table_ids"] == [out["main route table"]["route_tables"][0]["id"]]
    interface = out["create interface endpoint"]["result"]
    assert (interface["vpc_endpoint_type"], interface["subnet_ids"]) == \
        ("Interface", [subnet_ids[0]])
    assert len(interface["network_interface_ids"]) == 1 and interface["dns_entries"]
    assert sorted(e["vpc_endpoint_id"] for e in out["endpoint info"]["vpc_endpoints"]) == \
        sorted([gateway["vpc_endpoint_id"], interface["vpc_endpoint_id"]])

    assert changes(out, "delete endpoint in check mode", "delete endpoints",
                   "delete attachment", "delete transit gateway") == [True] * 4
    assert out["delete transit gateway"]["transit_gateway"]["state"] == "deleted"
    assert server_ec2.describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                 {"Name": "vpc-endpoint-state", "Values": ["available"]}])["VpcEndpoints"] == []
    assert [t["State"] for t in server_ec2.describe_transit_gateways()["TransitGateways"]] == \
        ["deleted"]   # check mode made no second gateway
    assert [a["State"] for a in server_ec2.describe_transit_gateway_vpc_attachments()[
        "TransitGatewayVpcAttachments"]] in ([], ["deleted"])
