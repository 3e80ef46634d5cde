"""Every document family, rendered as PDF/A and signed, checked by pyHanko and by poppler.

Signed once per module (rendering is the slow part); each check then reads the same files.
"""

import re
from datetime import date
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from permits.decisions.content import (
    ContentError,
    Judgement,
    conformity_attestation_content,
    decision_content,
    majoration_content,
    pieces_request_content,
    recepisse_content,
    tacit_certificate_content,
)
from permits.decisions.facts import Signatory
from permits.decisions.rendering import render_pdf
from permits.decisions.signing import sign_document
from permits.decisions.verification import check_pdf
from tests.decisions.conftest import (
    CU_FACTS,
    DEPUTY,
    DP_FACTS,
    FACTS,
    MAYOR,
    assert_pdfsig_valid,
    run,
)
from workflow.clock import ExceptionFlag, MajorationReason
from workflow.outcomes import Outcome

O = Outcome  # noqa: E741
DAY = date(2026, 5, 4)
GROUNDS = (
    "que la hauteur du projet (11 m) excède la hauteur maximale de 9 m fixée par l'article UH 10 "
    "du règlement du PLU",
    "que le projet ne prévoit pas les deux places de stationnement exigées par l'article UH 12",
)


def _decision(facts, outcome, signatory=MAYOR, **judgement):
    return decision_content(
        facts,
        Judgement(outcome, **judgement),
        signatory,
        reference="URBA2026_00001",
        issued_on=DAY,
    )


CONTENTS = {
    "accord": lambda: _decision(FACTS, O.GRANT),
    "accord_prescriptions": lambda: _decision(
        FACTS,
        O.GRANT_WITH_PRESCRIPTIONS,
        considerants=("que le projet est situé aux abords d'un monument historique",),
        prescriptions=("La toiture sera couverte de tuiles plates de teinte brun-rouge.",),
    ),
    "refus": lambda: _decision(FACTS, O.REFUSAL, signatory=DEPUTY, considerants=GROUNDS),
    "non_opposition": lambda: _decision(DP_FACTS, O.NON_OPPOSITION),
    "opposition": lambda: _decision(DP_FACTS, O.OPPOSITION, considerants=GROUNDS[:1]),
    "sursis": lambda: _decision(
        FACTS,
        O.SURSIS_A_STATUER,
        considerants=("que le PLU est en cours de révision et que le projet compromettrait",),
        sursis_until=date(2028, 5, 4),
        sursis_basis="L153-11",
    ),
    "cu_positif": lambda: _decision(CU_FACTS, O.CU_POSITIVE),
    "cu_negatif": lambda: _decision(
        CU_FACTS, O.CU_NEGATIVE, considerants=("que le terrain n'est pas desservi",)
    ),
    "recepisse": lambda: recepisse_content(
        FACTS, MAYOR, reference="URBA2026_00002", issued_on=date(2026, 3, 2)
    ),
    "pieces": lambda: pieces_request_content(
        FACTS,
        MAYOR,
        ("PCMI2 : plan de masse coté", "PCMI4 : notice décrivant le terrain"),
        reference="URBA2026_00003",
        issued_on=date(2026, 3, 20),
    ),
    "majoration": lambda: majoration_content(
        FACTS,
        MAYOR,
        (MajorationReason.R423_24_C_SPR_ABORDS_MH,),
        reference="URBA2026_00004",
        issued_on=date(2026, 3, 20),
    ),
    "certificat_tacite": lambda: tacit_certificate_content(
        FACTS, MAYOR, reference="URBA2026_00005", issued_on=date(2026, 6, 1)
    ),
    "attestation_conformite": lambda: conformity_attestation_content(
        FACTS,
        MAYOR,
        daact_received=date(2027, 1, 10),
        reference="URBA2026_00006",
        issued_on=date(2027, 5, 1),
    ),
}


