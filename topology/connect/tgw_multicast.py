"""Transit gateway multicast domains: VPC attachments' subnets associated with a domain, and
the network interfaces registered as members or sources of multicast groups.

* `tgw -[CONTAINS]-> tgw-mcast-domain`; the domain holds `State`, `CreationTime`, `Options`;
* `domain -[ASSOCIATED, subnet id]-> attachment {State}`: one subnet of a VPC attachment in
  the domain (`associated`, or `pendingAcceptance` when the attachment is another account's
  and the domain does not auto-accept shared associations);
* `domain -[REFERENCES, "member:<group>" | "source:<group>"]-> eni`: group membership
  (static, as the API registers it), gone with the interface.

AWS's rules kept here: a domain needs a gateway created with multicast support; only a VPC
attachment of the domain's gateway, through its own subnets, associates; an interface
registers only from a subnet associated with the domain, for a multicast group address
(224.0.0.0/4, ff00::/8); a domain with associations cannot be deleted.
"""
from __future__ import annotations

from typing import Any

from netaddr import AddrFormatError, IPAddress, IPNetwork

from ..core import schema
from ..core import tags as tagging
from ..core.clock import now
from ..core.errors import IncorrectState, InvalidParameterValue, NotFound, TopologyError
from ..core.family import Family, declare, removed
from ..core.filters import Filter, FilterTable, field, ident, select_rows
from ..core.world import Partition, World, not_found
from ..network import network_interfaces
from ..network.prefix_lists import page_rows
from . import tgw_route_tables as rtbs
from . import transit_gateways as gateways
from .tgw_attachments import subnet_list

KIND = "transit-gateway-multicast-domain"
ATTACHMENT = "transit-gateway-attachment"
ENI = "network-interface"
OPTIONS = ("Igmpv2Support", "StaticSourcesSupport", "AutoAcceptSharedAssociations")
GROUPS = (IPNetwork("224.0.0.0/4"), IPNetwork("ff00::/8"))
ROLES = ("member", "source")


def gateway_of(world: World, domain_id: str) -> str:
    return world.into(domain_id, schema.CONTAINS, gateways.KIND)[0][0]


# -- domains --------------------------------------------------------------------------------------
def create(world: World, part: Partition, transit_gateway_id: str, *,
           options: dict[str, Any] | None = None, tags: dict[str, str] | None = None) -> str:
    gateways.get(world, part, transit_gateway_id)
    if gateways.options(world, transit_gateway_id).get("MulticastSupport") != "enable":
        raise IncorrectState(f"Multicast is not enabled on transit gateway "
                             f"{transit_gateway_id}.", "IncorrectState")
    given = options or {}
    opts = {name: given.get(name) or "disable" for name in OPTIONS}
    domain_id = world.new_id("tgw-mcast-domain")
    world.add(part, KIND, domain_id, State="available", CreationTime=now(), Options=opts)
    world.link(transit_gateway_id, domain_id, schema.CONTAINS)
    tagging.apply(world, domain_id, tags or {})
    return domain_id


def delete(world: World, part: Partition, domain_id: str) -> dict[str, Any]:
    world.get(part, KIND, domain_id)
    if world.out(domain_id, schema.ASSOCIATED, ATTACHMENT):
        raise IncorrectState(f"{domain_id} has non-deleted associations", "IncorrectState")
    return removed(world, domain_id, view, "deleting")


def view(world: World, domain_id: str) -> dict[str, Any]:
    """boto3's `TransitGatewayMulticastDomain`."""
    node = world.graph.nodes[domain_id]
    return {"TransitGatewayMulticastDomainId": domain_id,
            "TransitGatewayId": gateway_of(world, domain_id),
            "TransitGatewayMulticastDomainArn":
                f"arn:aws:ec2:{node['region']}:{node['account']}:{KIND}/{domain_id}",
            "OwnerId": node["account"], "Options": dict(node["Options"]),
            "State": node["State"], "CreationTime": node["CreationTime"],
            "Tags": tagging.listed(node["tags"])}


