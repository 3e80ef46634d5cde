"""The ABF's avis conforme binds the decision (L632-2 code du patrimoine, R424-3): a refusal of
accord forces a refusal, an accord with prescriptions forces them into the act, and nothing is
authorised before the accord. Checked at the officer's draft, in the parapheur and at the
`sign` transition itself; the act cites the accord and carries its prescriptions."""

import time
from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.reauth import SESSION_KEY
from permits.decisions.content import ContentError, decision_content
from permits.decisions.facts import facts_from_dossier
from permits.decisions.issuing import issue_decision, judgement_of
from permits.models.documents import DocumentKind, IssuedDocument
from tests.decisions.conftest import MAYOR
from tests.factories import filed_dossier, make_team
from workflow.clock import format_fr
from workflow.clock.rules import ServiceKind
from workflow.consultations import answer_consultation, send_consultation
from workflow.errors import TransitionRefused
from workflow.models import Consultation
from workflow.states import State
from workflow.transitions import fire

pytestmark = pytest.mark.django_db
ABF = "l'architecte des Bâtiments de France"
GROUND = "que le projet porte atteinte aux abords de l'église Saint-Leu"
PRESCRIPTION = "Les menuiseries extérieures seront en bois peint."
FILED = timezone.localdate() - timedelta(days=20)


@pytest.fixture
def team():
    return make_team()


def in_abords(team):
    """A PCMI in the abords of a monument: the ABF's accord is required (R424-3, R423-67).
    Filed 20 days ago, so that the délai still runs when the mayor signs (a tacit decision
    would otherwise arise first and refuse the signature, L424-2)."""
    d = fire(filed_dossier(team, on=FILED), "declare_complete", actor=team.officer)
    return fire(d, "qualify", actor=team.officer, flags=["ABF_ACCORD_REQUIRED", "ABORDS_MH"])


def consulted(team, opinion=None, **answer):
    d = in_abords(team)
    c = send_consultation(
        d,
        kind=ServiceKind.ABF,
        service_name=ABF,
        sent_on=FILED + timedelta(days=1),
        actor=team.officer,
    )
    assert c.binding
    if opinion:
        answer_consultation(
            c, opinion=opinion, on=FILED + timedelta(days=15), actor=team.consultee, **answer
        )
    d.refresh_from_db()
    return d


def propose(team, d, outcome, **kwargs):
    return fire(d, "propose_decision", actor=team.officer, outcome=outcome, **kwargs)


def test_an_abf_refusal_leaves_only_a_refusal_to_the_officer(team):
    d = consulted(team, "unfavourable", text="Atteinte aux abords")
    for outcome in ("grant", "grant_with_prescriptions"):
        with pytest.raises(TransitionRefused, match="L632-2") as refused:
            propose(team, d, outcome, grounds=[GROUND], prescriptions=["x"])
        assert "a refusé son accord" in str(refused.value)
    d = propose(team, d, "refusal", grounds=[GROUND])
    assert d.state == State.DECISION_PROPOSED


def test_the_officers_draft_page_refuses_a_grant_the_abf_refused_and_says_why(client, team):
    d = consulted(team, "unfavourable", text="Atteinte aux abords")
    client.force_login(team.officer)
    response = client.post(
        f"/instruction/{d.pk}/acte/propose_decision/",
        {"state": "under_instruction", "outcome": "grant"},
        follow=True,
    )
    page = response.content.decode()
    assert "a refusé son accord" in page and "L632-2" in page
    d.refresh_from_db()
    assert d.state == State.UNDER_INSTRUCTION and not d.decision_outcome


def test_an_accord_with_prescriptions_puts_them_in_the_act_without_retyping(team):
    d = consulted(team, "with_prescriptions", prescriptions=[PRESCRIPTION])
    with pytest.raises(TransitionRefused, match="prescriptions"):
        propose(team, d, "grant")
    # The officer adds nothing: the ABF's accord motivates and carries the prescriptions.
    d = propose(team, d, "grant_with_prescriptions")
    content = decision_content(
        facts_from_dossier(d), judgement_of(d), MAYOR, reference="X", issued_on=date(2026, 2, 9)
    )
    answered = format_fr(FILED + timedelta(days=15))
    assert f"Vu l'accord assorti de prescriptions de {ABF} du {answered} ;" in content.visas
    assert any("L632-2" in c for c in content.considerants)
    assert any(PRESCRIPTION.rstrip(".") in p for a in content.articles for p in a.paragraphs)


