"""Each transition declared once (workflow.registry) and its side effects through one hook:
the letter inside `fire`'s transaction, the mail after the commit."""

import ast
import logging
from datetime import date
from pathlib import Path

import pytest
from django.core import mail

from permits.act_letters import BUILT_FROM
from permits.models import Dossier
from permits.models.documents import DocumentKind, IssuedDocument
from permits.signals import LetterNotIssued
from tests.factories import filed_dossier
from workflow import registry
from workflow.actors import SYSTEM
from workflow.errors import TransitionRefused
from workflow.models import Event
from workflow.states import State
from workflow.transitions import fire

ROOT = Path(__file__).resolve().parents[2]


def fsm_transition_names() -> set[str]:
    """Every transition of the model's state field, read from django-fsm itself."""
    return {t.name for t in Dossier().get_all_state_transitions()}


def test_every_transition_of_the_machine_has_exactly_one_declaration():
    names = [d.name for d in registry.DECLARATIONS]
    assert len(names) == len(set(names)), "a transition is declared twice"
    assert set(names) == fsm_transition_names()
    for declared in registry.DECLARATIONS:
        assert declared.label and declared.label[0].islower(), declared.name  # read in a sentence
        assert declared.roles, declared.name


def test_a_timer_is_declared_on_a_transition_the_system_may_fire():
    for declared in registry.DECLARATIONS:
        if declared.automatic:
            assert SYSTEM in declared.roles, declared.name
            assert set(declared.timer.states) <= set(State.values), declared.name
    assert [d.name for d in registry.timed(State.DEPOSITED)] == [
        "deem_complete",
        "arise_tacit_decision",
    ]


def test_every_declared_letter_and_form_is_resolved_by_permits():
    kinds = {DocumentKind(d.letter) for d in registry.DECLARATIONS if d.letter}
    assert kinds == set(BUILT_FROM)
    field_kinds = {registry.TEXT, registry.LIST, registry.LINES, registry.DATE}
    field_kinds.add(registry.OPTIONAL_DATE)
    for declared in registry.officer_forms().values():
        assert set(declared.form.values()) <= field_kinds, declared.name


def test_an_unknown_transition_is_refused_before_anything(team):
    d = filed_dossier(team, on=date(2026, 1, 5))
    with pytest.raises(ValueError, match="unknown transition"):
        fire(d, "approve_everything", actor=team.officer)


def _transition_tables(path: Path) -> list[int]:
    """Lines of dict literals keyed by three or more transition names."""
    names = set(registry.BY_NAME)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if len(keys & names) >= 3:
                found.append(node.lineno)
    return found


def test_no_module_outside_the_registry_keeps_its_own_table_of_transitions():
    rooms = ["workflow", "permits", "accounts", "api", "cadastre", "privacy", "config"]
    offenders = {}
    for room in rooms:
        for path in (ROOT / room).rglob("*.py"):
            if path == ROOT / "workflow" / "registry.py" or "migrations" in path.parts:
                continue
            lines = _transition_tables(path)
            if lines:
                offenders[str(path.relative_to(ROOT))] = lines
    assert offenders == {}
    # The tables this registry replaced are gone for good.
    old = ["ROLES", "LABELS", "AUTOMATIC", "MAILS", "ACTS"]
    for room in ("workflow", "permits"):
        for path in (ROOT / room).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            assigned = {
                t.id
                for node in tree.body
                if isinstance(node, ast.Assign | ast.AnnAssign)
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                if isinstance(t, ast.Name)
            }
            assert not assigned & set(old), path


# --- the hook: letters inside the transaction, mails after the commit --------------------------


def test_the_letter_is_issued_with_the_act(team):
    d = filed_dossier(team, on=date(2026, 1, 5))
    d = fire(d, "request_pieces", actor=team.officer, pieces=["PCMI2"], on=date(2026, 1, 20))
    letter = IssuedDocument.objects.get(dossier=d, kind=DocumentKind.PIECES_REQUEST)
    assert "PCMI2" in str(letter.content)
    assert letter.content["issued_on"] == "2026-01-20"  # the act's date, as the guard checked


