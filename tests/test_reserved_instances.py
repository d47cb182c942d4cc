"""Reserved Instances through boto3, in-process and against the server: the offerings
catalogue, purchases (queued ones too), listings, modifications and exchanges."""
from __future__ import annotations

import datetime as dt
import re
import time

from helpers import fails

ONE_YEAR, THREE_YEARS = 31536000, 94608000
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def offer(ec2, **kwargs) -> dict:
    """The regional one-year Linux offering of a type, class and payment."""
    args = {"InstanceType": "m5.large", "ProductDescription": "Linux/UNIX",
            "OfferingClass": "standard", "OfferingType": "All Upfront",
            "MaxDuration": ONE_YEAR, "Filters": [{"Name": "scope", "Values": ["Region"]}],
            **kwargs}
    args = {k: v for k, v in args.items() if v is not None}
    [row] = ec2.describe_reserved_instances_offerings(**args)["ReservedInstancesOfferings"]
    return row


def buy(ec2, count: int = 1, **kwargs) -> str:
    return ec2.purchase_reserved_instances_offering(
        ReservedInstancesOfferingId=offer(ec2, **kwargs)["ReservedInstancesOfferingId"],
        InstanceCount=count)["ReservedInstancesId"]


def ri(ec2, rid: str) -> dict:
    return ec2.describe_reserved_instances(ReservedInstancesIds=[rid])["ReservedInstances"][0]


def test_offerings_are_shaped_like_aws_and_the_same_every_time(ec2):
    rows = ec2.describe_reserved_instances_offerings(
        InstanceType="m5.large", ProductDescription="Linux/UNIX", OfferingClass="standard",
        MaxDuration=ONE_YEAR)["ReservedInstancesOfferings"]
    # three payment options, each regional and in the six zones of us-east-1
    assert len(rows) == 3 * 7
    assert {r["OfferingType"] for r in rows} == {"No Upfront", "Partial Upfront", "All Upfront"}
    regional = {r["OfferingType"]: r for r in rows if r["Scope"] == "Region"}
    assert "AvailabilityZone" not in regional["All Upfront"]
    zonal = [r for r in rows if r["Scope"] == "Availability Zone"]
    assert {r["AvailabilityZone"] for r in zonal} >= {"us-east-1a", "us-east-1f"}
    assert regional["All Upfront"]["RecurringCharges"] == []
    assert regional["All Upfront"]["FixedPrice"] > 0
    assert regional["No Upfront"]["FixedPrice"] == 0.0
    assert regional["No Upfront"]["RecurringCharges"][0]["Frequency"] == "Hourly"
    partial = regional["Partial Upfront"]
    assert partial["FixedPrice"] > 0 and partial["RecurringCharges"][0]["Amount"] > 0
    for r in rows:
        assert UUID.fullmatch(r["ReservedInstancesOfferingId"])
        assert (r["UsagePrice"], r["CurrencyCode"], r["Marketplace"], r["InstanceTenancy"]) == \
            (0.0, "USD", False, "default")
    again = ec2.describe_reserved_instances_offerings(
        InstanceType="m5.large", ProductDescription="Linux/UNIX", OfferingClass="standard",
        MaxDuration=ONE_YEAR)["ReservedInstancesOfferings"]
    assert again == rows


