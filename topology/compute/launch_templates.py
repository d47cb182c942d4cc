"""Launch templates and their versions; `resolve` turns a version into RunInstances parameters.

A `launch-template` node holds the template's own fields (`LaunchTemplateName`, `CreateTime`,
`CreatedBy`, `DefaultVersionNumber`) and, internally, `versions`: version number -> the
version's record (`VersionNumber`, `VersionDescription`, `CreateTime`, `CreatedBy`,
`LaunchTemplateData` in boto3's `ResponseLaunchTemplateData` member names). Versions are
immutable, so the dict is replaced copy-on-write through `World.update` and a failed request
restores it. `next_version` counts on: AWS never reuses a deleted version's number. The name
is claimed in the partition's "launch-template-name" index (unique per account and region).

AWS checks the template's own parameters when it is created (name, tags) and reports what is
wrong inside its launch parameters as a `Warning` (a code and message per problem) without
refusing the template; the launch refuses them later.

>>> check_name("web-(v1)/a_b.c")
'web-(v1)/a_b.c'
>>> RUN_NAMES["RamDiskId"], RUN_NAMES["ElasticGpuSpecifications"]
('RamdiskId', 'ElasticGpuSpecification')
"""
from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

from ..catalogue import instance_types
from ..core import regions, tags
from ..core.clock import now, stamp
from ..core.errors import (InvalidParameterCombination, InvalidParameterValue, MissingParameter,
                           NotFound, TopologyError)
from ..core.filters import Filter, FilterTable
from ..core.world import Partition, World
from . import images, key_pairs
from .instance_options import user_data

KIND = "launch-template"
NAME_INDEX = "launch-template-name"
NAME_PATTERN = re.compile(r"[a-zA-Z0-9().\-/_]{3,128}")
MAX_DESCRIPTION = 255
MAX_RESULTS = (1, 200)
LATEST, DEFAULT = "$Latest", "$Default"
# what a launch template's TagSpecifications may tag (AWS: the resources a launch creates)
TAGGABLE = ("instance", "volume", "network-interface", "spot-instances-request", "elastic-gpu")
# RequestLaunchTemplateData members whose RunInstances name differs; None: no such parameter
RUN_NAMES: dict[str, str | None] = {
    "RamDiskId": "RamdiskId",
    "ElasticGpuSpecifications": "ElasticGpuSpecification",
    "InstanceRequirements": None,   # attribute-based selection is for fleets, not RunInstances
}


# -- errors -----------------------------------------------------------------------------------
def _name_not_found(name: str) -> NotFound:
    return NotFound(f"The specified launch template, with template name {name}, does not exist.",
                    "InvalidLaunchTemplateName.NotFoundException")


def some_not_found(code: str) -> NotFound:
    return NotFound("At least one of the launch templates specified in the request does not "
                    "exist.", code)


def version_not_found(version: Any, lt_id: str) -> NotFound:
    return NotFound(f"Could not find the specified version {version} for the launch template "
                    f"with ID {lt_id}.", "InvalidLaunchTemplateId.VersionNotFound")


def _malformed_name() -> TopologyError:
    return TopologyError(
        "A launch template name must be between 3 and 128 characters, and may contain "
        "letters, numbers, and the following characters: - ( ) . / _.'",
        "InvalidLaunchTemplateName.MalformedException")


# -- lookups ----------------------------------------------------------------------------------
def check_name(name: str) -> str:
    """A name AWS accepts: 3-128 letters, digits and `( ) . - / _`."""
    if not NAME_PATTERN.fullmatch(name or ""):
        raise _malformed_name()
    return name


def by_name(world: World, part: Partition, name: str) -> str | None:
    found = world.claimed(part, NAME_INDEX, name)
    return next(iter(found), None)


BOTH = "Only one of LaunchTemplateId or LaunchTemplateName may be specified."
NEITHER = "The request must contain the parameter LaunchTemplateName or LaunchTemplateId"
# how AWS words "both" and "neither" where an operation words them its own way
WORDING = {
    "modify": ("Either provide launch template ID or launch template name to modify the "
               "template.", NEITHER),
    "delete": (BOTH, "The request must contain the parameter launch template ID or launch "
                     "template name"),
}


def find(world: World, part: Partition, lt_id: str | None, name: str | None, *,
         wording: str = "") -> str:
    """The template a request names by id or by name (exactly one of them)."""
    both, neither = WORDING.get(wording, (BOTH, NEITHER))
    if lt_id and name:
        raise InvalidParameterCombination(both)
    if lt_id:
        world.get(part, KIND, lt_id)
        return lt_id
    if not name:
        raise MissingParameter(neither)
    found = by_name(world, part, name)
    if found is None:
        raise _name_not_found(name)
    return found