FILTERS: FilterTable = {
    "state": field("State"),
    "transit-gateway-id": Filter(lambda w, rid, n: gateway_of(w, rid)),
    "transit-gateway-multicast-domain-id": ident(),
}


# -- associations ----------------------------------------------------------------------------------
def _vpc_attachment(world: World, domain_id: str, attach_id: str) -> dict[str, Any]:
    node = rtbs.attachment(world, attach_id)
    if gateway_of(world, domain_id) not in rtbs.gateways_of_attachment(world, attach_id):
        raise InvalidParameterValue(
            f"Transit Gateway Attachment {attach_id} does not belong to Transit Gateway "
            f"{gateway_of(world, domain_id)}.")
    if node.get("ResourceType") != "vpc":
        raise InvalidParameterValue(f"Transit Gateway Attachment {attach_id} is not a VPC "
                                    "attachment.")
    rtbs.check_usable(world, attach_id)
    return node


def _subnets(world: World, attach_id: str, subnet_ids: list[str]) -> list[str]:
    own = subnet_list(world, attach_id)
    for subnet_id in subnet_ids:
        if subnet_id not in own:
            if world.node(subnet_id) is None:
                raise not_found("subnet", subnet_id)
            raise InvalidParameterValue(f"The subnet {subnet_id} is not a subnet of "
                                        f"Transit Gateway Attachment {attach_id}.")
    return list(dict.fromkeys(subnet_ids))


def _edge(world: World, domain_id: str, attach_id: str, subnet_id: str) -> dict[str, Any] | None:
    key = (schema.ASSOCIATED, subnet_id)
    if world.graph.has_edge(domain_id, attach_id, key):
        data: dict[str, Any] = world.graph.edges[domain_id, attach_id, key]
        return data
    return None


def associations_view(world: World, domain_id: str, attach_id: str,
                      subnets: list[tuple[str, str]]) -> dict[str, Any]:
    """boto3's `TransitGatewayMulticastDomainAssociations`."""
    gateway = gateway_of(world, domain_id)
    attachment = rtbs.attachment_view(world, attach_id, gateway)
    resource = attachment.get("ResourceId")
    owner = world.graph.nodes[resource]["account"] if resource in world.graph else \
        world.graph.nodes[attach_id]["account"]
    return {"TransitGatewayMulticastDomainId": domain_id, **attachment,
            "ResourceOwnerId": owner,
            "Subnets": [{"SubnetId": s, "State": state} for s, state in subnets]}


def associate(world: World, part: Partition, transit_gateway_multicast_domain_id: str,
              transit_gateway_attachment_id: str, subnet_ids: list[str]) -> dict[str, Any]:
    domain_id, attach_id = transit_gateway_multicast_domain_id, transit_gateway_attachment_id
    domain = world.get(part, KIND, domain_id)
    attachment = _vpc_attachment(world, domain_id, attach_id)
    chosen = _subnets(world, attach_id, subnet_ids)
    waits = attachment["account"] != domain["account"] and \
        domain["Options"]["AutoAcceptSharedAssociations"] != "enable"
    state = "pendingAcceptance" if waits else "associated"
    for subnet_id in chosen:
        if _edge(world, domain_id, attach_id, subnet_id) is None:
            world.link(domain_id, attach_id, schema.ASSOCIATED, subnet_id, State=state)
    return associations_view(world, domain_id, attach_id,
                             [(s, "pendingAcceptance" if waits else "associating")
                              for s in chosen])


