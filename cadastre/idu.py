"""The cadastral parcel identifier (IDU) in all the forms the sources use (reference §5.1).

The national IDU has 14 characters: INSEE commune (5) + préfixe (3, `000` unless the parcel
lies in a former absorbed commune) + section (2, `A` padded to `0A`) + numéro (4, zero-padded).
Etalab stores section and numéro trimmed (`A`, `2`); DGFiP's EDIGEO sheets carry a 12-character
IDU without the département. Paris, Lyon and Marseille are cadastred by arrondissement
(75101…, 69381…, 13201…) while dossiers and their numbers use the commune (75056, 69123,
13055).

Pure Python: no Django import, so the parser is testable on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# §5.1: the INSEE part is 2 digits or 2A/2B, then 3 digits (97105 for overseas communes).
_INSEE = r"(?:\d{2}|2[AB])\d{3}"
IDU_RE = re.compile(
    rf"^(?P<commune>{_INSEE})(?P<prefixe>\d{{3}})(?P<section>[0-9A-Z]{{2}})(?P<numero>\d{{4}})$"
)
EDIGEO_IDU_RE = re.compile(
    r"^(?P<commune>\d{3})(?P<prefixe>\d{3})(?P<section>[0-9A-Z]{2})(?P<numero>\d{4})$"
)
INSEE_RE = re.compile(rf"^{_INSEE}$")
DEPARTEMENT_RE = re.compile(r"^(?:\d{2}|2[AB])$")
SECTION_RE = re.compile(r"^[0-9A-Z]{1,2}$")
NUMERO_RE = re.compile(r"^\d{1,4}$")
PREFIXE_RE = re.compile(r"^\d{1,3}$")

# A reference typed by a person inside a known commune: `AB 37`, `AB0037`, `0A-2`,
# `000 AB 37`, `123AB37` (with a préfixe), case and spacing free.
_SEPARATED_REF_RE = re.compile(
    r"^(?:(?P<prefixe>\d{3})[\s/.-]+)?(?P<section>[0-9A-Z]{1,2})[\s/.-]+(?P<numero>\d{1,4})$"
)
_COMPACT_REF_RE = re.compile(r"^(?P<prefixe>\d{3})?(?P<section>0?[A-Z]{1,2})(?P<numero>\d{1,4})$")

# §5.1: cadastral arrondissement codes and the commune that files and numbers the dossiers.
ARRONDISSEMENTS: dict[str, tuple[range, str]] = {
    "paris": (range(75101, 75121), "75056"),
    "lyon": (range(69381, 69390), "69123"),
    "marseille": (range(13201, 13217), "13055"),
}


class InvalidIdu(ValueError):
    """The text is no parcel identifier; `message` is French, for the person who typed it."""

    def __init__(self, text: str, message: str) -> None:
        super().__init__(f"invalid parcel identifier {text!r}: {message}")
        self.text = text
        self.message = message


def municipality_code(insee: str) -> str:
    """The commune that files and numbers dossiers: 75118 → 75056, other codes unchanged."""
    if insee.isdigit():
        code = int(insee)
        for codes, municipal in ARRONDISSEMENTS.values():
            if code in codes:
                return municipal
    return insee


def cadastral_codes(insee: str) -> tuple[str, ...]:
    """The codes the cadastre files a commune under: 75056 → 75101…75120; others: itself."""
    for codes, municipal in ARRONDISSEMENTS.values():
        if insee == municipal:
            return tuple(str(c) for c in codes)
    return (insee,)


def same_municipality(a: str, b: str) -> bool:
    """A parcel of an arrondissement belongs to its city's dossiers (Paris, Lyon, Marseille are
    cadastred by arrondissement but file as one commune)."""
    return municipality_code(a) == municipality_code(b)


def departement_of(insee: str) -> str:
    """The two characters EDIGEO leaves out of its IDU (§5.1): `91`, `2A`, `97`."""
    return insee[:2]


@dataclass(frozen=True, order=True, slots=True)
class Idu:
    """A normalised 14-character IDU; `str()` gives it back."""

    commune: str  # cadastral INSEE code (arrondissement for Paris, Lyon, Marseille)
    prefixe: str  # 3 digits
    section: str  # 2 characters, padded
    numero: str  # 4 digits, padded

    def __str__(self) -> str:
        return f"{self.commune}{self.prefixe}{self.section}{self.numero}"

    @property
    def municipality(self) -> str:
        return municipality_code(self.commune)

    @property
    def section_trimmed(self) -> str:
        """Etalab's form: `0A` → `A`."""
        return self.section.lstrip("0") or "0"

    @property
    def numero_trimmed(self) -> str:
        return self.numero.lstrip("0") or "0"

    @property
    def label(self) -> str:
        """How a person reads it: `AB 37`, with the préfixe only when it is not `000`."""
        base = f"{self.section_trimmed} {int(self.numero)}"
        return base if self.prefixe == "000" else f"{self.prefixe} {base}"

    @classmethod
    def parse(cls, text: str) -> Idu:
        """A 14-character IDU, spaces and case ignored."""
        raw = text
        text = re.sub(r"\s+", "", text).upper()
        match = IDU_RE.match(text)
        if not match:
            raise InvalidIdu(
                raw,
                "un identifiant de parcelle compte 14 caractères : code INSEE (5), préfixe (3), "
                "section (2) et numéro (4), par exemple 91216000AB0037.",
            )
        return cls(**match.groupdict())

    @classmethod
    def from_parts(cls, commune: str, section: str, numero: str | int, prefixe: str = "000") -> Idu:
        """From separate fields, trimmed (Etalab's `A`, `2`) or padded (`0A`, `0002`)."""
        commune = commune.strip().upper()
        section = str(section).strip().upper()
        numero = str(numero).strip()
        prefixe = str(prefixe).strip() or "000"
        text = f"{commune}/{prefixe}/{section}/{numero}"
        if not INSEE_RE.match(commune):
            raise InvalidIdu(text, "le code INSEE de la commune compte 5 caractères (ex. 91216).")
        if not PREFIXE_RE.match(prefixe):
            raise InvalidIdu(text, "le préfixe compte 3 chiffres (000 le plus souvent).")
        if not SECTION_RE.match(section):
            raise InvalidIdu(text, "la section compte 1 ou 2 caractères (ex. A ou AB).")
        if not NUMERO_RE.match(numero) or int(numero) == 0:
            raise InvalidIdu(text, "le numéro de parcelle compte 1 à 4 chiffres (ex. 37).")
        return cls(commune, prefixe.zfill(3), section.rjust(2, "0"), numero.zfill(4))

    @classmethod
    def from_edigeo(cls, idu12: str, departement: str) -> Idu:
        """EDIGEO's 12-character IDU (commune without its département) plus the département."""
        match = EDIGEO_IDU_RE.match(idu12.strip().upper())
        if not match or not DEPARTEMENT_RE.match(departement):
            raise InvalidIdu(
                idu12, "un identifiant EDIGEO compte 12 caractères et demande le département."
            )
        parts = match.groupdict()
        return cls(
            departement + parts["commune"], parts["prefixe"], parts["section"], parts["numero"]
        )


def parse_reference(text: str, commune: str) -> Idu:
    """What a person typed for a parcel of `commune`: a full IDU or a section and numéro.

    A full IDU keeps its own commune (the check then says whether it is the dossier's).
    """
    compact = re.sub(r"\s+", "", text).upper()
    if len(compact) == 14 and IDU_RE.match(compact):
        return Idu.parse(compact)
    normalised = re.sub(r"\s+", " ", text.strip().upper())
    match = _SEPARATED_REF_RE.match(normalised) or _COMPACT_REF_RE.match(compact)
    if not match:
        raise InvalidIdu(
            text,
            "indiquez la section et le numéro (ex. AB 37) ou l'identifiant complet "
            "de 14 caractères (ex. 91216000AB0037).",
        )
    parts = match.groupdict()
    return Idu.from_parts(commune, parts["section"], parts["numero"], parts["prefixe"] or "000")
