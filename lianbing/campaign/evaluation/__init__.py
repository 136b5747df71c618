"""Summary reports and self-evaluation of the county bureaus."""
