"""Communes, instruction services and memberships."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import Commune, Membership, Role
from tests.factories import CommuneFactory, InstructionServiceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("population", "required"), [(3499, False), (3500, False), (3501, True)])
def test_electronic_instruction_is_compulsory_above_3500_inhabitants(population, required):
    # L423-3: "plus de 3 500 habitants".
    assert (
        Commune(insee_code="91216", name="X", population=population).electronic_instruction_required
        is required
    )


@pytest.mark.parametrize(
    ("insee", "department"), [("91216", "91"), ("2A004", "2A"), ("97105", "971"), ("01001", "01")]
)
def test_department_comes_from_the_insee_code(insee, department):
    assert Commune(insee_code=insee, name="X", population=1).department_code == department


@pytest.mark.parametrize("insee", ["9121", "912166", "2C004", "ABCDE"])
def test_invalid_insee_codes_are_refused_in_french(insee):
    with pytest.raises(ValidationError, match="Code INSEE invalide"):
        Commune(insee_code=insee, name="X", population=1).full_clean()


def test_a_service_instructs_several_communes():
    first = CommuneFactory()
    second = CommuneFactory(insee_code="91345", name="Longjumeau", population=21000)
    service = InstructionServiceFactory(communes=[first, second])
    assert set(service.communes.all()) == {first, second}
    assert list(first.instruction_services.all()) == [service]


def test_a_membership_names_exactly_one_place():
    user = UserFactory()
    commune = CommuneFactory()
    service = InstructionServiceFactory(communes=[commune])
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=user, role=Role.SIGNATORY, commune=commune, service=service)


def test_an_officer_belongs_to_an_instruction_service():
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=UserFactory(), role=Role.OFFICER, commune=CommuneFactory())
