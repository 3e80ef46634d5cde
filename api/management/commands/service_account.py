"""Create a service account, or issue a new token for one: the token is printed once."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Commune
from api.models import Scope, ServiceAccount


class Command(BaseCommand):
    help = "Crée un compte de service (ou renouvelle son jeton) et affiche le jeton une fois."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--commune", action="append", default=[], help="INSEE code")
        parser.add_argument(
            "--scope", action="append", default=[], choices=Scope.values, help="default: all"
        )
        parser.add_argument("--rotate", action="store_true", help="new token, same account")

    def handle(self, name, commune, scope, rotate, **options):
        """Creates an account (or rotates its token) and prints the token once: only its hash is
        kept."""
        if rotate:
            account = ServiceAccount.objects.filter(name=name).first()
            if account is None:
                raise CommandError(f"no service account named {name!r}")
            token = account.issue_token()
            account.save(update_fields=["token_hash", "token_hint"])
        else:
            communes = list(Commune.objects.filter(insee_code__in=commune))
            missing = set(commune) - {c.insee_code for c in communes}
            if not commune or missing:
                raise CommandError(
                    f"unknown or missing communes: {sorted(missing) or 'none given'}"
                )
            if ServiceAccount.objects.filter(name=name).exists():
                raise CommandError(f"{name!r} exists; use --rotate for a new token")
            account, token = ServiceAccount.create(name, communes, scope or Scope.values)
        self.stdout.write(token)
