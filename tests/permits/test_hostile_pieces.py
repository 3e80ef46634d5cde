"""Hostile pieces (issue 20): each file of the corpus is refused with a French message naming
what it holds and where, nothing is stored; a plain PDF passes; what is stored is served as a
download or a sandboxed image, never as an active document of the site's origin."""

import hashlib
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from permits.models import Dossier, Piece
from permits.pieces.validation import PieceRefused, check_upload
from tests.factories import CommuneFactory, UserFactory
from tests.permits import hostile_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(client):
    CommuneFactory()
    client.force_login(UserFactory())
    assert client.post("/demarches/commencer/", {"procedure": "DP"}).status_code == 302
    return Dossier.objects.latest("pk")


def upload(client, draft, name, content):
    response = client.post(
        f"/dossiers/{draft.pk}/brouillon/pieces/",
        {"code": "DP1", "file": SimpleUploadedFile(name, content)},
    )
    return response.status_code, html.unescape(response.content.decode())


def test_the_corpus_holds_at_least_twelve_distinct_hostile_files():
    contents = [build() for _, build, _ in hostile_files.CORPUS]
    assert len(set(contents)) >= 12


@pytest.mark.parametrize(
    ("name", "build", "message"), hostile_files.CORPUS, ids=[c[0] for c in hostile_files.CORPUS]
)
def test_each_hostile_file_is_refused_with_what_and_where(client, draft, name, build, message):
    status, page = upload(client, draft, name, build())
    assert status == 200
    assert message in page
    assert not Piece.objects.exists()


def test_javascript_hidden_in_an_object_stream_is_not_visible_in_the_bytes():
    data = hostile_files.javascript_in_object_stream()
    assert b"/JavaScript" not in data and b"/JS" not in data
    with pytest.raises(PieceRefused, match="du JavaScript"):
        check_upload(SimpleUploadedFile("objstm.pdf", data))


def test_a_plain_pdf_with_an_opening_view_and_a_web_link_is_accepted(client, draft):
    _status, page = upload(client, draft, "plan.pdf", hostile_files.plain_pdf())
    assert Piece.objects.get().pages == 1, page


def test_a_pdf_piece_is_a_sandboxed_download(client, draft):
    upload(client, draft, "plan.pdf", hostile_files.plain_pdf())
    piece = Piece.objects.get()
    response = client.get(f"/dossiers/{draft.pk}/pieces/{piece.pk}/fichier/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == hostile_files.plain_pdf()  # kept as filed


def test_an_image_piece_is_shown_sandboxed(client, draft):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    upload(client, draft, "photo.png", png)
    piece = Piece.objects.get()
    response = client.get(f"/dossiers/{draft.pk}/pieces/{piece.pk}/fichier/")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"].startswith("sandbox;")


def test_a_stored_piece_of_another_type_is_served_as_plain_bytes(client, draft):
    """A row whose type is not one of the three checked at upload (older data, a tampered
    row) is never given to the browser as what it claims."""
    upload(client, draft, "plan.pdf", hostile_files.plain_pdf())
    Piece.objects.update(content_type="text/html")
    piece = Piece.objects.get()
    response = client.get(f"/dossiers/{draft.pk}/pieces/{piece.pk}/fichier/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def photo_with_position(kind: str) -> bytes:
    """A phone-like photo: orientation and GPS position (Pillow writes the EXIF)."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotated
    exif[0x8825] = {1: "N", 2: (48.0, 40.0, 12.5), 3: "E", 4: (2.0, 19.0, 30.25)}
    out = io.BytesIO()
    Image.new("RGB", (32, 24), "green").save(out, kind, exif=exif)
    return out.getvalue()


def stored_exif(piece):
    from PIL import Image

    with piece.file.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        image.load()  # the image data is still whole
        exif = image.getexif()
        return exif.get(0x0112), dict(exif.get_ifd(0x8825))


@pytest.mark.parametrize("kind", ["JPEG", "PNG"])
@pytest.mark.parametrize(("code", "kept"), [("DP1", False), ("DP7", True)])
def test_a_photo_keeps_its_position_only_where_the_law_needs_it(client, draft, code, kept, kind):
    """DP7 situates the land (R431-36 c: its point of view goes on the plans); a DP1 taken
    with a phone does not need to say where its author stood."""
    data = photo_with_position(kind)
    client.post(
        f"/dossiers/{draft.pk}/brouillon/pieces/",
        {"code": code, "file": SimpleUploadedFile(f"photo.{kind.lower()}", data)},
    )
    piece = Piece.objects.get()
    orientation, gps = stored_exif(piece)
    assert orientation == 6
    assert (gps.get(2) == (48.0, 40.0, 12.5)) is kept
    assert bool(gps) is kept
    with piece.file.open("rb") as stored:
        assert piece.sha256 == hashlib.sha256(stored.read()).hexdigest()
    assert (piece.sha256 == hashlib.sha256(data).hexdigest()) is kept