def versions(world: World, lt_id: str) -> dict[int, dict[str, Any]]:
    return world.graph.nodes[lt_id]["versions"]


def latest_number(world: World, lt_id: str) -> int:
    return max(versions(world, lt_id))


def version_number(world: World, lt_id: str, version: Any) -> int:
    """The number a version reference (`$Latest`, `$Default`, `"3"`) means for the template;
    `InvalidLaunchTemplateId.VersionNotFound` for one it does not have."""
    node = world.graph.nodes[lt_id]
    if version is None or version == DEFAULT:
        return node["DefaultVersionNumber"]
    if version == LATEST:
        return latest_number(world, lt_id)
    text = str(version).strip()
    if not text.isdigit() or int(text) not in node["versions"]:
        raise version_not_found(version, lt_id)
    return int(text)


# -- create -----------------------------------------------------------------------------------
def created_by(part: Partition) -> str:
    return f"arn:aws:iam::{part.account}:root"


def _check_description(description: str | None) -> None:
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise InvalidParameterValue(
            f"Value ( {description} ) for parameter versionDescription is invalid. "
            f"Length must be at most {MAX_DESCRIPTION} characters.")


def _check_data(data: dict[str, Any]) -> dict[str, Any]:
    """What AWS refuses outright in launch parameters (tag specifications, user data that
    is not base64); a copy."""
    user_data(data.get("UserData"))
    seen: set[str] = set()
    for spec in data.get("TagSpecifications") or []:
        rtype = spec.get("ResourceType")
        if rtype not in TAGGABLE:
            raise InvalidParameterValue(
                f"'{rtype}' is not a valid taggable resource type for this operation.")
        if rtype in seen:
            raise InvalidParameterValue(tags.DUPLICATE_TYPE)
        seen.add(rtype)
        tags.validate(spec.get("Tags") or [])
    return copy.deepcopy(data)


def create(world: World, part: Partition, name: str, data: dict[str, Any], *,
           description: str | None = None, new_tags: dict[str, str] | None = None) -> str:
    """Create a template whose version 1 (the default) holds `data`; returns its id."""
    check_name(name)
    if by_name(world, part, name) is not None:
        raise TopologyError("Launch template name already in use.",
                            "InvalidLaunchTemplateName.AlreadyExistsException")
    _check_description(description)
    stored = _check_data(data)
    lt_id, created = world.new_id("lt"), now()
    record = _record(1, description, created, created_by(part), stored)
    world.add(part, KIND, lt_id, LaunchTemplateName=name, CreateTime=created,
              CreatedBy=created_by(part), DefaultVersionNumber=1, versions={1: record},
              next_version=2)
    world.claim(part, NAME_INDEX, name, lt_id)
    tags.apply(world, lt_id, new_tags or {})
    return lt_id


def _record(number: int, description: str | None, when: dt.datetime, by: str,
            data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"VersionNumber": number}
    if description is not None:
        out["VersionDescription"] = description
    out.update(CreateTime=when, CreatedBy=by, LaunchTemplateData=data)
    return out


def create_version(world: World, part: Partition, lt_id: str, data: dict[str, Any], *,
                   source: str | None = None, description: str | None = None) -> int:
    """Add a version: `data` over the source version's data (if any); returns its number."""
    _check_description(description)
    stored = _check_data(data)
    if source is not None:
        base = versions(world, lt_id)[version_number(world, lt_id, source)]
        stored = {**copy.deepcopy(base["LaunchTemplateData"]), **stored}
    node = world.graph.nodes[lt_id]
    number = node["next_version"]
    record = _record(number, description, now(), created_by(part), stored)
    world.update(lt_id, versions={**node["versions"], number: record}, next_version=number + 1)
    return number


def set_default(world: World, lt_id: str, version: str) -> None:
    """ModifyLaunchTemplate's SetDefaultVersion: a version number the template has."""
    text = str(version).strip()
    if not text.isdigit() or int(text) not in versions(world, lt_id):
        raise NotFound(f"The launch template version {version} is not found for the "
                       "specified launch template.", "InvalidLaunchTemplateId.VersionNotFound")
    world.update(lt_id, DefaultVersionNumber=int(text))


def delete(world: World, lt_id: str) -> dict[str, Any]:
    """Delete a template and all its versions; returns its view as it was."""
    out = view(world, lt_id)
    world.remove(lt_id)
    return out


