"""A resource family declared once: its kind, filters, view and the functions that change it.

The API layer (`api/binding.py`) reads these declarations and botocore's operation model to
answer the family's Create/Delete/Describe operations without a hand-written handler:

    FAMILY = family.declare(family.Family(
        "internet-gateway", view=view, filters=FILTERS, create=create, delete=delete))

Operation names come from `noun` (by default the kind in PascalCase: `internet-gateway` ->
`InternetGateway`): `Create{noun}`, `Delete{noun}`, `Describe{noun}s` (or `Describe{noun}`
when AWS does not pluralise, as in `DescribeDhcpOptions`); `actions` names any further
operation (`{"AttachInternetGateway": attach}`), and `attributes` give
`Describe{noun}Attribute`/`Modify{noun}Attribute`. An operation is bound when the family has
the function, the model has the operation, and no hand-written handler answers it.
See docs/families.md.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .errors import InvalidParameterCombination, TopologyError
from .filters import FilterTable
from .registry import Registry
from .world import Partition, World

View = Callable[[World, str], dict[str, Any]]
Read = Callable[[World, str], Any]
Change = Callable[[World, Partition, str, Any], None]


@dataclass(frozen=True)
class Attribute:
    """One attribute of a kind, as Describe{noun}Attribute and Modify{noun}Attribute name it.

    The binding adds and removes the `{Value: x}` wrapper (AttributeValue,
    AttributeBooleanValue) where the model's member has one."""

    member: str                      # Describe's output member, Modify's input member
    name: str = ""                   # Describe's `Attribute` value ("": not described)
    read: Read | None = None         # (world, id) -> its value; None: the member is left out
    modify: Change | None = None     # (world, part, id, value); None: UnsupportedOperation


@dataclass(frozen=True)
class Action:
    """An action answered with the view of the resource it acts on, in the transient state
    AWS reports while the change settles: `Action(delete_vpc_attachment, state="deleting")`.

    The resource is the id the function returns, else the one its first parameter (after
    world and part) is given;
    `view` replaces the family's (for a kind with no family, or a view of its own);
    `arguments` names the input member of a parameter that is not its snake_case."""

    fn: Callable[..., Any]
    state: str
    view: View | None = None
    arguments: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def field_of(name: str) -> Read:
    """Read an attribute kept as the node field `name`."""
    return lambda world, rid: world.graph.nodes[rid][name]


def set_field(name: str) -> Change:
    """Modify an attribute kept as the node field `name` (no rule beyond the model's type)."""
    return lambda world, part, rid, value: world.update(rid, **{name: value})


def removed(world: World, rid: str, view: View, state: str) -> dict[str, Any]:
    """Remove `rid` and answer its view as it was, in `state` (AWS answers a delete with the
    resource `deleting`, `disassociating`, ... though it is gone for every later call)."""
    answer = {**view(world, rid), "State": state}
    world.remove(rid)
    return answer


def no_attributes() -> TopologyError:
    return InvalidParameterCombination("No attributes specified.")


@dataclass(frozen=True)
class Family:
    """What the API needs to know about one kind to answer its plain operations."""

    kind: str                                    # node kind, e.g. "internet-gateway"
    view: View                                   # the boto3-shaped item of a Describe
    filters: FilterTable = field(default_factory=dict)
    noun: str = ""                               # operation noun; default: kind in PascalCase
    # create(world, part, <input members by snake_case name>, tags=...) -> new id;
    # a parameter named `params` gets the whole input
    create: Callable[..., str] | None = None
    created_view: View | None = None             # what Create answers, if not `view`
    # create's parameters whose name is not the snake_case of their input member
    arguments: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # delete(world, part, id): returns None, or the item a Delete answers with
    delete: Callable[..., Any] | None = None
    # further operations by name -> the function that does the work, bound like create:
    # parameters by member name, the answer from the output shape (docs/families.md)
    # (or an `Action` for one answered in a transient state)
    actions: Mapping[str, Callable[..., Any] | Action] = field(
        default_factory=lambda: MappingProxyType({}))
    # the attributes of Describe/Modify{noun}Attribute, in AWS's order (a modify naming
    # several lists them so), and AWS's error for a modify that names none
    attributes: tuple[Attribute, ...] = ()
    no_attribute: Callable[[], TopologyError] = no_attributes
    # -- the describe options that vary between operations
    unknown_ids_ok: bool = False                 # unknown ids select nothing (not NotFound)
    ids_exclude_max: bool = False                # MaxResults with ids: InvalidParameterCombination
    max_results: tuple[int, int] | None = None   # AWS's documented MaxResults bounds (capped)
    ids_set: str = ""                            # with max_results: the ids' wire set name,
                                                 # which MaxResults may not accompany
    shared: bool = False                         # Describe lists what others share too
                                                 # (core.sharing), after the account's own

    @property
    def operation_noun(self) -> str:
        return self.noun or "".join(part.capitalize() for part in self.kind.split("-"))


FAMILIES: Registry[Family] = Registry("the family a resource kind declares")


def declare(family: Family) -> Family:
    """Register `family` under its kind (at import of its module) and return it."""
    FAMILIES.add(family.kind, family)
    return family


# operations a module beside the family's own adds to it (a part that imports the family
# module, such as volume_modifications): operation name -> (kind, function)
ACTIONS: Registry[tuple[str, Callable[..., Any] | Action]] = Registry(
    "the kind and function of an operation a family's other modules declare")


def declare_actions(kind: str, actions: Mapping[str, Callable[..., Any] | Action]) -> None:
    """Add further operations to the family of `kind`, bound like its `actions`."""
    for name, fn in actions.items():
        ACTIONS.add(name, (kind, fn))
