"""Route resolution, policy evaluation and reachability over the topology graph.

Reads `topology`'s graph; knows nothing of HTTP. (The reachability engine arrives with the
Network Insights work; see the project's issues.)
"""