# -- DeleteLaunchTemplateVersions ---------------------------------------------------------------
def _failure(lt_id: str | None, name: str | None, version: Any, code: str, message: str
             ) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if lt_id:
        out["LaunchTemplateId"] = lt_id
    if name:
        out["LaunchTemplateName"] = name
    if str(version).isdigit():
        out["VersionNumber"] = int(version)
    out["ResponseError"] = {"Code": code, "Message": message}
    return out


def _template_failure(world: World, part: Partition, lt_id: str | None, name: str | None
                      ) -> tuple[str, str] | None:
    """Why the template a DeleteLaunchTemplateVersions names cannot be used, as AWS's
    (ResponseError code, message), or None when it exists."""
    if lt_id and name:
        raise InvalidParameterCombination(BOTH)
    if not (lt_id or name):
        raise MissingParameter(NEITHER)
    if lt_id:
        try:
            world.get(part, KIND, lt_id)
        except NotFound as err:
            return "launchTemplateIdDoesNotExist", err.message
        except TopologyError as err:
            return "launchTemplateIdMalformed", err.message
        return None
    if not NAME_PATTERN.fullmatch(name or ""):
        return "launchTemplateNameMalformed", _malformed_name().message
    if by_name(world, part, name or "") is None:
        return "launchTemplateNameDoesNotExist", _name_not_found(name or "").message
    return None


def delete_versions(world: World, part: Partition, lt_id: str | None, name: str | None,
                    wanted: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Delete versions one by one; (successes, failures) as boto3's response items.

    The default version cannot go (`launchTemplateVersionIsDefault`): AWS wants another
    default first, or DeleteLaunchTemplate for the whole template.
    """
    problem = _template_failure(world, part, lt_id, name)
    if problem is not None:
        return [], [_failure(lt_id, name, v, *problem) for v in wanted]
    lt_id = find(world, part, lt_id, name)
    node = world.graph.nodes[lt_id]
    name = node["LaunchTemplateName"]
    remaining = dict(node["versions"])
    done, failed = [], []
    for version in dict.fromkeys(wanted):
        text = str(version).strip()
        if not text.isdigit() or int(text) not in remaining:
            failed.append(_failure(lt_id, name, version, "launchTemplateVersionDoesNotExist",
                                   "The specified launch template version does not exist."))
        elif int(text) == node["DefaultVersionNumber"]:
            failed.append(_failure(lt_id, name, version, "launchTemplateVersionIsDefault",
                                   "The default version of a launch template cannot be "
                                   "deleted. Set another version as the default first."))
        else:
            del remaining[int(text)]
            done.append({"LaunchTemplateId": lt_id, "LaunchTemplateName": name,
                         "VersionNumber": int(text)})
    if done:
        world.update(lt_id, versions=remaining)
    return done, failed


# -- validation warnings ------------------------------------------------------------------------
def warnings(world: World, part: Partition, data: dict[str, Any]) -> list[dict[str, str]]:
    """What a launch would refuse in `data`, as boto3's `ValidationError`s (AWS returns
    them as the create call's `Warning` and keeps the template)."""
    checks: list[Any] = []
    itype = data.get("InstanceType")
    if itype:
        checks.append(lambda: _instance_type(itype))
    if data.get("ImageId"):
        checks.append(lambda: _image(world, part, data["ImageId"]))
    if data.get("KeyName"):
        checks.append(lambda: _key(world, part, data["KeyName"]))
    zone = (data.get("Placement") or {}).get("AvailabilityZone")
    if zone:
        checks.append(lambda: _zone(part, zone))
    refs = [("security-group", g) for g in data.get("SecurityGroupIds") or []]
    for ni in data.get("NetworkInterfaces") or []:
        refs += [("subnet", ni["SubnetId"])] if ni.get("SubnetId") else []
        refs += [("network-interface", ni["NetworkInterfaceId"])] \
            if ni.get("NetworkInterfaceId") else []
        refs += [("security-group", g) for g in ni.get("Groups") or []]
    for kind, rid in refs:
        checks.append(lambda kind=kind, rid=rid: world.get(part, kind, rid))
    out = []
    for check in checks:
        try:
            check()
        except TopologyError as err:
            out.append({"Code": err.code, "Message": err.message})
    return out


def _instance_type(name: str) -> None:
    if instance_types.get(name) is None:
        raise InvalidParameterValue(f"Invalid value '{name}' for InstanceType.")


def _image(world: World, part: Partition, image_id: str) -> None:
    images.get(world, part, image_id)


def _key(world: World, part: Partition, name: str) -> None:
    key_pairs.by_name(world, part, name)


def _zone(part: Partition, zone: str) -> None:
    if regions.zone(part.region, zone_name=zone) is None:
        raise InvalidParameterValue(f"Invalid availability zone: [{zone}]")


# -- RunInstances -----------------------------------------------------------------------------
def locate(world: World, part: Partition, spec: dict[str, Any]) -> tuple[str, int]:
    """(template id, version number) that a RunInstances `LaunchTemplate` names; its
    `Version` defaults to the template's default version."""
    spec = spec or {}
    lt_id = spec.get("LaunchTemplateId")
    name = spec.get("LaunchTemplateName")
    found = find(world, part, lt_id, name)
    return found, version_number(world, found, spec.get("Version"))


def resolve(world: World, part: Partition, spec: dict[str, Any]) -> dict[str, Any]:
    """The launch parameters of the version `spec` names ({LaunchTemplateId |
    LaunchTemplateName, Version}), in RunInstances parameter names (a copy)."""
    lt_id, number = locate(world, part, spec)
    data = versions(world, lt_id)[number]["LaunchTemplateData"]
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = RUN_NAMES.get(key, key)
        if name is not None:
            out[name] = copy.deepcopy(value)
    return out


# -- views and filters ------------------------------------------------------------------------
def view(world: World, lt_id: str) -> dict[str, Any]:
    """The template as boto3's `LaunchTemplate`."""
    node = world.graph.nodes[lt_id]
    out: dict[str, Any] = {
        "LaunchTemplateId": lt_id,
        "LaunchTemplateName": node["LaunchTemplateName"],
        "CreateTime": node["CreateTime"],
        "CreatedBy": node["CreatedBy"],
        "DefaultVersionNumber": node["DefaultVersionNumber"],
        "LatestVersionNumber": latest_number(world, lt_id),
    }
    if node["tags"]:
        out["Tags"] = tags.as_list(world, lt_id)
    return out


def version_view(world: World, lt_id: str, number: int) -> dict[str, Any]:
    """One version as boto3's `LaunchTemplateVersion` (a copy)."""
    node = world.graph.nodes[lt_id]
    record = node["versions"][number]
    out: dict[str, Any] = {"LaunchTemplateId": lt_id,
                           "LaunchTemplateName": node["LaunchTemplateName"]}
    out.update(copy.deepcopy(record))
    out["DefaultVersion"] = number == node["DefaultVersionNumber"]
    return out


FILTERS: FilterTable = {
    "create-time": Filter(lambda w, rid, n: stamp(n["CreateTime"])),
    "launch-template-name": Filter(lambda w, rid, n: n["LaunchTemplateName"],
                                   lambda w, part, value: w.claimed(part, NAME_INDEX, value),
                                   exact=True),
}


def _data(*keys: str) -> Filter:
    """A filter on a member of a version row's launch data; lists give each element."""
    def values(world: Any, rid: str, row: dict[str, Any]) -> list[Any]:
        found: list[Any] = [row["LaunchTemplateData"]]
        for key in keys:
            nxt: list[Any] = []
            for item in found:
                value = item.get(key) if isinstance(item, dict) else None
                nxt.extend(value if isinstance(value, list) else [] if value is None else [value])
            found = nxt
        return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in found]
    return Filter(values)


