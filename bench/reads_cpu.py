"""bench/reads_cpu: CPU and wall time per request, in process (Django's test client), of the
pages with a budget in bench/load, on its bench_load database (seed it with bench/load.py
first). Run from a work tree to measure that tree's code; run two trees alternately to compare
them on the same rows (the machine is shared: CPU time moves less than wall time under load).

    .venv/bin/python bench/reads_cpu.py [--requests N]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = (
    f"postgis://permis:permis@127.0.0.1:{os.environ.get('PERMIS_PG_PORT', '5439')}/bench_load"
)
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
os.environ["PERMIS_LOG_LEVEL"] = "WARNING"

import django  # noqa: E402
from django.conf import settings  # noqa: E402

# Static files from the finders, as bench/load: no collectstatic needed.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
django.setup()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    from django.test import Client

    from accounts.models import Commune, User
    from api.models import Scope, ServiceAccount
    from permits.models import Dossier

    officer = User.objects.get(username="bench_officer")
    applicant = User.objects.get(username="bench_applicant")
    account, token = ServiceAccount.create(
        f"bench-cpu-{os.getpid()}",
        Commune.objects.filter(insee_code__startswith="912"),
        Scope.values,
    )
    ids = list(
        Dossier.objects.filter(depositor=applicant)
        .order_by("id")
        .values_list("id", flat=True)[: args.requests]
    )
    as_officer, as_applicant, api = Client(), Client(), Client()
    as_officer.force_login(officer)
    as_applicant.force_login(applicant)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    pages = {
        "worklist": lambda i: as_officer.get("/instruction/"),
        "follow": lambda i: as_applicant.get(f"/dossiers/{ids[i % len(ids)]}/"),
        "api_list": lambda i: api.get("/api/dossiers/?state=under_instruction", **bearer),
        "api_detail": lambda i: api.get(f"/api/dossiers/{ids[i % len(ids)]}/", **bearer),
    }
    results = {}
    try:
        for name, get in pages.items():
            for i in range(20):  # warm: caches, prepared statements
                assert get(i).status_code == 200, name
            cpu, wall = [], []
            for i in range(args.requests):
                c0, w0 = time.process_time(), time.perf_counter()
                get(i)
                cpu.append(time.process_time() - c0)
                wall.append(time.perf_counter() - w0)
            results[name] = {
                "cpu_ms": round(statistics.median(cpu) * 1000, 2),
                "wall_ms": round(statistics.median(wall) * 1000, 2),
            }
    finally:
        ServiceAccount.objects.filter(pk=account.pk).update(is_active=False)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    print(json.dumps({"tree": str(ROOT), "commit": commit, "load": os.getloadavg()[0], **results}))


if __name__ == "__main__":
    main()
