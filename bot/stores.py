"""What the gateway's shared stores (PostgreSQL, Redis) have in common: how an outage looks.

Every store turns a lost connection into StoreUnavailable, and both channels turn that into the
localized "temporarily unavailable" (never a stack trace, never silence). Connection strings come
from Settings (DATABASE_URL, REDIS_URL); without them the embedded defaults are used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from limits.aio.storage import MemoryStorage, RedisStorage
    from redis.asyncio import ConnectionPool, Redis


class StoreUnavailable(Exception):
    """A database or Redis did not answer; the user should try again in a minute."""


REDIS_TIMEOUT = 5.0  # seconds: a hung Redis fails the request instead of hanging the user


def redis_pool(url: str) -> ConnectionPool:
    """A redis-py asyncio connection pool; the owner closes it with `await pool.disconnect()`.
    Broken connections are replaced on the next command, so Redis coming back needs nothing."""
    from redis.asyncio import ConnectionPool

    return ConnectionPool.from_url(url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT)


def redis_client(pool: ConnectionPool) -> Redis:
    from redis.asyncio import Redis

    return Redis(connection_pool=pool)


def redis_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean "Redis is unreachable" rather than a bug."""
    from redis.exceptions import ConnectionError, TimeoutError

    return (ConnectionError, TimeoutError, OSError)


def limits_storage(redis_url: str) -> tuple[MemoryStorage | RedisStorage, ConnectionPool | None]:
    """Storage for the `limits` library: this process's memory, or Redis (REDIS_URL) so that every
    gateway counts the same hits. Returns (storage, Redis pool or None); the owner closes the pool."""
    from limits.aio.storage import MemoryStorage, RedisStorage

    if not redis_url:
        return MemoryStorage(), None
    pool = redis_pool(redis_url)
    # `connection_pool` is a documented option of RedisStorage, but limits annotates its **options
    # as float | str | bool only
    storage = RedisStorage(
        "async+" + redis_url,
        implementation="redispy",
        wrap_exceptions=True,
        connection_pool=pool,  # type: ignore[arg-type]
    )
    return storage, pool


async def close_limits_storage(storage: MemoryStorage | RedisStorage, pool: ConnectionPool | None) -> None:
    """Stops the memory storage's expiry task, or closes the Redis connections."""
    timer = getattr(storage, "timer", None)
    if timer is not None:
        timer.cancel()
    if pool is not None:
        await pool.disconnect()
