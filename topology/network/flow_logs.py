"""VPC flow logs: which traffic of a VPC, subnet, network interface, transit gateway or
attachment is published where (CloudWatch Logs, S3, Kinesis Data Firehose).

A flow log is a `flow-log` node ASSOCIATED with the resource it watches. That edge is its
life: AWS deletes a resource's flow logs with the resource, and so does the world (the kind
`lives_on` that edge, `schema.Kind`).

AWS's rules kept here: CreateFlowLogs validates the configuration as a whole (an error), then
answers per resource (an unknown resource, or one already logging to the same destination,
is an `Unsuccessful` item, not an error); DeleteFlowLogs likewise reports unknown ids as
`Unsuccessful`. A flow log's configuration cannot change.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..core import schema
from ..core import tags as tagging
from ..core.errors import MissingParameter, TopologyError
from ..core.family import declare_actions
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World, is_id_of, not_found

KIND = "flow-log"
# ResourceType -> the kind of node it names
RESOURCE_KINDS = {"VPC": "vpc", "Subnet": "subnet", "NetworkInterface": "network-interface",
                  "TransitGateway": "transit-gateway",
                  "TransitGatewayAttachment": "transit-gateway-attachment",
                  "RegionalNatGateway": "nat-gateway"}
TRANSIT = {"TransitGateway", "TransitGatewayAttachment"}
MAX_RESOURCES = {True: 25, False: 1000}            # per request: transit gateway types or not
INTERVALS = (60, 600)
DEFAULT_FORMAT = ("${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} "
                  "${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} "
                  "${log-status}")
TRANSIT_FORMAT = ("${version} ${resource-type} ${account-id} ${tgw-id} ${tgw-attachment-id} "
                  "${tgw-src-vpc-account-id} ${tgw-dst-vpc-account-id} ${tgw-src-vpc-id} "
                  "${tgw-dst-vpc-id} ${tgw-src-subnet-id} ${tgw-dst-subnet-id} ${tgw-src-eni} "
                  "${tgw-dst-eni} ${tgw-src-az-id} ${tgw-dst-az-id} ${tgw-pair-attachment-id} "
                  "${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} "
                  "${start} ${end} ${log-status} ${type} ${packets-lost-no-route} "
                  "${packets-lost-blackhole} ${packets-lost-mtu-exceeded} "
                  "${packets-lost-ttl-expired} ${tcp-flags} ${region} ${flow-direction} "
                  "${pkt-src-aws-service} ${pkt-dst-aws-service}")
# the record fields AWS documents (VPC flow logs v2-v5, transit gateway flow logs)
FIELDS = frozenset(
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
    "start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr "
    "pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service "
    "pkt-dst-aws-service flow-direction traffic-path ecs-cluster-arn ecs-cluster-name "
    "ecs-container-instance-arn ecs-container-instance-id ecs-container-id "
    "ecs-second-container-id ecs-service-name ecs-task-definition-arn ecs-task-arn "
    "ecs-task-id reject-reason resource-type tgw-id tgw-attachment-id tgw-src-vpc-account-id "
    "tgw-dst-vpc-account-id tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id tgw-dst-subnet-id "
    "tgw-src-eni tgw-dst-eni tgw-src-az-id tgw-dst-az-id tgw-pair-attachment-id "
    "packets-lost-no-route packets-lost-blackhole packets-lost-mtu-exceeded "
    "packets-lost-ttl-expired".split())
_TOKEN = re.compile(r"\$\{([a-z0-9-]+)\}")
_LOG_GROUP_ARN = re.compile(r"arn:aws[\w-]*:logs:([a-z0-9-]+):(\d{12}):log-group:([\w./#-]{1,512})"
                            r"(:\*)?")
_BUCKET_ARN = re.compile(r"arn:aws[\w-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/.*)?")
_FIREHOSE_ARN = re.compile(r"arn:aws[\w-]*:firehose:[a-z0-9-]+:\d{12}:deliverystream/[\w.-]+")
EXISTS = "Error. There is an existing Flow Log with the same configuration and log destination."


def _invalid(message: str) -> TopologyError:
    return TopologyError(message, "InvalidParameter")


# -- reading --------------------------------------------------------------------------------------
def resource_of(world: World, fl_id: str) -> str | None:
    """The resource the flow log watches, or None once that resource is gone."""
    found = world.out(fl_id, schema.ASSOCIATED)
    return found[0][0] if found else None


def live(world: World, part: Partition, ids: list[str]) -> list[str]:
    """The ids among `ids` that are flow logs of `part` whose resource still exists."""
    nodes = world.graph.nodes
    return [rid for rid in ids if world.node(rid) is not None and nodes[rid]["kind"] == KIND
            and (nodes[rid]["account"], nodes[rid]["region"]) == (part.account, part.region)
            and resource_of(world, rid) is not None]


# -- create ---------------------------------------------------------------------------------------
def _destination(part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    """The destination fields a request describes, checked as AWS checks them."""
    dtype = params.get("LogDestinationType") or "cloud-watch-logs"
    group, dest = params.get("LogGroupName"), params.get("LogDestination")
    role = params.get("DeliverLogsPermissionArn")
    if dtype == "cloud-watch-logs":
        if group and dest:
            raise _invalid("Please only provide LogGroupName or only provide LogDestination.")
        if not group and not dest:
            raise _invalid("LogDestination can't be empty if LogGroupName is not provided.")
        if dest:
            match = _LOG_GROUP_ARN.fullmatch(dest)
            if match is None:
                raise _invalid(f"LogDestination: {dest} is not a valid CloudWatch Logs log "
                               "group ARN.")
            group = match.group(3)
        else:
            dest = f"arn:aws:logs:{part.region}:{part.account}:log-group:{group}"
        if not role:
            raise _invalid("DeliverLogsPermissionArn can't be empty if LogDestinationType is "
                           "cloud-watch-logs.")
    else:
        if group:
            raise _invalid("LogDestination type must be cloud-watch-logs if LogGroupName is "
                           "provided.")
        if not dest:
            raise _invalid("LogDestination can't be empty if LogGroupName is not provided.")
        _check_arn(dtype, dest)
    if params.get("DestinationOptions") and dtype != "s3":
        raise _invalid("DestinationOptions is only supported for the s3 log destination type.")
    out: dict[str, Any] = {"LogDestinationType": dtype, "LogDestination": dest}
    if group:
        out["LogGroupName"] = group
    if role:
        out["DeliverLogsPermissionArn"] = role
    if params.get("DeliverCrossAccountRole"):
        out["DeliverCrossAccountRole"] = params["DeliverCrossAccountRole"]
    if dtype == "s3":
        options = params.get("DestinationOptions") or {}
        out["DestinationOptions"] = {
            "FileFormat": options.get("FileFormat") or "plain-text",
            "HiveCompatiblePartitions": bool(options.get("HiveCompatiblePartitions")),
            "PerHourPartition": bool(options.get("PerHourPartition"))}
    return out


def _check_arn(dtype: str, dest: str) -> None:
    if dtype == "s3":
        match = _BUCKET_ARN.fullmatch(dest)
        if match is None:
            raise _invalid(f"LogDestination: {dest} is not a valid S3 bucket ARN.")
        if "AWSLogs" in (match.group(2) or "").split("/"):
            raise _invalid("LogDestination: AWSLogs cannot be used as a subfolder name.")
    elif _FIREHOSE_ARN.fullmatch(dest) is None:
        raise _invalid(f"LogDestination: {dest} is not a valid Kinesis Data Firehose delivery "
                       "stream ARN.")


def _format(text: str | None, transit: bool) -> str:
    if text is None:
        return TRANSIT_FORMAT if transit else DEFAULT_FORMAT
    tokens = text.split()
    if not tokens:
        raise _invalid("LogFormat must contain at least one field.")
    for token in tokens:
        match = _TOKEN.fullmatch(token)
        if match is None or match.group(1) not in FIELDS:
            raise _invalid(f"Unknown fields provided: {token}")
    return text


def _settings(params: dict[str, Any]) -> dict[str, Any]:
    """Traffic type, aggregation interval and record format, checked per resource type."""
    rtype = params["ResourceType"]
    transit = rtype in TRANSIT
    traffic = params.get("TrafficType")
    if transit and traffic is not None:
        raise _invalid("TrafficType is not supported for transit gateway resource types.")
    if not transit and traffic is None:
        raise MissingParameter("The request must contain the parameter TrafficType")
    interval = params.get("MaxAggregationInterval")
    interval = (60 if transit else 600) if interval is None else interval
    if interval not in INTERVALS or (transit and interval != 60):
        raise _invalid("Invalid Flow Log Max Aggregation Interval")
    out: dict[str, Any] = {"ResourceType": rtype, "MaxAggregationInterval": interval,
                           "LogFormat": _format(params.get("LogFormat"), transit)}
    if traffic is not None:
        out["TrafficType"] = traffic
    return out


def _same(node: dict[str, Any], config: dict[str, Any]) -> bool:
    keys = ("TrafficType", "LogDestinationType", "LogDestination")
    return all(node.get(k) == config.get(k) for k in keys)


def create(world: World, part: Partition, params: dict[str, Any],
           tags: dict[str, str] | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """CreateFlowLogs: (new flow log ids, Unsuccessful items)."""
    config = {**_settings(params), **_destination(part, params)}
    kind = RESOURCE_KINDS[config["ResourceType"]]
    ids = list(dict.fromkeys(params["ResourceIds"]))
    most = MAX_RESOURCES[config["ResourceType"] in TRANSIT]
    if len(ids) > most:
        raise _invalid(f"You can specify at most {most} resources of type "
                       f"{config['ResourceType']} in one request.")
    chosen, failed = [], []
    for rid in ids:
        try:
            world.get(part, kind, rid)
        except TopologyError as err:
            failed.append(_unsuccessful(rid, err.code, err.message))
            continue
        if any(_same(world.graph.nodes[fl], config)
               for fl, _, _ in world.into(rid, schema.ASSOCIATED, KIND)):
            failed.append(_unsuccessful(rid, "FlowLogAlreadyExists", EXISTS))
            continue
        chosen.append(rid)
    missing = _missing_bucket(world, part, config) if chosen else None
    if missing is not None:   # AWS answers each resource so, not the request
        failed += [_unsuccessful(rid, "400", f"LogDestination: {missing} does not exist.")
                   for rid in chosen]
        chosen = []
    created = []
    for rid in chosen:
        fl_id = world.new_id("fl")
        world.add(part, KIND, fl_id, CreationTime=_now(), FlowLogStatus="ACTIVE",
                  DeliverLogsStatus="SUCCESS", **config)
        world.link(fl_id, rid, schema.ASSOCIATED)
        tagging.apply(world, fl_id, tags or {})
        created.append(fl_id)
    return created, failed


def _missing_bucket(world: World, part: Partition, config: dict[str, Any]) -> str | None:
    """The S3 destination's bucket if the S3 beside ec2sim says it does not exist (on its
    own ec2sim cannot tell, and takes any bucket as given: `topology.outside`)."""
    if config["LogDestinationType"] != "s3":
        return None
    match = _BUCKET_ARN.fullmatch(config["LogDestination"])
    bucket = match.group(1) if match else ""
    exists = world.outside.bucket_exists(part.account, part.region, bucket)
    return bucket if exists is False else None


def _now() -> dt.datetime:
    now = dt.datetime.now(dt.timezone.utc)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _unsuccessful(rid: str, code: str, message: str) -> dict[str, Any]:
    return {"Error": {"Code": code, "Message": message}, "ResourceId": rid}


# -- delete ---------------------------------------------------------------------------------------
def delete(world: World, part: Partition, flow_log_ids: list[str]) -> list[dict[str, Any]]:
    """DeleteFlowLogs; the Unsuccessful items for ids that are no flow log of the caller's."""
    ids = list(dict.fromkeys(flow_log_ids))
    alive = set(live(world, part, ids))
    missing = [rid for rid in ids if rid not in alive]
    failed = []
    for rid in missing:
        if is_id_of("fl", rid):
            failed.append(_unsuccessful(
                rid, "InvalidFlowLogId.NotFound",
                f"These flow log ids in the input list are not found: [TotalCount: "
                f"{len(missing)}] {' '.join(missing)}"))
        else:
            err = not_found(KIND, rid)
            failed.append(_unsuccessful(rid, err.code, err.message))
    for rid in ids:
        if rid in alive:
            world.remove(rid)
    return failed


