"""What the servitudes and zones crossed by a site mean for the procedure, said in the
workflow's own vocabulary (workflow.clock.rules) so that permits can record them at filing
(reference §5.5, §3.5, §3.6, §8.4).

Each effect is either established by the location alone (the site lies in the abords of a
monument: ABF accord and +1 month, R423-24 c) or depends on the works, which the officer
confirms (`to_confirm`: works on the listed building itself, a CDPENAF case…).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from workflow.clock.rules import ExceptionFlag, MajorationReason, ServiceKind

ACCORD = "accord"  # avis conforme of the ABF (R423-67, R424-3)
AVIS_SIMPLE = "avis_simple"


@dataclass(frozen=True)
class ProcedureEffect:
    code: str  # stable machine id (English)
    label: str  # French, for the officer
    article: str
    flags: tuple[ExceptionFlag, ...] = ()
    majorations: tuple[MajorationReason, ...] = ()
    consultations: tuple[ServiceKind, ...] = ()
    abf_opinion: str | None = None
    to_confirm: bool = False
    source: str = ""  # what caused it: "AC1 Cathédrale Notre-Dame", "zone A"

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "label": self.label,
            "article": self.article,
            "flags": [f.name for f in self.flags],
            "majorations": [m.name for m in self.majorations],
            "consultations": [c.value for c in self.consultations],
            "abf_opinion": self.abf_opinion,
            "to_confirm": self.to_confirm,
            "source": self.source,
        }


@dataclass(frozen=True)
class ProcedureImpact:
    """All the effects of one site; the established ones are what the workflow records."""

    effects: tuple[ProcedureEffect, ...] = ()
    established: tuple[ProcedureEffect, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "established", tuple(e for e in self.effects if not e.to_confirm))

    @property
    def flags(self) -> frozenset[ExceptionFlag]:
        return frozenset(f for e in self.established for f in e.flags)

    @property
    def majorations(self) -> frozenset[MajorationReason]:
        return frozenset(m for e in self.established for m in e.majorations)

    @property
    def consultations(self) -> frozenset[ServiceKind]:
        return frozenset(c for e in self.established for c in e.consultations)

    @property
    def abf_accord_required(self) -> bool:
        return ExceptionFlag.ABF_ACCORD_REQUIRED in self.flags

    @property
    def to_confirm(self) -> tuple[ProcedureEffect, ...]:
        return tuple(e for e in self.effects if e.to_confirm)

    def as_dict(self) -> dict[str, object]:
        return {
            "flags": sorted(f.name for f in self.flags),
            "majorations": sorted(m.name for m in self.majorations),
            "consultations": sorted(c.value for c in self.consultations),
            "abf_accord_required": self.abf_accord_required,
            "effects": [e.as_dict() for e in self.effects],
        }


def _plain(text: str | None) -> str:
    """Lower case without accents, to match the free-text fields of GPU deliveries."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def _protection(*texts: str | None) -> str | None:
    plain = " ".join(_plain(t) for t in texts)
    if "class" in plain:
        return "classe"
    if "inscri" in plain:
        return "inscrit"
    return None


def is_generator_itself(mode: str | None, kind: str | None) -> bool:
    """An assiette "égal au générateur" is the protected building itself, not its abords."""
    return _plain(mode).startswith("egal au generateur") or "immeuble" in _plain(kind)