@pytest.fixture(scope="module")
def signed(pki_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("signed")
    out = {}
    for name, build in CONTENTS.items():
        content = build()
        pdf, _level = sign_document(
            render_pdf(content.as_dict()),
            key_name=content.signature
            and ("adjointe" if "délégation" in content.signature[0] else "maire"),
            reason=content.title,
            location=content.commune,
        )
        path = folder / f"{name}.pdf"
        path.write_bytes(pdf)
        out[name] = path
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", CONTENTS)
def test_every_signed_document_is_valid_for_pyhanko_and_pdfsig(signed, name):
    report = check_pdf(signed[name].read_bytes())
    assert report.valid, report.problems
    assert report.details["coverage"] == "ENTIRE_FILE"
    assert_pdfsig_valid(signed[name])


@pytest.mark.slow
@pytest.mark.parametrize("name", CONTENTS)
def test_every_document_carries_the_pdfa_markers_and_embeds_all_its_fonts(signed, name):
    data = signed[name].read_bytes()
    root = PdfFileReader(BytesIO(data), strict=False).root
    xmp = root["/Metadata"].data.decode()
    assert re.search(r"pdfaid:part(>|=\")3", xmp), xmp[:500]
    assert re.search(r"pdfaid:conformance(>|=\")B", xmp), xmp[:500]
    intents = root["/OutputIntents"]
    assert intents[0]["/S"] == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intents[0]
    fonts = run("pdffonts", str(signed[name])).splitlines()[2:]
    assert fonts, "no font listed"
    for line in fonts:
        # columns: name, type, encoding, emb, sub, uni, object, ID
        emb = re.search(r"\s(yes|no)\s+(?:yes|no)\s+(?:yes|no)\s+\d+\s+\d+\s*$", line)
        assert emb and emb.group(1) == "yes", line


def _positions(text: str, *needles: str) -> list[int]:
    positions = []
    for needle in needles:
        found = text.find(needle, positions[-1] + 1 if positions else 0)
        assert found >= 0, f"{needle!r} not found in order"
        positions.append(found)
    return positions


@pytest.mark.slow
def test_an_arrete_reads_back_heading_visas_considerants_arrete_articles_signature_annex(signed):
    text = " ".join(run("pdftotext", str(signed["refus"]), "-").split())
    _positions(
        text,
        "Dossier n° PC 091 216 26 00001",
        "Arrêté refusant un permis de construire",
        "Arrêté n° URBA2026_00001",
        "Vu la demande de permis de construire",
        "Vu le plan local d'urbanisme approuvé le 13 octobre 2017",
        "Vu la servitude d'utilité publique AC1",
        "Vu l'avis favorable assorti de prescriptions de l'architecte des Bâtiments de France",
        "Considérant que la hauteur du projet",
        "Considérant que le projet ne prévoit pas",
        "ARRÊTE",
        "Article 1er",
        "REFUSÉ",
        "Article 2",
        "Fait à Épinay-sur-Orge, le 4 mai 2026.",
        "Pour le Maire et par délégation,",
        "Claire PETIT",
        "arrêté n° 2026-014 du 5 janvier 2026",
        "Signé électroniquement par Claire PETIT",
        "Informations sur les voies de recours",
        "Délais et voies de recours",
        "Télérecours citoyens",
    )


@pytest.mark.slow
def test_a_grant_annex_gives_every_mention_of_the_reference(signed):
    text = " ".join(run("pdftotext", str(signed["accord"]), "-").split())
    for mention in (
        "exécutoire",
        "Télérecours citoyens",
        "L600-12-2",
        "R600-2",
        "R600-1",
        "trois ans",
        "R424-17",
        "R424-21",
        "80 centimètres",
        "déclaration d'ouverture de chantier",
        "déclaration attestant l'achèvement",
        "L424-5",
        "sous réserve du droit des tiers",
        "taxe d'aménagement",
    ):
        assert mention in text, mention


@pytest.mark.slow
def test_the_receipt_states_the_number_and_the_tacit_date_from_the_clock(signed):
    text = " ".join(run("pdftotext", str(signed["recepisse"]), "-").split())
    assert "PC 091 216 26 00001" in text
    # PCMI filed 2 March 2026: two months (R423-23 b), decision by 2 May, tacit permit on 3 May.
    assert "au plus tard le 2 mai 2026" in text
    assert "permis tacite le 3 mai 2026" in text
    assert "R423-5" in text


@pytest.mark.slow
def test_the_majoration_letter_gives_the_new_date_and_its_reason(signed):
    text = " ".join(run("pdftotext", str(signed["majoration"]), "-").split())
    assert "R423-24 c" in text
    assert "3 juin 2026" in text  # 2 + 1 months: délai ends 2 June, tacit permit on 3 June


def test_a_refusal_without_grounds_cannot_be_written():
    with pytest.raises(ContentError, match="L424-3"):
        _decision(FACTS, O.REFUSAL)


def test_a_declaration_cannot_receive_a_permit_decision():
    with pytest.raises(ContentError):
        _decision(DP_FACTS, O.GRANT)


def test_a_deputy_signs_only_under_a_named_delegation():
    with pytest.raises(ValueError, match="L2122-18"):
        Signatory(3, "Paul", "Roux", "Adjoint au maire", "roux")


def test_a_tacit_certificate_cannot_state_a_tacit_refusal():
    """That a tacit grant exists is the machine's answer (tacit_certificate_refusal)."""
    with pytest.raises(ContentError, match="Aucune décision tacite favorable"):
        tacit_certificate_content(
            FACTS,
            MAYOR,
            reference="URBA2026_00009",
            issued_on=DAY.replace(day=2, month=5),
            flags=frozenset({ExceptionFlag.SITE_CLASSE}),
        )
