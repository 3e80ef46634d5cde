"""The catalogue of procedures: cerfa, base délai and legal basis of each type.

Pure Python (no Django import) so that the statutory clock and the dossier model share one
source. Reference: ads-reference.md §1.1 (catalogue), §2 (number prefixes), §3.5 and §3.16
(base délais, R423-23 and R410-9/R410-10).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ProcedureKind(enum.Enum):
    """How a procedure relates to the right on the land (reference §8.1)."""

    INITIAL = "initial"  # opens an autorisation and receives its own A423-3 number
    FOLLOW_UP = "follow_up"  # child of an autorisation: parent number + suffix


@dataclass(frozen=True)
class Procedure:
    """One type of application as the code sets it: one source for the clock, the numbering
    (A423-3) and the forms."""

    code: str
    label: str  # French, shown to users
    kind: ProcedureKind
    number_prefix: str  # the 2-letter legal prefix of A423-3 (PCMI is numbered "PC")
    cerfa: str | None  # cerfa number, None where the code sets no form (prorogation)
    cerfa_version: str | None  # current version, stored on every dossier (§1.1 notes)
    base_delay_months: int | None  # None: no instruction délai set by the code
    delay_basis: str  # article setting the base délai
    suffix: str | None = None  # follow-ups: letter of the number suffix (§2)

    @property
    def cerfa_full(self) -> str | None:
        """The cerfa as printed on the form (`13406*16`), recorded on each dossier at filing."""
        if self.cerfa is None:
            return None
        return f"{self.cerfa}*{self.cerfa_version}" if self.cerfa_version else self.cerfa


# Versions current at the end of 2026 per the reference; a new cerfa version is a one-line change
# here, and each dossier keeps the version it was filed on.
_CATALOGUE = (
    Procedure(
        "PCMI",
        "Permis de construire pour une maison individuelle",
        ProcedureKind.INITIAL,
        "PC",
        "13406",
        "16",
        2,
        "R423-23 b",
    ),
    Procedure(
        "PC", "Permis de construire", ProcedureKind.INITIAL, "PC", "13409", "16", 3, "R423-23 c"
    ),
    Procedure(
        "PA", "Permis d'aménager", ProcedureKind.INITIAL, "PA", "13409", "16", 3, "R423-23 c"
    ),
    Procedure(
        "PD", "Permis de démolir", ProcedureKind.INITIAL, "PD", "13405", "09", 2, "R423-23 b"
    ),
    Procedure(
        "DP",
        "Déclaration préalable (constructions, travaux, installations)",
        ProcedureKind.INITIAL,
        "DP",
        "16702",
        "01",
        1,
        "R423-23 a",
    ),
    Procedure(
        "DPLT",
        "Déclaration préalable (aménagements, lotissements, divisions)",
        ProcedureKind.INITIAL,
        "DP",
        "16703",
        "01",
        1,
        "R423-23 a",
    ),
    Procedure(
        "CUA",
        "Certificat d'urbanisme d'information",
        ProcedureKind.INITIAL,
        "CU",
        "13410",
        "08",
        1,
        "R410-9",
    ),
    Procedure(
        "CUB",
        "Certificat d'urbanisme opérationnel",
        ProcedureKind.INITIAL,
        "CU",
        "13410",
        "08",
        2,
        "R410-10",
    ),
    Procedure(
        "MODIFICATIF",
        "Demande de modification d'un permis délivré",
        ProcedureKind.FOLLOW_UP,
        "",
        "13411",
        "12",
        None,
        "as the parent type (A431-7, A441-7)",
        "M",
    ),
    Procedure(
        "TRANSFERT",
        "Transfert de permis",
        ProcedureKind.FOLLOW_UP,
        "",
        "13412",
        "10",
        None,
        "no délai set by the code (A431-8)",
        "T",
    ),
    Procedure(
        "PROROGATION",
        "Demande de prorogation",
        ProcedureKind.FOLLOW_UP,
        "",
        None,
        None,
        2,
        "R424-23",
        "R",
    ),
    Procedure(
        "DOC",
        "Déclaration d'ouverture de chantier",
        ProcedureKind.FOLLOW_UP,
        "",
        "13407",
        "05",
        None,
        "R424-16",
        "D",
    ),
    Procedure(
        "DAACT",
        "Déclaration attestant l'achèvement et la conformité des travaux",
        ProcedureKind.FOLLOW_UP,
        "",
        "13408",
        "07",
        None,
        "R462-1",
        "A",
    ),
)

PROCEDURES: dict[str, Procedure] = {p.code: p for p in _CATALOGUE}
INITIAL_CODES = tuple(p.code for p in _CATALOGUE if p.kind is ProcedureKind.INITIAL)
FOLLOW_UP_BY_SUFFIX: dict[str, Procedure] = {p.suffix: p for p in _CATALOGUE if p.suffix}
NUMBER_PREFIXES = tuple(sorted({p.number_prefix for p in _CATALOGUE if p.number_prefix}))


def get(code: str) -> Procedure:
    """The procedure for a code, case-insensitive (`pcmi`, `CUa`)."""
    try:
        return PROCEDURES[code.upper()]
    except KeyError:
        raise KeyError(f"unknown procedure code {code!r}; known: {', '.join(PROCEDURES)}") from None


def choices() -> list[tuple[str, str]]:
    """(code, French label) pairs for model and form fields."""
    return [(p.code, p.label) for p in _CATALOGUE]
