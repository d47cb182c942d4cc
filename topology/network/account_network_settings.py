"""Account settings around the network: managed resource visibility and zone-group opt-in.

Managed resources are the ones a service provider operates for the account (`Operator`
`Managed: true` on an instance, volume or network interface: EKS Auto Mode, Lambda or ECS
Managed Instances). `DefaultVisibility` `hidden` leaves them out of those describes unless the
request says `IncludeManagedResources`; they keep working. Requester-managed interfaces (a NAT
gateway's, an endpoint's) are another thing, made by AWS for a resource of the account, and
their `Operator` is not managed, so the setting does not hide them. ec2sim creates no
operator-managed resource, so the setting changes no describe yet; it is kept, journaled,
as `Partition.attributes[VISIBILITY]`.

Zone groups are what DescribeAvailabilityZones reports as `GroupName`. ec2sim's zones are a
region's own Availability Zones, whose one group (`<region>-zg-1`) needs no opt-in
(`opt-in-not-required`): opting it in changes nothing, and opting it out is refused as AWS
refuses opting out of any group (`InvalidOptInStatus`; AWS Support does that). A name that
is not a group of the region is `InvalidParameterValue`.
"""
from __future__ import annotations

from ..core import regions
from ..core.errors import InvalidParameterValue, TopologyError
from ..core.family import declare_actions
from ..core.world import Partition, World

VISIBILITY = "managed-resource-visibility"   # Partition.attributes key
DEFAULT_VISIBILITY = "visible"   # what an account that never chose reports


def visibility(part: Partition) -> dict[str, str]:
    """The account's setting as boto3's `ManagedResourceVisibilitySettings`."""
    return {"DefaultVisibility": part.attributes.get(VISIBILITY) or DEFAULT_VISIBILITY}


def hidden_by_default(part: Partition) -> bool:
    """Whether describes leave managed resources out unless asked to include them."""
    return visibility(part)["DefaultVisibility"] == "hidden"


def set_visibility(world: World, part: Partition, default_visibility: str) -> dict[str, str]:
    """Set the account's default (the model's enum has checked the value)."""
    world.set_attribute(part, VISIBILITY, default_visibility)
    return visibility(part)


def _group_names(part: Partition) -> set[str]:
    return {regions.zone_view(part.region, z)["GroupName"] for z in regions.zones(part.region)}


def modify_zone_group(world: World, part: Partition, group_name: str, opt_in_status: str
                      ) -> None:
    """Opt the account in to (or out of) zone group `group_name` of the region."""
    if group_name not in _group_names(part):
        raise InvalidParameterValue(f"The zone group '{group_name}' does not exist.")
    if opt_in_status == "not-opted-in":   # the model's enum checked the value already
        raise TopologyError("Opting out of Local Zones is not currently supported. "
                            "Contact AWS Support for additional assistance.",
                            "InvalidOptInStatus")
    # opted-in: a region's own group is always usable, so there is nothing to record


# bound from the functions above (docs/families.md); account settings have no resource kind
declare_actions("account-network-settings", {
    "GetManagedResourceVisibility": visibility,
    "ModifyManagedResourceVisibility": set_visibility,
    "ModifyAvailabilityZoneGroup": modify_zone_group})
