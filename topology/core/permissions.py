"""Who may use a shared resource: the items of AMI launch permissions and snapshot
create-volume permissions, which AWS checks by one rule.

>>> permission_item({"UserId": "111122223333"}, "launch permission", ("UserId", "Group"))
('UserId', '111122223333')
"""
from __future__ import annotations

import re
from typing import Any

from .errors import InvalidParameterCombination, TopologyError

ALL = "all"          # the only group: everyone (public)
_ACCOUNT = re.compile(r"\d{12}")


def permission_item(item: dict[str, Any], what: str, members: tuple[str, ...]
                    ) -> tuple[str, str]:
    """The one (member, value) an item names, checked as AWS checks it: exactly one of
    `members`, a 12-digit account for `UserId`, `all` for `Group`."""
    given = {k: v for k, v in item.items() if v is not None}
    if len(given) != 1:
        names = ", ".join(members[:-1]) + f" or {members[-1]}"
        raise InvalidParameterCombination(f"A {what} must name exactly one of {names}.")
    key, value = next(iter(given.items()))
    if key == "UserId" and not _ACCOUNT.fullmatch(value):
        raise TopologyError(f'Invalid attribute item value "{value}" for userId item type.',
                            "InvalidAMIAttributeItemValue")
    if key == "Group" and value != ALL:
        raise TopologyError(f'Invalid attribute item value "{value}" for UserGroup item type.',
                            "InvalidAMIAttributeItemValue")
    return key, str(value)
