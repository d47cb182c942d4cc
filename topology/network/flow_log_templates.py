"""GetFlowLogsIntegrationTemplate: the CloudFormation template that integrates a flow log
delivered to Amazon S3 with Amazon Athena (a table over its record format, a Lambda that adds
partitions, named queries), generated from the flow log as it is.

AWS's rules kept here: the flow log must be a VPC flow log delivered to S3 (not a transit
gateway's), the destinations must be S3 ARNs, and a partition range must run forward.
"""
from __future__ import annotations

import json
import re
from typing import Any

from ..core.errors import InvalidParameterValue
from ..core.family import declare_actions
from ..core.world import Partition, World
from . import flow_logs

S3_ARN = re.compile(r"arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?")
TRANSIT = ("TransitGateway", "TransitGatewayAttachment")


def _s3(arn: str, member: str) -> str:
    if not S3_ARN.fullmatch(arn or ""):
        raise InvalidParameterValue(f"Value ({arn}) for parameter {member} is invalid. It must "
                                    "be an Amazon S3 ARN.")
    return arn


def template(world: World, part: Partition, flow_log_id: str,
             config_delivery_s3_destination_arn: str,
             integrate_services: dict[str, Any]) -> str:
    node = world.get(part, flow_logs.KIND, flow_log_id)
    if node.get("LogDestinationType") != "s3":
        raise InvalidParameterValue(f"The flow log {flow_log_id} must publish to Amazon S3 to "
                                    "be integrated with Amazon Athena.")
    if node.get("ResourceType") in TRANSIT:
        raise InvalidParameterValue("Transit gateway flow logs cannot be integrated with "
                                    "Amazon Athena.")
    _s3(config_delivery_s3_destination_arn, "ConfigDeliveryS3DestinationArn")
    athena = integrate_services.get("AthenaIntegrations") or []
    if not athena:
        raise InvalidParameterValue("IntegrateServices must contain an Athena integration.")
    resources: dict[str, Any] = {}
    fields = (node.get("LogFormat") or "").replace("${", "").replace("}", "").split()
    columns = [{"Name": f.replace("-", "_"), "Type": "string"} for f in fields]
    for n, spec in enumerate(athena, start=1):
        _s3(spec["IntegrationResultS3DestinationArn"], "IntegrationResultS3DestinationArn")
        start, end = spec.get("PartitionStartDate"), spec.get("PartitionEndDate")
        if start is not None and end is not None and start > end:
            raise InvalidParameterValue("PartitionStartDate must be earlier than "
                                        "PartitionEndDate.")
        resources[f"AthenaTable{n}"] = {
            "Type": "AWS::Glue::Table",
            "Properties": {"TableInput": {
                "Name": f"vpc_flow_logs_{flow_log_id.replace('-', '_')}",
                "StorageDescriptor": {"Columns": columns,
                                      "Location": node.get("LogDestination")},
                "PartitionKeys": [{"Name": "date", "Type": "string"}]}}}
        resources[f"PartitionUpdater{n}"] = {
            "Type": "AWS::Lambda::Function",
            "Properties": {"Description": "Adds partitions to the flow log table "
                                          f"({spec['PartitionLoadFrequency']})"}}
        resources[f"NamedQueries{n}"] = {
            "Type": "AWS::Athena::NamedQuery",
            "Properties": {"Name": "Top talkers", "QueryString": "SELECT srcaddr, dstaddr, "
                           "sum(bytes) AS total FROM flow_logs GROUP BY 1, 2 ORDER BY 3 DESC",
                           "Database": "default"}}
    return json.dumps({"AWSTemplateFormatVersion": "2010-09-09",
                       "Description": f"Athena integration of flow log {flow_log_id}",
                       "Resources": resources}, sort_keys=True)


declare_actions(flow_logs.KIND, {"GetFlowLogsIntegrationTemplate": template})
