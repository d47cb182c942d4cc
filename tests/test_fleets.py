"""EC2 Fleet through boto3: instant, request and maintain fleets launching real instances by
the Spot Fleet's allocation rules, their describe, instances, history, modify and delete;
and the Spot Fleet's own history."""
from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from botocore.exceptions import ClientError

from topology.catalogue.image_catalogue import hashed_id
from helpers import error

REGION = "us-east-1"
LINUX_AMI = hashed_id("ami", REGION, "al2023-ami-2023.6.20250107.0-kernel-6.1-x86_64")
FLEET_ID = re.compile(r"^fleet-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                      r"[0-9a-f]{12}$")
MISSING = "fleet-12345678-1234-4234-8234-123456789012"
PAST = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)


def template(ec2, name: str = "fleet-tpl", itype: str = "t3.micro", **data) -> str:
    return ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData={
        "ImageId": LINUX_AMI, "InstanceType": itype, **data})["LaunchTemplate"][
        "LaunchTemplateId"]


def configs(lt_id: str, overrides: list[dict] | None = None, version: str = "1") -> list[dict]:
    config: dict = {"LaunchTemplateSpecification": {"LaunchTemplateId": lt_id,
                                                    "Version": version}}
    if overrides is not None:
        config["Overrides"] = overrides
    return [config]


def create(ec2, lt_id: str, total: int = 2, kind: str = "maintain", default: str = "spot",
           overrides: list[dict] | None = None, **kwargs) -> dict:
    return ec2.create_fleet(LaunchTemplateConfigs=configs(lt_id, overrides),
                            TargetCapacitySpecification={
                                "TotalTargetCapacity": total,
                                "DefaultTargetCapacityType": default,
                                **kwargs.pop("target", {})}, Type=kind, **kwargs)


def fleet(ec2, fid: str) -> dict:
    return ec2.describe_fleets(FleetIds=[fid])["Fleets"][0]


def active(ec2, fid: str) -> list[dict]:
    return ec2.describe_fleet_instances(FleetId=fid)["ActiveInstances"]


# == CreateFleet ==============================================================================
@pytest.mark.parametrize("target, on_demand, spot", [
    ({"DefaultTargetCapacityType": "on-demand"}, 3, 0),
    ({"OnDemandTargetCapacity": 1, "DefaultTargetCapacityType": "spot"}, 1, 2),
    ({"SpotTargetCapacity": 1, "DefaultTargetCapacityType": "on-demand"}, 2, 1),
    ({"OnDemandTargetCapacity": 1, "SpotTargetCapacity": 2}, 1, 2),
])
def test_instant_fleet_launches_both_markets(ec2, target, on_demand, spot):
    lt_id = template(ec2)
    answer = ec2.create_fleet(LaunchTemplateConfigs=configs(lt_id, version="$Latest"),
                              TargetCapacitySpecification={"TotalTargetCapacity": 3, **target},
                              Type="instant")
    assert FLEET_ID.match(answer["FleetId"]) and answer["Errors"] == []
    by_market = {item["Lifecycle"]: item["InstanceIds"] for item in answer["Instances"]}
    assert len(by_market.get("on-demand", [])) == on_demand
    assert len(by_market.get("spot", [])) == spot
    item = answer["Instances"][0]
    assert item["LaunchTemplateAndOverrides"]["LaunchTemplateSpecification"] == {
        "LaunchTemplateId": lt_id, "LaunchTemplateName": "fleet-tpl", "Version": "1"}
    ids = [i for ids in by_market.values() for i in ids]
    reservations = ec2.describe_instances(InstanceIds=ids)["Reservations"]
    launched = [i for r in reservations for i in r["Instances"]]
    assert {i["InstanceType"] for i in launched} == {"t3.micro"}
    assert all({"Key": "aws:ec2:fleet-id", "Value": answer["FleetId"]} in i["Tags"]
               for i in launched)
    assert sum(1 for i in launched if i.get("InstanceLifecycle") == "spot") == spot


