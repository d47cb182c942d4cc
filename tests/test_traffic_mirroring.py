"""Traffic mirroring through boto3: targets, filters and their rules, sessions, in-process and
against the server."""
from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from helpers import error, fails

AMI = "ami-057c3ffbeeff55523"
NLB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/web/0123456789abcdef"


def interface(ec2: Any, subnet: str, itype: str = "t3.micro") -> str:
    """The primary interface of a new instance of `itype`."""
    return ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType=itype,
                             SubnetId=subnet)["Instances"][0]["NetworkInterfaces"][0][
        "NetworkInterfaceId"]


def target(ec2: Any, **dest: str) -> str:
    return ec2.create_traffic_mirror_target(**dest)["TrafficMirrorTarget"][
        "TrafficMirrorTargetId"]


def mirror_filter(ec2: Any, **kwargs: Any) -> str:
    return ec2.create_traffic_mirror_filter(**kwargs)["TrafficMirrorFilter"][
        "TrafficMirrorFilterId"]


def rule(ec2: Any, tmf: str, **kwargs: Any) -> dict[str, Any]:
    params = {"TrafficMirrorFilterId": tmf, "TrafficDirection": "ingress", "RuleNumber": 100,
              "RuleAction": "accept", "DestinationCidrBlock": "0.0.0.0/0",
              "SourceCidrBlock": "0.0.0.0/0", **kwargs}
    return ec2.create_traffic_mirror_filter_rule(**params)["TrafficMirrorFilterRule"]


@pytest.fixture
def kit(ec2: Any, subnet: str) -> dict[str, str]:
    """A Nitro source interface, an interface target and a filter."""
    return {"source": interface(ec2, subnet),
            "target": target(ec2, NetworkInterfaceId=interface(ec2, subnet)),
            "filter": mirror_filter(ec2)}


def session(ec2: Any, kit: dict[str, str], number: int = 1, **kwargs: Any) -> dict[str, Any]:
    return ec2.create_traffic_mirror_session(
        NetworkInterfaceId=kit["source"], TrafficMirrorTargetId=kit["target"],
        TrafficMirrorFilterId=kit["filter"], SessionNumber=number, **kwargs)[
        "TrafficMirrorSession"]


# -- targets ---------------------------------------------------------------------------------
def test_targets_of_each_kind(ec2, subnet):
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    by_eni = ec2.create_traffic_mirror_target(NetworkInterfaceId=eni, Description="sensor")[
        "TrafficMirrorTarget"]
    assert by_eni["TrafficMirrorTargetId"].startswith("tmt-")
    assert by_eni["Type"] == "network-interface" and by_eni["NetworkInterfaceId"] == eni
    assert by_eni["OwnerId"] == "123456789012" and by_eni["Description"] == "sensor"
    by_nlb = target(ec2, NetworkLoadBalancerArn=NLB)
    found = ec2.describe_traffic_mirror_targets(Filters=[
        {"Name": "network-load-balancer-arn", "Values": [NLB]}])["TrafficMirrorTargets"]
    assert [(t["TrafficMirrorTargetId"], t["Type"]) for t in found] == [
        (by_nlb, "network-load-balancer")]
    assert [t["TrafficMirrorTargetId"] for t in ec2.describe_traffic_mirror_targets(Filters=[
        {"Name": "network-interface-id", "Values": [eni]}])["TrafficMirrorTargets"]] == [
        by_eni["TrafficMirrorTargetId"]]


@pytest.mark.parametrize("dest, code", [
    ({}, "InvalidInput"),
    ({"NetworkInterfaceId": "eni-0123456789abcdef0", "NetworkLoadBalancerArn": NLB},
     "InvalidInput"),
    ({"NetworkInterfaceId": "string", "GatewayLoadBalancerEndpointId": "string"},
     "InvalidInput"),       # the count is checked before the ids
    ({"NetworkInterfaceId": "eni-0123456789abcdef0"}, "InvalidNetworkInterfaceID.NotFound"),
    ({"NetworkLoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
                                "loadbalancer/app/web/0123456789abcdef"}, "InvalidParameterValue"),
    ({"GatewayLoadBalancerEndpointId": "vpce-0123456789abcdef0"}, "InvalidVpcEndpointId.NotFound"),
])
def test_target_needs_exactly_one_valid_destination(ec2, dest, code):
    with pytest.raises(ClientError) as exc:
        ec2.create_traffic_mirror_target(**dest)
    assert error(exc)[0] == code
    assert ec2.describe_traffic_mirror_targets()["TrafficMirrorTargets"] == []


