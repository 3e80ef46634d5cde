"""The guided choice of a procedure: a few answers give the procedure, with the reasons.

A simplification of R421-1 to R421-29 for the common cases (reference §1.1); the answer says
which article it follows and invites the applicant to ask the mairie when unsure. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass

NO_FORMALITY = ""  # works under 5 m² outside protected areas (R421-2)


@dataclass(frozen=True)
class Answers:
    works: str  # a permits.models.dossiers.WorksNature value, or "information"/"feasibility"
    floor_area_m2: int = 0  # floor area or footprint created
    single_house: bool = False  # a single-family house or its annexe
    urban_zone: bool = False  # a "U" zone of a PLU
    protected_area: bool = False  # MH abords, SPR or site
    common_spaces: bool = False  # a lotissement with common roads or spaces
    total_after_m2: int = 0  # floor area of the building after works (extensions)


@dataclass(frozen=True)
class Advice:
    procedure: str  # a workflow.procedures code, or NO_FORMALITY
    reasons: tuple[str, ...]


def advise(a: Answers) -> Advice:
    if a.works == "information":
        return Advice("CUA", ("Pour connaître les règles applicables au terrain (L410-1 a).",))
    if a.works == "feasibility":
        return Advice("CUB", ("Pour savoir si un projet précis est réalisable (L410-1 b).",))
    if a.works == "demolition":
        return Advice(
            "PD",
            (
                "La démolition relève du permis de démolir dans les secteurs "
                "protégés et les communes qui l'ont institué (R421-26 à R421-28) ; "
                "renseignez-vous en mairie.",
            ),
        )
    if a.works == "division":
        if a.common_spaces:
            return Advice(
                "PA",
                (
                    "Un lotissement avec voies ou espaces communs relève du permis "
                    "d'aménager (R421-19 a).",
                ),
            )
        return Advice(
            "DPLT",
            (
                "Une division sans voies ni espaces communs relève de la "
                "déclaration préalable (R421-23 a).",
            ),
        )
    if a.works in ("exterior", "fence", "change_of_use", "other"):
        return Advice(
            "DP",
            (
                "Les modifications de l'aspect extérieur, clôtures et changements "
                "de destination sans travaux sur la structure relèvent de la "
                "déclaration préalable (R421-17, R421-12).",
            ),
        )
    return _building(a)


def _building(a: Answers) -> Advice:
    area = a.floor_area_m2
    if area <= 5 and not a.protected_area:
        return Advice(
            NO_FORMALITY,
            (
                "Moins de 5 m² créés hors secteur protégé : aucune "
                "formalité (R421-2), sous réserve du règlement du PLU.",
            ),
        )
    dp_limit = 40 if (a.works == "extension" and a.urban_zone) else 20
    permit = "PCMI" if a.single_house else "PC"
    if area <= dp_limit:
        if a.works == "extension" and area > 20 and a.total_after_m2 > 150:
            return Advice(
                permit,
                (
                    "Extension de plus de 20 m² portant la surface totale "
                    "au-delà de 150 m² : permis de construire, avec architecte "
                    "(R421-14 b, R431-2).",
                ),
            )
        why = (
            "jusqu'à 40 m² pour une extension en zone urbaine d'un PLU"
            if dp_limit == 40
            else "jusqu'à 20 m²"
        )
        return Advice(
            "DP",
            (f"Surface créée de {area} m², {why} : déclaration préalable (R421-9, R421-17 f).",),
        )
    reasons = [
        f"Surface créée de {area} m², au-delà de {dp_limit} m² : permis de construire "
        "(R421-1, R421-14)."
    ]
    if a.single_house:
        reasons.append("Pour une maison individuelle ou ses annexes : formulaire cerfa 13406.")
    return Advice(permit, tuple(reasons))
