"""`ec2sim reach` and `GET /_ec2sim/reach`: one reachability question, answered in words.

The ends are resource ids (or ARNs) or IPv4 addresses: an address a network interface holds
(privately, or as its public or Elastic IP) stands for that interface; a destination address
nobody holds is analysed as an address (the internet, an on-premises host). The answer is a
dict in Reachability Analyzer's member names (`NetworkPathFound`, `ForwardPathComponents`,
`ReturnPathComponents`, `Explanations`), from the engine directly (`analyze_world`) or from
a server's StartNetworkInsightsAnalysis (`api.cli`); `describe` puts either in plain words:
the hops of a reachable path, or what blocks it. The ends and the words are `routing.ends`
and `routing.words` (the web page reads them too), named here for the CLI.
"""
from __future__ import annotations

from typing import Any

import routing
from routing.ends import endpoint, holder, is_address
from routing.words import blocker, describe, label
from topology.core.world import Partition, World

__all__ = ["RESULT", "analyze_world", "blocker", "describe", "endpoint", "holder",
           "is_address", "label"]

RESULT = ("NetworkPathFound", "ForwardPathComponents", "ReturnPathComponents", "Explanations")


def analyze_world(world: World, part: Partition, source: str, destination: str, *,
                  protocol: str = "tcp", port: int | None = None) -> dict[str, Any]:
    """Ask the engine about `source` -> `destination` in `world`; AWS-shaped answer.

    Raises `TopologyError`s for ends that do not resolve (see `endpoint`).
    """
    with world.lock:     # the server is threaded: read a consistent graph
        src, src_ip = endpoint(world, part, source, "source")
        dst, dst_ip = endpoint(world, part, destination, "destination")
        assert src is not None      # `endpoint` resolves a source or raises
        result = routing.reachability(world, src, dst, protocol=protocol, destination_port=port,
                                      source_ip=src_ip, destination_ip=dst_ip,
                                      account=part.account, region=part.region)
    return {"NetworkPathFound": bool(result.network_path_found),
            "ForwardPathComponents": list(result.forward_path),
            "ReturnPathComponents": list(result.return_path),
            "Explanations": list(result.explanations)}
