"""Secondary networks, secondary subnets, secondary network ACLs (entries, associations) and
secondary interfaces through boto3, in-process and against the server."""
from __future__ import annotations

import json
from typing import Any

import pytest

from helpers import fails
from topology.network import secondary_acls, secondary_networks
from topology.provision import state


def rdma(ec2: Any, cidr: str = "10.8.0.0/16") -> str:
    return ec2.create_secondary_network(NetworkType="rdma", Ipv4CidrBlock=cidr)[
        "SecondaryNetwork"]["SecondaryNetworkId"]


def edge(ec2: Any, zone: str = "us-east-1b") -> str:
    return ec2.create_secondary_network(NetworkType="virtual-edge", VlanMode="access",
                                        AvailabilityZone=zone)["SecondaryNetwork"][
        "SecondaryNetworkId"]


def subnet(ec2: Any, sn: str, cidr: str, zone: str = "us-east-1b", **kwargs: Any) -> str:
    params = {"Ipv4CidrBlock": cidr} if ":" not in cidr else {"Ipv6CidrBlock": cidr}
    return ec2.create_secondary_subnet(SecondaryNetworkId=sn, AvailabilityZone=zone,
                                       **params, **kwargs)["SecondarySubnet"][
        "SecondarySubnetId"]


def entry(rule: int, protocol: int = 6, direction: str = "ingress", action: str = "allow",
          **kwargs: Any) -> dict[str, Any]:
    out = {"RuleNumber": rule, "Protocol": protocol, "Direction": direction, "Action": action,
           "Ipv4CidrBlock": "10.0.0.0/8"}
    if protocol in (6, 17):
        out["PortRange"] = {"From": 443, "To": 443}
    return {**out, **kwargs}


# -- networks ---------------------------------------------------------------------------------
def test_rdma_network_states_from_create_to_delete(ec2):
    made = ec2.create_secondary_network(NetworkType="rdma", Ipv4CidrBlock="10.8.0.0/16",
                                        ClientToken="t1", TagSpecifications=[
        {"ResourceType": "secondary-network", "Tags": [{"Key": "Name", "Value": "hpc"}]}])
    network = made["SecondaryNetwork"]
    assert made["ClientToken"] == "t1"
    assert network["State"] == "create-in-progress"
    assert network["SecondaryNetworkId"].startswith("sn-")
    [block] = network["Ipv4CidrBlockAssociations"]
    assert block["AssociationId"].startswith("sn-cidr-assoc-")
    assert (block["CidrBlock"], block["State"]) == ("10.8.0.0/16", "associating")
    sn = network["SecondaryNetworkId"]
    shown = ec2.describe_secondary_networks(SecondaryNetworkIds=[sn])["SecondaryNetworks"][0]
    assert shown["State"] == "create-complete"
    assert shown["Ipv4CidrBlockAssociations"][0]["State"] == "associated"
    assert shown["SecondaryNetworkArn"] == \
        f"arn:aws:ec2:us-east-1:123456789012:secondary-network/{sn}"
    assert "VlanMode" not in shown and "AvailabilityZone" not in shown
    gone = ec2.delete_secondary_network(SecondaryNetworkId=sn)["SecondaryNetwork"]
    assert gone["State"] == "delete-in-progress"
    shown = ec2.describe_secondary_networks(SecondaryNetworkIds=[sn])["SecondaryNetworks"][0]
    assert shown["State"] == "delete-complete"
    assert fails(ec2.delete_secondary_network, SecondaryNetworkId=sn)[0] == "InvalidState"


