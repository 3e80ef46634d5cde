"""What each document says, built from plain facts (pure Python, no ORM).

Facts come from the dossier and the statutory clock; the officer writes only what is a judgement
(considérants, prescriptions, the missing pieces, a CU's answer): `Judgement`. Everything is
returned as strings already written in French, so the content can be stored as JSON on the
IssuedDocument and rendered again identically.

Structure of an arrêté (reference §3.8, §7.4): heading, "Le Maire…", visas, considérants,
ARRÊTE, numbered articles, place and date, signature block (CRPA L212-1), information annex.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from permits.decisions.facts import Author, DossierFacts, Opinion, Signatory
from permits.french import of_noun, of_place
from permits.models.documents import DocumentKind
from workflow.clock import (
    Consequence,
    ExceptionFlag,
    Facts,
    Majoration,
    MajorationReason,
    compute_deadlines,
    format_fr,
)
from workflow.clock.rules import CERTIFICATES, DECLARATIONS
from workflow.outcomes import (
    NEEDS_GROUNDS,
    NEGATIVE,
    WITH_PRESCRIPTIONS,
    Outcome,
    binding_opinion_conflict,
    express_outcomes,
)

O = Outcome  # noqa: E741 (as in workflow.outcomes)


class ContentError(ValueError):
    """The document cannot be issued as asked; the message is French, for the officer."""


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Content:
    """Everything printed on one document. `template` picks the template family."""

    kind: str  # DocumentKind value
    outcome: str  # Outcome value, "" for letters
    template: str
    commune: str
    title: str
    reference: str
    dossier_number: str
    dossier_type: str
    subject: str = ""
    author: str = ""
    recipient: tuple[str, ...] = ()
    visas: tuple[str, ...] = ()
    considerants: tuple[str, ...] = ()
    operative: str = ""  # "ARRÊTE", "CERTIFIE"
    articles: tuple[Section, ...] = ()
    body: tuple[str, ...] = ()
    date_text: str = ""  # "12 mars 2026"
    issued_on: str = ""  # ISO date
    signature: tuple[str, ...] = ()
    signed_by: str = ""  # "Camille MARTIN, Maire" for the "signé électroniquement" mention
    # "Commune d'Épinay-sur-Orge" when the commune's organisation seal, not a person, signs
    # (a letter issued by an officer's act: issuing.SEALED_KINDS); `signed_by` is then its author.
    seal: str = ""
    annex: tuple[Section, ...] = ()

    def as_dict(self) -> dict:
        """The content as plain data: what the template renders and the recorded hash covers."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Judgement:
    """What the officer writes for an express decision (L424-3: every ground of a refusal)."""

    outcome: Outcome
    considerants: tuple[str, ...] = ()
    prescriptions: tuple[str, ...] = ()
    sursis_until: date | None = None  # L424-1: at most 2 years (checked by the workflow)
    sursis_basis: str = ""  # "L153-11 (PLU en cours de révision)"
    cu_answers: tuple[str, ...] = ()  # CU: rules, equipment, feasibility (L410-1)


# --- shared pieces ---------------------------------------------------------------------------


def _object(facts: DossierFacts) -> str:
    """The project's description without its final stop, as it sits inside a sentence."""
    return (facts.description or "").strip().rstrip(" .;,") or "non précisé"


def _type_code(facts: DossierFacts) -> str:
    return facts.parent_procedure or facts.procedure


def _noun(type_code: str) -> str:
    return {
        "PCMI": "permis de construire",
        "PC": "permis de construire",
        "PA": "permis d'aménager",
        "PD": "permis de démolir",
        "DP": "déclaration préalable",
        "DPLT": "déclaration préalable",
        "CUA": "certificat d'urbanisme",
        "CUB": "certificat d'urbanisme",
    }.get(type_code, "demande")


def _site(facts: DossierFacts) -> str:
    """The address and parcels: 12 rue de la Gare, 91360 Épinay-sur-Orge, cadastré 91216…"""
    parts = [facts.site_address or "adresse non renseignée"]
    if facts.parcels:
        parts.append("cadastré " + ", ".join(facts.parcels))
    return ", ".join(parts)


def _applicants(facts: DossierFacts) -> str:
    return ", ".join(facts.applicants) or "le demandeur"


def signature_lines(signatory: Signatory) -> tuple[str, ...]:
    """§7.1: "Pour le Maire et par délégation, l'Adjoint(e)…, Prénom NOM" when a deputy signs."""
    if signatory.is_mayor:
        return ("Le Maire,", signatory.full_name)
    return (
        "Pour le Maire et par délégation,",
        f"{signatory.capacity},",
        signatory.full_name,
        f"(délégation de signature : {signatory.delegation})",
    )


def _signed_by(signatory: Signatory) -> str:
    return f"{signatory.full_name}, {signatory.capacity}"


def author_lines(author: Author, commune_name: str) -> tuple[str, ...]:
    """CRPA L212-1 and L212-2: a sealed letter names its author's first name, surname, capacity
    and service, legibly; "Pour le Maire" since the author acts in the mayor's name."""
    service = author.service or f"Mairie {of_place(commune_name)}"
    if author.is_mayor:
        return ("Le Maire,", author.full_name)
    if author.delegation:
        return (
            "Pour le Maire et par délégation,",
            f"{author.full_name},",
            f"{author.capacity}, {service}",
            f"(délégation de signature : {author.delegation})",
        )
    return ("Pour le Maire,", f"{author.full_name},", f"{author.capacity}, {service}")


def commune_organisation(commune_name: str) -> str:
    """The commune as a legal person, as its seal certificate and letters name it."""
    return f"Commune {of_place(commune_name)}"


def _signer_block(signer: Signatory | Author, commune_name: str) -> dict[str, object]:
    """The Content fields of the signature block: a person's own signature, or the commune's
    seal naming the letter's author."""
    if isinstance(signer, Author):
        return {
            "signature": author_lines(signer, commune_name),
            "signed_by": f"{signer.full_name}, {signer.capacity}",
            "seal": commune_organisation(commune_name),
        }
    return {"signature": signature_lines(signer), "signed_by": _signed_by(signer)}


def _considerant(text: str) -> str:
    text = text.strip()
    return text if text.lower().startswith("considérant") else f"Considérant {text}"


