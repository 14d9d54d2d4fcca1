"""A small fixed-window rate limit on the configured cache.

With Django's default local-memory cache each web process counts for itself, so the limit holds
per process; a deployment with several processes that wants one limit for all configures a
shared cache (CACHES) such as the database cache.
"""

import time

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def rate_limit_exceeded(*, scope: str, key: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one request of `key` in `scope`; True once more than `limit` came in this window."""
    window = int(time.time() // window_seconds)
    name = f"ratelimit:{scope}:{key}:{window}"
    cache.add(name, 0, timeout=window_seconds * 2)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=window_seconds * 2)
        count = 1
    return count > limit
