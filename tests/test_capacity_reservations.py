"""On-Demand Capacity Reservations and Capacity Reservation Fleets through boto3: AWS's checks,
states, the changes (modify, cancel, split, move, quotes, interruptible allocations), billing
ownership across an organization, and RunInstances honouring reservations (open matching,
targeting, counts); in-process and against `ec2sim serve`."""
from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest

from helpers import fails

LINUX_AMI = "ami-057c3ffbeeff55523"     # al2023 x86_64 (Linux/UNIX) in us-east-1's catalogue
OWNER, MEMBER = "123456789012", "444455556666"
ORG = "o-exampleorg01"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def reserve(ec2: Any, count: int = 2, **kwargs: Any) -> dict[str, Any]:
    params = {"InstanceType": "t3.micro", "InstancePlatform": "Linux/UNIX",
              "AvailabilityZone": "us-east-1a", "InstanceCount": count, **kwargs}
    return ec2.create_capacity_reservation(**params)["CapacityReservation"]


def described(ec2: Any, cr_id: str) -> dict[str, Any]:
    return ec2.describe_capacity_reservations(
        CapacityReservationIds=[cr_id])["CapacityReservations"][0]


def launch(ec2: Any, subnet: str, count: int = 1, **kwargs: Any) -> list[dict[str, Any]]:
    return ec2.run_instances(ImageId=LINUX_AMI, InstanceType="t3.micro", SubnetId=subnet,
                             MinCount=count, MaxCount=count, **kwargs)["Instances"]


def instance(ec2: Any, instance_id: str) -> dict[str, Any]:
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


# -- create and describe ----------------------------------------------------------------------
def test_create_answers_an_active_reservation_with_aws_defaults(ec2):
    cr = reserve(ec2, TagSpecifications=[{"ResourceType": "capacity-reservation",
                                          "Tags": [{"Key": "team", "Value": "ml"}]}])
    assert cr["CapacityReservationId"].startswith("cr-")
    assert cr["CapacityReservationArn"] == (
        f"arn:aws:ec2:us-east-1:{OWNER}:capacity-reservation/{cr['CapacityReservationId']}")
    assert (cr["State"], cr["Tenancy"], cr["EndDateType"], cr["InstanceMatchCriteria"]) == \
        ("active", "default", "unlimited", "open")
    assert (cr["TotalInstanceCount"], cr["AvailableInstanceCount"]) == (2, 2)
    assert cr["AvailabilityZoneId"] == "use1-az1" and cr["ReservationType"] == "default"
    assert cr["Tags"] == [{"Key": "team", "Value": "ml"}]
    assert "EndDate" not in cr


@pytest.mark.parametrize("kwargs, code", [
    ({"InstanceCount": 0}, "InvalidParameterValue"),
    ({"InstanceType": "t3.nonsense"}, "InvalidParameterValue"),
    ({"AvailabilityZone": "us-east-1z"}, "InvalidParameterValue"),
    ({"AvailabilityZoneId": "use1-az1"}, "InvalidParameterCombination"),
    ({"EndDateType": "limited"}, "InvalidParameterCombination"),
    ({"EndDateType": "unlimited", "EndDate": dt.datetime(2999, 1, 1)},
     "InvalidParameterCombination"),
    ({"EndDateType": "limited", "EndDate": dt.datetime(2001, 1, 1)}, "InvalidParameterValue"),
    ({"PlacementGroupArn": "arn:aws:ec2:us-east-1:123456789012:placement-group/none"},
     "InvalidPlacementGroup.Unknown"),
])
def test_create_refuses_bad_input_and_makes_nothing(ec2, kwargs, code):
    assert fails(reserve, ec2, **kwargs)[0] == code
    assert ec2.describe_capacity_reservations()["CapacityReservations"] == []


def test_placement_group_must_be_a_cluster_group(ec2):
    ec2.create_placement_group(GroupName="spread", Strategy="spread")
    ec2.create_placement_group(GroupName="hpc", Strategy="cluster")
    arn = "arn:aws:ec2:us-east-1:123456789012:placement-group/"
    assert fails(reserve, ec2, PlacementGroupArn=arn + "spread")[0] == "InvalidParameterValue"
    assert reserve(ec2, PlacementGroupArn=arn + "hpc")["PlacementGroupArn"] == arn + "hpc"