def test_instant_fleet_tags_its_instances_and_is_listed_only_by_id(ec2):
    lt_id = template(ec2, TagSpecifications=[{"ResourceType": "instance", "Tags": [
        {"Key": "from", "Value": "template"}]}])
    answer = create(ec2, lt_id, 1, "instant", TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "fleet"}]},
        {"ResourceType": "fleet", "Tags": [{"Key": "team", "Value": "a"}]}])
    iid = answer["Instances"][0]["InstanceIds"][0]
    tags = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["Tags"]
    assert {"Key": "Name", "Value": "fleet"} in tags and {"Key": "from", "Value": "template"} \
        in tags
    assert ec2.describe_fleets()["Fleets"] == []           # AWS: instant only by id
    described = fleet(ec2, answer["FleetId"])
    assert described["Tags"] == [{"Key": "team", "Value": "a"}]
    assert described["Instances"][0]["InstanceIds"] == [iid]
    assert error_of(ec2.describe_fleet_instances, FleetId=answer["FleetId"])[0] == "Unsupported"


def error_of(call, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as exc:
        call(**kwargs)
    return error(exc)


def test_request_fleet_ignores_instance_tag_specifications(ec2):
    lt_id = template(ec2)
    fid = create(ec2, lt_id, 1, "request", TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "x"}]}])["FleetId"]
    iid = active(ec2, fid)[0]["InstanceId"]
    tags = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["Tags"]
    assert {"Key": "Name", "Value": "x"} not in tags


def test_fleet_echoes_its_request_with_aws_defaults(ec2):
    lt_id = template(ec2)
    overrides = [{"InstanceType": "t3.small", "WeightedCapacity": 2.0, "Priority": 1.0,
                  "MaxPrice": "0.5"}]
    fid = create(ec2, lt_id, 4, overrides=overrides, Context="c")["FleetId"]
    got = fleet(ec2, fid)
    assert got["FleetState"] == "active" and got["ActivityStatus"] == "fulfilled"
    assert got["LaunchTemplateConfigs"] == configs(lt_id, overrides)
    assert got["TargetCapacitySpecification"] == {"TotalTargetCapacity": 4,
                                                  "DefaultTargetCapacityType": "spot"}
    assert got["SpotOptions"] == {"AllocationStrategy": "lowest-price",
                                  "InstanceInterruptionBehavior": "terminate"}
    assert got["OnDemandOptions"] == {"AllocationStrategy": "lowest-price"}
    assert got["ExcessCapacityTerminationPolicy"] == "termination"
    assert (got["Type"], got["ReplaceUnhealthyInstances"], got["Context"]) == (
        "maintain", False, "c")
    assert got["FulfilledCapacity"] == 4.0 and got["FulfilledOnDemandCapacity"] == 0.0
    assert len(active(ec2, fid)) == 2                  # weight 2 each


def test_allocation_strategies_follow_the_spot_fleet(ec2):
    lt_id = template(ec2)
    overrides = [{"InstanceType": t} for t in ("m5.large", "c5.large", "r5.large")]
    diverse = create(ec2, lt_id, 3, overrides=overrides,
                     SpotOptions={"AllocationStrategy": "diversified"})["FleetId"]
    assert {i["InstanceType"] for i in active(ec2, diverse)} == {"m5.large", "c5.large",
                                                                 "r5.large"}
    cheapest = create(ec2, lt_id, 3, overrides=overrides,
                      SpotOptions={"AllocationStrategy": "lowestPrice"})["FleetId"]
    assert len({i["InstanceType"] for i in active(ec2, cheapest)}) == 1
    prioritized = create(ec2, lt_id, 2, default="on-demand", overrides=[
        {"InstanceType": "m5.large", "Priority": 2.0}, {"InstanceType": "r5.large",
                                                        "Priority": 1.0}],
        OnDemandOptions={"AllocationStrategy": "prioritized"})["FleetId"]
    assert {i["InstanceType"] for i in active(ec2, prioritized)} == {"r5.large"}


