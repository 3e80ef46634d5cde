"""How many dossiers each commune has in each state, kept by the database itself.

A trigger on permits_dossier (migration 0012) appends +1 for the new (commune, state) and -1
for the old one at every insert, delete, or change of state or commune, whoever writes the
row (the ORM, a bulk update, psql). Appending never waits on another transaction, and a count
is the sum of a few rows (permits.state_counts), not a scan of every dossier.
`permits.state_counts.compact` folds the rows into one per (commune, state) now and then.
"""

from django.db import models


class StateCount(models.Model):
    # Indexed by permits_count_sum, which starts with it.
    commune = models.ForeignKey(
        "accounts.Commune", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    state = models.CharField(max_length=30)
    delta = models.IntegerField()

    class Meta:
        indexes = [  # the sums read this index only, one range per commune
            models.Index(fields=["commune", "state"], include=["delta"], name="permits_count_sum")
        ]

    def __str__(self):
        return f"{self.commune_id} {self.state} {self.delta:+d}"
