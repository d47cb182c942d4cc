"""Flow logs through boto3, in-process and against the server."""
from __future__ import annotations

import pytest

from helpers import fails

ROLE = "arn:aws:iam::123456789012:role/flow-logs"
BUCKET = "arn:aws:s3:::my-flow-logs"
STREAM = "arn:aws:firehose:us-east-1:123456789012:deliverystream/flows"
DEFAULT_FORMAT = ("${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} "
                  "${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} "
                  "${log-status}")
EXISTS = "Error. There is an existing Flow Log with the same configuration and log destination."


def to_logs(ec2, *ids: str, rtype: str = "VPC", traffic: str = "ALL", **kwargs) -> dict:
    args = {"ResourceIds": list(ids), "ResourceType": rtype, "TrafficType": traffic,
            "LogGroupName": "flows", "DeliverLogsPermissionArn": ROLE, **kwargs}
    return ec2.create_flow_logs(**args)


def logs(ec2, **kwargs) -> list[dict]:
    return ec2.describe_flow_logs(**kwargs)["FlowLogs"]


def ids(ec2, *filters) -> set[str]:
    return {f["FlowLogId"] for f in logs(ec2, Filter=list(filters))}


def test_flow_log_to_cloudwatch_logs(ec2, vpc):
    out = to_logs(ec2, vpc, TagSpecifications=[
        {"ResourceType": "vpc-flow-log", "Tags": [{"Key": "Name", "Value": "vpc-flows"}]}],
        ClientToken="abc")
    assert out["Unsuccessful"] == [] and out["ClientToken"] == "abc"
    (fl_id,) = out["FlowLogIds"]
    assert fl_id.startswith("fl-")
    (fl,) = logs(ec2)
    assert fl["FlowLogId"] == fl_id and fl["ResourceId"] == vpc
    assert fl["TrafficType"] == "ALL" and fl["LogDestinationType"] == "cloud-watch-logs"
    assert fl["LogGroupName"] == "flows" and fl["DeliverLogsPermissionArn"] == ROLE
    assert fl["LogDestination"] == "arn:aws:logs:us-east-1:123456789012:log-group:flows"
    assert fl["FlowLogStatus"] == "ACTIVE" and fl["DeliverLogsStatus"] == "SUCCESS"
    assert fl["LogFormat"] == DEFAULT_FORMAT and fl["MaxAggregationInterval"] == 600
    assert fl["Tags"] == [{"Key": "Name", "Value": "vpc-flows"}]
    assert "CreationTime" in fl


def test_log_group_arn_destination(ec2, vpc):
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:vpc/flows:*"
    ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="REJECT",
                         LogDestination=arn, DeliverLogsPermissionArn=ROLE)
    (fl,) = logs(ec2)
    assert fl["LogGroupName"] == "vpc/flows" and fl["LogDestination"] == arn


def test_flow_log_to_s3_and_firehose(ec2, vpc, subnet):
    out = ec2.create_flow_logs(ResourceIds=[subnet], ResourceType="Subnet", TrafficType="REJECT",
                               LogDestinationType="s3", LogDestination=BUCKET + "/vpc/",
                               MaxAggregationInterval=60,
                               LogFormat="${srcaddr} ${dstaddr} ${action}",
                               DestinationOptions={"FileFormat": "parquet",
                                                   "PerHourPartition": True})
    (fl,) = logs(ec2, FlowLogIds=out["FlowLogIds"])
    assert fl["LogDestinationType"] == "s3" and fl["LogDestination"] == BUCKET + "/vpc/"
    assert "LogGroupName" not in fl and fl["MaxAggregationInterval"] == 60
    assert fl["LogFormat"] == "${srcaddr} ${dstaddr} ${action}"
    assert fl["DestinationOptions"] == {"FileFormat": "parquet", "HiveCompatiblePartitions": False,
                                        "PerHourPartition": True}
    out = ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ACCEPT",
                               LogDestinationType="kinesis-data-firehose", LogDestination=STREAM)
    (fl,) = logs(ec2, FlowLogIds=out["FlowLogIds"])
    assert fl["LogDestination"] == STREAM and fl["TrafficType"] == "ACCEPT"


def test_flow_log_for_an_interface(ec2, subnet):
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    out = to_logs(ec2, eni, rtype="NetworkInterface")
    assert logs(ec2, FlowLogIds=out["FlowLogIds"])[0]["ResourceId"] == eni
    ec2.delete_network_interface(NetworkInterfaceId=eni)    # the flow log goes with it
    assert logs(ec2) == []
    assert ec2.delete_flow_logs(FlowLogIds=out["FlowLogIds"])["Unsuccessful"][0]["Error"][
        "Code"] == "InvalidFlowLogId.NotFound"