def test_target_in_use_cannot_be_deleted(ec2, kit):
    tms = session(ec2, kit)["TrafficMirrorSessionId"]
    with pytest.raises(ClientError) as exc:
        ec2.delete_traffic_mirror_target(TrafficMirrorTargetId=kit["target"])
    # what AWS answers (seen from Terraform), not the API reference's ...InUseException
    assert error(exc) == ("TrafficMirrorTargetInUse",
                          f"Cannot delete {kit['target']}. Target is in use by {tms}")
    ec2.delete_traffic_mirror_session(TrafficMirrorSessionId=tms)
    answer = ec2.delete_traffic_mirror_target(TrafficMirrorTargetId=kit["target"])
    assert answer["TrafficMirrorTargetId"] == kit["target"]
    with pytest.raises(ClientError) as exc:
        ec2.describe_traffic_mirror_targets(TrafficMirrorTargetIds=[kit["target"]])
    assert error(exc)[0] == "InvalidTrafficMirrorTargetId.NotFound"


# -- filters and rules -----------------------------------------------------------------------
def test_filter_lists_rules_by_direction_in_rule_order(ec2):
    tmf = mirror_filter(ec2, Description="web", TagSpecifications=[
        {"ResourceType": "traffic-mirror-filter", "Tags": [{"Key": "Name", "Value": "web"}]}])
    late = rule(ec2, tmf, RuleNumber=200, Protocol=6,
                DestinationPortRange={"FromPort": 443, "ToPort": 443})
    early = rule(ec2, tmf, RuleNumber=10, RuleAction="reject")
    out = rule(ec2, tmf, TrafficDirection="egress", RuleNumber=10)
    assert late["DestinationPortRange"] == {"FromPort": 443, "ToPort": 443}
    found = ec2.describe_traffic_mirror_filters(TrafficMirrorFilterIds=[tmf])[
        "TrafficMirrorFilters"][0]
    assert [r["TrafficMirrorFilterRuleId"] for r in found["IngressFilterRules"]] == [
        early["TrafficMirrorFilterRuleId"], late["TrafficMirrorFilterRuleId"]]
    assert [r["TrafficMirrorFilterRuleId"] for r in found["EgressFilterRules"]] == [
        out["TrafficMirrorFilterRuleId"]]
    assert found["Tags"] == [{"Key": "Name", "Value": "web"}]
    assert found["NetworkServices"] == []
    rules = ec2.describe_traffic_mirror_filter_rules(TrafficMirrorFilterId=tmf, Filters=[
        {"Name": "rule-action", "Values": ["accept"]}])["TrafficMirrorFilterRules"]
    assert {r["TrafficMirrorFilterRuleId"] for r in rules} == {
        late["TrafficMirrorFilterRuleId"], out["TrafficMirrorFilterRuleId"]}


@pytest.mark.parametrize("change, code", [
    ({"RuleNumber": 0}, "InvalidParameterValue"),
    ({"RuleNumber": 32767}, "InvalidParameterValue"),
    ({"DestinationCidrBlock": "10.0.0.0/33"}, "InvalidParameterValue"),
    ({"SourceCidrBlock": "::/0"}, "InvalidParameterCombination"),
    ({"DestinationPortRange": {"FromPort": 80, "ToPort": 80}}, "InvalidParameterCombination"),
    ({"Protocol": 6, "DestinationPortRange": {"FromPort": 90, "ToPort": 80}},
     "InvalidParameterValue"),
])
def test_rule_validation(ec2, change, code):
    tmf = mirror_filter(ec2)
    with pytest.raises(ClientError) as exc:
        rule(ec2, tmf, **change)
    assert error(exc)[0] == code
    assert ec2.describe_traffic_mirror_filter_rules(TrafficMirrorFilterId=tmf)[
        "TrafficMirrorFilterRules"] == []


def test_rule_numbers_are_unique_per_direction_and_limited(ec2):
    tmf = mirror_filter(ec2)
    rule(ec2, tmf, RuleNumber=1)
    rule(ec2, tmf, RuleNumber=1, TrafficDirection="egress")
    with pytest.raises(ClientError) as exc:
        rule(ec2, tmf, RuleNumber=1)
    assert error(exc)[0] == "TrafficMirrorFilterRuleAlreadyExists"
    for number in range(2, 11):
        rule(ec2, tmf, RuleNumber=number)
    with pytest.raises(ClientError) as exc:
        rule(ec2, tmf, RuleNumber=11)
    assert error(exc)[0] == "TrafficMirrorFilterRuleLimitExceeded"