def test_a_letter_that_cannot_be_issued_leaves_the_dossier_as_it_was(team, mailoutbox):
    d = filed_dossier(team, on=date(2026, 1, 5))
    events = Event.objects.filter(dossier=d).count()
    # No piece of the PCMI list: the guard accepts a non-empty list, the letter has nothing to
    # list (R423-38), so neither the request nor its letter exist.
    with pytest.raises(TransitionRefused, match="R423-38"):
        fire(d, "request_pieces", actor=team.officer, pieces=["ZZ99"], on=date(2026, 1, 20))
    d = Dossier.objects.get(pk=d.pk)
    assert (d.state, d.pieces_requested) == (State.DEPOSITED, [])
    assert Event.objects.filter(dossier=d).count() == events
    assert not IssuedDocument.objects.filter(dossier=d, kind=DocumentKind.PIECES_REQUEST)
    assert mailoutbox == []


def test_a_failing_letter_is_said_in_french_and_logged(team, monkeypatch, caplog):
    d = filed_dossier(team, "PC", on=date(2026, 1, 5))

    def broken(dossier, facts):
        raise KeyError("reasons")

    monkeypatch.setitem(BUILT_FROM, DocumentKind.MAJORATION, broken)
    refused = pytest.raises(LetterNotIssued, match="n'est donc pas enregistré")
    with caplog.at_level(logging.ERROR, logger="permits.signals"), refused:
        fire(d, "notify_majoration", actor=team.officer, reason="R423_28_A_MH_INSCRIT",
             on=date(2026, 1, 20))  # fmt: skip
    assert "letter not issued, transition rolled back" in caplog.text
    d = Dossier.objects.get(pk=d.pk)
    assert d.majorations == [] and d.state == State.DEPOSITED


def test_the_officer_sees_why_the_letter_stopped_the_act(client, team):
    d = filed_dossier(team, on=date(2026, 1, 5))
    client.force_login(team.officer)
    r = client.post(
        f"/instruction/{d.pk}/acte/request_pieces/",
        {"state": "deposited", "pieces": ["ZZ99"], "on": "2026-01-20"},
        follow=True,
    )
    assert "liste exhaustive des pièces manquantes" in r.content.decode()
    assert Dossier.objects.get(pk=d.pk).state == State.DEPOSITED


def test_the_mail_leaves_only_after_the_commit(team, django_capture_on_commit_callbacks):
    d = filed_dossier(team, on=date(2026, 1, 5))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        fire(d, "declare_complete", actor=team.officer)
        assert mail.outbox == []  # still inside: a rollback would send nothing
    assert [m.subject for m in mail.outbox] == [f"[{d.display_number}] Dossier complet"]


def test_a_mail_can_depend_on_how_the_act_was_done(team, django_capture_on_commit_callbacks):
    declared = registry.declaration("notify_decision")
    d = filed_dossier(team, on=date(2026, 1, 5))
    d.decision_notified_on = date(2026, 3, 3)
    assert declared.mail.text(d, {"on": date(2026, 3, 3)}) is None  # registered letter
    assert "réputée reçue le 03/03/2026" in declared.mail.text(d, {"electronic": True})


def test_firing_imports_neither_the_sweep_nor_the_follow_ups():
    """The cycle transitions → timers/children → transitions is broken: the sweep and the
    follow-ups import `fire`, never the other way (children is a receiver of the hook)."""
    for module in ("transitions", "schedule", "registry", "signals"):
        tree = ast.parse((ROOT / "workflow" / f"{module}.py").read_text(encoding="utf-8"))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                imported |= {a.name for a in node.names}
        assert not imported & {"workflow.timers", "workflow.children"}, module


def test_only_an_online_filing_is_confirmed_by_mail(team):
    declared = registry.declaration("submit")
    d = filed_dossier(team, on=date(2026, 1, 5))
    assert declared.mail.text(d, {}) is None  # counter, follow-up, import: no confirmation
    text = declared.mail.text(d, {"channel": "online"})
    assert f"déposée le 5 janvier 2026 sous le numéro {d.display_number}" in text
    assert "(R423-5)" in text
