"""The officer's form of a transition, read from the fields its declaration names
(workflow.registry `form=`): each posted field becomes the transition's argument of that name."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from workflow import registry
from workflow.errors import TransitionRefused


def posted_date(raw: str | None, *, default_today: bool = True) -> date | None:
    """A date typed in a form (AAAA-MM-JJ); blank is today (or None), anything else a French
    refusal."""
    if not raw:
        return timezone.localdate() if default_today else None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise TransitionRefused("Date invalide : utilisez le format AAAA-MM-JJ.") from None


def posted_lines(text: str | None) -> list[str]:
    """The non-blank lines of a textarea (grounds, prescriptions, non-conformities…)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def form_arguments(declaration: registry.Declaration, post) -> dict:
    """The transition's arguments from the request's POST, as its declaration's form says."""
    parse = {
        registry.TEXT: lambda name: post.get(name, ""),
        registry.LIST: post.getlist,
        registry.LINES: lambda name: posted_lines(post.get(name)),
        registry.DATE: lambda name: posted_date(post.get(name)),
        registry.OPTIONAL_DATE: lambda name: posted_date(post.get(name), default_today=False),
    }
    return {name: parse[kind](name) for name, kind in (declaration.form or {}).items()}