def test_future_dated_reservation_is_scheduled_and_checked(ec2):
    start = _now() + dt.timedelta(days=10)
    # 32 vCPUs at least, a commitment, 5 to 120 days ahead
    assert fails(reserve, ec2, 2, InstanceType="m5.xlarge", StartDate=start,
                 CommitmentDuration=86400 * 14)[0] == "InvalidParameterValue"
    assert fails(reserve, ec2, 8, InstanceType="m5.xlarge", StartDate=start)[0] == \
        "MissingParameter"
    assert fails(reserve, ec2, 8, InstanceType="m5.xlarge", StartDate=_now() + dt.timedelta(
        days=1), CommitmentDuration=86400)[0] == "InvalidParameterValue"
    cr = reserve(ec2, 8, InstanceType="m5.xlarge", StartDate=start, CommitmentDuration=86400 * 14)
    assert cr["State"] == "assessing"          # then scheduled, once described
    assert described(ec2, cr["CapacityReservationId"])["State"] == "scheduled"
    assert cr["CommitmentInfo"]["CommittedInstanceCount"] == 8


def test_describe_filters_and_unknown_ids(ec2):
    a = reserve(ec2)["CapacityReservationId"]
    b = reserve(ec2, InstanceType="m5.large", AvailabilityZone="us-east-1b",
                InstanceMatchCriteria="targeted", EndDateType="limited",
                EndDate=_now() + dt.timedelta(days=3))["CapacityReservationId"]

    def ids(name: str, value: str) -> list[str]:
        return [c["CapacityReservationId"] for c in ec2.describe_capacity_reservations(
            Filters=[{"Name": name, "Values": [value]}])["CapacityReservations"]]
    assert ids("instance-type", "m5.large") == [b]
    assert ids("availability-zone", "us-east-1a") == [a]
    assert ids("instance-match-criteria", "open") == [a]
    assert ids("end-date-type", "limited") == [b]
    assert ids("state", "active") == [a, b]
    assert ids("owner-id", OWNER) == [a, b]
    start = described(ec2, a)["StartDate"].astimezone(dt.timezone.utc)
    assert a in ids("start-date", start.strftime("%Y-%m-%dT%H:%M:%S.000Z"))
    assert ids("end-date", "2001-*") == []
    assert ids("tenancy", "dedicated") == []
    assert fails(ec2.describe_capacity_reservations,
                 CapacityReservationIds=["cr-0123456789abcdef0"])[0] == \
        "InvalidCapacityReservationId.NotFound"
    assert fails(ec2.describe_capacity_reservations,
                 CapacityReservationIds=["nonsense"])[0] == "InvalidCapacityReservationId.Malformed"


# -- RunInstances honours reservations ----------------------------------------------------------
def test_open_reservation_matches_launches_and_frees_on_stop_and_terminate(ec2, subnet):
    cr_id = reserve(ec2)["CapacityReservationId"]
    first, second = launch(ec2, subnet, 2)
    assert first["CapacityReservationId"] == cr_id == second["CapacityReservationId"]
    assert first["CapacityReservationSpecification"] == {"CapacityReservationPreference": "open"}
    assert described(ec2, cr_id)["AvailableInstanceCount"] == 0
    third = launch(ec2, subnet)[0]        # full: On-Demand
    assert "CapacityReservationId" not in third
    ec2.stop_instances(InstanceIds=[first["InstanceId"]])
    assert described(ec2, cr_id)["AvailableInstanceCount"] == 1
    ec2.start_instances(InstanceIds=[first["InstanceId"]])
    assert described(ec2, cr_id)["AvailableInstanceCount"] == 0
    ec2.terminate_instances(InstanceIds=[second["InstanceId"]])
    assert described(ec2, cr_id)["AvailableInstanceCount"] == 1
    found = ec2.describe_instances(Filters=[{"Name": "capacity-reservation-id",
                                             "Values": [cr_id]}])["Reservations"]
    assert {i["InstanceId"] for r in found for i in r["Instances"]} >= {first["InstanceId"]}


