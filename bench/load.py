"""bench/load: gunicorn under mixed traffic, with many dossiers seeded, against a minimal
Django view served by the same gunicorn in the same run.

Endpoints (each measured alone for --seconds with --concurrency clients, then all mixed):
- minimal: a Django view returning a short text (the baseline: framework + server cost);
- worklist: the officer's worklist page (/instruction/), signed in as the officer;
- follow: the dossier page as its applicant (/dossiers/<pk>/);
- api_list: GET /api/dossiers/?state=under_instruction (token);
- api_detail, api_deadlines: one dossier through the API (token);
- feed: GET /api/events/?after=<random cursor> (token).
Filings are not in the mix (they need a whole draft with pieces; see docs/benchmarks.md).

Run: `bash -c 'source scripts/lib.sh && ensure_database' && .venv/bin/python bench/load.py`
(options: --dossiers N (100000), --seconds S, --concurrency C, --workers W, --reseed). It uses
its own database (bench_load), kept between runs. gunicorn imports this module as its WSGI
application (`bench.load:application`): the minimal view and the project's URLs, one server.
"""

import argparse
import asyncio
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["PERMIS_TEST_DB_NAME"] = "bench_load"
BENCH_DB_URL = "postgis://permis:permis@127.0.0.1:5439/bench_load"
PORT = 8765

import django  # noqa: E402
from django.conf import settings  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import include, path  # noqa: E402

settings.ROOT_URLCONF = "bench.load"  # this module: the minimal view beside the project's URLs
# Static files from the finders: the bench must not depend on a fresh collectstatic.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
django.setup()


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), path("", include("config.urls"))]

if os.environ.get("BENCH_LOAD_SERVER"):  # imported by gunicorn
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()


