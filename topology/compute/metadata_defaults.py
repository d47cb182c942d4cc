"""The account's instance metadata (IMDS) defaults in a region.

ModifyInstanceMetadataDefaults keeps the options in one partition attribute
(`instance_options.METADATA_DEFAULTS`, by RunInstances member name); RunInstances applies them
to the options a launch does not name, over the image's (`instance_options.metadata_options`).
`no-preference` (or a hop limit of -1) clears an option; a request that names none changes
nothing. GetInstanceMetadataDefaults lists only the options set, managed by the account.
`HttpTokensEnforced` is the account's, not an instance option: with it `enabled`, a launch
whose tokens end up `optional` is refused.
"""
from __future__ import annotations

from typing import Any

from ..core.errors import InvalidParameterValue
from ..core.family import declare_actions
from ..core.world import Partition, World
from .instance_options import HOP_LIMITS, METADATA_DEFAULTS, TOKENS_ENFORCED as ENFORCED

NO_PREFERENCE = "no-preference"
NO_HOP_PREFERENCE = -1
OPTIONS = ("HttpTokens", "HttpPutResponseHopLimit", "HttpEndpoint", "InstanceMetadataTags")


def get(world: World, part: Partition) -> dict[str, Any]:
    """GetInstanceMetadataDefaults' `AccountLevel`."""
    out = dict(part.attributes.get(METADATA_DEFAULTS) or {})
    if part.attributes.get(ENFORCED):
        out["HttpTokensEnforced"] = part.attributes[ENFORCED]
    out["ManagedBy"] = "account"
    return out


def modify(world: World, part: Partition, http_tokens: str | None = None,
           http_put_response_hop_limit: int | None = None, http_endpoint: str | None = None,
           instance_metadata_tags: str | None = None,
           http_tokens_enforced: str | None = None) -> bool:
    """ModifyInstanceMetadataDefaults: the options given replace the account's."""
    hops = http_put_response_hop_limit
    if hops is not None and hops != NO_HOP_PREFERENCE and \
            not HOP_LIMITS[0] <= hops <= HOP_LIMITS[1]:
        raise InvalidParameterValue(
            f"The HttpPutResponseHopLimit value {hops} is not valid. Specify a value between "
            f"{HOP_LIMITS[0]} and {HOP_LIMITS[1]}, or -1 for no preference.")
    given = dict(zip(OPTIONS, (http_tokens, hops, http_endpoint, instance_metadata_tags)))
    current = dict(part.attributes.get(METADATA_DEFAULTS) or {})
    for key, value in given.items():
        if value in (NO_PREFERENCE, NO_HOP_PREFERENCE):
            current.pop(key, None)
        elif value is not None:
            current[key] = value
    world.set_attribute(part, METADATA_DEFAULTS, current or None)
    if http_tokens_enforced is not None:
        world.set_attribute(part, ENFORCED, None if http_tokens_enforced == NO_PREFERENCE
                            else http_tokens_enforced)
    return True


# these operations are bound from the functions above (docs/families.md); the account
# setting has no resource kind of its own
declare_actions("instance-metadata-defaults", {"GetInstanceMetadataDefaults": get,
                                               "ModifyInstanceMetadataDefaults": modify})