def test_open_matching_needs_type_zone_and_honours_none(ec2, subnet):
    reserve(ec2, InstanceType="m5.large")
    reserve(ec2, AvailabilityZone="us-east-1b")
    assert "CapacityReservationId" not in launch(ec2, subnet)[0]
    cr_id = reserve(ec2)["CapacityReservationId"]
    none = launch(ec2, subnet, CapacityReservationSpecification={
        "CapacityReservationPreference": "none"})[0]
    assert "CapacityReservationId" not in none
    assert described(ec2, cr_id)["AvailableInstanceCount"] == 2


def test_targeted_reservation_only_when_targeted_and_fails_when_full(ec2, subnet):
    cr_id = reserve(ec2, 1, InstanceMatchCriteria="targeted")["CapacityReservationId"]
    assert "CapacityReservationId" not in launch(ec2, subnet)[0]
    target = {"CapacityReservationTarget": {"CapacityReservationId": cr_id}}
    got = launch(ec2, subnet, CapacityReservationSpecification=target)[0]
    assert got["CapacityReservationId"] == cr_id
    assert got["CapacityReservationSpecification"] == target
    before = len(ec2.describe_instances()["Reservations"])
    code, message = fails(launch, ec2, subnet, CapacityReservationSpecification=target)
    assert code == "ReservationCapacityExceeded" and cr_id in message
    assert len(ec2.describe_instances()["Reservations"]) == before
    assert fails(launch, ec2, subnet, CapacityReservationSpecification={
        "CapacityReservationTarget": {"CapacityReservationId": "cr-0123456789abcdef0"}})[0] == \
        "InvalidCapacityReservationId.NotFound"


def test_capacity_reservations_only_refuses_on_demand(ec2, subnet):
    only = {"CapacityReservationPreference": "capacity-reservations-only"}
    assert fails(launch, ec2, subnet, CapacityReservationSpecification=only)[0] == \
        "InsufficientInstanceCapacity"
    cr_id = reserve(ec2, 1)["CapacityReservationId"]
    assert launch(ec2, subnet, CapacityReservationSpecification=only)[0][
        "CapacityReservationId"] == cr_id


def test_modify_instance_attributes_needs_a_stopped_instance(ec2, subnet):
    cr_id = reserve(ec2, 1, InstanceMatchCriteria="targeted")["CapacityReservationId"]
    iid = launch(ec2, subnet)[0]["InstanceId"]
    target = {"CapacityReservationTarget": {"CapacityReservationId": cr_id}}
    assert fails(ec2.modify_instance_capacity_reservation_attributes, InstanceId=iid,
                 CapacityReservationSpecification=target)[0] == "IncorrectInstanceState"
    ec2.stop_instances(InstanceIds=[iid])
    ec2.modify_instance_capacity_reservation_attributes(
        InstanceId=iid, CapacityReservationSpecification=target)
    assert instance(ec2, iid)["CapacityReservationSpecification"] == target
    ec2.start_instances(InstanceIds=[iid])
    assert instance(ec2, iid)["CapacityReservationId"] == cr_id
    assert described(ec2, cr_id)["AvailableInstanceCount"] == 0


# -- changes ---------------------------------------------------------------------------------
def test_modify_count_end_and_criteria(ec2):
    cr_id = reserve(ec2)["CapacityReservationId"]
    end = _now().replace(microsecond=0) + dt.timedelta(days=2)
    assert ec2.modify_capacity_reservation(CapacityReservationId=cr_id, InstanceCount=5,
                                           EndDateType="limited", EndDate=end,
                                           InstanceMatchCriteria="targeted")["Return"]
    cr = described(ec2, cr_id)
    assert (cr["TotalInstanceCount"], cr["EndDateType"], cr["InstanceMatchCriteria"]) == \
        (5, "limited", "targeted")
    assert cr["EndDate"] == end
    ec2.modify_capacity_reservation(CapacityReservationId=cr_id, EndDateType="unlimited",
                                    InstanceCount=5)     # what Terraform sends on update
    assert "EndDate" not in described(ec2, cr_id)
    assert fails(ec2.modify_capacity_reservation, CapacityReservationId=cr_id)[0] == \
        "MissingParameter"
    assert fails(ec2.modify_capacity_reservation, CapacityReservationId=cr_id,
                 InstanceCount=0)[0] == "InvalidParameterValue"


