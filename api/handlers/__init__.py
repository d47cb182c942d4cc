"""Operation handlers, one module per operation family.

A handler is a function named like the boto3 method (`create_subnet`), decorated with
`api.operations.handler`; it takes the request `Context` and the parsed parameters (boto3
member names) and returns a dict shaped like the operation's output. Nothing here knows XML.

Operations that are plain Create/Delete/Describe calls of a declared family have no module
here: `api.binding` makes their handlers from the family's declaration (docs/families.md),
after these modules load, for every operation none of them answers.
"""
from __future__ import annotations

import importlib
import pkgutil

from topology.core import collector

from ..binding import bind_all


def load_all() -> None:
    """Import every handler module so that their `@handler`s register, then bind the
    declared families' operations that no handler answers."""
    # Loading makes a few hundred thousand objects beside botocore's parsed models (millions
    # more): with the cyclic collector on, its full passes over those models ran again and
    # again meanwhile (a third of the load's time). Nothing made here is garbage.
    with collector.paused():
        for info in pkgutil.iter_modules(__path__):
            if not info.name.startswith("_"):
                importlib.import_module(f"{__name__}.{info.name}")
        bind_all()
