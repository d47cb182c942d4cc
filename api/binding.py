"""Handlers made from family declarations (`topology.core.family`) and botocore's model.

A family declares its kind, view, filters and create/delete functions once; this module
reads each operation's input and output shapes and builds the handler, once, when the
handlers load (`api.handlers.load_all`). A request then costs the call and nothing more.

* `Describe{noun}s`: the output's one list member, the input's `*Ids` list (if any), the
  filters member (a list of `Filter`), MaxResults/NextToken, through `describe` below, the
  one describe path (hand-written Describe handlers call it too), with the family's
  describe options.
* `Create{noun}`: the create function's parameters are filled by name from the input
  members (`botocore.xform_name(member) == parameter`, or the family's `arguments`);
  `tags` gets the TagSpecifications (`tags.from_specifications`, checked first, as AWS
  does), `params` the whole input. The output's structure member gets the (created) view of
  the new id; `ClientToken` is echoed when the output has it.
* `Delete{noun}`: the input's one required member names the resource; the output is what
  its shape says: nothing, `Return`/`ReturnCode` true, the id echoed, or the structure the
  delete function returns.
* `actions`, any further operation (`AttachInternetGateway`, `DescribeImageAttribute`...):
  parameters filled as for Create; the answer has `Return`/`ReturnCode`/`ReturnValue` true,
  the output members the input also has echoed, and the function's result: the view of the
  id it returns (one structure member left), the value of the one member left, or its dict
  of output members merged (several left).
* `Describe{noun}Attribute`/`Modify{noun}Attribute` from the family's `attributes`: the
  `Attribute` enum (or the one attribute member given) picks the declared attribute; the
  model's `{Value: x}` wrappers are added and removed here.

An operation that has a hand-written `@handler` is never bound: hand-written handlers are
for operations with logic of their own. A declaration the model cannot carry (a parameter
with no member, an output member nobody fills) fails at load, not at the first request.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import botocore
from botocore.model import OperationModel, Shape

import api.protocol as protocol
import topology
from topology.core import filters, paging, sharing, tags
from topology.core.errors import (InvalidParameterCombination, InvalidParameterValue, NotFound,
                                  TopologyError)
from topology.core.family import ACTIONS, FAMILIES, Action, Attribute, Family, View
from topology.core.world import Partition, World

from .operations import HANDLERS, Context, Handler, handler

RETURNS = ("Return", "ReturnCode")      # output members a delete answers `true` in


class BindingError(Exception):
    """A family declaration that the operation model cannot carry (a bug, found at load)."""


def bind_all() -> list[str]:
    """Bind every declared family's operations that have no handler; the actions bound."""
    _load_families()
    # a kind whose Describe has logic of its own may declare actions without a family
    bare = {kind: Family(kind, view=_no_view) for _, (kind, _fn) in ACTIONS.items()
            if FAMILIES.get(kind) is None}
    bound = []
    for family in [family for _, family in FAMILIES.items()] + list(bare.values()):
        for action, build in _operations(family):
            if action in HANDLERS:
                continue
            fn = build(family, protocol.operation(action))
            fn.__name__ = botocore.xform_name(action)
            fn.__qualname__ = f"{family.kind}:{action}"
            handler(fn)
            fn.bound = True  # type: ignore[attr-defined]
            bound.append(action)
    return bound


def _load_families() -> None:
    """Import every topology module, so that every family has declared itself (as the
    handler package discovers its modules: by walking the package, not by a list). A
    module named `_x` declares nothing and loads when its own module asks for it."""
    for info in pkgutil.walk_packages(topology.__path__, f"{topology.__name__}."):
        if not info.name.rpartition(".")[2].startswith("_"):
            importlib.import_module(info.name)


