"""Prints the current second-factor code of a demo account (the demo has no phone at hand)."""

import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import TOTPDevice


class Command(BaseCommand):
    help = "Affiche le code à 6 chiffres en cours d'un compte de démonstration."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if settings.PRODUCTION:
            raise CommandError("totp_code refuses to run with PERMIS_ENV=production")
        device = TOTPDevice.objects.filter(user__username=username).first()
        if device is None:
            raise CommandError(
                f"{username} has no second factor yet: sign in once to see the set-up page"
            )
        self.stdout.write(pyotp.TOTP(device.secret).now())
