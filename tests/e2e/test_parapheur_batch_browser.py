"""The parapheur signs several decisions in one batch after one re-authentication (issue 19):
three decisions ticked, one confirmation of identity (password and TOTP), three documents
issued and signed one by one by the signing job, each a valid PAdES file (pdfsig and our
verifier). A decision signed leaves the list to sign at once."""

import time
from datetime import date

import pyotp
import pytest
from django.utils import timezone

from accounts.models import TOTPDevice
from permits.decisions.issuing import sign_pending
from permits.decisions.storage import read_signed
from permits.decisions.verification import check_pdf
from permits.models.documents import DocumentKind, DocumentStatus, IssuedDocument
from tests.decisions.conftest import assert_pdfsig_valid
from tests.e2e.test_applicant_browser import Journey, off_loop
from tests.e2e.test_officer_browser import PASSWORD, age_session, sign_in
from tests.factories import filed_dossier, make_team
from workflow.transitions import fire

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def awaiting_signature(team):
    dossier = filed_dossier(team, "PCMI", on=date.today())
    dossier = fire(dossier, "declare_complete", actor=team.officer)
    dossier = fire(dossier, "propose_decision", actor=team.officer, outcome="grant")
    return fire(dossier, "send_for_signature", actor=team.officer)


def test_three_decisions_signed_after_one_reauthentication(
    live_server, browser_page, pki_dir, documents_root, tmp_path
):
    team = make_team()
    team.mayor.username = "maire"  # the key of the development PKI
    team.mayor.save()
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=team.mayor, secret=secret, confirmed_at=timezone.now())
    dossiers = [awaiting_signature(team) for _ in range(3)]
    other = awaiting_signature(team)  # not ticked: stays to sign
    page = browser_page
    j = Journey(page, live_server.url)
    confirmations = []
    page.on("request", lambda r: confirmations.append(r.url) if r.method == "POST"
            and "/connexion/confirmer/" in r.url else None)  # fmt: skip
    totp = pyotp.TOTP(secret)
    sign_in(page, j, team.mayor, code=totp.now())
    age_session(page, seconds=3600)  # the sign-in no longer counts as a fresh proof

    j.go("/parapheur/")
    for dossier in dossiers:
        page.get_by_label(f"Ajouter {dossier.display_number} à la sélection").check()
    j.checkpoint("parapheur-selection")
    page.get_by_role("button", name="Signer la sélection").click()
    page.wait_for_url("**/connexion/confirmer/**")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_code", totp.at(time.time() + totp.interval))  # the next code: once only
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url("**/parapheur/")
    for dossier in dossiers:  # the selection survived the re-authentication
        assert page.get_by_label(f"Ajouter {dossier.display_number} à la sélection").is_checked()
    page.get_by_role("button", name="Signer la sélection").click()
    page.wait_for_load_state()
    assert "3 décisions signées" in page.inner_text("main")
    assert len(confirmations) == 1

    # At once: the three leave the list to sign (the job has not run yet), the fourth stays.
    to_sign = page.locator("article.parapheur-item h2").all_inner_texts()
    assert [t.split(" —")[0] for t in to_sign] == [other.display_number]
    being_signed = page.inner_text("#en-cours + ul")
    assert all(d.display_number in being_signed for d in dossiers)
    j.checkpoint("parapheur-apres-lot")
    for width in (390, 320):  # the parapheur on a phone: no horizontal scroll (WCAG 1.4.10)
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        j.checkpoint(f"parapheur-{width}")

    documents = IssuedDocument.objects.filter(kind=DocumentKind.DECISION).order_by("pk")
    assert sorted(d.dossier_id for d in documents) == sorted(d.pk for d in dossiers)
    for document in documents:  # the worker's job, one signature per decision
        off_loop(sign_pending, document.pk)
        document.refresh_from_db()
        assert document.status == DocumentStatus.SIGNED
        data = read_signed(document)
        path = tmp_path / f"{document.reference}.pdf".replace("/", "-")
        path.write_bytes(data)
        assert_pdfsig_valid(path)
        report = off_loop(check_pdf, data)  # pyHanko runs its own event loop
        assert report.verdict == "valid", report
    assert len({read_signed(d) for d in documents}) == 3  # three distinct files