def _operations(family: Family) -> list[tuple[str, Callable[[Family, OperationModel], Handler]]]:
    """The (action, builder) pairs a family declares and the model has."""
    noun, names = family.operation_noun, protocol.service_model("ec2").operation_names
    found: list[tuple[str, Callable[[Family, OperationModel], Handler]]] = []
    plurals = (f"Describe{noun}s", f"Describe{noun[:-1]}ies" if noun.endswith("y") else "",
               f"Describe{noun}")                  # IpamPolicy -> DescribeIpamPolicies
    describe_name = next((n for n in plurals if n in names), None)
    if describe_name is not None and describe_name not in _actions(family):
        found.append((describe_name, _describe))     # an action of that name is the answer
    if family.create is not None and f"Create{noun}" in names:
        found.append((f"Create{noun}", _create))
    if family.delete is not None and f"Delete{noun}" in names:
        found.append((f"Delete{noun}", _delete))
    for verb, build in (("Describe", _describe_attribute), ("Modify", _modify_attribute)):
        if family.attributes and f"{verb}{noun}Attribute" in names:
            found.append((f"{verb}{noun}Attribute", build))
    for action in _actions(family):
        if action not in names:
            raise BindingError(f"{family.kind}: the model has no operation {action}")
        found.append((action, _action))
    return found


def _actions(family: Family) -> dict[str, Callable[..., Any] | Action]:
    """The family's further operations: its own `actions` and those its other modules
    declare (`family.declare_actions`)."""
    return {**_declared(family.kind), **family.actions}


_by_kind: tuple[int, dict[str, dict[str, Callable[..., Any] | Action]]] = (0, {})


def _declared(kind: str) -> dict[str, Callable[..., Any] | Action]:
    """The operations other modules declare for `kind`: ACTIONS grouped by kind, again only
    when it has grown (the binding asks once per family and per action; scanning the whole
    registry each time made loading the handlers quadratic)."""
    global _by_kind
    size, grouped = _by_kind
    if size != len(ACTIONS):
        grouped = {}
        for name, (owner, fn) in ACTIONS.items():
            grouped.setdefault(owner, {})[name] = fn
        _by_kind = (len(ACTIONS), grouped)
    return grouped.get(kind, {})


# -- Describe ---------------------------------------------------------------------------------
def describe(ctx: Context, params: dict[str, Any], *, kind: str, table: filters.FilterTable,
             view: View, output: str, ids: list[str] | None = None,
             ids_exclude_max: bool = False, unknown_ids_ok: bool = False,
             shared: bool = False) -> dict[str, Any]:
    """Answer a `Describe*` call: the named ids, filtered, paged, viewed.

    Every named id must exist, unless `unknown_ids_ok` (an operation AWS answers with no
    item for an unknown id; a malformed one is still an error). With `shared`, what other
    accounts share with this one counts as existing and is listed after the account's own.
    """
    world, part = ctx.world, ctx.part
    if ids and ids_exclude_max and params.get("MaxResults") is not None:
        raise InvalidParameterCombination(
            "The parameter MaxResults cannot be used with the ids parameter.")
    if ids:
        ids = [rid for rid in dict.fromkeys(ids)
               if _known(world, part, kind, rid, unknown_ids_ok, shared)]
        if not ids:
            return {output: [], "NextToken": None}
    elif shared:
        others = sharing.shared_into(world, part, kind)
        ids = [*part.ids(kind), *others] if others else None
    chosen = filters.select(world, part, kind, table, params.get("Filters"), ids)
    page, token = paging.page(world, chosen, params.get("MaxResults"), params.get("NextToken"))
    return {output: [view(world, rid) for rid in page], "NextToken": token}


def _known(world: World, part: Partition, kind: str, rid: str, unknown_ok: bool,
           shared: bool = False) -> bool:
    try:
        if shared:
            sharing.usable(world, part, kind, rid)
        else:
            world.get(part, kind, rid)
    except NotFound:
        if not unknown_ok:
            raise
        return False
    return True


