"""Factories for the test data (factory_boy)."""

import factory

from accounts.models import Commune, InstructionService, Membership, Role, User
from permits.models import Applicant, Dossier
from workflow import procedures


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["insee_code"]

    insee_code = "91216"
    name = "Épinay-sur-Orge"
    population = 11170


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("un-mot-de-passe-de-test")


class InstructionServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstructionService
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Service urbanisme {n}")

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if create and extracted:
            self.communes.add(*extracted)


class OfficerFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def service(self, create, extracted, **kwargs):
        if create and extracted:
            Membership.objects.create(user=self, role=Role.OFFICER, service=extracted)


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    procedure = "PCMI"
    cerfa = factory.LazyAttribute(lambda d: procedures.get(d.procedure).cerfa_full or "")
    commune = factory.SubFactory(CommuneFactory)
    depositor = factory.SubFactory(UserFactory)
    description = "Construction d'une maison individuelle"


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Applicant

    dossier = factory.SubFactory(DossierFactory)
    civility = "madame"
    birth_name = "Martin"
    given_names = "Camille"
    email = "camille.martin@example.org"


def make_team(commune=None):
    """A commune with its instruction service, an officer, a mayor, a consultee and an
    applicant: the people a dossier meets."""
    from types import SimpleNamespace

    commune = commune or CommuneFactory()
    service = InstructionServiceFactory(communes=[commune])
    officer = UserFactory(first_name="Nora", last_name="Benali")
    Membership.objects.create(user=officer, role=Role.OFFICER, service=service)
    mayor = UserFactory(first_name="Jean", last_name="Durand")
    Membership.objects.create(user=mayor, role=Role.SIGNATORY, commune=commune, title="Maire")
    consultee = UserFactory(first_name="Luc", last_name="Moreau")
    Membership.objects.create(user=consultee, role=Role.CONSULTEE, commune=commune)
    applicant = UserFactory(first_name="Camille", last_name="Martin")
    return SimpleNamespace(
        commune=commune,
        service=service,
        officer=officer,
        mayor=mayor,
        consultee=consultee,
        applicant=applicant,
    )


def filed_dossier(team, procedure="PCMI", on=None, parent=None, **fields):
    """A dossier filed by the team's applicant on `on` (10:00, Paris time)."""
    from datetime import date, datetime, time
    from zoneinfo import ZoneInfo

    from permits.filing import file_dossier

    on = on or date(2026, 1, 5)
    draft = DossierFactory(
        procedure=procedure, commune=team.commune, depositor=team.applicant, parent=parent, **fields
    )
    ApplicantFactory(dossier=draft)
    when = datetime.combine(on, time(10), tzinfo=ZoneInfo("Europe/Paris"))
    return file_dossier(draft.pk, now=when)
