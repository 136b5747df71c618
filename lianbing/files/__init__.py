"""Uploaded files: checking, storing in the database, sending back."""
