"""Backups of the portal's database: write one to a file, restore one over the database.

- PostgreSQL: ``pg_dump --format=custom --no-owner --no-privileges`` writes the dump;
  ``pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction
  --exit-on-error`` restores it, in one transaction: a restore that fails half-way (a truncated
  file, a lost connection) changes nothing. Connection parameters come from the Django
  settings; the password goes to the client tools in ``PGPASSWORD``, never on the command line
  (where ``ps`` would show it): ``core.pg_client`` builds their arguments and environment.
- SQLite (the embedded default of ``make run``): a consistent copy with sqlite3's online backup
  API, in both directions.

Everything the portal knows is in the database (records, their history, the daily figures,
accounts, reference data), so a restore gives back the figures with the data: nothing needs
recomputing. A file is checked before anything is touched: it must be a backup of the
configured engine and hold the portal's tables; otherwise the restore is refused.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with an argument list, no shell
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from core.pg_client import (
    pg_dump_command,
    pg_environment,
    pg_restore_command,
    psycopg_parameters,
)

POSTGRESQL = "postgresql"
SQLITE = "sqlite"
PG_CUSTOM_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"
# A file without these tables is not a backup of this portal.
REQUIRED_TABLES = ("django_migrations", "records_record", "records_recordevent")
_TABLE_DATA_ENTRY = re.compile(r"^\d+; \d+ \d+ TABLE DATA (\S+) (\S+)")
_VERSION = re.compile(r"\(PostgreSQL\) (\d+)")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    seconds: float
    engine: str


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    size: int
    seconds: float
    engine: str
    # Tables of the database that the backup does not hold: pg_restore --clean leaves them as
    # they were (e.g. created by a migration newer than the backup).
    untouched_tables: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BackupFile:
    """What a checked backup file holds."""

    path: Path
    engine: str
    tables: frozenset[str]


# --- Public API -------------------------------------------------------------------------------


def default_backup_path(now: datetime | None = None) -> Path:
    """``backups/hue-portal-<YYYYmmdd-HHMMSS>.dump`` in the project, local time."""
    moment = timezone.localtime(now)
    return Path(settings.BASE_DIR) / "backups" / f"hue-portal-{moment:%Y%m%d-%H%M%S}.dump"


def database_settings(alias: str = DEFAULT_DB_ALIAS) -> dict:
    """The settings of the configured database (the test database inside a test run)."""
    return connections[alias].settings_dict


def describe_database(database: dict) -> str:
    """``PostgreSQL database hue on db:5432`` / ``SQLite database /path/db.sqlite3``; no
    password."""
    if engine_of(database) == SQLITE:
        return f"SQLite database {database['NAME']}"
    where = database.get("HOST") or "local socket"
    if database.get("PORT"):
        where = f"{where}:{database['PORT']}"
    return f"PostgreSQL database {database['NAME']} on {where}"


def backup_database(
    path: Path | str | None = None, *, database: dict | None = None
) -> BackupResult:
    """Write a backup of ``database`` (the configured one by default) to ``path`` (default:
    ``default_backup_path()``). Refuses to overwrite an existing file. The file appears only
    once complete, readable by its owner only: it holds citizens' personal data."""
    database = database if database is not None else database_settings()
    engine = engine_of(database)
    path = Path(path) if path is not None else default_backup_path()
    if path.exists():
        raise BackupError(f"{path} already exists; choose another file or remove it first.")
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    partial = path.with_name(f".{path.name}.partial")
    started = time.monotonic()
    try:
        # Created empty and private first: the data is never readable by others, even while
        # it is being written.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        if engine == POSTGRESQL:
            _backup_postgresql(database, partial)
        else:
            _backup_sqlite(database, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path, path.stat().st_size, time.monotonic() - started, engine)


def inspect_backup(path: Path | str, *, database: dict | None = None) -> BackupFile:
    """Check that ``path`` is a backup of this portal that can be restored into ``database``;
    raise ``BackupError`` saying what is wrong otherwise. Touches no database."""
    database = database if database is not None else database_settings()
    engine = engine_of(database)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file. Nothing was changed.")
    kind = file_kind(path)
    if kind is None:
        raise BackupError(
            f"{path} is not a backup of the portal: neither a pg_dump custom-format dump nor "
            "a SQLite database (make backup writes one of these). Nothing was changed."
        )
    if kind != engine:
        raise BackupError(
            f"{path} is a {_ENGINE_NAMES[kind]} backup but the configured database is "
            f"{_ENGINE_NAMES[engine]}; it cannot be restored here. Nothing was changed."
        )
    tables = _postgresql_archive_tables(path) if kind == POSTGRESQL else _sqlite_file_tables(path)
    missing = [table for table in REQUIRED_TABLES if table not in tables]
    if missing:
        raise BackupError(
            f"{path} is not a backup of the portal: it holds no {', '.join(missing)}. "
            "Nothing was changed."
        )
    return BackupFile(path, kind, frozenset(tables))


def restore_database(path: Path | str, *, database: dict | None = None) -> RestoreResult:
    """Replace the content of ``database`` (the configured one by default) with the backup in
    ``path``. The file is checked first; a refused file changes nothing. Django's connections
    are closed first (they reconnect on next use); run it with the portal and the workers
    stopped. Not inside a transaction: the restore runs in its own session."""
    database = database if database is not None else database_settings()
    backup = inspect_backup(path, database=database)
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            raise BackupError("Cannot restore inside a transaction; nothing was changed.")
    started = time.monotonic()
    untouched: list[str] = []
    if backup.engine == POSTGRESQL:
        untouched = sorted(_current_tables(database) - backup.tables)
        connections.close_all()
        _restore_postgresql(database, backup.path)
    else:
        connections.close_all()
        _restore_sqlite(database, backup.path)
    return RestoreResult(
        backup.path,
        backup.path.stat().st_size,
        time.monotonic() - started,
        backup.engine,
        untouched,
    )


