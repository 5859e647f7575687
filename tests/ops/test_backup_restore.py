"""Backups (make backup / make restore): a restore gives back the same records, history and
figures; a wrong or damaged file, or a restore nobody confirmed, changes nothing."""

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core import backups
from records import services
from records.enums import Channel
from records.models import Record, RecordEvent
from stats.models import COUNT_FIELDS, DailyStat
from stats.services import compute_daily_stats
from tests.helpers import HUE, ON_POSTGRES, receive, require_service

PROJECT = Path(__file__).resolve().parents[2]
POSTGRES = "PostgreSQL (DATABASE_URL=postgres://...)"
DAYS = 6  # the test data spans the last DAYS days


def first_day():
    return timezone.localdate() - timedelta(days=DAYS)


def at(day: int, hour: int) -> datetime:
    """``hour`` o'clock on the ``day``-th day of the test data, Hue time."""
    return datetime.combine(first_day() + timedelta(days=day), datetime.min.time(), HUE).replace(
        hour=hour
    )


def make_records(clerk, unit) -> list[str]:
    """Records at several points of their lifecycle over the last days, and their figures."""
    other = {
        "applicant_name": "Trần Thị Bình",
        "applicant_id_number": "046195004321",
        "applicant_phone": "0905 111 222",
        "applicant_address": "3 Đinh Tiên Hoàng, phường Phú Xuân",
    }
    returned = receive(clerk, unit, received_at=at(0, 9))
    returned = services.record_process(record=returned, actor=clerk, at=at(1, 10))
    returned = services.record_resolve(record=returned, actor=clerk, e_result=True, at=at(2, 11))
    services.record_return(record=returned, actor=clerk, method="counter", at=at(3, 9))
    waiting = receive(clerk, unit, channel=Channel.ONLINE, received_at=at(0, 10), applicant=other)
    services.record_request_supplement(
        record=waiting, actor=clerk, reason="Thiếu bản sao giấy tờ", at=at(1, 14)
    )
    stopped = receive(clerk, unit, received_at=at(1, 8))
    services.record_stop(record=stopped, actor=clerk, reason="Không đủ điều kiện", at=at(2, 15))
    receive(clerk, unit, received_at=at(2, 16), digitised=True)
    services.record_submit(
        actor=None,
        procedure="ho-tich-khai-tu",
        receiving_unit=unit,
        applicant=other,
        submitted_at=at(3, 20),
    )
    compute_daily_stats(date_from=first_day(), date_to=timezone.localdate())
    return list(Record.objects.exclude(code=None).order_by("pk").values_list("code", flat=True))


def snapshot() -> dict:
    """Every record, history event and daily figure, as the ORM reads them."""
    return {
        "records": list(Record.objects.order_by("pk").values()),
        "events": list(RecordEvent.objects.order_by("pk").values()),
        "figures": list(DailyStat.objects.order_by("pk").values()),
    }


def backup(path) -> str:
    out = io.StringIO()
    call_command("backup_database", str(path), stdout=out)
    assert f"Backup written: {path} (" in out.getvalue()
    return out.getvalue()


# --- PostgreSQL -------------------------------------------------------------------------------


def pg_connect(database: dict):
    import psycopg

    return psycopg.connect(**backups.psycopg_parameters(database), autocommit=True)


def pg_content(database: dict) -> dict:
    """Every row of every table of the public schema, and every sequence's position."""
    with pg_connect(database) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        content = {
            table: conn.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
            for table in tables
        }
        content["sequences"] = conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' "
            "ORDER BY 1"
        ).fetchall()
    return content


def pg_has_history_guard(database: dict) -> bool:
    with pg_connect(database) as conn:
        return bool(
            conn.execute(
                "SELECT 1 FROM pg_trigger WHERE tgname = 'recordevent_append_only' "
                "AND tgrelid = 'records_recordevent'::regclass"
            ).fetchone()
        )


