"""The reachability form of the region and VPC pages: the question from the query string,
the engine's answer, and what the page shows of it.

The form is a GET form (`from`, `to`, `protocol`, `port`: the parameters of
`GET /_ec2sim/reach`), so a question is a link and the page works without JavaScript. The
ends are read as `ec2sim reach` reads them (`routing.ends`: ids, ARNs, addresses an interface
holds); the answer is `routing.reachability`'s in Reachability Analyzer's member names, which
`viz.overlay` draws on the diagram. Bad input is a `TopologyError` with AWS's code and
message, which the page shows with a 400.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import routing
from routing import ends, words
from topology.core import schema
from topology.core.errors import TopologyError
from topology.core.world import Partition, World
from topology.network import interface_views, network_interfaces

PROTOCOLS = ("tcp", "udp", "icmp")
CHOICES_LIMIT = 300     # datalist entries (a region can hold thousands of interfaces)
# what the datalist offers, besides interfaces and their instances
GATEWAYS = ("internet-gateway", "vpn-gateway", "transit-gateway")


@dataclass(frozen=True)
class Question:
    source: str
    destination: str
    protocol: str = "tcp"
    port: int | None = None

    @property
    def what(self) -> str:
        """`tcp port 22`, `icmp`."""
        return self.protocol + (f" port {self.port}" if self.port is not None else "")


def form(world: World, part: Partition, args: Mapping[str, str], vpc: str | None = None
         ) -> tuple[dict[str, Any], int]:
    """The form of a view (of `part`, or of its VPC `vpc`) for the query `args`: what was
    asked (`args`), the engine's `answer` and what the page lists of it (`shown`), or the
    `error` (code, message); the question the other way (`reverse`); the ends it offers
    (`choices`); and the page's HTTP status (400 for a question the engine cannot take)."""
    state: dict[str, Any] = {"args": {k: args.get(k, "") for k in ("from", "to", "protocol",
                                                                     "port")},
                             "protocols": PROTOCOLS, "question": None, "answer": None,
                             "shown": None, "error": None, "reverse": None}
    with world.lock:
        state["choices"] = choices(world, part, vpc)
    try:
        state["question"] = question(args)
        q = state["question"]
        if q is not None:
            # the way back, as a link: replies ride the forward path, new connections do not
            state["reverse"] = {"from": q.destination, "to": q.source, "protocol": q.protocol,
                                "port": "" if q.port is None else q.port}
            state["answer"] = ask(world, part, q)
            with world.lock:
                state["shown"] = shown(world, state["answer"])
    except TopologyError as err:
        state["error"] = {"code": err.code, "message": err.message}
        return state, 400
    return state, 200


def question(args: Mapping[str, str]) -> Question | None:
    """The question the query string asks; None when neither end is given (no question).

    Raises `TopologyError` (MissingParameter, InvalidParameterValue) for a half-asked or
    malformed one.
    """
    source, destination = (args.get(k, "").strip() for k in ("from", "to"))
    if not source and not destination:
        return None
    for name, value in (("from", source), ("to", destination)):
        if not value:
            raise TopologyError(f"The request must contain the parameter {name}",
                                "MissingParameter")
    protocol = (args.get("protocol") or "tcp").strip().lower()
    if protocol not in PROTOCOLS:
        raise TopologyError(f"Value ({protocol}) for parameter protocol is invalid. Valid "
                            f"values: {', '.join(PROTOCOLS)}.", "InvalidParameterValue")
    port = (args.get("port") or "").strip()
    if port and (not port.isdigit() or int(port) > 65535):
        raise TopologyError(f"Value ({port}) for parameter port is invalid. Specify a port "
                            "from 0 to 65535.", "InvalidParameterValue")
    # ICMP has no ports: the packet is any ICMP message
    number = int(port) if port and protocol != "icmp" else None
    return Question(source, destination, protocol, number)


def ask(world: World, part: Partition, q: Question) -> dict[str, Any]:
    """The engine's answer to `q` in `part`, in Reachability Analyzer's member names.

    Raises the `TopologyError` of an end that does not resolve (NotFound, a source address
    no interface holds).
    """
    with world.lock:
        src, src_ip = ends.endpoint(world, part, q.source, "source")
        dst, dst_ip = ends.endpoint(world, part, q.destination, "destination")
        assert src is not None      # `endpoint` resolves a source or raises
        result = routing.reachability(world, src, dst, protocol=q.protocol,
                                      destination_port=q.port, source_ip=src_ip,
                                      destination_ip=dst_ip, account=part.account,
                                      region=part.region)
    return {"NetworkPathFound": bool(result.network_path_found),
            "ForwardPathComponents": list(result.forward_path),
            "ReturnPathComponents": list(result.return_path),
            "Explanations": list(result.explanations)}


def shown(world: World, answer: Mapping[str, Any]) -> dict[str, Any]:
    """What the page lists of an answer: the hops of each path and each explanation (its
    code, what it means, the blocking component), ids marked `live` when they have a page."""
    return {"found": bool(answer.get("NetworkPathFound")),
            "forward": [_hop(world, h) for h in answer.get("ForwardPathComponents") or ()],
            "back": [_hop(world, h) for h in answer.get("ReturnPathComponents") or ()],
            "explanations": [_explanation(world, e) for e in answer.get("Explanations") or ()]}


def _hop(world: World, hop: Mapping[str, Any]) -> dict[str, Any]:
    rid = words.component(dict(hop))
    return {"n": hop.get("SequenceNumber"), "id": rid, "label": words.label(rid),
            "live": bool(rid and world.node(rid)), "detail": words.hop_detail(dict(hop))}


def _explanation(world: World, explanation: Mapping[str, Any]) -> dict[str, Any]:
    code = str(explanation.get("ExplanationCode", "UNKNOWN"))
    who = words.blocker(dict(explanation))
    return {"code": code, "meaning": words.meaning(code), "blocker": who,
            "label": words.label(who) if who else "", "live": bool(who and world.node(who)),
            "direction": explanation.get("Direction", ""), "text": words.explain(dict(explanation))}


def choices(world: World, part: Partition, vpc: str | None = None) -> list[tuple[str, str]]:
    """(id, description) of the ends the form offers: the interfaces of the VPC (or region),
    their instances, and the gateways attached to it."""
    found: dict[str, str] = {}
    for eni in world.ids(part, network_interfaces.KIND):
        if len(found) >= CHOICES_LIMIT:
            break
        if world.node(eni) is None or vpc and network_interfaces.vpc_of(world, eni) != vpc:
            continue
        view = interface_views.view(world, eni)
        address = view.get("PrivateIpAddress") or ""
        attached = network_interfaces.attachment(world, eni)
        if attached is not None:
            found[attached[0]] = _describe(world, attached[0], address)
        found[eni] = _describe(world, eni, address)
    for kind in GATEWAYS:
        for gateway in world.ids(part, kind):
            if world.node(gateway) is not None and (vpc is None or any(
                    peer == vpc for peer, _, _ in world.out(gateway, schema.ATTACHED, "vpc"))):
                found.setdefault(gateway, _describe(world, gateway, ""))
    return list(found.items())[:CHOICES_LIMIT]


def _describe(world: World, rid: str, address: str) -> str:
    node = world.graph.nodes[rid]
    name = node["tags"].get("Name", "")
    return " · ".join(x for x in (node["kind"], name, address) if x)

