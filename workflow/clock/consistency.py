"""The facts of the clock agree with each other: what a majoration or a consultation implies.

Pure Python. Reference: ads-reference.md §3.5 (majorations), §3.6 (consultations), §3.7
(exceptions to the tacit grant), §8.4 (flags recorded at qualification).

A majoration is notified *because of* a situation of the project; when the same situation is an
exception to the tacit grant (R424-2, R424-2-1) or makes the ABF's accord required (R424-3),
the clock must not grant tacitly what the majoration's own reason forbids. Each pair found in
the reference is either derived (the implied flag is added, and said in the explanation) or,
where the majoration does not say which situation applies, refused with a French message:

derived
    R423-28 a (works on an MH inscrit) → R424-2 (works on an MH inscrit)
    R423-27 c (national nature reserve) → R424-2 (réserves naturelles)
    R423-31 sites minister's accord (R425-17 b) → R424-2 (authorisation of the sites minister)
    R423-25 f (PPVE, L123-19 C. env.) → R424-2-1 (environmental assessment) [à vérifier]
    R423-69-1 (environmental authority consulted) → R424-2-1 (environmental assessment)
    R423-24 c (SPR or abords) → accord of the ABF (R423-67, R424-3)
    R424-3 (ABF refusal or prescriptions) → accord of the ABF required
    R424-2 i (demolition in a site inscrit) → site inscrit (R423-67, R462-7)
refused
    R423-28 b (PC of an ERP or an IGH) without the ERP or IGH qualification: which one decides
    the récolement (R462-7) and the letters; the officer must say it.
the other way (said, not derived)
    A situation that would justify a majoration (MH inscrit, ERP or IGH, SPR or abords) whose
    majoration was not notified leaves the délai as it is (R423-42; CE 24 Oct 2023 n°462511):
    the explanation of the délai says so (`unnotified_majorations`).
not paired (documented, not derived)
    R423-31 défense/aviation: a consultation, not the defence minister's *authorisation* of
    R424-2; the officer qualifies MINISTERIAL_AUTHORISATION when that authorisation is needed.
    R423-34..R423-37 (ministerial evocation): exceptional prolongations are not majoration
    reasons of the clock; the officer qualifies MINISTERIAL_AUTHORISATION.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workflow.clock.rules import ExceptionFlag, MajorationReason, ServiceKind

F, M = ExceptionFlag, MajorationReason


class InconsistentFacts(ValueError):
    """Facts that contradict each other; the message is French, meant for the user."""


@dataclass(frozen=True)
class Implication:
    """A flag another fact implies, with the sentence that tells the officer why it was added."""

    flag: ExceptionFlag
    note: str  # French: the fact, what it implies, and the articles


_BY_MAJORATION: dict[MajorationReason, Implication] = {
    M.R423_28_A_MH_INSCRIT: Implication(
        F.MH_INSCRIT,
        "Majoration R423-28 a (travaux sur un immeuble inscrit au titre des monuments "
        "historiques) : c'est un cas de l'article R424-2, le silence vaut rejet.",
    ),
    M.R423_27_C_NATIONAL_NATURE_RESERVE: Implication(
        F.RESERVE_NATURELLE,
        "Majoration R423-27 c (réserve naturelle nationale) : c'est un cas de l'article R424-2, "
        "le silence vaut rejet.",
    ),
    M.R423_31_SITES_MINISTER: Implication(
        F.MINISTERIAL_AUTHORISATION,
        "Majoration R423-31 (accord du ministre chargé des sites, R425-17 b) : c'est un cas de "
        "l'article R424-2, le silence vaut rejet.",
    ),
    M.R423_25_F_PPVE: Implication(
        F.ENV_ASSESSMENT,
        "Majoration R423-25 f (participation du public par voie électronique, L123-19 I 1° "
        "C. env.) : le projet est soumis à évaluation environnementale (R424-2-1) "
        "[à vérifier].",
    ),
    M.R423_24_C_SPR_ABORDS_MH: Implication(
        F.ABF_ACCORD_REQUIRED,
        "Majoration R423-24 c (site patrimonial remarquable ou abords d'un monument "
        "historique) : la décision est soumise à l'accord de l'ABF (R423-67, R424-3).",
    ),
}
_BY_CONSULTATION: dict[ServiceKind, Implication] = {
    kind: Implication(
        F.ENV_ASSESSMENT,
        "Autorité environnementale consultée (R423-69-1) : le projet est soumis à évaluation "
        "environnementale (L122-1 C. env.).",
    )
    for kind in (ServiceKind.ENV_AUTHORITY_REGIONAL, ServiceKind.ENV_AUTHORITY_NATIONAL)
}
_BY_FLAG: dict[ExceptionFlag, Implication] = {
    F.ABF_REFUSAL: Implication(
        F.ABF_ACCORD_REQUIRED,
        "Avis défavorable ou avec prescriptions de l'ABF (R424-3) : la décision est soumise à "
        "son accord.",
    ),
    F.DEMOLITION_IN_SITE_INSCRIT: Implication(
        F.SITE_INSCRIT,
        "Démolition soumise à permis dans un site inscrit (R424-2 i) : le projet est en site "
        "inscrit (R423-67, R462-7).",
    ),
}


def implications(
    type_code: str,
    majorations: Iterable[MajorationReason],
    consultations: Iterable[ServiceKind],
    flags: Iterable[ExceptionFlag],
) -> list[Implication]:
    """What the given facts imply, in a stable order. A majoration counts only where its case
    can concern the type (otherwise it is without effect, and says nothing of the project)."""
    found: list[Implication] = []
    for reason in majorations:
        if reason in _BY_MAJORATION and reason.effect(type_code) is not None:
            found.append(_BY_MAJORATION[reason])
    found += [_BY_CONSULTATION[kind] for kind in consultations if kind in _BY_CONSULTATION]
    found += [_BY_FLAG[flag] for flag in flags if flag in _BY_FLAG]
    return list(dict.fromkeys(found))


def derived_flags(
    type_code: str,
    majorations: Iterable[MajorationReason],
    consultations: Iterable[ServiceKind],
    flags: frozenset[ExceptionFlag],
) -> frozenset[ExceptionFlag]:
    """`flags` with everything the facts imply added (one pass suffices: no implied flag
    implies another)."""
    implied = implications(type_code, majorations, consultations, flags)
    return flags | {i.flag for i in implied}


def contradictions(
    type_code: str, majorations: Iterable[MajorationReason], flags: frozenset[ExceptionFlag]
) -> list[str]:
    """French reasons why these facts cannot all be true, or [] when they agree."""
    out = []
    erp = M.R423_28_B_ERP_IGH
    if erp in majorations and erp.effect(type_code) is not None and not flags & {F.ERP, F.IGH}:
        out.append(
            "La majoration R423-28 b suppose un établissement recevant du public ou un immeuble "
            "de grande hauteur : qualifiez le dossier ERP ou IGH (R423-28 b, R462-7)."
        )
    return out


# Situations and the majoration they would justify (the other direction of the pairs above).
_MAJORATION_OF: dict[ExceptionFlag, MajorationReason] = {
    F.MH_INSCRIT: M.R423_28_A_MH_INSCRIT,
    F.ERP: M.R423_28_B_ERP_IGH,
    F.IGH: M.R423_28_B_ERP_IGH,
    F.SPR: M.R423_24_C_SPR_ABORDS_MH,
    F.ABORDS_MH: M.R423_24_C_SPR_ABORDS_MH,
}


def unnotified_majorations(type_code: str, flags: frozenset[ExceptionFlag]) -> list[str]:
    """French notes, for a délai no majoration lengthens: the situations recorded that would
    justify one applicable to the type (the exception to the tacit grant still holds)."""
    by_reason: dict[MajorationReason, list[str]] = {}
    for flag, reason in _MAJORATION_OF.items():
        if flag in flags and reason.effect(type_code) is not None:
            by_reason.setdefault(reason, []).append(flag.label.lower())
    return [
        f"Situation relevée ({', '.join(labels)}) : sans majoration {reason.article} notifiée "
        "dans le mois du dépôt, le délai n'est pas majoré (R423-42 ; CE 24 oct. 2023 "
        "n°462511)."
        for reason, labels in by_reason.items()
    ]