# -- views and filters ----------------------------------------------------------------------------
VIEW_FIELDS = ("DeliverLogsPermissionArn", "DeliverCrossAccountRole", "DeliverLogsStatus",
               "FlowLogStatus", "LogGroupName", "TrafficType", "LogDestinationType",
               "LogDestination", "LogFormat", "MaxAggregationInterval")


def view(world: World, fl_id: str) -> dict[str, Any]:
    """The flow log as boto3's `FlowLog`."""
    node = world.graph.nodes[fl_id]
    out: dict[str, Any] = {"CreationTime": node["CreationTime"], "FlowLogId": fl_id,
                           "ResourceId": resource_of(world, fl_id)}
    out.update({k: node[k] for k in VIEW_FIELDS if node.get(k) is not None})
    if node["tags"]:
        out["Tags"] = tagging.listed(node["tags"])
    if node.get("DestinationOptions"):
        out["DestinationOptions"] = dict(node["DestinationOptions"])
    return out


def _watching(world: World, part: Partition, value: str) -> list[str]:
    return [fl for fl, _, _ in world.into(value, schema.ASSOCIATED, KIND)]


FILTERS: dict[str, Filter] = {
    "deliver-log-status": field("DeliverLogsStatus"),
    "log-destination-type": field("LogDestinationType"),
    "flow-log-id": ident(),
    "log-group-name": field("LogGroupName"),
    "resource-id": Filter(lambda w, rid, n: resource_of(w, rid), _watching, exact=True),
    "traffic-type": field("TrafficType"),
}


# DeleteFlowLogs is bound from `delete` (docs/families.md)
declare_actions(KIND, {"DeleteFlowLogs": delete})
