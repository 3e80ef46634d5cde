"""Key sources and PAdES levels: PKCS#11 (SoftHSM2), time-stamped B-T and B-LT, trust, dev PKI."""

import subprocess
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key, pkcs12
from django.core.management import call_command

from accounts.models import Membership, Role
from permits.decisions import pki
from permits.decisions.content import Judgement, decision_content
from permits.decisions.rendering import render_pdf
from permits.decisions.signing import seal_document, sign_document
from permits.decisions.verification import check_pdf
from tests.decisions.conftest import FACTS, MAYOR, PASSPHRASE, assert_pdfsig_valid
from tests.factories import CommuneFactory, UserFactory
from workflow.outcomes import Outcome

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"


@pytest.fixture(scope="module")
def arrete_pdf(pki_dir):
    content = decision_content(
        FACTS,
        Judgement(Outcome.GRANT),
        MAYOR,
        reference="URBA2026_00042",
        issued_on=date(2026, 5, 4),
    )
    return render_pdf(content.as_dict())


def _sign(pdf, key_name="maire"):
    signed, level = sign_document(pdf, key_name=key_name, reason="test", location="Épinay-sur-Orge")
    return signed, level


def test_b_b_is_the_default_without_a_time_stamp_authority(arrete_pdf, monkeypatch):
    monkeypatch.delenv("PERMIS_TSA_URL", raising=False)
    signed, level = _sign(arrete_pdf)
    assert level == "B-B"
    assert not check_pdf(signed).timestamped


@pytest.mark.slow
@pytest.mark.parametrize("level", ["B-T", "B-LT"])
def test_a_configured_tsa_gives_time_stamped_signatures_still_covering_the_whole_file(
    arrete_pdf, monkeypatch, tmp_path, level
):
    monkeypatch.setenv("PERMIS_TSA_URL", "dev")  # the development PKI's local TSA
    monkeypatch.setenv("PERMIS_PADES_LEVEL", level)
    signed, used = _sign(arrete_pdf)
    assert used == level
    report = check_pdf(signed)
    assert report.valid, report.problems
    assert report.timestamped
    assert (b"/DSS" in signed) is (level == "B-LT")
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    assert_pdfsig_valid(path)


@pytest.mark.slow
def test_a_signature_from_another_authority_is_not_valid(
    arrete_pdf, pki_dir, tmp_path, monkeypatch
):
    other = tmp_path / "other-pki"
    other_ca = pki.create_ca("Ailleurs")
    pki.write_pkcs12_signatory(
        other,
        other_ca,
        PASSPHRASE.encode(),
        key_name="faussaire",
        subject=pki.signatory_subject("Jean", "Durand", "Maire", "Épinay-sur-Orge"),
    )
    (pki_dir / "signatories" / "faussaire.p12").write_bytes(
        (other / "signatories" / "faussaire.p12").read_bytes()
    )
    signed, _ = _sign(arrete_pdf, key_name="faussaire")
    report = check_pdf(signed)
    assert not report.valid
    assert any("autorité reconnue" in p for p in report.problems)


@pytest.fixture
def softhsm(tmp_path, monkeypatch, pki_dir, ca):
    """A SoftHSM2 token in a temporary folder; `key_in_token(label, subject, folder)` generates
    a key pair inside it and certifies it, the certificate in PERMIS_PKI_DIR/<folder>."""
    import pkcs11
    from pkcs11 import Attribute, KeyType
    from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters

    tokens = tmp_path / "tokens"
    tokens.mkdir()
    config = tmp_path / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(config))
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            "permis-test",
            "--pin",
            "1234",
            "--so-pin",
            "5678",
        ],
        check=True,
        capture_output=True,
    )
    token = pkcs11.lib(SOFTHSM_MODULE).get_token(token_label="permis-test")
    written = {}

    def key_in_token(label, subject, folder="signatories"):
        with token.open(rw=True, user_pin="1234") as session:
            params = session.create_domain_parameters(
                KeyType.EC,
                {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
                local=True,
            )
            public, _private = params.generate_keypair(store=True, label=label, id=b"\x01")
            public_key = load_der_public_key(encode_ec_public_key(public))
        assert isinstance(public_key.curve, ec.SECP256R1)
        path = pki_dir / folder / f"{label}.pem"
        written.setdefault(path, path.read_bytes() if path.exists() else None)
        path.write_bytes(pki._pem(pki.issue(ca, public_key, subject)))

    monkeypatch.setenv("PERMIS_SIGNING_BACKEND", "pkcs11")
    monkeypatch.setenv("PERMIS_PKCS11_MODULE", SOFTHSM_MODULE)
    monkeypatch.setenv("PERMIS_PKCS11_TOKEN", "permis-test")
    monkeypatch.setenv("PERMIS_PKCS11_PIN", "1234")
    yield key_in_token
    for path, before in written.items():  # the session's PKI as it was
        if before is None:
            path.unlink()
        else:
            path.write_bytes(before)


@pytest.fixture
def softhsm_token(softhsm):
    softhsm("maire-hsm", pki.signatory_subject("Jean", "Durand", "Maire", "Épinay"))
    return "maire-hsm"


@pytest.mark.slow
def test_a_key_held_in_a_pkcs11_token_signs_a_valid_arrete(arrete_pdf, softhsm_token, tmp_path):
    signed, _ = _sign(arrete_pdf, key_name=softhsm_token)
    report = check_pdf(signed)
    assert report.valid, report.problems
    assert report.signer_name == "Jean DURAND"
    path = tmp_path / "hsm.pdf"
    path.write_bytes(signed)
    assert_pdfsig_valid(path)


@pytest.mark.django_db
def test_the_dev_pki_command_gives_each_signatory_an_encrypted_certificate(tmp_path, monkeypatch):
    monkeypatch.setenv("PERMIS_PKI_DIR", str(tmp_path / "pki"))
    monkeypatch.setenv("PERMIS_PKI_PASSPHRASE", PASSPHRASE)
    commune = CommuneFactory()
    mayor = UserFactory(username="maire-demo", first_name="Jean", last_name="Durand")
    Membership.objects.create(user=mayor, role=Role.SIGNATORY, commune=commune, title="Maire")
    call_command("create_dev_pki")
    p12 = (tmp_path / "pki" / "signatories" / "maire-demo.p12").read_bytes()
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(p12, None)  # never stored in clear
    key, cert, _chain = pkcs12.load_key_and_certificates(p12, PASSPHRASE.encode())
    assert isinstance(key.curve, ec.SECP256R1)
    assert "Jean DURAND" in cert.subject.rfc4514_string()
    assert b"ENCRYPTED PRIVATE KEY" in (tmp_path / "pki" / "ca.key.pem").read_bytes()
    call_command("create_dev_pki")  # idempotent: the certificate is kept
    assert (tmp_path / "pki" / "signatories" / "maire-demo.p12").read_bytes() == p12


@pytest.mark.slow
def test_the_commune_s_seal_held_in_a_pkcs11_token_seals_a_valid_letter(
    arrete_pdf, softhsm, tmp_path
):
    softhsm(
        pki.seal_key_name("91216"),
        pki.seal_subject("Commune d'Épinay-sur-Orge", "91216"),
        folder="seals",
    )
    sealed, _ = seal_document(arrete_pdf, insee_code="91216", reason="test", location="Épinay")
    report = check_pdf(sealed)
    assert report.valid, report.problems
    assert report.sealed and report.signer_organisation == "Commune d'Épinay-sur-Orge"
    path = tmp_path / "seal-hsm.pdf"
    path.write_bytes(sealed)
    assert_pdfsig_valid(path)
