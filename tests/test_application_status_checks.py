"""Application status checks: definitions, associations, suppression and the per-instance
status, through boto3 in-process and against the server."""
from __future__ import annotations

import datetime as dt

import pytest

from topology.core import clock
from helpers import fails

IMAGE = "ami-12c6146b"
MISSING = "i-0123456789abcdef0"


def launch(ec2, count: int = 1, **tags: str) -> list[str]:
    spec = [{"ResourceType": "instance",
             "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}] if tags else []
    found = ec2.run_instances(ImageId=IMAGE, MinCount=count, MaxCount=count,
                              InstanceType="t3.micro", TagSpecifications=spec)["Instances"]
    return [i["InstanceId"] for i in found]


def check(ec2, **kwargs) -> dict:
    return ec2.create_application_status_check(
        **{"Protocol": "http", "Port": 80, **kwargs})["ApplicationStatusCheck"]


def later(monkeypatch, seconds: int) -> None:
    moved = clock.now() + dt.timedelta(seconds=seconds)
    monkeypatch.setattr(clock, "now", lambda: moved)


def test_create_has_aws_defaults(ec2):
    made = check(ec2)
    assert made["ApplicationStatusCheckId"].startswith("asc-")
    assert {k: made[k] for k in ("Aggregation", "Path", "DeviceIndex", "IpVersion", "IpScope",
                                 "Interval", "Timeout", "FailureThreshold", "SuccessThreshold",
                                 "StatusCodeMatcher", "InitializationGracePeriodSeconds")} == {
        "Aggregation": "included", "Path": "/", "DeviceIndex": 0, "IpVersion": "ipv4",
        "IpScope": "private", "Interval": 60, "Timeout": 6, "FailureThreshold": 2,
        "SuccessThreshold": 2, "StatusCodeMatcher": "200",
        "InitializationGracePeriodSeconds": 300}
    assert made["TargetTagAssociations"] == [] and "DeletionTime" not in made


@pytest.mark.parametrize("bad", [
    {"Timeout": 0}, {"Timeout": 31}, {"Interval": 30}, {"Path": "health"},
    {"FailureThreshold": 0}, {"SuccessThreshold": 0}, {"DeviceIndex": -1},
    {"StatusCodeMatcher": "300-200"}, {"StatusCodeMatcher": "ok"},
    {"StatusCodeMatcher": "200," * 30 + "200"}, {"InitializationGracePeriodSeconds": 0}])
def test_create_refuses_what_aws_documents(ec2, bad):
    assert fails(ec2.create_application_status_check, Protocol="http", Port=80,
                 **bad)[0] == "InvalidParameterValue"
    assert ec2.describe_application_status_checks()["ApplicationStatusChecks"] == []


def test_health_check_paths_name_real_subnets_and_groups(ec2, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(VpcId=vpc, GroupName="hc", Description="hc")["GroupId"]
    paths = [{"Source": {"SubnetId": subnet, "SecurityGroupId": group},
              "Destinations": [{"SubnetId": subnet, "SecurityGroupId": group}]}]
    assert check(ec2, HealthCheckPaths=paths)["HealthCheckPaths"] == paths
    missing = [{"Source": {"SubnetId": "subnet-0123456789abcdef0", "SecurityGroupId": group},
                "Destinations": [{"SubnetId": subnet}]}]
    assert fails(ec2.create_application_status_check, Protocol="http", Port=80,
                 HealthCheckPaths=missing)[0] == "InvalidSubnetID.NotFound"


def test_associate_instances_and_tags(ec2):
    first, = launch(ec2)
    tagged, = launch(ec2, app="web")
    asc = check(ec2)["ApplicationStatusCheckId"]
    answer = ec2.associate_application_status_check(ApplicationStatusCheckId=asc,
                                                    InstanceIds=[first, MISSING])
    assert answer["SuccessfulResults"] == [{"ApplicationStatusCheckId": asc,
                                            "AssociationType": "instance-id",
                                            "AssociationValue": first}]
    assert [r["AssociationValue"] for r in answer["UnsuccessfulResults"]] == [MISSING]
    again = ec2.associate_application_status_check(ApplicationStatusCheckId=asc,
                                                   InstanceIds=[first])
    assert again["SuccessfulResults"] == [] and len(again["UnsuccessfulResults"]) == 1
    ec2.associate_application_status_check(ApplicationStatusCheckId=asc,
                                           TargetTagAssociations=[{"Key": "app", "Value": "web"}])
    rows = ec2.describe_application_status_check_associations(
        ApplicationStatusCheckIds=[asc])["Associations"]
    assert {(r["AssociationType"], r.get("Key"), r["Value"]) for r in rows} == {
        ("instance-id", None, first), ("tag", "app", "web")}
    only_tags = ec2.describe_application_status_check_associations(
        Filters=[{"Name": "association-type", "Values": ["tag"]}])["Associations"]
    assert len(only_tags) == 1
    statuses = ec2.describe_application_status()["ApplicationStatuses"]["Instances"]
    assert sorted(s["InstanceId"] for s in statuses) == sorted([first, tagged])
    ec2.disassociate_application_status_check(ApplicationStatusCheckId=asc,
                                              InstanceIds=[first])
    statuses = ec2.describe_application_status()["ApplicationStatuses"]["Instances"]
    assert [s["InstanceId"] for s in statuses] == [tagged]


def test_associate_needs_exactly_one_kind_of_target(ec2):
    first, = launch(ec2)
    asc = check(ec2)["ApplicationStatusCheckId"]
    assert fails(ec2.associate_application_status_check, ApplicationStatusCheckId=asc,
                 InstanceIds=[first], TargetTagAssociations=[{"Key": "a", "Value": "b"}]
                 )[0] == "InvalidParameterCombination"
    assert fails(ec2.associate_application_status_check, ApplicationStatusCheckId=asc,
                 TargetTagAssociations=[{"Key": " ", "Value": "b"}])[0] == \
        "InvalidParameterValue"
    assert fails(ec2.associate_application_status_check,
                 ApplicationStatusCheckId="asc-0123456789abcdef0", InstanceIds=[first])[0] == \
        "InvalidApplicationStatusCheckId.NotFound"
    assert ec2.describe_application_status_check_associations()["Associations"] == []


def test_status_moves_from_initializing_to_ok_and_aggregates(ec2, monkeypatch):
    iid, = launch(ec2)
    included = check(ec2)["ApplicationStatusCheckId"]
    excluded = check(ec2, Aggregation="excluded", Port=81)["ApplicationStatusCheckId"]
    for asc in (included, excluded):
        ec2.associate_application_status_check(ApplicationStatusCheckId=asc,
                                               InstanceIds=[iid])
    row, = ec2.describe_application_status(InstanceIds=[iid])["ApplicationStatuses"][
        "Instances"]
    assert row["ApplicationStatus"]["Status"] == "initializing"
    later(monkeypatch, 600)
    row, = ec2.describe_application_status(InstanceIds=[iid])["ApplicationStatuses"][
        "Instances"]
    assert row["ApplicationStatus"]["Status"] == "ok"
    details = {d["ApplicationStatusCheckId"]: d for d in row["ApplicationStatus"]["Details"]}
    assert details[included]["Status"] == "passed"
    assert details[included]["Reason"] == {"Code": "ResponseCodeMatched", "StatusCode": 200,
                                           "Protocol": "HTTP"}
    ec2.stop_instances(InstanceIds=[iid])
    row, = ec2.describe_application_status(InstanceIds=[iid])["ApplicationStatuses"][
        "Instances"]
    assert row["ApplicationStatus"]["Status"] == "impaired"
    ec2.modify_application_status_check(ApplicationStatusCheckId=included,
                                        Aggregation="excluded")
    row, = ec2.describe_application_status(
        Filters=[{"Name": "status", "Values": ["not-applicable"]}])["ApplicationStatuses"][
        "Instances"]
    assert row["InstanceId"] == iid


def test_suppression(ec2, monkeypatch):
    iid, = launch(ec2)
    asc = check(ec2)["ApplicationStatusCheckId"]
    ec2.associate_application_status_check(ApplicationStatusCheckId=asc, InstanceIds=[iid])
    done = ec2.enable_application_status_check_suppression(InstanceIds=[iid, MISSING],
                                                           DurationSeconds=3600)
    assert [r["InstanceId"] for r in done["SuccessfulResults"]] == [iid]
    assert done["SuccessfulResults"][0]["ResumeAt"] - done["SuccessfulResults"][0][
        "SuppressAt"] == dt.timedelta(hours=1)
    assert [r["InstanceId"] for r in done["UnsuccessfulResults"]] == [MISSING]
    status = ec2.describe_application_status(InstanceIds=[iid])["ApplicationStatuses"][
        "Instances"][0]["ApplicationStatus"]
    assert status["Status"] == "suppressed" and "ResumeAt" in status
    later(monkeypatch, 7200)   # the hour is over
    status = ec2.describe_application_status(InstanceIds=[iid])["ApplicationStatuses"][
        "Instances"][0]["ApplicationStatus"]
    assert status["Status"] == "ok"
    monkeypatch.undo()
    ec2.enable_application_status_check_suppression(InstanceIds=[iid])
    ended = ec2.disable_application_status_check_suppression(InstanceIds=[iid])
    assert [r["InstanceId"] for r in ended["SuccessfulResults"]] == [iid]
    again = ec2.disable_application_status_check_suppression(InstanceIds=[iid])
    assert again["SuccessfulResults"] == [] and len(again["UnsuccessfulResults"]) == 1
    assert fails(ec2.enable_application_status_check_suppression,
                 InstanceIds=[MISSING] * 101)[0] == "InvalidParameterValue"


def test_delete_keeps_the_check_for_include_all(ec2):
    iid, = launch(ec2)
    asc = check(ec2)["ApplicationStatusCheckId"]
    ec2.associate_application_status_check(ApplicationStatusCheckId=asc, InstanceIds=[iid])
    gone = ec2.delete_application_status_check(ApplicationStatusCheckId=asc)
    assert gone["ApplicationStatusCheck"]["DeletionTime"]
    assert ec2.describe_application_status_checks()["ApplicationStatusChecks"] == []
    listed = ec2.describe_application_status_checks(IncludeAll=True)["ApplicationStatusChecks"]
    assert [c["ApplicationStatusCheckId"] for c in listed] == [asc]
    assert ec2.describe_application_status_check_associations()["Associations"] == []
    assert fails(ec2.delete_application_status_check, ApplicationStatusCheckId=asc)[0] == \
        "InvalidApplicationStatusCheckId.NotFound"
    assert fails(ec2.modify_application_status_check, ApplicationStatusCheckId=asc,
                 Port=90)[0] == "InvalidApplicationStatusCheckId.NotFound"


def test_aggregation_filter(ec2):
    check(ec2)
    excluded = check(ec2, Aggregation="excluded")["ApplicationStatusCheckId"]
    found = ec2.describe_application_status_checks(
        Filters=[{"Name": "aggregation", "Values": ["excluded"]}])["ApplicationStatusChecks"]
    assert [c["ApplicationStatusCheckId"] for c in found] == [excluded]


def test_against_server(server_ec2):
    iid, = launch(server_ec2)
    asc = check(server_ec2, Protocol="https", Port=443)["ApplicationStatusCheckId"]
    server_ec2.associate_application_status_check(ApplicationStatusCheckId=asc,
                                                  InstanceIds=[iid])
    row, = server_ec2.describe_application_status()["ApplicationStatuses"]["Instances"]
    assert row["InstanceId"] == iid
    assert row["ApplicationStatus"]["Details"][0]["ApplicationStatusCheckId"] == asc
    assert fails(server_ec2.associate_application_status_check,
                 ApplicationStatusCheckId=asc)[0] == "MissingParameter"
