"""Capacity Blocks for ML: offerings, purchases (capacity reservations of type
capacity-block), blocks, status and extensions, in-process and against the server."""
from __future__ import annotations

import datetime as dt

import boto3
import pytest

from topology.compute import capacity_reservations
from topology.core import clock
from helpers import fails

TYPE = "p5.48xlarge"


def offerings(ec2, **kwargs) -> list[dict]:
    args = {"InstanceType": TYPE, "InstanceCount": 1, "CapacityDurationHours": 48, **kwargs}
    return ec2.describe_capacity_block_offerings(**args)["CapacityBlockOfferings"]


def daily(ec2, days: int = 1, **kwargs) -> dict:
    """The recommended offering of a search that starts later (so it starts at 11:30 UTC)."""
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)
    found, = offerings(ec2, StartDateRange=start, **kwargs)
    return found


def buy(ec2, offering: dict, **kwargs) -> dict:
    return ec2.purchase_capacity_block(CapacityBlockOfferingId=offering[
        "CapacityBlockOfferingId"], InstancePlatform="Linux/UNIX", **kwargs)


def later(monkeypatch, when: dt.datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: when)
    monkeypatch.setattr(capacity_reservations, "now", lambda: when)


def test_offerings_follow_aws_rules(ec2):
    first = daily(ec2, InstanceCount=4)
    assert first["CapacityBlockOfferingId"].startswith("cb-")
    assert first["StartDate"].astimezone(dt.timezone.utc).time() == dt.time(11, 30)
    assert first["EndDate"] - first["StartDate"] == dt.timedelta(hours=48)
    assert first["CapacityBlockDurationHours"] == 48 and first["CurrencyCode"] == "USD"
    assert first["CapacityBlockDurationMinutes"] == 0
    assert first["InstanceCount"] == 4 and first["Tenancy"] == "default"
    fee = float(first["UpfrontFee"])
    assert 0.9 * 31.464 * 4 * 48 < fee < 1.1 * 31.464 * 4 * 48
    assert daily(ec2, InstanceCount=4) == first       # the same every time


def test_the_recommended_offering_now_ends_at_1130_utc(ec2):
    now, = offerings(ec2, CapacityDurationHours=24)   # one recommended offering
    assert now["StartDate"] - dt.datetime.now(dt.timezone.utc) < dt.timedelta(minutes=6)
    assert now["EndDate"].astimezone(dt.timezone.utc).time() == dt.time(11, 30)
    assert now["CapacityBlockDurationHours"] * 60 + now["CapacityBlockDurationMinutes"] == \
        (now["EndDate"] - now["StartDate"]) // dt.timedelta(minutes=1)


def test_offerings_in_a_date_range(ec2):
    start = daily(ec2)["StartDate"] + dt.timedelta(days=3)
    found, = offerings(ec2, StartDateRange=start, EndDateRange=start + dt.timedelta(days=4))
    assert found["StartDate"] == start
    assert offerings(ec2, StartDateRange=start, EndDateRange=start + dt.timedelta(hours=47)) \
        == []


@pytest.mark.parametrize("bad", [
    {"CapacityDurationHours": 25}, {"CapacityDurationHours": 15 * 24},
    {"CapacityDurationHours": 189 * 24}, {"InstanceCount": 3}, {"InstanceCount": 128},
    {"InstanceType": "m5.large"},
    {"EndDateRange": dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)}])
def test_bad_requests(ec2, bad):
    assert fails(ec2.describe_capacity_block_offerings,
                 **{"InstanceType": TYPE, "InstanceCount": 1, "CapacityDurationHours": 48,
                    **bad})[0] == "InvalidParameterValue"


