"""Fixed-window counters in the shared cache (Redis in production): how many lookups an
address, or a record code, made in the current window. With the cache down the counters fail
open (``core.cache``) and lookups go on, unlimited, with a warning in the log."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str, window: int) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]  # no code nor address in the key
    return f"citizens:lookup:{kind}:{digest}:{int(time.time() // window)}"


def hit(kind: str, value: str) -> int:
    """Count one lookup for ``value`` of ``kind`` (``address`` or ``code``); returns the count
    in the current window, this one included."""
    window = settings.LOOKUP_LIMIT_WINDOW_SECONDS
    key = _key(kind, value, window)
    if cache.add(key, 1, timeout=window + 5):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)
        return 1


def over_limit(*, address: str, code: str) -> bool:
    """Count this lookup for its address and its code; True if either went over its limit."""
    limited = hit("address", address or "-") > settings.LOOKUP_LIMIT_PER_ADDRESS
    if code:
        limited |= hit("code", code) > settings.LOOKUP_LIMIT_PER_CODE
    return limited
