"""Real processes for the fault tests: gunicorn and the procrastinate worker, started on the
test database (committed data: `transactional_db`), killed with SIGKILL, started again.

"In the middle" is made deterministic without any hook in the application: the test holds a
row lock from its own connection, the request or job blocks on it inside its transaction (seen
in pg_stat_activity), the process is killed, then the lock is released.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
LOGS = ROOT / "var" / "faults"  # the servers' output, kept for a failed run
PG_BIN = Path(os.environ.get("PERMIS_PG_BIN", "/usr/lib/postgresql/15/bin"))  # scripts/lib.sh


def conninfo(name: str | None = None) -> str:
    db = connection.settings_dict
    return (
        f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5439} user={db['USER']} "
        f"password={db['PASSWORD']} dbname={name or db['NAME']}"
    )


def database_url(name: str | None = None) -> str:
    db = connection.settings_dict
    return (
        f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5439}/{name or db['NAME']}"
    )


def wait_until(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


class Process:
    """A server process in its own process group, so SIGKILL reaches every child at once."""

    def __init__(self, name: str, argv: list[str], env: dict, log: Path):
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.popen: subprocess.Popen | None = None

    def start(self):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.popen = subprocess.Popen(
                self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        return self

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self):
        """SIGKILL to the whole group: no handler runs, nothing is cleaned up."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self):
        if not self.alive():
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def fault_env(transactional_db, pki_dir, documents_root, tmp_path, settings):
    """The environment the servers share with the test: the test database, its media and
    documents folders, the development PKI, fast worker heartbeats."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with connection.cursor() as cursor:  # jobs are not flushed between tests (unmanaged)
        cursor.execute(
            "TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers, "
            "procrastinate_workers CASCADE"
        )
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "PERMIS_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PERMIS_DOCUMENTS_ROOT": str(documents_root),
        "PERMIS_STATIC_FINDERS": "1",
        "PERMIS_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # A dead worker is noticed after 3 seconds instead of 30, its jobs requeued within a second.
        "PERMIS_WORKER_HEARTBEAT_S": "1",
        "PERMIS_WORKER_STALLED_AFTER_S": "3",
        "PERMIS_STALLED_JOBS_CRON": "* * * * * *",
    }
    env.pop("PERMIS_TEST_DB_NAME", None)
    return env


class Web:
    """gunicorn with the application preloaded in its master: a killed worker is replaced by a
    fork in a moment, as in production under gunicorn's supervision."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        log.unlink(missing_ok=True)  # one run's output
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: Process | None = None

    def start(self, workers: int = 1, threads: int = 1):
        argv = [
            str(ROOT / ".venv/bin/gunicorn"),
            "tests.faults.wsgi:application",
            "--preload",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={workers}",
            f"--threads={threads}",
            "--timeout=120",
            "--graceful-timeout=2",
            "--log-level=warning",
        ]
        self.process = Process("gunicorn", argv, self.env, self.log).start()
        self.wait_ready(workers)
        return self

    def workers(self) -> list[int]:
        pid = self.process.popen.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def wait_ready(self, workers: int):
        def ready():
            assert self.process.alive(), self.process.output()
            if len(self.workers()) < workers:
                return False
            try:
                return httpx.get(f"{self.url}/sante/", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        # Generous: the first start imports the whole application on a busy machine.
        wait_until(ready, 120, "gunicorn to answer", interval=0.2)

    def kill_workers(self):
        """SIGKILL to the worker processes serving requests (no handler, no cleanup), then
        wait for the master to fork their replacements."""
        killed = self.workers()
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not set(killed) & set(self.workers()), 10, "the workers to die")
        self.wait_ready(len(killed))


@pytest.fixture
def web(fault_env, request):
    server = Web(fault_env, LOGS / f"{request.node.name}-gunicorn.log")
    yield server
    if server.process:
        server.process.stop()


class Worker:
    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        log.unlink(missing_ok=True)  # one run's output
        self.process: Process | None = None

    def start(self):
        argv = [sys.executable, "manage.py", "procrastinate", "worker"]
        self.process = Process("worker", argv, self.env, self.log).start()
        return self

    def kill(self):
        self.process.kill()


@pytest.fixture
def worker(fault_env, request):
    process = Worker(fault_env, LOGS / f"{request.node.name}-worker.log")
    yield process
    if process.process:
        process.process.stop()


@pytest.fixture
def locker():
    """Row locks held from the test's own connection, outside Django's."""
    connections = []

    @contextlib.contextmanager
    def hold(sql: str, params=()):
        conn = psycopg.connect(conninfo())
        connections.append(conn)
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            assert cursor.fetchall(), "nothing to lock"
        try:
            yield conn
        finally:
            conn.rollback()
            conn.close()

    yield hold
    for conn in connections:
        conn.close()


def blocked_backend(table: str, waiting, timeout: float = 30) -> int:
    """The pid of the backend waiting for a row lock in a statement on `table`; `waiting()`
    says whether the client still waits (a request that failed early will never block)."""
    with psycopg.connect(conninfo(), autocommit=True) as conn:

        def find():
            assert waiting(), "the client stopped waiting before blocking on the lock"
            row = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query LIKE %s",
                [f"%{table}%"],
            ).fetchone()
            return row and row[0]

        return wait_until(find, timeout, f"a statement on {table} to wait for the lock")


def wait_backend_gone(pid: int, timeout: float = 20) -> None:
    """The killed client's backend aborts its transaction and exits once it can run on."""
    with psycopg.connect(conninfo(), autocommit=True) as conn:
        wait_until(
            lambda: (
                not conn.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
            ),
            timeout,
            f"backend {pid} to end",
        )


def session_cookies(user, *, fresh: bool = False) -> dict:
    """A signed-in session for `user` (as the login view would store it) and a CSRF token."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.crypto import get_random_string

    from accounts import reauth

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = django_settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if fresh:  # the signatory has just re-authenticated (accounts.reauth)
        store[reauth.SESSION_KEY] = int(time.time())
    store.save()
    return {
        django_settings.SESSION_COOKIE_NAME: store.session_key,
        django_settings.CSRF_COOKIE_NAME: get_random_string(32),
    }


def post(url: str, cookies: dict, data: dict | None = None, timeout: float = 60):
    """A form POST as the browser sends it (session and CSRF cookies, token in the header)."""
    with httpx.Client(cookies=cookies, timeout=timeout) as client:
        return client.post(
            url,
            data=data or {},
            headers={"X-CSRFToken": cookies[django_settings.CSRF_COOKIE_NAME]},
        )


def request_in_background(*args, **kwargs):
    """Sends the request from a thread; the answer (or the broken connection) is kept."""
    outcome = {}

    def send():
        try:
            outcome["response"] = post(*args, **kwargs)
        except httpx.HTTPError as error:
            outcome["error"] = error

    thread = threading.Thread(target=send)
    thread.start()
    return thread, outcome
