"""Practical drills (实战练兵): rounds, inspection teams and their reports."""