def _visas(facts: DossierFacts, type_code: str) -> tuple[str, ...]:
    visas = [
        f"Vu la demande de {facts.procedure_label.lower()} "
        f"(cerfa n° {facts.cerfa or 'non précisé'})"
        f" déposée le {format_fr(facts.filed)} par {_applicants(facts)}"
        + (f", demeurant {facts.applicant_address}" if facts.applicant_address else "")
        + f", enregistrée sous le numéro {facts.number} ;",
        f"Vu l'objet de la demande : {_object(facts)}, sur un terrain situé {_site(facts)} ;",
        "Vu les pièces du dossier ;",
    ]
    if facts.pieces_received:
        visas.append(
            f"Vu les pièces complémentaires demandées le {format_fr(facts.pieces_requested)} "
            f"et reçues le {format_fr(facts.pieces_received)} (articles R423-38 et R423-39) ;"
        )
    visas += [
        f"Vu la lettre du {format_fr(notified)} notifiant la majoration du délai d'instruction "
        f"({label[:1].lower()}{label[1:]}, article {article}) ;"
        for label, article, notified in facts.majorations
    ]
    if type_code in CERTIFICATES:
        visas.append(
            "Vu le code de l'urbanisme, notamment ses articles L410-1 et R410-1 et suivants ;"
        )
    elif type_code in DECLARATIONS:
        visas.append(
            "Vu le code de l'urbanisme, notamment ses articles L421-4, R421-9 et suivants, "
            "L424-1 et suivants et R424-1 et suivants ;"
        )
    else:
        visas.append(
            "Vu le code de l'urbanisme, notamment ses articles L421-1 et suivants, R421-1 et "
            "suivants, L424-1 et suivants et R424-1 et suivants ;"
        )
    visas.append(_planning_visa(facts.planning))
    visas += [f"Vu la servitude d'utilité publique {s} ;" for s in facts.servitudes]
    visas += [_opinion_visa(o) for o in facts.opinions if not o.pending]
    return tuple(visas)


_DOCUMENTS = {
    "PLU": ("le plan local d'urbanisme", "approuvé"),
    "PLUi": ("le plan local d'urbanisme intercommunal", "approuvé"),
    "POS": ("le plan d'occupation des sols", "approuvé"),
    "PSMV": ("le plan de sauvegarde et de mise en valeur", "approuvé"),
    "carte communale": ("la carte communale", "approuvée"),
}


def _planning_visa(plan) -> str:
    """The planning document in force, its approval and changes, and the zones crossed
    (reference §3.8 item 2, §5.4); the RNU where the commune has none (L111-1)."""
    if plan.kind == "RNU":
        return (
            "Vu le règlement national d'urbanisme (articles L111-1 et R111-1 et suivants du code "
            "de l'urbanisme), la commune n'étant pas couverte par un document d'urbanisme ;"
        )
    name, approved = _DOCUMENTS.get(plan.kind, (plan.kind, "approuvé"))
    text = f"Vu {name}"
    if plan.approved:
        text += f" {approved} le {format_fr(plan.approved)}"
    if plan.changes:
        text += ", " + ", ".join(plan.changes)
    many = len(plan.zones) > 1
    if plan.zones and plan.kind == "carte communale":  # sectors, under the RNU's rules
        text += f", le terrain étant situé dans {'les secteurs' if many else 'le secteur'} "
        text += _and(plan.zones)
    elif plan.zones:
        text += f", et le règlement {'des zones' if many else 'de la zone'} {_and(plan.zones)}"
    return text + " ;"


