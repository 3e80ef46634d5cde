"""PAdES signatures with pyHanko (§7.3), keys from an encrypted PKCS#12 or a PKCS#11 token.

Levels: B-B (no time-stamp authority), B-T (a signature time-stamp inside the CMS) and B-LT.
For B-LT the validation data (chain and CRL) goes into a DSS written in the *same* revision as
the signature, before signing, instead of pyHanko's usual DSS update after it: the signature
then covers the whole file, which is what /verifier and `pdfsig` ("Total document signed")
require, and a later revision of any kind is a modification.

Two kinds of key: a signatory's own (decisions and arrêtés de retrait, signed in the parapheur)
and the commune's organisation seal (letters issued by an officer's act, `seal_document`).

The visible "signé électroniquement par" block is printed by the template (WeasyPrint); the
signature field itself is invisible.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from io import BytesIO

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore

from permits.decisions import conf
from permits.decisions.pki import seal_key_name

FIELD_NAME = "SignatureMaire"
SEAL_FIELD_NAME = "CachetCommune"
SIGNATORIES, SEALS = "signatories", "seals"  # folders of PERMIS_PKI_DIR (permits.decisions.pki)


class SigningError(Exception):
    """The key or certificate of a signatory cannot be used."""


def load_certificate(path) -> asn1_x509.Certificate:
    """A certificate in PEM or DER, as the PKI directory or an operator provides it."""
    data = path.read_bytes()
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return asn1_x509.Certificate.load(data)


def trust_roots() -> list[asn1_x509.Certificate]:
    """The CA that validation trusts; missing, signing stops with the command that creates it."""
    path = conf.pki_dir() / "ca.pem"
    if not path.exists():
        raise SigningError(f"no trust root: {path} (run `manage.py create_dev_pki`)")
    return [load_certificate(path)]


def crls() -> list[asn1_crl.CertificateList]:
    """The revocation lists embedded for B-LT (none when the PKI has none)."""
    path = conf.pki_dir() / "crl.pem"
    if not path.exists():
        return []
    data = path.read_bytes()
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return [asn1_crl.CertificateList.load(data)]


@contextlib.contextmanager
def signer_for(key_name: str, folder: str = SIGNATORIES) -> Iterator[signers.Signer]:
    """The signatory's signer: one certificate per signatory, chosen by `key_name` (the same
    for the commune's seal, in folder SEALS)."""
    if conf.signing_backend() == "pkcs11":
        module, token, pin = conf.pkcs11()
        session = open_pkcs11_session(
            module, token_criteria=TokenCriteria(label=token), user_pin=pin
        )
        try:
            cert_path = conf.pki_dir() / folder / f"{key_name}.pem"
            yield PKCS11Signer(
                session,
                key_label=key_name,
                signing_cert=load_certificate(cert_path) if cert_path.exists() else None,
                cert_label=None if cert_path.exists() else key_name,
                ca_chain=trust_roots(),
                # Hash on the host, raw ECDSA in the token: SoftHSM2 and many cards lack
                # CKM_ECDSA_SHA256.
                use_raw_mechanism=True,
            )
        finally:
            session.close()
        return
    path = conf.pki_dir() / folder / f"{key_name}.p12"
    if not path.exists():
        raise SigningError(f"no PKCS#12 file for {key_name!r}: {path}")
    yield _pkcs12_signer(str(path), path.stat().st_mtime_ns, conf.pki_passphrase())


# Opening a PKCS#12 (PBKDF2) is a third of a signature's cost: a worker keeps the opened key,
# and reopens the file whenever it changes (a renewed or revoked certificate).
@functools.lru_cache(maxsize=16)
def _pkcs12_signer(path: str, _mtime_ns: int, passphrase: bytes) -> signers.SimpleSigner:
    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=passphrase)
    if signer is None:  # pyHanko logs the cause (wrong passphrase, damaged file)
        raise SigningError(f"cannot open the PKCS#12 file {path}")
    return signer


def timestamper() -> TimeStamper | None:
    """The RFC 3161 time-stamper of PERMIS_TSA_URL ("dev": the local development TSA); None, no
    time-stamp."""
    url = conf.tsa_url()
    if not url:
        return None
    if url == "dev":
        directory = conf.pki_dir()
        key = serialization.load_pem_private_key(
            (directory / "tsa.key.pem").read_bytes(), conf.pki_passphrase()
        )
        der = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return DummyTimeStamper(
            tsa_cert=load_certificate(directory / "tsa.pem"),
            tsa_key=asn1_keys.PrivateKeyInfo.load(der),
            certs_to_embed=trust_roots(),
        )
    return HTTPTimeStamper(url)


def sign_pdf(
    pdf: bytes,
    signer: signers.Signer,
    *,
    level: str,
    reason: str,
    location: str,
    stamper: TimeStamper | None = None,
    field_name: str = FIELD_NAME,
) -> bytes:
    """One PAdES signature added as an incremental update (earlier signatures stay intact); for
    B-LT, with the certificates and CRLs a validator needs after the certificate expires."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    if level == "B-LT":
        DocumentSecurityStore.supply_dss_in_writer(
            writer,
            None,
            certs=[signer.signing_cert, *trust_roots(), *_tsa_certs()],
            crls=crls(),
        )
    if level != "B-B" and stamper is None:
        raise SigningError(f"PAdES {level} needs a time-stamp authority (PERMIS_TSA_URL)")
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=signer, timestamper=stamper if level != "B-B" else None
    )
    out = pdf_signer.sign_pdf(writer)
    return out.getvalue()


def _tsa_certs() -> list[asn1_x509.Certificate]:
    path = conf.pki_dir() / "tsa.pem"
    return [load_certificate(path)] if conf.tsa_url() == "dev" and path.exists() else []


def sign_document(
    pdf: bytes,
    *,
    key_name: str,
    reason: str,
    location: str,
    folder: str = SIGNATORIES,
    field_name: str = FIELD_NAME,
) -> tuple[bytes, str]:
    """Signs with the configured key source and level; returns (signed PDF, PAdES level)."""
    level = conf.pades_level()
    with signer_for(key_name, folder) as signer:
        signed = sign_pdf(
            pdf,
            signer,
            level=level,
            reason=reason,
            location=location,
            stamper=timestamper(),
            field_name=field_name,
        )
    return signed, level


def seal_document(pdf: bytes, *, insee_code: str, reason: str, location: str) -> tuple[bytes, str]:
    """Seals with the commune's organisation seal (PERMIS_PKI_DIR/seals/cachet-<INSEE>.p12, or
    the key labelled cachet-<INSEE> in the PKCS#11 token): same levels as a signature."""
    return sign_document(
        pdf,
        key_name=seal_key_name(insee_code),
        reason=reason,
        location=location,
        folder=SEALS,
        field_name=SEAL_FIELD_NAME,
    )