def test_offering_selectors_filters_and_paging(ec2):
    three = ec2.describe_reserved_instances_offerings(
        InstanceType="c5.xlarge", MinDuration=THREE_YEARS, OfferingClass="convertible",
        ProductDescription="Windows", AvailabilityZone="us-east-1b")[
        "ReservedInstancesOfferings"]
    assert len(three) == 3
    assert all(r["Duration"] == THREE_YEARS and r["AvailabilityZone"] == "us-east-1b"
               for r in three)
    by_id = ec2.describe_reserved_instances_offerings(
        ReservedInstancesOfferingIds=[three[0]["ReservedInstancesOfferingId"]])[
        "ReservedInstancesOfferings"]
    assert by_id == [three[0]]
    dedicated = ec2.describe_reserved_instances_offerings(
        InstanceType="c5.xlarge", InstanceTenancy="dedicated", MaxResults=100)[
        "ReservedInstancesOfferings"]
    assert dedicated and {r["InstanceTenancy"] for r in dedicated} == {"dedicated"}
    filtered = ec2.describe_reserved_instances_offerings(Filters=[
        {"Name": "instance-type", "Values": ["r5.large"]},
        {"Name": "duration", "Values": [str(ONE_YEAR)]},
        {"Name": "product-description", "Values": ["Linux/UNIX (Amazon VPC)"]}],
        MaxResults=100)["ReservedInstancesOfferings"]
    assert filtered and {(r["InstanceType"], r["Duration"]) for r in filtered} == \
        {("r5.large", ONE_YEAR)}
    assert ec2.describe_reserved_instances_offerings(
        Filters=[{"Name": "marketplace", "Values": ["true"]}], MaxResults=10)[
        "ReservedInstancesOfferings"] == []
    assert fails(ec2.describe_reserved_instances_offerings,
                 Filters=[{"Name": "nope", "Values": ["x"]}])[0] == "InvalidParameterValue"
    assert fails(ec2.describe_reserved_instances_offerings,
                 AvailabilityZone="us-east-1z")[0] == "InvalidParameterValue"
    first = ec2.describe_reserved_instances_offerings(MaxResults=7)
    second = ec2.describe_reserved_instances_offerings(MaxResults=7,
                                                       NextToken=first["NextToken"])
    assert len(first["ReservedInstancesOfferings"]) == 7
    ids = {r["ReservedInstancesOfferingId"] for r in first["ReservedInstancesOfferings"]}
    assert not ids & {r["ReservedInstancesOfferingId"]
                      for r in second["ReservedInstancesOfferings"]}
    assert len(ec2.describe_reserved_instances_offerings(MaxResults=1000)[
        "ReservedInstancesOfferings"]) == 100
    assert fails(ec2.describe_reserved_instances_offerings, NextToken="garbage")[0] == \
        "InvalidPaginationToken"


def test_purchase_and_describe(ec2):
    row = offer(ec2)
    rid = ec2.purchase_reserved_instances_offering(
        ReservedInstancesOfferingId=row["ReservedInstancesOfferingId"], InstanceCount=3)[
        "ReservedInstancesId"]
    assert UUID.fullmatch(rid)
    found = ri(ec2, rid)
    assert found["State"] == "active" and found["InstanceCount"] == 3
    assert (found["InstanceType"], found["FixedPrice"], found["Scope"]) == \
        ("m5.large", row["FixedPrice"], "Region")
    assert found["End"] - found["Start"] == dt.timedelta(seconds=ONE_YEAR)
    assert [r["ReservedInstancesId"] for r in ec2.describe_reserved_instances(
        Filters=[{"Name": "instance-type", "Values": ["m5.large"]},
                 {"Name": "state", "Values": ["active"]}])["ReservedInstances"]] == [rid]
    assert ec2.describe_reserved_instances(OfferingClass="convertible")[
        "ReservedInstances"] == []
    start = found["Start"].astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert [r["ReservedInstancesId"] for r in ec2.describe_reserved_instances(Filters=[
        {"Name": "fixed-price", "Values": [str(row["FixedPrice"])]},
        {"Name": "start", "Values": [start]}, {"Name": "duration", "Values": [str(ONE_YEAR)]}])[
        "ReservedInstances"]] == [rid]
    priced = ec2.describe_reserved_instances_offerings(
        InstanceType="m5.large", Filters=[{"Name": "fixed-price",
                                           "Values": [str(row["FixedPrice"])]}])[
        "ReservedInstancesOfferings"]
    assert row in priced and {r["FixedPrice"] for r in priced} == {row["FixedPrice"]}
    assert fails(ec2.describe_reserved_instances,
                 ReservedInstancesIds=["12345678-1234-4234-8234-123456789012"])[0] == \
        "InvalidReservedInstancesId"
    assert fails(ec2.purchase_reserved_instances_offering,
                 ReservedInstancesOfferingId="12345678-1234-4234-8234-123456789012",
                 InstanceCount=1)[0] == "InvalidReservedInstancesOfferingId"
    assert fails(ec2.purchase_reserved_instances_offering,
                 ReservedInstancesOfferingId=row["ReservedInstancesOfferingId"],
                 InstanceCount=0)[0] == "InvalidParameterValue"
    assert fails(ec2.purchase_reserved_instances_offering,
                 ReservedInstancesOfferingId=row["ReservedInstancesOfferingId"],
                 InstanceCount=1, LimitPrice={"Amount": 1.0})[0] == \
        "ReservedInstancesLimitPriceExceeded"
    assert fails(ec2.purchase_reserved_instances_offering,
                 ReservedInstancesOfferingId=row["ReservedInstancesOfferingId"],
                 InstanceCount=18)[0] == "ReservedInstancesLimitExceeded"
    assert fails(ec2.purchase_reserved_instances_offering, DryRun=True,
                 ReservedInstancesOfferingId=row["ReservedInstancesOfferingId"],
                 InstanceCount=1)[0] == "DryRunOperation"
    assert len(ec2.describe_reserved_instances()["ReservedInstances"]) == 1


