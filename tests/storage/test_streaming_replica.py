"""The read-replica router (core/db_router.py) against a REAL hot standby of the private
cluster: `pg_basebackup -R` into var/, started on its own port, streaming from the primary.
The lag-tolerant reads (registers, statistics, API lists, event feed) are served by the standby
(its pg_stat_activity shows the connection); with replay paused the feed holds back and, beyond
PERMIS_REPLICA_MAX_LAG, the router reads the primary; with the standby stopped every page still
answers, from the primary. The tests run in this order: the last one stops the standby."""

import contextlib

import psycopg
import pytest
from django.db import connections
from django.urls import reverse

from api.models import Scope, ServiceAccount
from core.db_router import REPLICA
from tests.factories import filed_dossier, make_team
from tests.faults.conftest import wait_until
from tests.pg_clusters import Cluster, base_backup, private_cluster
from tests.storage.test_replica_router import Queries
from workflow.models import Event

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
]


@pytest.fixture(scope="module")
def standby(django_db_setup):
    """A hot standby of the whole private cluster, test database included, declared as the
    `replica` alias the way PERMIS_REPLICA_DATABASE_URL would (before the tests' database
    fixtures, which check the aliases). Marked as a mirror only so that the tests' flush leaves
    it alone: a standby is read-only."""
    cluster = Cluster(base_backup("standby-", "--write-recovery-conf"))
    primary = connections["default"].settings_dict
    saved = connections.settings.get(REPLICA)
    connections.settings[REPLICA] = {
        **primary,
        "HOST": "127.0.0.1",
        "PORT": cluster.port,
        "TEST": {**primary["TEST"], "MIRROR": "default"},
    }
    try:
        cluster.start()
        yield cluster
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        if saved is None:
            del connections.settings[REPLICA]
        else:
            connections.settings[REPLICA] = saved
        cluster.destroy()


@pytest.fixture
def replica(standby):
    yield standby
    with contextlib.suppress(psycopg.OperationalError):  # stopped by the last test
        standby.query("SELECT pg_wal_replay_resume()")
        standby.query("SELECT pg_wal_replay_resume()")


def primary_lsn() -> str:
    # The insert position: the private cluster commits asynchronously (scripts/lib.sh), so the
    # write position may still be before the last commit record.
    return private_cluster().query("SELECT pg_current_wal_insert_lsn()::text")[0][0]


def wait_replayed(standby):
    lsn = primary_lsn()
    wait_until(
        lambda: standby.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])[0][0],
        120,
        "the standby to replay the primary's commits",
        interval=0.2,
    )


def wait_received(standby):
    lsn = primary_lsn()
    wait_until(
        lambda: standby.query("SELECT pg_last_wal_receive_lsn() >= %s::pg_lsn", [lsn])[0][0],
        120,
        "the standby to receive the primary's commits",
        interval=0.2,
    )


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def api_headers(team):
    _, token = ServiceAccount.create("SIG", [team.commune], Scope.values)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def feed_ids(client, headers) -> set[int]:
    response = client.get(reverse("api:events"), **headers)
    assert response.status_code == 200
    return {event["id"] for event in response.json()["events"]}


def test_lag_tolerant_reads_are_served_by_the_standby(replica, team, api_headers, client, settings):
    dossier = filed_dossier(team)
    wait_replayed(replica)
    # Tolerant enough that WAL in flight between the tests' writes never sends a read to the
    # primary (the lag limit itself: the next test).
    settings.PERMIS_REPLICA_MAX_LAG_SECONDS = 3600

    client.force_login(team.officer)
    with Queries() as queries:
        registers = client.get(reverse("permits:registers"), {"format": "json"})
        statistics = client.get(reverse("permits:statistics"))
        listing = client.get(reverse("api:dossiers"), **api_headers)
        feed_ids(client, api_headers)  # held back by the hour tolerated: read, not shown
    assert registers.status_code == statistics.status_code == listing.status_code == 200
    assert dossier.display_number in registers.content.decode()
    assert [row["id"] for row in listing.json()["results"]] == [dossier.pk]
    assert '"permits_dossier"' in queries.on_replica()
    assert '"workflow_event"' in queries.on_replica()
    assert '"permits_dossier"' not in queries.on_default()
    assert '"workflow_event"' not in queries.on_default()
    assert '"django_session"' in queries.on_default()  # people and sessions: the primary

    # The connection those reads took is a backend of the standby, in recovery.
    backend = connections[REPLICA].connection.info.backend_pid
    [(database, address)] = replica.query(
        "SELECT datname, client_addr::text FROM pg_stat_activity WHERE pid = %s", [backend]
    )
    assert database == connections["default"].settings_dict["NAME"]
    assert address.startswith("127.0.0.1")
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), inet_server_port()")
        assert cursor.fetchone() == (True, replica.port)


