"""scripts/backup.sh then scripts/restore.sh into an empty database and empty folders: the same
dossiers, the same events (the hash chain verifies on the restored copy), every piece and
signed PDF with its recorded SHA-256."""

import hashlib
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.utils import timezone

from permits.decisions.issuing import issue_decision, sign_pending
from permits.filing import file_dossier
from permits.models.documents import IssuedDocument
from tests.decisions.test_issuing import awaiting_signature
from tests.faults._data import ready_draft, signing_team
from tests.faults.conftest import ROOT, conninfo, database_url

pytestmark = pytest.mark.slow

DOSSIERS = "SELECT id, number, state, event_count, event_head FROM permits_dossier ORDER BY id"
EVENTS = (
    "SELECT id, dossier_id, sequence, kind, from_state, to_state, payload::text, hash, "
    "previous_hash FROM workflow_event ORDER BY id"
)
PIECES = "SELECT file, sha256 FROM permits_piece ORDER BY id"
SIGNED = (
    "SELECT storage_path, sha256 FROM permits_issueddocument WHERE status = 'signed' ORDER BY id"
)


def rows(name: str, query: str) -> list[tuple]:
    with psycopg.connect(conninfo(name)) as conn:
        return conn.execute(query).fetchall()


def run(script: str, folder: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / script), str(folder)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture
def empty_database(fault_env):
    """An empty database beside the test database, with PostGIS (from template1, where
    scripts/lib.sh created it as the superuser), dropped afterwards."""
    from django.db import connection

    name = f"{connection.settings_dict['NAME']}_restored"
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_into_an_empty_database_gives_the_same_dossiers_events_and_files(
    fault_env, empty_database, documents_root, settings, tmp_path
):
    team = signing_team()
    filed = file_dossier(ready_draft(team).pk, now=timezone.now())  # a piece, a receipt
    ready_draft(team)  # a draft with its piece
    decided = awaiting_signature(team)
    issue_decision(decided, team.mayor)
    for document in IssuedDocument.objects.all():  # what the worker's job does
        sign_pending(document.pk)
    assert filed.number
    source = fault_env["DATABASE_URL"].rsplit("/", 1)[1]
    assert len(rows(source, PIECES)) == 2
    assert len(rows(source, SIGNED)) == 3  # two receipts and the decision

    backup = tmp_path / "sauvegarde"
    done = run("backup.sh", backup, fault_env)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in backup.iterdir()) == [
        "SHA256SUMS",
        "database.dump",
        "documents.tar",
        "media.tar",
    ]

    media, documents = tmp_path / "restored-media", tmp_path / "restored-documents"
    target = {
        **fault_env,
        "DATABASE_URL": database_url(empty_database),
        "PERMIS_MEDIA_ROOT": str(media),
        "PERMIS_DOCUMENTS_ROOT": str(documents),
    }
    done = run("restore.sh", backup, target)
    assert done.returncode == 0, done.stderr
    assert "event log intact: 2 dossiers checked" in done.stdout  # manage.py verify_events

    for query in (DOSSIERS, EVENTS, PIECES, SIGNED):
        assert rows(empty_database, query) == rows(source, query), query
    for name, sha in rows(empty_database, PIECES):
        assert hashlib.sha256((media / name).read_bytes()).hexdigest() == sha
    for name, sha in rows(empty_database, SIGNED):
        assert hashlib.sha256((documents / name).read_bytes()).hexdigest() == sha

    # A second restore over the restored deployment is refused before anything is touched.
    again = run("restore.sh", backup, target)
    assert again.returncode != 0
    assert "already has" in again.stderr
    # So is a backup altered since it was written.
    with open(backup / "media.tar", "ab") as tar:
        tar.write(b"\0")
    altered = run("restore.sh", backup, target)
    assert altered.returncode != 0
    assert "media.tar: FAILED" in altered.stdout