def test_unknown_resources_are_unsuccessful(ec2, vpc):
    out = to_logs(ec2, vpc, "vpc-0123456789abcdef0", "nope")
    assert len(out["FlowLogIds"]) == 1
    assert out["Unsuccessful"] == [
        {"Error": {"Code": "InvalidVpcID.NotFound",
                   "Message": "The vpc ID 'vpc-0123456789abcdef0' does not exist"},
         "ResourceId": "vpc-0123456789abcdef0"},
        {"Error": {"Code": "InvalidVpcID.Malformed",
                   "Message": 'Invalid id: "nope" (expecting "vpc-...")'},
         "ResourceId": "nope"}]
    out = to_logs(ec2, "subnet-0123456789abcdef0", rtype="Subnet")
    assert out["FlowLogIds"] == []
    assert out["Unsuccessful"][0]["Error"]["Code"] == "InvalidSubnetID.NotFound"


def test_same_configuration_twice(ec2, vpc, subnet):
    to_logs(ec2, vpc)
    out = to_logs(ec2, vpc, subnet, rtype="VPC")
    assert out["FlowLogIds"] == []
    assert out["Unsuccessful"][0] == {"Error": {"Code": "FlowLogAlreadyExists",
                                                "Message": EXISTS}, "ResourceId": vpc}
    assert out["Unsuccessful"][1]["Error"]["Code"] == "InvalidVpcID.Malformed"
    # another traffic type or destination is another configuration
    assert len(to_logs(ec2, vpc, traffic="REJECT")["FlowLogIds"]) == 1
    assert len(to_logs(ec2, vpc, LogGroupName="other")["FlowLogIds"]) == 1
    assert len(logs(ec2)) == 3


@pytest.mark.parametrize("kwargs, code, message", [
    ({"LogDestination": "arn:aws:logs:us-east-1:123456789012:log-group:x"}, "InvalidParameter",
     "Please only provide LogGroupName or only provide LogDestination."),
    ({"LogGroupName": None}, "InvalidParameter",
     "LogDestination can't be empty if LogGroupName is not provided."),
    ({"DeliverLogsPermissionArn": None}, "InvalidParameter",
     "DeliverLogsPermissionArn can't be empty if LogDestinationType is cloud-watch-logs."),
    ({"LogDestinationType": "s3"}, "InvalidParameter",
     "LogDestination type must be cloud-watch-logs if LogGroupName is provided."),
    ({"LogDestinationType": "s3", "LogGroupName": None}, "InvalidParameter",
     "LogDestination can't be empty if LogGroupName is not provided."),
    ({"LogDestinationType": "s3", "LogGroupName": None, "LogDestination": "my-bucket"},
     "InvalidParameter", "LogDestination: my-bucket is not a valid S3 bucket ARN."),
    ({"LogDestinationType": "s3", "LogGroupName": None,
      "LogDestination": BUCKET + "/AWSLogs/"}, "InvalidParameter",
     "LogDestination: AWSLogs cannot be used as a subfolder name."),
    ({"MaxAggregationInterval": 120}, "InvalidParameter",
     "Invalid Flow Log Max Aggregation Interval"),
    ({"TrafficType": None}, "MissingParameter",
     "The request must contain the parameter TrafficType"),
    ({"LogFormat": "${srcaddr} ${nonsense}"}, "InvalidParameter",
     "Unknown fields provided: ${nonsense}"),
    ({"LogFormat": "   "}, "InvalidParameter", "LogFormat must contain at least one field."),
    ({"DestinationOptions": {"FileFormat": "parquet"}}, "InvalidParameter",
     "DestinationOptions is only supported for the s3 log destination type."),
])
def test_configuration_errors(ec2, vpc, kwargs, code, message):
    args = {"ResourceIds": [vpc], "ResourceType": "VPC", "TrafficType": "ALL",
            "LogGroupName": "flows", "DeliverLogsPermissionArn": ROLE, **kwargs}
    args = {k: v for k, v in args.items() if v is not None}
    assert fails(ec2.create_flow_logs, **args) == (code, message)
    assert logs(ec2) == []


def test_transit_gateway_rules(ec2):
    assert fails(ec2.create_flow_logs, ResourceIds=["tgw-0123456789abcdef0"],
                 ResourceType="TransitGateway", TrafficType="ALL", LogGroupName="g",
                 DeliverLogsPermissionArn=ROLE) == (
        "InvalidParameter", "TrafficType is not supported for transit gateway resource types.")
    assert fails(ec2.create_flow_logs, ResourceIds=["tgw-0123456789abcdef0"],
                 ResourceType="TransitGateway", MaxAggregationInterval=600, LogGroupName="g",
                 DeliverLogsPermissionArn=ROLE)[0] == "InvalidParameter"
    out = ec2.create_flow_logs(ResourceIds=["tgw-0123456789abcdef0"],
                               ResourceType="TransitGateway", LogGroupName="g",
                               DeliverLogsPermissionArn=ROLE)
    assert out["FlowLogIds"] == []
    assert out["Unsuccessful"][0]["Error"]["Code"] == "InvalidTransitGatewayID.NotFound"


