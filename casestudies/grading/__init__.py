"""Grading of records.

Markers, second marker and reconciliation, release, regrades, queue, statistics.
"""
