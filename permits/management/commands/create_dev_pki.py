"""Creates the development PKI: the commune CA, its CRL, a time-stamping unit, the commune's
organisation seal and one PKCS#12 certificate per signatory (permits.decisions.pki).
Idempotent: existing files are kept, and only what has no certificate gets one. Keys are
encrypted with PERMIS_PKI_PASSPHRASE.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Commune, Membership, Role
from permits.decisions import conf, pki
from permits.decisions.content import commune_organisation


class Command(BaseCommand):
    help = "Crée la PKI de développement (AC, cachet de la commune, certificats des signataires)."

    def add_arguments(self, parser):
        parser.add_argument("--commune", help="code INSEE de la commune (par défaut : la première)")

    def handle(self, *args, **options):
        """Creates the development PKI for a commune; refused in production, where certificates are
        real."""
        if settings.PRODUCTION:
            raise CommandError(
                "create_dev_pki refuses PERMIS_ENV=production: use real certificates"
            )
        communes = Commune.objects.all()
        if options["commune"]:
            communes = communes.filter(insee_code=options["commune"])
        commune = communes.first()
        if commune is None:
            raise CommandError("no commune: run load_demo first, or give --commune")
        directory, passphrase = conf.pki_dir(), conf.pki_passphrase()
        ca = pki.ensure_authorities(directory, passphrase, commune.name)
        self.stdout.write(f"AC : {directory / 'ca.pem'}")
        seal = directory / "seals" / f"{pki.seal_key_name(commune.insee_code)}.p12"
        if seal.exists():
            self.stdout.write(f"  cachet de la commune : certificat existant ({seal})")
        else:
            pki.write_pkcs12_seal(
                directory,
                ca,
                passphrase,
                organisation=commune_organisation(commune.name),
                insee_code=commune.insee_code,
            )
            self.stdout.write(f"  cachet de la commune : certificat créé ({seal})")
        memberships = Membership.objects.filter(role=Role.SIGNATORY, commune=commune)
        for membership in memberships.select_related("user"):
            user = membership.user
            path = directory / "signatories" / f"{user.get_username()}.p12"
            if path.exists():
                self.stdout.write(f"  {user.get_username()} : certificat existant ({path})")
                continue
            subject = pki.signatory_subject(
                user.first_name or user.get_username(),
                user.last_name or user.get_username(),
                membership.title or "Maire",
                commune.name,
            )
            pki.write_pkcs12_signatory(
                directory, ca, passphrase, key_name=user.get_username(), subject=subject
            )
            self.stdout.write(f"  {user.get_username()} : certificat créé ({path})")
