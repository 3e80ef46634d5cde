"""The read-replica router (core/db_router.py), with a `replica` alias declared as Django's TEST
MIRROR of default: a second connection to the same test database, so the tests can see which
connection each query took. Transactional tests: the data is committed, as it would be on a
primary whose replica has caught up, and readable from the mirror's own connection."""

import pytest
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from accounts.models import Membership, User
from api.models import Scope, ServiceAccount
from core.db_router import REPLICA, REPLICA_VIEWS, replica_reads
from permits.models import Dossier
from tests.factories import filed_dossier, make_team
from workflow.models import Event

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    """What PERMIS_REPLICA_DATABASE_URL gives a test run (settings: TEST MIRROR = default),
    added here when the run has no replica configured."""
    if REPLICA in connections.settings:
        yield
        return
    primary = connections["default"].settings_dict  # already names the test database
    connections.settings[REPLICA] = {**primary, "TEST": {**primary["TEST"], "MIRROR": "default"}}
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


class Queries:
    """The SQL each connection ran during a request."""

    def __init__(self):
        self.default = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections[REPLICA])

    def __enter__(self):
        self.default.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.default.__exit__(*exc)

    @staticmethod
    def _sql(context) -> str:
        return "\n".join(query["sql"] for query in context.captured_queries)

    def on_default(self) -> str:
        return self._sql(self.default)

    def on_replica(self) -> str:
        return self._sql(self.replica)


@pytest.fixture
def team():
    return make_team()


def test_every_replica_view_name_exists():
    for name in REPLICA_VIEWS:
        try:
            reverse(name)
        except NoReverseMatch:
            reverse(name, args=[1])


def test_the_public_registers_read_dossiers_from_the_replica(team, client):
    dossier = filed_dossier(team)
    with Queries() as queries:
        response = client.get(reverse("permits:registers"), {"format": "json"})
    assert response.status_code == 200
    assert dossier.display_number in response.content.decode()  # read through the mirror
    assert '"permits_dossier"' in queries.on_replica()
    assert '"permits_dossier"' not in queries.on_default()


def test_statistics_read_dossiers_from_the_replica_but_the_signed_in_agent_from_the_primary(
    team, client
):
    filed_dossier(team)
    client.force_login(team.officer)
    with Queries() as queries:
        assert client.get(reverse("permits:statistics")).status_code == 200
    assert '"permits_dossier"' in queries.on_replica()
    assert '"django_session"' in queries.on_default()
    assert '"accounts_user"' in queries.on_default()
    assert '"django_session"' not in queries.on_replica()


def test_api_lists_and_feed_read_from_the_replica_the_token_from_the_primary(
    team, client, settings
):
    dossier = filed_dossier(team)
    _, token = ServiceAccount.create("SIG", [team.commune], Scope.values)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    with Queries() as queries:
        listing = client.get(reverse("api:dossiers"), **headers)
    assert listing.status_code == 200
    assert [row["id"] for row in listing.json()["results"]] == [dossier.pk]
    assert '"permits_dossier"' in queries.on_replica()
    token_lookup = 'FROM "api_serviceaccount" WHERE'
    assert token_lookup in queries.on_default()
    assert token_lookup not in queries.on_replica()

    settings.API_FEED_SETTLE_SECONDS = 0
    settings.PERMIS_REPLICA_MAX_LAG_SECONDS = 0
    with Queries() as queries:
        feed = client.get(reverse("api:events"), **headers).json()
    assert feed["events"]
    assert '"workflow_event"' in queries.on_replica()
    # Events newer than the replica's allowed lag wait: a cursor must never skip one.
    settings.PERMIS_REPLICA_MAX_LAG_SECONDS = 60
    assert client.get(reverse("api:events"), **headers).json()["events"] == []


def test_the_worklist_and_the_dossier_page_read_the_primary_only(team, client):
    dossier = filed_dossier(team)
    client.force_login(team.officer)
    with Queries() as queries:
        assert client.get(reverse("permits:worklist")).status_code == 200
        client.force_login(team.applicant)
        assert client.get(reverse("permits:dossier_detail", args=[dossier.pk])).status_code == 200
    assert queries.on_replica() == ""
    assert '"permits_dossier"' in queries.on_default()


def test_the_router_choices(team):
    dossier = filed_dossier(team)
    assert Dossier.objects.all().db == "default"  # outside a lag-tolerant view
    with replica_reads():
        assert Dossier.objects.all().db == REPLICA
        assert Event.objects.all().db == REPLICA
        # People, roles and accounts: never from the replica.
        assert User.objects.all().db == "default"
        assert Membership.objects.all().db == "default"
        # Writes, even of an object read from the replica.
        read = Dossier.objects.get(pk=dossier.pk)
        assert read._state.db == REPLICA
        assert router.db_for_write(Dossier, instance=read) == "default"
        # Inside a transaction: the primary.
        with transaction.atomic():
            assert Dossier.objects.all().db == "default"
        assert Dossier.objects.all().db == REPLICA
    assert not router.allow_migrate(REPLICA, "permits")


def test_without_a_replica_everything_reads_the_primary(monkeypatch):
    monkeypatch.delitem(connections.settings, REPLICA)
    with replica_reads():
        assert Dossier.objects.all().db == "default"


def test_the_replica_is_declared_by_the_environment(settings_from_env):
    assert "replica" not in settings_from_env()["DATABASES"]
    configured = settings_from_env(
        PERMIS_REPLICA_DATABASE_URL="postgis://permis:secret@replica.internal:5432/permis"
    )
    replica = configured["DATABASES"]["replica"]
    assert replica["HOST"] == "replica.internal"
    assert replica["TEST"] == {"MIRROR": "default"}
    assert configured["DATABASE_ROUTERS"] == ["core.db_router.ReplicaRouter"]
