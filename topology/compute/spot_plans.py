"""What a Spot launch specification resolves to, checked before anything changes.

A `Plan` reads a LaunchSpecification (RequestSpotInstances', or one pool of a Spot Fleet):
the instance type (offered for Spot), the AMI's product description (which prices the
pool), the subnet (its own or its primary interface's), the zone (the subnet's, the
placement's, else the cheapest of the default VPC's default subnets), the security groups
(the named ones, else the VPC's `default`) and the key pair. It prices its pool
(`spot_prices`) and gives the RunInstances parameters that launch it and the
LaunchSpecification as AWS echoes it.
"""
from __future__ import annotations

from typing import Any

from ..catalogue import instance_types, spot_prices
from ..core import regions, schema
from ..core.errors import InvalidParameterValue, MissingParameter, TopologyError
from ..core.lookups import default_vpc
from ..core.world import Partition, World
from ..network import security_groups, subnets
from . import images, key_pairs

DEFAULT_TYPE = "m1.small"          # RunInstances' documented default instance type (AWS's)
# LaunchSpecification members AWS echoes as given
ECHOED = ("ImageId", "KeyName", "KernelId", "RamdiskId", "SubnetId", "UserData",
          "AddressingType", "EbsOptimized", "IamInstanceProfile", "BlockDeviceMappings",
          "NetworkInterfaces")


class Plan:
    """A validated launch: where, what and at which price; built before anything changes."""

    def __init__(self, world: World, part: Partition, spec: dict[str, Any]) -> None:
        self.world, self.part, self.spec = world, part, spec
        if not spec.get("ImageId"):
            raise MissingParameter("The request must contain the parameter ImageId")
        self.itype = spec.get("InstanceType") or DEFAULT_TYPE
        found = spot_prices.facts(self.itype)
        if found is None:
            raise InvalidParameterValue(f"Invalid value '{self.itype}' for InstanceType.")
        if not found.spot:
            raise TopologyError(f"The instance type '{self.itype}' is not supported for Spot "
                                "Instances.", "Unsupported")
        self.product = product_of(world, part, spec["ImageId"])
        self.subnet = _subnet(world, part, spec)
        self.zone = self._zone()
        self.groups = _groups(world, part, spec, self.subnet)
        if spec.get("KeyName"):
            key_pairs.by_name(world, part, spec["KeyName"])

    def _zone(self) -> str | None:
        placement = self.spec.get("Placement") or {}
        if self.subnet is not None:
            return self.world.graph.nodes[self.subnet]["AvailabilityZone"]
        name, zone_id = placement.get("AvailabilityZone"), placement.get("AvailabilityZoneId")
        if name or zone_id:
            found = regions.zone(self.part.region, zone_name=name, zone_id=zone_id)
            if found is None:
                raise InvalidParameterValue(f"Invalid availability zone: [{name or zone_id}]")
            return found["ZoneName"]
        return self._cheapest_default_zone()

    def _cheapest_default_zone(self) -> str | None:
        """Without a subnet or zone AWS picks a pool of the default VPC: the cheapest one."""
        zones = default_zones(self.world, self.part, self.itype)
        priced = [(self.price(z), z) for z in zones]
        return min(priced)[1] if priced else None

    def price(self, zone: str | None = None) -> float:
        """The pool's current Spot price (the lowest of the region's when no zone is known)."""
        zone = zone or self.zone
        names = [zone] if zone else [z["ZoneName"] for z in regions.zones(self.part.region)]
        found = [spot_prices.current(self.part.region, z, self.itype, self.product)
                 for z in names]
        return min(p for p in found if p is not None)

    def on_demand(self) -> float:
        price = spot_prices.on_demand(self.part.region, self.itype, self.product)
        assert price is not None   # the type exists (checked above)
        return price

    def run_params(self, count: int) -> dict[str, Any]:
        """RunInstances parameters that launch `count` instances of this plan (every member
        of the specification is RunInstances' too, but AddressingType)."""
        out = {k: v for k, v in self.spec.items()
               if v is not None and k not in ("AddressingType", "Placement")}
        out["InstanceType"] = self.itype
        placement = {k: v for k, v in (self.spec.get("Placement") or {}).items() if v}
        if self.zone and self.subnet is None and not self.spec.get("NetworkInterfaces"):
            placement.pop("AvailabilityZoneId", None)
            placement["AvailabilityZone"] = self.zone
        if placement:
            out["Placement"] = placement
        out["MinCount"] = out["MaxCount"] = count
        return out

    def launch_specification(self) -> dict[str, Any]:
        """The LaunchSpecification as AWS echoes it."""
        out = {k: self.spec[k] for k in ECHOED if self.spec.get(k) is not None}
        out["InstanceType"] = self.itype
        placement = {k: v for k, v in (self.spec.get("Placement") or {}).items() if v}
        if self.zone:
            placement["AvailabilityZone"] = self.zone
        if placement:
            out["Placement"] = placement
        if self.groups:
            out["SecurityGroups"] = self.groups
        out["Monitoring"] = {"Enabled": bool((self.spec.get("Monitoring") or {}).get("Enabled"))}
        return out


