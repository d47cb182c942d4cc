"""MaxResults/NextToken pagination that survives concurrent changes.

A page is cut by creation order, and the token names the creation sequence number of the
last item returned: deleting or adding resources between calls neither repeats nor skips
what remains. The token is opaque to clients (base64), as AWS's is.

`encode`/`decode` are the one token codec of every paged call (graph nodes here; tag rows,
catalogue rows, route searches, offsets into plain lists elsewhere): a token is base64 of
`[version, scope, position]`, where `scope` names the list it pages, so a token from another
call, another list or an older ec2sim is refused like garbage, with AWS's
`InvalidPaginationToken` (or the error the caller names).
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any

from .errors import TopologyError
from .world import World


def page(world: World, ids: Sequence[str], max_results: int | None, token: str | None
         ) -> tuple[list[str], str | None]:
    """The slice of `ids` (in creation order) that a request asks for, and the next token."""
    check_max_results(max_results)
    seq = world.graph.nodes
    ordered = sorted(ids, key=lambda r: seq[r]["seq"]) if token or max_results else list(ids)
    if token:
        after = decode(token, "seq", _is_int)
        ordered = [r for r in ordered if seq[r]["seq"] > after]
    if not max_results or len(ordered) <= max_results:
        return ordered, None
    chosen = ordered[:max_results]
    return chosen, encode("seq", seq[chosen[-1]]["seq"])


def check_max_results(max_results: int | None) -> None:
    """A MaxResults below 1 is a client error (the models of some calls set no minimum)."""
    if max_results is not None and max_results < 1:
        raise TopologyError(f"Value ( {max_results} ) for parameter maxResults is invalid. "
                            "Expecting a value greater than 0.", "InvalidParameterValue")


VERSION = 1


def invalid_token() -> TopologyError:
    """AWS's answer to a NextToken it did not give (or that has expired)."""
    return TopologyError("The specified pagination token is not valid or is expired.",
                         "InvalidPaginationToken")


def encode(scope: str, position: Any) -> str:
    """The token for the page that starts after `position` (plain JSON data) of `scope`.

    >>> decode(encode("rows", [3, "Name"]), "rows")
    [3, 'Name']
    """
    raw = json.dumps([VERSION, scope, position], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode(token: str, scope: str, valid: Callable[[Any], bool] = lambda position: True,
           invalid: Callable[[], TopologyError] = invalid_token) -> Any:
    """The position a token of `scope` names; `invalid()` is raised for anything else
    (garbage, another scope or version, a position `valid` refuses)."""
    try:
        version, named, position = json.loads(base64.urlsafe_b64decode(token.encode()))
        if version != VERSION or named != scope or not valid(position):
            raise ValueError(token)
        return position
    except (ValueError, TypeError, RecursionError, binascii.Error):
        raise invalid() from None


def _is_int(position: Any) -> bool:
    return isinstance(position, int) and not isinstance(position, bool)


def rows(items: Sequence[Any], scope: str, max_results: int | None, token: str | None
         ) -> tuple[list[Any], str | None]:
    """A page of plain rows (not graph nodes) by offset, and the next token (of `scope`).

    >>> rows([1, 2, 3], "x", 2, None)[0], rows([1, 2, 3], "x", 2, rows([1, 2, 3], "x", 2, None)[1])
    ([1, 2], ([3], None))
    """
    check_max_results(max_results)
    start = decode(token, scope, lambda p: _is_int(p) and p >= 0) if token else 0
    end = start + max_results if max_results else len(items)
    return list(items[start:end]), (encode(scope, end) if end < len(items) else None)
