"""100 officers' clicks at once over real HTTP to gunicorn, half "dossier complet" and half
"demander des pièces" (R423-38) on the same freshly filed dossier: exactly one wins, one event
is written, and each of the 99 others is told in French that the dossier changed meanwhile —
no server error (workflow.transitions.fire: row lock + stale check)."""

import threading

import httpx
import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Membership, Role
from tests.factories import UserFactory, filed_dossier, make_team
from tests.faults.conftest import session_cookies
from workflow.events import verify_chain
from workflow.models import Event
from workflow.states import State

pytestmark = pytest.mark.slow

ATTEMPTS = 100
STALE = "entre-temps : rechargez la page avant d'agir"


def flash_messages(response: httpx.Response) -> list[str]:
    """The messages the redirect carries to the next page (Django's cookie storage)."""
    request = HttpRequest()
    request.COOKIES = {CookieStorage.cookie_name: response.cookies.get(CookieStorage.cookie_name)}
    return [str(message) for message in CookieStorage(request)]


def test_a_hundred_conflicting_acts_give_one_winner_and_ninety_nine_clear_refusals(web):
    team = make_team()
    dossier = filed_dossier(team, "DP", on=timezone.localdate())
    assert dossier.state == State.DEPOSITED
    colleague = UserFactory()
    Membership.objects.create(user=colleague, role=Role.OFFICER, service=team.service)
    sessions = [session_cookies(team.officer), session_cookies(colleague)]
    web.start(workers=2, threads=8)  # 16 requests served at once, the rest queued

    acts = [
        ("declare_complete", {"state": State.DEPOSITED}),
        ("request_pieces", {"state": State.DEPOSITED, "pieces": ["DP2", "DP3"]}),
    ]
    barrier = threading.Barrier(ATTEMPTS)
    results = [None] * ATTEMPTS

    def click(i):
        name, form = acts[i % 2]
        cookies = sessions[i % 2]
        with httpx.Client(cookies=cookies, timeout=120) as client:
            barrier.wait(timeout=60)
            try:
                results[i] = client.post(
                    f"{web.url}/instruction/{dossier.pk}/acte/{name}/",
                    data=form,
                    headers={"X-CSRFToken": cookies["csrftoken"]},
                )
            except httpx.HTTPError as error:
                results[i] = error

    threads = [threading.Thread(target=click, args=(i,)) for i in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)

    assert all(isinstance(r, httpx.Response) for r in results), results
    assert [r.status_code for r in results] == [302] * ATTEMPTS  # no 5xx, no refusal page
    said = [flash_messages(r) for r in results]
    winners = [i for i, messages in enumerate(said) if messages == ["Enregistré."]]
    assert len(winners) == 1, said
    losers = [messages for i, messages in enumerate(said) if i not in winners]
    assert all(len(m) == 1 and STALE in m[0] for m in losers), losers

    won = acts[winners[0] % 2][0]
    events = list(Event.objects.filter(dossier=dossier).order_by("sequence"))
    assert [e.kind for e in events] == ["submit", won]
    dossier.refresh_from_db()
    assert dossier.state == (
        State.UNDER_INSTRUCTION if won == "declare_complete" else State.INCOMPLETE
    )
    assert verify_chain(dossier) == []

    # The refusal is shown on the page the loser is sent back to.
    loser = next(r for i, r in enumerate(results) if i not in winners)
    cookies = {**sessions[0], "messages": loser.cookies["messages"]}
    page = httpx.get(f"{web.url}{loser.headers['location']}", cookies=cookies, timeout=60)
    assert page.status_code == 200
    assert "entre-temps" in page.text
