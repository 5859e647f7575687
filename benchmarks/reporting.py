"""What the benchmark scripts share: their own database and the portal's production settings
on it, percentiles, and their sections of docs/benchmarks.md."""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlparse


def recreate_database(url: str) -> None:
    """Drop (closing its connections) and create again the database of ``url``."""
    import psycopg  # noqa: PLC0415 - the scripts import the project's settings late
    from psycopg import sql  # noqa: PLC0415

    name = urlparse(url).path.lstrip("/")
    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def production_settings(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment a benchmark runs the portal with: production settings (``DEBUG=0``,
    a fresh secret key, plain HTTP on loopback, warnings only) on its own services."""
    return {
        "DJANGO_SETTINGS_MODULE": "hue_admin.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank value at ``share`` (0.5 for the median); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))
    return ordered[index]


def replace_section(doc: Path, start_mark: str, end_mark: str, text: str) -> None:
    """Write ``text`` (which begins with ``start_mark`` and ends with ``end_mark``) in place
    of that section of ``doc``, or append it; the rest of the file is kept."""
    existing = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    if start_mark in existing and end_mark in existing:
        head, rest = existing.split(start_mark, 1)
        _, tail = rest.split(end_mark, 1)
        updated = head + text.rstrip("\n") + tail
    else:
        updated = existing.rstrip("\n") + "\n\n" + text
    doc.write_text(updated, encoding="utf-8")
