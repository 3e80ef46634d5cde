"""JSON output and command-line parsing for the `deadlines` management command. Pure Python.

The Django command only wraps this module:

    facts = facts_from_cli(argv)            # raises CliError with a readable message
    deadlines = compute_deadlines(facts)
    print(json.dumps(to_json_dict(deadlines, facts), ensure_ascii=False, indent=2))

or, to reuse Django's own parser: `add_cli_arguments(parser)` then `facts_from_namespace(opts)`.
"""

from __future__ import annotations

import argparse
import enum
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, NoReturn, TypeVar

from workflow import procedures
from workflow.clock.consistency import InconsistentFacts
from workflow.clock.facts import Consultation, Deadline, Facts, Majoration
from workflow.clock.rules import ExceptionFlag, MajorationReason, ServiceKind, parse_member

E = TypeVar("E", bound=enum.Enum)


def deadline_to_dict(deadline: Deadline) -> dict[str, str]:
    """One deadline as JSON: the stable `consequence` id for machines beside its French label."""
    return {
        "name": deadline.name,
        "label": deadline.label,
        "date": deadline.date.isoformat(),
        "consequence": deadline.consequence.value,
        "consequence_label": deadline.consequence.label,
        "basis": deadline.basis,
        "explanation": deadline.explanation,
    }


def to_json_dict(deadlines: Iterable[Deadline], facts: Facts) -> dict[str, Any]:
    """Stable structure: keys and their order never change; dates are ISO 8601."""
    return {
        "procedure": facts.procedure,
        "filed": facts.filed.isoformat() if facts.filed else None,
        "deadlines": [deadline_to_dict(d) for d in deadlines],
    }


class CliError(ValueError):
    """Invalid command-line input; the message is French, meant for the user."""


# argparse's own messages (Python 3.11), said in French; anything else keeps its text.
_ARGPARSE_FR = (
    (re.compile(r"the following arguments are required: (.+)"), "option obligatoire : {0}"),
    (re.compile(r"unrecognized arguments: (.+)"), "option inconnue : {0}"),
    (re.compile(r"argument (\S+): expected one argument"), "l'option {0} attend une valeur"),
    (
        re.compile(r"argument (\S+): expected at least one argument"),
        "l'option {0} attend au moins une valeur",
    ),
    (re.compile(r"ambiguous option: (\S+) could match (.+)"), "option ambiguë : {0} ({1})"),
    (re.compile(r"argument (\S+): (.+)"), "option {0} : {1}"),
)


def _in_french(message: str) -> str:
    for pattern, french in _ARGPARSE_FR:
        found = pattern.fullmatch(message)
        if found:
            return french.format(*found.groups())
    return message


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # raise instead of exiting: the caller decides
        raise CliError(_in_french(message))


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"date invalide « {text} », attendue au format AAAA-MM-JJ (par exemple 2026-01-31)"
        ) from None


def _procedure_code(text: str) -> str:
    try:
        return procedures.get(text).code
    except KeyError:
        raise argparse.ArgumentTypeError(
            f"type de demande inconnu « {text} » ; types possibles : "
            f"{', '.join(procedures.PROCEDURES)}"
        ) from None


def _member_of(enum_cls: type[E], what: str) -> Callable[[str], E]:
    def parse(text: str) -> E:
        try:
            return parse_member(enum_cls, text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{what} inconnu « {text} » ; valeurs possibles : {', '.join(enum_cls.__members__)}"
            ) from None

    parse.__name__ = enum_cls.__name__  # argparse names the type in some messages
    return parse


def _dated(
    parse_member_text: Callable[[str], E], what: str
) -> Callable[[str], tuple[E, date | None]]:
    """`NAME` or `NAME:AAAA-MM-JJ` (the date the fact happened: a majoration notified, a
    consultation received)."""

    def parse(text: str) -> tuple[E, date | None]:
        name, _, day = text.partition(":")
        return parse_member_text(name), (_iso_date(day) if day else None)

    parse.__name__ = what
    return parse


_majoration = _dated(_member_of(MajorationReason, "motif de majoration"), "majoration")


def _consultation(text: str) -> Consultation:
    kind, day = _dated(_member_of(ServiceKind, "service consulté"), "consultation")(text)
    if day is None:
        raise argparse.ArgumentTypeError(
            f"indiquez la date de réception de la consultation : « {text}:AAAA-MM-JJ »"
        )
    return Consultation(kind, day)


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"nombre entier positif attendu, et non « {text} »")
    return int(text)


