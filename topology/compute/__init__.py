"""Instances and what they run on: images, volumes, snapshots, key pairs, placement groups,
launch templates, spot requests and fleets, instance profiles.
"""
