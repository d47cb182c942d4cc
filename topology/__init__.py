"""The graph model of an EC2 network: resources as nodes, relationships as typed edges.

Nothing here knows HTTP or the EC2 wire format; `api` translates requests into calls on
`World` and the family modules, and `routing`/`viz` read the graph. The families sit in layers
(`core` < `catalogue` < `network` < `compute`, `connect` < `analysis` < `provision`), each
importing only its own layer or lower ones (docs/architecture.md).

A lower layer asks what it cannot import through a `core.registry.Registry` that the higher
families fill when they are imported: what a fresh partition holds (`provision.defaults`),
how routes treat peering connections and transit gateways, what a VPC's deletion releases,
whether two VPCs are peered (`connect.peering`, `connect.tgw_attachments`). Importing this
package imports those answers, so the registries are full before any world exists.
"""
# the modules that answer lower layers' registries (tests/test_registries.py)
from .connect import (local_gateway_route_tables, local_gateway_routes, peering,  # noqa: F401
                      tgw_attachments)
from .network import byoip_ipam, ipam_resolver_targets, route_server_associations  # noqa: F401
from .provision import defaults  # noqa: F401
from .compute import recycle_bin  # noqa: F401  (core.retention.RETAIN)
from .compute import host_placement  # noqa: F401  (instance_launch.PLACERS, ZONES; STARTERS)
