"""Operation handlers, one module per operation family.

A handler is a function named like the boto3 method (`create_subnet`), decorated with
`api.dispatch.handler`; it takes the request `Context` and the parsed parameters (boto3
member names) and returns a dict shaped like the operation's output. Nothing here knows XML.
"""
from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    """Import every handler module so that their `@handler`s register."""
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
