"""Questions asked of the network as stored resources: Network Insights paths and analyses,
Network Access Scopes.
"""