@pytest.fixture
def scratch_database():
    """An empty database next to the test database (``<test db>_restore``), dropped after."""
    require_service(ON_POSTGRES, POSTGRES)
    from psycopg import sql

    database = {**connection.settings_dict, "NAME": f"{connection.settings_dict['NAME']}_restore"}
    name = sql.Identifier(database["NAME"])
    with pg_connect({**connection.settings_dict, "NAME": "postgres"}) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
    yield database
    with pg_connect({**connection.settings_dict, "NAME": "postgres"}) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_restore_into_a_fresh_database_gives_back_records_history_and_figures(
    eager, clerk_a, unit_a, scratch_database, tmp_path
):
    codes = make_records(clerk_a, unit_a)
    path = tmp_path / "portal.dump"
    backup(path)
    assert backups.file_kind(path) == backups.POSTGRESQL

    backups.restore_database(path, database=scratch_database)

    with pg_connect(scratch_database) as restored:
        records = restored.execute(
            "SELECT code, status, version, applicant_name, applicant_id_number, "
            "applicant_phone, applicant_address, due_date, outcome FROM records_record ORDER BY id"
        ).fetchall()
        events = restored.execute(
            "SELECT record_id, action, from_status, to_status, at, actor_id, note, data "
            "FROM records_recordevent ORDER BY id"
        ).fetchall()
        figures = restored.execute(
            f"SELECT unit_id, day, {', '.join(COUNT_FIELDS)}, computed_at "
            "FROM stats_dailystat ORDER BY id"
        ).fetchall()
    assert records == list(
        Record.objects.order_by("pk").values_list(
            "code",
            "status",
            "version",
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "applicant_address",
            "due_date",
            "outcome",
        )
    )
    assert [code for code, *_ in records if code] == codes and len(codes) == 4
    assert {status for _, status, *_ in records} == {1, 2, 5, 8, 10}
    assert events == list(
        RecordEvent.objects.order_by("pk").values_list(
            "record_id", "action", "from_status", "to_status", "at", "actor_id", "note", "data"
        )
    )
    assert len(events) == 11  # the online record: submitted, then received
    assert figures == list(
        DailyStat.objects.order_by("pk").values_list("unit_id", "day", *COUNT_FIELDS, "computed_at")
    )
    assert DailyStat.objects.filter(unit=unit_a, day=first_day()).get().received == 2
    # Everything else too (accounts, reference data, sequences), and the history guard.
    assert pg_content(scratch_database) == pg_content(connection.settings_dict)
    assert pg_has_history_guard(scratch_database)
    with pytest.raises(Exception, match="append-only"), pg_connect(scratch_database) as restored:
        restored.execute("DELETE FROM records_recordevent")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_restore_over_a_changed_database_gives_back_the_backed_up_state(
    eager, clerk_a, unit_a, tmp_path
):
    require_service(ON_POSTGRES, POSTGRES)
    make_records(clerk_a, unit_a)
    saved = snapshot()
    content = pg_content(connection.settings_dict)
    path = tmp_path / "portal.dump"
    backup(path)

    extra = receive(clerk_a, unit_a, received_at=at(4, 9))
    digitised = Record.objects.get(digitised=True, channel=Channel.IN_PERSON)
    services.record_process(record=digitised, actor=clerk_a, at=at(4, 10))
    compute_daily_stats(date_from=first_day(), date_to=timezone.localdate())
    assert snapshot() != saved

    out = io.StringIO()
    call_command("restore_database", str(path), "--yes", stdout=out)

    assert f"Restored: {path} (" in out.getvalue()
    assert snapshot() == saved
    assert pg_content(connection.settings_dict) == content
    assert not Record.objects.filter(pk=extra.pk).exists()
    assert pg_has_history_guard(connection.settings_dict)
    event = RecordEvent.objects.first()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE records_recordevent SET note = 'x' WHERE id = %s", [event.pk])
    # Work continues where the backup left off: the sequences came back with the rows.
    again = receive(clerk_a, unit_a)
    assert again.pk not in {row["id"] for row in saved["records"]}
    assert again.code not in {row["code"] for row in saved["records"]}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_dump_cut_short_fails_in_one_transaction_and_changes_nothing(
    eager, clerk_a, unit_a, tmp_path
):
    require_service(ON_POSTGRES, POSTGRES)
    make_records(clerk_a, unit_a)
    path = tmp_path / "portal.dump"
    backup(path)
    cut = tmp_path / "cut.dump"
    cut.write_bytes(path.read_bytes()[:-200])
    backups.inspect_backup(cut)  # its table of contents is intact: the restore starts
    receive(clerk_a, unit_a)  # a change made after the backup must survive the failure
    saved, content = snapshot(), pg_content(connection.settings_dict)

    with pytest.raises(CommandError, match="one transaction, so the database is unchanged"):
        call_command("restore_database", str(cut), "--yes", stdout=io.StringIO())

    assert snapshot() == saved
    assert pg_content(connection.settings_dict) == content
    assert pg_has_history_guard(connection.settings_dict)


# --- SQLite (the embedded default), through manage.py, on every machine -----------------------


