"""The web process killed (SIGKILL on the gunicorn worker serving the request) in the middle of a
filing: nothing half-written remains, no number is lost, and filing again works."""

import pytest
from django.utils import timezone

from permits.filing import file_dossier
from permits.models import NumberSequence
from permits.models.documents import DocumentKind, IssuedDocument
from permits.numbering import parse
from tests.faults._data import ready_draft, signing_team
from tests.faults.conftest import (
    blocked_backend,
    post,
    request_in_background,
    session_cookies,
    wait_backend_gone,
)
from workflow.events import verify_chain
from workflow.models import Event
from workflow.states import State

pytestmark = pytest.mark.slow


def test_killing_the_web_process_mid_filing_leaves_the_draft_and_no_gap(web, locker):
    team = signing_team()
    first = file_dossier(ready_draft(team).pk, now=timezone.now())  # number 00001
    draft = ready_draft(team)
    key = f"{team.commune.insee_code}/DP/{timezone.localdate().year}"
    web.start()
    cookies = session_cookies(team.applicant)
    url = f"{web.url}/dossiers/{draft.pk}/brouillon/verifier/"
    form = {"certify": "on", "electronic_notification_consent": "on"}

    # The filing blocks on the number counter, inside its transaction (draft row locked,
    # number not yet taken); then the worker process serving it dies.
    with locker("SELECT * FROM permits_numbersequence WHERE key = %s FOR UPDATE", [key]):
        thread, outcome = request_in_background(url, cookies, form)
        backend = blocked_backend("permits_numbersequence", thread.is_alive)
        web.kill_workers()
        thread.join(timeout=10)
    assert "error" in outcome, outcome  # the browser saw the connection drop
    wait_backend_gone(backend)

    draft.refresh_from_db()
    assert (draft.state, draft.number, draft.filed_at) == (State.DRAFT, None, None)
    assert NumberSequence.objects.get(key=key).last_value == 1  # no number consumed
    assert not Event.objects.filter(dossier=draft).exists()
    assert not IssuedDocument.objects.filter(dossier=draft).exists()  # no orphan receipt
    assert list(IssuedDocument.objects.values_list("dossier", flat=True)) == [first.pk]

    # gunicorn has replaced its worker: the applicant files again.
    response = post(url, cookies, form)
    assert response.status_code == 302, response.text[:500]
    assert response.headers["location"] == f"/dossiers/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.state == State.DEPOSITED
    assert int(parse(draft.number).sequence) == 2  # gapless: 00001, 00002
    assert NumberSequence.objects.get(key=key).last_value == 2
    assert IssuedDocument.objects.get(dossier=draft).kind == DocumentKind.RECEPISSE
    assert list(Event.objects.filter(dossier=draft).values_list("kind", flat=True)) == ["submit"]
    assert verify_chain(draft) == []
    # Filing again (the browser's retry) is refused: the dossier page, nothing new.
    assert post(url, cookies, form).headers["location"] == f"/dossiers/{draft.pk}/"
    assert NumberSequence.objects.get(key=key).last_value == 2
