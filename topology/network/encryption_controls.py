"""VPC encryption controls: a VPC's encryption-in-transit mode (`monitor`, `enforce`) and
its resource exclusions, the account-level control, and the resources that keep a VPC from
being enforced (computed from the graph, never stored).

A `vpc-encryption-control` node is ASSOCIATED with its VPC (one live control a VPC) and holds
`Mode`, `State` and `exclusions` (exclusion name -> `enabled`/`disabled`). AWS applies changes
asynchronously; here they settle at once, so only the answers of the changing calls show the
transient states (`creating`, `monitor-in-progress`/`enforce-in-progress`, `deleting`,
`enabling`/`disabling`). Enforcement needs no blocking resource: a switch to `enforce` while
some remain settles as `enforce-failed` (mode still `monitor`), as AWS reports it. A deleted
control is gone (it goes with its VPC too).
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..catalogue import instance_types
from ..core import clock, paging, schema
from ..core import tags as tagging
from ..core.errors import IncorrectState, InvalidParameterValue, TopologyError
from ..core.family import Family, declare, declare_actions, removed
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World

KIND = "vpc-encryption-control"
ACCOUNT = "vpc-encryption-control-account"      # Partition.attributes key
# boto3's exclusion members, in the model's order, and the kinds each exempts
EXCLUSIONS: dict[str, tuple[str, ...]] = {
    "InternetGateway": ("internet-gateway",), "EgressOnlyInternetGateway":
    ("egress-only-internet-gateway",), "NatGateway": ("nat-gateway",),
    "VirtualPrivateGateway": ("vpn-gateway",), "VpcPeering": ("vpc-peering-connection",),
    "Lambda": (), "VpcLattice": (), "ElasticFileSystem": (), "GlobalAccelerator": (),
    "ApiGatewayV2": ()}
SETTLED = {"enable": "enabled", "disable": "disabled"}
MOVING = {"enable": "enabling", "disable": "disabling"}


# -- the VPC's control --------------------------------------------------------------------------
def control_of(world: World, vpc_id: str) -> str | None:
    for ec, _, _ in world.into(vpc_id, schema.ASSOCIATED, KIND):
        if world.graph.nodes[ec]["State"] != "deleted":
            return ec
    return None


def create(world: World, part: Partition, vpc_id: str, *,
           tags: dict[str, str] | None = None) -> str:
    world.get(part, "vpc", vpc_id)
    if control_of(world, vpc_id) is not None:
        raise TopologyError(f"The VPC {vpc_id} already has an encryption control "
                            f"({control_of(world, vpc_id)}).", "IncorrectState")
    ec = world.new_id("vpcec")
    world.add(part, KIND, ec, Mode="monitor", State="available",
              exclusions={name: "disabled" for name in EXCLUSIONS})
    world.link(ec, vpc_id, schema.ASSOCIATED)
    tagging.apply(world, ec, tags or {})
    return ec


def state(world: World, ec: str) -> str:
    """The control's state: one whose VPC is gone went with it."""
    node = world.graph.nodes[ec]
    if not world.out(ec, schema.ASSOCIATED, "vpc") and node["State"] != "deleted":
        return "deleted"
    return str(node["State"])


def _live(world: World, part: Partition, ec: str) -> dict[str, Any]:
    node = world.get(part, KIND, ec)
    if state(world, ec) == "deleted":
        raise IncorrectState(f"The VPC encryption control {ec} is deleted.", "IncorrectState")
    return node


