"""EC2 Capacity Manager: settings, metrics from the graph's reservations and instances,
monitored tag keys, data exports and supportability scores."""
from __future__ import annotations

import datetime as dt

import pytest

from helpers import fails

AMI = "ami-057c3ffbeeff55523"      # al2023 x86_64 (Linux/UNIX) in us-east-1's catalogue


def hour() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(minute=0, second=0, microsecond=0)


@pytest.fixture
def manager(ec2):
    ec2.enable_capacity_manager()
    return ec2


def window(**kwargs) -> dict:
    return {"StartTime": hour() - dt.timedelta(hours=3), "EndTime": hour() + dt.timedelta(
        hours=1), **kwargs}


def test_enable_and_disable(ec2):
    assert ec2.get_capacity_manager_attributes()["CapacityManagerStatus"] == "disabled"
    answer = ec2.enable_capacity_manager()
    assert (answer["CapacityManagerStatus"], answer["OrganizationsAccess"]) == ("enabled", False)
    attributes = ec2.get_capacity_manager_attributes()
    assert attributes["IngestionStatus"] == "ingestion-complete"
    assert attributes["DataExportCount"] == 0
    assert attributes["LatestDatapointTimestamp"] == hour()
    assert fails(ec2.enable_capacity_manager)[0] == "IncorrectState"
    assert ec2.disable_capacity_manager()["CapacityManagerStatus"] == "disabled"
    assert fails(ec2.disable_capacity_manager)[0] == "UnsupportedOperation"
    assert fails(ec2.get_capacity_manager_metric_data, MetricNames=["reservation-total-count"],
                 Period=3600, **window())[0] == "UnsupportedOperation"


def test_organizations_access_needs_an_organization(ec2, mock):
    assert fails(ec2.enable_capacity_manager, OrganizationsAccess=True)[0] == \
        "InvalidParameterValue"
    assert ec2.get_capacity_manager_attributes()["CapacityManagerStatus"] == "disabled"
    mock.organization("o-a1b2c3d4e5", ["123456789012", "210987654321"],
                      management="123456789012")
    answer = ec2.enable_capacity_manager(OrganizationsAccess=True)
    assert answer["OrganizationsAccess"] is True
    off = ec2.update_capacity_manager_organizations_access(OrganizationsAccess=False)
    assert (off["CapacityManagerStatus"], off["OrganizationsAccess"]) == ("enabled", False)


def test_metric_data_from_reservations_and_instances(manager):
    ec2 = manager
    cr_id = ec2.create_capacity_reservation(
        InstanceType="m5.large", InstancePlatform="Linux/UNIX", AvailabilityZone="us-east-1a",
        InstanceCount=4)["CapacityReservation"]["CapacityReservationId"]
    ec2.run_instances(ImageId=AMI, MinCount=2, MaxCount=2, InstanceType="m5.large",
                      Placement={"AvailabilityZone": "us-east-1a"})
    ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                      Placement={"AvailabilityZone": "us-east-1b"})
    rows = ec2.get_capacity_manager_metric_data(
        MetricNames=["reservation-total-count", "reservation-avg-utilization-inst",
                     "reservation-max-size-vcpu", "reserved-total-usage-hrs-inst",
                     "unreserved-total-usage-hrs-inst"],
        Period=3600, GroupBy=["instance-type"], **window())["MetricDataResults"]
    assert {r["Timestamp"] for r in rows} == {hour()}
    by_type = {r["Dimension"]["InstanceType"]: {v["Metric"]: v["Value"]
                                                for v in r["MetricValues"]} for r in rows}
    m5 = by_type["m5.large"]
    assert m5["reservation-total-count"] == 1
    assert m5["reservation-avg-utilization-inst"] == 50.0
    assert m5["reservation-max-size-vcpu"] == 8
    assert 0 < m5["reserved-total-usage-hrs-inst"] <= 2
    assert m5["unreserved-total-usage-hrs-inst"] == 0
    assert by_type["t3.micro"]["unreserved-total-usage-hrs-inst"] > 0
    dims = ec2.get_capacity_manager_metric_dimensions(
        GroupBy=["reservation-id", "reservation-type"], MetricNames=["reservation-total-count"],
        **window())["MetricDimensionResults"]
    assert dims == [{"ReservationId": cr_id, "ReservationType": "odcr"}]
    filtered = ec2.get_capacity_manager_metric_data(
        MetricNames=["reservation-total-count"], Period=3600, FilterBy=[{"DimensionCondition": {
            "Dimension": "availability-zone-id", "Comparison": "in", "Values": ["use1-az2"]}}],
        **window())["MetricDataResults"]
    assert filtered == []


@pytest.mark.parametrize("bad", [     # times are hours from the test's own current hour
    {"Period": 5400}, {"Period": 7200, "StartTime": -2},
    {"MetricNames": [f"reservation-{m}" for m in (
        "total-count", "max-size-inst", "min-size-inst", "max-size-vcpu", "min-size-vcpu",
        "max-utilization", "min-utilization", "total-estimated-cost", "max-unused-size-inst",
        "min-unused-size-inst", "max-unused-size-vcpu")]},
    {"EndTime": -5},
    {"FilterBy": [{"DimensionCondition": {"Dimension": "instance-type", "Comparison": "equals",
                                          "Values": ["a", "b"]}}]}])
def test_metric_data_refusals(manager, bad):
    bad = {k: hour() + dt.timedelta(hours=v) if k.endswith("Time") else v
           for k, v in bad.items()}
    args = {"MetricNames": ["reservation-total-count"], "Period": 3600, **window(), **bad}
    assert fails(manager.get_capacity_manager_metric_data, **args)[0] == \
        "InvalidParameterValue"