def test_instance_requirements_pick_matching_types(ec2):
    lt_id = template(ec2)
    answer = create(ec2, lt_id, 2, "instant", default="on-demand", overrides=[
        {"InstanceRequirements": {"VCpuCount": {"Min": 2, "Max": 2},
                                  "MemoryMiB": {"Min": 16384, "Max": 16384}}}])
    types = {item["InstanceType"] for item in answer["Instances"]}
    assert types and types <= {"r5.large", "r6i.large", "r6g.large", "r7g.large"}


def test_a_pool_that_cannot_launch_is_an_error_not_a_refusal(ec2):
    lt_id = template(ec2)
    answer = create(ec2, lt_id, 1, "instant", overrides=[{"AvailabilityZone": "us-east-1z"}])
    assert answer["Instances"] == []
    assert answer["Errors"][0]["ErrorCode"] == "InvalidParameterValue"
    assert answer["Errors"][0]["Lifecycle"] == "spot"
    fid = create(ec2, lt_id, 1, overrides=[{"AvailabilityZone": "us-east-1z"}])["FleetId"]
    assert fleet(ec2, fid)["ActivityStatus"] == "error"


@pytest.mark.parametrize("change, code", [
    ({"LaunchTemplateConfigs": [{"LaunchTemplateSpecification": {
        "LaunchTemplateId": "lt-0123456789abcdef0", "Version": "1"}}]},
     "InvalidLaunchTemplateId.NotFound"),
    ({"LaunchTemplateConfigs": [{"LaunchTemplateSpecification": {
        "LaunchTemplateName": "fleet-tpl"}}]}, "InvalidFleetConfig"),
    ({"TargetCapacitySpecification": {"TotalTargetCapacity": 1, "OnDemandTargetCapacity": 2}},
     "InvalidFleetConfig"),
    ({"SpotOptions": {"AllocationStrategy": "diversified", "InstancePoolsToUseCount": 2}},
     "InvalidFleetConfig"),
    ({"SpotOptions": {"AllocationStrategy": "cheapest"}}, "InvalidParameterValue"),
    ({"ExcessCapacityTerminationPolicy": "sometimes"}, "InvalidParameterValue"),
    ({"SpotOptions": {"MaxTotalPrice": "free"}}, "InvalidFleetConfig"),
    ({"TagSpecifications": [{"ResourceType": "vpc", "Tags": [{"Key": "a", "Value": "b"}]}]},
     "InvalidParameterValue"),
])
def test_bad_requests_are_refused_and_change_nothing(ec2, change, code):
    lt_id = template(ec2)
    request = {"LaunchTemplateConfigs": configs(lt_id), "Type": "maintain",
               "TargetCapacitySpecification": {"TotalTargetCapacity": 1,
                                               "DefaultTargetCapacityType": "spot"}, **change}
    assert error_of(ec2.create_fleet, **request)[0] == code
    assert ec2.describe_fleets()["Fleets"] == []
    assert ec2.describe_instances()["Reservations"] == []


def test_dry_run_launches_nothing(ec2):
    lt_id = template(ec2)
    assert error_of(create, ec2=ec2, lt_id=lt_id, DryRun=True)[0] == "DryRunOperation"
    assert ec2.describe_instances()["Reservations"] == []


def test_unknown_and_malformed_fleets(ec2):
    assert error_of(ec2.describe_fleets, FleetIds=[MISSING]) == (
        "InvalidFleetId.NotFound", f"The fleet ID '{MISSING}' does not exist")
    assert error_of(ec2.describe_fleets, FleetIds=["fleet-1"])[0] == "InvalidFleetId.Malformed"
    assert error_of(ec2.describe_fleet_instances, FleetId=MISSING)[0] == \
        "InvalidFleetId.NotFound"
    assert error_of(ec2.modify_fleet, FleetId=MISSING, Context="x")[0] == \
        "InvalidFleetId.NotFound"


