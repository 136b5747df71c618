"""Background jobs: long work (whole-city exports, bulk imports, notification sends) on Redis
with RQ when ``REDIS_URL`` is set, inline in the request otherwise (docs/decisions/0020)."""
