"""ClassicLink for instances (AttachClassicLinkVpc, DetachClassicLinkVpc,
DescribeClassicLinkInstances), answered as AWS answers an account without EC2-Classic today.

EC2-Classic is retired: only the regions that had it still know these calls (elsewhere
`UnsupportedOperation`, as for the VPC's ClassicLink settings in `network.vpcs`), and every
instance is a VPC instance, which cannot be linked. So the ids and groups named are checked
as AWS checks them, an attach or detach is then refused with `InvalidInstanceID.NotLinkable`,
and DescribeClassicLinkInstances lists nothing.
"""
from __future__ import annotations

from typing import Any

from ..core import paging
from ..core.errors import TopologyError
from ..core.family import declare_actions
from ..core.filters import Filter, FilterTable, select_rows
from ..core.world import Partition, World
from ..network import security_groups, vpcs

KIND = "instance"
FILTERS: FilterTable = {name: Filter(lambda w, rid, row: None)
                        for name in ("group-id", "instance-id", "vpc-id")}


def _not_linkable(instance_id: str) -> TopologyError:
    return TopologyError(f"Instance '{instance_id}' is not linkable: only EC2-Classic "
                         "instances can be linked to a VPC.", "InvalidInstanceID.NotLinkable")


def attach(world: World, part: Partition, instance_id: str, vpc_id: str, groups: list[str]) -> None:
    vpcs.classic_link_vpc(world, part, vpc_id)
    world.get(part, KIND, instance_id)
    for sg in groups:
        security_groups.get(world, part, sg)
    raise _not_linkable(instance_id)


def detach(world: World, part: Partition, instance_id: str, vpc_id: str) -> None:
    vpcs.classic_link_vpc(world, part, vpc_id)
    world.get(part, KIND, instance_id)
    raise _not_linkable(instance_id)


def describe(world: World, part: Partition, instance_ids: list[str] | None = None,
             filters: list[dict[str, Any]] | None = None, max_results: int | None = None,
             next_token: str | None = None) -> dict[str, Any]:
    """No instance is linked: the named ids must exist, the filters be known."""
    vpcs.require_classic_region(part)
    for instance_id in instance_ids or []:
        world.get(part, KIND, instance_id)
    found, token = paging.rows(select_rows(FILTERS, filters, []), "classic-link-instances",
                               max_results, next_token)
    return {"Instances": found, "NextToken": token}


declare_actions(KIND, {"AttachClassicLinkVpc": attach, "DetachClassicLinkVpc": detach})
