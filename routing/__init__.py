"""Route resolution, policy evaluation and reachability over the topology graph.

Reads `topology`'s graph; knows nothing of HTTP. `reachability(world, source, destination,
...)` answers like Reachability Analyzer (`Analysis`: path found, forward and return path
components, explanations with AWS's codes). The parts:

* `packet`: headers, addresses, port sets;
* `selection`: route tables (subnet, main, gateway edge tables), longest prefix match with
  AWS's priorities, transit gateway route tables;
* `policy`: security groups (stateful) and network ACLs (stateless, ordered);
* `walk`: one walk's state and the shared checks; `forwarding`: route table to target, the
  table of hops per target kind; `gateways` and `transit`: what each gateway does, returning
  where the packet goes on (`walk.Onward`) for `forwarding` to follow (no module calls back up);
* `places`: sources, destinations and their addresses; `analysis`: forward and return walks;
* `components`, `explanations`: AWS's shapes for components and explanation codes;
* `ends`: a question's ends as people give them (ids, ARNs, addresses an interface holds);
  `words`: an answer in plain words (hops, blockers, what a code means);
* `classes`: forwarding classes (members the network cannot tell apart); `matrix`: every pair
  of subnets or security groups, one walk per class pair; `diff`: the flows two worlds'
  matrices disagree on (change impact), port range by port range (`ports`: ports no rule
  tells apart); `assertions`: policy checks (`check(world, policy)`, docs/policies.md),
  one walk per class pair.
"""
from __future__ import annotations

from .analysis import Analysis, reachability
from .assertions import PolicyError, check
from .diff import diff
from .explanations import VOCABULARY as EXPLANATION_CODES
from .matrix import matrix
from .selection import Choice, select, subnet_table

__all__ = ["Analysis", "Choice", "EXPLANATION_CODES", "PolicyError", "check", "diff", "matrix",
           "reachability", "select", "subnet_table"]
