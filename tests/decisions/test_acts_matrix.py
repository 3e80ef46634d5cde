"""The scenario matrix (issue 16): dossiers in every planning situation, with and without the
ABF, taxes, majorations and delegations, each rendered as its arrêté. Every visa is derived
from a fact stored on the dossier (parcel check, consultations, majorations, pieces) through
`facts_from_dossier`, and the visas printed are exactly those the facts call for; every mention
docs/acts.md lists for the act's kind is printed; no two text boxes overlap on any page.
The letters and the other acts are checked the same way for their mentions and layout."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from permits.decisions.content import (
    Judgement,
    conformity_notice_content,
    decision_content,
    retrait_content,
    retrait_notice_content,
)
from permits.decisions.facts import facts_from_dossier
from permits.decisions.rendering import render_pdf
from permits.models import Dossier
from permits.models.dossiers import DossierParcel
from tests.decisions.conftest import DEPUTY, FACTS, MAYOR
from tests.decisions.layout import overlaps, word_boxes
from tests.decisions.test_documents import CONTENTS
from tests.factories import CommuneFactory, filed_dossier, make_team
from workflow.models import Consultation

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

DOC = Path(__file__).resolve().parents[2] / "docs" / "acts.md"
FILED = date(2026, 1, 5)
SIGNED = date(2026, 4, 2)
ABF = "l'architecte des Bâtiments de France"
GROUND = "que la hauteur du projet (11 m) excède la hauteur maximale de 9 m fixée par le règlement"


def mentions_of_the_doc() -> dict[str, tuple[str, ...]]:
    """`## Title (`key`)` then table rows whose last cell holds the printed words in backquotes."""
    mentions, key = {}, None
    for line in DOC.read_text().splitlines():
        heading = re.match(r"^#{2,3} .*\(`(\w+)`\)", line)
        if heading:
            key = heading.group(1)
            mentions[key] = ()
        elif line.startswith("#"):
            key = None
        elif key and line.startswith("|"):
            printed = re.search(r"\|\s*`([^`]+)`\s*\|\s*$", line)
            if printed:
                mentions[key] += (printed.group(1),)
    return mentions


MENTIONS = mentions_of_the_doc()


def test_the_doc_lists_mentions_for_every_kind_of_act_and_letter():
    for key in (
        "arrete",
        "grant",
        "permit",
        "taxes",
        "refusal",
        "abf_refusal",
        "cu",
        "retrait",
        "recepisse",
        "pieces_request",
        "majoration",
        "conformity_notice",
    ):
        assert MENTIONS.get(key), key


# --- the dossiers ------------------------------------------------------------------------------

PLU = {"idurba": "91216_PLU_20171013", "approved_on": "2017-10-13"}
PLUI = {"idurba": "200056232_PLUi_20200130", "approved_on": "2020-01-30"}
CC = {"idurba": "91216_CC_20110520", "approved_on": "2011-05-20"}
PLU_VISA = "Vu le plan local d'urbanisme approuvé le 13 octobre 2017, et le règlement de la zone"
RNU_VISA = (
    "Vu le règlement national d'urbanisme (articles L111-1 et R111-1 et suivants du code de "
    "l'urbanisme), la commune n'étant pas couverte par un document d'urbanisme ;"
)
AC1 = {
    "id_sup": "AC1-91216-1",
    "category": "AC1",
    "name": "Église Saint-Leu-Saint-Gilles",
    "generator_kind": "Monument",
    "protection": "Inscrit",
}
AC1_VISA = (
    "Vu la servitude d'utilité publique AC1 – Église Saint-Leu-Saint-Gilles (monument, inscrit) ;"
)
ABORDS = "R423_24_C_SPR_ABORDS_MH"
ABORDS_VISA = (
    "Vu la lettre du 20 janvier 2026 notifiant la majoration du délai d'instruction (projet "
    "situé dans un site patrimonial remarquable ou aux abords d'un monument historique, article "
    "R423-24 c) ;"
)


def zone(base, libelle, typezone, libelong=""):
    return {**base, "libelle": libelle, "typezone": typezone, "libelong": libelong}


def abf(opinion, answered_on=date(2026, 2, 20), prescriptions=()):
    return {
        "service_name": ABF,
        "service_kind": "abf",
        "binding": True,
        "opinion": opinion,
        "answered_on": answered_on,
        "prescriptions": list(prescriptions),
    }


@dataclass
class Scenario:
    procedure: str
    outcome: str
    visas: tuple[str, ...]  # the visas after the application's, its object and its pieces
    kinds: tuple[str, ...]  # docs/acts.md sets printed
    absent: tuple[str, ...] = ()  # words that must not be printed
    commune: tuple[str, str] = ("91216", "Épinay-sur-Orge")
    zones: list = field(default_factory=list)
    servitudes: list = field(default_factory=list)
    commune_zoning: bool = False  # zoning imported for the commune, none crossed by the site
    consultations: list = field(default_factory=list)
    majorations: list = field(default_factory=list)
    pieces: tuple[date, date] | None = None
    description: str = "Extension d'une maison individuelle."
    floor_area: int | None = None
    dwellings: int | None = None
    considerants: tuple[str, ...] = ()
    prescriptions: tuple[str, ...] = ()
    deputy: bool = False
    sursis_until: date | None = None


PERMIT_CODE = (
    "Vu le code de l'urbanisme, notamment ses articles L421-1 et suivants, R421-1 et suivants, "
    "L424-1 et suivants et R424-1 et suivants ;"
)
DP_CODE = (
    "Vu le code de l'urbanisme, notamment ses articles L421-4, R421-9 et suivants, L424-1 et "
    "suivants et R424-1 et suivants ;"
)
CU_CODE = "Vu le code de l'urbanisme, notamment ses articles L410-1 et R410-1 et suivants ;"
GRANT = ("arrete", "grant", "construction")
PERMIT = (*GRANT, "permit")
NO_TAXES = ("taxe d'aménagement",)
NO_DOC = ("R424-16",)

SCENARIOS = {
    "dp_plu_zone_u": Scenario(
        "DP",
        "non_opposition",
        (DP_CODE, f"{PLU_VISA} UH ;"),
        GRANT,
        absent=(*NO_TAXES, *NO_DOC, "logements., sur", "clôture., sur"),
        zones=[zone(PLU, "UH", "U")],
        description="Pose d'une clôture.",
    ),
    "dp_plu_zone_n_opposition": Scenario(
        "DP",
        "opposition",
        (DP_CODE, f"{PLU_VISA} N ;"),
        ("arrete", "refusal"),
        absent=("R600-2", "L242-1"),
        zones=[zone(PLU, "N", "N")],
        considerants=(GROUND,),
    ),
    "pc_plu_zone_u_taxes": Scenario(
        "PCMI",
        "grant",
        (PERMIT_CODE, f"{PLU_VISA} UH ;"),
        (*PERMIT, "taxes"),
        zones=[zone(PLU, "UH", "U")],
        description="Construction d'une maison individuelle de 120 m², 1 logement.",
        floor_area=120,
        dwellings=1,
    ),
    "pc_plu_zone_n_refusal_delegated": Scenario(
        "PC",
        "refusal",
        (
            PERMIT_CODE,
            "Vu le plan local d'urbanisme approuvé le 13 octobre 2017, et le règlement "
            "des zones N et A ;",
        ),
        ("arrete", "refusal", "delegated"),
        absent=NO_TAXES,
        zones=[zone(PLU, "N", "N"), zone(PLU, "A", "A")],
        considerants=(GROUND, "que le terrain n'est pas desservi par les réseaux"),
        floor_area=200,
        deputy=True,
    ),
    "pc_plui_two_zones": Scenario(
        "PC",
        "grant",
        (
            PERMIT_CODE,
            "Vu le plan local d'urbanisme intercommunal approuvé le 30 janvier 2020, "
            "et le règlement des zones UA et UB ;",
        ),
        (*PERMIT, "taxes"),
        commune=("91471", "Orsay"),
        zones=[zone(PLUI, "UA", "U"), zone(PLUI, "UB", "U")],
        floor_area=300,
    ),
    "dp_plui_zone_n": Scenario(
        "DP",
        "non_opposition",
        (
            DP_CODE,
            "Vu le plan local d'urbanisme intercommunal approuvé le 30 janvier 2020, et "
            "le règlement de la zone N ;",
        ),
        GRANT,
        commune=("91692", "Les Ulis"),
        zones=[zone(PLUI, "N", "N")],
    ),
    "pc_carte_communale": Scenario(
        "PCMI",
        "grant",
        (
            PERMIT_CODE,
            "Vu la carte communale approuvée le 20 mai 2011, le terrain étant situé "
            "dans le secteur ZC ;",
        ),
        (*PERMIT, "taxes"),
        commune=("91494", "Le Plessis-Pâté"),
        zones=[zone(CC, "ZC", "ZC")],
        floor_area=95,
    ),
    "dp_carte_communale_commune_zoning": Scenario(
        "DP",
        "non_opposition",
        (DP_CODE, "Vu la carte communale approuvée le 20 mai 2011 ;"),
        GRANT,
        commune=("91494", "Le Plessis-Pâté"),
        commune_zoning=True,
    ),
    "pc_rnu": Scenario(
        "PCMI",
        "grant",
        (PERMIT_CODE, RNU_VISA),
        (*PERMIT, "taxes"),
        commune=("75056", "Paris"),
        floor_area=140,
    ),
    "dp_rnu": Scenario("DP", "non_opposition", (DP_CODE, RNU_VISA), GRANT, absent=NO_DOC),
    "pc_abf_accord": Scenario(
        "PCMI",
        "grant",
        (
            ABORDS_VISA,
            PERMIT_CODE,
            f"{PLU_VISA} UH ;",
            AC1_VISA,
            f"Vu l'accord de {ABF} du 20 février 2026 ;",
        ),
        (*PERMIT, "taxes"),
        absent=("L632-2",),
        zones=[zone(PLU, "UH", "U")],
        servitudes=[AC1],
        majorations=[(ABORDS, "2026-01-20")],
        consultations=[abf("favourable")],
        floor_area=130,
    ),
    "pc_abf_accord_with_prescriptions": Scenario(
        "PCMI",
        "grant_with_prescriptions",
        (
            ABORDS_VISA,
            PERMIT_CODE,
            f"{PLU_VISA} UH ;",
            AC1_VISA,
            f"Vu l'accord assorti de prescriptions de {ABF} du 20 février 2026 ;",
        ),
        (*PERMIT, "taxes", "prescriptions", "abf_prescriptions"),
        zones=[zone(PLU, "UH", "U")],
        servitudes=[AC1],
        majorations=[(ABORDS, "2026-01-20")],
        consultations=[
            abf(
                "with_prescriptions",
                prescriptions=(
                    "Les menuiseries extérieures seront en bois peint.",
                    "La toiture sera couverte de tuiles plates de teinte brun-rouge.",
                ),
            )
        ],
        floor_area=130,
    ),
    "pc_abf_refusal": Scenario(
        "PCMI",
        "refusal",
        (
            ABORDS_VISA,
            PERMIT_CODE,
            f"{PLU_VISA} UH ;",
            AC1_VISA,
            f"Vu le refus d'accord de {ABF} du 20 février 2026 ;",
        ),
        ("arrete", "refusal", "abf_refusal"),
        zones=[zone(PLU, "UH", "U")],
        servitudes=[AC1],
        majorations=[(ABORDS, "2026-01-20")],
        consultations=[abf("unfavourable")],
        considerants=(GROUND,),
    ),
    "dp_abf_tacit_accord": Scenario(
        "DP",
        "non_opposition",
        (
            DP_CODE,
            f"{PLU_VISA} UH ;",
            AC1_VISA,
            f"Vu l'accord tacite de {ABF}, né le 7 février 2026 du silence gardé dans le délai "
            "de consultation (article R423-67) ;",
        ),
        GRANT,
        zones=[zone(PLU, "UH", "U")],
        servitudes=[AC1],
        consultations=[abf("tacit_favourable", answered_on=date(2026, 2, 7))],
    ),
    "pc_commission_majoration": Scenario(
        "PC",
        "grant",
        (
            "Vu la lettre du 28 janvier 2026 notifiant la majoration du délai d'instruction "
            "(consultation d'une commission départementale ou régionale, article R423-25 a) ;",
            PERMIT_CODE,
            f"{PLU_VISA} UC ;",
            "Vu l'avis favorable du service consulté « SDIS de l'Essonne » du 3 mars 2026 ;",
            "Vu l'avis favorable tacite du service consulté « Enedis », né le 6 février 2026 du "
            "silence gardé dans le délai de consultation (article R423-59) ;",
        ),
        (*PERMIT, "taxes"),
        zones=[zone(PLU, "UC", "U")],
        majorations=[("R423_25_A_COMMISSION", "2026-01-28")],
        consultations=[
            {
                "service_name": "SDIS de l'Essonne",
                "opinion": "favourable",
                "answered_on": date(2026, 3, 3),
            },
            {
                "service_name": "Enedis",
                "opinion": "tacit_favourable",
                "answered_on": date(2026, 2, 6),
            },
        ],
        description="Construction d'un commerce de 900 m²",
        floor_area=900,
    ),
    "pc_dwellings_taxes_after_pieces": Scenario(
        "PC",
        "grant",
        (
            "Vu les pièces complémentaires demandées le 20 janvier 2026 et reçues le "
            "10 février 2026 (articles R423-38 et R423-39) ;",
            PERMIT_CODE,
            f"{PLU_VISA} UA ;",
        ),
        (*PERMIT, "taxes"),
        zones=[zone(PLU, "UA", "U")],
        pieces=(date(2026, 1, 20), date(2026, 2, 10)),
        description="Construction d'un immeuble de 4 logements.",
        floor_area=310,
        dwellings=4,
    ),
    "pd_demolition": Scenario(
        "PD",
        "grant",
        (PERMIT_CODE, f"{PLU_VISA} UH ;"),
        ("arrete", "grant", "permit", "demolition"),
        absent=("L242-1", *NO_TAXES),
        zones=[zone(PLU, "UH", "U")],
        description="Démolition d'un garage",
    ),
    "pc_archaeology": Scenario(
        "PC",
        "grant",
        (PERMIT_CODE, f"{PLU_VISA} UA ;"),
        (*PERMIT, "taxes", "archaeology"),
        zones=[zone(PLU, "UA", "U", "UA : centre ancien, secteur de sensibilité archéologique")],
        floor_area=150,
    ),
    "pc_sursis": Scenario(
        "PC",
        "sursis_a_statuer",
        (PERMIT_CODE, f"{PLU_VISA} 1AU ;"),
        ("arrete", "sursis"),
        absent=NO_TAXES,
        zones=[zone(PLU, "1AU", "AUs")],
        considerants=("que le PLU est en cours de révision et que le projet compromettrait",),
        floor_area=500,
        sursis_until=date(2028, 4, 1),
    ),
    "cub_positive_plu": Scenario(
        "CUB",
        "cu_positive",
        (CU_CODE, f"{PLU_VISA} UH ;", AC1_VISA),
        ("cu",),
        zones=[zone(PLU, "UH", "U")],
        servitudes=[AC1],
    ),
    "cub_negative_rnu": Scenario(
        "CUB",
        "cu_negative",
        (CU_CODE, RNU_VISA),
        ("cu",),
        considerants=("que le terrain n'est pas desservi par les réseaux",),
    ),
}


def dossier_for(s: Scenario) -> Dossier:
    from cadastre.models import Zone

    commune = CommuneFactory(insee_code=s.commune[0], name=s.commune[1])
    team = make_team(commune)
    d = filed_dossier(
        team,
        s.procedure,
        on=FILED,
        description=s.description,
        floor_area_created_m2=s.floor_area,
        dwellings_created=s.dwellings,
        site_address="12 rue de la Gare",
        site_postcode="91360",
        site_locality=s.commune[1],
    )
    DossierParcel.objects.create(dossier=d, idu=f"{s.commune[0]}000AB0037")
    Dossier.objects.filter(pk=d.pk).update(
        parcel_check={"zones": s.zones, "servitudes": s.servitudes},
        majorations=[{"reason": r, "notified": on} for r, on in s.majorations],
        pieces_requested_on=s.pieces[0] if s.pieces else None,
        pieces_received_on=s.pieces[1] if s.pieces else None,
    )
    if s.commune_zoning:
        from django.contrib.gis.geos import MultiPolygon, Polygon

        square = Polygon(((0, 0), (0, 10), (10, 10), (10, 0), (0, 0)), srid=2154)
        Zone.objects.create(
            idurba="91494_CC_20110520",
            document_code="91494_CC",
            typedoc="CC",
            approved_on=date(2011, 5, 20),
            libelle="ZC",
            typezone="ZC",
            insee=s.commune[0],
            geom=MultiPolygon(square, srid=2154),
        )
    for c in s.consultations:
        Consultation.objects.create(
            dossier=d,
            sent_on=FILED,
            due_on=FILED,
            due_basis="R423-59",
            **{"service_kind": "other", **c},
        )
    return Dossier.objects.get(pk=d.pk)


def flat(text: str) -> str:
    """One space between words; none before ";" or ":", which poppler may glue to the word
    before them at the end of a line."""
    return re.sub(r" ([;:])", r"\1", " ".join(text.split()))


def pdf_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return flat(out.stdout)


def assert_printed(text: str, kinds, absent=()):
    for kind in kinds:
        for words in MENTIONS[kind]:
            assert flat(words) in text, f"{kind}: {words!r} missing"
    for words in absent:
        assert words not in text, f"{words!r} printed"


def assert_signature_kept_with_an_article(pdf: Path):
    """The signature block never stands alone on a page: the last article goes with it."""
    pages = [[b.text for b in page] for page in word_boxes(pdf)]
    signed = [words for words in pages if "électroniquement" in words]
    assert len(signed) == 1 and "Article" in signed[0]


def assert_no_overlap(pdf: Path):
    found = overlaps(pdf)
    assert not found, [(a.page, a.text, b.text) for a, b in found[:5]]


@pytest.mark.parametrize("name", SCENARIOS)
def test_each_arrete_cites_exactly_the_dossiers_facts_and_every_mention(name, tmp_path):
    s = SCENARIOS[name]
    dossier = dossier_for(s)
    facts = facts_from_dossier(dossier)
    content = decision_content(
        facts,
        Judgement(s.outcome, s.considerants, s.prescriptions, sursis_until=s.sursis_until),
        DEPUTY if s.deputy else MAYOR,
        reference="URBA2026_00042",
        issued_on=SIGNED,
    )
    application, subject, pieces, *rest = content.visas
    assert facts.number in application and "5 janvier 2026" in application
    assert subject.startswith(f"Vu l'objet de la demande : {s.description.rstrip('.')}, sur ")
    assert f"{s.commune[0]}000AB0037" in subject
    assert pieces == "Vu les pièces du dossier ;"
    # Exactly the visas the facts call for: none missing, none without a fact behind it.
    assert tuple(rest) == s.visas

    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(render_pdf(content.as_dict()))
    text = pdf_text(pdf)
    for visa in content.visas:
        assert flat(visa) in text
    assert f"Commune {heading(s.commune[1])}" in text
    assert_printed(text, s.kinds, s.absent)
    for prescription in (p for c in s.consultations for p in c.get("prescriptions", ())):
        assert prescription.rstrip(".") in text
    assert_no_overlap(pdf)
    assert_signature_kept_with_an_article(pdf)


def heading(name: str) -> str:
    """Written out, not computed by the code under test."""
    return {
        "Épinay-sur-Orge": "d'Épinay-sur-Orge",
        "Orsay": "d'Orsay",
        "Les Ulis": "des Ulis",
        "Le Plessis-Pâté": "du Plessis-Pâté",
        "Paris": "de Paris",
    }[name]


# --- the other acts and the letters ------------------------------------------------------------

OTHERS = {
    "recepisse": ("recepisse", CONTENTS["recepisse"]),
    "pieces": ("pieces_request", CONTENTS["pieces"]),
    "majoration": ("majoration", CONTENTS["majoration"]),
    "certificat_tacite": ("tacit_certificate", CONTENTS["certificat_tacite"]),
    "attestation_conformite": ("conformity_attestation", CONTENTS["attestation_conformite"]),
    "retrait_notice": (
        "retrait_notice",
        lambda: retrait_notice_content(
            FACTS,
            MAYOR,
            ("La hauteur excède celle autorisée par le règlement.",),
            decision_date=date(2026, 5, 4),
            retrait_deadline=date(2026, 8, 4),
            reply_until=date(2026, 6, 20),
            reference="URBA2026_00010",
            issued_on=date(2026, 6, 2),
        ),
    ),
    "retrait": (
        "retrait",
        lambda: retrait_content(
            FACTS,
            DEPUTY,
            "la hauteur excède celle autorisée par le règlement",
            decision_date=date(2026, 5, 4),
            retrait_deadline=date(2026, 8, 4),
            letter_on=date(2026, 6, 2),
            observations_received=False,
            reference="URBA2026_00011",
            issued_on=date(2026, 7, 1),
        ),
    ),
    "conformity_notice": (
        "conformity_notice",
        lambda: conformity_notice_content(
            FACTS,
            MAYOR,
            ("La clôture dépasse 2 m.",),
            daact_received=date(2027, 1, 10),
            contest_deadline=date(2027, 6, 10),
            reference="URBA2026_00012",
            issued_on=date(2027, 3, 1),
        ),
    ),
}


@pytest.mark.parametrize("name", OTHERS)
def test_each_letter_and_other_act_prints_its_mentions_and_nothing_overlaps(name, tmp_path):
    kind, build = OTHERS[name]
    content = build()
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(render_pdf(content.as_dict()))
    text = pdf_text(pdf)
    assert "Commune d'Épinay-sur-Orge" in text
    assert_printed(text, (kind, "arrete") if kind == "retrait" else (kind,))
    assert_no_overlap(pdf)


def test_the_overlap_check_finds_text_drawn_over_text(tmp_path):
    """The check can fail: two paragraphs placed on the same spot are reported."""
    from permits.decisions.rendering import html_to_pdf

    pdf = tmp_path / "overlap.pdf"
    pdf.write_bytes(
        html_to_pdf(
            '<p style="position:absolute;top:10mm">Informations sur les voies de recours</p>'
            '<p style="position:absolute;top:11mm">Vérifier l\'authenticité</p>',
            pdfa=False,
        )
    )
    assert overlaps(pdf)


def test_a_short_refusal_keeps_its_verification_block_off_the_annex_headings(tmp_path):
    """Issue 16's case: the floated verification block of a one-page refusal was drawn over
    "Informations sur les voies de recours" on the annex's page."""
    from dataclasses import replace

    content = decision_content(
        replace(FACTS, opinions=(), servitudes=()),
        Judgement("refusal", (GROUND,)),
        DEPUTY,
        reference="URBA2026_00013",
        issued_on=SIGNED,
    )
    pdf = tmp_path / "refus.pdf"
    pdf.write_bytes(render_pdf(content.as_dict()))
    assert_no_overlap(pdf)


def test_the_signature_does_not_stand_alone_on_the_last_page(tmp_path):
    """Issue 16's case: this refusal's articles filled page 1 and its signature block went
    alone to page 2; the last article now goes with it."""
    content = decision_content(
        FACTS, Judgement("refusal", (GROUND,)), DEPUTY, reference="URBA2026_00014", issued_on=SIGNED
    )
    pdf = tmp_path / "refus.pdf"
    pdf.write_bytes(render_pdf(content.as_dict()))
    assert_signature_kept_with_an_article(pdf)
    assert_no_overlap(pdf)
