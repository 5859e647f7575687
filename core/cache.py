"""A Redis cache that fails open. The cache only holds what can be lost (API throttling
counts), so when Redis is unreachable a read is a miss and a write is dropped — with a warning
in the log — instead of a failed request."""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _fail_open(fallback):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as error:
                logger.warning(
                    "Cache unavailable (%s); %s skipped.", type(error).__name__, method.__name__
                )
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


class FailOpenRedisCache(RedisCache):
    get = _fail_open(_default)(RedisCache.get)
    get_many = _fail_open(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _fail_open(lambda *a, **k: False)(RedisCache.has_key)
    set = _fail_open(lambda *a, **k: None)(RedisCache.set)
    set_many = _fail_open(lambda keys, *a, **k: list(keys))(RedisCache.set_many)
    add = _fail_open(lambda *a, **k: False)(RedisCache.add)
    touch = _fail_open(lambda *a, **k: False)(RedisCache.touch)
    delete = _fail_open(lambda *a, **k: False)(RedisCache.delete)
    delete_many = _fail_open(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _fail_open(lambda *a, **k: False)(RedisCache.clear)
