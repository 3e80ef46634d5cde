"""The officer's and the mayor's journeys in Chromium (issue 8): a PCMI inside an AC1 perimeter
(illustrative monument of the demo commune): missing piece requested and received, the ABF
consulted, the majoration notified with its proposed reason, a grant with prescriptions
drafted; the mayor signs after re-authenticating with a TOTP code; the applicant's decision is
signed and shown in the public register. Then a DP goes tacit through the timers and its
certificate is issued. axe-core checks each agent page."""

import time
from datetime import date

import pyotp
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import TOTPDevice
from accounts.reauth import SESSION_KEY
from cadastre.check import check_parcels
from permits.decisions.issuing import sign_pending
from permits.models import Dossier
from permits.models.documents import DocumentKind, DocumentStatus, IssuedDocument
from permits.pieces.store import add_piece
from tests.e2e.test_applicant_browser import Journey, off_loop
from tests.factories import filed_dossier, make_team
from workflow.states import State
from workflow.timers import sweep
from workflow.transitions import fire

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
PASSWORD = "un-mot-de-passe-de-test"


def parcel_in_ac1() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.idu FROM cadastre_parcel p JOIN cadastre_servitudeassiette a "
            "ON ST_Intersects(p.geom, a.geom) WHERE p.commune = '91216' "
            "ORDER BY ST_Area(ST_Intersection(p.geom, a.geom)) DESC LIMIT 1")  # fmt: skip
        return cursor.fetchone()[0]


def sign_in(page, j, user, code=None):
    j.go("/connexion/")
    page.fill("#id_login", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("form[action='/connexion/']").get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    if code is not None:
        page.fill("#id_code", code)
        page.get_by_role("button", name="Valider").click()
        page.wait_for_load_state()


def age_session(page, seconds: int) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=key)
    session[SESSION_KEY] = int(time.time()) - seconds
    session.save()


def sign_out(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()


def test_officer_and_mayor_journeys(live_server, browser_page, cadastre_91216, pki_dir,
                                    documents_root, tmp_path):  # fmt: skip
    call_command("draw_demo_constraints", "91216")
    team = make_team()
    team.mayor.username = "maire"  # the key of the development PKI
    team.mayor.save()
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=team.mayor, secret=secret, confirmed_at=timezone.now())
    idu = parcel_in_ac1()
    dossier = filed_dossier(team, "PCMI", on=timezone.localdate())
    Dossier.objects.filter(pk=dossier.pk).update(
        parcel_check=check_parcels([idu], "91216").as_dict(),
        electronic_notification_consent=True)  # fmt: skip
    page = browser_page
    j = Journey(page, live_server.url)

    # The officer: a missing piece is requested.
    sign_in(page, j, team.officer)
    j.go(f"/instruction/{dossier.pk}/")
    assert "ABF" in page.content() or "abords" in page.content()
    j.checkpoint("agent-instruction-depose")
    page.check("#rp-PCMI2")
    page.get_by_role("button", name="Envoyer la demande de pièces").click()
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.state == State.INCOMPLETE
    # The applicant sends it (their own journey is the applicant's browser test).
    add_piece(dossier, "PCMI2", SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64),
              team.applicant)  # fmt: skip
    fire(dossier, "receive_pieces", actor=team.applicant, on=timezone.localdate())

    # The ABF consulted, the majoration notified with the reason proposed from the parcels.
    j.go(f"/instruction/{dossier.pk}/")
    page.select_option("#cs-kind", "abf")
    page.fill("#cs-name", "UDAP de l'Essonne")
    page.get_by_role("button", name="Consulter").click()
    page.wait_for_load_state()
    assert page.input_value("#mj-reason") == "R423_24_C_SPR_ABORDS_MH"
    page.get_by_role("button", name="Notifier la majoration").click()
    page.wait_for_load_state()
    page.select_option("#pd-outcome", "grant_with_prescriptions")
    page.fill("#pd-grounds", "Considérant l'accord de l'architecte des Bâtiments de France.")
    page.fill("#pd-prescriptions", "Les menuiseries extérieures seront en bois peint.")
    page.get_by_role("button", name="Enregistrer le projet").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Envoyer à la signature").click()
    page.wait_for_load_state()
    j.checkpoint("agent-instruction-a-signer")
    dossier.refresh_from_db()
    assert dossier.state == State.AWAITING_SIGNATURE
    assert [m["reason"] for m in dossier.majorations] == ["R423_24_C_SPR_ABORDS_MH"]
    sign_out(page)

    # The mayor signs, after a second factor and a fresh re-authentication.
    totp = pyotp.TOTP(secret)
    sign_in(page, j, team.mayor, code=totp.now())
    j.go("/parapheur/")
    assert dossier.display_number in page.content()
    j.checkpoint("agent-parapheur")
    # Signing in counted as a proof of identity; an hour later, it no longer does.
    age_session(page, seconds=3600)
    page.get_by_role("button", name="Signer la décision").click()
    page.wait_for_load_state()
    assert "/connexion/confirmer/" in page.url
    page.fill("#id_password", PASSWORD)
    page.fill("#id_code", totp.at(time.time() + totp.interval))  # the next code: once only
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url("**/parapheur/")
    page.get_by_role("button", name="Signer la décision").click()
    page.wait_for_load_state()
    decision = IssuedDocument.objects.get(dossier=dossier, kind=DocumentKind.DECISION)
    off_loop(sign_pending, decision.pk)  # the worker's job
    decision.refresh_from_db()
    assert decision.status == DocumentStatus.SIGNED
    sign_out(page)

    # The officer notifies electronically and records the préfet's acknowledgement.
    sign_in(page, j, team.officer)
    j.go(f"/instruction/{dossier.pk}/")
    page.get_by_role("button", name="Notifier par voie électronique").click()
    page.wait_for_load_state()
    page.fill("#pa-on", date.today().isoformat())
    page.get_by_role("button", name="Enregistrer la transmission").click()
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.state == State.EXECUTORY
    j.go("/registres/")
    assert dossier.display_number in page.content() and decision.reference in page.content()
    j.checkpoint("registres")

    # A DP goes tacit through the timers; the officer issues its certificate (R424-13).
    dp = filed_dossier(team, "DP", on=date(2026, 1, 21))
    sweep(date(2026, 2, 22))
    j.go(f"/instruction/{dp.pk}/")
    j.checkpoint("agent-tacite")
    page.get_by_role("button", name="Délivrer le certificat de décision tacite (R424-13)").click()
    page.wait_for_load_state()
    assert IssuedDocument.objects.filter(dossier=dp, kind=DocumentKind.TACIT_CERTIFICATE).exists()
