"""Enumerations of the statutory clock: majoration reasons, exception flags, consequences.

Pure Python. Reference: ads-reference.md §3.5 (majorations), §3.6 (consultations), §3.7 (tacit
decisions), §3.14 (récolement), §3.18 (compact table), §8.4 (flags recorded at qualification).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

PERMITS = frozenset({"PCMI", "PC", "PA", "PD"})
DECLARATIONS = frozenset({"DP", "DPLT"})
CERTIFICATES = frozenset({"CUA", "CUB"})
# R423-38: the pieces request is notified within one month of filing (R423-22 otherwise).
COMPLETENESS_MONTHS = 1
# L424-5: a permit or a non-opposition may be withdrawn within three months of its date.
RETRAIT_MONTHS = 3
# CJA R421-1 (reference §3.11): the applicant's appeal against a refusal, two months.
APPEAL_MONTHS = 2
# §8.5: decided and delivered, never executory (as a CU): no works branch, no retrait window.
DELIVERED_ONLY = frozenset({"PROROGATION", "TRANSFERT"})
# The holder's declarations (DOC R424-16, DAACT R462-1): no decision, so no window after one.
HOLDER_DECLARATIONS = frozenset({"DOC", "DAACT"})
# Types whose délai the completeness (R423-38) and majoration (R423-42) mechanisms govern.
INSTRUCTED = PERMITS | DECLARATIONS

# Décret 2025-1402: R424-2-1 covers applications filed from this date inclusive (§3.7).
R424_2_1_FIRST_FILING = date(2025, 12, 31)
# Law 2025-1129: L600-12-2 (1-month recours gracieux) in force from this date (§3.11).
L600_12_2_IN_FORCE = date(2025, 11, 28)


class RuleKind(enum.Enum):
    """How a majoration acts on the délai: months added to the base, or a délai that replaces
    base and majoration; the clock keeps the longest result (R423-24 to R423-31)."""

    ADD = "add"  # months added to the R423-23 base (R423-24, R423-25)
    FIXED = "fixed"  # a délai that replaces base + majoration (R423-27..R423-31)


@dataclass(frozen=True)
class DelayEffect:
    """What one majoration case does to one type's délai (it may differ by type, R423-27)."""

    kind: RuleKind
    months: int

    @property
    def label(self) -> str:
        """The effect in French, as the majoration letter states it (R423-42)."""
        if self.kind is RuleKind.ADD:
            return f"+{self.months} mois"
        return f"délai fixé à {self.months} mois"


_ALL = INSTRUCTED
_PERMITS_ONLY = PERMITS
_NOT_PD = frozenset({"PCMI", "PC", "PA"})
_PC_PA = frozenset({"PC", "PA"})
_PC_ONLY = frozenset({"PC"})


