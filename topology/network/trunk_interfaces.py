"""Trunk interface associations: a branch interface carried over a trunk interface, told
apart by a VLAN ID or a GRE key (the interfaces ECS's awsvpc trunking uses).

A `trunk-interface-association` node (`InterfaceProtocol`, `VlanId` or `GreKey`) is
ASSOCIATED with its branch (and goes with it, `lives_on`) and ASSOCIATED, discriminated
`trunk`, with its trunk. AWS's rules kept here: the trunk is an interface of type `trunk`, the
branch is not one, both in one VPC; exactly one of VlanId (1-4094) and GreKey; a branch joins
one trunk, and a VLAN ID or GRE key is used once per trunk.
"""
from __future__ import annotations

from typing import Any

from ..core import schema
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, TopologyError)
from ..core.family import Family, declare
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import network_interfaces as enis

KIND = "trunk-interface-association"
TRUNK = "trunk"          # edge discriminator of association -> trunk


def _ends(world: World, rid: str) -> tuple[str | None, str | None]:
    """(branch, trunk) of an association."""
    branch = trunk = None
    for eni, disc, _ in world.out(rid, schema.ASSOCIATED, enis.KIND):
        if disc == TRUNK:
            trunk = eni
        else:
            branch = eni
    return branch, trunk


def associate(world: World, part: Partition, branch_interface_id: str,
              trunk_interface_id: str, vlan_id: int | None = None,
              gre_key: int | None = None) -> str:
    branch = world.get(part, enis.KIND, branch_interface_id)
    trunk = world.get(part, enis.KIND, trunk_interface_id)
    if trunk.get("InterfaceType") != "trunk":
        raise InvalidParameterValue(f"The network interface {trunk_interface_id} is not a "
                                    "trunk interface.")
    if branch.get("InterfaceType") == "trunk" or branch_interface_id == trunk_interface_id:
        raise InvalidParameterValue(f"The network interface {branch_interface_id} cannot be a "
                                    "branch interface.")
    if enis.vpc_of(world, branch_interface_id) != enis.vpc_of(world, trunk_interface_id):
        raise InvalidParameterValue("The branch and trunk interfaces must be in the same VPC.")
    if (vlan_id is None) == (gre_key is None):
        if vlan_id is None:
            raise MissingParameter("The request must contain exactly one of VlanId or GreKey.")
        raise InvalidParameterCombination("Only one of VlanId or GreKey may be specified.")
    if vlan_id is not None and not 1 <= vlan_id <= 4094:
        raise InvalidParameterValue(f"Value ({vlan_id}) for parameter vlanId is invalid. It "
                                    "must be between 1 and 4094.")
    if gre_key is not None and gre_key < 0:
        raise InvalidParameterValue(f"Value ({gre_key}) for parameter greKey is invalid.")
    if world.into(branch_interface_id, schema.ASSOCIATED, KIND):
        raise TopologyError(f"The branch interface {branch_interface_id} is already "
                            "associated with a trunk interface.", "InvalidParameterValue")
    key = ("VlanId", vlan_id) if vlan_id is not None else ("GreKey", gre_key)
    for other, _, _ in world.into(trunk_interface_id, schema.ASSOCIATED, KIND):
        if world.graph.nodes[other].get(key[0]) == key[1]:
            raise TopologyError(f"The {key[0]} {key[1]} is already used on trunk interface "
                                f"{trunk_interface_id}.", "InvalidParameterValue")
    rid = world.new_id("trunk-assoc")
    world.add(part, KIND, rid, InterfaceProtocol="VLAN" if vlan_id is not None else "GRE",
              **{key[0]: key[1]})
    world.link(rid, branch_interface_id, schema.ASSOCIATED)
    world.link(rid, trunk_interface_id, schema.ASSOCIATED, TRUNK)
    return rid


def disassociate(world: World, part: Partition, association_id: str) -> None:
    world.get(part, KIND, association_id)
    world.remove(association_id)


def view(world: World, rid: str) -> dict[str, Any]:
    node = world.graph.nodes[rid]
    branch, trunk = _ends(world, rid)
    out: dict[str, Any] = {"AssociationId": rid, "BranchInterfaceId": branch,
                           "TrunkInterfaceId": trunk,
                           "InterfaceProtocol": node["InterfaceProtocol"]}
    for key in ("VlanId", "GreKey"):
        if key in node:
            out[key] = node[key]
    return out


FILTERS: dict[str, Filter] = {
    "association-id": ident(),
    "gre-key": field("GreKey"),
    "interface-protocol": field("InterfaceProtocol"),
    "vlan-id": field("VlanId"),
    "branch-interface-id": Filter(lambda w, rid, n: _ends(w, rid)[0]),
    "trunk-interface-id": Filter(lambda w, rid, n: _ends(w, rid)[1]),
}

FAMILY = declare(Family(KIND, view=view, filters=FILTERS, noun="TrunkInterfaceAssociation",
                        max_results=(5, 255),
                        actions={"AssociateTrunkInterface": associate,
                                 "DisassociateTrunkInterface": disassociate}))
