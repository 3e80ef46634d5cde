"""One portal for an instruction service's communes (issue 23, §5): the site decides the
commune — and with it the branding, the signatory and the numbering of the dossier.

R423-1 (reference §3.1): an application is filed at the mairie of the commune where the site
lies. The reference is silent on a site whose parcels lie in two communes (which mairie
receives it, which authority decides, one dossier or two): such a site is detected and the
applicant is told so, and no draft is started (`Routing.communes` with two entries).

Without a geocoder on this machine (nothing is fetched at run time), an address is placed by
its postcode and locality against the communes' names; parcels, when given, take precedence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from accounts.models import Commune
from cadastre.idu import InvalidIdu, municipality_code, parse_reference
from cadastre.models import Parcel


@dataclass
class Routing:
    communes: list[Commune] = field(default_factory=list)
    by: str = ""  # "parcels" or "address"
    parcels: list[str] = field(default_factory=list)  # the IDUs found
    problems: list[str] = field(default_factory=list)  # French, for the form

    @property
    def commune(self) -> Commune | None:
        """The one commune of the answer, None when there is none or several."""
        return self.communes[0] if len(self.communes) == 1 else None

    @property
    def straddles(self) -> bool:
        """The site spans several communes: the applicant is asked which one to file in."""
        return len(self.communes) > 1


def _plain(text: str) -> str:
    """ "Saint-Michel-sur-Orge" and "st michel sur orge" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.sub(r"[^a-z0-9]+", " ", letters).split()
    return " ".join({"st": "saint", "ste": "sainte"}.get(w, w) for w in words)


def route(communes, *, address: str = "", parcels: str = "") -> Routing:
    """Which of `communes` (the service's) the site lies in."""
    communes = list(communes)
    if parcels.strip():
        return _by_parcels(communes, parcels)
    if address.strip():
        return _by_address(communes, address)
    return Routing(problems=["Indiquez l'adresse du terrain ou ses références cadastrales."])


def _by_parcels(communes: list[Commune], text: str) -> Routing:
    routing = Routing(by="parcels")
    by_code = {c.insee_code: c for c in communes}
    found: dict[str, Commune] = {}
    for reference in filter(None, (line.strip() for line in text.splitlines())):
        candidates = []
        for commune in communes:  # a section and numéro: looked up in each commune
            try:
                candidates.append(str(parse_reference(reference, commune.insee_code)))
            except InvalidIdu as error:
                routing.problems.append(f"{reference} : {error.message}")
                break
        else:
            rows = list(
                Parcel.objects.filter(idu__in=set(candidates), retired_at__isnull=True).values_list(
                    "idu", "commune"
                )
            )
            if not rows:
                routing.problems.append(
                    f"{reference} : parcelle introuvable dans les communes de ce service."
                )
            elif len(rows) > 1:
                routing.problems.append(
                    f"{reference} : cette référence existe dans plusieurs communes ; indiquez "
                    "l'identifiant complet de 14 caractères (ex. 91216000AB0037)."
                )
            elif municipality_code(rows[0][1]) not in by_code:
                routing.problems.append(
                    f"{reference} : cette parcelle n'est pas dans une commune de ce service."
                )
            else:
                idu, code = rows[0]
                routing.parcels.append(idu)
                found.setdefault(municipality_code(code), by_code[municipality_code(code)])
    if not routing.problems:
        routing.communes = sorted(found.values(), key=lambda c: c.name)
    return routing


def _by_address(communes: list[Commune], address: str) -> Routing:
    plain = f" {_plain(address)} "
    matches = [c for c in communes if f" {_plain(c.name)} " in plain]
    # "Épinay-sur-Orge" inside "Villiers-sur-Orge"? Keep the longest names found.
    longest = max((len(_plain(c.name)) for c in matches), default=0)
    matches = [c for c in matches if len(_plain(c.name)) == longest]
    if len(matches) != 1:
        return Routing(
            by="address",
            problems=[
                "Cette adresse ne permet pas de savoir dans quelle commune du service se trouve "
                "le terrain : indiquez le nom de la commune, ou les références cadastrales."
            ],
        )
    return Routing(communes=matches, by="address")