class MajorationReason(enum.Enum):
    """Cases that lengthen the instruction délai, each tied to its article (§3.5, §3.18).

    `applies_to` lists the procedure codes the case may concern; for a MODIFICATIF the parent's
    code is used. A reason notified for another type has no effect (CE 24 Oct 2023 n°462511).
    """

    # R423-24: +1 month, permits and DP.
    R423_24_A_OTHER_LEGISLATION = (
        "R423-24 a",
        "Autorisation ou prescriptions au titre d'une autre législation "
        "(livre IV, titre II, chapitre V)",
        RuleKind.ADD,
        1,
        _ALL,
    )
    R423_24_B_DEROGATION = (
        "R423-24 b",
        "Dérogation au titre de L152-4 1° et 3° ou de L152-6",
        RuleKind.ADD,
        1,
        _ALL,
    )
    R423_24_C_SPR_ABORDS_MH = (
        "R423-24 c",
        "Projet situé dans un site patrimonial remarquable ou aux abords d'un monument historique",
        RuleKind.ADD,
        1,
        _ALL,
    )
    R423_24_D_CDPENAF = (
        "R423-24 d",
        "Consultation de la CDPENAF (L112-1-1 CRPM)",
        RuleKind.ADD,
        1,
        _ALL,
    )
    R423_24_E_PUBLIC_PARTICIPATION = (
        "R423-24 e",
        "Participation du public hors procédure particulière",
        RuleKind.ADD,
        1,
        _ALL,
    )
    # R423-25: +2 months, permits; DP only in case f (décret 2022-422). Not cumulative with +1.
    R423_25_A_COMMISSION = (
        "R423-25 a",
        "Consultation d'une commission départementale ou régionale",
        RuleKind.ADD,
        2,
        _PERMITS_ONLY,
    )
    R423_25_B_AGRICULTURE_MINISTER = (
        "R423-25 b",
        "Avis du ministre chargé de l'agriculture (L643-4 CRPM)",
        RuleKind.ADD,
        2,
        _PERMITS_ONLY,
    )
    R423_25_C_DEROGATION_CRPM = (
        "R423-25 c",
        "Dérogation au titre de L111-3 CRPM",
        RuleKind.ADD,
        2,
        _PERMITS_ONLY,
    )
    R423_25_D_DEROGATION_CCH = (
        "R423-25 d",
        "Dérogation au titre de L111-4-1 CCH",
        RuleKind.ADD,
        2,
        _PERMITS_ONLY,
    )
    R423_25_E_AEC = (
        "R423-25 e",
        "Autorisation d'exploitation commerciale (L752-1 code de commerce)",
        RuleKind.ADD,
        2,
        _PERMITS_ONLY,
    )
    R423_25_F_PPVE = (
        "R423-25 f",
        "Participation du public par voie électronique (L123-19 C. env.)",
        RuleKind.ADD,
        2,
        _ALL,
    )
    # R423-27: 5 months (DP: 2 months in case c only, per the §3.18 table).
    R423_27_A_NATIONAL_COMMISSION = (
        "R423-27 a",
        "Consultation d'une commission nationale",
        RuleKind.FIXED,
        5,
        _PERMITS_ONLY,
    )
    R423_27_B_ASSEMBLEE_CORSE = (
        "R423-27 b",
        "Consultation de l'Assemblée de Corse (R423-56)",
        RuleKind.FIXED,
        5,
        _PERMITS_ONLY,
    )
    R423_27_C_NATIONAL_NATURE_RESERVE = (
        "R423-27 c",
        "Autorisation du préfet au titre d'une réserve naturelle nationale (R332-24 C. env.)",
        RuleKind.FIXED,
        5,
        _ALL,
    )
    # R423-28: 5 months.
    R423_28_A_MH_INSCRIT = (
        "R423-28 a",
        "Travaux sur un immeuble inscrit au titre des monuments historiques "
        "(y compris dérogation L152-4 2°)",
        RuleKind.FIXED,
        5,
        _PERMITS_ONLY,
    )
    R423_28_B_ERP_IGH = (
        "R423-28 b",
        "Permis de construire d'un ERP (L122-3 CCH) ou d'un IGH (L122-1 CCH)",
        RuleKind.FIXED,
        5,
        _PC_ONLY,
    )
    # R423-29: défrichement; table §3.18 lists it for PCMI, PC and PA.
    R423_29_DEFRICHEMENT = ("R423-29", "Autorisation de défrichement", RuleKind.FIXED, 3, _NOT_PD)
    R423_29_DEFRICHEMENT_RECONNAISSANCE = (
        "R423-29",
        "Autorisation de défrichement avec reconnaissance des bois",
        RuleKind.FIXED,
        5,
        _NOT_PD,
    )
    R423_29_DEFRICHEMENT_ENQUETE = (
        "R423-29",
        "Autorisation de défrichement soumise à enquête publique",
        RuleKind.FIXED,
        7,
        _NOT_PD,
    )
    # R423-31 (2015 version, [S] "check the current text"); table §3.18 lists it for PC (PA as PC).
    R423_31_DEFENSE_AVIATION = (
        "R423-31",
        "Consultation défense ou aviation civile",
        RuleKind.FIXED,
        5,
        _PC_PA,
    )
    R423_31_SITES_MINISTER = (
        "R423-31",
        "Accord du ministre chargé des sites (R425-17 b)",
        RuleKind.FIXED,
        8,
        _PC_PA,
    )
    R423_31_DEFENSE_AVIATION_ICPE = (
        "R423-31",
        "Consultation défense ou aviation civile et ICPE",
        RuleKind.FIXED,
        10,
        _PC_PA,
    )

    def __init__(
        self, article: str, label: str, kind: RuleKind, months: int, applies_to: frozenset[str]
    ) -> None:
        self.article = article
        self.label = label
        self.applies_to = applies_to
        self.rule = DelayEffect(kind, months)

    def effect(self, procedure_code: str) -> DelayEffect | None:
        """The effect on a dossier of this type, None if the case cannot apply to it."""
        if procedure_code not in self.applies_to:
            return None
        reserve = MajorationReason.R423_27_C_NATIONAL_NATURE_RESERVE
        if procedure_code in DECLARATIONS and self is reserve:
            return DelayEffect(RuleKind.FIXED, 2)  # R423-27 last paragraph
        return self.rule


