"""A fixed-window rate limit per token (per user for the browser's session), counted in Django's cache (shared
between app servers when the cache is Redis). Over the limit: 429 with Retry-After."""
from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from .models import ApiToken

WINDOW_SECONDS = 60


class TokenRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        limit = int(getattr(settings, "API_RATE_LIMIT_PER_MINUTE", 600))
        if limit <= 0 or not (request.user and request.user.is_authenticated):
            return True
        who = f"t{request.auth.pk}" if isinstance(request.auth, ApiToken) else f"u{request.user.pk}"
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"api:rate:{who}:{window}"
        if cache.add(key, 1, WINDOW_SECONDS + 5):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, WINDOW_SECONDS + 5)
                count = 1
        self._wait = (window + 1) * WINDOW_SECONDS - now
        return count <= limit

    def wait(self) -> float:
        return getattr(self, "_wait", WINDOW_SECONDS)
