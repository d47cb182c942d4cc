"""VPC Block Public Access: the account's mode in a region and the exclusions from it.

The mode (`off`, `block-bidirectional`, `block-ingress`) is a partition attribute
(`OPTIONS`, journaled through `World.set_attribute`); a fresh account is `off` in
`default-state`. Each exclusion is a `vpc-block-public-access-exclusion` node ASSOCIATED with
the one VPC or subnet it exempts, in mode `allow-bidirectional` or `allow-egress`.

AWS applies changes asynchronously: ModifyVpcBlockPublicAccessOptions answers
`update-in-progress` and describes `update-complete` afterwards; an exclusion answers
`create-in-progress` / `update-in-progress` / `delete-in-progress` and settles at
`create-complete` / `update-complete` / `delete-complete` (a deleted exclusion stays visible,
with its deletion time, and exempts nothing). Here changes settle at once, so only the
answers of the changing calls show the transient states.

`effective(world, subnet)` is what reachability asks: which mode governs the subnet's
internet gateway traffic, after exclusions.
"""
from __future__ import annotations

from typing import Any

from ..core import clock, schema
from ..core import tags as tagging
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, LimitExceeded,
                           MissingParameter, TopologyError)
from ..core.family import Action, Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World

KIND = "vpc-block-public-access-exclusion"
OPTIONS = "vpc-block-public-access"         # Partition.attributes key
MODES = ("off", "block-bidirectional", "block-ingress")
EXCLUSION_MODES = ("allow-bidirectional", "allow-egress")
LIVE = ("create-complete", "update-complete")
DELETED = "delete-complete"
MAX_EXCLUSIONS = 50     # per account and Region (Amazon VPC quotas); deleted ones do not count


# -- the account's options ----------------------------------------------------------------------
def mode(part: Partition) -> str:
    return (part.attributes.get(OPTIONS) or {}).get("InternetGatewayBlockMode", "off")


def options_view(part: Partition) -> dict[str, Any]:
    """boto3's `VpcBlockPublicAccessOptions` as described (changes have settled)."""
    kept = part.attributes.get(OPTIONS)
    out: dict[str, Any] = {"AwsAccountId": part.account, "AwsRegion": part.region,
                           "State": "update-complete" if kept else "default-state",
                           "InternetGatewayBlockMode": mode(part)}
    if kept:
        out["LastUpdateTimestamp"] = kept["LastUpdateTimestamp"]
    out.update(ManagedBy="account", ExclusionsAllowed="allowed")
    return out


def describe_options(part: Partition) -> dict[str, Any]:
    return options_view(part)


def modify_options(world: World, part: Partition,
                   internet_gateway_block_mode: str) -> dict[str, Any]:
    """Set the account's mode; the answer is `update-in-progress`."""
    world.set_attribute(part, OPTIONS, {"InternetGatewayBlockMode": internet_gateway_block_mode,
                                        "LastUpdateTimestamp": clock.now()})
    return {**options_view(part), "State": "update-in-progress"}


# -- exclusions ----------------------------------------------------------------------------------
def _resource(world: World, part: Partition, subnet_id: str | None, vpc_id: str | None
              ) -> tuple[str, str]:
    """(id, ARN) of the one VPC or subnet an exclusion names."""
    if subnet_id and vpc_id:
        raise InvalidParameterCombination("Only one of SubnetId or VpcId may be specified.")
    if not subnet_id and not vpc_id:
        raise MissingParameter("Either SubnetId or VpcId must be specified.")
    kind, rid = ("subnet", subnet_id) if subnet_id else ("vpc", vpc_id)
    assert rid is not None
    world.get(part, kind, rid)
    return rid, f"arn:aws:ec2:{part.region}:{part.account}:{kind}/{rid}"


def excluded_by(world: World, rid: str) -> str | None:
    """The live exclusion of a VPC or subnet, if it has one."""
    for exclusion, _, _ in world.into(rid, schema.ASSOCIATED, KIND):
        if world.graph.nodes[exclusion]["State"] != DELETED:
            return exclusion
    return None


def create(world: World, part: Partition, internet_gateway_exclusion_mode: str,
           subnet_id: str | None = None, vpc_id: str | None = None, *,
           tags: dict[str, str] | None = None) -> str:
    rid, arn = _resource(world, part, subnet_id, vpc_id)
    if excluded_by(world, rid) is not None:
        raise TopologyError(f"An exclusion already exists for resource {arn}.",
                            "InvalidParameterValue")
    live = [e for e in part.ids(KIND) if state(world, e) != DELETED]
    if len(live) >= MAX_EXCLUSIONS:
        raise LimitExceeded(f"You have reached the maximum number of VPC Block Public Access "
                            f"exclusions ({MAX_EXCLUSIONS}) for this account in this Region.",
                            "ResourceLimitExceeded")
    exclusion = world.new_id("vpcbpa-exclude")
    now = clock.now()
    world.add(part, KIND, exclusion, InternetGatewayExclusionMode=internet_gateway_exclusion_mode,
              ResourceArn=arn, State="create-complete", CreationTimestamp=now,
              LastUpdateTimestamp=now)
    world.link(exclusion, rid, schema.ASSOCIATED)
    tagging.apply(world, exclusion, tags or {})
    return exclusion