def test_cancel_keeps_instances_running_without_the_link(ec2, subnet):
    cr_id = reserve(ec2)["CapacityReservationId"]
    iid = launch(ec2, subnet)[0]["InstanceId"]
    assert ec2.cancel_capacity_reservation(CapacityReservationId=cr_id)["Return"]
    cr = described(ec2, cr_id)
    assert (cr["State"], cr["AvailableInstanceCount"]) == ("cancelled", 0)
    got = instance(ec2, iid)
    assert got["State"]["Name"] == "running" and "CapacityReservationId" not in got
    assert fails(ec2.cancel_capacity_reservation, CapacityReservationId=cr_id)[0] == \
        "IncorrectState"
    assert fails(ec2.modify_capacity_reservation, CapacityReservationId=cr_id,
                 InstanceCount=3)[0] == "IncorrectState"


def test_split_and_move_take_unused_capacity(ec2, subnet):
    cr_id = reserve(ec2, 4, TagSpecifications=[{"ResourceType": "capacity-reservation",
                                                "Tags": [{"Key": "k", "Value": "v"}]}]
                    )["CapacityReservationId"]
    launch(ec2, subnet)
    assert fails(ec2.create_capacity_reservation_by_splitting,
                 SourceCapacityReservationId=cr_id, InstanceCount=4)[0] == \
        "InvalidParameterValue"
    split = ec2.create_capacity_reservation_by_splitting(SourceCapacityReservationId=cr_id,
                                                         InstanceCount=2)
    new_id = split["DestinationCapacityReservation"]["CapacityReservationId"]
    assert split["InstanceCount"] == 2
    assert split["SourceCapacityReservation"]["TotalInstanceCount"] == 2
    assert split["DestinationCapacityReservation"]["Tags"] == []
    moved = ec2.move_capacity_reservation_instances(SourceCapacityReservationId=new_id,
                                                    DestinationCapacityReservationId=cr_id,
                                                    InstanceCount=2)
    assert moved["DestinationCapacityReservation"]["TotalInstanceCount"] == 4
    assert moved["SourceCapacityReservation"]["State"] == "cancelled"
    other = reserve(ec2, InstanceType="m5.large")["CapacityReservationId"]
    assert fails(ec2.move_capacity_reservation_instances, SourceCapacityReservationId=cr_id,
                 DestinationCapacityReservationId=other, InstanceCount=1)[0] == \
        "InvalidParameterCombination"


def test_usage_and_groups(ec2, subnet):
    cr_id = reserve(ec2, 3)["CapacityReservationId"]
    launch(ec2, subnet, 2)
    usage = ec2.get_capacity_reservation_usage(CapacityReservationId=cr_id)
    assert (usage["TotalInstanceCount"], usage["AvailableInstanceCount"], usage["State"]) == \
        (3, 1, "active")
    assert usage["InstanceUsages"] == [{"AccountId": OWNER, "UsedInstanceCount": 2}]
    assert ec2.get_groups_for_capacity_reservation(
        CapacityReservationId=cr_id)["CapacityReservationGroups"] == []
    assert fails(ec2.get_capacity_reservation_usage,
                 CapacityReservationId="cr-0123456789abcdef0")[0] == \
        "InvalidCapacityReservationId.NotFound"


def test_quotes_for_a_future_dated_reservation(ec2):
    start = _now() + dt.timedelta(days=10)
    cr_id = reserve(ec2, 8, InstanceType="m5.xlarge", StartDate=start,
                    CommitmentDuration=86400 * 14)["CapacityReservationId"]
    assert fails(ec2.cancel_capacity_reservation, CapacityReservationId=cr_id)[0] == \
        "MissingParameter"
    quote = ec2.create_capacity_reservation_date_change_quote(
        CapacityReservationId=cr_id, NewStartDate=start + dt.timedelta(days=2)
    )["CapacityReservationModificationQuote"]
    new_start = quote["ModificationTerms"]["ReservationUpdate"]["NewStartDate"]
    assert fails(ec2.create_capacity_reservation_date_change_quote, CapacityReservationId=cr_id,
                 NewStartDate=start + dt.timedelta(days=40))[0] == "InvalidParameterValue"
    answer = ec2.modify_capacity_reservation(
        CapacityReservationId=cr_id, StartDate=new_start,
        QuoteId=quote["CapacityReservationModificationQuoteId"])
    assert answer["AdjustmentStatus"] == "applied"
    assert described(ec2, cr_id)["StartDate"] == new_start
    cancel = ec2.create_capacity_reservation_cancellation_quote(
        CapacityReservationId=cr_id, TagSpecifications=[{
            "ResourceType": "capacity-reservation-cancellation-quote",
            "Tags": [{"Key": "why", "Value": "test"}]}])["CapacityReservationCancellationQuote"]
    assert cancel["QuoteState"] == "active"
    assert cancel["CancellationTerms"][0]["CancellationType"] == "commitment-wind-down"
    listed = ec2.describe_capacity_reservation_cancellation_quotes(
        Filters=[{"Name": "tag:why", "Values": ["test"]}])["CapacityReservationCancellationQuotes"]
    assert [q["CapacityReservationCancellationQuoteId"] for q in listed] == \
        [cancel["CapacityReservationCancellationQuoteId"]]
    ec2.cancel_capacity_reservation(CapacityReservationId=cr_id,
                                    QuoteId=cancel["CapacityReservationCancellationQuoteId"],
                                    ApplyCancellationCharges="commitment-wind-down")
    assert described(ec2, cr_id)["State"] == "cancelled"


