"""Topology diagrams: layouts, renderers and the web page's templates.

Reads `topology`'s graph. (The renderers arrive with the diagram work; see the project's
issues.)
"""
