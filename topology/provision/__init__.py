"""Whole worlds: AWS's defaults for a fresh partition, the importer of a real account's describe
output, JSON snapshots and the SQLite store.
"""