def test_interruptible_allocation_lends_and_reclaims(ec2):
    source = reserve(ec2, 4, InstanceType="p5.48xlarge")["CapacityReservationId"]
    made = ec2.create_interruptible_capacity_reservation_allocation(
        CapacityReservationId=source, InstanceCount=3)
    assert (made["Status"], made["TargetInstanceCount"]) == ("pending", 3)
    allocation = described(ec2, source)["InterruptibleCapacityAllocation"]
    lent = allocation["InterruptibleCapacityReservationId"]
    assert described(ec2, source)["TotalInstanceCount"] == 1
    assert described(ec2, lent)["Interruptible"] is True
    assert described(ec2, lent)["InterruptionInfo"]["SourceCapacityReservationId"] == source
    ec2.update_interruptible_capacity_reservation_allocation(CapacityReservationId=source,
                                                             TargetInstanceCount=1)
    assert described(ec2, source)["TotalInstanceCount"] == 3
    assert described(ec2, lent)["TotalInstanceCount"] == 1
    topology = ec2.describe_capacity_reservation_topology()["CapacityReservations"]
    assert {t["CapacityReservationId"] for t in topology} == {source, lent}
    assert all(len(t["NetworkNodes"]) == 3 for t in topology)


# -- billing ownership across an organization --------------------------------------------------
def test_billing_ownership_request_accept_and_revoke(mock, ec2):
    member = boto3.client("ec2", region_name="us-east-1", aws_access_key_id=MEMBER,
                          aws_secret_access_key="x")
    cr_id = reserve(ec2)["CapacityReservationId"]
    assert fails(ec2.associate_capacity_reservation_billing_owner, CapacityReservationId=cr_id,
                 UnusedReservationBillingOwnerId=MEMBER)[0] == "InvalidParameterValue"
    mock.organization(ORG, [MEMBER], management=OWNER)
    mock.share(cr_id, [MEMBER])
    assert member.describe_capacity_reservations()["CapacityReservations"][0]["OwnerId"] == OWNER
    ec2.associate_capacity_reservation_billing_owner(CapacityReservationId=cr_id,
                                                     UnusedReservationBillingOwnerId=MEMBER)
    received = member.describe_capacity_reservation_billing_requests(
        Role="unused-reservation-billing-owner")["CapacityReservationBillingRequests"]
    assert [(r["Status"], r["RequestedBy"]) for r in received] == [("pending", OWNER)]
    assert received[0]["CapacityReservationInfo"]["InstanceType"] == "t3.micro"
    member.accept_capacity_reservation_billing_ownership(CapacityReservationId=cr_id)
    assert described(ec2, cr_id)["UnusedReservationBillingOwnerId"] == MEMBER
    ec2.disassociate_capacity_reservation_billing_owner(CapacityReservationId=cr_id,
                                                        UnusedReservationBillingOwnerId=MEMBER)
    sent = ec2.describe_capacity_reservation_billing_requests(
        Role="odcr-owner", Filters=[{"Name": "status", "Values": ["revoked"]}])
    assert len(sent["CapacityReservationBillingRequests"]) == 1
    assert "UnusedReservationBillingOwnerId" not in described(ec2, cr_id)
    assert fails(member.reject_capacity_reservation_billing_ownership,
                 CapacityReservationId=cr_id)[0] == "IncorrectState"


