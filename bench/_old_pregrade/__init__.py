"""A frozen copy of the pre-grading engine before the layout-aware reader (the bench baseline)."""
