"""Filing a dossier: number, state and the guarantees of A423-3 (reference §2)."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction

from permits.filing import AlreadyFiled, FilingError, create_draft, file_dossier
from permits.models import NumberSequence
from tests.factories import ApplicantFactory, CommuneFactory, DossierFactory
from workflow.states import State
from workflow.timers import sweep

pytestmark = pytest.mark.django_db

JUNE_2026 = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


def filed(procedure="PCMI", commune=None, when=JUNE_2026, parent=None):
    # A follow-up is filed by the holder of the autorisation.
    holder = {"depositor": parent.depositor} if parent else {}
    dossier = DossierFactory(
        procedure=procedure, commune=commune or CommuneFactory(), parent=parent, **holder
    )
    ApplicantFactory(dossier=dossier)
    return file_dossier(dossier.pk, now=when)


def test_filing_gives_the_a423_3_number_and_the_deposited_state():
    dossier = filed()
    assert dossier.state == State.DEPOSITED
    assert dossier.number == "PC0912162600001"
    assert dossier.display_number == "PC 091 216 26 00001"
    assert dossier.filed_at == JUNE_2026


def test_pcmi_and_pc_share_the_pc_sequence_while_dp_has_its_own():
    numbers = [filed(p).display_number for p in ("PCMI", "PC", "DP", "DPLT", "PCMI")]
    assert numbers == [
        "PC 091 216 26 00001",
        "PC 091 216 26 00002",
        "DP 091 216 26 00001",
        "DP 091 216 26 00002",
        "PC 091 216 26 00003",
    ]


def test_each_commune_and_each_year_has_its_own_sequence():
    other = CommuneFactory(insee_code="91345", name="Longjumeau", population=21000)
    assert filed().display_number == "PC 091 216 26 00001"
    assert filed(commune=other).display_number == "PC 091 345 26 00001"
    next_year = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    assert filed(when=next_year).display_number == "PC 091 216 27 00001"


def test_the_year_is_the_french_calendar_year():
    # 23:30 UTC on 31 December 2026 is already 1 January 2027 in Paris.
    new_year_in_paris = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert filed(when=new_year_in_paris).display_number == "PC 091 216 27 00001"


def test_certificates_of_both_kinds_are_numbered_cu():
    assert filed("CUA").display_number == "CU 091 216 26 00001"
    assert filed("CUB").display_number == "CU 091 216 26 00002"


def test_follow_ups_keep_the_parent_number_with_their_own_suffix_sequence():
    parent = filed("PC")
    sweep(date(2026, 9, 16))  # 15 June + 3 months: tacit permit, executory (L424-8)
    parent.refresh_from_db()
    assert parent.state == State.EXECUTORY
    assert filed("MODIFICATIF", parent=parent).display_number == "PC 091 216 26 00001 M01"
    assert filed("MODIFICATIF", parent=parent).display_number == "PC 091 216 26 00001 M02"
    assert filed("TRANSFERT", parent=parent).display_number == "PC 091 216 26 00001 T01"
    assert filed("DOC", parent=parent).display_number == "PC 091 216 26 00001 D01"
    assert filed("DAACT", parent=parent).display_number == "PC 091 216 26 00001 A01"
    parent.refresh_from_db()
    assert parent.state == State.WORKS_COMPLETED  # the DOC and the DAACT moved the permit
    # Follow-ups do not consume numbers of the commune's PC sequence.
    assert filed("PC").display_number == "PC 091 216 26 00002"


def test_a_follow_up_without_parent_is_refused_in_french():
    dossier = DossierFactory(procedure="MODIFICATIF")
    ApplicantFactory(dossier=dossier)
    with pytest.raises(FilingError, match="autorisation d'origine"):
        file_dossier(dossier.pk, now=JUNE_2026)


def test_dwellings_without_floor_area_are_refused_at_filing_and_nothing_is_written():
    dossier = DossierFactory(dwellings_created=2, floor_area_created_m2=None)
    ApplicantFactory(dossier=dossier)
    with pytest.raises(FilingError, match="sans indiquer la surface de plancher créée"):
        file_dossier(dossier.pk, now=JUNE_2026)
    dossier.refresh_from_db()
    assert dossier.state == State.DRAFT and dossier.number is None
    assert dossier.dwellings_created == 2  # the answer is kept, to be completed
    dossier.floor_area_created_m2 = 150
    dossier.save()
    assert file_dossier(dossier.pk, now=JUNE_2026).state == State.DEPOSITED


def test_filing_twice_is_refused_and_keeps_the_first_number():
    dossier = filed()
    with pytest.raises(AlreadyFiled) as refused:
        file_dossier(dossier.pk)
    assert refused.value.dossier.number == dossier.number
    assert "déjà été déposé" in str(refused.value)
    assert filed().display_number == "PC 091 216 26 00002"


def test_a_refused_filing_leaves_the_draft_untouched_and_consumes_no_number():
    dossier = DossierFactory()  # no applicant
    with pytest.raises(FilingError, match="au moins un demandeur"):
        file_dossier(dossier.pk, now=JUNE_2026)
    dossier.refresh_from_db()
    assert dossier.state == State.DRAFT and dossier.number is None
    assert not NumberSequence.objects.exists()
    assert filed().display_number == "PC 091 216 26 00001"


def test_a_rolled_back_filing_gives_its_number_to_the_next_one():
    dossier = DossierFactory()
    ApplicantFactory(dossier=dossier)
    with pytest.raises(RuntimeError), transaction.atomic():
        file_dossier(dossier.pk, now=JUNE_2026)
        raise RuntimeError("the receipt could not be stored")
    dossier.refresh_from_db()
    assert dossier.state == State.DRAFT and dossier.number is None
    assert filed().display_number == "PC 091 216 26 00001"


def test_drafts_record_the_cerfa_of_their_procedure():
    draft = create_draft(procedure="pcmi", commune=CommuneFactory())
    assert draft.procedure == "PCMI"
    assert draft.cerfa.startswith("13406*")
    assert draft.state == State.DRAFT


@pytest.mark.django_db(transaction=True)
def test_the_number_sequence_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="transaction"):
        NumberSequence.next_value("91216/PC/2026")


def test_the_state_cannot_be_assigned_directly():
    dossier = filed()
    with pytest.raises(AttributeError):
        dossier.state = State.DRAFT


def test_a_failed_reload_leaves_the_state_protected():
    """django_fsm lifts the protection during refresh_from_db and restored it only on
    success; workflow.models.instruction restores it whatever happens."""
    dossier = filed()
    with pytest.raises(FieldDoesNotExist):
        dossier.refresh_from_db(fields=["no_such_field"])
    with pytest.raises(AttributeError):
        filed().state = State.DRAFT


def test_a_modificatif_of_a_permit_still_under_instruction_is_refused():
    parent = filed("PC")
    with pytest.raises(FilingError, match="en cours de validité"):
        filed("MODIFICATIF", parent=parent)


def test_a_daact_before_the_doc_is_refused_and_consumes_no_number():
    parent = filed("PC")
    sweep(date(2026, 9, 16))
    parent.refresh_from_db()
    with pytest.raises(FilingError, match="ouverture du chantier"):
        filed("DAACT", parent=parent)
    assert filed("DOC", parent=parent).display_number == "PC 091 216 26 00001 D01"
    assert filed("DAACT", parent=parent).display_number == "PC 091 216 26 00001 A01"


def test_prorogation_must_be_asked_two_months_before_expiry():
    parent = filed("PC")
    sweep(date(2026, 9, 16))
    parent.refresh_from_db()
    late = datetime(2029, 8, 1, 10, 0, tzinfo=UTC)  # validity ends mid-September 2029
    with pytest.raises(FilingError, match="R424-22"):
        filed("PROROGATION", parent=parent, when=late)
    in_time = datetime(2029, 6, 1, 10, 0, tzinfo=UTC)
    child = filed("PROROGATION", parent=parent, when=in_time)
    assert child.display_number == "PC 091 216 26 00001 R01"
    # R424-23: silence for 2 months grants it; the permit gains one year.
    before = parent.deadline("validity_end").date
    sweep(date(2029, 8, 2))
    parent.refresh_from_db()
    child.refresh_from_db()
    assert child.state == State.TACIT_GRANTED
    assert parent.prorogations_granted == 1
    assert parent.deadline("validity_end").date == before.replace(year=before.year + 1)