def test_queued_purchases_become_active_or_are_deleted(ec2):
    row = offer(ec2)
    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=2)
    queued = ec2.purchase_reserved_instances_offering(
        ReservedInstancesOfferingId=row["ReservedInstancesOfferingId"], InstanceCount=1,
        PurchaseTime=soon)["ReservedInstancesId"]
    later = ec2.purchase_reserved_instances_offering(
        ReservedInstancesOfferingId=row["ReservedInstancesOfferingId"], InstanceCount=1,
        PurchaseTime=soon + dt.timedelta(days=30))["ReservedInstancesId"]
    assert ri(ec2, queued)["State"] == "queued"
    zonal = ec2.describe_reserved_instances_offerings(
        InstanceType="m5.large", ProductDescription="Linux/UNIX", OfferingClass="standard",
        OfferingType="All Upfront", MaxDuration=ONE_YEAR, AvailabilityZone="us-east-1a")[
        "ReservedInstancesOfferings"][0]
    assert fails(ec2.purchase_reserved_instances_offering,
                 ReservedInstancesOfferingId=zonal["ReservedInstancesOfferingId"],
                 InstanceCount=1, PurchaseTime=soon)[0] == "InvalidParameterValue"
    answer = ec2.delete_queued_reserved_instances(ReservedInstancesIds=[later, "nope"])
    assert answer["SuccessfulQueuedPurchaseDeletions"] == [{"ReservedInstancesId": later}]
    assert answer["FailedQueuedPurchaseDeletions"][0]["Error"]["Code"] == \
        "reserved-instances-id-invalid"
    assert ri(ec2, later)["State"] == "queued-deleted"
    time.sleep(2.2)
    assert ri(ec2, queued)["State"] == "active"
    failed = ec2.delete_queued_reserved_instances(ReservedInstancesIds=[queued])[
        "FailedQueuedPurchaseDeletions"]
    assert failed[0]["Error"]["Code"] == "reserved-instances-not-in-queued-state"