def test_nothing_is_authorised_before_the_abf_accord(team):
    d = consulted(team)
    with pytest.raises(TransitionRefused, match="n'a pas encore été rendu"):
        propose(team, d, "grant")
    assert propose(team, d, "refusal", grounds=[GROUND]).state == State.DECISION_PROPOSED


def abf_refusal_arrives(d):
    """The ABF's refusal of accord, received (through PLAT'AU) after the grant was proposed."""
    Consultation.objects.create(
        dossier=d,
        service_kind=ServiceKind.ABF.value,
        service_name=ABF,
        sent_on=FILED + timedelta(days=1),
        due_on=FILED + timedelta(days=60),
        due_basis="R423-67",
        answered_on=FILED + timedelta(days=15),
        opinion="unfavourable",
        text="Atteinte aux abords",
        binding=True,
    )


def refused_after_the_grant_was_sent_for_signature(team):
    """The ABF's refusal arrives after a grant reached the parapheur."""
    d = propose(team, in_abords(team), "grant")
    d = fire(d, "send_for_signature", actor=team.officer)
    abf_refusal_arrives(d)
    d.refresh_from_db()
    return d


def test_the_parapheur_refuses_to_sign_what_the_abf_refused_and_says_why(client, team):
    d = refused_after_the_grant_was_sent_for_signature(team)
    client.force_login(team.mayor)
    session = client.session
    session[SESSION_KEY] = int(time.time())
    session.save()
    response = client.post(f"/parapheur/{d.pk}/signer/", follow=True)
    page = response.content.decode()
    assert "a refusé son accord" in page and "L632-2" in page
    assert not IssuedDocument.objects.filter(dossier=d, kind=DocumentKind.DECISION).exists()
    # The preview says so too, instead of showing an act that cannot be signed.
    preview = client.get(f"/parapheur/{d.pk}/apercu/", follow=True).content.decode()
    assert "ne peut pas être signé" in preview and "L632-2" in preview


def test_the_sign_transition_itself_refuses_a_decision_contrary_to_the_abf(team):
    d = refused_after_the_grant_was_sent_for_signature(team)
    with pytest.raises(TransitionRefused, match="L632-2"):
        issue_decision(d, team.mayor)
    with pytest.raises(TransitionRefused, match="L632-2"):
        fire(d, "sign", actor=team.mayor, at=timezone.now())
    d.refresh_from_db()
    assert d.state == State.AWAITING_SIGNATURE


def test_the_content_refuses_a_grant_against_the_abf_even_without_the_workflow(team):
    d = refused_after_the_grant_was_sent_for_signature(team)
    with pytest.raises(ContentError, match="L632-2"):
        decision_content(
            facts_from_dossier(d), judgement_of(d), MAYOR, reference="X", issued_on=date.today()
        )


def test_a_queued_signature_met_by_an_abf_refusal_stops_once_and_says_why(team):
    """The mayor clicked "Signer"; the ABF's refusal arrives before the job runs: the job
    abandons the decision once, with the reason in the dossier's log, and is not retried."""
    from permits.decisions.issuing import sign_pending
    from permits.models.documents import DocumentStatus

    d = propose(team, in_abords(team), "grant")
    d = fire(d, "send_for_signature", actor=team.officer)
    pending = issue_decision(d, team.mayor)
    abf_refusal_arrives(d)
    assert sign_pending(pending.pk).status == DocumentStatus.ABANDONED
    assert sign_pending(pending.pk).status == DocumentStatus.ABANDONED  # no retry, no raise
    d.refresh_from_db()
    assert d.state == State.AWAITING_SIGNATURE
    (event,) = d.events.filter(kind="signature_abandoned")
    assert "L632-2" in str(event.payload)
