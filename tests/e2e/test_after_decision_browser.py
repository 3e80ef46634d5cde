"""After the decision, in Chromium (issue 8, point 5): the officer engages a retrait, the holder
reads the letter and answers through the messages, the mayor is refused before the reply
period ends and then pronounces the retrait from the parapheur (second factor at sign-in); a
conformity contest with its formal notice; the holder asks for the attestation of
non-contestation. axe-core checks each page on the way."""

from datetime import timedelta

import pyotp
import pytest
from django.utils import timezone

from accounts.models import TOTPDevice
from permits.decisions.issuing import sign_pending
from permits.models import Dossier
from permits.models.documents import DocumentKind, DocumentStatus, IssuedDocument
from tests.e2e.test_applicant_browser import Journey, off_loop
from tests.e2e.test_officer_browser import sign_in, sign_out
from tests.factories import make_team
from tests.officer.test_after_decision import executory, works_completed
from workflow.states import State
from workflow.transitions import fire

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def signed(dossier, kind) -> IssuedDocument:
    """The signing job, as the worker runs it."""
    document = IssuedDocument.objects.get(dossier=dossier, kind=kind)
    document = off_loop(sign_pending, document.pk)
    assert document.status == DocumentStatus.SIGNED
    return document


def click(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_retrait_conformity_and_attestation_in_a_real_browser(
    live_server, browser_page, pki_dir, documents_root
):
    team = make_team()
    team.mayor.username = "maire"  # the key of the development PKI
    team.mayor.save()
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=team.mayor, secret=secret, confirmed_at=timezone.now())
    granted = executory(team)
    page = browser_page
    j = Journey(page, live_server.url)

    # The officer engages the retrait: the window's end is shown, the letter goes out.
    sign_in(page, j, team.officer)
    j.go(f"/instruction/{granted.pk}/")
    assert "Délai de retrait : ouvert jusqu'au" in page.content()
    j.checkpoint("apres-decision-retrait")
    page.fill("#rt-grounds", "La hauteur excède celle fixée par l'article UH 10 du PLU.")
    click(page, "Engager une procédure de retrait")
    granted.refresh_from_db()
    assert granted.retrait_letter_on == timezone.localdate()
    letter = signed(granted, DocumentKind.RETRAIT_NOTICE)
    assert "prononcé par le signataire" in page.content()
    sign_out(page)

    # Too early for the mayor: the holder still has time to answer (CRPA L121-1).
    totp = pyotp.TOTP(secret)
    sign_in(page, j, team.mayor, code=totp.now())
    j.go("/parapheur/")
    assert "Retraits à prononcer" in page.content()
    click(page, "Prononcer le retrait et signer l'arrêté")
    assert "procédure contradictoire préalable" in page.content()
    j.checkpoint("parapheur-retrait-refuse")
    sign_out(page)

    # The holder reads the letter and answers through the dossier's messages.
    sign_in(page, j, team.applicant)
    j.go(f"/dossiers/{granted.pk}/")
    assert "envisage de retirer votre autorisation" in page.content()
    assert page.get_by_role("link", name="Lettre préalable au retrait").count() == 1
    j.checkpoint("dossier-lettre-retrait")
    page.fill("#id_body", "La hauteur est mesurée depuis le terrain naturel.")
    click(page, "Envoyer le message")
    sign_out(page)

    # After the reply period, the mayor pronounces the retrait and signs the arrêté.
    Dossier.objects.filter(pk=granted.pk).update(
        retrait_letter_on=timezone.localdate() - timedelta(days=15)
    )
    sign_in(page, j, team.mayor, code=totp.at(timezone.now().timestamp() + totp.interval))
    j.go("/parapheur/")
    click(page, "Prononcer le retrait et signer l'arrêté")
    granted.refresh_from_db()
    assert granted.state == State.RETRACTED
    arrete = signed(granted, DocumentKind.RETRAIT)
    sign_out(page)
    sign_in(page, j, team.officer)
    j.go(f"/instruction/{granted.pk}/")
    assert arrete.reference in page.content() and letter.reference in page.content()
    j.checkpoint("apres-decision-retire")

    # Conformity contested within the window, with the formal notice.
    built = works_completed(team, timezone.localdate() - timedelta(days=10))
    j.go(f"/instruction/{built.pk}/")
    assert "la conformité peut être contestée jusqu'au" in page.content()
    j.checkpoint("apres-decision-conformite")
    page.fill("#cc-items", "Clôture de 2,20 m au lieu de 1,80 m")
    click(page, "Contester la conformité")
    built.refresh_from_db()
    assert built.state == State.NON_CONFORM
    signed(built, DocumentKind.CONFORMITY_NOTICE)
    j.go(f"/instruction/{built.pk}/")
    j.checkpoint("apres-decision-non-conforme")
    sign_out(page)

    # Another dossier's window closed without contest: the holder asks for the attestation.
    done = works_completed(team, timezone.localdate() - timedelta(days=120))
    fire(done, "close_conformity_window", actor=None, today=timezone.localdate())
    sign_in(page, j, team.applicant)
    j.go(f"/dossiers/{done.pk}/")
    j.checkpoint("dossier-conforme")
    click(page, "Demander l'attestation de non-contestation de la conformité")
    signed(done, DocumentKind.CONFORMITY_ATTESTATION)
    j.go(f"/dossiers/{done.pk}/")
    link = page.get_by_role("link", name="Attestation de non-contestation de la conformité")
    with page.expect_download() as download:
        link.click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    j.checkpoint("dossier-attestation")
