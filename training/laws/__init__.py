"""The law library: laws and their articles, the full-text search and law imports."""
