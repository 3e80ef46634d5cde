"""The channel is a fact (issue 23, §4): stored at filing, shown, filterable on the worklist,
served by the API and counted in the statistics as the share filed online per month."""

from datetime import date

import pytest

from api.models import Scope, ServiceAccount
from permits import stats
from permits.models import Channel, Dossier
from tests.factories import filed_dossier

pytestmark = pytest.mark.django_db


def test_the_share_filed_online_per_month(counter_team):
    team = counter_team
    for day, channel in [
        (date(2026, 1, 5), Channel.ONLINE),
        (date(2026, 1, 6), Channel.PAPER),
        (date(2026, 1, 7), Channel.POST),
        (date(2026, 1, 8), Channel.PLATAU),
        (date(2026, 2, 2), Channel.EMAIL),
        (date(2026, 2, 3), Channel.ONLINE),
    ]:
        filed_dossier(team, "DP", on=day, channel=channel)
    filed_dossier(team, "DP", on=date(2026, 3, 1))  # online by default
    figures = stats.compute(Dossier.objects.filter(commune=team.commune), date(2026, 3, 2))
    assert figures.online_by_month == [
        (date(2026, 1, 1), 2, 4),
        (date(2026, 2, 1), 1, 2),
        (date(2026, 3, 1), 1, 1),
    ]
    chart = next(c for c in stats.charts(figures, date(2026, 3, 2)) if c.slug == "depots-en-ligne")
    assert "50 % (2 sur 4)" in str(chart.bars)


def test_the_worklist_filters_and_shows_the_channel(counter_team, client):
    team = counter_team
    paper = filed_dossier(team, "DP", channel=Channel.PAPER)
    online = filed_dossier(team, "DP")
    client.force_login(team.officer)
    page = client.get("/instruction/?channel=paper").content.decode()
    assert paper.display_number in page and online.display_number not in page
    assert "Papier, déposé en mairie" in page
    everything = client.get("/instruction/").content.decode()
    assert online.display_number in everything
    detail = client.get(f"/instruction/{paper.pk}/").content.decode()
    assert "Canal de dépôt" in detail and "Papier, déposé en mairie" in detail


def test_the_api_serves_the_channel(counter_team, client):
    team = counter_team
    paper = filed_dossier(team, "DP", channel=Channel.PAPER)
    _, token = ServiceAccount.create("SIG départemental", [team.commune], Scope.values)
    served = client.get(f"/api/dossiers/{paper.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert served.status_code == 200 and served.json()["channel"] == "paper"
