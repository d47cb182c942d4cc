"""Spot operations through boto3: the price history, Spot Instance requests and Spot Fleets."""
from __future__ import annotations

import datetime as dt
import re

import boto3
import pytest
from botocore.exceptions import ClientError

from topology.catalogue.image_catalogue import hashed_id
from helpers import error

REGION = "us-east-1"
LINUX_AMI = hashed_id("ami", REGION, "al2023-ami-2023.6.20250107.0-kernel-6.1-x86_64")
WINDOWS_AMI = hashed_id("ami", REGION, "Windows_Server-2022-English-Full-Base-2025.01.15")
ROLE = "arn:aws:iam::123456789012:role/aws-ec2-spot-fleet-tagging-role"
PRODUCTS = {"Linux/UNIX", "Linux/UNIX (Amazon VPC)", "Red Hat Enterprise Linux",
            "Red Hat Enterprise Linux (Amazon VPC)", "SUSE Linux", "SUSE Linux (Amazon VPC)",
            "Windows", "Windows (Amazon VPC)"}
ZONES = [f"us-east-1{c}" for c in "abcdef"]
SIR = re.compile(r"^sir-[0-9a-z]{8}$")
SFR = re.compile(r"^sfr-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def history(ec2, **kwargs) -> list[dict]:
    return ec2.describe_spot_price_history(**kwargs)["SpotPriceHistory"]


def window(hours_back: int, hours: int) -> dict[str, dt.datetime]:
    """A past window (so that results do not move while the test runs)."""
    end = utcnow().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=hours_back)
    return {"StartTime": end - dt.timedelta(hours=hours), "EndTime": end}


# == DescribeSpotPriceHistory ==================================================================
def test_price_history_shape(ec2):
    rows = history(ec2, InstanceTypes=["m5.large"], MaxResults=50)
    assert len(rows) == 50
    for row in rows:
        assert set(row) == {"AvailabilityZone", "AvailabilityZoneId", "InstanceType",
                            "ProductDescription", "SpotPrice", "Timestamp"}
        assert row["InstanceType"] == "m5.large"
        assert row["AvailabilityZone"] in ZONES
        assert row["AvailabilityZoneId"] == f"use1-az{ZONES.index(row['AvailabilityZone']) + 1}"
        assert row["ProductDescription"] in PRODUCTS
        assert re.fullmatch(r"\d+\.\d{6}", row["SpotPrice"])
        assert row["Timestamp"] <= utcnow()
    stamps = [r["Timestamp"] for r in rows]
    assert stamps == sorted(stamps, reverse=True)          # newest first


def test_price_history_is_deterministic_and_the_same_for_every_account(mock):
    span = window(3, 48)
    one = boto3.client("ec2", region_name=REGION)
    other = boto3.client("ec2", region_name=REGION, aws_access_key_id="111122223333",
                         aws_secret_access_key="x")
    first = history(one, InstanceTypes=["c5.xlarge"], **span)
    assert first == history(one, InstanceTypes=["c5.xlarge"], **span)
    assert first == history(other, InstanceTypes=["c5.xlarge"], **span)


def test_price_history_follows_the_region(mock):
    west = boto3.client("ec2", region_name="us-west-2")
    rows = history(west, InstanceTypes=["m5.large"], MaxResults=200)
    assert {r["AvailabilityZone"] for r in rows} <= {f"us-west-2{c}" for c in "abcd"}
    assert {r["AvailabilityZoneId"][:5] for r in rows} == {"usw2-"}


def test_price_is_a_third_of_on_demand_and_changes_every_few_hours(ec2):
    rows = history(ec2, InstanceTypes=["m5.large"], ProductDescriptions=["Linux/UNIX"],
                   AvailabilityZone="us-east-1a", **window(1, 72))
    prices = [float(r["SpotPrice"]) for r in rows]
    # m5.large On-Demand is $0.096 an hour in us-east-1; Spot sits near a third of it
    assert all(0.096 * 0.25 <= p <= 0.096 * 0.45 for p in prices)
    gaps = [(a["Timestamp"] - b["Timestamp"]).total_seconds() / 3600
            for a, b in zip(rows, rows[1:])]
    assert 72 / 11 <= len(rows) <= 72 + 1      # a change every 2 to 7 hours, with jitter
    assert all(0.99 <= gap <= 10.5 for gap in gaps)
    assert len(set(prices)) > 1


def test_windows_costs_more_and_the_vpc_twin_costs_the_same(ec2):
    span = window(1, 24)
    rows = history(ec2, InstanceTypes=["m5.large"], AvailabilityZone="us-east-1b", **span)
    by_product: dict[str, list[tuple]] = {}
    for r in rows:
        by_product.setdefault(r["ProductDescription"], []).append(
            (r["Timestamp"], r["SpotPrice"]))
    assert set(by_product) == PRODUCTS
    assert by_product["Linux/UNIX"] == by_product["Linux/UNIX (Amazon VPC)"]
    assert by_product["Windows"] == by_product["Windows (Amazon VPC)"]
    now = utcnow()     # the licence is not discounted: Windows costs more at any moment
    current = {r["ProductDescription"]: float(r["SpotPrice"]) for r in history(
        ec2, InstanceTypes=["m5.large"], AvailabilityZone="us-east-1b", StartTime=now,
        EndTime=now)}
    assert current["Windows"] > current["Linux/UNIX"] + 0.05
    assert current["Red Hat Enterprise Linux"] > current["Linux/UNIX"]


def test_start_and_end_give_the_window_and_the_price_in_effect_at_its_start(ec2):
    span = window(2, 12)
    rows = history(ec2, InstanceTypes=["r5.large"], ProductDescriptions=["Linux/UNIX"], **span)
    zones = {r["AvailabilityZone"] for r in rows}
    assert len(zones) >= 4
    for zone in zones:
        mine = [r["Timestamp"] for r in rows if r["AvailabilityZone"] == zone]
        inside = [t for t in mine if t >= span["StartTime"]]
        before = [t for t in mine if t < span["StartTime"]]
        assert all(t <= span["EndTime"] for t in mine)
        assert len(before) == 1           # the last change before the window
        assert mine == sorted(mine, reverse=True) and mine[-1] == before[0]
        assert len(inside) >= 1


def test_the_current_price_is_one_row_per_pool(ec2):
    now = utcnow()
    rows = history(ec2, StartTime=now, EndTime=now, InstanceTypes=["m5.large", "c5.large"],
                   ProductDescriptions=["Linux/UNIX"])
    pools = [(r["AvailabilityZone"], r["InstanceType"]) for r in rows]
    assert len(pools) == len(set(pools)) >= 8
    assert {t for _, t in pools} == {"m5.large", "c5.large"}