def test_network_parameters_by_type(ec2):
    assert fails(ec2.create_secondary_network, NetworkType="rdma")[0] == "MissingParameter"
    assert fails(ec2.create_secondary_network, NetworkType="rdma",
                 Ipv4CidrBlock="10.0.0.0/8")[0] == "InvalidParameterValue"       # > /12
    assert fails(ec2.create_secondary_network, NetworkType="rdma",
                 Ipv4CidrBlock="10.0.0.0/29")[0] == "InvalidParameterValue"      # < /28
    assert fails(ec2.create_secondary_network, NetworkType="rdma",
                 Ipv4CidrBlock="10.0.0.1/16")[0] == "InvalidParameterValue"
    assert fails(ec2.create_secondary_network, NetworkType="rdma",
                 Ipv4CidrBlock="10.0.0.0/16", VlanMode="access")[0] == \
        "InvalidParameterCombination"
    assert fails(ec2.create_secondary_network, NetworkType="virtual-edge",
                 AvailabilityZone="us-east-1a")[0] == "MissingParameter"
    assert fails(ec2.create_secondary_network, NetworkType="virtual-edge", VlanMode="access",
                 AvailabilityZone="us-east-1a", AvailabilityZoneId="use1-az1")[0] == \
        "InvalidParameterCombination"
    assert fails(ec2.create_secondary_network, NetworkType="virtual-edge", VlanMode="access",
                 AvailabilityZone="us-east-1a", DefaultNativeVlan=4095)[0] == \
        "InvalidParameterValue"
    assert ec2.describe_secondary_networks()["SecondaryNetworks"] == []
    network = ec2.create_secondary_network(NetworkType="virtual-edge", VlanMode="access",
                                           AvailabilityZoneId="use1-az2",
                                           DefaultNativeVlan=100)["SecondaryNetwork"]
    assert (network["AvailabilityZone"], network["DefaultNativeVlan"]) == ("us-east-1b", 100)
    assert "Ipv4CidrBlockAssociations" not in network


def test_network_filters(ec2):
    first, second = rdma(ec2), edge(ec2)
    by = {f: [n["SecondaryNetworkId"] for n in ec2.describe_secondary_networks(
        Filters=[{"Name": f, "Values": [v]}])["SecondaryNetworks"]]
          for f, v in (("type", "virtual-edge"), ("ipv4-cidr-block-association.cidr-block",
                                                  "10.8.0.0/16"), ("vlan-mode", "access"),
                       ("availability-zone", "us-east-1b"), ("state", "create-complete"))}
    assert by == {"type": [second], "ipv4-cidr-block-association.cidr-block": [first],
                  "vlan-mode": [second], "availability-zone": [second],
                  "state": [first, second]}
    assert fails(ec2.describe_secondary_networks, Filters=[
        {"Name": "bogus", "Values": ["x"]}])[0] == "InvalidParameterValue"


# -- subnets ----------------------------------------------------------------------------------
def test_rdma_subnets_take_blocks_of_their_network_without_overlap(ec2):
    sn = rdma(ec2)
    made = ec2.create_secondary_subnet(SecondaryNetworkId=sn, Ipv4CidrBlock="10.8.1.0/24",
                                       AvailabilityZone="us-east-1a")["SecondarySubnet"]
    assert made["State"] == "create-in-progress"
    assert made["Ipv4CidrBlockAssociations"][0]["State"] == "associating"
    assert (made["SecondaryNetworkType"], made["AvailabilityZoneId"]) == ("rdma", "use1-az1")
    assert fails(subnet, ec2, sn, "10.8.1.128/25", "us-east-1a") == (
        "InvalidSecondarySubnet.Conflict",
        "The CIDR '10.8.1.128/25' conflicts with another secondary subnet.")
    assert fails(subnet, ec2, sn, "10.9.0.0/24", "us-east-1a")[0] == \
        "InvalidSecondarySubnet.Range"
    assert fails(subnet, ec2, sn, "2600:1f10::/56", "us-east-1a")[0] == \
        "InvalidParameterCombination"
    assert fails(ec2.create_secondary_subnet, SecondaryNetworkId=sn,
                 Ipv4CidrBlock="10.8.2.0/24")[0] == "InvalidParameterCombination"
    second = subnet(ec2, sn, "10.8.2.0/24", "us-east-1c")
    listed = ec2.describe_secondary_subnets(Filters=[
        {"Name": "secondary-network-id", "Values": [sn]}])["SecondarySubnets"]
    assert [s["SecondarySubnetId"] for s in listed] == [made["SecondarySubnetId"], second]
    assert {s["State"] for s in listed} == {"create-complete"}
    assert fails(ec2.delete_secondary_network, SecondaryNetworkId=sn)[0] == \
        "DependencyViolation"