def test_describe_filters(ec2, vpc, subnet):
    a = to_logs(ec2, vpc, TagSpecifications=[{"ResourceType": "vpc-flow-log",
                                              "Tags": [{"Key": "env", "Value": "prod"}]}])[
        "FlowLogIds"][0]
    b = ec2.create_flow_logs(ResourceIds=[subnet], ResourceType="Subnet", TrafficType="REJECT",
                             LogDestinationType="s3", LogDestination=BUCKET)["FlowLogIds"][0]
    assert ids(ec2, {"Name": "resource-id", "Values": [subnet]}) == {b}
    assert ids(ec2, {"Name": "traffic-type", "Values": ["ALL"]}) == {a}
    assert ids(ec2, {"Name": "log-destination-type", "Values": ["s3"]}) == {b}
    assert ids(ec2, {"Name": "log-group-name", "Values": ["flows"]}) == {a}
    assert ids(ec2, {"Name": "deliver-log-status", "Values": ["SUCCESS"]}) == {a, b}
    assert ids(ec2, {"Name": "flow-log-id", "Values": [b]}) == {b}
    assert ids(ec2, {"Name": "tag:env", "Values": ["prod"]}) == {a}
    assert ids(ec2, {"Name": "tag-key", "Values": ["env"]}) == {a}
    assert [f["FlowLogId"] for f in logs(ec2, FlowLogIds=[b, "fl-0123456789abcdef0"])] == [b]
    assert fails(ec2.describe_flow_logs, Filter=[{"Name": "bogus", "Values": ["x"]}]) == (
        "InvalidParameterValue", "The filter 'bogus' is invalid")
    first = ec2.describe_flow_logs(MaxResults=1)
    second = ec2.describe_flow_logs(MaxResults=1, NextToken=first["NextToken"])
    assert [f["FlowLogId"] for f in first["FlowLogs"] + second["FlowLogs"]] == [a, b]


def test_delete_flow_logs(ec2, vpc):
    fl = to_logs(ec2, vpc)["FlowLogIds"][0]
    out = ec2.delete_flow_logs(FlowLogIds=[fl, "fl-0123456789abcdef0"])
    assert out["Unsuccessful"] == [{
        "Error": {"Code": "InvalidFlowLogId.NotFound",
                  "Message": "These flow log ids in the input list are not found: "
                             "[TotalCount: 1] fl-0123456789abcdef0"},
        "ResourceId": "fl-0123456789abcdef0"}]
    assert logs(ec2) == []
    again = ec2.delete_flow_logs(FlowLogIds=[fl])["Unsuccessful"]
    assert again[0]["ResourceId"] == fl
    # the same configuration may be created again once the old one is gone
    assert len(to_logs(ec2, vpc)["FlowLogIds"]) == 1


def test_deleting_the_vpc_deletes_its_flow_logs(ec2, vpc, mock):
    fl = to_logs(ec2, vpc)["FlowLogIds"][0]
    ec2.delete_vpc(VpcId=vpc)
    assert logs(ec2) == []
    assert mock.world.node(fl) is None                  # gone from the graph, not just hidden
    assert ec2.delete_flow_logs(FlowLogIds=[fl])["Unsuccessful"][0]["Error"]["Code"] == \
        "InvalidFlowLogId.NotFound"


def test_other_accounts_flow_logs_are_invisible(ec2, vpc, mock):
    import boto3

    fl = to_logs(ec2, vpc)["FlowLogIds"][0]
    other = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="111122223333",
                         aws_secret_access_key="x")
    assert other.describe_flow_logs()["FlowLogs"] == []
    assert other.delete_flow_logs(FlowLogIds=[fl])["Unsuccessful"][0]["ResourceId"] == fl
    assert len(logs(ec2)) == 1


def test_flow_logs_against_server(server_ec2):
    vpc = server_ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    out = to_logs(server_ec2, vpc, "vpc-0123456789abcdef0")
    assert len(out["FlowLogIds"]) == 1 and len(out["Unsuccessful"]) == 1
    assert logs(server_ec2)[0]["ResourceId"] == vpc
    assert server_ec2.delete_flow_logs(FlowLogIds=out["FlowLogIds"])["Unsuccessful"] == []