def test_price_history_parameters_narrow(ec2):
    span = window(1, 6)
    rows = history(ec2, InstanceTypes=["m5.large", "t3.micro"],
                   ProductDescriptions=["Windows", "SUSE Linux"], AvailabilityZone="us-east-1c",
                   **span)
    assert rows
    assert {r["InstanceType"] for r in rows} == {"m5.large", "t3.micro"}
    assert {r["ProductDescription"] for r in rows} == {"Windows", "SUSE Linux"}
    assert {r["AvailabilityZone"] for r in rows} == {"us-east-1c"}
    by_id = history(ec2, InstanceTypes=["m5.large", "t3.micro"],
                    ProductDescriptions=["Windows", "SUSE Linux"], AvailabilityZoneId="use1-az3",
                    **span)
    assert by_id == rows
    assert history(ec2, ProductDescriptions=["Plan 9"], **span) == []
    assert history(ec2, InstanceTypes=["m5.large"], AvailabilityZone="us-west-2a", **span) == []


@pytest.mark.parametrize("name, values, check", [
    ("availability-zone", ["us-east-1d"], lambda r: r["AvailabilityZone"] == "us-east-1d"),
    ("availability-zone", ["us-east-1?"], lambda r: r["AvailabilityZone"] in ZONES),
    ("instance-type", ["m5.*"], lambda r: r["InstanceType"].startswith("m5.")),
    ("product-description", ["*(Amazon VPC)"],
     lambda r: r["ProductDescription"].endswith("(Amazon VPC)")),
    ("product-description", ["Red Hat Enterprise Linux"],
     lambda r: r["ProductDescription"] == "Red Hat Enterprise Linux"),
])
def test_price_history_filters(ec2, name, values, check):
    rows = history(ec2, Filters=[{"Name": name, "Values": values}], MaxResults=300,
                   **window(1, 6))
    assert rows and all(check(r) for r in rows)


def test_spot_price_and_timestamp_filters(ec2):
    span = window(1, 24)
    rows = history(ec2, InstanceTypes=["m5.large"], **span)
    price = rows[5]["SpotPrice"]
    found = history(ec2, InstanceTypes=["m5.large"],
                    Filters=[{"Name": "spot-price", "Values": [price]}], **span)
    assert found and {r["SpotPrice"] for r in found} == {price}
    assert len(found) == sum(r["SpotPrice"] == price for r in rows)
    stamp = rows[3]["Timestamp"].astimezone(dt.timezone.utc)
    exact = stamp.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    found = history(ec2, InstanceTypes=["m5.large"],
                    Filters=[{"Name": "timestamp", "Values": [exact]}], **span)
    assert found and {r["Timestamp"] for r in found} == {rows[3]["Timestamp"]}
    day = stamp.strftime("%Y-%m-%dT%H:*")
    found = history(ec2, InstanceTypes=["m5.large"],
                    Filters=[{"Name": "timestamp", "Values": [day]}], **span)
    assert found and all(r["Timestamp"].astimezone(dt.timezone.utc).hour == stamp.hour
                         for r in found)


def test_price_history_errors(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.describe_spot_price_history(Filters=[{"Name": "bogus", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'bogus' is invalid")
    with pytest.raises(ClientError) as exc:
        ec2.describe_spot_price_history(AvailabilityZone="us-east-1a",
                                        AvailabilityZoneId="use1-az1")
    assert error(exc)[0] == "InvalidParameterCombination"
    for bad in (0, 1001):
        with pytest.raises(ClientError) as exc:
            ec2.describe_spot_price_history(MaxResults=bad)
        assert error(exc) == ("InvalidParameterValue",
                              f"Value ( {bad} ) for parameter maxResults is invalid. "
                              "Parameter must be between 1 and 1000.")
    with pytest.raises(ClientError) as exc:
        ec2.describe_spot_price_history(NextToken="garbage")
    assert error(exc)[0] == "InvalidPaginationToken"
    with pytest.raises(ClientError) as exc:
        ec2.describe_spot_price_history(DryRun=True)
    assert error(exc)[0] == "DryRunOperation"


def test_price_history_pages_join_up(ec2):
    span = window(1, 30)
    kwargs = dict(InstanceTypes=["m5.large", "c5.large"], **span)
    whole = history(ec2, **kwargs)
    assert 30 < len(whole) < 1000
    pages, token = [], None
    while True:
        extra = {"NextToken": token} if token else {}
        answer = ec2.describe_spot_price_history(MaxResults=7, **kwargs, **extra)
        assert len(answer["SpotPriceHistory"]) <= 7
        pages.extend(answer["SpotPriceHistory"])
        token = answer.get("NextToken")
        if not token:
            break
    assert pages == whole
    paginated = [r for page in ec2.get_paginator("describe_spot_price_history").paginate(
        PaginationConfig={"PageSize": 11}, **kwargs) for r in page["SpotPriceHistory"]]
    assert paginated == whole


def test_price_history_defaults_to_the_newest_thousand(ec2):
    answer = ec2.describe_spot_price_history()
    assert len(answer["SpotPriceHistory"]) == 1000
    assert answer["NextToken"]
    oldest = min(r["Timestamp"] for r in answer["SpotPriceHistory"])
    assert oldest > utcnow() - dt.timedelta(days=2)


def test_price_history_against_the_server_matches_in_process(ec2, server_ec2):
    span = window(2, 10)
    kwargs = dict(InstanceTypes=["m5.xlarge"], ProductDescriptions=["Linux/UNIX"], **span)
    assert history(server_ec2, **kwargs) == history(ec2, **kwargs)


# == Spot Instance requests: validation and holding requests ==================================
def request(ec2, **kwargs) -> list[dict]:
    spec = {"ImageId": LINUX_AMI, "InstanceType": "m5.large"}
    spec.update(kwargs.pop("spec", {}))
    return ec2.request_spot_instances(LaunchSpecification=spec, **kwargs)[
        "SpotInstanceRequests"]


def requests(ec2, **kwargs) -> list[dict]:
    return ec2.describe_spot_instance_requests(**kwargs)["SpotInstanceRequests"]


def test_a_request_below_the_spot_price_stays_open(ec2):
    sent = request(ec2, SpotPrice="0.0001", InstanceCount=2)
    assert len(sent) == 2
    for sir in sent:
        assert SIR.match(sir["SpotInstanceRequestId"])
        assert sir["State"] == "open"
        assert sir["Status"]["Code"] == "pending-evaluation"
        assert sir["Status"]["Message"] == ("Your Spot request has been submitted for review, "
                                            "and is pending evaluation.")
        assert sir["SpotPrice"] == "0.000100"
        assert sir["Type"] == "one-time"
        assert sir["ProductDescription"] == "Linux/UNIX"
        assert "InstanceId" not in sir
    found = requests(ec2)
    assert sorted(s["SpotInstanceRequestId"] for s in found) == sorted(
        s["SpotInstanceRequestId"] for s in sent)
    for sir in found:
        assert sir["State"] == "open"
        assert sir["Status"]["Code"] == "price-too-low"
        assert re.fullmatch(r"Your Spot request price of 0\.0001 is lower than the minimum "
                            r"required Spot request fulfillment price of 0\.\d+\.",
                            sir["Status"]["Message"])
        assert "InstanceId" not in sir
        assert sir["InstanceInterruptionBehavior"] == "terminate"
        assert sir["ValidUntil"] - sir["CreateTime"] == dt.timedelta(days=7)
        assert sir["Tags"] == []


def test_a_request_echoes_its_launch_specification_like_aws(ec2):
    default_sg = ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
    sir = request(ec2, SpotPrice="0.0001",
                  spec={"Placement": {"AvailabilityZone": "us-east-1c"}})[0]
    spec = sir["LaunchSpecification"]
    assert spec["ImageId"] == LINUX_AMI
    assert spec["InstanceType"] == "m5.large"
    assert spec["Placement"]["AvailabilityZone"] == "us-east-1c"
    assert spec["SecurityGroups"] == [{"GroupName": "default", "GroupId": default_sg["GroupId"]}]
    assert spec["Monitoring"] == {"Enabled": False}


def test_the_default_max_price_is_the_on_demand_price(ec2):
    sir = request(ec2, spec={"ImageId": WINDOWS_AMI},
                  ValidFrom=utcnow() + dt.timedelta(days=1))[0]
    assert sir["ProductDescription"] == "Windows"
    linux = request(ec2, ValidFrom=utcnow() + dt.timedelta(days=1))[0]
    assert linux["SpotPrice"] == "0.096000"           # m5.large On-Demand, us-east-1
    assert float(sir["SpotPrice"]) > float(linux["SpotPrice"])


def test_a_request_valid_later_is_not_scheduled_yet(ec2):
    start = (utcnow() + dt.timedelta(hours=5)).replace(microsecond=0)
    sir = request(ec2, ValidFrom=start, SpotPrice="5")[0]
    found = requests(ec2, SpotInstanceRequestIds=[sir["SpotInstanceRequestId"]])[0]
    assert found["State"] == "open"
    assert found["Status"]["Code"] == "not-scheduled-yet"
    assert found["ValidFrom"] == start
    assert "InstanceId" not in found


def test_request_tags_and_create_tags(ec2):
    sir = request(ec2, SpotPrice="0.0001", TagSpecifications=[
        {"ResourceType": "spot-instances-request", "Tags": [{"Key": "team", "Value": "a&b"}]}])[0]
    assert sir["Tags"] == [{"Key": "team", "Value": "a&b"}]
    rid = sir["SpotInstanceRequestId"]
    ec2.create_tags(Resources=[rid], Tags=[{"Key": "env", "Value": "prod"}])
    found = requests(ec2, Filters=[{"Name": "tag:env", "Values": ["prod"]}])
    assert [s["SpotInstanceRequestId"] for s in found] == [rid]
    assert sorted(t["Key"] for t in found[0]["Tags"]) == ["env", "team"]
    with pytest.raises(ClientError) as exc:
        request(ec2, TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "x", "Value": "y"}]}])
    assert error(exc) == ("InvalidParameterValue",
                          "'instance' is not a valid taggable resource type for this operation.")


