"""DescribeInstanceTopology: where the account's instances sit in AWS's network.

AWS answers with three (four for the Blackwell P6 types) network nodes per instance, the
furthest from it first, for the instance types its "Prerequisites for Amazon EC2 topology"
page lists, and only for instances in the `running` state; other instances are left out.
ec2sim has no physical hosts, so the nodes are derived: `nn-` and 17 hex digits hashed from
the account (AWS hashes them per account), the zone id, the layer and what shares the node.
The top node is the zone's; the lower ones are the instance's own, or, for an instance in a
cluster placement group, the group's: instances of one cluster group share them, as AWS
packs them close together.
"""
from __future__ import annotations

import hashlib
from typing import Any

from ..core import paging, regions
from ..core import filters as filtering
from ..core.errors import InvalidParameterCombination, InvalidParameterValue
from ..core.family import declare_actions
from ..core.filters import Filter, FilterTable
from ..core.world import Partition, World
from . import placement_groups
from .instances import state_name

KIND = "instance"
# instance type -> how many network nodes AWS returns for it
SUPPORTED: dict[str, int] = {
    **dict.fromkeys((
        "g6e.xlarge", "g6e.2xlarge", "g6e.4xlarge", "g6e.8xlarge", "g6e.12xlarge",
        "g6e.16xlarge", "g6e.24xlarge", "g6e.48xlarge", "g7e.2xlarge", "g7e.4xlarge",
        "g7e.8xlarge", "g7e.12xlarge", "g7e.24xlarge", "g7e.48xlarge",
        "hpc6a.48xlarge", "hpc6id.32xlarge", "hpc7g.4xlarge", "hpc7g.8xlarge",
        "hpc7g.16xlarge", "hpc7a.12xlarge", "hpc7a.24xlarge", "hpc7a.48xlarge",
        "hpc7a.96xlarge", "hpc8a.96xlarge",
        "p3dn.24xlarge", "p4d.24xlarge", "p4de.24xlarge", "p5.48xlarge", "p5e.48xlarge",
        "p5en.48xlarge", "p6e-gb200.36xlarge",
        "trn1.2xlarge", "trn1.32xlarge", "trn1n.32xlarge", "trn2.48xlarge",
        "trn2u.48xlarge"), 3),
    **dict.fromkeys(("p6-b200.48xlarge", "p6-b300.48xlarge"), 4),
}
DEFAULT_MAX_RESULTS = 20
MAX_NAMES = 100   # InstanceIds and GroupNames each


def _zone_name(node: dict[str, Any]) -> str:
    return node["Placement"]["AvailabilityZone"]


def _zone_id(world: World, node: dict[str, Any]) -> str | None:
    found = regions.zone(node["region"], zone_name=_zone_name(node))
    return found["ZoneId"] if found else None


FILTERS: FilterTable = {
    "availability-zone": Filter(lambda w, rid, n: _zone_name(n)),
    "instance-type": Filter(lambda w, rid, n: n["InstanceType"]),
    "zone-id": Filter(lambda w, rid, n: _zone_id(w, n)),
}


def _node_id(account: str, zone_id: str, layer: int, key: str) -> str:
    digest = hashlib.sha256(f"{account}|{zone_id}|{layer}|{key}".encode()).hexdigest()
    return "nn-" + digest[:17]


def network_nodes(world: World, instance_id: str) -> list[str]:
    """The instance's network nodes, the furthest first ([] for an unsupported type)."""
    node = world.graph.nodes[instance_id]
    layers = SUPPORTED.get(node["InstanceType"], 0)
    zone_id = _zone_id(world, node) or _zone_name(node)
    found = placement_groups.of_instance(world, instance_id)
    cluster = found and world.graph.nodes[found[0]]["Strategy"] == "cluster"
    key = found[0] if cluster else instance_id
    return [_node_id(node["account"], zone_id, layer, zone_id if layer == 1 else key)
            for layer in range(1, layers + 1)]


def view(world: World, instance_id: str) -> dict[str, Any]:
    """The instance as boto3's `InstanceTopology`."""
    node = world.graph.nodes[instance_id]
    out: dict[str, Any] = {"InstanceId": instance_id, "InstanceType": node["InstanceType"]}
    found = placement_groups.of_instance(world, instance_id)
    if found is not None:
        out["GroupName"] = world.graph.nodes[found[0]]["GroupName"]
    out["NetworkNodes"] = network_nodes(world, instance_id)
    out["AvailabilityZone"] = _zone_name(node)
    zone_id = _zone_id(world, node)
    if zone_id:
        out["ZoneId"] = zone_id
    return out


def _check_request(instance_ids: list[str], group_names: list[str],
                   max_results: int | None) -> None:
    """What the model cannot say (its MaxResults range 1-100 is checked before this)."""
    if instance_ids and max_results is not None:
        raise InvalidParameterCombination(
            "The parameter MaxResults cannot be used with the ids parameter.")
    for member, names in (("InstanceIds", instance_ids), ("GroupNames", group_names)):
        if len(names) > MAX_NAMES:
            raise InvalidParameterValue(
                f"The maximum number of {member} is {MAX_NAMES}; {len(names)} were given.")


def describe(world: World, part: Partition, instance_ids: list[str] | None = None,
             group_names: list[str] | None = None, filters: list[dict[str, Any]] | None = None,
             max_results: int | None = None, next_token: str | None = None
             ) -> dict[str, Any]:
    """The topology of the account's running instances of supported types, in launch order:
    those named (each must exist), in the named placement groups, passing the filters."""
    instance_ids, group_names = instance_ids or [], group_names or []
    _check_request(instance_ids, group_names, max_results)
    pool: list[str] | None = None
    if instance_ids:
        pool = [rid for rid in dict.fromkeys(instance_ids) if world.get(part, KIND, rid)]
    if group_names:
        groups = {placement_groups.by_name(world, part, name) for name in group_names}
        pool = [rid for rid in (pool if pool is not None else world.ids(part, KIND))
                if (placement_groups.of_instance(world, rid) or ("",))[0] in groups]
    chosen = filtering.select(world, part, KIND, FILTERS, filters, pool)
    chosen = [rid for rid in chosen if state_name(world, rid) == "running"
              and world.graph.nodes[rid]["InstanceType"] in SUPPORTED]
    size = None if instance_ids else (max_results or DEFAULT_MAX_RESULTS)
    page, token = paging.page(world, chosen, size, next_token)
    return {"Instances": [view(world, rid) for rid in page], "NextToken": token}


# bound from the function above (docs/families.md): a describe of instances with selectors
# of its own
declare_actions(KIND, {"DescribeInstanceTopology": describe})