def test_future_fleet_is_submitted_and_launches_nothing(ec2):
    lt_id = template(ec2)
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    fid = create(ec2, lt_id, 1, ValidFrom=start)["FleetId"]
    assert fleet(ec2, fid)["FleetState"] == "submitted"
    assert active(ec2, fid) == []


# == maintain, modify, history ================================================================
def test_maintain_fleet_replaces_lost_capacity(ec2):
    lt_id = template(ec2)
    fid = create(ec2, lt_id, 2)["FleetId"]
    lost = active(ec2, fid)[0]["InstanceId"]
    ec2.terminate_instances(InstanceIds=[lost])
    now = active(ec2, fid)
    assert len(now) == 2 and lost not in {i["InstanceId"] for i in now}
    records = ec2.describe_fleet_history(FleetId=fid, StartTime=PAST,
                                         EventType="instance-change")["HistoryRecords"]
    assert [(r["EventInformation"]["EventSubType"], r["EventInformation"].get("InstanceId"))
            for r in records][2:] == [("terminated", lost), ("launched", now[1]["InstanceId"])]
    one_shot = create(ec2, lt_id, 2, "request")["FleetId"]
    ec2.terminate_instances(InstanceIds=[active(ec2, one_shot)[0]["InstanceId"]])
    assert len(active(ec2, one_shot)) == 1            # a request fleet does not


def test_modify_scales_up_and_down(ec2):
    lt_id = template(ec2)
    fid = create(ec2, lt_id, 1)["FleetId"]
    assert ec2.modify_fleet(FleetId=fid, TargetCapacitySpecification={
        "TotalTargetCapacity": 3})["Return"] is True
    assert len(active(ec2, fid)) == 3
    ec2.modify_fleet(FleetId=fid, TargetCapacitySpecification={"TotalTargetCapacity": 1})
    assert len(active(ec2, fid)) == 1
    ec2.modify_fleet(FleetId=fid, ExcessCapacityTerminationPolicy="no-termination",
                     TargetCapacitySpecification={"TotalTargetCapacity": 3})
    ec2.modify_fleet(FleetId=fid, TargetCapacitySpecification={"TotalTargetCapacity": 0})
    assert len(active(ec2, fid)) == 3                  # no-termination keeps them
    request = create(ec2, lt_id, 1, "request")["FleetId"]
    assert error_of(ec2.modify_fleet, FleetId=request, Context="x")[0] == \
        "InvalidParameterValue"


def test_history_records_the_fleet_and_its_instances(ec2):
    lt_id = template(ec2)
    fid = create(ec2, lt_id, 2)["FleetId"]
    ec2.modify_fleet(FleetId=fid, TargetCapacitySpecification={"TotalTargetCapacity": 1})
    answer = ec2.describe_fleet_history(FleetId=fid, StartTime=PAST)
    kinds = [(r["EventType"], r["EventInformation"]["EventSubType"])
             for r in answer["HistoryRecords"]]
    assert kinds[:2] == [("fleet-change", "submitted"), ("fleet-change", "active")]
    assert kinds.count(("instance-change", "launched")) == 2
    assert ("instance-change", "terminated") in kinds and kinds[-1] == (
        "fleet-change", "modify_succeeded")
    assert answer["StartTime"] == PAST and answer["FleetId"] == fid
    only = ec2.describe_fleet_history(FleetId=fid, StartTime=PAST, EventType="instance-change",
                                      MaxResults=1)
    assert len(only["HistoryRecords"]) == 1 and "NextToken" in only
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=1)
    assert ec2.describe_fleet_history(FleetId=fid, StartTime=later)["HistoryRecords"] == []


