"""The mayor's signature through both faults: the web worker killed while the "sign" POST is in
flight, then the job worker killed while signing. The end: one signed decision, one `sign`
event, a verifying event chain (R424-1 decision; reference §7)."""

import hashlib

import pytest
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from permits.decisions import storage
from permits.models import Dossier, NumberSequence
from permits.models.documents import DocumentKind, DocumentStatus, IssuedDocument
from tests.decisions.test_issuing import awaiting_signature
from tests.faults._data import signing_team
from tests.faults.conftest import (
    blocked_backend,
    post,
    request_in_background,
    session_cookies,
    wait_backend_gone,
    wait_until,
)
from workflow.events import verify_chain
from workflow.models import Event
from workflow.states import State

pytestmark = pytest.mark.slow

SIGN_JOB = "permits.decisions.tasks.sign_document_job"


def acts_register():
    return dict(
        NumberSequence.objects.filter(key__contains="/ACTE/").values_list("key", "last_value")
    )


def decision_files(root, decision) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob(f"{decision.reference}-*.pdf"))


def test_killed_web_and_worker_during_a_signature_give_one_signed_decision(
    web, worker, locker, documents_root
):
    team = signing_team()
    # Filed today: a real worker also runs the hourly timer sweep when it starts within ten
    # minutes of it (procrastinate defers a late periodic job), and a dossier whose délai is
    # over would get its tacit decision (L424-2) in the middle of the signature.
    dossier = awaiting_signature(team, filed_on=timezone.localdate())
    register = acts_register()
    web.start()
    cookies = session_cookies(team.mayor, fresh=True)  # re-authenticated a moment ago
    url = f"{web.url}/parapheur/{dossier.pk}/signer/"

    # 1. The sign POST blocks on the dossier row in issuing.prepare, before the arrêté number
    # is taken and the pending document written; the web worker serving it is killed.
    with locker("SELECT * FROM permits_dossier WHERE id = %s FOR UPDATE", [dossier.pk]):
        thread, outcome = request_in_background(url, cookies)
        backend = blocked_backend("permits_dossier", thread.is_alive)
        web.kill_workers()
        thread.join(timeout=10)
    assert "error" in outcome, outcome
    wait_backend_gone(backend)
    assert not IssuedDocument.objects.filter(dossier=dossier, kind=DocumentKind.DECISION).exists()
    assert acts_register() == register  # no arrêté number taken
    assert Dossier.objects.get(pk=dossier.pk).state == State.AWAITING_SIGNATURE

    # 2. The mayor signs again, twice (an impatient double click): one pending decision.
    assert post(url, cookies).status_code == 302
    assert post(url, cookies).status_code == 302
    decision = IssuedDocument.objects.get(dossier=dossier, kind=DocumentKind.DECISION)
    job = ProcrastinateJob.objects.get(task_name=SIGN_JOB, args={"document_id": decision.pk})

    # 3. The job worker renders and signs, then blocks on the document's row to record the
    # signature; it is killed there: the job stays `doing`, the decision pending.
    with locker("SELECT * FROM permits_issueddocument WHERE id = %s FOR UPDATE", [decision.pk]):
        worker.start()
        backend = blocked_backend("permits_issueddocument", worker.process.alive, timeout=120)
        worker.kill()
    wait_backend_gone(backend)
    job.refresh_from_db()
    decision.refresh_from_db()
    assert (job.status, decision.status) == ("doing", DocumentStatus.PENDING)
    assert not Event.objects.filter(dossier=dossier, kind="sign").exists()
    assert len(decision_files(documents_root, decision)) == 1  # the dead attempt's PDF

    # 4. A new worker finds the dead one's job stalled (no heartbeat), requeues it
    # (retry_stalled_jobs) and runs it to the end.
    worker.start()

    def done():
        job.refresh_from_db()
        assert job.status not in ("failed", "cancelled", "aborted"), worker.process.output()
        return job.status == "succeeded"

    wait_until(done, 120, "the requeued signing job to succeed", interval=0.5)
    decision = IssuedDocument.objects.get(dossier=dossier, kind=DocumentKind.DECISION)
    assert decision.status == DocumentStatus.SIGNED
    assert hashlib.sha256(storage.read_signed(decision)).hexdigest() == decision.sha256
    assert decision_files(documents_root, decision) == [decision.storage_path]  # stray removed
    assert Event.objects.filter(dossier=dossier, kind="sign").count() == 1
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.state == State.SIGNED
    assert verify_chain(dossier) == []
    assert ProcrastinateJob.objects.filter(task_name=SIGN_JOB, args=job.args).count() == 1