def modify(world: World, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    """ModifyVpcEncryptionControl; the answer shows the change under way."""
    ec = params["VpcEncryptionControlId"]
    node = _live(world, part, ec)
    changes = {name: params[f"{name}Exclusion"] for name in EXCLUSIONS
               if params.get(f"{name}Exclusion")}
    mode = params.get("Mode")
    if mode is None and not changes:
        raise InvalidParameterValue("At least one of Mode or an exclusion must be specified.")
    exclusions = {**node["exclusions"], **{k: SETTLED[v] for k, v in changes.items()}}
    fields: dict[str, Any] = {"exclusions": exclusions, "StateMessage": None}
    answer_state = "available"
    if mode is not None:
        answer_state = f"{mode}-in-progress"
        fields.update(Mode=mode, State="available")
    world.update(ec, **fields)
    if mode == "enforce" and blocking(world, _vpc(world, ec)):
        world.update(ec, Mode="monitor", State="enforce-failed",
                     StateMessage="Resources in the VPC are blocking encryption enforcement.")
    answer = view(world, ec)
    answer["State"] = answer_state
    if mode is not None:
        answer["Mode"] = mode
    for name, change in changes.items():
        answer["ResourceExclusions"][name] = {"State": MOVING[change]}
    return answer


def delete(world: World, part: Partition, ec: str) -> dict[str, Any]:
    """Delete: the answer shows `deleting`; then the control is gone (described by id, it
    is NotFound: Terraform's delete waiter goes from `deleting` to not found)."""
    _live(world, part, ec)
    return removed(world, ec, view, "deleting")


def _vpc(world: World, ec: str) -> str | None:
    found = world.out(ec, schema.ASSOCIATED, "vpc")
    return found[0][0] if found else world.graph.nodes[ec].get("vpc")


def view(world: World, ec: str) -> dict[str, Any]:
    node = world.graph.nodes[ec]
    out: dict[str, Any] = {"VpcId": _vpc(world, ec), "VpcEncryptionControlId": ec,
                           "Mode": node["Mode"], "State": state(world, ec)}
    if node.get("StateMessage"):
        out["StateMessage"] = node["StateMessage"]
    out["ResourceExclusions"] = {name: {"State": state}
                                 for name, state in node["exclusions"].items()}
    out["Tags"] = tagging.listed(node["tags"])
    return out


def created_view(world: World, ec: str) -> dict[str, Any]:
    return {**view(world, ec), "State": "creating"}


# -- what blocks enforcement ---------------------------------------------------------------------
def _excluded(world: World, vpc_id: str) -> set[str]:
    ec = control_of(world, vpc_id)
    if ec is None:
        return set()
    states = world.graph.nodes[ec]["exclusions"]
    return {kind for name, kinds in EXCLUSIONS.items() if states[name] == "enabled"
            for kind in kinds}


def _gateways(world: World, vpc_id: str) -> Iterator[tuple[str, str]]:
    for kind in ("internet-gateway", "egress-only-internet-gateway", "vpn-gateway"):
        for gw, _, _ in world.into(vpc_id, schema.ATTACHED, kind):
            yield gw, kind
    for pcx, _, _ in world.into(vpc_id, schema.ASSOCIATED, "vpc-peering-connection"):
        yield pcx, "vpc-peering-connection"
    for subnet, _, _ in world.out(vpc_id, schema.CONTAINS, "subnet"):
        for nat, _, _ in world.out(subnet, schema.CONTAINS, "nat-gateway"):
            yield nat, "nat-gateway"


def _instances(world: World, vpc_id: str) -> Iterator[tuple[str, str]]:
    """Instances whose type cannot encrypt in transit (pre-Nitro types), once each."""
    seen: set[str] = set()
    for subnet, _, _ in world.out(vpc_id, schema.CONTAINS, "subnet"):
        for eni, _, _ in world.out(subnet, schema.CONTAINS, "network-interface"):
            for inst, _, _ in world.out(eni, schema.ATTACHED, "instance"):
                node = world.graph.nodes[inst]
                info = instance_types.get(node.get("InstanceType", "")) or {}
                supported = (info.get("NetworkInfo") or {}).get("EncryptionInTransitSupported")
                if inst not in seen and not supported and \
                        (node.get("State") or {}).get("Name") != "terminated":
                    seen.add(inst)
                    yield inst, node.get("InstanceType", "")


def blocking(world: World, vpc_id: str | None) -> list[dict[str, Any]]:
    """The VPC's resources that keep it from enforcement, as boto3's
    `VpcEncryptionNonCompliantResource`s (an excluded kind no longer blocks)."""
    if vpc_id is None:
        return []
    excluded = _excluded(world, vpc_id)
    found = [{"Id": rid, "Type": kind, "Description": f"{kind} {rid} is not encryption "
              "compliant", "IsExcludable": True}
             for rid, kind in _gateways(world, vpc_id) if kind not in excluded]
    found += [{"Id": rid, "Type": "instance", "Description": f"Instance type {itype} does "
               "not support encryption in transit", "IsExcludable": False}
              for rid, itype in _instances(world, vpc_id)]
    return found


def resources_blocking(world: World, part: Partition, vpc_id: str,
                       max_results: int | None = None, next_token: str | None = None
                       ) -> dict[str, Any]:
    world.get(part, "vpc", vpc_id)
    found, token = paging.rows(blocking(world, vpc_id), "encryption-blocking", max_results,
                             next_token)
    return {"NonCompliantResources": found, "NextToken": token}


# -- the account's control -----------------------------------------------------------------------
def account_view(part: Partition) -> dict[str, Any]:
    kept = part.attributes.get(ACCOUNT) or {}
    out: dict[str, Any] = {
        "State": "transitions-successful" if kept else "default-state",
        "Mode": kept.get("Mode", "unmanaged"),
        "Exclusions": {name: kept.get("exclusions", {}).get(name, "disabled")
                       for name in EXCLUSIONS},
        "ManagedBy": "account"}
    if kept:
        out["LastUpdateTimestamp"] = kept["LastUpdateTimestamp"]
    return out


def describe_account(part: Partition) -> dict[str, Any]:
    return account_view(part)


def modify_account(world: World, part: Partition, params: dict[str, Any]) -> dict[str, Any]:
    kept = part.attributes.get(ACCOUNT) or {}
    changes = {name: params[name] for name in EXCLUSIONS if params.get(name)}
    world.set_attribute(part, ACCOUNT, {
        "Mode": params.get("Mode") or kept.get("Mode", "unmanaged"),
        "exclusions": {**kept.get("exclusions", {}),
                       **{k: SETTLED[v] for k, v in changes.items()}},
        "LastUpdateTimestamp": clock.now()})
    answer = account_view(part)
    answer["State"] = "transitions-in-progress"
    answer["Exclusions"].update({k: MOVING[v] for k, v in changes.items()})
    return answer


FILTERS: dict[str, Filter] = {
    "vpc-encryption-control-id": ident(),
    "vpc-id": Filter(lambda w, rid, n: _vpc(w, rid)),
    "mode": field("Mode"),
    "state": Filter(lambda w, rid, n: state(w, rid)),
}

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create,
                        created_view=created_view, delete=delete))
declare_actions(KIND, {"ModifyVpcEncryptionControl": modify,
                       "DescribeAccountVpcEncryptionControl": describe_account,
                       "ModifyAccountVpcEncryptionControl": modify_account})
