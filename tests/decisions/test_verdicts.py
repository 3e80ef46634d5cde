"""/verifier's verdicts (issue 20 §5): one reason each, in the order of precedence — no
signature, unreadable file, altered content, unknown signer, several signatures, signature not
covering the file. Every PDF is built here: rendered, then sealed, signed, emptied or damaged."""

import re
from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, append_signature_field

from permits.decisions import pki
from permits.decisions.content import recepisse_content
from permits.decisions.facts import Author
from permits.decisions.rendering import render_pdf
from permits.decisions.signing import seal_document, sign_document
from permits.decisions.verification import Verdict, check_pdf
from tests.decisions.conftest import FACTS, PASSPHRASE

OFFICER = Author(3, "Nora", "Benali", "Instructrice", "Service urbanisme")


@pytest.fixture(scope="module")
def letter(pki_dir):
    """A receipt as the commune renders it, not yet sealed."""
    content = recepisse_content(
        FACTS, OFFICER, reference="URBA2026_00007", issued_on=date(2026, 3, 2)
    )
    return render_pdf(content.as_dict())


@pytest.fixture(scope="module")
def sealed(letter):
    return seal_document(letter, insee_code="91216", reason="test", location="Épinay-sur-Orge")[0]


@pytest.fixture(scope="module")
def foreign_key(pki_dir, tmp_path_factory):
    """A key of the same name as the mayor's, certified by another authority."""
    other = tmp_path_factory.mktemp("other-pki")
    subject = pki.signatory_subject("Jean", "Durand", "Maire", "Épinay-sur-Orge")
    pki.write_pkcs12_signatory(
        other, pki.create_ca("Ailleurs"), PASSPHRASE.encode(), key_name="faussaire", subject=subject
    )
    target = pki_dir / "signatories" / "faussaire.p12"
    target.write_bytes((other / "signatories" / "faussaire.p12").read_bytes())
    yield "faussaire"
    target.unlink()


def sign(pdf: bytes, key_name: str, field: str = "SignatureMaire") -> bytes:
    return sign_document(
        pdf, key_name=key_name, reason="test", location="Épinay-sur-Orge", field_name=field
    )[0]


def flip_inside_signed_range(data: bytes) -> bytes:
    """One byte changed in the page content's dictionary, inside the first signed range."""
    data = bytearray(data)
    index = data.index(b"/Type /Page")
    data[index + 1] ^= 0x01
    return bytes(data)


def with_empty_field(pdf: bytes, *, placeholder: bool) -> bytes:
    """A readable PDF with a signature field that signs nothing: no value at all or, with
    `placeholder`, a signature dictionary whose /Contents was never filled."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    append_signature_field(writer, SigFieldSpec("Signature1"))
    if placeholder:
        field = writer.root["/AcroForm"]["/Fields"][0].get_object()
        field["/V"] = writer.add_object(
            generic.DictionaryObject(
                {
                    generic.NameObject("/Type"): generic.NameObject("/Sig"),
                    generic.NameObject("/Filter"): generic.NameObject("/Adobe.PPKLite"),
                    generic.NameObject("/SubFilter"): generic.NameObject("/ETSI.CAdES.detached"),
                    generic.NameObject("/ByteRange"): generic.ArrayObject(
                        [generic.NumberObject(0)] * 4
                    ),
                    generic.NameObject("/Contents"): generic.ByteStringObject(b"\x00" * 64),
                }
            )
        )
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def with_garbage_signature(data: bytes) -> bytes:
    """The CMS in /Contents replaced by non-DER bytes of the same length (outside the signed
    ranges, so the file still parses)."""
    match = re.search(rb"/Contents <([0-9a-fA-F]+)>", data)
    start, end = match.span(1)
    return data[:start] + b"41" * ((end - start) // 2) + data[end:]


def appended_update(data: bytes) -> bytes:
    """A harmless-looking revision (page labels) written after the signature."""
    writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    writer.root["/PageLabels"] = generic.DictionaryObject(
        {generic.NameObject("/Nums"): generic.ArrayObject()}
    )
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def assert_verdict(data: bytes, verdict: Verdict):
    report = check_pdf(data)
    assert not report.valid
    assert report.verdict == verdict.code
    assert report.problems == (verdict.message,)  # one reason, never a list of them
    return report


def test_the_commune_s_seal_is_valid_and_told_from_a_person_s_signature(letter, sealed):
    report = check_pdf(sealed)
    assert report.valid and report.verdict == "valid" and report.problems == ()
    assert report.sealed and report.signer_organisation == "Commune d'Épinay-sur-Orge"
    signed = check_pdf(sign(letter, "maire"))
    assert signed.valid and not signed.sealed and signed.signer_name == "Jean DURAND"


def test_no_signature(letter):
    assert_verdict(letter, Verdict.NO_SIGNATURE)


@pytest.mark.parametrize("placeholder", [False, True], ids=["empty-field", "unfilled-value"])
def test_a_readable_pdf_with_an_empty_signature_field_has_no_signature(letter, placeholder):
    assert_verdict(with_empty_field(letter, placeholder=placeholder), Verdict.NO_SIGNATURE)


def test_unreadable_file(sealed):
    assert_verdict(b"%PDF-1.7\n\x00\x01 garbage", Verdict.UNREADABLE)
    assert_verdict(with_garbage_signature(sealed), Verdict.UNREADABLE)


def test_altered_content_of_the_commune_s_own_seal_is_not_called_an_unknown_signer(sealed):
    report = assert_verdict(flip_inside_signed_range(sealed), Verdict.ALTERED)
    assert not any("autorité" in p or "reconnu" in p for p in report.problems)


def test_altered_content_comes_before_an_unknown_signer(letter, foreign_key):
    assert_verdict(flip_inside_signed_range(sign(letter, foreign_key)), Verdict.ALTERED)


def test_unknown_signer(letter, foreign_key):
    assert_verdict(sign(letter, foreign_key), Verdict.UNKNOWN_SIGNER)


def test_an_unknown_signer_comes_before_several_signatures(sealed, foreign_key):
    resigned = sign(sealed, foreign_key)  # the commune's file, signed again by someone else
    assert_verdict(resigned, Verdict.UNKNOWN_SIGNER)


def test_several_signatures(sealed):
    assert_verdict(sign(sealed, "maire"), Verdict.SEVERAL_SIGNATURES)  # both trusted, intact


def test_signature_not_covering_the_file(sealed):
    assert_verdict(appended_update(sealed), Verdict.PARTIAL_COVERAGE)


# --- the page --------------------------------------------------------------------------------


def upload(client, data: bytes) -> str:
    file = SimpleUploadedFile("document.pdf", data, content_type="application/pdf")
    return client.post(reverse("decisions:verify"), {"document": file}).content.decode()


@pytest.mark.django_db
def test_the_page_says_cachet_de_la_commune_or_signe_par(client, letter, sealed):
    html = upload(client, sealed)
    assert "Cachet de la commune" in html and "Commune d&#x27;Épinay-sur-Orge" in html
    assert "Signé par" not in html
    html = upload(client, sign(letter, "maire"))
    assert "Signé par" in html and "Jean DURAND, Maire" in html
    assert "Cachet de la commune" not in html


@pytest.mark.django_db
def test_the_page_gives_the_one_reason(client, letter, sealed):
    html = upload(client, flip_inside_signed_range(sealed))
    assert 'data-verdict="altered"' in html
    assert "a été modifié après la signature" in html
    assert "autorité reconnue" not in html
    html = upload(client, with_empty_field(letter, placeholder=False))
    assert 'data-verdict="no_signature"' in html and "illisible" not in html
