"""Shared helpers for the statutory clock tests (pure Python, no Django)."""

from datetime import date

from workflow.clock import Deadline, Facts, compute_deadlines


def d(text: str) -> date:
    return date.fromisoformat(text)


def by_name(facts: Facts, **kwargs) -> dict[str, Deadline]:
    deadlines = compute_deadlines(facts, **kwargs)
    names = [x.name for x in deadlines]
    assert len(names) == len(set(names)), f"duplicate deadline names: {names}"
    return {x.name: x for x in deadlines}


def get(facts: Facts, name: str, **kwargs) -> Deadline:
    found = by_name(facts, **kwargs)
    assert name in found, f"{name} not in {sorted(found)}"
    return found[name]