def test_modify_rule_sets_and_removes_fields(ec2):
    tmf = mirror_filter(ec2)
    made = rule(ec2, tmf, Protocol=17, SourcePortRange={"FromPort": 53, "ToPort": 53},
                Description="dns")
    rid = made["TrafficMirrorFilterRuleId"]
    changed = ec2.modify_traffic_mirror_filter_rule(
        TrafficMirrorFilterRuleId=rid, RuleNumber=5, TrafficDirection="egress",
        RemoveFields=["source-port-range", "description"])["TrafficMirrorFilterRule"]
    assert changed["RuleNumber"] == 5 and changed["TrafficDirection"] == "egress"
    assert "SourcePortRange" not in changed and "Description" not in changed
    assert changed["Protocol"] == 17
    with pytest.raises(ClientError) as exc:
        ec2.modify_traffic_mirror_filter_rule(TrafficMirrorFilterRuleId=rid, Protocol=6,
                                              RemoveFields=["protocol"])
    assert error(exc)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as exc:   # a port range needs TCP or UDP
        ec2.modify_traffic_mirror_filter_rule(
            TrafficMirrorFilterRuleId=rid, DestinationPortRange={"FromPort": 1, "ToPort": 2},
            RemoveFields=["protocol"])
    assert error(exc)[0] == "InvalidParameterCombination"
    rules = ec2.describe_traffic_mirror_filter_rules(TrafficMirrorFilterRuleIds=[rid])[
        "TrafficMirrorFilterRules"]
    assert rules[0]["RuleNumber"] == 5 and rules[0]["Protocol"] == 17
    ec2.delete_traffic_mirror_filter_rule(TrafficMirrorFilterRuleId=rid)
    assert ec2.describe_traffic_mirror_filters(TrafficMirrorFilterIds=[tmf])[
        "TrafficMirrorFilters"][0]["EgressFilterRules"] == []


def test_network_services(ec2):
    tmf = mirror_filter(ec2)
    added = ec2.modify_traffic_mirror_filter_network_services(
        TrafficMirrorFilterId=tmf, AddNetworkServices=["amazon-dns"])["TrafficMirrorFilter"]
    assert added["NetworkServices"] == ["amazon-dns"]
    removed = ec2.modify_traffic_mirror_filter_network_services(
        TrafficMirrorFilterId=tmf, RemoveNetworkServices=["amazon-dns"])["TrafficMirrorFilter"]
    assert removed["NetworkServices"] == []
    with pytest.raises(ClientError) as exc:
        ec2.modify_traffic_mirror_filter_network_services(
            TrafficMirrorFilterId="tmf-0123456789abcdef0", AddNetworkServices=["amazon-dns"])
    assert error(exc)[0] == "InvalidTrafficMirrorFilterId.NotFound"


def test_filter_in_use_cannot_be_deleted_and_takes_its_rules(ec2, kit):
    rid = rule(ec2, kit["filter"])["TrafficMirrorFilterRuleId"]
    tms = session(ec2, kit)["TrafficMirrorSessionId"]
    with pytest.raises(ClientError) as exc:
        ec2.delete_traffic_mirror_filter(TrafficMirrorFilterId=kit["filter"])
    assert error(exc)[0] == "TrafficMirrorFilterInUse"
    ec2.delete_traffic_mirror_session(TrafficMirrorSessionId=tms)
    ec2.delete_traffic_mirror_filter(TrafficMirrorFilterId=kit["filter"])
    with pytest.raises(ClientError) as exc:
        ec2.describe_traffic_mirror_filter_rules(TrafficMirrorFilterRuleIds=[rid])
    assert error(exc)[0] == "InvalidTrafficMirrorFilterRuleId.NotFound"


# -- sessions --------------------------------------------------------------------------------
def test_session_defaults_and_filters(ec2, kit):
    made = session(ec2, kit, 7, Description="tap")
    assert made["TrafficMirrorSessionId"].startswith("tms-")
    assert made["NetworkInterfaceId"] == kit["source"] and made["SessionNumber"] == 7
    assert 0 <= made["VirtualNetworkId"] <= 16777215 and "PacketLength" not in made
    found = ec2.describe_traffic_mirror_sessions(Filters=[
        {"Name": "traffic-mirror-target-id", "Values": [kit["target"]]},
        {"Name": "session-number", "Values": ["7"]}])["TrafficMirrorSessions"]
    assert [s["TrafficMirrorSessionId"] for s in found] == [made["TrafficMirrorSessionId"]]
    assert ec2.describe_traffic_mirror_sessions(Filters=[
        {"Name": "network-interface-id", "Values": [kit["target"]]}])[
        "TrafficMirrorSessions"] == []


