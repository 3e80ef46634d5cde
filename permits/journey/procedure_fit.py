"""A dossier's procedure checked against its facts (issue 16 §1): the site's planning document,
zones and servitudes (the parcel check) and the project's works and areas, through the rules of
the guided choice (permits.journey.advisor, R421-9 to R421-17, R431-2).

A declaration whose facts call for a permit is stopped at the review and at filing, with the
reason and its article, and the applicant switches the draft to the right procedure in one
click: answers and pieces are kept, the pieces the new procedure requires are listed as missing.
The instruction page shows the same finding to the officer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction

from cadastre.planning import planning_document
from permits.journey.advisor import ARCHITECT_THRESHOLD_M2, Advice, Answers, Site, advise
from permits.models import Dossier
from permits.pieces import catalogue
from permits.pieces.store import current_pieces
from workflow import procedures
from workflow.states import State

logger = logging.getLogger(__name__)

DECLARATIONS = ("DP", "DPLT")
BUILDING_WORKS = ("new_building", "extension")


@dataclass(frozen=True)
class Mismatch:
    """The filed procedure cannot stand: the facts call for `procedure`."""

    filed: str
    procedure: str
    reasons: tuple[str, ...]
    article: str

    @property
    def label(self) -> str:
        """The label of the permit the facts call for."""
        return procedures.get(self.procedure).label

    @property
    def message(self) -> str:
        """French, for the applicant (and the FilingError)."""
        return (
            f"Votre projet relève d'un {self.label.lower()} et non d'une déclaration "
            f"préalable ({self.article}) : " + " ".join(self.reasons)
        )


def planning_of(insee_code: str) -> dict:
    """The commune's planning document ({"kind", "label"}), read cached by cadastre.planning."""
    return planning_document(insee_code)


def site_of(dossier: Dossier) -> Site | None:
    """The site's facts, if its parcels were checked against the cadastre."""
    check = dossier.parcel_check or {}
    if not any(p.get("found") for p in check.get("parcels", [])):
        return None
    return Site.from_check(check, planning_of(dossier.commune.insee_code)["kind"])


def answers_of(dossier: Dossier, site: Site | None) -> Answers | None:
    """The questionnaire's answers as the draft states them; None for works the thresholds
    do not concern."""
    if dossier.works_nature not in BUILDING_WORKS:
        return None
    rows = list(dossier.floor_areas.all())
    created = max(
        dossier.floor_area_created_m2 or 0,
        dossier.footprint_created_m2 or 0,  # R421-14: "emprise au sol ou surface de plancher"
        sum(r.created_m2 for r in rows),
    )
    existing = dossier.floor_area_existing_m2 or sum(r.existing_m2 for r in rows)
    removed = dossier.floor_area_removed_m2 or sum(r.removed_m2 for r in rows)
    return Answers(
        works=dossier.works_nature,
        floor_area_m2=created,
        total_after_m2=max(existing + created - removed, created),
        single_house=_single_house(dossier, rows),
        # Unknown site facts never stop a dossier: the favourable reading is taken.
        urban_zone=True,
        site=site,
    )


def _single_house(dossier: Dossier, rows) -> bool:
    """A single-family house or its annexe (PCMI, cerfa 13406): at most one dwelling, none
    collective, and only the "Logement" sub-destination in the floor-area table."""
    return (
        not dossier.dwellings_collective
        and (dossier.dwellings_created or 0) <= 1
        and all(r.sub_destination == "Logement" for r in rows)
    )


def advice_for(dossier: Dossier) -> Advice | None:
    """The advisor's answer for a draft from its stored answers and checked site, None before any
    answer."""
    answers = answers_of(dossier, site_of(dossier))
    return advise(answers) if answers else None


def mismatch(dossier: Dossier) -> Mismatch | None:
    """A declaration whose facts call for a permit (R421-14, R421-9, R421-1)."""
    if dossier.procedure not in DECLARATIONS:
        return None
    advice = advice_for(dossier)
    if advice is None or not advice.is_permit:
        return None
    return Mismatch(dossier.procedure, advice.procedure, advice.reasons, advice.article)


def architect_refusal(dossier: Dossier) -> str | None:
    """R431-2: the exemption from an architect is for a natural person building for themself
    at most 150 m² of floor area."""
    if dossier.effective_type not in ("PC", "PCMI") or not dossier.architect_exempt:
        return None
    if any(a.kind == "company" for a in dossier.applicants.all()):
        return (
            "Une personne morale ne peut se dispenser du recours à un architecte (R431-2) : "
            "indiquez l'architecte à l'étape « Le projet »."
        )
    answers = answers_of(dossier, None)
    if answers and answers.total_after_m2 > ARCHITECT_THRESHOLD_M2:
        return (
            f"La surface de plancher après travaux ({answers.total_after_m2} m²) dépasse "
            "150 m² : le recours à un architecte est obligatoire (R431-2). Indiquez "
            "l'architecte à l'étape « Le projet »."
        )
    return None


def filing_refusal(dossier: Dossier) -> str | None:
    """Why the dossier cannot be filed under its procedure, in French; None if it can."""
    found = mismatch(dossier)
    return found.message if found else architect_refusal(dossier)


class CannotSwitch(Exception):
    """The draft's facts call for no other procedure (or it is no longer a draft)."""


@transaction.atomic
def switch_procedure(dossier_id: int, depositor) -> tuple[Dossier, list[catalogue.PieceSpec]]:
    """The draft becomes the procedure its facts call for, nothing else changing: applicants,
    site, project, answers and every piece are kept (pieces of the former procedure too).
    Returns the draft and the pieces the new procedure still misses."""
    draft = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("commune")
        .filter(pk=dossier_id, depositor=depositor, state=State.DRAFT)
        .first()
    )
    found = mismatch(draft) if draft else None
    if found is None:
        raise CannotSwitch("Ce brouillon n'a pas à changer de démarche.")
    draft.procedure = found.procedure
    draft.cerfa = procedures.get(found.procedure).cerfa_full or ""
    draft.save(update_fields=["procedure", "cerfa", "updated_at"])
    logger.info(
        "draft procedure switched",
        extra={
            "dossier": draft.pk,
            "from": found.filed,
            "to": found.procedure,
            "article": found.article,
        },
    )
    have = current_pieces(draft)
    missing = [
        spec
        for spec in catalogue.required_pieces(draft.procedure, draft.piece_answers)
        if spec.code not in have
    ]
    return draft, missing


def kept_pieces(dossier: Dossier) -> list:
    """Pieces joined under a former procedure, which the current catalogue does not list."""
    codes = {spec.code for spec in catalogue.pieces_for(dossier.procedure)}
    return [piece for code, piece in current_pieces(dossier).items() if code not in codes]
