"""A counter team: the journey's team plus a guichet agent of the commune, and a 91216 parcel."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from accounts.models import Membership, Role
from cadastre.models import Parcel
from tests.factories import UserFactory, make_team


@pytest.fixture
def counter_team(db):
    return make_counter_team()


def make_counter_team():
    team = make_team()
    team.mayor.username = "maire"  # the development PKI's key names
    team.mayor.save()
    team.guichet = UserFactory(first_name="Inès", last_name="Roche")
    Membership.objects.create(user=team.guichet, role=Role.GUICHET, commune=team.commune)
    return team


def scan_pdf(pages: int, name: str = "scan.pdf") -> SimpleUploadedFile:
    """A real PDF of `pages` blank A4 pages, as a scanner's output reaches the server."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), "application/pdf")


def a_parcel_idu() -> str:
    return Parcel.objects.filter(commune="91216").order_by("idu").values_list("idu", flat=True)[0]
