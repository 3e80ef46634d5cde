"""The dossier in PLAT'AU's names and codes (reference §4.3), for connectors that push to the
State hub: `noLocal` (the A423-3 number), `suffixeNoLocal`, the type code `idNom`
(1 CUa, 2 CUb, 3 DP, 4 PC, 5 PA, 6 PD, 7 DT transfert, 8 DI infraction), opinions
`nomNatureAvisRendu` 1–3 with `boEstTacite`. Nomenclature values are `{idNom, libNom}` objects.
Where PLAT'AU has no name for a fact, the English field of the API is kept.
"""

from permits.platau.messages import TYPE_CODES
from workflow.models.consultations import PLATAU_NATURE, Opinion

NATURE_LABELS = {1: "Favorable", 2: "Favorable avec prescriptions", 3: "Défavorable"}
TACIT = {Opinion.TACIT_FAVOURABLE, Opinion.TACIT_UNFAVOURABLE}


def type_of(dossier) -> dict | None:
    """A modificatif is a dossier of its permit's type with a suffix (`M01`); prorogation, DOC
    and DAACT have no PLAT'AU dossier type (None)."""
    code = dossier.procedure
    if code == "MODIFICATIF" and dossier.parent_id is not None:
        code = dossier.parent.procedure
    found = TYPE_CODES.get(code)
    return {"idNom": found[0], "libNom": found[1]} if found else None


def opinion_nature(opinion: str) -> dict | None:
    """An opinion in PLAT'AU's nomenclature (idNom, libNom), None while it is awaited."""
    if not opinion:
        return None
    nature = PLATAU_NATURE[Opinion(opinion)]
    return {"idNom": nature, "libNom": NATURE_LABELS[nature]}


def export(dossier) -> dict:
    """The dossier with PLAT'AU's field names and codes (reference §4.3), what a bridge forwards as
    is."""
    number = dossier.parsed_number
    return {
        "noLocal": number.base.compact if number else None,
        "suffixeNoLocal": number.suffix if number else "",
        "nomTypeDossier": type_of(dossier),
        "txDescriptifGlobal": dossier.description,
        "dtDepot": dossier.filed_at.date().isoformat() if dossier.filed_at else None,
        "commune": dossier.commune.insee_code,
        "procedure": dossier.procedure,
        "state": dossier.state,
        "pieces": [
            {
                "noPiece": piece.code,
                "noVersion": piece.version,
                "nomTypePiece": {"idNom": None, "libNom": piece.code},
                "dtDepot": piece.uploaded_at.date().isoformat(),
                "sha256": piece.sha256,
            }
            for piece in dossier.pieces.all()
        ],
        "consultations": [
            {
                "dtConsultation": c.sent_on.isoformat(),
                "dtLimiteReponse": c.due_on.isoformat(),
                "service": c.service_name,
                "avis": (
                    {
                        "nomNatureAvisRendu": opinion_nature(c.opinion),
                        "boEstTacite": Opinion(c.opinion) in TACIT,
                        "dtEmission": c.answered_on.isoformat() if c.answered_on else None,
                    }
                    if c.opinion
                    else None
                ),
            }
            for c in dossier.consultations.all()
        ],
    }
