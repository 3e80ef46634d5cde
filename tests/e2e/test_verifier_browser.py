"""/verifier in Chromium, as anyone holding a letter would use it (issue 16 §5, issue 20 §5): the
QR code's link shows the commune's seal and the letter's author; the file uploaded is valid
and sealed by the commune; an altered copy gets its one reason; a decision says "Signé par".
axe-core checks each page."""

import pytest
from django.utils import timezone

from permits.decisions.issuing import issue_decision, issue_letter, read_file
from permits.decisions.rendering import verify_url
from permits.models.documents import DocumentKind
from tests.decisions.test_verdicts import flip_inside_signed_range
from tests.e2e.test_after_decision_browser import signed
from tests.e2e.test_applicant_browser import Journey
from tests.factories import filed_dossier, make_team
from workflow.transitions import fire

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def upload(page, j: Journey, path, name: str) -> str:
    page.set_input_files("#id_document", str(path))
    page.get_by_role("button", name="Vérifier", exact=True).click()
    page.wait_for_load_state()
    j.checkpoint(name)
    return " ".join(page.inner_text(".verifier-result").split())


def test_a_sealed_letter_and_a_signed_decision_checked_on_verifier(
    live_server, browser_page, pki_dir, documents_root, tmp_path
):
    team = make_team()
    team.mayor.username = "maire"  # the key of the development PKI
    team.mayor.save()
    d = filed_dossier(team, "PCMI", on=timezone.localdate())
    issue_letter(d, team.officer, DocumentKind.PIECES_REQUEST, missing_pieces=("PCMI2",))
    letter = signed(d, DocumentKind.PIECES_REQUEST)
    page = browser_page
    j = Journey(page, live_server.url)

    # The QR code printed on the letter: the register's entry.
    page.goto(verify_url(letter.content["dossier_number"], letter.content_sha256).replace(
        "http://127.0.0.1:8000", live_server.url))  # fmt: skip
    text = " ".join(page.inner_text("main").split())
    assert "Ce document figure au registre de la commune" in text
    assert "Cachet de la commune Commune d'Épinay-sur-Orge" in text
    assert "Auteur Nora BENALI, Instructeur" in text  # CRPA L212-1: name and capacity
    j.checkpoint("verifier-qr-cachet")

    # The file itself.
    original = tmp_path / "lettre.pdf"
    original.write_bytes(read_file(letter))
    text = upload(page, j, original, "verifier-cachet-valide")
    assert "Document valide : le cachet électronique de la commune est valide" in text
    assert "Cachet de la commune Commune d'Épinay-sur-Orge (cachet électronique)" in text
    assert "Signé par" not in text

    # An altered copy: one reason, and the commune's certificate is not called unknown.
    altered = tmp_path / "lettre-modifiee.pdf"
    altered.write_bytes(flip_inside_signed_range(read_file(letter)))
    text = upload(page, j, altered, "verifier-modifie")
    assert "Document non valide : Le contenu du document a été modifié après la signature" in text
    assert "autorité reconnue" not in text

    # A decision: the mayor's own signature.
    d = fire(d, "declare_complete", actor=team.officer)
    d = fire(d, "propose_decision", actor=team.officer, outcome="grant")
    d = fire(d, "send_for_signature", actor=team.officer)
    issue_decision(d, team.mayor)
    decision = signed(d, DocumentKind.DECISION)
    arrete = tmp_path / "arrete.pdf"
    arrete.write_bytes(read_file(decision))
    text = upload(page, j, arrete, "verifier-signature-maire")
    assert "Document valide : la signature électronique est valide" in text
    assert "Signé par Jean DURAND, Maire" in text
    assert "Cachet de la commune" not in text
