"""Grading of records: markers, second marker and reconciliation, release, regrades, queue, statistics."""
