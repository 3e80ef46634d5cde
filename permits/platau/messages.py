"""The bodies of the commune's messages to PLAT'AU, each value taken from the dossier
(docs/platau.md lists them with their public source), and the reading of an opinion."""

from __future__ import annotations

import hashlib
import re

from workflow.models import Opinion

# §4.3 type codes by procedure code (workflow.procedures); also read by api.platau.
TYPE_CODES = {
    "CUA": (1, "CUa"),
    "CUB": (2, "CUb"),
    "DP": (3, "DP"),
    "DPLT": (3, "DP"),
    "PCMI": (4, "PC"),
    "PC": (4, "PC"),
    "PA": (5, "PA"),
    "PD": (6, "PD"),
    "TRANSFERT": (7, "DT"),
}
# Nomenclature NATURE_AVIS (reference §3.6, PlatauConsultation::versementAvis).
NATURES = {1: Opinion.FAVOURABLE, 2: Opinion.WITH_PRESCRIPTIONS, 3: Opinion.UNFAVOURABLE}
# nomTypeDelai as PlatauConsultation::envoiPEC reads it: 'Jours calendaires' or 'Mois'.
DAYS = {"idNom": 1, "libNom": "Jours calendaires"}
# nomTypeAvis: 1 avis simple (PlatauConsultation::versementAvis); 2 avis conforme (accord).
SIMPLE, BINDING = 1, 2
# TYPE_DOCUMENT used for pieces and the act (6 and 9 are those the public client sends with a
# prise en compte and an opinion); the act's nomTypeActe: 1 arrêté de décision.
DOCUMENT_PIECE, DOCUMENT_ACT, ACT_DECISION = 1, 4, 1


def sha512(content: bytes) -> str:
    """The digest PLAT'AU asks with each document (its integrity check)."""
    return hashlib.sha512(content).hexdigest()


def dossier_type(dossier) -> int | None:
    """PLAT'AU's type code; a modificatif takes its permit's."""
    code = dossier.procedure
    if code == "MODIFICATIF" and dossier.parent_id is not None:
        code = dossier.parent.procedure
    found = TYPE_CODES.get(code)
    return found[0] if found else None


def deposit(dossier, actor_id: str) -> dict:
    """The dépôt message: the dossier in PLAT'AU's names and codes."""
    number = dossier.parsed_number
    return {
        "dossiers": [
            {
                "noLocal": number.base.compact,  # A423-3 number (permits.numbering)
                "suffixeNoLocal": number.suffix,  # M01 for a modificatif
                "nomTypeDossier": {"idNom": dossier_type(dossier), "libNom": dossier.procedure},
                "txDescriptifGlobal": dossier.description,
                "dtDepot": dossier.filed_on.isoformat(),
                "codeInseeCommune": dossier.commune.insee_code,
                "idActeurServiceInstructeur": actor_id,
            }
        ]
    }


def document(file_id: str, content: bytes, kind: int, actor_id: str, produced) -> dict:
    """A document refers to an uploaded file, with its SHA-512 (PlatauPiece::uploadDocument)."""
    return {
        "fileId": file_id,
        "algoHash": "SHA-512",
        "hash": sha512(content),
        "nomTypeDocument": kind,
        "nomTypeProducteurDoc": 1,
        "dtProduction": produced.isoformat(),
        "idActeurProducteur": actor_id,
    }


def piece(piece, document_body: dict) -> dict:
    """A piece's message, with its uploaded document."""
    return {
        "pieces": [
            {
                "noPiece": piece.code,
                "noVersion": piece.version,
                "nomTypePiece": {"idNom": None, "libNom": piece.code},
                "dtDepot": piece.uploaded_at.date().isoformat(),
                "documents": [document_body],
            }
        ]
    }


def consultation(consultation, id_dossier: str, id_service: str) -> dict:
    """The délai in calendar days from the statutory clock: sent_on → due_on (R423-59 one
    month, R423-67 two months for the ABF…), so the hub's deadline is ours."""
    return {
        "idDossier": id_dossier,
        "consultations": [
            {
                "dtConsultation": consultation.sent_on.isoformat(),
                "delaiDeReponse": (consultation.due_on - consultation.sent_on).days,
                "nomTypeDelai": DAYS,
                "txObjetDeLaConsultation": (
                    f"Consultation sur le dossier {consultation.dossier.display_number} "
                    f"({consultation.due_basis})"
                ),
                "nomTypeConsultation": {
                    "idNom": BINDING if consultation.binding else SIMPLE,
                    "libNom": "Avis conforme" if consultation.binding else "Avis simple",
                },
                "idServiceConsulte": id_service,
            }
        ],
    }


def act(dossier, id_dossier: str, signed_on, document_body: dict) -> dict:
    """A signed act's message (the arrêté) for a dossier PLAT'AU knows."""
    return {
        "idDossier": id_dossier,
        "nomTypeActe": {"idNom": ACT_DECISION, "libNom": "Arrêté"},
        "dtSignature": signed_on.isoformat(),
        "documents": [document_body],
    }


PRESCRIPTIONS_HEADING = re.compile(r"^\s*prescriptions?\s*:?\s*$", re.IGNORECASE)


def read_opinion_text(text: str) -> tuple[str, list[str]]:
    """PLAT'AU carries prescriptions inside `txAvis` (the public client joins them into it):
    the lines after a "Prescriptions :" heading, each starting with "-" or "•", are the
    items; what precedes is the motivation."""
    lines = (text or "").splitlines()
    for index, line in enumerate(lines):
        if PRESCRIPTIONS_HEADING.match(line):
            items = [re.sub(r"^\s*[-•*]\s*", "", x).strip() for x in lines[index + 1 :]]
            return "\n".join(lines[:index]).strip(), [x for x in items if x]
    return (text or "").strip(), []