def test_deleted_subnet_frees_its_block(ec2):
    sn = rdma(ec2)
    ss = subnet(ec2, sn, "10.8.1.0/24", "us-east-1a")
    gone = ec2.delete_secondary_subnet(SecondarySubnetId=ss)["SecondarySubnet"]
    assert gone["State"] == "delete-in-progress"
    assert gone["Ipv4CidrBlockAssociations"][0]["State"] == "disassociating"
    assert ec2.describe_secondary_subnets(SecondarySubnetIds=[ss])["SecondarySubnets"][0][
        "State"] == "delete-complete"
    subnet(ec2, sn, "10.8.1.0/24", "us-east-1a")          # the block is free again
    assert fails(ec2.create_secondary_subnet, SecondaryNetworkId="sn-0123456789abcdef0",
                 Ipv4CidrBlock="10.8.3.0/24", AvailabilityZone="us-east-1a")[0] == \
        "InvalidSecondaryNetworkId.NotFound"


def test_edge_subnets_in_the_network_zone_and_ipv6(ec2):
    sn = edge(ec2)
    assert fails(subnet, ec2, sn, "192.168.0.0/24", "us-east-1a")[0] == \
        "InvalidParameterValue"
    v6 = subnet(ec2, sn, "2600:1f10:0:1::/64")
    shown = ec2.describe_secondary_subnets(SecondarySubnetIds=[v6])["SecondarySubnets"][0]
    assert shown["Ipv6CidrBlockAssociations"][0]["Ipv6CidrBlock"] == "2600:1f10:0:1::/64"
    assert shown["Ipv4CidrBlockAssociations"] == []
    assert fails(subnet, ec2, sn, "2600:1f10::/40")[0] == "InvalidParameterValue"


# -- ACLs -------------------------------------------------------------------------------------
@pytest.fixture
def acl_setup(ec2: Any) -> dict[str, str]:
    sn = edge(ec2)
    return {"sn": sn, "ss": subnet(ec2, sn, "192.168.1.0/24"),
            "acl": ec2.create_secondary_network_acl(SecondaryNetworkId=sn)[
                "SecondaryNetworkAcl"]["SecondaryNetworkAclId"]}


def test_acl_only_in_virtual_edge_networks(ec2):
    assert fails(ec2.create_secondary_network_acl, SecondaryNetworkId=rdma(ec2))[0] == \
        "InvalidParameterValue"
    sn = edge(ec2)
    made = ec2.create_secondary_network_acl(SecondaryNetworkId=sn, AddressType="ipv6")[
        "SecondaryNetworkAcl"]
    assert (made["State"], made["AddressType"], made["AvailabilityZone"]) == (
        "create-in-progress", "ipv6", "us-east-1b")
    assert ec2.describe_secondary_network_acls(Filters=[
        {"Name": "secondary-network-id", "Values": [sn]}])["SecondaryNetworkAcls"][0][
        "State"] == "create-complete"