def disassociate(world: World, part: Partition, transit_gateway_multicast_domain_id: str,
                 transit_gateway_attachment_id: str, subnet_ids: list[str]) -> dict[str, Any]:
    domain_id, attach_id = transit_gateway_multicast_domain_id, transit_gateway_attachment_id
    world.get(part, KIND, domain_id)
    chosen = list(dict.fromkeys(subnet_ids))
    for subnet_id in chosen:
        if _edge(world, domain_id, attach_id, subnet_id) is None:
            raise NotFound(f"The subnet {subnet_id} of Transit Gateway Attachment {attach_id} "
                           f"is not associated with {domain_id}.",
                           "InvalidTransitGatewayMulticastDomainAssociation.NotFound")
    answer = associations_view(world, domain_id, attach_id,
                               [(s, "disassociating") for s in chosen])
    for subnet_id in chosen:
        world.unlink(domain_id, attach_id, schema.ASSOCIATED, subnet_id)
    return answer


def _decide(world: World, part: Partition, domain_id: str | None, attach_id: str | None,
            subnet_ids: list[str] | None, accept: bool) -> dict[str, Any]:
    """Accept or reject pending associations (the domain's owner)."""
    if not domain_id:
        raise TopologyError("The request must contain the parameter "
                            "TransitGatewayMulticastDomainId", "MissingParameter")
    if not attach_id:
        raise TopologyError("The request must contain the parameter "
                            "TransitGatewayAttachmentId", "MissingParameter")
    world.get(part, KIND, domain_id)
    pending = [s for a, s, d in world.out(domain_id, schema.ASSOCIATED, ATTACHMENT)
               if a == attach_id and d.get("State") == "pendingAcceptance"]
    chosen = list(dict.fromkeys(subnet_ids)) if subnet_ids else pending
    for subnet_id in chosen:
        if subnet_id not in pending:
            raise IncorrectState(f"The association of subnet {subnet_id} with {domain_id} is "
                                 "not pending acceptance.", "IncorrectState")
    for subnet_id in chosen:
        world.unlink(domain_id, attach_id, schema.ASSOCIATED, subnet_id)
        if accept:
            world.link(domain_id, attach_id, schema.ASSOCIATED, subnet_id, State="associated")
    state = "associating" if accept else "rejected"
    return associations_view(world, domain_id, attach_id, [(s, state) for s in chosen])


def accept_associations(world: World, part: Partition, *,
                        transit_gateway_multicast_domain_id: str | None = None,
                        transit_gateway_attachment_id: str | None = None,
                        subnet_ids: list[str] | None = None) -> dict[str, Any]:
    return _decide(world, part, transit_gateway_multicast_domain_id,
                   transit_gateway_attachment_id, subnet_ids, True)


def reject_associations(world: World, part: Partition, *,
                        transit_gateway_multicast_domain_id: str | None = None,
                        transit_gateway_attachment_id: str | None = None,
                        subnet_ids: list[str] | None = None) -> dict[str, Any]:
    return _decide(world, part, transit_gateway_multicast_domain_id,
                   transit_gateway_attachment_id, subnet_ids, False)


def association_rows(world: World, domain_id: str) -> list[dict[str, Any]]:
    """One `TransitGatewayMulticastDomainAssociation` per associated subnet."""
    nodes = world.graph.nodes
    edges = sorted(world.out(domain_id, schema.ASSOCIATED, ATTACHMENT),
                   key=lambda e: (nodes[e[0]]["seq"], e[1]))
    rows = []
    for attach_id, subnet_id, data in edges:
        whole = associations_view(world, domain_id, attach_id, [(subnet_id, data["State"])])
        rows.append({k: v for k, v in whole.items()
                     if k not in ("TransitGatewayMulticastDomainId", "Subnets")}
                    | {"Subnet": whole["Subnets"][0]})
    return rows


ASSOCIATION_FILTERS: FilterTable = {
    "resource-id": Filter(lambda w, rid, row: row.get("ResourceId")),
    "resource-type": Filter(lambda w, rid, row: row.get("ResourceType")),
    "state": Filter(lambda w, rid, row: row["Subnet"]["State"]),
    "subnet-id": Filter(lambda w, rid, row: row["Subnet"]["SubnetId"]),
    "transit-gateway-attachment-id": Filter(lambda w, rid, row: row["TransitGatewayAttachmentId"]),
}


