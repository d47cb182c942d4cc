"""What AWS publishes rather than what an account creates: instance types and their offerings,
the public image catalogue, spot prices, SSM's public parameters.
"""
