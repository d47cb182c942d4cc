"""Account settings of a region: serial console access, longer resource ids, and the
retired Elastic GPUs."""
from __future__ import annotations

import datetime as dt

import boto3
import pytest

from helpers import fails

ROOT = "arn:aws:iam::123456789012:root"


# -- serial console -----------------------------------------------------------------------------
def test_serial_console_access_per_region(ec2):
    assert ec2.get_serial_console_access_status()["SerialConsoleAccessEnabled"] is False
    assert ec2.get_serial_console_access_status()["ManagedBy"] == "account"
    assert ec2.enable_serial_console_access()["SerialConsoleAccessEnabled"] is True
    assert ec2.get_serial_console_access_status()["SerialConsoleAccessEnabled"] is True
    west = boto3.client("ec2", region_name="us-west-2")
    assert west.get_serial_console_access_status()["SerialConsoleAccessEnabled"] is False
    assert ec2.disable_serial_console_access()["SerialConsoleAccessEnabled"] is False
    assert ec2.get_serial_console_access_status()["SerialConsoleAccessEnabled"] is False


def test_serial_console_dry_run_changes_nothing(ec2):
    assert fails(ec2.enable_serial_console_access, DryRun=True)[0] == "DryRunOperation"
    assert ec2.get_serial_console_access_status()["SerialConsoleAccessEnabled"] is False


# -- id formats ---------------------------------------------------------------------------------
def test_every_resource_type_uses_long_ids(ec2):
    statuses = ec2.describe_id_format()["Statuses"]
    assert len(statuses) == 31 and all(s["UseLongIds"] for s in statuses)
    by_type = {s["Resource"]: s["Deadline"] for s in statuses}
    assert by_type["instance"] == dt.datetime(2016, 12, 15, tzinfo=dt.timezone.utc)
    assert by_type["security-group"] == dt.datetime(2018, 8, 15, tzinfo=dt.timezone.utc)
    one = ec2.describe_id_format(Resource="vpc")["Statuses"]
    assert [s["Resource"] for s in one] == ["vpc"]
    aggregate = ec2.describe_aggregate_id_format()
    assert aggregate["UseLongIdsAggregated"] is True and len(aggregate["Statuses"]) == 31


def test_invalid_resource_types_and_principals_are_refused(ec2):
    assert fails(ec2.describe_id_format, Resource="widget")[0] == "InvalidParameterValue"
    assert fails(ec2.modify_id_format, Resource="widget",
                 UseLongIds=True)[0] == "InvalidParameterValue"
    assert fails(ec2.describe_identity_id_format, PrincipalArn="bob",
                 Resource="vpc")[0] == "InvalidParameterValue"
    assert fails(ec2.modify_identity_id_format, PrincipalArn="arn:aws:s3:::bucket",
                 Resource="vpc", UseLongIds=True)[0] == "InvalidParameterValue"


def test_modified_principals_are_listed(ec2):
    ec2.modify_id_format(Resource="all-current", UseLongIds=True)
    user = "arn:aws:iam::123456789012:user/alice"
    ec2.modify_identity_id_format(PrincipalArn=user, Resource="instance", UseLongIds=True)
    got = ec2.describe_identity_id_format(PrincipalArn=user, Resource="instance")["Statuses"]
    assert got[0]["UseLongIds"] is True
    first = ec2.describe_principal_id_format(Resources=["instance"], MaxResults=1)
    assert [p["Arn"] for p in first["Principals"]] == [ROOT]
    assert [s["Resource"] for s in first["Principals"][0]["Statuses"]] == ["instance"]
    rest = ec2.describe_principal_id_format(Resources=["instance"], MaxResults=1,
                                            NextToken=first["NextToken"])
    assert [p["Arn"] for p in rest["Principals"]] == [user]
    assert "NextToken" not in rest


# -- Elastic GPUs -------------------------------------------------------------------------------
def test_elastic_gpus_are_retired(ec2):
    assert ec2.describe_elastic_gpus()["ElasticGpuSet"] == []
    assert ec2.describe_elastic_gpus(Filters=[
        {"Name": "elastic-gpu-state", "Values": ["ATTACHED"]}])["ElasticGpuSet"] == []
    assert fails(ec2.describe_elastic_gpus, ElasticGpuIds=["egpu-0123456789abcdef0"])[0] == \
        "InvalidElasticGpuID.NotFound"
    assert fails(ec2.describe_elastic_gpus, ElasticGpuIds=["gpu-1"])[0] == \
        "InvalidElasticGpuID.Malformed"
    assert fails(ec2.describe_elastic_gpus, Filters=[
        {"Name": "color", "Values": ["red"]}])[0] == "InvalidParameterValue"


@pytest.mark.server
def test_account_settings_over_http(server_ec2):
    assert server_ec2.enable_serial_console_access()["SerialConsoleAccessEnabled"] is True
    assert server_ec2.get_serial_console_access_status()["SerialConsoleAccessEnabled"] is True
    assert server_ec2.describe_id_format(Resource="instance")["Statuses"][0]["UseLongIds"]
    assert server_ec2.describe_aggregate_id_format()["UseLongIdsAggregated"] is True
    assert server_ec2.describe_elastic_gpus()["ElasticGpuSet"] == []