def state(world: World, exclusion_id: str) -> str:
    """The exclusion's state: an exclusion whose VPC or subnet is gone went with it."""
    node = world.graph.nodes[exclusion_id]
    if node["State"] != DELETED and not world.out(exclusion_id, schema.ASSOCIATED):
        return DELETED
    return str(node["State"])


def _live(world: World, part: Partition, exclusion_id: str, verb: str) -> dict[str, Any]:
    node = world.get(part, KIND, exclusion_id)
    if state(world, exclusion_id) == DELETED:
        # AWS's words for a second delete (Terraform's exclusion resource matches them)
        raise InvalidParameterValue(f"Exclusion {exclusion_id} is in {DELETED} state and "
                                    f"cannot be {verb}.")
    return node


def modify(world: World, part: Partition, exclusion_id: str,
           internet_gateway_exclusion_mode: str) -> None:
    _live(world, part, exclusion_id, "modified")
    world.update(exclusion_id, InternetGatewayExclusionMode=internet_gateway_exclusion_mode,
                 State="update-complete", LastUpdateTimestamp=clock.now())


def delete(world: World, part: Partition, exclusion_id: str) -> dict[str, Any]:
    """Delete: the exclusion stays on show as `delete-complete`, exempting nothing."""
    _live(world, part, exclusion_id, "deleted")
    now = clock.now()
    world.update(exclusion_id, State=DELETED, LastUpdateTimestamp=now, DeletionTimestamp=now)
    return {**view(world, exclusion_id), "State": "delete-in-progress"}


def view(world: World, exclusion_id: str) -> dict[str, Any]:
    node = world.graph.nodes[exclusion_id]
    out = {"ExclusionId": exclusion_id,
           **{k: node[k] for k in ("InternetGatewayExclusionMode", "ResourceArn", "State",
                                   "CreationTimestamp", "LastUpdateTimestamp",
                                   "DeletionTimestamp") if k in node},
           "State": state(world, exclusion_id)}
    out["Tags"] = tagging.listed(node["tags"])
    return out


def created_view(world: World, exclusion_id: str) -> dict[str, Any]:
    return {**view(world, exclusion_id), "State": "create-in-progress"}


# -- what governs a subnet ----------------------------------------------------------------------
def effective(world: World, subnet: str) -> tuple[str, str | None]:
    """(mode, exclusion) governing the subnet's internet gateway traffic: the account's
    mode, and the exclusion of the subnet (else of its VPC) that relaxes it, if any."""
    node = world.graph.nodes[subnet]
    current = mode(world.partition(node["account"], node["region"]))
    if current == "off":
        return current, None
    exclusion = excluded_by(world, subnet)
    if exclusion is None:
        vpcs = world.into(subnet, schema.CONTAINS, "vpc")
        exclusion = excluded_by(world, vpcs[0][0]) if vpcs else None
    return current, exclusion


def states(world: World, rid: str) -> dict[str, str]:
    """`BlockPublicAccessStates` of a VPC or subnet: the mode that applies to it after its
    exclusion (a subnet's, else its VPC's): `allow-bidirectional` lifts it, `allow-egress`
    leaves only inbound blocked."""
    node = world.graph.nodes[rid]
    current = mode(world.partition(node["account"], node["region"]))
    if current == "off":        # nothing to lift (the usual case: no exclusion to look up)
        return {"InternetGatewayBlockMode": current}
    exclusion = excluded_by(world, rid)
    if exclusion is None and node["kind"] == "subnet":
        vpcs = world.into(rid, schema.CONTAINS, "vpc")
        exclusion = excluded_by(world, vpcs[0][0]) if vpcs else None
    allowed = world.graph.nodes[exclusion]["InternetGatewayExclusionMode"] if exclusion else ""
    if current != "off" and allowed == "allow-bidirectional":
        current = "off"
    elif current == "block-bidirectional" and allowed == "allow-egress":
        current = "block-ingress"
    return {"InternetGatewayBlockMode": current}


def blocks(world: World, subnet: str, *, inbound: bool, via_nat: bool = False
           ) -> str | None:
    """The exclusion id ("" for none) under which BPA blocks a new connection through the
    internet gateway for `subnet`, or None when the traffic may pass.

    Bidirectional blocks both ways; `allow-egress` lets outbound connections through.
    Ingress-only blocks inbound connections and outbound ones not made by a NAT gateway;
    there `allow-egress` changes nothing. `allow-bidirectional` lets everything through."""
    current, exclusion = effective(world, subnet)
    if current == "off":
        return None
    allowed = (world.graph.nodes[exclusion]["InternetGatewayExclusionMode"]
               if exclusion else None)
    if allowed == "allow-bidirectional":
        return None
    if current == "block-bidirectional":
        blocked = inbound or allowed != "allow-egress"
    else:
        blocked = inbound or not via_nat
    return (exclusion or "") if blocked else None


FILTERS: dict[str, Filter] = {
    "exclusion-id": ident(),
    "resource-arn": field("ResourceArn"),
    "internet-gateway-exclusion-mode": field("InternetGatewayExclusionMode"),
    "state": Filter(lambda w, rid, n: state(w, rid)),
}

FAMILY = declare(Family(
    KIND, view=view, filters=FILTERS, create=create, created_view=created_view, delete=delete,
    max_results=(5, 1000),
    actions={"ModifyVpcBlockPublicAccessExclusion": Action(modify, state="update-in-progress"),
             "DescribeVpcBlockPublicAccessOptions": describe_options,
             "ModifyVpcBlockPublicAccessOptions": modify_options}))
