"""MaxResults/NextToken pagination that survives concurrent changes.

A page is cut by creation order, and the token names the creation sequence number of the
last item returned: deleting or adding resources between calls neither repeats nor skips
what remains. The token is opaque to clients (base64), as AWS's is.
"""
from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence

from .errors import TopologyError
from .world import World


def page(world: World, ids: Sequence[str], max_results: int | None, token: str | None
         ) -> tuple[list[str], str | None]:
    """The slice of `ids` (in creation order) that a request asks for, and the next token."""
    check_max_results(max_results)
    seq = world.graph.nodes
    ordered = sorted(ids, key=lambda r: seq[r]["seq"]) if token or max_results else list(ids)
    if token:
        after = _decode(token)
        ordered = [r for r in ordered if seq[r]["seq"] > after]
    if not max_results or len(ordered) <= max_results:
        return ordered, None
    chosen = ordered[:max_results]
    return chosen, _encode(seq[chosen[-1]]["seq"])


def check_max_results(max_results: int | None) -> None:
    """A MaxResults below 1 is a client error (the models of some calls set no minimum)."""
    if max_results is not None and max_results < 1:
        raise TopologyError(f"Value ( {max_results} ) for parameter maxResults is invalid. "
                            "Expecting a value greater than 0.", "InvalidParameterValue")


def _encode(seq: int) -> str:
    return base64.urlsafe_b64encode(f"ec2sim:{seq}".encode()).decode()


def _decode(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
        prefix, _, number = text.partition(":")
        if prefix != "ec2sim":
            raise ValueError(text)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise TopologyError("The specified pagination token is not valid or is expired.",
                            "InvalidPaginationToken")