@pytest.mark.parametrize("kwargs, code", [
    ({"spec": {"ImageId": "ami-12345678"}}, "InvalidAMIID.NotFound"),
    ({"spec": {"ImageId": "nope"}}, "InvalidAMIID.Malformed"),
    ({"spec": {"SubnetId": "subnet-12345678"}}, "InvalidSubnetID.NotFound"),
    ({"spec": {"SecurityGroupIds": ["sg-12345678"]}}, "InvalidGroup.NotFound"),
    ({"spec": {"KeyName": "missing"}}, "InvalidKeyPair.NotFound"),
    ({"spec": {"Placement": {"AvailabilityZone": "us-east-1z"}}}, "InvalidParameterValue"),
    ({"SpotPrice": "cheap"}, "InvalidParameterValue"),
    ({"SpotPrice": "-1"}, "InvalidParameterValue"),
    ({"InstanceCount": 0}, "InvalidParameterValue"),
    ({"ValidUntil": dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)}, "InvalidParameterValue"),
    ({"InstanceInterruptionBehavior": "stop"}, "InvalidParameterCombination"),
])
def test_bad_requests_are_refused_and_change_nothing(ec2, kwargs, code):
    with pytest.raises(ClientError) as exc:
        request(ec2, **kwargs)
    assert error(exc)[0] == code
    assert requests(ec2) == []


def test_request_without_an_image(ec2):
    with pytest.raises(ClientError) as exc:
        ec2.request_spot_instances(LaunchSpecification={"InstanceType": "m5.large"})
    assert error(exc) == ("MissingParameter", "The request must contain the parameter ImageId")


def test_request_dry_run(ec2):
    with pytest.raises(ClientError) as exc:
        request(ec2, SpotPrice="0.0001", DryRun=True)
    assert error(exc) == ("DryRunOperation",
                          "Request would have succeeded, but DryRun flag is set.")
    with pytest.raises(ClientError) as exc:
        request(ec2, spec={"ImageId": "ami-12345678"}, DryRun=True)
    assert error(exc)[0] == "InvalidAMIID.NotFound"
    assert requests(ec2) == []


def test_request_client_token_is_idempotent(ec2):
    first = request(ec2, SpotPrice="0.0001", ClientToken="abc")
    again = request(ec2, SpotPrice="0.0001", ClientToken="abc")
    assert [s["SpotInstanceRequestId"] for s in first] == [
        s["SpotInstanceRequestId"] for s in again]
    assert len(requests(ec2)) == 1
    with pytest.raises(ClientError) as exc:
        request(ec2, SpotPrice="0.0002", ClientToken="abc")
    assert error(exc)[0] == "IdempotentParameterMismatch"


def test_unknown_and_malformed_request_ids(ec2):
    with pytest.raises(ClientError) as exc:
        requests(ec2, SpotInstanceRequestIds=["sir-12345678"])
    assert error(exc) == ("InvalidSpotInstanceRequestID.NotFound",
                          "The spot instance request ID 'sir-12345678' does not exist")
    with pytest.raises(ClientError) as exc:
        requests(ec2, SpotInstanceRequestIds=["sir-abcdefgh"])
    assert error(exc)[0] == "InvalidSpotInstanceRequestID.NotFound"
    with pytest.raises(ClientError) as exc:
        requests(ec2, SpotInstanceRequestIds=["bogus"])
    assert error(exc)[0] == "InvalidSpotInstanceRequestID.Malformed"
    with pytest.raises(ClientError) as exc:
        ec2.cancel_spot_instance_requests(SpotInstanceRequestIds=["sir-12345678"])
    assert error(exc) == ("InvalidSpotInstanceRequestID.NotFound",
                          "The spot instance request ID 'sir-12345678' does not exist")