def default_zones(world: World, part: Partition, itype: str) -> list[str]:
    """The zones of the default VPC's default subnets that offer `itype`."""
    vpc_id = default_vpc(world, part)
    if vpc_id is None:
        return []
    nodes = world.graph.nodes
    zones = sorted({nodes[s]["AvailabilityZone"] for s in subnets.subnet_ids(world, vpc_id)
                    if nodes[s].get("DefaultForAz")})
    return [z for z in zones
            if instance_types.offered(part.region, "availability-zone", z, itype)]


def product_of(world: World, part: Partition, image_id: str) -> str:
    """The product description of an AMI's platform (raises the AMI's not-found error)."""
    image = images.get(world, part, image_id)
    details = (image.get("PlatformDetails") or "").lower()
    if (image.get("Platform") or "").lower() == "windows" or details.startswith("windows"):
        return "Windows"
    if "red hat" in details:
        return "Red Hat Enterprise Linux"
    if "suse" in details:
        return "SUSE Linux"
    return "Linux/UNIX"


def _subnet(world: World, part: Partition, spec: dict[str, Any]) -> str | None:
    """The subnet the launch lands in: its own, or its primary network interface's."""
    if spec.get("SubnetId"):
        world.get(part, "subnet", spec["SubnetId"])
        return spec["SubnetId"]
    for ni in spec.get("NetworkInterfaces") or []:
        if ni.get("DeviceIndex", 0) != 0:
            continue
        if ni.get("SubnetId"):
            world.get(part, "subnet", ni["SubnetId"])
            return ni["SubnetId"]
        if ni.get("NetworkInterfaceId"):
            world.get(part, "network-interface", ni["NetworkInterfaceId"])
            found = world.into(ni["NetworkInterfaceId"], schema.CONTAINS, "subnet")
            return found[0][0] if found else None
    return None


def _groups(world: World, part: Partition, spec: dict[str, Any], subnet: str | None
            ) -> list[dict[str, str]]:
    """The launch's security groups as `{GroupName, GroupId}`: the named ones, else the
    VPC's default group (none when network interfaces carry their own)."""
    if spec.get("NetworkInterfaces"):
        return []
    vpc_id = subnets.vpc_of(world, subnet) if subnet else default_vpc(world, part)
    ids = []
    for sg_id in spec.get("SecurityGroupIds") or []:
        security_groups.get(world, part, sg_id)
        ids.append(sg_id)
    for name in spec.get("SecurityGroups") or []:
        found = security_groups.named(world, vpc_id, name) if vpc_id else None
        ids.append(found or security_groups.by_name(world, part, name))
    if not ids and vpc_id:
        default = security_groups.named(world, vpc_id, "default")
        ids = [default] if default else []
    nodes = world.graph.nodes
    return [{"GroupName": nodes[g]["GroupName"], "GroupId": g} for g in dict.fromkeys(ids)]
