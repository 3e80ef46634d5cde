"""Gapless counters for dossier numbers (A423-3: continuous numbering per type).

A counter row is incremented with one `INSERT … ON CONFLICT DO UPDATE … RETURNING` inside the
filing transaction. The row stays locked until that transaction ends: concurrent filings for the
same (commune, type, year) wait for each other, and a filing that rolls back takes its increment
with it, so no number is ever skipped or given twice. A PostgreSQL SEQUENCE would not do: it is
not transactional and leaves gaps on rollback.
"""

from django.db import connection, models


class NumberSequence(models.Model):
    # "91216/PC/2026" for an autorisation; "PC0912162600001/M" for its modificatifs.
    key = models.CharField(max_length=40, unique=True)
    last_value = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.key}: {self.last_value}"

    @classmethod
    def next_value(cls, key: str) -> int:
        """The next number of a sequence without gaps (A423-3): row-locked until the filing's
        transaction ends."""
        if not connection.in_atomic_block:
            # Outside a transaction the lock would be released at once and a later failure
            # of the filing would leave a gap.
            raise RuntimeError("NumberSequence.next_value must run inside transaction.atomic()")
        table = cls._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {table} (key, last_value) VALUES (%s, 1)
                    ON CONFLICT (key) DO UPDATE SET last_value = {table}.last_value + 1
                    RETURNING last_value""",  # noqa: S608 (table name from the model)
                [key],
            )
            return cursor.fetchone()[0]
