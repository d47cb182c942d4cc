"""VPC Block Public Access on the internet gateway hop (`gateways.igw_egress`/`igw_ingress`,
and `eigw_egress`: an egress-only internet gateway is held back like an internet gateway).

BPA judges connections, not packets: a connection it lets out may be answered, and one it
lets in may reply, so only the forward walk is checked (the reply walk passes). The subnet
that counts is the one the packet leaves toward the gateway (a NAT gateway's own subnet for
traffic it translated) or the one holding the destination it enters for. The refusal is
AWS's `VPC_BLOCK_PUBLIC_ACCESS_ENABLED`, naming the gateway, the VPC and the subnet.
"""
from __future__ import annotations

from topology.network import block_public_access as bpa

from .components import subnet_of
from .walk import Walk


def check_egress(w: Walk, igw: str, subnet: str | None, vpc: str, *,
                 member: str | None = "InternetGateway", egress_only: bool = False) -> None:
    """Raise `Blocked` when BPA stops a new outbound connection from `subnet` (`member`
    names the gateway in the explanation, beside `Component`). An egress-only gateway,
    like a NAT gateway, makes outbound connections only: ingress-only mode lets it be."""
    if subnet is None and w.packet.src_eni is not None:
        subnet = subnet_of(w.world, w.packet.src_eni)
    if w.reply or subnet is None:
        return
    via_nat = egress_only or "nat-gateway" in w.via
    if bpa.blocks(w.world, subnet, inbound=False, via_nat=via_nat) is not None:
        named = {member: igw} if member else {}
        raise w.blocked("VPC_BLOCK_PUBLIC_ACCESS_ENABLED", Component=igw, Vpc=vpc,
                        Subnet=subnet, Direction="egress", **named)


def check_ingress(w: Walk, igw: str, eni: str, vpc: str) -> None:
    """Raise `Blocked` when BPA stops a new inbound connection to the interface `eni`."""
    if w.reply:
        return
    subnet = subnet_of(w.world, eni)
    if subnet is not None and bpa.blocks(w.world, subnet, inbound=True) is not None:
        raise w.blocked("VPC_BLOCK_PUBLIC_ACCESS_ENABLED", Component=igw, InternetGateway=igw,
                        Vpc=vpc, Subnet=subnet, Direction="ingress")
