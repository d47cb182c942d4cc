"""Network interface permissions: an interface's owner lets one other AWS account (or an AWS
service) attach it to an instance (`INSTANCE-ATTACH`) or associate an Elastic IP with it
(`EIP-ASSOCIATE`); and ResetNetworkInterfaceAttribute.

A `network-interface-permission` node is ASSOCIATED with its interface and goes with it
(`lives_on`). AWS grants to one account at a time: a second live permission of the same kind
on an interface is refused. Deleting a permission whose account has the interface attached to
one of its instances needs `Force`.
"""
from __future__ import annotations

import re
from typing import Any

from ..core import schema
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue,
                           MissingParameter, TopologyError)
from ..core.family import Family, declare, declare_actions
from ..core.filters import Filter, field, ident
from ..core.world import Partition, World
from . import network_interfaces as enis

KIND = "network-interface-permission"
ACCOUNT = re.compile(r"\d{12}")


def create(world: World, part: Partition, network_interface_id: str, permission: str,
           aws_account_id: str | None = None, aws_service: str | None = None) -> str:
    world.get(part, enis.KIND, network_interface_id)
    if aws_account_id and aws_service:
        raise InvalidParameterCombination("Only one of AwsAccountId or AwsService may be "
                                          "specified.")
    if not aws_account_id and not aws_service:
        raise MissingParameter("Either AwsAccountId or AwsService must be specified.")
    if aws_account_id and not ACCOUNT.fullmatch(aws_account_id):
        raise InvalidParameterValue(f"Value ({aws_account_id}) for parameter awsAccountId is "
                                    "invalid. It must be a 12-digit account ID.")
    for other in permissions_of(world, network_interface_id):
        if world.graph.nodes[other]["Permission"] == permission:
            raise TopologyError(f"The network interface {network_interface_id} already has a "
                                f"{permission} permission ({other}).",
                                "InvalidPermission.Duplicate")
    rid = world.new_id("eni-perm")
    fields: dict[str, Any] = {"Permission": permission}
    if aws_account_id:
        fields["AwsAccountId"] = aws_account_id
    else:
        fields["AwsService"] = aws_service
    world.add(part, KIND, rid, **fields)
    world.link(rid, network_interface_id, schema.ASSOCIATED)
    return rid


def permissions_of(world: World, eni_id: str) -> list[str]:
    return [p for p, _, _ in world.into(eni_id, schema.ASSOCIATED, KIND)]


def interface_of(world: World, rid: str) -> str | None:
    found = world.out(rid, schema.ASSOCIATED, enis.KIND)
    return found[0][0] if found else None


def delete(world: World, part: Partition, network_interface_permission_id: str,
           force: bool | None = None) -> None:
    node = world.get(part, KIND, network_interface_permission_id)
    eni = interface_of(world, network_interface_permission_id)
    instance = enis.attachment(world, eni) if eni else None
    if instance and not force and node.get("AwsAccountId") and \
            world.graph.nodes[instance[0]]["account"] == node["AwsAccountId"]:
        raise TopologyError("The network interface is attached to an instance of the account "
                            "the permission was granted to. Specify Force to remove it.",
                            "InvalidPermission.InUse")
    world.remove(network_interface_permission_id)


def view(world: World, rid: str) -> dict[str, Any]:
    node = world.graph.nodes[rid]
    out: dict[str, Any] = {"NetworkInterfacePermissionId": rid,
                           "NetworkInterfaceId": interface_of(world, rid)}
    for key in ("AwsAccountId", "AwsService"):
        if key in node:
            out[key] = node[key]
    out["Permission"] = node["Permission"]
    out["PermissionState"] = {"State": "granted"}
    return out


def reset_attribute(world: World, part: Partition, network_interface_id: str,
                    source_dest_check: str | None = None) -> None:
    """ResetNetworkInterfaceAttribute: source/destination checking back to true (the one
    attribute AWS resets)."""
    world.get(part, enis.KIND, network_interface_id)
    if source_dest_check is None:
        raise MissingParameter("The request must contain the parameter sourceDestCheck")
    enis.set_source_dest_check(world, part, network_interface_id, True)


PREFIX = "network-interface-permission."
FILTERS: dict[str, Filter] = {
    PREFIX + "network-interface-permission-id": ident(),
    PREFIX + "network-interface-id": Filter(lambda w, rid, n: interface_of(w, rid)),
    PREFIX + "aws-account-id": field("AwsAccountId"),
    PREFIX + "aws-service": field("AwsService"),
    PREFIX + "permission": field("Permission"),
}

# delete is an action: the bound Delete passes the id alone, and this one takes Force too
FAMILY = declare(Family(KIND, view=view, filters=FILTERS, create=create, max_results=(5, 255),
                        actions={"DeleteNetworkInterfacePermission": delete}))
declare_actions(enis.KIND, {"ResetNetworkInterfaceAttribute": reset_attribute})
