"""Point-in-time recovery with the operator's scripts (docs/deploy.md, "Restauration à un
instant donné"), on a copy of the private cluster (whose durability settings stay as they are):
scripts/pitr-enable.sh turns WAL archiving on, scripts/pitr-base-backup.sh takes the base
backup, dossiers are filed on both sides of a chosen instant, the server is lost, and
scripts/pitr-restore.sh brings back a cluster at that instant: the dossiers filed before it are
there, those after are not, the event log verifies, and every file a restored row names has
the SHA-256 the row records. The restore's duration (RTO here) is printed."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.faults.conftest import database_url, wait_until
from tests.pg_clusters import ROOT, Cluster, base_backup, owned_folder

pytestmark = pytest.mark.slow


def script(name: str, *args: str, env: dict) -> None:
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / name), *map(str, args)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def folders():
    made = {name: owned_folder(f"pitr-{name}-") for name in ("archive", "base")}
    made["restored"] = made["base"].with_name(made["base"].name.replace("base", "restored"))
    yield made
    for path in made.values():
        shutil.rmtree(path, ignore_errors=True)


def test_restore_to_a_chosen_instant(transactional_db, pki_dir, tmp_path, folders):
    test_db = connection.settings_dict["NAME"]
    primary = Cluster(base_backup("pitr-primary-"))
    restored = None
    try:
        primary.start()
        cluster_env = {**os.environ, "PERMIS_PG_DATA": str(primary.data)}
        cluster_env["PERMIS_PG_PORT"] = str(primary.port)
        script("pitr-enable.sh", folders["archive"], env=cluster_env)
        assert primary.query("SHOW archive_mode") == [("on",)]
        script("pitr-base-backup.sh", folders["base"], env=cluster_env)

        app_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url(test_db).replace(
                f":{connection.settings_dict['PORT']}/", f":{primary.port}/"
            ),
            "PERMIS_MEDIA_ROOT": str(tmp_path / "media"),
            "PERMIS_DOCUMENTS_ROOT": str(tmp_path / "documents"),
            "PERMIS_LOG_LEVEL": "WARNING",
        }
        app_env.pop("PERMIS_TEST_DB_NAME", None)
        batch = subprocess.run(
            [sys.executable, "-m", "tests.faults.pitr_batch", "3"],
            cwd=ROOT, env=app_env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert batch.returncode == 0, batch.stderr[-2000:]
        filed = json.loads(batch.stdout.strip().splitlines()[-1])

        # The last segment goes to the archive now rather than at archive_timeout.
        [(segment,)] = primary.query("SELECT pg_walfile_name(pg_switch_wal())")
        wait_until(
            lambda: (folders["archive"] / segment).exists(), 120, f"{segment} to be archived"
        )
        primary.stop()  # the server is lost

        started = time.monotonic()
        script(
            "pitr-restore.sh", folders["base"], folders["archive"], filed["target"],
            folders["restored"], env=cluster_env,
        )  # fmt: skip
        restored = Cluster(folders["restored"]).start()
        wait_until(
            lambda: restored.query("SELECT pg_is_in_recovery()") == [(False,)],
            300,
            "the restored cluster to reach the target and promote",
            interval=0.2,
        )
        print(f"\nPITR: restored and promoted in {time.monotonic() - started:.1f} s", end=" ")

        ids = filed["before"] + filed["after"]
        present = {
            row[0]
            for row in restored.query(
                "SELECT id FROM permits_dossier WHERE id = ANY(%s)", [ids], dbname=test_db
            )
        }
        assert present == set(filed["before"])

        check_env = {**app_env, "DATABASE_URL": app_env["DATABASE_URL"].replace(
            f":{primary.port}/", f":{restored.port}/"
        )}  # fmt: skip
        verify = subprocess.run(
            [sys.executable, "manage.py", "verify_events"],
            cwd=ROOT, env=check_env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert verify.returncode == 0, verify.stdout + verify.stderr

        pieces = restored.query(
            "SELECT file, sha256 FROM permits_piece WHERE dossier_id = ANY(%s)",
            [filed["before"]],
            dbname=test_db,
        )
        documents = restored.query(
            "SELECT storage_path, sha256 FROM permits_issueddocument "
            "WHERE dossier_id = ANY(%s) AND status = 'signed'",
            [filed["before"]],
            dbname=test_db,
        )
        assert len(pieces) == len(documents) == len(filed["before"])
        for name, digest in pieces:
            assert sha256(tmp_path / "media" / name) == digest
        for name, digest in documents:
            assert sha256(tmp_path / "documents" / name) == digest
    finally:
        if restored is not None:
            restored.destroy()
        primary.destroy()