def test_cancel_an_open_request(ec2):
    rid = request(ec2, SpotPrice="0.0001")[0]["SpotInstanceRequestId"]
    other = request(ec2, SpotPrice="0.0001")[0]["SpotInstanceRequestId"]
    with pytest.raises(ClientError) as exc:     # one unknown id: nothing is cancelled
        ec2.cancel_spot_instance_requests(SpotInstanceRequestIds=[rid, "sir-12345678"])
    assert error(exc)[0] == "InvalidSpotInstanceRequestID.NotFound"
    assert requests(ec2, SpotInstanceRequestIds=[rid])[0]["State"] == "open"
    answer = ec2.cancel_spot_instance_requests(SpotInstanceRequestIds=[rid])
    assert answer["CancelledSpotInstanceRequests"] == [
        {"SpotInstanceRequestId": rid, "State": "cancelled"}]
    found = requests(ec2, SpotInstanceRequestIds=[rid])[0]
    assert found["State"] == "cancelled"
    assert found["Status"]["Code"] == "canceled-before-fulfillment"
    again = ec2.cancel_spot_instance_requests(SpotInstanceRequestIds=[rid])
    assert again["CancelledSpotInstanceRequests"][0]["State"] == "cancelled"
    assert requests(ec2, SpotInstanceRequestIds=[other])[0]["State"] == "open"


def test_describe_filters_on_requests(ec2):
    cheap = request(ec2, SpotPrice="0.0001")[0]["SpotInstanceRequestId"]
    later = request(ec2, Type="persistent", SpotPrice="0.5",
                    ValidFrom=utcnow() + dt.timedelta(days=1),
                    spec={"InstanceType": "c5.large"})[0]["SpotInstanceRequestId"]
    ec2.cancel_spot_instance_requests(SpotInstanceRequestIds=[later])

    def ids(name, *values):
        return sorted(s["SpotInstanceRequestId"] for s in requests(
            ec2, Filters=[{"Name": name, "Values": list(values)}]))

    assert ids("state", "open") == [cheap]
    assert ids("state", "cancelled") == [later]
    assert ids("status-code", "price-too-low") == [cheap]
    assert ids("status-message", "*lower than*") == [cheap]
    assert ids("type", "persistent") == [later]
    assert ids("spot-price", "0.000100") == [cheap]
    assert ids("launch.instance-type", "c5.large") == [later]
    assert ids("launch.image-id", LINUX_AMI) == sorted([cheap, later])
    assert ids("launch.group-name", "default") == sorted([cheap, later])
    assert ids("product-description", "Linux/UNIX") == sorted([cheap, later])
    assert ids("spot-instance-request-id", cheap) == [cheap]
    assert ids("valid-from", "*") == [later]
    assert ids("create-time", f"{utcnow():%Y-%m-%d}*") == sorted([cheap, later])
    assert ids("launch.monitoring-enabled", "false") == sorted([cheap, later])
    with pytest.raises(ClientError) as exc:
        requests(ec2, Filters=[{"Name": "launch.bogus", "Values": ["x"]}])
    assert error(exc) == ("InvalidParameterValue", "The filter 'launch.bogus' is invalid")


def test_describe_requests_pages(ec2):
    request(ec2, SpotPrice="0.0001", InstanceCount=7)
    first = ec2.describe_spot_instance_requests(MaxResults=5)
    assert len(first["SpotInstanceRequests"]) == 5
    second = ec2.describe_spot_instance_requests(MaxResults=5, NextToken=first["NextToken"])
    assert len(second["SpotInstanceRequests"]) == 2
    assert "NextToken" not in second
    ids = [s["SpotInstanceRequestId"]
           for s in first["SpotInstanceRequests"] + second["SpotInstanceRequests"]]
    assert len(set(ids)) == 7


def test_requests_are_per_region(mock):
    east = boto3.client("ec2", region_name=REGION)
    west = boto3.client("ec2", region_name="us-west-2")
    rid = request(east, SpotPrice="0.0001")[0]["SpotInstanceRequestId"]
    assert requests(west) == []
    with pytest.raises(ClientError) as exc:
        requests(west, SpotInstanceRequestIds=[rid])
    assert error(exc)[0] == "InvalidSpotInstanceRequestID.NotFound"


def test_requests_against_the_server(server_ec2):
    sir = request(server_ec2, SpotPrice="0.0001")[0]
    found = requests(server_ec2)
    assert [s["SpotInstanceRequestId"] for s in found] == [sir["SpotInstanceRequestId"]]
    assert found[0]["Status"]["Code"] == "price-too-low"
    answer = server_ec2.cancel_spot_instance_requests(
        SpotInstanceRequestIds=[sir["SpotInstanceRequestId"]])
    assert answer["CancelledSpotInstanceRequests"][0]["State"] == "cancelled"


# == Spot Instance requests: fulfilment =======================================================
def instance(ec2, iid: str) -> dict:
    return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]


def test_a_request_at_or_above_the_spot_price_is_fulfilled(ec2):
    sent = request(ec2, InstanceCount=2, spec={"Placement": {"AvailabilityZone": "us-east-1d"}})
    assert [s["State"] for s in sent] == ["open", "open"]       # as submitted
    found = requests(ec2)
    assert len(found) == 2
    iids = set()
    for sir in found:
        assert sir["State"] == "active"
        assert sir["Status"]["Code"] == "fulfilled"
        assert sir["Status"]["Message"] == "Your spot request is fulfilled."
        assert sir["LaunchedAvailabilityZone"] == "us-east-1d"
        assert sir["LaunchedAvailabilityZoneId"] == "use1-az4"
        iids.add(sir["InstanceId"])
        inst = instance(ec2, sir["InstanceId"])
        assert inst["InstanceLifecycle"] == "spot"
        assert inst["SpotInstanceRequestId"] == sir["SpotInstanceRequestId"]
        assert inst["InstanceType"] == "m5.large"
        assert inst["Placement"]["AvailabilityZone"] == "us-east-1d"
        assert inst["State"]["Name"] in ("pending", "running")
    assert len(iids) == 2
    by_instance = requests(ec2, Filters=[{"Name": "instance-id", "Values": [sorted(iids)[0]]}])
    assert [s["InstanceId"] for s in by_instance] == [sorted(iids)[0]]
    assert len(requests(ec2, Filters=[{"Name": "launched-availability-zone",
                                        "Values": ["us-east-1d"]}])) == 2