def test_listings(ec2):
    rid = buy(ec2, 4)
    listing = ec2.create_reserved_instances_listing(
        ReservedInstancesId=rid, InstanceCount=2, ClientToken="sell-1",
        PriceSchedules=[{"Term": 11, "Price": 300.0}, {"Term": 6, "Price": 150.0}])[
        "ReservedInstancesListings"][0]
    assert listing["Status"] == "active" and UUID.fullmatch(
        listing["ReservedInstancesListingId"])
    counts = {c["State"]: c["InstanceCount"] for c in listing["InstanceCounts"]}
    assert counts == {"available": 2, "sold": 0, "cancelled": 0, "pending": 0}
    assert [s["Term"] for s in listing["PriceSchedules"]] == [11, 6]
    assert fails(ec2.create_reserved_instances_listing, ReservedInstancesId=rid,
                 InstanceCount=3, ClientToken="sell-2",
                 PriceSchedules=[{"Term": 11, "Price": 1.0}])[0] == "InvalidParameterValue"
    assert fails(ec2.create_reserved_instances_listing, ReservedInstancesId=rid,
                 InstanceCount=1, ClientToken="sell-3",
                 PriceSchedules=[{"Term": 40, "Price": 1.0}])[0] == "InvalidParameterValue"
    convertible = buy(ec2, 1, OfferingClass="convertible", OfferingType="No Upfront")
    assert fails(ec2.create_reserved_instances_listing, ReservedInstancesId=convertible,
                 InstanceCount=1, ClientToken="sell-4",
                 PriceSchedules=[{"Term": 11, "Price": 1.0}])[0] == "InvalidParameterValue"
    lid = listing["ReservedInstancesListingId"]
    assert fails(ec2.modify_reserved_instances, ReservedInstancesIds=[rid], TargetConfigurations=[
        {"InstanceCount": 4, "Scope": "Availability Zone", "AvailabilityZone": "us-east-1a"}])[
        0] == "InvalidParameterValue"           # listed: not modified
    described = ec2.describe_reserved_instances_listings(Filters=[
        {"Name": "status", "Values": ["active"]}])["ReservedInstancesListings"]
    assert [d["ReservedInstancesListingId"] for d in described] == [lid]
    cancelled = ec2.cancel_reserved_instances_listing(ReservedInstancesListingId=lid)[
        "ReservedInstancesListings"][0]
    assert cancelled["Status"] == "cancelled"
    assert {c["State"]: c["InstanceCount"] for c in cancelled["InstanceCounts"]}[
        "cancelled"] == 2
    assert fails(ec2.cancel_reserved_instances_listing, ReservedInstancesListingId=lid)[0] == \
        "InvalidState"
    assert fails(ec2.cancel_reserved_instances_listing,
                 ReservedInstancesListingId="nope")[0] == "InvalidReservedInstancesListingId"


def test_modifications_process_then_fulfil(ec2):
    rid = buy(ec2, 2)
    assert fails(ec2.modify_reserved_instances, ReservedInstancesIds=[rid],
                 TargetConfigurations=[{"InstanceCount": 3, "InstanceType": "m5.large"}])[0] \
        == "InvalidParameterValue"          # the footprint must stay the same
    assert fails(ec2.modify_reserved_instances, ReservedInstancesIds=[rid],
                 TargetConfigurations=[{"InstanceCount": 1, "InstanceType": "c5.xlarge"}])[0] \
        == "InvalidParameterValue"          # another family
    mod_id = ec2.modify_reserved_instances(ReservedInstancesIds=[rid], TargetConfigurations=[
        {"InstanceCount": 1, "InstanceType": "m5.xlarge", "Scope": "Region"}])[
        "ReservedInstancesModificationId"]
    first = ec2.describe_reserved_instances_modifications(
        ReservedInstancesModificationIds=[mod_id])["ReservedInstancesModifications"][0]
    assert first["Status"] == "processing"
    assert first["ReservedInstancesIds"] == [{"ReservedInstancesId": rid}]
    done = ec2.describe_reserved_instances_modifications(Filters=[
        {"Name": "status", "Values": ["fulfilled"]}])["ReservedInstancesModifications"]
    assert [d["ReservedInstancesModificationId"] for d in done] == [mod_id]
    [result] = done[0]["ModificationResults"]
    assert result["TargetConfiguration"]["InstanceType"] == "m5.xlarge"
    new = ri(ec2, result["ReservedInstancesId"])
    assert (new["State"], new["InstanceCount"]) == ("active", 1)
    assert new["End"] == ri(ec2, rid)["End"] or ri(ec2, rid)["State"] == "retired"
    assert ri(ec2, rid)["State"] == "retired"
    zonal = ec2.modify_reserved_instances(ReservedInstancesIds=[result["ReservedInstancesId"]],
                                          TargetConfigurations=[
        {"InstanceCount": 1, "Scope": "Availability Zone", "AvailabilityZone": "us-east-1c"}])[
        "ReservedInstancesModificationId"]
    ec2.describe_reserved_instances_modifications(ReservedInstancesModificationIds=[zonal])
    rows = ec2.describe_reserved_instances(Filters=[
        {"Name": "availability-zone", "Values": ["us-east-1c"]}])["ReservedInstances"]
    assert [r["Scope"] for r in rows] == ["Availability Zone"]