def test_entries_follow_aws_rules(ec2, acl_setup):
    acl = acl_setup["acl"]
    made = ec2.create_secondary_network_acl_entries(SecondaryNetworkAclId=acl, Entries=[
        entry(100), entry(110, 1, IcmpTypeCode={"Type": 8, "Code": -1}),
        entry(100, -1, "egress")])["SecondaryNetworkAclEntries"]
    assert made[0]["PortRange"] == {"From": 443, "To": 443}
    assert made[1]["PortRange"] == {"From": -1, "To": -1}
    assert made[1]["IcmpTypeCode"] == {"Code": -1, "Type": 8}
    for bad, code in ((entry(100), "NetworkAclEntryAlreadyExists"),
                      (entry(0), "InvalidParameterValue"),
                      (entry(32767), "InvalidParameterValue"),
                      (entry(200, 6, PortRange=None), "MissingParameter"),
                      (entry(200, 1), "MissingParameter"),
                      (entry(200, -1, PortRange={"From": 1, "To": 2}),
                       "InvalidParameterCombination"),
                      (entry(200, 6, PortRange={"From": 9, "To": 8}), "InvalidParameterValue"),
                      (entry(200, Ipv6CidrBlock="::/0"), "InvalidParameterCombination"),
                      (entry(200, Ipv4CidrBlock=None, Ipv6CidrBlock="::/0"),
                       "InvalidParameterCombination")):
        bad = {k: v for k, v in bad.items() if v is not None}
        assert fails(ec2.create_secondary_network_acl_entries, SecondaryNetworkAclId=acl,
                     Entries=[bad])[0] == code, bad
    rows = ec2.describe_secondary_network_acl_entries(Filters=[
        {"Name": "secondary-network-acl-id", "Values": [acl]}])["SecondaryNetworkAclEntries"]
    assert [(r["Direction"], r["RuleNumber"]) for r in rows] == [
        ("egress", 100), ("ingress", 100), ("ingress", 110)]
    page = ec2.describe_secondary_network_acl_entries(MaxResults=5, Filters=[
        {"Name": "direction", "Values": ["ingress"]}])
    assert len(page["SecondaryNetworkAclEntries"]) == 2 and "NextToken" not in page
    removed = ec2.delete_secondary_network_acl_entries(SecondaryNetworkAclId=acl, Entries=[
        {"Direction": "ingress", "RuleNumber": 110}])["SecondaryNetworkAclEntries"]
    assert removed[0]["RuleNumber"] == 110
    assert fails(ec2.delete_secondary_network_acl_entries, SecondaryNetworkAclId=acl,
                 Entries=[{"Direction": "ingress", "RuleNumber": 110}])[0] == \
        "InvalidNetworkAclEntry.NotFound"


