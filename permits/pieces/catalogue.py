"""The pieces (pièces jointes) each procedure requires, and when (reference §1.3).

Pure data, per procedure: code as printed on the cerfa's bordereau, French label, legal basis,
and the condition under which it is required. Only pieces listed here may be requested as
missing (R423-41). The conditions are answered in the project step of the form.
"""

from __future__ import annotations

from dataclasses import dataclass

# Conditions a piece may depend on (answers of the project step; see Dossier.piece_answers).
ALWAYS = "always"
CREATES_VOLUME = "creates_volume"  # new building, extension, or change of the ground level
CHANGES_EXTERIOR = "changes_exterior"  # façades, roofs, openings
VISIBLE_OR_PROTECTED = "visible_or_protected"  # visible from public space, or in an MH/SPR area
EXISTING_BUILDINGS = "existing_buildings"  # CUb: buildings already on the site
OPTIONAL = "optional"  # may be joined; never required

CONDITION_QUESTIONS = {
    CREATES_VOLUME: "Le projet crée-t-il une construction, une extension ou modifie-t-il le "
    "niveau du terrain ?",
    CHANGES_EXTERIOR: "Le projet modifie-t-il les façades, les toitures ou les ouvertures ?",
    VISIBLE_OR_PROTECTED: "Les travaux sont-ils visibles depuis l'espace public, ou le terrain "
    "est-il aux abords d'un monument historique ou dans un site patrimonial remarquable ?",
    EXISTING_BUILDINGS: "Des constructions existent-elles déjà sur le terrain ?",
}


@dataclass(frozen=True)
class PieceSpec:
    code: str
    label: str
    basis: str
    condition: str = ALWAYS

    def required(self, answers: dict[str, bool]) -> bool:
        """Whether this piece is required given the applicant's yes/no answers (the cerfa's
        bordereau)."""
        if self.condition == OPTIONAL:
            return False
        return self.condition == ALWAYS or bool(answers.get(self.condition))


def _permit(prefix: str) -> tuple[PieceSpec, ...]:
    """PCMI1…8 and PC1…8 share labels and articles (R431-7..R431-10)."""
    return (
        PieceSpec(f"{prefix}1", "Plan de situation du terrain", "R431-7 a"),
        PieceSpec(f"{prefix}2", "Plan de masse des constructions", "R431-9"),
        PieceSpec(f"{prefix}3", "Plan en coupe du terrain et de la construction", "R431-10 b"),
        PieceSpec(f"{prefix}4", "Notice décrivant le terrain et présentant le projet", "R431-8"),
        PieceSpec(f"{prefix}5", "Plan des façades et des toitures", "R431-10 a"),
        PieceSpec(f"{prefix}6", "Document graphique d'insertion du projet", "R431-10 c"),
        PieceSpec(f"{prefix}7", "Photographie de l'environnement proche", "R431-10 d"),
        PieceSpec(f"{prefix}8", "Photographie du paysage lointain", "R431-10 d"),
    )


