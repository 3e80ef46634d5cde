"""The demo data loader (run by `make demo`)."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Commune, InstructionService, Membership, Role, User

pytestmark = pytest.mark.django_db


def test_demo_loads_a_commune_and_one_account_per_role(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    commune = Commune.objects.get(insee_code="91216")
    assert commune.electronic_instruction_required
    assert InstructionService.objects.get().communes.get() == commune
    assert {m.role for m in Membership.objects.all()} == set(Role.values)
    assert "instructeur / demo-instructeur-2026" in out
    assert User.objects.get(username="maire").check_password("demo-maire-2026")


def test_demo_can_be_loaded_twice_without_duplicates(capsys):
    call_command("load_demo")
    counts = (User.objects.count(), Membership.objects.count(), Commune.objects.count())
    call_command("load_demo")
    assert (User.objects.count(), Membership.objects.count(), Commune.objects.count()) == counts


def test_demo_refuses_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo")


def test_demo_has_work_for_each_role_and_creates_it_once(capsys):
    from permits.models import Dossier

    call_command("load_demo")
    call_command("load_demo")
    states = sorted(Dossier.objects.values_list("procedure", "state"))
    assert states == [("DP", "deposited"), ("PC", "awaiting_signature"),
                      ("PCMI", "under_instruction")]  # fmt: skip
