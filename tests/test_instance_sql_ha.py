"""EC2 High Availability for SQL Server standby detection, through boto3."""
from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError

from topology.catalogue.image_catalogue import hashed_id
from helpers import error

WINDOWS_AMI = hashed_id("ami", "us-east-1", "Windows_Server-2022-English-Full-Base-2025.01.15")
LINUX_AMI = hashed_id("ami", "us-east-1", "al2023-ami-2023.6.20250107.0-kernel-6.1-x86_64")
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:sql-creds-AbCdEf"


def launch(ec2, ami: str, count: int = 1) -> list[str]:
    return [i["InstanceId"] for i in ec2.run_instances(
        ImageId=ami, MinCount=count, MaxCount=count, InstanceType="m5.large")["Instances"]]


def states(ec2, **kwargs) -> dict[str, dict]:
    return {r["InstanceId"]: r for r in
            ec2.describe_instance_sql_ha_states(**kwargs)["Instances"]}


def test_enable_then_active_and_standby(ec2):
    first, second = launch(ec2, WINDOWS_AMI, 2)
    linux = launch(ec2, LINUX_AMI)[0]
    answer = ec2.enable_instance_sql_ha_standby_detections(
        InstanceIds=[first, second, linux], SqlServerCredentials=SECRET)["Instances"]
    assert {r["HaStatus"] for r in answer} == {"processing"}
    now = states(ec2)
    assert (now[first]["HaStatus"], now[first]["SqlServerLicenseUsage"]) == ("active", "full")
    assert (now[second]["HaStatus"], now[second]["SqlServerLicenseUsage"]) == (
        "standby", "waived")
    assert now[linux]["HaStatus"] == "invalid"
    assert now[first]["SqlServerCredentials"] == SECRET
    assert list(states(ec2, Filters=[{"Name": "haStatus", "Values": ["standby"]}])) == [second]
    ec2.stop_instances(InstanceIds=[first])
    assert states(ec2)[second]["HaStatus"] == "active"       # the standby takes over


def test_disable_and_history(ec2):
    iid = launch(ec2, WINDOWS_AMI)[0]
    ec2.create_tags(Resources=[iid], Tags=[{"Key": "role", "Value": "sql"}])
    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    ec2.enable_instance_sql_ha_standby_detections(InstanceIds=[iid])
    answer = ec2.disable_instance_sql_ha_standby_detections(InstanceIds=[iid])["Instances"]
    assert answer[0]["HaStatus"] == "processing"
    assert states(ec2) == {}
    history = ec2.describe_instance_sql_ha_history_states(StartTime=start)["Instances"]
    assert [r["HaStatus"] for r in history] == ["processing", "active", "processing"][::-1]
    assert history[0]["Tags"] == [{"Key": "role", "Value": "sql"}]
    tagged = ec2.describe_instance_sql_ha_history_states(
        Filters=[{"Name": "tag:role", "Values": ["sql"]}], MaxResults=1)
    assert len(tagged["Instances"]) == 1 and "NextToken" in tagged
    assert ec2.describe_instance_sql_ha_history_states(
        EndTime=start)["Instances"] == []


def test_errors(ec2):
    iid = launch(ec2, WINDOWS_AMI)[0]
    with pytest.raises(ClientError) as exc:
        ec2.disable_instance_sql_ha_standby_detections(InstanceIds=[iid])
    assert error(exc)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        ec2.enable_instance_sql_ha_standby_detections(InstanceIds=["i-0123456789abcdef0"])
    assert error(exc)[0] == "InvalidInstanceID.NotFound"
    with pytest.raises(ClientError) as exc:
        ec2.enable_instance_sql_ha_standby_detections(InstanceIds=[iid],
                                                      SqlServerCredentials="secret")
    assert error(exc)[0] in ("InvalidParameterValue", "ValidationError")
    assert states(ec2) == {}


def test_sql_ha_against_server(server_ec2):
    iid = launch(server_ec2, WINDOWS_AMI)[0]
    server_ec2.enable_instance_sql_ha_standby_detections(InstanceIds=[iid])
    assert states(server_ec2)[iid]["HaStatus"] == "active"