def test_spot_fleet_request_history(ec2):
    fid = ec2.request_spot_fleet(SpotFleetRequestConfig={
        "IamFleetRole": "arn:aws:iam::123456789012:role/fleet", "TargetCapacity": 1,
        "LaunchSpecifications": [{"ImageId": LINUX_AMI, "InstanceType": "m5.large"}]})[
        "SpotFleetRequestId"]
    ec2.cancel_spot_fleet_requests(SpotFleetRequestIds=[fid], TerminateInstances=True)
    records = ec2.describe_spot_fleet_request_history(SpotFleetRequestId=fid,
                                                      StartTime=PAST)["HistoryRecords"]
    kinds = [(r["EventType"], r["EventInformation"]["EventSubType"]) for r in records]
    assert kinds == [("fleetRequestChange", "submitted"), ("fleetRequestChange", "active"),
                     ("instanceChange", "launched"),
                     ("fleetRequestChange", "cancelled_terminating")]
    assert error_of(ec2.describe_spot_fleet_request_history,
                    SpotFleetRequestId="sfr-12345678-1234-4234-8234-123456789012",
                    StartTime=PAST)[0] == "InvalidSpotFleetRequestId.NotFound"


# == DeleteFleets =============================================================================
def test_delete_without_then_with_terminating(ec2):
    lt_id = template(ec2)
    fid = create(ec2, lt_id, 2)["FleetId"]
    answer = ec2.delete_fleets(FleetIds=[fid, MISSING, "fleet-x"], TerminateInstances=False)
    assert answer["SuccessfulFleetDeletions"] == [{"CurrentFleetState": "deleted_running",
                                                   "PreviousFleetState": "active",
                                                   "FleetId": fid}]
    assert [(f["FleetId"], f["Error"]["Code"]) for f in answer["UnsuccessfulFleetDeletions"]] \
        == [(MISSING, "fleetIdDoesNotExist"), ("fleet-x", "fleetIdMalformed")]
    assert len(active(ec2, fid)) == 2                  # still running
    again = ec2.delete_fleets(FleetIds=[fid], TerminateInstances=True)
    assert again["SuccessfulFleetDeletions"][0]["CurrentFleetState"] == "deleted_terminating"
    assert fleet(ec2, fid)["FleetState"] == "deleted_terminating"
    assert active(ec2, fid) == []
    last = ec2.delete_fleets(FleetIds=[fid], TerminateInstances=True)
    assert last["UnsuccessfulFleetDeletions"][0]["Error"]["Code"] == "fleetNotInDeletableState"


def test_instant_fleet_needs_terminate_instances(ec2):
    lt_id = template(ec2)
    fid = create(ec2, lt_id, 1, "instant")["FleetId"]
    answer = ec2.delete_fleets(FleetIds=[fid], TerminateInstances=False)
    assert answer["UnsuccessfulFleetDeletions"][0]["Error"]["Code"] == \
        "NoTerminateInstancesNotSupported"
    ec2.delete_fleets(FleetIds=[fid], TerminateInstances=True)
    iid = fleet(ec2, fid)["Instances"][0]["InstanceIds"][0]
    state = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert state["State"]["Name"] == "terminated"


def test_describe_filters(ec2):
    lt_id = template(ec2)
    keep = create(ec2, lt_id, 1)["FleetId"]
    gone = create(ec2, lt_id, 1, "request")["FleetId"]
    ec2.delete_fleets(FleetIds=[gone], TerminateInstances=True)

    def ids(name: str, value: str) -> list[str]:
        return [f["FleetId"] for f in ec2.describe_fleets(
            Filters=[{"Name": name, "Values": [value]}])["Fleets"]]
    assert ids("type", "maintain") == [keep]
    assert ids("fleet-state", "deleted-terminating") == [gone]
    assert ids("fleet-state", "active") == [keep]
    assert ids("activity-status", "fulfilled") == [keep]
    assert error_of(ec2.describe_fleets, Filters=[{"Name": "nope", "Values": ["x"]}])[0] == \
        "InvalidParameterValue"


