"""Loads fixtures/demo.toml: the demo commune, its instruction service and one account per role.

Idempotent: run it again and it updates what exists, creating nothing twice.
"""

import tomllib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import (
    SERVICE_ROLES,
    Commune,
    ConsultedService,
    InstructionService,
    Membership,
    User,
)
from permits.demo_dossiers import create_demo_dossiers

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo.toml"


class Command(BaseCommand):
    help = "Charge les données de démonstration (commune, service instructeur, comptes)."

    def handle(self, *args, **options):
        """Loads the demo commune, accounts and dossiers in one transaction; refused in production
        (public passwords)."""
        if settings.PRODUCTION:
            raise CommandError(
                "load_demo refuses to run with PERMIS_ENV=production (its passwords are public)"
            )
        data = tomllib.loads(DEMO_FILE.read_text(encoding="utf-8"))
        with transaction.atomic():
            commune, service = self._place(data)
            for account in data["accounts"]:
                self._account(account, commune, service)
            created = create_demo_dossiers(
                commune,
                User.objects.get(username="demandeur"),
                User.objects.get(username="instructeur"),
            )
        for dossier in created:
            self.stdout.write(
                f"Dossier de démonstration : {dossier.display_number} "
                f"({dossier.get_state_display()})"
            )
        self.stdout.write(f"Commune de démonstration : {commune}")
        self.stdout.write("Comptes de démonstration (identifiant / mot de passe) :")
        for account in data["accounts"]:
            self.stdout.write(
                f"  {account['label']:<48} {account['username']} / {account['password']}"
            )

    def _place(self, data):
        commune, _ = Commune.objects.update_or_create(
            insee_code=data["commune"]["insee_code"],
            defaults={"name": data["commune"]["name"], "population": data["commune"]["population"]},
        )
        service, _ = InstructionService.objects.update_or_create(
            name=data["service"]["name"], defaults={"email": data["service"]["email"]}
        )
        service.communes.add(commune)
        for body in data.get("consulted_services", []):
            ConsultedService.objects.update_or_create(
                name=body["name"], defaults={"kind": body["kind"], "email": body["email"]}
            )
        return commune, service

    def _account(self, account, commune, service):
        user, created = User.objects.get_or_create(username=account["username"])
        user.first_name = account["first_name"]
        user.last_name = account["last_name"]
        user.email = account["email"]
        user.is_superuser = user.is_staff = account.get("superuser", False)
        if created or not user.check_password(account["password"]):
            user.set_password(account["password"])
        user.save()
        role = account["role"]
        if role:
            if account.get("consulted_service"):
                place = {
                    "consulted_service": ConsultedService.objects.get(
                        name=account["consulted_service"]
                    )
                }
            elif role in SERVICE_ROLES:
                place = {"service": service}
            else:
                place = {"commune": commune}
            delegation = {k: account.get(k) for k in ("valid_from", "valid_until")}
            delegation["delegation_reference"] = account.get("delegation_reference", "")
            Membership.objects.update_or_create(
                user=user,
                role=role,
                **place,
                defaults={"title": account.get("title", ""), **delegation},
            )
