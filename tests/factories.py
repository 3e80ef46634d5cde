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