_ABORDS = ProcedureEffect(
    code="abords_mh",
    label="Abords d'un monument historique : accord de l'ABF, délai majoré d'un mois",
    article="R423-24 c, R423-67, R424-3 ; L621-32 code du patrimoine",
    flags=(ExceptionFlag.ABORDS_MH, ExceptionFlag.ABF_ACCORD_REQUIRED),
    majorations=(MajorationReason.R423_24_C_SPR_ABORDS_MH,),
    consultations=(ServiceKind.ABF,),
    abf_opinion=ACCORD,
)
_MH_INSCRIT = ProcedureEffect(
    code="mh_inscrit",
    label="Parcelle portant un monument historique inscrit : si les travaux portent sur "
    "l'immeuble inscrit, délai de 5 mois et pas de permis tacite",
    article="R423-28 a, R424-2",
    flags=(ExceptionFlag.MH_INSCRIT,),
    majorations=(MajorationReason.R423_28_A_MH_INSCRIT,),
    to_confirm=True,
)
_MH_CLASSE = ProcedureEffect(
    code="mh_classe",
    label="Parcelle portant un monument historique classé : les travaux sur le monument "
    "relèvent de l'autorisation L621-9 du code du patrimoine ; immeuble adossé : pas de "
    "permis tacite",
    article="R424-2 ; L621-9 code du patrimoine",
    flags=(ExceptionFlag.ADJOINS_MH_CLASSE,),
    to_confirm=True,
)
_SPR = ProcedureEffect(
    code="spr",
    label="Site patrimonial remarquable : accord de l'ABF, délai majoré d'un mois",
    article="R423-24 c, R423-67, R424-3",
    flags=(ExceptionFlag.SPR, ExceptionFlag.ABF_ACCORD_REQUIRED),
    majorations=(MajorationReason.R423_24_C_SPR_ABORDS_MH,),
    consultations=(ServiceKind.ABF,),
    abf_opinion=ACCORD,
)
_SITE_CLASSE = ProcedureEffect(
    code="site_classe",
    label="Site classé : autorisation spéciale (L341-10 code de l'environnement), avis de "
    "l'ABF, pas de permis tacite",
    article="R424-2, R423-67",
    flags=(ExceptionFlag.SITE_CLASSE,),
    consultations=(ServiceKind.ABF,),
    abf_opinion=AVIS_SIMPLE,
)
_SITE_CLASSE_MINISTER = ProcedureEffect(
    code="site_classe_ministre",
    label="Site classé : si l'accord du ministre chargé des sites est requis, délai de 8 mois",
    article="R423-31, R425-17 b",
    majorations=(MajorationReason.R423_31_SITES_MINISTER,),
    to_confirm=True,
)
_SITE_INSCRIT = ProcedureEffect(
    code="site_inscrit",
    label="Site inscrit : avis simple de l'ABF (avis conforme pour un permis de démolir)",
    article="R423-67, R424-2 i",
    flags=(ExceptionFlag.SITE_INSCRIT,),
    consultations=(ServiceKind.ABF,),
    abf_opinion=AVIS_SIMPLE,
)
_SITE_UNKNOWN = ProcedureEffect(
    code="site_protege",
    label="Site protégé (inscrit ou classé, à préciser) : consulter l'ABF",
    article="R423-67",
    consultations=(ServiceKind.ABF,),
    to_confirm=True,
)
_RESERVE = ProcedureEffect(
    code="reserve_naturelle",
    label="Réserve naturelle : pas de permis tacite ; réserve nationale : délai de 5 mois",
    article="R424-2, R423-27 c",
    flags=(ExceptionFlag.RESERVE_NATURELLE,),
)
_RESERVE_NATIONAL = ProcedureEffect(
    code="reserve_naturelle_nationale",
    label="Réserve naturelle nationale : autorisation du préfet, délai de 5 mois",
    article="R423-27 c (R332-24 code de l'environnement)",
    majorations=(MajorationReason.R423_27_C_NATIONAL_NATURE_RESERVE,),
    to_confirm=True,
)
_PPR = ProcedureEffect(
    code="ppr",
    label="Plan de prévention des risques : récolement obligatoire",
    article="R462-7",
    flags=(ExceptionFlag.PPR_ZONE,),
)
_CDPENAF = ProcedureEffect(
    code="cdpenaf",
    label="Zone agricole ou naturelle : consultation de la CDPENAF dans certains cas, délai "
    "majoré d'un mois",
    article="R423-24 d (L112-1-1 CRPM)",
    majorations=(MajorationReason.R423_24_D_CDPENAF,),
    to_confirm=True,
)


def _sourced(effect: ProcedureEffect, source: str) -> ProcedureEffect:
    return ProcedureEffect(**{**effect.__dict__, "source": source})


def servitude_effects(
    category: str,
    name: str,
    assiette_kind: str | None = None,
    assiette_mode: str | None = None,
    generator_protection: str | None = None,
    generator_kind: str | None = None,
) -> list[ProcedureEffect]:
    """The effects of one crossed assiette of a SUP of `category` (§5.5)."""
    category = (category or "").upper()
    source = f"{category} {name}".strip()
    effects: list[ProcedureEffect] = []
    if category == "AC1":
        if is_generator_itself(assiette_mode, assiette_kind):
            protection = _protection(generator_protection, generator_kind)
            effects.append(_MH_CLASSE if protection == "classe" else _MH_INSCRIT)
        effects.append(_ABORDS)  # the building itself lies within its own abords
    elif category == "AC2":
        protection = _protection(generator_protection, generator_kind, assiette_kind, name)
        if protection == "classe":
            effects += [_SITE_CLASSE, _SITE_CLASSE_MINISTER]
        elif protection == "inscrit":
            effects.append(_SITE_INSCRIT)
        else:
            effects.append(_SITE_UNKNOWN)
    elif category == "AC3":
        effects += [_RESERVE, _RESERVE_NATIONAL]
    elif category == "AC4":
        effects.append(_SPR)
    elif category in ("PM1", "PM2", "PM3"):
        effects.append(_PPR)
    return [_sourced(e, source) for e in effects]


def zone_effects(typezone: str, libelle: str) -> list[ProcedureEffect]:
    """An agricultural or natural zone (A, N) may call for the CDPENAF and a longer délai
    (R423-24 d): flagged to confirm, since only some projects there need it."""
    if (typezone or "").upper() in ("A", "N"):
        return [_sourced(_CDPENAF, f"zone {libelle}")]
    return []


def impact_of(effects: Iterable[ProcedureEffect]) -> ProcedureImpact:
    """One entry per effect code and source, in a stable order."""
    unique: dict[tuple[str, str], ProcedureEffect] = {}
    for effect in effects:
        unique.setdefault((effect.code, effect.source), effect)
    return ProcedureImpact(tuple(unique.values()))
