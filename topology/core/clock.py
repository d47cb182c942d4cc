"""Times as AWS keeps and prints them."""
from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """The current time in UTC, to the whole second (launch, attachment and start times)."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def stamp(when: dt.datetime) -> str:
    """A time as AWS writes it in string members and matches it in time filters.

    >>> stamp(dt.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=dt.timezone.utc))
    '2024-01-02T03:04:05.678Z'
    """
    when = when.astimezone(dt.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
