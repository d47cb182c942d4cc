"""Scheduled Instances through boto3: the catalogue's offers (recurrence rules), purchases,
their describe, and launches of real instances during a slot."""
from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError

from topology.catalogue.image_catalogue import hashed_id
from helpers import error

LINUX_AMI = hashed_id("ami", "us-east-1", "al2023-ami-2023.6.20250107.0-kernel-6.1-x86_64")
DAILY = {"Frequency": "Daily", "Interval": 1}
MISSING = "sci-1234-1234-1234-1234-123456789012"


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def offers(ec2, recurrence=None, days: int = 2, **kwargs) -> list[dict]:
    return ec2.describe_scheduled_instance_availability(
        FirstSlotStartTimeRange={"EarliestTime": now(),
                                 "LatestTime": now() + dt.timedelta(days=days)},
        Recurrence=recurrence or DAILY, **kwargs)["ScheduledInstanceAvailabilitySet"]


def fails(call, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as exc:
        call(**kwargs)
    return error(exc)


def test_offers_follow_the_recurrence(ec2):
    daily = offers(ec2, Filters=[{"Name": "instance-type", "Values": ["c4.large"]},
                                 {"Name": "availability-zone", "Values": ["us-east-1a"]}])
    assert {o["Platform"] for o in daily} == {"Linux/UNIX", "Windows"}
    offer = daily[0]
    assert offer["SlotDurationInHours"] == 4 and offer["TotalScheduledInstanceHours"] == 1460
    assert offer["MinTermDurationInDays"] == offer["MaxTermDurationInDays"] == 366
    assert offer["Recurrence"] == {"Frequency": "Daily", "Interval": 1, "OccurrenceDaySet": [],
                                   "OccurrenceRelativeToEnd": False}
    assert offer["FirstSlotStartTime"] <= now()
    weekly = offers(ec2, {"Frequency": "Weekly", "Interval": 1, "OccurrenceDays": [2, 4],
                          "OccurrenceUnit": "DayOfWeek"}, days=10)[0]
    assert weekly["FirstSlotStartTime"].isoweekday() % 7 + 1 in (2, 4)   # Monday, Wednesday
    assert weekly["SlotDurationInHours"] == 24
    assert weekly["Recurrence"]["OccurrenceDaySet"] == [2, 4]
    monthly = offers(ec2, {"Frequency": "Monthly", "OccurrenceDays": [1],
                           "OccurrenceUnit": "DayOfMonth"}, days=40)[0]
    assert monthly["FirstSlotStartTime"].day == 1 and monthly["SlotDurationInHours"] == 100
    assert offers(ec2, DAILY) == offers(ec2, DAILY)          # the same catalogue every call


@pytest.mark.parametrize("recurrence, extra", [
    ({"Frequency": "Hourly"}, {}),
    ({"Frequency": "Daily", "OccurrenceDays": [1]}, {}),
    ({"Frequency": "Weekly", "OccurrenceDays": [9], "OccurrenceUnit": "DayOfWeek"}, {}),
    ({"Frequency": "Weekly", "OccurrenceDays": [1], "OccurrenceUnit": "DayOfMonth"}, {}),
    (DAILY, {"MinSlotDurationInHours": 2}),
    (DAILY, {"MaxSlotDurationInHours": 2000}),
])
def test_bad_schedules_are_refused(ec2, recurrence, extra):
    assert fails(ec2.describe_scheduled_instance_availability,
                 FirstSlotStartTimeRange={"EarliestTime": now(),
                                          "LatestTime": now() + dt.timedelta(days=1)},
                 Recurrence=recurrence, **extra)[0] == "InvalidParameterValue"
    assert fails(ec2.describe_scheduled_instance_availability,
                 FirstSlotStartTimeRange={"EarliestTime": now(),
                                          "LatestTime": now() + dt.timedelta(days=200)},
                 Recurrence=DAILY)[0] == "InvalidParameterValue"


def test_purchase_describe_and_run(ec2):
    offer = offers(ec2, Filters=[{"Name": "platform", "Values": ["Linux/UNIX"]}])[0]
    bought = ec2.purchase_scheduled_instances(PurchaseRequests=[
        {"PurchaseToken": offer["PurchaseToken"], "InstanceCount": 2}])["ScheduledInstanceSet"]
    sci = bought[0]["ScheduledInstanceId"]
    assert sci.startswith("sci-") and bought[0]["InstanceCount"] == 2
    assert bought[0]["TermEndDate"] - bought[0]["TermStartDate"] == dt.timedelta(days=366)
    listed = ec2.describe_scheduled_instances(ScheduledInstanceIds=[sci])["ScheduledInstanceSet"]
    assert listed[0]["InstanceType"] == offer["InstanceType"]
    assert ec2.describe_scheduled_instances(Filters=[{"Name": "platform", "Values": [
        "Windows"]}])["ScheduledInstanceSet"] == []
    ids = ec2.run_scheduled_instances(ScheduledInstanceId=sci, InstanceCount=2,
                                      LaunchSpecification={"ImageId": LINUX_AMI})["InstanceIdSet"]
    launched = ec2.describe_instances(InstanceIds=ids)["Reservations"][0]["Instances"]
    assert {(i["InstanceType"], i["Placement"]["AvailabilityZone"]) for i in launched} == {
        (offer["InstanceType"], offer["AvailabilityZone"])}
    assert fails(ec2.run_scheduled_instances, ScheduledInstanceId=sci,
                 LaunchSpecification={"ImageId": LINUX_AMI})[0] == "InvalidParameterValue"


def test_purchase_and_run_errors(ec2):
    offer = offers(ec2, Filters=[{"Name": "platform", "Values": ["Linux/UNIX"]}])[0]
    assert fails(ec2.purchase_scheduled_instances, PurchaseRequests=[
        {"PurchaseToken": "garbage", "InstanceCount": 1}])[0] == "InvalidPurchaseToken.Malformed"
    assert fails(ec2.purchase_scheduled_instances, PurchaseRequests=[
        {"PurchaseToken": offer["PurchaseToken"], "InstanceCount": 500}])[0] == \
        "InvalidParameterValue"
    assert ec2.describe_scheduled_instances()["ScheduledInstanceSet"] == []
    assert fails(ec2.describe_scheduled_instances, ScheduledInstanceIds=[MISSING])[0] == \
        "InvalidScheduledInstance.NotFound"
    assert fails(ec2.run_scheduled_instances, ScheduledInstanceId=MISSING,
                 LaunchSpecification={"ImageId": LINUX_AMI})[0] == \
        "InvalidScheduledInstance.NotFound"
    later = ec2.describe_scheduled_instance_availability(
        FirstSlotStartTimeRange={"EarliestTime": now() + dt.timedelta(days=3),
                                 "LatestTime": now() + dt.timedelta(days=4)},
        Recurrence=DAILY, Filters=[{"Name": "platform", "Values": ["Linux/UNIX"]}])[
        "ScheduledInstanceAvailabilitySet"][0]
    sci = ec2.purchase_scheduled_instances(PurchaseRequests=[
        {"PurchaseToken": later["PurchaseToken"], "InstanceCount": 1}])[
        "ScheduledInstanceSet"][0]["ScheduledInstanceId"]
    assert fails(ec2.run_scheduled_instances, ScheduledInstanceId=sci,
                 LaunchSpecification={"ImageId": LINUX_AMI})[0] == "IncorrectState"


def test_scheduled_instances_against_server(server_ec2):
    offer = offers(server_ec2, Filters=[{"Name": "platform", "Values": ["Linux/UNIX"]}])[0]
    sci = server_ec2.purchase_scheduled_instances(PurchaseRequests=[
        {"PurchaseToken": offer["PurchaseToken"], "InstanceCount": 1}])[
        "ScheduledInstanceSet"][0]["ScheduledInstanceId"]
    ids = server_ec2.run_scheduled_instances(ScheduledInstanceId=sci, LaunchSpecification={
        "ImageId": LINUX_AMI})["InstanceIdSet"]
    assert len(ids) == 1