def associations(world: World, part: Partition, domain_id: str,
                 filters: list[dict[str, Any]] | None, max_results: int | None,
                 next_token: str | None) -> dict[str, Any]:
    """GetTransitGatewayMulticastDomainAssociations."""
    world.get(part, KIND, domain_id)
    rows = select_rows(ASSOCIATION_FILTERS, filters, association_rows(world, domain_id),
                       taggable=False)
    page, token = page_rows(rows, max_results, next_token)
    return {"MulticastDomainAssociations": page, "NextToken": token}


# -- group members and sources ---------------------------------------------------------------------
def _group(text: str | None) -> str:
    try:
        if not text:
            raise AddrFormatError(text)
        addr = IPAddress(text, flags=0)
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidParameterValue(f"Value ({text}) for parameter groupIpAddress is invalid.")
    if not any(addr.version == g.version and addr in g for g in GROUPS):
        raise InvalidParameterValue(f"The group IP address {text} is not a multicast address.")
    return str(addr)


def _associated_subnets(world: World, domain_id: str) -> dict[str, str]:
    """Associated subnet -> its attachment."""
    return {s: a for a, s, d in world.out(domain_id, schema.ASSOCIATED, ATTACHMENT)
            if d.get("State") == "associated"}


def _register(world: World, part: Partition, domain_id: str, group: str | None,
              eni_ids: list[str], role: str) -> dict[str, Any]:
    world.get(part, KIND, domain_id)
    address = _group(group)
    subnets = _associated_subnets(world, domain_id)
    chosen = list(dict.fromkeys(eni_ids))
    for eni in chosen:
        world.get(part, ENI, eni)
        if network_interfaces.subnet_of(world, eni) not in subnets:
            raise InvalidParameterValue(
                f"The network interface {eni} is not in a subnet associated with {domain_id}.")
    for eni in chosen:
        disc = f"{role}:{address}"
        if not world.graph.has_edge(domain_id, eni, (schema.REFERENCES, disc)):
            world.link(domain_id, eni, schema.REFERENCES, disc)
    return {"TransitGatewayMulticastDomainId": domain_id,
            "RegisteredNetworkInterfaceIds": chosen, "GroupIpAddress": address}


def _deregister(world: World, part: Partition, domain_id: str | None, group: str | None,
                eni_ids: list[str] | None, role: str) -> dict[str, Any]:
    if not domain_id:
        raise TopologyError("The request must contain the parameter "
                            "TransitGatewayMulticastDomainId", "MissingParameter")
    world.get(part, KIND, domain_id)
    address = _group(group)
    disc = f"{role}:{address}"
    chosen = list(dict.fromkeys(eni_ids or []))
    code = "TransitGatewayMulticastGroupMember.NotFound" if role == "member" else \
        "TransitGatewayMulticastGroupSource.NotFound"
    for eni in chosen:
        if not world.graph.has_edge(domain_id, eni, (schema.REFERENCES, disc)):
            raise NotFound(f"The network interface {eni} is not a registered {role} of group "
                           f"{address} in {domain_id}.", code)
    for eni in chosen:
        world.unlink(domain_id, eni, schema.REFERENCES, disc)
    return {"TransitGatewayMulticastDomainId": domain_id,
            "DeregisteredNetworkInterfaceIds": chosen, "GroupIpAddress": address}


def register_members(world: World, part: Partition, transit_gateway_multicast_domain_id: str,
                     network_interface_ids: list[str], *,
                     group_ip_address: str | None = None) -> dict[str, Any]:
    return _register(world, part, transit_gateway_multicast_domain_id, group_ip_address,
                     network_interface_ids, "member")


def register_sources(world: World, part: Partition, transit_gateway_multicast_domain_id: str,
                     network_interface_ids: list[str], *,
                     group_ip_address: str | None = None) -> dict[str, Any]:
    return _register(world, part, transit_gateway_multicast_domain_id, group_ip_address,
                     network_interface_ids, "source")


