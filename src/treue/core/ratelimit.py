"""A small fixed-window rate limit on the configured cache.

With Django's default local-memory cache each web process counts for itself, so the limit holds
per process; a deployment with several processes that wants one limit for all configures a
shared cache (CACHES) such as the database cache.
"""

import time

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


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


def too_many_requests(request: HttpRequest, *, scope: str, limit: int) -> HttpResponse | None:
    """Count the request of its address in `scope` (per minute); past `limit`, the 429 page to
    answer with, else None. For the public pages that a token in the link protects."""
    if not rate_limit_exceeded(scope=scope, key=client_address(request), limit=limit):
        return None
    response = render(request, "core/too_many_requests.html", status=429)
    response["Retry-After"] = "60"
    return response


def keep_link_private(response: HttpResponse) -> HttpResponse:
    """A page reached by a secret link: not indexed, and the link is not passed on as referrer
    to other sites. ("no-referrer" would be stricter, but browsers then send its forms with
    `Origin: null`, which Django's CSRF check rightly refuses.)"""
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "same-origin"
    return response