def test_session_to_a_load_balancer_mirrors_8500_bytes(ec2, kit):
    kit = {**kit, "target": target(ec2, NetworkLoadBalancerArn=NLB)}
    assert session(ec2, kit)["PacketLength"] == 8500


def test_session_source_must_be_on_nitro(ec2, subnet, kit):
    xen = interface(ec2, subnet, "t2.micro")
    with pytest.raises(ClientError) as exc:
        session(ec2, {**kit, "source": xen})
    assert error(exc)[0] == "InvalidParameterValue"
    loose = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"][
        "NetworkInterfaceId"]
    with pytest.raises(ClientError) as exc:
        session(ec2, {**kit, "source": loose})
    assert error(exc)[0] == "InvalidParameterValue"
    assert ec2.describe_traffic_mirror_sessions()["TrafficMirrorSessions"] == []


@pytest.mark.parametrize("kwargs", [{"PacketLength": 8501}, {"PacketLength": 0},
                                    {"VirtualNetworkId": 16777216}])
def test_session_value_ranges(ec2, kit, kwargs):
    with pytest.raises(ClientError) as exc:
        session(ec2, kit, **kwargs)
    assert error(exc)[0] == "InvalidParameterValue"


@pytest.mark.parametrize("number", [0, 32767])
def test_session_number_range(ec2, kit, number):
    with pytest.raises(ClientError) as exc:
        session(ec2, kit, number)
    assert error(exc)[0] == "InvalidParameterValue"


def test_sessions_per_source_are_numbered_and_limited(ec2, kit):
    session(ec2, kit, 1, VirtualNetworkId=11)
    with pytest.raises(ClientError) as exc:
        session(ec2, kit, 1)
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:   # the VXLAN id is the account's
        session(ec2, kit, 2, VirtualNetworkId=11)
    assert error(exc)[0] == "InvalidParameterValue"
    session(ec2, kit, 2)
    session(ec2, kit, 3)
    with pytest.raises(ClientError) as exc:
        session(ec2, kit, 4)
    assert error(exc)[0] == "TrafficMirrorSessionsPerInterfaceLimitExceeded"


def test_source_cannot_be_its_own_target(ec2, kit):
    own = target(ec2, NetworkInterfaceId=kit["source"])
    with pytest.raises(ClientError) as exc:
        session(ec2, {**kit, "target": own})
    assert error(exc)[0] == "InvalidParameterCombination"


def test_modify_session(ec2, kit):
    made = session(ec2, kit, 1, PacketLength=64, Description="tap", VirtualNetworkId=5)
    other_filter = mirror_filter(ec2)
    other_target = target(ec2, NetworkLoadBalancerArn=NLB)
    changed = ec2.modify_traffic_mirror_session(
        TrafficMirrorSessionId=made["TrafficMirrorSessionId"], TrafficMirrorFilterId=other_filter,
        TrafficMirrorTargetId=other_target, SessionNumber=9,
        RemoveFields=["packet-length", "description"])["TrafficMirrorSession"]
    assert changed["TrafficMirrorFilterId"] == other_filter
    assert changed["TrafficMirrorTargetId"] == other_target
    assert changed["SessionNumber"] == 9 and changed["VirtualNetworkId"] == 5
    assert "PacketLength" not in changed and "Description" not in changed
    ec2.delete_traffic_mirror_filter(TrafficMirrorFilterId=kit["filter"])   # no longer used
    with pytest.raises(ClientError) as exc:
        ec2.modify_traffic_mirror_session(
            TrafficMirrorSessionId=made["TrafficMirrorSessionId"], PacketLength=10,
            RemoveFields=["packet-length"])
    assert error(exc)[0] == "InvalidParameterCombination"


def test_session_goes_with_its_source_interface(ec2, subnet, kit):
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    instance = ec2.describe_network_interfaces(NetworkInterfaceIds=[kit["source"]])[
        "NetworkInterfaces"][0]["Attachment"]["InstanceId"]
    ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=instance, DeviceIndex=1)
    session(ec2, {**kit, "source": eni})
    attachment = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])[
        "NetworkInterfaces"][0]["Attachment"]["AttachmentId"]
    ec2.detach_network_interface(AttachmentId=attachment)
    ec2.delete_network_interface(NetworkInterfaceId=eni)
    assert ec2.describe_traffic_mirror_sessions()["TrafficMirrorSessions"] == []