def seed(total: int) -> dict:
    """`total` filed dossiers in 20 communes of one service; 1 in 10 with 3 events."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from accounts.models import Commune, InstructionService, Membership, Role, User
    from api.models import Scope, ServiceAccount

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM permits_dossier")
        present = cur.fetchone()[0]
    if present != total:
        with connection.cursor() as cur:
            cur.execute(
                "TRUNCATE workflow_event, workflow_consultation, permits_applicant, "
                "permits_dossierparcel, permits_piece, permits_dossier, api_serviceaccount, "
                "accounts_membership RESTART IDENTITY CASCADE"
            )
        communes = [
            Commune.objects.get_or_create(
                insee_code=f"91{200 + i:03d}", defaults={"name": f"Commune {i}", "population": 5000}
            )[0]
            for i in range(20)
        ]
        service, _ = InstructionService.objects.get_or_create(name="Service bench")
        service.communes.set(communes)
        officer, _ = User.objects.get_or_create(username="bench_officer")
        applicant, _ = User.objects.get_or_create(username="bench_applicant")
        Membership.objects.create(user=officer, role=Role.OFFICER, service=service)
        states = ["deposited", "under_instruction", "under_instruction", "executory", "refused"]
        with connection.cursor() as cur:
            # One dossier through the ORM (every default filled, whatever columns the model
            # has today), then cloned by SQL with what varies overridden.
            from permits.models import Dossier

            template = Dossier.objects.create(
                procedure="DP", cerfa="16702*01", commune=communes[0], depositor=applicant
            )
            varying = {
                "commune_id": "c.ids[1 + g %% 20]",
                "number": "'DP0912' || lpad((g %% 20)::text, 2, '0')"
                " || lpad(((g / 99999) + 10)::text, 2, '0')"
                " || lpad(((g %% 99999) + 1)::text, 5, '0')",
                "state": "(%(states)s::text[])[1 + g %% 5]",
                "filed_at": "timestamptz '2026-01-05 10:00+01' + (g %% 300) * interval '1 day'",
                "site_address": "g || ' rue du Bench'",
                "description": "'Maison'",
                "works_nature": "'new_building'",
            }
            columns = [
                c.name
                for c in connection.introspection.get_table_description(cur, "permits_dossier")
                if c.name != "id"
            ]
            select = ", ".join(varying.get(c, f"t.{c}") for c in columns)
            cur.execute(
                f"""
                INSERT INTO permits_dossier ({", ".join(columns)})
                SELECT {select}
                FROM generate_series(1, %(total)s) g, permits_dossier t,
                     (SELECT array_agg(id ORDER BY id) ids FROM accounts_commune
                      WHERE insee_code LIKE '912%%') c
                WHERE t.id = %(template)s
                """,
                {"states": states, "total": total, "template": template.pk},
            )
            cur.execute("DELETE FROM permits_dossier WHERE id = %s", [template.pk])
            cur.execute(
                """
                INSERT INTO workflow_event (dossier_id, sequence, kind, occurred_at, actor_label,
                    from_state, to_state, payload, previous_hash, hash)
                SELECT d.id, s, 'bench', now(), 'bench', '', '', '{}', '',
                       md5(d.id || '-' || s) || md5(s || '-' || d.id)
                FROM permits_dossier d, generate_series(1, 3) s WHERE d.id % 10 = 0
                """
            )
        cur = connection.cursor()
        cur.execute("ANALYZE")
    officer = User.objects.get(username="bench_officer")
    applicant = User.objects.get(username="bench_applicant")
    ServiceAccount.objects.filter(name="bench").delete()
    _, token = ServiceAccount.create(
        "bench", Commune.objects.filter(insee_code__startswith="912"), Scope.values
    )

    def session_for(user):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    from permits.models import Dossier

    ids = list(Dossier.objects.order_by("?").values_list("id", flat=True)[:2000])
    return {
        "token": token,
        "officer": session_for(officer),
        "applicant": session_for(applicant),
        "ids": ids,
    }


def endpoints(data) -> dict:
    token = {"Authorization": f"Bearer {data['token']}"}
    ids = data["ids"]
    return {
        "minimal": lambda: ("/bench/minimal/", {}, {}),
        "worklist": lambda: ("/instruction/", {}, {"sessionid": data["officer"]}),
        "follow": lambda: (
            f"/dossiers/{random.choice(ids)}/",
            {},
            {"sessionid": data["applicant"]},
        ),
        "api_list": lambda: ("/api/dossiers/?state=under_instruction", token, {}),
        "api_detail": lambda: (f"/api/dossiers/{random.choice(ids)}/", token, {}),
        "api_deadlines": lambda: (f"/api/dossiers/{random.choice(ids)}/deadlines/", token, {}),
        "feed": lambda: (f"/api/events/?after={random.choice(ids) * 3}&limit=100", token, {}),
    }


async def hammer(names, makers, seconds, concurrency):
    import httpx

    results = {name: [] for name in names}
    errors = {name: 0 for name in names}
    stop = time.perf_counter() + seconds

    async def worker(client):
        while time.perf_counter() < stop:
            name = random.choice(names)
            url, headers, cookies = makers[name]()
            client.cookies.clear()
            for key, value in cookies.items():
                client.cookies.set(key, value)
            start = time.perf_counter()
            response = await client.get(url, headers=headers)
            elapsed = time.perf_counter() - start
            if response.status_code != 200:
                errors[name] += 1
            results[name].append(elapsed)

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORT}", limits=limits) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return results, errors


def row(name, times, errors, seconds):
    times = sorted(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))] if times else float("nan")
    return {
        "name": name,
        "rps": len(times) / seconds,
        "p50": statistics.median(times) * 1000 if times else float("nan"),
        "p99": p99 * 1000,
        "errors": errors,
        "n": len(times),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)

    from django.db import connection

    connection.creation.create_test_db(verbosity=0, keepdb=True, serialize=False)
    started = time.perf_counter()
    data = seed(args.dossiers)
    print(f"seeded/checked {args.dossiers} dossiers in {time.perf_counter() - started:.1f} s")
    connection.close()

    env = {
        **os.environ,
        "BENCH_LOAD_SERVER": "1",
        "DATABASE_URL": BENCH_DB_URL,
        "PERMIS_LOG_LEVEL": "WARNING",
    }
    env.pop("PERMIS_TEST_DB_NAME")
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "bench.load:application",
            f"--bind=127.0.0.1:{PORT}",
            f"--workers={args.workers}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        import httpx

        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{PORT}/bench/minimal/", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        makers = endpoints(data)
        rows = []
        for name in makers:
            asyncio.run(hammer([name], makers, 1, 2))  # warm-up
            times, errors = asyncio.run(hammer([name], makers, args.seconds, args.concurrency))
            rows.append(row(name, times[name], errors[name], args.seconds))
        mixed_names = ["worklist", "follow", "follow", "follow", "api_detail", "api_list", "feed"]
        times, errors = asyncio.run(hammer(mixed_names, makers, args.seconds * 2, args.concurrency))
        mixed = [row(f"mixed: {n}", times[n], errors[n], args.seconds * 2) for n in times]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    baseline = rows[0]["rps"]
    print(
        f"\n{args.dossiers:,} dossiers, gunicorn {args.workers} sync workers, "
        f"{args.concurrency} concurrent clients, {args.seconds:g} s per endpoint\n"
    )
    print("| endpoint | req/s | vs minimal | p50 | p99 | non-200 |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['name']} | {r['rps']:.0f} | {r['rps'] / baseline:.0%} | {r['p50']:.1f} ms "
            f"| {r['p99']:.1f} ms | {r['errors']} |"
        )
    for r in mixed:
        print(
            f"| {r['name']} | {r['rps']:.0f} | – | {r['p50']:.1f} ms | {r['p99']:.1f} ms "
            f"| {r['errors']} |"
        )


if __name__ == "__main__":
    main()
