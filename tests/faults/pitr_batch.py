"""Run in its own process by tests/faults/test_point_in_time.py, on the cluster whose WAL is
archived: files dossiers (a piece each, the receipt signed), takes the database's clock as the
restore target, files more, and prints the dossier ids on each side of it as JSON. One process
for both sides: the team and the PKI's signatory are made once."""

import json
import sys


def main(per_side: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from permits.decisions.issuing import sign_pending
    from permits.filing import file_dossier
    from permits.models.documents import IssuedDocument
    from tests.faults._data import ready_draft, signing_team

    team = signing_team()

    def file_some() -> list[int]:
        ids = []
        for _ in range(per_side):
            dossier = file_dossier(ready_draft(team).pk, now=timezone.now())
            sign_pending(IssuedDocument.objects.get(dossier=dossier).pk)
            ids.append(dossier.pk)
        return ids

    before = file_some()
    with connection.cursor() as cursor:  # after the commits above, before those below
        cursor.execute("SELECT clock_timestamp()")
        target = cursor.fetchone()[0]
    after = file_some()
    json.dump({"before": before, "target": target.isoformat(), "after": after}, sys.stdout)


if __name__ == "__main__":
    import django

    django.setup()
    main(int(sys.argv[1]))
