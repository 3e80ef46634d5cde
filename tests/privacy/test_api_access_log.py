"""The API writes the access log: every read of a dossier's detail, pieces, events or documents
by a service account or an agent, with the channel, shown to the commune's administrator."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, Role
from privacy.models import AccessLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name, action",
    [
        ("api:dossier", "view"),
        ("api:dossier_pieces", "pieces"),
        ("api:dossier_events", "events"),
        ("api:dossier_documents", "documents"),
        ("api:dossier_platau", "view"),
    ],
)
def test_each_read_by_a_service_account_is_logged(world, system, name, action):
    dossier = world.dossiers["a1"]
    assert system.get(reverse(name, kwargs={"pk": dossier.pk})).status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.dossier, entry.service_account, entry.agent, entry.action, entry.channel) == (
        dossier,
        world.account,
        None,
        action,
        "api",
    )


def test_logging_costs_one_insert_and_no_read(world, system):
    url = reverse("api:dossier_pieces", kwargs={"pk": world.dossiers["a1"].pk})
    system.get(url)  # warm-up (token's last use written once a minute)
    with CaptureQueriesContext(connection) as logged:
        system.get(url)
    statements = [q["sql"] for q in logged.captured_queries if "privacy_accesslog" in q["sql"]]
    assert len(statements) == 1 and statements[0].startswith("INSERT")


def test_refused_and_unrelated_reads_are_not_logged(world, system, guichet_b):
    other = world.dossiers["b"]
    assert system.get(reverse("api:dossier", kwargs={"pk": other.pk})).status_code == 404
    assert system.get(reverse("api:dossiers")).status_code == 200  # the list: no dossier read
    assert not AccessLog.objects.exists()


def test_an_agent_session_is_logged_as_the_agent(world, guichet_b):
    dossier = world.dossiers["b"]
    assert guichet_b.get(reverse("api:dossier", kwargs={"pk": dossier.pk})).status_code == 200
    entry = AccessLog.objects.get()
    assert entry.agent is not None and entry.service_account is None
    assert entry.channel == "api"


def test_the_commune_admin_sees_api_reads(world, system, client):
    dossier = world.dossiers["a1"]
    system.get(reverse("api:dossier_documents", kwargs={"pk": dossier.pk}))
    admin = UserFactory()
    Membership.objects.create(user=admin, role=Role.COMMUNE_ADMIN, commune=world.a.commune)
    client.force_login(admin)
    url = reverse("privacy:access_log", kwargs={"insee_code": world.a.commune.insee_code})
    page = client.get(url).content.decode()
    assert "SIG départemental" in page and "API" in page
    assert "liste des documents émis" in page and dossier.display_number in page
