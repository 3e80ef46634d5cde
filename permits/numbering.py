"""Dossier numbers (A423-3, reference §2): format and parse, pure Python.

`PC 091 216 26 00001`: the 2-letter type, the département on 3 characters, the commune's last
3 INSEE characters, the filing year on 2 digits and a 5-character sequence, continuous per
(commune, type, year). Follow-up procedures keep their parent's number plus a suffix: the
reference lets us choose, so we keep openADS' `P0` for the initial instruction and a letter
and two digits for the others (`M01` modificatif, `T01` transfert, `R01` prorogation, `D01`
DOC, `A01` DAACT; see workflow.procedures). The parser also reads the compact forms other
software writes (`PC0912162600001`, `PC0912162600001P0`, `PC0000001600020.M02`) and the older
sequences whose first character named the instruction service (`X0012`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workflow.procedures import FOLLOW_UP_BY_SUFFIX, NUMBER_PREFIXES

INITIAL_SUFFIX = "P0"
_PREFIX = "|".join(NUMBER_PREFIXES)
_SUFFIX_LETTERS = "".join(sorted(FOLLOW_UP_BY_SUFFIX))
_NUMBER_RE = re.compile(
    rf"""^(?P<prefix>{_PREFIX})
    (?P<department>0(?:\d\d|2[AB])|9[78]\d)
    (?P<commune>\d{{3}})
    (?P<year>\d{{2}})
    (?P<sequence>[0-9A-Z]\d{{4}})
    (?:\.?(?P<suffix>P0|[{_SUFFIX_LETTERS}]\d{{2}}))?$""",
    re.VERBOSE,
)


class InvalidNumber(ValueError):
    pass


@dataclass(frozen=True)
class DossierNumber:
    prefix: str  # PC, PA, PD, DP, CU
    department: str  # 3 characters: 091, 02A, 971
    commune: str  # 3 characters: the end of the INSEE code
    year: int  # 0..99
    sequence: str  # 5 characters, digits (a leading letter only in legacy numbers)
    suffix: str = ""  # "", "P0", "M01", "T01", ...

    @classmethod
    def for_commune(cls, prefix: str, insee_code: str, year: int, sequence: int) -> DossierNumber:
        """A new number. Overseas INSEE codes (97105) give département 971 and commune 105."""
        department = insee_code[:3] if insee_code.startswith("97") else "0" + insee_code[:2]
        if not 1 <= sequence <= 99999:
            raise InvalidNumber(f"sequence {sequence} out of range 1..99999")
        return cls(prefix, department, insee_code[-3:], year % 100, f"{sequence:05d}")

    def with_suffix(self, letter: str, rank: int) -> DossierNumber:
        """A follow-up's number: the autorisation's with a letter and rank (M01 for a modificatif,
        T01 a transfert)."""
        if not 1 <= rank <= 99:
            raise InvalidNumber(f"suffix rank {rank} out of range 1..99")
        return DossierNumber(
            self.prefix,
            self.department,
            self.commune,
            self.year,
            self.sequence,
            f"{letter}{rank:02d}",
        )

    @property
    def base(self) -> DossierNumber:
        """The autorisation's number, without any suffix."""
        return DossierNumber(self.prefix, self.department, self.commune, self.year, self.sequence)

    @property
    def compact(self) -> str:
        """Storage and interchange form: `PC0912162600001`, `PC0912162600001M01`."""
        return self.display.replace(" ", "")

    @property
    def display(self) -> str:
        """The form printed on letters and decisions: `PC 091 216 26 00001`."""
        text = f"{self.prefix} {self.department} {self.commune} {self.year:02d} {self.sequence}"
        return f"{text} {self.suffix}" if self.suffix else text

    def __str__(self) -> str:
        return self.display


def parse(text: str) -> DossierNumber:
    """Reads a number in display, compact or suffixed form; raises InvalidNumber with a
    French message fit for a user."""
    compact = re.sub(r"[\s\-/]", "", text or "").upper()
    match = _NUMBER_RE.match(compact)
    if not match:
        raise InvalidNumber(
            f"« {text} » n'est pas un numéro de dossier valide "
            "(attendu par exemple : PC 091 216 26 00001)."
        )
    parts = match.groupdict()
    return DossierNumber(
        parts["prefix"],
        parts["department"],
        parts["commune"],
        int(parts["year"]),
        parts["sequence"],
        parts["suffix"] or "",
    )
