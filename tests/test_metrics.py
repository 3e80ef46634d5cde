"""/metrics scraped as Prometheus would: each family is found with the values this test caused
(requests, jobs by state, signing failures, timers, imports, the worker's heartbeat), and
/sante/ reports the worker and the queue. Procrastinate's tables are emptied inside the test's
transaction (rolled back after): the counts are exact."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from permits.decisions.tasks import sign_document_job
from permits.models import Dossier
from tests.cadastre.conftest import PLU_30014
from tests.factories import filed_dossier, make_team

pytestmark = pytest.mark.django_db

SIGN = sign_document_job.name


def scrape(client, **headers) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def empty_queue():
    sql(
        "TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers, "
        "procrastinate_workers CASCADE"
    )


def add_job(task: str, status: str, attempts=0, worker=None, waiting_s=0) -> int:
    (job,) = sql(
        "INSERT INTO procrastinate_jobs (queue_name, task_name, status, attempts, worker_id) "
        "VALUES ('documents', %s, %s, %s, %s) RETURNING id",
        [task, status, attempts, worker],
    )
    sql(
        "INSERT INTO procrastinate_events (job_id, type, at) "
        "VALUES (%s, 'deferred', now() - make_interval(secs => %s))",
        [job[0], waiting_s],
    )
    return job[0]


def add_worker(heartbeat_age_s: float) -> int:
    ((worker,),) = sql(
        "INSERT INTO procrastinate_workers (last_heartbeat) "
        "VALUES (now() - make_interval(secs => %s)) RETURNING id",
        [heartbeat_age_s],
    )
    return worker


def test_requests_are_counted_by_view_and_status_with_a_latency_histogram(client):
    before = scrape(client)
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert client.get("/nulle-part/").status_code == 404
    after = scrape(client)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("permis_http_requests_total", view="home", method="GET", status="200") == 3
    assert delta("permis_http_requests_total", view="unresolved", method="GET", status="404") == 1
    assert delta("permis_http_request_duration_seconds_count", view="home") == 3
    assert delta("permis_http_request_duration_seconds_bucket", view="home", le="+Inf") == 3
    assert delta("permis_http_request_duration_seconds_sum", view="home") > 0
    # The scrape before counts itself too: the path is never a label, the URL name is.
    assert delta("permis_http_requests_total", view="metrics", method="GET", status="200") == 1


def test_jobs_timers_signing_imports_and_the_worker_as_the_test_made_them(client, tmp_path):
    team = make_team()
    today = timezone.localdate()
    for due_on in (today - timedelta(days=2), today, today + timedelta(days=3)):
        dossier = filed_dossier(team)
        Dossier.objects.filter(pk=dossier.pk).update(next_timer_on=due_on)
    Dossier.objects.exclude(
        next_timer_on__in=[today - timedelta(days=2), today, today + timedelta(days=3)]
    ).update(next_timer_on=None)

    empty_queue()  # without the receipts' signing jobs the filings deferred
    alive = add_worker(heartbeat_age_s=2)
    dead = add_worker(heartbeat_age_s=3600)
    add_job(SIGN, "todo", waiting_s=90)
    add_job(SIGN, "todo", attempts=2)  # a retry: failing for now
    add_job(SIGN, "failed", attempts=5)
    add_job(SIGN, "doing", worker=dead)  # its worker went silent: stalled
    add_job("workflow.tasks.sweep_timers", "doing", worker=alive)
    add_job("workflow.tasks.sweep_timers", "succeeded")  # done: not watched

    call_command("import_plu", str(PLU_30014), "--json", stdout=None)
    with pytest.raises(CommandError):
        call_command("import_plu", str(tmp_path))  # an empty delivery: refused

    samples = scrape(client)
    assert value(samples, "permis_jobs", task=SIGN, state="queued") == 2
    assert value(samples, "permis_jobs", task=SIGN, state="failed") == 1
    assert value(samples, "permis_jobs", task=SIGN, state="stalled") == 1
    assert value(samples, "permis_jobs", task="workflow.tasks.sweep_timers", state="running") == 1
    assert value(samples, "permis_signing_jobs_failing") == 3  # failed, stalled, retrying
    assert value(samples, "permis_workers_alive") == 1
    assert 1 <= value(samples, "permis_worker_heartbeat_age_seconds") < 3600
    assert value(samples, "permis_jobs_oldest_queued_age_seconds") >= 90
    assert value(samples, "permis_timers_due") == 2
    assert value(samples, "permis_timers_overdue") == 1
    assert value(samples, "permis_imports", kind="plu", outcome="succeeded") == 1
    assert value(samples, "permis_imports", kind="plu", outcome="failed") == 1
    assert value(samples, "permis_import_last_success_timestamp_seconds", kind="plu") > 0

    health = client.get("/sante/").json()
    assert health["worker"]["alive"] == 1
    assert 1 <= health["worker"]["heartbeat_age_s"] < 3600
    assert health["queue"]["oldest_job_age_s"] >= 90


def test_metrics_need_the_token_when_one_is_set_and_the_loopback_otherwise(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.10").status_code == 403
    settings.PERMIS_METRICS_TOKEN = "jeton-de-supervision"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer autre-chose").status_code == 403
    scrape(client, HTTP_AUTHORIZATION="Bearer jeton-de-supervision")
    assert client.post("/metrics").status_code == 405
