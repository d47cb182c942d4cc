"""Instance event windows, scheduled events (DescribeInstanceStatus,
ModifyInstanceEventStartTime) and event notification attributes."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from topology.compute import instance_events
from helpers import fails

MISSING_WINDOW = "iew-0123456789abcdef0"
RANGES = [{"StartWeekDay": "monday", "StartHour": 2, "EndWeekDay": "monday", "EndHour": 8}]


def launch(ec2: Any) -> str:
    image = ec2.describe_images(Filters=[{"Name": "name", "Values": ["debian-12-amd64*"]}])[
        "Images"][0]["ImageId"]
    return ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"]


def window(ec2: Any, **params: Any) -> dict[str, Any]:
    params = params or {"TimeRanges": RANGES}
    return ec2.create_instance_event_window(**params)["InstanceEventWindow"]


# -- create, modify, delete ---------------------------------------------------------------------
def test_create_with_time_ranges_and_tags(ec2):
    made = window(ec2, Name="nightly", TimeRanges=RANGES, TagSpecifications=[
        {"ResourceType": "instance-event-window", "Tags": [{"Key": "team", "Value": "ops"}]}])
    assert made["InstanceEventWindowId"].startswith("iew-")
    assert (made["Name"], made["State"], made["TimeRanges"]) == ("nightly", "active", RANGES)
    assert made["AssociationTarget"] == {"InstanceIds": [], "Tags": [], "DedicatedHostIds": []}
    assert made["Tags"] == [{"Key": "team", "Value": "ops"}]
    found = ec2.describe_instance_event_windows(Filters=[
        {"Name": "tag:team", "Values": ["ops"]}])["InstanceEventWindows"]
    assert [w["InstanceEventWindowId"] for w in found] == [made["InstanceEventWindowId"]]


@pytest.mark.parametrize("params", [
    {"TimeRanges": RANGES, "CronExpression": "* 0-4 * * 1"},                  # both
    {},                                                                         # neither
    {"TimeRanges": [{"StartWeekDay": "monday", "StartHour": 2, "EndWeekDay": "monday",
                     "EndHour": 3}]},                                           # 1 hour
    {"TimeRanges": [{"StartWeekDay": "monday", "StartHour": 2, "EndWeekDay": "monday",
                     "EndHour": 4}]},                                           # 2 < 4 hours
    {"CronExpression": "0 0-4 * * 1"},                                          # minute set
    {"CronExpression": "* 0-1,5-6 * * 1"},                                      # 1-hour range
    {"CronExpression": "* 0-2 * * 1"},                                          # 2 < 4 hours
    {"CronExpression": "* 0-4 * * MONDAY"},                                     # day name
    {"CronExpression": "* 0-4 * *"},                                            # 4 fields
])
def test_invalid_schedules_are_refused(ec2, params):
    code, _ = fails(ec2.create_instance_event_window, **params)
    assert code in ("InvalidParameterValue", "InvalidParameterCombination", "MissingParameter")
    assert ec2.describe_instance_event_windows()["InstanceEventWindows"] == []


def test_cron_expressions_as_documented(ec2):
    for cron in ("* 0-4,20-23 * * 1,5", "* 0-2 * * SUN-TUE", "* 10-14 * * *"):
        assert window(ec2, CronExpression=cron)["CronExpression"] == cron


def test_modify_replaces_the_schedule(ec2):
    wid = window(ec2)["InstanceEventWindowId"]
    changed = ec2.modify_instance_event_window(InstanceEventWindowId=wid, Name="renamed",
                                               CronExpression="* 0-4 * * 2")
    window_ = changed["InstanceEventWindow"]
    assert (window_["Name"], window_["CronExpression"], window_["TimeRanges"]) == (
        "renamed", "* 0-4 * * 2", [])
    assert fails(ec2.modify_instance_event_window, InstanceEventWindowId=MISSING_WINDOW,
                 Name="x")[0] == "InvalidInstanceEventWindowId.NotFound"


def test_targets_of_one_type_and_force_delete(ec2):
    iid = launch(ec2)
    wid = window(ec2)["InstanceEventWindowId"]
    joined = ec2.associate_instance_event_window(
        InstanceEventWindowId=wid, AssociationTarget={"InstanceIds": [iid]})[
        "InstanceEventWindow"]
    assert joined["AssociationTarget"]["InstanceIds"] == [iid]
    assert fails(ec2.associate_instance_event_window, InstanceEventWindowId=wid,
                 AssociationTarget={"InstanceTags": [{"Key": "a", "Value": "b"}]})[0] == \
        "InvalidParameterCombination"
    other = window(ec2)["InstanceEventWindowId"]
    assert fails(ec2.associate_instance_event_window, InstanceEventWindowId=other,
                 AssociationTarget={"InstanceIds": [iid]})[0] == "InvalidParameterValue"
    by_instance = ec2.describe_instance_event_windows(Filters=[
        {"Name": "instance-id", "Values": [iid]}])["InstanceEventWindows"]
    assert [w["InstanceEventWindowId"] for w in by_instance] == [wid]
    code, _ = fails(ec2.delete_instance_event_window, InstanceEventWindowId=wid)
    assert code == "InvalidInstanceEventWindowState"
    gone = ec2.delete_instance_event_window(InstanceEventWindowId=wid, ForceDelete=True)
    assert gone["InstanceEventWindowState"] == {"InstanceEventWindowId": wid,
                                                "State": "deleting"}
    assert fails(ec2.describe_instance_event_windows,
                 InstanceEventWindowIds=[wid])[0] == "InvalidInstanceEventWindowId.NotFound"


def test_tag_targets_associate_and_disassociate(ec2):
    wid = window(ec2)["InstanceEventWindowId"]
    ec2.associate_instance_event_window(InstanceEventWindowId=wid, AssociationTarget={
        "InstanceTags": [{"Key": "env", "Value": "prod"}, {"Key": "tier", "Value": "web"}]})
    found = ec2.describe_instance_event_windows(Filters=[
        {"Name": "instance-tag", "Values": ["env=prod"]}])["InstanceEventWindows"]
    assert [w["InstanceEventWindowId"] for w in found] == [wid]
    left = ec2.disassociate_instance_event_window(InstanceEventWindowId=wid, AssociationTarget={
        "InstanceTags": [{"Key": "env", "Value": "prod"}]})["InstanceEventWindow"]
    assert left["AssociationTarget"]["Tags"] == [{"Key": "tier", "Value": "web"}]
    ec2.disassociate_instance_event_window(InstanceEventWindowId=wid, AssociationTarget={
        "InstanceTags": [{"Key": "tier", "Value": "web"}]})
    ec2.delete_instance_event_window(InstanceEventWindowId=wid)


def test_describe_pages_and_refuses_max_results_with_ids(ec2):
    made = [window(ec2)["InstanceEventWindowId"] for _ in range(3)]
    assert fails(ec2.describe_instance_event_windows, InstanceEventWindowIds=made[:1],
                 MaxResults=20)[0] == "InvalidParameterCombination"
    listed = ec2.describe_instance_event_windows(MaxResults=20)["InstanceEventWindows"]
    assert [w["InstanceEventWindowId"] for w in listed] == made


# -- scheduled events ---------------------------------------------------------------------------
def test_scheduled_event_shows_and_moves_within_its_deadline(ec2, mock):
    iid = launch(ec2)
    part = mock.world.partition("123456789012", "us-east-1")
    soon = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(days=2)
    event_id = instance_events.schedule(mock.world, part, iid, "system-reboot", soon,
                                        not_after=soon + dt.timedelta(hours=2),
                                        deadline=soon + dt.timedelta(days=7))
    status = ec2.describe_instance_status(InstanceIds=[iid])["InstanceStatuses"][0]
    assert [e["InstanceEventId"] for e in status["Events"]] == [event_id]
    assert status["Events"][0]["Code"] == "system-reboot"
    by_code = ec2.describe_instance_status(Filters=[
        {"Name": "event.code", "Values": ["system-reboot"]}])["InstanceStatuses"]
    assert [s["InstanceId"] for s in by_code] == [iid]
    later = soon + dt.timedelta(days=3)
    moved = ec2.modify_instance_event_start_time(InstanceId=iid, InstanceEventId=event_id,
                                                 NotBefore=later)["Event"]
    assert moved["NotBefore"] == later and moved["NotAfter"] == later + dt.timedelta(hours=2)
    assert fails(ec2.modify_instance_event_start_time, InstanceId=iid,
                 InstanceEventId=event_id,
                 NotBefore=soon + dt.timedelta(days=30))[0] == "InvalidInstanceEventStartTime"
    assert fails(ec2.modify_instance_event_start_time, InstanceId=iid,
                 InstanceEventId="instance-event-0123456789abcdef0",
                 NotBefore=later)[0] == "InvalidInstanceEventIDNotFound"


# -- event notification attributes --------------------------------------------------------------
def test_notification_attributes(ec2):
    empty = {"InstanceTagKeys": [], "IncludeAllTagsOfInstance": False}
    assert ec2.describe_instance_event_notification_attributes()["InstanceTagAttribute"] == \
        empty
    added = ec2.register_instance_event_notification_attributes(
        InstanceTagAttribute={"InstanceTagKeys": ["Name", "team"]})["InstanceTagAttribute"]
    assert added["InstanceTagKeys"] == ["Name", "team"]
    assert fails(ec2.register_instance_event_notification_attributes, InstanceTagAttribute={
        "IncludeAllTagsOfInstance": True, "InstanceTagKeys": ["x"]})[0] == \
        "InvalidParameterCombination"
    # an empty structure sends nothing at all
    assert fails(ec2.register_instance_event_notification_attributes,
                 InstanceTagAttribute={})[0] == "MissingParameter"
    assert fails(ec2.register_instance_event_notification_attributes,
                 InstanceTagAttribute={"InstanceTagKeys": []})[0] in (
        "MissingParameter", "InvalidParameterValue")
    ec2.deregister_instance_event_notification_attributes(
        InstanceTagAttribute={"InstanceTagKeys": ["Name"]})
    ec2.register_instance_event_notification_attributes(
        InstanceTagAttribute={"IncludeAllTagsOfInstance": True})
    assert ec2.describe_instance_event_notification_attributes()["InstanceTagAttribute"] == {
        "InstanceTagKeys": ["team"], "IncludeAllTagsOfInstance": True}


@pytest.mark.server
def test_event_windows_over_http(server_ec2):
    iid = launch(server_ec2)
    wid = window(server_ec2, CronExpression="* 0-4 * * 1")["InstanceEventWindowId"]
    server_ec2.associate_instance_event_window(InstanceEventWindowId=wid,
                                               AssociationTarget={"InstanceIds": [iid]})
    found = server_ec2.describe_instance_event_windows(InstanceEventWindowIds=[wid])[
        "InstanceEventWindows"][0]
    assert found["AssociationTarget"]["InstanceIds"] == [iid]
    server_ec2.disassociate_instance_event_window(InstanceEventWindowId=wid,
                                                  AssociationTarget={"InstanceIds": [iid]})
    server_ec2.delete_instance_event_window(InstanceEventWindowId=wid)
    server_ec2.register_instance_event_notification_attributes(
        InstanceTagAttribute={"InstanceTagKeys": ["Name"]})
    assert server_ec2.describe_instance_event_notification_attributes()[
        "InstanceTagAttribute"]["InstanceTagKeys"] == ["Name"]
