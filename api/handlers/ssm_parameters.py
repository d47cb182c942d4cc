"""SSM GetParameter, GetParameters, GetParametersByPath: AWS's public image parameters.

Only the public trees of `topology.public_parameters` are answered; in-process, a request
for anything else goes on to whatever else answers SSM (`operations.passes`).
"""
from __future__ import annotations

from typing import Any

from topology.catalogue import public_parameters as public
from topology.core import paging
from topology.core.errors import TopologyError

from ..operations import Context, handler, passes

PAGE = 10                     # GetParametersByPath's default and largest MaxResults
# ParameterFilters keys GetParametersByPath takes, and what each reads from a parameter
BY_PATH_FILTERS = {"Type": "Type", "DataType": "DataType"}


def _not_found() -> TopologyError:
    return TopologyError("", "ParameterNotFound")   # AWS's answer carries no message


def _selected(region: str, name: str) -> dict[str, Any] | None:
    """A parameter by name, or by `name:version` (a version it has: ec2sim keeps only the
    current one); None if there is no such parameter."""
    base, _, selector = name.rpartition(":") if ":" in name else (name, "", "")
    found = public.get(region, base)
    if found is None or not selector:
        return found
    if not selector.isdigit():
        raise TopologyError(f"Label {selector} not found for parameter {base}",
                            "ParameterVersionLabelNotFound")
    if int(selector) != found["Version"]:
        raise TopologyError(f"Systems Manager could not find version {selector} of {base}. "
                            "Verify the version and try again.", "ParameterVersionNotFound")
    return {**found, "Selector": f":{selector}"}


@passes(lambda params: public.serves(params["Name"].partition(":")[0]))
@handler
def get_parameter(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    found = _selected(ctx.region, params["Name"])
    if found is None:
        raise _not_found()
    return {"Parameter": found}


@passes(lambda params: any(public.serves(n.partition(":")[0]) for n in params["Names"]))
@handler
def get_parameters(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    found, invalid = [], []
    for name in dict.fromkeys(params["Names"]):
        try:
            one = _selected(ctx.region, name)
        except TopologyError:
            one = None
        if one is None:
            invalid.append(name)
        else:
            found.append(one)
    return {"Parameters": found, "InvalidParameters": invalid}


@passes(lambda params: public.serves(params["Path"].rstrip("/") or "/"))
@handler
def get_parameters_by_path(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    path = params["Path"]
    if not path.startswith("/"):
        raise TopologyError('The parameter doesn\'t meet the parameter name requirements. The '
                            'parameter name must begin with a forward slash "/".',
                            "ValidationException")
    chosen = [p for p in public.under(ctx.region, path, recursive=bool(params.get("Recursive")))
              if _matches(p, params.get("ParameterFilters") or [])]
    start = _start(params.get("NextToken"), chosen)
    end = start + (params.get("MaxResults") or PAGE)
    token = paging.encode("ssm-parameters", chosen[end]["Name"]) if end < len(chosen) else None
    return {"Parameters": chosen[start:end], "NextToken": token}


def _matches(parameter: dict[str, Any], filters: list[dict[str, Any]]) -> bool:
    for item in filters:
        member = BY_PATH_FILTERS.get(item["Key"])
        if member is None:
            raise TopologyError(f"The following filter key is not valid: {item['Key']}. Valid "
                                f"filter keys include: [{', '.join(BY_PATH_FILTERS)}].",
                                "InvalidFilterKey")
        option = item.get("Option") or "Equals"
        if option not in ("Equals", "BeginsWith"):
            raise TopologyError(f"The following filter option is not valid: {option}. Valid "
                                "options include: [Equals, BeginsWith].", "InvalidFilterOption")
        value = parameter[member]
        wanted = item.get("Values") or []
        if not any(value == v if option == "Equals" else value.startswith(v) for v in wanted):
            return False
    return True


def _start(token: str | None, chosen: list[dict[str, Any]]) -> int:
    """Where a page starts: at the parameter the token names."""
    if token is None:
        return 0
    name = paging.decode(token, "ssm-parameters", lambda name: isinstance(name, str),
                         invalid=_invalid_token)
    for index, parameter in enumerate(chosen):
        if parameter["Name"] == name:
            return index
    raise _invalid_token()


def _invalid_token() -> TopologyError:
    return TopologyError("The specified token isn't valid.", "InvalidNextToken")
