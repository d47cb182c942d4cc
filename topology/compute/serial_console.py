"""EC2 serial console access: an account setting per region, off until enabled.

Enable/DisableSerialConsoleAccess answer the new setting; GetSerialConsoleAccessStatus says
it is managed by the account (a declarative policy of an organization could manage it on
AWS; the simulator has none).
"""
from __future__ import annotations

from ..core.family import declare_actions
from ..core.world import Partition, World

ACCESS = "serial-console-access"      # Partition.attributes key


def enabled(part: Partition) -> bool:
    return bool(part.attributes.get(ACCESS))


def enable(world: World, part: Partition) -> bool:
    world.set_attribute(part, ACCESS, True)
    return True


def disable(world: World, part: Partition) -> bool:
    world.set_attribute(part, ACCESS, None)
    return False


def status(world: World, part: Partition) -> dict[str, object]:
    return {"SerialConsoleAccessEnabled": enabled(part), "ManagedBy": "account"}


# these operations are bound from the functions above (docs/families.md); the account
# setting has no resource kind of its own
declare_actions("serial-console", {"EnableSerialConsoleAccess": enable,
                                   "DisableSerialConsoleAccess": disable,
                                   "GetSerialConsoleAccessStatus": status})
