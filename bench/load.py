"""bench/load: gunicorn under mixed traffic, with many dossiers seeded; each page's p99
against its budget (BUDGETS below, issue 21: worklist, dossier page, API list, filing, alone and
in the mixed phase), PASS or MISS. A minimal Django view served by
the same gunicorn in the same run is printed beside each endpoint as context (the machine's
speed at that moment), not as a target.

Endpoints (each measured alone for --seconds with --concurrency clients, in slices alternating
with the minimal view's, then all mixed):
- minimal: a Django view returning a short text (the baseline: framework + server cost);
- worklist: the officer's worklist page (/instruction/), signed in as the officer;
- follow: the dossier page as its applicant (/dossiers/<pk>/);
- api_list: GET /api/dossiers/?state=under_instruction (token);
- api_detail, api_deadlines: one dossier through the API (token);
- feed: GET /api/events/?after=<random cursor> (token);
- review: the review page of a complete draft, as its applicant (the filing's page);
- filing: an applicant files a complete draft as the browser does: GET the review page, then
  POST its form with the CSRF token (two rows: the page, the POST; each simulated applicant
  signed in once through the password form before the timed phases). Drafts (applicant,
  parcel, required pieces) are seeded at each run; afterwards the numbers given are checked
  unique and gapless.

Run: `bash -c 'source scripts/lib.sh && ensure_database' && .venv/bin/python bench/load.py`
(options: --dossiers N (100000), --seconds S, --concurrency C, --workers W, --drafts D). It
uses its own database (bench_load, on the cluster of PERMIS_PG_PORT); each run starts from the
same seeded dossiers (the previous run's filings are removed). BENCH_LOAD_PORT (8765) is the
server's port.
gunicorn imports this module as its WSGI application (`bench.load:application`): the minimal
view and the project's URLs, one server.
"""

