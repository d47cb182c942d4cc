"""Python's cyclic garbage collector, paused around bulk work.

Work that makes a great many containers and no garbage (loading the handlers beside
botocore's models, unpickling a world, a snapshot dumped or loaded) sets off collection
after collection, each walking every container made so far again: a third or more of the
work's time. Reference counting still frees what it frees; only the cycle search waits.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside. The collector's state is put back after, so a pause
    inside a pause, or one in another thread, leaves it on only if it was on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