def bounded(params: dict[str, Any], limits: tuple[int, int], ids_member: str | None = None,
            wire_set: str = "") -> dict[str, Any]:
    """`params` with MaxResults checked against AWS's documented bounds and capped."""
    limit = params.get("MaxResults")
    if limit is None:
        return params
    if ids_member and params.get(ids_member):
        raise InvalidParameterCombination(
            f"The parameter {wire_set} cannot be used with the parameter maxResults")
    low, high = limits
    if limit < low:
        raise InvalidParameterValue(
            # sic: AWS says "greater than 5" and accepts 5
            f"Value ( {limit} ) for parameter maxResults is invalid. Expecting a value greater "
            f"than {low}.")
    return {**params, "MaxResults": min(limit, high)}


def _describe(family: Family, op: OperationModel) -> Handler:
    members = op.input_shape.members
    output = _one(op, [n for n, s in op.output_shape.members.items() if s.type_name == "list"],
                  "list output member")
    id_lists = [n for n, s in members.items() if n.endswith("Ids") and s.type_name == "list"]
    ids_member = _one(op, id_lists, "*Ids input member") if id_lists else None
    filters_member = next((n for n, s in members.items() if _is_filter_list(s)), None)
    paged = "NextToken" in op.output_shape.members

    def handle(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
        if family.max_results is not None:
            params = bounded(params, family.max_results, ids_member if family.ids_set else None,
                             family.ids_set)
        if filters_member != "Filters":
            params = {**params, "Filters": params.get(filters_member) if filters_member else None}
        out = describe(ctx, params, kind=family.kind, table=family.filters, view=family.view,
                       output=output, ids=params.get(ids_member) if ids_member else None,
                       ids_exclude_max=family.ids_exclude_max,
                       unknown_ids_ok=family.unknown_ids_ok, shared=family.shared)
        if not paged:
            del out["NextToken"]
        return out
    return handle


def _is_filter_list(shape: Shape) -> bool:
    return shape.type_name == "list" and shape.member.name == "Filter"


# -- Create -----------------------------------------------------------------------------------
def _create(family: Family, op: OperationModel) -> Handler:
    create = family.create
    assert create is not None
    fill = _arguments(family, op, create)
    resource_type = tags.resource_type(family.kind)
    outputs = op.output_shape.members if op.output_shape is not None else {}
    structures = [n for n, s in outputs.items() if s.type_name == "structure"]
    item = _one(op, [n for n in structures if n == family.operation_noun] or structures,
                "structure output member")
    echo_token = "ClientToken" in outputs
    _understood(op, outputs, {item, "ClientToken"})
    view = family.created_view or family.view

    def handle(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
        new_tags = tags.from_specifications(params.get("TagSpecifications"), resource_type)
        rid = create(ctx.world, ctx.part, **fill(params, new_tags))
        out = {item: view(ctx.world, rid)}
        if echo_token:
            out["ClientToken"] = params.get("ClientToken")
        return out
    return handle


Fill = Callable[[dict[str, Any], dict[str, str]], dict[str, Any]]


def _arguments(family: Family, op: OperationModel, fn: Callable[..., Any],
               renames: Any = None, skip: int = 2) -> Fill:
    """How to fill `fn`'s parameters (after the `skip` injected ones: world and part) from
    a request, decided now."""
    renames = family.arguments if renames is None else renames
    by_snake = {botocore.xform_name(name): name for name in op.input_shape.members}
    plan: list[tuple[str, str, bool]] = []    # (parameter, input member or role, required)
    for param in list(_signature(fn).parameters.values())[skip:]:
        required = param.default is inspect.Parameter.empty
        # `tags`: the TagSpecifications (when the input has them; CreateTags has `Tags`)
        if param.name == "params" or (param.name == "tags"
                                      and "TagSpecifications" in op.input_shape.members):
            plan.append((param.name, f"<{param.name}>", True))
            continue
        member = renames.get(param.name) or by_snake.get(param.name)
        if member is not None:
            if member not in op.input_shape.members:
                raise BindingError(f"{op.name}: {fn.__qualname__}'s {param.name} names "
                                   f"{member}, which the input does not have")
            plan.append((param.name, member, required))
        elif required:
            raise BindingError(f"{op.name}: no input member for {fn.__qualname__}'s "
                               f"parameter {param.name}")

    def fill(params: dict[str, Any], new_tags: dict[str, str]) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        for name, member, required in plan:
            if member == "<tags>":
                kwargs[name] = new_tags
            elif member == "<params>":
                kwargs[name] = params
            elif member in params:
                kwargs[name] = params[member]
            elif required:
                kwargs[name] = None
        return kwargs
    return fill


# -- Delete -----------------------------------------------------------------------------------
def _delete(family: Family, op: OperationModel) -> Handler:
    delete = family.delete
    assert delete is not None
    id_member = _one(op, [n for n in op.input_shape.required_members if n != "DryRun"],
                     "required input member")
    outputs = op.output_shape.members if op.output_shape is not None else {}
    returns = [n for n in RETURNS if n in outputs]
    echo = id_member if id_member in outputs else None
    structure = next((n for n, s in outputs.items() if s.type_name == "structure"), None)
    token = "ClientToken" if "ClientToken" in outputs else None    # echoed, as Create's
    _understood(op, outputs, {*returns, echo, structure, token})

    def handle(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
        rid = params[id_member]
        answer = delete(ctx.world, ctx.part, rid)
        out: dict[str, Any] = {name: True for name in returns}
        if echo is not None:
            out[echo] = rid
        if token is not None:
            out[token] = params.get(token)
        if structure is not None:
            out[structure] = answer
        return out
    return handle


# -- attributes -------------------------------------------------------------------------------
def _describe_attribute(family: Family, op: OperationModel) -> Handler:
    """Describe{noun}Attribute: the id echoed and the one member the `Attribute` names."""
    id_member = _id_member(op, {"Attribute"})
    by_name = {a.name: a for a in family.attributes if a.name}
    enum = op.input_shape.members["Attribute"].enum
    if set(enum) != set(by_name):
        raise BindingError(f"{op.name}: the model's attributes {sorted(enum)}, the family's "
                           f"{sorted(by_name)}")
    outputs = op.output_shape.members
    _understood(op, outputs, {id_member, *(a.member for a in by_name.values())})
    plan = {name: (a.member, a.read, _wrapped(outputs[a.member]))
            for name, a in by_name.items() if a.read is not None}
    kind = family.kind

    def handle(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
        name = params.get("Attribute")
        if name is None:
            raise InvalidParameterCombination("No attributes specified.")
        rid = params[id_member]
        ctx.world.get(ctx.part, kind, rid)
        out: dict[str, Any] = {id_member: rid}
        member, read, wrapped = plan[name]
        value = read(ctx.world, rid)
        if value is not None:
            out[member] = {"Value": value} if wrapped else value
        return out
    return handle


def _modify_attribute(family: Family, op: OperationModel) -> Handler:
    """Modify{noun}Attribute: exactly one attribute member given, found, then changed."""
    id_member = _id_member(op, set())
    members = op.input_shape.members
    attributes = [a for a in family.attributes if a.member in members]
    left = set(members) - {id_member, "DryRun"} - {a.member for a in attributes}
    if left:
        raise BindingError(f"{op.name}: input members {sorted(left)} are no declared attribute")
    plan = [(a, _wrapped(members[a.member])) for a in attributes]
    kind, none_given = family.kind, family.no_attribute

    def handle(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
        rid = params[id_member]
        ctx.world.get(ctx.part, kind, rid)
        given = [(a, params[a.member]["Value"] if wrapped else params[a.member])
                 for a, wrapped in plan if a.member in params
                 and (not wrapped or "Value" in params[a.member])]
        if not given:
            raise none_given()
        if len(given) > 1:
            raise InvalidParameterCombination(
                "Fields for multiple attribute types specified: "
                + ", ".join(a.member[0].lower() + a.member[1:] for a, _ in given))
        attribute, value = given[0]
        _changer(attribute)(ctx.world, ctx.part, rid, value)
        return {}
    return handle


def _changer(attribute: Attribute) -> Any:
    if attribute.modify is None:
        raise TopologyError(f"The parameter {attribute.member} is not supported by ec2sim.",
                            "UnsupportedOperation")
    return attribute.modify


def _wrapped(shape: Shape) -> bool:
    """Whether the model wraps the member's value as `{Value: x}` (AttributeValue,
    AttributeBooleanValue)."""
    return shape.type_name == "structure" and list(shape.members) == ["Value"]


def _id_member(op: OperationModel, besides: set[str]) -> str:
    return _one(op, [n for n in op.input_shape.required_members
                     if n != "DryRun" and n not in besides], "required id member")


# -- further actions --------------------------------------------------------------------------
def _action(family: Family, op: OperationModel) -> Handler:
    """An operation that passes its members to one domain function and answers from the
    output shape: `Return`-like members true, input members echoed, and what the function
    returns: the family view of an id (a structure member), the value of the one member
    left, or a dict of output members merged."""
    declared = _actions(family)[op.name]
    fn = declared.fn if isinstance(declared, Action) else declared
    names = list(_signature(fn).parameters)
    injected = [n for n in names[:2] if n in ("world", "part")]   # leading, by name
    if names[:len(injected)] != injected or not injected:
        raise BindingError(f"{op.name}: {fn.__qualname__} must start with world and/or part")
    fill = _arguments(family, op, fn, skip=len(injected),
                      renames=declared.arguments if isinstance(declared, Action) else {})
    # a function taking `tag_specifications` reads them itself (tags of several types)
    specified = ("TagSpecifications" in op.input_shape.members
                 and "tag_specifications" not in names)
    resource_type = tags.resource_type(family.kind) if specified else ""
    outputs = op.output_shape.members if op.output_shape is not None else {}
    returns = [n for n in (*RETURNS, "ReturnValue")
               if n in outputs and outputs[n].type_name == "boolean"]
    # a NextToken is the function's (the next page's), never the request's echoed; nor is
    # a member whose shape differs from the input's of that name (a selector list of
    # numbers answered by a list of structures)
    echoes = [n for n in outputs if n in op.input_shape.members and n not in returns
              and n != "NextToken" and _alike(outputs[n], op.input_shape.members[n])]
    rest = [n for n in outputs if n not in returns and n not in echoes]
    if not rest and len(echoes) == 1 and _returned(fn) != "None":
        rest, echoes = echoes, []     # the one member is what the function makes of its input
    if isinstance(declared, Action):
        place = _in_state(family, op, declared, outputs, rest)
        # a function that returns no id acts on the one its first parameter is given
        id_member = (_member_of(op, names[len(injected)], declared.arguments)
                     if _returned(fn) == "None" else "")
    else:
        place, id_member = _placing(family, op, fn, outputs, rest), ""

    def handle(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
        new_tags = (tags.from_specifications(params.get("TagSpecifications"), resource_type)
                    if specified else {})
        result = fn(*[getattr(ctx, name) for name in injected], **fill(params, new_tags))
        out: dict[str, Any] = {name: True for name in returns}
        for name in echoes:
            out[name] = params.get(name)
        if id_member:
            result = params[id_member]
        place(ctx.world, out, result)
        return out
    return handle


def _alike(output: Shape, given: Shape) -> bool:
    """Whether an output member can echo the input member of its name: the same type (and,
    for lists, the same type of item)."""
    return output.type_name == given.type_name and (
        output.type_name != "list" or output.member.type_name == given.member.type_name)


def _member_of(op: OperationModel, param: str, renames: Any) -> str:
    """The input member that fills parameter `param`."""
    by_snake = {botocore.xform_name(name): name for name in op.input_shape.members}
    member = renames.get(param) or by_snake.get(param)
    if member is None:
        raise BindingError(f"{op.name}: no input member for parameter {param}")
    return str(member)


def _in_state(family: Family, op: OperationModel, action: Action, outputs: Any,
              rest: list[str]) -> Place:
    """An `Action`'s answer: its one structure member, the view of the resource acted on
    (the id the function returns, else the one its first parameter is given) with the
    transient `State`; or, when the output is an id and a `{State}` structure (as
    AssociateRouteTable's `AssociationId` and `AssociationState`), those two."""
    member = _one(op, [n for n in rest if outputs[n].type_name == "structure"],
                  "structure output member")
    others = [n for n in rest if n != member]
    if others:
        if ("State" not in outputs[member].members or len(others) != 1
                or outputs[others[0]].type_name != "string"):
            raise BindingError(f"{op.name}: the binding does not fill output members {rest}")
        id_out, status = others[0], {"State": action.state}

        def place(world: World, out: dict[str, Any], rid: Any) -> None:
            out[id_out], out[member] = rid, dict(status)
        return place
    view = action.view or family.view
    if view is _no_view:
        raise BindingError(f"{op.name}: {family.kind} declares no family to view")
    state = action.state
    return lambda world, out, rid: out.__setitem__(member, {**view(world, rid), "State": state})


Place = Callable[[World, dict[str, Any], Any], None]


def _placing(family: Family, op: OperationModel, fn: Callable[..., Any], outputs: Any,
             rest: list[str]) -> Place:
    """Where the function's result goes in the answer, decided from its return annotation
    (a string under `from __future__ import annotations`) and the members left."""
    returned = _returned(fn)
    if not rest and returned.startswith("dict"):
        # every output member echoes an input one, but the function says what they are now
        # (ModifyInstanceCpuOptions answers the core count it kept when none was asked)
        return lambda world, out, result: out.update(result)
    if not rest:
        return lambda world, out, result: None
    if returned == "None":
        raise BindingError(f"{op.name}: {fn.__qualname__} returns nothing for {rest}")
    if len(rest) == 1:
        member = rest[0]
        if returned == "str" and outputs[member].type_name == "structure":
            view = family.view
            if view is _no_view:
                raise BindingError(f"{op.name}: {family.kind} declares no family to view")
            return lambda world, out, result: out.__setitem__(member, view(world, result))
        return lambda world, out, result: out.__setitem__(member, result)
    if not returned.startswith("dict"):
        raise BindingError(f"{op.name}: {fn.__qualname__} must return a dict of the output "
                           f"members {rest}")
    return lambda world, out, result: out.update(result)


def _returned(fn: Callable[..., Any]) -> str:
    """`fn`'s return annotation as written (a string under `from __future__ import
    annotations`)."""
    return str(_signature(fn).return_annotation)


@lru_cache(maxsize=None)
def _signature(fn: Callable[..., Any]) -> inspect.Signature:
    """`fn`'s signature, read once: binding an action asks for it several times."""
    return inspect.signature(fn)


def _no_view(world: World, rid: str) -> dict[str, Any]:
    """The view of a kind that declares actions but no family (never called: see _placing)."""
    raise BindingError(f"no view for {rid}")


# -- helpers ----------------------------------------------------------------------------------
def _one(op: OperationModel, names: list[str], what: str) -> str:
    if len(names) != 1:
        raise BindingError(f"{op.name}: expected one {what}, found {names or 'none'}")
    return names[0]


def _understood(op: OperationModel, outputs: Any, filled: set[str | None]) -> None:
    """Every output member is one the binding fills (else the operation needs a handler)."""
    left = [n for n in outputs if n not in filled]
    if left:
        raise BindingError(f"{op.name}: the binding does not fill output members {left}")
