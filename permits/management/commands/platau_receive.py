"""Reads PLAT'AU's notifications for every commune that exchanges there (also run every five
minutes by permits.tasks.platau_receive)."""

from django.core.management.base import BaseCommand

from permits.platau.connector import receive_all


class Command(BaseCommand):
    help = "Read and apply PLAT'AU notifications (prises en compte, opinions, acknowledgements)."

    def handle(self, *args, **options):
        """Fetches PLAT'AU's notifications now, as the periodic job does."""
        self.stdout.write(f"{receive_all()} notification(s) handled")