# -- Capacity Reservation Fleets -----------------------------------------------------------------
SPECS = [{"InstanceType": "m5.large", "InstancePlatform": "Linux/UNIX", "Weight": 2,
          "Priority": 2, "AvailabilityZone": "us-east-1a"},
         {"InstanceType": "m5.xlarge", "InstancePlatform": "Linux/UNIX", "Weight": 4,
          "Priority": 1, "AvailabilityZone": "us-east-1b"}]


def test_fleet_reserves_with_the_first_priority_and_its_weight(ec2):
    fleet = ec2.create_capacity_reservation_fleet(
        TotalTargetCapacity=10, AllocationStrategy="prioritized",
        InstanceTypeSpecifications=SPECS, TagSpecifications=[{
            "ResourceType": "capacity-reservation-fleet", "Tags": [{"Key": "k", "Value": "v"}]}])
    assert fleet["State"] == "submitted" and fleet["CapacityReservationFleetId"].startswith("crf-")
    (made,) = fleet["FleetCapacityReservations"]
    assert (made["InstanceType"], made["TotalInstanceCount"], made["Weight"]) == \
        ("m5.xlarge", 3, 4.0)
    fid = fleet["CapacityReservationFleetId"]
    described_fleet = ec2.describe_capacity_reservation_fleets(
        CapacityReservationFleetIds=[fid])["CapacityReservationFleets"][0]
    assert (described_fleet["State"], described_fleet["TotalFulfilledCapacity"]) == ("active", 12.0)
    cr = described(ec2, made["CapacityReservationId"])
    assert cr["CapacityReservationFleetId"] == fid and cr["InstanceMatchCriteria"] == "open"
    ec2.modify_capacity_reservation_fleet(CapacityReservationFleetId=fid, TotalTargetCapacity=20)
    assert described(ec2, made["CapacityReservationId"])["TotalInstanceCount"] == 5
    end = _now().replace(microsecond=0) + dt.timedelta(days=1)
    ec2.modify_capacity_reservation_fleet(CapacityReservationFleetId=fid, EndDate=end)
    assert described(ec2, made["CapacityReservationId"])["EndDate"] == end
    assert fails(ec2.modify_capacity_reservation_fleet, CapacityReservationFleetId=fid,
                 EndDate=end, RemoveEndDate=True)[0] == "InvalidParameterCombination"
    gone = ec2.cancel_capacity_reservation_fleets(
        CapacityReservationFleetIds=[fid, "crf-0123456789abcdef0"])
    assert gone["SuccessfulFleetCancellations"] == [{
        "CurrentFleetState": "cancelling", "PreviousFleetState": "active",
        "CapacityReservationFleetId": fid}]
    assert gone["FailedFleetCancellations"][0]["CancelCapacityReservationFleetError"][
        "Code"] == "InvalidCapacityReservationFleetId.NotFound"
    assert described(ec2, made["CapacityReservationId"])["State"] == "cancelled"
    assert ec2.describe_capacity_reservation_fleets(Filters=[
        {"Name": "state", "Values": ["cancelled"]}])["CapacityReservationFleets"][0][
        "CapacityReservationFleetId"] == fid


def test_fleet_refuses_bad_input(ec2):
    assert fails(ec2.create_capacity_reservation_fleet, TotalTargetCapacity=1)[0] == \
        "MissingParameter"
    assert fails(ec2.create_capacity_reservation_fleet, TotalTargetCapacity=1,
                 AllocationStrategy="lowest-price", InstanceTypeSpecifications=SPECS)[0] == \
        "InvalidParameterValue"
    assert fails(ec2.create_capacity_reservation_fleet, TotalTargetCapacity=1,
                 InstanceTypeSpecifications=SPECS + SPECS[:1])[0] == "InvalidParameterValue"
    assert ec2.describe_capacity_reservation_fleets()["CapacityReservationFleets"] == []
    assert ec2.describe_capacity_reservations()["CapacityReservations"] == []


