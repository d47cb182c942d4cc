"""EnableReachabilityAnalyzerOrganizationSharing: the trust between Reachability Analyzer and
AWS Organizations that lets the management account (or a delegated administrator) analyze
paths across the organization's accounts.

Only the management account of an organization (`core.sharing`) may establish it; the
setting is kept with the account (`reachability-analyzer-organization-sharing`), and
enabling it again is a no-op, as on AWS.
"""
from __future__ import annotations

from ..core import sharing
from ..core.errors import TopologyError
from ..core.family import declare_actions
from ..core.world import Partition, World

SETTING = "reachability-analyzer-organization-sharing"


def enable(world: World, part: Partition) -> None:
    """Trust Reachability Analyzer with the caller's organization."""
    org = sharing.organization_of(world, part.account)
    if org is None or sharing.management_account(world, org) != part.account:
        raise TopologyError("This operation can only be performed by the management account "
                            "of an AWS Organization.", "UnauthorizedOperation")
    if not part.attributes.get(SETTING):
        world.set_attribute(part, SETTING, True)


def enabled(part: Partition) -> bool:
    """Whether the account has established the trust."""
    return bool(part.attributes.get(SETTING))


declare_actions("network-insights-path",
                {"EnableReachabilityAnalyzerOrganizationSharing": enable})
