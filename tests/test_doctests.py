"""The examples in `topology`'s docstrings run and hold."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import topology

MODULES = sorted(info.name for info in pkgutil.walk_packages(topology.__path__, "topology.")
                 if not info.ispkg)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failed, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failed == 0