# -- against a real server -----------------------------------------------------------------------
@pytest.mark.server
def test_server_reservation_lifecycle_and_targeted_launch(server_ec2):
    ec2 = server_ec2
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24",
                               AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    cr_id = reserve(ec2, 1, InstanceMatchCriteria="targeted")["CapacityReservationId"]
    target = {"CapacityReservationTarget": {"CapacityReservationId": cr_id}}
    got = launch(ec2, subnet, CapacityReservationSpecification=target)[0]
    assert got["CapacityReservationId"] == cr_id
    assert fails(launch, ec2, subnet, CapacityReservationSpecification=target)[0] == \
        "ReservationCapacityExceeded"
    assert described(ec2, cr_id)["AvailableInstanceCount"] == 0
    fleet = ec2.create_capacity_reservation_fleet(TotalTargetCapacity=2,
                                                  InstanceTypeSpecifications=SPECS[:1])
    assert fleet["TotalFulfilledCapacity"] == 2.0
    ec2.cancel_capacity_reservation(CapacityReservationId=cr_id)
    assert described(ec2, cr_id)["State"] == "cancelled"
    assert fails(ec2.describe_capacity_reservations,
                 CapacityReservationIds=["cr-0123456789abcdef0"])[0] == \
        "InvalidCapacityReservationId.NotFound"


def test_client_token_makes_create_idempotent(ec2):
    first = reserve(ec2, ClientToken="once")
    again = reserve(ec2, ClientToken="once")
    assert first["CapacityReservationId"] == again["CapacityReservationId"]
    assert len(ec2.describe_capacity_reservations()["CapacityReservations"]) == 1


def test_a_shared_reservation_serves_the_member_accounts_launches(mock, ec2):
    cr_id = reserve(ec2, 1, InstanceMatchCriteria="targeted")["CapacityReservationId"]
    mock.organization(ORG, [MEMBER], management=OWNER)
    mock.share(cr_id, [ORG])
    member = boto3.client("ec2", region_name="us-east-1", aws_access_key_id=MEMBER,
                          aws_secret_access_key="x")
    vpc = member.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = member.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24",
                                  AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    got = launch(member, subnet, CapacityReservationSpecification={
        "CapacityReservationTarget": {"CapacityReservationId": cr_id}})[0]
    assert got["CapacityReservationId"] == cr_id
    usage = ec2.get_capacity_reservation_usage(CapacityReservationId=cr_id)
    assert usage["InstanceUsages"] == [{"AccountId": MEMBER, "UsedInstanceCount": 1}]
    found = member.describe_instances(Filters=[{
        "Name": "capacity-reservation-specification.capacity-reservation-target."
                "capacity-reservation-id", "Values": [cr_id]}])["Reservations"]
    assert [i["InstanceId"] for r in found for i in r["Instances"]] == [got["InstanceId"]]


def test_launch_template_targets_a_reservation(ec2, subnet):
    cr_id = reserve(ec2, 1, InstanceMatchCriteria="targeted")["CapacityReservationId"]
    target = {"CapacityReservationTarget": {"CapacityReservationId": cr_id}}
    ec2.create_launch_template(LaunchTemplateName="reserved", LaunchTemplateData={
        "ImageId": LINUX_AMI, "InstanceType": "t3.micro",
        "CapacityReservationSpecification": target})
    got = ec2.run_instances(LaunchTemplate={"LaunchTemplateName": "reserved"}, SubnetId=subnet,
                            MinCount=1, MaxCount=1)["Instances"][0]
    assert got["CapacityReservationId"] == cr_id
    data = ec2.get_launch_template_data(InstanceId=got["InstanceId"])["LaunchTemplateData"]
    assert data["CapacityReservationSpecification"] == target


def test_a_reservation_in_a_cluster_group_serves_only_that_group(ec2, subnet):
    ec2.create_placement_group(GroupName="hpc", Strategy="cluster")
    arn = "arn:aws:ec2:us-east-1:123456789012:placement-group/hpc"
    cr_id = reserve(ec2, 1, InstanceType="c5.large", PlacementGroupArn=arn)[
        "CapacityReservationId"]

    def run(**kwargs: Any) -> dict[str, Any]:
        return ec2.run_instances(ImageId=LINUX_AMI, InstanceType="c5.large", SubnetId=subnet,
                                 MinCount=1, MaxCount=1, **kwargs)["Instances"][0]
    assert "CapacityReservationId" not in run()
    assert run(Placement={"GroupName": "hpc"})["CapacityReservationId"] == cr_id