def test_entries_page(ec2, acl_setup):
    acl = acl_setup["acl"]
    ec2.create_secondary_network_acl_entries(SecondaryNetworkAclId=acl, Entries=[
        entry(n) for n in range(1, 8)])
    seen, token = [], None
    while True:
        page = ec2.describe_secondary_network_acl_entries(
            MaxResults=5, **({"NextToken": token} if token else {}))
        seen += [e["RuleNumber"] for e in page["SecondaryNetworkAclEntries"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == list(range(1, 8))
    assert fails(ec2.describe_secondary_network_acl_entries, NextToken="garbage")[0] == \
        "InvalidPaginationToken"


def test_associations_and_what_they_block(ec2, acl_setup):
    acl, ss = acl_setup["acl"], acl_setup["ss"]
    assoc = ec2.create_secondary_network_acl_association(
        SecondaryNetworkAclId=acl, SecondarySubnetId=ss)["SecondaryNetworkAclAssociation"]
    assert assoc["State"] == "create-in-progress"
    assoc_id = assoc["SecondaryNetworkAclAssociationId"]
    assert fails(ec2.create_secondary_network_acl_association, SecondaryNetworkAclId=acl,
                 SecondarySubnetId=ss)[0] == "Resource.AlreadyAssociated"
    assert fails(ec2.delete_secondary_network_acl, SecondaryNetworkAclId=acl)[0] == \
        "DependencyViolation"
    assert fails(ec2.delete_secondary_subnet, SecondarySubnetId=ss)[0] == "DependencyViolation"
    v6 = subnet(ec2, acl_setup["sn"], "2600:1f10:0:2::/64")
    assert fails(ec2.create_secondary_network_acl_association, SecondaryNetworkAclId=acl,
                 SecondarySubnetId=v6)[0] == "InvalidParameterCombination"
    assert ec2.describe_secondary_network_acl_associations(Filters=[
        {"Name": "secondary-subnet-id", "Values": [ss]}])["SecondaryNetworkAclAssociations"][
        0]["SecondaryNetworkAclAssociationId"] == assoc_id
    gone = ec2.delete_secondary_network_acl_association(
        SecondaryNetworkAclAssociationId=assoc_id)["SecondaryNetworkAclAssociation"]
    assert gone["State"] == "delete-in-progress"
    ec2.delete_secondary_subnet(SecondarySubnetId=ss)
    assert ec2.delete_secondary_network_acl(SecondaryNetworkAclId=acl)[
        "SecondaryNetworkAcl"]["State"] == "delete-in-progress"


def test_acl_decides_packets_of_its_subnet(mock, ec2, acl_setup):
    acl, ss = acl_setup["acl"], acl_setup["ss"]
    ec2.create_secondary_network_acl_entries(SecondaryNetworkAclId=acl, Entries=[
        entry(100), entry(90, 6, action="deny", Ipv4CidrBlock="10.9.0.0/16",
                          PortRange={"From": 0, "To": 65535})])
    world = mock.world
    assert not secondary_acls.allows(world, ss, "ingress", 6, "10.1.2.3", 443)   # no ACL yet
    ec2.create_secondary_network_acl_association(SecondaryNetworkAclId=acl,
                                                 SecondarySubnetId=ss)
    assert secondary_acls.allows(world, ss, "ingress", 6, "10.1.2.3", 443)
    assert not secondary_acls.allows(world, ss, "ingress", 6, "10.9.2.3", 443)   # rule 90
    assert not secondary_acls.allows(world, ss, "ingress", 6, "10.1.2.3", 80)    # no match
    assert not secondary_acls.allows(world, ss, "egress", 6, "10.1.2.3", 443)


def test_secondary_interfaces_none_until_aws_makes_them(ec2):
    assert ec2.describe_secondary_interfaces()["SecondaryInterfaces"] == []
    assert fails(ec2.describe_secondary_interfaces,
                 SecondaryInterfaceIds=["si-0123456789abcdef0"])[0] == \
        "InvalidSecondaryInterfaceId.NotFound"
    assert fails(ec2.describe_secondary_interfaces, Filters=[
        {"Name": "nope", "Values": ["x"]}])[0] == "InvalidParameterValue"


def test_survives_a_state_round_trip(mock, ec2, acl_setup):
    acl = acl_setup["acl"]
    ec2.create_secondary_network_acl_entries(SecondaryNetworkAclId=acl, Entries=[entry(100)])
    ec2.create_secondary_network_acl_association(SecondaryNetworkAclId=acl,
                                                 SecondarySubnetId=acl_setup["ss"])
    loaded = state.load(json.loads(json.dumps(state.dump(mock.world))))
    for world in (mock.world, loaded):
        assert secondary_networks.subnet_view(world, acl_setup["ss"]) == \
            ec2.describe_secondary_subnets()["SecondarySubnets"][0]
        assert secondary_acls.allows(world, acl_setup["ss"], "ingress", 6, "10.1.1.1", 443)


# -- against the server -----------------------------------------------------------------------
def test_server_network_subnet_acl(server_ec2):
    sn = edge(server_ec2)
    ss = subnet(server_ec2, sn, "192.168.7.0/24")
    acl = server_ec2.create_secondary_network_acl(SecondaryNetworkId=sn)[
        "SecondaryNetworkAcl"]["SecondaryNetworkAclId"]
    server_ec2.create_secondary_network_acl_entries(SecondaryNetworkAclId=acl,
                                                    Entries=[entry(100)])
    server_ec2.create_secondary_network_acl_association(SecondaryNetworkAclId=acl,
                                                        SecondarySubnetId=ss)
    assert server_ec2.describe_secondary_network_acl_entries()[
        "SecondaryNetworkAclEntries"][0]["Ipv4CidrBlock"] == "10.0.0.0/8"
    assert fails(server_ec2.delete_secondary_network, SecondaryNetworkId=sn)[0] == \
        "DependencyViolation"
    assert fails(server_ec2.describe_secondary_subnets, SecondarySubnetIds=["ss-nope"])[0] == \
        "InvalidSecondarySubnetId.Malformed"
    assert fails(server_ec2.create_secondary_network, NetworkType="rdma",
                 Ipv4CidrBlock="10.8.0.0/16", DryRun=True)[0] == "DryRunOperation"
