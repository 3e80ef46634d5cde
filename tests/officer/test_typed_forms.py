"""Every refused form comes back as it was typed (issue 19): each form of the instruction page,
the after-decision acts and the parapheur's send-back is posted and refused, then the page read
again shows the values and ticked boxes as typed, the refusal inside that form, once."""

import html
import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import reauth
from accounts.models import ConsultedService
from permits.models import Dossier
from tests.decisions.test_late_signature import at
from tests.factories import filed_dossier, make_team
from tests.officer.test_after_decision import executory, works_completed
from tests.officer.test_officer_screens import awaiting_signature
from workflow import schedule, timers
from workflow.clock import add_months
from workflow.states import State
from workflow.transitions import fire

pytestmark = pytest.mark.django_db
STALE = "Le dossier est passé à l'état"  # workflow.transitions.fire: the state moved on


@pytest.fixture
def team():
    return make_team()


def under_instruction(team) -> Dossier:
    d = fire(
        filed_dossier(team, "PCMI", on=timezone.localdate()), "declare_complete", actor=team.officer
    )
    assert d.state == State.UNDER_INSTRUCTION
    return d


def signed(team) -> Dossier:
    return fire(awaiting_signature(team), "sign", actor=team.mayor)


def form(page: str, form_id: str) -> str:
    """The HTML of the form `form_id` (unescaped), or AssertionError."""
    found = re.search(rf'<form method="post" id="{re.escape(form_id)}".*?</form>', page, re.S)
    assert found, f"no form {form_id}"
    return html.unescape(found.group(0))


def refused(client, user, url: str, data: dict, page_url: str, anchor: str) -> str:
    """Posts `data`, checks it went back to the form's anchor, returns the page read after."""
    client.force_login(user)
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"{page_url}#{anchor}")
    page = client.get(page_url).content.decode()
    assert "ce que vous aviez saisi est conservé" not in client.get(page_url).content.decode()
    return page


def instruction_act(client, team, dossier, name, data) -> str:
    url = f"/instruction/{dossier.pk}/"
    return form(refused(client, team.officer, f"{url}acte/{name}/", data, url, name), name)


def after_decision_act(client, team, dossier, name, data) -> str:
    url = f"/instruction/{dossier.pk}/"
    page = refused(client, team.officer, f"{url}apres-decision/{name}/", data, url, name)
    return form(page, name)


def test_the_qualification_keeps_its_ticked_flags(client, team):
    d = under_instruction(team)
    typed = instruction_act(
        client,
        team,
        d,
        "qualify",
        {"state": State.DEPOSITED, "flags": ["RESERVE_NATURELLE", "NATIONAL_PARK_CORE"]},
    )
    assert STALE in typed
    assert re.search(r'value="RESERVE_NATURELLE"\s+checked', typed)
    assert re.search(r'value="NATIONAL_PARK_CORE"\s+checked', typed)
    assert not re.search(r'value="R424_2_CASE"\s+checked', typed)
    assert Dossier.objects.get(pk=d.pk).flags == d.flags  # nothing recorded


def test_a_consultation_keeps_its_services_kind_name_and_date(client, team):
    d = under_instruction(team)
    sdis = ConsultedService.objects.create(name="SDIS 91", kind="other")
    ConsultedService.objects.create(name="Enedis", kind="other")
    typed = instruction_act(
        client,
        team,
        d,
        "consult",
        {
            "services": [str(sdis.pk)],
            "kind": "abf",
            "service_name": "UDAP de l'Essonne",
            "on": "2026-02-30",
        },
    )
    assert "Date invalide : utilisez le format AAAA-MM-JJ." in typed
    assert re.search(rf'value="{sdis.pk}"\s+checked', typed)
    assert len(re.findall(r"\bchecked\b", typed)) == 1
    assert '<option value="abf" selected>' in typed
    assert 'value="UDAP de l\'Essonne"' in typed
    assert 'value="2026-02-30"' in typed
    assert not d.consultations.exists()  # none half-sent


def test_the_notification_and_transmission_dates_are_kept(client, team):
    d = signed(team)
    typed = instruction_act(
        client, team, d, "notify_decision", {"state": State.AWAITING_SIGNATURE, "on": "2026-03-04"}
    )
    assert STALE in typed and 'value="2026-03-04"' in typed
    typed = instruction_act(
        client,
        team,
        d,
        "record_prefet_ack",
        {"state": State.AWAITING_SIGNATURE, "on": "2026-03-05"},
    )
    assert STALE in typed and 'value="2026-03-05"' in typed
    assert Dossier.objects.get(pk=d.pk).state == State.SIGNED


