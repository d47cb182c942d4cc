"""IAM instance profile associations: which IAM role an instance's software runs as.

An `iam-instance-profile-association` node (`iip-assoc-...`) holds the profile
(`IamInstanceProfile`: `Arn`, `Id`), its `State` and `Timestamp`, and is ASSOCIATED with its
instance. ec2sim has no IAM: a profile named by name or ARN is taken as given, its ARN built
in the caller's account and its `AIPA...` id derived from the ARN (stable across calls) -
unless an IAM beside it answers (`world.outside`, `topology.outside`): then a profile IAM
does not have is refused, as AWS refuses it, and the id is IAM's.

AWS's rules: an instance has at most one association (`IncorrectState`, "There is an
existing association for instance i-..."); only a running or stopped instance can get one;
only the association of a running instance can be replaced; a new or replacing association
answers `associating`, a removed one `disassociating`; terminating an instance ends its
association.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any

from ..core import schema
from ..core.clock import now
from ..core.errors import IncorrectState, InvalidParameterValue, MissingParameter
from ..core.family import Action, declare_actions, removed
from ..core.filters import Filter
from ..core.world import Partition, World
from .instances import profile_association, state_name

KIND = "iam-instance-profile-association"
ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):instance-profile/((?:[\w+=,.@-]+/)*)([\w+=,.@-]{1,128})$")
NAME = re.compile(r"^[\w+=,.@-]{1,128}$")
ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def profile(part: Partition, spec: dict[str, Any] | None,
            world: World | None = None) -> dict[str, str]:
    """boto3's `IamInstanceProfile` for a request's `IamInstanceProfileSpecification` (as
    the IAM beside `world` knows it, if one answers)."""
    given = _given(part, spec)
    if world is None:
        return given
    by_arn = bool((spec or {}).get("Arn"))
    match = ARN.match(given["Arn"])
    assert match is not None    # `_given` checked or built it
    known = world.outside.instance_profile(match.group(1), part.region, match.group(3),
                                           given["Arn"] if by_arn else None)
    if known is None:
        return given
    if not known:
        which, label = ("arn", "ARN") if by_arn else ("name", "name")
        raise InvalidParameterValue(
            f"Value ({(spec or {})['Arn' if by_arn else 'Name']}) for parameter "
            f"iamInstanceProfile.{which} is invalid. Invalid IAM Instance Profile {label}")
    return {"Arn": known["Arn"], "Id": known["Id"]}


def _given(part: Partition, spec: dict[str, Any] | None) -> dict[str, str]:
    """The profile a specification names, taken as given."""
    spec = spec or {}
    arn, name = spec.get("Arn"), spec.get("Name")
    if arn:
        if not ARN.match(arn):
            raise InvalidParameterValue(
                f"Value ({arn}) for parameter iamInstanceProfile.arn is invalid. Invalid ARN")
    elif name:
        if not NAME.match(name):
            raise InvalidParameterValue(
                f"Value ({name}) for parameter iamInstanceProfile.name is invalid. Invalid "
                "IAM Instance Profile name")
        arn = f"arn:aws:iam::{part.account}:instance-profile/{name}"
    else:
        raise MissingParameter("The request must contain the parameter "
                               "iamInstanceProfile.arn or iamInstanceProfile.name")
    return {"Arn": arn, "Id": profile_id(arn)}


def profile_id(arn: str) -> str:
    """A stable `AIPA` + 17 characters id for a profile ARN (IAM's unique-id shape)."""
    digest = hashlib.sha256(arn.encode()).digest()
    return "AIPA" + "".join(ID_ALPHABET[b % len(ID_ALPHABET)] for b in digest[:17])


def create(world: World, part: Partition, instance_id: str, prof: dict[str, str]) -> str:
    assoc_id = world.new_id("iip-assoc")
    world.add(part, KIND, assoc_id, IamInstanceProfile=prof, State="associated",
              Timestamp=now())
    world.link(assoc_id, instance_id, schema.ASSOCIATED)
    return assoc_id


def instance_of(world: World, assoc_id: str) -> str:
    return world.out(assoc_id, schema.ASSOCIATED, "instance")[0][0]


def associate(world: World, part: Partition, instance_id: str,
              iam_instance_profile: dict[str, Any]) -> str:
    """Give a running or stopped instance its (one) IAM instance profile."""
    world.get(part, "instance", instance_id)
    if profile_association(world, instance_id) is not None:
        raise IncorrectState(f"There is an existing association for instance {instance_id}",
                             "IncorrectState")
    if state_name(world, instance_id) not in ("pending", "running", "stopping", "stopped"):
        raise IncorrectState(f"The instance '{instance_id}' is not in a valid state for this "
                             "operation.", "IncorrectInstanceState")
    return create(world, part, instance_id, profile(part, iam_instance_profile, world))


def replace(world: World, part: Partition, association_id: str,
            iam_instance_profile: dict[str, Any]) -> str:
    """Swap the profile of a running instance: a new association replaces the old one."""
    world.get(part, KIND, association_id)
    instance_id = instance_of(world, association_id)
    if state_name(world, instance_id) not in ("pending", "running"):
        raise IncorrectState(f"The association {association_id} is not the active association",
                             "IncorrectState")
    prof = profile(part, iam_instance_profile, world)
    world.remove(association_id)
    return create(world, part, instance_id, prof)


def disassociate(world: World, part: Partition, association_id: str) -> dict[str, Any]:
    """Remove an association; returns its view as `disassociating`."""
    world.get(part, KIND, association_id)
    return removed(world, association_id, view, "disassociating")


def view(world: World, assoc_id: str) -> dict[str, Any]:
    """boto3's `IamInstanceProfileAssociation`."""
    node = world.graph.nodes[assoc_id]
    return {"AssociationId": assoc_id, "InstanceId": instance_of(world, assoc_id),
            "IamInstanceProfile": dict(node["IamInstanceProfile"]), "State": node["State"],
            "Timestamp": node["Timestamp"]}


def _of_instance(world: World, part: Partition, value: str) -> list[str]:
    if world.node(value) is None:
        return []
    return [a for a, _, _ in world.into(value, schema.ASSOCIATED, KIND)]


FILTERS: dict[str, Filter] = {
    "instance-id": Filter(lambda w, rid, n: instance_of(w, rid), _of_instance, exact=True),
    "state": Filter(lambda w, rid, n: n["State"]),
}


# DisassociateIamInstanceProfile is bound from `disassociate` (docs/families.md)
declare_actions(KIND, {
    "AssociateIamInstanceProfile": Action(associate, state="associating", view=view),
    "ReplaceIamInstanceProfileAssociation": Action(replace, state="associating", view=view),
    "DisassociateIamInstanceProfile": disassociate})
