"""Named counters: versions that key caches, and fixed-window rate counts (see services)."""