def subprocess_step(step: str) -> dict:
    """Run inside a ``manage.py``-like process on a scratch SQLite database (see below)."""
    from django.core.management import call_command as command

    from accounts.models import Role, User
    from communes.models import Commune
    from tests.helpers import UNIT_A, make_user

    if step == "seed":
        command("migrate", verbosity=0)
        command("load_reference", stdout=io.StringIO())
        unit = Commune.objects.get(code=UNIT_A)
        make_records(make_user("clerk_a", Role.CLERK, commune=unit), unit)
    elif step == "change":
        unit = Commune.objects.get(code=UNIT_A)
        clerk = User.objects.get(username="clerk_a")
        receive(clerk, unit, received_at=at(4, 9))
        compute_daily_stats(date_from=first_day(), date_to=timezone.localdate())
    return snapshot()


STEP = (
    "import json, sys, django; django.setup(); "
    "from django.core.serializers.json import DjangoJSONEncoder; "
    "from tests.ops.test_backup_restore import subprocess_step; "
    "print(json.dumps(subprocess_step(sys.argv[1]), cls=DjangoJSONEncoder))"
)


@pytest.mark.slow
def test_sqlite_backup_and_restore_through_manage_py(tmp_path):
    database = tmp_path / "portal.sqlite3"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="hue_admin.settings",
        DATABASE_URL=f"sqlite:///{database}",
        DEBUG="1",
    )

    def run(*arguments, stdin=subprocess.DEVNULL):
        return subprocess.run(
            [sys.executable, *arguments],
            cwd=PROJECT,
            env=env,
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def step(name):
        done = run("-c", STEP, name)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.splitlines()[-1])

    seeded = step("seed")
    assert len(seeded["records"]) == 5 and len(seeded["events"]) == 11 and seeded["figures"]
    path = tmp_path / "backups" / "portal.dump"
    done = run("manage.py", "backup_database", str(path))
    assert done.returncode == 0, done.stderr
    assert f"Backup written: {path} (" in done.stdout
    assert backups.file_kind(path) == backups.SQLITE

    changed = step("change")
    assert changed != seeded

    refused = run("manage.py", "restore_database", str(path))  # no terminal, no --yes
    assert refused.returncode == 1
    assert "pass --yes" in refused.stderr
    assert step("snapshot") == changed

    done = run("manage.py", "restore_database", str(path), "--yes")
    assert done.returncode == 0, done.stderr
    assert f"Restored: {path} (" in done.stdout
    assert step("snapshot") == seeded


# --- Refusals, on the configured database ----------------------------------------------------


def write_sqlite(path: Path, table: str) -> None:
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"CREATE TABLE {table} (id integer primary key)")
        db.commit()


ENGINE = backups.POSTGRESQL if ON_POSTGRES else backups.SQLITE
NOT_A_BACKUP = "neither a pg_dump custom-format dump nor a SQLite database"
SQLITE_HERE = "is a SQLite backup but the configured database is PostgreSQL"
PG_HERE = "is a PostgreSQL backup but the configured database is SQLite"
WRONG_FILES = {
    # kind: (how to write it, expected message on PostgreSQL, on SQLite)
    "missing": (None, "no such file", "no such file"),
    "empty": (lambda path: path.write_bytes(b""), NOT_A_BACKUP, NOT_A_BACKUP),
    "random bytes": (lambda path: path.write_bytes(os.urandom(4096)), NOT_A_BACKUP, NOT_A_BACKUP),
    "plain SQL dump": (
        lambda path: path.write_text("--\n-- PostgreSQL database dump\n--\nSELECT 1;\n"),
        NOT_A_BACKUP,
        NOT_A_BACKUP,
    ),
    "damaged pg_dump file": (
        lambda path: path.write_bytes(b"PGDMP" + os.urandom(2000)),
        "not a readable pg_dump archive",
        PG_HERE,
    ),
    "damaged SQLite file": (
        lambda path: path.write_bytes(backups.SQLITE_MAGIC + os.urandom(8000)),
        SQLITE_HERE,
        "not a readable SQLite database|damaged SQLite database",
    ),
    "another SQLite database": (
        lambda path: write_sqlite(path, "notes"),
        SQLITE_HERE,
        "holds no django_migrations, records_record, records_recordevent",
    ),
}


