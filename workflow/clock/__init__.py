"""Statutory clock of French planning permits (pure Python, no Django).

Reference: /work/shared/domain/ads-reference.md §3 and §8. Entry point: `compute_deadlines`.
"""

from workflow.clock.compute import compute_deadlines, consultation_deadline
from workflow.clock.consistency import InconsistentFacts
from workflow.clock.facts import Consultation, Deadline, Facts, Majoration
from workflow.clock.instruction import (
    GRANTS,
    Delay,
    Schedule,
    decision_in_time,
    instruction,
    instruction_delay,
    tacit_outcome,
)
from workflow.clock.months import (
    COVID_2020,
    DEFAULT_CALENDAR,
    NO_SUSPENSIONS,
    Span,
    SuspensionCalendar,
    SuspensionPeriod,
    add_months,
    format_fr,
    french_public_holidays,
    next_working_day,
)
from workflow.clock.report import (
    CliError,
    add_cli_arguments,
    facts_from_cli,
    facts_from_namespace,
    to_json_dict,
)
from workflow.clock.rules import (
    Consequence,
    DelayEffect,
    ExceptionFlag,
    MajorationReason,
    RuleKind,
    ServiceKind,
)

__all__ = [
    "COVID_2020",
    "DEFAULT_CALENDAR",
    "GRANTS",
    "NO_SUSPENSIONS",
    "CliError",
    "Consequence",
    "Consultation",
    "Deadline",
    "Delay",
    "DelayEffect",
    "ExceptionFlag",
    "Facts",
    "InconsistentFacts",
    "Majoration",
    "MajorationReason",
    "RuleKind",
    "Schedule",
    "ServiceKind",
    "Span",
    "SuspensionCalendar",
    "SuspensionPeriod",
    "add_cli_arguments",
    "add_months",
    "compute_deadlines",
    "consultation_deadline",
    "decision_in_time",
    "facts_from_cli",
    "facts_from_namespace",
    "format_fr",
    "french_public_holidays",
    "instruction",
    "instruction_delay",
    "next_working_day",
    "tacit_outcome",
    "to_json_dict",
]