class ExceptionFlag(enum.Enum):
    """Facts recorded at qualification that change the tacit outcome or a délai (§8.4)."""

    # R424-2: silence = rejection, for permits only (CE 26 Oct 2012 n°350737).
    R424_2_CASE = ("R424-2", "Autre cas de l'article R424-2 (silence vaut rejet)")
    MINISTERIAL_AUTHORISATION = (
        "R424-2",
        "Travaux soumis à autorisation du ministre de la défense ou des sites, "
        "ou à évocation ministérielle",
    )
    NATIONAL_PARK_CORE = ("R424-2", "Cœur de parc national ou parc national en création")
    RESERVE_NATURELLE = ("R424-2, R462-7", "Réserve naturelle")
    ADJOINS_MH_CLASSE = ("R424-2", "Immeuble adossé à un monument historique classé")
    DEMOLITION_IN_SITE_INSCRIT = (
        "R424-2 i",
        "Démolition soumise à permis dans un site inscrit (CE 12 Feb 2020 n°421949)",
    )
    # R424-3 and ABF consultation (R423-67).
    ABF_ACCORD_REQUIRED = ("R424-3, R423-67", "Décision soumise à l'accord de l'ABF")
    ABF_REFUSAL = (
        "R424-3",
        "Avis défavorable ou avec prescriptions de l'ABF notifié dans le délai",
    )
    # R424-2-1 (décret 2025-1402).
    ENV_ASSESSMENT = ("R424-2-1", "Projet soumis à évaluation environnementale (L122-1 C. env.)")
    # Situation of the project.
    ERP = ("R423-28 b, R462-7", "Établissement recevant du public")
    IGH = ("R423-28 b, R462-7", "Immeuble de grande hauteur")
    SPR = ("R423-24 c, R423-67, R462-7", "Site patrimonial remarquable")
    ABORDS_MH = ("R423-24 c, R423-67, R462-7", "Abords d'un monument historique")
    SITE_INSCRIT = ("R424-2 i, R423-67, R462-7", "Site inscrit")
    SITE_CLASSE = ("R424-2, R423-67, R462-7", "Site classé")
    MH_INSCRIT = (
        "R424-2, R423-28 a, R462-7",
        "Travaux sur un immeuble inscrit au titre des monuments historiques",
    )
    PPR_ZONE = ("R462-7", "Zone d'un plan de prévention des risques")
    RECOLEMENT_COMPULSORY = ("R462-7", "Récolement obligatoire")

    def __init__(self, article: str, label: str) -> None:
        self.article = article
        self.label = label


# Flags that make a permit fall under R424-2 whatever its type (§3.7).
R424_2_FLAGS = frozenset(
    {
        ExceptionFlag.R424_2_CASE,
        ExceptionFlag.MINISTERIAL_AUTHORISATION,
        ExceptionFlag.NATIONAL_PARK_CORE,
        ExceptionFlag.RESERVE_NATURELLE,
        ExceptionFlag.ADJOINS_MH_CLASSE,
        ExceptionFlag.DEMOLITION_IN_SITE_INSCRIT,
        ExceptionFlag.SITE_CLASSE,
        ExceptionFlag.MH_INSCRIT,
    }
)