# == against ec2sim serve =====================================================================
def test_fleet_round_trip_against_server(server_ec2):
    lt_id = template(server_ec2)
    answer = create(server_ec2, lt_id, 2, "instant", default="on-demand")
    assert len(answer["Instances"][0]["InstanceIds"]) == 2
    fid = create(server_ec2, lt_id, 1)["FleetId"]
    assert fleet(server_ec2, fid)["FulfilledCapacity"] == 1.0
    records = server_ec2.describe_fleet_history(FleetId=fid, StartTime=PAST)["HistoryRecords"]
    assert records[0]["EventInformation"]["EventSubType"] == "submitted"
    deleted = server_ec2.delete_fleets(FleetIds=[fid, answer["FleetId"]],
                                       TerminateInstances=True)
    assert len(deleted["SuccessfulFleetDeletions"]) == 2


def test_a_maintain_fleet_whose_template_is_gone_reports_an_error(ec2):
    lt_id = template(ec2)
    fid = create(ec2, lt_id, 1)["FleetId"]
    ec2.terminate_instances(InstanceIds=[active(ec2, fid)[0]["InstanceId"]])
    ec2.delete_launch_template(LaunchTemplateId=lt_id)
    assert active(ec2, fid) == []                      # nothing to launch from, no failure
    assert fleet(ec2, fid)["ActivityStatus"] == "pending_fulfillment"
    errors = ec2.describe_fleet_history(FleetId=fid, StartTime=PAST,
                                        EventType="service-error")["HistoryRecords"]
    assert [r["EventInformation"]["EventSubType"] for r in errors] == [
        "InvalidLaunchTemplateId.NotFound"]


def test_a_maintain_spot_fleet_replaces_lost_capacity(ec2):
    fid = ec2.request_spot_fleet(SpotFleetRequestConfig={
        "IamFleetRole": "arn:aws:iam::123456789012:role/fleet", "TargetCapacity": 2,
        "LaunchSpecifications": [{"ImageId": LINUX_AMI, "InstanceType": "m5.large"}]})[
        "SpotFleetRequestId"]
    instances = ec2.describe_spot_fleet_instances(SpotFleetRequestId=fid)["ActiveInstances"]
    ec2.terminate_instances(InstanceIds=[instances[0]["InstanceId"]])
    now = ec2.describe_spot_fleet_instances(SpotFleetRequestId=fid)["ActiveInstances"]
    assert len(now) == 2 and instances[0]["InstanceId"] not in {i["InstanceId"] for i in now}


def test_min_target_capacity_and_single_instance_type(ec2):
    lt_id = template(ec2)
    overrides = [{"InstanceType": t} for t in ("m5.large", "c5.large")]
    poor = create(ec2, lt_id, 4, "instant", default="on-demand", overrides=overrides,
                  OnDemandOptions={"MaxTotalPrice": "0.2", "MinTargetCapacity": 3,
                                   "SingleInstanceType": True})
    assert poor["Instances"] == []                     # 0.2 $/h buys two: under the minimum
    rich = create(ec2, lt_id, 4, "instant", default="on-demand", overrides=overrides,
                  OnDemandOptions={"MinTargetCapacity": 3, "SingleInstanceType": True})
    assert len(rich["Instances"]) == 1 and len(rich["Instances"][0]["InstanceIds"]) == 4


def test_an_expired_fleet_terminates_with_expiration(ec2):
    lt_id = template(ec2)
    until = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=2)
    fid = create(ec2, lt_id, 1, ValidUntil=until, TerminateInstancesWithExpiration=True)[
        "FleetId"]
    assert len(active(ec2, fid)) == 1
    time.sleep(2.2)
    assert fleet(ec2, fid)["FleetState"] == "deleted_terminating"
    assert active(ec2, fid) == []
    kinds = [r["EventInformation"]["EventSubType"] for r in ec2.describe_fleet_history(
        FleetId=fid, StartTime=PAST, EventType="fleet-change")["HistoryRecords"]]
    assert kinds[-2:] == ["expired", "deleted_terminating"]