def test_weeks_past_two_weeks_and_preferences(ec2):
    assert offerings(ec2, CapacityDurationHours=21 * 24)[0]["CapacityBlockDurationHours"] \
        <= 21 * 24
    found = ec2.describe_capacity_block_offerings(
        InstanceTypePreferences=[{"InstanceType": "p4d.24xlarge"},
                                 {"InstanceType": "p5.48xlarge"}],
        InstanceCount=1, CapacityDurationHours=24)["CapacityBlockOfferings"]
    assert {o["InstanceType"] for o in found} == {"p4d.24xlarge", "p5.48xlarge"}
    assert fails(ec2.describe_capacity_block_offerings, InstanceCount=1,
                 CapacityDurationHours=24)[0] == "MissingParameter"


def test_purchase_makes_a_capacity_block_reservation(ec2, monkeypatch):
    offering = daily(ec2, InstanceCount=2)
    bought = buy(ec2, offering, TagSpecifications=[
        {"ResourceType": "capacity-reservation", "Tags": [{"Key": "team", "Value": "ml"}]},
        {"ResourceType": "capacity-block", "Tags": [{"Key": "block", "Value": "1"}]}])
    reservation = bought["CapacityReservation"]
    assert reservation["State"] == "payment-pending"
    assert reservation["ReservationType"] == "capacity-block"
    assert reservation["InstanceMatchCriteria"] == "targeted"
    assert reservation["TotalInstanceCount"] == 2 and reservation["InstanceType"] == TYPE
    assert reservation["AvailabilityZone"] == offering["AvailabilityZone"]
    assert reservation["StartDate"] == offering["StartDate"]
    assert reservation["EndDate"] == offering["EndDate"]
    assert reservation["Tags"] == [{"Key": "team", "Value": "ml"}]
    block = bought["CapacityBlocks"][0]
    assert block["CapacityReservationIds"] == [reservation["CapacityReservationId"]]
    assert reservation["CapacityBlockId"] == block["CapacityBlockId"]
    cr_id = reservation["CapacityReservationId"]
    described = ec2.describe_capacity_reservations(CapacityReservationIds=[cr_id])[
        "CapacityReservations"][0]
    assert described["State"] == "scheduled"
    blocks = ec2.describe_capacity_blocks()["CapacityBlocks"]
    assert [(b["CapacityBlockId"], b["State"], b["Tags"]) for b in blocks] == [
        (block["CapacityBlockId"], "scheduled", [{"Key": "block", "Value": "1"}])]
    later(monkeypatch, offering["StartDate"] + dt.timedelta(hours=1))
    assert ec2.describe_capacity_blocks(Filters=[{"Name": "state", "Values": ["active"]}])[
        "CapacityBlocks"][0]["CapacityBlockId"] == block["CapacityBlockId"]
    status = ec2.describe_capacity_block_status()["CapacityBlockStatuses"]
    assert status == [{"CapacityBlockId": block["CapacityBlockId"], "InterconnectStatus": "ok",
                       "TotalCapacity": 2, "TotalAvailableCapacity": 2,
                       "TotalUnavailableCapacity": 0, "CapacityReservationStatuses": [
                           {"CapacityReservationId": cr_id, "TotalCapacity": 2,
                            "TotalAvailableCapacity": 2, "TotalUnavailableCapacity": 0}]}]
    later(monkeypatch, offering["EndDate"] + dt.timedelta(hours=1))
    assert ec2.describe_capacity_blocks()["CapacityBlocks"][0]["State"] == "expired"


def test_purchase_errors_leave_nothing(ec2):
    offering = daily(ec2)
    assert fails(ec2.purchase_capacity_block, CapacityBlockOfferingId="cb-0123456789abcdef0",
                 InstancePlatform="Linux/UNIX")[0] == "InvalidParameterValue"
    assert fails(buy, ec2, offering, TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "a", "Value": "b"}]}])[0] == \
        "InvalidParameterValue"
    assert ec2.describe_capacity_blocks()["CapacityBlocks"] == []
    buy(ec2, offering)
    assert fails(buy, ec2, offering)[0] == "InvalidParameterValue"    # sold once
    assert daily(ec2) != offering                 # and recommended no more
    assert len(ec2.describe_capacity_blocks()["CapacityBlocks"]) == 1