def test_with_replay_paused_the_feed_holds_back_then_the_primary_serves_beyond_the_lag(
    replica, team, api_headers, client, settings
):
    before = filed_dossier(team)
    wait_replayed(replica)
    replica.query("SELECT pg_wal_replay_pause()")
    wait_until(
        lambda: replica.query("SELECT pg_get_wal_replay_pause_state()")[0][0] == "paused",
        60,
        "replay to pause",
    )
    after = filed_dossier(team)  # committed on the primary, received, not replayed
    wait_received(replica)
    after_events = set(Event.objects.filter(dossier=after).values_list("id", flat=True))
    settings.API_FEED_SETTLE_SECONDS = 0

    # Within the tolerated lag: the standby serves what it has, the feed holds back.
    settings.PERMIS_REPLICA_MAX_LAG_SECONDS = 3600
    with Queries() as queries:
        registers = client.get(reverse("permits:registers"), {"format": "json"}).content.decode()
        feed = feed_ids(client, api_headers)
    assert before.display_number in registers
    assert after.display_number not in registers  # not replayed yet
    assert '"permits_dossier"' in queries.on_replica()
    assert not feed & after_events  # a cursor never moves past an event not yet replayed

    # Beyond it (any lag at all here): the router reads the primary.
    settings.PERMIS_REPLICA_MAX_LAG_SECONDS = 0
    with Queries() as queries:
        registers = client.get(reverse("permits:registers"), {"format": "json"}).content.decode()
        feed = feed_ids(client, api_headers)
    assert after.display_number in registers
    assert after_events <= feed
    assert '"permits_dossier"' not in queries.on_replica()
    assert '"permits_dossier"' in queries.on_default()

    replica.query("SELECT pg_wal_replay_resume()")
    wait_replayed(replica)
    settings.PERMIS_REPLICA_MAX_LAG_SECONDS = 3600
    with Queries() as queries:  # caught up again: back on the standby
        registers = client.get(reverse("permits:registers"), {"format": "json"}).content.decode()
    assert after.display_number in registers
    assert '"permits_dossier"' in queries.on_replica()


def test_with_the_standby_stopped_every_page_answers_from_the_primary(
    replica, team, api_headers, client
):
    dossier = filed_dossier(team)
    wait_replayed(replica)
    client.force_login(team.officer)
    assert client.get(reverse("permits:statistics")).status_code == 200  # replica connected
    replica.stop()

    with Queries() as queries:
        pages = {
            "registers": client.get(reverse("permits:registers")),
            "registers JSON": client.get(reverse("permits:registers"), {"format": "json"}),
            "statistics": client.get(reverse("permits:statistics")),
            "API list": client.get(reverse("api:dossiers"), **api_headers),
            "API events": client.get(
                reverse("api:dossier_events", args=[dossier.pk]), **api_headers
            ),
            "feed": client.get(reverse("api:events"), **api_headers),
            "worklist": client.get(reverse("permits:worklist")),
            "home": client.get("/"),
        }
    assert {name: page.status_code for name, page in pages.items()} == dict.fromkeys(pages, 200)
    assert dossier.display_number in pages["registers JSON"].content.decode()
    assert '"permits_dossier"' in queries.on_default()
