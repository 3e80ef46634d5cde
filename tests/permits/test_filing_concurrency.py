"""50 filings at once on separate database connections, some rolled back on purpose: the
numbers stay unique and gapless per (commune, type, year) (A423-3, reference §2)."""

import threading
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from permits.filing import file_dossier
from permits.models import Dossier, NumberSequence
from permits.numbering import parse
from tests.factories import ApplicantFactory, CommuneFactory, DossierFactory, UserFactory

FILINGS = 50
WHEN = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class PlannedRollback(Exception):
    pass


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_filings_give_unique_gapless_numbers_per_commune_type_and_year():
    communes = [
        CommuneFactory(),
        CommuneFactory(insee_code="91345", name="Longjumeau", population=21000),
    ]
    depositor = UserFactory()
    plans = []  # (draft id, commune, procedure, roll back?)
    for i in range(FILINGS):
        draft = DossierFactory(
            procedure=["PCMI", "DP", "PC"][i % 3], commune=communes[i % 2], depositor=depositor
        )
        ApplicantFactory(dossier=draft)
        plans.append((draft.pk, i % 7 == 3))  # 7 of the 50 roll back after taking a number

    barrier = threading.Barrier(FILINGS)
    errors = []

    def file(draft_id, roll_back):
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                file_dossier(draft_id, now=WHEN)
                if roll_back:
                    raise PlannedRollback
        except PlannedRollback:
            pass
        except Exception as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=file, args=plan) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors
    assert not any(t.is_alive() for t in threads)
    rolled_back = {draft_id for draft_id, roll_back in plans if roll_back}
    filed = Dossier.objects.exclude(number=None)
    assert set(filed.values_list("pk", flat=True)) == {pk for pk, _ in plans} - rolled_back
    assert Dossier.objects.filter(pk__in=rolled_back, number=None, state="draft").count() == len(
        rolled_back
    )

    sequences = defaultdict(list)
    for number in filed.values_list("number", flat=True):
        parsed = parse(number)
        sequences[(parsed.commune, parsed.prefix, parsed.year)].append(int(parsed.sequence))
    assert len(sequences) == 4  # 2 communes × {PC, DP}, one year
    for key, values in sequences.items():
        assert sorted(values) == list(range(1, len(values) + 1)), key
    # The counters agree with what was filed: a rollback took its increment with it.
    counters = {s.key: s.last_value for s in NumberSequence.objects.all()}
    for (commune, prefix, _), values in sequences.items():
        assert counters[f"91{commune}/{prefix}/2026"] == len(values)
