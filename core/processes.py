"""Launch the portal's processes (gunicorn, a Celery worker, a private Redis) as children, on
loopback. Used by the fault tests, the load test and the benchmarks; not by the portal itself.

Every launcher takes the environment to run with, writes the child's output to a log file and
returns a ``Child`` that can be waited on, stopped or killed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Child:
    process: subprocess.Popen
    log: Path
    port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self, tail: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-tail:]
        except FileNotFoundError:
            return ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group: no clean-up handler runs (a crash)."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM, then SIGKILL after ``timeout`` seconds."""
        if not self.alive():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(
    condition: Callable[[], bool], timeout: float, what: str, child=None, interval: float = 0.05
) -> float:
    """Poll ``condition`` every ``interval`` seconds until true; returns the seconds waited,
    raises TimeoutError."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        if child is not None and not child.alive():
            raise RuntimeError(f"{what}: the process exited.\n{child.log_text()}")
        time.sleep(interval)
    log = f"\n{child.log_text()}" if child is not None else ""
    raise TimeoutError(f"{what}: not within {timeout:g} s.{log}")


def database_url(settings_dict: dict) -> str:
    """A ``postgres://`` URL for a Django PostgreSQL ``DATABASES`` entry (e.g. the test DB)."""
    user = quote(settings_dict.get("USER") or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    host = f"{settings_dict.get('HOST') or '127.0.0.1'}:{settings_dict.get('PORT') or 5432}"
    return f"postgres://{credentials}{host}/{settings_dict['NAME']}"


def portal_env(*, database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of a portal process: production settings module on the given services."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hue_admin.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


def _spawn(
    command: list[str], env: dict, log: Path, port: int | None = None, *, append: bool = False
) -> Child:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a" if append else "w") as output:
        process = subprocess.Popen(  # noqa: S603 - arguments built here, no shell
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop/kill reach its children
        )
    return Child(process, log, port)


def start_celery_worker(
    env: dict, log: Path, *, concurrency: int = 1, queues: str | None = None
) -> Child:
    """A Celery worker (solo pool for one process, prefork otherwise)."""
    pool = ["--pool=solo"] if concurrency == 1 else ["--pool=prefork", f"-c{concurrency}"]
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "hue_admin",
        "worker",
        *pool,
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"portal-{uuid.uuid4().hex[:8]}@%h",
    ]
    if queues:
        command += ["-Q", queues]
    return _spawn(command, env, log)


def start_celery_beat(env: dict, log: Path) -> Child:
    """Celery beat (the nightly job and the sweep), its schedule file beside its log."""
    schedule = log.with_suffix(".schedule")
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "hue_admin",
        "beat",
        "--loglevel=INFO",
        f"--schedule={schedule}",
    ]
    return _spawn(command, env, log)


def start_gunicorn(env: dict, log: Path, *, workers: int = 2, threads: int = 1) -> Child:
    """gunicorn serving the portal on a free loopback port; returns once it accepts."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "hue_admin.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--timeout=60",
        "--access-logfile=-",
    ]
    child = _spawn(command, env, log, port)
    wait_until(lambda: port_open(port), 60, "gunicorn start", child)
    return child


def start_simulator(env: dict, log: Path, *, port: int, args: list[str]) -> Child:
    """The national-portal simulator (``manage.py dvcqg_simulator``) on ``port`` with ``args``;
    its output appended to ``log`` (a restart keeps the earlier lines); returns once it
    accepts connections."""
    command = [sys.executable, "manage.py", "dvcqg_simulator", "--port", str(port), *args]
    child = _spawn(command, env, log, port, append=True)
    wait_until(lambda: port_open(port), 30, "simulator start", child)
    return child


def start_payment_gateway(env: dict, log: Path, *, port: int, args: list[str]) -> Child:
    """The payment gateway's stand-in (``manage.py payment_gateway_simulator``) on ``port``
    with ``args``; returns once it accepts connections."""
    command = [sys.executable, "manage.py", "payment_gateway_simulator", "--port", str(port), *args]
    child = _spawn(command, env, log, port)
    wait_until(lambda: port_open(port), 30, "payment gateway start", child)
    return child


def redis_server_path() -> str | None:
    return shutil.which("redis-server")


def start_redis(log: Path, *, port: int | None = None) -> Child:
    """A private, memory-only redis-server on loopback (``port``: reuse one, e.g. a restart)."""
    server = redis_server_path()
    if server is None:
        raise RuntimeError("redis-server is not installed")
    port = port or free_port()
    command = [
        server,
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    child = _spawn(command, dict(os.environ), log, port)
    wait_until(lambda: port_open(port), 20, "redis-server start", child)
    return child