def _and(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


_SENSES = {
    "favourable": "l'avis favorable",
    "with_prescriptions": "l'avis favorable assorti de prescriptions",
    "unfavourable": "l'avis défavorable",
}
# An avis conforme is an accord or a refusal of accord (L632-2 code du patrimoine).
_ACCORDS = {
    "favourable": "l'accord",
    "with_prescriptions": "l'accord assorti de prescriptions",
    "unfavourable": "le refus d'accord",
}


def _opinion_visa(opinion: Opinion) -> str:
    """Each consultation with its date and sense, express or tacit (§3.6, §3.8)."""
    if opinion.tacit:
        refused = opinion.opinion == "tacit_unfavourable"
        if opinion.binding:
            sense, article = ("le refus d'accord" if refused else "l'accord"), "R423-67"
        else:
            sense, article = ("l'avis défavorable" if refused else "l'avis favorable"), "R423-59"
        given = f" le {format_fr(opinion.on)}" if opinion.on else ""
        return (
            f"Vu {sense} tacite {of_noun(opinion.service)}, né{given} du silence gardé dans le "
            f"délai de consultation (article {article}) ;"
        )
    sense = (_ACCORDS if opinion.binding else _SENSES)[opinion.opinion]
    return f"Vu {sense} {of_noun(opinion.service)} du {format_fr(opinion.on)} ;"


def _abf_considerants(facts: DossierFacts) -> tuple[str, ...]:
    """An avis conforme binds the decision (L632-2 code du patrimoine): the act says so."""
    out = []
    for o in facts.opinions:
        if not o.binding or o.pending:
            continue
        if o.refused:
            out.append(
                f"Considérant que {o.service} a refusé de donner son accord au projet, et que "
                "l'autorité compétente est tenue de refuser l'autorisation (article L632-2 du code "
                "du patrimoine, article R425-1 du code de l'urbanisme)"
            )
        elif o.opinion == "with_prescriptions":
            out.append(
                f"Considérant que {o.service} a donné son accord au projet sous réserve de "
                "prescriptions, que la décision doit imposer (article L632-2 du code du "
                "patrimoine)"
            )
    return tuple(out)


def _numbered(paragraph_lists: list[tuple[str, ...]]) -> tuple[Section, ...]:
    return tuple(
        Section("Article 1er" if i == 1 else f"Article {i}", paragraphs)
        for i, paragraphs in enumerate(paragraph_lists, start=1)
    )


# --- the information annex (§3.8 item 6, §7.4 item 6) ----------------------------------------

_APPLICANT_APPEAL = Section(
    "Délais et voies de recours",
    (
        "Si vous entendez contester la présente décision, vous pouvez saisir le tribunal "
        "administratif compétent d'un recours contentieux dans les deux mois à partir de sa "
        "notification (articles R421-1 et R421-5 du code de justice administrative). Le tribunal "
        "peut être saisi par l'application « Télérecours citoyens » (www.telerecours.fr).",
        "Vous pouvez également saisir l'auteur de la décision d'un recours gracieux dans le délai "
        "d'un mois ; ce recours ne prolonge pas le délai du recours contentieux "
        "(article L600-12-2 du code de l'urbanisme).",
    ),
)
_THIRD_PARTY_APPEAL = Section(
    "Recours des tiers",
    (
        "Les tiers peuvent contester l'autorisation dans les deux mois à compter du premier jour "
        "d'une période continue de deux mois d'affichage sur le terrain (article R600-2 du code "
        "de l'urbanisme). Tout recours administratif ou contentieux doit, à peine "
        "d'irrecevabilité, être notifié à l'auteur de la décision et au bénéficiaire par lettre "
        "recommandée avec accusé de réception dans les quinze jours francs de son dépôt "
        "(article R600-1).",
    ),
)
_WORKS = Section(
    "Ouverture et achèvement des travaux",
    (
        "Le bénéficiaire adresse à la mairie une déclaration d'ouverture de chantier "
        "(cerfa n° 13407) au commencement des travaux (article R424-16), puis une "
        "déclaration attestant l'achèvement et la conformité des travaux (cerfa n° 13408) à "
        "leur achèvement (article R462-1). L'administration dispose alors de trois mois, "
        "portés à cinq mois lorsque le récolement est obligatoire, pour contester la "
        "conformité (articles R462-6 et R462-7).",
    ),
)
_WORKS_DECLARATION = Section(
    "Achèvement des travaux",
    (
        "À l'achèvement des travaux, le déclarant adresse à la mairie une déclaration attestant "
        "leur achèvement et leur conformité (cerfa n° 13408, article R462-1). L'administration "
        "dispose alors de trois mois, portés à cinq mois lorsque le récolement est obligatoire, "
        "pour contester la conformité (articles R462-6 et R462-7).",
    ),
)
_INSURANCE = Section(
    "Assurance dommages-ouvrage",
    (
        "Avant l'ouverture du chantier, le maître de l'ouvrage qui fait réaliser des travaux de "
        "construction doit souscrire une assurance de dommages-ouvrage, garantissant la "
        "réparation des désordres relevant de la garantie décennale (article L242-1 du code des "
        "assurances).",
    ),
)
_ARCHAEOLOGY = Section(
    "Archéologie préventive",
    (
        "Le terrain est situé dans une zone où des prescriptions d'archéologie préventive "
        "peuvent être imposées : les travaux ne peuvent être entrepris avant l'exécution de ces "
        "prescriptions (article L425-11 du code de l'urbanisme, articles L522-5 et R523-4 du "
        "code du patrimoine). Toute découverte fortuite doit être déclarée immédiatement au "
        "maire (article L531-14 du code du patrimoine).",
    ),
)
_ABF_APPEAL = Section(
    "Recours contre le refus d'accord de l'architecte des Bâtiments de France",
    (
        "La présente décision étant fondée sur le refus d'accord de l'architecte des Bâtiments "
        "de France, tout recours contentieux doit être précédé d'un recours administratif "
        "adressé au préfet de région par lettre recommandée avec accusé de réception, dans le "
        "délai de deux mois à compter de sa notification ; le silence gardé pendant deux mois "
        "vaut confirmation du refus (article R424-14 du code de l'urbanisme).",
    ),
)
# Before and after the works' section, which depends on the procedure.
_GRANT_ANNEX = (
    Section(
        "Caractère exécutoire",
        (
            "La présente décision est exécutoire à compter de la plus tardive des deux dates "
            "suivantes : sa notification au bénéficiaire et sa transmission au représentant de "
            "l'État, effectuée dans les quinze jours de sa signature (article L424-7 du code de "
            "l'urbanisme, articles L2131-1 et L2131-2 du code général des collectivités "
            "territoriales).",
        ),
    ),
    _APPLICANT_APPEAL,
    _THIRD_PARTY_APPEAL,
    Section(
        "Durée de validité",
        (
            "L'autorisation est périmée si les travaux ne sont pas entrepris dans le délai de "
            "trois ans à compter de sa notification, ou si, passé ce délai, les travaux sont "
            "interrompus pendant plus d'un an (article R424-17).",
            "Elle peut être prorogée deux fois pour une durée d'un an, sur demande présentée deux "
            "mois au moins avant l'expiration du délai de validité (articles R424-21 à R424-23).",
        ),
    ),
    Section(
        "Affichage",
        (
            "Mention de l'autorisation doit être affichée sur le terrain, de manière visible "
            "depuis la voie publique, dès sa notification et pendant toute la durée du chantier, "
            "sur un panneau rectangulaire dont les dimensions sont supérieures à 80 centimètres "
            "(article R424-15, articles A424-15 à A424-19). Le panneau indique le nom du "
            "bénéficiaire, la date et le numéro de l'autorisation, la nature du projet, la "
            "superficie du terrain, l'adresse de la mairie où le dossier peut être consulté, et "
            "les mentions relatives aux recours.",
        ),
    ),
)
_GRANT_ANNEX_END = (
    Section(
        "Retrait",
        (
            "L'autorisation ne peut être retirée que si elle est illégale et dans le délai de "
            "trois mois suivant sa date ; passé ce délai, elle ne peut l'être qu'à la demande "
            "explicite de son bénéficiaire (article L424-5).",
        ),
    ),
    Section(
        "Droit des tiers",
        (
            "La présente autorisation est délivrée sous réserve du droit des tiers : elle "
            "vérifie la conformité du projet aux règles d'urbanisme, non le respect des règles "
            "de droit privé (servitudes de droit privé, règles de copropriété, cahier des "
            "charges de lotissement).",
        ),
    ),
)


def _creates_taxable(facts: DossierFacts) -> bool:
    """Floor area or dwellings created make the taxe d'aménagement due (L331-1 code de
    l'urbanisme, since 2022 articles 1635 quater A ff. of the code général des impôts)."""
    return bool(facts.floor_area_created_m2) or bool(facts.dwellings_created)


def _taxes(facts: DossierFacts) -> tuple[str, ...]:
    created = []
    if facts.floor_area_created_m2:
        created.append(f"{facts.floor_area_created_m2} m² de surface de plancher")
    if facts.dwellings_created:
        n = facts.dwellings_created
        created.append(f"{n} logement{'s' if n > 1 else ''}")
    return (
        f"Le projet, qui crée {_and(created)}, est assujetti, sauf exonération, à la taxe "
        "d'aménagement et, le cas échéant, à la redevance d'archéologie préventive (articles "
        "1635 quater A et suivants du code général des impôts, article L524-2 du code du "
        "patrimoine) ; leur montant est communiqué au bénéficiaire par l'administration "
        "fiscale, sur la base de la déclaration qu'il dépose après l'achèvement des travaux.",
    )


_NEGATIVE_ANNEX = (
    Section(
        "Caractère exécutoire",
        ("La présente décision produit ses effets dès sa notification au demandeur.",),
    ),
    _APPLICANT_APPEAL,
)
_SURSIS_ANNEX = (
    Section(
        "Fin du sursis",
        (
            "À l'expiration du sursis, le demandeur peut confirmer sa demande dans le délai de "
            "deux mois ; l'autorité compétente statue alors dans le délai de deux mois suivant "
            "cette confirmation, faute de quoi l'autorisation est tacitement accordée "
            "(article L424-1 du code de l'urbanisme).",
        ),
    ),
    _APPLICANT_APPEAL,
)
_CU_ANNEX = (
    Section(
        "Durée de validité",
        (
            "Le certificat d'urbanisme a une durée de validité de dix-huit mois : si une demande "
            "d'autorisation est déposée dans ce délai, les dispositions d'urbanisme, le régime des "
            "taxes et participations et les limitations administratives au droit de propriété "
            "mentionnés ne peuvent être remis en cause (article L410-1). Il peut être prorogé par "
            "périodes d'une année, sur demande présentée deux mois au moins avant l'expiration du "
            "délai de validité (article R410-17).",
            "Le certificat d'urbanisme ne vaut pas autorisation de construire.",
        ),
    ),
    _APPLICANT_APPEAL,
)


# --- express decisions -----------------------------------------------------------------------


def _decision_title(outcome: Outcome, type_code: str) -> tuple[str, str, str]:
    """(title, operative word, template family) for an outcome."""
    noun = _noun(type_code)
    titles = {
        O.GRANT: (f"Arrêté accordant un {noun}", "ARRÊTE", "grant"),
        O.GRANT_WITH_PRESCRIPTIONS: (
            f"Arrêté accordant un {noun} avec prescriptions",
            "ARRÊTE",
            "grant",
        ),
        O.REFUSAL: (f"Arrêté refusant un {noun}", "ARRÊTE", "refusal"),
        O.NON_OPPOSITION: (
            "Arrêté de non-opposition à une déclaration préalable",
            "ARRÊTE",
            "grant",
        ),
        O.NON_OPPOSITION_WITH_PRESCRIPTIONS: (
            "Arrêté de non-opposition à une déclaration préalable avec prescriptions",
            "ARRÊTE",
            "grant",
        ),
        O.OPPOSITION: ("Arrêté d'opposition à une déclaration préalable", "ARRÊTE", "refusal"),
        O.SURSIS_A_STATUER: (
            f"Arrêté de sursis à statuer sur une demande de {noun}",
            "ARRÊTE",
            "sursis",
        ),
        O.CU_DELIVERED: (
            "Certificat d'urbanisme d'information (article L410-1 a)",
            "CERTIFIE",
            "cu",
        ),
        O.CU_POSITIVE: (
            "Certificat d'urbanisme opérationnel (article L410-1 b) : opération réalisable",
            "CERTIFIE",
            "cu",
        ),
        O.CU_NEGATIVE: (
            "Certificat d'urbanisme opérationnel (article L410-1 b) : opération non réalisable",
            "CERTIFIE",
            "cu",
        ),
    }
    return titles[outcome]


def _imposed_prescriptions(facts: DossierFacts) -> tuple[str, ...]:
    """Prescriptions of the opinions, reproduced in the act (§7.4 item 4); those of an avis
    conforme are imposed (L632-2 code du patrimoine)."""
    return tuple(
        f"{p.strip().rstrip('.')} (prescription {of_noun(o.service)}, reproduite)."
        for o in facts.opinions
        if o.opinion == "with_prescriptions"
        for p in o.prescriptions
    )


def _check_judgement(facts: DossierFacts, judgement: Judgement, type_code: str) -> None:
    outcome = judgement.outcome
    if outcome not in express_outcomes(type_code):
        raise ContentError(
            f"La décision « {outcome.label} » n'est pas ouverte à ce type de dossier."
        )
    conflict = binding_opinion_conflict(
        outcome, [(o.service, o.opinion) for o in facts.opinions if o.binding]
    )
    if conflict:
        raise ContentError(conflict)
    imposed = outcome in WITH_PRESCRIPTIONS and any(
        o.binding and o.prescriptions for o in facts.opinions
    )
    if outcome in NEEDS_GROUNDS and not judgement.considerants and not imposed:
        raise ContentError(
            "Cette décision doit être motivée : indiquez tous ses motifs (article L424-3)."
        )
    if outcome in WITH_PRESCRIPTIONS and not (judgement.prescriptions or imposed):
        raise ContentError("Indiquez les prescriptions dont la décision est assortie.")
    if outcome == O.SURSIS_A_STATUER and judgement.sursis_until is None:
        raise ContentError("Indiquez la durée du sursis à statuer (article L424-1).")


def _decision_articles(facts: DossierFacts, judgement: Judgement, type_code: str):
    outcome = judgement.outcome
    noun = _noun(type_code)
    articles: list[tuple[str, ...]] = []
    if outcome in (O.GRANT, O.GRANT_WITH_PRESCRIPTIONS):
        main = f"Le {noun} est ACCORDÉ pour le projet décrit dans la demande susvisée"
        main += (
            ", sous réserve du respect des prescriptions mentionnées à l'article 2."
            if outcome in WITH_PRESCRIPTIONS
            else "."
        )
        articles.append((main,))
    elif outcome in (O.NON_OPPOSITION, O.NON_OPPOSITION_WITH_PRESCRIPTIONS):
        main = "Il n'est pas fait opposition à la déclaration préalable susvisée"
        main += (
            ", sous réserve du respect des prescriptions mentionnées à l'article 2."
            if outcome in WITH_PRESCRIPTIONS
            else "."
        )
        articles.append((main,))
    elif outcome == O.REFUSAL:
        articles.append(
            (
                f"Le {noun} est REFUSÉ pour l'ensemble des motifs exposés ci-dessus "
                f"(article L424-3).",
            )
        )
    elif outcome == O.OPPOSITION:
        articles.append(
            (
                "Il est fait opposition à la déclaration préalable susvisée pour l'ensemble des "
                "motifs exposés ci-dessus (article L424-3).",
            )
        )
    elif outcome == O.SURSIS_A_STATUER:
        basis = f" ({judgement.sursis_basis})" if judgement.sursis_basis else ""
        articles.append(
            (
                f"Il est sursis à statuer sur la demande susvisée jusqu'au "
                f"{format_fr(judgement.sursis_until)}{basis} (article L424-1).",
            )
        )
    elif outcome in (O.CU_DELIVERED, O.CU_POSITIVE, O.CU_NEGATIVE):
        plan = facts.planning
        if plan.kind == "RNU":
            rules = "Le terrain est soumis au règlement national d'urbanisme."
        else:
            document = _DOCUMENTS.get(plan.kind, (plan.kind,))[0]
            rules = f"Le terrain est soumis aux dispositions {of_noun(document)}"
            if plan.zones:
                area = "secteur" if plan.kind == "carte communale" else "zone"
                rules += f", {area}{'s' if len(plan.zones) > 1 else ''} {_and(plan.zones)}"
            rules += "."
        articles.append((rules,))
        servitudes = facts.servitudes or ("aucune servitude d'utilité publique n'est recensée",)
        articles.append(("Servitudes d'utilité publique : " + " ; ".join(servitudes) + ".",))
        if outcome == O.CU_POSITIVE:
            articles.append(
                ("Le terrain peut être utilisé pour la réalisation de l'opération projetée.",)
            )
        elif outcome == O.CU_NEGATIVE:
            articles.append(
                (
                    "Le terrain ne peut pas être utilisé pour la réalisation de l'opération "
                    "projetée, pour les motifs exposés ci-dessus.",
                )
            )
        if judgement.cu_answers:
            articles.append(judgement.cu_answers)
    if outcome in WITH_PRESCRIPTIONS:
        articles.append(tuple(judgement.prescriptions) + _imposed_prescriptions(facts))
    if type_code == "PD" and outcome in (O.GRANT, O.GRANT_WITH_PRESCRIPTIONS):
        articles.append(
            (
                "Les travaux de démolition ne peuvent être entrepris qu'à l'expiration d'un délai "
                "de quinze jours à compter de la date à laquelle le permis est exécutoire "
                "(article R452-1).",
            )
        )
    if outcome not in (*NEGATIVE, O.SURSIS_A_STATUER) and _creates_taxable(facts):
        articles.append(_taxes(facts))
    articles.append(
        (
            "Le présent arrêté est notifié au demandeur et, s'il y a lieu, transmis au "
            "représentant de l'État dans les conditions prévues aux articles L2131-1 et L2131-2 "
            "du code général des collectivités territoriales.",
        )
    )
    return _numbered(articles)


def _annex(facts: DossierFacts, outcome: Outcome, type_code: str) -> tuple[Section, ...]:
    """Every mention the act carries (§3.8 item 6, §7.4 item 6; docs/acts.md)."""
    if outcome in (O.CU_DELIVERED, O.CU_POSITIVE, O.CU_NEGATIVE):
        return _CU_ANNEX
    if outcome in (O.REFUSAL, O.OPPOSITION):
        abf_refused = any(o.binding and o.refused for o in facts.opinions)
        return _NEGATIVE_ANNEX + ((_ABF_APPEAL,) if abf_refused else ())
    if outcome == O.SURSIS_A_STATUER:
        return _SURSIS_ANNEX
    # A DOC is due for a permit, not for a declaration (R424-16, §8.5).
    works = _WORKS_DECLARATION if type_code in DECLARATIONS else _WORKS
    return (
        *_GRANT_ANNEX,
        works,
        *_GRANT_ANNEX_END,
        *((_INSURANCE,) if type_code != "PD" else ()),  # a demolition builds nothing to insure
        *((_ARCHAEOLOGY,) if facts.archaeology else ()),
    )


def decision_content(
    facts: DossierFacts,
    judgement: Judgement,
    signatory: Signatory,
    *,
    reference: str,
    issued_on: date,
) -> Content:
    """The arrêté (or CU) for an express decision."""
    type_code = _type_code(facts)
    _check_judgement(facts, judgement, type_code)
    outcome = Outcome(judgement.outcome)
    title, operative, family = _decision_title(outcome, type_code)
    return Content(
        kind=DocumentKind.DECISION.value,
        outcome=outcome.value,
        template=f"permits/documents/decision_{family}.html",
        commune=facts.commune_name,
        title=title,
        reference=reference,
        dossier_number=facts.number,
        dossier_type=facts.procedure_label,
        subject=f"{_object(facts) if facts.description else facts.procedure_label}, {_site(facts)}",
        author=f"Le Maire de la commune {of_place(facts.commune_name)},",
        recipient=postal_block(_applicants(facts), facts.applicant_address),  # posted: R424-10
        visas=_visas(facts, type_code),
        considerants=tuple(_considerant(c) for c in judgement.considerants)
        + _abf_considerants(facts),
        operative=operative,
        articles=_decision_articles(facts, judgement, type_code),
        date_text=format_fr(issued_on),
        issued_on=issued_on.isoformat(),
        signature=signature_lines(signatory),
        signed_by=_signed_by(signatory),
        annex=_annex(facts, outcome, type_code),
    )


# --- letters and certificates (§3.1, §3.4, §3.5, §3.7, §3.14) --------------------------------


def _clock(facts: DossierFacts, **extra) -> dict[str, object]:
    clock_facts = Facts(
        procedure=facts.procedure,
        filed=facts.filed,
        parent_procedure=facts.parent_procedure,
        **extra,
    )
    return {d.name: d for d in compute_deadlines(clock_facts)}


def _letter(
    facts: DossierFacts,
    signatory: Signatory | Author,
    *,
    kind: DocumentKind,
    reference: str,
    issued_on: date,
    title: str,
    subject: str,
    body: tuple[str, ...],
    template: str = "permits/documents/letter.html",
    operative: str = "",
) -> Content:
    return Content(
        kind=kind.value,
        outcome="",
        template=template,
        commune=facts.commune_name,
        title=title,
        reference=reference,
        dossier_number=facts.number,
        dossier_type=facts.procedure_label,
        subject=subject,
        author=f"Le Maire de la commune {of_place(facts.commune_name)},",
        recipient=postal_block(_applicants(facts), facts.applicant_address),
        operative=operative,
        body=body,
        date_text=format_fr(issued_on),
        issued_on=issued_on.isoformat(),
        **_signer_block(signatory, facts.commune_name),
    )


def postal_block(name: str, address: str) -> tuple[str, ...]:
    """The address lines for a window envelope, for those who stay on paper (issue 23): the
    name, the street, then "postcode LOCALITY" in capitals, its own line as La Poste reads it."""
    if not address:
        return (name,)
    street, _, town = address.rpartition(", ")
    return tuple(filter(None, (name, street, town.upper())))


def _silence_sentence(consequence: Consequence) -> str:
    if consequence in (Consequence.TACIT_REFUSAL, Consequence.TACIT_OPPOSITION):
        return f"vous serez réputé avoir reçu une décision de rejet ({consequence.label})"
    return f"vous bénéficierez d'une décision tacite : {consequence.label}"


def recepisse_content(
    facts: DossierFacts,
    signatory: Signatory,
    *,
    reference: str,
    issued_on: date,
    flags: frozenset[ExceptionFlag] = frozenset(),
    claim_code: str = "",
) -> Content:
    """R423-3 to R423-5: number, the date of the tacit decision and its outcome, and the warning
    that a pieces request or a longer délai within one month replaces that date. A dossier
    registered at the counter carries its claim code (permits.counter)."""
    deadlines = _clock(facts, flags=flags)
    tacit = deadlines.get("tacit_decision")
    body = [
        f"Votre demande de {facts.procedure_label.lower()} a été reçue le "
        f"{format_fr(facts.filed)}. Elle est enregistrée sous le numéro {facts.number}, à "
        f"rappeler dans toute correspondance (article R423-3).",
    ]
    if tacit is not None:
        last = deadlines["instruction_end"].date
        body.append(
            f"Si aucune décision ne vous a été notifiée au plus tard le {format_fr(last)}, "
            f"{_silence_sentence(tacit.consequence)} le {format_fr(tacit.date)} "
            f"(articles R423-4, {tacit.basis})."
        )
    if "completeness_deadline" in deadlines:
        body.append(
            "Dans le délai d'un mois à compter du dépôt, l'administration peut vous demander "
            "les pièces manquantes à votre dossier, ou vous notifier un délai d'instruction "
            "différent : la date indiquée ci-dessus ne s'appliquera alors plus (article R423-5)."
        )
    if claim_code:
        body.append(
            f"Pour suivre ce dossier en ligne, identifiez-vous sur le site de la commune "
            f"(FranceConnect ou courriel), choisissez « Suivre un dossier déposé en mairie » et "
            f"saisissez le code de suivi {claim_code}. Vous pourrez alors accepter de recevoir "
            f"les courriers et la décision par voie électronique. Ce code ne sert qu'une fois."
        )
    return _letter(
        facts,
        signatory,
        kind=DocumentKind.RECEPISSE,
        reference=reference,
        issued_on=issued_on,
        title="Récépissé de dépôt",
        subject=f"Dépôt d'une demande de {facts.procedure_label.lower()}",
        body=tuple(body),
    )


def pieces_request_content(
    facts: DossierFacts,
    signatory: Signatory,
    missing_pieces: tuple[str, ...],
    *,
    reference: str,
    issued_on: date,
) -> Content:
    """R423-38/R423-39: one exhaustive request. The month of R423-41 is the state machine's
    guard (`Instruction.pieces_request_refusal`), passed before this letter is issued."""
    if not missing_pieces:
        raise ContentError("Indiquez la liste exhaustive des pièces manquantes (article R423-38).")
    if "completeness_deadline" not in _clock(facts):
        raise ContentError("Ce type de demande ne donne pas lieu à une demande de pièces.")
    negative = (
        "une décision tacite d'opposition"
        if _type_code(facts) in DECLARATIONS
        else "une décision tacite de rejet"
    )
    body = (
        f"L'examen de votre demande enregistrée sous le numéro {facts.number}, déposée le "
        f"{format_fr(facts.filed)}, montre que le dossier est incomplet. Les pièces suivantes "
        f"doivent être produites (liste exhaustive, article R423-38) :",
        *(f"– {piece}" for piece in missing_pieces),
        "Vous disposez d'un délai de trois mois à compter de la réception de la présente lettre "
        "pour faire parvenir l'intégralité des pièces manquantes à la mairie (article R423-39 a).",
        f"À défaut de production de l'ensemble de ces pièces dans ce délai, votre demande fera "
        f"l'objet d'{negative} (article R423-39 b).",
        "Le délai d'instruction de votre dossier ne commencera à courir qu'à compter de la "
        "réception des pièces manquantes (article R423-39 c).",
    )
    return _letter(
        facts,
        signatory,
        kind=DocumentKind.PIECES_REQUEST,
        reference=reference,
        issued_on=issued_on,
        title="Demande de pièces manquantes",
        subject=f"Dossier incomplet – {facts.procedure_label.lower()} n° {facts.number}",
        body=body,
    )


def majoration_content(
    facts: DossierFacts,
    signatory: Signatory,
    reasons: tuple[MajorationReason, ...],
    *,
    reference: str,
    issued_on: date,
    flags: frozenset[ExceptionFlag] = frozenset(),
) -> Content:
    """R423-42/R423-43: the new délai, its reasons and, where silence means rejection, that
    warning. The month to notify it (R423-42) is the state machine's guard
    (`Instruction.notify_majoration`), passed before this letter is issued."""
    if not reasons:
        raise ContentError("Indiquez le ou les motifs de la majoration du délai.")
    if "majoration_notice_deadline" not in _clock(facts):
        raise ContentError("Ce type de demande ne donne pas lieu à majoration du délai.")
    majorations = tuple(Majoration(r, notified=issued_on) for r in reasons)
    deadlines = _clock(facts, majorations=majorations, flags=flags)
    end, tacit = deadlines["instruction_end"], deadlines["tacit_decision"]
    body = [
        f"Votre demande enregistrée sous le numéro {facts.number}, déposée le "
        f"{format_fr(facts.filed)}, fait l'objet d'une majoration du délai d'instruction pour "
        f"le ou les motifs suivants :",
        *(f"– {r.label} (article {r.article})" for r in reasons),
        f"Le délai d'instruction expire en conséquence le {format_fr(end.date)} "
        f"(articles {end.basis}).",
        f"Si aucune décision ne vous a été notifiée à cette date, "
        f"{_silence_sentence(tacit.consequence)} le {format_fr(tacit.date)} "
        f"(article {tacit.basis}).",
        "Cette lettre remplace la date de décision tacite indiquée dans le récépissé de dépôt "
        "(articles R423-42 et R423-43).",
    ]
    if tacit.consequence is Consequence.TACIT_REFUSAL:
        body.append(
            "Attention : en raison de la nature du projet, le silence gardé à l'expiration du "
            "délai vaudra décision implicite de rejet (articles R423-42 c et R424-2)."
        )
    return _letter(
        facts,
        signatory,
        kind=DocumentKind.MAJORATION,
        reference=reference,
        issued_on=issued_on,
        title="Notification de majoration du délai d'instruction",
        subject=f"Délai d'instruction – dossier n° {facts.number}",
        body=tuple(body),
    )


def tacit_certificate_content(
    facts: DossierFacts,
    signatory: Signatory,
    *,
    reference: str,
    issued_on: date,
    flags: frozenset[ExceptionFlag] = frozenset(),
) -> Content:
    """R424-13: on request, a certificate stating the date of the tacit decision (that one
    exists is the state machine's answer: `Instruction.tacit_certificate_refusal`)."""
    deadlines = _clock(
        facts,
        flags=flags,
        pieces_requested=facts.pieces_requested,
        pieces_received=facts.pieces_received,
    )
    tacit = deadlines.get("tacit_decision")
    if tacit is None or tacit.consequence in (
        Consequence.TACIT_REFUSAL,
        Consequence.TACIT_OPPOSITION,
    ):
        raise ContentError(
            "Aucune décision tacite favorable ne peut être certifiée pour ce dossier."
        )
    body = (
        f"qu'aucune décision expresse n'a été notifiée dans le délai d'instruction de la demande "
        f"de {facts.procedure_label.lower()} déposée le {format_fr(facts.filed)} par "
        f"{_applicants(facts)} et enregistrée sous le numéro {facts.number}, portant sur : "
        f"{_object(facts)}, sur un terrain situé {_site(facts)} ;",
        f"qu'en conséquence le demandeur est titulaire d'une décision tacite "
        f"({tacit.consequence.label}) "
        f"née le {format_fr(tacit.date)} (articles {tacit.basis} et R424-13 du code de "
        f"l'urbanisme).",
    )
    return _letter(
        facts,
        signatory,
        kind=DocumentKind.TACIT_CERTIFICATE,
        reference=reference,
        issued_on=issued_on,
        title="Certificat de décision tacite",
        subject=f"Dossier n° {facts.number}",
        body=body,
        template="permits/documents/certificate.html",
        operative="CERTIFIE",
    )


def conformity_attestation_content(
    facts: DossierFacts,
    signatory: Signatory,
    *,
    daact_received: date,
    reference: str,
    issued_on: date,
    flags: frozenset[ExceptionFlag] = frozenset(),
) -> Content:
    """R462-10: once the R462-6/R462-7 window has passed without contest, an attestation (the
    state machine says so: the dossier is `conform`, reached by `close_conformity_window`)."""
    window = _clock(facts, daact_received=daact_received, flags=flags).get(
        "conformity_contest_deadline"
    )
    if window is None:
        raise ContentError("Ce dossier ne donne pas lieu à une attestation de conformité.")
    body = (
        f"que la déclaration attestant l'achèvement et la conformité des travaux réalisés en "
        f"vertu de l'autorisation n° {facts.number}, sur un terrain situé {_site(facts)}, a été "
        f"reçue en mairie le {format_fr(daact_received)} ;",
        f"que la conformité des travaux n'a pas été contestée dans le délai qui expirait le "
        f"{format_fr(window.date)} (articles {window.basis}), et qu'elle ne peut plus l'être "
        f"(article R462-10 du code de l'urbanisme).",
    )
    return _letter(
        facts,
        signatory,
        kind=DocumentKind.CONFORMITY_ATTESTATION,
        reference=reference,
        issued_on=issued_on,
        title="Attestation de non-contestation de la conformité des travaux",
        subject=f"Autorisation n° {facts.number}",
        body=body,
        template="permits/documents/certificate.html",
        operative="ATTESTE",
    )


# --- after the decision: retrait (§3.12) and conformity (§3.14) -------------------------------


def _granted(facts: DossierFacts, decision_date: date, tacit: bool) -> tuple[str, str, bool]:
    """(what was granted, with its number and date; its short name; feminine?) for retrait."""
    how = "tacitement " if tacit else ""
    if _type_code(facts) in DECLARATIONS:
        return (
            f"la décision de non-opposition {how}née le {format_fr(decision_date)} sur la "
            f"déclaration préalable n° {facts.number}",
            "décision de non-opposition à une déclaration préalable",
            True,
        )
    noun = _noun(_type_code(facts))
    return f"le {noun} n° {facts.number} {how}accordé le {format_fr(decision_date)}", noun, False


def _decision_phrase(facts: DossierFacts, decision_date: date, tacit: bool) -> str:
    return _granted(facts, decision_date, tacit)[0]


def retrait_notice_content(
    facts: DossierFacts,
    signatory: Signatory,
    grounds: tuple[str, ...],
    *,
    decision_date: date,
    tacit: bool = False,
    retrait_deadline: date,
    reply_until: date,
    reference: str,
    issued_on: date,
) -> Content:
    """CRPA L121-1 and L122-1: before withdrawing a decision that created rights, the holder is
    told of the intended retrait and its grounds and may answer in writing (or orally on
    request), assisted or represented. L424-5: only an illegal decision, within the window
    that ends on `retrait_deadline` (the state machine's guard, `Instruction.retrait_refusal`,
    passed before this letter is issued)."""
    grounds = tuple(g.strip() for g in grounds if g and g.strip())
    if not grounds:
        raise ContentError("Indiquez les motifs d'illégalité qui justifieraient le retrait.")
    body = (
        f"J'envisage de retirer {_decision_phrase(facts, decision_date, tacit)}, portant sur : "
        f"{_object(facts)}, sur un terrain situé {_site(facts)}.",
        "Cette décision paraît en effet illégale pour le ou les motifs suivants :",
        *(f"– {g}" for g in grounds),
        f"Une autorisation d'urbanisme ne peut être retirée que si elle est illégale et dans le "
        f"délai de trois mois suivant sa date, soit au plus tard le "
        f"{format_fr(retrait_deadline)} (article L424-5 du code de l'urbanisme).",
        f"Conformément aux articles L121-1 et L122-1 du code des relations entre le public et "
        f"l'administration, vous pouvez présenter vos observations écrites jusqu'au "
        f"{format_fr(reply_until)} inclus, par la messagerie de votre dossier en ligne ou par "
        f"courrier adressé à la mairie, et, sur votre demande, des observations orales. Vous "
        f"pouvez vous faire assister par un conseil ou représenter par un mandataire de votre "
        f"choix.",
        "Aucune décision de retrait ne sera prise avant l'expiration de ce délai ; vos "
        "observations seront examinées avant toute décision.",
    )
    return _letter(
        facts,
        signatory,
        kind=DocumentKind.RETRAIT_NOTICE,
        reference=reference,
        issued_on=issued_on,
        title="Lettre préalable au retrait d'une autorisation d'urbanisme",
        subject=f"Procédure contradictoire préalable au retrait – dossier n° {facts.number}",
        body=body,
    )


def retrait_content(
    facts: DossierFacts,
    signatory: Signatory,
    reason: str,
    *,
    decision_date: date,
    tacit: bool = False,
    retrait_deadline: date,
    letter_on: date,
    observations_received: bool,
    reference: str,
    issued_on: date,
) -> Content:
    """The arrêté de retrait (L424-5): motivated (CRPA L211-2), after the contradictory step
    (CRPA L121-1, L122-1), within the window ending on `retrait_deadline` (the state machine's
    guard, `Instruction.retrait_refusal`); notified and transmitted like the decision it
    withdraws (CGCT L2131-2)."""
    reason = (reason or "").strip()
    if not reason:
        raise ContentError("Indiquez le motif d'illégalité justifiant le retrait.")
    type_code = _type_code(facts)
    decision, noun, feminine = _granted(facts, decision_date, tacit)
    visas = (
        *_visas(facts, type_code),
        f"Vu {decision} ;",
        "Vu l'article L424-5 du code de l'urbanisme ;",
        "Vu le code des relations entre le public et l'administration, notamment ses articles "
        "L121-1, L122-1 et L211-2 ;",
        f"Vu la lettre du {format_fr(letter_on)} informant le titulaire du retrait envisagé et "
        f"de ses motifs, et l'invitant à présenter ses observations ;",
        *(("Vu les observations présentées par le titulaire ;",) if observations_received else ()),
    )
    considerants = (
        _considerant(f"que la décision est illégale pour le motif suivant : {reason}"),
        *(
            ()
            if observations_received
            else (_considerant("que le titulaire n'a pas présenté d'observations"),)
        ),
        _considerant(
            f"que le présent retrait intervient dans le délai de trois mois suivant la date de "
            f"la décision, qui expire le {format_fr(retrait_deadline)} (article L424-5)"
        ),
    )
    articles = _numbered(
        [
            (f"{decision[0].upper()}{decision[1:]} est retiré{'e' if feminine else ''}.",),
            (
                "Les travaux autorisés par la décision retirée ne peuvent être entrepris ni "
                "poursuivis.",
            ),
            (
                "Le présent arrêté est notifié au titulaire et transmis au représentant de l'État "
                "dans les conditions prévues aux articles L2131-1 et L2131-2 du code général des "
                "collectivités territoriales.",
            ),
        ]
    )
    return Content(
        kind=DocumentKind.RETRAIT.value,
        outcome="",
        template="permits/documents/decision_retrait.html",
        commune=facts.commune_name,
        title=f"Arrêté portant retrait d'{'une' if feminine else 'un'} {noun}",
        reference=reference,
        dossier_number=facts.number,
        dossier_type=facts.procedure_label,
        subject=f"Retrait : {decision}, {_site(facts)}",
        author=f"Le Maire de la commune {of_place(facts.commune_name)},",
        visas=visas,
        considerants=considerants,
        operative="ARRÊTE",
        articles=articles,
        date_text=format_fr(issued_on),
        issued_on=issued_on.isoformat(),
        signature=signature_lines(signatory),
        signed_by=_signed_by(signatory),
        annex=(
            Section(
                "Caractère exécutoire",
                (
                    "Le présent arrêté est exécutoire à compter de sa notification au titulaire "
                    "et de sa transmission au représentant de l'État (articles L2131-1 et "
                    "L2131-2 du code général des collectivités territoriales).",
                ),
            ),
            _APPLICANT_APPEAL,
        ),
    )


def conformity_notice_content(
    facts: DossierFacts,
    signatory: Signatory,
    non_conformities: tuple[str, ...],
    *,
    daact_received: date,
    contest_deadline: date,
    reference: str,
    issued_on: date,
) -> Content:
    """R462-6 and R462-9: within the contest window (the state machine's guard,
    `Instruction.contest_conformity`), the authority serves a formal notice to file a
    modificatif or to bring the works into line with the authorisation."""
    items = tuple(n.strip() for n in non_conformities if n and n.strip())
    if not items:
        raise ContentError("Indiquez les non-conformités constatées.")
    body = (
        f"Vous avez déposé le {format_fr(daact_received)} la déclaration attestant l'achèvement "
        f"et la conformité des travaux réalisés en vertu de l'autorisation n° {facts.number}, "
        f"sur un terrain situé {_site(facts)}.",
        "Je conteste la conformité de ces travaux à l'autorisation accordée (article R462-6 du "
        "code de l'urbanisme), pour les motifs suivants :",
        *(f"– {item}" for item in items),
        "En conséquence, je vous mets en demeure, selon le cas, de déposer une demande de permis "
        "modificatif ou de mettre les travaux en conformité avec l'autorisation accordée "
        "(article R462-9 du code de l'urbanisme).",
        f"Cette contestation intervient dans le délai qui expire le {format_fr(contest_deadline)} "
        f"(article R462-6). Une fois les travaux régularisés, vous pourrez déposer une nouvelle "
        f"déclaration attestant leur achèvement et leur conformité.",
        "À défaut de régularisation, les travaux non conformes sont susceptibles de constituer "
        "une infraction (articles L480-1 et suivants du code de l'urbanisme).",
        "Vous pouvez contester la présente mise en demeure devant le tribunal administratif "
        "compétent dans les deux mois suivant sa notification (article R421-1 du code de "
        "justice administrative), notamment par l'application « Télérecours citoyens ».",
    )
    return _letter(
        facts,
        signatory,
        kind=DocumentKind.CONFORMITY_NOTICE,
        reference=reference,
        issued_on=issued_on,
        title="Contestation de la conformité des travaux et mise en demeure",
        subject=f"Conformité des travaux – autorisation n° {facts.number}",
        body=body,
    )
