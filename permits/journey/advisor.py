"""The guided choice of a procedure: the site's facts and a few answers give the procedure, with
the reasons and their articles.

A simplification of R421-1 to R421-29 for the common cases (reference §1.1, §5.4, §5.5): what
the cadastre and the planning data know of the site (`Site`: planning document, zone types
crossed, SPR, abords MH, sites) is never asked; only what they cannot know is. The same rules
check a draft's procedure against its facts (permits.journey.procedure_fit). Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

NO_FORMALITY = ""  # works under 5 m² outside protected areas (R421-2)
PERMITS = ("PC", "PCMI", "PA", "PD")

# R421-14 b: "zones urbaines d'un plan local d'urbanisme ou d'un document d'urbanisme en tenant
# lieu" — a PLU, a PLUi, a POS still in force, a PSMV; not a carte communale nor the RNU.
PLU_LIKE = frozenset({"PLU", "PLUI", "POS", "PSMV"})
EXEMPT_MAX_M2 = 5  # R421-2 a, R421-9 a, R421-17 f
DP_MAX_M2 = 20  # R421-9 a, R421-14 a, R421-17 f
DP_MAX_URBAN_EXTENSION_M2 = 40  # R421-14 b, R421-17 f
ARCHITECT_THRESHOLD_M2 = 150  # R431-2 (and R421-14 b for extensions of 20 to 40 m²)

PLANNING_NAMES = {
    "PLU": "plan local d'urbanisme",
    "PLUI": "plan local d'urbanisme intercommunal",
    "POS": "plan d'occupation des sols",
    "PSMV": "plan de sauvegarde et de mise en valeur",
    "CC": "carte communale",
    "RNU": "règlement national d'urbanisme",
}

# TYPESECT of a carte communale's sectors (CNIG SECTEUR_CC, 2013 to 2017 standards).
SECTOR_NAMES = {
    "01": "secteur ouvert à la construction",
    "02": "secteur réservé aux activités",
    "03": "secteur non ouvert à la construction, sauf exceptions prévues par la loi",
    "99": "secteur sans type défini",
}


@dataclass(frozen=True)
class Site:
    """What the cadastre and the planning data know of a site (cadastre.check's result)."""

    planning: str  # PLU, PLUI, POS, PSMV, CC or RNU (no document: L111-1)
    zones: tuple[tuple[str, str], ...] = ()  # (libelle, typezone) really crossed
    spr: bool = False  # AC4
    abords_mh: bool = False  # AC1
    site_classe: bool = False  # AC2 classé
    site_inscrit: bool = False  # AC2 inscrit

    @classmethod
    def from_check(cls, check: dict, planning: str) -> Site:
        """From cadastre.check.ParcelCheck.as_dict(): the zones that are more than a marginal
        sliver of the site, and the protections the servitudes establish (cadastre.effects)."""
        flags = set((check.get("procedure") or {}).get("flags", []))
        zones = tuple(
            (z.get("libelle") or "", (z.get("typezone") or "").upper())
            for z in check.get("zones", [])
            if not z.get("marginal")
        )
        return cls(
            planning=(planning or "RNU").upper(),
            zones=tuple(dict.fromkeys(zones)),
            spr="SPR" in flags,
            abords_mh="ABORDS_MH" in flags,
            site_classe="SITE_CLASSE" in flags,
            site_inscrit="SITE_INSCRIT" in flags,
        )

    @property
    def urban_zone(self) -> bool | None:
        """Whether the works lie in a U zone of a PLU or a document in lieu (R421-14 b); None
        when the data cannot say (a site straddling a U zone and another, or no zone found)."""
        if self.planning not in PLU_LIKE:
            return False
        types = {kind for _, kind in self.zones}
        if not types or ("U" in types and len(types) > 1):
            return None
        return types == {"U"}

    @property
    def protected_area(self) -> bool:
        """The secteurs of R421-11 (SPR, abords MH, site classé), where works of any size
        need at least a declaration."""
        return self.spr or self.abords_mh or self.site_classe

    def facts(self, planning_label: str = "") -> tuple[str, ...]:
        """The facts in French, as the applicant reads them (`planning_label`: the document's
        name and approval date, cadastre.planning.planning_document)."""
        name = planning_label or PLANNING_NAMES.get(self.planning, self.planning)
        out = [f"Règles applicables : {name}" + (" (L111-1)." if self.planning == "RNU" else ".")]
        plural = "s" if len(self.zones) > 1 else ""
        if self.zones and self.planning == "CC":
            listed = ", ".join(
                f"{label} ({SECTOR_NAMES.get(kind, f'type {kind}')})" for label, kind in self.zones
            )
            out.append(f"Secteur{plural} de la carte communale : {listed}.")
        elif self.zones:
            listed = ", ".join(f"{label} (zone {kind})" for label, kind in self.zones)
            out.append(f"Zone{plural} du terrain : {listed}.")
        for present, text in (
            (self.spr, "Site patrimonial remarquable (servitude AC4)."),
            (self.abords_mh, "Abords d'un monument historique (servitude AC1)."),
            (self.site_classe, "Site classé (servitude AC2)."),
            (self.site_inscrit, "Site inscrit (servitude AC2)."),
        ):
            if present:
                out.append(text)
        if not self.protected_area and not self.site_inscrit:
            out.append("Aucun secteur protégé au titre du patrimoine (SPR, abords, sites).")
        return tuple(out)


@dataclass(frozen=True)
class Answers:
    works: str  # a permits.models.dossiers.WorksNature value, or "information"/"feasibility"
    floor_area_m2: int = 0  # floor area or footprint created
    single_house: bool = False  # a single-family house or its annexe
    urban_zone: bool = False  # a "U" zone of a PLU: asked only when the site cannot say
    protected_area: bool = False  # MH abords, SPR or site: asked only without a site
    common_spaces: bool = False  # a lotissement with common roads or spaces
    total_after_m2: int = 0  # floor area of the building after works (extensions)
    site: Site | None = None  # what the data know; it prevails over the answers above

    @property
    def in_urban_zone(self) -> bool:
        """The data's answer when the cadastre knows, else the applicant's: ask only what the data
        cannot know."""
        known = self.site.urban_zone if self.site else None
        return self.urban_zone if known is None else known

    @property
    def in_protected_area(self) -> bool:
        """The data's answer when the site was checked, else the applicant's."""
        return self.site.protected_area if self.site else self.protected_area

    @property
    def in_site(self) -> bool:
        """R421-28: demolition needs a permit in a protected area or a site (inscrit too)."""
        return self.in_protected_area or bool(self.site and self.site.site_inscrit)


@dataclass(frozen=True)
class Advice:
    procedure: str  # a workflow.procedures code, or NO_FORMALITY
    reasons: tuple[str, ...]
    article: str = ""  # the article deciding between a declaration and a permit
    architect_required: bool = False  # R431-2, for a permit

    @property
    def is_permit(self) -> bool:
        """A permit rather than a declaration: a DP draft with this advice is stopped
        (permits.journey.procedure_fit)."""
        return self.procedure in PERMITS


def questions_to_ask(site: Site | None) -> tuple[str, ...]:
    """The site questions of the form that the data leave open (Answers field names)."""
    if site is None:
        return ("urban_zone", "protected_area")
    return ("urban_zone",) if site.urban_zone is None else ()


def advise(a: Answers) -> Advice:
    """The procedure the answers call for, with its reasons and articles (R421-2 to R421-17,
    R431-2), shown to the applicant before a draft starts."""
    if a.works == "information":
        return Advice("CUA", ("Pour connaître les règles applicables au terrain (L410-1 a).",))
    if a.works == "feasibility":
        return Advice("CUB", ("Pour savoir si un projet précis est réalisable (L410-1 b).",))
    if a.works == "demolition":
        if a.in_site:
            return Advice(
                "PD",
                (
                    "Démolition dans un secteur protégé (site patrimonial remarquable, abords "
                    "d'un monument historique, site inscrit ou classé) : permis de démolir "
                    "(R421-28).",
                ),
                "R421-28",
            )
        return Advice(
            "PD",
            (
                "La démolition relève du permis de démolir dans les secteurs "
                "protégés et les communes qui l'ont institué (R421-26 à R421-28) ; "
                "renseignez-vous en mairie.",
            ),
            "R421-27",
        )
    if a.works == "division":
        if a.common_spaces:
            return Advice(
                "PA",
                (
                    "Un lotissement avec voies ou espaces communs relève du permis "
                    "d'aménager (R421-19 a).",
                ),
                "R421-19 a",
            )
        return Advice(
            "DPLT",
            (
                "Une division sans voies ni espaces communs relève de la "
                "déclaration préalable (R421-23 a).",
            ),
            "R421-23 a",
        )
    if a.works in ("exterior", "fence", "change_of_use", "other"):
        return Advice(
            "DP",
            (
                "Les modifications de l'aspect extérieur, clôtures et changements "
                "de destination sans travaux sur la structure relèvent de la "
                "déclaration préalable (R421-17, R421-12).",
            ),
            "R421-17",
        )
    return _with_architect(a, _building(a))


def _zone_phrase(a: Answers) -> str:
    """Why the 40 m² threshold applies or not, from the site's facts when known."""
    site = a.site
    if site and site.planning == "CC":
        return "la commune étant couverte par une carte communale"
    if site and site.planning not in PLU_LIKE:
        return "la commune relevant du règlement national d'urbanisme"
    name = PLANNING_NAMES[site.planning] if site else ""
    if a.in_urban_zone:
        if site and site.zones and site.urban_zone:
            return f"terrain en {_labels(site)} du {name}"
        return "en zone urbaine d'un PLU"
    if site and site.zones:
        return f"terrain en {_labels(site)} du {name}, hors zone urbaine"
    return "hors zone urbaine d'un PLU"


def _labels(site: Site) -> str:
    return ", ".join(
        f"zone {kind} ({label})" if label else f"zone {kind}" for label, kind in site.zones
    )


def _building(a: Answers) -> Advice:
    area = a.floor_area_m2
    extension = a.works == "extension"
    if area <= EXEMPT_MAX_M2 and not a.in_protected_area:
        return Advice(
            NO_FORMALITY,
            (
                "Moins de 5 m² créés hors secteur protégé : aucune "
                "formalité (R421-2), sous réserve du règlement du PLU.",
            ),
            "R421-2",
        )
    urban = extension and a.in_urban_zone
    dp_limit = DP_MAX_URBAN_EXTENSION_M2 if urban else DP_MAX_M2
    permit = "PCMI" if a.single_house else "PC"
    if area <= dp_limit:
        if extension and area > DP_MAX_M2 and a.total_after_m2 > ARCHITECT_THRESHOLD_M2:
            return Advice(
                permit,
                (
                    f"Extension de {area} m², {_zone_phrase(a)}, portant la surface totale à "
                    f"{a.total_after_m2} m², au-delà de 150 m² : permis de construire "
                    "(R421-14 b, R431-2).",
                ),
                "R421-14 b",
            )
        if area <= EXEMPT_MAX_M2:
            why = "en secteur protégé, même sous 5 m² (R421-11)"
        elif extension and urban:
            why = f"jusqu'à 40 m² pour une extension, {_zone_phrase(a)} (R421-17 f, R421-14 b)"
        elif extension:
            why = f"jusqu'à 20 m² pour une extension, {_zone_phrase(a)} (R421-17 f)"
        else:
            why = "jusqu'à 20 m² pour une construction nouvelle (R421-9 a)"
        if urban:
            article = "R421-14 b"
        elif extension:
            article = "R421-17 f"
        else:
            article = "R421-11" if area <= EXEMPT_MAX_M2 else "R421-9 a"
        return Advice(
            "DP", (f"Surface créée de {area} m², {why} : déclaration préalable.",), article
        )
    if extension:
        article = "R421-14 b" if urban else "R421-14 a"
        why = (
            f"au-delà de 40 m², {_zone_phrase(a)}"
            if urban
            else f"au-delà de 20 m², {_zone_phrase(a)} (le seuil de 40 m² ne vaut qu'en zone "
            "urbaine d'un PLU : R421-14 b, R421-17 f)"
        )
        reasons = [f"Extension de {area} m², {why} : permis de construire ({article})."]
    else:
        article = "R421-1"
        reasons = [
            f"Construction nouvelle de {area} m², au-delà de 20 m² : permis de construire "
            "(R421-1, R421-9 a)."
        ]
    if a.single_house:
        reasons.append("Pour une maison individuelle ou ses annexes : formulaire cerfa 13406.")
    return Advice(permit, tuple(reasons), article)


def _with_architect(a: Answers, advice: Advice) -> Advice:
    """R431-2: an architect is compulsory for a permit, except for a natural person building
    for themself at most 150 m² of floor area (the total after works for an extension)."""
    if not advice.is_permit:
        return advice
    total = a.total_after_m2 if a.works == "extension" and a.total_after_m2 else a.floor_area_m2
    if total > ARCHITECT_THRESHOLD_M2:
        line = (
            f"Surface de plancher de {total} m² après travaux, au-delà de 150 m² : le recours "
            "à un architecte est obligatoire (R431-2)."
        )
    else:
        line = (
            f"Surface de plancher de {total} m² après travaux : une personne physique qui "
            "construit pour elle-même peut se dispenser d'architecte (R431-2)."
        )
    return replace(
        advice,
        reasons=(*advice.reasons, line),
        architect_required=total > ARCHITECT_THRESHOLD_M2,
    )
