"""Internet gateways: an ATTACHED edge igw -> vpc is the attachment (one VPC at most)."""
from __future__ import annotations

from typing import Any

from . import schema
from .errors import DependencyViolation, TopologyError
from .world import Partition, World


def create(world: World, part: Partition, *, tags: dict[str, str] | None = None) -> str:
    igw_id = world.new_id("igw")
    world.add(part, "internet-gateway", igw_id)
    for key, value in (tags or {}).items():
        world.tag(igw_id, key, value)
    return igw_id


def attached_vpc(world: World, igw_id: str) -> str | None:
    found = world.out(igw_id, schema.ATTACHED, "vpc")
    return found[0][0] if found else None


def attach(world: World, part: Partition, igw_id: str, vpc_id: str) -> None:
    """Attach to `vpc_id`; AWS refuses a second attachment of either side."""
    world.get(part, "internet-gateway", igw_id)
    world.get(part, "vpc", vpc_id)
    current = attached_vpc(world, igw_id)
    if current is not None:
        raise TopologyError(f"resource {igw_id} is already attached to network {current}",
                            "Resource.AlreadyAssociated")
    if world.into(vpc_id, schema.ATTACHED, "internet-gateway"):
        raise TopologyError(f"Network {vpc_id} already has an internet gateway attached",
                            "InvalidParameterValue")
    world.link(igw_id, vpc_id, schema.ATTACHED, State="available")


def detach(world: World, part: Partition, igw_id: str, vpc_id: str) -> None:
    world.get(part, "internet-gateway", igw_id)
    world.get(part, "vpc", vpc_id)
    if attached_vpc(world, igw_id) != vpc_id:
        raise TopologyError(f"resource {igw_id} is not attached to network {vpc_id}",
                            "Gateway.NotAttached")
    world.unlink(igw_id, vpc_id, schema.ATTACHED)


def delete(world: World, part: Partition, igw_id: str) -> None:
    world.get(part, "internet-gateway", igw_id)
    if attached_vpc(world, igw_id) is not None:
        raise DependencyViolation(f"The internetGateway '{igw_id}' has dependencies and "
                                  "cannot be deleted.")
    world.remove(igw_id)


def view(world: World, igw_id: str) -> dict[str, Any]:
    node = world.graph.nodes[igw_id]
    out: dict[str, Any] = {
        "InternetGatewayId": igw_id,
        "OwnerId": node["account"],
        "Attachments": [{"State": data["State"], "VpcId": vpc}
                        for vpc, _, data in world.out(igw_id, schema.ATTACHED, "vpc")],
    }
    if node["tags"]:
        out["Tags"] = [{"Key": k, "Value": v} for k, v in node["tags"].items()]
    return out