def test_metric_data_pages(manager):
    manager.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro")
    manager.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m5.large")
    first = manager.get_capacity_manager_metric_data(
        MetricNames=["unreserved-total-usage-hrs-inst"], Period=3600,
        GroupBy=["instance-type"], MaxResults=1, **window())
    assert len(first["MetricDataResults"]) == 1 and first["NextToken"]
    rest = manager.get_capacity_manager_metric_data(
        MetricNames=["unreserved-total-usage-hrs-inst"], Period=3600,
        GroupBy=["instance-type"], NextToken=first["NextToken"], **window())
    assert len(rest["MetricDataResults"]) == 1 and "NextToken" not in rest


def test_monitored_tag_keys(manager):
    changed = manager.update_capacity_manager_monitored_tag_keys(ActivateTagKeys=["team"])
    assert [(k["TagKey"], k["Status"]) for k in changed["CapacityManagerTagKeys"]] == [
        ("team", "activating")]
    keys = manager.get_capacity_manager_monitored_tag_keys()["CapacityManagerTagKeys"]
    assert [(k["TagKey"], k["Status"]) for k in keys] == [("team", "activated")]
    assert fails(manager.update_capacity_manager_monitored_tag_keys,
                 DeactivateTagKeys=["nope"])[0] == "InvalidParameterValue"
    assert fails(manager.update_capacity_manager_monitored_tag_keys, ActivateTagKeys=["a"],
                 DeactivateTagKeys=["a"])[0] == "InvalidParameterCombination"
    gone = manager.update_capacity_manager_monitored_tag_keys(DeactivateTagKeys=["team"])
    assert gone["CapacityManagerTagKeys"][0]["Status"] == "deactivating"
    assert manager.get_capacity_manager_monitored_tag_keys()["CapacityManagerTagKeys"] == []


def test_data_exports(manager):
    export_id = manager.create_capacity_manager_data_export(
        S3BucketName="capacity-reports", S3BucketPrefix="ec2/", Schedule="hourly",
        OutputFormat="parquet", TagSpecifications=[{
            "ResourceType": "capacity-manager-data-export",
            "Tags": [{"Key": "team", "Value": "finops"}]}])["CapacityManagerDataExportId"]
    assert export_id.startswith("cmde-")
    export, = manager.describe_capacity_manager_data_exports()["CapacityManagerDataExports"]
    assert export["S3BucketName"] == "capacity-reports" and export["OutputFormat"] == "parquet"
    assert export["LatestDeliveryStatus"] == "pending"
    assert export["Tags"] == [{"Key": "team", "Value": "finops"}]
    assert manager.get_capacity_manager_attributes()["DataExportCount"] == 1
    for bucket in ("Capacity_Reports", "ab", "192.168.1.1", "bad..name", "-leading"):
        assert fails(manager.create_capacity_manager_data_export, S3BucketName=bucket,
                     Schedule="hourly", OutputFormat="csv")[0] == "InvalidParameterValue"
    assert manager.delete_capacity_manager_data_export(
        CapacityManagerDataExportId=export_id)["CapacityManagerDataExportId"] == export_id
    assert fails(manager.delete_capacity_manager_data_export,
                 CapacityManagerDataExportId=export_id)[0] == \
        "InvalidCapacityManagerDataExportId.NotFound"


def test_supportability_scores(manager):
    answer = manager.get_capacity_manager_supportability_scores(
        MarketType="on-demand", CapacityAmount=4, CapacityUnit="instances",
        CapacityAvailabilityZoneIds=["use1-az1", "use1-az2"],
        InstanceTypes=["m5.large", "p5e.48xlarge"])
    scores = {(s["InstanceType"], s["AvailabilityZoneId"]): s["Score"]
              for s in answer["CapacityManagerSupportabilityScores"]}
    assert scores[("m5.large", "use1-az1")] == "high"
    assert scores[("p5e.48xlarge", "use1-az1")] == "unsupported"   # not sold in us-east-1
    assert answer["AggregateScore"] == "high"
    huge = manager.get_capacity_manager_supportability_scores(
        MarketType="spot", CapacityAmount=10 ** 6, CapacityUnit="vcpus",
        CapacityAvailabilityZoneIds=["use1-az1"], InstanceTypes=["m5.large"])
    assert huge["AggregateScore"] == "unsupported"
    again = manager.get_capacity_manager_supportability_scores(
        MarketType="on-demand", CapacityAmount=4, CapacityUnit="instances",
        CapacityAvailabilityZoneIds=["use1-az1", "use1-az2"],
        InstanceTypes=["m5.large", "p5e.48xlarge"])
    assert again["CapacityManagerSupportabilityScores"] == \
        answer["CapacityManagerSupportabilityScores"]
    assert fails(manager.get_capacity_manager_supportability_scores, MarketType="spot",
                 CapacityAmount=1, CapacityUnit="instances",
                 CapacityAvailabilityZoneIds=["xxx-az9"], InstanceTypes=["m5.large"])[0] == \
        "InvalidParameterValue"


def test_against_server(server_ec2):
    server_ec2.enable_capacity_manager()
    export_id = server_ec2.create_capacity_manager_data_export(
        S3BucketName="capacity-reports", Schedule="hourly", OutputFormat="csv")[
        "CapacityManagerDataExportId"]
    found = server_ec2.describe_capacity_manager_data_exports(
        CapacityManagerDataExportIds=[export_id])["CapacityManagerDataExports"]
    assert [e["CapacityManagerDataExportId"] for e in found] == [export_id]
    assert server_ec2.get_capacity_manager_attributes()["DataExportCount"] == 1