# Dated facts of the decision and after it: (option, Facts field, French help).
_DATES = (
    ("--pieces-requested", "pieces_requested", "notification de la demande de pièces (R423-38)"),
    ("--pieces-received", "pieces_received", "réception des pièces manquantes (R423-39 c)"),
    ("--decision-signed", "decision_signed", "signature de la décision (CGCT L2131-2)"),
    ("--decision-notified", "decision_notified", "notification de la décision (R424-10)"),
    ("--prefet-ack", "prefet_ack", "accusé de réception de la préfecture (CGCT L2131-6)"),
    ("--site-posting", "site_posting_start", "premier jour d'affichage sur le terrain (R600-2)"),
    ("--appeal-filed", "appeal_filed", "recours d'un tiers formé (R600-1)"),
    ("--daact-received", "daact_received", "réception de la DAACT (R462-6)"),
    ("--sursis-confirmed", "sursis_confirmation", "confirmation après sursis à statuer (L424-1)"),
)
# Facts from which a question may start without a filing date.
_AFTER_DECISION = ("decision_signed", "decision_notified", "prefet_ack", "site_posting_start",
                   "appeal_filed", "daact_received")  # fmt: skip


def add_cli_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `manage.py deadlines`; works on any ArgumentParser (Django's included)."""
    parser.add_argument(
        "--type",
        dest="procedure",
        required=True,
        type=_procedure_code,
        metavar="TYPE",
        help=f"type de demande : {', '.join(procedures.PROCEDURES)}",
    )
    parser.add_argument(
        "--filed",
        type=_iso_date,
        metavar="D",
        help="date de dépôt (réception en mairie), AAAA-MM-JJ ; facultative pour une question "
        "qui part de la décision (--decision-signed, --decision-notified…)",
    )
    for option, dest, help_text in _DATES:
        parser.add_argument(option, dest=dest, type=_iso_date, metavar="D", help=help_text)
    parser.add_argument(
        "--majoration",
        action="extend",
        nargs="+",
        default=[],
        type=_majoration,
        metavar="MOTIF[:D]",
        help=f"majoration(s), avec leur date de notification : "
        f"{', '.join(MajorationReason.__members__)}",
    )
    parser.add_argument(
        "--flag",
        action="extend",
        nargs="+",
        default=[],
        type=_member_of(ExceptionFlag, "cas"),
        metavar="FLAG",
        help=f"cas particulier(s) : {', '.join(ExceptionFlag.__members__)}",
    )
    parser.add_argument(
        "--consultation",
        action="extend",
        nargs="+",
        default=[],
        type=_consultation,
        metavar="SERVICE:D",
        help=f"consultation(s) et leur date de réception : {', '.join(ServiceKind.__members__)}",
    )
    parser.add_argument(
        "--refused",
        action="store_true",
        help="la décision expresse est un refus ou une opposition",
    )
    parser.add_argument(
        "--prorogations", type=_count, default=0, metavar="N", help="prorogations accordées"
    )
    parser.add_argument(
        "--parent-type",
        type=_procedure_code,
        metavar="TYPE",
        help="type du permis parent (MODIFICATIF, PROROGATION)",
    )


def facts_from_namespace(ns: argparse.Namespace) -> Facts:
    """`Facts` from options parsed by `add_cli_arguments`; a missing starting fact or facts that
    contradict each other raise `CliError` (French), never a traceback."""
    if ns.filed is None and not any(getattr(ns, name) for name in _AFTER_DECISION):
        raise CliError(
            "indiquez la date de dépôt (--filed), ou un fait de la décision ou postérieur "
            "(--decision-signed, --decision-notified, --prefet-ack, --site-posting, "
            "--appeal-filed, --daact-received)"
        )
    if ns.refused and not (ns.decision_signed or ns.decision_notified):
        raise CliError("--refused suppose la date de signature ou de notification de la décision")
    majorations: dict[MajorationReason, Majoration] = {}
    for reason, notified in ns.majoration:
        if reason in majorations and majorations[reason].notified != notified:
            raise CliError(f"majoration indiquée deux fois, à deux dates : {reason.name}")
        if reason in majorations:  # repeated as is: kept once, in its first place
            continue
        majorations[reason] = Majoration(reason, notified)
    try:
        return Facts(
            procedure=ns.procedure,
            filed=ns.filed,
            majorations=tuple(majorations.values()),
            flags=frozenset(ns.flag),
            consultations=tuple(ns.consultation),
            decision_refused=ns.refused,
            prorogations_granted=ns.prorogations,
            parent_procedure=ns.parent_type,
            **{dest: getattr(ns, dest) for _, dest, _ in _DATES},
        )
    except InconsistentFacts as exc:
        raise CliError(str(exc)) from None


def facts_from_cli(args: Sequence[str]) -> Facts:
    """Parse `--type PCMI --filed 2026-01-31 [...]` into `Facts`; raises `CliError`."""
    parser = _Parser(prog="deadlines", description="Délais légaux d'un dossier d'urbanisme.")
    add_cli_arguments(parser)
    return facts_from_namespace(parser.parse_args(list(args)))
