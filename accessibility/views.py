"""The accessibility statement (déclaration d'accessibilité, RGAA model), generated from the
latest published measurements (accessibility.results)."""

import datetime

from django.shortcuts import render
from django.views.decorators.http import require_safe

from accessibility.results import RGAA_VERSION, published
from core.env import env_str

# Content left out of the obligation by décret 2019-768 art. 3, with the alternative offered.
EXEMPT = [
    "La carte de sélection des parcelles (étape « Le terrain ») et la carte du dossier côté "
    "agents : les cartes en ligne ne sont pas soumises à l'obligation, l'information "
    "essentielle étant fournie autrement (décret n° 2019-768, art. 3) ; les parcelles se "
    "saisissent aussi par leurs références cadastrales, dans un champ de texte, et leur "
    "vérification s'affiche en texte.",
]
# Known gaps that the automated checks cannot see.
NOT_TESTED = [
    "Les documents PDF émis (récépissés, arrêtés signés) : produits en PDF/A, leur balisage "
    "pour les lecteurs d'écran n'a pas été vérifié.",
    "Les pièces jointes déposées par les demandeurs (plans, photographies) : fournies par des "
    "tiers, elles ne sont pas soumises à l'obligation (décret n° 2019-768, art. 3).",
]


@require_safe
def statement(request):
    results = published()
    context = {
        "results": results,
        "rgaa_version": RGAA_VERSION,
        "conformity": (results or {}).get("conformity", "non conforme"),
        "established_on": _date((results or {}).get("tested_to")),
        "tested_from": _date((results or {}).get("tested_from")),
        "exempt": EXEMPT,
        "not_tested": NOT_TESTED,
        "contact": env_str("PERMIS_ACCESSIBILITY_CONTACT", ""),
    }
    return render(request, "accessibility/statement.html", context)


def _date(text):
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None
