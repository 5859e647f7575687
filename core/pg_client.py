"""How PostgreSQL's client tools (pg_dump, pg_restore) and psycopg are pointed at a database
of Django's settings: their arguments, environment and connection parameters. The password
goes in ``PGPASSWORD`` (or psycopg's parameters), never on a command line, where ``ps`` would
show it."""

from __future__ import annotations

import os
from pathlib import Path

# libpq settings a DATABASE_URL can carry as query parameters (Django puts them in OPTIONS),
# passed to pg_dump/pg_restore as their environment variables.
LIBPQ_ENVIRONMENT = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "options": "PGOPTIONS",
}


def pg_dump_command(database: dict, path: Path, *, program: str = "pg_dump") -> list[str]:
    return [
        program,
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={path}",
        *connection_arguments(database),
    ]


def pg_restore_command(database: dict, path: Path, *, program: str = "pg_restore") -> list[str]:
    return [
        program,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        *connection_arguments(database),
        str(path),
    ]


def pg_environment(database: dict, base: dict | None = None) -> dict[str, str]:
    """The client tools' environment: ``base`` (the process environment by default) with the
    password in ``PGPASSWORD`` and the URL's libpq options (``sslmode``…)."""
    environment = dict(os.environ if base is None else base)
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    for option, variable in LIBPQ_ENVIRONMENT.items():
        value = (database.get("OPTIONS") or {}).get(option)
        if value not in (None, ""):
            environment[variable] = str(value)
    return environment


def connection_arguments(database: dict) -> list[str]:
    arguments = []
    if database.get("HOST"):
        arguments.append(f"--host={database['HOST']}")
    if database.get("PORT"):
        arguments.append(f"--port={database['PORT']}")
    if database.get("USER"):
        arguments.append(f"--username={database['USER']}")
    # Never prompt for a password: fail instead (the password comes from PGPASSWORD or
    # ~/.pgpass). The database is named with --dbname: without it pg_restore would print SQL.
    arguments += ["--no-password", f"--dbname={database['NAME']}"]
    return arguments


def psycopg_parameters(database: dict) -> dict:
    parameters = {"dbname": database["NAME"], "connect_timeout": "10"}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user")):
        if database.get(key):
            parameters[name] = str(database[key])
    if database.get("PASSWORD"):
        parameters["password"] = str(database["PASSWORD"])
    for option in LIBPQ_ENVIRONMENT:
        value = (database.get("OPTIONS") or {}).get(option)
        if value not in (None, ""):
            parameters[option] = str(value)
    return parameters