def engine_of(database: dict) -> str:
    engine = database["ENGINE"]
    if engine.endswith("postgresql"):
        return POSTGRESQL
    if engine.endswith("sqlite3"):
        return SQLITE
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")


def file_kind(path: Path) -> str | None:
    """``postgresql`` for a pg_dump custom-format file, ``sqlite`` for a SQLite database,
    None for anything else (plain SQL, tar or directory dumps, other files)."""
    with open(path, "rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(PG_CUSTOM_MAGIC):
        return POSTGRESQL
    if head == SQLITE_MAGIC:
        return SQLITE
    return None


# --- PostgreSQL -------------------------------------------------------------------------------


def _client_tool(name: str) -> str:
    program = shutil.which(name)
    if program is None:
        raise BackupError(
            f"{name} not found on PATH. Install the PostgreSQL client tools of the server's "
            "major version or newer (Debian: apt-get install postgresql-client)."
        )
    return program


def _tool_major_version(program: str) -> int | None:
    completed = subprocess.run(  # noqa: S603
        [program, "--version"], capture_output=True, text=True, check=False
    )
    match = _VERSION.search(completed.stdout)
    return int(match.group(1)) if match else None


def _run(arguments: list[str], environment: dict[str, str], what: str, after: str = "") -> str:
    completed = subprocess.run(  # noqa: S603
        arguments, env=environment, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        details = completed.stderr.strip() or completed.stdout.strip() or "no message"
        raise BackupError(f"{what} failed (exit status {completed.returncode}){after}:\n{details}")
    return completed.stdout


def _server_major_version(database: dict) -> int | None:
    try:
        with psycopg.connect(**psycopg_parameters(database)) as connection:
            return connection.info.server_version // 10000
    except psycopg.Error as exc:
        raise BackupError(f"Cannot connect to {describe_database(database)}: {exc}") from None


def _backup_postgresql(database: dict, path: Path) -> None:
    program = _client_tool("pg_dump")
    tool, server = _tool_major_version(program), _server_major_version(database)
    if tool is not None and server is not None and tool < server:
        raise BackupError(
            f"pg_dump {tool} cannot dump a PostgreSQL {server} server: install the client "
            f"tools of version {server} or newer (postgresql-client-{server})."
        )
    _run(pg_dump_command(database, path, program=program), pg_environment(database), "pg_dump")


def _postgresql_archive_tables(path: Path) -> set[str]:
    """The tables whose data the custom-format dump holds (``pg_restore --list`` reads its
    table of contents; a damaged or foreign file fails there)."""
    program = _client_tool("pg_restore")
    try:
        listing = _run([program, "--list", str(path)], dict(os.environ), "pg_restore --list")
    except BackupError as exc:
        raise BackupError(
            f"{path} is not a readable pg_dump archive. Nothing was changed.\n{exc}"
        ) from None
    return {
        match.group(2)
        for line in listing.splitlines()
        if (match := _TABLE_DATA_ENTRY.match(line)) and match.group(1) == "public"
    }


def _current_tables(database: dict) -> set[str]:
    query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    try:
        with psycopg.connect(**psycopg_parameters(database)) as connection:
            return {row[0] for row in connection.execute(query)}
    except psycopg.Error as exc:
        raise BackupError(f"Cannot connect to {describe_database(database)}: {exc}") from None


def _restore_postgresql(database: dict, path: Path) -> None:
    program = _client_tool("pg_restore")
    _run(
        pg_restore_command(database, path, program=program),
        pg_environment(database),
        "pg_restore",
        "; it ran in one transaction, so the database is unchanged",
    )


# --- SQLite -----------------------------------------------------------------------------------


def _connect_sqlite(database: dict) -> sqlite3.Connection:
    name = str(database["NAME"])
    # The in-memory test database is a shared-cache URI ("file:memorydb_default?mode=memory…").
    return sqlite3.connect(name, uri=name.startswith("file:"))


def _read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _backup_sqlite(database: dict, path: Path) -> None:
    try:
        with closing(_connect_sqlite(database)) as source, closing(sqlite3.connect(path)) as copy:
            source.backup(copy)
            # One self-contained file, whatever the journal mode of the live database (WAL).
            copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite backup failed: {exc}") from None


def _sqlite_file_tables(path: Path) -> set[str]:
    try:
        with closing(sqlite3.connect(_read_only_uri(path), uri=True)) as copy:
            check = copy.execute("PRAGMA quick_check").fetchone()[0]
            tables = {
                row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
    except sqlite3.Error as exc:
        raise BackupError(
            f"{path} is not a readable SQLite database ({exc}). Nothing was changed."
        ) from None
    if check != "ok":
        raise BackupError(f"{path} is a damaged SQLite database ({check}). Nothing was changed.")
    return tables


def _restore_sqlite(database: dict, path: Path) -> None:
    try:
        with (
            closing(sqlite3.connect(_read_only_uri(path), uri=True)) as source,
            closing(_connect_sqlite(database)) as target,
        ):
            source.backup(target)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite restore failed: {exc}") from None


_ENGINE_NAMES = {POSTGRESQL: "PostgreSQL", SQLITE: "SQLite"}
