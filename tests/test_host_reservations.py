"""Dedicated Host Reservations through boto3, in-process and against the server: the
offerings catalogue, purchase previews, purchases and describes."""
from __future__ import annotations

from helpers import fails

ONE_YEAR = 31536000


def hosts(ec2, family: str = "m5", count: int = 2) -> list[str]:
    return ec2.allocate_hosts(AvailabilityZone="us-east-1a", InstanceType=f"{family}.large",
                              Quantity=count)["HostIds"]


def offering(ec2, family: str = "m5", payment: str = "PartialUpfront") -> dict:
    rows = ec2.describe_host_reservation_offerings(
        Filter=[{"Name": "instance-family", "Values": [family]},
                {"Name": "payment-option", "Values": [payment]}], MaxDuration=ONE_YEAR)[
        "OfferingSet"]
    assert len(rows) == 1
    return rows[0]


def test_offerings_catalogue(ec2):
    rows = ec2.describe_host_reservation_offerings()["OfferingSet"]
    assert len(rows) > 20
    m5 = [r for r in rows if r["InstanceFamily"] == "m5"]
    assert {(r["PaymentOption"], r["Duration"]) for r in m5} == {
        (p, d) for p in ("NoUpfront", "PartialUpfront", "AllUpfront")
        for d in (ONE_YEAR, 3 * ONE_YEAR)}
    all_upfront = [r for r in m5 if r["PaymentOption"] == "AllUpfront"][0]
    assert float(all_upfront["HourlyPrice"]) == 0 and float(all_upfront["UpfrontPrice"]) > 0
    assert all(r["OfferingId"].startswith("hro-") and r["CurrencyCode"] == "USD" for r in rows)
    assert "mac2.metal" in {r["InstanceFamily"] for r in rows}
    by_id = ec2.describe_host_reservation_offerings(OfferingId=m5[0]["OfferingId"])[
        "OfferingSet"]
    assert by_id == [m5[0]]
    first = ec2.describe_host_reservation_offerings(MaxResults=5)
    second = ec2.describe_host_reservation_offerings(MaxResults=5,
                                                     NextToken=first["NextToken"])
    assert first["OfferingSet"] == rows[:5] and second["OfferingSet"] == rows[5:10]
    assert fails(ec2.describe_host_reservation_offerings, MaxResults=501)[0] == \
        "InvalidParameterValue"
    assert fails(ec2.describe_host_reservation_offerings,
                 Filter=[{"Name": "nope", "Values": ["x"]}])[0] == "InvalidParameterValue"


def test_preview_then_purchase(ec2):
    host_ids = hosts(ec2)
    row = offering(ec2)
    preview = ec2.get_host_reservation_purchase_preview(HostIdSet=host_ids,
                                                        OfferingId=row["OfferingId"])
    [item] = preview["Purchase"]
    assert item["HostIdSet"] == host_ids and item["InstanceFamily"] == "m5"
    assert float(preview["TotalUpfrontPrice"]) == round(2 * float(row["UpfrontPrice"]), 3)
    assert ec2.describe_host_reservations()["HostReservationSet"] == []
    assert fails(ec2.purchase_host_reservation, HostIdSet=host_ids,
                 OfferingId=row["OfferingId"], LimitPrice="1.00")[0] == \
        "ReservationPriceExceedsLimit"
    bought = ec2.purchase_host_reservation(
        HostIdSet=host_ids, OfferingId=row["OfferingId"], ClientToken="hr-1",
        TagSpecifications=[{"ResourceType": "host-reservation",
                            "Tags": [{"Key": "team", "Value": "a"}]}])
    hr_id = bought["Purchase"][0]["HostReservationId"]
    assert hr_id.startswith("hr-") and bought["TotalHourlyPrice"] == preview["TotalHourlyPrice"]
    [found] = ec2.describe_host_reservations(HostReservationIdSet=[hr_id])[
        "HostReservationSet"]
    assert (found["State"], found["Count"], found["PaymentOption"]) == \
        ("active", 2, "PartialUpfront")
    assert found["HostIdSet"] == host_ids and found["Tags"] == [{"Key": "team", "Value": "a"}]
    assert ec2.describe_hosts(HostIds=host_ids[:1])["Hosts"][0]["HostReservationId"] == hr_id
    assert [h["HostId"] for h in ec2.describe_hosts(Filter=[
        {"Name": "host-reservation-id", "Values": [hr_id]}])["Hosts"]] == host_ids
    assert ec2.describe_host_reservations(Filter=[
        {"Name": "instance-family", "Values": ["c5"]}])["HostReservationSet"] == []
    assert fails(ec2.purchase_host_reservation, HostIdSet=host_ids[:1],
                 OfferingId=row["OfferingId"])[0] == "HostAlreadyCoveredByReservation"
    # a reserved host is not released
    assert ec2.release_hosts(HostIds=host_ids[:1])["Successful"] == []


def test_purchase_is_refused_as_aws_refuses_it(ec2):
    host_ids = hosts(ec2)
    c5 = offering(ec2, "c5")["OfferingId"]
    assert fails(ec2.get_host_reservation_purchase_preview, HostIdSet=host_ids,
                 OfferingId=c5)[0] == "InvalidParameterValue"
    assert fails(ec2.purchase_host_reservation, HostIdSet=host_ids,
                 OfferingId="hro-0123456789abcdef0")[0] == \
        "InvalidHostReservationOfferingId.NotFound"
    assert fails(ec2.purchase_host_reservation, HostIdSet=host_ids,
                 OfferingId="bogus")[0] == "InvalidHostReservationOfferingId.Malformed"
    m5 = offering(ec2)["OfferingId"]
    assert fails(ec2.purchase_host_reservation, HostIdSet=["h-0123456789abcdef0"],
                 OfferingId=m5)[0] == "InvalidHostID.NotFound"
    assert fails(ec2.describe_host_reservations,
                 HostReservationIdSet=["hr-0123456789abcdef0"])[0] == \
        "InvalidHostReservationId.NotFound"
    assert ec2.describe_host_reservations()["HostReservationSet"] == []


def test_host_reservations_over_http(server_ec2):
    host_ids = hosts(server_ec2, count=1)
    row = offering(server_ec2, payment="NoUpfront")
    bought = server_ec2.purchase_host_reservation(HostIdSet=host_ids,
                                                  OfferingId=row["OfferingId"])
    hr_id = bought["Purchase"][0]["HostReservationId"]
    assert server_ec2.describe_host_reservations(Filter=[
        {"Name": "state", "Values": ["active"]}])["HostReservationSet"][0][
        "HostReservationId"] == hr_id
