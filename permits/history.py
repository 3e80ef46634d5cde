"""What the history (the event log, workflow.events) calls each event, in French: the
transitions' labels and the acts recorded beside them. Read by the dossier page and the
instruction page."""

from workflow.transitions import LABELS

EVENT_LABELS = LABELS | {
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