def test_a_form_without_fields_shows_its_refusal_next_to_it(client, team):
    d = signed(team)  # no consent to electronic notification
    typed = instruction_act(client, team, d, "notify_electronically", {"state": d.state})
    assert "Le demandeur n'a pas accepté la notification électronique" in typed
    d = fire(under_instruction(team), "propose_decision", actor=team.officer, outcome="grant")
    typed = instruction_act(client, team, d, "send_for_signature", {"state": State.SIGNED})
    assert STALE in typed


def test_the_retrait_letter_keeps_its_grounds(client, team):
    d = executory(team)
    grounds = "Le terrain est en zone N.\nLa hauteur dépasse 9 m."
    typed = after_decision_act(
        client, team, d, "engager-retrait", {"state": State.NOTIFIED, "grounds": grounds}
    )
    assert STALE in typed
    assert f">{grounds}</textarea>" in typed
    assert Dossier.objects.get(pk=d.pk).retrait_letter_on is None


def test_the_conformity_contest_keeps_its_non_conformities(client, team):
    d = works_completed(team, timezone.localdate() - timedelta(days=5))
    items = "Façade enduite en blanc au lieu de ton pierre.\nAbri non autorisé."
    typed = after_decision_act(
        client,
        team,
        d,
        "contester-conformite",
        {"state": State.WORKS_OPENED, "non_conformities": items},
    )
    assert STALE in typed and f">{items}</textarea>" in typed
    assert Dossier.objects.get(pk=d.pk).state == State.WORKS_COMPLETED


def test_the_interruption_keeps_its_period(client, team):
    d = fire(executory(team), "open_works", actor=team.applicant, on=timezone.localdate())
    period = "Aucune activité du 1er mars 2025 au 30 avril 2026"
    typed = after_decision_act(
        client, team, d, "interruption", {"state": State.EXECUTORY, "reason": period}
    )
    assert STALE in typed and f'value="{period}"' in typed


def test_the_parapheur_send_back_shows_its_refusal_next_to_the_comment(client, team):
    d = awaiting_signature(team)
    other = awaiting_signature(team)
    page = refused(
        client,
        team.mayor,
        f"/parapheur/{d.pk}/renvoyer/",
        {"comment": "  "},
        "/parapheur/",
        f"send_back-{d.pk}",
    )
    assert "field-error" in form(page, f"send_back-{d.pk}")
    assert "field-error" not in form(page, f"send_back-{other.pk}")
    assert Dossier.objects.get(pk=d.pk).state == State.AWAITING_SIGNATURE


def test_the_retrait_pronounced_too_early_keeps_its_reason(client, team):
    d = executory(team)
    Dossier.objects.filter(pk=d.pk).update(retrait_letter_on=timezone.localdate())
    client.force_login(team.mayor)
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time())  # just re-authenticated
    session.save()
    reason = "La hauteur excède 9 m (article UH 10)."
    page = refused(
        client,
        team.mayor,
        f"/parapheur/{d.pk}/retrait/",
        {"state": d.state, "reason": reason},
        "/parapheur/",
        f"retract-{d.pk}",
    )
    typed = form(page, f"retract-{d.pk}")
    assert "field-error" in typed and f">{reason}</textarea>" in typed
    assert Dossier.objects.get(pk=d.pk).state == State.EXECUTORY


def test_a_retrait_started_from_the_parapheur_keeps_its_grounds(client, team):
    today = timezone.localdate()
    d = awaiting_signature(team)
    filed = add_months(today - timedelta(days=1), -2)  # PCMI: 2 months (R423-23 b)
    Dossier.objects.filter(pk=d.pk).update(filed_at=at(filed))
    schedule.reschedule(d)
    timers.sweep(today)  # the tacit grant arises under signature, executory at once (L424-8)
    assert Dossier.objects.get(pk=d.pk).state == State.EXECUTORY
    grounds = "Le projet méconnaît l'article UH 10."
    page = refused(
        client,
        team.mayor,
        f"/parapheur/{d.pk}/engager-retrait/",
        {"state": State.TACIT_GRANTED, "grounds": grounds},
        "/parapheur/",
        f"start_retrait-{d.pk}",
    )
    typed = form(page, f"start_retrait-{d.pk}")
    assert STALE in typed and f">{grounds}</textarea>" in typed
    assert Dossier.objects.get(pk=d.pk).retrait_letter_on is None
