"""Real PostgreSQL clusters made by the tests beside the private one (scripts/lib.sh): a hot
standby from `pg_basebackup -R` (tests/storage/test_streaming_replica.py) and a cluster
restored to a point in time (tests/faults/test_point_in_time.py). Each lives in its own folder
under var/, owned by `postgres` when the tests run as root, on its own port on 127.0.0.1, and
is stopped and removed by its fixture."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = Path(os.environ.get("PERMIS_PG_BIN", "/usr/lib/postgresql/15/bin"))


def primary_conninfo() -> dict[str, str]:
    """The private cluster's superuser, through its socket (scripts/lib.sh ensure_database)."""
    text = os.environ.get(
        "PERMIS_SUPERUSER_CONNINFO",
        f"host={ROOT / '.pgdata'} port={os.environ.get('PERMIS_PG_PORT', '5439')} user=postgres",
    )
    return dict(part.split("=", 1) for part in text.split())


def as_owner(argv: list[str]) -> list[str]:
    """initdb and postgres refuse root: run as the cluster's owner, as scripts/lib.sh does."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def run_as_owner(*argv: str) -> str:
    result = subprocess.run(as_owner(list(argv)), capture_output=True, text=True, check=False)
    if result.returncode:
        raise RuntimeError(f"{argv[0]} failed: {result.stderr or result.stdout}")
    return result.stdout


def owned_folder(prefix: str) -> Path:
    """A 0700 folder under var/ that the cluster's owner may use (var/ is reachable by it: the
    private cluster's folder sits beside it)."""
    (ROOT / "var").mkdir(exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=ROOT / "var"))
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A cluster in `data`, started on its own port, reached by its socket as `postgres`. Its
    address is written in its postgresql.auto.conf (read last), so that a restart by a script
    (scripts/pitr-enable.sh) keeps it rather than the copied private cluster's."""

    def __init__(self, data: Path, port: int | None = None):
        self.data = Path(data)
        if port is not None:  # an existing, running cluster: reached as it is
            self.port = port
            return
        self.port = free_port()
        with open(data / "postgresql.auto.conf", "a") as conf:
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{data}'\n"
            )

    def start(self):
        run_as_owner(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.data / "server.log"),
            "-w", "-t", "120", "start",
        )  # fmt: skip
        return self

    def stop(self):
        with contextlib.suppress(RuntimeError):
            run_as_owner(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")

    def destroy(self):
        self.stop()
        shutil.rmtree(self.data, ignore_errors=True)

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host=str(self.data), port=self.port, user="postgres", dbname=dbname, autocommit=True
        )

    def query(self, sql: str, params=(), dbname: str = "postgres"):
        with self.connect(dbname) as connection:
            return connection.execute(sql, params).fetchall()

    def log(self) -> str:
        path = self.data / "server.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def private_cluster() -> Cluster:
    info = primary_conninfo()
    return Cluster(Path(info["host"]), int(info["port"]))


def base_backup(prefix: str, *extra: str) -> Path:
    """A copy of the private cluster taken by `pg_basebackup` over its socket (WAL streamed)."""
    primary = primary_conninfo()
    data = owned_folder(prefix)
    run_as_owner(
        str(PG_BIN / "pg_basebackup"), "-h", primary["host"], "-p", primary["port"],
        "-U", "postgres", "-D", str(data), "-X", "stream", "-c", "fast", *extra,
    )  # fmt: skip
    return data
