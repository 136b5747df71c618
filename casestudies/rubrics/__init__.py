"""Rubrics for records: criteria under the five standards, automatic checks, JSON import/export."""
