"""The floor every family stands on: the world and its journal, the schema of kinds and edges,
errors, filters, paging, tags, addressing, regions, and read-only queries.
"""