@pytest.mark.parametrize("kind", list(WRONG_FILES))
@pytest.mark.django_db
def test_a_wrong_or_damaged_file_is_refused_and_changes_nothing(kind, clerk_a, unit_a, tmp_path):
    receive(clerk_a, unit_a)
    saved = snapshot()
    write, on_postgres, on_sqlite = WRONG_FILES[kind]
    path = tmp_path / "wrong.dump"
    if write:
        write(path)

    with pytest.raises(CommandError, match="Nothing was changed") as refusal:
        call_command("restore_database", str(path), "--yes", stdout=io.StringIO())

    assert re.search(on_postgres if ON_POSTGRES else on_sqlite, str(refusal.value))
    assert snapshot() == saved


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_pg_dump_without_the_portal_tables_is_refused(clerk_a, unit_a, tmp_path):
    """A readable pg_dump archive of something else: here only the units table."""
    require_service(ON_POSTGRES, POSTGRES)
    receive(clerk_a, unit_a)
    saved = snapshot()
    path = tmp_path / "units.dump"
    database = connection.settings_dict
    dump = [*backups.pg_dump_command(database, path), "--table=communes_commune"]
    subprocess.run(dump, env=backups.pg_environment(database), check=True)

    with pytest.raises(CommandError, match="holds no django_migrations, records_record"):
        call_command("restore_database", str(path), "--yes", stdout=io.StringIO())

    assert snapshot() == saved


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.django_db(transaction=True)
def test_restore_without_yes_refuses_when_not_interactive(eager, clerk_a, unit_a, tmp_path):
    receive(clerk_a, unit_a)
    path = tmp_path / "portal.dump"
    backup(path)
    later = receive(clerk_a, unit_a)

    with pytest.raises(CommandError, match="pass --yes .*Nothing was changed"):
        call_command("restore_database", str(path), stdin=io.StringIO("yes\n"))

    assert Record.objects.filter(pk=later.pk).exists()


@pytest.mark.parametrize("answer", ["no", "yes"])
@pytest.mark.django_db(transaction=True)
def test_restore_asks_on_a_terminal(answer, eager, clerk_a, unit_a, tmp_path):
    kept = receive(clerk_a, unit_a)
    path = tmp_path / "portal.dump"
    backup(path)
    later = receive(clerk_a, unit_a)
    out = io.StringIO()

    if answer == "no":
        with pytest.raises(CommandError, match="cancelled. Nothing was changed"):
            call_command("restore_database", str(path), stdin=Terminal("no\n"), stdout=out)
    else:
        call_command("restore_database", str(path), stdin=Terminal("yes\n"), stdout=out)

    assert "replaces everything in" in out.getvalue() and "Type 'yes'" in out.getvalue()
    assert Record.objects.filter(pk=later.pk).exists() == (answer == "no")
    assert Record.objects.filter(pk=kept.pk).exists()


# --- The backup command -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_backup_goes_to_the_backups_folder_and_never_overwrites(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    out = io.StringIO()
    call_command("backup_database", stdout=out)

    [path] = (tmp_path / "backups").iterdir()
    assert re.fullmatch(r"hue-portal-\d{8}-\d{6}\.dump", path.name)
    assert re.search(
        rf"Backup written: {re.escape(str(path))} \([\d.,]+ (bytes|KB|MB)", out.getvalue()
    )
    assert backups.file_kind(path) == ENGINE
    assert path.stat().st_mode & 0o777 == 0o600  # personal data: the owner only
    written = path.read_bytes()

    with pytest.raises(CommandError, match="already exists"):
        call_command("backup_database", str(path), stdout=io.StringIO())
    assert path.read_bytes() == written


PG_SETTINGS = {
    "ENGINE": "django.db.backends.postgresql",
    "NAME": "hue",
    "USER": "hue",
    "PASSWORD": "s3cret-Pw",
    "HOST": "db",
    "PORT": "5432",
    "OPTIONS": {"sslmode": "require"},
}


def test_postgres_commands_keep_the_password_off_the_command_line():
    path = Path("/srv/backups/portal.dump")
    connect = ["--host=db", "--port=5432", "--username=hue", "--no-password", "--dbname=hue"]
    dump = backups.pg_dump_command(PG_SETTINGS, path)
    restore = backups.pg_restore_command(PG_SETTINGS, path)

    assert dump == [
        "pg_dump",
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={path}",
        *connect,
    ]
    assert restore == [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        *connect,
        str(path),
    ]
    assert not any("s3cret" in argument for argument in dump + restore)
    assert backups.pg_environment(PG_SETTINGS, base={"PATH": "/usr/bin"}) == {
        "PATH": "/usr/bin",
        "PGPASSWORD": "s3cret-Pw",
        "PGSSLMODE": "require",
    }


def test_a_missing_pg_dump_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    path = tmp_path / "portal.dump"

    with pytest.raises(backups.BackupError, match="pg_dump not found on PATH"):
        backups.backup_database(path, database=PG_SETTINGS)

    assert list(tmp_path.iterdir()) == []