def deregister_members(world: World, part: Partition, *,
                       transit_gateway_multicast_domain_id: str | None = None,
                       group_ip_address: str | None = None,
                       network_interface_ids: list[str] | None = None) -> dict[str, Any]:
    return _deregister(world, part, transit_gateway_multicast_domain_id, group_ip_address,
                       network_interface_ids, "member")


def deregister_sources(world: World, part: Partition, *,
                       transit_gateway_multicast_domain_id: str | None = None,
                       group_ip_address: str | None = None,
                       network_interface_ids: list[str] | None = None) -> dict[str, Any]:
    return _deregister(world, part, transit_gateway_multicast_domain_id, group_ip_address,
                       network_interface_ids, "source")


def group_rows(world: World, domain_id: str) -> list[dict[str, Any]]:
    """One `TransitGatewayMulticastGroup` per registration: an interface both member and
    source of a group has two rows (a member row reads `GroupSource` false), as clients
    find a registration with `is-group-member`/`is-group-source` true/false pairs."""
    subnets = _associated_subnets(world, domain_id)
    gateway = gateway_of(world, domain_id)
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for eni, disc, _ in world.out(domain_id, schema.REFERENCES, ENI):
        role, _, address = str(disc).partition(":")
        subnet = network_interfaces.subnet_of(world, eni)
        attach = subnets.get(subnet)
        row: dict[str, Any] = {"GroupIpAddress": address}
        if attach is not None:
            attachment = rtbs.attachment_view(world, attach, gateway)
            row.update(TransitGatewayAttachmentId=attach, SubnetId=subnet,
                       ResourceId=attachment.get("ResourceId"),
                       ResourceType=attachment.get("ResourceType"),
                       ResourceOwnerId=world.graph.nodes[attach]["account"])
        row.update(NetworkInterfaceId=eni, GroupMember=role == "member",
                   GroupSource=role == "source")
        row["MemberType" if role == "member" else "SourceType"] = "static"
        found[(address, eni, role)] = row
    return [found[k] for k in sorted(found, key=lambda k: (IPAddress(k[0]), k[1], k[2]))]


GROUP_FILTERS: FilterTable = {
    name: Filter(lambda w, rid, row, member=member: row.get(member))
    for name, member in (("group-ip-address", "GroupIpAddress"),
                         ("is-group-member", "GroupMember"), ("is-group-source", "GroupSource"),
                         ("member-type", "MemberType"), ("resource-id", "ResourceId"),
                         ("resource-type", "ResourceType"), ("source-type", "SourceType"),
                         ("subnet-id", "SubnetId"),
                         ("transit-gateway-attachment-id", "TransitGatewayAttachmentId"))}


def search(world: World, part: Partition, domain_id: str, filters: list[dict[str, Any]] | None,
           max_results: int | None, next_token: str | None) -> dict[str, Any]:
    """SearchTransitGatewayMulticastGroups."""
    world.get(part, KIND, domain_id)
    rows = select_rows(GROUP_FILTERS, filters, group_rows(world, domain_id), taggable=False)
    page, token = page_rows(rows, max_results, next_token)
    return {"MulticastGroups": page, "NextToken": token}


FAMILY = declare(Family(
    KIND, view=view, filters=FILTERS, create=create,
    created_view=lambda world, rid: {**view(world, rid), "State": "pending"}, delete=delete,
    max_results=(5, 1000),
    actions={"AssociateTransitGatewayMulticastDomain": associate,
             "DisassociateTransitGatewayMulticastDomain": disassociate,
             "AcceptTransitGatewayMulticastDomainAssociations": accept_associations,
             "RejectTransitGatewayMulticastDomainAssociations": reject_associations,
             "RegisterTransitGatewayMulticastGroupMembers": register_members,
             "RegisterTransitGatewayMulticastGroupSources": register_sources,
             "DeregisterTransitGatewayMulticastGroupMembers": deregister_members,
             "DeregisterTransitGatewayMulticastGroupSources": deregister_sources}))