def test_exchanges_of_convertible_reserved_instances(ec2):
    source = buy(ec2, 1, OfferingClass="convertible", OfferingType="No Upfront")
    target = offer(ec2, InstanceType="m5.xlarge", OfferingClass="convertible",
                   OfferingType="No Upfront")["ReservedInstancesOfferingId"]
    cheaper = offer(ec2, InstanceType="t3.nano", OfferingClass="convertible",
                    OfferingType="No Upfront")["ReservedInstancesOfferingId"]
    configs = [{"OfferingId": target, "InstanceCount": 1}]
    quote = ec2.get_reserved_instances_exchange_quote(ReservedInstanceIds=[source],
                                                      TargetConfigurations=configs)
    assert quote["IsValidExchange"] is True and quote["CurrencyCode"] == "USD"
    assert float(quote["TargetConfigurationValueRollup"]["RemainingTotalValue"]) >= \
        float(quote["ReservedInstanceValueRollup"]["RemainingTotalValue"])
    assert quote["ReservedInstanceValueSet"][0]["ReservedInstanceId"] == source
    assert quote["TargetConfigurationValueSet"][0]["TargetConfiguration"] == configs[0]
    worse = ec2.get_reserved_instances_exchange_quote(
        ReservedInstanceIds=[source], TargetConfigurations=[{"OfferingId": cheaper,
                                                             "InstanceCount": 1}])
    assert worse["IsValidExchange"] is False and worse["ValidationFailureReason"]
    standard = buy(ec2, 1)
    assert ec2.get_reserved_instances_exchange_quote(
        ReservedInstanceIds=[standard], TargetConfigurations=configs)["IsValidExchange"] is False
    assert fails(ec2.accept_reserved_instances_exchange_quote, ReservedInstanceIds=[standard],
                 TargetConfigurations=configs)[0] == "InvalidParameterValue"
    exchange = ec2.accept_reserved_instances_exchange_quote(
        ReservedInstanceIds=[source], TargetConfigurations=configs)["ExchangeId"]
    assert exchange.startswith("riex-")
    assert ri(ec2, source)["State"] == "retired"
    active = ec2.describe_reserved_instances(Filters=[
        {"Name": "instance-type", "Values": ["m5.xlarge"]}])["ReservedInstances"]
    assert [(r["OfferingClass"], r["State"]) for r in active] == [("convertible", "active")]


def test_reserved_instances_over_http(server_ec2):
    rid = buy(server_ec2, 2)
    assert ri(server_ec2, rid)["InstanceCount"] == 2
    assert fails(server_ec2.describe_reserved_instances, ReservedInstancesIds=["nope"])[0] == \
        "InvalidReservedInstancesId"
    listing = server_ec2.create_reserved_instances_listing(
        ReservedInstancesId=rid, InstanceCount=1, ClientToken="t",
        PriceSchedules=[{"Term": 5, "Price": 10.0}])["ReservedInstancesListings"][0]
    assert server_ec2.describe_reserved_instances_listings(
        ReservedInstancesListingId=listing["ReservedInstancesListingId"])[
        "ReservedInstancesListings"][0]["Status"] == "active"
    page = server_ec2.describe_reserved_instances_offerings(MaxResults=5)
    assert len(page["ReservedInstancesOfferings"]) == 5 and page["NextToken"]
