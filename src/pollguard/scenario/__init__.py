"""Scenarios at the edge: the folder format, its validation, the builders and the importers."""