def test_an_offering_from_another_region_is_refused(ec2):
    east = daily(ec2)
    west = boto3.client("ec2", region_name="us-west-2")
    assert fails(west.purchase_capacity_block, CapacityBlockOfferingId=east[
        "CapacityBlockOfferingId"], InstancePlatform="Linux/UNIX")[0] == "InvalidParameterValue"


def test_status_of_a_scheduled_block_is_refused(ec2):
    block = buy(ec2, daily(ec2))["CapacityBlocks"][0]["CapacityBlockId"]
    assert fails(ec2.describe_capacity_block_status, CapacityBlockIds=[block])[0] == \
        "IncorrectState"
    assert fails(ec2.describe_capacity_blocks, CapacityBlockIds=["cb-0123456789abcdef0"])[
        0] == "InvalidCapacityBlockId.NotFound"


def test_extension(ec2):
    bought = buy(ec2, daily(ec2))
    cr_id = bought["CapacityReservation"]["CapacityReservationId"]
    end = bought["CapacityReservation"]["EndDate"]
    offer, = ec2.describe_capacity_block_extension_offerings(
        CapacityBlockExtensionDurationHours=72, CapacityReservationId=cr_id)[
        "CapacityBlockExtensionOfferings"]
    assert offer["CapacityBlockExtensionOfferingId"].startswith("cbe-")
    assert offer["CapacityBlockExtensionStartDate"] == end
    assert offer["CapacityBlockExtensionEndDate"] == end + dt.timedelta(hours=72)
    done, = ec2.purchase_capacity_block_extension(
        CapacityBlockExtensionOfferingId=offer["CapacityBlockExtensionOfferingId"],
        CapacityReservationId=cr_id)["CapacityBlockExtensions"]
    assert done["CapacityBlockExtensionStatus"] == "payment-pending"
    reservation = ec2.describe_capacity_reservations(CapacityReservationIds=[cr_id])[
        "CapacityReservations"][0]
    assert reservation["EndDate"] == end + dt.timedelta(hours=72)
    history = ec2.describe_capacity_block_extension_history(
        CapacityReservationIds=[cr_id])["CapacityBlockExtensions"]
    assert [h["CapacityBlockExtensionStatus"] for h in history] == ["payment-succeeded"]
    assert ec2.describe_capacity_block_extension_history(Filters=[
        {"Name": "instance-type", "Values": ["p4d.24xlarge"]}])["CapacityBlockExtensions"] == []
    # the offering was for the old end date
    assert fails(ec2.purchase_capacity_block_extension,
                 CapacityBlockExtensionOfferingId=offer["CapacityBlockExtensionOfferingId"],
                 CapacityReservationId=cr_id)[0] == "InvalidParameterValue"


def test_extension_needs_a_capacity_block(ec2):
    plain = ec2.create_capacity_reservation(InstanceType="m5.large", InstancePlatform="Linux/UNIX",
                                            AvailabilityZone="us-east-1a", InstanceCount=1)
    cr_id = plain["CapacityReservation"]["CapacityReservationId"]
    assert fails(ec2.describe_capacity_block_extension_offerings,
                 CapacityBlockExtensionDurationHours=24, CapacityReservationId=cr_id)[0] == \
        "InvalidParameterValue"
    bought = buy(ec2, daily(ec2))["CapacityReservation"]["CapacityReservationId"]
    assert fails(ec2.describe_capacity_block_extension_offerings,
                 CapacityBlockExtensionDurationHours=30, CapacityReservationId=bought)[0] == \
        "InvalidParameterValue"


def test_against_server(server_ec2):
    offering = daily(server_ec2)
    bought = buy(server_ec2, offering)
    assert bought["CapacityReservation"]["State"] == "payment-pending"
    block, = server_ec2.describe_capacity_blocks()["CapacityBlocks"]
    assert block["State"] == "scheduled" and block["StartDate"] == offering["StartDate"]