import argparse
import asyncio
import logging
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["PERMIS_TEST_DB_NAME"] = "bench_load"
# The cluster of scripts/lib.sh's ensure_database (PERMIS_PG_PORT), its bench database.
BENCH_DB_URL = (
    f"postgis://permis:permis@127.0.0.1:{os.environ.get('PERMIS_PG_PORT', '5439')}/bench_load"
)
PORT = int(os.environ.get("BENCH_LOAD_PORT", "8765"))
MARK = " rue du Bench"  # the seeded dossiers' addresses (filings add others beside them)
FILERS = 8  # simulated applicants filing drafts
PASSWORD = "bench-mot-de-passe"
SLICES = 5  # each endpoint alternates with the minimal view in this many slices

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
        cur.execute(
            "SELECT count(*) FILTER (WHERE site_address LIKE %s), count(*) FROM permits_dossier",
            [f"%{MARK}"],
        )
        present, every = cur.fetchone()
    # Each run starts from the same dossiers: a previous run's filings (the newest ids) would
    # otherwise pile up where the API's newest-first list starts its walk.
    if present != total or every != present:
        with connection.cursor() as cur:
            cur.execute(
                "TRUNCATE workflow_event, workflow_consultation, permits_applicant, "
                "permits_dossierparcel, permits_piece, permits_dossier, api_serviceaccount, "
                "accounts_membership, permits_numbersequence, procrastinate_jobs "
                "RESTART IDENTITY CASCADE"
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
                "site_address": f"g || '{MARK}'",
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
    # The mayor signs every commune's receipts (a filing prepares one and queues its signature
    # job; no worker runs during the bench).
    mayor, _ = User.objects.get_or_create(username="bench_mayor")
    for commune in Commune.objects.filter(insee_code__startswith="912"):
        Membership.objects.get_or_create(
            user=mayor, role=Role.SIGNATORY, commune=commune, defaults={"title": "Maire"}
        )
    officer = User.objects.get(username="bench_officer")
    applicant = User.objects.get(username="bench_applicant")
    # The access log keeps the previous runs' accounts (protected): retired, not deleted.
    for old in ServiceAccount.objects.filter(name="bench"):
        ServiceAccount.objects.filter(pk=old.pk).update(name=f"bench-{old.pk}", is_active=False)
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

    seeded = Dossier.objects.filter(site_address__endswith=MARK)  # not the bench's filings
    ids = list(seeded.order_by("?").values_list("id", flat=True)[:2000])
    return {
        "token": token,
        "officer": session_for(officer),
        "applicant": session_for(applicant),
        "ids": ids,
    }


def seed_drafts(count: int) -> list[tuple[str, int]]:
    """`count` complete DP drafts (applicant, parcel, required pieces) of FILERS applicants,
    ready to file; the drafts left by a previous run are removed first."""
    from accounts.models import Commune, User
    from permits.models import Applicant, Dossier, DossierParcel, Piece
    from permits.pieces import catalogue
    from workflow import procedures

    filers = []
    for i in range(FILERS):
        user, created = User.objects.get_or_create(
            username=f"bench_filer_{i}", defaults={"email": f"filer{i}@bench.invalid"}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
        filers.append(user)
    left = Dossier.objects.filter(depositor__in=filers, state="draft")
    Piece.objects.filter(dossier__in=left).delete()
    left.delete()
    communes = list(Commune.objects.filter(insee_code__startswith="912").order_by("insee_code"))
    drafts = Dossier.objects.bulk_create(
        Dossier(
            procedure="DP",
            cerfa=procedures.get("DP").cerfa_full or "",
            commune=communes[i % len(communes)],
            depositor=filers[i % FILERS],
            site_address=f"{i} chemin du Dépôt",
            site_postcode="91200",
            site_locality="Bench",
            description="Abri de jardin de 12 m²",
            works_nature="new_building",
        )
        for i in range(count)
    )
    Applicant.objects.bulk_create(
        Applicant(
            dossier=d,
            rank=1,
            civility="madame",
            birth_name="Martin",
            given_names="Camille",
            address="1 rue de la Paix",
            postcode="91200",
            locality="Bench",
            email=d.depositor.email,
        )
        for d in drafts
    )
    DossierParcel.objects.bulk_create(
        DossierParcel(dossier=d, idu=f"{d.commune.insee_code}000AB{d.pk % 10000:04d}")
        for d in drafts
    )
    codes = [p.code for p in catalogue.required_pieces("DP", {})]
    Piece.objects.bulk_create(
        Piece(
            dossier=d,
            code=code,
            file=f"bench/{code}.pdf",
            original_name=f"{code}.pdf",
            content_type="application/pdf",
            extension="pdf",
            size_bytes=1000,
            sha256="0" * 64,
            scan_status="disabled",
            uploaded_by=d.depositor,
        )
        for d in drafts
        for code in codes
    )
    return [(d.depositor.username, d.pk) for d in drafts]


def sign_in(username: str) -> dict:
    """Signs in through the password form, as a browser does: the session and CSRF cookies."""
    import httpx

    with httpx.Client(base_url=f"http://127.0.0.1:{PORT}") as client:
        page = client.get("/connexion/")
        response = client.post(
            "/connexion/",
            data={"csrfmiddlewaretoken": _csrf(page.text), "login": username, "password": PASSWORD},
        )
        if response.status_code != 302 or "sessionid" not in client.cookies:
            raise RuntimeError(f"{username} could not sign in ({response.status_code})")
        return {"sessionid": client.cookies["sessionid"], "csrftoken": client.cookies["csrftoken"]}


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


async def timed(record, name, request):
    """Awaits the request, records its time under `name`; returns the response."""
    start = time.perf_counter()
    response = await request
    record(name, time.perf_counter() - start, response)
    return response


def endpoints(data) -> dict:
    """name → async operation(client, record) on a worker's own client; each request it makes
    is recorded (its row's name, its time, its response). An operation with nothing left to
    do (no draft to file) returns False."""
    token = {"Authorization": f"Bearer {data['token']}"}
    ids = data["ids"]

    def get(name, make):
        async def operation(client, record):
            url, headers, cookies = make()
            client.cookies.clear()
            for key, value in cookies.items():
                client.cookies.set(key, value)
            await timed(record, name, client.get(url, headers=headers))

        return operation

    async def review(client, record):
        """The review page of a draft (not filed: the drafts stay for the filing phase)."""
        username, pk = random.choice(data["drafts"])
        client.cookies.clear()
        for key, value in data["sessions"][username].items():
            client.cookies.set(key, value)
        await timed(record, "review", client.get(f"/dossiers/{pk}/brouillon/verifier/"))

    async def filing(client, record):
        """The review page, then its form posted: two rows (a page, then the filing)."""
        if not data["drafts"]:
            return False
        username, pk = data["drafts"].pop()
        client.cookies.clear()
        for key, value in data["sessions"][username].items():
            client.cookies.set(key, value)
        url = f"/dossiers/{pk}/brouillon/verifier/"
        page = await timed(record, "filing: its review page", client.get(url))
        if page.status_code != 200:
            return None
        form = {
            "csrfmiddlewaretoken": _csrf(page.text),
            "certify": "on",
            "electronic_notification_consent": "on",
        }
        await timed(record, "filing", client.post(url, data=form))

    return {
        "minimal": get("minimal", lambda: ("/bench/minimal/", {}, {})),
        "worklist": get("worklist", lambda: ("/instruction/", {}, {"sessionid": data["officer"]})),
        "follow": get(
            "follow",
            lambda: (f"/dossiers/{random.choice(ids)}/", {}, {"sessionid": data["applicant"]}),
        ),
        "api_list": get("api_list", lambda: ("/api/dossiers/?state=under_instruction", token, {})),
        "api_detail": get(
            "api_detail", lambda: (f"/api/dossiers/{random.choice(ids)}/", token, {})
        ),
        "api_deadlines": get(
            "api_deadlines", lambda: (f"/api/dossiers/{random.choice(ids)}/deadlines/", token, {})
        ),
        "feed": get(
            "feed", lambda: (f"/api/events/?after={random.choice(ids) * 3}&limit=100", token, {})
        ),
        "review": review,
        "filing": filing,
    }


EXPECTED = {"filing": 302}  # every other request answers 200
# p99 budgets in ms (issue 21), alone and in the mixed phase; a filing is its two requests.
BUDGETS = {
    "worklist": 200,
    "follow": 150,  # the dossier page
    "api_list": 150,
    "filing: its review page": 600,
    "filing": 600,
}


def budget_of(name: str) -> int | None:
    return BUDGETS.get(name.removeprefix("mixed: "))


def verdict(r) -> str:
    budget = budget_of(r["name"])
    if budget is None:
        return "–"
    return f"< {budget} ms: {'PASS' if r['p99'] < budget else 'MISS'}"


async def hammer(names, operations, seconds, concurrency):
    """`concurrency` clients, each with its own connection and cookies, for `seconds`:
    {row: request times}, {row: unexpected answers}."""
    import httpx

    results = defaultdict(list)
    errors = defaultdict(int)

    def record(name, elapsed, response):
        results[name].append(elapsed)
        if response.status_code != EXPECTED.get(name, 200):
            errors[name] += 1

    async def worker(client):
        while time.perf_counter() < stop:
            if await operations[random.choice(names)](client, record) is False:
                await asyncio.sleep(0.01)  # nothing left to do

    # The clients first, then the clock: creating one blocks the loop for a while (its
    # TLS context), which would be counted in the requests already in flight.
    base = f"http://127.0.0.1:{PORT}"
    clients = [httpx.AsyncClient(base_url=base, timeout=60) for _ in range(concurrency)]
    stop = time.perf_counter() + seconds
    try:
        await asyncio.gather(*(worker(client) for client in clients))
    finally:
        for client in clients:
            await client.aclose()
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


def check_numbers() -> str:
    """The numbers the bench's filings received: unique, and gapless per (commune, type,
    year) with the sequence's last value equal to the count (A423-3)."""
    from permits.models import Dossier, NumberSequence
    from permits.numbering import parse

    numbers = list(
        Dossier.objects.filter(depositor__username__startswith="bench_filer_")
        .exclude(state="draft")
        .values_list("number", "commune__insee_code")
    )
    per_key = defaultdict(list)
    for number, insee in numbers:
        parsed = parse(number)
        per_key[f"{insee}/{parsed.prefix}/{2000 + parsed.year}"].append(int(parsed.sequence))
    last = dict(NumberSequence.objects.filter(key__in=per_key).values_list("key", "last_value"))
    gaps = [k for k, seq in per_key.items() if sorted(seq) != list(range(1, len(seq) + 1))]
    behind = [k for k, seq in per_key.items() if last.get(k) != len(seq)]
    unique = len({n for n, _ in numbers}) == len(numbers)
    verdict = "OK" if unique and not gaps and not behind else "FAILED"
    return (
        f"numbers: {verdict} — {len(numbers)} filed by the bench so far, "
        f"{len(per_key)} sequences, unique: {unique}, with gaps: {gaps or 'none'}, "
        f"sequence ahead of the numbers: {behind or 'none'}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--drafts", type=int, default=800, help="drafts seeded for filings")
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)

    from django.db import connection

    connection.creation.create_test_db(verbosity=0, keepdb=True, serialize=False)
    started = time.perf_counter()
    data = seed(args.dossiers)
    data["drafts"] = seed_drafts(args.drafts)
    random.shuffle(data["drafts"])
    from permits.state_counts import compact

    # The seeding's 100,000 inserts appended as many count rows: folded as the hourly job
    # would, then the table rewritten, as after any bulk import (permits.state_counts).
    compact()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (FULL, ANALYZE) permits_statecount")
    print(
        f"seeded/checked {args.dossiers} dossiers and {args.drafts} drafts "
        f"in {time.perf_counter() - started:.1f} s"
    )
    connection.close()

    env = {
        **os.environ,
        "BENCH_LOAD_SERVER": "1",
        "DATABASE_URL": BENCH_DB_URL,
        "PERMIS_LOG_LEVEL": "WARNING",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
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
        data["sessions"] = {f"bench_filer_{i}": sign_in(f"bench_filer_{i}") for i in range(FILERS)}
        operations = endpoints(data)
        rows = []

        def paired(name):
            """The endpoint and the minimal view in alternating slices: the machine's speed
            drifts by up to ×1.5 within a run, so the two share its moments."""
            times, errors, minimal = defaultdict(list), defaultdict(int), []
            for _ in range(SLICES):
                found, _ = asyncio.run(
                    hammer(["minimal"], operations, args.seconds / SLICES, args.concurrency)
                )
                minimal += found["minimal"]
                found, wrong = asyncio.run(
                    hammer([name], operations, args.seconds / SLICES, args.concurrency)
                )
                for key in found:
                    times[key] += found[key]
                    errors[key] += wrong[key]
            baseline = len(minimal) / args.seconds
            return [
                {**row(key, times[key], errors[key], args.seconds), "baseline": baseline}
                for key in times
            ]

        for name in operations:
            if name == "minimal":
                continue
            if name != "filing":  # a warm-up would spend drafts
                asyncio.run(hammer([name], operations, 1, 2))
            rows += paired(name)
        mixed_names = ["worklist", "follow", "follow", "follow", "api_detail", "api_list"]
        mixed_names += ["feed", "filing"]
        times, errors = asyncio.run(
            hammer(mixed_names, operations, args.seconds * 2, args.concurrency)
        )
        mixed = [row(f"mixed: {n}", times[n], errors[n], args.seconds * 2) for n in times]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    baselines = [r["baseline"] for r in rows]
    print(
        f"\n{args.dossiers:,} dossiers, gunicorn {args.workers} sync workers, "
        f"{args.concurrency} concurrent clients, {args.seconds:g} s per endpoint "
        f"({len(data['drafts'])} drafts left); minimal view (context, not a target): "
        f"{min(baselines):.0f}–{max(baselines):.0f} req/s over the run; "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}\n"
    )
    print("| endpoint | req/s | p50 | p99 | p99 budget | minimal alongside | unexpected |")
    print("|---|---|---|---|---|---|---|")
    for r in rows + mixed:
        print(
            f"| {r['name']} | {r['rps']:.0f} | {r['p50']:.1f} ms | {r['p99']:.1f} ms "
            f"| {verdict(r)} | {r['baseline']:.0f} | {r['errors']} |"
            if "baseline" in r
            else f"| {r['name']} | {r['rps']:.0f} | {r['p50']:.1f} ms | {r['p99']:.1f} ms "
            f"| {verdict(r)} | – | {r['errors']} |"
        )
    print("\n" + check_numbers())


if __name__ == "__main__":
    main()
