"""The French label of each kind of event in a dossier's history: every transition's own
label (workflow.registry), then the events that are not transitions."""

from workflow.registry import DECLARATIONS

EVENT_LABELS = {d.name: d.label for d in DECLARATIONS} | {
    "piece_received": "pièce reçue",
    "document_signed": "document signé",
    "signature_abandoned": "décision non signée : délai expiré ou dossier modifié entre-temps",
    "consultation_sent": "consultation d'un service",
    "opinion_received": "avis reçu",
    "opinion_tacit": "avis tacite",
    "platau_pec": "prise en compte de la consultation (PLAT'AU)",
    "prorogated": "prorogation accordée",
    "transferred": "transfert accordé",
    "modified": "modification accordée",
    "partial_completion": "achèvement partiel des travaux (DAACT)",
    "counter_registered": "enregistrement au guichet de la mairie",
    "claimed_online": "suivi en ligne par le demandeur (code de suivi)",
}
