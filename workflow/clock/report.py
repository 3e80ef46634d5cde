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
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from workflow import procedures
from workflow.clock.facts import Deadline, Facts
from workflow.clock.rules import ExceptionFlag, MajorationReason, parse_member


def deadline_to_dict(deadline: Deadline) -> dict[str, str]:
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
        "filed": facts.filed.isoformat(),
        "deadlines": [deadline_to_dict(d) for d in deadlines],
    }


class CliError(ValueError):
    """Invalid command-line input; the message is meant for the user."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # raise instead of exiting: the caller decides
        raise CliError(message)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r}, expected YYYY-MM-DD") from None


def _procedure_code(text: str) -> str:
    try:
        return procedures.get(text).code
    except KeyError as exc:
        raise argparse.ArgumentTypeError(exc.args[0]) from None


def _member_of(enum_cls: type[enum.Enum]):
    def parse(text: str) -> enum.Enum:
        try:
            return parse_member(enum_cls, text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = enum_cls.__name__  # argparse names the type in some messages
    return parse


def add_cli_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `manage.py deadlines`; works on any ArgumentParser (Django's included)."""
    parser.add_argument(
        "--type",
        dest="procedure",
        required=True,
        type=_procedure_code,
        metavar="TYPE",
        help=f"procedure code: {', '.join(procedures.PROCEDURES)}",
    )
    parser.add_argument(
        "--filed",
        required=True,
        type=_iso_date,
        metavar="D",
        help="filing date (receipt at the mairie), YYYY-MM-DD",
    )
    parser.add_argument(
        "--pieces-requested",
        type=_iso_date,
        metavar="D",
        help="date the missing-pieces request was notified",
    )
    parser.add_argument("--pieces-received", type=_iso_date, metavar="D")
    parser.add_argument(
        "--majoration",
        action="extend",
        nargs="+",
        default=[],
        type=_member_of(MajorationReason),
        metavar="REASON",
        help=f"majoration case(s): {', '.join(MajorationReason.__members__)}",
    )
    parser.add_argument(
        "--flag",
        action="extend",
        nargs="+",
        default=[],
        type=_member_of(ExceptionFlag),
        metavar="FLAG",
        help=f"exception flag(s): {', '.join(ExceptionFlag.__members__)}",
    )
    parser.add_argument("--decision-notified", type=_iso_date, metavar="D")
    parser.add_argument(
        "--parent-type",
        type=_procedure_code,
        metavar="TYPE",
        help="parent type, required for MODIFICATIF",
    )


def facts_from_namespace(ns: argparse.Namespace) -> Facts:
    try:
        return Facts(
            procedure=ns.procedure,
            filed=ns.filed,
            pieces_requested=ns.pieces_requested,
            pieces_received=ns.pieces_received,
            majorations=tuple(dict.fromkeys(ns.majoration)),  # de-duplicated, order kept
            flags=frozenset(ns.flag),
            decision_notified=ns.decision_notified,
            parent_procedure=ns.parent_type,
        )
    except (ValueError, KeyError) as exc:
        raise CliError(str(exc.args[0] if exc.args else exc)) from None


def facts_from_cli(args: Sequence[str]) -> Facts:
    """Parse `--type PCMI --filed 2026-01-31 [...]` into `Facts`; raises `CliError`."""
    parser = _Parser(prog="deadlines", description="Délais légaux d'un dossier d'urbanisme.")
    add_cli_arguments(parser)
    return facts_from_namespace(parser.parse_args(list(args)))
