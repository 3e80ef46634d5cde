"""bench/api_access_log: what the API's access log (privacy.access_log, issue 10) costs a read,
against the same read with the logging call replaced by a no-op, in the same run.

Each variant serves GET /api/dossiers/<pk>/pieces/ and /api/dossiers/<pk>/ to a service
account, in alternating rounds so both see the same cache and load. A throw-away database
(test_bench_access_log) is created with the migrations and dropped at the end.

Run: `bash -c 'source scripts/lib.sh && ensure_database'`, then
`.venv/bin/python bench/api_access_log.py`
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["PERMIS_TEST_DB_NAME"] = "test_bench_access_log"

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ROUNDS, PER_ROUND = 9, 100


def main():
    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def run():
    from api import views
    from api.models import Scope, ServiceAccount
    from privacy.models import AccessLog
    from tests.factories import filed_dossier, make_team

    team = make_team()
    dossier = filed_dossier(team)
    _, token = ServiceAccount.create("bench", [team.commune], Scope.values)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    urls = [f"/api/dossiers/{dossier.pk}/pieces/", f"/api/dossiers/{dossier.pk}/"]
    logging = views.record_api_access
    timings = {"with the access log": [], "logging call a no-op (baseline)": []}
    for _ in range(ROUNDS):
        for label in timings:
            views.record_api_access = logging if label.startswith("with") else lambda *a: None
            start = time.perf_counter()
            for i in range(PER_ROUND):
                assert client.get(urls[i % 2]).status_code == 200
            timings[label].append((time.perf_counter() - start) / PER_ROUND * 1000)
    views.record_api_access = logging
    print(f"{AccessLog.objects.count()} access-log rows written\n")
    print("| variant | median ms per read | min ms |")
    print("|---|---|---|")
    for label, values in timings.items():
        print(f"| {label} | {statistics.median(values):.2f} | {min(values):.2f} |")


if __name__ == "__main__":
    main()