CATALOGUE: dict[str, tuple[PieceSpec, ...]] = {
    "PCMI": _permit("PCMI"),
    "PC": _permit("PC"),
    "PA": (
        PieceSpec("PA1", "Plan de situation du terrain", "R441-2 a"),
        PieceSpec("PA2", "Notice décrivant le terrain et le projet d'aménagement", "R441-3"),
        PieceSpec("PA3", "Plan de l'état actuel du terrain", "R441-4 1°"),
        PieceSpec("PA4", "Plan de composition d'ensemble du projet", "R441-4 2°"),
        PieceSpec("PA5", "Vues et coupes du projet", "R441-4 2°"),
        PieceSpec("PA6", "Photographie de l'environnement proche", "R441-4 2°"),
        PieceSpec("PA7", "Photographie du paysage lointain", "R441-4 2°"),
        PieceSpec("PA8", "Programme et plans des travaux d'équipement", "R442-5"),
        PieceSpec("PA9", "Hypothèse d'implantation des bâtiments", "R442-5"),
        PieceSpec("PA10", "Projet de règlement du lotissement", "R442-6", OPTIONAL),
    ),
    "PD": (
        PieceSpec("PD1", "Plan de situation du terrain", "R451-2 a"),
        PieceSpec("PD2", "Plan de masse des constructions à démolir", "R451-2 b"),
        PieceSpec("PD3", "Photographies des constructions à démolir", "R451-2 c"),
    ),
    "DP": (
        PieceSpec("DP1", "Plan de situation du terrain", "R431-36 a"),
        PieceSpec("DP2", "Plan de masse des constructions", "R431-36 b", CREATES_VOLUME),
        PieceSpec(
            "DP3", "Plan en coupe du terrain et de la construction", "R431-36 b", CREATES_VOLUME
        ),
        PieceSpec("DP4", "Plan des façades et des toitures", "R431-36 c", CHANGES_EXTERIOR),
        PieceSpec("DP5", "Représentation de l'aspect extérieur", "R431-36 c", CHANGES_EXTERIOR),
        PieceSpec(
            "DP6", "Document graphique d'insertion du projet", "R431-36 c", VISIBLE_OR_PROTECTED
        ),
        PieceSpec(
            "DP7", "Photographie de l'environnement proche", "R431-36 c", VISIBLE_OR_PROTECTED
        ),
        PieceSpec("DP8", "Photographie du paysage lointain", "R431-36 c", VISIBLE_OR_PROTECTED),
    ),
    # Cerfa 16703: the division plan numbering is to be checked against its notice [?].
    "DPLT": (
        PieceSpec("DP1", "Plan de situation du terrain", "R441-10 a"),
        PieceSpec(
            "DP9", "Plan sommaire des lieux indiquant les bâtiments de plus de 20 m²", "R441-10 b"
        ),
        PieceSpec("DP10", "Croquis et plan coté de la division", "R441-10 c"),
    ),
    "CUA": (PieceSpec("CU1", "Plan de situation du terrain", "R410-1"),),
    "CUB": (
        PieceSpec("CU1", "Plan de situation du terrain", "R410-1"),
        PieceSpec("CU2", "Note descriptive succincte du projet", "R410-1"),
        PieceSpec(
            "CU3",
            "Plan du terrain indiquant les constructions existantes",
            "R410-1",
            EXISTING_BUILDINGS,
        ),
    ),
    "MODIFICATIF": (
        PieceSpec("PCM1", "Notice décrivant les modifications apportées au projet", "A431-7"),
        PieceSpec("PCM2", "Pièces du dossier initial modifiées par la demande", "A431-7"),
    ),
    "TRANSFERT": (PieceSpec("PCT1", "Accord du titulaire du permis au transfert", "A431-8"),),
    "PROROGATION": (PieceSpec("PRO1", "Lettre de demande de prorogation", "R424-22"),),
    "DOC": (),
    "DAACT": (
        PieceSpec(
            "AT1",
            "Attestation de prise en compte de la réglementation environnementale (RE2020)",
            "R462-4-1",
            OPTIONAL,
        ),
        PieceSpec(
            "AT2", "Attestation de respect des règles d'accessibilité (ERP)", "R462-3", OPTIONAL
        ),
    ),
}


def pieces_for(procedure: str) -> tuple[PieceSpec, ...]:
    """The procedure's pieces as the cerfa's bordereau lists them (R431-5 and following)."""
    return CATALOGUE[procedure]


def required_pieces(procedure: str, answers: dict[str, bool]) -> list[PieceSpec]:
    """The pieces required given the applicant's answers: what makes a dossier complete."""
    return [p for p in pieces_for(procedure) if p.required(answers)]


def questions_for(procedure: str) -> dict[str, str]:
    """The yes/no questions that decide which pieces this procedure requires."""
    conditions = {p.condition for p in pieces_for(procedure)}
    return {key: text for key, text in CONDITION_QUESTIONS.items() if key in conditions}


def spec(procedure: str, code: str) -> PieceSpec:
    """A piece of the procedure by code; KeyError for a code that is not in its bordereau."""
    for piece in pieces_for(procedure):
        if piece.code == code:
            return piece
    raise KeyError(f"no piece {code!r} for {procedure}")