def test_dry_run_makes_nothing(ec2, kit):
    with pytest.raises(ClientError) as exc:
        session(ec2, kit, DryRun=True)
    assert error(exc)[0] == "DryRunOperation"
    assert ec2.describe_traffic_mirror_sessions()["TrafficMirrorSessions"] == []


def test_over_the_wire(server_ec2):
    vpc = server_ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    subnet = server_ec2.create_subnet(VpcId=vpc, CidrBlock="10.8.1.0/24")["Subnet"]["SubnetId"]
    kit = {"source": interface(server_ec2, subnet),
           "target": target(server_ec2, NetworkLoadBalancerArn=NLB),
           "filter": mirror_filter(server_ec2)}
    rule(server_ec2, kit["filter"], Protocol=6,
         DestinationPortRange={"FromPort": 80, "ToPort": 80})
    made = session(server_ec2, kit, 1)
    assert made["PacketLength"] == 8500
    found = server_ec2.describe_traffic_mirror_filters(TrafficMirrorFilterIds=[kit["filter"]])[
        "TrafficMirrorFilters"][0]
    assert found["IngressFilterRules"][0]["DestinationPortRange"] == {"FromPort": 80,
                                                                      "ToPort": 80}
    with pytest.raises(ClientError) as exc:
        server_ec2.delete_traffic_mirror_filter(TrafficMirrorFilterId=kit["filter"])
    assert error(exc)[0] == "TrafficMirrorFilterInUse"
    assert fails(server_ec2.delete_traffic_mirror_target,
                 TrafficMirrorTargetId=kit["target"]) == (
        "TrafficMirrorTargetInUse",
        f"Cannot delete {kit['target']}. Target is in use by {made['TrafficMirrorSessionId']}")
    with pytest.raises(ClientError) as exc:
        server_ec2.describe_traffic_mirror_sessions(TrafficMirrorSessionIds=["tms-nope"])
    assert error(exc)[0] == "InvalidTrafficMirrorSessionId.Malformed"


def test_target_goes_with_its_interface(ec2, subnet, kit):
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    tmt = target(ec2, NetworkInterfaceId=eni)
    session(ec2, {**kit, "target": tmt})
    ec2.delete_network_interface(NetworkInterfaceId=eni)
    assert tmt not in {t["TrafficMirrorTargetId"] for t in ec2.describe_traffic_mirror_targets()[
        "TrafficMirrorTargets"]}
    assert ec2.describe_traffic_mirror_sessions()["TrafficMirrorSessions"] == []


def test_rules_of_an_unknown_filter(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.describe_traffic_mirror_filter_rules(TrafficMirrorFilterId="tmf-0123456789abcdef0")
    assert error(exc)[0] == "InvalidTrafficMirrorFilterId.NotFound"
    with pytest.raises(ClientError) as exc:
        ec2.create_traffic_mirror_filter_rule(
            TrafficMirrorFilterId="tmf-0123456789abcdef0", TrafficDirection="ingress",
            RuleNumber=1, RuleAction="accept", DestinationCidrBlock="0.0.0.0/0",
            SourceCidrBlock="0.0.0.0/0")
    assert error(exc)[0] == "InvalidTrafficMirrorFilterId.NotFound"


def test_a_shared_target_is_usable_by_the_other_account(ec2, mock):
    participant = boto3.client("ec2", region_name="us-east-1",
                               aws_access_key_id="111122223333", aws_secret_access_key="x")
    tmt = target(ec2, NetworkLoadBalancerArn=NLB)
    vpc = participant.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    subnet = participant.create_subnet(VpcId=vpc, CidrBlock="10.3.1.0/24")["Subnet"]["SubnetId"]
    kit = {"source": interface(participant, subnet), "target": tmt,
           "filter": mirror_filter(participant)}
    with pytest.raises(ClientError) as exc:
        session(participant, kit)
    assert error(exc)[0] == "InvalidTrafficMirrorTargetId.NotFound"
    mock.share(tmt, ["111122223333"])
    found = participant.describe_traffic_mirror_targets()["TrafficMirrorTargets"]
    assert [(t["TrafficMirrorTargetId"], t["OwnerId"]) for t in found] == [(tmt, "123456789012")]
    made = session(participant, kit)
    assert made["OwnerId"] == "111122223333" and made["TrafficMirrorTargetId"] == tmt
    with pytest.raises(ClientError) as exc:     # the participant's session uses it
        ec2.delete_traffic_mirror_target(TrafficMirrorTargetId=tmt)
    assert error(exc)[0] == "TrafficMirrorTargetInUse"
