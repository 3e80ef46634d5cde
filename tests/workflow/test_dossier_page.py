"""Each dossier shows its deadlines with "why this date", to its applicant and its officers,
and to nobody else."""

from datetime import date

import pytest

from tests.factories import CommuneFactory, UserFactory, filed_dossier, make_team
from workflow.transitions import fire

pytestmark = pytest.mark.django_db


def test_the_applicant_sees_each_deadline_with_its_article_and_reason(client, team):
    d = filed_dossier(team, "PCMI", on=date(2026, 1, 1))
    d = fire(d, "declare_complete", actor=team.officer)
    client.force_login(team.applicant)
    html = client.get(f"/dossiers/{d.pk}/").content.decode()
    assert "PC 091 216 26 00001" in html
    assert "Pourquoi cette date" in html
    # §3.17: PCMI registered 1 Jan, tacit permit on 2 March, R423-23 b.
    assert '<time datetime="2026-03-02">2 mars 2026</time>' in html
    assert "R423-23 b" in html
    assert "Dossier déclaré complet" in html  # the history
    assert "En cours d&#x27;instruction" in html


def test_the_officer_of_the_commune_sees_the_dossier(client, team):
    d = filed_dossier(team)
    client.force_login(team.officer)
    assert client.get(f"/dossiers/{d.pk}/").status_code == 200


def test_other_applicants_and_other_communes_officers_get_a_404(client, team):
    d = filed_dossier(team)
    elsewhere = make_team(CommuneFactory(insee_code="91345", name="Longjumeau", population=1))
    for outsider in (UserFactory(), elsewhere.officer, elsewhere.mayor):
        client.force_login(outsider)
        assert client.get(f"/dossiers/{d.pk}/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, team):
    d = filed_dossier(team)
    response = client.get(f"/dossiers/{d.pk}/")
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_the_page_title_names_the_dossier_and_nothing_else(client, team):
    import re

    d = filed_dossier(team)
    client.force_login(team.applicant)
    html = client.get(f"/dossiers/{d.pk}/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.startswith(f"Dossier {d.display_number} –") and "<" not in title