VERSION_FILTERS: FilterTable = {
    "create-time": Filter(lambda w, rid, row: stamp(row["CreateTime"])),
    "ebs-optimized": _data("EbsOptimized"),
    "http-endpoint": _data("MetadataOptions", "HttpEndpoint"),
    # the IPv4 metadata endpoint is the HTTP endpoint itself
    "http-protocol-ipv4": _data("MetadataOptions", "HttpEndpoint"),
    "http-protocol-ipv6": _data("MetadataOptions", "HttpProtocolIpv6"),
    "host-resource-group-arn": _data("Placement", "HostResourceGroupArn"),
    "http-tokens": _data("MetadataOptions", "HttpTokens"),
    "iam-instance-profile": Filter(lambda w, rid, row: [
        v for k, v in (row["LaunchTemplateData"].get("IamInstanceProfile") or {}).items()
        if k in ("Arn", "Name")]),
    "image-id": _data("ImageId"),
    "instance-type": _data("InstanceType"),
    "is-default-version": Filter(lambda w, rid, row: row["DefaultVersion"]),
    "kernel-id": _data("KernelId"),
    "license-configuration-arn": _data("LicenseSpecifications", "LicenseConfigurationArn"),
    "network-card-index": _data("NetworkInterfaces", "NetworkCardIndex"),
    "ram-disk-id": _data("RamDiskId"),
}


def check_max_results(value: int | None) -> None:
    low, high = MAX_RESULTS
    if value is not None and not low <= value <= high:
        raise InvalidParameterValue(
            f"Value ( {value} ) for parameter maxResults is invalid. "
            f"Parameter must be between {low} and {high}.")
