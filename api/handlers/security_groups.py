"""Security group operations: groups, their ingress and egress rules, rule descriptions."""
from __future__ import annotations

from typing import Any

from topology.core import tags
from topology.core.errors import InvalidParameterCombination, MissingParameter
from topology.network import group_rules
from topology.network import security_group_rules as sgr
from topology.network import security_groups as sg

from ..binding import describe
from ..operations import Context, handler

FLAT = ("CidrIp", "IpProtocol", "FromPort", "ToPort", "SourceSecurityGroupName",
        "SourceSecurityGroupOwnerId")
# A rule from a bare source group grants "full ICMP, UDP, and TCP access" (AWS's words).
SOURCE_GROUP_PERMISSIONS = (("tcp", 0, 65535), ("udp", 0, 65535), ("icmp", -1, -1))


def _group(ctx: Context, params: dict[str, Any]) -> str:
    return sg.resolve(ctx.world, ctx.part, params.get("GroupId"), params.get("GroupName"))


def _permissions(params: dict[str, Any]) -> list[dict[str, Any]]:
    """The request's rules as `IpPermission`s: the list itself, or the legacy flat fields."""
    flat = {k: params[k] for k in FLAT if k in params}
    perms = params.get("IpPermissions")
    if perms and flat:
        raise InvalidParameterCombination(
            f"The parameter IpPermissions cannot be used with the parameter {next(iter(flat))}")
    if perms:
        return list(perms)
    source = flat.get("SourceSecurityGroupName")
    if source is not None:
        other = [k for k in ("CidrIp", "IpProtocol", "FromPort", "ToPort") if k in flat]
        if other:
            raise InvalidParameterCombination(
                f"The parameter SourceSecurityGroupName cannot be used with the parameter "
                f"{other[0]}")
        pair = {"GroupName": source, "UserId": flat.get("SourceSecurityGroupOwnerId")}
        return [{"IpProtocol": proto, "FromPort": low, "ToPort": high,
                 "UserIdGroupPairs": [pair]} for proto, low, high in SOURCE_GROUP_PERMISSIONS]
    if not flat:
        raise MissingParameter("The request must contain the parameter ipPermissions")
    perm: dict[str, Any] = {k: flat[k] for k in ("IpProtocol", "FromPort", "ToPort") if k in flat}
    if "CidrIp" in flat:
        perm["IpRanges"] = [{"CidrIp": flat["CidrIp"]}]
    return [perm]


def _authorize(ctx: Context, params: dict[str, Any], *, egress: bool) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    sg_id = _group(ctx, params)
    rules = group_rules.parse(world, part, sg_id, _permissions(params))
    rule_tags = tags.from_specifications(params.get("TagSpecifications"), "security-group-rule")
    rule_ids = group_rules.authorize(world, part, sg_id, rules, egress=egress, tags=rule_tags)
    return {"Return": True, "SecurityGroupRules": [group_rules.rule_view(world, r) for r in rule_ids]}


def _revoke(ctx: Context, params: dict[str, Any], *, egress: bool) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    sg_id = _group(ctx, params)
    rule_ids = params.get("SecurityGroupRuleIds")
    if rule_ids:
        if params.get("IpPermissions") or any(k in params for k in FLAT):
            raise InvalidParameterCombination(
                "The parameter SecurityGroupRuleIds cannot be used with the parameter "
                "IpPermissions")
        revoked = group_rules.revoke_ids(world, part, sg_id, rule_ids, egress=egress)
        return {"Return": True, "RevokedSecurityGroupRules": revoked}
    rules = group_rules.parse(world, part, sg_id, _permissions(params))
    revoked, unknown = group_rules.revoke(world, part, sg_id, rules, egress=egress)
    out: dict[str, Any] = {"Return": True, "RevokedSecurityGroupRules": revoked}
    if unknown:
        out["UnknownIpPermissions"] = sgr.permissions(unknown)
    return out


def _update_descriptions(ctx: Context, params: dict[str, Any], *, egress: bool
                         ) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    sg_id = _group(ctx, params)
    perms, by_id = params.get("IpPermissions"), params.get("SecurityGroupRuleDescriptions")
    if perms and by_id:
        raise InvalidParameterCombination(
            "The parameter IpPermissions cannot be used with the parameter "
            "SecurityGroupRuleDescriptions")
    if by_id:
        group_rules.set_descriptions_by_id(world, part, sg_id, by_id, egress=egress)
    elif perms:
        group_rules.set_descriptions(world, part, sg_id, group_rules.parse(world, part, sg_id, perms),
                            egress=egress)
    else:
        raise MissingParameter("The request must contain the parameter IpPermissions or "
                               "SecurityGroupRuleDescriptions")
    return {"Return": True}


@handler
def create_security_group(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    new_tags = tags.from_specifications(params.get("TagSpecifications"), "security-group")
    sg_id = sg.create_group(ctx.world, ctx.part, params["GroupName"], params["Description"],
                            vpc_id=params.get("VpcId"), tags=new_tags)
    out: dict[str, Any] = {"GroupId": sg_id,
                           "SecurityGroupArn": sg.view(ctx.world, sg_id)["SecurityGroupArn"]}
    if new_tags:
        out["Tags"] = tags.as_list(ctx.world, sg_id)
    return out


@handler
def delete_security_group(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    sg_id = _group(ctx, params)
    sg.delete(ctx.world, ctx.part, sg_id)
    return {"Return": True, "GroupId": sg_id}


@handler
def describe_security_groups(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, part = ctx.world, ctx.part
    ids = list(params.get("GroupIds") or [])
    for sg_id in ids:
        sg.get(world, part, sg_id)        # AWS's own wording for an unknown group
    ids += [sg.by_name(world, part, name) for name in params.get("GroupNames") or []]
    return describe(ctx, params, kind="security-group", table=sg.FILTERS, view=sg.view,
                    output="SecurityGroups", ids=ids or None)


@handler
def authorize_security_group_ingress(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return _authorize(ctx, params, egress=False)


@handler
def authorize_security_group_egress(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return _authorize(ctx, params, egress=True)


@handler
def revoke_security_group_ingress(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return _revoke(ctx, params, egress=False)


@handler
def revoke_security_group_egress(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return _revoke(ctx, params, egress=True)


@handler
def update_security_group_rule_descriptions_ingress(ctx: Context, params: dict[str, Any]
                                                    ) -> dict[str, Any]:
    return _update_descriptions(ctx, params, egress=False)


@handler
def update_security_group_rule_descriptions_egress(ctx: Context, params: dict[str, Any]
                                                   ) -> dict[str, Any]:
    return _update_descriptions(ctx, params, egress=True)
