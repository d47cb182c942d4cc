"""The graph model of an EC2 network: resources as nodes, relationships as typed edges.

Nothing here knows HTTP or the EC2 wire format; `api` translates requests into calls on
`World` and the family modules (`vpcs`, `subnets`, ...), and `routing`/`viz` read the graph.
"""