def test_a_request_without_a_zone_lands_in_the_cheapest_pool(ec2):
    rid = request(ec2)[0]["SpotInstanceRequestId"]
    sir = requests(ec2, SpotInstanceRequestIds=[rid])[0]
    now = utcnow()
    current = history(ec2, StartTime=now, EndTime=now, InstanceTypes=["m5.large"],
                      ProductDescriptions=["Linux/UNIX"])
    cheapest = min(current, key=lambda r: float(r["SpotPrice"]))["AvailabilityZone"]
    assert sir["LaunchedAvailabilityZone"] == cheapest
    assert sir["LaunchSpecification"]["Placement"]["AvailabilityZone"] == cheapest


def test_a_request_in_a_subnet(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24",
                               AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    rid = request(ec2, spec={"SubnetId": subnet, "SecurityGroupIds": [sg]})[0][
        "SpotInstanceRequestId"]
    sir = requests(ec2, SpotInstanceRequestIds=[rid])[0]
    assert sir["LaunchSpecification"]["SubnetId"] == subnet
    assert sir["LaunchSpecification"]["SecurityGroups"] == [{"GroupName": "web", "GroupId": sg}]
    inst = instance(ec2, sir["InstanceId"])
    assert inst["SubnetId"] == subnet and inst["VpcId"] == vpc
    assert [g["GroupId"] for g in inst["SecurityGroups"]] == [sg]
    assert sir["LaunchedAvailabilityZone"] == "us-east-1b"


def test_cancelling_a_fulfilled_request_leaves_the_instance_running(ec2):
    rid = request(ec2)[0]["SpotInstanceRequestId"]
    iid = requests(ec2)[0]["InstanceId"]
    answer = ec2.cancel_spot_instance_requests(SpotInstanceRequestIds=[rid])
    assert answer["CancelledSpotInstanceRequests"] == [
        {"SpotInstanceRequestId": rid, "State": "cancelled"}]
    sir = requests(ec2)[0]
    assert sir["State"] == "cancelled"
    assert sir["Status"]["Code"] == "request-canceled-and-instance-running"
    assert sir["InstanceId"] == iid
    assert instance(ec2, iid)["State"]["Name"] in ("pending", "running")


def test_terminating_the_instance_closes_a_one_time_request(ec2):
    request(ec2)
    sir = requests(ec2)[0]
    ec2.terminate_instances(InstanceIds=[sir["InstanceId"]])
    after = requests(ec2)[0]
    assert after["State"] == "closed"
    assert after["Status"]["Code"] == "instance-terminated-by-user"
    assert requests(ec2, Filters=[{"Name": "state", "Values": ["closed"]}])[0][
        "SpotInstanceRequestId"] == sir["SpotInstanceRequestId"]


def test_spot_instances_are_found_by_lifecycle(ec2):
    request(ec2)
    iid = requests(ec2)[0]["InstanceId"]
    found = ec2.describe_instances(Filters=[{"Name": "instance-lifecycle", "Values": ["spot"]}])
    assert [i["InstanceId"] for r in found["Reservations"] for i in r["Instances"]] == [iid]


def test_a_failed_launch_leaves_no_request(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/28")["Subnet"]["SubnetId"]
    with pytest.raises(ClientError):        # 11 usable addresses, 20 instances
        request(ec2, InstanceCount=20, spec={"SubnetId": subnet})
    assert requests(ec2) == []


def test_fulfilment_against_the_server(server_ec2):
    request(server_ec2)
    sir = requests(server_ec2)[0]
    assert sir["State"] == "active"
    inst = instance(server_ec2, sir["InstanceId"])
    assert inst["InstanceLifecycle"] == "spot"


# == Spot Fleets ===============================================================================
def fleet_config(**kwargs) -> dict:
    config = {"IamFleetRole": ROLE, "TargetCapacity": 2, "LaunchSpecifications": [
        {"ImageId": LINUX_AMI, "InstanceType": "m5.large"}]}
    config.update(kwargs)
    return config


def fleets(ec2, **kwargs) -> list[dict]:
    return ec2.describe_spot_fleet_requests(**kwargs)["SpotFleetRequestConfigs"]


def active(ec2, fid: str) -> list[dict]:
    return ec2.describe_spot_fleet_instances(SpotFleetRequestId=fid)["ActiveInstances"]


@pytest.mark.parametrize("change, member", [
    ({"IamFleetRole": "my-role"}, "IamFleetRole"),
    ({"TargetCapacity": -1}, "TargetCapacity"),
    ({"TargetCapacity": 2, "OnDemandTargetCapacity": 3}, "OnDemandTargetCapacity"),
    ({"Type": "instant"}, "Type"),
    ({"SpotPrice": "free"}, "SpotPrice"),
    ({"LaunchSpecifications": [{"ImageId": LINUX_AMI, "InstanceType": "m5.large",
                                "WeightedCapacity": 0}]},
     "LaunchSpecifications.WeightedCapacity"),
])
def test_fleet_configuration_errors(ec2, change, member):
    with pytest.raises(ClientError) as exc:
        ec2.request_spot_fleet(SpotFleetRequestConfig=fleet_config(**change))
    assert error(exc) == ("InvalidSpotFleetRequestConfig",
                          f"Parameter: SpotFleetRequestConfig.{member} is invalid.")
    assert fleets(ec2) == []


def test_fleet_needs_specifications_or_templates_not_both(ec2):
    config = fleet_config()
    del config["LaunchSpecifications"]
    with pytest.raises(ClientError) as exc:
        ec2.request_spot_fleet(SpotFleetRequestConfig=config)
    assert error(exc)[0] == "InvalidSpotFleetRequestConfig"
    config = fleet_config(LaunchTemplateConfigs=[{"LaunchTemplateSpecification": {
        "LaunchTemplateId": "lt-12345678901234567", "Version": "1"}}])
    with pytest.raises(ClientError) as exc:
        ec2.request_spot_fleet(SpotFleetRequestConfig=config)
    assert error(exc)[0] == "InvalidSpotFleetRequestConfig"


def test_fleet_with_a_bad_image_is_refused(ec2):
    config = fleet_config(LaunchSpecifications=[{"ImageId": "ami-12345678",
                                                 "InstanceType": "m5.large"}])
    with pytest.raises(ClientError) as exc:
        ec2.request_spot_fleet(SpotFleetRequestConfig=config)
    assert error(exc)[0] == "InvalidAMIID.NotFound"
    assert fleets(ec2) == []


def test_unknown_fleets(ec2):
    missing = "sfr-12345678-1234-4234-8234-123456789012"
    with pytest.raises(ClientError) as exc:
        fleets(ec2, SpotFleetRequestIds=[missing])
    assert error(exc) == ("InvalidSpotFleetRequestId.NotFound",
                          f"The Spot Fleet request ID '{missing}' does not exist")
    with pytest.raises(ClientError) as exc:
        fleets(ec2, SpotFleetRequestIds=["sfr-123"])
    assert error(exc)[0] == "InvalidSpotFleetRequestId.Malformed"
    with pytest.raises(ClientError) as exc:
        active(ec2, missing)
    assert error(exc)[0] == "InvalidSpotFleetRequestId.NotFound"
    with pytest.raises(ClientError) as exc:
        ec2.modify_spot_fleet_request(SpotFleetRequestId=missing, TargetCapacity=3)
    assert error(exc)[0] == "InvalidSpotFleetRequestId.NotFound"
    answer = ec2.cancel_spot_fleet_requests(SpotFleetRequestIds=[missing, "sfr-123"],
                                            TerminateInstances=True)
    assert answer["SuccessfulFleetRequests"] == []
    assert [(f["SpotFleetRequestId"], f["Error"]["Code"])
            for f in answer["UnsuccessfulFleetRequests"]] == [
        (missing, "fleetRequestIdDoesNotExist"), ("sfr-123", "fleetRequestIdMalformed")]


def test_a_fleet_launches_its_target(ec2):
    fid = ec2.request_spot_fleet(SpotFleetRequestConfig=fleet_config(
        TargetCapacity=3, TagSpecifications=[{"ResourceType": "spot-fleet-request",
                                              "Tags": [{"Key": "env", "Value": "test"}]}]))[
        "SpotFleetRequestId"]
    assert SFR.match(fid)
    described = fleets(ec2, SpotFleetRequestIds=[fid])[0]
    assert described["SpotFleetRequestState"] == "active"
    assert described["ActivityStatus"] == "fulfilled"
    assert described["Tags"] == [{"Key": "env", "Value": "test"}]
    config = described["SpotFleetRequestConfig"]
    assert config["TargetCapacity"] == 3
    assert config["FulfilledCapacity"] == 3.0
    assert config["OnDemandFulfilledCapacity"] == 0.0
    assert config["AllocationStrategy"] == "lowestPrice"
    assert config["Type"] == "maintain"
    assert config["IamFleetRole"] == ROLE
    members = active(ec2, fid)
    assert len(members) == 3
    sirs = {m["SpotInstanceRequestId"] for m in members}
    assert len(sirs) == 3 and all(SIR.match(s) for s in sirs)
    for m in members:
        inst = instance(ec2, m["InstanceId"])
        assert inst["InstanceLifecycle"] == "spot"
        assert {"Key": "aws:ec2spot:fleet-request-id", "Value": fid} in inst["Tags"]
    by_request = {s["SpotInstanceRequestId"]: s for s in requests(ec2)}
    assert sirs <= set(by_request)
    assert all(by_request[s]["State"] == "active" for s in sirs)


def test_weighted_capacity_counts_units(ec2):
    config = fleet_config(TargetCapacity=10, LaunchSpecifications=[
        {"ImageId": LINUX_AMI, "InstanceType": "m5.2xlarge", "WeightedCapacity": 4}])
    fid = ec2.request_spot_fleet(SpotFleetRequestConfig=config)["SpotFleetRequestId"]
    assert len(active(ec2, fid)) == 3               # 3 x 4 units >= 10
    assert fleets(ec2)[0]["SpotFleetRequestConfig"]["FulfilledCapacity"] == 12.0


def test_diversified_spreads_over_subnets_and_lowest_price_picks_one(ec2):
    default_subnets = {s["AvailabilityZone"]: s["SubnetId"] for s in ec2.describe_subnets(
        Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]}
    listed = ", ".join(default_subnets[z] for z in ("us-east-1a", "us-east-1b", "us-east-1c"))
    spec = [{"ImageId": LINUX_AMI, "InstanceType": "m5.large", "SubnetId": listed}]
    fid = ec2.request_spot_fleet(SpotFleetRequestConfig=fleet_config(
        TargetCapacity=6, AllocationStrategy="diversified", LaunchSpecifications=spec))[
        "SpotFleetRequestId"]
    zones = [instance(ec2, m["InstanceId"])["Placement"]["AvailabilityZone"]
             for m in active(ec2, fid)]
    assert sorted(zones) == sorted(["us-east-1a", "us-east-1b", "us-east-1c"] * 2)
    cheap = ec2.request_spot_fleet(SpotFleetRequestConfig=fleet_config(
        TargetCapacity=4, LaunchSpecifications=spec))["SpotFleetRequestId"]
    zones = {instance(ec2, m["InstanceId"])["Placement"]["AvailabilityZone"]
             for m in active(ec2, cheap)}
    now = utcnow()
    prices = {r["AvailabilityZone"]: float(r["SpotPrice"]) for r in history(
        ec2, StartTime=now, EndTime=now, InstanceTypes=["m5.large"],
        ProductDescriptions=["Linux/UNIX"])}
    assert zones == {min(("us-east-1a", "us-east-1b", "us-east-1c"), key=prices.get)}


def test_on_demand_part_of_a_fleet(ec2):
    fid = ec2.request_spot_fleet(SpotFleetRequestConfig=fleet_config(
        TargetCapacity=3, OnDemandTargetCapacity=1))["SpotFleetRequestId"]
    members = active(ec2, fid)
    assert len(members) == 3
    on_demand = [m for m in members if "SpotInstanceRequestId" not in m]
    assert len(on_demand) == 1
    assert "InstanceLifecycle" not in instance(ec2, on_demand[0]["InstanceId"])
    config = fleets(ec2)[0]["SpotFleetRequestConfig"]
    assert config["OnDemandFulfilledCapacity"] == 1.0
    assert config["FulfilledCapacity"] == 3.0


def test_a_fleet_priced_below_the_market_waits(ec2):
    fid = ec2.request_spot_fleet(SpotFleetRequestConfig=fleet_config(SpotPrice="0.0001"))[
        "SpotFleetRequestId"]
    assert active(ec2, fid) == []
    described = fleets(ec2)[0]
    assert described["SpotFleetRequestState"] == "active"
    assert described["ActivityStatus"] == "pending_fulfillment"
    assert described["SpotFleetRequestConfig"]["FulfilledCapacity"] == 0.0


def test_modify_a_fleet_up_and_down(ec2):
    fid = ec2.request_spot_fleet(SpotFleetRequestConfig=fleet_config())["SpotFleetRequestId"]
    assert ec2.modify_spot_fleet_request(SpotFleetRequestId=fid, TargetCapacity=5)["Return"]
    assert len(active(ec2, fid)) == 5
    assert fleets(ec2)[0]["SpotFleetRequestConfig"]["TargetCapacity"] == 5
    before = {m["InstanceId"] for m in active(ec2, fid)}
    ec2.modify_spot_fleet_request(SpotFleetRequestId=fid, TargetCapacity=2)
    left = {m["InstanceId"] for m in active(ec2, fid)}
    assert len(left) == 2 and left < before
    for iid in before - left:
        assert instance(ec2, iid)["State"]["Name"] in ("shutting-down", "terminated")
    ec2.modify_spot_fleet_request(SpotFleetRequestId=fid, TargetCapacity=1,
                                  ExcessCapacityTerminationPolicy="noTermination")
    assert {m["InstanceId"] for m in active(ec2, fid)} == left
    config = fleets(ec2)[0]["SpotFleetRequestConfig"]
    assert config["TargetCapacity"] == 1 and config["FulfilledCapacity"] == 2.0


def test_only_maintain_fleets_can_be_modified(ec2):
    fid = ec2.request_spot_fleet(SpotFleetRequestConfig=fleet_config(Type="request"))[
        "SpotFleetRequestId"]
    with pytest.raises(ClientError) as exc:
        ec2.modify_spot_fleet_request(SpotFleetRequestId=fid, TargetCapacity=4)
    assert error(exc)[0] == "InvalidParameterValue"
    assert fleets(ec2)[0]["SpotFleetRequestConfig"]["TargetCapacity"] == 2


@pytest.mark.parametrize("terminate, state, after", [
    (True, "cancelled_terminating", "cancelled"),
    (False, "cancelled_running", "cancelled_running"),
])
def test_cancel_a_fleet(ec2, terminate, state, after):
    fid = ec2.request_spot_fleet(SpotFleetRequestConfig=fleet_config())["SpotFleetRequestId"]
    iids = [m["InstanceId"] for m in active(ec2, fid)]
    answer = ec2.cancel_spot_fleet_requests(SpotFleetRequestIds=[fid],
                                            TerminateInstances=terminate)
    assert answer["SuccessfulFleetRequests"] == [{
        "SpotFleetRequestId": fid, "CurrentSpotFleetRequestState": state,
        "PreviousSpotFleetRequestState": "active"}]
    assert answer["UnsuccessfulFleetRequests"] == []
    assert fleets(ec2)[0]["SpotFleetRequestState"] == after
    states = {instance(ec2, i)["State"]["Name"] for i in iids}
    if terminate:
        assert states <= {"shutting-down", "terminated"}
    else:
        assert states <= {"pending", "running"}
    again = ec2.cancel_spot_fleet_requests(SpotFleetRequestIds=[fid], TerminateInstances=True)
    assert again["UnsuccessfulFleetRequests"][0]["Error"]["Code"] == \
        "fleetRequestNotInCancellableState"


def test_fleet_client_token(ec2):
    first = ec2.request_spot_fleet(SpotFleetRequestConfig=fleet_config(ClientToken="tok"))
    again = ec2.request_spot_fleet(SpotFleetRequestConfig=fleet_config(ClientToken="tok"))
    assert first["SpotFleetRequestId"] == again["SpotFleetRequestId"]
    assert len(fleets(ec2)) == 1
    with pytest.raises(ClientError) as exc:
        ec2.request_spot_fleet(SpotFleetRequestConfig=fleet_config(ClientToken="tok",
                                                                    TargetCapacity=5))
    assert error(exc)[0] == "IdempotentParameterMismatch"


def test_fleet_against_the_server(server_ec2):
    fid = server_ec2.request_spot_fleet(SpotFleetRequestConfig=fleet_config())[
        "SpotFleetRequestId"]
    assert len(active(server_ec2, fid)) == 2
    answer = server_ec2.cancel_spot_fleet_requests(SpotFleetRequestIds=[fid],
                                                   TerminateInstances=True)
    assert answer["SuccessfulFleetRequests"][0]["CurrentSpotFleetRequestState"] == \
        "cancelled_terminating"


def test_a_fleet_from_a_launch_template_with_overrides(ec2):
    lt = ec2.create_launch_template(LaunchTemplateName="spot-web", LaunchTemplateData={
        "ImageId": LINUX_AMI, "InstanceType": "t3.micro"})["LaunchTemplate"]
    config = fleet_config(TargetCapacity=6, AllocationStrategy="diversified")
    del config["LaunchSpecifications"]
    config["LaunchTemplateConfigs"] = [{
        "LaunchTemplateSpecification": {"LaunchTemplateId": lt["LaunchTemplateId"],
                                        "Version": "$Latest"},
        "Overrides": [{"InstanceType": "m5.large", "WeightedCapacity": 2,
                       "AvailabilityZone": "us-east-1a"},
                      {"InstanceType": "c5.large", "WeightedCapacity": 1,
                       "AvailabilityZone": "us-east-1b"}]}]
    fid = ec2.request_spot_fleet(SpotFleetRequestConfig=config)["SpotFleetRequestId"]
    members = active(ec2, fid)
    kinds = sorted(m["InstanceType"] for m in members)
    assert kinds == ["c5.large", "c5.large", "m5.large", "m5.large"]   # 2+1+2+1 = 6 units
    for m in members:
        zone = instance(ec2, m["InstanceId"])["Placement"]["AvailabilityZone"]
        assert zone == ("us-east-1a" if m["InstanceType"] == "m5.large" else "us-east-1b")
    described = fleets(ec2)[0]["SpotFleetRequestConfig"]
    assert described["LaunchTemplateConfigs"][0]["LaunchTemplateSpecification"][
        "LaunchTemplateId"] == lt["LaunchTemplateId"]
    assert described["FulfilledCapacity"] == 6.0


def test_a_launch_template_configuration_needs_a_version(ec2):
    lt = ec2.create_launch_template(LaunchTemplateName="spot-web", LaunchTemplateData={
        "ImageId": LINUX_AMI, "InstanceType": "t3.micro"})["LaunchTemplate"]
    config = fleet_config()
    del config["LaunchSpecifications"]
    config["LaunchTemplateConfigs"] = [{"LaunchTemplateSpecification": {
        "LaunchTemplateId": lt["LaunchTemplateId"]}}]
    with pytest.raises(ClientError) as exc:
        ec2.request_spot_fleet(SpotFleetRequestConfig=config)
    assert error(exc) == ("InvalidSpotFleetRequestConfig", "Parameter: SpotFleetRequestConfig."
                          "LaunchTemplateConfigs.LaunchTemplateSpecification.Version is invalid.")
    config["LaunchTemplateConfigs"][0]["LaunchTemplateSpecification"]["Version"] = "1"
    config["LaunchTemplateConfigs"][0]["LaunchTemplateSpecification"]["LaunchTemplateId"] = \
        "lt-0123456789abcdef0"
    with pytest.raises(ClientError) as exc:
        ec2.request_spot_fleet(SpotFleetRequestConfig=config)
    assert error(exc)[0] == "InvalidLaunchTemplateId.NotFound"
    assert fleets(ec2) == []


@pytest.mark.parametrize("strategy", ["capacityOptimized", "priceCapacityOptimized",
                                      "capacityOptimizedPrioritized"])
def test_capacity_strategies_use_one_pool(ec2, strategy):
    fid = ec2.request_spot_fleet(SpotFleetRequestConfig=fleet_config(
        TargetCapacity=4, AllocationStrategy=strategy))["SpotFleetRequestId"]
    zones = {instance(ec2, m["InstanceId"])["Placement"]["AvailabilityZone"]
             for m in active(ec2, fid)}
    assert len(zones) == 1 and len(active(ec2, fid)) == 4


def test_lowest_price_over_several_pools(ec2):
    fid = ec2.request_spot_fleet(SpotFleetRequestConfig=fleet_config(
        TargetCapacity=4, InstancePoolsToUseCount=2))["SpotFleetRequestId"]
    zones = sorted(instance(ec2, m["InstanceId"])["Placement"]["AvailabilityZone"]
                   for m in active(ec2, fid))
    now = utcnow()
    prices = sorted((float(r["SpotPrice"]), r["AvailabilityZone"]) for r in history(
        ec2, StartTime=now, EndTime=now, InstanceTypes=["m5.large"],
        ProductDescriptions=["Linux/UNIX"]))
    assert zones == sorted([prices[0][1], prices[1][1]] * 2)


def test_a_persistent_request_reopens_when_its_instance_is_terminated(ec2):
    rid = request(ec2, Type="persistent")[0]["SpotInstanceRequestId"]
    iid = requests(ec2)[0]["InstanceId"]
    ec2.terminate_instances(InstanceIds=[iid])
    sir = requests(ec2, SpotInstanceRequestIds=[rid])[0]
    assert sir["State"] == "open"
    assert sir["Status"]["Code"] == "instance-terminated-by-user"
    ec2.cancel_spot_instance_requests(SpotInstanceRequestIds=[rid])
    assert requests(ec2)[0]["State"] == "cancelled"


def test_run_instances_spot_market_helpers(mock):
    """The functions the instances family calls for RunInstances with InstanceMarketOptions."""
    from topology.compute import instance_launch, spot

    world = mock.world
    part = world.partition("123456789012", REGION)
    params = {"ImageId": LINUX_AMI, "InstanceType": "m5.large", "MinCount": 2, "MaxCount": 2,
              "Placement": {"AvailabilityZone": "us-east-1a"},
              "InstanceMarketOptions": {"MarketType": "spot",
                                        "SpotOptions": {"MaxPrice": "0.0001"}},
              "TagSpecifications": [{"ResourceType": "spot-instances-request",
                                     "Tags": [{"Key": "k", "Value": "v"}]}]}
    with pytest.raises(Exception) as exc:
        spot.check_market_price(world, part, params, "us-east-1a")
    assert getattr(exc.value, "code", None) == "SpotMaxPriceTooLow"
    params["InstanceMarketOptions"]["SpotOptions"]["MaxPrice"] = "1.0"
    spot.check_market_price(world, part, params, "us-east-1a")
    with world.request():
        iids = instance_launch.launch(world, part, params)[1]
        rids = spot.record_market_launch(world, part, params, iids)
    ec2 = boto3.client("ec2", region_name=REGION)
    found = {s["SpotInstanceRequestId"]: s for s in requests(ec2)}
    assert set(found) == set(rids)
    assert {s["InstanceId"] for s in found.values()} == set(iids)
    assert all(s["SpotPrice"] == "1.000000" and s["Tags"] == [{"Key": "k", "Value": "v"}]
               for s in found.values())
    assert instance(ec2, iids[0])["SpotInstanceRequestId"] in rids


def test_a_fleet_valid_later_launches_nothing_yet(ec2):
    fid = ec2.request_spot_fleet(SpotFleetRequestConfig=fleet_config(
        ValidFrom=utcnow() + dt.timedelta(hours=3)))["SpotFleetRequestId"]
    assert active(ec2, fid) == []
    assert fleets(ec2)[0]["ActivityStatus"] == "pending_fulfillment"


def test_a_type_sold_only_on_demand_cannot_be_requested_as_spot(ec2):
    paginator = ec2.get_paginator("describe_instance_types")
    types = [t for page in paginator.paginate() for t in page["InstanceTypes"]]
    od_only = [t["InstanceType"] for t in types if "spot" not in t["SupportedUsageClasses"]]
    if not od_only:
        pytest.skip("the type catalogue sells every type as Spot")
    with pytest.raises(ClientError) as exc:
        request(ec2, spec={"InstanceType": od_only[0]})
    assert error(exc)[0] == "Unsupported"
    now = utcnow()
    assert history(ec2, InstanceTypes=[od_only[0]], StartTime=now, EndTime=now) == []


def test_only_spot_instances_of_persistent_requests_may_stop(mock):
    """`spot.check_stoppable`, for StopInstances (the instances family calls it)."""
    from topology.compute import spot

    ec2 = boto3.client("ec2", region_name=REGION)
    request(ec2)
    request(ec2, Type="persistent")
    by_type = {s["Type"]: s["InstanceId"] for s in requests(ec2)}
    with pytest.raises(Exception) as exc:
        spot.check_stoppable(mock.world, by_type["one-time"])
    assert (exc.value.code, exc.value.message) == (
        "UnsupportedOperation",
        f"You can't stop the Spot Instance '{by_type['one-time']}' because it is associated "
        "with a one-time Spot Instance request. You can only stop Spot Instances associated "
        "with persistent Spot Instance requests.")
    spot.check_stoppable(mock.world, by_type["persistent"])
    ec2.stop_instances(InstanceIds=[by_type["persistent"]])
    sir = requests(ec2, Filters=[{"Name": "type", "Values": ["persistent"]}])[0]
    assert sir["State"] == "disabled"
    assert sir["Status"]["Code"] == "instance-stopped-by-user"


def test_fleet_listings_page(ec2):
    fid = ec2.request_spot_fleet(SpotFleetRequestConfig=fleet_config(TargetCapacity=5))[
        "SpotFleetRequestId"]
    ec2.request_spot_fleet(SpotFleetRequestConfig=fleet_config(TargetCapacity=1))
    first = ec2.describe_spot_fleet_instances(SpotFleetRequestId=fid, MaxResults=3)
    rest = ec2.describe_spot_fleet_instances(SpotFleetRequestId=fid, MaxResults=3,
                                             NextToken=first["NextToken"])
    assert len(first["ActiveInstances"]) == 3 and len(rest["ActiveInstances"]) == 2
    assert "NextToken" not in rest
    page = ec2.describe_spot_fleet_requests(MaxResults=1)
    assert len(page["SpotFleetRequestConfigs"]) == 1
    more = ec2.describe_spot_fleet_requests(MaxResults=1, NextToken=page["NextToken"])
    assert more["SpotFleetRequestConfigs"][0]["SpotFleetRequestId"] != fid
