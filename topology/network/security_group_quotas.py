"""ValidateSecurityGroupQuotasForInterface: whether the groups could sit on one interface
together. AWS's quotas: five groups an interface, and at most 1,000 rules of one direction
over the groups of an interface (60 rules a group in a direction by default)."""
from __future__ import annotations

from ..core.errors import InvalidParameterValue, LimitExceeded
from ..core.family import declare_actions
from ..core.world import Partition, World
from . import network_interfaces as enis
from . import security_groups

MAX_RULES_PER_INTERFACE = 1000


def validate(world: World, part: Partition, security_group_ids: list[str]) -> bool:
    if not security_group_ids:
        raise InvalidParameterValue("You must specify at least one security group ID.")
    if len(set(security_group_ids)) != len(security_group_ids):
        raise InvalidParameterValue("The security group IDs must be unique.")
    for sg in security_group_ids:
        security_groups.get(world, part, sg)
    if len(security_group_ids) > enis.MAX_GROUPS:
        raise LimitExceeded("The maximum number of security groups per network interface has "
                            "been reached.", "SecurityGroupsPerInterfaceLimitExceeded")
    for egress in (False, True):
        total = sum(len(security_groups.rules(world, sg, egress=egress))
                    for sg in security_group_ids)
        if total > MAX_RULES_PER_INTERFACE:
            raise LimitExceeded("The maximum number of rules per network interface has been "
                                "reached.", "RulesPerSecurityGroupLimitExceeded")
    return True


declare_actions("security-group", {"ValidateSecurityGroupQuotasForInterface": validate})
