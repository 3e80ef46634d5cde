"""From the FranceConnect identity pivot to the cerfa's applicant block (reference §6.2).

The result names the fields of permits.models.Applicant (accounts does not import permits) and
says which of them are certified: those come from the identity provider and are shown locked.
The depositor (who signed in) may file for someone else: the block is a pre-fill, the applicant
is whoever the depositor names.
"""

import re
from dataclasses import dataclass

from accounts import referential

CIVILITY_BY_GENDER = {"female": "madame", "male": "monsieur"}
FRENCH_MONTHS = (
    *("janvier", "février", "mars", "avril", "mai", "juin"),
    *("juillet", "août", "septembre", "octobre", "novembre", "décembre"),
)
_BIRTHDATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class PresumedDate:
    """A birth date as FranceConnect sends it, possibly partly unknown: `1992-11-00` (day
    unknown), `1992-00-00` (day and month unknown). Kept as such, never completed with a guess."""

    raw: str  # as received, e.g. `1977-00-03`
    year: int
    month: int | None
    day: int | None

    @classmethod
    def parse(cls, value: str) -> "PresumedDate | None":
        match = _BIRTHDATE_RE.match(value or "")
        if not match:
            return None
        month: int | None
        day: int | None
        year, month, day = (int(part) for part in match.groups())
        if not 1 <= month <= 12:
            month = None  # `1977-00-03`: a day without its month says nothing more than the year
            day = None
        elif not 1 <= day <= 31:
            day = None
        return cls(value, year, month, day)

    @property
    def is_complete(self) -> bool:
        return self.month is not None and self.day is not None

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year} (jour et mois inconnus)"
        month = FRENCH_MONTHS[self.month - 1]
        if self.day is None:
            return f"{month} {self.year} (jour inconnu)"
        return f"{'1er' if self.day == 1 else self.day} {month} {self.year}"


@dataclass(frozen=True)
class ApplicantPrefill:
    fields: dict  # permits.models.Applicant field name → value
    certified: frozenset  # the field names that came from the identity provider


def applicant_fields_from_claims(claims: dict) -> ApplicantPrefill:
    """The applicant block pre-filled from FranceConnect claims (reference §6.1, §6.2).

    `birth_date` is the date as received (`YYYY-MM-DD`, `00` where unknown: see PresumedDate),
    or "" when absent or malformed;
    `birth_department` is the département of the commune of birth ("Paris (75)"). Both need
    the matching fields on Applicant (see the issue 5 report)."""
    fields: dict = {"kind": "person"}
    certified: set = set()

    def put(name: str, value: str, *, is_certified: bool = True):
        fields[name] = value
        if value and is_certified:
            certified.add(name)

    put("civility", CIVILITY_BY_GENDER.get(claims.get("gender", ""), ""))
    put("birth_name", claims.get("family_name", "").strip())
    put("usage_name", claims.get("preferred_username", "").strip())
    put("given_names", claims.get("given_name", "").strip())
    birthdate = PresumedDate.parse(claims.get("birthdate", ""))
    put("birth_date", birthdate.raw if birthdate else "")

    country_code = claims.get("birthcountry", "")
    put("birth_country", referential.country(country_code) or "")
    place = None
    # Born abroad: FranceConnect leaves the place empty (reference §6.1); a code sent anyway
    # for a foreign birth is not a French commune, so it is ignored.
    if country_code == referential.FRANCE and claims.get("birthplace"):
        place = referential.commune(claims["birthplace"])
    put("birth_place", place.name if place else "")
    put("birth_department", place.department_label if place else "")
    # Contact: the e-mail held by the provider is not verified by us (reference §6.1): editable.
    put("email", claims.get("email", "").strip(), is_certified=False)
    return ApplicantPrefill(fields=fields, certified=frozenset(certified))
