"""One import of EC2 describe answers into a partition: what each family's builder writes through.

`topology/provision/importer.py` decides which describe calls are read, in which order, and
which family function builds one item of each answer (`vpcs.imported(imp, item)`,
`peering.imported(imp, item)`, ...). Those functions live with their families, beside the
view they invert, and write through `Import`: it adds what was described once (pages may
overlap, an instance lists its interfaces again), links only what both ends were described
for, and counts in `Report` everything the graph could not hold, so nothing is dropped
silently.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from . import schema
from .clock import now
from .world import Partition, World


@dataclass
class Report:
    """What an import built, and what it could not."""

    built: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)   # "what: why" -> count

    def skip(self, what: str, why: str, count: int = 1) -> None:
        if count:
            self.skipped[f"{what}: {why}"] += count

    def lines(self) -> list[str]:
        out = [f"imported {n} {kind}" for kind, n in sorted(self.built.items())]
        out += [f"not imported: {n} x {what}" for what, n in sorted(self.skipped.items())]
        return out


def tags(item: dict[str, Any]) -> dict[str, str]:
    """A described item's `Tags` as a dict."""
    return {t["Key"]: t.get("Value", "") for t in item.get("Tags") or [] if "Key" in t}


def when(value: Any) -> Any:
    """A timestamp as a datetime (JSON files carry them as ISO 8601 text).

    >>> when("2024-01-02T03:04:05Z").isoformat()
    '2024-01-02T03:04:05+00:00'
    """
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def when_or_now(value: Any) -> dt.datetime:
    """A described creation time, or now when the answer gave none."""
    return when(value) or now()


class Import:
    """The world and partition being built, the report, and what other calls gave.

    `rows[call][id]` holds the items a per-resource call (GetManagedPrefixListEntries,
    GetTransitGatewayRouteTableAssociations, ...) listed for one resource; `pending` the
    interfaces read from instances, built after DescribeNetworkInterfaces's own.
    """

    def __init__(self, world: World, part: Partition, report: Report,
                 rows: dict[str, dict[str, list[dict[str, Any]]]] | None = None) -> None:
        self.world, self.part, self.report = world, part, report
        self.rows = rows or {}
        self.pending: list[dict[str, Any]] = []

    def add(self, kind: str, rid: str, item: dict[str, Any] | None = None,
            **fields: Any) -> bool:
        """Add the node with the item's tags; False if it was already built."""
        if rid in self.world.graph:
            return False            # listed twice (pages overlap, or an instance's ENI)
        self.world.add(self.part, kind, rid, **fields)
        for key, value in tags(item or {}).items():
            self.world.tag(rid, key, value)
        self.report.built[kind] += 1
        return True

    def has(self, rid: str | None, kind: str | None = None) -> bool:
        node = self.world.graph.nodes.get(rid) if rid else None
        return node is not None and (kind is None or node["kind"] == kind)

    def link(self, u: str, v: str, etype: str, disc: Any = None, *, what: str,
             **data: Any) -> None:
        """Link `u -> v` if both were described; count the relationship otherwise."""
        if self.has(u) and self.has(v):
            self.world.link(u, v, etype, disc, **data)
        else:
            self.report.skip(what, f"{v if self.has(u) else u} was not described")

    def skip(self, what: str, why: str, count: int = 1) -> None:
        self.report.skip(what, why, count)

    def found(self, call: str, rid: str) -> list[dict[str, Any]]:
        """The items the per-resource `call` listed for `rid`."""
        return self.rows.get(call, {}).get(rid, [])

    def asked(self, call: str, rid: str) -> bool:
        """Whether the per-resource `call` was answered for `rid` (even with no items)."""
        return rid in self.rows.get(call, {})

    def cidr_block(self, owner: str, block: dict[str, Any], member: str, state: str,
                   extra: tuple[str, ...] = (), kind: str = "vpc-cidr-assoc") -> None:
        """A VPC's or subnet's associated CIDR block: a node its owner CONTAINS."""
        status = (block.get(state) or {}).get("State", "associated")
        if status not in ("associated", "associating"):
            return          # a disassociated block is history, not topology
        fields = {member: block[member], state: {"State": status}}
        fields.update({k: block[k] for k in extra if k in block})
        assoc_id = block.get("AssociationId") or self.world.new_id(kind)
        if self.add(kind, assoc_id, None, **fields):
            self.world.link(owner, assoc_id, schema.CONTAINS)

    def gateway(self, kind: str, rid: str, item: dict[str, Any]) -> None:
        """A gateway ATTACHED to the VPCs its live attachments name."""
        if not self.add(kind, rid, item):
            return
        for attachment in item.get("Attachments") or []:
            state = attachment.get("State", "available")
            if state in ("attached", "available"):
                self.link(rid, attachment["VpcId"], schema.ATTACHED,
                          what=f"{kind} attachment", State="available")