# Situations in which R462-7 makes the récolement compulsory (§3.14, [S/?]).
RECOLEMENT_FLAGS = frozenset(
    {
        ExceptionFlag.RECOLEMENT_COMPULSORY,
        ExceptionFlag.MH_INSCRIT,
        ExceptionFlag.ADJOINS_MH_CLASSE,
        ExceptionFlag.ABORDS_MH,
        ExceptionFlag.SITE_CLASSE,
        ExceptionFlag.SITE_INSCRIT,
        ExceptionFlag.RESERVE_NATURELLE,
        ExceptionFlag.NATIONAL_PARK_CORE,
        ExceptionFlag.SPR,
        ExceptionFlag.ERP,
        ExceptionFlag.IGH,
        ExceptionFlag.PPR_ZONE,
    }
)


class Consequence(enum.Enum):
    """What happens when a deadline passes; `value` is the stable id used in JSON."""

    TACIT_PERMIT = ("tacit_permit", "permis tacite")
    TACIT_NON_OPPOSITION = ("tacit_non_opposition", "non-opposition tacite")
    TACIT_REFUSAL = ("tacit_refusal", "refus tacite (décision implicite de rejet)")
    TACIT_OPPOSITION = ("tacit_opposition", "opposition tacite")
    TACIT_CU = ("tacit_cu", "certificat d'urbanisme tacite")
    TACIT_FAVOURABLE_OPINION = ("tacit_favourable_opinion", "avis favorable tacite")
    TACIT_UNFAVOURABLE_OPINION = ("tacit_unfavourable_opinion", "avis défavorable tacite")
    DEEMED_COMPLETE = ("deemed_complete", "dossier réputé complet")
    PROROGATION_GRANTED = ("prorogation_granted", "prorogation tacitement accordée")
    NO_CONTEST_POSSIBLE = (
        "no_contest_possible",
        "conformité des travaux ne pouvant plus être contestée",
    )
    NO_RETRAIT_POSSIBLE = (
        "no_retrait_possible",
        "retrait impossible, sauf à la demande du bénéficiaire",
    )
    LAPSE = ("lapse", "péremption de l'autorisation si les travaux n'ont pas commencé")
    CU_EXPIRY = ("cu_expiry", "fin des effets du certificat d'urbanisme (cristallisation)")
    APPEAL_TIME_BARRED = ("appeal_time_barred", "recours irrecevable (tardif)")
    DEADLINE_ONLY = ("deadline_only", "date limite d'une obligation, sans décision tacite")

    label: str  # French, set by __new__ (an annotation, not a member)

    # `label` has a default only so that the lookup Consequence(value) type-checks: every
    # member gives one, and the lookup never calls __new__.
    def __new__(cls, value: str, label: str = "") -> Consequence:
        member = object.__new__(cls)
        member._value_ = value
        member.label = label
        return member


class ServiceKind(enum.Enum):
    """Consulted bodies whose answer délai differs (§3.6)."""

    ABF = ("abf", "Architecte des Bâtiments de France")
    ENV_AUTHORITY_REGIONAL = (
        "env_authority_regional",
        "Autorité environnementale (préfet de région)",
    )
    ENV_AUTHORITY_NATIONAL = (
        "env_authority_national",
        "Autorité environnementale (ministre ou IGEDD)",
    )
    OTHER = ("other", "Service consulté")

    label: str  # French, set by __new__ (an annotation, not a member)

    # As Consequence's: the default serves the type of the lookup ServiceKind(value) only.
    def __new__(cls, value: str, label: str = "") -> ServiceKind:
        member = object.__new__(cls)
        member._value_ = value
        member.label = label
        return member


E = TypeVar("E", bound=enum.Enum)


def parse_member(enum_cls: type[E], text: str) -> E:
    """An enum member from its name, case-insensitive, '-' accepted for '_'."""
    key = text.strip().upper().replace("-", "_")
    try:
        return enum_cls[key]
    except KeyError:
        valid = ", ".join(enum_cls.__members__)
        raise ValueError(f"invalid {enum_cls.__name__} {text!r}; valid values: {valid}") from None
