"""Benchmarks.

Each module prints lines `bench <part>.<figure>: <v> <unit>; baseline <v> <unit>; ratio <r>`.
"""
